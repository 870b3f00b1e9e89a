package main

import (
	"context"
	"fmt"
	"log/slog"
	"time"
)

// PIREP pages at an airline's scale: one airline with pagesBigPireps PIREPs
// and, in the same log and server, one with pagesSmallPireps, the
// baseline. Both are seeded through the event store (timed: the appends,
// then the projection catching up), then each page of pirepPages is
// fetched by a logged-in browser of each airline in turn, one request at
// a time, and timed from the request to the last byte of the body.

const (
	// pagesBigPireps is the large airline in both modes. The embedded
	// mode's in-memory read models index PIREPs by pilot and by aircraft
	// and keep the accepted totals running (store/memory/pirep_index.go),
	// so its start, which replays the log, grows linearly with the PIREPs;
	// it once scanned every PIREP per acceptance and had to stop at 20k.
	pagesBigPireps   = 100_000
	pagesBigPilots   = 200 // 500 PIREPs each
	pagesSmallPireps = 1_000
	pagesSmallPilots = 10  // 100 PIREPs each: My PIREPs shows 100 rows in both airlines
	pagesAircraft    = 100 // per airline
	pageGets         = 30  // timed GETs of each page, per airline and round
	pageWarmUp       = 3   // untimed GETs of each page first
	pagesSeedChunk   = 10_000
)

// pirepPage is one page to time, fetched as the airline's first pilot or
// its airline admin; %s is the airline's id. ofPilot adds the airline's
// first pilot to the query string, for the list's pilot filter.
type pirepPage struct {
	what, path string
	asStaff    bool
	ofPilot    bool
}

// pirepPages are the pages timed at both scales.
var pirepPages = []pirepPage{
	{"My PIREPs", "/airlines/%s/pireps", false, false},
	{"review queue", "/airlines/%s/pireps/queue", true, false},
	{"airline PIREP list", "/airlines/%s/pireps/all", true, false},
	{"airline PIREP list (accepted, longest first)", "/airlines/%s/pireps/all?state=accepted&sort=longest", true, false},
	{"airline PIREP list (one pilot's)", "/airlines/%s/pireps/all?pilot=", true, true},
	{"pilot dashboard", "/airlines/%s/dashboard", false, false},
	{"pilot's notices (the dashboard's slot)", "/airlines/%s/notices", false, false},
	// The other pages a pilot opens every day: the filing form (its
	// aircraft and airport lists), the roster (every pilot's totals) and
	// the stats (over every PIREP).
	{"PIREP form", "/airlines/%s/pireps/new", false, false},
	{"roster", "/airlines/%s/roster", false, false},
	{"airline stats", "/airlines/%s/stats", false, false},
}

// pagesAirline is a seeded airline with its logged-in pilot and staff.
type pagesAirline struct {
	*pirepAirline
	pilot, staff *browser
}

func (a *pagesAirline) get(ctx context.Context, p pirepPage) (float64, int64, error) {
	b := a.pilot
	if p.asStaff {
		b = a.staff
	}
	path := fmt.Sprintf(p.path, a.id)
	if p.ofPilot {
		path += a.pilotIDs[0]
	}
	t0 := time.Now()
	n, err := b.getOK(ctx, path)
	return float64(time.Since(t0).Nanoseconds()) / 1000, n, err
}

// benchPirepPages measures the PIREP pages in both modes.
func benchPirepPages(ctx context.Context, c config, log *slog.Logger, t *table) error {
	var bigPilots int
	for _, open := range c.pirepModes() {
		st, err := open(ctx, c, log)
		if err != nil {
			return err
		}
		big := pagesBigPireps
		bigPilots = pagesBigPilots
		if c.quick {
			big, bigPilots = 10_000, 20
		}
		err = measurePirepPages(ctx, c, log, t, st, big, bigPilots)
		st.release()
		st.remove()
		if err != nil {
			return fmt.Errorf("%s: %w", st.mode, err)
		}
	}
	t.note("PIREP pages: two airlines in one log and one server, each with the 12 airports, %d aircraft and an airline admin: the large one with as many PIREPs "+
		"as its rows say, of %d pilots, the baseline with %d PIREPs of %d pilots (so the first pilot has at least 100, a full "+
		"My PIREPs page, in both). PIREPs are spread over two years; each pilot's are 94%% accepted (filed and accepted in one append, as an auto-accepting "+
		"rank does), 1%% pending, 3%% rejected and 1%% cancelled (a second append by the admin or the pilot), 1%% drafts; appended through the event store's "+
		"Append (16 writers on PostgreSQL, 4 on SQLite) in chunks of %d. PostgreSQL: projector.CatchUp after each chunk, then ANALYZE of the PIREP tables "+
		"(untimed), so the plans follow the tables' growth as autovacuum's statistics do on a live system, not only when it gets to it. Embedded: the projection is the server's start, which replays the whole log into memory, timed from exec to the first "+
		"answered /healthz. Pages: the real "+
		"`albatross serve`, a logged-in browser of each airline (its first pilot, or its airline admin for staff pages), %d timed GETs of each page per "+
		"airline and round, alternating between the airlines, one at a time, request to last byte; median and p99 of a round, median of the rounds. "+
		"The review queue lists every pending PIREP (1%%), so it has as many times the rows as the airline has PIREPs. "+
		"The airline PIREP list is the staff's first page of 50 with its count: unfiltered, accepted ones by flight time, and the first pilot's; "+
		"the pilot dashboard is the first pilot's, with their totals, rank and recent PIREPs; its notices load with a request of their own, "+
		"timed as the next page (the pilot's unread notices: one per accepted or rejected PIREP, none dismissed). The PIREP form, the roster "+
		"and the stats page are the first pilot's too.",
		pagesAircraft, bigPilots, pagesSmallPireps, pagesSmallPilots, pagesSeedChunk, pageGets)
	return nil
}

func measurePirepPages(ctx context.Context, c config, log *slog.Logger, t *table, st *pirepStore, big, bigPilots int) error {
	sd := newSeeder(st.es)
	small, err := sd.airline(ctx, "SML", pagesSmallPilots, pagesAircraft)
	if err != nil {
		return err
	}
	large, err := sd.airline(ctx, "BIG", bigPilots, pagesAircraft)
	if err != nil {
		return err
	}
	if err := st.catchUp(ctx); err != nil {
		return err
	}
	// seed appends n PIREPs in chunks and, in PostgreSQL, projects each
	// chunk and analyzes the tables, as autovacuum does on a live system
	// whose PIREPs arrive over time, so the projector's statements are not
	// planned on near-empty tables; it returns the time of each part.
	seed := func(a *pirepAirline, n int) (appended, projected time.Duration, err error) {
		for done := 0; done < n; done += pagesSeedChunk {
			chunk := min(pagesSeedChunk, n-done)
			t0 := time.Now()
			if _, err := sd.seedPireps(ctx, a, chunk, st.writers, pirepLast.Add(-time.Duration(done/pagesSeedChunk)*time.Hour), pirepState); err != nil {
				return 0, 0, err
			}
			appended += time.Since(t0)
			t0 = time.Now()
			if err := st.catchUp(ctx); err != nil {
				return 0, 0, err
			}
			projected += time.Since(t0)
			if st.pool != nil {
				if _, err := st.pool.Exec(ctx, "ANALYZE pireps, pilot_stats, aircraft_pirep_totals"); err != nil {
					return 0, 0, err
				}
			}
		}
		log.Info("pirep pages: seeded", "mode", st.mode, "airline", a.icao, "pireps", n,
			"append_took", appended.Round(time.Millisecond), "projection_took", projected.Round(time.Millisecond))
		return appended, projected, nil
	}
	k := fmt.Sprintf("%dk", big/1000)
	smallAppend, smallProject, err := seed(small, pagesSmallPireps)
	if err != nil {
		return err
	}
	var smallStart time.Duration
	if st.mode == "Embedded" { // its projection is the start
		srv, err := st.serve(ctx, c)
		if err != nil {
			return err
		}
		smallStart = srv.started
		srv.stop()
		if err := st.reopen(ctx); err != nil {
			return err
		}
		sd = newSeeder(st.es)
	}
	bigAppend, bigProject, err := seed(large, big)
	if err != nil {
		return err
	}
	rate := func(n int, d time.Duration) float64 { return float64(n) / d.Seconds() }
	t.add(row{what: fmt.Sprintf("%s seeding: append of %s PIREPs through the event store", st.mode, k), unit: "PIREPs/s",
		measured: rate(big, bigAppend), baseline: rate(pagesSmallPireps, smallAppend), baseWhat: fmt.Sprintf("the same for %d PIREPs", pagesSmallPireps)})
	if st.mode != "Embedded" {
		t.add(row{what: fmt.Sprintf("%s seeding: projection (CatchUp) of %s PIREPs", st.mode, k), unit: "PIREPs/s",
			measured: rate(big, bigProject), baseline: rate(pagesSmallPireps, smallProject), baseWhat: fmt.Sprintf("the same for %d PIREPs", pagesSmallPireps)})
	}

	srv, err := st.serve(ctx, c)
	if err != nil {
		return err
	}
	defer srv.stop()
	log.Info("pirep pages: server started", "mode", st.mode, "url", srv.url, "took", srv.started.Round(time.Millisecond))
	if st.mode == "Embedded" {
		t.add(row{what: fmt.Sprintf("Embedded start (read models rebuilt from the log) with %s + %d PIREPs", k, pagesSmallPireps), unit: "s",
			measured: srv.started.Seconds(), baseline: smallStart.Seconds(), baseWhat: fmt.Sprintf("the same with %d PIREPs", pagesSmallPireps)})
	}
	airlines := []*pagesAirline{{pirepAirline: small}, {pirepAirline: large}}
	for _, a := range airlines {
		a.pilot, a.staff = newBrowser(srv.url), newBrowser(srv.url)
		if err := a.pilot.logIn(ctx, a.pilotEmails[0], pirepPassword); err != nil {
			return srv.wrap(err)
		}
		if err := a.staff.logIn(ctx, a.staffEmail, pirepPassword); err != nil {
			return srv.wrap(err)
		}
	}
	for _, p := range pirepPages {
		for _, a := range airlines {
			var size int64
			for range pageWarmUp {
				_, n, err := a.get(ctx, p)
				if err != nil {
					return srv.wrap(err)
				}
				size = n
			}
			log.Info("pirep pages: page size", "mode", st.mode, "page", p.what, "airline", a.icao, "bytes", size)
		}
	}
	type stats struct{ med, p99 []float64 }
	got := map[string]*[2]stats{} // page → [small, large]
	for _, p := range pirepPages {
		got[p.what] = &[2]stats{}
	}
	for range c.rounds {
		for _, p := range pirepPages {
			var lat [2][]float64
			for range pageGets {
				for i, a := range airlines {
					us, _, err := a.get(ctx, p)
					if err != nil {
						return srv.wrap(err)
					}
					lat[i] = append(lat[i], us)
				}
			}
			s := got[p.what]
			for i := range airlines {
				s[i].med = append(s[i].med, percentile(lat[i], 0.5))
				s[i].p99 = append(s[i].p99, percentile(lat[i], 0.99))
			}
		}
	}
	for _, p := range pirepPages {
		s := got[p.what]
		label := fmt.Sprintf("%s %s page, %s PIREPs in the airline", st.mode, p.what, k)
		base := fmt.Sprintf("the same page, %d PIREPs in the airline", pagesSmallPireps)
		t.add(row{what: label + " (median)", unit: "µs", measured: median(s[1].med), baseline: median(s[0].med), baseWhat: base})
		t.add(row{what: label + " (p99)", unit: "µs", measured: median(s[1].p99), baseline: median(s[0].p99), baseWhat: base + " (p99)"})
	}
	return nil
}
