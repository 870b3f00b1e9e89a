package readmodeltest

import (
	"context"
	"maps"
	"slices"
	"testing"
	"time"

	"github.com/google/uuid"

	"github.com/albatross-va/albatross/domain"
	"github.com/albatross-va/albatross/store/readmodel"
)

// fleetCases are the suite's cases of queries/fleet.sql: an airline's
// subfleets and aircraft, which never show another airline's.
var fleetCases = map[string]func(t *testing.T, q readmodel.Querier){
	"UpsertSubfleet":            testUpsertSubfleet,
	"GetSubfleet":               testGetSubfleet,
	"GetSubfleetByNumber":       testGetSubfleetByNumber,
	"ListSubfleets":             testListSubfleets,
	"DeleteAllSubfleets":        testDeleteAllSubfleets,
	"UpsertAircraft":            testUpsertAircraft,
	"GetAircraft":               testGetAircraft,
	"GetAircraftByNumber":       testGetAircraftByNumber,
	"ListAircraftRegistrations": testListAircraftRegistrations,
	"ListAircraft":              testListAircraft,
	"ListAircraftBySubfleet":    testListAircraftBySubfleet,
	"DeleteAllAircraft":         testDeleteAllAircraft,
}

func subfleet(tenant, id, code string) readmodel.UpsertSubfleetParams {
	return readmodel.UpsertSubfleetParams{
		TenantID: tenant, ID: uuid.MustParse(id), Type: code, Icao: "B738", Name: "Boeing 737-800 " + code,
		HubID: "EGLL", CostBlockHourCents: new(int64(250050)), CreatedAt: at, UpdatedAt: at.Add(time.Hour),
	}
}

func subfleetRow(p readmodel.UpsertSubfleetParams) readmodel.Subfleet {
	return readmodel.Subfleet{TenantID: p.TenantID, ID: p.ID, Type: p.Type, Icao: p.Icao, Name: p.Name, HubID: p.HubID,
		CostBlockHourCents: p.CostBlockHourCents, CreatedAt: p.CreatedAt.Truncate(time.Microsecond),
		UpdatedAt: p.UpdatedAt.Truncate(time.Microsecond)}
}

func upsertSubfleets(t *testing.T, q readmodel.Querier, ps ...readmodel.UpsertSubfleetParams) {
	t.Helper()
	for _, p := range ps {
		if err := q.UpsertSubfleet(context.Background(), p); err != nil {
			t.Fatalf("UpsertSubfleet(%s): %v", p.Type, err)
		}
	}
}

func sameSubfleets(t *testing.T, what string, got, want []readmodel.Subfleet) {
	t.Helper()
	if len(got) != len(want) {
		t.Fatalf("%s: %d rows %+v, want %d %+v", what, len(got), got, len(want), want)
	}
	for i := range want {
		g, w := got[i], want[i]
		if g.TenantID != w.TenantID || g.ID != w.ID || g.Type != w.Type || g.Icao != w.Icao || g.Name != w.Name ||
			g.HubID != w.HubID || !equalPtr(g.CostBlockHourCents, w.CostBlockHourCents) ||
			!g.CreatedAt.Equal(w.CreatedAt) || !g.UpdatedAt.Equal(w.UpdatedAt) ||
			g.CreatedAt.Location().String() != time.Local.String() {
			t.Errorf("%s: row %d = %+v, want %+v", what, i, g, w)
		}
	}
}

func listSubfleets(t *testing.T, q readmodel.Querier, tenant string) []readmodel.Subfleet {
	t.Helper()
	got, err := q.ListSubfleets(context.Background(), tenant)
	if err != nil {
		t.Fatalf("ListSubfleets: %v", err)
	}
	return got
}

func testUpsertSubfleet(t *testing.T, q readmodel.Querier) {
	first := subfleet(tenantA, "6f1c1c6e-5a55-4a7e-9d8e-111111111111", "B738-SPB")
	upsertSubfleets(t, q, first)
	sameSubfleets(t, "after insert", listSubfleets(t, q, tenantA), []readmodel.Subfleet{subfleetRow(first)})
	// The same id again replaces every column; a NULL cost stays NULL.
	second := first
	second.Type, second.Icao, second.Name, second.HubID = "B738-WL", "B38M", "MAX", "EGKK"
	second.CostBlockHourCents = nil
	second.UpdatedAt = at.Add(2*time.Hour + 999*time.Nanosecond)
	upsertSubfleets(t, q, second)
	sameSubfleets(t, "after second upsert", listSubfleets(t, q, tenantA), []readmodel.Subfleet{subfleetRow(second)})
	// The same id in another tenant is another row: the key is (tenant_id, id).
	third := first
	third.TenantID = tenantB
	upsertSubfleets(t, q, third)
	sameSubfleets(t, "tenant A after tenant B's row", listSubfleets(t, q, tenantA), []readmodel.Subfleet{subfleetRow(second)})
	sameSubfleets(t, "tenant B", listSubfleets(t, q, tenantB), []readmodel.Subfleet{subfleetRow(third)})
	// The update kept number 1 and took none: A's next subfleet is 2, and
	// B numbers its own from 1.
	fourth := subfleet(tenantA, "6f1c1c6e-5a55-4a7e-9d8e-000000000004", "A320")
	upsertSubfleets(t, q, fourth)
	subfleetNumbers(t, "after an update", q, tenantA, map[uuid.UUID]int32{first.ID: 1, fourth.ID: 2})
	subfleetNumbers(t, "after an update", q, tenantB, map[uuid.UUID]int32{third.ID: 1})
	bad := first
	bad.Name = "bad\x00name"
	// Text the log holds is stored, so its event always applies.
	if err := q.UpsertSubfleet(context.Background(), bad); err != nil {
		t.Fatalf("UpsertSubfleet with a NUL in the name: %v", err)
	}
	if got := listSubfleets(t, q, tenantA); len(got) != 2 || !storedText(got[1].Name, bad.Name) {
		t.Errorf("after a NUL in the name: %+v, want the name %q stored", got, bad.Name)
	}
}

// subfleetNumbers checks that ListSubfleets gives exactly these of the
// tenant's subfleets with these numbers, and that GetSubfleet and
// GetSubfleetByNumber agree.
func subfleetNumbers(t *testing.T, what string, q readmodel.Querier, tenant string, want map[uuid.UUID]int32) {
	t.Helper()
	ctx := context.Background()
	got := map[uuid.UUID]int32{}
	for _, sf := range listSubfleets(t, q, tenant) {
		got[sf.ID] = sf.Number
	}
	if !maps.Equal(got, want) {
		t.Errorf("%s: ListSubfleets(%s) numbers = %v, want %v", what, tenant, got, want)
	}
	for id, n := range want {
		if sf, err := q.GetSubfleet(ctx, readmodel.GetSubfleetParams{TenantID: tenant, ID: id}); err != nil || sf.Number != n {
			t.Errorf("%s: GetSubfleet(%s, %s) = number %d, %v; want %d", what, tenant, id, sf.Number, err, n)
		}
		if sf, err := q.GetSubfleetByNumber(ctx, readmodel.GetSubfleetByNumberParams{TenantID: tenant, Number: n}); err != nil || sf.ID != id || sf.Number != n {
			t.Errorf("%s: GetSubfleetByNumber(%s, %d) = %s number %d, %v; want %s", what, tenant, n, sf.ID, sf.Number, err, id)
		}
	}
}

// Each airline numbers its subfleets 1, 2, 3... in the order they were
// inserted, whatever their ids and codes, for phpVMS's API; one airline's
// subfleets move no other's numbers, and no number finds another's.
func testGetSubfleetByNumber(t *testing.T, q readmodel.Querier) {
	ctx := context.Background()
	a1 := subfleet(tenantA, "6f1c1c6e-5a55-4a7e-9d8e-999999999999", "ZZZ")
	b1 := subfleet(tenantB, "6f1c1c6e-5a55-4a7e-9d8e-888888888888", "B1")
	a2 := subfleet(tenantA, "6f1c1c6e-5a55-4a7e-9d8e-111111111111", "AAA")
	a3 := subfleet(tenantA, "6f1c1c6e-5a55-4a7e-9d8e-555555555555", "MMM")
	b2 := subfleet(tenantB, "6f1c1c6e-5a55-4a7e-9d8e-222222222222", "B2")
	upsertSubfleets(t, q, a1, b1, a2, a3, b2)
	subfleetNumbers(t, "five subfleets", q, tenantA, map[uuid.UUID]int32{a1.ID: 1, a2.ID: 2, a3.ID: 3})
	subfleetNumbers(t, "five subfleets", q, tenantB, map[uuid.UUID]int32{b1.ID: 1, b2.ID: 2})
	got, err := q.GetSubfleetByNumber(ctx, readmodel.GetSubfleetByNumberParams{TenantID: tenantA, Number: 3})
	if err != nil {
		t.Fatalf("GetSubfleetByNumber(A, 3): %v", err)
	}
	sameSubfleets(t, "GetSubfleetByNumber(A, 3)", []readmodel.Subfleet{got}, []readmodel.Subfleet{subfleetRow(a3)})
	changed := a2
	changed.Type, changed.CostBlockHourCents = "AAA-2", nil
	upsertSubfleets(t, q, changed)
	if got, err := q.GetSubfleetByNumber(ctx, readmodel.GetSubfleetByNumberParams{TenantID: tenantA, Number: 2}); err != nil || got.Type != "AAA-2" || got.Number != 2 {
		t.Errorf("GetSubfleetByNumber(A, 2) after an update = %+v, %v; want AAA-2, still 2", got, err)
	}
	for _, miss := range []readmodel.GetSubfleetByNumberParams{{TenantID: tenantB, Number: 3}, {TenantID: tenantA, Number: 4},
		{TenantID: tenantA, Number: 0}, {TenantID: tenantA, Number: -1}, {TenantID: "", Number: 1}} {
		if _, err := q.GetSubfleetByNumber(ctx, miss); domain.ErrorCode(err) != domain.ENotFound {
			t.Errorf("GetSubfleetByNumber(%q, %d): %v, want not found", miss.TenantID, miss.Number, err)
		}
	}
}

func testGetSubfleet(t *testing.T, q readmodel.Querier) {
	ctx := context.Background()
	a := subfleet(tenantA, "6f1c1c6e-5a55-4a7e-9d8e-111111111111", "B738")
	a.CostBlockHourCents = nil
	b := subfleet(tenantB, "6f1c1c6e-5a55-4a7e-9d8e-222222222222", "A320")
	if _, err := q.GetSubfleet(ctx, readmodel.GetSubfleetParams{TenantID: tenantA, ID: a.ID}); domain.ErrorCode(err) != domain.ENotFound {
		t.Fatalf("GetSubfleet on an empty table: %v, want not found", err)
	}
	upsertSubfleets(t, q, a, b)
	got, err := q.GetSubfleet(ctx, readmodel.GetSubfleetParams{TenantID: tenantA, ID: a.ID})
	if err != nil {
		t.Fatal(err)
	}
	sameSubfleets(t, "GetSubfleet(A, B738)", []readmodel.Subfleet{got}, []readmodel.Subfleet{subfleetRow(a)})
	for _, miss := range []readmodel.GetSubfleetParams{{TenantID: tenantA, ID: b.ID}, {TenantID: tenantB, ID: a.ID}, {TenantID: "", ID: a.ID}} {
		if _, err := q.GetSubfleet(ctx, miss); domain.ErrorCode(err) != domain.ENotFound {
			t.Errorf("GetSubfleet(%s, %s): %v, want not found", miss.TenantID, miss.ID, err)
		}
	}
}

func testListSubfleets(t *testing.T, q readmodel.Querier) {
	if got := listSubfleets(t, q, tenantA); got != nil {
		t.Fatalf("ListSubfleets on an empty table = %v, want nil", got)
	}
	lower := subfleet(tenantA, "6f1c1c6e-5a55-4a7e-9d8e-111111111111", "a320") // byte order: digits, upper, lower
	upper := subfleet(tenantA, "6f1c1c6e-5a55-4a7e-9d8e-222222222222", "B738")
	digit := subfleet(tenantA, "6f1c1c6e-5a55-4a7e-9d8e-333333333333", "737")
	tieB := subfleet(tenantA, "6f1c1c6e-5a55-4a7e-9d8e-555555555555", "SAME")
	tieA := subfleet(tenantA, "6f1c1c6e-5a55-4a7e-9d8e-444444444444", "SAME")
	other := subfleet(tenantB, "6f1c1c6e-5a55-4a7e-9d8e-666666666666", "0000")
	upsertSubfleets(t, q, lower, upper, digit, tieB, tieA, other)
	sameSubfleets(t, "ListSubfleets(A)", listSubfleets(t, q, tenantA), []readmodel.Subfleet{
		subfleetRow(digit), subfleetRow(upper), subfleetRow(tieA), subfleetRow(tieB), subfleetRow(lower)})
}

func testDeleteAllSubfleets(t *testing.T, q readmodel.Querier) {
	upsertSubfleets(t, q, subfleet(tenantA, "6f1c1c6e-5a55-4a7e-9d8e-111111111111", "B738"),
		subfleet(tenantA, "6f1c1c6e-5a55-4a7e-9d8e-333333333333", "B739"),
		subfleet(tenantB, "6f1c1c6e-5a55-4a7e-9d8e-222222222222", "A320"))
	if err := q.DeleteAllSubfleets(context.Background()); err != nil {
		t.Fatal(err)
	}
	if got := listSubfleets(t, q, tenantA); got != nil {
		t.Errorf("after DeleteAllSubfleets: %v", got)
	}
	if got := listSubfleets(t, q, tenantB); got != nil {
		t.Errorf("after DeleteAllSubfleets: %v", got)
	}
	if _, err := q.GetSubfleetByNumber(context.Background(), readmodel.GetSubfleetByNumberParams{TenantID: tenantA, Number: 2}); domain.ErrorCode(err) != domain.ENotFound {
		t.Errorf("GetSubfleetByNumber(A, 2) after DeleteAllSubfleets: %v, want not found", err)
	}
	// Every airline's numbers start again at 1, as a rebuild from the log
	// needs.
	again := subfleet(tenantA, "6f1c1c6e-5a55-4a7e-9d8e-444444444444", "A321")
	againB := subfleet(tenantB, "6f1c1c6e-5a55-4a7e-9d8e-555555555555", "A321")
	upsertSubfleets(t, q, again, againB)
	subfleetNumbers(t, "after DeleteAllSubfleets", q, tenantA, map[uuid.UUID]int32{again.ID: 1})
	subfleetNumbers(t, "after DeleteAllSubfleets", q, tenantB, map[uuid.UUID]int32{againB.ID: 1})
}

const (
	fleetA = "0b6f6c1e-2d0a-4c55-8a51-aaaaaaaaaaa1"
	fleetB = "0b6f6c1e-2d0a-4c55-8a51-aaaaaaaaaaa2"
)

func aircraft(tenant, id, subfleetID, reg string) readmodel.UpsertAircraftParams {
	return readmodel.UpsertAircraftParams{
		TenantID: tenant, ID: uuid.MustParse(id), SubfleetID: uuid.MustParse(subfleetID), Registration: reg,
		Name: "City of " + reg, Status: "active", AirportID: "EGLL", FlightTime: 74045, CreatedAt: at, UpdatedAt: at.Add(time.Minute),
	}
}

func aircraftRow(p readmodel.UpsertAircraftParams) readmodel.Aircraft {
	return readmodel.Aircraft{TenantID: p.TenantID, ID: p.ID, SubfleetID: p.SubfleetID, Registration: p.Registration,
		Name: p.Name, Status: p.Status, AirportID: p.AirportID, FlightTime: p.FlightTime,
		CreatedAt: p.CreatedAt.Truncate(time.Microsecond), UpdatedAt: p.UpdatedAt.Truncate(time.Microsecond)}
}

func upsertAircraft(t *testing.T, q readmodel.Querier, ps ...readmodel.UpsertAircraftParams) {
	t.Helper()
	for _, p := range ps {
		if err := q.UpsertAircraft(context.Background(), p); err != nil {
			t.Fatalf("UpsertAircraft(%s): %v", p.Registration, err)
		}
	}
}

func sameAircraft(t *testing.T, what string, got, want []readmodel.Aircraft) {
	t.Helper()
	if len(got) != len(want) {
		t.Fatalf("%s: %d rows %+v, want %d %+v", what, len(got), got, len(want), want)
	}
	for i := range want {
		g, w := got[i], want[i]
		if g.TenantID != w.TenantID || g.ID != w.ID || g.SubfleetID != w.SubfleetID || g.Registration != w.Registration ||
			g.Name != w.Name || g.Status != w.Status || g.AirportID != w.AirportID || g.FlightTime != w.FlightTime ||
			!g.CreatedAt.Equal(w.CreatedAt) || !g.UpdatedAt.Equal(w.UpdatedAt) ||
			g.UpdatedAt.Location().String() != time.Local.String() {
			t.Errorf("%s: row %d = %+v, want %+v", what, i, g, w)
		}
	}
}

func listAircraft(t *testing.T, q readmodel.Querier, tenant string) []readmodel.Aircraft {
	t.Helper()
	got, err := q.ListAircraft(context.Background(), tenant)
	if err != nil {
		t.Fatalf("ListAircraft: %v", err)
	}
	return got
}

func testUpsertAircraft(t *testing.T, q readmodel.Querier) {
	first := aircraft(tenantA, "6f1c1c6e-5a55-4a7e-9d8e-111111111111", fleetA, "G-ABCD")
	upsertAircraft(t, q, first)
	sameAircraft(t, "after insert", listAircraft(t, q, tenantA), []readmodel.Aircraft{aircraftRow(first)})
	second := first
	second.SubfleetID, second.Name, second.Status, second.AirportID, second.FlightTime = uuid.MustParse(fleetB), "Renamed", "maintenance", "LPPT", 1
	second.UpdatedAt = at.Add(3*time.Hour + 1500*time.Nanosecond)
	upsertAircraft(t, q, second)
	sameAircraft(t, "after second upsert", listAircraft(t, q, tenantA), []readmodel.Aircraft{aircraftRow(second)})
	third := first
	third.TenantID = tenantB
	upsertAircraft(t, q, third)
	sameAircraft(t, "tenant A after tenant B's row", listAircraft(t, q, tenantA), []readmodel.Aircraft{aircraftRow(second)})
	sameAircraft(t, "tenant B", listAircraft(t, q, tenantB), []readmodel.Aircraft{aircraftRow(third)})
	// The update kept number 1 and took none: A's next aircraft is 2, and
	// B numbers its own from 1.
	fourth := aircraft(tenantA, "6f1c1c6e-5a55-4a7e-9d8e-000000000004", fleetA, "ZZ-ZZZ")
	upsertAircraft(t, q, fourth)
	aircraftNumbers(t, "after an update", q, tenantA, map[uuid.UUID]int32{first.ID: 1, fourth.ID: 2})
	aircraftNumbers(t, "after an update", q, tenantB, map[uuid.UUID]int32{third.ID: 1})
	bad := first
	bad.Registration = "\xff"
	if err := q.UpsertAircraft(context.Background(), bad); err != nil {
		t.Fatalf("UpsertAircraft with invalid UTF-8: %v", err)
	}
	if got := listAircraft(t, q, tenantA); len(got) != 2 || !storedText(got[1].Registration, bad.Registration) {
		t.Errorf("after invalid UTF-8 in the registration: %+v, want %q stored", got, bad.Registration)
	}
}

// aircraftNumbers checks that ListAircraft gives exactly these of the
// tenant's aircraft with these numbers, and that GetAircraft and
// GetAircraftByNumber agree.
func aircraftNumbers(t *testing.T, what string, q readmodel.Querier, tenant string, want map[uuid.UUID]int32) {
	t.Helper()
	ctx := context.Background()
	got := map[uuid.UUID]int32{}
	for _, a := range listAircraft(t, q, tenant) {
		got[a.ID] = a.Number
	}
	if !maps.Equal(got, want) {
		t.Errorf("%s: ListAircraft(%s) numbers = %v, want %v", what, tenant, got, want)
	}
	for id, n := range want {
		if a, err := q.GetAircraft(ctx, readmodel.GetAircraftParams{TenantID: tenant, ID: id}); err != nil || a.Number != n {
			t.Errorf("%s: GetAircraft(%s, %s) = number %d, %v; want %d", what, tenant, id, a.Number, err, n)
		}
		if a, err := q.GetAircraftByNumber(ctx, readmodel.GetAircraftByNumberParams{TenantID: tenant, Number: n}); err != nil || a.ID != id || a.Number != n {
			t.Errorf("%s: GetAircraftByNumber(%s, %d) = %s number %d, %v; want %s", what, tenant, n, a.ID, a.Number, err, id)
		}
	}
}

// Each airline numbers its aircraft 1, 2, 3... in the order they were
// inserted, whatever their ids, registrations and subfleets, for phpVMS's
// API; one airline's aircraft move no other's numbers, and no number finds
// another's.
func testGetAircraftByNumber(t *testing.T, q readmodel.Querier) {
	ctx := context.Background()
	a1 := aircraft(tenantA, "6f1c1c6e-5a55-4a7e-9d8e-999999999999", fleetB, "ZS-ABC")
	b1 := aircraft(tenantB, "6f1c1c6e-5a55-4a7e-9d8e-888888888888", fleetA, "N1")
	a2 := aircraft(tenantA, "6f1c1c6e-5a55-4a7e-9d8e-111111111111", fleetA, "9H-AEN")
	a3 := aircraft(tenantA, "6f1c1c6e-5a55-4a7e-9d8e-555555555555", fleetB, "G-ABCD")
	b2 := aircraft(tenantB, "6f1c1c6e-5a55-4a7e-9d8e-222222222222", fleetA, "N2")
	upsertAircraft(t, q, a1, b1, a2, a3, b2)
	aircraftNumbers(t, "five aircraft", q, tenantA, map[uuid.UUID]int32{a1.ID: 1, a2.ID: 2, a3.ID: 3})
	aircraftNumbers(t, "five aircraft", q, tenantB, map[uuid.UUID]int32{b1.ID: 1, b2.ID: 2})
	got, err := q.GetAircraftByNumber(ctx, readmodel.GetAircraftByNumberParams{TenantID: tenantA, Number: 3})
	if err != nil {
		t.Fatalf("GetAircraftByNumber(A, 3): %v", err)
	}
	sameAircraft(t, "GetAircraftByNumber(A, 3)", []readmodel.Aircraft{got}, []readmodel.Aircraft{aircraftRow(a3)})
	changed := a2
	changed.SubfleetID, changed.Status = uuid.MustParse(fleetB), "stored"
	upsertAircraft(t, q, changed)
	if got, err := q.GetAircraftByNumber(ctx, readmodel.GetAircraftByNumberParams{TenantID: tenantA, Number: 2}); err != nil || got.Status != "stored" || got.Number != 2 {
		t.Errorf("GetAircraftByNumber(A, 2) after an update = %+v, %v; want it stored, still 2", got, err)
	}
	for _, miss := range []readmodel.GetAircraftByNumberParams{{TenantID: tenantB, Number: 3}, {TenantID: tenantA, Number: 4},
		{TenantID: tenantA, Number: 0}, {TenantID: tenantA, Number: -1}, {TenantID: "", Number: 1}} {
		if _, err := q.GetAircraftByNumber(ctx, miss); domain.ErrorCode(err) != domain.ENotFound {
			t.Errorf("GetAircraftByNumber(%q, %d): %v, want not found", miss.TenantID, miss.Number, err)
		}
	}
}

func testGetAircraft(t *testing.T, q readmodel.Querier) {
	ctx := context.Background()
	a := aircraft(tenantA, "6f1c1c6e-5a55-4a7e-9d8e-111111111111", fleetA, "G-ABCD")
	b := aircraft(tenantB, "6f1c1c6e-5a55-4a7e-9d8e-222222222222", fleetB, "N123AB")
	if _, err := q.GetAircraft(ctx, readmodel.GetAircraftParams{TenantID: tenantA, ID: a.ID}); domain.ErrorCode(err) != domain.ENotFound {
		t.Fatalf("GetAircraft on an empty table: %v, want not found", err)
	}
	upsertAircraft(t, q, a, b)
	got, err := q.GetAircraft(ctx, readmodel.GetAircraftParams{TenantID: tenantA, ID: a.ID})
	if err != nil {
		t.Fatal(err)
	}
	sameAircraft(t, "GetAircraft(A, G-ABCD)", []readmodel.Aircraft{got}, []readmodel.Aircraft{aircraftRow(a)})
	for _, miss := range []readmodel.GetAircraftParams{{TenantID: tenantA, ID: b.ID}, {TenantID: tenantB, ID: a.ID}, {TenantID: "", ID: a.ID}} {
		if _, err := q.GetAircraft(ctx, miss); domain.ErrorCode(err) != domain.ENotFound {
			t.Errorf("GetAircraft(%s, %s): %v, want not found", miss.TenantID, miss.ID, err)
		}
	}
}

// ListAircraftRegistrations names the airline's aircraft among the ids
// asked for, by id, each once: none of another airline's, none unknown.
func testListAircraftRegistrations(t *testing.T, q readmodel.Querier) {
	ctx := context.Background()
	regs := func(tenant string, ids ...uuid.UUID) []readmodel.ListAircraftRegistrationsRow {
		t.Helper()
		got, err := q.ListAircraftRegistrations(ctx, readmodel.ListAircraftRegistrationsParams{TenantID: tenant, Ids: ids})
		if err != nil {
			t.Fatalf("ListAircraftRegistrations(%s, %v): %v", tenant, ids, err)
		}
		return got
	}
	zulu := aircraft(tenantA, "6f1c1c6e-5a55-4a7e-9d8e-222222222222", fleetA, "ZS-ABC")
	golf := aircraft(tenantA, "6f1c1c6e-5a55-4a7e-9d8e-111111111111", fleetB, "G-ABCD")
	other := aircraft(tenantB, "6f1c1c6e-5a55-4a7e-9d8e-333333333333", fleetA, "N123AB")
	if got := regs(tenantA, zulu.ID); len(got) != 0 {
		t.Errorf("ListAircraftRegistrations on an empty table = %v, want none", got)
	}
	upsertAircraft(t, q, zulu, golf, other)
	unknown := uuid.MustParse("6f1c1c6e-5a55-4a7e-9d8e-444444444444")
	want := []readmodel.ListAircraftRegistrationsRow{{ID: golf.ID, Registration: "G-ABCD"}, {ID: zulu.ID, Registration: "ZS-ABC"}} // by id
	if got := regs(tenantA, zulu.ID, other.ID, unknown, golf.ID, zulu.ID); !slices.Equal(got, want) {
		t.Errorf("ListAircraftRegistrations(A, zulu, B's, unknown, golf, zulu again) = %v, want %v", got, want)
	}
	if got := regs(tenantB, zulu.ID, other.ID); !slices.Equal(got, []readmodel.ListAircraftRegistrationsRow{{ID: other.ID, Registration: "N123AB"}}) {
		t.Errorf("ListAircraftRegistrations(B, zulu, other) = %v, want other alone", got)
	}
	for what, ids := range map[string][]uuid.UUID{"no ids": nil, "an empty list": {}, "only unknown": {unknown}} {
		if got := regs(tenantA, ids...); len(got) != 0 {
			t.Errorf("ListAircraftRegistrations with %s = %v, want none", what, got)
		}
	}
}

// fleetOfTwo is two subfleets of airline A and one aircraft of airline B,
// with registrations whose order depends on the collation.
func fleetOfTwo(t *testing.T, q readmodel.Querier) (inA, inB []readmodel.UpsertAircraftParams) {
	zulu := aircraft(tenantA, "6f1c1c6e-5a55-4a7e-9d8e-111111111111", fleetA, "ZS-ABC")
	lower := aircraft(tenantA, "6f1c1c6e-5a55-4a7e-9d8e-222222222222", fleetB, "d-aibl") // byte order: after upper case
	nine := aircraft(tenantA, "6f1c1c6e-5a55-4a7e-9d8e-333333333333", fleetA, "9H-AEN")
	hyphen := aircraft(tenantA, "6f1c1c6e-5a55-4a7e-9d8e-444444444444", fleetB, "G-ABCD")
	plain := aircraft(tenantA, "6f1c1c6e-5a55-4a7e-9d8e-555555555555", fleetA, "GABCD")
	other := aircraft(tenantB, "6f1c1c6e-5a55-4a7e-9d8e-666666666666", fleetA, "A-AAAA")
	upsertAircraft(t, q, zulu, lower, nine, hyphen, plain, other)
	return []readmodel.UpsertAircraftParams{nine, hyphen, plain, zulu, lower}, []readmodel.UpsertAircraftParams{other}
}

func testListAircraft(t *testing.T, q readmodel.Querier) {
	if got := listAircraft(t, q, tenantA); got != nil {
		t.Fatalf("ListAircraft on an empty table = %v, want nil", got)
	}
	inA, _ := fleetOfTwo(t, q)
	var want []readmodel.Aircraft
	for _, p := range inA {
		want = append(want, aircraftRow(p))
	}
	sameAircraft(t, "ListAircraft(A)", listAircraft(t, q, tenantA), want)
}

func testListAircraftBySubfleet(t *testing.T, q readmodel.Querier) {
	ctx := context.Background()
	byFleet := func(tenant, sf string) []readmodel.Aircraft {
		got, err := q.ListAircraftBySubfleet(ctx, readmodel.ListAircraftBySubfleetParams{TenantID: tenant, SubfleetID: uuid.MustParse(sf)})
		if err != nil {
			t.Fatal(err)
		}
		return got
	}
	if got := byFleet(tenantA, fleetA); got != nil {
		t.Fatalf("ListAircraftBySubfleet on an empty table = %v, want nil", got)
	}
	inA, inB := fleetOfTwo(t, q)
	var wantA []readmodel.Aircraft
	for _, p := range inA {
		if p.SubfleetID == uuid.MustParse(fleetA) {
			wantA = append(wantA, aircraftRow(p))
		}
	}
	sameAircraft(t, "ListAircraftBySubfleet(A, fleet A)", byFleet(tenantA, fleetA), wantA)
	// Airline B's aircraft names fleet A's id, but belongs to B.
	sameAircraft(t, "ListAircraftBySubfleet(B, fleet A)", byFleet(tenantB, fleetA), []readmodel.Aircraft{aircraftRow(inB[0])})
	if got := byFleet(tenantB, fleetB); got != nil {
		t.Errorf("ListAircraftBySubfleet(B, fleet B) = %v, want nil", got)
	}
}

func testDeleteAllAircraft(t *testing.T, q readmodel.Querier) {
	fleetOfTwo(t, q)
	if err := q.DeleteAllAircraft(context.Background()); err != nil {
		t.Fatal(err)
	}
	if got := listAircraft(t, q, tenantA); got != nil {
		t.Errorf("after DeleteAllAircraft: %v", got)
	}
	if got := listAircraft(t, q, tenantB); got != nil {
		t.Errorf("after DeleteAllAircraft: %v", got)
	}
	if _, err := q.GetAircraftByNumber(context.Background(), readmodel.GetAircraftByNumberParams{TenantID: tenantA, Number: 5}); domain.ErrorCode(err) != domain.ENotFound {
		t.Errorf("GetAircraftByNumber(A, 5) after DeleteAllAircraft: %v, want not found", err)
	}
	// Every airline's numbers start again at 1, as a rebuild from the log
	// needs.
	again := aircraft(tenantA, "6f1c1c6e-5a55-4a7e-9d8e-777777777777", fleetA, "G-NEWW")
	againB := aircraft(tenantB, "6f1c1c6e-5a55-4a7e-9d8e-888888888888", fleetA, "N-NEWW")
	upsertAircraft(t, q, again, againB)
	aircraftNumbers(t, "after DeleteAllAircraft", q, tenantA, map[uuid.UUID]int32{again.ID: 1})
	aircraftNumbers(t, "after DeleteAllAircraft", q, tenantB, map[uuid.UUID]int32{againB.ID: 1})
}
