package readmodeltest

import (
	"context"
	"testing"
	"time"

	"github.com/google/uuid"

	"github.com/albatross-va/albatross/store/readmodel"
)

// jumpseatCases are the suite's cases of queries/jumpseats.sql.
var jumpseatCases = map[string]func(t *testing.T, q readmodel.Querier){
	"InsertJumpseat":     testJumpseats,
	"ListPilotJumpseats": testJumpseats,
	"DeleteAllJumpseats": testJumpseats,
}

// testJumpseats checks that a pilot's jumpseats list latest first, within
// their airline only, a repeated insert adds nothing, and the limit holds.
func testJumpseats(t *testing.T, q readmodel.Querier) {
	ctx := context.Background()
	ids := []uuid.UUID{uuid.MustParse("9b000000-0000-4000-8000-000000000001"), uuid.MustParse("9b000000-0000-4000-8000-000000000002"),
		uuid.MustParse("9b000000-0000-4000-8000-000000000003")}
	rows := []readmodel.InsertJumpseatParams{
		{TenantID: tenantA, ID: ids[0], PilotID: pilotA, FromAirport: "", ToAirport: "EGLL", MovedAt: at},
		{TenantID: tenantA, ID: ids[1], PilotID: pilotA, FromAirport: "EGLL", ToAirport: "LPPT", MovedAt: at.Add(time.Hour)},
		{TenantID: tenantB, ID: ids[2], PilotID: pilotA, FromAirport: "LPFR", ToAirport: "LPPT", MovedAt: at.Add(2 * time.Hour)},
	}
	for _, r := range append(rows, rows[0]) {
		if err := q.InsertJumpseat(ctx, r); err != nil {
			t.Fatal(err)
		}
	}
	list, err := q.ListPilotJumpseats(ctx, readmodel.ListPilotJumpseatsParams{TenantID: tenantA, PilotID: pilotA, MaxRows: 10})
	if err != nil || len(list) != 2 || list[0].ID != ids[1] || list[1].ID != ids[0] || list[0].FromAirport != "EGLL" ||
		list[0].ToAirport != "LPPT" || !list[0].MovedAt.Equal(at.Add(time.Hour).Truncate(time.Microsecond)) || list[1].FromAirport != "" {
		t.Errorf("ListPilotJumpseats = %+v, %v; want airline A's two, latest first", list, err)
	}
	if list, err := q.ListPilotJumpseats(ctx, readmodel.ListPilotJumpseatsParams{TenantID: tenantA, PilotID: pilotA, MaxRows: 1}); err != nil || len(list) != 1 || list[0].ID != ids[1] {
		t.Errorf("limit 1: %+v, %v; want the latest", list, err)
	}
	if list, err := q.ListPilotJumpseats(ctx, readmodel.ListPilotJumpseatsParams{TenantID: tenantB, PilotID: uuid.New(), MaxRows: 10}); err != nil || len(list) != 0 {
		t.Errorf("another pilot: %+v, %v; want none", list, err)
	}
	if err := q.DeleteAllJumpseats(ctx); err != nil {
		t.Fatal(err)
	}
	if list, err := q.ListPilotJumpseats(ctx, readmodel.ListPilotJumpseatsParams{TenantID: tenantB, PilotID: pilotA, MaxRows: 10}); err != nil || len(list) != 0 {
		t.Errorf("after DeleteAllJumpseats: %+v, %v", list, err)
	}
}
