package domain_test

import (
	"context"
	"testing"

	"github.com/albatross-va/albatross/domain"
)

func TestPirepRulesAreTheAirlineAdminsToSet(t *testing.T) {
	r := newRunner(t)
	m := newMembership(t, r)
	other := newMembership(t, r)
	ctx := context.Background()
	on := domain.PirepRules{PilotAtDeparture: true}

	pilot := domain.Actor{UserID: domain.NewUUID(), Role: domain.RolePilot, TenantID: m.airline}
	if _, err := m.airlines.SetPirepRules(ctx, domain.CommandMeta{Who: pilot}, m.airline, on); domain.ErrorCode(err) != domain.EForbidden {
		t.Errorf("a pilot set the rules: %v, want forbidden", err)
	}
	if _, err := m.airlines.SetPirepRules(ctx, domain.CommandMeta{Who: other.admin}, m.airline, on); domain.ErrorCode(err) != domain.ENotFound {
		t.Errorf("another airline's admin set the rules: %v, want not found", err)
	}
	res, err := m.airlines.SetPirepRules(ctx, domain.CommandMeta{Who: m.admin}, m.airline, on)
	if err != nil || res.Position == (domain.Position{}) {
		t.Fatalf("the airline's admin sets the rules: %+v, %v", res, err)
	}
	a := &domain.Airline{}
	replay(t, r, domain.AirlineStream(m.airline), a)
	if a.PirepRules != on {
		t.Errorf("the airline's rules are %+v, want %+v", a.PirepRules, on)
	}
	// The same rules again change nothing.
	again, err := m.airlines.SetPirepRules(ctx, domain.CommandMeta{Who: m.admin}, m.airline, on)
	if err != nil || again.Position != (domain.Position{}) {
		t.Errorf("setting the same rules again appended: %+v, %v", again, err)
	}
	if _, err := m.airlines.SetPirepRules(ctx, domain.CommandMeta{Who: domain.System}, domain.NewUUID(), on); domain.ErrorCode(err) != domain.ENotFound {
		t.Errorf("rules of a missing airline: %v, want not found", err)
	}
}
