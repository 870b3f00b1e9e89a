package memory

import (
	"cmp"
	"context"

	"github.com/albatross-va/albatross/store/readmodel"
)

// The rank read models (queries/ranks.sql) in memory: an airline's ranks
// keyed by (tenant_id, id) and pilots' ranks by (tenant_id, pilot_id).

// DeleteAllPilotRanks implements readmodel.Querier.
func (m *ReadModels) DeleteAllPilotRanks(ctx context.Context) error {
	return m.write(func(t *tx) error { return t.DeleteAllPilotRanks(ctx) })
}

// DeleteAllRanks implements readmodel.Querier.
func (m *ReadModels) DeleteAllRanks(ctx context.Context) error {
	return m.write(func(t *tx) error { return t.DeleteAllRanks(ctx) })
}

// GetPilotRank implements readmodel.Querier.
func (m *ReadModels) GetPilotRank(ctx context.Context, arg readmodel.GetPilotRankParams) (readmodel.PilotRank, error) {
	m.mu.RLock()
	defer m.mu.RUnlock()
	return m.st.getPilotRank(ctx, arg)
}

// ReadPilotCareer implements readmodel.Querier.
func (m *ReadModels) ReadPilotCareer(ctx context.Context, arg readmodel.ReadPilotCareerParams) (readmodel.ReadPilotCareerRow, error) {
	m.mu.RLock()
	defer m.mu.RUnlock()
	return m.st.readPilotCareer(ctx, arg)
}

// ListRanks implements readmodel.Querier.
func (m *ReadModels) ListRanks(ctx context.Context, tenantID string) ([]readmodel.Rank, error) {
	m.mu.RLock()
	defer m.mu.RUnlock()
	return m.st.listRanks(ctx, tenantID)
}

// UpsertPilotRank implements readmodel.Querier.
func (m *ReadModels) UpsertPilotRank(ctx context.Context, arg readmodel.UpsertPilotRankParams) error {
	return m.write(func(t *tx) error { return t.UpsertPilotRank(ctx, arg) })
}

// UpsertRank implements readmodel.Querier.
func (m *ReadModels) UpsertRank(ctx context.Context, arg readmodel.UpsertRankParams) error {
	return m.write(func(t *tx) error { return t.UpsertRank(ctx, arg) })
}

func (s *state) getPilotRank(ctx context.Context, arg readmodel.GetPilotRankParams) (readmodel.PilotRank, error) {
	if err := ctx.Err(); err != nil {
		return readmodel.PilotRank{}, err
	}
	r, ok := s.pilotRanks[rowKey{arg.TenantID, arg.PilotID}]
	if !ok {
		return readmodel.PilotRank{}, readmodel.NotFound("GetPilotRank")
	}
	return r, nil
}

// readPilotCareer is the pilot's stats and rank row, each zero when missing:
// always a row, as the query's LEFT JOINs from one row give.
func (s *state) readPilotCareer(ctx context.Context, arg readmodel.ReadPilotCareerParams) (readmodel.ReadPilotCareerRow, error) {
	if err := ctx.Err(); err != nil {
		return readmodel.ReadPilotCareerRow{}, err
	}
	key := rowKey{arg.TenantID, arg.PilotID}
	st, r := s.pilotStats[key], s.pilotRanks[key]
	return readmodel.ReadPilotCareerRow{Flights: st.Flights, Minutes: st.Minutes, Location: st.Location,
		LandingRate: st.LandingRate, RankID: r.RankID}, nil
}

// listRanks orders like ORDER BY min_minutes, name COLLATE "C", id and
// returns nil for no rows.
func (s *state) listRanks(ctx context.Context, tenantID string) ([]readmodel.Rank, error) {
	if err := ctx.Err(); err != nil {
		return nil, err
	}
	return s.ranksInOrder.list(s, tenantID, same), nil
}

// byMinutesThenName is ListRanks' ORDER BY min_minutes, name COLLATE "C", id.
func byMinutesThenName(a, b *readmodel.Rank) bool {
	if c := cmp.Compare(a.MinMinutes, b.MinMinutes); c != 0 {
		return c < 0
	}
	return byNameThenID(a.Name, a.ID, b.Name, b.ID)
}

// putRank stores the row and keeps ranksInOrder; every write of s.ranks
// goes through it and dropRank.
func (s *state) putRank(r readmodel.Rank) {
	k := rowKey{r.TenantID, r.ID}
	s.dropRank(k)
	s.ranks[k] = r
	s.ranksInOrder.put(r.TenantID, r)
}

func (s *state) dropRank(k rowKey) {
	if old, ok := s.ranks[k]; ok {
		s.ranksInOrder.remove(old.TenantID, old)
		delete(s.ranks, k)
	}
}

func (t *tx) DeleteAllPilotRanks(ctx context.Context) error {
	if err := t.check(ctx); err != nil {
		return err
	}
	old := t.st.pilotRanks
	t.st.pilotRanks = map[rowKey]readmodel.PilotRank{}
	t.undo = append(t.undo, func() { t.st.pilotRanks = old })
	return nil
}

func (t *tx) DeleteAllRanks(ctx context.Context) error {
	if err := t.check(ctx); err != nil {
		return err
	}
	old, oldOrder := t.st.ranks, t.st.ranksInOrder
	t.st.ranks, t.st.ranksInOrder = map[rowKey]readmodel.Rank{}, oldOrder.empty()
	t.undo = append(t.undo, func() { t.st.ranks, t.st.ranksInOrder = old, oldOrder })
	return nil
}

func (t *tx) GetPilotRank(ctx context.Context, arg readmodel.GetPilotRankParams) (readmodel.PilotRank, error) {
	if err := t.check(ctx); err != nil {
		return readmodel.PilotRank{}, err
	}
	return t.st.getPilotRank(ctx, arg)
}

func (t *tx) ReadPilotCareer(ctx context.Context, arg readmodel.ReadPilotCareerParams) (readmodel.ReadPilotCareerRow, error) {
	if err := t.check(ctx); err != nil {
		return readmodel.ReadPilotCareerRow{}, err
	}
	return t.st.readPilotCareer(ctx, arg)
}

func (t *tx) ListRanks(ctx context.Context, tenantID string) ([]readmodel.Rank, error) {
	if err := t.check(ctx); err != nil {
		return nil, err
	}
	return t.st.listRanks(ctx, tenantID)
}

// UpsertPilotRank inserts or replaces the row with (tenant_id, pilot_id).
func (t *tx) UpsertPilotRank(ctx context.Context, arg readmodel.UpsertPilotRankParams) error {
	if err := t.check(ctx); err != nil {
		return err
	}
	k := rowKey{arg.TenantID, arg.PilotID}
	old, existed := t.st.pilotRanks[k]
	t.st.pilotRanks[k] = readmodel.PilotRank{TenantID: arg.TenantID, PilotID: arg.PilotID, RankID: arg.RankID,
		FloorID: arg.FloorID, SetAt: timestamptz(arg.SetAt)}
	t.undo = append(t.undo, func() {
		if existed {
			t.st.pilotRanks[k] = old
		} else {
			delete(t.st.pilotRanks, k)
		}
	})
	return nil
}

// UpsertRank inserts or replaces the row with (tenant_id, id).
func (t *tx) UpsertRank(ctx context.Context, arg readmodel.UpsertRankParams) error {
	if err := t.check(ctx); err != nil {
		return err
	}
	k := rowKey{arg.TenantID, arg.ID}
	old, existed := t.st.ranks[k]
	t.st.putRank(readmodel.Rank{TenantID: arg.TenantID, ID: arg.ID, Name: arg.Name, MinMinutes: arg.MinMinutes,
		AutoPromote: arg.AutoPromote, AutoAccept: arg.AutoAccept, UpdatedAt: timestamptz(arg.UpdatedAt), AutoAcceptAcars: arg.AutoAcceptAcars})
	t.undo = append(t.undo, func() {
		if existed {
			t.st.putRank(old)
		} else {
			t.st.dropRank(k)
		}
	})
	return nil
}
