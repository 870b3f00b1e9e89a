package main

import (
	"context"
	"fmt"
	"log/slog"
	"math/rand/v2"
	"os"
	"os/exec"
	"path/filepath"
	"runtime"
	"slices"
	"strconv"
	"strings"
	"sync"
	"time"

	"github.com/albatross-va/albatross/domain"
	"github.com/albatross-va/albatross/domain/events"
	"github.com/albatross-va/albatross/store/memory"
	"github.com/albatross-va/albatross/store/notify"
	"github.com/albatross-va/albatross/store/projector"
	"github.com/albatross-va/albatross/store/sqlite"
)

// The load group drives the real `albatross serve` as a crowd does: 32
// keep-alive connections, each a logged-in browser session of its own,
// request after request for a fixed time per page, counting requests per
// second and the p99 latency. Each page is measured in a large airline and
// in one with 10 times less data, in the same log and server (the growth),
// and against a minimal echo+templ program (bench/baseline, a child process
// too) serving the large page's bytes, fetched once, through a templ
// component (the ratio), all three in the same round.

const (
	loadConns      = 32
	loadAircraft   = 100 // per large airline; the small one has a tenth
	loadSmallShare = 10  // the small airline has 1/loadSmallShare of everything
)

// loadSizes is the data of one airline of the load group.
type loadSizes struct{ pilots, flights, pireps, aircraft int }

func (s loadSizes) tenth() loadSizes {
	return loadSizes{pilots: max(loadConns, s.pilots/loadSmallShare), flights: s.flights / loadSmallShare,
		pireps: s.pireps / loadSmallShare, aircraft: max(1, s.aircraft/loadSmallShare)}
}

func (s loadSizes) String() string {
	return fmt.Sprintf("%d pilots, %d flights, %d PIREPs, %d aircraft", s.pilots, s.flights, s.pireps, s.aircraft)
}

// loadAirline is a seeded airline with its 32 pilot and 32 staff sessions.
type loadAirline struct {
	*pirepAirline
	firstPirep    string // one of the first pilot's accepted PIREPs
	pilots, staff []*browser
}

// loadPage is one page the crowd fetches; path gives its URL in an airline.
type loadPage struct {
	what    string
	asStaff bool
	path    func(a *loadAirline) string
}

var loadPages = []loadPage{
	{"pilot dashboard", false, func(a *loadAirline) string { return "/airlines/" + a.id + "/dashboard" }},
	{"flight search from an airport", false, func(a *loadAirline) string { return "/airlines/" + a.id + "/flights?dpt=EGLL" }},
	{"flight search, unfiltered", false, func(a *loadAirline) string { return "/airlines/" + a.id + "/flights" }},
	{"staff PIREP list", true, func(a *loadAirline) string { return "/airlines/" + a.id + "/pireps/all" }},
	{"review queue", true, func(a *loadAirline) string { return "/airlines/" + a.id + "/pireps/queue" }},
	{"roster", false, func(a *loadAirline) string { return "/airlines/" + a.id + "/roster" }},
	{"PIREP page (as staff)", true, func(a *loadAirline) string { return "/airlines/" + a.id + "/pireps/" + a.firstPirep }},
}

// benchLoad runs the load group: pages under load in both modes, then the
// live updates (the pirep-sse measurement, with its server CPU per
// accept, unless that group runs too), then the embedded heap per event.
func benchLoad(ctx context.Context, c config, log *slog.Logger, t *table) error {
	if err := raiseFileLimit(4096); err != nil {
		return err
	}
	dir, err := os.MkdirTemp("", "albatross-bench-baseline-")
	if err != nil {
		return err
	}
	defer os.RemoveAll(dir)
	baseline := filepath.Join(dir, "baseline")
	if out, err := exec.CommandContext(ctx, "go", "build", "-o", baseline, "./bench/baseline").CombinedOutput(); err != nil {
		return fmt.Errorf("go build ./bench/baseline: %w\n%s", err, out)
	}
	big, bigPG := c.load, c.load
	bigPG.pireps = c.loadPGPireps
	for _, open := range c.pirepModes() {
		st, err := open(ctx, c, log)
		if err != nil {
			return err
		}
		sz := big
		if st.pool != nil {
			sz = bigPG
		}
		err = measureLoad(ctx, c, log, t, st, baseline, sz)
		st.release()
		st.remove()
		if err != nil {
			return fmt.Errorf("%s: %w", st.mode, err)
		}
	}
	t.note("Load: the real `albatross serve` and, as the baseline, bench/baseline (echo + templ, a child process too, GOMAXPROCS as the server's), both on the "+
		"bench's 2 cores with the load generator. Two airlines in one log and one server, seeded through the event store (people through domain.Users, "+
		"flights and PIREPs appended as events; PostgreSQL projected with projector.CatchUp after each chunk of %d PIREPs, then ANALYZE): the large one with "+
		"%s (PostgreSQL: %d PIREPs, -load-pg-pireps), the small one with a tenth of each (the growth rows: small req/s over large, goal under 1.3). PIREPs as in PIREP pages (94%% accepted, 1%% pending, ...), "+
		"flights between the 12 airports, all active. %d connections, each its own keep-alive connection and logged-in session (32 pilots; the airline "+
		"admin logged in 32 times for staff pages), request after request for %s per page, airline and round, the whole body read; req/s = requests / time, "+
		"p99 over all requests of the round; %d rounds, the three targets of a page in a rotating order in each, median of the rounds (min-max in the last "+
		"column). The baseline serves each large page's bytes, fetched once, at GET /p/:name through a templ component (templ.Raw), no session. "+
		"Goals (issue 12): 0.5 of the baseline's req/s, p99 under 10 ms on a quiet machine.",
		pagesSeedChunk, big, bigPG.pireps, loadConns, c.loadDuration, c.rounds)

	// A whole run has measured it already in the pirep-sse group.
	if !c.only["pirep-sse"] {
		if err := benchPirepSSE(ctx, c, log, t); err != nil {
			return fmt.Errorf("accept to SSE: %w", err)
		}
	}
	for _, n := range c.heapEvents {
		if err := measureEmbeddedHeap(ctx, log, t, n); err != nil {
			return fmt.Errorf("heap at %d events: %w", n, err)
		}
	}
	t.note("Embedded heap: a SQLite log of N AirlineCreated events bulk-loaded as for SQLite replay, then what serve does at start (sqlite.Open, memory.New, " +
		"projector.New, CatchUp) in the bench's process; live heap = HeapAlloc after GC minus HeapAlloc after GC before the start, per event = that / N.")
	return nil
}

// seedLoadAirline creates an airline with sz's data and returns it with
// its sessions not yet logged in.
func seedLoadAirline(ctx context.Context, log *slog.Logger, st *pirepStore, sd *seeder, icao string, sz loadSizes) (*loadAirline, error) {
	t0 := time.Now()
	pa, err := sd.airline(ctx, icao, 0, sz.aircraft)
	if err != nil {
		return nil, err
	}
	// Admissions serialize on the airline's stream: more writers only conflict.
	if err := sd.pilots(ctx, pa, sz.pilots, min(st.writers, 4)); err != nil {
		return nil, err
	}
	people := time.Since(t0)
	t0 = time.Now()
	if err := sd.seedFlights(ctx, pa, sz.flights, st.writers); err != nil {
		return nil, err
	}
	if err := st.catchUp(ctx); err != nil {
		return nil, err
	}
	flights := time.Since(t0)
	t0 = time.Now()
	a := &loadAirline{pirepAirline: pa}
	for done := 0; done < sz.pireps; done += pagesSeedChunk {
		chunk := min(pagesSeedChunk, sz.pireps-done)
		// seedPireps numbers the chunk's PIREPs from 0: the state of the
		// airline's nth PIREP of each pilot goes on from the chunks before,
		// or every chunk of a 2,000-pilot airline would be its pilots'
		// first five PIREPs, all accepted, and the review queue empty.
		before := done / len(pa.pilotIDs)
		state := func(n int) string { return pirepState(before + n) }
		ids, err := sd.seedPireps(ctx, pa, chunk, st.writers, pirepLast.Add(-time.Duration(done/pagesSeedChunk)*time.Hour), state)
		if err != nil {
			return nil, err
		}
		if a.firstPirep == "" {
			a.firstPirep = ids[0] // pilot 0's, accepted (pirepState(0))
		}
		if err := st.catchUp(ctx); err != nil {
			return nil, err
		}
		if st.pool != nil {
			if _, err := st.pool.Exec(ctx, "ANALYZE pireps, pilot_stats, aircraft_pirep_totals, flights, users"); err != nil {
				return nil, err
			}
		}
	}
	log.Info("load: seeded", "mode", st.mode, "airline", icao, "sizes", sz.String(), "people_took", people.Round(time.Millisecond),
		"flights_took", flights.Round(time.Millisecond), "pireps_took", time.Since(t0).Round(time.Millisecond))
	return a, nil
}

// pilots adds n pilots to the airline with writers concurrent writers,
// each with pirepPassword chosen, in the order of their emails.
func (s *seeder) pilots(ctx context.Context, a *pirepAirline, n, writers int) error {
	slug := strings.ToLower(a.icao) + "-pireps"
	emails, ids := make([]string, n), make([]string, n)
	work := make([][]int, writers)
	for i := range n {
		emails[i] = fmt.Sprintf("pilot%d@%s.example.com", i, slug)
		work[i%writers] = append(work[i%writers], i)
	}
	_, err := runWriters(ctx, work, func(ctx context.Context, i int) error {
		id, err := s.person(ctx, a.id, domain.RolePilot, emails[i])
		ids[i] = id
		return err
	})
	a.pilotEmails, a.pilotIDs = append(a.pilotEmails, emails...), append(a.pilotIDs, ids...)
	return err
}

// seedFlights appends n active flights of the airline between its airports,
// each its own stream, as an import's bulk append does.
func (s *seeder) seedFlights(ctx context.Context, a *pirepAirline, n, writers int) error {
	work := make([][]int, writers)
	for i := range n {
		work[i%writers] = append(work[i%writers], i)
	}
	now := time.Now()
	_, err := runWriters(ctx, work, func(ctx context.Context, i int) error {
		rng := rand.New(rand.NewPCG(uint64(i), 7))
		dpt := csvAirportCodes[i%len(csvAirportCodes)]
		arr := csvAirportCodes[(1+rng.IntN(len(csvAirportCodes)-1)+i)%len(csvAirportCodes)]
		f := domain.FlightSchedule{FlightNumber: fmt.Sprint(i%9999 + 1), RouteLeg: int32(i / 9999), DptAirport: dpt, ArrAirport: arr,
			DptTime: fmt.Sprintf("%02d:%02d", rng.IntN(24), rng.IntN(12)*5), Days: domain.EveryDay,
			Distance: int32(max(1, domain.GreatCircleNM(csvAirports[dpt], csvAirports[arr]))), FlightTime: 60 + rng.Int32N(600),
			FlightType: "J", SubfleetIDs: []string{a.subfleet}, Active: true}
		ev := domain.NewFlightAdded(a.id, f, []string{"B738"}, now)
		return s.append(ctx, a.id, domain.FlightStream(ev.FlightId), domain.NoStream, domain.System.UserID, ev)
	})
	return err
}

// logIn opens the airline's 32 pilot and 32 staff sessions, each on a
// connection of its own.
func (a *loadAirline) logIn(ctx context.Context, srv *server) error {
	for i := range loadConns {
		p, s := newBrowserOneConn(srv.url), newBrowserOneConn(srv.url)
		if err := p.logIn(ctx, a.pilotEmails[i%len(a.pilotEmails)], pirepPassword); err != nil {
			return srv.wrap(err)
		}
		if err := s.logIn(ctx, a.staffEmail, pirepPassword); err != nil {
			return srv.wrap(err)
		}
		a.pilots, a.staff = append(a.pilots, p), append(a.staff, s)
	}
	return nil
}

func (a *loadAirline) sessions(p loadPage) []*browser {
	if p.asStaff {
		return a.staff
	}
	return a.pilots
}

// loadTarget is one of a page's three targets in a round.
type loadTarget struct {
	clients []*browser
	path    string
}

// loadResult is what one target did in one round.
type loadResult struct{ rps, p99 float64 }

// hammer has every client fetch path, one request after another on its
// own connection, for d, and returns the requests per second and the p99
// latency (µs) over all of them.
func hammer(ctx context.Context, tg loadTarget, d time.Duration) (loadResult, error) {
	var (
		wg    sync.WaitGroup
		start = make(chan struct{})
		lat   = make([][]float64, len(tg.clients))
		errs  = make([]error, len(tg.clients))
		end   time.Time
	)
	for i, b := range tg.clients {
		wg.Add(1)
		go func() {
			defer wg.Done()
			<-start
			for time.Now().Before(end) {
				t0 := time.Now()
				if _, err := b.getOK(ctx, tg.path); err != nil {
					errs[i] = err
					return
				}
				lat[i] = append(lat[i], float64(time.Since(t0).Nanoseconds())/1000)
			}
		}()
	}
	t0 := time.Now()
	end = t0.Add(d)
	close(start)
	wg.Wait()
	took := time.Since(t0)
	for _, err := range errs {
		if err != nil {
			return loadResult{}, err
		}
	}
	all := slices.Concat(lat...)
	return loadResult{rps: float64(len(all)) / took.Seconds(), p99: percentile(all, 0.99)}, nil
}

func measureLoad(ctx context.Context, c config, log *slog.Logger, t *table, st *pirepStore, baselineBin string, big loadSizes) error {
	sd := newSeeder(st.es)
	small, err := seedLoadAirline(ctx, log, st, sd, "LSM", big.tenth())
	if err != nil {
		return err
	}
	large, err := seedLoadAirline(ctx, log, st, sd, "LBG", big)
	if err != nil {
		return err
	}
	srv, err := st.serve(ctx, c)
	if err != nil {
		return err
	}
	defer srv.stop()
	log.Info("load: server started", "mode", st.mode, "url", srv.url, "took", srv.started.Round(time.Millisecond))
	for _, a := range []*loadAirline{small, large} {
		if err := a.logIn(ctx, srv); err != nil {
			return err
		}
	}

	// The baseline serves each large page's bytes, fetched once.
	dir, err := os.MkdirTemp("", "albatross-bench-pages-")
	if err != nil {
		return err
	}
	defer os.RemoveAll(dir)
	sizes := make([]int, len(loadPages))
	for i, p := range loadPages {
		body, err := large.sessions(p)[0].fetch(ctx, p.path(large))
		if err != nil {
			return srv.wrap(fmt.Errorf("%s: %w", p.what, err))
		}
		sizes[i] = len(body)
		if err := os.WriteFile(filepath.Join(dir, strconv.Itoa(i)), body, 0o644); err != nil {
			return err
		}
	}
	base, err := startChild(ctx, os.TempDir(), nil, baselineBin, "-dir", dir)
	if err != nil {
		return err
	}
	defer base.stop()
	baseClients := make([]*browser, loadConns)
	for i := range baseClients {
		baseClients[i] = newBrowserOneConn(base.url)
	}

	// results[page][target][round]; targets: large, small, baseline.
	results := make([][3][]loadResult, len(loadPages))
	targetsOf := func(i int, p loadPage) [3]loadTarget {
		return [3]loadTarget{{large.sessions(p), p.path(large)}, {small.sessions(p), p.path(small)}, {baseClients, "/p/" + strconv.Itoa(i)}}
	}
	warm := max(200*time.Millisecond, c.loadDuration/5)
	for i, p := range loadPages {
		for _, tg := range targetsOf(i, p) {
			if _, err := hammer(ctx, tg, warm); err != nil {
				return srv.wrap(fmt.Errorf("warm-up %s: %w", p.what, err))
			}
		}
	}
	for round := range c.rounds {
		for i, p := range loadPages {
			tgs := targetsOf(i, p)
			for k := range 3 {
				j := (k + round + i) % 3 // each target goes first, second and third in turn
				r, err := hammer(ctx, tgs[j], c.loadDuration)
				if err != nil {
					return srv.wrap(fmt.Errorf("%s: %w", p.what, err))
				}
				results[i][j] = append(results[i][j], r)
			}
			log.Info("load", "mode", st.mode, "round", round+1, "page", p.what, "bytes", sizes[i],
				"rps", int(results[i][0][round].rps), "rps_small", int(results[i][1][round].rps), "rps_baseline", int(results[i][2][round].rps),
				"p99_us", int(results[i][0][round].p99))
		}
	}
	for i, p := range loadPages {
		rps := func(j int) []float64 { return collect(results[i][j], func(r loadResult) float64 { return r.rps }) }
		p99 := func(j int) []float64 {
			return collect(results[i][j], func(r loadResult) float64 { return r.p99 / 1000 })
		}
		label := fmt.Sprintf("%s load, %s (%s B), %d connections", st.mode, p.what, format(float64(sizes[i]), ""), loadConns)
		t.add(row{what: label, unit: "req/s", measured: median(rps(0)), baseline: median(rps(2)),
			baseWhat: fmt.Sprintf("echo+templ, same bytes (goal 0.5); rounds %s vs %s", spread(rps(0), ""), spread(rps(2), ""))})
		t.add(row{what: label + " (p99)", unit: "ms", measured: median(p99(0)), baseline: median(p99(2)),
			baseWhat: fmt.Sprintf("the same (p99; goal under 10 ms); rounds %s vs %s", spread(p99(0), "ms"), spread(p99(2), "ms"))})
		growth := median(rps(1)) / median(rps(0))
		t.add(row{what: label + ", growth", unit: "req/s", measured: median(rps(0)), baseline: median(rps(1)),
			baseWhat: fmt.Sprintf("the same page at 1/10 of the data: growth small/large %.2f (goal under 1.3); rounds %s", growth, spread(rps(1), ""))})
	}
	return nil
}

func collect[T any](xs []T, f func(T) float64) []float64 {
	out := make([]float64, len(xs))
	for i, x := range xs {
		out[i] = f(x)
	}
	return out
}

// spread is "min–max" of a measurement's rounds.
func spread(xs []float64, unit string) string {
	if len(xs) == 0 {
		return "-"
	}
	return format(slices.Min(xs), unit) + "–" + format(slices.Max(xs), unit)
}

// measureEmbeddedHeap bulk-loads n events into a SQLite log, starts the
// embedded read models on it as serve does, and reports the live heap.
func measureEmbeddedHeap(ctx context.Context, log *slog.Logger, t *table, n int) error {
	dir, err := os.MkdirTemp("", "albatross-bench-heap-")
	if err != nil {
		return err
	}
	defer os.RemoveAll(dir)
	path := filepath.Join(dir, "events.db")
	reg := events.NewRegistry()
	if err := bulkLoadSQLite(ctx, path, newGen(reg), n); err != nil {
		return fmt.Errorf("bulk load: %w", err)
	}
	var ms runtime.MemStats
	runtime.GC()
	runtime.ReadMemStats(&ms)
	before := ms.HeapAlloc
	es, err := sqlite.Open(ctx, path, log)
	if err != nil {
		return err
	}
	defer es.Close()
	mem := memory.New()
	local := notify.NewLocal()
	defer local.Close()
	if err := projector.New(es, mem, reg, local, log, projector.All()...).CatchUp(ctx); err != nil {
		return fmt.Errorf("catch up: %w", err)
	}
	runtime.GC()
	runtime.ReadMemStats(&ms)
	live := float64(ms.HeapAlloc) - float64(before)
	runtime.KeepAlive(mem)
	label := fmt.Sprintf("%dk", n/1000)
	if n >= 1_000_000 && n%1_000_000 == 0 {
		label = fmt.Sprintf("%dM", n/1_000_000)
	}
	log.Info("load: embedded heap", "events", n, "live_mib", int(live/(1<<20)))
	t.add(row{what: "Embedded live heap after a start with " + label + " events", unit: "MiB", measured: live / (1 << 20)})
	t.add(row{what: "Embedded live heap per event after a start with " + label + " events", unit: "B/event", measured: live / float64(n)})
	return nil
}
