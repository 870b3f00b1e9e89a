package main

import (
	"context"
	"fmt"
	"log/slog"
	"math/rand/v2"
	"os"
	"path/filepath"
	"slices"
	"time"

	"github.com/jackc/pgx/v5/pgxpool"

	"github.com/albatross-va/albatross/domain"
	"github.com/albatross-va/albatross/domain/events"
	"github.com/albatross-va/albatross/store/memory"
	"github.com/albatross-va/albatross/store/postgres"
	"github.com/albatross-va/albatross/store/projector"
	"github.com/albatross-va/albatross/store/readmodel"
	"github.com/albatross-va/albatross/store/sqlite"
)

// The flight search at an airline's scale: c.flights flights in one
// airline, added through domain.Flights.Add (the path an import takes:
// validation, the airline's airports and subfleets, the flight's own
// stream) with several writers, projected, then searched.

const (
	benchAirports  = 400 // departure and arrival airports of the airline
	searchPageSize = 51  // a page of 50 and one to know there is another
)

var benchTypes = []string{"B738", "A320", "A20N", "B77W", "B789", "E190", "CRJ9", "AT76", "A359", "B744"}

// flightWorld is the airline the search runs in, with its airports.
type flightWorld struct {
	airline  string
	airports []string
}

// addBenchFlights creates an airline and n flights through the domain.
func addBenchFlights(ctx context.Context, es domain.EventStore, n, writers int) (flightWorld, domain.Position, error) {
	reg := events.NewRegistry()
	r := &domain.Runner{Store: es, Registry: reg, Clock: domain.SystemClock{}}
	airlines := &domain.Airlines{Runner: r, IDs: domain.RandomIDs{}}
	sys := domain.CommandMeta{Who: domain.System}
	id, _, err := airlines.Create(ctx, sys, domain.CreateAirline{Name: "Search Air", ICAO: "SRC", Slug: "search-air"})
	if err != nil {
		return flightWorld{}, domain.Start, err
	}
	rng := rand.New(rand.NewPCG(1, 2))
	table := domain.AirportTable{}
	w := flightWorld{airline: id}
	for i := range benchAirports {
		code := "K" + letters(uint64(i), 3)
		w.airports = append(w.airports, code)
		table[code] = domain.Coordinates{Lat: rng.Float64()*120 - 60, Lon: rng.Float64()*340 - 170}
	}
	subfleets := domain.SubfleetTable{}
	for i, t := range benchTypes {
		subfleets[fmt.Sprintf("sf-%d", i)] = t
	}
	flights := &domain.Flights{Runner: r, Airports: table, Subfleets: subfleets}
	schedules := make([][]domain.FlightSchedule, writers)
	for i := range n {
		dpt := rng.IntN(benchAirports)
		arr := (dpt + 1 + rng.IntN(benchAirports-1)) % benchAirports
		s := domain.FlightSchedule{
			FlightNumber: fmt.Sprint(i%9999 + 1), RouteLeg: int32(i / 9999),
			DptAirport: w.airports[dpt], ArrAirport: w.airports[arr],
			DptTime: fmt.Sprintf("%02d:%02d", rng.IntN(24), rng.IntN(12)*5), Days: 1 + rng.Int32N(domain.EveryDay),
			FlightTime: 60 + rng.Int32N(600), FlightType: "J", Active: rng.IntN(20) != 0,
			SubfleetIDs: []string{fmt.Sprintf("sf-%d", rng.IntN(len(benchTypes))), fmt.Sprintf("sf-%d", rng.IntN(len(benchTypes)))},
		}
		schedules[i%writers] = append(schedules[i%writers], s)
	}
	var last domain.Position
	positions := make([]domain.Position, writers)
	work := make([][]int, writers)
	for wi := range writers {
		for j := range schedules[wi] {
			work[wi] = append(work[wi], wi<<32|j)
		}
	}
	_, err = runWriters(ctx, work, func(ctx context.Context, op int) error {
		wi, j := op>>32, op&(1<<32-1)
		_, res, err := flights.Add(ctx, domain.CommandMeta{ID: domain.NewUUID(), Who: domain.System}, id, schedules[wi][j])
		if err == nil && res.Position.After(positions[wi]) {
			positions[wi] = res.Position
		}
		return err
	})
	for _, p := range positions {
		if p.After(last) {
			last = p
		}
	}
	return w, last, err
}

// searchCase is one kind of search, timed query by query.
type searchCase struct {
	what string
	run  func(ctx context.Context, q readmodel.Querier, rng *rand.Rand) (int, error)
}

func searchCases(w flightWorld) []searchCase {
	return []searchCase{
		{"from an airport", func(ctx context.Context, q readmodel.Querier, rng *rand.Rand) (int, error) {
			rows, err := q.SearchFlightsFrom(ctx, readmodel.SearchFlightsFromParams{TenantID: w.airline,
				DptAirport: w.airports[rng.IntN(len(w.airports))], PageSize: searchPageSize})
			return len(rows), err
		}},
		{"from an airport, type and day", func(ctx context.Context, q readmodel.Querier, rng *rand.Rand) (int, error) {
			rows, err := q.SearchFlightsFrom(ctx, readmodel.SearchFlightsFromParams{TenantID: w.airline,
				DptAirport: w.airports[rng.IntN(len(w.airports))], Aircraft: benchTypes[rng.IntN(len(benchTypes))],
				Day: 1 << rng.IntN(7), PageSize: searchPageSize})
			return len(rows), err
		}},
		{"type and day, any airport", func(ctx context.Context, q readmodel.Querier, rng *rand.Rand) (int, error) {
			rows, err := q.SearchFlights(ctx, readmodel.SearchFlightsParams{TenantID: w.airline,
				Aircraft: benchTypes[rng.IntN(len(benchTypes))], Day: 1 << rng.IntN(7), PageSize: searchPageSize})
			return len(rows), err
		}},
		{"page 10 from an airport by keyset", func(ctx context.Context, q readmodel.Querier, rng *rand.Rand) (int, error) {
			// The cursor of a late page: a departure time in the evening.
			rows, err := q.SearchFlightsFrom(ctx, readmodel.SearchFlightsFromParams{TenantID: w.airline,
				DptAirport: w.airports[rng.IntN(len(w.airports))], AfterTime: "18:00", PageSize: searchPageSize})
			return len(rows), err
		}},
	}
}

// latencies runs f n times and returns each call's duration in µs.
func latencies(ctx context.Context, n int, f func(ctx context.Context, rng *rand.Rand) (int, error)) ([]float64, error) {
	rng := rand.New(rand.NewPCG(7, 8))
	out := make([]float64, 0, n)
	for range n {
		t0 := time.Now()
		if _, err := f(ctx, rng); err != nil {
			return nil, err
		}
		out = append(out, float64(time.Since(t0).Nanoseconds())/1000)
	}
	return out, nil
}

func percentile(xs []float64, p float64) float64 {
	s := slices.Clone(xs)
	slices.Sort(s)
	return s[min(len(s)-1, int(float64(len(s))*p))]
}

// measureSearch times every case against the baseline and adds the rows.
func measureSearch(ctx context.Context, c config, t *table, mode string, w flightWorld, q readmodel.Querier,
	baseWhat string, baseline func(ctx context.Context, rng *rand.Rand) (int, error)) error {
	// Warm caches and plans (pgx prepares statements; PostgreSQL switches
	// to a generic plan after five runs) before timing.
	for _, sc := range searchCases(w) {
		if _, err := latencies(ctx, 50, func(ctx context.Context, rng *rand.Rand) (int, error) { return sc.run(ctx, q, rng) }); err != nil {
			return fmt.Errorf("%s: %w", sc.what, err)
		}
	}
	if _, err := latencies(ctx, 50, baseline); err != nil {
		return fmt.Errorf("baseline: %w", err)
	}
	var baseMed, baseP99 []float64
	meds, p99s := map[string][]float64{}, map[string][]float64{}
	for range c.rounds {
		b, err := latencies(ctx, c.searches, baseline)
		if err != nil {
			return err
		}
		baseMed, baseP99 = append(baseMed, percentile(b, 0.5)), append(baseP99, percentile(b, 0.99))
		for _, sc := range searchCases(w) {
			l, err := latencies(ctx, c.searches, func(ctx context.Context, rng *rand.Rand) (int, error) { return sc.run(ctx, q, rng) })
			if err != nil {
				return err
			}
			meds[sc.what] = append(meds[sc.what], percentile(l, 0.5))
			p99s[sc.what] = append(p99s[sc.what], percentile(l, 0.99))
		}
	}
	for _, sc := range searchCases(w) {
		label := fmt.Sprintf("%s flight search, %s, %dk flights", mode, sc.what, c.flights/1000)
		t.add(row{what: label + " (median)", unit: "µs", measured: median(meds[sc.what]), baseline: median(baseMed), baseWhat: baseWhat})
		t.add(row{what: label + " (p99)", unit: "µs", measured: median(p99s[sc.what]), baseline: median(baseP99), baseWhat: baseWhat + " (p99)"})
	}
	return nil
}

// benchFlightSearch measures the flight search in both modes.
func benchFlightSearch(ctx context.Context, c config, log *slog.Logger, t *table) error {
	// PostgreSQL.
	st, err := openPGStore(ctx, c.adminURL, 8, log)
	if err != nil {
		return err
	}
	defer st.close()
	pool, es := st.pool, st.es
	t0 := time.Now()
	w, _, err := addBenchFlights(ctx, es, c.flights, 8)
	if err != nil {
		return fmt.Errorf("add flights: %w", err)
	}
	log.Info("flight search: flights added", "mode", "postgres", "flights", c.flights, "took", time.Since(t0).Round(time.Millisecond))
	rms := postgres.NewReadModels(pool)
	if err := projector.New(es, rms, events.NewRegistry(), nil, log, projector.All()...).CatchUp(ctx); err != nil {
		return err
	}
	if _, err := pool.Exec(ctx, "VACUUM (ANALYZE) flights"); err != nil {
		return err
	}
	var tableSize string
	if err := pool.QueryRow(ctx, "SELECT pg_size_pretty(pg_total_relation_size('flights'))").Scan(&tableSize); err != nil {
		return err
	}
	log.Info("flight search: projected", "mode", "postgres", "flights_table_with_indexes", tableSize)
	if err := measureSearch(ctx, c, t, "PostgreSQL", w, rms.Reader(), "SELECT … WHERE tenant_id AND dpt_airport LIMIT 51",
		func(ctx context.Context, rng *rand.Rand) (int, error) { return plainSelect(ctx, pool, w, rng) }); err != nil {
		return fmt.Errorf("postgres search: %w", err)
	}

	// Embedded: SQLite log, in-memory read models.
	dir, err := os.MkdirTemp("", "albatross-bench-flights-")
	if err != nil {
		return err
	}
	defer os.RemoveAll(dir)
	sq, err := sqlite.Open(ctx, filepath.Join(dir, "events.db"), log)
	if err != nil {
		return err
	}
	defer sq.Close()
	t0 = time.Now()
	w, _, err = addBenchFlights(ctx, sq, c.flights, 4)
	if err != nil {
		return fmt.Errorf("add flights: %w", err)
	}
	log.Info("flight search: flights added", "mode", "embedded", "flights", c.flights, "took", time.Since(t0).Round(time.Millisecond))
	mem := memory.New()
	if err := projector.New(sq, mem, events.NewRegistry(), nil, log, projector.All()...).CatchUp(ctx); err != nil {
		return err
	}
	// The sets are sorted at the first search after the rebuild; sort them
	// all now, as the first pilots' searches after a start would.
	for _, a := range w.airports {
		if _, err := mem.SearchFlightsFrom(ctx, readmodel.SearchFlightsFromParams{TenantID: w.airline, DptAirport: a, PageSize: 1}); err != nil {
			return err
		}
		if _, err := mem.SearchFlightsTo(ctx, readmodel.SearchFlightsToParams{TenantID: w.airline, ArrAirport: a, PageSize: 1}); err != nil {
			return err
		}
	}
	// The baseline: the airline's flights in a map by departure airport,
	// a page copied out of the slice.
	byDpt := map[string][]readmodel.Flight{}
	rows, err := mem.SearchFlights(ctx, readmodel.SearchFlightsParams{TenantID: w.airline, IncludeInactive: true, PageSize: 1 << 30})
	if err != nil {
		return err
	}
	for _, f := range rows {
		byDpt[f.DptAirport] = append(byDpt[f.DptAirport], f)
	}
	if err := measureSearch(ctx, c, t, "Embedded", w, mem, "map lookup by departure + copy of 51 rows",
		func(ctx context.Context, rng *rand.Rand) (int, error) {
			rows := byDpt[w.airports[rng.IntN(len(w.airports))]]
			page := slices.Clone(rows[:min(len(rows), searchPageSize)])
			return len(page), nil
		}); err != nil {
		return fmt.Errorf("embedded search: %w", err)
	}
	t.note("Flight search: %d flights in one airline over %d airports (%d flights from each on average, %d aircraft types, random days, 5%% inactive), "+
		"added through domain.Flights.Add (validation, airports and subfleets through the ports, one stream per flight; 8 writers on PostgreSQL, 4 on SQLite) and projected with projector.CatchUp. "+
		"%d searches per case and round, one at a time, random airports/types/days, a page of 50 (+1 to know of a next page), latency per call including the driver round trip; "+
		"pilots' searches (active flights only). PostgreSQL baseline: SELECT * FROM flights WHERE tenant_id = $1 AND dpt_airport = $2 LIMIT 51 (flights_departure index, no order, no filters). "+
		"Embedded baseline: a Go map from departure airport to that airport's rows, copying 51 of them.",
		c.flights, benchAirports, c.flights/benchAirports, len(benchTypes), c.searches)
	return nil
}

func plainSelect(ctx context.Context, pool *pgxpool.Pool, w flightWorld, rng *rand.Rand) (int, error) {
	rows, err := pool.Query(ctx, "SELECT * FROM flights WHERE tenant_id = $1 AND dpt_airport = $2 LIMIT 51",
		w.airline, w.airports[rng.IntN(len(w.airports))])
	if err != nil {
		return 0, err
	}
	defer rows.Close()
	n := 0
	for rows.Next() {
		if _, err := rows.Values(); err != nil {
			return 0, err
		}
		n++
	}
	return n, rows.Err()
}
