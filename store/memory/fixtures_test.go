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
	// Each aircraft's totals, as the projection adds an accepted PIREP.
	for i, a := range aircraft {
		t := now.Add(time.Duration(i) * time.Minute)
		must(m.AddPirepToAircraftTotals(ctx, readmodel.AddPirepToAircraftTotalsParams{TenantID: d.tenant, AircraftID: a, FlightTime: 60,
			ArrAirport: "K001", BlockOn: t, PirepID: uuid.New()}))
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
		"review queue": func(ctx context.Context, m *memory.ReadModels) (int, error) {
			r, err := m.ListPendingPireps(ctx, readmodel.ListPendingPirepsParams{TenantID: d.tenant, Limit: 25})
			return count(len(r), err)
		},
		"review queue, page 3": func(ctx context.Context, m *memory.ReadModels) (int, error) {
			r, err := m.ListPendingPireps(ctx, readmodel.ListPendingPirepsParams{TenantID: d.tenant, Limit: 25, Offset: 50})
			return count(len(r), err)
		},
		"aircraft totals": func(ctx context.Context, m *memory.ReadModels) (int, error) {
			r, err := m.ListAircraftPirepTotals(ctx, d.tenant)
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
