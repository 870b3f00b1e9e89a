package projector_test

import (
	"context"
	"errors"
	"fmt"
	"io"
	"slices"
	"sync"
	"sync/atomic"
	"testing"
	"time"

	"google.golang.org/protobuf/proto"

	"github.com/albatross-va/albatross/domain"
	"github.com/albatross-va/albatross/store/memory"
	"github.com/albatross-va/albatross/store/notify"
	"github.com/albatross-va/albatross/store/projector"
	"github.com/albatross-va/albatross/store/readmodel"
)

// Incremental projection, in small batches and several steps while events
// keep arriving, leaves exactly the rows a rebuild from the log gives.
func TestIncrementalEqualsRebuild(t *testing.T) {
	forEachEnv(t, func(t *testing.T, e env) {
		ctx := context.Background()
		p := projector.New(e.es, e.backend, reg, nil, nil, projector.All()...)
		p.BatchSize = 7
		p.PollInterval = 20 * time.Millisecond

		all := createAirlines(t, e.es, 0, 120)
		if err := p.CatchUp(ctx); err != nil {
			t.Fatalf("CatchUp: %v", err)
		}
		checkRows(t, e.backend.Reader(), all)

		all = append(all, createAirlines(t, e.es, 120, 90)...)
		stop := runInBackground(t, p)
		all = append(all, createAirlines(t, e.es, 210, 90)...)
		waitFor(t, p, all[len(all)-1].pos)
		stop()
		if err := p.CatchUp(ctx); err != nil {
			t.Fatalf("CatchUp: %v", err)
		}

		incremental := listAirlines(t, e.backend.Reader())
		checkRows(t, e.backend.Reader(), all)
		if cp, h := checkpointOf(t, e.backend, "airlines"), head(t, e.es); cp != h {
			t.Errorf("checkpoint %s after catching up, head %s", cp, h)
		}

		if err := p.Rebuild(ctx, ""); err != nil {
			t.Fatalf("Rebuild: %v", err)
		}
		sameRows(t, "rebuilt vs incremental", listAirlines(t, e.backend.Reader()), incremental)
		if cp, h := checkpointOf(t, e.backend, "airlines"), head(t, e.es); cp != h {
			t.Errorf("checkpoint %s after rebuild, head %s", cp, h)
		}
		// Rebuilding one projection by name does the same.
		if err := p.Rebuild(ctx, "airlines"); err != nil {
			t.Fatalf("Rebuild(airlines): %v", err)
		}
		sameRows(t, "rebuilt by name vs incremental", listAirlines(t, e.backend.Reader()), incremental)
	})
}

func TestRebuildUnknownProjection(t *testing.T) {
	p := projector.New(nil, memory.New(), reg, nil, nil, projector.All()...)
	if err := p.Rebuild(context.Background(), "nope"); domain.ErrorCode(err) != domain.ENotFound {
		t.Errorf("Rebuild(nope) = %v, want a not-found error", err)
	}
}

// The in-memory read models of the embedded mode give the rows PostgreSQL
// gives for the same events, order included (names differ in case, accents
// and trailing spaces, and many tie).
func TestMemoryMatchesPostgres(t *testing.T) {
	ctx := context.Background()
	e := newPostgres(t)
	createAirlines(t, e.es, 0, 300)
	pg := projector.New(e.es, e.backend, reg, nil, nil, projector.All()...)
	mem := memory.New()
	inMemory := projector.New(e.es, mem, reg, nil, nil, projector.All()...)
	inMemory.BatchSize = 64
	for _, p := range []*projector.Projector{pg, inMemory} {
		if err := p.CatchUp(ctx); err != nil {
			t.Fatalf("CatchUp: %v", err)
		}
	}
	want := listAirlines(t, e.backend.Reader())
	if len(want) != 300 {
		t.Fatalf("PostgreSQL has %d airlines, want 300", len(want))
	}
	sameRows(t, "memory vs PostgreSQL", listAirlines(t, mem), want)
	for _, a := range want[:20] {
		got, err := mem.GetAirlineBySlug(ctx, a.Slug)
		if err != nil || got != a {
			t.Errorf("memory GetAirlineBySlug(%s) = %+v, %v; want %+v", a.Slug, got, err, a)
		}
	}
	if cp, want := checkpointOf(t, mem, "airlines"), checkpointOf(t, e.backend, "airlines"); cp != want {
		t.Errorf("memory checkpoint %s, PostgreSQL %s", cp, want)
	}
}

// A batch that fails or whose context ends part way leaves nothing behind
// and does not move the checkpoint; a restarted projector then applies every
// event exactly once.
func TestKilledBatchLeavesNothing(t *testing.T) {
	for _, mode := range []string{"error", "cancel"} {
		t.Run(mode, func(t *testing.T) {
			forEachEnv(t, func(t *testing.T, e env) {
				all := createAirlines(t, e.es, 0, 50)
				l := newLedger()
				ctx, cancel := context.WithCancel(context.Background())
				defer cancel()
				p, c := newCounting(e, l, nil)
				p.BatchSize = 20
				// The second batch dies after applying 5 of its events.
				c.failAfter = 25
				// A lost connection: an error of the event's own data would
				// be quarantined instead (TestOnlyEventErrorsQuarantine).
				boom := fmt.Errorf("killed: %w", io.ErrUnexpectedEOF)
				c.fail = func() error { return boom }
				if mode == "cancel" {
					c.fail = func() error { cancel(); return nil }
				}

				err := p.CatchUp(ctx)
				want := boom
				if mode == "cancel" {
					want = context.Canceled
				}
				if !errors.Is(err, want) {
					t.Fatalf("CatchUp with a killed batch = %v, want %v", err, want)
				}
				checkRows(t, e.backend.Reader(), all[:20])
				if cp := checkpointOf(t, e.backend, "airlines"); cp != all[19].pos {
					t.Fatalf("checkpoint after the killed batch = %s, want %s (end of the first batch)", cp, all[19].pos)
				}

				restarted, _ := newCounting(e, l, nil)
				restarted.BatchSize = 20
				if err := restarted.CatchUp(context.Background()); err != nil {
					t.Fatalf("CatchUp after restart: %v", err)
				}
				checkRows(t, e.backend.Reader(), all)
				if cp, h := checkpointOf(t, e.backend, "airlines"), head(t, e.es); cp != h {
					t.Errorf("checkpoint %s after restart, head %s", cp, h)
				}
				exactlyOnce(t, e, l, all)
			})
		})
	}
}

// Run stops at a cancel only after the batch it is in has committed.
func TestRunFinishesBatchOnCancel(t *testing.T) {
	forEachEnv(t, func(t *testing.T, e env) {
		all := createAirlines(t, e.es, 0, 50)
		l := newLedger()
		p, c := newCounting(e, l, nil)
		p.BatchSize = 20
		ctx, cancel := context.WithCancel(context.Background())
		defer cancel()
		c.failAfter = 25
		c.fail = func() error { cancel(); return nil }
		done := make(chan error, 1)
		go func() { done <- p.Run(ctx) }()
		select {
		case err := <-done:
			if err != nil {
				t.Fatalf("Run = %v, want nil", err)
			}
		case <-time.After(30 * time.Second):
			t.Fatal("Run did not return after cancel")
		}
		checkRows(t, e.backend.Reader(), all[:40])
		if cp := checkpointOf(t, e.backend, "airlines"); cp != all[39].pos {
			t.Errorf("checkpoint after Run stopped = %s, want %s (end of the second batch)", cp, all[39].pos)
		}
		exactlyOnce(t, e, l, all[:40])
	})
}

// An event the registry cannot decode stops the projection before it: the
// projector never skips an event.
func TestUndecodableEventStopsProjection(t *testing.T) {
	forEachEnv(t, func(t *testing.T, e env) {
		ctx := context.Background()
		before := createAirlines(t, e.es, 0, 3)
		_, err := e.es.Append(ctx, domain.AppendRequest{
			StreamID: "mystery-1", TenantID: "t", Expected: domain.NoStream,
			Events: []domain.NewEvent{{Type: "albatross.events.v1.FromTheFuture", SchemaVersion: 1, Data: []byte{1}}},
			Meta:   domain.Metadata{Actor: "test"},
		})
		if err != nil {
			t.Fatalf("append: %v", err)
		}
		createAirlines(t, e.es, 3, 2)
		p := projector.New(e.es, e.backend, reg, nil, nil, projector.All()...)
		p.BatchSize = 1 // so every event before the bad one commits
		if err := p.CatchUp(ctx); err == nil {
			t.Fatal("CatchUp over an undecodable event succeeded")
		}
		checkRows(t, e.backend.Reader(), before)
		if cp := checkpointOf(t, e.backend, "airlines"); cp != before[2].pos {
			t.Errorf("checkpoint = %s, want %s, just before the undecodable event", cp, before[2].pos)
		}
	})
}

// Two projectors on the same read models, running while 500 events arrive,
// apply each event exactly once, and both end at the head.
func TestConcurrentProjectors(t *testing.T) {
	forEachEnv(t, func(t *testing.T, e env) {
		l := newLedger()
		var ps []*projector.Projector
		for range 2 {
			p, _ := newCounting(e, l, nil)
			p.BatchSize = 25
			p.PollInterval = 10 * time.Millisecond
			ps = append(ps, p)
		}
		stops := []func(){runInBackground(t, ps[0]), runInBackground(t, ps[1])}

		var mu sync.Mutex
		var all []created
		var wg sync.WaitGroup
		for w := range 2 {
			wg.Add(1)
			go func() {
				defer wg.Done()
				got, err := tryCreateAirlines(e.es, w*250, 250)
				if err != nil {
					t.Error(err)
				}
				mu.Lock()
				all = append(all, got...)
				mu.Unlock()
			}()
		}
		wg.Wait()
		if t.Failed() {
			t.FailNow()
		}
		h := last(all)
		waitVisible(t, e.es, h)
		for _, p := range ps {
			waitFor(t, p, h)
		}
		for _, stop := range stops {
			stop()
		}
		checkRows(t, e.backend.Reader(), all)
		exactlyOnce(t, e, l, all)
		for i, p := range ps {
			st, err := p.Status(context.Background())
			if err != nil {
				t.Fatalf("Status: %v", err)
			}
			if len(st) != 1 || st[0].Checkpoint != h || st[0].Head != h || !st[0].CaughtUp {
				t.Errorf("projector %d status = %+v, want checkpoint and head %s, caught up", i, st, h)
			}
		}
	})
}

// notifier records whether the rows of each notice were readable when it was
// published, then forwards it to an in-process notifier.
type notifier struct {
	*notify.Local
	reader readmodel.Querier
	err    error

	mu      sync.Mutex
	visible map[string]bool // airline id: committed at publish time
}

func (n *notifier) Publish(ctx context.Context, notices ...notify.Notice) error {
	rows, err := n.reader.ListAirlines(ctx)
	if err != nil {
		return err
	}
	n.mu.Lock()
	for _, no := range notices {
		for _, id := range no.IDs {
			n.visible[id] = slices.ContainsFunc(rows, func(a readmodel.Airline) bool { return a.ID.String() == id })
		}
	}
	n.mu.Unlock()
	if n.err != nil {
		return n.err
	}
	return n.Local.Publish(ctx, notices...)
}

// After a batch commits, the projector publishes one notice per airline with
// its id and position, and the row is readable by then.
func TestNoticesAfterCommit(t *testing.T) {
	forEachEnv(t, func(t *testing.T, e env) {
		ctx, cancel := context.WithTimeout(context.Background(), 30*time.Second)
		defer cancel()
		n := &notifier{Local: notify.NewLocal(), reader: e.backend.Reader(), visible: map[string]bool{}}
		defer n.Close()
		sub, err := n.Subscribe(ctx)
		if err != nil {
			t.Fatal(err)
		}
		p := projector.New(e.es, e.backend, reg, n, nil, projector.All()...)
		p.BatchSize = 2
		all := createAirlines(t, e.es, 0, 3)
		if err := p.CatchUp(ctx); err != nil {
			t.Fatalf("CatchUp: %v", err)
		}
		for _, c := range all {
			select {
			case got := <-sub:
				want := notify.Notice{TenantID: "", Topic: "airlines", IDs: []string{c.id}, Position: c.pos.String()}
				if got.TenantID != want.TenantID || got.Topic != want.Topic || !slices.Equal(got.IDs, want.IDs) || got.Position != want.Position {
					t.Errorf("notice = %+v, want %+v", got, want)
				}
			case <-ctx.Done():
				t.Fatalf("no notice for airline %s", c.slug)
			}
			n.mu.Lock()
			if !n.visible[c.id] {
				t.Errorf("notice for airline %s published before its row was committed", c.slug)
			}
			n.mu.Unlock()
		}

		// A notifier that fails costs a page refresh, not the projection.
		n.err = errors.New("redis down")
		more := createAirlines(t, e.es, 3, 1)
		if err := p.CatchUp(ctx); err != nil {
			t.Fatalf("CatchUp with a failing notifier: %v", err)
		}
		checkRows(t, e.backend.Reader(), append(all, more...))
	})
}

// WaitFor returns once the projections reach a position, so a handler can
// show a user their own write, and gives up when its context ends.
func TestWaitFor(t *testing.T) {
	forEachEnv(t, func(t *testing.T, e env) {
		ctx := context.Background()
		p := projector.New(e.es, e.backend, reg, nil, nil, projector.All()...)
		p.PollInterval = time.Hour // only the store's signal wakes Run

		if err := p.WaitFor(ctx, domain.Start); err != nil {
			t.Fatalf("WaitFor(Start) on a new projector: %v", err)
		}

		stop := runInBackground(t, p)
		first := createAirlines(t, e.es, 0, 1)[0]
		waitFor(t, p, first.pos)
		if _, err := e.backend.Reader().GetAirlineBySlug(ctx, first.slug); err != nil {
			t.Fatalf("airline not readable after WaitFor returned: %v", err)
		}
		stop()

		// Nothing projects now: WaitFor gives up when its context ends.
		second := createAirlines(t, e.es, 1, 1)[0]
		short, cancel := context.WithTimeout(ctx, 100*time.Millisecond)
		defer cancel()
		err := p.WaitFor(short, second.pos)
		if !errors.Is(err, projector.ErrNotCaughtUp) || !errors.Is(err, context.DeadlineExceeded) ||
			domain.ErrorCode(err) != domain.EInternal {
			t.Fatalf("WaitFor past the projection = %v, want ErrNotCaughtUp, DeadlineExceeded, code internal", err)
		}

		// A waiting WaitFor returns once a batch of this process commits.
		waited := make(chan error, 1)
		go func() {
			wctx, cancel := context.WithTimeout(ctx, 30*time.Second)
			defer cancel()
			waited <- p.WaitFor(wctx, second.pos)
		}()
		if err := p.CatchUp(ctx); err != nil {
			t.Fatalf("CatchUp: %v", err)
		}
		if err := <-waited; err != nil {
			t.Fatalf("WaitFor after CatchUp: %v", err)
		}
	})
}

// Status reports each projection against the head, for /readyz.
func TestStatus(t *testing.T) {
	forEachEnv(t, func(t *testing.T, e env) {
		ctx := context.Background()
		p := projector.New(e.es, e.backend, reg, nil, nil, projector.All()...)
		// Every projection, in projector.All's order.
		want := []string{"airlines", "users", "api_keys", "airports", "fleet", "flights", "pireps", "ranks", "pirep_rules", "pirep_comments",
			"notices", "bid_rules", "bids", "simbrief", "jumpseats", "news", "awards", "type_ratings", "fares", "expenses", "tours", "airline_events", "leave", "scores", "profiles"}
		if got := p.Names(); !slices.Equal(got, want) {
			t.Errorf("Names() = %v, want %v", got, want)
		}
		st, err := p.Status(ctx)
		if err != nil {
			t.Fatal(err)
		}
		var statusNames []string
		for _, s := range st {
			statusNames = append(statusNames, s.Name)
		}
		if !slices.Equal(statusNames, want) {
			t.Fatalf("status of %v, want %v", statusNames, want)
		}
		for _, s := range st {
			if s.Checkpoint != domain.Start || !s.CaughtUp {
				t.Errorf("status of an empty log = %+v, want at the start, caught up", s)
			}
		}
		all := createAirlines(t, e.es, 0, 2)
		st, err = p.Status(ctx)
		if err != nil {
			t.Fatal(err)
		}
		if st[0].CaughtUp || st[0].Head != all[1].pos || st[0].Checkpoint != domain.Start {
			t.Errorf("status behind the log = %+v, want head %s and not caught up", st[0], all[1].pos)
		}
		if err := p.CatchUp(ctx); err != nil {
			t.Fatal(err)
		}
		st, err = p.Status(ctx)
		if err != nil {
			t.Fatal(err)
		}
		for _, s := range st {
			if !s.CaughtUp || s.Checkpoint != all[1].pos || s.UpdatedAt.IsZero() {
				t.Errorf("status after CatchUp = %+v, want checkpoint %s, caught up", s, all[1].pos)
			}
		}
	})
}

// killBeforeCommit cancels a batch's context once the batch has applied its
// events and written its checkpoint, just before the commit: the moment a
// process dies with the most work done and nothing yet durable.
type killBeforeCommit struct {
	projector.Backend
	cancel  context.CancelFunc
	killAt  int // the batch to kill, counting from 1
	batches int
}

func (k *killBeforeCommit) Batch(ctx context.Context, name string, fn func(q readmodel.Querier) error) (bool, error) {
	k.batches++
	n := k.batches
	return k.Backend.Batch(ctx, name, func(q readmodel.Querier) error {
		if err := fn(q); err != nil {
			return err
		}
		if n == k.killAt {
			k.cancel()
		}
		return nil
	})
}

func (k *killBeforeCommit) BatchAll(ctx context.Context, names []string, fn func(q readmodel.Querier, locked []string) error) ([]string, error) {
	k.batches++
	n := k.batches
	return k.Backend.BatchAll(ctx, names, func(q readmodel.Querier, locked []string) error {
		if err := fn(q, locked); err != nil {
			return err
		}
		if n == k.killAt {
			k.cancel()
		}
		return nil
	})
}

func TestKilledBetweenCheckpointAndCommitLeavesNothing(t *testing.T) {
	e := newPostgres(t) // in memory, nothing survives the process anyway
	all := createAirlines(t, e.es, 0, 50)
	ctx, cancel := context.WithCancel(context.Background())
	defer cancel()
	killed := e
	killed.backend = &killBeforeCommit{Backend: e.backend, cancel: cancel, killAt: 2}
	l := newLedger()
	p, _ := newCounting(killed, l, nil)
	p.BatchSize = 20
	if err := p.CatchUp(ctx); !errors.Is(err, context.Canceled) {
		t.Fatalf("CatchUp killed before a commit = %v, want context.Canceled", err)
	}
	checkRows(t, e.backend.Reader(), all[:20])
	if cp := checkpointOf(t, e.backend, "airlines"); cp != all[19].pos {
		t.Fatalf("checkpoint after the killed batch = %s, want %s (end of the first batch)", cp, all[19].pos)
	}

	restarted, _ := newCounting(e, l, nil)
	restarted.BatchSize = 20
	if err := restarted.CatchUp(context.Background()); err != nil {
		t.Fatalf("CatchUp after restart: %v", err)
	}
	checkRows(t, e.backend.Reader(), all)
	exactlyOnce(t, e, l, all)
}

// countingReads counts the pages read from a real event store.
type countingReads struct {
	domain.EventStore
	pages atomic.Int64
}

func (c *countingReads) ReadAll(ctx context.Context, after domain.Position, limit int) ([]domain.RecordedEvent, error) {
	c.pages.Add(1)
	return c.EventStore.ReadAll(ctx, after, limit)
}

// Projections at the same checkpoint share each page of the log: a start
// with two projections reads the log about once, not once per projection.
func TestCatchUpReadsEachPageOnce(t *testing.T) {
	e := newEmbedded(t)
	all := createAirlines(t, e.es, 0, 200)
	reads := &countingReads{EventStore: e.es}
	p := projector.New(reads, e.backend, reg, nil, nil, projector.All()...)
	p.BatchSize = 20
	if err := p.CatchUp(context.Background()); err != nil {
		t.Fatal(err)
	}
	pages := 200 / p.BatchSize
	// One batch applies every projection; it reads once more to find the
	// end of the log.
	if got, want := reads.pages.Load(), int64(pages+1); got != want {
		t.Errorf("CatchUp read %d pages, want %d (%d full pages, shared, and one empty read)", got, want, pages)
	}
	checkRows(t, e.backend.Reader(), all)
}

// A short page read before more events were appended (Run's look for
// work, a moment before a command's append) does not end a CatchUp: on
// return every projection has every event that was in the log when it
// was called. The handlers' fuzz setup failed so under load ("EGLL is not
// one of the airline's airports" right after adding it and catching up).
func TestCatchUpIsNotEndedByAnEarlierShortPage(t *testing.T) {
	e := newEmbedded(t)
	first := createAirlines(t, e.es, 0, 2)
	p := projector.New(e.es, e.backend, reg, nil, nil, projector.All()...)
	p.BatchSize = 20
	if n, err := p.PeekLog(context.Background(), domain.Start); err != nil || n != len(first) {
		t.Fatalf("peek: %d events, %v; want %d", n, err, len(first))
	}
	more := createAirlines(t, e.es, 2, 3)
	if err := p.CatchUp(context.Background()); err != nil {
		t.Fatal(err)
	}
	checkRows(t, e.backend.Reader(), append(first, more...))
}

// readerProbe is the airlines projection that, while it applies the first
// event of a batch, starts a reader of the store, and before the second
// waits for that reader to be done: a store whose batch holds readers up
// until it commits never lets the reader in.
type readerProbe struct {
	projector.Projection
	reader  readmodel.Querier
	applied int
	read    chan readmodel.ProjectionCheckpoint // what the reader read
	done    chan readmodel.ProjectionCheckpoint // the same, once the second event saw it
}

func (r *readerProbe) Apply(ctx context.Context, q readmodel.Querier, ev domain.RecordedEvent, msg proto.Message) ([]notify.Notice, error) {
	r.applied++
	if r.applied == 2 {
		select {
		case cp := <-r.read:
			r.done <- cp
		case <-time.After(10 * time.Second):
			return nil, errors.New("a reader started during the batch's first event was still waiting at its second")
		}
	}
	ns, err := r.Projection.Apply(ctx, q, ev, msg)
	if err == nil && r.applied == 1 {
		go func() {
			cp, _ := r.reader.GetCheckpoint(context.Background(), r.Name())
			r.read <- cp
		}()
	}
	return ns, err
}

// A page read waits for one event's writes at most, never for a whole
// batch of the embedded store; and what it reads of the batch's checkpoint
// is still the old one, as the checkpoint moves only with the commit.
func TestAReaderDoesNotWaitForAWholeBatch(t *testing.T) {
	e := newEmbedded(t)
	all := createAirlines(t, e.es, 0, 40)
	probe := &readerProbe{Projection: projector.Airlines{}, reader: e.backend.Reader(),
		read: make(chan readmodel.ProjectionCheckpoint, 1), done: make(chan readmodel.ProjectionCheckpoint, 1)}
	p := projector.New(e.es, e.backend, reg, nil, nil, probe)
	p.BatchSize = 100 // the whole log in one batch
	caught := make(chan error, 1)
	go func() { caught <- p.CatchUp(context.Background()) }()
	select {
	case cp := <-probe.done:
		if cp.CommitTx != 0 || cp.Seq != 0 {
			t.Errorf("a reader during the batch saw the checkpoint at %d.%d, want it unmoved until the batch commits", cp.CommitTx, cp.Seq)
		}
	case err := <-caught:
		t.Fatalf("the batch ended before its reader was done: %v", err)
	}
	if err := <-caught; err != nil {
		t.Fatal(err)
	}
	checkRows(t, e.backend.Reader(), all)
}

// batchCounter counts the batches opened and the checkpoints read through
// the reader.
type batchCounter struct {
	projector.Backend
	batches     atomic.Int64
	checkpoints atomic.Int64
}

func (b *batchCounter) Batch(ctx context.Context, name string, fn func(q readmodel.Querier) error) (bool, error) {
	b.batches.Add(1)
	return b.Backend.Batch(ctx, name, fn)
}

func (b *batchCounter) BatchAll(ctx context.Context, names []string, fn func(q readmodel.Querier, locked []string) error) ([]string, error) {
	b.batches.Add(1)
	return b.Backend.BatchAll(ctx, names, fn)
}

func (b *batchCounter) Reader() readmodel.Querier {
	return checkpointCounter{Querier: b.Backend.Reader(), n: &b.checkpoints}
}

type checkpointCounter struct {
	readmodel.Querier
	n *atomic.Int64
}

func (c checkpointCounter) GetCheckpoint(ctx context.Context, name string) (readmodel.ProjectionCheckpoint, error) {
	c.n.Add(1)
	return c.Querier.GetCheckpoint(ctx, name)
}

func (c checkpointCounter) ListCheckpoints(ctx context.Context) ([]readmodel.ProjectionCheckpoint, error) {
	c.n.Add(1)
	return c.Querier.ListCheckpoints(ctx)
}

// slowCheckpoints is a reader whose checkpoint reads take a database round
// trip's time, counting how many run at once at most.
type slowCheckpoints struct {
	readmodel.Querier
	now, most, reads atomic.Int64
}

func (s *slowCheckpoints) ListCheckpoints(ctx context.Context) ([]readmodel.ProjectionCheckpoint, error) {
	n := s.now.Add(1)
	defer s.now.Add(-1)
	s.reads.Add(1)
	for m := s.most.Load(); n > m && !s.most.CompareAndSwap(m, n); m = s.most.Load() {
	}
	time.Sleep(3 * time.Millisecond)
	return s.Querier.ListCheckpoints(ctx)
}

type slowBackend struct {
	projector.Backend
	reader *slowCheckpoints
}

func (b slowBackend) Reader() readmodel.Querier { return b.reader }

// However many handlers wait for another process's projector, this process
// reads the checkpoints once at a time: the waits share each look.
func TestWaitsShareTheirLooksAtTheCheckpoints(t *testing.T) {
	forEachEnv(t, func(t *testing.T, e env) {
		ctx := context.Background()
		slow := &slowCheckpoints{Querier: e.backend.Reader()}
		here := projector.New(e.es, slowBackend{Backend: e.backend, reader: slow}, reg, nil, nil, projector.All()...)
		other := projector.New(e.es, e.backend, reg, nil, nil, projector.All()...)
		pos := createAirlines(t, e.es, 0, 1)[0].pos
		const waits = 50
		errs := make(chan error, waits)
		for range waits {
			go func() {
				wctx, cancel := context.WithTimeout(ctx, 30*time.Second)
				defer cancel()
				errs <- here.WaitFor(wctx, pos)
			}()
		}
		time.Sleep(50 * time.Millisecond) // several looks, every wait behind
		if err := other.CatchUp(ctx); err != nil {
			t.Fatal(err)
		}
		for range waits {
			if err := <-errs; err != nil {
				t.Fatalf("a wait for another process's projector: %v", err)
			}
		}
		if most := slow.most.Load(); most != 1 {
			t.Errorf("%d reads of the checkpoints ran at once for %d waits, want 1 at a time", most, waits)
		}
		if reads := slow.reads.Load(); reads >= waits {
			t.Errorf("%d waits read the checkpoints %d times, want them to share the looks", waits, reads)
		}
	})
}

// A handler's wait costs no query when this process's projector has
// committed the position already, and still ends when another process's
// projector gets there.
func TestWaitForReadsOnlyCheckpointsItHasNotSeen(t *testing.T) {
	forEachEnv(t, func(t *testing.T, e env) {
		ctx := context.Background()
		counted := &batchCounter{Backend: e.backend}
		here := projector.New(e.es, counted, reg, nil, nil, projector.All()...)
		first := createAirlines(t, e.es, 0, 1)[0]
		if err := here.CatchUp(ctx); err != nil {
			t.Fatal(err)
		}
		before := counted.checkpoints.Load()
		waitFor(t, here, first.pos)
		if n := counted.checkpoints.Load() - before; n != 0 {
			t.Errorf("WaitFor of a position this projector committed read %d checkpoints, want 0", n)
		}

		// The projections run in another process: this one reads their
		// checkpoints until they get there.
		other := projector.New(e.es, e.backend, reg, nil, nil, projector.All()...)
		second := createAirlines(t, e.es, 1, 1)[0]
		waited := make(chan error, 1)
		go func() {
			wctx, cancel := context.WithTimeout(ctx, 30*time.Second)
			defer cancel()
			waited <- here.WaitFor(wctx, second.pos)
		}()
		if err := other.CatchUp(ctx); err != nil {
			t.Fatal(err)
		}
		if err := <-waited; err != nil {
			t.Fatalf("WaitFor of a position another projector committed: %v", err)
		}
	})
}

// Once the projections are caught up, Run's looks (a poll, the retries after
// a signal) open no batch: each would be a transaction per projection.
func TestIdleRunOpensNoBatch(t *testing.T) {
	forEachEnv(t, func(t *testing.T, e env) {
		counted := &batchCounter{Backend: e.backend}
		p := projector.New(e.es, counted, reg, nil, nil, projector.All()...)
		p.PollInterval = 20 * time.Millisecond
		first := createAirlines(t, e.es, 0, 1)[0]
		if err := p.CatchUp(context.Background()); err != nil {
			t.Fatal(err)
		}
		before := counted.batches.Load()
		runInBackground(t, p)
		time.Sleep(200 * time.Millisecond) // the first look and several polls
		if n := counted.batches.Load() - before; n != 0 {
			t.Errorf("Run opened %d batches with nothing to project, want 0", n)
		}
		second := createAirlines(t, e.es, 1, 1)[0]
		waitFor(t, p, second.pos)
		checkRows(t, e.backend.Reader(), []created{first, second})
	})
}

// A batch that only moves a projection's checkpoint past events it does not
// read commits without waiting for the disk; one that changes rows commits
// durably, so a crash never takes back a change a user was shown.
func TestOnlyCheckpointBatchesCommitLazily(t *testing.T) {
	e := newPostgres(t)
	ctx := context.Background()
	installCommitLog(t, e)
	createAirlines(t, e.es, 0, 3)
	p := projector.New(e.es, e.backend, reg, nil, nil, projector.All()...)
	if err := p.CatchUp(ctx); err != nil {
		t.Fatal(err)
	}
	got := commitModes(t, e)
	// The projections commit in one transaction, durably: the airlines
	// projection, the only one that reads AirlineCreated, changed rows in it.
	for _, name := range p.Names() {
		if !slices.Equal(got[name], []string{"on"}) {
			t.Errorf("projection %s committed with synchronous_commit %v, want [on] (with airlines' rows)", name, got[name])
		}
	}
}

// The same log through projections none of which reads AirlineCreated:
// their one batch only moves checkpoints, and commits lazily.
func TestCheckpointOnlyBatchOfAllProjectionsCommitsLazily(t *testing.T) {
	e := newPostgres(t)
	ctx := context.Background()
	installCommitLog(t, e)
	createAirlines(t, e.es, 0, 3)
	var others []projector.Projection
	for _, pr := range projector.All() {
		if pr.Name() != "airlines" {
			others = append(others, pr)
		}
	}
	p := projector.New(e.es, e.backend, reg, nil, nil, others...)
	if err := p.CatchUp(ctx); err != nil {
		t.Fatal(err)
	}
	for _, pr := range others {
		if got := commitModes(t, e)[pr.Name()]; !slices.Equal(got, []string{"off"}) {
			t.Errorf("projection %s committed with synchronous_commit %v, want [off]", pr.Name(), got)
		}
	}
}

// installCommitLog records, for each checkpoint a transaction writes, the
// synchronous_commit it commits with: a deferred trigger runs at commit,
// where the setting counts.
func installCommitLog(t *testing.T, e env) {
	t.Helper()
	_, err := e.pool.Exec(context.Background(), `
CREATE TABLE test_commit_log (name text NOT NULL, synchronous_commit text NOT NULL);
CREATE FUNCTION test_log_commit() RETURNS trigger LANGUAGE plpgsql AS $$
BEGIN
    INSERT INTO test_commit_log VALUES (NEW.name, current_setting('synchronous_commit'));
    RETURN NULL;
END;
$$;
CREATE CONSTRAINT TRIGGER test_log_commit AFTER INSERT OR UPDATE ON projection_checkpoints
    DEFERRABLE INITIALLY DEFERRED FOR EACH ROW EXECUTE FUNCTION test_log_commit();`)
	if err != nil {
		t.Fatalf("install the commit log: %v", err)
	}
}

// commitModes reads the commit log: each projection's commits, in order.
func commitModes(t *testing.T, e env) map[string][]string {
	t.Helper()
	rows, err := e.pool.Query(context.Background(), `SELECT name, synchronous_commit FROM test_commit_log`)
	if err != nil {
		t.Fatal(err)
	}
	got := map[string][]string{}
	for rows.Next() {
		var name, sc string
		if err := rows.Scan(&name, &sc); err != nil {
			t.Fatal(err)
		}
		got[name] = append(got[name], sc)
	}
	if err := rows.Err(); err != nil {
		t.Fatal(err)
	}
	return got
}
