package readmodeltest

import (
	"context"
	"testing"

	"github.com/albatross-va/albatross/store/readmodel"
)

// airlineSetupCases are the suite's cases of queries/airline_setup.sql: the
// counts of an airline admin's home.
var airlineSetupCases = map[string]func(t *testing.T, q readmodel.Querier){
	"ReadAirlineSetup": testReadAirlineSetup,
}

// testReadAirlineSetup ticks each first step off as its first row is
// written, counts only pending people as waiting, and never counts another
// airline's rows.
func testReadAirlineSetup(t *testing.T, q readmodel.Querier) {
	ctx := context.Background()
	read := func(tenant string) readmodel.ReadAirlineSetupRow {
		t.Helper()
		got, err := q.ReadAirlineSetup(ctx, tenant)
		if err != nil {
			t.Fatalf("ReadAirlineSetup: %v", err)
		}
		return got
	}
	if got := read(tenantA); got != (readmodel.ReadAirlineSetupRow{}) {
		t.Fatalf("a new airline: %+v, want nothing done and nothing waiting", got)
	}
	// Everything in the other airline: none of it is A's.
	admin := user("6f1c1c6e-5a55-4a7e-9d8e-0000000000a1", tenantB, "admin@b.example")
	admin.Role, admin.Status = "airline_admin", "active"
	pending := user("6f1c1c6e-5a55-4a7e-9d8e-0000000000a2", tenantB, "new@b.example")
	pending.Status = "pending"
	upsertUsers(t, q, admin, pending)
	steps := []func(tenant string, n int) error{
		func(tenant string, _ int) error {
			return q.UpsertAirport(ctx, airportParams(tenant, "EGLL", "LHR", "Heathrow", "London"))
		},
		func(tenant string, n int) error {
			return q.UpsertSubfleet(ctx, subfleet(tenant, "6f1c1c6e-5a55-4a7e-9d8e-00000000c0"+string(rune('0'+n))+"1", "A320-"+tenant[:4]))
		},
		func(tenant string, n int) error {
			return q.UpsertAircraft(ctx, aircraft(tenant, "6f1c1c6e-5a55-4a7e-9d8e-00000000c0"+string(rune('0'+n))+"2",
				"6f1c1c6e-5a55-4a7e-9d8e-00000000c0"+string(rune('0'+n))+"1", "G-EU"+string(rune('A'+n))+"A"))
		},
		func(tenant string, n int) error {
			return q.UpsertFlight(ctx, flight(tenant, 900+n, "100", "", 0, "EGLL", "LFPG", "08:00"))
		},
		func(tenant string, n int) error {
			return q.UpsertRank(ctx, rank(tenant, "6f1c1c6e-5a55-4a7e-9d8e-00000000c0"+string(rune('0'+n))+"5", "Cadet", 0))
		},
	}
	for _, step := range steps {
		if err := step(tenantB, 1); err != nil {
			t.Fatalf("airline B: %v", err)
		}
	}
	if got := read(tenantA); got != (readmodel.ReadAirlineSetupRow{}) {
		t.Fatalf("airline A after B's setup: %+v, want nothing of B's", got)
	}
	b := read(tenantB)
	if want := (readmodel.ReadAirlineSetupRow{PendingRegistrations: 1, HasAirport: true, HasSubfleet: true, HasAircraft: true,
		HasFlight: true, HasRank: true, HasPilot: true}); b != want {
		t.Fatalf("airline B: %+v, want %+v", b, want)
	}
	// A's steps, one at a time: each ticks its own item only.
	want := readmodel.ReadAirlineSetupRow{}
	ticks := []func(){
		func() { want.HasAirport = true }, func() { want.HasSubfleet = true }, func() { want.HasAircraft = true },
		func() { want.HasFlight = true }, func() { want.HasRank = true },
	}
	for i, step := range steps {
		if err := step(tenantA, 2); err != nil {
			t.Fatalf("airline A step %d: %v", i, err)
		}
		ticks[i]()
		if got := read(tenantA); got != want {
			t.Fatalf("airline A after step %d: %+v, want %+v", i, got, want)
		}
	}
	pilot := user("6f1c1c6e-5a55-4a7e-9d8e-0000000000a3", tenantA, "p@a.example")
	pilot.Status = "active"
	upsertUsers(t, q, pilot)
	want.HasPilot = true
	if got := read(tenantA); got != want {
		t.Fatalf("airline A with an active pilot: %+v, want %+v", got, want)
	}
	pilot.Status = "pending"
	upsertUsers(t, q, pilot)
	want.PendingRegistrations = 1
	if got := read(tenantA); got != want {
		t.Fatalf("airline A with a pending pilot: %+v, want %+v", got, want)
	}
}
