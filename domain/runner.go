package domain

import (
	"context"
	"errors"
	"fmt"
	"time"

	"google.golang.org/protobuf/proto"

	"github.com/albatross-va/albatross/domain/events"
)

// Aggregate is rebuilt by applying its stream's events in version order.
type Aggregate interface {
	Apply(event proto.Message) error
}

// Decision is what an aggregate decided for a command: the events to append
// and the unique values to claim with them. No events means nothing to do.
type Decision struct {
	Events   []proto.Message
	Claims   []UniqueClaim
	Releases []UniqueClaim // claims of the stream the events give back
}

// CommandMeta identifies a command and who sent it. ID makes the command
// idempotent: a repeated ID appends nothing and returns the first result.
type CommandMeta struct {
	ID            string
	Who           Actor  // who sends it, for authorization; Actor is set from it when empty
	Actor         string // recorded as the events' actor: a user id, "system" or "cli"
	CorrelationID string
	CausationID   string
}

// Runner runs commands: load the stream, decide, append with the version it
// loaded, and on a version conflict start again, a bounded number of times.
type Runner struct {
	Store       EventStore
	Registry    *events.Registry
	Clock       Clock
	MaxAttempts int // 0 means DefaultMaxAttempts
	// States, when set, keeps the last state of long streams between
	// commands (see keptState); nil reads every stream whole.
	States *States
}

// DefaultMaxAttempts bounds the retries on version conflicts.
const DefaultMaxAttempts = 5

// StreamRef names the stream a command acts on and its tenant.
type StreamRef struct {
	StreamID string
	TenantID string
}

// Execute runs one command against the aggregate in ref. newAgg returns an
// empty aggregate; decide sees it with every stored event applied and its
// version (0 for a new stream).
func Execute[A Aggregate](ctx context.Context, r *Runner, ref StreamRef, meta CommandMeta,
	newAgg func() A, decide func(agg A, version int64) (Decision, error)) (AppendResult, error) {
	return execute(ctx, r, ref, meta, newAgg, nil, 0, decide)
}

// executeLoaded is Execute for a command that has just loaded the stream
// into loaded at version: its first attempt decides on that rather than
// reading the stream again; a version conflict reloads as Execute does.
func executeLoaded[A Aggregate](ctx context.Context, r *Runner, ref StreamRef, meta CommandMeta,
	newAgg func() A, loaded A, version int64, decide func(agg A, version int64) (Decision, error)) (AppendResult, error) {
	return execute(ctx, r, ref, meta, newAgg, &loaded, version, decide)
}

// execute runs Execute's attempts; the first decides on *first at
// firstVersion when first is not nil.
//
// A state r.States kept is decided on as it is, without reading the
// stream: when the decision appends, the append's expected version checks
// that nothing came in between, and a conflict brings the state up to date
// and decides again. A refusal or a decision to append nothing, which no
// append checks, is always decided again on the stream as it is. After an
// append the state goes back with the command's own events applied, so a
// flight's next report reads nothing either.
func execute[A Aggregate](ctx context.Context, r *Runner, ref StreamRef, meta CommandMeta,
	newAgg func() A, first *A, firstVersion int64, decide func(agg A, version int64) (Decision, error)) (AppendResult, error) {
	for _, s := range []string{ref.StreamID, ref.TenantID, meta.ID, meta.actor(), meta.CorrelationID, meta.CausationID} {
		if err := TextError("command", s, SingleLine, 0); err != nil {
			return AppendResult{}, err
		}
	}
	attempts := r.MaxAttempts
	if attempts <= 0 {
		attempts = DefaultMaxAttempts
	}
	var behind *A // a state the last attempt's append found behind the stream
	var behindAt int64
	for attempt := 0; attempt < attempts; attempt++ {
		var agg A
		var version int64
		own, unchecked := true, false // own: ours to keep; unchecked: not read from the stream just now
		var err error
		switch {
		case first != nil && attempt == 0:
			agg, version, own = *first, firstVersion, false
		case behind != nil:
			agg = *behind
			if version, err = r.loadAfter(ctx, ref.StreamID, agg, behindAt); err != nil {
				return AppendResult{}, err
			}
		default:
			if agg, version, unchecked = takeKept(r, ref.StreamID, newAgg); !unchecked {
				if agg, version, err = loadState(ctx, r, ref.StreamID, newAgg); err != nil {
					return AppendResult{}, err
				}
			}
		}
		behind = nil
		d, err := decide(agg, version)
		if unchecked && (err != nil || len(d.Events) == 0) {
			if version, err = r.loadAfter(ctx, ref.StreamID, agg, version); err != nil {
				return AppendResult{}, err
			}
			d, err = decide(agg, version)
		}
		if err != nil || len(d.Events) == 0 {
			// Deciders only read the aggregate, so it is still the state
			// at version; the caller's preloaded one stays the caller's.
			if own {
				r.keep(ref.StreamID, agg, version)
			}
			if err != nil {
				return AppendResult{}, err
			}
			return AppendResult{StreamID: ref.StreamID, FromVersion: version, ToVersion: version}, nil
		}
		req := AppendRequest{
			StreamID: ref.StreamID,
			TenantID: ref.TenantID,
			Expected: ExpectedVersion(version),
			Claims:   d.Claims,
			Releases: d.Releases,
			Meta: Metadata{
				Actor:         meta.actor(),
				CommandID:     meta.ID,
				CorrelationID: meta.CorrelationID,
				CausationID:   meta.CausationID,
				RecordedAt:    r.now(),
			},
		}
		for _, ev := range d.Events {
			// The last guard of the log: no event holds text a read model
			// could not store, whatever a command forgot to check.
			if err := CheckEventText(ev); err != nil {
				return AppendResult{}, err
			}
			name, data, err := r.Registry.Encode(ev)
			if err != nil {
				return AppendResult{}, err
			}
			req.Events = append(req.Events, NewEvent{Type: name, SchemaVersion: events.SchemaVersion, Data: data})
		}
		res, err := r.Store.Append(ctx, req)
		if errors.Is(err, ErrVersionConflict) {
			if own {
				behind, behindAt = &agg, version
			}
			continue
		}
		if err != nil {
			return res, err
		}
		for _, e := range req.Events {
			res.EventTypes = append(res.EventTypes, e.Type)
		}
		if own {
			r.keepAfter(ref.StreamID, agg, version, res, d.Events)
		}
		return res, nil
	}
	return AppendResult{}, Errorf(EConflict, "This record was changed by someone else while you were saving. Please try again.")
}

// actor is the name recorded in the events' metadata.
func (m CommandMeta) actor() string {
	if m.Actor == "" {
		return m.Who.UserID
	}
	return m.Actor
}

// loadState returns the stream's aggregate at its last version: the state
// r.States kept for it brought up to date, or a new one from the whole
// stream.
func loadState[A Aggregate](ctx context.Context, r *Runner, stream string, newAgg func() A) (A, int64, error) {
	agg := newAgg()
	if _, ok := any(agg).(keptState); ok && r.States != nil {
		if state, at, ok := r.States.take(stream); ok {
			if kept, ok := state.(A); ok {
				version, err := r.loadAfter(ctx, stream, kept, at)
				return kept, version, err
			}
		}
	}
	version, err := r.load(ctx, stream, agg)
	return agg, version, err
}

// takeKept takes out the state r.States kept for stream, as it was kept:
// ok is false when there is none.
func takeKept[A Aggregate](r *Runner, stream string, newAgg func() A) (A, int64, bool) {
	var none A
	if _, ok := any(newAgg()).(keptState); !ok || r.States == nil {
		return none, 0, false
	}
	state, at, ok := r.States.take(stream)
	if !ok {
		return none, 0, false
	}
	kept, ok := state.(A)
	return kept, at, ok
}

// keepAfter hands back a state decided on at version with the events the
// command appended applied, at the version they took. A duplicate command
// appended nothing now, so the state goes back as it was, and the next
// command reads what the first one appended.
func (r *Runner) keepAfter(stream string, agg Aggregate, version int64, res AppendResult, appended []proto.Message) {
	if _, ok := agg.(keptState); !ok || r.States == nil {
		return
	}
	if res.Duplicate || res.FromVersion != version+1 || res.ToVersion != version+int64(len(appended)) {
		r.keep(stream, agg, version)
		return
	}
	for _, ev := range appended {
		if err := agg.Apply(ev); err != nil {
			return // the log has the events; the next command reads them afresh
		}
	}
	r.keep(stream, agg, res.ToVersion)
}

// keep hands a state back to r.States, for the aggregates kept there.
func (r *Runner) keep(stream string, agg Aggregate, version int64) {
	if _, ok := agg.(keptState); ok && r.States != nil && version > 0 {
		r.States.keep(stream, agg, version)
	}
}

func (r *Runner) load(ctx context.Context, stream string, agg Aggregate) (int64, error) {
	return r.loadAfter(ctx, stream, agg, 0)
}

// loadAfter applies to agg, which holds the stream up to version after,
// the events after it, and returns the stream's version.
func (r *Runner) loadAfter(ctx context.Context, stream string, agg Aggregate, after int64) (int64, error) {
	recs, err := r.Store.ReadStream(ctx, stream, after)
	if err != nil {
		return 0, fmt.Errorf("load %s: %w", stream, err)
	}
	version := after
	for _, rec := range recs {
		m, err := r.Registry.Decode(rec.Type, rec.Data)
		if err != nil {
			return 0, fmt.Errorf("load %s v%d: %w", stream, rec.Version, err)
		}
		if err := agg.Apply(m); err != nil {
			return 0, fmt.Errorf("load %s v%d: %w", stream, rec.Version, err)
		}
		version = rec.Version
	}
	return version, nil
}

func (r *Runner) now() time.Time {
	if r.Clock == nil {
		return SystemClock{}.Now()
	}
	return r.Clock.Now()
}
