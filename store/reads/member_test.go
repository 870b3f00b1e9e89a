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

// TestWhoReads finds an airline and a user by id, and takes an id that is
// not one for nobody; a notice reader without an id is refused.
func TestWhoReads(t *testing.T) {
	ctx := context.Background()
	m := memory.New()
	q := reads.New(m)
	airline := uuid.New()
	if err := m.UpsertAirline(ctx, readmodel.UpsertAirlineParams{ID: airline, Name: "Alba", Icao: "ALB", Slug: "alba"}); err != nil {
		t.Fatal(err)
	}
	if a, err := q.FindAirline(ctx, airline.String()); err != nil || a.ICAO != "ALB" || a.ID != airline.String() {
		t.Errorf("airline: %+v, %v", a, err)
	}
	if a, err := q.FindAirlineBySlug(ctx, "alba"); err != nil || a.ID != airline.String() {
		t.Errorf("airline by slug: %+v, %v", a, err)
	}
	for _, id := range []string{"", "not-an-id", uuid.NewString()} {
		if _, err := q.FindAirline(ctx, id); domain.ErrorCode(err) != domain.ENotFound {
			t.Errorf("airline %q: %v, want not found", id, err)
		}
		if _, err := q.FindUser(ctx, id); domain.ErrorCode(err) != domain.ENotFound {
			t.Errorf("user %q: %v, want not found", id, err)
		}
	}
	if _, err := q.UnreadNotices(ctx, airline.String(), "", 10); domain.ErrorCode(err) != domain.EForbidden {
		t.Errorf("notices of nobody: %v, want forbidden", err)
	}
}
