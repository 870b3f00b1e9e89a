package readmodeltest

import (
	"context"
	"slices"
	"testing"
	"time"

	"github.com/google/uuid"

	"github.com/albatross-va/albatross/store/readmodel"
)

// filingCases are the suite's cases of queries/filing.sql: all a PIREP
// filing checks, in one lookup.
var filingCases = map[string]func(t *testing.T, q readmodel.Querier){
	"CollectFilingFacts": testCollectFilingFacts,
	"ListHubs":           testListHubs,
}

// testCollectFilingFactsHomeHub checks that a pilot with no accepted
// arrival and no jumpseat is at their home hub, in their airline only, and
// that an accepted flight moves them from it.
func testCollectFilingFactsHomeHub(t *testing.T, q readmodel.Querier) {
	ctx := context.Background()
	pilotA := pilotB // a pilot with no flight or jumpseat yet
	location := func(tenant string) string {
		t.Helper()
		row, err := q.CollectFilingFacts(ctx, readmodel.CollectFilingFactsParams{TenantID: tenant, PilotID: pilotA, Icaos: []string{}, AircraftID: aircraftA})
		if err != nil {
			t.Fatal(err)
		}
		return row.PilotLocation
	}
	if err := q.UpsertUser(ctx, readmodel.UpsertUserParams{TenantID: tenantA, ID: pilotA, Email: "home@example.com", Name: "Home Pilot",
		Role: "pilot", CreatedAt: at, UpdatedAt: at, Country: "PT", Status: "active", HomeAirport: "LFPG"}); err != nil {
		t.Fatal(err)
	}
	if u, err := q.GetUser(ctx, pilotA); err != nil || u.HomeAirport != "LFPG" {
		t.Errorf("the user's home airport: %q %v, want LFPG", u.HomeAirport, err)
	}
	if got := location(tenantA); got != "LFPG" {
		t.Errorf("before any flight: pilot at %q, want their home hub LFPG", got)
	}
	if got := location(tenantB); got != "" {
		t.Errorf("in another airline: pilot at %q, want nowhere", got)
	}
	accepted := pirep(tenantA, "7a0c1e2d-3b4f-4a5b-8c6d-000000000009", "accepted", 0)
	accepted.PilotID = pilotB
	upsertPireps(t, q, accepted)
	addAccepted(t, q, accepted)
	if got := location(tenantA); got != "LPPT" {
		t.Errorf("after an accepted flight: pilot at %q, want its arrival LPPT", got)
	}
}

// testListHubs checks that only an airline's own hubs are listed, by ICAO.
func testListHubs(t *testing.T, q readmodel.Querier) {
	ctx := context.Background()
	for _, a := range []struct {
		tenant, icao string
		hub          bool
	}{{tenantA, "LPPT", true}, {tenantA, "EGLL", true}, {tenantA, "LPFR", false}, {tenantB, "KJFK", true}} {
		p := airportParams(a.tenant, a.icao, "", a.icao, "")
		p.Hub = a.hub
		if err := q.UpsertAirport(ctx, p); err != nil {
			t.Fatal(err)
		}
	}
	rows, err := q.ListHubs(ctx, tenantA)
	if err != nil {
		t.Fatal(err)
	}
	var got []string
	for _, r := range rows {
		got = append(got, r.Icao)
	}
	if !slices.Equal(got, []string{"EGLL", "LPPT"}) {
		t.Errorf("hubs of A: %v, want EGLL and LPPT", got)
	}
}

// testCollectFilingFacts checks that one lookup answers what the separate
// queries would: the rules, the pilot's location, the airline's own
// airports among those asked, and the aircraft where its accepted PIREPs
// left it; an airline, pilot or aircraft with no rows gets a row of zeros.
func testCollectFilingFacts(t *testing.T, q readmodel.Querier) {
	ctx := context.Background()
	facts := func(tenant string, pilot, aircraft uuid.UUID, icaos ...string) readmodel.CollectFilingFactsRow {
		t.Helper()
		if icaos == nil {
			icaos = []string{}
		}
		row, err := q.CollectFilingFacts(ctx, readmodel.CollectFilingFactsParams{TenantID: tenant, PilotID: pilot, Icaos: icaos, AircraftID: aircraft})
		if err != nil {
			t.Fatal(err)
		}
		return row
	}
	if got := facts(tenantA, pilotA, aircraftA, "EGLL"); got.RulesSet || got.AircraftAtDeparture || got.PilotAtDeparture ||
		got.PilotLocation != "" || len(got.AirportIcaos) != 0 || got.AircraftFound || got.AircraftAirport != "" {
		t.Errorf("an empty airline: %+v, want nothing found", got)
	}
	if err := q.UpsertAirlinePirepRules(ctx, readmodel.UpsertAirlinePirepRulesParams{TenantID: tenantA, PilotAtDeparture: true, UpdatedAt: at}); err != nil {
		t.Fatal(err)
	}
	lppt := airportParams(tenantA, "LPPT", "LIS", "Lisbon", "Lisbon")
	lppt.Latitude, lppt.Longitude = 38.7813, -9.13592
	for _, a := range []readmodel.UpsertAirportParams{airportParams(tenantA, "EGLL", "LHR", "Heathrow", "London"), lppt,
		airportParams(tenantB, "LPFR", "FAO", "Faro", "Faro")} {
		if err := q.UpsertAirport(ctx, a); err != nil {
			t.Fatal(err)
		}
	}
	subfleet := "5c7e1a2b-3c4d-4e5f-8a9b-000000000001"
	if err := q.UpsertAircraft(ctx, aircraft(tenantA, aircraftA.String(), subfleet, "G-ABCD")); err != nil {
		t.Fatal(err)
	}
	got := facts(tenantA, pilotA, aircraftA, "LPPT", "EGLL", "LPFR")
	if !got.RulesSet || got.AircraftAtDeparture || !got.PilotAtDeparture {
		t.Errorf("rules: %+v, want the pilot rule only", got)
	}
	if !slices.Equal(got.AirportIcaos, []string{"EGLL", "LPPT"}) || !slices.Equal(got.AirportLatitudes, []float64{51.470748, 38.7813}) ||
		!slices.Equal(got.AirportLongitudes, []float64{-0.459909, -9.13592}) {
		t.Errorf("airports: %v %v %v, want EGLL and LPPT with their coordinates (LPFR is another airline's)",
			got.AirportIcaos, got.AirportLatitudes, got.AirportLongitudes)
	}
	if !got.AircraftFound || got.AircraftRegistration != "G-ABCD" || got.AircraftStatus != "active" || got.AircraftAirport != "EGLL" ||
		got.AircraftSubfleetID != subfleet {
		t.Errorf("aircraft before any flight: %+v, want G-ABCD of subfleet %s active at EGLL", got, subfleet)
	}
	// An accepted PIREP moves the pilot and the aircraft to its arrival.
	accepted := pirep(tenantA, "7a0c1e2d-3b4f-4a5b-8c6d-000000000001", "accepted", 0)
	upsertPireps(t, q, accepted)
	addAccepted(t, q, accepted)
	if got := facts(tenantA, pilotA, aircraftA); got.PilotLocation != "LPPT" || got.AircraftAirport != "LPPT" || len(got.AirportIcaos) != 0 {
		t.Errorf("after an accepted flight: %+v, want pilot and aircraft at LPPT, no airport asked", got)
	}
	// A jumpseat before that flight's block-on leaves the pilot at its
	// arrival; a later one moves them (the aircraft stays).
	jump := func(id string, to string, movedAt time.Time) {
		t.Helper()
		if err := q.InsertJumpseat(ctx, readmodel.InsertJumpseatParams{TenantID: tenantA, ID: uuid.MustParse(id), PilotID: pilotA,
			FromAirport: "EGLL", ToAirport: to, MovedAt: movedAt}); err != nil {
			t.Fatal(err)
		}
	}
	jump("9a000000-0000-4000-8000-000000000001", "LPFR", at.Add(time.Hour))
	if got := facts(tenantA, pilotA, aircraftA); got.PilotLocation != "LPPT" {
		t.Errorf("after an earlier jumpseat: pilot at %q, want LPPT (the later flight's arrival)", got.PilotLocation)
	}
	jump("9a000000-0000-4000-8000-000000000002", "EGLL", at.Add(4*time.Hour))
	if got := facts(tenantA, pilotA, aircraftA); got.PilotLocation != "EGLL" || got.AircraftAirport != "LPPT" {
		t.Errorf("after a later jumpseat: pilot at %q, aircraft at %q; want EGLL and LPPT", got.PilotLocation, got.AircraftAirport)
	}
	if err := q.UpsertAirlinePirepRules(ctx, readmodel.UpsertAirlinePirepRulesParams{TenantID: tenantA, AllowCharters: true, UpdatedAt: at}); err != nil {
		t.Fatal(err)
	}
	if got := facts(tenantA, pilotA, aircraftA); !got.AllowCharters || got.PilotAtDeparture {
		t.Errorf("charters allowed: %+v", got)
	}
	if got := facts(tenantB, pilotA, aircraftA, "EGLL"); got.RulesSet || got.PilotLocation != "" || got.AircraftFound || len(got.AirportIcaos) != 0 || got.AllowCharters {
		t.Errorf("another airline: %+v, want none of airline A's rows", got)
	}
	if got := facts(tenantA, uuid.Nil, uuid.Nil); got.PilotLocation != "" || got.AircraftFound {
		t.Errorf("nobody: %+v, want no pilot and no aircraft", got)
	}
	testCollectFilingFactsHomeHub(t, q)
}
