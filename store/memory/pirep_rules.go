package memory

import (
	"context"

	"github.com/albatross-va/albatross/store/readmodel"
)

// The airlines' PIREP filing rules (queries/pirep_rules.sql) in memory,
// keyed by tenant.

// DeleteAllAirlinePirepRules implements readmodel.Querier.
func (m *ReadModels) DeleteAllAirlinePirepRules(ctx context.Context) error {
	return m.write(func(t *tx) error { return t.DeleteAllAirlinePirepRules(ctx) })
}

// GetAirlinePirepRules implements readmodel.Querier.
func (m *ReadModels) GetAirlinePirepRules(ctx context.Context, tenantID string) (readmodel.AirlinePirepRule, error) {
	m.mu.RLock()
	defer m.mu.RUnlock()
	return m.st.getAirlinePirepRules(ctx, tenantID)
}

// UpsertAirlinePirepRules implements readmodel.Querier.
func (m *ReadModels) UpsertAirlinePirepRules(ctx context.Context, arg readmodel.UpsertAirlinePirepRulesParams) error {
	return m.write(func(t *tx) error { return t.UpsertAirlinePirepRules(ctx, arg) })
}

func (s *state) getAirlinePirepRules(ctx context.Context, tenantID string) (readmodel.AirlinePirepRule, error) {
	if err := ctx.Err(); err != nil {
		return readmodel.AirlinePirepRule{}, err
	}
	r, ok := s.pirepRules[tenantID]
	if !ok {
		return readmodel.AirlinePirepRule{}, readmodel.NotFound("GetAirlinePirepRules")
	}
	return r, nil
}

func (t *tx) DeleteAllAirlinePirepRules(ctx context.Context) error {
	if err := t.check(ctx); err != nil {
		return err
	}
	old := t.st.pirepRules
	t.st.pirepRules = map[string]readmodel.AirlinePirepRule{}
	t.undo = append(t.undo, func() { t.st.pirepRules = old })
	return nil
}

func (t *tx) GetAirlinePirepRules(ctx context.Context, tenantID string) (readmodel.AirlinePirepRule, error) {
	if err := t.check(ctx); err != nil {
		return readmodel.AirlinePirepRule{}, err
	}
	return t.st.getAirlinePirepRules(ctx, tenantID)
}

// UpsertAirlinePirepRules inserts or replaces the row of arg.TenantID.
func (t *tx) UpsertAirlinePirepRules(ctx context.Context, arg readmodel.UpsertAirlinePirepRulesParams) error {
	if err := t.check(ctx); err != nil {
		return err
	}
	old, existed := t.st.pirepRules[arg.TenantID]
	t.st.pirepRules[arg.TenantID] = readmodel.AirlinePirepRule{TenantID: arg.TenantID, AircraftAtDeparture: arg.AircraftAtDeparture,
		PilotAtDeparture: arg.PilotAtDeparture, UpdatedAt: timestamptz(arg.UpdatedAt), AbandonAfterMinutes: arg.AbandonAfterMinutes,
		PublicLiveMapOff: arg.PublicLiveMapOff, AllowCharters: arg.AllowCharters, AllowJumpseats: arg.AllowJumpseats,
		JumpseatsPerMonth: arg.JumpseatsPerMonth, JumpseatHubsOnly: arg.JumpseatHubsOnly}
	t.undo = append(t.undo, func() {
		if existed {
			t.st.pirepRules[arg.TenantID] = old
		} else {
			delete(t.st.pirepRules, arg.TenantID)
		}
	})
	return nil
}
