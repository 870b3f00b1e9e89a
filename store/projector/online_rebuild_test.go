package projector_test

import (
	"bytes"
	"context"
	"fmt"
	"log/slog"
	"strings"
	"sync"
	"sync/atomic"
	"testing"
	"time"

	"github.com/albatross-va/albatross/domain"
	"github.com/albatross-va/albatross/store/projector"
)

// A rebuild on PostgreSQL runs beside the live read models: pages read in
// a loop throughout never fail and never see fewer rows than before (no
// empty list); the live projection keeps applying the events appended
// meanwhile; and afterwards the read models are what a rebuild in place
// (the whole log in one transaction) gives, every checkpoint at the head,
// with no copy of the tables left behind.
func TestRebuildOnlineKeepsPagesAnswering(t *testing.T) {
	e := newPostgres(t)
	ctx := context.Background()
	live := projector.New(e.es, e.backend, reg, nil, nil, projector.All()...)
	live.BatchSize = 50
	live.PollInterval = 20 * time.Millisecond
	all := createAirlines(t, e.es, 0, 400)
	if err := live.CatchUp(ctx); err != nil {
		t.Fatal(err)
	}
	before := len(listAirlines(t, e.backend.Reader()))
	stop := runInBackground(t, live)
	defer stop()

	// Pages, as another server process reads them.
	var reads, fewest atomic.Int64
	fewest.Store(int64(before))
	readErr := make(chan error, 1)
	done := make(chan struct{})
	var wg sync.WaitGroup
	wg.Add(1)
	go func() {
		defer wg.Done()
		for {
			select {
			case <-done:
				return
			default:
			}
			rows, err := e.backend.Reader().ListAirlines(ctx)
			if err != nil {
				readErr <- err
				return
			}
			reads.Add(1)
			if n := int64(len(rows)); n < fewest.Load() {
				fewest.Store(n)
			}
		}
	}()

	var logs lockedBuffer
	rebuilder := projector.New(e.es, e.backend, reg, nil, slog.New(slog.NewTextHandler(&logs, nil)), projector.All()...)
	rebuilder.BatchSize = 25 // many shadow batches, so that the live side runs between them
	rebuilt := make(chan error, 1)
	go func() { rebuilt <- rebuilder.RebuildOnline(ctx, "") }()
	all = append(all, createAirlines(t, e.es, 400, 60)...)
	if err := <-rebuilt; err != nil {
		t.Fatalf("RebuildOnline: %v", err)
	}
	all = append(all, createAirlines(t, e.es, 460, 10)...)
	waitFor(t, live, all[len(all)-1].pos)
	close(done)
	wg.Wait()
	select {
	case err := <-readErr:
		t.Fatalf("a page read during the rebuild failed: %v", err)
	default:
	}
	if reads.Load() == 0 {
		t.Fatal("no page was read during the rebuild")
	}
	if n := fewest.Load(); n < int64(before) {
		t.Errorf("a page read during the rebuild saw %d airlines, fewer than the %d before it", n, before)
	}
	stop()
	if err := live.CatchUp(ctx); err != nil {
		t.Fatal(err)
	}
	checkRows(t, e.backend.Reader(), all)
	online := listAirlines(t, e.backend.Reader())
	h := head(t, e.es)
	for _, name := range live.Names() {
		if cp := checkpointOf(t, e.backend, name); cp != h {
			t.Errorf("checkpoint of %s %s after the rebuild, head %s", name, cp, h)
		}
	}
	if n, want := strings.Count(logs.String(), "rebuilt projection beside the live one"), len(live.Names()); n != want || strings.Contains(logs.String(), "in place") {
		t.Errorf("%d of %d projections rebuilt beside the live ones; logs:\n%s", n, want, logs.String())
	}
	var shadows int
	if err := e.pool.QueryRow(ctx, `SELECT count(*) FROM pg_namespace WHERE nspname LIKE 'albatross_rebuild_%'`).Scan(&shadows); err != nil {
		t.Fatal(err)
	}
	if shadows != 0 {
		t.Errorf("%d rebuild schemas left behind", shadows)
	}
	if err := live.Rebuild(ctx, ""); err != nil {
		t.Fatal(err)
	}
	sameRows(t, "rebuilt beside vs in place", online, listAirlines(t, e.backend.Reader()))
	t.Logf("%d page reads during the rebuild, %s", reads.Load(), fmt.Sprint(len(online), " airlines"))
}

// lockedBuffer is a log's buffer that goroutines share.
type lockedBuffer struct {
	mu sync.Mutex
	b  bytes.Buffer
}

func (l *lockedBuffer) Write(p []byte) (int, error) {
	l.mu.Lock()
	defer l.mu.Unlock()
	return l.b.Write(p)
}

func (l *lockedBuffer) String() string {
	l.mu.Lock()
	defer l.mu.Unlock()
	return l.b.String()
}

// dumpTables is every row of tables, in a stable order, for comparing two
// databases' read models.
func dumpTables(t *testing.T, e env, tables ...string) map[string]string {
	t.Helper()
	out := map[string]string{}
	for _, table := range tables {
		var s *string
		if err := e.pool.QueryRow(context.Background(), fmt.Sprintf(`SELECT string_agg(r::text, E'\n' ORDER BY r::text) FROM %s r`, table)).Scan(&s); err != nil {
			t.Fatalf("dump %s: %v", table, err)
		}
		if s != nil {
			out[table] = *s
		}
	}
	return out
}

// The PIREPs projection rebuilt beside the live one, while PIREPs keep
// being filed and reviewed, leaves the rows a rebuild in place leaves in
// its tables and in the per-state counts its table's triggers keep.
func TestRebuildOnlineOfPirepsEqualsRebuildInPlace(t *testing.T) {
	e := newPostgres(t)
	ctx := context.Background()
	tenant := "f0c3a7e2-0000-4000-8000-000000000001"
	pilots, aircraft := newIDs(7), newIDs(3)
	base := time.Date(2025, 3, 4, 0, 0, 0, 0, time.UTC)
	events := 0
	file := func(from, n int) {
		t.Helper()
		for i := from; i < from+n; i++ {
			if err := appendRebuildPirep(ctx, e.es, tenant, pilots, aircraft, base, i); err != nil {
				t.Fatal(err)
			}
		}
		for i := from; i < from+n; i++ {
			events += 2 // filed, accepted
			switch i % 10 {
			case 9:
				events-- // left pending
			case 4:
				events++ // rejected after
			}
		}
		waitReadable(t, e.es, events)
	}
	file(0, 150)
	live := projector.New(e.es, e.backend, reg, nil, nil, projector.All()...)
	live.PollInterval = 20 * time.Millisecond
	if err := live.CatchUp(ctx); err != nil {
		t.Fatal(err)
	}
	tables := []string{"pireps", "pilot_stats", "aircraft_pirep_totals", "pirep_counts"}
	if got := dumpTables(t, e, tables...); got["pireps"] == "" || got["pirep_counts"] == "" {
		t.Fatalf("nothing projected before the rebuild: %v", got)
	}
	stop := runInBackground(t, live)
	defer stop()
	rebuilder := projector.New(e.es, e.backend, reg, nil, nil, projector.All()...)
	rebuilder.BatchSize = 20
	rebuilt := make(chan error, 1)
	go func() { rebuilt <- rebuilder.RebuildOnline(ctx, "pireps") }()
	file(150, 40)
	if err := <-rebuilt; err != nil {
		t.Fatalf("RebuildOnline: %v", err)
	}
	stop()
	if err := live.CatchUp(ctx); err != nil {
		t.Fatal(err)
	}
	online := dumpTables(t, e, tables...)
	if err := live.Rebuild(ctx, "pireps"); err != nil {
		t.Fatal(err)
	}
	inPlace := dumpTables(t, e, tables...)
	for _, table := range tables {
		if online[table] != inPlace[table] {
			t.Errorf("%s after the rebuild beside the live one differs from the rebuild in place:\n%s\n--- against ---\n%s", table, online[table], inPlace[table])
		}
	}
	if n := strings.Count(online["pireps"], "\n") + 1; n != 190 {
		t.Errorf("%d PIREPs after the rebuild, want 190", n)
	}
}

// waitReadable waits until the log's first n events can be read: the
// PostgreSQL store hides committed events while an older transaction runs
// anywhere in the cluster.
func waitReadable(t *testing.T, es domain.EventStore, n int) {
	t.Helper()
	deadline := time.Now().Add(60 * time.Second)
	for {
		evs, err := es.ReadAll(context.Background(), domain.Start, n)
		if err != nil {
			t.Fatal(err)
		}
		if len(evs) >= n {
			return
		}
		if time.Now().After(deadline) {
			t.Fatalf("%d of %d events readable after 60s", len(evs), n)
		}
		time.Sleep(5 * time.Millisecond)
	}
}
