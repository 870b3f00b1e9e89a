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

// The operations adapter answers from the airline's own rows only.
func TestOperationsAnswerFromTheAirlinesOwnAirportsAndSubfleets(t *testing.T) {
	ctx := context.Background()
	mem := memory.New()
	tenant, other := uuid.NewString(), uuid.NewString()
	sub := uuid.New()
	if err := mem.UpsertAirport(ctx, readmodel.UpsertAirportParams{TenantID: tenant, Icao: "EGLL", Name: "Heathrow",
		Latitude: 51.47, Longitude: -0.46, UpdatedAt: time.Now()}); err != nil {
		t.Fatal(err)
	}
	if err := mem.UpsertAirport(ctx, readmodel.UpsertAirportParams{TenantID: tenant, Icao: "ZZZZ", Name: "Unknown place", UpdatedAt: time.Now()}); err != nil {
		t.Fatal(err)
	}
	if err := mem.UpsertSubfleet(ctx, readmodel.UpsertSubfleetParams{TenantID: tenant, ID: sub, Type: "B738-SPB", Icao: "B738",
		Name: "737", HubID: "EGLL", CreatedAt: time.Now(), UpdatedAt: time.Now()}); err != nil {
		t.Fatal(err)
	}
	ops := reads.Operations{Q: reads.New(mem)}
	if ok, err := ops.AirportExists(ctx, tenant, "EGLL"); !ok || err != nil {
		t.Errorf("AirportExists(EGLL) = %v, %v", ok, err)
	}
	if ok, err := ops.AirportExists(ctx, other, "EGLL"); ok || err != nil {
		t.Errorf("another airline has EGLL: %v, %v", ok, err)
	}
	pos, err := ops.LocateAirport(ctx, tenant, "EGLL")
	if err != nil || !pos.Known || pos.Lat != 51.47 || pos.Lon != -0.46 {
		t.Errorf("LocateAirport(EGLL) = %+v, %v", pos, err)
	}
	if pos, err := ops.LocateAirport(ctx, tenant, "ZZZZ"); err != nil || pos.Known {
		t.Errorf("an airport without coordinates: %+v, %v; want found, position unknown", pos, err)
	}
	if _, err := ops.LocateAirport(ctx, other, "EGLL"); domain.ErrorCode(err) != domain.ENotFound {
		t.Errorf("LocateAirport in another airline: %v, want not found", err)
	}
	if typ, err := ops.SubfleetType(ctx, tenant, sub.String()); typ != "B738" || err != nil {
		t.Errorf("SubfleetType = %q, %v", typ, err)
	}
	for _, id := range []string{uuid.NewString(), "not-a-uuid"} {
		if _, err := ops.SubfleetType(ctx, tenant, id); domain.ErrorCode(err) != domain.ENotFound {
			t.Errorf("SubfleetType(%s): %v, want not found", id, err)
		}
	}
	if _, err := ops.SubfleetType(ctx, other, sub.String()); domain.ErrorCode(err) != domain.ENotFound {
		t.Errorf("another airline's subfleet: %v, want not found", err)
	}
}

// A PIREP's aircraft is looked up in the airline's own fleet only.
func TestLookupAircraftAnswersFromTheAirlinesOwnFleet(t *testing.T) {
	ctx := context.Background()
	mem := memory.New()
	tenant, other := uuid.NewString(), uuid.NewString()
	id, subfleet := uuid.New(), uuid.New()
	if err := mem.UpsertAircraft(ctx, readmodel.UpsertAircraftParams{TenantID: tenant, ID: id, SubfleetID: subfleet,
		Registration: "G-ABCD", Name: "Spirit", Status: domain.AircraftMaintenance, AirportID: "EGLL",
		CreatedAt: time.Now(), UpdatedAt: time.Now()}); err != nil {
		t.Fatal(err)
	}
	ops := reads.Operations{Q: reads.New(mem)}
	got, err := ops.LookupAircraft(ctx, tenant, id.String())
	want := domain.AircraftInfo{Registration: "G-ABCD", Status: domain.AircraftMaintenance, AirportID: "EGLL", SubfleetID: subfleet.String()}
	if err != nil || got != want {
		t.Errorf("LookupAircraft = %+v, %v; want %+v", got, err, want)
	}
	for _, c := range []struct{ tenant, id string }{{other, id.String()}, {tenant, uuid.NewString()}, {tenant, "not-a-uuid"}} {
		if _, err := ops.LookupAircraft(ctx, c.tenant, c.id); domain.ErrorCode(err) != domain.ENotFound {
			t.Errorf("LookupAircraft(%s, %s): %v, want not found", c.tenant, c.id, err)
		}
	}
}

// Accepted PIREPs move an aircraft and a pilot to the latest arrival.
func TestAcceptedPirepsMoveTheAircraftAndThePilot(t *testing.T) {
	ctx := context.Background()
	mem := memory.New()
	tenant := uuid.NewString()
	aircraft, pilot := uuid.New(), uuid.New()
	if err := mem.UpsertAircraft(ctx, readmodel.UpsertAircraftParams{TenantID: tenant, ID: aircraft, SubfleetID: uuid.New(),
		Registration: "G-ABCD", Name: "Spirit", Status: domain.AircraftActive, AirportID: "EGLL",
		CreatedAt: time.Now(), UpdatedAt: time.Now()}); err != nil {
		t.Fatal(err)
	}
	ops := reads.Operations{Q: reads.New(mem)}
	settings := reads.PirepSettings{Q: reads.New(mem)}
	if a, err := ops.LookupAircraft(ctx, tenant, aircraft.String()); err != nil || a.AirportID != "EGLL" {
		t.Fatalf("before any PIREP: %+v, %v; want at EGLL", a, err)
	}
	if loc, err := settings.PilotLocation(ctx, tenant, pilot.String()); err != nil || loc != "" {
		t.Fatalf("a pilot without flights is at %q, %v; want unknown", loc, err)
	}
	off := time.Date(2026, 11, 28, 18, 0, 0, 0, time.UTC)
	flown := readmodel.UpsertPirepParams{TenantID: tenant, ID: uuid.New(), PilotID: pilot, State: domain.PirepAccepted,
		FlightNumber: "1", DptAirport: "EGLL", ArrAirport: "LPPT", AircraftID: aircraft, BlockOff: off, BlockOn: off.Add(3 * time.Hour),
		FlightTime: 150, Source: "manual", FiledAt: off, QueuedAt: off, UpdatedAt: off}
	if err := mem.UpsertPirep(ctx, flown); err != nil {
		t.Fatal(err)
	}
	if err := mem.AddPirepToAircraftTotals(ctx, readmodel.AddPirepToAircraftTotalsParams{TenantID: tenant, AircraftID: aircraft,
		PirepID: flown.ID, FlightTime: flown.FlightTime, BlockOn: flown.BlockOn, ArrAirport: flown.ArrAirport}); err != nil {
		t.Fatal(err)
	}
	if err := mem.AddPirepToPilotStats(ctx, readmodel.AddPirepToPilotStatsParams{TenantID: tenant, PilotID: pilot,
		PirepID: flown.ID, FlightTime: flown.FlightTime, BlockOn: flown.BlockOn, ArrAirport: flown.ArrAirport}); err != nil {
		t.Fatal(err)
	}
	if a, err := ops.LookupAircraft(ctx, tenant, aircraft.String()); err != nil || a.AirportID != "LPPT" {
		t.Errorf("after an accepted flight to LPPT: %+v, %v", a, err)
	}
	if loc, err := settings.PilotLocation(ctx, tenant, pilot.String()); err != nil || loc != "LPPT" {
		t.Errorf("the pilot is at %q, %v; want LPPT", loc, err)
	}
}
