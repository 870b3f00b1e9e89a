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
