package readmodeltest

import (
	"context"
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
	"ListSubfleets":             testListSubfleets,
	"DeleteAllSubfleets":        testDeleteAllSubfleets,
	"UpsertAircraft":            testUpsertAircraft,
	"GetAircraft":               testGetAircraft,
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
	bad := first
	bad.Name = "bad\x00name"
	// Text the log holds is stored, so its event always applies.
	if err := q.UpsertSubfleet(context.Background(), bad); err != nil {
		t.Fatalf("UpsertSubfleet with a NUL in the name: %v", err)
	}
	if got := listSubfleets(t, q, tenantA); len(got) != 1 || !storedText(got[0].Name, bad.Name) {
		t.Errorf("after a NUL in the name: %+v, want the name %q stored", got, bad.Name)
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
	bad := first
	bad.Registration = "\xff"
	if err := q.UpsertAircraft(context.Background(), bad); err != nil {
		t.Fatalf("UpsertAircraft with invalid UTF-8: %v", err)
	}
	if got := listAircraft(t, q, tenantA); len(got) != 1 || !storedText(got[0].Registration, bad.Registration) {
		t.Errorf("after invalid UTF-8 in the registration: %+v, want %q stored", got, bad.Registration)
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
}
