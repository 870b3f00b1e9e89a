package memory

import (
	"bytes"
	"context"
	"slices"
	"strings"

	"github.com/albatross-va/albatross/store/readmodel"
)

// The awards projection (queries/awards.sql) in memory: each airline's
// awards in ListAwards' order, and each pilot's awards in grant order.
// Lists are replaced, never changed in place, so a read's copy stays as it
// was.

// InsertAward implements readmodel.Querier.
func (m *ReadModels) InsertAward(ctx context.Context, arg readmodel.InsertAwardParams) error {
	return m.write(func(t *tx) error { return t.InsertAward(ctx, arg) })
}

// ListAwards implements readmodel.Querier.
func (m *ReadModels) ListAwards(ctx context.Context, tenantID string) ([]readmodel.ListAwardsRow, error) {
	m.mu.RLock()
	defer m.mu.RUnlock()
	return m.st.listAwards(ctx, tenantID)
}

// GetAwardImage implements readmodel.Querier.
func (m *ReadModels) GetAwardImage(ctx context.Context, arg readmodel.GetAwardImageParams) (readmodel.GetAwardImageRow, error) {
	m.mu.RLock()
	defer m.mu.RUnlock()
	return m.st.getAwardImage(ctx, arg)
}

// DeleteAllAwards implements readmodel.Querier.
func (m *ReadModels) DeleteAllAwards(ctx context.Context) error {
	return m.write(func(t *tx) error { return t.DeleteAllAwards(ctx) })
}

// InsertPilotAward implements readmodel.Querier.
func (m *ReadModels) InsertPilotAward(ctx context.Context, arg readmodel.InsertPilotAwardParams) error {
	return m.write(func(t *tx) error { return t.InsertPilotAward(ctx, arg) })
}

// DeletePilotAward implements readmodel.Querier.
func (m *ReadModels) DeletePilotAward(ctx context.Context, arg readmodel.DeletePilotAwardParams) error {
	return m.write(func(t *tx) error { return t.DeletePilotAward(ctx, arg) })
}

// ListPilotAwards implements readmodel.Querier.
func (m *ReadModels) ListPilotAwards(ctx context.Context, arg readmodel.ListPilotAwardsParams) ([]readmodel.PilotAward, error) {
	m.mu.RLock()
	defer m.mu.RUnlock()
	return m.st.listPilotAwards(ctx, arg)
}

// DeleteAllPilotAwards implements readmodel.Querier.
func (m *ReadModels) DeleteAllPilotAwards(ctx context.Context) error {
	return m.write(func(t *tx) error { return t.DeleteAllPilotAwards(ctx) })
}

// awardOrder is ListAwards' order: name byte by byte (COLLATE "C"), then id.
func awardOrder(a, b readmodel.InsertAwardParams) int {
	if c := strings.Compare(a.Name, b.Name); c != 0 {
		return c
	}
	return bytes.Compare(a.ID[:], b.ID[:])
}

// pilotAwardOrder is ListPilotAwards' order.
func pilotAwardOrder(a, b readmodel.PilotAward) int {
	if c := a.GrantedAt.Compare(b.GrantedAt); c != 0 {
		return c
	}
	return bytes.Compare(a.AwardID[:], b.AwardID[:])
}

func (s *state) listAwards(ctx context.Context, tenantID string) ([]readmodel.ListAwardsRow, error) {
	if err := ctx.Err(); err != nil {
		return nil, err
	}
	list := s.awards[tenantID]
	out := make([]readmodel.ListAwardsRow, 0, len(list))
	for _, a := range list {
		out = append(out, readmodel.ListAwardsRow{TenantID: a.TenantID, ID: a.ID, Name: a.Name, Description: a.Description,
			RuleKind: a.RuleKind, RuleNumber: a.RuleNumber, RuleCode: a.RuleCode, RuleCode2: a.RuleCode2, ImageType: a.ImageType,
			CreatedAt: a.CreatedAt})
	}
	s.visited(len(out))
	return out, nil
}

func (s *state) getAwardImage(ctx context.Context, arg readmodel.GetAwardImageParams) (readmodel.GetAwardImageRow, error) {
	if err := ctx.Err(); err != nil {
		return readmodel.GetAwardImageRow{}, err
	}
	for _, a := range s.awards[arg.TenantID] {
		if a.ID == arg.ID {
			s.visited(1)
			return readmodel.GetAwardImageRow{ImageType: a.ImageType, Image: bytes.Clone(a.Image)}, nil
		}
	}
	return readmodel.GetAwardImageRow{}, readmodel.NotFound("GetAwardImage")
}

func (s *state) listPilotAwards(ctx context.Context, arg readmodel.ListPilotAwardsParams) ([]readmodel.PilotAward, error) {
	if err := ctx.Err(); err != nil {
		return nil, err
	}
	list := slices.Clone(s.pilotAwards[rowKey{arg.TenantID, arg.UserID}])
	s.visited(len(list))
	return list, nil
}

func (t *tx) InsertAward(ctx context.Context, arg readmodel.InsertAwardParams) error {
	if err := t.check(ctx); err != nil {
		return err
	}
	old := t.st.awards[arg.TenantID]
	if slices.ContainsFunc(old, func(a readmodel.InsertAwardParams) bool { return a.ID == arg.ID }) {
		return nil
	}
	arg.CreatedAt = timestamptz(arg.CreatedAt)
	arg.Image = bytes.Clone(arg.Image)
	if arg.Image == nil {
		arg.Image = []byte{}
	}
	list := append(slices.Clone(old), arg)
	slices.SortFunc(list, awardOrder)
	t.st.awards[arg.TenantID] = list
	t.undo = append(t.undo, func() {
		if old == nil {
			delete(t.st.awards, arg.TenantID)
		} else {
			t.st.awards[arg.TenantID] = old
		}
	})
	return nil
}

func (t *tx) ListAwards(ctx context.Context, tenantID string) ([]readmodel.ListAwardsRow, error) {
	if err := t.check(ctx); err != nil {
		return nil, err
	}
	return t.st.listAwards(ctx, tenantID)
}

func (t *tx) GetAwardImage(ctx context.Context, arg readmodel.GetAwardImageParams) (readmodel.GetAwardImageRow, error) {
	if err := t.check(ctx); err != nil {
		return readmodel.GetAwardImageRow{}, err
	}
	return t.st.getAwardImage(ctx, arg)
}

func (t *tx) DeleteAllAwards(ctx context.Context) error {
	if err := t.check(ctx); err != nil {
		return err
	}
	old := t.st.awards
	t.st.awards = map[string][]readmodel.InsertAwardParams{}
	t.undo = append(t.undo, func() { t.st.awards = old })
	return nil
}

// setPilotAwards replaces a pilot's award list, with its undo.
func (t *tx) setPilotAwards(k rowKey, list []readmodel.PilotAward) {
	old, had := t.st.pilotAwards[k]
	if len(list) == 0 {
		delete(t.st.pilotAwards, k)
	} else {
		t.st.pilotAwards[k] = list
	}
	t.undo = append(t.undo, func() {
		if had {
			t.st.pilotAwards[k] = old
		} else {
			delete(t.st.pilotAwards, k)
		}
	})
}

func (t *tx) InsertPilotAward(ctx context.Context, arg readmodel.InsertPilotAwardParams) error {
	if err := t.check(ctx); err != nil {
		return err
	}
	k := rowKey{arg.TenantID, arg.UserID}
	old := t.st.pilotAwards[k]
	if slices.ContainsFunc(old, func(a readmodel.PilotAward) bool { return a.AwardID == arg.AwardID }) {
		return nil
	}
	list := append(slices.Clone(old), readmodel.PilotAward{TenantID: arg.TenantID, UserID: arg.UserID, AwardID: arg.AwardID,
		AwardName: arg.AwardName, Reason: arg.Reason, PirepID: arg.PirepID, ByHand: arg.ByHand, GrantedAt: timestamptz(arg.GrantedAt)})
	slices.SortFunc(list, pilotAwardOrder)
	t.setPilotAwards(k, list)
	return nil
}

func (t *tx) DeletePilotAward(ctx context.Context, arg readmodel.DeletePilotAwardParams) error {
	if err := t.check(ctx); err != nil {
		return err
	}
	k := rowKey{arg.TenantID, arg.UserID}
	old := t.st.pilotAwards[k]
	i := slices.IndexFunc(old, func(a readmodel.PilotAward) bool { return a.AwardID == arg.AwardID })
	if i < 0 {
		return nil
	}
	t.setPilotAwards(k, slices.Delete(slices.Clone(old), i, i+1))
	return nil
}

func (t *tx) ListPilotAwards(ctx context.Context, arg readmodel.ListPilotAwardsParams) ([]readmodel.PilotAward, error) {
	if err := t.check(ctx); err != nil {
		return nil, err
	}
	return t.st.listPilotAwards(ctx, arg)
}

func (t *tx) DeleteAllPilotAwards(ctx context.Context) error {
	if err := t.check(ctx); err != nil {
		return err
	}
	old := t.st.pilotAwards
	t.st.pilotAwards = map[rowKey][]readmodel.PilotAward{}
	t.undo = append(t.undo, func() { t.st.pilotAwards = old })
	return nil
}
