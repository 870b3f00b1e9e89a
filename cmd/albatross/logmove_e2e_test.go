package main

import (
	"bytes"
	"context"
	"fmt"
	"io"
	"net/http"
	"net/url"
	"os"
	"path/filepath"
	"reflect"
	"regexp"
	"slices"
	"sort"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/PuerkitoBio/goquery"
	"github.com/jackc/pgx/v5/pgxpool"

	"github.com/albatross-va/albatross/domain"
	"github.com/albatross-va/albatross/handlers/phpvmstest"
	"github.com/albatross-va/albatross/store/pgtest"
	"github.com/albatross-va/albatross/store/postgres"
	"github.com/albatross-va/albatross/store/sqlite"
)

// embeddedEvents reads every event of a data folder's log in global order.
func embeddedEvents(t *testing.T, dir string) []domain.RecordedEvent {
	t.Helper()
	es, err := sqlite.Open(context.Background(), filepath.Join(dir, "events.db"), nil)
	if err != nil {
		t.Fatal(err)
	}
	defer es.Close()
	return readWholeLog(t, es)
}

// postgresEvents reads every event of a database's log in global order.
func postgresEvents(t *testing.T, dbURL string) []domain.RecordedEvent {
	t.Helper()
	pool, err := pgxpool.New(context.Background(), dbURL)
	if err != nil {
		t.Fatal(err)
	}
	defer pool.Close()
	es := postgres.NewEventStore(pool, nil)
	defer es.Close()
	return readWholeLog(t, es)
}

func readWholeLog(t *testing.T, es domain.EventStore) []domain.RecordedEvent {
	t.Helper()
	var out []domain.RecordedEvent
	at := domain.Start
	for {
		evs, err := es.ReadAll(context.Background(), at, 1000)
		if err != nil {
			t.Fatal(err)
		}
		if len(evs) == 0 {
			return out
		}
		out = append(out, evs...)
		at = evs[len(evs)-1].Position
	}
}

// withoutPositions drops what a move between PostgreSQL clusters changes.
func withoutPositions(evs []domain.RecordedEvent) []domain.RecordedEvent {
	out := slices.Clone(evs)
	for i := range out {
		out[i].Position = domain.Position{}
	}
	return out
}

// sameEvents fails unless two logs hold the same events, field by field
// and byte by byte, in the same order.
func sameEvents(t *testing.T, what string, got, want []domain.RecordedEvent) {
	t.Helper()
	if len(got) != len(want) {
		t.Fatalf("%s: %d events, want %d", what, len(got), len(want))
	}
	for i := range want {
		if !reflect.DeepEqual(got[i], want[i]) {
			t.Fatalf("%s: event %d differs:\n got %+v\nwant %+v", what, i, got[i], want[i])
		}
	}
}

// site is what a deployment shows: every page the platform admin can open
// for every airline (and the PIREPs, people, fleet and flights they link
// to), and the phpVMS API a pilot's ACARS client reads, by path.
func siteSnapshot(t *testing.T, srv *testServer, pilotKey string) map[string]string {
	t.Helper()
	admin := newBrowser(t, srv)
	srv.waitReady(t)
	admin.logIn(t, "admin", adminPassword, "/airlines")
	pages := map[string]string{}
	seen := map[string]bool{}
	var visit func(path string)
	visit = func(path string) {
		if seen[path] {
			return
		}
		seen[path] = true
		resp, err := admin.client.Get(srv.URL + path)
		if err != nil {
			t.Fatalf("GET %s: %v", path, err)
		}
		body, _ := io.ReadAll(resp.Body)
		resp.Body.Close()
		pages[path] = fmt.Sprintf("%d %s", resp.StatusCode, normalizePage(string(body)))
		doc, err := goquery.NewDocumentFromReader(bytes.NewReader(body))
		if err != nil {
			return
		}
		doc.Find("a[href]").Each(func(_ int, a *goquery.Selection) {
			href, _ := a.Attr("href")
			if detailPage.MatchString(href) {
				visit(href)
			}
		})
	}
	_, doc := admin.get("/airlines")
	var ids []string
	doc.Find(`[data-testid="airline-row"]`).Each(func(_ int, s *goquery.Selection) {
		id, _ := s.Attr("data-id")
		ids = append(ids, id)
	})
	if len(ids) == 0 {
		t.Fatalf("%s lists no airline", srv.URL)
	}
	visit("/airlines")
	visit("/admin/quarantine")
	for _, id := range ids {
		for _, p := range []string{"", "/people", "/fleet", "/airports", "/flights", "/pireps", "/pireps/all", "/pireps/queue",
			"/roster", "/stats", "/dashboard", "/ranks", "/notices", "/settings/pireps", "/live", "/bids", "/imports"} {
			visit("/airlines/" + id + p)
		}
	}
	for _, p := range []string{"/api/user", "/api/user/fleet", "/api/user/bids", "/api/pireps", "/api/airlines", "/api/fleet", "/api/flights", "/api/acars"} {
		req, _ := http.NewRequest(http.MethodGet, srv.URL+"/a/petrel"+p, nil)
		req.Header.Set("X-API-Key", pilotKey)
		resp, err := http.DefaultClient.Do(req)
		if err != nil {
			t.Fatalf("GET %s: %v", p, err)
		}
		body, _ := io.ReadAll(resp.Body)
		resp.Body.Close()
		pages["api "+p] = fmt.Sprintf("%d %s", resp.StatusCode, strings.ReplaceAll(string(body), srv.URL, "…"))
	}
	if len(pages) < 40 {
		t.Fatalf("%s shows only %d pages", srv.URL, len(pages))
	}
	return pages
}

// detailPage is a link to one record's page under an airline.
var detailPage = regexp.MustCompile(`^/airlines/[0-9a-f-]{36}/(pireps|people|fleet/aircraft|fleet/subfleets|flights|airports|ranks)/[^/?#]+$`)

// perRender are the parts of a page that differ from one rendering to the
// next: the session's CSRF token, a form's fresh command id, the script
// nonce.
var perRender = []*regexp.Regexp{
	regexp.MustCompile(`name="_csrf" value="[^"]*"`),
	regexp.MustCompile(`name="command_id" value="[^"]*"`),
	regexp.MustCompile(`nonce="[^"]*"`),
	regexp.MustCompile(`"X-CSRF-Token":\s*"[^"]*"`),
	regexp.MustCompile(`&#34;X-CSRF-Token&#34;:\s*&#34;[^&]*&#34;`),
}

func normalizePage(s string) string {
	for _, re := range perRender {
		s = re.ReplaceAllString(s, "…")
	}
	return s
}

// sameSite fails unless two deployments show the same pages and API.
func sameSite(t *testing.T, what string, got, want map[string]string) {
	t.Helper()
	var paths []string
	for p := range want {
		paths = append(paths, p)
	}
	sort.Strings(paths)
	for _, p := range paths {
		if got[p] != want[p] {
			t.Errorf("%s: %s differs:\n got %s\nwant %s", what, p, firstDifference(got[p], want[p]), firstDifference(want[p], got[p]))
		}
	}
	if len(got) != len(want) {
		t.Errorf("%s: %d pages, want %d", what, len(got), len(want))
	}
}

func firstDifference(a, b string) string {
	i := 0
	for i < len(a) && i < len(b) && a[i] == b[i] {
		i++
	}
	lo, hi := max(0, i-80), min(len(a), i+120)
	return a[lo:hi]
}

// seedAirlines fills a deployment with what phpVMS's ACARS scenarios
// leave behind: two airlines, their people, airports and fleet, a pilot's
// API key, flown, filed and cancelled PIREPs with positions, and bids.
func seedAirlines(t *testing.T, srv *testServer) phpvmstest.Site {
	t.Helper()
	site := acarsSite(t, srv)
	phpvmstest.AcarsFlight(t, site)
	admin := newBrowser(t, srv)
	admin.logIn(t, "admin", adminPassword, "/airlines")
	importSample(t, admin, airlineID(t, admin, "Petrel Virtual"), "flights")
	return site
}

// An airline that outgrew the single binary moves to PostgreSQL: the log
// exported from the data folder, imported into a new database, has every
// event byte for byte at the same positions, the rebuilt read models show
// every page and API answer as the embedded mode did, and the moved
// deployment goes on taking writes.
func TestMoveFromTheEmbeddedModeToPostgres(t *testing.T) {
	dir := t.TempDir()
	embeddedEnv := map[string]string{"ALBATROSS_DATA_DIR": dir, "ALBATROSS_WAIT_BOUND": slowMachineWait}
	srv := startServer(t, embeddedEnv)
	site := seedAirlines(t, srv)
	srv.stop(t)

	file := filepath.Join(t.TempDir(), "albatross.log")
	out, _, err := runCLI(t, embeddedEnv, "log", "export", file)
	if err != nil || !strings.Contains(out, "Exported") {
		t.Fatalf("export: %q %v", out, err)
	}
	pgEnv := map[string]string{"DATABASE_URL": pgtest.NewEmptyDatabase(t), "ALBATROSS_WAIT_BOUND": slowMachineWait}
	out, _, err = runCLI(t, pgEnv, "log", "import", file)
	if err != nil || !strings.Contains(out, "Rebuilt the read models") {
		t.Fatalf("import: %q %v", out, err)
	}

	source := embeddedEvents(t, dir)
	sameEvents(t, "PostgreSQL after the import", postgresEvents(t, pgEnv["DATABASE_URL"]), source)
	if len(source) < 50 {
		t.Fatalf("the seeded log has only %d events", len(source))
	}

	before := siteSnapshot(t, startServer(t, embeddedEnv), site.Key)
	moved := startServer(t, pgEnv)
	sameSite(t, "PostgreSQL after the move", siteSnapshot(t, moved, site.Key), before)

	// The moved deployment takes writes, which sort after the imported log,
	// and the unique values claimed before the move are still taken.
	onMoved := loginAsAdmin(t, moved)
	if resp, _ := onMoved.post("/airlines", onMoved.airlineForm("Second Petrel", "PTW", "", "petrel"), nil); resp.StatusCode == http.StatusSeeOther {
		t.Errorf("an airline took the slug petrel, claimed before the move")
	}
	createAirline(t, onMoved, "After The Move", "ATM", "after-move")
	after := postgresEvents(t, pgEnv["DATABASE_URL"])
	if len(after) <= len(source) || !after[len(after)-1].Position.After(source[len(source)-1].Position) {
		t.Errorf("the new airline's events do not follow the imported log")
	}
}

// A PostgreSQL deployment moves to another cluster (whose transaction ids,
// the commit positions, have nothing to do with the source's), and back to
// the embedded mode: both get every event byte for byte in the same global
// order, numbered from 1, and show the same pages.
func TestMoveFromPostgresToAnotherClusterAndToTheEmbeddedMode(t *testing.T) {
	srcEnv := map[string]string{"DATABASE_URL": pgtest.NewDatabase(t), "ALBATROSS_WAIT_BOUND": slowMachineWait}
	srv := startServer(t, srcEnv)
	site := seedAirlines(t, srv)
	srv.stop(t)
	file := filepath.Join(t.TempDir(), "albatross.log")
	if out, _, err := runCLI(t, srcEnv, "backup", file); err != nil || !strings.Contains(out, "from the postgres log") {
		t.Fatalf("backup of a PostgreSQL deployment: %q %v", out, err)
	}

	pgEnv := map[string]string{"DATABASE_URL": pgtest.NewEmptyDatabase(t), "ALBATROSS_WAIT_BOUND": slowMachineWait}
	if out, _, err := runCLI(t, pgEnv, "log", "import", file); err != nil || !strings.Contains(out, "numbered 1 onwards") {
		t.Fatalf("import into PostgreSQL: %q %v", out, err)
	}
	dir := filepath.Join(t.TempDir(), "data")
	embeddedEnv := map[string]string{"ALBATROSS_DATA_DIR": dir, "ALBATROSS_WAIT_BOUND": slowMachineWait}
	if out, _, err := runCLI(t, embeddedEnv, "log", "import", file); err != nil || !strings.Contains(out, "Imported") {
		t.Fatalf("import into a data folder: %q %v", out, err)
	}

	source := postgresEvents(t, srcEnv["DATABASE_URL"])
	inPostgres := postgresEvents(t, pgEnv["DATABASE_URL"])
	embedded := embeddedEvents(t, dir)
	defer func() {
		if after := embeddedEvents(t, dir); len(after) <= len(embedded) || !after[len(after)-1].Position.After(embedded[len(embedded)-1].Position) {
			t.Errorf("the data folder's new events do not follow the imported log")
		}
	}()
	sameEvents(t, "the other cluster", withoutPositions(inPostgres), withoutPositions(source))
	sameEvents(t, "the data folder", embedded, inPostgres)
	for i, e := range embedded {
		if e.Position != (domain.Position{Seq: int64(i + 1)}) {
			t.Fatalf("event %d is at %s, want 0.%d", i, e.Position, i+1)
		}
	}

	// Each reactor's checkpoint names the same event as in the source, so
	// no reaction is sent again.
	srcCPs, dstCPs := reactorCheckpoints(t, srcEnv["DATABASE_URL"]), reactorCheckpoints(t, pgEnv["DATABASE_URL"])
	if len(srcCPs) == 0 || len(srcCPs) != len(dstCPs) {
		t.Fatalf("reactor checkpoints: source %v, imported %v", srcCPs, dstCPs)
	}
	for name, at := range srcCPs {
		if got, want := eventAt(inPostgres, dstCPs[name]), eventAt(source, at); got != want {
			t.Errorf("reactor %s: imported checkpoint at %s (%s), source at %s (%s)", name, dstCPs[name], got, at, want)
		}
	}

	before := siteSnapshot(t, startServer(t, srcEnv), site.Key)
	sameSite(t, "the other cluster", siteSnapshot(t, startServer(t, pgEnv), site.Key), before)
	restored := startServer(t, embeddedEnv)
	sameSite(t, "the data folder", siteSnapshot(t, restored, site.Key), before)
	// New writes in the data folder follow the imported log.
	onRestored := newBrowser(t, restored)
	onRestored.logIn(t, "admin", adminPassword, "/airlines")
	createAirline(t, onRestored, "After The Move", "ATM", "after-move")
}

// A file cut short or altered is refused with a message that says so, and
// leaves the target as empty as it was; a store that has events refuses
// any import.
func TestImportRefusesDamagedFilesAndStoresWithEvents(t *testing.T) {
	dir := t.TempDir()
	env := map[string]string{"ALBATROSS_DATA_DIR": dir}
	srv := startServer(t, env)
	admin := loginAsAdmin(t, srv)
	createAirline(t, admin, "Alpha Air", "ALP", "alpha")
	srv.stop(t)
	file := filepath.Join(t.TempDir(), "good.log")
	if _, _, err := runCLI(t, env, "log", "export", file); err != nil {
		t.Fatal(err)
	}
	if _, _, err := runCLI(t, env, "log", "export", file); err == nil || !strings.Contains(err.Error(), "exists already") {
		t.Errorf("export over an existing file: %v", err)
	}
	good, err := os.ReadFile(file)
	if err != nil {
		t.Fatal(err)
	}
	truncated := filepath.Join(t.TempDir(), "truncated.log")
	_ = os.WriteFile(truncated, good[:len(good)*2/3], 0o600)
	altered := filepath.Join(t.TempDir(), "altered.log")
	changed := bytes.Clone(good)
	i := bytes.Index(changed, []byte("Alpha Air"))
	changed[i] = 'O' // "Olpha Air": the lengths still add up
	_ = os.WriteFile(altered, changed, 0o600)

	targets := map[string]struct {
		env    map[string]string
		events func() int
	}{}
	newDir := filepath.Join(t.TempDir(), "new")
	targets["embedded"] = struct {
		env    map[string]string
		events func() int
	}{map[string]string{"ALBATROSS_DATA_DIR": newDir}, func() int { return len(embeddedEvents(t, newDir)) }}
	dbURL := pgtest.NewEmptyDatabase(t)
	targets["postgres"] = struct {
		env    map[string]string
		events func() int
	}{map[string]string{"DATABASE_URL": dbURL}, func() int { return len(postgresEvents(t, dbURL)) }}
	want := len(embeddedEvents(t, dir))
	for name, tg := range targets {
		t.Run(name, func(t *testing.T) {
			for _, c := range []struct{ file, says string }{{truncated, "truncated"}, {altered, "altered"}} {
				_, _, err := runCLI(t, tg.env, "log", "import", c.file)
				if err == nil || !strings.Contains(err.Error(), c.says) || !strings.Contains(err.Error(), "nothing was imported") {
					t.Errorf("import of the %s file: %v", c.says, err)
				}
				if n := tg.events(); n != 0 {
					t.Errorf("after the %s file the store has %d events", c.says, n)
				}
			}
			if _, _, err := runCLI(t, tg.env, "log", "import", file); err != nil {
				t.Fatalf("import of the good file: %v", err)
			}
			_, _, err := runCLI(t, tg.env, "log", "import", file)
			if err == nil || !strings.Contains(err.Error(), "already has") {
				t.Errorf("a second import: %v, want it refused", err)
			}
			if n := tg.events(); n != want {
				t.Errorf("after the refused import the store has %d events, want %d", n, want)
			}
		})
	}
}

// A backup taken while the server serves and appends is a data folder that
// `albatross serve` starts from, with every airline created before the
// backup began.
func TestBackupWhileAppendingStartsWithEveryCommittedEvent(t *testing.T) {
	dir := t.TempDir()
	env := map[string]string{"ALBATROSS_DATA_DIR": dir}
	srv := startServer(t, env)
	admin := loginAsAdmin(t, srv)
	form := admin.airlineForm("x", "XXX", "", "x")
	csrf := form.Get("_csrf")

	var (
		mu      sync.Mutex
		created []string
		failed  error
	)
	stop := make(chan struct{})
	done := make(chan struct{})
	go func() { // a writer that keeps creating airlines while the backup runs
		defer close(done)
		for n := 0; ; n++ {
			select {
			case <-stop:
				return
			default:
			}
			name := fmt.Sprintf("Busy Air %d", n)
			icao := "B" + string(rune('A'+n/26%26)) + string(rune('A'+n%26))
			f := strings.NewReader(url.Values{"_csrf": {csrf}, "command_id": {domain.NewUUID()}, "name": {name},
				"icao": {icao}, "slug": {fmt.Sprintf("busy-%d", n)}}.Encode())
			req, _ := http.NewRequest(http.MethodPost, srv.URL+"/airlines", f)
			req.Header.Set("Content-Type", "application/x-www-form-urlencoded")
			resp, err := admin.client.Do(req)
			if err != nil || resp.StatusCode != http.StatusSeeOther {
				mu.Lock()
				failed = fmt.Errorf("create %s: %v %v", name, err, resp)
				mu.Unlock()
				return
			}
			resp.Body.Close()
			mu.Lock()
			created = append(created, name)
			mu.Unlock()
		}
	}()
	for {
		mu.Lock()
		n := len(created)
		mu.Unlock()
		if n >= 5 || failed != nil {
			break
		}
		time.Sleep(20 * time.Millisecond)
	}
	mu.Lock()
	acknowledged := slices.Clone(created)
	mu.Unlock()
	backup := filepath.Join(t.TempDir(), "backup")
	out, _, err := runCLI(t, env, "backup", backup)
	close(stop)
	<-done
	if err != nil || !strings.Contains(out, "Backed up") {
		t.Fatalf("backup while serving: %q %v", out, err)
	}
	if failed != nil {
		t.Fatal(failed)
	}
	if _, _, err := runCLI(t, env, "backup", backup); err == nil || !strings.Contains(err.Error(), "not empty") {
		t.Errorf("a backup into a folder that has one: %v", err)
	}
	srv.stop(t)

	restored := startServer(t, map[string]string{"ALBATROSS_DATA_DIR": backup})
	onRestored := loginAsAdmin(t, restored)
	_, doc := onRestored.get("/airlines")
	names := airlineNames(doc)
	for _, name := range acknowledged {
		if !slices.Contains(names, name) {
			t.Errorf("the restored folder lacks %s, created before the backup (has %v)", name, names)
		}
	}
}

// reactorCheckpoints reads where each reactor is in a database.
func reactorCheckpoints(t *testing.T, dbURL string) map[string]domain.Position {
	t.Helper()
	pool, err := pgxpool.New(context.Background(), dbURL)
	if err != nil {
		t.Fatal(err)
	}
	defer pool.Close()
	rows, err := pool.Query(context.Background(), `SELECT name, commit_tx, seq FROM reactor_checkpoints`)
	if err != nil {
		t.Fatal(err)
	}
	defer rows.Close()
	out := map[string]domain.Position{}
	for rows.Next() {
		var (
			name string
			p    domain.Position
		)
		if err := rows.Scan(&name, &p.Commit, &p.Seq); err != nil {
			t.Fatal(err)
		}
		out[name] = p
	}
	return out
}

// eventAt names the event at a position of a log: its stream and version.
func eventAt(evs []domain.RecordedEvent, p domain.Position) string {
	for _, e := range evs {
		if e.Position == p {
			return fmt.Sprintf("%s v%d", e.StreamID, e.Version)
		}
	}
	return "none at " + p.String()
}
