package main

import (
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"io"
	"log/slog"
	"net"
	"net/http"
	"net/http/pprof"
	"os"
	"path/filepath"
	"slices"
	"sync"
	"time"

	"github.com/albatross-va/albatross/domain"
	"github.com/albatross-va/albatross/domain/imports"
	"github.com/albatross-va/albatross/handlers"
	"github.com/albatross-va/albatross/internal/filelock"
	"github.com/albatross-va/albatross/internal/metrics"
	"github.com/albatross-va/albatross/mail"
	"github.com/albatross-va/albatross/reactors"
	"github.com/albatross-va/albatross/store/airportref"
	"github.com/albatross-va/albatross/store/apikeycache"
	"github.com/albatross-va/albatross/store/outage"
	"github.com/albatross-va/albatross/store/projector"
	"github.com/albatross-va/albatross/store/reads"
	"github.com/albatross-va/albatross/store/relay"
	"github.com/albatross-va/albatross/store/simbrief"
	"github.com/albatross-va/albatross/store/webhooks"
	"github.com/albatross-va/albatross/wiring"
)

// embeddedLiveBatch is the embedded projector's batch size once it serves.
const embeddedLiveBatch = 50

// serve runs the web server, the projector and the live-update broker until
// ctx ends, then shuts down in order: stop accepting, close the live
// streams, finish in-flight requests, let the projector finish its batch.
func serve(ctx context.Context, c config, stdout, stderr io.Writer) error {
	log := newLogger(c, stderr)
	b, err := openBackend(ctx, c, log)
	if err != nil {
		return err
	}
	defer func() {
		if err := b.close(); err != nil {
			log.Warn("closing", "err", err)
		}
	}()
	var snaps *snapshotter
	var servingSince time.Time   // set when this process is the only server of the log
	m := watchBackend(c, b, log) // before anything appends: every append is counted
	if b.mode == "embedded" {
		start := time.Now()
		unlock, err := claimDataDir(c.DataDir)
		if err != nil {
			return err
		}
		defer unlock()
		servingSince = start
		if c.SnapshotInterval > 0 {
			snaps = newSnapshotter(c, b, log)
			if snaps.last, err = snaps.position(ctx); err != nil {
				return err
			}
		}
		if err := b.projector.CatchUp(ctx); err != nil {
			return fmt.Errorf("rebuild read models from the log: %w", err)
		}
		log.Info("read models rebuilt from the event log", "took", time.Since(start))
		// From here on pages read while batches apply, and an in-memory
		// batch holds the read models' write lock (about 0.1 ms an event,
		// store/memory's BenchmarkProjectorBatchLockHold): small batches
		// keep a request's wait behind an import's events to a few
		// milliseconds. The start above serves nobody: it keeps the large
		// batches.
		b.projector.BatchSize = embeddedLiveBatch
	}

	ln, err := net.Listen("tcp", c.Addr)
	if err != nil {
		return fmt.Errorf("ALBATROSS_ADDR: cannot listen on %s: %w", c.Addr, err)
	}

	broker := handlers.NewBroker(log, c.Heartbeat)
	airportRef, err := airportref.Default()
	if err != nil {
		return err
	}
	if airportRef.Len() == 0 {
		log.Warn("the world airport reference is empty: this binary was built without make")
	}
	// A job's worker runs here; its status is in the shared store and its
	// progress goes to every process's pages through the notifier.
	importJobs := imports.NewJobs(b.importJobs, handlers.ImportProgress(b.notifier, log), log)
	defer importJobs.Close()
	if m != nil {
		importJobs.Watcher = m
		m.WatchBroker(broker)
		if c.RunRelay {
			m.WatchLag("relay", relayCheckpoint(b), b.events, log)
		}
	}
	cmds := wiring.NewCommands(b.events, b.registry, b.reads)
	// A prefile the previous server was cut off in holds no aircraft here.
	cmds.Pireps.SoleWriterSince = servingSince
	hookWorker := cmds.WithWebhooks(b.webhooks, webhooks.Guard{AllowPrivate: c.WebhookAllowPrivate}, c.PublicURL)
	hookWorker.Log = log
	// Emails are queued by the handlers and the emails reactor, and sent by
	// a worker in every process.
	mailer := mail.NewMailer(c.SMTP, b.mail)
	if mailer.Enabled() {
		if cmds.MailSigner, err = mail.NewSigner(ctx, b.mail); err != nil {
			return err
		}
		cmds.Mailer = mailer
	}
	// The reactors run where the projector runs; every process waits for
	// them after the commands whose events they follow.
	b.projector.WithReactors(b.reactors, cmds.Reactors()...)
	d := cmds.Deps()
	d.Log = log
	d.Sessions = handlers.NewSessions(b.sessions, c.SecureCookies)
	d.Events = b.events
	d.Waiter = b.projector
	d.Broker = broker
	d.Ready = readiness(b, c.ReadyMaxLag)
	d.Unavailable = outage.Is
	d.WaitBound = c.WaitBound
	d.SecureCookies = c.SecureCookies
	d.TrustedProxies = c.TrustedProxies
	d.APIKeyCache = b.apiKeys
	d.Throttles = b.throttles
	d.AirportRef = airportRef
	d.Imports = importJobs
	d.MapTiles = c.MapTiles
	d.SimbriefClient = &simbrief.Client{BaseURL: c.SimbriefURL}
	if mailer.Enabled() {
		d.Mailer, d.MailSigner, d.PublicURL = mailer, cmds.MailSigner, c.PublicURL
	}
	if m != nil {
		d.Metrics = m
		d.Pireps = m.Pireps(d.Pireps) // the ACARS positions
	}
	e := handlers.New(d)
	srv := &http.Server{
		Handler:           e,
		ReadHeaderTimeout: 10 * time.Second,
		ReadTimeout:       30 * time.Second,
		WriteTimeout:      30 * time.Second, // the SSE endpoint lifts it for its streams
		IdleTimeout:       120 * time.Second,
		ErrorLog:          slog.NewLogLogger(log.Handler(), slog.LevelWarn),
	}
	srv.RegisterOnShutdown(broker.Close)

	var wg sync.WaitGroup
	workCtx, stopWork := context.WithCancel(context.WithoutCancel(ctx))
	defer stopWork()
	wg.Add(1)
	go func() {
		defer wg.Done()
		if err := broker.Run(workCtx, b.notifier); err != nil {
			log.Error("live updates stopped", "err", err)
		}
	}()
	// Subscribed before serving: a revoke's notice must reach the key cache
	// of every process, this one included.
	keyNotices, err := b.notifier.Subscribe(workCtx)
	if err != nil {
		stopWork()
		wg.Wait()
		return fmt.Errorf("subscribe the api key cache to change notices: %w", err)
	}
	wg.Add(1)
	go func() {
		defer wg.Done()
		apikeycache.Follow(workCtx, keyNotices, b.apiKeys, b.reads, log)
	}()
	// Flights in progress whose ACARS client went silent are cancelled by
	// every process (the command checks the flight is still silent).
	// The minute sweeps: flights in progress silent too long are
	// cancelled, bids older than their airline's expiry are removed, and
	// unused SimBrief OFPs expire after their airline's time.
	for _, sweep := range []interface {
		Run(ctx context.Context, every time.Duration)
	}{
		&reactors.AbandonedFlights{Reads: reads.New(b.reads), Pireps: cmds.Pireps, Log: log},
		&reactors.ExpiredBids{Reads: reads.New(b.reads), Bids: cmds.Bids, Log: log},
		&reactors.ExpiredOFPs{Reads: reads.New(b.reads), Simbrief: cmds.Simbrief, Log: log},
	} {
		wg.Add(1)
		go func() {
			defer wg.Done()
			sweep.Run(workCtx, time.Minute)
		}()
	}
	// The years-since-joining awards follow the calendar: an hourly sweep
	// (the pilot's award stream grants each once, whoever sweeps).
	wg.Add(1)
	go func() {
		defer wg.Done()
		(&reactors.AwardAnniversaries{Reads: reads.New(b.reads), Awards: cmds.Awards, Log: log}).Run(workCtx, time.Hour)
	}()
	// The activity rule follows the calendar too: an hourly sweep puts
	// idle pilots on leave (once a pilot a day, whoever sweeps).
	wg.Add(1)
	go func() {
		defer wg.Done()
		(&reactors.ActivityLeave{Reads: reads.New(b.reads), Leave: cmds.Leave, Log: log}).Run(workCtx, time.Hour)
	}()
	if mailer.Enabled() {
		// Every process sends: a claim holds an email for one worker.
		wg.Add(1)
		go func() {
			defer wg.Done()
			mailer.Worker(log).Run(workCtx)
		}()
	}
	if c.RunProjector || b.mode == "embedded" { // embedded read models live only here
		wg.Add(1)
		go func() {
			defer wg.Done()
			if err := b.projector.Run(workCtx); err != nil {
				log.Error("projector stopped", "err", err)
			}
		}()
		// Webhooks are sent where the reactor that queues them runs.
		wg.Add(1)
		go func() {
			defer wg.Done()
			hookWorker.Run(workCtx)
		}()
	}

	if snaps != nil {
		wg.Add(1)
		go func() {
			defer wg.Done()
			snaps.run(workCtx)
		}()
	}

	if c.RunRelay {
		wg.Add(1)
		go func() {
			defer wg.Done()
			if err := newRelay(b, c, log).Run(workCtx); err != nil {
				log.Error("relay stopped", "err", err)
			}
		}()
	}

	if err := ensureFirstAdmin(ctx, b, log, stdout, c.WaitBound); err != nil {
		stopWork()
		wg.Wait()
		return err
	}

	if c.DebugAddr != "" {
		_, stopDebug, err := serveProfiler(c.DebugAddr, log)
		if err != nil {
			stopWork()
			wg.Wait()
			return err
		}
		defer stopDebug()
	}

	if m != nil {
		stopMetrics, err := serveMetrics(m, c, log)
		if err != nil {
			stopWork()
			wg.Wait()
			return err
		}
		defer stopMetrics()
	}

	serveErr := make(chan error, 1)
	go func() { serveErr <- srv.Serve(ln) }()
	url := "http://" + displayAddr(ln.Addr())
	log.Info("albatross is running", "url", url, "mode", b.mode, "version", buildVersion())
	fmt.Fprintf(stdout, "Albatross is running at %s (%s mode). Press Ctrl+C to stop.\n", url, b.mode)

	select {
	case err := <-serveErr:
		stopWork()
		wg.Wait()
		return fmt.Errorf("http server: %w", err)
	case <-ctx.Done():
	}
	log.Info("shutting down")
	shutCtx, cancel := context.WithTimeout(context.Background(), c.ShutdownTimeout)
	defer cancel()
	err = srv.Shutdown(shutCtx)
	stopWork() // the projector finishes its batch, the broker stops
	workDone := make(chan struct{})
	go func() { wg.Wait(); close(workDone) }()
	select {
	case <-workDone:
	case <-shutCtx.Done():
		return fmt.Errorf("shutdown: the projector did not finish its batch within %s", c.ShutdownTimeout)
	}
	if snaps != nil {
		// The projector has stopped: the next start replays nothing.
		snaps.write(context.WithoutCancel(ctx))
	}
	if err != nil && !errors.Is(err, http.ErrServerClosed) {
		return fmt.Errorf("shutdown: %w", err)
	}
	log.Info("stopped")
	return nil
}

// displayAddr turns a listen address into one a browser can open.
func displayAddr(a net.Addr) string {
	tcp, ok := a.(*net.TCPAddr)
	if !ok {
		return a.String()
	}
	host := tcp.IP.String()
	if tcp.IP.IsUnspecified() {
		host = "localhost"
	}
	return net.JoinHostPort(host, fmt.Sprint(tcp.Port))
}

// readiness checks that the session store (Redis, when set), the log and
// the read models answer and that every projection reaches the log's
// current head within maxLag. Each failure carries a safe reason (a
// domain.Error) for /readyz's body, and the cause for the log. Quarantined
// events make it degraded, not failed.
func readiness(b *backend, maxLag time.Duration) handlers.ReadinessCheck {
	return func(ctx context.Context) (any, error) {
		if b.redis != nil {
			if err := b.redis.Ping(ctx).Err(); err != nil {
				return nil, fmt.Errorf("%w: %w", domain.Errorf(domain.EUnavailable, "the session store (Redis) is unreachable"), err)
			}
		}
		status, err := b.projector.Status(ctx) // reads the log's head and every checkpoint
		if err != nil {
			return nil, fmt.Errorf("%w: %w", domain.Errorf(domain.EUnavailable, "the event store or read models do not answer"), err)
		}
		qs, err := b.projector.Quarantined(ctx)
		if err != nil {
			return nil, fmt.Errorf("%w: %w", domain.Errorf(domain.EUnavailable, "the read models do not answer"), err)
		}
		detail := readinessDetail{status: status, quarantined: len(qs)}
		// A reactor behind is shown, not a reason to stop serving pages.
		i := slices.IndexFunc(status, func(st projector.Status) bool { return !st.CaughtUp && !st.Reactor })
		if i < 0 {
			return detail, nil
		}
		// Behind now: ready if the projections reach this head in time.
		wctx, cancel := context.WithTimeout(ctx, maxLag)
		defer cancel()
		if err := b.projector.WaitFor(wctx, status[i].Head); err != nil {
			return detail, domain.Errorf(domain.EUnavailable, "projections are more than %s behind the log", maxLag)
		}
		return detail, nil
	}
}

// readinessDetail is the body of /readyz: each projection's status, as
// before, and how many events are quarantined.
type readinessDetail struct {
	status      []projector.Status
	quarantined int
}

// MarshalJSON keeps the detail the list of projection statuses.
func (d readinessDetail) MarshalJSON() ([]byte, error) { return json.Marshal(d.status) }

// DegradedReason implements handlers.Degraded.
func (d readinessDetail) DegradedReason() string {
	switch d.quarantined {
	case 0:
		return ""
	case 1:
		return "1 event is quarantined: a projection could not apply it (see /admin/quarantine)"
	default:
		return fmt.Sprintf("%d events are quarantined: projections could not apply them (see /admin/quarantine)", d.quarantined)
	}
}

// serveProfiler serves Go's profiler on its own listener, apart from the
// site's routes and middleware, so a loaded server can be profiled where it
// runs; it returns the address it listens on and the function that stops
// it.
func serveProfiler(addr string, log *slog.Logger) (at net.Addr, stop func(), err error) {
	ln, err := net.Listen("tcp", addr)
	if err != nil {
		return nil, nil, fmt.Errorf("ALBATROSS_DEBUG_ADDR: cannot listen on %s: %w", addr, err)
	}
	mux := http.NewServeMux()
	mux.HandleFunc("/debug/pprof/", pprof.Index)
	mux.HandleFunc("/debug/pprof/cmdline", pprof.Cmdline)
	mux.HandleFunc("/debug/pprof/profile", pprof.Profile)
	mux.HandleFunc("/debug/pprof/symbol", pprof.Symbol)
	mux.HandleFunc("/debug/pprof/trace", pprof.Trace)
	srv := &http.Server{Handler: mux, ReadHeaderTimeout: 10 * time.Second}
	go func() {
		if err := srv.Serve(ln); err != nil && !errors.Is(err, http.ErrServerClosed) {
			log.Warn("profiler listener stopped", "err", err)
		}
	}()
	log.Info("profiler listening", "addr", ln.Addr().String())
	return ln.Addr(), func() { _ = srv.Close() }, nil
}

// watchBackend returns the process's metrics over the backend b, nil when
// ALBATROSS_METRICS_ADDR is off: the event store's appends counted, the
// projector's batches timed and every projection's and reactor's lag read
// at each scrape. Call it before anything appends to b.events.
func watchBackend(c config, b *backend, log *slog.Logger) *metrics.Metrics {
	if c.MetricsAddr == "" {
		return nil
	}
	m := metrics.New(buildVersion())
	b.events = m.EventStore(b.events)
	b.projector.Observer = m
	m.WatchLag("projection", b.projector.Status, b.events, log)
	return m
}

// serveMetrics serves /metrics on its own listener. The default address
// taken already (another server on the machine, Prometheus itself) is a
// warning: only an address set on purpose must be served.
func serveMetrics(m *metrics.Metrics, c config, log *slog.Logger) (stop func(), err error) {
	_, stop, err = m.Serve(c.MetricsAddr, "ALBATROSS_METRICS_ADDR", log)
	if err != nil && c.MetricsDefault {
		log.Warn("no /metrics: its default address is taken; set ALBATROSS_METRICS_ADDR (or off)", "err", err)
		return func() {}, nil
	}
	return stop, err
}

// relayCheckpoint is the relay's place in the log, for its lag.
func relayCheckpoint(b *backend) metrics.Checkpoints {
	return func(ctx context.Context) ([]projector.Status, error) {
		head, err := b.events.Head(ctx)
		if err != nil {
			return nil, err
		}
		cp, err := b.reactors.Get(ctx, relay.DefaultName)
		if err != nil {
			return nil, err
		}
		return []projector.Status{{Name: relay.DefaultName, Checkpoint: cp.At, Head: head, CaughtUp: !head.After(cp.At)}}, nil
	}
}

// claimDataDir takes the embedded server's lock on its data folder: its
// read models live in this process only, so a second server of the same
// log would answer from read models that miss the first one's writes.
func claimDataDir(dir string) (func(), error) {
	path := filepath.Join(dir, "serve.lock")
	f, err := os.OpenFile(path, os.O_RDWR|os.O_CREATE, 0o600)
	if err != nil {
		return nil, fmt.Errorf("ALBATROSS_DATA_DIR: cannot open %s: %w", path, err)
	}
	locked, err := filelock.TryLock(f)
	if err != nil || !locked {
		_ = f.Close()
		if err == nil {
			err = errors.New("another albatross serve holds it")
		}
		return nil, fmt.Errorf("ALBATROSS_DATA_DIR: %s is served by another process already (%w); stop it, or give this one its own folder", dir, err)
	}
	return func() { filelock.Unlock(f); _ = f.Close() }, nil
}
