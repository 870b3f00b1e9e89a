package memory

import (
	"cmp"
	"context"
	"slices"

	"github.com/albatross-va/albatross/domain"
	"github.com/albatross-va/albatross/store/readmodel"
)

// quarantineKey is the primary key of quarantined_events.
type quarantineKey struct {
	projection    string
	commitTx, seq int64
}

// QuarantineEvent implements readmodel.Querier.
func (m *ReadModels) QuarantineEvent(ctx context.Context, arg readmodel.QuarantineEventParams) error {
	return m.write(func(t *tx) error { return t.QuarantineEvent(ctx, arg) })
}

// DeleteQuarantinedEvent implements readmodel.Querier.
func (m *ReadModels) DeleteQuarantinedEvent(ctx context.Context, arg readmodel.DeleteQuarantinedEventParams) error {
	return m.write(func(t *tx) error { return t.DeleteQuarantinedEvent(ctx, arg) })
}

// ListQuarantinedEvents implements readmodel.Querier.
func (m *ReadModels) ListQuarantinedEvents(ctx context.Context) ([]readmodel.QuarantinedEvent, error) {
	m.mu.RLock()
	defer m.mu.RUnlock()
	return m.st.listQuarantinedEvents(ctx)
}

// QuarantineEvent inserts the row, or gives the one with its key the newer
// error and keeps its first time.
func (t *tx) QuarantineEvent(ctx context.Context, arg readmodel.QuarantineEventParams) error {
	if err := t.check(ctx); err != nil {
		return err
	}
	k := quarantineKey{arg.Projection, arg.CommitTx, arg.Seq}
	old, existed := t.st.quarantine[k]
	row := readmodel.QuarantinedEvent{
		Projection: arg.Projection, CommitTx: arg.CommitTx, Seq: arg.Seq, StreamID: arg.StreamID,
		Version: arg.Version, EventType: arg.EventType, Error: arg.Error, QuarantinedAt: timestamptz(arg.QuarantinedAt),
	}
	if existed {
		row = old
		row.Error = arg.Error
	}
	t.st.quarantine[k] = row
	t.undo = append(t.undo, func() {
		if existed {
			t.st.quarantine[k] = old
		} else {
			delete(t.st.quarantine, k)
		}
	})
	return nil
}

// DeleteQuarantinedEvent removes the row with the key, if any.
func (t *tx) DeleteQuarantinedEvent(ctx context.Context, arg readmodel.DeleteQuarantinedEventParams) error {
	if err := t.check(ctx); err != nil {
		return err
	}
	k := quarantineKey{arg.Projection, arg.CommitTx, arg.Seq}
	old, existed := t.st.quarantine[k]
	if !existed {
		return nil
	}
	delete(t.st.quarantine, k)
	t.undo = append(t.undo, func() { t.st.quarantine[k] = old })
	return nil
}

// ListQuarantinedEvents implements readmodel.Querier.
func (t *tx) ListQuarantinedEvents(ctx context.Context) ([]readmodel.QuarantinedEvent, error) {
	if err := t.check(ctx); err != nil {
		return nil, err
	}
	return t.st.listQuarantinedEvents(ctx)
}

// listQuarantinedEvents returns the rows in log order, nil for none as
// sqlc does.
func (s *state) listQuarantinedEvents(ctx context.Context) ([]readmodel.QuarantinedEvent, error) {
	if err := ctx.Err(); err != nil {
		return nil, err
	}
	var out []readmodel.QuarantinedEvent
	for _, r := range s.quarantine {
		out = append(out, r)
	}
	slices.SortFunc(out, func(a, b readmodel.QuarantinedEvent) int {
		return cmp.Or(cmp.Compare(a.CommitTx, b.CommitTx), cmp.Compare(a.Seq, b.Seq), cmp.Compare(a.Projection, b.Projection))
	})
	return out, nil
}

// IsDatabaseError is always false: the in-memory tables have no
// connection to lose.
func (m *ReadModels) IsDatabaseError(error) bool { return false }

// IsDataError says whether err is a refusal of a batch's data, as the
// PostgreSQL backend's IsDataError does: a missing row, a broken
// constraint or an invalid value, which the tables report with their
// domain codes. Nothing else fails in memory but a context that ended and a
// misused batch.
func (m *ReadModels) IsDataError(err error) bool {
	switch domain.ErrorCode(err) {
	case domain.ENotFound, domain.EConflict, domain.EInvalid:
		return true
	}
	return false
}
