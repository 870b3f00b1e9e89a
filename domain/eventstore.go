package domain

import (
	"cmp"
	"context"
	"errors"
	"fmt"
	"slices"
	"time"
)

// ExpectedVersion states what an append expects of its stream. Values of 1 or
// more demand that exact current version; the named constants cover the rest.
type ExpectedVersion int64

const (
	// AnyVersion appends whatever the stream's version is.
	AnyVersion ExpectedVersion = -1
	// NoStream demands that the stream has no events yet.
	NoStream ExpectedVersion = 0
	// StreamExists demands that the stream has at least one event.
	StreamExists ExpectedVersion = -2
)

// Position is a place in the global order of the event log. The global order
// is by commit transaction first and sequence second: PostgreSQL hands out
// sequence numbers before commit, so a sequence alone can be overtaken by a
// transaction that commits later with a lower number (see store/postgres).
// The embedded store commits one transaction at a time and leaves Commit at 0.
type Position struct {
	Commit int64 // the committing transaction, in commit-safe order
	Seq    int64 // the event's sequence number, unique across the log
}

// Start is the position before the first event.
var Start = Position{}

// After reports whether p comes strictly after o in the global order.
func (p Position) After(o Position) bool {
	if p.Commit != o.Commit {
		return p.Commit > o.Commit
	}
	return p.Seq > o.Seq
}

// String renders the position as "commit.seq", the form ParsePosition reads.
func (p Position) String() string { return fmt.Sprintf("%d.%d", p.Commit, p.Seq) }

// ParsePosition reads a position written by Position.String.
func ParsePosition(s string) (Position, error) {
	var p Position
	if _, err := fmt.Sscanf(s, "%d.%d", &p.Commit, &p.Seq); err != nil {
		return Position{}, Errorf(EInvalid, "malformed position %q", s)
	}
	return p, nil
}

// Metadata travels with every event: who caused it and why.
type Metadata struct {
	Actor         string    // user id, "system", or a program's key id
	CommandID     string    // makes an append idempotent; empty means not idempotent
	CorrelationID string    // the request or workflow the event belongs to
	CausationID   string    // the command or event that caused it
	RecordedAt    time.Time // set by the store from its clock when empty
}

// NewEvent is an event about to be appended: its protobuf payload already
// encoded, so the store never needs to know the message types.
type NewEvent struct {
	Type          string // protobuf full name, for example albatross.events.v1.AirlineCreated
	SchemaVersion int32
	Data          []byte
}

// UniqueClaim reserves a value (an airline slug, a user email) for one
// stream, in the same transaction as the append. Scope separates namespaces:
// "" for platform-wide values, a tenant id for values unique within a tenant.
type UniqueClaim struct {
	Scope string
	Field string // the form field named in the conflict error
	Value string // compared exactly; normalise (lower-case) before claiming
}

// AppendRequest is one atomic append to one stream.
type AppendRequest struct {
	StreamID string
	TenantID string
	Expected ExpectedVersion
	Events   []NewEvent
	Claims   []UniqueClaim
	// Releases give back claims this stream holds, in the same
	// transaction, so the value is free for another stream once the
	// events commit (a bid that ends frees its flight). A release of a
	// claim the stream does not hold changes nothing.
	Releases []UniqueClaim
	Meta     Metadata
}

// AppendResult says where an append landed. Duplicate is true when the
// command id had been appended before and nothing new was written; the
// result is then the first append's.
type AppendResult struct {
	StreamID    string
	FromVersion int64 // version of the first event appended
	ToVersion   int64 // version of the last event appended
	Position    Position
	Duplicate   bool
	// EventTypes are the types of the events the command appended, set by
	// the Runner: a handler waits for the projections and reactors that
	// follow them, and no others, before it shows the next page.
	EventTypes []string
}

// RecordedEvent is an event as stored.
type RecordedEvent struct {
	Position      Position
	StreamID      string
	Version       int64
	TenantID      string
	Type          string
	SchemaVersion int32
	Data          []byte
	Meta          Metadata
}

// ErrVersionConflict is wrapped by the error an append returns when the
// stream's version does not match the expected one. Test with errors.Is.
var ErrVersionConflict = errors.New("stream version conflict")

// VersionConflict is the typed error of a failed expected-version check;
// ErrorCode reports it as EConflict.
type VersionConflict struct {
	StreamID string
	Expected ExpectedVersion
	Actual   int64
}

// Error implements error.
func (e *VersionConflict) Error() string {
	return fmt.Sprintf("stream %s: expected version %d, found %d", e.StreamID, e.Expected, e.Actual)
}

// Is makes errors.Is(err, ErrVersionConflict) true.
func (e *VersionConflict) Is(target error) bool { return target == ErrVersionConflict }

// CheckExpected returns a *VersionConflict when actual does not satisfy
// expected. Both event store adapters call it so they agree on the rules.
func CheckExpected(stream string, expected ExpectedVersion, actual int64) error {
	ok := false
	switch {
	case expected == AnyVersion:
		ok = true
	case expected == StreamExists:
		ok = actual > 0
	case expected >= 0:
		ok = int64(expected) == actual
	}
	if ok {
		return nil
	}
	return &VersionConflict{StreamID: stream, Expected: expected, Actual: actual}
}

// ClaimConflict builds the error for a unique value that another stream holds.
func ClaimConflict(c UniqueClaim) error {
	return FieldError(EConflict, c.Field, fmt.Sprintf("%s %q is already taken", c.Field, c.Value))
}

// PrepareAppend validates a request as every adapter must, stamps its
// recorded time (now when unset) in UTC at the microsecond precision both
// stores keep, and puts its claims in the one order every adapter takes
// them in, without repeats.
func PrepareAppend(req AppendRequest) (AppendRequest, error) {
	if err := ValidateAppend(req); err != nil {
		return req, err
	}
	if req.Meta.RecordedAt.IsZero() {
		req.Meta.RecordedAt = time.Now()
	}
	req.Meta.RecordedAt = req.Meta.RecordedAt.UTC().Truncate(time.Microsecond)
	req.Claims = sortClaims(req.Claims)
	req.Releases = sortClaims(req.Releases)
	return req, nil
}

// sortClaims returns the claims without repeats, in one fixed order, so
// concurrent appends wait on each other's claims in the same order.
func sortClaims(in []UniqueClaim) []UniqueClaim {
	out := make([]UniqueClaim, 0, len(in))
	seen := make(map[UniqueClaim]bool, len(in))
	for _, c := range in {
		if !seen[c] {
			seen[c] = true
			out = append(out, c)
		}
	}
	slices.SortFunc(out, func(a, b UniqueClaim) int {
		return cmp.Or(cmp.Compare(a.Scope, b.Scope), cmp.Compare(a.Field, b.Field), cmp.Compare(a.Value, b.Value))
	})
	return out
}

// ValidateAppend checks the parts of a request every adapter rejects alike.
func ValidateAppend(req AppendRequest) error {
	switch {
	case req.StreamID == "":
		return Errorf(EInvalid, "append: empty stream id")
	case len(req.Events) == 0:
		return Errorf(EInvalid, "append: no events")
	case req.Expected < StreamExists:
		return Errorf(EInvalid, "append: expected version %d is not valid", req.Expected)
	}
	for _, e := range req.Events {
		if e.Type == "" {
			return Errorf(EInvalid, "append: event without a type")
		}
	}
	return nil
}

// EventStore is the port to the append-only event log.
type EventStore interface {
	// Append writes events to one stream atomically, checking the expected
	// version, taking the unique claims, and honouring Meta.CommandID.
	Append(ctx context.Context, req AppendRequest) (AppendResult, error)
	// ReadStream returns a stream's events with version > afterVersion, in
	// version order.
	ReadStream(ctx context.Context, streamID string, afterVersion int64) ([]RecordedEvent, error)
	// ReadAll returns up to limit events after the given position in global
	// order. It never returns an event while an event that would sort before
	// it may still commit, so a follower that resumes from the last returned
	// position never misses one.
	ReadAll(ctx context.Context, after Position, limit int) ([]RecordedEvent, error)
	// Head returns the position of the last event a ReadAll can return now.
	Head(ctx context.Context) (Position, error)
	// Subscribe returns a channel that receives a value after new events may
	// have committed (LISTEN/NOTIFY or an in-process signal); it stops when
	// ctx ends. Receivers still poll as a fallback: a signal may be dropped.
	Subscribe(ctx context.Context) <-chan struct{}
	// Close releases the store's resources.
	Close() error
}
