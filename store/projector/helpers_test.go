package projector_test

import (
	"context"
	"fmt"
	"path/filepath"
	"reflect"
	"sync"
	"testing"
	"time"

	"github.com/google/uuid"
	"github.com/jackc/pgx/v5/pgxpool"
	"google.golang.org/protobuf/proto"

	"github.com/albatross-va/albatross/domain"
	"github.com/albatross-va/albatross/domain/events"
	"github.com/albatross-va/albatross/store/memory"
	"github.com/albatross-va/albatross/store/notify"
	"github.com/albatross-va/albatross/store/pgtest"
	"github.com/albatross-va/albatross/store/postgres"
	"github.com/albatross-va/albatross/store/projector"
	"github.com/albatross-va/albatross/store/readmodel"
	"github.com/albatross-va/albatross/store/sqlite"
)

var reg = events.NewRegistry()

// env is one deployment model: the event store and the read models beside it.
type env struct {
	es      domain.EventStore
	backend projector.Backend
	pool    *pgxpool.Pool // nil in the embedded mode
}

// setups are the two deployment models every behaviour is checked in.
var setups = []struct {
	name string
	new  func(t *testing.T) env
}{
	{"postgres", newPostgres},
	{"embedded", newEmbedded},
}

func forEachEnv(t *testing.T, f func(t *testing.T, e env)) {
	for _, s := range setups {
		t.Run(s.name, func(t *testing.T) { f(t, s.new(t)) })
	}
}

// newPostgres is the self-hosted model on its own database. Every
// UpsertAirline that commits leaves one row in test_apply_log, so a test can
// count how often an event really took effect.
func newPostgres(t *testing.T) env {
	t.Helper()
	pool := pgtest.NewPool(t)
	_, err := pool.Exec(context.Background(), `
CREATE TABLE test_apply_log (id uuid NOT NULL);
CREATE FUNCTION test_log_apply() RETURNS trigger LANGUAGE plpgsql AS $$
BEGIN
    INSERT INTO test_apply_log (id) VALUES (NEW.id);
    RETURN NEW;
END;
$$;
CREATE TRIGGER test_log_apply AFTER INSERT OR UPDATE ON airlines
    FOR EACH ROW EXECUTE FUNCTION test_log_apply();`)
	if err != nil {
		t.Fatalf("install the apply log: %v", err)
	}
	es := postgres.NewEventStore(pool, nil)
	t.Cleanup(func() { _ = es.Close() })
	return env{es: es, backend: postgres.NewReadModels(pool), pool: pool}
}

// newEmbedded is the single-binary model: a SQLite log and in-memory read
// models.
func newEmbedded(t *testing.T) env {
	t.Helper()
	es, err := sqlite.Open(context.Background(), filepath.Join(t.TempDir(), "events.db"), nil)
	if err != nil {
		t.Fatalf("open sqlite event store: %v", err)
	}
	t.Cleanup(func() { _ = es.Close() })
	return env{es: es, backend: memory.New()}
}

// created is an airline a test appended and where its event landed.
type created struct {
	id   string
	slug string
	pos  domain.Position
}

// names include ties and names whose order depends on the collation.
var names = []string{"Speedbird", "alpha Air", "Zulu", "Émeraude", "Äir Wings", "Same", "Same", "same", "Bravo", "bravo", "Same "}

// createAirlines appends n airlines through the domain, numbered from first.
func createAirlines(t *testing.T, es domain.EventStore, first, n int) []created {
	t.Helper()
	out, err := tryCreateAirlines(es, first, n)
	if err != nil {
		t.Fatal(err)
	}
	waitVisible(t, es, out[len(out)-1].pos)
	return out
}

// waitVisible waits until ReadAll can return the event at pos. The
// PostgreSQL store hides committed events while an older transaction is
// running anywhere in the cluster (other tests' too), so a test that needs
// exact batch boundaries waits for this first.
func waitVisible(t *testing.T, es domain.EventStore, pos domain.Position) {
	t.Helper()
	deadline := time.Now().Add(60 * time.Second)
	for pos.After(head(t, es)) {
		if time.Now().After(deadline) {
			t.Fatalf("event %s not readable after 60s", pos)
		}
		time.Sleep(5 * time.Millisecond)
	}
}

// last returns the latest position of cs.
func last(cs []created) domain.Position {
	var p domain.Position
	for _, c := range cs {
		if c.pos.After(p) {
			p = c.pos
		}
	}
	return p
}

// tryCreateAirlines is createAirlines for goroutines other than the test's.
func tryCreateAirlines(es domain.EventStore, first, n int) ([]created, error) {
	svc := domain.Airlines{Runner: &domain.Runner{Store: es, Registry: reg}, IDs: domain.RandomIDs{}}
	out := make([]created, 0, n)
	for i := first; i < first+n; i++ {
		c := domain.CreateAirline{
			Name: fmt.Sprintf("%s %d", names[i%len(names)], i%7),
			ICAO: string([]byte{byte('A' + i/676%26), byte('A' + i/26%26), byte('A' + i%26)}),
			Slug: fmt.Sprintf("va-%d", i),
		}
		id, res, err := svc.Create(context.Background(), domain.CommandMeta{ID: uuid.NewString(), Who: domain.System}, c)
		if err != nil {
			return out, fmt.Errorf("create airline %d: %w", i, err)
		}
		out = append(out, created{id: id, slug: c.Slug, pos: res.Position})
	}
	return out, nil
}

func listAirlines(t *testing.T, q readmodel.Querier) []readmodel.Airline {
	t.Helper()
	got, err := q.ListAirlines(context.Background())
	if err != nil {
		t.Fatalf("ListAirlines: %v", err)
	}
	return got
}

func checkpointOf(t *testing.T, b projector.Backend, name string) domain.Position {
	t.Helper()
	c, err := b.Reader().GetCheckpoint(context.Background(), name)
	if err != nil {
		t.Fatalf("GetCheckpoint(%s): %v", name, err)
	}
	return domain.Position{Commit: c.CommitTx, Seq: c.Seq}
}

func head(t *testing.T, es domain.EventStore) domain.Position {
	t.Helper()
	h, err := es.Head(context.Background())
	if err != nil {
		t.Fatalf("Head: %v", err)
	}
	return h
}

// checkRows asserts the read model holds exactly the airlines in want.
func checkRows(t *testing.T, q readmodel.Querier, want []created) {
	t.Helper()
	got := listAirlines(t, q)
	have := map[string]string{}
	for _, a := range got {
		have[a.ID.String()] = a.Slug
	}
	if len(got) != len(want) || len(have) != len(want) {
		t.Fatalf("read model has %d airlines, want %d", len(got), len(want))
	}
	for _, c := range want {
		if have[c.id] != c.slug {
			t.Fatalf("airline %s (%s) missing from the read model", c.id, c.slug)
		}
	}
}

func sameRows(t *testing.T, what string, got, want []readmodel.Airline) {
	t.Helper()
	if reflect.DeepEqual(got, want) {
		return
	}
	if len(got) != len(want) {
		t.Fatalf("%s: %d rows, want %d", what, len(got), len(want))
	}
	for i := range want {
		if !reflect.DeepEqual(got[i], want[i]) {
			t.Fatalf("%s: first difference at row %d:\n got %+v\nwant %+v", what, i, got[i], want[i])
		}
	}
}

// appliedLog returns how often each airline's UpsertAirline committed in a
// PostgreSQL env.
func appliedLog(t *testing.T, e env) map[string]int {
	t.Helper()
	rows, err := e.pool.Query(context.Background(), `SELECT id::text, count(*) FROM test_apply_log GROUP BY id`)
	if err != nil {
		t.Fatalf("read the apply log: %v", err)
	}
	defer rows.Close()
	out := map[string]int{}
	for rows.Next() {
		var id string
		var n int
		if err := rows.Scan(&id, &n); err != nil {
			t.Fatal(err)
		}
		out[id] = n
	}
	if err := rows.Err(); err != nil {
		t.Fatal(err)
	}
	return out
}

// ledger counts the events applied by batches that committed, across every
// projector of a test: the exactly-once check of the in-memory backend,
// where no trigger can count.
type ledger struct {
	mu    sync.Mutex
	count map[string]int // by stream id
}

func newLedger() *ledger { return &ledger{count: map[string]int{}} }

func (l *ledger) snapshot() map[string]int {
	l.mu.Lock()
	defer l.mu.Unlock()
	out := make(map[string]int, len(l.count))
	for k, v := range l.count {
		out[k] = v
	}
	return out
}

// countingBackend wraps a real backend; counting projections stage what a
// batch applied, and the stage reaches the ledger only when Batch commits.
type countingBackend struct {
	projector.Backend
	ledger *ledger
	stage  []string // guarded by the projection lock: one batch at a time
}

func (b *countingBackend) Batch(ctx context.Context, name string, fn func(q readmodel.Querier) error) (bool, error) {
	ran, err := b.Backend.Batch(ctx, name, func(q readmodel.Querier) error {
		b.stage = b.stage[:0]
		return fn(q)
	})
	if ran && err == nil {
		b.ledger.mu.Lock()
		for _, s := range b.stage {
			b.ledger.count[s]++
		}
		b.ledger.mu.Unlock()
	}
	return ran, err
}

func (b *countingBackend) BatchAll(ctx context.Context, names []string, fn func(q readmodel.Querier, locked []string) error) ([]string, error) {
	locked, err := b.Backend.BatchAll(ctx, names, func(q readmodel.Querier, locked []string) error {
		b.stage = b.stage[:0]
		return fn(q, locked)
	})
	if len(locked) > 0 && err == nil {
		b.ledger.mu.Lock()
		for _, s := range b.stage {
			b.ledger.count[s]++
		}
		b.ledger.mu.Unlock()
	}
	return locked, err
}

// counting is a projection wrapper that stages each applied event and can
// fail or cancel a context once it has applied failAfter events.
type counting struct {
	projector.Projection
	backend   *countingBackend
	mu        sync.Mutex
	applied   int
	failAfter int          // 0: never
	fail      func() error // called instead of the (failAfter+1)th Apply
}

func (c *counting) Apply(ctx context.Context, q readmodel.Querier, ev domain.RecordedEvent, msg proto.Message) ([]notify.Notice, error) {
	c.mu.Lock()
	c.applied++
	n := c.applied
	c.mu.Unlock()
	if c.failAfter > 0 && n == c.failAfter+1 && c.fail != nil {
		if err := c.fail(); err != nil {
			return nil, err
		}
	}
	ns, err := c.Projection.Apply(ctx, q, ev, msg)
	if err == nil {
		c.backend.stage = append(c.backend.stage, ev.StreamID)
	}
	return ns, err
}

// newCounting returns a projector of the airlines projection wrapped to count
// committed applies into l.
func newCounting(e env, l *ledger, n notify.Notifier) (*projector.Projector, *counting) {
	b := &countingBackend{Backend: e.backend, ledger: l}
	c := &counting{Projection: projector.Airlines{}, backend: b}
	return projector.New(e.es, b, reg, n, nil, c), c
}

// exactlyOnce asserts every airline took effect once in committed batches.
func exactlyOnce(t *testing.T, e env, l *ledger, want []created) {
	t.Helper()
	got := l.snapshot()
	if len(got) != len(want) {
		t.Errorf("committed batches applied %d streams, want %d", len(got), len(want))
	}
	for _, c := range want {
		if n := got[domain.AirlineStream(c.id)]; n != 1 {
			t.Errorf("airline %s applied %d times by committed batches, want 1", c.slug, n)
		}
	}
	if e.pool == nil {
		return
	}
	logged := appliedLog(t, e)
	if len(logged) != len(want) {
		t.Errorf("the database logged upserts of %d airlines, want %d", len(logged), len(want))
	}
	for _, c := range want {
		if n := logged[c.id]; n != 1 {
			t.Errorf("airline %s upserted %d times in the database, want 1", c.slug, n)
		}
	}
}

// runInBackground starts Run and returns a stop function that cancels it and
// waits for it to return, failing the test when Run returns an error.
func runInBackground(t *testing.T, p *projector.Projector) (stop func()) {
	t.Helper()
	ctx, cancel := context.WithCancel(context.Background())
	done := make(chan error, 1)
	go func() { done <- p.Run(ctx) }()
	var once sync.Once
	stop = func() {
		once.Do(func() {
			cancel()
			select {
			case err := <-done:
				if err != nil {
					t.Errorf("Run returned %v, want nil after cancel", err)
				}
			case <-time.After(30 * time.Second):
				t.Errorf("Run did not return within 30s of cancel")
			}
		})
	}
	t.Cleanup(stop)
	return stop
}

func waitFor(t *testing.T, p *projector.Projector, pos domain.Position) {
	t.Helper()
	ctx, cancel := context.WithTimeout(context.Background(), 60*time.Second)
	defer cancel()
	if err := p.WaitFor(ctx, pos); err != nil {
		t.Fatalf("WaitFor(%s): %v", pos, err)
	}
}
