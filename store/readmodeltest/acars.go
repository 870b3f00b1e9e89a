package readmodeltest

import (
	"context"
	"slices"
	"testing"
	"time"

	"github.com/google/uuid"

	"github.com/albatross-va/albatross/store/readmodel"
)

// The read models of flights an ACARS client flies: the flights in
// progress and their tracks.
var acarsCases = map[string]func(t *testing.T, q readmodel.Querier){
	"ListPirepsInProgress":    testListPirepsInProgress,
	"AddPirepPosition":        testPirepPositions,
	"ListPirepPositions":      testPirepPositions,
	"DeleteAllPirepPositions": testPirepPositions,
	"ListIdlePireps":          testListIdlePireps,
	"ProgressPirep":           testProgressPirep,
	"ListAircraftInFlight":    testListAircraftInFlight,
}

// ProgressPirep writes a report's details and phase into a flight's row
// and leaves the rest of it (state, filing times, track counts, last
// position) as it was; another airline's row of the same id, and a
// flight not in the table, get nothing.
func testProgressPirep(t *testing.T, q readmodel.Querier) {
	ctx := context.Background()
	flight := inFlight(tenantA, "7a0c1e2d-3b4f-4a5b-8c6d-00000000b011", 5)
	theirs := inFlight(tenantB, "7a0c1e2d-3b4f-4a5b-8c6d-00000000b011", 5)
	upsertPireps(t, q, flight, theirs)
	later := at.Add(2 * time.Hour)
	arg := readmodel.ProgressPirepParams{TenantID: tenantA, ID: flight.ID, FlightNumber: "4321", RouteCode: "B", RouteLeg: 2,
		FlightID: "f-1", DptAirport: "EGLL", ArrAirport: "LPFR", AltAirport: "LPPT", AircraftID: flight.AircraftID,
		BlockOff: flight.BlockOff, BlockOn: later, FlightTime: 77, Distance: 812, Level: 39000, FuelUsed: 4321,
		LandingRate: -88, Route: "DCT BOMUP", Remarks: "on — à l'heure", Source: "acars", SourceName: "smartCARS", Phase: "DSC", UpdatedAt: later}
	if err := q.ProgressPirep(ctx, arg); err != nil {
		t.Fatalf("ProgressPirep: %v", err)
	}
	missing := arg
	missing.ID = uuid.MustParse("7a0c1e2d-3b4f-4a5b-8c6d-00000000b0fe")
	if err := q.ProgressPirep(ctx, missing); err != nil {
		t.Fatalf("ProgressPirep of a flight not in the table: %v", err)
	}
	if _, err := q.GetPirep(ctx, readmodel.GetPirepParams{TenantID: tenantA, ID: missing.ID}); err == nil {
		t.Errorf("ProgressPirep made a row for a flight not in the table")
	}
	want := flight
	want.FlightNumber, want.RouteCode, want.RouteLeg, want.FlightID = arg.FlightNumber, arg.RouteCode, arg.RouteLeg, arg.FlightID
	want.ArrAirport, want.AltAirport, want.BlockOn, want.FlightTime = arg.ArrAirport, arg.AltAirport, arg.BlockOn, arg.FlightTime
	want.Distance, want.Level, want.FuelUsed, want.LandingRate = arg.Distance, arg.Level, arg.FuelUsed, arg.LandingRate
	want.Route, want.Remarks, want.Source, want.SourceName, want.Phase, want.UpdatedAt = arg.Route, arg.Remarks, arg.Source, arg.SourceName, arg.Phase, arg.UpdatedAt
	for _, c := range []struct {
		tenant string
		want   readmodel.UpsertPirepParams
	}{{tenantA, want}, {tenantB, theirs}} {
		got, err := q.GetPirep(ctx, readmodel.GetPirepParams{TenantID: c.tenant, ID: flight.ID})
		if err != nil {
			t.Fatal(err)
		}
		samePireps(t, c.tenant+"'s row after the report", []readmodel.Pirep{got}, c.want)
	}
}

// ListAircraftInFlight lists the aircraft of one airline's flights in
// progress, each once, in uuid order: not those of filed flights, nor
// another airline's.
func testListAircraftInFlight(t *testing.T, q readmodel.Querier) {
	ctx := context.Background()
	list := func(tenant string) []uuid.UUID {
		t.Helper()
		got, err := q.ListAircraftInFlight(ctx, tenant)
		if err != nil {
			t.Fatalf("ListAircraftInFlight(%s): %v", tenant, err)
		}
		return got
	}
	if got := list(tenantA); len(got) != 0 {
		t.Fatalf("on an empty table: %v", got)
	}
	low, high := uuid.MustParse("00000000-0000-4000-8000-000000000001"), uuid.MustParse("ffffffff-0000-4000-8000-000000000001")
	one := inFlight(tenantA, "7a0c1e2d-3b4f-4a5b-8c6d-00000000c001", 1)
	one.AircraftID = high
	two := inFlight(tenantA, "7a0c1e2d-3b4f-4a5b-8c6d-00000000c002", 2)
	two.AircraftID = high // a second flight of the same aircraft: listed once
	three := inFlight(tenantA, "7a0c1e2d-3b4f-4a5b-8c6d-00000000c003", 3)
	three.AircraftID = low
	filed := pirep(tenantA, "7a0c1e2d-3b4f-4a5b-8c6d-00000000c004", "pending", 0)
	filed.AircraftID = uuid.MustParse("11111111-0000-4000-8000-000000000001")
	theirs := inFlight(tenantB, "7a0c1e2d-3b4f-4a5b-8c6d-00000000c005", 4)
	theirs.AircraftID = uuid.MustParse("22222222-0000-4000-8000-000000000001")
	upsertPireps(t, q, one, two, three, filed, theirs)
	if got := list(tenantA); len(got) != 2 || got[0] != low || got[1] != high {
		t.Errorf("A's aircraft in flight: %v, want %v then %v", got, low, high)
	}
	three.State = "pending"
	upsertPireps(t, q, three)
	if got := list(tenantA); len(got) != 1 || got[0] != high {
		t.Errorf("after one is filed: %v, want %v", got, high)
	}
}

// inFlight is a PIREP in progress, its last report n minutes after at,
// with a last position.
func inFlight(tenant, id string, n int) readmodel.UpsertPirepParams {
	p := pirep(tenant, id, "in_progress", 0)
	p.UpdatedAt = at.Add(time.Duration(n) * time.Minute)
	last := at.Add(time.Duration(n)*time.Minute - time.Second)
	p.Phase, p.SourceName, p.Source, p.Positions = "ENR", "vmsACARS", "acars", 3
	p.LastLat, p.LastLon, p.LastAltitude, p.LastHeading, p.LastGs, p.LastPositionAt = 50.5, -3.25, 35000, 215, 455, &last
	return p
}

// ListPirepsInProgress lists one airline's flights in progress, the
// latest report first, with their phase and last position; no other
// state, no other airline.
func testListPirepsInProgress(t *testing.T, q readmodel.Querier) {
	ctx := context.Background()
	list := func(tenant string, limit int32) []readmodel.Pirep {
		t.Helper()
		got, err := q.ListPirepsInProgress(ctx, readmodel.ListPirepsInProgressParams{TenantID: tenant, Limit: limit})
		if err != nil {
			t.Fatalf("ListPirepsInProgress(%s, %d): %v", tenant, limit, err)
		}
		return got
	}
	if got := list(tenantA, 10); len(got) != 0 {
		t.Fatalf("on an empty table: %v", got)
	}
	older := inFlight(tenantA, "7a0c1e2d-3b4f-4a5b-8c6d-00000000a001", 5)
	newer := inFlight(tenantA, "7a0c1e2d-3b4f-4a5b-8c6d-00000000a002", 9)
	newer.LastPositionAt = nil // no position yet
	newer.Positions, newer.LastLat, newer.LastLon = 0, 0, 0
	pending := pirep(tenantA, "7a0c1e2d-3b4f-4a5b-8c6d-00000000a003", "pending", 0)
	theirs := inFlight(tenantB, "7a0c1e2d-3b4f-4a5b-8c6d-00000000a004", 20)
	upsertPireps(t, q, older, pending, newer, theirs)
	samePireps(t, "A's flights in progress", list(tenantA, 10), newer, older)
	samePireps(t, "limit 1", list(tenantA, 1), newer)
	samePireps(t, "B's", list(tenantB, 10), theirs)
	// Filed: no longer in progress.
	filed := older
	filed.State, filed.Phase = "pending", "ARR"
	upsertPireps(t, q, filed)
	samePireps(t, "after one is filed", list(tenantA, 10), newer)
}

// A flight's track: positions numbered 1, 2, ... in the order added, each
// flight's its own, each kept as the flight's last position with the
// report's time, nothing for a flight not in the table; emptied by
// DeleteAllPirepPositions.
func testPirepPositions(t *testing.T, q readmodel.Querier) {
	ctx := context.Background()
	flight := pirep(tenantA, "7a0c1e2d-3b4f-4a5b-8c6d-00000000b001", "in_progress", 0)
	other := pirep(tenantA, "7a0c1e2d-3b4f-4a5b-8c6d-00000000b002", "in_progress", 0)
	theirs := pirep(tenantB, "7a0c1e2d-3b4f-4a5b-8c6d-00000000b003", "in_progress", 0)
	upsertPireps(t, q, flight, other, theirs)
	track := func(tenant string, id uuid.UUID) []readmodel.PirepPosition {
		t.Helper()
		got, err := q.ListPirepPositions(ctx, readmodel.ListPirepPositionsParams{TenantID: tenant, PirepID: id})
		if err != nil {
			t.Fatalf("ListPirepPositions: %v", err)
		}
		return got
	}
	if got := track(tenantA, flight.ID); len(got) != 0 {
		t.Fatalf("on an empty table: %v", got)
	}
	sim := at.Add(-time.Hour)
	pos := func(tenant string, id uuid.UUID, i int32) readmodel.AddPirepPositionParams {
		return readmodel.AddPirepPositionParams{TenantID: tenant, PirepID: id, ClientID: "c" + string(rune('0'+i)),
			Lat: 50 + float64(i)/10, Lon: -3.5, AltitudeMsl: 1000 * i, AltitudeAgl: 900 * i, Heading: 215, Gs: 250 + i,
			Ias: 240, Vs: 1500, Distance: 12.5 * float64(i), FuelFlow: 5400, Status: "TKO", Log: "gear up — ça va",
			Transponder: "2000", Autopilot: "LNAV", SimTime: &sim, At: at.Add(time.Duration(i) * time.Second),
			UpdatedAt: at.Add(4*time.Hour + time.Duration(i)*time.Minute)}
	}
	third := pos(tenantA, flight.ID, 3)
	third.SimTime = nil
	missing := uuid.MustParse("7a0c1e2d-3b4f-4a5b-8c6d-00000000b0ff")
	for _, p := range []readmodel.AddPirepPositionParams{pos(tenantA, flight.ID, 1), pos(tenantA, flight.ID, 2), pos(tenantB, theirs.ID, 1),
		third, pos(tenantA, other.ID, 1), pos(tenantA, missing, 1), pos(tenantB, flight.ID, 4)} {
		if err := q.AddPirepPosition(ctx, p); err != nil {
			t.Fatalf("AddPirepPosition(%s): %v", p.PirepID, err)
		}
	}
	got := track(tenantA, flight.ID)
	if len(got) != 3 {
		t.Fatalf("the flight's track has %d positions, want 3", len(got))
	}
	for i, g := range got {
		want := pos(tenantA, flight.ID, int32(i+1))
		if i == 2 {
			want = third
		}
		if g.N != int32(i+1) || g.ClientID != want.ClientID || g.Lat != want.Lat || g.AltitudeMsl != want.AltitudeMsl || g.Gs != want.Gs ||
			g.Distance != want.Distance || g.Log != want.Log || g.Status != want.Status || !g.At.Equal(want.At.Truncate(time.Microsecond)) ||
			(g.SimTime == nil) != (want.SimTime == nil) || g.SimTime != nil && !g.SimTime.Equal(sim.Truncate(time.Microsecond)) {
			t.Errorf("position %d = %+v, want %+v", i, g, want)
		}
	}
	row, err := q.GetPirep(ctx, readmodel.GetPirepParams{TenantID: tenantA, ID: flight.ID})
	if err != nil {
		t.Fatal(err)
	}
	if row.Positions != 3 || row.LastLat != third.Lat || row.LastAltitude != third.AltitudeMsl || row.LastGs != third.Gs ||
		row.LastPositionAt == nil || !row.LastPositionAt.Equal(third.At.Truncate(time.Microsecond)) || !row.UpdatedAt.Equal(third.UpdatedAt.Truncate(time.Microsecond)) || row.State != "in_progress" {
		t.Errorf("the flight's row after three positions: %+v", row)
	}
	if got := track(tenantB, flight.ID); len(got) != 0 {
		t.Errorf("another airline's read or write of the flight: %v", got)
	}
	if got := track(tenantB, theirs.ID); len(got) != 1 || got[0].TenantID != tenantB || got[0].N != 1 {
		t.Errorf("B's flight: %v", got)
	}
	if got := track(tenantA, missing); len(got) != 0 {
		t.Errorf("a position of a flight not in the table: %v", got)
	}
	list, err := q.ListPirepsInProgress(ctx, readmodel.ListPirepsInProgressParams{TenantID: tenantA, Limit: 10})
	if err != nil || len(list) != 2 || list[0].ID != flight.ID {
		t.Errorf("A's flights in progress after the positions: %v, %v; want the flight with the latest report first", list, err)
	}
	if err := q.DeleteAllPirepPositions(ctx); err != nil {
		t.Fatal(err)
	}
	if got := track(tenantA, flight.ID); len(got) != 0 {
		t.Errorf("after DeleteAllPirepPositions: %v", got)
	}
}

// ListIdlePireps lists every airline's flights in progress silent since
// before a time, the longest silent first, and nothing else.
func testListIdlePireps(t *testing.T, q readmodel.Querier) {
	ctx := context.Background()
	idle := func(before time.Time, limit int32) []readmodel.ListIdlePirepsRow {
		t.Helper()
		got, err := q.ListIdlePireps(ctx, readmodel.ListIdlePirepsParams{UpdatedAt: before, Limit: limit})
		if err != nil {
			t.Fatalf("ListIdlePireps: %v", err)
		}
		return got
	}
	if got := idle(at.Add(time.Hour), 10); len(got) != 0 {
		t.Fatalf("on an empty table: %v", got)
	}
	a1 := inFlight(tenantA, "7a0c1e2d-3b4f-4a5b-8c6d-00000000c001", 30) // silent since at+30m
	b1 := inFlight(tenantB, "7a0c1e2d-3b4f-4a5b-8c6d-00000000c002", 10)
	a2 := inFlight(tenantA, "7a0c1e2d-3b4f-4a5b-8c6d-00000000c003", 50)
	done := pirep(tenantA, "7a0c1e2d-3b4f-4a5b-8c6d-00000000c004", "pending", 0) // old, but filed
	upsertPireps(t, q, a1, b1, a2, done)
	want := []readmodel.ListIdlePirepsRow{{TenantID: tenantB, ID: b1.ID}, {TenantID: tenantA, ID: a1.ID}}
	if got := idle(at.Add(40*time.Minute), 10); !slices.Equal(got, want) {
		t.Errorf("silent before at+40m: %v, want %v", got, want)
	}
	if got := idle(at.Add(time.Hour), 1); !slices.Equal(got, want[:1]) {
		t.Errorf("limit 1: %v, want the longest silent", got)
	}
	if got := idle(at.Add(10*time.Minute), 10); len(got) != 0 {
		t.Errorf("silent before at+10m: %v, want none (b1 reported at that instant)", got)
	}
}
