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

// The membership queries: an airline by id and an airline's people, which
// never show a person of another airline.

const (
	tenantA = "6f1c1c6e-5a55-4a7e-9d8e-aaaaaaaaaaaa"
	tenantB = "6f1c1c6e-5a55-4a7e-9d8e-bbbbbbbbbbbb"
)

func testGetAirline(t *testing.T, q readmodel.Querier) {
	ctx := context.Background()
	a := airline("0b6f6c1e-2d0a-4c55-8a51-0e0a5c1b2f31", "Speedbird", "speedbird")
	if _, err := q.GetAirline(ctx, a.ID); domain.ErrorCode(err) != domain.ENotFound {
		t.Fatalf("GetAirline on an empty table: err = %v, want not found", err)
	}
	b := airline("0b6f6c1e-2d0a-4c55-8a51-0e0a5c1b2f32", "Kestrel", "kestrel")
	b.Suspended, b.Registration, b.PilotIDPrefix = false, "closed", "KES"
	upsert(t, q, a, b)
	for _, want := range []readmodel.UpsertAirlineParams{a, b} {
		got, err := q.GetAirline(ctx, want.ID)
		if err != nil {
			t.Fatalf("GetAirline(%s): %v", want.Slug, err)
		}
		sameAirlines(t, "GetAirline("+want.Slug+")", []readmodel.Airline{got}, []readmodel.Airline{row(want)})
	}
	if _, err := q.GetAirline(ctx, uuid.Nil); domain.ErrorCode(err) != domain.ENotFound {
		t.Errorf("GetAirline(nil uuid): err = %v, want not found", err)
	}
}

func testGetTenantUser(t *testing.T, q readmodel.Querier) {
	ctx := context.Background()
	a := user("6f1c1c6e-5a55-4a7e-9d8e-111111111111", tenantA, "ana@example.com")
	b := user("6f1c1c6e-5a55-4a7e-9d8e-222222222222", tenantB, "bo@example.com")
	admin := user("6f1c1c6e-5a55-4a7e-9d8e-333333333333", "", "admin")
	upsertUsers(t, q, a, b, admin)
	got, err := q.GetTenantUser(ctx, readmodel.GetTenantUserParams{TenantID: tenantA, ID: a.ID})
	if err != nil {
		t.Fatalf("GetTenantUser(A, ana): %v", err)
	}
	sameUser(t, "GetTenantUser(A, ana)", got, userRow(a))
	for _, miss := range []readmodel.GetTenantUserParams{
		{TenantID: tenantA, ID: b.ID},     // a person of another airline
		{TenantID: tenantB, ID: a.ID},     // the other way round
		{TenantID: "", ID: a.ID},          // no tenant is not every tenant
		{TenantID: tenantA, ID: admin.ID}, // a platform admin belongs to no airline
	} {
		if _, err := q.GetTenantUser(ctx, miss); domain.ErrorCode(err) != domain.ENotFound {
			t.Errorf("GetTenantUser(%s, %s): err = %v, want not found", miss.TenantID, miss.ID, err)
		}
	}
}

// ListUserNames names the airline's people among the ids asked for, by id,
// each once: no one of another airline, no platform admin, no one unknown.
func testListUserNames(t *testing.T, q readmodel.Querier) {
	ctx := context.Background()
	names := func(tenant string, ids ...uuid.UUID) []readmodel.ListUserNamesRow {
		t.Helper()
		got, err := q.ListUserNames(ctx, readmodel.ListUserNamesParams{TenantID: tenant, Ids: ids})
		if err != nil {
			t.Fatalf("ListUserNames(%s, %v): %v", tenant, ids, err)
		}
		return got
	}
	zed := user("6f1c1c6e-5a55-4a7e-9d8e-111111111111", tenantA, "zed@example.com")
	zed.Name = "Zed"
	ana := user("6f1c1c6e-5a55-4a7e-9d8e-222222222222", tenantA, "ana@example.com")
	ana.Name = "Ana"
	if got := names(tenantA, zed.ID); len(got) != 0 {
		t.Errorf("ListUserNames on an empty table = %v, want none", got)
	}
	other := user("6f1c1c6e-5a55-4a7e-9d8e-333333333333", tenantB, "other@example.com")
	other.Name = "Other"
	admin := user("6f1c1c6e-5a55-4a7e-9d8e-444444444444", "", "admin")
	upsertUsers(t, q, zed, ana, other, admin)
	unknown := uuid.MustParse("6f1c1c6e-5a55-4a7e-9d8e-555555555555")
	got := names(tenantA, ana.ID, other.ID, zed.ID, unknown, ana.ID, admin.ID)
	want := []readmodel.ListUserNamesRow{{ID: zed.ID, Name: "Zed", PilotID: zed.PilotID}, {ID: ana.ID, Name: "Ana", PilotID: ana.PilotID}} // by id
	if !slices.Equal(got, want) {
		t.Errorf("ListUserNames(A, ana, B's, zed, unknown, ana again, admin) = %v, want %v", got, want)
	}
	if got := names(tenantB, zed.ID, other.ID); !slices.Equal(got, []readmodel.ListUserNamesRow{{ID: other.ID, Name: "Other", PilotID: other.PilotID}}) {
		t.Errorf("ListUserNames(B, zed, other) = %v, want other alone", got)
	}
	for what, ids := range map[string][]uuid.UUID{"no ids": nil, "an empty list": {}, "only unknown": {unknown}} {
		if got := names(tenantA, ids...); len(got) != 0 {
			t.Errorf("ListUserNames with %s = %v, want none", what, got)
		}
	}
}

// GetUserWithAirline is GetUser with the person's airline beside it, the
// airline's fields zero for a platform admin and for an airline not (yet)
// in the read model.
func testGetUserWithAirline(t *testing.T, q readmodel.Querier) {
	ctx := context.Background()
	if _, err := q.GetUserWithAirline(ctx, uuid.New()); domain.ErrorCode(err) != domain.ENotFound {
		t.Fatalf("GetUserWithAirline of no one: err = %v, want not found", err)
	}
	a := airline(tenantA, "Speedbird", "speedbird")
	// Another airline first, so the pilot's is number 2.
	upsert(t, q, airline("6f1c1c6e-5a55-4a7e-9d8e-cccccccccccc", "First", "first"), a)
	pilot := user("6f1c1c6e-5a55-4a7e-9d8e-111111111111", tenantA, "pilot@example.com")
	admin := user("6f1c1c6e-5a55-4a7e-9d8e-222222222222", "", "admin@example.com")
	orphan := user("6f1c1c6e-5a55-4a7e-9d8e-333333333333", tenantB, "orphan@example.com") // B is not in the read model
	upsertUsers(t, q, pilot, admin, orphan)
	got, err := q.GetUserWithAirline(ctx, pilot.ID)
	if err != nil {
		t.Fatal(err)
	}
	sameUser(t, "GetUserWithAirline(pilot).User", got.User, userRow(pilot))
	gotAirline := readmodel.Airline{ID: got.AirlineID, Name: got.AirlineName, Icao: got.AirlineIcao, Iata: got.AirlineIata, Slug: got.AirlineSlug,
		CreatedAt: got.AirlineCreatedAt, PilotIDPrefix: got.AirlinePilotIDPrefix, Registration: got.AirlineRegistration, Suspended: got.AirlineSuspended}
	sameAirlines(t, "GetUserWithAirline(pilot) airline", []readmodel.Airline{gotAirline}, []readmodel.Airline{row(a)})
	if got.AirlineNumber != 2 {
		t.Errorf("GetUserWithAirline(pilot) airline number = %d, want 2", got.AirlineNumber)
	}
	for name, p := range map[string]readmodel.UpsertUserParams{"platform admin": admin, "airline not in the read model": orphan} {
		got, err := q.GetUserWithAirline(ctx, p.ID)
		if err != nil {
			t.Fatal(err)
		}
		sameUser(t, "GetUserWithAirline("+name+").User", got.User, userRow(p))
		if got.AirlineID != uuid.Nil || got.AirlineName != "" || got.AirlineSuspended || !got.AirlineCreatedAt.Equal(time.Unix(0, 0)) || got.AirlineNumber != 0 {
			t.Errorf("GetUserWithAirline(%s) airline = %v %q suspended %v created %v number %d, want zero values (created at the epoch)",
				name, got.AirlineID, got.AirlineName, got.AirlineSuspended, got.AirlineCreatedAt, got.AirlineNumber)
		}
	}
}

// SearchMembers finds an airline's admitted pilots by the start of their
// pilot id or any part of their name, ignoring case, exact matches first,
// never another airline's nor staff without a pilot id, at most the number
// asked for.
func testSearchMembers(t *testing.T, q readmodel.Querier) {
	ctx := context.Background()
	person := func(id, tenant, name, pilotID, status string) readmodel.UpsertUserParams {
		p := user(id, tenant, id[len(id)-4:]+"@example.com")
		p.Name, p.PilotID, p.Status = name, pilotID, status
		return p
	}
	ana := person("6f1c1c6e-5a55-4a7e-9d8e-000000000001", tenantA, "Ana Lima", "SPB0042", "active")
	anabel := person("6f1c1c6e-5a55-4a7e-9d8e-000000000002", tenantA, "Anabel Costa", "SPB0420", "active")
	joana := person("6f1c1c6e-5a55-4a7e-9d8e-000000000003", tenantA, "Joana Anastácio", "SPB0007", "suspended")
	pending := person("6f1c1c6e-5a55-4a7e-9d8e-000000000004", tenantA, "Ana Pending", "", "pending")
	other := person("6f1c1c6e-5a55-4a7e-9d8e-000000000005", tenantB, "Ana Other", "SPB0042", "active")
	exact := person("6f1c1c6e-5a55-4a7e-9d8e-000000000006", tenantA, "ana", "XYZ0001", "active")
	staff := person("6f1c1c6e-5a55-4a7e-9d8e-000000000007", tenantA, "Ana Staff", "", "active")
	upsertUsers(t, q, ana, anabel, joana, pending, other, exact, staff)
	search := func(query string, max int32) []string {
		t.Helper()
		rows, err := q.SearchMembers(ctx, readmodel.SearchMembersParams{TenantID: tenantA, Query: query, MaxRows: max})
		if err != nil {
			t.Fatalf("SearchMembers(%q): %v", query, err)
		}
		var names []string
		for _, r := range rows {
			names = append(names, r.Name)
		}
		return names
	}
	for _, c := range []struct {
		query string
		max   int32
		want  []string
	}{
		{"ana", 10, []string{"ana", "Ana Lima", "Anabel Costa", "Joana Anastácio"}}, // the exact name first, then by name (bytes)
		{"spb004", 10, []string{"Ana Lima"}},
		{"SPB0420", 10, []string{"Anabel Costa"}},
		{"spb0", 10, []string{"Ana Lima", "Anabel Costa", "Joana Anastácio"}},
		{"spb0", 2, []string{"Ana Lima", "Anabel Costa"}},
		{"costa", 10, []string{"Anabel Costa"}},
		{"nobody", 10, nil},
		{"Pending", 10, nil}, // never admitted
		{"Other", 10, nil},   // another airline's
		{"Staff", 10, nil},   // no pilot id: files no PIREPs
	} {
		if got := search(c.query, c.max); !slices.Equal(got, c.want) {
			t.Errorf("SearchMembers(%q, %d) = %q, want %q", c.query, c.max, got, c.want)
		}
	}
	if got := search("SPB0042", 10); len(got) == 0 || got[0] != "Ana Lima" {
		t.Errorf("SearchMembers(her pilot id) = %q, want Ana Lima first", got)
	}
}

// ListSignInStates gives each person asked for once, by id, with what a
// live stream's recheck needs, their airline's suspension included; a
// platform admin has no airline, an unknown id no row.
func testListSignInStates(t *testing.T, q readmodel.Querier) {
	ctx := context.Background()
	open := airline(tenantA, "Speedbird", "speedbird")
	open.Suspended = false
	shut := airline(tenantB, "Kestrel", "kestrel")
	shut.Suspended = true
	upsert(t, q, open, shut)
	zed := user("6f1c1c6e-5a55-4a7e-9d8e-111111111111", tenantA, "zed@example.com")
	zed.Status, zed.StatusReason = "active", ""
	ana := user("6f1c1c6e-5a55-4a7e-9d8e-222222222222", tenantA, "ana@example.com") // suspended herself
	other := user("6f1c1c6e-5a55-4a7e-9d8e-333333333333", tenantB, "other@example.com")
	other.Status, other.Role, other.PasswordHash = "active", "airline_admin", "other-hash"
	admin := user("6f1c1c6e-5a55-4a7e-9d8e-444444444444", "", "admin")
	admin.Status, admin.Role = "active", "platform_admin"
	if got, err := q.ListSignInStates(ctx, []uuid.UUID{zed.ID}); err != nil || len(got) != 0 {
		t.Fatalf("ListSignInStates on no users = %v, %v; want none", got, err)
	}
	upsertUsers(t, q, zed, ana, other, admin)
	unknown := uuid.MustParse("6f1c1c6e-5a55-4a7e-9d8e-555555555555")
	got, err := q.ListSignInStates(ctx, []uuid.UUID{other.ID, admin.ID, unknown, zed.ID, ana.ID, zed.ID})
	if err != nil {
		t.Fatal(err)
	}
	state := func(p readmodel.UpsertUserParams, suspended bool) readmodel.ListSignInStatesRow {
		return readmodel.ListSignInStatesRow{ID: p.ID, Role: p.Role, PasswordHash: p.PasswordHash, Status: p.Status, StatusReason: p.StatusReason, AirlineSuspended: suspended}
	}
	want := []readmodel.ListSignInStatesRow{state(zed, false), state(ana, false), state(other, true), state(admin, false)} // by id
	if !slices.Equal(got, want) {
		t.Errorf("ListSignInStates = %+v\nwant %+v", got, want)
	}
	if got, err := q.ListSignInStates(ctx, nil); err != nil || len(got) != 0 {
		t.Errorf("ListSignInStates(no ids) = %v, %v; want none", got, err)
	}
}

func testListUsersByTenant(t *testing.T, q readmodel.Querier) {
	ctx := context.Background()
	if got, err := q.ListUsersByTenant(ctx, tenantA); err != nil || got != nil {
		t.Fatalf("ListUsersByTenant on an empty table = %v, %v; want nil, nil", got, err)
	}
	zed := user("6f1c1c6e-5a55-4a7e-9d8e-111111111111", tenantA, "zed@example.com")
	zed.Name = "Zed"
	ana := user("6f1c1c6e-5a55-4a7e-9d8e-222222222222", tenantA, "ana@example.com")
	ana.Name = "Ana"
	lower := user("6f1c1c6e-5a55-4a7e-9d8e-333333333333", tenantA, "lower@example.com")
	lower.Name = "ana" // byte order: upper case first
	other := user("6f1c1c6e-5a55-4a7e-9d8e-444444444444", tenantB, "other@example.com")
	other.Name = "Aaron"
	upsertUsers(t, q, zed, ana, lower, other)
	got, err := q.ListUsersByTenant(ctx, tenantA)
	if err != nil {
		t.Fatal(err)
	}
	want := []readmodel.User{userRow(ana), userRow(zed), userRow(lower)}
	if len(got) != len(want) {
		t.Fatalf("ListUsersByTenant(A) = %d rows, want %d (no one of airline B)", len(got), len(want))
	}
	for i := range want {
		sameUser(t, "ListUsersByTenant(A)", got[i], want[i])
	}
}
