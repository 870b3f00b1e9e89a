package memory

import (
	"bytes"
	"cmp"
	"context"
	"slices"
	"strings"

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

// listRanks orders like ORDER BY min_minutes, name COLLATE "C", id and
// returns nil for no rows.
func (s *state) listRanks(ctx context.Context, tenantID string) ([]readmodel.Rank, error) {
	if err := ctx.Err(); err != nil {
		return nil, err
	}
	var out []readmodel.Rank
	for k, r := range s.ranks {
		if k.tenant == tenantID {
			out = append(out, r)
		}
	}
	slices.SortFunc(out, func(a, b readmodel.Rank) int {
		if c := cmp.Compare(a.MinMinutes, b.MinMinutes); c != 0 {
			return c
		}
		if c := strings.Compare(a.Name, b.Name); c != 0 {
			return c
		}
		return bytes.Compare(a.ID[:], b.ID[:])
	})
	return out, nil
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
	old := t.st.ranks
	t.st.ranks = map[rowKey]readmodel.Rank{}
	t.undo = append(t.undo, func() { t.st.ranks = old })
	return nil
}

func (t *tx) GetPilotRank(ctx context.Context, arg readmodel.GetPilotRankParams) (readmodel.PilotRank, error) {
	if err := t.check(ctx); err != nil {
		return readmodel.PilotRank{}, err
	}
	return t.st.getPilotRank(ctx, arg)
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
	t.st.ranks[k] = readmodel.Rank{TenantID: arg.TenantID, ID: arg.ID, Name: arg.Name, MinMinutes: arg.MinMinutes,
		AutoPromote: arg.AutoPromote, AutoAccept: arg.AutoAccept, UpdatedAt: timestamptz(arg.UpdatedAt)}
	t.undo = append(t.undo, func() {
		if existed {
			t.st.ranks[k] = old
		} else {
			delete(t.st.ranks, k)
		}
	})
	return nil
}
