package main

import (
	"context"
	"fmt"
	"log/slog"
	"net/http"
	"net/url"
	"strings"
	"time"

	"github.com/albatross-va/albatross/domain"
)

// PIREP filing through the form, end to end: pilots logged in with a
// session cookie and a CSRF token POST the filing form of
// /airlines/:id/pireps to the real server, which files through the domain,
// waits until the read models have the PIREP (read your writes) and
// redirects to its page, which the pilot then opens. The baseline is the
// same browsers opening their home page, the cheapest page behind the
// login (session, user, airline, render), in the same run.

const (
	filingPilots   = 8   // browsers filing at once, one pilot each
	filingsPerCase = 400 // filings (and baseline page views) per mode and round
	filingWarmUp   = 5   // untimed filings and page views per browser first
)

// filer is one pilot's browser with the flights they have filed so far:
// each filing is a new flight number, so none is a duplicate of another.
type filer struct {
	*browser
	airline, aircraft string
	filed             int
}

// file posts the form of the next flight and opens the PIREP's page.
func (f *filer) file(ctx context.Context) error {
	f.filed++
	form := url.Values{"command_id": {domain.NewUUID()}, "flight_number": {fmt.Sprint(f.filed%9999 + 1)},
		"route_leg": {fmt.Sprint(f.filed/9999 + 1)}, "dpt_airport": {"EGLL"}, "arr_airport": {"LPPT"}, "aircraft_id": {f.aircraft},
		"block_off": {"2026-11-02T09:00"}, "block_on": {"2026-11-02T11:45"}, "flight_time": {"2:30"}, "level": {"36000"},
		"fuel_used": {"5200"}, "fuel_unit": {"kg"}, "landing_rate": {"-180"}, "route": {"dvr ul9 kotap"}, "submit": {"1"}}
	status, loc, err := f.post(ctx, "/airlines/"+f.airline+"/pireps", form)
	if err != nil {
		return err
	}
	if status != http.StatusSeeOther || !strings.HasPrefix(loc, "/airlines/"+f.airline+"/pireps/") {
		return fmt.Errorf("file a PIREP: status %d, to %q", status, loc)
	}
	_, err = f.getOK(ctx, loc)
	return err
}

// benchPirepFiling measures filings per second in both modes.
func benchPirepFiling(ctx context.Context, c config, log *slog.Logger, t *table) error {
	n := filingsPerCase
	if c.quick {
		n = 80
	}
	for _, open := range c.pirepModes() {
		st, err := open(ctx, c, log)
		if err != nil {
			return err
		}
		err = measurePirepFiling(ctx, c, log, t, st, n)
		st.release()
		st.remove()
		if err != nil {
			return fmt.Errorf("%s: %w", st.mode, err)
		}
	}
	t.note("PIREP filing: the real `albatross serve` (a child process, log level warn) with a seeded airline of 12 airports and 10 aircraft; "+
		"%d pilots logged in, each its own browser (cookie jar, session cookie, CSRF token from the _csrf cookie), file at once, %d filings per mode and round in all: "+
		"POST /airlines/:id/pireps (submitted, a new flight number each, so the 10-minute duplicate rule never applies), which waits for the read models "+
		"and answers 303, then GET of the PIREP's page it names (read your writes). Baseline: the same browsers, as many at once, GET / (the pilot's home: "+
		"session, user and airline read, page rendered) as many times, in the same round.", filingPilots, n)
	return nil
}

func measurePirepFiling(ctx context.Context, c config, log *slog.Logger, t *table, st *pirepStore, n int) error {
	sd := newSeeder(st.es)
	a, err := sd.airline(ctx, "FIL", filingPilots, 10)
	if err != nil {
		return err
	}
	if err := st.catchUp(ctx); err != nil {
		return err
	}
	srv, err := st.serve(ctx, c)
	if err != nil {
		return err
	}
	defer srv.stop()
	log.Info("pirep filing: server started", "mode", st.mode, "url", srv.url, "took", srv.started.Round(time.Millisecond))
	filers := make([]*filer, filingPilots)
	for i := range filers {
		filers[i] = &filer{browser: newBrowser(srv.url), airline: a.id, aircraft: a.aircraft[i%len(a.aircraft)]}
		if err := filers[i].logIn(ctx, a.pilotEmails[i], pirepPassword); err != nil {
			return srv.wrap(err)
		}
	}
	// Each writer is one pilot's browser: its ops are its own index.
	work := func(per int) [][]int {
		w := make([][]int, filingPilots)
		for i := range w {
			for range per {
				w[i] = append(w[i], i)
			}
		}
		return w
	}
	home := func(ctx context.Context, i int) error {
		_, err := filers[i].getOK(ctx, "/")
		return err
	}
	file := func(ctx context.Context, i int) error { return filers[i].file(ctx) }
	// Warm up: connections, statement caches, the first render of each page.
	if _, err := runWriters(ctx, work(filingWarmUp), func(ctx context.Context, i int) error {
		if err := file(ctx, i); err != nil {
			return err
		}
		return home(ctx, i)
	}); err != nil {
		return srv.wrap(err)
	}
	per := n / filingPilots
	var measured, baseline []float64
	for round := range c.rounds {
		took, err := runWriters(ctx, work(per), home)
		if err != nil {
			return srv.wrap(err)
		}
		baseline = append(baseline, float64(per*filingPilots)/took.Seconds())
		took, err = runWriters(ctx, work(per), file)
		if err != nil {
			return srv.wrap(err)
		}
		measured = append(measured, float64(per*filingPilots)/took.Seconds())
		log.Info("pirep filing", "mode", st.mode, "round", round, "pireps_per_s", int(measured[round]), "home_per_s", int(baseline[round]))
	}
	t.add(row{what: fmt.Sprintf("%s PIREP filing through the form, POST + PIREP page, %d pilots at once", st.mode, filingPilots), unit: "PIREPs/s",
		measured: median(measured), baseline: median(baseline), baseWhat: "GET / (the pilot's home), same browsers"})
	return nil
}
