package reads_test

import (
	"context"
	"testing"
	"time"

	"github.com/google/uuid"

	"github.com/albatross-va/albatross/domain"
	"github.com/albatross-va/albatross/store/memory"
	"github.com/albatross-va/albatross/store/readmodel"
	"github.com/albatross-va/albatross/store/reads"
)

// TestNumbersReads finds airlines, subfleets and aircraft by the numbers
// phpVMS's API names them by, gives the numbers on the views, and finds
// nothing for another airline's number or one no row has (a number beyond
// 32 bits included, which must not wrap round to a small one).
func TestNumbersReads(t *testing.T) {
	ctx := context.Background()
	m := memory.New()
	q := reads.New(m)
	must := func(err error) {
		t.Helper()
		if err != nil {
			t.Fatal(err)
		}
	}
	first, second := uuid.New(), uuid.New()
	must(m.UpsertAirline(ctx, readmodel.UpsertAirlineParams{ID: first, Name: "First", Icao: "FST", Slug: "first"}))
	must(m.UpsertAirline(ctx, readmodel.UpsertAirlineParams{ID: second, Name: "Second", Icao: "SND", Slug: "second"}))
	a, b := first.String(), second.String()
	subfleet := func(tenant, typ string) uuid.UUID {
		id := uuid.New()
		must(m.UpsertSubfleet(ctx, readmodel.UpsertSubfleetParams{TenantID: tenant, ID: id, Type: typ, Icao: "B738", Name: typ}))
		return id
	}
	plane := func(tenant string, sf uuid.UUID, reg string) uuid.UUID {
		id := uuid.New()
		must(m.UpsertAircraft(ctx, readmodel.UpsertAircraftParams{TenantID: tenant, ID: id, SubfleetID: sf,
			Registration: reg, Status: domain.AircraftStatuses[0], AirportID: "EGLL", FlightTime: 90}))
		return id
	}
	zulu, alpha := subfleet(a, "ZZZ"), subfleet(a, "AAA")
	theirs := subfleet(b, "BBB")
	plane(a, zulu, "G-ZZZZ")
	ours := plane(a, alpha, "G-AAAA")
	theirPlane := plane(b, theirs, "N-BBBB")
	// The second aircraft has flown: found by number, it is read as flown.
	must(m.AddPirepToAircraftTotals(ctx, readmodel.AddPirepToAircraftTotalsParams{TenantID: a, AircraftID: ours,
		FlightTime: 60, ArrAirport: "LPPT", BlockOn: time.Date(2026, 12, 1, 10, 0, 0, 0, time.UTC), PirepID: uuid.New()}))

	if got, err := q.FindAirlineByNumber(ctx, 2); err != nil || got.ID != b || got.Number != 2 {
		t.Errorf("airline 2: %+v, %v; want Second", got, err)
	}
	if got, err := q.FindAirline(ctx, a); err != nil || got.Number != 1 {
		t.Errorf("airline First: number %d, %v; want 1", got.Number, err)
	}
	if got, err := q.FindAirlineBySlug(ctx, "second"); err != nil || got.Number != 2 {
		t.Errorf("airline second by slug: number %d, %v; want 2", got.Number, err)
	}
	pilot := uuid.New()
	must(m.UpsertUser(ctx, readmodel.UpsertUserParams{TenantID: b, ID: pilot, Email: "p@example.com", Name: "P", Role: domain.RolePilot}))
	if _, got, err := q.FindUserWithAirline(ctx, pilot.String()); err != nil || got.ID != b || got.Number != 2 {
		t.Errorf("a pilot of Second's airline: %+v, %v; want Second, number 2", got, err)
	}

	if got, err := q.FindSubfleetByNumber(ctx, a, 2); err != nil || got.ID != alpha.String() || got.Type != "AAA" || got.Number != 2 {
		t.Errorf("First's subfleet 2: %+v, %v; want AAA", got, err)
	}
	if list, err := q.Subfleets(ctx, a); err != nil || len(list) != 2 || list[0].Type != "AAA" || list[0].Number != 2 || list[1].Number != 1 {
		t.Errorf("First's subfleets: %+v, %v; want AAA (2) and ZZZ (1)", list, err)
	}
	if got, err := q.FindSubfleet(ctx, b, theirs.String()); err != nil || got.Number != 1 {
		t.Errorf("Second's subfleet: number %d, %v; want 1, numbered apart from First's", got.Number, err)
	}

	got, err := q.FindAircraftByNumber(ctx, a, 2)
	if err != nil || got.ID != ours.String() || got.Registration != "G-AAAA" || got.Number != 2 || got.FlightTime != 150 || got.AirportID != "LPPT" {
		t.Errorf("First's aircraft 2: %+v, %v; want G-AAAA as flown (150 minutes, at LPPT)", got, err)
	}
	if list, err := q.FleetAircraft(ctx, a); err != nil || len(list) != 2 || list[0].Registration != "G-AAAA" || list[0].Number != 2 || list[1].Number != 1 {
		t.Errorf("First's aircraft: %+v, %v; want G-AAAA (2) and G-ZZZZ (1)", list, err)
	}
	if got, err := q.FindAircraft(ctx, b, theirPlane.String()); err != nil || got.Number != 1 {
		t.Errorf("Second's aircraft: number %d, %v; want 1", got.Number, err)
	}

	for _, n := range []int{0, -1, 3, 1<<32 + 1} {
		if _, err := q.FindAirlineByNumber(ctx, n); domain.ErrorCode(err) != domain.ENotFound {
			t.Errorf("airline %d: %v, want not found", n, err)
		}
	}
	for _, miss := range []struct {
		airline string
		n       int
	}{{b, 2}, {a, 3}, {a, 0}, {a, -1}, {a, 1<<32 + 1}, {"", 1}} {
		if _, err := q.FindSubfleetByNumber(ctx, miss.airline, miss.n); domain.ErrorCode(err) != domain.ENotFound {
			t.Errorf("subfleet %d of %q: %v, want not found", miss.n, miss.airline, err)
		}
		if _, err := q.FindAircraftByNumber(ctx, miss.airline, miss.n); domain.ErrorCode(err) != domain.ENotFound {
			t.Errorf("aircraft %d of %q: %v, want not found", miss.n, miss.airline, err)
		}
	}
}
