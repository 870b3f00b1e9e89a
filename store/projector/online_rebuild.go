package projector

import (
	"context"
	"errors"
	"fmt"
	"time"

	"github.com/albatross-va/albatross/domain"
	"github.com/albatross-va/albatross/store/notify"
	"github.com/albatross-va/albatross/store/readmodel"
)

// ShadowBackend is a Backend that can rebuild a projection beside its
// live read model (PostgreSQL: copies of its tables in a schema of their
// own), so that pages read the old rows and the live projection goes on
// applying new events until the rebuilt rows replace them in one short
// transaction.
type ShadowBackend interface {
	Backend
	// NewShadow makes empty copies of the tables reset empties. An error
	// wrapping ErrNoShadow means the projection cannot be rebuilt so, and
	// is rebuilt in place instead.
	NewShadow(ctx context.Context, projection string, reset func(context.Context, readmodel.Querier) error) (RebuildShadow, error)
}

// RebuildShadow is one projection's rebuild beside its live read model.
type RebuildShadow interface {
	// Batch runs fn in a transaction whose writes go to the copies.
	Batch(ctx context.Context, fn func(q readmodel.Querier) error) error
	// Swap runs, in one transaction holding the projection's lock, last
	// against the copies, then before against the live tables, then
	// replaces the live tables' rows with the copies', then after against
	// the live tables, and commits.
	Swap(ctx context.Context, last, before, after func(q readmodel.Querier) error) error
	// Close drops the copies.
	Close(ctx context.Context)
}

// ErrNoShadow is wrapped by NewShadow's error for a projection whose
// read model cannot be copied.
var ErrNoShadow = errors.New("the projection's read model cannot be rebuilt beside the live one")

// RebuildOnline is Rebuild without downtime on a ShadowBackend: each
// projection is replayed into copies of its tables batch by batch while
// pages read the live rows and the live projection keeps applying new
// events; once the copies have caught up with the log's head, one
// transaction holding the projection's lock applies the events that came
// meanwhile to them and replaces the live rows with theirs. A backend
// without shadows (the in-memory one), a projection whose tables cannot be
// copied, and a log holding an event the projection cannot apply (which
// the in-place rebuild quarantines) are rebuilt in place by Rebuild.
func (p *Projector) RebuildOnline(ctx context.Context, name string) error {
	sb, ok := p.backend.(ShadowBackend)
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
		if !ok {
			if err := p.rebuild(ctx, pr); err != nil {
				return err
			}
			continue
		}
		err := p.rebuildBeside(ctx, sb, pr)
		if errors.Is(err, ErrNoShadow) || (err != nil && p.eventError(err)) {
			p.log.InfoContext(ctx, "projector: rebuilding in place", "projection", pr.Name(), "reason", err)
			err = p.rebuild(ctx, pr)
		}
		if err != nil {
			return err
		}
	}
	return nil
}

func (p *Projector) rebuildBeside(ctx context.Context, sb ShadowBackend, pr Projection) error {
	name := pr.Name()
	start := time.Now()
	sh, err := sb.NewShadow(ctx, name, pr.Reset)
	if err != nil {
		return err
	}
	defer sh.Close(context.WithoutCancel(ctx))
	var notices []notify.Notice
	total, last := 0, domain.Start
	// catchUp applies the log after last to the copies in q, a page at a
	// time, until a page comes back empty.
	catchUp := func(q readmodel.Querier, pages int) (more bool, err error) {
		for range pages {
			evs, err := p.es.ReadAll(ctx, last, p.batchSize())
			if err != nil {
				return false, fmt.Errorf("read events after %s: %w", last, err)
			}
			if len(evs) == 0 {
				return false, nil
			}
			ns, _, err := p.apply(ctx, q, pr, evs, nil)
			if err != nil {
				return false, err
			}
			notices = coalesce(append(notices, ns...))
			total += len(evs)
			last = evs[len(evs)-1].Position
		}
		return true, nil
	}
	for {
		saved, savedTotal, savedNotices := last, total, notices
		var more bool
		err := sh.Batch(ctx, func(q readmodel.Querier) error {
			var err error
			more, err = catchUp(q, 20)
			return err
		})
		if err != nil {
			last, total, notices = saved, savedTotal, savedNotices
			return fmt.Errorf("rebuild projection %s: %w", name, err)
		}
		if !more {
			break
		}
	}
	bulk, isBulk := pr.(BulkRebuilder)
	swapStart := time.Now()
	err = sh.Swap(ctx,
		func(q readmodel.Querier) error {
			for {
				more, err := catchUp(q, 1000)
				if err != nil || !more {
					return err
				}
			}
		},
		func(q readmodel.Querier) error {
			if isBulk {
				if err := bulk.BeginRebuild(ctx, q); err != nil {
					return fmt.Errorf("begin rebuild: %w", err)
				}
			}
			return nil
		},
		func(q readmodel.Querier) error {
			if isBulk {
				if err := bulk.EndRebuild(ctx, q); err != nil {
					return fmt.Errorf("end rebuild: %w", err)
				}
			}
			// The live read model's checkpoint and quarantine, which the
			// replay of every event supersedes.
			if err := q.DeleteCheckpoint(ctx, name); err != nil {
				return fmt.Errorf("delete checkpoint: %w", err)
			}
			qs, err := q.ListQuarantinedEvents(ctx)
			if err != nil {
				return fmt.Errorf("list quarantined events: %w", err)
			}
			for _, e := range qs {
				if e.Projection == name {
					if err := q.DeleteQuarantinedEvent(ctx, readmodel.DeleteQuarantinedEventParams{Projection: name, CommitTx: e.CommitTx, Seq: e.Seq}); err != nil {
						return fmt.Errorf("delete quarantined event: %w", err)
					}
				}
			}
			if total > 0 {
				return p.setCheckpoint(ctx, q, name, last)
			}
			return nil
		})
	if err != nil {
		return fmt.Errorf("rebuild projection %s: %w", name, err)
	}
	// held is how long the live projection could not apply (the swap's
	// transaction), against took, the whole rebuild's time.
	p.log.InfoContext(ctx, "projector: rebuilt projection beside the live one", "projection", name, "events", total,
		"checkpoint", last.String(), "took", time.Since(start).Round(time.Millisecond), "held", time.Since(swapStart).Round(time.Millisecond))
	p.saw(name, last)
	p.committed()
	p.publish(ctx, coalesce(notices))
	return nil
}
