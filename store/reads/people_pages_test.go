package reads_test

import (
	"context"
	"testing"

	"github.com/google/uuid"

	"github.com/albatross-va/albatross/domain"
	"github.com/albatross-va/albatross/store/memory"
	"github.com/albatross-va/albatross/store/readmodel"
	"github.com/albatross-va/albatross/store/reads"
)

// TestPeopleReads counts only active pilots, finds a person only in their
// own airline, and reads the rank they hold.
func TestPeopleReads(t *testing.T) {
	ctx := context.Background()
	m := memory.New()
	q := reads.New(m)
	person := func(tenant, email, role, status string) uuid.UUID {
		id := uuid.New()
		if err := m.UpsertUser(ctx, readmodel.UpsertUserParams{TenantID: tenant, ID: id, Email: email, Name: email,
			Role: role, Status: status}); err != nil {
			t.Fatal(err)
		}
		return id
	}
	pilot := person("a", "p1", domain.RolePilot, domain.StatusActive)
	person("a", "p2", domain.RolePilot, domain.StatusPending)
	person("a", "p3", domain.RolePilot, domain.StatusSuspended)
	person("a", "admin", domain.RoleAirlineAdmin, domain.StatusActive)
	stranger := person("b", "p9", domain.RolePilot, domain.StatusActive)

	if n, err := q.ActivePilots(ctx, "a"); err != nil || n != 1 {
		t.Errorf("active pilots: %d, %v; want 1", n, err)
	}
	if u, err := q.FindPerson(ctx, "a", pilot.String()); err != nil || u.Email != "p1" || u.ID != pilot.String() {
		t.Errorf("pilot p1: %+v, %v", u, err)
	}
	for _, id := range []string{"not-an-id", stranger.String()} {
		if _, err := q.FindPerson(ctx, "a", id); domain.ErrorCode(err) != domain.ENotFound {
			t.Errorf("person %q: %v, want not found", id, err)
		}
	}

	captain := uuid.New()
	if err := m.UpsertRank(ctx, readmodel.UpsertRankParams{TenantID: "a", ID: captain, Name: "Captain", MinMinutes: 600}); err != nil {
		t.Fatal(err)
	}
	if r, err := q.FindPilotRank(ctx, "a", pilot.String()); err != nil || r != (reads.PilotRank{}) {
		t.Errorf("rank of a pilot who never held one: %+v, %v; want none", r, err)
	}
	if err := m.UpsertPilotRank(ctx, readmodel.UpsertPilotRankParams{TenantID: "a", PilotID: pilot, RankID: captain.String(), FloorID: captain.String()}); err != nil {
		t.Fatal(err)
	}
	if r, err := q.FindPilotRank(ctx, "a", pilot.String()); err != nil || r.RankID != captain.String() || !r.ByHand {
		t.Errorf("rank set by hand: %+v, %v", r, err)
	}
	if r, err := q.FindRank(ctx, "a", captain.String()); err != nil || r.Name != "Captain" || r.MinMinutes != 600 {
		t.Errorf("rank Captain: %+v, %v", r, err)
	}
	for _, id := range []string{"not-an-id", uuid.NewString()} {
		if _, err := q.FindRank(ctx, "b", id); domain.ErrorCode(err) != domain.ENotFound {
			t.Errorf("rank %q of airline b: %v, want not found", id, err)
		}
	}
	if _, err := q.FindRank(ctx, "b", captain.String()); domain.ErrorCode(err) != domain.ENotFound {
		t.Errorf("airline a's rank read in airline b: %v, want not found", err)
	}
}
