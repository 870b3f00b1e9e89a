package readmodeltest

import (
	"context"
	"reflect"
	"testing"
	"time"

	"github.com/google/uuid"

	"github.com/albatross-va/albatross/domain"
	"github.com/albatross-va/albatross/store/readmodel"
)

// scoreCases are the suite's cases of queries/scores.sql.
var scoreCases = map[string]func(t *testing.T, q readmodel.Querier){
	"InsertPirepScore":              testPirepScores,
	"GetPirepScore":                 testPirepScores,
	"DeleteAllPirepScores":          testPirepScores,
	"SumPilotScores":                testPirepScores,
	"ListPointsLeadersBetween":      testPirepScores,
	"ListBestLandingsBetween":       testBestLandings,
	"ListDailyFlightsBetween":       testStatsCharts,
	"ListTopRoutesBetween":          testStatsCharts,
	"ListAircraftTypesFlownBetween": testStatsCharts,
}

func score(tenant string, pirep uuid.UUID, pilot uuid.UUID, points int32) readmodel.InsertPirepScoreParams {
	return readmodel.InsertPirepScoreParams{TenantID: tenant, PirepID: pirep, PilotID: pilot, Score: points, BandsVersion: 2,
		LandingRate: -142, Breakdown: "-100 to -300 ft/min: 80", ScoredAt: at}
}

// testPirepScores checks that a score is kept once (a second insert keeps
// the first), within its airline; that the sums and the points table count
// only PIREPs accepted now, in the period, most points first; and that a
// reset empties them.
func testPirepScores(t *testing.T, q readmodel.Querier) {
	ctx := context.Background()
	amy := user(pilotA.String(), tenantA, "amy@example.com")
	amy.Name, amy.PilotID = "Amy", "ALB0001"
	zed := user(pilotB.String(), tenantA, "zed@example.com")
	zed.Name, zed.PilotID = "Zed", "ALB0002"
	for _, u := range []readmodel.UpsertUserParams{amy, zed} {
		if err := q.UpsertUser(ctx, u); err != nil {
			t.Fatal(err)
		}
	}
	a1 := pirep(tenantA, "7a0c1e2d-3b4f-4a5b-8c6d-0000000000a1", "accepted", 0)
	a2 := pirep(tenantA, "7a0c1e2d-3b4f-4a5b-8c6d-0000000000a2", "accepted", 60)
	aRejected := pirep(tenantA, "7a0c1e2d-3b4f-4a5b-8c6d-0000000000a3", "rejected", 0)
	aOld := pirep(tenantA, "7a0c1e2d-3b4f-4a5b-8c6d-0000000000a4", "accepted", -60*24*40) // before the period
	z1 := pirep(tenantA, "7a0c1e2d-3b4f-4a5b-8c6d-0000000000b1", "accepted", 0)
	z1.PilotID = pilotB
	inB := pirep(tenantB, "7a0c1e2d-3b4f-4a5b-8c6d-0000000000c1", "accepted", 0)
	upsertPireps(t, q, a1, a2, aRejected, aOld, z1, inB)
	for _, s := range []readmodel.InsertPirepScoreParams{
		score(tenantA, a1.ID, pilotA, 80), score(tenantA, a2.ID, pilotA, 50), score(tenantA, aRejected.ID, pilotA, 100),
		score(tenantA, aOld.ID, pilotA, 100), score(tenantA, z1.ID, pilotB, 100), score(tenantB, inB.ID, pilotA, 100),
		score(tenantA, a1.ID, pilotA, 0), // a second score of a1 keeps the first
	} {
		if err := q.InsertPirepScore(ctx, s); err != nil {
			t.Fatal(err)
		}
	}
	got, err := q.GetPirepScore(ctx, readmodel.GetPirepScoreParams{TenantID: tenantA, PirepID: a1.ID})
	if err != nil || got.Score != 80 || got.BandsVersion != 2 || got.LandingRate != -142 || got.Breakdown != "-100 to -300 ft/min: 80" ||
		got.PilotID != pilotA || !got.ScoredAt.Equal(at.Truncate(time.Microsecond)) {
		t.Fatalf("GetPirepScore = %+v, %v", got, err)
	}
	if _, err := q.GetPirepScore(ctx, readmodel.GetPirepScoreParams{TenantID: tenantB, PirepID: a1.ID}); domain.ErrorCode(err) != domain.ENotFound {
		t.Errorf("A's score from B: %v, want not found", err)
	}
	sum, err := q.SumPilotScores(ctx, readmodel.SumPilotScoresParams{TenantID: tenantA, PilotID: pilotA})
	if err != nil || sum.Flights != 3 || sum.Points != 230 {
		t.Errorf("SumPilotScores(Amy) = %+v, %v; want 3 flights, 230 points (not the rejected one)", sum, err)
	}
	if sum, err := q.SumPilotScores(ctx, readmodel.SumPilotScoresParams{TenantID: tenantA, PilotID: uuid.New()}); err != nil || sum.Flights != 0 || sum.Points != 0 {
		t.Errorf("SumPilotScores(nobody) = %+v, %v", sum, err)
	}
	from, to := at.Add(-time.Hour), at.Add(48*time.Hour)
	board, err := q.ListPointsLeadersBetween(ctx, readmodel.ListPointsLeadersBetweenParams{TenantID: tenantA, FromTime: from, ToTime: to, RowLimit: 10})
	want := []readmodel.ListPointsLeadersBetweenRow{
		{UserID: pilotA, PilotIdent: "ALB0001", Name: "Amy", Flights: 2, Points: 130},
		{UserID: pilotB, PilotIdent: "ALB0002", Name: "Zed", Flights: 1, Points: 100},
	}
	if err != nil || !reflect.DeepEqual(board, want) {
		t.Errorf("points of the period:\n got %+v, %v\nwant %+v", board, err, want)
	}
	board, _ = q.ListPointsLeadersBetween(ctx, readmodel.ListPointsLeadersBetweenParams{TenantID: tenantA, FromTime: from.AddDate(-1, 0, 0), ToTime: to, RowLimit: 1})
	if len(board) != 1 || board[0].Points != 230 {
		t.Errorf("the top one over a year: %+v, want Amy with 230", board)
	}
	if _, err := q.ListPointsLeadersBetween(ctx, readmodel.ListPointsLeadersBetweenParams{TenantID: tenantA, FromTime: from, ToTime: to, RowLimit: -1}); err == nil {
		t.Error("a negative limit succeeded; PostgreSQL refuses it")
	}
	if err := q.DeleteAllPirepScores(ctx); err != nil {
		t.Fatal(err)
	}
	if _, err := q.GetPirepScore(ctx, readmodel.GetPirepScoreParams{TenantID: tenantA, PirepID: a1.ID}); domain.ErrorCode(err) != domain.ENotFound {
		t.Errorf("after DeleteAllPirepScores: %v", err)
	}
	if board, err := q.ListPointsLeadersBetween(ctx, readmodel.ListPointsLeadersBetweenParams{TenantID: tenantA, FromTime: from, ToTime: to, RowLimit: 10}); err != nil || board != nil {
		t.Errorf("points after the reset: %+v, %v; want nil", board, err)
	}
}

// testBestLandings checks that the softest accepted landings come first,
// positive or negative, without PIREPs with no landing rate, other states,
// other periods or other airlines, with the pilot and the aircraft named.
func testBestLandings(t *testing.T, q readmodel.Querier) {
	ctx := context.Background()
	amy := user(pilotA.String(), tenantA, "amy@example.com")
	amy.Name, amy.PilotID = "Amy", "ALB0001"
	if err := q.UpsertUser(ctx, amy); err != nil {
		t.Fatal(err)
	}
	sf := subfleet(tenantA, "0b5e0a1c-3333-4a7e-9d8e-000000000001", "B738-A")
	upsertSubfleets(t, q, sf)
	upsertAircraft(t, q, aircraft(tenantA, aircraftA.String(), sf.ID.String(), "G-ABCD"))
	mk := func(id, state string, n int, rate int32) readmodel.UpsertPirepParams {
		p := pirep(tenantA, id, state, n)
		p.LandingRate = rate
		return p
	}
	hard := mk("7a0c1e2d-3b4f-4a5b-8c6d-0000000000d1", "accepted", 0, -400)
	soft := mk("7a0c1e2d-3b4f-4a5b-8c6d-0000000000d2", "accepted", 10, -90)
	softLater := mk("7a0c1e2d-3b4f-4a5b-8c6d-0000000000d3", "accepted", 20, 90) // as soft, later
	none := mk("7a0c1e2d-3b4f-4a5b-8c6d-0000000000d4", "accepted", 0, 0)
	pending := mk("7a0c1e2d-3b4f-4a5b-8c6d-0000000000d5", "pending", 0, -10)
	late := mk("7a0c1e2d-3b4f-4a5b-8c6d-0000000000d6", "accepted", 72*60, -5)
	unknown := mk("7a0c1e2d-3b4f-4a5b-8c6d-0000000000d7", "accepted", 30, -200)
	unknown.AircraftID, unknown.PilotID = aircraftB, pilotB // no aircraft or user row
	inB := pirep(tenantB, "7a0c1e2d-3b4f-4a5b-8c6d-0000000000d8", "accepted", 0)
	inB.LandingRate = -1
	upsertPireps(t, q, hard, soft, softLater, none, pending, late, unknown, inB)
	from, to := at.Add(-time.Hour), at.Add(48*time.Hour)
	got, err := q.ListBestLandingsBetween(ctx, readmodel.ListBestLandingsBetweenParams{TenantID: tenantA, FromTime: from, ToTime: to, RowLimit: 10})
	if err != nil {
		t.Fatal(err)
	}
	var ids []uuid.UUID
	for _, r := range got {
		ids = append(ids, r.ID)
	}
	if want := []uuid.UUID{soft.ID, softLater.ID, unknown.ID, hard.ID}; !reflect.DeepEqual(ids, want) {
		t.Fatalf("best landings %v, want %v", ids, want)
	}
	if r := got[0]; r.PilotIdent != "ALB0001" || r.Name != "Amy" || r.Registration != "G-ABCD" || r.AircraftIcao != "B738" ||
		r.LandingRate != -90 || r.FlightNumber != "1234" || r.DptAirport != "EGLL" || r.ArrAirport != "LPPT" || r.UserID != pilotA ||
		!r.BlockOn.Equal(soft.BlockOn.Truncate(time.Microsecond)) {
		t.Errorf("the softest = %+v", r)
	}
	if r := got[2]; r.Name != "" || r.PilotIdent != "" || r.Registration != "" || r.AircraftIcao != "" {
		t.Errorf("a landing of an unknown pilot and aircraft = %+v", r)
	}
	if got, _ := q.ListBestLandingsBetween(ctx, readmodel.ListBestLandingsBetweenParams{TenantID: tenantA, FromTime: from, ToTime: to, RowLimit: 1}); len(got) != 1 || got[0].ID != soft.ID {
		t.Errorf("the best one: %+v", got)
	}
	if _, err := q.ListBestLandingsBetween(ctx, readmodel.ListBestLandingsBetweenParams{TenantID: tenantA, FromTime: from, ToTime: to, RowLimit: -1}); err == nil {
		t.Error("a negative limit succeeded; PostgreSQL refuses it")
	}
	if got, err := q.ListBestLandingsBetween(ctx, readmodel.ListBestLandingsBetweenParams{TenantID: "nobody", FromTime: from, ToTime: to, RowLimit: 10}); err != nil || got != nil {
		t.Errorf("an airline without PIREPs: %+v, %v; want nil", got, err)
	}
}

// testStatsCharts checks the charts' figures: accepted flights and minutes
// by UTC day (a day without a flight has no row), the top routes and the
// aircraft types, most flights first, within the period and airline.
func testStatsCharts(t *testing.T, q readmodel.Querier) {
	ctx := context.Background()
	sf := subfleet(tenantA, "0b5e0a1c-3333-4a7e-9d8e-000000000001", "B738-A")
	sf2 := subfleet(tenantA, "0b5e0a1c-3333-4a7e-9d8e-000000000002", "A320-A")
	sf2.Icao = "A320"
	upsertSubfleets(t, q, sf, sf2)
	upsertAircraft(t, q, aircraft(tenantA, aircraftA.String(), sf.ID.String(), "G-ABCD"), aircraft(tenantA, aircraftB.String(), sf2.ID.String(), "G-EFGH"))
	// at is 10:30 UTC on 28 Nov; block-on is 165 min after block-off.
	d1a := pirep(tenantA, "7a0c1e2d-3b4f-4a5b-8c6d-0000000000e1", "accepted", 0)
	d1b := pirep(tenantA, "7a0c1e2d-3b4f-4a5b-8c6d-0000000000e2", "accepted", 60)
	d1b.FlightTime, d1b.AircraftID, d1b.DptAirport, d1b.ArrAirport = 30, aircraftB, "LPPT", "EGLL"
	d3 := pirep(tenantA, "7a0c1e2d-3b4f-4a5b-8c6d-0000000000e3", "accepted", 2*24*60)
	d3.AircraftID = aircraftB
	lost := pirep(tenantA, "7a0c1e2d-3b4f-4a5b-8c6d-0000000000e4", "accepted", 2*24*60+1)
	lost.AircraftID = uuid.MustParse("0b5e0a1c-2222-4a7e-9d8e-000000000099") // an aircraft with no row
	rejected := pirep(tenantA, "7a0c1e2d-3b4f-4a5b-8c6d-0000000000e5", "rejected", 0)
	late := pirep(tenantA, "7a0c1e2d-3b4f-4a5b-8c6d-0000000000e6", "accepted", 10*24*60)
	inB := pirep(tenantB, "7a0c1e2d-3b4f-4a5b-8c6d-0000000000e7", "accepted", 0)
	upsertPireps(t, q, d1a, d1b, d3, lost, rejected, late, inB)
	from, to := at.Add(-time.Hour), at.Add(5*24*time.Hour)
	days, err := q.ListDailyFlightsBetween(ctx, readmodel.ListDailyFlightsBetweenParams{TenantID: tenantA, FromTime: from, ToTime: to})
	day := at.Unix() / 86400
	want := []readmodel.ListDailyFlightsBetweenRow{{Day: day, Flights: 2, Minutes: 180}, {Day: day + 2, Flights: 2, Minutes: 300}}
	if err != nil || !reflect.DeepEqual(days, want) {
		t.Errorf("days:\n got %+v, %v\nwant %+v", days, err, want)
	}
	if days, err := q.ListDailyFlightsBetween(ctx, readmodel.ListDailyFlightsBetweenParams{TenantID: "nobody", FromTime: from, ToTime: to}); err != nil || days != nil {
		t.Errorf("days of nobody: %+v, %v; want nil", days, err)
	}
	routes, err := q.ListTopRoutesBetween(ctx, readmodel.ListTopRoutesBetweenParams{TenantID: tenantA, FromTime: from, ToTime: to, RowLimit: 5})
	wantRoutes := []readmodel.ListTopRoutesBetweenRow{{DptAirport: "EGLL", ArrAirport: "LPPT", Flights: 3, Minutes: 450}, {DptAirport: "LPPT", ArrAirport: "EGLL", Flights: 1, Minutes: 30}}
	if err != nil || !reflect.DeepEqual(routes, wantRoutes) {
		t.Errorf("routes:\n got %+v, %v\nwant %+v", routes, err, wantRoutes)
	}
	if routes, _ := q.ListTopRoutesBetween(ctx, readmodel.ListTopRoutesBetweenParams{TenantID: tenantA, FromTime: from, ToTime: to, RowLimit: 1}); len(routes) != 1 {
		t.Errorf("the top route: %+v", routes)
	}
	types, err := q.ListAircraftTypesFlownBetween(ctx, readmodel.ListAircraftTypesFlownBetweenParams{TenantID: tenantA, FromTime: from, ToTime: to, RowLimit: 5})
	wantTypes := []readmodel.ListAircraftTypesFlownBetweenRow{{AircraftIcao: "A320", Flights: 2, Minutes: 180}, {AircraftIcao: "", Flights: 1, Minutes: 150},
		{AircraftIcao: "B738", Flights: 1, Minutes: 150}}
	if err != nil || !reflect.DeepEqual(types, wantTypes) {
		t.Errorf("types:\n got %+v, %v\nwant %+v", types, err, wantTypes)
	}
	for _, f := range []func() error{
		func() error {
			_, err := q.ListTopRoutesBetween(ctx, readmodel.ListTopRoutesBetweenParams{TenantID: tenantA, FromTime: from, ToTime: to, RowLimit: -1})
			return err
		},
		func() error {
			_, err := q.ListAircraftTypesFlownBetween(ctx, readmodel.ListAircraftTypesFlownBetweenParams{TenantID: tenantA, FromTime: from, ToTime: to, RowLimit: -1})
			return err
		},
	} {
		if f() == nil {
			t.Error("a negative limit succeeded; PostgreSQL refuses it")
		}
	}
}
