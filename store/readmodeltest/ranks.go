package readmodeltest

import (
	"context"
	"testing"
	"time"

	"github.com/google/uuid"

	"github.com/albatross-va/albatross/domain"
	"github.com/albatross-va/albatross/store/readmodel"
)

// rankCases are the suite's cases of queries/ranks.sql: an airline's ranks
// and its pilots' ranks.
var rankCases = map[string]func(t *testing.T, q readmodel.Querier){
	"UpsertRank":          testUpsertAndListRanks,
	"ListRanks":           testUpsertAndListRanks,
	"DeleteAllRanks":      testDeleteAllRanks,
	"UpsertPilotRank":     testUpsertAndGetPilotRank,
	"GetPilotRank":        testUpsertAndGetPilotRank,
	"ReadPilotCareer":     testReadPilotCareer,
	"DeleteAllPilotRanks": testDeleteAllPilotRanks,
}

func rank(tenant, id, name string, minutes int32) readmodel.UpsertRankParams {
	return readmodel.UpsertRankParams{TenantID: tenant, ID: uuid.MustParse(id), Name: name, MinMinutes: minutes,
		AutoPromote: true, AutoAccept: minutes > 600, UpdatedAt: at, AutoAcceptAcars: minutes > 300}
}

func listRanks(t *testing.T, q readmodel.Querier, tenant string) []readmodel.Rank {
	t.Helper()
	got, err := q.ListRanks(context.Background(), tenant)
	if err != nil {
		t.Fatalf("ListRanks: %v", err)
	}
	return got
}

func sameRanks(t *testing.T, what string, got []readmodel.Rank, want ...readmodel.UpsertRankParams) {
	t.Helper()
	if len(got) != len(want) {
		t.Fatalf("%s: %d rows %+v, want %d", what, len(got), got, len(want))
	}
	for i, w := range want {
		g := got[i]
		if g.TenantID != w.TenantID || g.ID != w.ID || g.Name != w.Name || g.MinMinutes != w.MinMinutes ||
			g.AutoPromote != w.AutoPromote || g.AutoAccept != w.AutoAccept || g.AutoAcceptAcars != w.AutoAcceptAcars || !g.UpdatedAt.Equal(w.UpdatedAt.Truncate(time.Microsecond)) {
			t.Errorf("%s: row %d = %+v, want %+v", what, i, g, w)
		}
	}
}

func testUpsertAndListRanks(t *testing.T, q readmodel.Querier) {
	ctx := context.Background()
	if got := listRanks(t, q, tenantA); got != nil {
		t.Fatalf("on an empty table: %v, want nil", got)
	}
	captain := rank(tenantA, "3d4e5f60-7182-493a-a4b5-000000000001", "Captain", 1200)
	fo := rank(tenantA, "3d4e5f60-7182-493a-a4b5-000000000002", "First Officer", 600)
	cadetB := rank(tenantA, "3d4e5f60-7182-493a-a4b5-000000000004", "cadet", 0) // byte order: upper case first
	cadetA := rank(tenantA, "3d4e5f60-7182-493a-a4b5-000000000003", "Cadet", 0)
	other := rank(tenantB, "3d4e5f60-7182-493a-a4b5-000000000005", "Other", 0)
	for _, r := range []readmodel.UpsertRankParams{captain, fo, cadetB, cadetA, other} {
		if err := q.UpsertRank(ctx, r); err != nil {
			t.Fatal(err)
		}
	}
	sameRanks(t, "by minimum, then name", listRanks(t, q, tenantA), cadetA, cadetB, fo, captain)
	captain.Name, captain.MinMinutes, captain.AutoPromote, captain.UpdatedAt = "Senior Captain", 100, false, at.Add(time.Hour)
	if err := q.UpsertRank(ctx, captain); err != nil {
		t.Fatal(err)
	}
	sameRanks(t, "after an edit", listRanks(t, q, tenantA), cadetA, cadetB, captain, fo)
	bad := fo
	bad.Name = "bad\x00"
	if err := q.UpsertRank(ctx, bad); err != nil {
		t.Fatalf("UpsertRank with a NUL in the name: %v", err)
	}
	found := false
	for _, r := range listRanks(t, q, tenantA) {
		found = found || r.ID == bad.ID && storedText(r.Name, bad.Name)
	}
	if !found {
		t.Errorf("UpsertRank with a NUL in the name: the name %q is not stored", bad.Name)
	}
}

func testDeleteAllRanks(t *testing.T, q readmodel.Querier) {
	ctx := context.Background()
	if err := q.UpsertRank(ctx, rank(tenantA, "3d4e5f60-7182-493a-a4b5-000000000001", "Captain", 1200)); err != nil {
		t.Fatal(err)
	}
	if err := q.DeleteAllRanks(ctx); err != nil {
		t.Fatal(err)
	}
	if got := listRanks(t, q, tenantA); got != nil {
		t.Errorf("after DeleteAllRanks: %v", got)
	}
}

func testUpsertAndGetPilotRank(t *testing.T, q readmodel.Querier) {
	ctx := context.Background()
	key := readmodel.GetPilotRankParams{TenantID: tenantA, PilotID: pilotA}
	if _, err := q.GetPilotRank(ctx, key); domain.ErrorCode(err) != domain.ENotFound {
		t.Fatalf("before any: %v, want not found", err)
	}
	row := readmodel.UpsertPilotRankParams{TenantID: tenantA, PilotID: pilotA, RankID: "r1", FloorID: "", SetAt: at}
	if err := q.UpsertPilotRank(ctx, row); err != nil {
		t.Fatal(err)
	}
	row.RankID, row.FloorID, row.SetAt = "r2", "r2", at.Add(time.Hour)
	if err := q.UpsertPilotRank(ctx, row); err != nil {
		t.Fatal(err)
	}
	got, err := q.GetPilotRank(ctx, key)
	if err != nil || got.RankID != "r2" || got.FloorID != "r2" || got.TenantID != tenantA || got.PilotID != pilotA ||
		!got.SetAt.Equal(row.SetAt.Truncate(time.Microsecond)) {
		t.Errorf("GetPilotRank = %+v, %v", got, err)
	}
	if _, err := q.GetPilotRank(ctx, readmodel.GetPilotRankParams{TenantID: tenantB, PilotID: pilotA}); domain.ErrorCode(err) != domain.ENotFound {
		t.Errorf("another airline: %v, want not found", err)
	}
}

// ReadPilotCareer is GetPilotStats and GetPilotRank in one row: zeros and no
// rank where either is missing, never another pilot's or airline's.
func testReadPilotCareer(t *testing.T, q readmodel.Querier) {
	ctx := context.Background()
	career := func(tenant string, pilot uuid.UUID) readmodel.ReadPilotCareerRow {
		t.Helper()
		got, err := q.ReadPilotCareer(ctx, readmodel.ReadPilotCareerParams{TenantID: tenant, PilotID: pilot})
		if err != nil {
			t.Fatalf("ReadPilotCareer(%s, %s): %v", tenant, pilot, err)
		}
		return got
	}
	if got := career(tenantA, pilotA); got != (readmodel.ReadPilotCareerRow{}) {
		t.Errorf("ReadPilotCareer before any = %+v, want zeros", got)
	}
	p1 := pirep(tenantA, "7a0c1e2d-3b4f-4a5b-8c6d-000000000001", "accepted", 0)
	p1.LandingRate = -100
	p2 := pirep(tenantA, "7a0c1e2d-3b4f-4a5b-8c6d-000000000002", "accepted", 600)
	p2.ArrAirport, p2.FlightTime, p2.LandingRate = "LPFR", 61, -203
	upsertPireps(t, q, p1, p2)
	addAccepted(t, q, p1, p2)
	if err := q.UpsertPilotRank(ctx, readmodel.UpsertPilotRankParams{TenantID: tenantA, PilotID: pilotA, RankID: "r2", SetAt: at}); err != nil {
		t.Fatal(err)
	}
	if err := q.UpsertPilotRank(ctx, readmodel.UpsertPilotRankParams{TenantID: tenantB, PilotID: pilotB, RankID: "rb", SetAt: at}); err != nil {
		t.Fatal(err)
	}
	stats, err := q.GetPilotStats(ctx, readmodel.GetPilotStatsParams{TenantID: tenantA, PilotID: pilotA})
	if err != nil {
		t.Fatal(err)
	}
	want := readmodel.ReadPilotCareerRow{Flights: 2, Minutes: stats.Minutes, Location: "LPFR", LandingRate: stats.LandingRate, RankID: "r2"}
	if got := career(tenantA, pilotA); got != want || stats.Flights != 2 {
		t.Errorf("ReadPilotCareer(A, pilot A) = %+v, want %+v (GetPilotStats: %+v)", got, want, stats)
	}
	if got := career(tenantB, pilotB); got != (readmodel.ReadPilotCareerRow{RankID: "rb"}) {
		t.Errorf("a rank and no stats = %+v, want the rank alone", got)
	}
	for _, k := range []struct {
		tenant string
		pilot  uuid.UUID
	}{{tenantB, pilotA}, {tenantA, pilotB}} {
		if got := career(k.tenant, k.pilot); got != (readmodel.ReadPilotCareerRow{}) {
			t.Errorf("ReadPilotCareer(%s, %s) = %+v, want zeros: none of another pilot's or airline's", k.tenant, k.pilot, got)
		}
	}
}

func testDeleteAllPilotRanks(t *testing.T, q readmodel.Querier) {
	ctx := context.Background()
	if err := q.UpsertPilotRank(ctx, readmodel.UpsertPilotRankParams{TenantID: tenantA, PilotID: pilotA, RankID: "r1", SetAt: at}); err != nil {
		t.Fatal(err)
	}
	if err := q.DeleteAllPilotRanks(ctx); err != nil {
		t.Fatal(err)
	}
	if _, err := q.GetPilotRank(ctx, readmodel.GetPilotRankParams{TenantID: tenantA, PilotID: pilotA}); domain.ErrorCode(err) != domain.ENotFound {
		t.Errorf("after DeleteAllPilotRanks: %v, want not found", err)
	}
}
