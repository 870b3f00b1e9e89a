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

// TestFindFlightsPages walks an airline's flights a page at a time, the
// way the search's "next" link does, and keeps inactive flights for staff.
func TestFindFlightsPages(t *testing.T) {
	ctx := context.Background()
	m := memory.New()
	q := reads.New(m)
	add := func(tenant, number, dpt, at string, active bool) uuid.UUID {
		id := uuid.New()
		if err := m.UpsertFlight(ctx, readmodel.UpsertFlightParams{TenantID: tenant, ID: id, FlightNumber: number,
			DptAirport: dpt, ArrAirport: "LPPT", DptTime: at, ArrTime: "23:00", Days: 127, FlightType: "J", SubfleetIds: []string{}, SubfleetTypes: []string{}, Active: active}); err != nil {
			t.Fatal(err)
		}
		return id
	}
	add("a", "1", "EGLL", "08:00", true)
	add("a", "2", "EGLL", "09:00", true)
	add("a", "3", "LFPG", "10:00", true)
	hidden := add("a", "4", "EGLL", "11:00", false)
	add("b", "9", "EGLL", "07:00", true)

	numbers := func(r reads.FlightResults) (out []string) {
		for _, f := range r.Flights {
			out = append(out, f.FlightNumber)
		}
		return out
	}
	first, err := q.FindFlights(ctx, "a", reads.FlightFilter{}, 2)
	if err != nil || len(first.Flights) != 2 || first.Next == "" {
		t.Fatalf("first page: %v %v, %v; want 1 and 2 with a next page", numbers(first), first.Next, err)
	}
	rest, err := q.FindFlights(ctx, "a", reads.FlightFilter{After: first.Next}, 2)
	if err != nil || len(rest.Flights) != 1 || rest.Flights[0].FlightNumber != "3" || rest.Next != "" {
		t.Errorf("second page: %v %q, %v; want only 3, the last page", numbers(rest), rest.Next, err)
	}
	from, err := q.FindFlights(ctx, "a", reads.FlightFilter{Dpt: "EGLL", IncludeInactive: true}, 10)
	if err != nil || len(from.Flights) != 3 || from.Flights[2].ID != hidden.String() || from.Flights[2].Active {
		t.Errorf("staff's flights from EGLL: %v, %v; want 1, 2 and the inactive 4", numbers(from), err)
	}
	if f, err := q.FindFlight(ctx, "a", hidden.String()); err != nil || f.FlightNumber != "4" {
		t.Errorf("flight 4: %+v, %v", f, err)
	}
	for _, id := range []string{"not-an-id", uuid.NewString()} {
		if _, err := q.FindFlight(ctx, "a", id); domain.ErrorCode(err) != domain.ENotFound {
			t.Errorf("flight %q: %v, want not found", id, err)
		}
	}
	if _, err := q.FindFlight(ctx, "b", hidden.String()); domain.ErrorCode(err) != domain.ENotFound {
		t.Errorf("another airline's flight: %v, want not found", err)
	}
}
