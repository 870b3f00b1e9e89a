package projector

import (
	"context"
	"errors"
	"fmt"
	"slices"
	"time"

	"github.com/google/uuid"
	"google.golang.org/protobuf/proto"

	"github.com/albatross-va/albatross/domain"
)

// Reactor sends the commands that follow an event: a promotion after an
// acceptance, and later awards, bids, webhooks and emails. It follows the
// log like a projection, with a checkpoint of its own, but it writes
// through commands, not into a read model, so a rebuild of the read models
// never runs it again.
type Reactor interface {
	// Name identifies the reactor's checkpoint and lock, and goes into the
	// command ids of its reactions: never rename one.
	Name() string
	// Handles says whether the reactor follows events of a type.
	Handles(eventType string) bool
	// Reads names the projections whose read models React reads. The
	// reactor sees an event only once all of them have applied it.
	Reads() []string
	// React sends the commands that follow ev with meta, whose ID is
	// derived from the reactor and ev's position: sent again after a crash
	// or by another process, a command appends nothing the second time.
	// It returns the position of the last event its commands appended
	// (domain.Start for none), so that a page can wait for the read
	// models to show the reaction.
	// A domain error other than EInternal or EUnavailable means the
	// reaction cannot happen (the pilot has left the airline): it is
	// logged and the reactor goes on. Any other error is tried again.
	React(ctx context.Context, meta domain.CommandMeta, ev domain.RecordedEvent, msg proto.Message) (domain.Position, error)
}

// ReactorCheckpoint is how far a reactor has got.
type ReactorCheckpoint struct {
	At     domain.Position // the last event it has reacted to or passed
	Caused domain.Position // the latest event its reactions appended, so far
}

// ReactorCheckpoints keep the reactors' positions beside the event log
// (the embedded log's file, or a PostgreSQL table), never among the read
// models: rebuilding those must not send a reaction twice.
type ReactorCheckpoints interface {
	// Hold runs fn holding the reactor's lock, with its checkpoint, and
	// stores the checkpoint fn returns when its At is later, even when fn
	// also returns an error. When another process holds the lock it
	// returns ran=false at once.
	Hold(ctx context.Context, reactor string, fn func(cp ReactorCheckpoint) (ReactorCheckpoint, error)) (ran bool, err error)
	// Get reads a reactor's checkpoint; the zero one when it has none.
	Get(ctx context.Context, reactor string) (ReactorCheckpoint, error)
}

// reactionNamespace makes the command ids of reactions: a name-based UUID
// of the reactor's name and the triggering event's position.
var reactionNamespace = uuid.MustParse("6f1b7c52-1d0e-4a57-9a43-5c3e0f4b2a10")

// ReactionMeta is the metadata of the commands a reactor sends for ev. The
// command id depends on nothing but the reactor and the event, so the same
// reaction always carries the same id. The actor is the system; the
// request that caused the event keeps its correlation id.
func ReactionMeta(reactor string, ev domain.RecordedEvent) domain.CommandMeta {
	return domain.CommandMeta{
		ID:            uuid.NewSHA1(reactionNamespace, []byte(reactor+"@"+ev.Position.String())).String(),
		Who:           domain.System,
		CorrelationID: ev.Meta.CorrelationID,
		CausationID:   "event " + ev.Position.String(),
	}
}

// WithReactors makes the projector run rs after its projections, keeping
// their checkpoints in cps, and wait for them where a command's events are
// ones they handle. Call it before Run.
func (p *Projector) WithReactors(cps ReactorCheckpoints, rs ...Reactor) *Projector {
	p.reactorCheckpoints = cps
	p.reactors = append(p.reactors, rs...)
	return p
}

// ReactorNames lists the reactors in the order they run.
func (p *Projector) ReactorNames() []string {
	out := make([]string, len(p.reactors))
	for i, r := range p.reactors {
		out[i] = r.Name()
	}
	return out
}

// runReactors lets each reactor react to what its projections have
// applied, a batch at a time, until none has more to do now. It returns
// how many events they went past in all.
func (p *Projector) runReactors(ctx context.Context) (int, error) {
	var errs []error
	total := 0
	for _, r := range p.reactors {
		for ctx.Err() == nil {
			n, err := p.react(ctx, r)
			total += n
			if err != nil {
				errs = append(errs, err)
				break
			}
			if n == 0 {
				break
			}
		}
	}
	return total, errors.Join(errs...)
}

// react runs one batch of r: the events after its checkpoint that every
// projection it reads has applied. It returns how many events it went
// past.
func (p *Projector) react(ctx context.Context, r Reactor) (int, error) {
	name := r.Name()
	p.mu.Lock()
	seen, known := p.reacted[name]
	p.mu.Unlock()
	if known {
		// Nothing new in the log after it: no lock, no checkpoint read.
		evs, _, err := p.read(ctx, seen.At, p.batchSize())
		if err != nil || len(evs) == 0 {
			return 0, err
		}
	}
	passed := 0
	start := time.Now()
	ran, err := p.reactorCheckpoints.Hold(ctx, name, func(from ReactorCheckpoint) (ReactorCheckpoint, error) {
		evs, _, err := p.read(ctx, from.At, p.batchSize())
		if err != nil {
			return from, fmt.Errorf("read events after %s: %w", from.At, err)
		}
		if len(evs) == 0 {
			p.sawReaction(name, from)
			return from, nil
		}
		upTo, err := p.appliedBy(ctx, r.Reads(), evs[len(evs)-1].Position)
		if err != nil {
			return from, err
		}
		cp := from
		for _, ev := range evs {
			if ev.Position.After(upTo) {
				break
			}
			if r.Handles(ev.Type) {
				caused, err := p.reactTo(ctx, r, ev)
				if err != nil {
					return cp, err
				}
				if caused.After(cp.Caused) {
					cp.Caused = caused
				}
			}
			cp.At = ev.Position
			passed++
		}
		p.sawReaction(name, cp)
		return cp, nil
	})
	if err != nil {
		return passed, fmt.Errorf("reactor %s: %w", name, err)
	}
	if !ran {
		return 0, nil
	}
	if passed > 0 {
		p.observe(name, true, passed, time.Since(start))
		p.committed()
	}
	return passed, nil
}

// reactTo sends r's reaction to one event and returns the position of
// what it appended; a reaction the domain refuses is logged and passed.
func (p *Projector) reactTo(ctx context.Context, r Reactor, ev domain.RecordedEvent) (domain.Position, error) {
	msg, err := p.reg.Decode(ev.Type, ev.Data)
	if err != nil {
		// The projections set such an event aside; a reaction to it cannot
		// happen either.
		p.log.ErrorContext(ctx, "reactor: event does not decode; no reaction", "reactor", r.Name(),
			"position", ev.Position.String(), "type", ev.Type, "err", err)
		return domain.Start, nil
	}
	caused, err := r.React(ctx, ReactionMeta(r.Name(), ev), ev, msg)
	switch code := domain.ErrorCode(err); {
	case err == nil:
		return caused, nil
	case code != "" && code != domain.EInternal && code != domain.EUnavailable:
		p.log.WarnContext(ctx, "reactor: reaction refused; going on", "reactor", r.Name(),
			"position", ev.Position.String(), "type", ev.Type, "err", err)
		return domain.Start, nil
	default:
		return domain.Start, fmt.Errorf("react to %s (%s): %w", ev.Position, ev.Type, err)
	}
}

// appliedBy returns the position up to which every one of the named
// projections has applied the log, reading no checkpoint that this process
// has already seen at want or later.
func (p *Projector) appliedBy(ctx context.Context, names []string, want domain.Position) (domain.Position, error) {
	upTo := want
	for _, name := range names {
		p.mu.Lock()
		at := p.seen[name]
		p.mu.Unlock()
		if want.After(at) {
			cp, _, err := checkpoint(ctx, p.backend.Reader(), name)
			if err != nil {
				return domain.Start, fmt.Errorf("projection %s: %w", name, err)
			}
			at = cp
		}
		if upTo.After(at) {
			upTo = at
		}
	}
	return upTo, nil
}

// sawReaction records that a reactor's checkpoint is at cp or later.
func (p *Projector) sawReaction(name string, cp ReactorCheckpoint) {
	p.mu.Lock()
	defer p.mu.Unlock()
	if seen, ok := p.reacted[name]; !ok || cp.At.After(seen.At) {
		p.reacted[name] = cp
	}
}

// reactorsOf returns the reactors that handle any of the event types.
func (p *Projector) reactorsOf(eventTypes []string) []Reactor {
	var out []Reactor
	for _, r := range p.reactors {
		if slices.ContainsFunc(eventTypes, r.Handles) {
			out = append(out, r)
		}
	}
	return out
}

// causedBy returns the latest event the reactors' reactions appended, as
// far as this process knows their checkpoints.
func (p *Projector) causedBy(rs []Reactor) domain.Position {
	p.mu.Lock()
	defer p.mu.Unlock()
	var out domain.Position
	for _, r := range rs {
		if c := p.reacted[r.Name()].Caused; c.After(out) {
			out = c
		}
	}
	return out
}
