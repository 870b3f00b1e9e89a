package memory_test

import (
	"context"
	"fmt"
	"slices"
	"sync"
	"testing"
	"time"

	"github.com/google/uuid"

	"github.com/albatross-va/albatross/store/memory"
	"github.com/albatross-va/albatross/store/readmodel"
)

// BenchmarkPageListsAmongManyAirlines reads each list one airline's pages
// show, for the airline alone and for the same airline beside 200 others
// filled alike: the two should cost the same (a ratio near 1), since a
// page's work is its own airline's rows.
func BenchmarkPageListsAmongManyAirlines(b *testing.B) {
	ctx := context.Background()
	alone := memory.New()
	d := fillAirline(b, alone, 0)
	among := memory.New()
	fillAirline(b, among, 0)
	for n := 1; n <= 200; n++ {
		fillAirline(b, among, n)
	}
	// The same tenant and ids in both stores: fillAirline's ids are random,
	// so read among's airline by its own ids.
	dAmong := airlineData{tenant: d.tenant}
	users, _ := among.ListUsersByTenant(ctx, d.tenant)
	for _, u := range users {
		if u.PilotNumber == 1 {
			dAmong.pilot = u.ID
		}
	}
	subfleets, _ := among.ListSubfleets(ctx, d.tenant)
	dAmong.subfleet = subfleets[len(subfleets)-1].ID // "T1", as d.subfleet is
	readsAlone, readsAmong := pageReads(d), pageReads(dAmong)
	names := make([]string, 0, len(readsAlone))
	for name := range readsAlone {
		names = append(names, name)
	}
	slices.Sort(names)
	for _, name := range names {
		for _, c := range []struct {
			label string
			m     *memory.ReadModels
			read  func(context.Context, *memory.ReadModels) (int, error)
		}{{"alone", alone, readsAlone[name]}, {"among200", among, readsAmong[name]}} {
			b.Run(fmt.Sprintf("%s/%s", name, c.label), func(b *testing.B) {
				b.ReportAllocs()
				for b.Loop() {
					if n, err := c.read(ctx, c.m); err != nil || n == 0 {
						b.Fatalf("%d rows, %v", n, err)
					}
				}
			})
		}
	}
}

// bigAirline is one airline with 100,000 PIREPs (a third pending) by
// 2,000 pilots on 500 aircraft, and 50,000 flights.
type bigAirline struct {
	tenant   string
	pilots   []uuid.UUID
	aircraft []uuid.UUID
	pending  []readmodel.UpsertPirepParams
	flights  []readmodel.UpsertFlightParams
}

func fillBigAirline(b *testing.B, m *memory.ReadModels) *bigAirline {
	b.Helper()
	ctx := context.Background()
	big := &bigAirline{tenant: "big"}
	for range 2000 {
		big.pilots = append(big.pilots, uuid.New())
	}
	for range 500 {
		big.aircraft = append(big.aircraft, uuid.New())
	}
	start := time.Date(2025, 1, 1, 0, 0, 0, 0, time.UTC)
	_, err := m.BatchAll(ctx, []string{"fill"}, func(q readmodel.Querier, _ []string) error {
		for i := range 100_000 {
			t := start.Add(time.Duration(i) * time.Minute)
			p := readmodel.UpsertPirepParams{TenantID: big.tenant, ID: uuid.New(), PilotID: big.pilots[i%2000],
				State: []string{"pending", "accepted", "rejected"}[i%3], FlightNumber: fmt.Sprint(i % 50_000),
				DptAirport: "KAAA", ArrAirport: "KBBB", AircraftID: big.aircraft[i%500], BlockOff: t, BlockOn: t.Add(time.Hour),
				FlightTime: 60, LandingRate: -150, FiledAt: t, QueuedAt: t, UpdatedAt: t}
			if err := q.UpsertPirep(ctx, p); err != nil {
				return err
			}
			if p.State == "pending" {
				big.pending = append(big.pending, p)
			}
		}
		for i := range 50_000 {
			f := readmodel.UpsertFlightParams{TenantID: big.tenant, ID: uuid.New(), FlightNumber: fmt.Sprint(i),
				DptAirport: fmt.Sprintf("K%03d", i%300), ArrAirport: fmt.Sprintf("K%03d", (i+7)%300),
				DptTime: fmt.Sprintf("%02d:%02d", i%24, i%60), Days: 127, SubfleetIds: []string{}, SubfleetTypes: []string{"B738"},
				Active: true, CreatedAt: start, UpdatedAt: start}
			if err := q.UpsertFlight(ctx, f); err != nil {
				return err
			}
			big.flights = append(big.flights, f)
		}
		return nil
	})
	if err != nil {
		b.Fatal(err)
	}
	return big
}

// BenchmarkProjectorBatchLockHold runs batches of 500 typical projection
// writes (150 PIREPs filed, 150 accepted with their pilot's and
// aircraft's totals recalculated for a third of them, 100 flights
// rescheduled) in an airline of 100,000 PIREPs and 50,000 flights: a
// batch holds the store's write lock for its whole run, so ns/op is how
// long a reader may wait behind it. The baseline is 500 plain map writes
// of new PIREP rows under a mutex, in the same run.
func BenchmarkProjectorBatchLockHold(b *testing.B) {
	ctx := context.Background()
	b.Run("baseline-500-map-writes", func(b *testing.B) {
		var mu sync.Mutex
		rows := map[uuid.UUID]*readmodel.Pirep{}
		for b.Loop() {
			mu.Lock()
			for range 500 {
				id := uuid.New()
				rows[id] = &readmodel.Pirep{ID: id, TenantID: "big", State: "pending"}
			}
			mu.Unlock()
		}
	})
	b.Run("batch-of-500", func(b *testing.B) {
		m := memory.New()
		big := fillBigAirline(b, m)
		i := 0
		for b.Loop() {
			_, err := m.BatchAll(ctx, []string{"pireps"}, func(q readmodel.Querier, _ []string) error {
				return writeBenchBatch(ctx, q, big, &i, nil)
			})
			if err != nil {
				b.Fatal(err)
			}
		}
	})
}

// writeBenchBatch is the batch of BenchmarkProjectorBatchLockHold; between
// is called between its events (nil: never), as the projector yields.
func writeBenchBatch(ctx context.Context, q readmodel.Querier, big *bigAirline, i *int, between func()) error {
	filed := time.Date(2027, 1, 1, 0, 0, 0, 0, time.UTC)
	event := func() {
		if between != nil {
			between()
		}
	}
	for range 150 {
		*i++
		t := filed.Add(time.Duration(*i) * time.Second)
		if err := q.UpsertPirep(ctx, readmodel.UpsertPirepParams{TenantID: big.tenant, ID: uuid.New(),
			PilotID: big.pilots[*i%2000], State: "pending", AircraftID: big.aircraft[*i%500], DptAirport: "KAAA", ArrAirport: "KBBB",
			BlockOff: t, BlockOn: t.Add(time.Hour), FlightTime: 60, FiledAt: t, QueuedAt: t, UpdatedAt: t}); err != nil {
			return err
		}
		event()
	}
	for j := range 150 {
		p := big.pending[(*i+j)%len(big.pending)]
		p.State = []string{"accepted", "pending"}[(*i/150)%2] // accept, and later put back, so batches stay alike
		if err := q.UpsertPirep(ctx, p); err != nil {
			return err
		}
		if j%3 == 0 {
			if err := moveBenchTotals(ctx, q, p); err != nil {
				return err
			}
		}
		event()
	}
	for j := range 100 {
		f := big.flights[(*i+j)%len(big.flights)]
		f.ArrTime = fmt.Sprint(*i) // an edit of the flight
		f.Active = (*i/150)%2 == 0
		if err := q.UpsertFlight(ctx, f); err != nil {
			return err
		}
		event()
	}
	return nil
}

// BenchmarkReaderWaitDuringBatches is a page read (one PIREP) while the
// batches of BenchmarkProjectorBatchLockHold run back to back: as a batch
// that holds the store's lock from start to commit ("whole-batch", the
// baseline) and as the projector runs one, letting readers in between its
// events ("yielding"). It reports the read's p99 and its worst wait.
func BenchmarkReaderWaitDuringBatches(b *testing.B) {
	ctx := context.Background()
	for _, c := range []struct {
		name  string
		yield bool
	}{{"whole-batch", false}, {"yielding", true}} {
		b.Run(c.name, func(b *testing.B) {
			m := memory.New()
			big := fillBigAirline(b, m)
			stop := make(chan struct{})
			var wg sync.WaitGroup
			wg.Go(func() {
				i := 0
				for {
					select {
					case <-stop:
						return
					default:
					}
					_, err := m.BatchAll(ctx, []string{"pireps"}, func(q readmodel.Querier, _ []string) error {
						var between func()
						if y, ok := q.(interface{ Yield() }); ok && c.yield {
							between = y.Yield
						}
						return writeBenchBatch(ctx, q, big, &i, between)
					})
					if err != nil {
						b.Error(err)
						return
					}
				}
			})
			pirep := readmodel.GetPirepParams{TenantID: big.tenant, ID: big.pending[0].ID}
			var waits []time.Duration
			for b.Loop() {
				start := time.Now()
				if _, err := m.GetPirep(ctx, pirep); err != nil {
					b.Fatal(err)
				}
				waits = append(waits, time.Since(start))
			}
			close(stop)
			wg.Wait()
			slices.Sort(waits)
			b.ReportMetric(float64(waits[len(waits)*99/100].Nanoseconds()), "p99-ns")
			b.ReportMetric(float64(waits[len(waits)-1].Nanoseconds()), "max-ns")
		})
	}
}

// BenchmarkFlightSearchAfterFlightChange is the first search after a
// flight of a 50,000-flight airline changed, which used to sort every
// flight of the airline; the baseline is the same search with no change
// before it, in the same run.
func BenchmarkFlightSearchAfterFlightChange(b *testing.B) {
	ctx := context.Background()
	m := memory.New()
	big := fillBigAirline(b, m)
	search := readmodel.SearchFlightsParams{TenantID: big.tenant, PageSize: 50}
	b.Run("search-alone", func(b *testing.B) {
		for b.Loop() {
			if rows, err := m.SearchFlights(ctx, search); err != nil || len(rows) != 50 {
				b.Fatalf("%d rows, %v", len(rows), err)
			}
		}
	})
	b.Run("change-then-search", func(b *testing.B) {
		i := 0
		for b.Loop() {
			i++
			f := big.flights[i%len(big.flights)]
			f.Notes = fmt.Sprint(i)
			if err := m.UpsertFlight(ctx, f); err != nil {
				b.Fatal(err)
			}
			if rows, err := m.SearchFlights(ctx, search); err != nil || len(rows) != 50 {
				b.Fatalf("%d rows, %v", len(rows), err)
			}
		}
	})
}

// moveBenchTotals adds an accepted PIREP to its pilot's and aircraft's
// running totals, or takes a put-back one out, as the pireps projection
// does.
func moveBenchTotals(ctx context.Context, q readmodel.Querier, p readmodel.UpsertPirepParams) error {
	if p.State == "accepted" {
		if err := q.AddPirepToPilotStats(ctx, readmodel.AddPirepToPilotStatsParams{TenantID: p.TenantID, PilotID: p.PilotID,
			PirepID: p.ID, FlightTime: p.FlightTime, LandingRate: p.LandingRate, BlockOn: p.BlockOn, ArrAirport: p.ArrAirport}); err != nil {
			return err
		}
		return q.AddPirepToAircraftTotals(ctx, readmodel.AddPirepToAircraftTotalsParams{TenantID: p.TenantID, AircraftID: p.AircraftID,
			PirepID: p.ID, FlightTime: p.FlightTime, BlockOn: p.BlockOn, ArrAirport: p.ArrAirport})
	}
	if err := q.SubtractPirepFromPilotStats(ctx, readmodel.SubtractPirepFromPilotStatsParams{TenantID: p.TenantID,
		PilotID: p.PilotID, PirepID: p.ID, FlightTime: p.FlightTime, LandingRate: p.LandingRate}); err != nil {
		return err
	}
	return q.SubtractPirepFromAircraftTotals(ctx, readmodel.SubtractPirepFromAircraftTotalsParams{TenantID: p.TenantID,
		AircraftID: p.AircraftID, PirepID: p.ID, FlightTime: p.FlightTime})
}
