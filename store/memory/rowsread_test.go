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

// airlineData is what fillAirline writes for one airline: the ids its
// page reads ask about.
type airlineData struct {
	tenant   string
	pilot    uuid.UUID
	subfleet uuid.UUID
}

// fillAirline writes one airline's worth of the rows its pages list: 40
// users with an API key each, 20 aircraft in 4 subfleets, 6 ranks, 30
// airports, 200 flights and 300 PIREPs by 10 pilots.
func fillAirline(tb testing.TB, m *memory.ReadModels, n int) airlineData {
	tb.Helper()
	ctx := context.Background()
	now := time.Date(2026, 1, 2, 3, 4, 5, 0, time.UTC)
	d := airlineData{tenant: fmt.Sprint("airline-", n)}
	must := func(err error) {
		if err != nil {
			tb.Fatal(err)
		}
	}
	pilots := make([]uuid.UUID, 40)
	for i := range pilots {
		pilots[i] = uuid.New()
		must(m.UpsertUser(ctx, readmodel.UpsertUserParams{TenantID: d.tenant, ID: pilots[i], Email: fmt.Sprintf("p%d@%s", i, d.tenant),
			Name: fmt.Sprint("Pilot ", 40-i), Role: "pilot", Status: "active", PilotNumber: int32(i + 1), CreatedAt: now, UpdatedAt: now}))
		must(m.UpsertAPIKey(ctx, readmodel.UpsertAPIKeyParams{TenantID: d.tenant, ID: uuid.New(), UserID: pilots[i], Name: "key",
			Prefix: "k", Hash: uuid.NewString(), CreatedAt: now}))
	}
	d.pilot = pilots[0]
	must(m.UpsertAPIKey(ctx, readmodel.UpsertAPIKeyParams{TenantID: d.tenant, ID: uuid.New(), UserID: d.pilot, Name: "second",
		Prefix: "k", Hash: uuid.NewString(), CreatedAt: now.Add(time.Hour)}))
	var subfleets []uuid.UUID
	for i := range 4 {
		id := uuid.New()
		subfleets = append(subfleets, id)
		must(m.UpsertSubfleet(ctx, readmodel.UpsertSubfleetParams{TenantID: d.tenant, ID: id, Type: fmt.Sprint("T", 4-i), Name: "sf", CreatedAt: now, UpdatedAt: now}))
	}
	d.subfleet = subfleets[0]
	aircraft := make([]uuid.UUID, 20)
	for i := range aircraft {
		aircraft[i] = uuid.New()
		must(m.UpsertAircraft(ctx, readmodel.UpsertAircraftParams{TenantID: d.tenant, ID: aircraft[i], SubfleetID: subfleets[i%4],
			Registration: fmt.Sprintf("N%03d", 20-i), Status: "active", CreatedAt: now, UpdatedAt: now}))
	}
	for i := range 6 {
		must(m.UpsertRank(ctx, readmodel.UpsertRankParams{TenantID: d.tenant, ID: uuid.New(), Name: fmt.Sprint("Rank ", i), MinMinutes: int32(600 * (6 - i)), UpdatedAt: now}))
	}
	for i := range 30 {
		icao := fmt.Sprintf("K%03d", i)
		must(m.UpsertAirport(ctx, readmodel.UpsertAirportParams{TenantID: d.tenant, Icao: icao, Name: icao, Search: icao, UpdatedAt: now}))
	}
	for i := range 200 {
		must(m.UpsertFlight(ctx, readmodel.UpsertFlightParams{TenantID: d.tenant, ID: uuid.New(), FlightNumber: fmt.Sprint(1000 + i),
			DptAirport: fmt.Sprintf("K%03d", i%30), ArrAirport: fmt.Sprintf("K%03d", (i+1)%30), DptTime: fmt.Sprintf("%02d:%02d", i%24, i%60),
			Days: 127, SubfleetIds: []string{}, SubfleetTypes: []string{"T1"}, Active: true, CreatedAt: now, UpdatedAt: now}))
	}
	states := []string{"pending", "accepted", "rejected"}
	for i := range 300 {
		t := now.Add(time.Duration(i) * time.Minute)
		must(m.UpsertPirep(ctx, readmodel.UpsertPirepParams{TenantID: d.tenant, ID: uuid.New(), PilotID: pilots[i%10], State: states[i%3],
			FlightNumber: fmt.Sprint(1000 + i%200), DptAirport: "K000", ArrAirport: "K001", AircraftID: aircraft[i%20],
			BlockOff: t, BlockOn: t.Add(time.Hour), FlightTime: 60, FiledAt: t, QueuedAt: t, UpdatedAt: t}))
	}
	return d
}

// pageReads are the list reads the pages of one airline make.
func pageReads(d airlineData) map[string]func(ctx context.Context, m *memory.ReadModels) (int, error) {
	from, to := time.Date(1000, 1, 1, 0, 0, 0, 0, time.UTC), time.Date(3000, 1, 1, 0, 0, 0, 0, time.UTC)
	list := readmodel.ListPirepsByAirlineParams{TenantID: d.tenant, FromTime: from, ToTime: to, RowLimit: 25}
	count := func(n int, err error) (int, error) { return n, err }
	return map[string]func(context.Context, *memory.ReadModels) (int, error){
		"users": func(ctx context.Context, m *memory.ReadModels) (int, error) {
			r, err := m.ListUsersByTenant(ctx, d.tenant)
			return count(len(r), err)
		},
		"api keys": func(ctx context.Context, m *memory.ReadModels) (int, error) {
			r, err := m.ListAPIKeysByUser(ctx, readmodel.ListAPIKeysByUserParams{TenantID: d.tenant, UserID: d.pilot})
			return count(len(r), err)
		},
		"aircraft": func(ctx context.Context, m *memory.ReadModels) (int, error) {
			r, err := m.ListAircraft(ctx, d.tenant)
			return count(len(r), err)
		},
		"aircraft of a subfleet": func(ctx context.Context, m *memory.ReadModels) (int, error) {
			r, err := m.ListAircraftBySubfleet(ctx, readmodel.ListAircraftBySubfleetParams{TenantID: d.tenant, SubfleetID: d.subfleet})
			return count(len(r), err)
		},
		"subfleets": func(ctx context.Context, m *memory.ReadModels) (int, error) {
			r, err := m.ListSubfleets(ctx, d.tenant)
			return count(len(r), err)
		},
		"ranks": func(ctx context.Context, m *memory.ReadModels) (int, error) {
			r, err := m.ListRanks(ctx, d.tenant)
			return count(len(r), err)
		},
		"airports": func(ctx context.Context, m *memory.ReadModels) (int, error) {
			r, err := m.ListAirports(ctx, d.tenant)
			return count(len(r), err)
		},
		"flight search": func(ctx context.Context, m *memory.ReadModels) (int, error) {
			r, err := m.SearchFlights(ctx, readmodel.SearchFlightsParams{TenantID: d.tenant, PageSize: 50})
			return count(len(r), err)
		},
		"flight search from": func(ctx context.Context, m *memory.ReadModels) (int, error) {
			r, err := m.SearchFlightsFrom(ctx, readmodel.SearchFlightsFromParams{TenantID: d.tenant, DptAirport: "K003", PageSize: 50})
			return count(len(r), err)
		},
		"pilot's PIREPs": func(ctx context.Context, m *memory.ReadModels) (int, error) {
			r, err := m.ListPirepsByPilot(ctx, readmodel.ListPirepsByPilotParams{TenantID: d.tenant, PilotID: d.pilot, Limit: 5})
			return count(len(r), err)
		},
		"airline's PIREPs": func(ctx context.Context, m *memory.ReadModels) (int, error) {
			r, err := m.ListPirepsByAirline(ctx, list)
			return count(len(r), err)
		},
		"airline's PIREPs, oldest": func(ctx context.Context, m *memory.ReadModels) (int, error) {
			r, err := m.ListPirepsByAirlineOldest(ctx, readmodel.ListPirepsByAirlineOldestParams(list))
			return count(len(r), err)
		},
		"airline's pending PIREPs": func(ctx context.Context, m *memory.ReadModels) (int, error) {
			l := list
			l.State = "pending"
			r, err := m.ListPirepsByAirline(ctx, l)
			return count(len(r), err)
		},
		"a pilot's PIREPs in the staff list": func(ctx context.Context, m *memory.ReadModels) (int, error) {
			l := list
			l.PilotID = d.pilot
			r, err := m.ListPirepsByAirline(ctx, l)
			return count(len(r), err)
		},
	}
}

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
		// kept among the pilot's only) may skip some.
		if name != "a pilot's PIREPs in the staff list" && alone[name] != aloneRows[name] {
			t.Errorf("%s: visited %d rows to return %d", name, alone[name], aloneRows[name])
		}
		if among[name] != alone[name] {
			t.Errorf("%s: visited %d rows among 51 airlines, %d alone (returned %d)", name, among[name], alone[name], aloneRows[name])
		}
		t.Logf("%-36s %4d rows, %4d visited alone, %5d among 51 airlines", name, aloneRows[name], alone[name], among[name])
	}
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
		out["rows"] = fmt.Sprint(users, aircraft, ranks, pireps, flights, keys)
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
