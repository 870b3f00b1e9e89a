package domain_test

import (
	"context"
	"testing"

	"github.com/albatross-va/albatross/domain"
)

// TestStaffEditAndDeleteAnAward: an edit changes the award's name (which
// is then free for another award), description and rule; a deletion makes
// it unknown, to a grant by hand too, and frees its name; a pilot and
// another airline's admin can do neither.
func TestStaffEditAndDeleteAnAward(t *testing.T) {
	m, awards := awardsWorld(t)
	ctx := context.Background()
	id, _, err := awards.Define(ctx, newsMeta(m.admin), m.airline, domain.AwardForm{Name: "Ten flights", Rule: domain.AwardRuleFlights, Number: "10"})
	if err != nil {
		t.Fatal(err)
	}
	_, _, err = awards.Define(ctx, newsMeta(m.admin), m.airline, domain.AwardForm{Name: "Helper"})
	if err != nil {
		t.Fatal(err)
	}
	if _, err := awards.Edit(ctx, newsMeta(m.admin), m.airline, id, domain.AwardForm{Name: "helper", Rule: domain.AwardRuleNone}, false); domain.ErrorFields(err)["name"] == "" {
		t.Errorf("renamed to another award's name: %v, want a message on name", err)
	}
	if _, err := awards.Edit(ctx, newsMeta(m.admin), m.airline, id, domain.AwardForm{Name: "Twenty", Rule: domain.AwardRuleFlights, Number: "x"}, false); domain.ErrorFields(err)["number"] == "" {
		t.Errorf("a bad number: %v, want a message on number", err)
	}
	if _, err := awards.Edit(ctx, newsMeta(m.admin), m.airline, id, domain.AwardForm{Name: "Twenty flights", Description: "More", Rule: domain.AwardRuleFlights, Number: "20"}, false); err != nil {
		t.Fatal(err)
	}
	a, err := awards.Find(ctx, m.airline, id)
	if err != nil || a.Name != "Twenty flights" || a.Description != "More" || a.Rule.Number != 20 {
		t.Errorf("after the edit: %+v, %v", a, err)
	}
	// The old name is free again.
	if _, _, err := awards.Define(ctx, newsMeta(m.admin), m.airline, domain.AwardForm{Name: "Ten flights"}); err != nil {
		t.Errorf("the old name after the rename: %v", err)
	}
	pilot := domain.Actor{UserID: domain.NewUUID(), Role: domain.RolePilot, TenantID: m.airline}
	stranger := domain.Actor{UserID: domain.NewUUID(), Role: domain.RoleAirlineAdmin, TenantID: domain.NewUUID()}
	if _, err := awards.Delete(ctx, newsMeta(pilot), m.airline, id); domain.ErrorCode(err) != domain.EForbidden {
		t.Errorf("a pilot deletes: %v, want forbidden", err)
	}
	if _, err := awards.Delete(ctx, newsMeta(stranger), m.airline, id); domain.ErrorCode(err) != domain.ENotFound {
		t.Errorf("another airline's admin deletes: %v, want not found", err)
	}
	if _, err := awards.Edit(ctx, newsMeta(stranger), m.airline, id, domain.AwardForm{Name: "X"}, false); domain.ErrorCode(err) != domain.ENotFound {
		t.Errorf("another airline's admin edits: %v, want not found", err)
	}
	if _, err := awards.Delete(ctx, newsMeta(m.admin), m.airline, id); err != nil {
		t.Fatal(err)
	}
	if _, err := awards.Find(ctx, m.airline, id); domain.ErrorCode(err) != domain.ENotFound {
		t.Errorf("a deleted award is found: %v", err)
	}
	if _, err := awards.Delete(ctx, newsMeta(m.admin), m.airline, id); domain.ErrorCode(err) != domain.ENotFound {
		t.Errorf("a second deletion: %v, want not found", err)
	}
	if _, err := awards.Edit(ctx, newsMeta(m.admin), m.airline, id, domain.AwardForm{Name: "Back"}, false); domain.ErrorCode(err) != domain.ENotFound {
		t.Errorf("an edit of a deleted award: %v, want not found", err)
	}
	user := m.register(t, "ana@example.com")
	if _, err := awards.GrantByHand(ctx, newsMeta(m.admin), m.airline, user, id, "Because"); domain.ErrorFields(err)["award"] == "" {
		t.Errorf("a grant of a deleted award: %v, want a message on award", err)
	}
	if _, _, err := awards.Define(ctx, newsMeta(m.admin), m.airline, domain.AwardForm{Name: "TWENTY flights"}); err != nil {
		t.Errorf("the deleted award's name: %v", err)
	}
}

// TestStaffRevokeAGrantWithAReason: staff take back an award they granted
// by hand, with the reason in the event; no reason is refused on the
// field; revoking what the pilot does not hold appends nothing.
func TestStaffRevokeAGrantWithAReason(t *testing.T) {
	m, awards := awardsWorld(t)
	ctx := context.Background()
	id, _, err := awards.Define(ctx, newsMeta(m.admin), m.airline, domain.AwardForm{Name: "Helper"})
	if err != nil {
		t.Fatal(err)
	}
	user := m.register(t, "ana@example.com")
	if _, err := awards.GrantByHand(ctx, newsMeta(m.admin), m.airline, user, id, "Helped"); err != nil {
		t.Fatal(err)
	}
	if _, err := awards.RevokeByHand(ctx, newsMeta(m.admin), m.airline, user, id, "  "); domain.ErrorFields(err)["reason"] == "" {
		t.Errorf("a revocation without a reason: %v, want a message on reason", err)
	}
	if _, err := awards.RevokeByHand(ctx, newsMeta(m.admin), m.airline, user, id, "Granted by mistake"); err != nil {
		t.Fatal(err)
	}
	pa := &domain.PilotAwards{}
	replay(t, m.r, domain.PilotAwardsStream(user), pa)
	if len(pa.Held) != 0 {
		t.Errorf("after the revocation the pilot holds %v", pa.Held)
	}
	recs, err := m.r.Store.ReadStream(ctx, domain.PilotAwardsStream(user), 0)
	if err != nil || len(recs) != 2 {
		t.Fatalf("the stream has %d events (%v), want the grant and the revocation", len(recs), err)
	}
	if res, err := awards.RevokeByHand(ctx, newsMeta(m.admin), m.airline, user, id, "Again"); err != nil || res.Position != (domain.AppendResult{}).Position {
		t.Errorf("a second revocation: %+v, %v; want nothing appended", res, err)
	}
}

// TestPilotChoosesTheirProfileVisibility: a pilot turns their profile off
// and on; only they may, in their own airline; a choice that changes
// nothing appends nothing.
func TestPilotChoosesTheirProfileVisibility(t *testing.T) {
	m, _ := awardsWorld(t)
	ctx := context.Background()
	profiles := &domain.Profiles{Runner: m.r}
	user := m.register(t, "ana@example.com")
	me := domain.Actor{UserID: user, Role: domain.RolePilot, TenantID: m.airline}
	if _, err := profiles.SetVisibility(ctx, newsMeta(m.admin), m.airline, user, false); domain.ErrorCode(err) != domain.EForbidden {
		t.Errorf("staff hide a pilot's profile: %v, want forbidden", err)
	}
	if _, err := profiles.SetVisibility(ctx, newsMeta(domain.Actor{UserID: user, Role: domain.RolePilot, TenantID: domain.NewUUID()}), m.airline, user, false); domain.ErrorCode(err) != domain.ENotFound {
		t.Errorf("from another airline: %v, want not found", err)
	}
	if _, err := profiles.SetVisibility(ctx, newsMeta(me), m.airline, user, true); err != nil {
		t.Fatal(err)
	}
	if _, err := profiles.SetVisibility(ctx, newsMeta(me), m.airline, user, false); err != nil {
		t.Fatal(err)
	}
	if _, err := profiles.SetVisibility(ctx, newsMeta(me), m.airline, user, false); err != nil {
		t.Fatal(err)
	}
	p := &domain.PilotProfile{}
	replay(t, m.r, domain.ProfileStream(user), p)
	if !p.Hidden {
		t.Error("after turning it off the profile is public")
	}
	recs, err := m.r.Store.ReadStream(ctx, domain.ProfileStream(user), 0)
	if err != nil || len(recs) != 1 {
		t.Errorf("the stream has %d events (%v), want one: public was already so, and off twice is once", len(recs), err)
	}
}
