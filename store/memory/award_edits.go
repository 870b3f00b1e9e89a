package memory

import (
	"bytes"
	"context"
	"slices"

	"github.com/albatross-va/albatross/store/readmodel"
)

// Staff's edits and deletions of awards (queries/award_edits.sql) in
// memory. As in awards.go, lists are replaced, never changed in place.

// UpdateAward implements readmodel.Querier.
func (m *ReadModels) UpdateAward(ctx context.Context, arg readmodel.UpdateAwardParams) error {
	return m.write(func(t *tx) error { return t.UpdateAward(ctx, arg) })
}

// UpdateAwardImage implements readmodel.Querier.
func (m *ReadModels) UpdateAwardImage(ctx context.Context, arg readmodel.UpdateAwardImageParams) error {
	return m.write(func(t *tx) error { return t.UpdateAwardImage(ctx, arg) })
}

// DeleteAward implements readmodel.Querier.
func (m *ReadModels) DeleteAward(ctx context.Context, arg readmodel.DeleteAwardParams) error {
	return m.write(func(t *tx) error { return t.DeleteAward(ctx, arg) })
}

// DeletePilotAwardsOfAward implements readmodel.Querier.
func (m *ReadModels) DeletePilotAwardsOfAward(ctx context.Context, arg readmodel.DeletePilotAwardsOfAwardParams) error {
	return m.write(func(t *tx) error { return t.DeletePilotAwardsOfAward(ctx, arg) })
}

// changeAward replaces the airline's award list with one where the award
// with arg's id is changed by f (or dropped when f returns false).
func (t *tx) changeAward(tenantID string, match func(readmodel.InsertAwardParams) bool, f func(*readmodel.InsertAwardParams) bool) {
	old, had := t.st.awards[tenantID]
	i := slices.IndexFunc(old, match)
	if i < 0 {
		return
	}
	list := slices.Clone(old)
	if f(&list[i]) {
		slices.SortFunc(list, awardOrder)
	} else {
		list = slices.Delete(list, i, i+1)
	}
	if len(list) == 0 {
		delete(t.st.awards, tenantID)
	} else {
		t.st.awards[tenantID] = list
	}
	t.undo = append(t.undo, func() {
		if had {
			t.st.awards[tenantID] = old
		} else {
			delete(t.st.awards, tenantID)
		}
	})
}

func (t *tx) UpdateAward(ctx context.Context, arg readmodel.UpdateAwardParams) error {
	if err := t.check(ctx); err != nil {
		return err
	}
	t.changeAward(arg.TenantID, func(a readmodel.InsertAwardParams) bool { return a.ID == arg.ID }, func(a *readmodel.InsertAwardParams) bool {
		a.Name, a.Description, a.RuleKind, a.RuleNumber, a.RuleCode, a.RuleCode2 = arg.Name, arg.Description, arg.RuleKind, arg.RuleNumber, arg.RuleCode, arg.RuleCode2
		return true
	})
	return nil
}

func (t *tx) UpdateAwardImage(ctx context.Context, arg readmodel.UpdateAwardImageParams) error {
	if err := t.check(ctx); err != nil {
		return err
	}
	t.changeAward(arg.TenantID, func(a readmodel.InsertAwardParams) bool { return a.ID == arg.ID }, func(a *readmodel.InsertAwardParams) bool {
		a.ImageType, a.Image = arg.ImageType, bytes.Clone(arg.Image)
		if a.Image == nil {
			a.Image = []byte{}
		}
		return true
	})
	return nil
}

func (t *tx) DeleteAward(ctx context.Context, arg readmodel.DeleteAwardParams) error {
	if err := t.check(ctx); err != nil {
		return err
	}
	t.changeAward(arg.TenantID, func(a readmodel.InsertAwardParams) bool { return a.ID == arg.ID }, func(*readmodel.InsertAwardParams) bool { return false })
	return nil
}

func (t *tx) DeletePilotAwardsOfAward(ctx context.Context, arg readmodel.DeletePilotAwardsOfAwardParams) error {
	if err := t.check(ctx); err != nil {
		return err
	}
	for k, list := range t.st.pilotAwards {
		if k.tenant != arg.TenantID {
			continue
		}
		if i := slices.IndexFunc(list, func(a readmodel.PilotAward) bool { return a.AwardID == arg.AwardID }); i >= 0 {
			t.setPilotAwards(k, slices.Delete(slices.Clone(list), i, i+1))
		}
	}
	return nil
}
