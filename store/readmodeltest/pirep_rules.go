package readmodeltest

import (
	"context"
	"testing"
	"time"

	"github.com/albatross-va/albatross/domain"
	"github.com/albatross-va/albatross/store/readmodel"
)

// pirepRuleCases are the suite's cases of queries/pirep_rules.sql: each
// airline's optional filing rules.
var pirepRuleCases = map[string]func(t *testing.T, q readmodel.Querier){
	"UpsertAirlinePirepRules":    testUpsertAndGetAirlinePirepRules,
	"GetAirlinePirepRules":       testUpsertAndGetAirlinePirepRules,
	"DeleteAllAirlinePirepRules": testDeleteAllAirlinePirepRules,
}

func testUpsertAndGetAirlinePirepRules(t *testing.T, q readmodel.Querier) {
	ctx := context.Background()
	if _, err := q.GetAirlinePirepRules(ctx, tenantA); domain.ErrorCode(err) != domain.ENotFound {
		t.Fatalf("before any: %v, want not found", err)
	}
	row := readmodel.UpsertAirlinePirepRulesParams{TenantID: tenantA, AircraftAtDeparture: true, UpdatedAt: at}
	if err := q.UpsertAirlinePirepRules(ctx, row); err != nil {
		t.Fatal(err)
	}
	row.AircraftAtDeparture, row.PilotAtDeparture, row.UpdatedAt, row.AbandonAfterMinutes = false, true, at.Add(time.Hour), 240
	row.PublicLiveMapOff = true
	if err := q.UpsertAirlinePirepRules(ctx, row); err != nil {
		t.Fatal(err)
	}
	got, err := q.GetAirlinePirepRules(ctx, tenantA)
	if err != nil || got.TenantID != tenantA || got.AircraftAtDeparture || !got.PilotAtDeparture || got.AbandonAfterMinutes != 240 || !got.PublicLiveMapOff ||
		!got.UpdatedAt.Equal(row.UpdatedAt.Truncate(time.Microsecond)) {
		t.Errorf("GetAirlinePirepRules = %+v, %v; want the second write", got, err)
	}
	if _, err := q.GetAirlinePirepRules(ctx, tenantB); domain.ErrorCode(err) != domain.ENotFound {
		t.Errorf("another airline: %v, want not found", err)
	}
	if err := q.UpsertAirlinePirepRules(ctx, readmodel.UpsertAirlinePirepRulesParams{TenantID: "bad\x00", UpdatedAt: at}); err != nil {
		t.Errorf("UpsertAirlinePirepRules with a NUL in the tenant: %v, want it stored", err)
	}
}

func testDeleteAllAirlinePirepRules(t *testing.T, q readmodel.Querier) {
	ctx := context.Background()
	if err := q.UpsertAirlinePirepRules(ctx, readmodel.UpsertAirlinePirepRulesParams{TenantID: tenantA, PilotAtDeparture: true, UpdatedAt: at}); err != nil {
		t.Fatal(err)
	}
	if err := q.DeleteAllAirlinePirepRules(ctx); err != nil {
		t.Fatal(err)
	}
	if _, err := q.GetAirlinePirepRules(ctx, tenantA); domain.ErrorCode(err) != domain.ENotFound {
		t.Errorf("after DeleteAllAirlinePirepRules: %v, want not found", err)
	}
}
