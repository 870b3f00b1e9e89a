package memory

import (
	"context"
	"slices"

	"github.com/albatross-va/albatross/store/readmodel"
)

// The pilots' jumpseats (queries/jumpseats.sql) in memory: each pilot's,
// latest first.

// InsertJumpseat implements readmodel.Querier.
func (m *ReadModels) InsertJumpseat(ctx context.Context, arg readmodel.InsertJumpseatParams) error {
	return m.write(func(t *tx) error { return t.InsertJumpseat(ctx, arg) })
}

// ListPilotJumpseats implements readmodel.Querier.
func (m *ReadModels) ListPilotJumpseats(ctx context.Context, arg readmodel.ListPilotJumpseatsParams) ([]readmodel.Jumpseat, error) {
	m.mu.RLock()
	defer m.mu.RUnlock()
	return m.st.listPilotJumpseats(ctx, arg)
}

// DeleteAllJumpseats implements readmodel.Querier.
func (m *ReadModels) DeleteAllJumpseats(ctx context.Context) error {
	return m.write(func(t *tx) error { return t.DeleteAllJumpseats(ctx) })
}

// latestFirst orders jumpseats as ListPilotJumpseats returns them.
func latestFirst(a, b readmodel.Jumpseat) int {
	if c := b.MovedAt.Compare(a.MovedAt); c != 0 {
		return c
	}
	return slices.Compare(b.ID[:], a.ID[:])
}

func (s *state) listPilotJumpseats(ctx context.Context, arg readmodel.ListPilotJumpseatsParams) ([]readmodel.Jumpseat, error) {
	if err := ctx.Err(); err != nil {
		return nil, err
	}
	list := s.jumpseats[rowKey{arg.TenantID, arg.PilotID}]
	n := min(len(list), max(int(arg.MaxRows), 0))
	s.visited(n)
	if n == 0 {
		return nil, nil
	}
	return slices.Clone(list[:n]), nil
}

// latestJumpseat is the pilot's latest jumpseat.
func (s *state) latestJumpseat(key rowKey) (readmodel.Jumpseat, bool) {
	list := s.jumpseats[key]
	if len(list) == 0 {
		return readmodel.Jumpseat{}, false
	}
	return list[0], true
}

func (t *tx) InsertJumpseat(ctx context.Context, arg readmodel.InsertJumpseatParams) error {
	if err := t.check(ctx); err != nil {
		return err
	}
	key := rowKey{arg.TenantID, arg.PilotID}
	old := t.st.jumpseats[key]
	if slices.ContainsFunc(old, func(j readmodel.Jumpseat) bool { return j.ID == arg.ID }) {
		return nil
	}
	row := readmodel.Jumpseat{TenantID: arg.TenantID, ID: arg.ID, PilotID: arg.PilotID, FromAirport: arg.FromAirport,
		ToAirport: arg.ToAirport, MovedAt: timestamptz(arg.MovedAt)}
	list := append(slices.Clone(old), row)
	slices.SortFunc(list, latestFirst)
	t.st.jumpseats[key] = list
	t.undo = append(t.undo, func() {
		if old == nil {
			delete(t.st.jumpseats, key)
		} else {
			t.st.jumpseats[key] = old
		}
	})
	return nil
}

func (t *tx) ListPilotJumpseats(ctx context.Context, arg readmodel.ListPilotJumpseatsParams) ([]readmodel.Jumpseat, error) {
	if err := t.check(ctx); err != nil {
		return nil, err
	}
	return t.st.listPilotJumpseats(ctx, arg)
}

func (t *tx) DeleteAllJumpseats(ctx context.Context) error {
	if err := t.check(ctx); err != nil {
		return err
	}
	old := t.st.jumpseats
	t.st.jumpseats = map[rowKey][]readmodel.Jumpseat{}
	t.undo = append(t.undo, func() { t.st.jumpseats = old })
	return nil
}
