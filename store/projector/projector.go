// Package projector keeps the read models up to date: it reads the event log
// in global order after each projection's checkpoint, applies the events and
// moves the checkpoint in the same transaction, and publishes change notices
// after the commit.
package projector

import (
	"context"
	"errors"
	"fmt"
	"io"
	"log/slog"
	"net"
	"slices"
	"sync"
	"time"

	"google.golang.org/protobuf/proto"

	"github.com/albatross-va/albatross/domain"
	"github.com/albatross-va/albatross/domain/events"
	"github.com/albatross-va/albatross/domain/live"
	"github.com/albatross-va/albatross/store/notify"
	"github.com/albatross-va/albatross/store/readmodel"
)

// Projection turns events into read-model rows. Apply and Reset run inside a
// Backend batch, so everything they write commits or rolls back with the
// projection's checkpoint.
type Projection interface {
	// Name identifies the projection's checkpoint and lock; never rename one
	// without a rebuild.
	Name() string
	// Handles says whether the projection reads events of a type; the
	// projector decodes and applies only those, and moves the checkpoint
	// past the others.
	Handles(eventType string) bool
	// Apply folds one event of a handled type into the read model and
	// returns the notices to publish once the batch commits.
	Apply(ctx context.Context, q readmodel.Querier, ev domain.RecordedEvent, msg proto.Message) ([]notify.Notice, error)
	// Reset empties the projection's read model before a rebuild.
	Reset(ctx context.Context, q readmodel.Querier) error
}

// Backend is where read models live: PostgreSQL tables or the in-memory
// store of the embedded mode.
type Backend interface {
	// Batch runs fn in one transaction that holds the projection's lock, so
	// only one process advances a projection at a time. When another process
	// holds the lock it returns ran=false at once instead of waiting. fn must
	// not call Batch itself. The querier fn gets may offer CommitLazily
	// (lazyCommitter) for a batch that only moves the checkpoint.
	Batch(ctx context.Context, projection string, fn func(q readmodel.Querier) error) (ran bool, err error)
	// BatchAll is Batch for several projections in one transaction: it
	// takes the locks of those no other process holds, without waiting,
	// runs fn, which learns which it holds, and commits when fn returns nil.
	// When another process holds every lock it returns none and does not
	// call fn.
	BatchAll(ctx context.Context, projections []string, fn func(q readmodel.Querier, locked []string) error) (locked []string, err error)
	// Reader returns the querier the web side reads committed rows through.
	Reader() readmodel.Querier
}

// Defaults of a new Projector.
const (
	DefaultBatchSize    = 500
	DefaultPollInterval = time.Second
	DefaultBatchTimeout = 30 * time.Second
	// waitPoll is how often WaitFor re-reads the checkpoints when no batch
	// of this process wakes it: another process may run the projector.
	waitPoll = 5 * time.Millisecond
	// lockRetry is how long CatchUp and Rebuild wait before asking again for
	// a projection whose lock another process holds.
	lockRetry = 20 * time.Millisecond
	// firstRetry is Run's first look again after a signal.
	firstRetry = 10 * time.Millisecond
)

// ErrNotCaughtUp is wrapped by the error WaitFor returns when its context
// ends before the projections reach the position. Its domain code is
// EInternal.
var ErrNotCaughtUp = errors.New("projections did not reach the position in time")

// Status is how far one projection has got, for /readyz and the admin page.
type Status struct {
	Name       string
	Checkpoint domain.Position // domain.Start when it has applied nothing
	UpdatedAt  time.Time       // zero when it has applied nothing
	Head       domain.Position // the event store's head when Status was asked
	CaughtUp   bool            // the checkpoint is at or after Head
	Reactor    bool            // a reactor's, listed after the projections; its UpdatedAt is not kept
}

// BatchObserver is told of each committed batch of a projection or a
// reactor: how many events it went past and how long applying them took
// (for a projection, its events' apply without the log's read and the
// commit; for a reactor, its whole batch: lock, reactions, checkpoint).
type BatchObserver interface {
	ObserveBatch(name string, reactor bool, events int, took time.Duration)
}

// Projector applies the event log to a set of projections.
type Projector struct {
	// BatchSize is how many events one transaction applies at most.
	BatchSize int
	// PollInterval is how often Run looks for new events when the event
	// store's subscription stays silent.
	PollInterval time.Duration
	// BatchTimeout bounds one batch of Run, which finishes the batch it is
	// in when its context ends.
	BatchTimeout time.Duration
	// Observer, when set, is told of every batch that committed (for
	// /metrics). It is set before Run and CatchUp.
	Observer BatchObserver

	es      domain.EventStore
	backend Backend
	reg     *events.Registry
	n       notify.Notifier
	log     *slog.Logger
	ps      []Projection
	now     func() time.Time

	mu       sync.Mutex
	progress chan struct{}              // closed and replaced after each committed batch
	lastRead readResult                 // the last non-empty page of the log, shared by the projections
	seen     map[string]domain.Position // the newest checkpoint of each projection this process committed or read

	reactors           []Reactor
	reactorCheckpoints ReactorCheckpoints
	reacted            map[string]ReactorCheckpoint // the newest checkpoint of each reactor this process stored or read

	lookMu  sync.Mutex
	looking chan struct{} // closed when the look at the checkpoints under way ends; nil when none is
}

// readResult is one page of the log as ReadAll returned it. A page stays a
// right answer for its (after, limit): what ReadAll returns is final, and
// events that commit later sort after it.
type readResult struct {
	after domain.Position
	limit int
	evs   []domain.RecordedEvent
}

// New returns a projector of the projections ps. n may be nil when nobody
// listens for notices; log may be nil to discard the projector's logs.
func New(es domain.EventStore, backend Backend, reg *events.Registry, n notify.Notifier, log *slog.Logger, ps ...Projection) *Projector {
	if log == nil {
		log = slog.New(slog.DiscardHandler)
	}
	return &Projector{
		BatchSize:    DefaultBatchSize,
		PollInterval: DefaultPollInterval,
		BatchTimeout: DefaultBatchTimeout,
		es:           es,
		backend:      backend,
		reg:          reg,
		n:            n,
		log:          log,
		ps:           ps,
		now:          func() time.Time { return time.Now().UTC() },
		progress:     make(chan struct{}),
		seen:         map[string]domain.Position{},
		reacted:      map[string]ReactorCheckpoint{},
	}
}

// Names lists the projections in the order they are applied.
func (p *Projector) Names() []string {
	out := make([]string, len(p.ps))
	for i, pr := range p.ps {
		out[i] = pr.Name()
	}
	return out
}

// Run keeps the projections caught up until ctx ends: it applies batches
// until the log is exhausted, then sleeps until the event store signals new
// events or the poll interval passes. When ctx ends during a batch, that
// batch still commits; Run then returns nil. A failing batch is logged and
// retried at the next poll.
//
// After a signal Run also looks again a few times at growing intervals
// (10 ms, 20 ms, … up to the poll interval): the PostgreSQL store hides a
// committed event while an older transaction anywhere in the cluster is
// still running, and nothing signals when that transaction ends. Without
// these retries such an event would wait for the next poll, and so would a
// user waiting to read their own write. A look that finds nothing after the
// checkpoints this process has seen opens no batch.
func (p *Projector) Run(ctx context.Context) error {
	wake := p.es.Subscribe(ctx)
	poll := p.pollInterval()
	ticker := time.NewTicker(poll)
	defer ticker.Stop()
	retry := time.NewTimer(time.Hour)
	retry.Stop()
	defer retry.Stop()
	var backoff time.Duration // 0: no retry pending
	var lastErr string
	var lastLogged time.Time
	for {
		err := p.runOnce(ctx)
		if len(p.reactors) > 0 && ctx.Err() == nil {
			_, rerr := p.runReactors(ctx)
			err = errors.Join(err, rerr)
		}
		if err != nil && ctx.Err() == nil {
			// A projection stuck on one event fails the same way at every
			// look; say so once a minute rather than at every retry.
			if msg := err.Error(); msg != lastErr || time.Since(lastLogged) >= time.Minute {
				p.log.ErrorContext(ctx, "projector: batch failed; retrying", "err", err)
				lastErr, lastLogged = msg, time.Now()
			}
		} else if err == nil {
			lastErr = ""
		}
		var retryC <-chan time.Time
		if backoff > 0 && backoff < poll {
			retry.Reset(backoff)
			retryC = retry.C
			backoff *= 2
		} else {
			backoff = 0
		}
		select {
		case <-ctx.Done():
			return nil
		case _, ok := <-wake:
			if !ok {
				// The store closed the subscription; polling carries on.
				wake = nil
			}
			backoff = firstRetry
		case <-ticker.C:
		case <-retryC:
		}
		retry.Stop() // since Go 1.23 a stopped timer delivers no stale tick
	}
}

// runOnce applies batches of every projection until none has more to do, or
// another process holds all the locks, or ctx ends between batches.
// A failing projection sits out until the next call; the others go on.
func (p *Projector) runOnce(ctx context.Context) error {
	failed := map[string]error{}
	for ctx.Err() == nil {
		if idle, err := p.idle(ctx); err != nil {
			return err
		} else if idle {
			break
		}
		var prs []Projection
		for _, pr := range p.ps {
			if failed[pr.Name()] == nil {
				prs = append(prs, pr)
			}
		}
		if len(prs) == 0 {
			break
		}
		// A batch that has started commits even if ctx ends meanwhile:
		// a shutdown then loses no work and leaves no half-done batch.
		bctx, cancel := context.WithTimeout(context.WithoutCancel(ctx), p.batchTimeout())
		results := p.stepAll(bctx, prs)
		cancel()
		busy := false
		for name, r := range results {
			if r.err != nil {
				failed[name] = r.err
				continue
			}
			busy = busy || r.applied > 0
		}
		if !busy {
			break
		}
	}
	errs := make([]error, 0, len(failed))
	for _, err := range failed {
		errs = append(errs, err)
	}
	return errors.Join(errs...)
}

// idle says whether the log has nothing after the checkpoints this process
// has seen, so that a look with nothing to do costs one read rather than a
// batch transaction (a round trip per projection on PostgreSQL), and the
// pass after a busy one ends at once. A checkpoint another process moved on
// is seen as older than it is, which only makes idle say false. The page it
// reads is the one the first batch then asks for, from the cache.
func (p *Projector) idle(ctx context.Context) (bool, error) {
	p.mu.Lock()
	var from domain.Position
	for i, pr := range p.ps {
		at, ok := p.seen[pr.Name()]
		if !ok {
			p.mu.Unlock()
			return false, nil
		}
		if i == 0 || from.After(at) {
			from = at
		}
	}
	p.mu.Unlock()
	evs, _, err := p.read(ctx, from, p.batchSize())
	if err != nil {
		return false, fmt.Errorf("projector: read events after %s: %w", from, err)
	}
	return len(evs) == 0, nil
}

// CatchUp applies every projection until the event store has nothing after
// its checkpoint. Each batch applies every projection in one transaction,
// so that they share each page read from the log. When another
// process holds a projection's lock, CatchUp waits for it and carries on, so
// on return every projection was at the end of the log at some moment.
// Unlike Run, a batch in flight when ctx ends is rolled back.
//
// With reactors, CatchUp then lets them react to everything, and projects
// their commands' events, until the reactors have nothing left. A reactor
// that fails is logged, not returned: Run tries it again.
func (p *Projector) CatchUp(ctx context.Context) error {
	for {
		if err := p.catchUpProjections(ctx); err != nil {
			return err
		}
		if len(p.reactors) == 0 {
			return nil
		}
		n, err := p.runReactors(ctx)
		if err != nil {
			// A reaction that fails now is tried again by Run; it must not
			// stop a start.
			p.log.ErrorContext(ctx, "projector: reactor failed; Run tries again", "err", err)
			return ctx.Err()
		}
		if n == 0 {
			return nil
		}
		// The reactions' own events may not be readable yet (PostgreSQL
		// shows an event only once older transactions have ended): the
		// projections catch up until they have applied them.
		caused := p.causedBy(p.reactors)
		for {
			if err := p.catchUpProjections(ctx); err != nil {
				return err
			}
			if err := p.lookAtCheckpoints(ctx, p.backend.Reader()); err != nil {
				return err
			}
			if p.reached(caused, p.ps, nil) {
				break
			}
			if err := sleep(ctx, lockRetry); err != nil {
				return err
			}
		}
	}
}

func (p *Projector) catchUpProjections(ctx context.Context) error {
	done := make(map[string]bool, len(p.ps))
	for len(done) < len(p.ps) {
		var prs []Projection
		for _, pr := range p.ps {
			if !done[pr.Name()] {
				prs = append(prs, pr)
			}
		}
		locked, progressed := false, false
		results := p.stepAll(ctx, prs)
		for _, pr := range prs {
			r := results[pr.Name()]
			if r.err != nil {
				return r.err
			}
			if r.ran && r.atEnd {
				done[pr.Name()] = true
			}
			locked = locked || !r.ran
			progressed = progressed || r.applied > 0
		}
		if locked && !progressed {
			if err := sleep(ctx, lockRetry); err != nil {
				return err
			}
		}
	}
	return nil
}

// read returns the page of the log after a position, from the last page
// read when another projection asked for the same one a moment ago. cached
// says it came from that earlier read: its events are still the first after
// the position, but a short page no longer says where the log ends, since
// events may have been appended since.
func (p *Projector) read(ctx context.Context, after domain.Position, limit int) (evs []domain.RecordedEvent, cached bool, err error) {
	p.mu.Lock()
	last := p.lastRead
	p.mu.Unlock()
	if last.after == after && last.limit == limit && len(last.evs) > 0 {
		return last.evs, true, nil
	}
	evs, err = p.es.ReadAll(ctx, after, limit)
	if err != nil || len(evs) == 0 {
		return evs, false, err // an empty page is not kept: events may arrive
	}
	p.mu.Lock()
	p.lastRead = readResult{after: after, limit: limit, evs: evs}
	p.mu.Unlock()
	return evs, false, nil
}

// step applies one batch of pr: the events after its checkpoint, up to
// BatchSize, and the new checkpoint, in one transaction. It returns how many
// events it applied or set aside.
//
// When the batch fails because of an event's data (see eventError), it has
// rolled back whole; step then applies its events again one per batch, so
// that the failing one is known, sets that one aside in quarantine and
// moves the checkpoint past it. Any other failure (a lost connection, the
// context ending) is returned, and the batch is tried again later.
func (p *Projector) step(ctx context.Context, pr Projection) (ran bool, applied int, err error) {
	ran, applied, _, err = p.batch(ctx, pr, p.batchSize())
	if err == nil || !p.eventError(err) {
		return ran, applied, err
	}
	for range p.batchSize() {
		r, n, tried, err := p.batch(ctx, pr, 1)
		if err != nil && p.eventError(err) {
			r, err = p.quarantine(ctx, pr, tried, err)
			if err == nil && r {
				n = 1
			}
		}
		if err != nil || !r || n == 0 {
			return r, applied, err
		}
		applied += n
	}
	return true, applied, nil
}

// stepResult is what one projection's part of a stepAll did.
type stepResult struct {
	ran     bool  // this process held the projection's lock
	applied int   // the events it applied or set aside
	atEnd   bool  // it reached the end of the log
	err     error // its batch failed
}

// stepAll applies one batch of every projection in prs in one transaction
// (batchAll), keyed by name. When that transaction fails because of an
// event's data (see eventError), each projection runs its own step instead,
// so that the event is set aside for the projection it fails in while the
// others go on. Any other failure (a lost connection, the context ending)
// is every projection's, and the batch is tried again later.
func (p *Projector) stepAll(ctx context.Context, prs []Projection) map[string]stepResult {
	results, err := p.batchAll(ctx, prs, p.batchSize())
	if err == nil {
		return results
	}
	results = make(map[string]stepResult, len(prs))
	for _, pr := range prs {
		if !p.eventError(err) {
			results[pr.Name()] = stepResult{ran: true, err: err}
			continue
		}
		ran, n, err := p.step(ctx, pr)
		results[pr.Name()] = stepResult{ran: ran, applied: n, atEnd: ran && n == 0 && err == nil, err: err}
	}
	return results
}

// batchPart is one projection's share of a batchAll.
type batchPart struct {
	pr      Projection
	at      domain.Position // its checkpoint, once the batch has committed
	applied int
	took    time.Duration
	notices []notify.Notice
}

// batchAll is one transaction of up to limit events for those projections
// of prs whose locks this process gets. It reads the page of the log after
// the oldest of their checkpoints; each projection applies the events of
// the page after its own checkpoint and moves its checkpoint, all in the
// one transaction, so each checkpoint still commits with its changes. A
// projection already past the page waits for the others. One transaction
// per batch, not per projection, spares PostgreSQL a commit per projection,
// most of which only skip the events they do not read.
func (p *Projector) batchAll(ctx context.Context, prs []Projection, limit int) (map[string]stepResult, error) {
	names := make([]string, len(prs))
	byName := make(map[string]Projection, len(prs))
	for i, pr := range prs {
		names[i] = pr.Name()
		byName[names[i]] = pr
	}
	var parts []batchPart
	full := false // the page was full: the log may go on after it
	_, err := p.backend.BatchAll(ctx, names, func(q readmodel.Querier, locked []string) error {
		parts = parts[:0]
		var from domain.Position
		for i, name := range locked {
			at, _, err := checkpoint(ctx, q, name)
			if err != nil {
				return fmt.Errorf("projection %s: %w", name, err)
			}
			parts = append(parts, batchPart{pr: byName[name], at: at})
			if i == 0 || from.After(at) {
				from = at
			}
		}
		yield := yieldOf(q)
		if yield != nil {
			yield() // the log is read without holding readers up
		}
		evs, cached, err := p.read(ctx, from, limit)
		if err != nil {
			return fmt.Errorf("read events after %s: %w", from, err)
		}
		// A page from the cache may have been read before the events
		// appended since: only a fresh short page is the end of the log.
		full = len(evs) >= limit || cached
		handled := 0
		for i := range parts {
			pt := &parts[i]
			first := 0
			for first < len(evs) && !evs[first].Position.After(pt.at) {
				first++
			}
			mine := evs[first:]
			if len(mine) == 0 {
				continue
			}
			if handled > 0 && yield != nil {
				yield()
			}
			start := time.Now()
			ns, h, err := p.apply(ctx, q, pt.pr, mine, yield)
			if err != nil {
				return fmt.Errorf("projection %s: %w", pt.pr.Name(), err)
			}
			pt.at, pt.applied, pt.notices, pt.took = mine[len(mine)-1].Position, len(mine), ns, time.Since(start)
			handled += h
		}
		// The checkpoints move last, together, with no yield after them: a
		// reader that sees a checkpoint sees the whole batch.
		for _, pt := range parts {
			if pt.applied > 0 {
				if err := p.setCheckpoint(ctx, q, pt.pr.Name(), pt.at); err != nil {
					return fmt.Errorf("projection %s: %w", pt.pr.Name(), err)
				}
			}
		}
		if lc, ok := q.(lazyCommitter); ok && handled == 0 {
			lc.CommitLazily()
		}
		// A backend without a context of its own (the in-memory one) would
		// otherwise commit a batch whose caller has given up on it.
		return ctx.Err()
	})
	if err != nil {
		return nil, err
	}
	results := make(map[string]stepResult, len(prs))
	for _, name := range names {
		results[name] = stepResult{} // another process holds its lock
	}
	var notices []notify.Notice
	applied := false
	for _, pt := range parts {
		p.saw(pt.pr.Name(), pt.at)
		results[pt.pr.Name()] = stepResult{ran: true, applied: pt.applied, atEnd: !full}
		if pt.applied > 0 {
			p.observe(pt.pr.Name(), false, pt.applied, pt.took)
		}
		notices = append(notices, pt.notices...)
		applied = applied || pt.applied > 0
	}
	if applied {
		p.committed()
		p.publish(ctx, notices)
	}
	return results, nil
}

// batch is one transaction of step, of up to limit events; tried is the
// last event it read, the one that failed when limit is 1.
func (p *Projector) batch(ctx context.Context, pr Projection, limit int) (ran bool, applied int, tried domain.RecordedEvent, err error) {
	name := pr.Name()
	var notices []notify.Notice
	var at domain.Position // the checkpoint once the batch has committed
	var took time.Duration
	ran, err = p.backend.Batch(ctx, name, func(q readmodel.Querier) error {
		notices, applied = nil, 0
		from, _, err := checkpoint(ctx, q, name)
		if err != nil {
			return err
		}
		at = from
		yield := yieldOf(q)
		if yield != nil {
			yield()
		}
		evs, _, err := p.read(ctx, from, limit)
		if err != nil {
			return fmt.Errorf("read events after %s: %w", from, err)
		}
		if len(evs) == 0 {
			return nil
		}
		tried = evs[len(evs)-1]
		start := time.Now()
		ns, handled, err := p.apply(ctx, q, pr, evs, yield)
		if err != nil {
			return err
		}
		took = time.Since(start)
		if err := p.setCheckpoint(ctx, q, name, evs[len(evs)-1].Position); err != nil {
			return err
		}
		if lc, ok := q.(lazyCommitter); ok && handled == 0 {
			lc.CommitLazily()
		}
		notices, applied, at = ns, len(evs), evs[len(evs)-1].Position
		// A backend without a context of its own (the in-memory one) would
		// otherwise commit a batch whose caller has given up on it.
		return ctx.Err()
	})
	if err != nil {
		return ran, 0, tried, fmt.Errorf("projection %s: %w", name, err)
	}
	if ran {
		p.saw(name, at)
	}
	if applied > 0 {
		p.observe(name, false, applied, took)
		p.committed()
		p.publish(ctx, notices)
	}
	return ran, applied, tried, nil
}

// observe tells the Observer of a committed batch.
func (p *Projector) observe(name string, reactor bool, events int, took time.Duration) {
	if p.Observer != nil {
		p.Observer.ObserveBatch(name, reactor, events, took)
	}
}

// lazyCommitter is a batch's querier whose backend can commit a batch
// without waiting for the disk (PostgreSQL's asynchronous commit). The
// projector asks for it only for a batch that changes nothing but its
// checkpoint: losing that batch to a crash loses no read-model change, and
// the projection only skips the same events again.
type lazyCommitter interface {
	CommitLazily()
}

// apply decodes and applies events in order and collects their notices.
// handled counts the events pr reads; it skipped the others.
func (p *Projector) apply(ctx context.Context, q readmodel.Querier, pr Projection, evs []domain.RecordedEvent, between func()) (notices []notify.Notice, handled int, err error) {
	for i, ev := range evs {
		if i > 0 && between != nil {
			between()
		}
		// An event type this binary does not know was written by a newer one;
		// stop here rather than skip it, so no projection misses an event.
		if !p.reg.Known(ev.Type) {
			return nil, 0, fmt.Errorf("event %s (%s v%d): type %s is not registered", ev.Position, ev.StreamID, ev.Version, ev.Type)
		}
		if !pr.Handles(ev.Type) {
			continue
		}
		handled++
		msg, err := p.reg.Decode(ev.Type, ev.Data)
		if err != nil {
			return nil, 0, fmt.Errorf("event %s (%s v%d): %w", ev.Position, ev.StreamID, ev.Version, decodeError{err})
		}
		ns, err := pr.Apply(ctx, q, ev, msg)
		if err != nil {
			return nil, 0, fmt.Errorf("apply event %s (%s v%d): %w", ev.Position, ev.StreamID, ev.Version, applyError{err})
		}
		notices = append(notices, ns...)
	}
	return notices, handled, nil
}

// yielder is a batch's querier whose backend makes readers wait for the
// batch (the in-memory one): Yield lets them in between events. A rebuild
// does not yield, so that readers see the old rows until the new commit.
type yielder interface{ Yield() }

// yieldOf is q's Yield, or nil for a querier that needs none.
func yieldOf(q readmodel.Querier) func() {
	if y, ok := q.(yielder); ok {
		return y.Yield
	}
	return nil
}

func (p *Projector) setCheckpoint(ctx context.Context, q readmodel.Querier, name string, pos domain.Position) error {
	err := q.SetCheckpoint(ctx, readmodel.SetCheckpointParams{
		Name: name, CommitTx: pos.Commit, Seq: pos.Seq, UpdatedAt: p.now(),
	})
	if err != nil {
		return fmt.Errorf("set checkpoint %s: %w", pos, err)
	}
	return nil
}

// Rebuild empties a projection's read model and replays the whole log into
// it in one transaction, so readers see the old rows until the new ones
// commit. name "" rebuilds every projection. When another process holds a
// projection's lock, Rebuild waits for it. The projection's quarantined
// events are applied again with the others; when one still fails, the
// emptied read model commits and the projection catches up batch by batch,
// setting aside again what still fails.
func (p *Projector) Rebuild(ctx context.Context, name string) error {
	var todo []Projection
	for _, pr := range p.ps {
		if name == "" || pr.Name() == name {
			todo = append(todo, pr)
		}
	}
	if len(todo) == 0 {
		return domain.Errorf(domain.ENotFound, "There is no projection named %q.", name)
	}
	for _, pr := range todo {
		if err := p.rebuild(ctx, pr); err != nil {
			return err
		}
	}
	return nil
}

func (p *Projector) rebuild(ctx context.Context, pr Projection) error {
	name := pr.Name()
	for {
		var notices []notify.Notice
		var total int
		var last domain.Position
		ran, err := p.backend.Batch(ctx, name, func(q readmodel.Querier) error {
			notices, total = nil, 0
			if err := p.reset(ctx, q, pr); err != nil {
				return err
			}
			bulk, isBulk := pr.(BulkRebuilder)
			if isBulk {
				if err := bulk.BeginRebuild(ctx, q); err != nil {
					return fmt.Errorf("begin rebuild: %w", err)
				}
			}
			// The log is read in pages; the events of one page are applied
			// (the PostgreSQL backend sends its writes every thousand) and
			// its notices merged before the next is read, so memory stays
			// bounded.
			for from := domain.Start; ; {
				evs, err := p.es.ReadAll(ctx, from, p.batchSize())
				if err != nil {
					return fmt.Errorf("read events after %s: %w", from, err)
				}
				if len(evs) == 0 {
					break
				}
				ns, _, err := p.apply(ctx, q, pr, evs, nil)
				if err != nil {
					return err
				}
				notices = coalesce(append(notices, ns...))
				total += len(evs)
				from = evs[len(evs)-1].Position
				last = from
			}
			if isBulk {
				if err := bulk.EndRebuild(ctx, q); err != nil {
					return fmt.Errorf("end rebuild: %w", err)
				}
			}
			if total > 0 {
				if err := p.setCheckpoint(ctx, q, name, last); err != nil {
					return err
				}
			}
			return ctx.Err()
		})
		if err != nil && p.eventError(err) {
			return p.rebuildStepwise(ctx, pr)
		}
		if err != nil {
			return fmt.Errorf("rebuild projection %s: %w", name, err)
		}
		if ran {
			p.log.InfoContext(ctx, "projector: rebuilt projection", "projection", name, "events", total, "checkpoint", last.String())
			p.saw(name, last)
			p.committed()
			p.publish(ctx, coalesce(notices))
			return nil
		}
		if err := sleep(ctx, lockRetry); err != nil {
			return fmt.Errorf("rebuild projection %s: %w", name, err)
		}
	}
}

// BulkRebuilder is a projection whose rebuild, the whole log applied in
// one transaction, defers work it does per event in a batch and does it
// once at the end (a row bumped once per event would be updated as many
// times in one transaction). A stepwise rebuild commits batch by batch and
// does not call it.
type BulkRebuilder interface {
	// BeginRebuild runs after the reset, before the first event.
	BeginRebuild(ctx context.Context, q readmodel.Querier) error
	// EndRebuild runs after the last event, in the same transaction.
	EndRebuild(ctx context.Context, q readmodel.Querier) error
}

// reset empties pr's read model, checkpoint and quarantine.
func (p *Projector) reset(ctx context.Context, q readmodel.Querier, pr Projection) error {
	name := pr.Name()
	if err := pr.Reset(ctx, q); err != nil {
		return fmt.Errorf("reset: %w", err)
	}
	if err := q.DeleteCheckpoint(ctx, name); err != nil {
		return fmt.Errorf("delete checkpoint: %w", err)
	}
	qs, err := q.ListQuarantinedEvents(ctx)
	if err != nil {
		return fmt.Errorf("list quarantined events: %w", err)
	}
	for _, e := range qs {
		if e.Projection != name {
			continue
		}
		if err := q.DeleteQuarantinedEvent(ctx, readmodel.DeleteQuarantinedEventParams{
			Projection: name, CommitTx: e.CommitTx, Seq: e.Seq,
		}); err != nil {
			return fmt.Errorf("delete quarantined event: %w", err)
		}
	}
	return nil
}

// rebuildStepwise is a rebuild of a log that holds an event pr cannot
// apply: it commits the emptied read model, then applies the log batch by
// batch as Run does, setting aside the events that fail.
func (p *Projector) rebuildStepwise(ctx context.Context, pr Projection) error {
	name := pr.Name()
	for {
		ran, err := p.backend.Batch(ctx, name, func(q readmodel.Querier) error {
			if err := p.reset(ctx, q, pr); err != nil {
				return err
			}
			return ctx.Err()
		})
		if err != nil {
			return fmt.Errorf("rebuild projection %s: %w", name, err)
		}
		if ran {
			break
		}
		if err := sleep(ctx, lockRetry); err != nil {
			return fmt.Errorf("rebuild projection %s: %w", name, err)
		}
	}
	p.mu.Lock()
	delete(p.seen, name) // the checkpoint went back to the start
	p.mu.Unlock()
	for {
		ran, n, err := p.step(ctx, pr)
		if err != nil {
			return fmt.Errorf("rebuild projection %s: %w", name, err)
		}
		if ran && n == 0 {
			p.log.InfoContext(ctx, "projector: rebuilt projection, setting aside events it cannot apply", "projection", name)
			return nil
		}
		if !ran {
			if err := sleep(ctx, lockRetry); err != nil {
				return fmt.Errorf("rebuild projection %s: %w", name, err)
			}
		}
	}
}

// Retry applies the quarantined events again, after a fix: it rebuilds
// each projection that has some, so that they apply in log order with the
// others, and returns how many of them still fail.
func (p *Projector) Retry(ctx context.Context) (stillFailing int, err error) {
	qs, err := p.Quarantined(ctx)
	if err != nil {
		return 0, err
	}
	done := map[string]bool{}
	for _, e := range qs {
		if done[e.Projection] || !slices.Contains(p.Names(), e.Projection) {
			continue
		}
		done[e.Projection] = true
		if err := p.Rebuild(ctx, e.Projection); err != nil {
			return 0, err
		}
	}
	qs, err = p.Quarantined(ctx)
	return len(qs), err
}

// WaitFor returns nil once the read models include pos, so a handler can
// show a user their own write: the projections that apply any of
// eventTypes (every projection when none is given) have reached pos, and
// when a reactor handles one of them, it has reacted and every projection
// has applied what its reactions appended, so the page shows the reaction
// too (the pilot's new rank after an accepted PIREP).
// When ctx ends first it returns an error wrapping ErrNotCaughtUp and
// ctx.Err(); the caller bounds the wait through ctx.
func (p *Projector) WaitFor(ctx context.Context, pos domain.Position, eventTypes ...string) error {
	ps := p.projectionsOf(eventTypes)
	rs := p.reactorsOf(eventTypes)
	if err := p.waitUntil(ctx, pos, ps, rs); err != nil || len(rs) == 0 {
		return err
	}
	// The reactors have reacted to pos; what they appended up to then is
	// at or before the position they noted with their checkpoints.
	return p.waitUntil(ctx, p.causedBy(rs), p.ps, nil)
}

// projectionsOf returns the projections that apply any of the event
// types, or all of them when none is given.
func (p *Projector) projectionsOf(eventTypes []string) []Projection {
	if len(eventTypes) == 0 {
		return p.ps
	}
	var out []Projection
	for _, pr := range p.ps {
		if slices.ContainsFunc(eventTypes, pr.Handles) {
			out = append(out, pr)
		}
	}
	return out
}

// waitUntil returns once the projections ps and reactors rs have all
// reached pos. A checkpoint this process has committed or read at pos or
// later needs no query. Each batch this process commits wakes it to look
// again at what it has seen; every waitPoll it also has the checkpoints
// read, in case another process runs the projections, through one look
// shared by every wait of the process (500 ACARS clients each reading the
// checkpoints every few milliseconds were most of the database's queries).
// The first look reads nothing: a command's events have only just been
// appended.
func (p *Projector) waitUntil(ctx context.Context, pos domain.Position, ps []Projection, rs []Reactor) error {
	r := p.backend.Reader()
	// The timer is set again only after a look that read the checkpoints,
	// never by the signals: however often this process commits, a
	// projection that another process runs is read every waitPoll, and a
	// slow database is never read back to back.
	timer := time.NewTimer(waitPoll)
	defer timer.Stop()
	for ask := false; ; {
		// Take the signal before looking, so a batch that commits after the
		// look still wakes this loop.
		signal := p.progressSignal()
		if ask {
			if err := p.lookAtCheckpoints(ctx, r); err != nil && ctx.Err() == nil {
				return err
			}
			timer.Reset(waitPoll)
		}
		if p.reached(pos, ps, rs) {
			return nil
		}
		select {
		case <-ctx.Done():
			return fmt.Errorf("projector: wait for %s: %w", pos, errors.Join(ErrNotCaughtUp, ctx.Err()))
		case <-signal:
			// A batch of this process: saw has what it committed.
			ask = false
		case <-timer.C:
			// Perhaps a batch of another process.
			ask = true
		}
	}
}

// reached says whether the projections ps and reactors rs have applied
// the log up to pos, as far as this process has seen their checkpoints.
func (p *Projector) reached(pos domain.Position, ps []Projection, rs []Reactor) bool {
	p.mu.Lock()
	defer p.mu.Unlock()
	for _, pr := range ps {
		if pos.After(p.seen[pr.Name()]) {
			return false
		}
	}
	for _, re := range rs {
		if cp, ok := p.reacted[re.Name()]; !ok || pos.After(cp.At) {
			return false
		}
	}
	return true
}

// lookAtCheckpoints reads every projection's and reactor's checkpoint into
// what this process has seen. A wait that finds a look
// under way waits for its end instead of reading too, so however many
// handlers wait, the process reads the checkpoints once at a time.
func (p *Projector) lookAtCheckpoints(ctx context.Context, r readmodel.Querier) error {
	p.lookMu.Lock()
	if under := p.looking; under != nil {
		p.lookMu.Unlock()
		select {
		case <-under:
			return nil
		case <-ctx.Done():
			return ctx.Err()
		}
	}
	done := make(chan struct{})
	p.looking = done
	p.lookMu.Unlock()
	defer func() {
		p.lookMu.Lock()
		p.looking = nil
		p.lookMu.Unlock()
		close(done)
	}()
	cps, err := r.ListCheckpoints(ctx)
	if err != nil {
		return fmt.Errorf("list checkpoints: %w", err)
	}
	for _, c := range cps {
		p.saw(c.Name, domain.Position{Commit: c.CommitTx, Seq: c.Seq})
	}
	for _, re := range p.reactors {
		cp, err := p.reactorCheckpoints.Get(ctx, re.Name())
		if err != nil {
			return fmt.Errorf("reactor %s: %w", re.Name(), err)
		}
		p.sawReaction(re.Name(), cp)
	}
	return nil
}

// Status reports each projection's checkpoint, then each reactor's, beside
// the event store's head.
func (p *Projector) Status(ctx context.Context) ([]Status, error) {
	head, err := p.es.Head(ctx)
	if err != nil {
		return nil, fmt.Errorf("projector status: head: %w", err)
	}
	r := p.backend.Reader()
	out := make([]Status, 0, len(p.ps))
	for _, pr := range p.ps {
		cp, at, err := checkpoint(ctx, r, pr.Name())
		if err != nil {
			return nil, fmt.Errorf("projector status: projection %s: %w", pr.Name(), err)
		}
		out = append(out, Status{Name: pr.Name(), Checkpoint: cp, UpdatedAt: at, Head: head, CaughtUp: !head.After(cp)})
	}
	for _, re := range p.reactors {
		cp, err := p.reactorCheckpoints.Get(ctx, re.Name())
		if err != nil {
			return nil, fmt.Errorf("projector status: reactor %s: %w", re.Name(), err)
		}
		out = append(out, Status{Name: re.Name(), Reactor: true, Checkpoint: cp.At, Head: head, CaughtUp: !head.After(cp.At)})
	}
	return out, nil
}

// checkpoint reads a projection's position; one that never committed a
// batch is at the start of the log.
func checkpoint(ctx context.Context, q readmodel.Querier, name string) (domain.Position, time.Time, error) {
	c, err := q.GetCheckpoint(ctx, name)
	if domain.ErrorCode(err) == domain.ENotFound {
		return domain.Start, time.Time{}, nil
	}
	if err != nil {
		return domain.Position{}, time.Time{}, fmt.Errorf("get checkpoint: %w", err)
	}
	return domain.Position{Commit: c.CommitTx, Seq: c.Seq}, c.UpdatedAt, nil
}

// saw records that a projection's checkpoint has committed at pos or
// later. Checkpoints only move forward, so the newest stays true.
func (p *Projector) saw(name string, pos domain.Position) {
	p.mu.Lock()
	defer p.mu.Unlock()
	if pos.After(p.seen[name]) {
		p.seen[name] = pos
	}
}

// committed wakes every WaitFor of this process.
func (p *Projector) committed() {
	p.mu.Lock()
	close(p.progress)
	p.progress = make(chan struct{})
	p.mu.Unlock()
}

func (p *Projector) progressSignal() <-chan struct{} {
	p.mu.Lock()
	defer p.mu.Unlock()
	return p.progress
}

// publish sends notices after a commit. A lost notice only delays a page's
// refresh, so a failure is logged and the projector carries on.
func (p *Projector) publish(ctx context.Context, notices []notify.Notice) {
	if p.n == nil || len(notices) == 0 {
		return
	}
	// Bounded, and not cut short by a shutdown: the batch has committed
	// and its notices should still go out.
	ctx, cancel := context.WithTimeout(context.WithoutCancel(ctx), publishTimeout)
	defer cancel()
	notices = mergeLiveFlights(notices)
	if err := p.n.Publish(ctx, notices...); err != nil {
		p.log.WarnContext(ctx, "projector: publish notices", "err", err, "notices", len(notices))
	}
}

// mergeLiveFlights merges a batch's live-flights notices into one per
// tenant and audience, naming every flight once per change in log order,
// at the last one's position and in its place. A batch of 500 ACARS
// positions was 500 notices at once to every open map, beyond what a
// stream holds, so the maps lost most of them; the map re-reads its
// flights once per notice anyway.
func mergeLiveFlights(ns []notify.Notice) []notify.Notice {
	type key struct {
		tenant, user string
		staff        bool
	}
	last := map[key]int{} // the index of each audience's last live-flights notice
	for i, n := range ns {
		if n.Topic == live.TopicLiveFlights {
			last[key{n.TenantID, n.UserID, n.Staff}] = i
		}
	}
	if len(last) == 0 {
		return ns
	}
	ids := map[key][]string{}
	out := make([]notify.Notice, 0, len(ns))
	for i, n := range ns {
		if n.Topic != live.TopicLiveFlights {
			out = append(out, n)
			continue
		}
		k := key{n.TenantID, n.UserID, n.Staff}
		ids[k] = append(ids[k], n.IDs...)
		if last[k] == i {
			n.IDs = ids[k]
			out = append(out, n)
		}
	}
	return out
}

// coalesce merges notices into one per tenant, audience and topic, carrying
// the last position and no ids: after a rebuild any record may have changed, and a
// page re-fetches its whole fragment anyway. Merging page by page keeps a
// rebuild of a long log from holding a notice per event.
func coalesce(ns []notify.Notice) []notify.Notice {
	type key struct {
		tenant, user string
		staff        bool
		topic        live.Topic
	}
	idx := map[key]int{}
	var out []notify.Notice
	for _, n := range ns {
		k := key{n.TenantID, n.UserID, n.Staff, n.Topic}
		i, ok := idx[k]
		if !ok {
			i = len(out)
			idx[k] = i
			out = append(out, notify.Notice{TenantID: n.TenantID, UserID: n.UserID, Staff: n.Staff, Topic: n.Topic})
		}
		out[i].Position = n.Position
	}
	return out
}

// publishTimeout bounds how long a committed batch waits for its notices to
// be sent before the projector moves on.
const publishTimeout = 2 * time.Second

func sleep(ctx context.Context, d time.Duration) error {
	t := time.NewTimer(d)
	defer t.Stop()
	select {
	case <-ctx.Done():
		return ctx.Err()
	case <-t.C:
		return nil
	}
}

func (p *Projector) batchSize() int {
	if p.BatchSize <= 0 {
		return DefaultBatchSize
	}
	return p.BatchSize
}

func (p *Projector) pollInterval() time.Duration {
	if p.PollInterval <= 0 {
		return DefaultPollInterval
	}
	return p.PollInterval
}

func (p *Projector) batchTimeout() time.Duration {
	if p.BatchTimeout <= 0 {
		return DefaultBatchTimeout
	}
	return p.BatchTimeout
}

// decodeError is an event whose data does not decode: it never will.
type decodeError struct{ err error }

func (e decodeError) Error() string { return e.err.Error() }
func (e decodeError) Unwrap() error { return e.err }

// applyError is an error a projection's Apply returned.
type applyError struct{ err error }

func (e applyError) Error() string { return e.err.Error() }
func (e applyError) Unwrap() error { return e.err }

// DataErrors is a Backend that tells the errors an event's data causes
// (a value the database refuses, a broken constraint), which would recur at
// every try, from failures of the database itself.
type DataErrors interface {
	// IsDataError says whether the database refused the data.
	IsDataError(err error) bool
	// IsDatabaseError says whether err came from the database or the
	// connection to it, whatever the cause.
	IsDatabaseError(err error) bool
}

// eventError says whether err came from applying an event's data, so that
// trying the event again cannot succeed: a decode error, a domain error
// other than internal, an error the backend says is the data's, or an
// error of a projection's own (a malformed id in the event) that did not
// come from the database. A context that ended, a lost connection or an
// event type this binary does not know is never the event's fault.
func (p *Projector) eventError(err error) bool {
	if errors.Is(err, context.Canceled) || errors.Is(err, context.DeadlineExceeded) ||
		errors.Is(err, io.EOF) || errors.Is(err, io.ErrUnexpectedEOF) || errors.As(err, new(net.Error)) {
		return false
	}
	if errors.As(err, new(decodeError)) {
		return true
	}
	var de *domain.Error
	if errors.As(err, &de) {
		return de.Code != domain.EInternal
	}
	d, ok := p.backend.(DataErrors)
	if ok && d.IsDataError(err) {
		return true
	}
	return errors.As(err, new(applyError)) && !(ok && d.IsDatabaseError(err))
}

// quarantine sets aside ev, the event after pr's checkpoint that failed
// with cause, and moves the checkpoint past it, in one batch. It does
// nothing when the checkpoint has moved meanwhile (another process).
func (p *Projector) quarantine(ctx context.Context, pr Projection, ev domain.RecordedEvent, cause error) (bool, error) {
	name := pr.Name()
	moved := false
	ran, err := p.backend.Batch(ctx, name, func(q readmodel.Querier) error {
		from, _, err := checkpoint(ctx, q, name)
		if err != nil {
			return err
		}
		next, err := p.es.ReadAll(ctx, from, 1)
		if err != nil {
			return fmt.Errorf("read events after %s: %w", from, err)
		}
		if len(next) == 0 || next[0].Position != ev.Position {
			return nil
		}
		if err := q.QuarantineEvent(ctx, readmodel.QuarantineEventParams{
			Projection: name, CommitTx: ev.Position.Commit, Seq: ev.Position.Seq, StreamID: ev.StreamID,
			Version: ev.Version, EventType: ev.Type, Error: cause.Error(), QuarantinedAt: p.now(),
		}); err != nil {
			return fmt.Errorf("quarantine event %s: %w", ev.Position, err)
		}
		if err := p.setCheckpoint(ctx, q, name, ev.Position); err != nil {
			return err
		}
		moved = true
		return ctx.Err()
	})
	if err != nil {
		return ran, fmt.Errorf("projection %s: %w", name, err)
	}
	if moved {
		p.log.ErrorContext(ctx, "projector: event quarantined; the projection goes on without it",
			"projection", name, "position", ev.Position.String(), "stream", ev.StreamID,
			"version", ev.Version, "type", ev.Type, "err", cause)
		p.saw(name, ev.Position)
		p.committed()
	}
	return ran, nil
}

// Quarantined lists the events set aside, in log order.
func (p *Projector) Quarantined(ctx context.Context) ([]readmodel.QuarantinedEvent, error) {
	qs, err := p.backend.Reader().ListQuarantinedEvents(ctx)
	if err != nil {
		return nil, fmt.Errorf("projector: list quarantined events: %w", err)
	}
	return qs, nil
}
