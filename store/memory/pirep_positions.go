package memory

import (
	"context"
	"slices"
	"strings"

	"github.com/albatross-va/albatross/store/readmodel"
)

// The tracks of ACARS flights (queries/pireps.sql's pirep_positions) and
// the flights in progress, in memory.

// AddPirepPosition implements readmodel.Querier.
func (m *ReadModels) AddPirepPosition(ctx context.Context, arg readmodel.AddPirepPositionParams) error {
	return m.write(func(t *tx) error { return t.AddPirepPosition(ctx, arg) })
}

// MovePirepPosition implements readmodel.Querier.
func (m *ReadModels) MovePirepPosition(ctx context.Context, arg readmodel.MovePirepPositionParams) (int32, error) {
	var n int32
	err := m.write(func(t *tx) error {
		var err error
		n, err = t.MovePirepPosition(ctx, arg)
		return err
	})
	return n, err
}

// DeleteAllPirepPositions implements readmodel.Querier.
func (m *ReadModels) DeleteAllPirepPositions(ctx context.Context) error {
	return m.write(func(t *tx) error { return t.DeleteAllPirepPositions(ctx) })
}

// ListPirepPositions implements readmodel.Querier.
func (m *ReadModels) ListPirepPositions(ctx context.Context, arg readmodel.ListPirepPositionsParams) ([]readmodel.PirepPosition, error) {
	m.mu.RLock()
	defer m.mu.RUnlock()
	return m.st.listPirepPositions(ctx, arg)
}

// ListPirepsInProgress implements readmodel.Querier.
func (m *ReadModels) ListPirepsInProgress(ctx context.Context, arg readmodel.ListPirepsInProgressParams) ([]readmodel.Pirep, error) {
	m.mu.RLock()
	defer m.mu.RUnlock()
	return m.st.listPirepsInProgress(ctx, arg)
}

func (t *tx) AddPirepPosition(ctx context.Context, arg readmodel.AddPirepPositionParams) error {
	if err := t.check(ctx); err != nil {
		return err
	}
	k := rowKey{arg.TenantID, arg.PirepID}
	track := t.st.positions[k]
	if slices.ContainsFunc(track, func(p readmodel.PirepPosition) bool { return p.N == arg.N }) {
		return t.fail(readmodel.UniqueViolation("pirep_positions_pkey"))
	}
	row := readmodel.PirepPosition(arg)
	row.At = timestamptz(row.At)
	if row.SimTime != nil {
		st := timestamptz(*row.SimTime)
		row.SimTime = &st
	}
	// Appended in order almost always; placed by n otherwise, as the
	// primary key orders them.
	i, _ := slices.BinarySearchFunc(track, row.N, func(p readmodel.PirepPosition, n int32) int { return int(p.N - n) })
	t.st.positions[k] = slices.Insert(slices.Clip(track), i, row)
	t.undo = append(t.undo, func() {
		if len(track) == 0 {
			delete(t.st.positions, k)
		} else {
			t.st.positions[k] = track
		}
	})
	return nil
}

func (t *tx) MovePirepPosition(ctx context.Context, arg readmodel.MovePirepPositionParams) (int32, error) {
	if err := t.check(ctx); err != nil {
		return 0, err
	}
	old, ok := t.st.pireps[rowKey{arg.TenantID, arg.ID}]
	if !ok {
		return 0, readmodel.NotFound("MovePirepPosition")
	}
	row := readmodel.UpsertPirepParams(*old)
	row.Positions += arg.Added
	row.LastLat, row.LastLon, row.LastAltitude, row.LastHeading, row.LastGs = arg.LastLat, arg.LastLon, arg.LastAltitude, arg.LastHeading, arg.LastGs
	row.LastPositionAt, row.UpdatedAt = arg.LastPositionAt, arg.UpdatedAt
	return row.Positions, t.UpsertPirep(ctx, row)
}

func (t *tx) DeleteAllPirepPositions(ctx context.Context) error {
	if err := t.check(ctx); err != nil {
		return err
	}
	old := t.st.positions
	t.st.positions = map[rowKey][]readmodel.PirepPosition{}
	t.undo = append(t.undo, func() { t.st.positions = old })
	return nil
}

func (t *tx) ListPirepPositions(ctx context.Context, arg readmodel.ListPirepPositionsParams) ([]readmodel.PirepPosition, error) {
	if err := t.check(ctx); err != nil {
		return nil, err
	}
	return t.st.listPirepPositions(ctx, arg)
}

func (t *tx) ListPirepsInProgress(ctx context.Context, arg readmodel.ListPirepsInProgressParams) ([]readmodel.Pirep, error) {
	if err := t.check(ctx); err != nil {
		return nil, err
	}
	return t.st.listPirepsInProgress(ctx, arg)
}

func (s *state) listPirepPositions(ctx context.Context, arg readmodel.ListPirepPositionsParams) ([]readmodel.PirepPosition, error) {
	if err := ctx.Err(); err != nil {
		return nil, err
	}
	track := s.positions[rowKey{arg.TenantID, arg.PirepID}]
	s.visited(len(track))
	if len(track) == 0 {
		return nil, nil
	}
	return slices.Clone(track), nil
}

// listPirepsInProgress reads the tenant's in-progress rows (a few: the
// flights under way) and orders them as the query does.
func (s *state) listPirepsInProgress(ctx context.Context, arg readmodel.ListPirepsInProgressParams) ([]readmodel.Pirep, error) {
	if err := ctx.Err(); err != nil {
		return nil, err
	}
	if arg.Limit < 0 {
		return nil, negativeLimit()
	}
	rows := s.pirepIdx.byState[stateKey{arg.TenantID, "in_progress"}]
	s.visited(len(rows))
	var out []readmodel.Pirep
	for _, p := range rows {
		out = append(out, *p)
	}
	slices.SortFunc(out, func(a, b readmodel.Pirep) int {
		if c := b.UpdatedAt.Compare(a.UpdatedAt); c != 0 {
			return c
		}
		return strings.Compare(a.ID.String(), b.ID.String())
	})
	if len(out) > int(arg.Limit) {
		out = out[:arg.Limit]
	}
	return out, nil
}

// ListIdlePireps implements readmodel.Querier.
func (m *ReadModels) ListIdlePireps(ctx context.Context, arg readmodel.ListIdlePirepsParams) ([]readmodel.ListIdlePirepsRow, error) {
	m.mu.RLock()
	defer m.mu.RUnlock()
	return m.st.listIdlePireps(ctx, arg)
}

func (t *tx) ListIdlePireps(ctx context.Context, arg readmodel.ListIdlePirepsParams) ([]readmodel.ListIdlePirepsRow, error) {
	if err := t.check(ctx); err != nil {
		return nil, err
	}
	return t.st.listIdlePireps(ctx, arg)
}

// listIdlePireps walks every airline's flights in progress (the flights
// under way on the platform, not its PIREPs).
func (s *state) listIdlePireps(ctx context.Context, arg readmodel.ListIdlePirepsParams) ([]readmodel.ListIdlePirepsRow, error) {
	if err := ctx.Err(); err != nil {
		return nil, err
	}
	if arg.Limit < 0 {
		return nil, negativeLimit()
	}
	before := timestamptz(arg.UpdatedAt) // PostgreSQL compares microseconds
	var idle []*readmodel.Pirep
	for k, rows := range s.pirepIdx.byState {
		if k.state != "in_progress" {
			continue
		}
		s.visited(len(rows))
		for _, p := range rows {
			if p.UpdatedAt.Before(before) {
				idle = append(idle, p)
			}
		}
	}
	slices.SortFunc(idle, func(a, b *readmodel.Pirep) int {
		if c := a.UpdatedAt.Compare(b.UpdatedAt); c != 0 {
			return c
		}
		if c := strings.Compare(a.TenantID, b.TenantID); c != 0 {
			return c
		}
		return strings.Compare(a.ID.String(), b.ID.String())
	})
	out := make([]readmodel.ListIdlePirepsRow, 0, min(len(idle), int(arg.Limit)))
	for _, p := range idle[:min(len(idle), int(arg.Limit))] {
		out = append(out, readmodel.ListIdlePirepsRow{TenantID: p.TenantID, ID: p.ID})
	}
	return out, nil
}
