package readmodeltest

import (
	"context"
	"testing"
	"time"

	"github.com/google/uuid"

	"github.com/albatross-va/albatross/store/readmodel"
)

// fareCases are the suite's cases of queries/fares.sql.
var fareCases = map[string]func(t *testing.T, q readmodel.Querier){
	"UpsertFare":        testFares,
	"ListFares":         testFares,
	"DeleteAllFares":    testFares,
	"UpsertExpense":     testExpenses,
	"ListExpenses":      testExpenses,
	"DeleteAllExpenses": testExpenses,
}

// testFares checks that an airline's fares list by code in byte order
// (Y after B and F, lower case last), within the airline only; that a
// second save of a code replaces its row; that a reset empties them; and
// that a subfleet keeps its fares cell.
func testFares(t *testing.T, q readmodel.Querier) {
	ctx := context.Background()
	save := func(p readmodel.UpsertFareParams) {
		t.Helper()
		if err := q.UpsertFare(ctx, p); err != nil {
			t.Fatal(err)
		}
	}
	save(readmodel.UpsertFareParams{TenantID: tenantA, Code: "Y", Name: "Economy", PriceCents: 10000, Capacity: 200, Notes: "economy", Active: true, UpdatedAt: at})
	save(readmodel.UpsertFareParams{TenantID: tenantA, Code: "b", Name: "lower", UpdatedAt: at})
	save(readmodel.UpsertFareParams{TenantID: tenantA, Code: "F", Name: "First", PriceCents: 80000, CostCents: 35000, Capacity: 5, Active: true, UpdatedAt: at})
	save(readmodel.UpsertFareParams{TenantID: tenantB, Code: "C", Name: "Cargo", Type: 1, Capacity: 10, UpdatedAt: at})
	save(readmodel.UpsertFareParams{TenantID: tenantA, Code: "Y", Name: "Economy plus", PriceCents: 12000, CostCents: 50, Capacity: 180,
		Notes: "", Active: false, UpdatedAt: at.Add(time.Hour)})
	list, err := q.ListFares(ctx, tenantA)
	if err != nil || len(list) != 3 || list[0].Code != "F" || list[1].Code != "Y" || list[2].Code != "b" {
		t.Fatalf("ListFares(A) = %+v, %v; want F, Y, b", list, err)
	}
	if y := list[1]; y.Name != "Economy plus" || y.PriceCents != 12000 || y.CostCents != 50 || y.Capacity != 180 || y.Active ||
		y.Notes != "" || y.Type != 0 || !y.UpdatedAt.Equal(at.Add(time.Hour).Truncate(time.Microsecond)) {
		t.Errorf("Y after its second save = %+v", y)
	}
	if b, err := q.ListFares(ctx, tenantB); err != nil || len(b) != 1 || b[0].Type != 1 || b[0].Capacity != 10 {
		t.Errorf("ListFares(B) = %+v, %v", b, err)
	}
	sf := uuid.MustParse("9e000000-0000-4000-8000-000000000001")
	if err := q.UpsertSubfleet(ctx, readmodel.UpsertSubfleetParams{TenantID: tenantA, ID: sf, Type: "A32X", Icao: "A320", Name: "Airbus",
		HubID: "KAUS", CreatedAt: at, UpdatedAt: at, Fares: "Y;B?capacity=100&price=500%"}); err != nil {
		t.Fatal(err)
	}
	if s, err := q.GetSubfleet(ctx, readmodel.GetSubfleetParams{TenantID: tenantA, ID: sf}); err != nil || s.Fares != "Y;B?capacity=100&price=500%" {
		t.Errorf("the subfleet's fares: %q, %v", s.Fares, err)
	}
	if err := q.DeleteAllFares(ctx); err != nil {
		t.Fatal(err)
	}
	if list, err := q.ListFares(ctx, tenantA); err != nil || len(list) != 0 {
		t.Errorf("after DeleteAllFares: %+v, %v", list, err)
	}
}

// testExpenses checks that an airline's expenses list in the order they
// were first saved, a changed one in its place, within the airline only,
// with every column as saved; and that a reset empties them.
func testExpenses(t *testing.T, q readmodel.Querier) {
	ctx := context.Background()
	save := func(p readmodel.UpsertExpenseParams) {
		t.Helper()
		if err := q.UpsertExpense(ctx, p); err != nil {
			t.Fatal(err)
		}
	}
	save(readmodel.UpsertExpenseParams{TenantID: tenantA, Key: "k2", Name: "Zulu fee", AmountCents: 10000, Type: "F", Active: true, UpdatedAt: at})
	save(readmodel.UpsertExpenseParams{TenantID: tenantB, Key: "k9", Name: "Other", Type: "D", UpdatedAt: at})
	save(readmodel.UpsertExpenseParams{TenantID: tenantA, Key: "k1", Airline: "VMS", Name: "Alpha", AmountCents: 100000, Type: "D",
		FlightType: "J", ChargeToUser: true, Multiplier: true, Active: true, RefModel: `App\Models\Aircraft`, RefModelID: "001Z", UpdatedAt: at})
	save(readmodel.UpsertExpenseParams{TenantID: tenantA, Key: "k2", Name: "Zulu fee", AmountCents: 20000, Type: "M", Active: false, UpdatedAt: at.Add(time.Hour)})
	list, err := q.ListExpenses(ctx, tenantA)
	if err != nil || len(list) != 2 || list[0].Key != "k2" || list[1].Key != "k1" {
		t.Fatalf("ListExpenses(A) = %+v, %v; want k2 then k1", list, err)
	}
	if z := list[0]; z.AmountCents != 20000 || z.Type != "M" || z.Active || !z.UpdatedAt.Equal(at.Add(time.Hour).Truncate(time.Microsecond)) {
		t.Errorf("k2 after its second save = %+v", z)
	}
	if a := list[1]; a.Airline != "VMS" || a.FlightType != "J" || !a.ChargeToUser || !a.Multiplier || a.RefModel != `App\Models\Aircraft` ||
		a.RefModelID != "001Z" || a.AmountCents != 100000 {
		t.Errorf("k1 = %+v", a)
	}
	if b, err := q.ListExpenses(ctx, tenantB); err != nil || len(b) != 1 || b[0].Name != "Other" {
		t.Errorf("ListExpenses(B) = %+v, %v", b, err)
	}
	if err := q.DeleteAllExpenses(ctx); err != nil {
		t.Fatal(err)
	}
	if list, err := q.ListExpenses(ctx, tenantA); err != nil || len(list) != 0 {
		t.Errorf("after DeleteAllExpenses: %+v, %v", list, err)
	}
}
