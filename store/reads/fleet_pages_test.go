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

// TestFleetReadsKeepToTheirAirline reads a subfleet's aircraft, and finds
// neither another airline's subfleet nor its aircraft.
func TestFleetReadsKeepToTheirAirline(t *testing.T) {
	ctx := context.Background()
	m := memory.New()
	q := reads.New(m)
	subfleet := func(tenant, typ string) uuid.UUID {
		id := uuid.New()
		if err := m.UpsertSubfleet(ctx, readmodel.UpsertSubfleetParams{TenantID: tenant, ID: id, Type: typ, Icao: "B738", Name: typ}); err != nil {
			t.Fatal(err)
		}
		return id
	}
	plane := func(tenant string, sf uuid.UUID, reg string) uuid.UUID {
		id := uuid.New()
		if err := m.UpsertAircraft(ctx, readmodel.UpsertAircraftParams{TenantID: tenant, ID: id, SubfleetID: sf,
			Registration: reg, Status: domain.AircraftStatuses[0], AirportID: "EGLL", FlightTime: 90}); err != nil {
			t.Fatal(err)
		}
		return id
	}
	ours, other := subfleet("a", "738-A"), subfleet("a", "738-B")
	plane("a", ours, "G-AAAA")
	plane("a", other, "G-BBBB")
	theirs := subfleet("b", "738-Z")
	theirPlane := plane("b", theirs, "G-ZZZZ")

	list, err := q.SubfleetAircraft(ctx, "a", ours.String())
	if err != nil || len(list) != 1 || list[0].Registration != "G-AAAA" || list[0].SubfleetID != ours.String() || list[0].FlightTime != 90 {
		t.Errorf("subfleet 738-A's aircraft: %+v, %v; want G-AAAA alone", list, err)
	}
	if s, err := q.FindSubfleet(ctx, "a", ours.String()); err != nil || s.Type != "738-A" || s.ICAO != "B738" {
		t.Errorf("subfleet 738-A: %+v, %v", s, err)
	}
	for _, id := range []string{"not-an-id", theirs.String()} {
		if _, err := q.FindSubfleet(ctx, "a", id); domain.ErrorCode(err) != domain.ENotFound {
			t.Errorf("subfleet %q: %v, want not found", id, err)
		}
	}
	for _, id := range []string{"not-an-id", theirPlane.String()} {
		if _, err := q.FindAircraft(ctx, "a", id); domain.ErrorCode(err) != domain.ENotFound {
			t.Errorf("aircraft %q: %v, want not found", id, err)
		}
	}
}
