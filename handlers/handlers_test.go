package handlers_test

import (
	"context"
	"io"
	"log/slog"
	"net/http"
	"net/http/cookiejar"
	"net/http/httptest"
	"path/filepath"
	"strings"
	"testing"
	"time"

	"github.com/PuerkitoBio/goquery"
	"github.com/alexedwards/scs/v2"
	"github.com/jackc/pgx/v5"
	"github.com/jackc/pgx/v5/pgxpool"
	"github.com/labstack/echo/v4"

	"github.com/albatross-va/albatross/domain"
	"github.com/albatross-va/albatross/domain/events"
	"github.com/albatross-va/albatross/domain/imports"
	"github.com/albatross-va/albatross/handlers"
	"github.com/albatross-va/albatross/mail"
	"github.com/albatross-va/albatross/mail/mailpittest"
	"github.com/albatross-va/albatross/store/airportref"
	"github.com/albatross-va/albatross/store/apikeycache"
	"github.com/albatross-va/albatross/store/importjobs"
	"github.com/albatross-va/albatross/store/memory"
	"github.com/albatross-va/albatross/store/notify"
	"github.com/albatross-va/albatross/store/pgtest"
	pgstore "github.com/albatross-va/albatross/store/postgres"
	"github.com/albatross-va/albatross/store/projector"
	"github.com/albatross-va/albatross/store/readmodel"
	"github.com/albatross-va/albatross/store/reads"
	"github.com/albatross-va/albatross/store/sqlite"
	"github.com/albatross-va/albatross/store/webhooks"
	"github.com/albatross-va/albatross/views"
	"github.com/albatross-va/albatross/wiring"
)

// app is the handlers on one mode's adapters, with the first admin.
type app struct {
	*httptest.Server
	adminOTP string
	echo     *echo.Echo
	es       domain.EventStore
	runner   *domain.Runner
	users    *domain.Users
	airlines *domain.Airlines
	fleet    *domain.Fleet
	flights  *domain.Flights
	pireps   *domain.Pireps
	ranks    *domain.Ranks
	bids     *domain.Bids
	rm       readmodel.Querier
	proj     *projector.Projector
	jobs     *imports.Jobs
	// webhooks are the airlines' webhooks; hookQueue their deliveries,
	// which hookWorker sends (fast retries: see newAppOn).
	webhooks   *domain.Webhooks
	hookQueue  webhooks.Queue
	hookWorker *webhooks.Worker
	// mail is the email store of the mode; mailer queues into it (its
	// worker sends only withMailpit).
	mail   mail.Store
	mailer *mail.Mailer
	// projectOnWait: no projector runs (withProjectionOnWait or
	// withProjectionBehind).
	projectOnWait bool
	// countEvents counts every committed event, not only those a reader
	// following the global order may see yet.
	countEvents func(t *testing.T) int
}

// newApp wires the handlers to the embedded adapters, as serve does, and
// creates the platform admin with a one-time password.
func newApp(t *testing.T, ready handlers.ReadinessCheck) *app {
	return newAppOn(t, embedded, ready)
}

// mode names the adapters an app runs on.
type mode string

const (
	embedded mode = "embedded" // SQLite event log, in-memory read models
	postgres mode = "postgres" // PostgreSQL for both
)

// newAppOn wires the handlers to a mode's adapters, as serve does. In the
// PostgreSQL mode it skips when PostgreSQL does not run (and fails in CI).
func newAppOn(t *testing.T, m mode, ready handlers.ReadinessCheck, opts ...appOption) *app {
	t.Helper()
	var o appOptions
	for _, opt := range opts {
		opt(&o)
	}
	ctx := context.Background()
	var (
		count    func(t *testing.T) int
		es       domain.EventStore
		rm       readmodel.Querier
		backend  projector.Backend
		sessions scs.Store
		reacted  projector.ReactorCheckpoints
		// pageReads, if set, are the read models the pages read, apart
		// from those of the commands and reactors.
		pageReads readmodel.Querier
		hookQueue webhooks.Queue
		mailStore mail.Store
	)
	switch m {
	case embedded:
		sq, err := sqlite.Open(ctx, filepath.Join(t.TempDir(), "events.db"), slog.Default())
		if err != nil {
			t.Fatal(err)
		}
		t.Cleanup(func() { sq.Close() })
		mem := memory.New()
		es, rm, backend, sessions, reacted = sq, mem, mem, sq.Sessions(), sq.ReactorCheckpoints()
		hookQueue = sq.WebhookQueue()
		if mailStore, err = sq.Mail(ctx); err != nil {
			t.Fatal(err)
		}
		count = func(t *testing.T) int {
			all, err := sq.ReadAll(ctx, domain.Start, 1<<20) // one writer: every commit is readable
			if err != nil {
				t.Fatal(err)
			}
			return len(all)
		}
	case postgres:
		dbURL := pgtest.NewDatabase(t)
		pool := connectPool(t, dbURL, nil)
		models := pgstore.NewReadModels(pool)
		es, rm, backend, sessions = pgstore.NewEventStore(pool, slog.Default()), models.Reader(), models, pgstore.NewSessionStore(pool)
		if o.readTracer != nil {
			// The handlers read on a pool of their own, so the tracer sees
			// the pages' queries only, not the projection's, the log's, nor
			// those of the commands and reactors still at work on events.
			pageReads = pgstore.NewReadModels(connectPool(t, dbURL, o.readTracer)).Reader()
		}
		reacted = pgstore.NewReactorCheckpoints(pool)
		hookQueue = pgstore.NewWebhookQueue(pool)
		mailStore = pgstore.NewMailStore(pool)
		count = func(t *testing.T) int {
			var n int
			if err := pool.QueryRow(ctx, "SELECT count(*) FROM events").Scan(&n); err != nil {
				t.Fatal(err)
			}
			return n
		}
	}
	notices := notify.NewLocal()
	cmds := wiring.NewCommands(es, events.NewRegistry(), rm)
	// Older tests name made-up subfleets and airports the airline lacks.
	cmds.Flights.Airports = flightAirports
	cmds.Flights.Subfleets = subfleetsOr{table: testSubfleets, next: reads.Operations{Q: cmds.Reads}}
	// Older tests file free flights: an airline that never set its PIREP
	// rules allows charters here (in production they are off until set).
	chartersOn := reads.PirepSettings{Q: cmds.Reads, Rules: domain.PirepRules{AllowCharters: true}}
	cmds.Pireps.Settings, cmds.Pireps.Facts = chartersOn, chartersOn
	// The test receivers listen on loopback; a world that checks the
	// guard turns it on. Retries come within a second, not minutes.
	hookWorker := cmds.WithWebhooks(hookQueue, webhooks.Guard{AllowPrivate: !o.webhookGuard}, testPublicURL)
	hookWorker.Poll, hookWorker.Backoff, hookWorker.MaxBackoff = 20*time.Millisecond, 100*time.Millisecond, 400*time.Millisecond
	if o.webhookMaxAge > 0 {
		hookWorker.MaxAge = o.webhookMaxAge
	}
	// Emails are off unless a test turns them on (its reactor's reads
	// would count in the tests that measure a page's work); they go
	// nowhere (a port nothing listens on) unless a test gives a Mailpit.
	var mailer *mail.Mailer
	if o.mail || o.mailpit != nil {
		settings := mail.Settings{Host: "127.0.0.1", Port: 9, TLS: mail.TLSNone, From: "noreply@albatross.test"}
		if o.mailpit != nil {
			settings = o.mailpit.Settings("noreply@albatross.test")
		}
		mailer = mail.NewMailer(settings, mailStore)
		signer, err := mail.NewSigner(ctx, mailStore)
		if err != nil {
			t.Fatal(err)
		}
		cmds.Mailer, cmds.MailSigner, cmds.PublicURL = mailer, signer, testPublicURL
	}
	proj := projector.New(es, backend, cmds.Runner.Registry, notices, slog.Default(), projector.All()...).
		WithReactors(reacted, cmds.Reactors()...)
	runner, users := cmds.Runner, cmds.Users
	_, otp, adminCreated, err := users.CreateFirstAdmin(ctx, domain.CommandMeta{})
	if err != nil {
		t.Fatal(err)
	}
	// PostgreSQL shows the admin's events to the projector only once no
	// earlier transaction of the cluster can commit below them.
	if err := (catchUpWaiter{proj}).WaitFor(ctx, adminCreated.Position); err != nil {
		t.Fatal(err)
	}
	runCtx, stop := context.WithCancel(ctx)
	t.Cleanup(stop)
	if !o.projectOnWait && !o.projectionBehind {
		go func() { _ = proj.Run(runCtx) }()
	}
	hooksDone := make(chan struct{})
	go func() { defer close(hooksDone); hookWorker.Run(runCtx) }()
	t.Cleanup(func() { stop(); <-hooksDone }) // before the databases close
	keyCache := apikeycache.NewLocal(0)
	keyNotices, err := notices.Subscribe(runCtx)
	if err != nil {
		t.Fatal(err)
	}
	go apikeycache.Follow(runCtx, keyNotices, keyCache, rm, slog.Default())
	if ready == nil {
		ready = func(context.Context) (any, error) { return "fine", nil }
	}
	broker := handlers.NewBroker(slog.Default(), time.Second)
	go func() { _ = broker.Run(runCtx, notices) }()
	jobs := imports.NewJobs(importjobs.NewLocal(imports.DefaultRetention), handlers.ImportProgress(notices, slog.Default()), slog.Default())
	t.Cleanup(jobs.Close)
	world := testAirports
	if o.worldAirports != "" {
		world = o.worldAirports
	}
	ref, err := airportref.New(strings.NewReader(world))
	if err != nil {
		t.Fatal(err)
	}
	d := cmds.Deps()
	if o.wrapReads != nil {
		if pageReads == nil {
			pageReads = rm
		}
		pageReads = o.wrapReads(pageReads)
	}
	if pageReads != nil {
		d.ReadModels = reads.New(pageReads)
	}
	d.Log = slog.Default()
	d.Sessions = handlers.NewSessions(sessions, false)
	d.Events = es
	d.Waiter = proj
	if o.projectOnWait {
		d.Waiter = catchUpWaiter{proj}
	}
	if o.projectionBehind {
		d.Waiter = waitsInVain{}
	}
	d.Broker = broker
	d.Ready = ready
	// Tests run in parallel on one PostgreSQL cluster, where a long
	// transaction of another test delays when events become readable.
	d.WaitBound = 10 * time.Second
	d.APIKeyCache = keyCache
	d.AirportRef = ref
	d.Imports = jobs
	d.Throttles = handlers.LocalThrottles()
	d.MapTiles = o.mapTiles
	d.SimbriefClient = o.simbrief
	d.SimbriefLoadPick = o.simbriefPick
	if mailer != nil {
		d.Mailer, d.MailSigner, d.PublicURL = mailer, cmds.MailSigner, testPublicURL
		if o.mailpit != nil {
			w := mailer.Worker(slog.Default())
			w.Every = 100 * time.Millisecond
			go w.Run(runCtx)
		}
	}
	e := handlers.New(d)
	airlines, fleet, flights, pireps, ranks := cmds.Airlines, cmds.Fleet, cmds.Flights, cmds.Pireps, cmds.Ranks
	srv := httptest.NewServer(e)
	t.Cleanup(srv.Close)
	return &app{Server: srv, adminOTP: otp, echo: e, es: es, runner: runner, users: users, airlines: airlines, fleet: fleet, flights: flights, pireps: pireps, ranks: ranks, bids: cmds.Bids, rm: rm, proj: proj, jobs: jobs, countEvents: count, projectOnWait: o.projectOnWait || o.projectionBehind,
		webhooks: cmds.Webhooks, hookQueue: hookQueue, hookWorker: hookWorker, mail: mailStore, mailer: mailer}
}

// withWebhookGuard refuses webhooks to private addresses, as production does.
func withWebhookGuard() appOption { return func(o *appOptions) { o.webhookGuard = true } }

// webhooksGiveUpAfter makes the worker give a delivery up after d.
func webhooksGiveUpAfter(d time.Duration) appOption {
	return func(o *appOptions) { o.webhookMaxAge = d }
}

// testPublicURL is the site's address the handlers' tests give the links
// in emails and webhook messages; a test reads the path and query from a
// link.
const testPublicURL = "https://va.albatross.test"

// withMailpit sends the app's emails to a Mailpit.
func withMailpit(s *mailpittest.Server) appOption { return func(o *appOptions) { o.mailpit = s } }

// withMail is a deployment with SMTP settings whose emails go nowhere.
func withMail() appOption { return func(o *appOptions) { o.mail = true } }

// appOptions are what an app's tests may change in its wiring.
type appOptions struct {
	webhookGuard  bool
	webhookMaxAge time.Duration
	mailpit       *mailpittest.Server
	mail          bool
	worldAirports string
	readTracer    pgx.QueryTracer // traces the handlers' read-model queries (PostgreSQL)
	mapTiles      views.MapTiles  // the tile server the maps draw
	simbrief      handlers.SimbriefFetcher
	simbriefPick  func(n int) int // SimBrief's load variance draw; nil: random
	// projectOnWait runs no projector: the read models move only when a
	// handler waits for them, so a test sees which requests wait.
	projectOnWait bool
	// projectionBehind runs no projector and has every wait run out, as
	// the bounded wait does when the projector is slower than its bound:
	// the read models move only when a test calls a.proj.CatchUp.
	projectionBehind bool
	// wrapReads, if set, wraps the read models the pages read (in both
	// modes), to count the queries they make.
	wrapReads func(readmodel.Querier) readmodel.Querier
}

// wrappingReads has the pages read through wrap.
func wrappingReads(wrap func(readmodel.Querier) readmodel.Querier) appOption {
	return func(o *appOptions) { o.wrapReads = wrap }
}

// catchUpWaiter projects everything in the log whenever a handler waits.
type catchUpWaiter struct{ proj *projector.Projector }

// PostgreSQL shows an event to the projector only once no transaction
// that began before it (in any of the cluster's databases) can still
// commit below it, so it catches up until the projections have pos.
func (w catchUpWaiter) WaitFor(ctx context.Context, pos domain.Position, types ...string) error {
	for {
		if err := w.proj.CatchUp(ctx); err != nil {
			return err
		}
		short, cancel := context.WithTimeout(ctx, 20*time.Millisecond)
		err := w.proj.WaitFor(short, pos, types...)
		cancel()
		if err == nil || ctx.Err() != nil {
			return err
		}
	}
}

// withProjectionOnWait has the read models move only when a handler
// waits for them.
func withProjectionOnWait() appOption { return func(o *appOptions) { o.projectOnWait = true } }

// withProjectionBehind has every wait for the read models run out, and the
// read models move only when the test projects.
func withProjectionBehind() appOption { return func(o *appOptions) { o.projectionBehind = true } }

// projectAll has the read models catch up with everything committed to
// the log so far (an app withProjectionBehind moves only so).
func (a *app) projectAll(t *testing.T) {
	t.Helper()
	ctx := context.Background()
	committed := a.countEvents(t)
	for deadline := time.Now().Add(10 * time.Second); ; time.Sleep(10 * time.Millisecond) {
		readable, err := a.es.ReadAll(ctx, domain.Start, 1<<20)
		if err != nil {
			t.Fatal(err)
		}
		if len(readable) >= committed {
			if err := (catchUpWaiter{a.proj}).WaitFor(ctx, readable[len(readable)-1].Position); err != nil {
				t.Fatal(err)
			}
			return
		}
		if time.Now().After(deadline) {
			t.Fatalf("%d of %d committed events readable after 10s", len(readable), committed)
		}
	}
}

// waitsInVain is a projection that never catches up within the bound.
type waitsInVain struct{}

func (waitsInVain) WaitFor(context.Context, domain.Position, ...string) error {
	return context.DeadlineExceeded
}

// simbriefAt points the app's SimBrief at a test's server.
func simbriefAt(f handlers.SimbriefFetcher) appOption {
	return func(o *appOptions) { o.simbrief = f }
}

// simbriefPick fixes the draw of SimBrief's load factor variance.
func simbriefPick(pick func(n int) int) appOption {
	return func(o *appOptions) { o.simbriefPick = pick }
}

// withWorldAirports sets the world reference: tab-separated lines as
// airportref.New reads them.
func withWorldAirports(tsv string) appOption {
	return func(o *appOptions) { o.worldAirports = tsv }
}

// appOption changes one of an app's appOptions.
type appOption func(*appOptions)

// withMapTiles has the maps draw a tile server's tiles.
func withMapTiles(tiles views.MapTiles) appOption {
	return func(o *appOptions) { o.mapTiles = tiles }
}

// tracingReads traces the queries the handlers make on the PostgreSQL read
// models (the embedded mode ignores it).
func tracingReads(tr pgx.QueryTracer) appOption {
	return func(o *appOptions) { o.readTracer = tr }
}

// connectPool connects to a test database, with a tracer if one is given,
// and closes the pool when the test ends.
func connectPool(t *testing.T, dbURL string, tr pgx.QueryTracer) *pgxpool.Pool {
	t.Helper()
	cfg, err := pgxpool.ParseConfig(dbURL)
	if err != nil {
		t.Fatal(err)
	}
	cfg.ConnConfig.Tracer = tr
	pool, err := pgxpool.NewWithConfig(context.Background(), cfg)
	if err != nil {
		t.Fatalf("connect: %v", err)
	}
	t.Cleanup(pool.Close)
	return pool
}

// subfleetsOr answers from a fixed table first (the made-up ids older
// tests use), then from the read models (the subfleets a form offers).
type subfleetsOr struct {
	table domain.SubfleetTable
	next  domain.SubfleetDirectory
}

func (s subfleetsOr) SubfleetType(ctx context.Context, tenantID, id string) (string, error) {
	if typ, ok := s.table[id]; ok {
		return typ, nil
	}
	return s.next.SubfleetType(ctx, tenantID, id)
}

// newClient is one browser: it keeps cookies and does not follow redirects.
func newClient() *http.Client {
	jar, _ := cookiejar.New(nil)
	return &http.Client{Jar: jar, CheckRedirect: func(*http.Request, []*http.Request) error { return http.ErrUseLastResponse }}
}

// get fetches a page as a visitor without cookies.
func get(t *testing.T, url string, header map[string]string) (*http.Response, string) {
	t.Helper()
	return getAs(t, http.DefaultClient, url, header)
}

// getAs fetches a page with a client's cookies.
func getAs(t *testing.T, client *http.Client, url string, header map[string]string) (*http.Response, string) {
	t.Helper()
	req, _ := http.NewRequest(http.MethodGet, url, nil)
	for k, v := range header {
		req.Header.Set(k, v)
	}
	resp, err := client.Do(req)
	if err != nil {
		t.Fatal(err)
	}
	defer resp.Body.Close()
	body, _ := io.ReadAll(resp.Body)
	return resp, string(body)
}

func TestPagesCarrySecurityHeadersAndRequestIDs(t *testing.T) {
	srv := newApp(t, nil)
	resp, body := get(t, srv.URL+"/login", map[string]string{"X-Request-Id": "proxy-id-1"})
	if resp.StatusCode != http.StatusOK {
		t.Fatalf("status %d", resp.StatusCode)
	}
	h := resp.Header
	csp := h.Get("Content-Security-Policy")
	for _, want := range []string{"script-src 'self'", "frame-ancestors 'none'"} {
		if !strings.Contains(csp, want) {
			t.Errorf("CSP %q lacks %q", csp, want)
		}
	}
	if strings.Contains(csp, "unsafe-inline") {
		t.Errorf("CSP allows inline code: %q", csp)
	}
	if h.Get("X-Content-Type-Options") != "nosniff" || h.Get("Referrer-Policy") == "" {
		t.Errorf("missing nosniff or Referrer-Policy: %v", h)
	}
	if h.Get("X-Request-Id") != "proxy-id-1" {
		t.Errorf("request id %q, want the proxy's", h.Get("X-Request-Id"))
	}
	doc, _ := goquery.NewDocumentFromReader(strings.NewReader(body))
	if doc.Find("script:not([src])").Length() != 0 {
		t.Errorf("the page has inline script, which the CSP would block")
	}
	if doc.Find(`[style]`).Length() != 0 {
		t.Errorf("the page has inline styles, which the CSP would block")
	}
	for _, label := range []string{"login-email", "login-password"} {
		if doc.Find(`label[for="`+label+`"]`).Length() != 1 {
			t.Errorf("input %s has no label", label)
		}
	}
	resp, _ = get(t, srv.URL+"/login", map[string]string{"X-Request-Id": "bad id; with spaces"})
	if id := resp.Header.Get("X-Request-Id"); id == "" || strings.ContainsAny(id, " ;") {
		t.Errorf("a malformed request id %q was kept instead of replaced", id)
	}
}

func TestErrorsAreRenderedAsPageOrFragment(t *testing.T) {
	srv := newApp(t, nil)
	admin := srv.adminClient(t)
	get := func(t *testing.T, url string, header map[string]string) (*http.Response, string) {
		return getAs(t, admin, url, header)
	}
	resp, body := get(t, srv.URL+"/no-such-page", nil)
	if resp.StatusCode != http.StatusNotFound || !strings.Contains(body, "<html") || !strings.Contains(body, `data-testid="error"`) {
		t.Errorf("unknown page: %d, want a 404 page; body %.200s", resp.StatusCode, body)
	}
	resp, body = get(t, srv.URL+"/no-such-page", map[string]string{"HX-Request": "true"})
	if resp.StatusCode != http.StatusNotFound || strings.Contains(body, "<html") || !strings.Contains(body, `data-testid="error"`) {
		t.Errorf("unknown fragment: %d, want a 404 fragment; body %.200s", resp.StatusCode, body)
	}
	if vary := strings.Join(resp.Header.Values("Vary"), ", "); !strings.Contains(vary, "HX-Request") {
		t.Errorf("Vary %q lacks HX-Request, so caches could mix page and fragment", vary)
	}
	resp, body = get(t, srv.URL+"/airlines", map[string]string{"HX-Request": "true", "HX-Boosted": "true"})
	if !strings.Contains(body, "<html") {
		t.Errorf("a boosted navigation got a fragment (status %d)", resp.StatusCode)
	}
}

func TestReadinessReportsTheCheck(t *testing.T) {
	healthy := newApp(t, nil)
	if resp, _ := get(t, healthy.URL+"/readyz", nil); resp.StatusCode != http.StatusOK {
		t.Errorf("ready: %d", resp.StatusCode)
	}
	sick := newApp(t, func(context.Context) (any, error) { return nil, projector.ErrNotCaughtUp })
	resp, body := get(t, sick.URL+"/readyz", nil)
	if resp.StatusCode != http.StatusServiceUnavailable || !strings.Contains(body, "unavailable") {
		t.Errorf("not ready: %d %s", resp.StatusCode, body)
	}
	if resp, _ := get(t, sick.URL+"/healthz", nil); resp.StatusCode != http.StatusOK {
		t.Errorf("healthz follows readiness; it should only say the process is up")
	}
	degraded := newApp(t, func(context.Context) (any, error) { return degradedDetail("1 event quarantined"), nil })
	resp, body = get(t, degraded.URL+"/readyz", nil)
	if resp.StatusCode != http.StatusOK || !strings.Contains(body, `"status":"degraded"`) || !strings.Contains(body, "1 event quarantined") {
		t.Errorf("degraded: %d %s, want 200 with the reason", resp.StatusCode, body)
	}
}

type degradedDetail string

func (d degradedDetail) DegradedReason() string { return string(d) }

func TestStaticAssetsAreServed(t *testing.T) {
	srv := newApp(t, nil)
	for _, name := range []string{"app.css", "htmx.min.js", "sse.js", "app.js", "world.svg"} {
		resp, body := get(t, srv.URL+"/static/"+name, nil)
		if resp.StatusCode != http.StatusOK || len(body) < 100 {
			t.Errorf("/static/%s: %d, %d bytes (run make assets)", name, resp.StatusCode, len(body))
		}
	}
	// The maps' basemaps: every country's outline, as an SVG image, in
	// the maps' two projections (the Mercator one goes under tiles).
	for name, viewBox := range map[string]string{"world.svg": `viewBox="0 0 1000 500"`, "world-mercator.svg": `viewBox="0 0 1000 1000"`} {
		if resp, body := get(t, srv.URL+"/static/"+name, nil); !strings.HasPrefix(resp.Header.Get("Content-Type"), "image/svg+xml") ||
			strings.Count(body, "M") < 177 || !strings.Contains(body, viewBox) {
			t.Errorf("/static/%s: %s with %d rings, want an SVG of the 177 countries, %s", name, resp.Header.Get("Content-Type"), strings.Count(body, "M"), viewBox)
		}
	}
}
