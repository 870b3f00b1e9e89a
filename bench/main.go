// Command bench measures Albatross's event stores and projector against
// baselines of the same work done with the raw drivers, measured in the same
// run, and prints a table of rates and ratios (also written to -out).
//
// It needs a PostgreSQL server (pgtest.AdminURL, or -admin-url) on which it
// may create and drop databases; every database it creates is named
// albatross_bench_* and dropped WITH (FORCE) at the end, and every SQLite
// file lives in a temporary folder that is removed at the end.
//
// Run it with `make bench`, or `go run ./bench -quick` for a smoke run.
package main

import (
	"context"
	"errors"
	"flag"
	"fmt"
	"io"
	"log/slog"
	"os"
	"os/signal"
	"runtime"
	"runtime/pprof"
	"strconv"
	"strings"
	"syscall"
	"time"

	"github.com/albatross-va/albatross/store/pgtest"
	"github.com/albatross-va/albatross/store/projector"
)

func main() {
	ctx, stop := signal.NotifyContext(context.Background(), os.Interrupt, syscall.SIGTERM)
	err := run(ctx, os.Args[1:], os.Stdout, os.Stderr)
	stop()
	if err != nil {
		fmt.Fprintln(os.Stderr, "bench:", err)
		os.Exit(1)
	}
}

// config holds the sizes of every measurement; the defaults are the full run.
type config struct {
	out      string
	cpuProf  string
	adminURL string
	only     map[string]bool
	rounds   int

	pgAppends    int   // appends per case and round
	pgWriters    []int // concurrent writers, one case each
	projEvents   int   // events in the log the projector catches up on
	batchSize    int   // projector batch size and baseline batch size
	sqlAppends   int
	sqlWriters   []int
	replayCount  int // events in the SQLite log replayed at start
	flights      int // flights in the airline the flight search runs in
	searches     int // timed searches per case and round
	csvFlights   int // rows of the flights file the CSV import reads
	phpvmsPilots int // pilots of the generated phpVMS database
	phpvmsPireps int // PIREPs of the generated phpVMS database
	quick        bool
	albatross    string // the albatross binary the PIREP groups start; built when empty

	load         loadSizes       // the large airline of the load group (the small one has a tenth)
	loadPGPireps int             // its PIREPs in PostgreSQL
	loadDuration time.Duration   // of each page's load per target and round
	heapEvents   []int           // log sizes the embedded heap is measured at
	modes        map[string]bool // the modes the server-driving groups run in
	acars        acarsSizes      // the ACARS clients and browsers of the acars group
}

// groups are the measurements -only may select.
var groups = []string{"pg-append", "pg-projection", "sqlite-append", "sqlite-replay", "flight-search", "csv-import", "phpvms-import",
	"pirep-filing", "pirep-sse", "pirep-pages", "load", "acars"}

func parseFlags(args []string, stderr io.Writer) (config, error) {
	fs := flag.NewFlagSet("bench", flag.ContinueOnError)
	fs.SetOutput(stderr)
	var (
		c          config
		quick      bool
		only       string
		pgWriters  string
		sqlWriters string
		heapEvents string
		modes      string
	)
	fs.StringVar(&c.out, "out", "", "also write the table to this file")
	fs.StringVar(&c.cpuProf, "cpuprofile", "", "write a CPU profile of the whole run to this file")
	fs.StringVar(&c.adminURL, "admin-url", pgtest.AdminURL(), "PostgreSQL server on which to create the benchmark databases")
	fs.StringVar(&only, "only", strings.Join(groups, ","), "comma-separated measurements to run: "+strings.Join(groups, ", "))
	fs.BoolVar(&quick, "quick", false, "small sizes and one round, for a smoke run (explicit size flags still win)")
	fs.IntVar(&c.rounds, "rounds", 3, "rounds per measurement; the table shows the median")
	fs.IntVar(&c.pgAppends, "pg-appends", 6000, "PostgreSQL appends per case and round")
	fs.StringVar(&pgWriters, "pg-writers", "1,16", "PostgreSQL concurrent writers, one case each")
	fs.IntVar(&c.projEvents, "proj-events", 200_000, "events the PostgreSQL projector catches up on")
	fs.IntVar(&c.batchSize, "batch", projector.DefaultBatchSize, "projector batch size (and the baseline's)")
	fs.IntVar(&c.sqlAppends, "sqlite-appends", 6000, "SQLite appends per case and round")
	fs.StringVar(&sqlWriters, "sqlite-writers", "1,4", "SQLite concurrent writers, one case each")
	fs.IntVar(&c.replayCount, "replay-events", 1_000_000, "events in the SQLite log replayed at start")
	fs.IntVar(&c.flights, "flights", 50_000, "flights in the airline the flight search runs in")
	fs.IntVar(&c.searches, "searches", 2000, "timed flight searches per case and round")
	fs.IntVar(&c.csvFlights, "csv-flights", 50_000, "rows of the flights file the CSV import reads")
	fs.IntVar(&c.phpvmsPilots, "phpvms-pilots", 2000, "pilots of the generated phpVMS database the phpvms-import group imports")
	fs.IntVar(&c.phpvmsPireps, "phpvms-pireps", 200_000, "PIREPs of the generated phpVMS database the phpvms-import group imports")
	fs.StringVar(&c.albatross, "albatross", "", "albatross binary the pirep-* measurements start (empty: go build ./cmd/albatross into a temporary folder)")
	fs.IntVar(&c.load.pilots, "load-pilots", 2000, "pilots of the load group's large airline (the roster)")
	fs.IntVar(&c.load.flights, "load-flights", 50_000, "flights of the load group's large airline")
	fs.IntVar(&c.load.pireps, "load-pireps", 100_000, "PIREPs of the load group's large airline")
	fs.IntVar(&c.loadPGPireps, "load-pg-pireps", 100_000, "PIREPs of the load group's large airline in PostgreSQL (seeding projects about 1,200 PIREPs/s)")
	fs.DurationVar(&c.loadDuration, "load-duration", 3*time.Second, "load per page, target and round")
	fs.StringVar(&heapEvents, "heap-events", "100000,1000000", "log sizes at which the load group measures the embedded heap")
	fs.IntVar(&c.acars.clients, "acars-clients", 500, "simulated ACARS clients of the acars group, each its own pilot and aircraft")
	fs.IntVar(&c.acars.browsers, "acars-browsers", 200, "browsers watching the airline's live events in the acars group")
	fs.DurationVar(&c.acars.duration, "acars-duration", 3*time.Minute, "the acars group's measured flying with every browser open")
	fs.DurationVar(&c.acars.interval, "acars-interval", 2*time.Second, "how often each ACARS client posts an update and a position")
	fs.StringVar(&modes, "modes", "embedded,postgres", "modes the pirep-*, load and acars groups start the server in")
	if err := fs.Parse(args); err != nil {
		return config{}, err
	}
	if fs.NArg() > 0 {
		return config{}, fmt.Errorf("unexpected arguments %q", fs.Args())
	}
	c.quick = quick
	if quick {
		set := map[string]bool{}
		fs.Visit(func(f *flag.Flag) { set[f.Name] = true })
		small := map[string]func(){
			"rounds":         func() { c.rounds = 1 },
			"pg-appends":     func() { c.pgAppends = 400 },
			"proj-events":    func() { c.projEvents = 10_000 },
			"sqlite-appends": func() { c.sqlAppends = 400 },
			"replay-events":  func() { c.replayCount = 20_000 },
			"flights":        func() { c.flights = 5000 },
			"searches":       func() { c.searches = 200 },
			"csv-flights":    func() { c.csvFlights = 2000 },
			"phpvms-pilots":  func() { c.phpvmsPilots = 200 },
			"phpvms-pireps":  func() { c.phpvmsPireps = 5000 },
			"load-pilots":    func() { c.load.pilots = 100 },
			"load-flights":   func() { c.load.flights = 5000 },
			"load-pireps":    func() { c.load.pireps = 10_000 },
			"load-pg-pireps": func() { c.loadPGPireps = 2000 },
			"load-duration":  func() { c.loadDuration = time.Second },
			"heap-events":    func() { heapEvents = "10000,50000" },
			"acars-clients":  func() { c.acars.clients = 20 },
			"acars-browsers": func() { c.acars.browsers = 10 },
			"acars-duration": func() { c.acars.duration = 20 * time.Second },
		}
		for name, f := range small {
			if !set[name] {
				f()
			}
		}
	}
	var err error
	if c.pgWriters, err = parseInts(pgWriters); err != nil {
		return config{}, fmt.Errorf("-pg-writers: %w", err)
	}
	if c.sqlWriters, err = parseInts(sqlWriters); err != nil {
		return config{}, fmt.Errorf("-sqlite-writers: %w", err)
	}
	if c.heapEvents, err = parseInts(heapEvents); err != nil {
		return config{}, fmt.Errorf("-heap-events: %w", err)
	}
	c.load.aircraft = loadAircraft
	c.modes = map[string]bool{}
	for _, m := range strings.Split(modes, ",") {
		m = strings.TrimSpace(m)
		if m != "embedded" && m != "postgres" {
			return config{}, fmt.Errorf("-modes: unknown mode %q (want embedded, postgres)", m)
		}
		c.modes[m] = true
	}
	c.only = map[string]bool{}
	for _, g := range strings.Split(only, ",") {
		g = strings.TrimSpace(g)
		if g == "" {
			continue
		}
		known := false
		for _, k := range groups {
			known = known || k == g
		}
		if !known {
			return config{}, fmt.Errorf("-only: unknown measurement %q (want %s)", g, strings.Join(groups, ", "))
		}
		c.only[g] = true
	}
	switch {
	case c.rounds < 1:
		return config{}, errors.New("-rounds must be at least 1")
	case c.pgAppends < 1 || c.sqlAppends < 1 || c.projEvents < 1 || c.replayCount < 1 || c.batchSize < 1 ||
		c.flights < 1 || c.searches < 1 || c.csvFlights < 1 || c.load.pilots < loadConns || c.load.pireps < 1 || c.loadPGPireps < 1 || c.load.flights < 1 || c.loadDuration <= 0 ||
		c.acars.clients < 1 || c.acars.browsers < 1 || c.acars.duration <= 0 || c.acars.interval <= 0:
		return config{}, errors.New("sizes must be at least 1")
	}
	return c, nil
}

func parseInts(s string) ([]int, error) {
	var out []int
	for _, f := range strings.Split(s, ",") {
		n, err := strconv.Atoi(strings.TrimSpace(f))
		if err != nil || n < 1 {
			return nil, fmt.Errorf("%q is not a positive number", f)
		}
		out = append(out, n)
	}
	return out, nil
}

func run(ctx context.Context, args []string, stdout, stderr io.Writer) error {
	c, err := parseFlags(args, stderr)
	if err != nil {
		return err
	}
	if c.cpuProf != "" {
		f, err := os.Create(c.cpuProf)
		if err != nil {
			return err
		}
		defer f.Close()
		if err := pprof.StartCPUProfile(f); err != nil {
			return err
		}
		defer pprof.StopCPUProfile()
	}
	log := slog.New(slog.NewTextHandler(stderr, &slog.HandlerOptions{Level: slog.LevelInfo}))
	started := time.Now()
	t := &table{}

	if c.only["pg-append"] {
		if err := benchPGAppend(ctx, c, log, t); err != nil {
			return fmt.Errorf("PostgreSQL append: %w", err)
		}
	}
	if c.only["pg-projection"] {
		if err := benchPGProjection(ctx, c, log, t); err != nil {
			return fmt.Errorf("PostgreSQL projection: %w", err)
		}
	}
	if c.only["sqlite-append"] {
		if err := benchSQLiteAppend(ctx, c, log, t); err != nil {
			return fmt.Errorf("SQLite append: %w", err)
		}
	}
	if c.only["sqlite-replay"] {
		if err := benchSQLiteReplay(ctx, c, log, t); err != nil {
			return fmt.Errorf("SQLite replay: %w", err)
		}
	}
	if c.only["flight-search"] {
		if err := benchFlightSearch(ctx, c, log, t); err != nil {
			return fmt.Errorf("flight search: %w", err)
		}
	}
	if c.only["csv-import"] {
		if err := benchCSVImport(ctx, c, log, t); err != nil {
			return fmt.Errorf("CSV import: %w", err)
		}
	}
	if c.only["phpvms-import"] {
		if err := benchPhpvmsImport(ctx, c, log, t); err != nil {
			return fmt.Errorf("phpVMS import: %w", err)
		}
	}

	if c.only["pirep-filing"] || c.only["pirep-sse"] || c.only["pirep-pages"] || c.only["load"] || c.only["acars"] {
		if c.albatross == "" {
			dir, err := os.MkdirTemp("", "albatross-bench-bin-")
			if err != nil {
				return err
			}
			defer os.RemoveAll(dir)
			if c.albatross, err = buildAlbatross(ctx, dir, log); err != nil {
				return err
			}
		}
		for _, g := range []struct {
			name, what string
			f          func(context.Context, config, *slog.Logger, *table) error
		}{
			{"pirep-filing", "PIREP filing", benchPirepFiling},
			{"pirep-sse", "PIREP accept to SSE", benchPirepSSE},
			{"pirep-pages", "PIREP pages", benchPirepPages},
			{"load", "load", benchLoad},
			{"acars", "ACARS", benchACARS},
		} {
			if c.only[g.name] {
				if err := g.f(ctx, c, log, t); err != nil {
					return fmt.Errorf("%s: %w", g.what, err)
				}
			}
		}
	}

	var b strings.Builder
	fmt.Fprintf(&b, "Albatross benchmarks, %s, %s %s/%s, GOMAXPROCS=%d, %d rounds (median), took %s\n",
		started.UTC().Format(time.RFC3339), runtime.Version(), runtime.GOOS, runtime.GOARCH,
		runtime.GOMAXPROCS(0), c.rounds, time.Since(started).Round(time.Second))
	fmt.Fprintf(&b, "ratio = measured / baseline (for times: baseline / measured), so higher is better everywhere.\n\n")
	t.write(&b)
	if _, err := io.WriteString(stdout, b.String()); err != nil {
		return err
	}
	if c.out != "" {
		if err := os.WriteFile(c.out, []byte(b.String()), 0o644); err != nil {
			return fmt.Errorf("write %s: %w", c.out, err)
		}
	}
	return nil
}
