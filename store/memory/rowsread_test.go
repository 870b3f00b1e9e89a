package memory_test

import (
	"context"
	"fmt"
	"testing"
	"time"

	"github.com/google/uuid"

	"github.com/albatross-va/albatross/store/memory"
	"github.com/albatross-va/albatross/store/readmodel"
)

// TestPageReadsDoNotGrowWithOtherAirlines reads every list one airline's
// pages show, then puts 50 more airlines' worth of the same rows beside
// it: each read must visit exactly as many rows as before, so a page
// costs its own airline's rows, not the platform's.
func TestPageReadsDoNotGrowWithOtherAirlines(t *testing.T) {
	ctx := context.Background()
	m := memory.New()
	d := fillAirline(t, m, 0)
	reads := pageReads(d)
	measure := func() (visits, rows map[string]int64) {
		visits, rows = map[string]int64{}, map[string]int64{}
		for name, read := range reads {
			before := m.RowsRead()
			n, err := read(ctx, m)
			if err != nil {
				t.Fatalf("%s: %v", name, err)
			}
			visits[name], rows[name] = m.RowsRead()-before, int64(n)
		}
		return visits, rows
	}
	alone, aloneRows := measure()
	for n := 1; n <= 50; n++ {
		fillAirline(t, m, n)
	}
	among, amongRows := measure()
	for name := range reads {
		if aloneRows[name] == 0 {
			t.Errorf("%s: no rows; the test reads nothing", name)
		}
		if amongRows[name] != aloneRows[name] {
			t.Errorf("%s: %d rows among 51 airlines, %d alone", name, amongRows[name], aloneRows[name])
		}
		// A list kept in its order reads its page's rows and no more; a
		// filter the order does not serve (a pilot's rows in the staff list,
		// kept among the pilot's only) may skip some, and a later page by
		// offset walks the pages before it, as PostgreSQL's OFFSET does.
		if !readsMoreThanItShows[name] && alone[name] != aloneRows[name] {
			t.Errorf("%s: visited %d rows to return %d", name, alone[name], aloneRows[name])
		}
		if among[name] != alone[name] {
			t.Errorf("%s: visited %d rows among 51 airlines, %d alone (returned %d)", name, among[name], alone[name], aloneRows[name])
		}
		t.Logf("%-36s %4d rows, %4d visited alone, %5d among 51 airlines", name, aloneRows[name], alone[name], among[name])
	}
}

// readsMoreThanItShows are the page reads that may visit rows they do not
// return: those rows are still the airline's own.
var readsMoreThanItShows = map[string]bool{
	"a pilot's PIREPs in the staff list": true,
	"review queue, page 3":               true, // its 50 before and its 25
}

// A failed batch that changes every ordered list leaves each as it was:
// the undo log puts the rows back in their orders, not only in the tables.
func TestFailedBatchLeavesListsAsTheyWere(t *testing.T) {
	ctx := context.Background()
	m := memory.New()
	d := fillAirline(t, m, 0)
	reads := pageReads(d)
	snapshot := func() map[string]string {
		out := map[string]string{}
		for name, read := range reads {
			n, err := read(ctx, m)
			out[name] = fmt.Sprint(n, err)
		}
		// The rows themselves, in order, of the lists that rename sorts.
		users, _ := m.ListUsersByTenant(ctx, d.tenant)
		aircraft, _ := m.ListAircraft(ctx, d.tenant)
		ranks, _ := m.ListRanks(ctx, d.tenant)
		pireps, _ := m.ListPirepsByPilot(ctx, readmodel.ListPirepsByPilotParams{TenantID: d.tenant, PilotID: d.pilot, Limit: 100})
		flights, _ := m.SearchFlights(ctx, readmodel.SearchFlightsParams{TenantID: d.tenant, PageSize: 1000})
		keys, _ := m.ListAPIKeysByUser(ctx, readmodel.ListAPIKeysByUserParams{TenantID: d.tenant, UserID: d.pilot})
		queue, _ := m.ListPendingPireps(ctx, readmodel.ListPendingPirepsParams{TenantID: d.tenant, Limit: 1000})
		totals, _ := m.ListAircraftPirepTotals(ctx, d.tenant)
		out["rows"] = fmt.Sprint(users, aircraft, ranks, pireps, flights, keys, queue, totals)
		return out
	}
	before := snapshot()
	now := time.Date(2027, 1, 1, 0, 0, 0, 0, time.UTC)
	errFail := fmt.Errorf("the batch fails")
	_, err := m.Batch(ctx, "all", func(q readmodel.Querier) error {
		users, _ := q.ListUsersByTenant(ctx, d.tenant)
		u := users[0]
		must := func(err error) {
			if err != nil {
				t.Fatal(err)
			}
		}
		must(q.UpsertUser(ctx, readmodel.UpsertUserParams{TenantID: d.tenant, ID: u.ID, Email: u.Email, Name: "Zed", Role: u.Role, Status: u.Status,
			CreatedAt: now, UpdatedAt: now}))
		must(q.UpsertUser(ctx, readmodel.UpsertUserParams{TenantID: d.tenant, ID: uuid.New(), Email: "new@x", Name: "Aaron", Role: "pilot", CreatedAt: now, UpdatedAt: now}))
		must(q.SetUserPassword(ctx, readmodel.SetUserPasswordParams{ID: users[1].ID, PasswordHash: "h", UpdatedAt: now}))
		aircraft, _ := q.ListAircraft(ctx, d.tenant)
		a := aircraft[0]
		must(q.UpsertAircraft(ctx, readmodel.UpsertAircraftParams{TenantID: d.tenant, ID: a.ID, SubfleetID: uuid.New(), Registration: "ZZZ", CreatedAt: now, UpdatedAt: now}))
		ranks, _ := q.ListRanks(ctx, d.tenant)
		r := ranks[0]
		must(q.UpsertRank(ctx, readmodel.UpsertRankParams{TenantID: d.tenant, ID: r.ID, Name: r.Name, MinMinutes: 99999, UpdatedAt: now}))
		pireps, _ := q.ListPirepsByPilot(ctx, readmodel.ListPirepsByPilotParams{TenantID: d.tenant, PilotID: d.pilot, Limit: 1})
		p := pireps[0]
		must(q.UpsertPirep(ctx, readmodel.UpsertPirepParams{TenantID: d.tenant, ID: p.ID, PilotID: p.PilotID, State: "accepted",
			AircraftID: p.AircraftID, BlockOff: p.BlockOff, BlockOn: p.BlockOn, FiledAt: time.Date(2000, 1, 1, 0, 0, 0, 0, time.UTC),
			QueuedAt: p.QueuedAt, UpdatedAt: now}))
		flights, _ := q.SearchFlights(ctx, readmodel.SearchFlightsParams{TenantID: d.tenant, PageSize: 1})
		f := flights[0]
		must(q.UpsertFlight(ctx, readmodel.UpsertFlightParams{TenantID: d.tenant, ID: f.ID, FlightNumber: f.FlightNumber, DptAirport: "K029",
			ArrAirport: "K000", DptTime: "23:59", Days: 127, SubfleetIds: []string{}, SubfleetTypes: []string{}, Active: true, CreatedAt: now, UpdatedAt: now}))
		keys, _ := q.ListAPIKeysByUser(ctx, readmodel.ListAPIKeysByUserParams{TenantID: d.tenant, UserID: d.pilot})
		must(q.RevokeAPIKey(ctx, readmodel.RevokeAPIKeyParams{ID: keys[0].ID, RevokedAt: now}))
		must(q.UpsertAPIKey(ctx, readmodel.UpsertAPIKeyParams{TenantID: d.tenant, ID: uuid.New(), UserID: d.pilot, Hash: "new", CreatedAt: now}))
		must(q.UpsertAirport(ctx, readmodel.UpsertAirportParams{TenantID: d.tenant, Icao: "AAAA", Search: "AAAA", UpdatedAt: now}))
		queue, _ := q.ListPendingPireps(ctx, readmodel.ListPendingPirepsParams{TenantID: d.tenant, Limit: 2})
		first, second := queue[0], queue[1]
		must(q.UpsertPirep(ctx, readmodel.UpsertPirepParams{TenantID: d.tenant, ID: first.ID, PilotID: first.PilotID, State: "accepted",
			AircraftID: first.AircraftID, BlockOff: first.BlockOff, BlockOn: first.BlockOn, FiledAt: first.FiledAt, QueuedAt: first.QueuedAt, UpdatedAt: now}))
		must(q.UpsertPirep(ctx, readmodel.UpsertPirepParams{TenantID: d.tenant, ID: second.ID, PilotID: second.PilotID, State: "pending",
			AircraftID: second.AircraftID, BlockOff: second.BlockOff, BlockOn: second.BlockOn, FiledAt: second.FiledAt, QueuedAt: now, UpdatedAt: now}))
		must(q.AddPirepToAircraftTotals(ctx, readmodel.AddPirepToAircraftTotalsParams{TenantID: d.tenant, AircraftID: first.AircraftID,
			FlightTime: 60, ArrAirport: "KZZZ", BlockOn: now, PirepID: first.ID}))
		must(q.AddPirepToAircraftTotals(ctx, readmodel.AddPirepToAircraftTotalsParams{TenantID: d.tenant, AircraftID: uuid.New(),
			FlightTime: 60, ArrAirport: "KZZZ", BlockOn: now, PirepID: first.ID}))
		must(q.DeleteAllAircraftPirepTotals(ctx))
		must(q.AddPirepToAircraftTotals(ctx, readmodel.AddPirepToAircraftTotalsParams{TenantID: d.tenant, AircraftID: uuid.New(),
			FlightTime: 60, ArrAirport: "KZZZ", BlockOn: now, PirepID: first.ID}))
		must(q.DeleteAllRanks(ctx))
		must(q.DeleteAllSubfleets(ctx))
		return errFail
	})
	if err != errFail {
		t.Fatalf("Batch = %v, want its error", err)
	}
	after := snapshot()
	for name, want := range before {
		if after[name] != want {
			t.Errorf("%s after a failed batch:\n got %s\nwant %s", name, after[name], want)
		}
	}
}
