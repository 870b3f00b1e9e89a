package projector_test

import (
	"context"
	"fmt"
	"reflect"
	"sync"
	"testing"
	"time"

	"github.com/google/uuid"

	"github.com/albatross-va/albatross/domain"
	"github.com/albatross-va/albatross/store/memory"
	"github.com/albatross-va/albatross/store/projector"
	"github.com/albatross-va/albatross/store/readmodel"
)

// oneAircraft is an AircraftDirectory with a single active aircraft.
type oneAircraft string

func (a oneAircraft) LookupAircraft(_ context.Context, _, id string) (domain.AircraftInfo, error) {
	if id != string(a) {
		return domain.AircraftInfo{}, domain.Errorf(domain.ENotFound, "no aircraft")
	}
	return domain.AircraftInfo{Registration: "G-ABCD", Status: domain.AircraftActive, AirportID: "EGLL"}, nil
}

// TestManyPirepsAcceptedAtOnceGiveExactTotals files many PIREPs of one
// pilot on one aircraft, accepts them all from parallel staff sessions
// while two projector workers catch up at the same time, rejects some of
// them again, and checks the pilot's and the aircraft's totals to the
// minute, in both deployment models, and that a rebuild gives the same.
func TestManyPirepsAcceptedAtOnceGiveExactTotals(t *testing.T) {
	forEachEnv(t, func(t *testing.T, e env) {
		ctx := context.Background()
		r := &domain.Runner{Store: e.es, Registry: reg, MaxAttempts: 20}
		airline, _, err := (&domain.Airlines{Runner: r, IDs: domain.RandomIDs{}}).Create(ctx, domain.CommandMeta{Who: domain.System},
			domain.CreateAirline{Name: "Pirep Air", ICAO: "PRP", Slug: "pirep-air"})
		must(t, err)
		aircraft := uuid.NewString()
		pireps := &domain.Pireps{Runner: r, IDs: domain.RandomIDs{}, Aircraft: oneAircraft(aircraft), Settings: domain.NoPirepRules{},
			Airports: domain.AirportTable{"EGLL": {Lat: 51.4706, Lon: -0.461941}, "LPPT": {Lat: 38.7813, Lon: -9.13592}, "LPFR": {Lat: 37.0144, Lon: -7.96591}}}
		pilot := domain.Actor{UserID: uuid.NewString(), Role: domain.RolePilot, TenantID: airline}
		staff := domain.Actor{UserID: uuid.NewString(), Role: domain.RoleAirlineAdmin, TenantID: airline}

		const n = 40
		base := time.Date(2026, 11, 1, 8, 0, 0, 0, time.UTC)
		ids := make([]string, n)
		minutes := make([]int64, n)
		for i := range n {
			off := base.Add(time.Duration(i) * 6 * time.Hour)
			d := domain.PirepDetails{FlightNumber: fmt.Sprint(100 + i), DptAirport: "EGLL", ArrAirport: []string{"LPPT", "LPFR"}[i%2],
				AircraftID: aircraft, BlockOff: off, BlockOn: off.Add(time.Duration(60+i+15) * time.Minute),
				FlightTime: int32(60 + i), LandingRate: int32(-100 - i)}
			ids[i], _, err = pireps.File(ctx, domain.CommandMeta{ID: uuid.NewString(), Who: pilot}, airline, d, true)
			must(t, err)
			minutes[i] = int64(60 + i)
		}

		// Two projector workers, as two processes would run, follow the log
		// while the acceptances commit.
		stop := make(chan struct{})
		var workers sync.WaitGroup
		for range 2 {
			workers.Add(1)
			go func() {
				defer workers.Done()
				p := projector.New(e.es, e.backend, reg, nil, nil, projector.Pireps{})
				p.BatchSize = 3
				for {
					select {
					case <-stop:
						return
					default:
					}
					if err := p.CatchUp(ctx); err != nil {
						t.Error(err)
						return
					}
				}
			}()
		}
		var accept sync.WaitGroup
		var last domain.Position
		var lastMu sync.Mutex
		for w := range 8 {
			accept.Add(1)
			go func() {
				defer accept.Done()
				for i := w; i < n; i += 8 {
					res, err := pireps.Accept(ctx, domain.CommandMeta{ID: uuid.NewString(), Who: staff}, airline, ids[i])
					if err != nil {
						t.Error(err)
						return
					}
					lastMu.Lock()
					if res.Position.After(last) {
						last = res.Position
					}
					lastMu.Unlock()
				}
			}()
		}
		accept.Wait()
		// Reject three accepted ones, the latest flight among them.
		for _, i := range []int{n - 1, 7, 20} {
			res, err := pireps.Reject(ctx, domain.CommandMeta{ID: uuid.NewString(), Who: staff}, airline, ids[i], "Not flown on the network")
			must(t, err)
			last = res.Position
		}
		waitVisible(t, e.es, last)
		close(stop)
		workers.Wait()
		p := projector.New(e.es, e.backend, reg, nil, nil, projector.All()...)
		must(t, p.CatchUp(ctx))

		var wantMinutes, wantRateSum int64
		for i := range n {
			if i == n-1 || i == 7 || i == 20 {
				continue
			}
			wantMinutes += minutes[i]
			wantRateSum += int64(-100 - i)
		}
		wantRate := int32((wantRateSum - (n-3)/2) / (n - 3)) // rounded half away from zero, for negative sums
		q := e.backend.Reader()
		stats, err := q.GetPilotStats(ctx, readmodel.GetPilotStatsParams{TenantID: airline, PilotID: uuid.MustParse(pilot.UserID)})
		must(t, err)
		latest := base.Add(time.Duration(n-2) * 6 * time.Hour).Add(time.Duration(60+n-2+15) * time.Minute)
		if stats.Flights != n-3 || stats.Minutes != wantMinutes || stats.Location != "LPPT" || stats.LandingRate != wantRate ||
			stats.LastFlight == nil || !stats.LastFlight.Equal(latest) {
			t.Errorf("pilot stats %+v (last flight %v), want %d flights, %d minutes, at LPPT, landing rate %d, last flight %v",
				stats, stats.LastFlight, n-3, wantMinutes, wantRate, latest)
		}
		totals, err := q.GetAircraftPirepTotals(ctx, readmodel.GetAircraftPirepTotalsParams{TenantID: airline, AircraftID: uuid.MustParse(aircraft)})
		must(t, err)
		if totals.Flights != n-3 || totals.Minutes != wantMinutes || totals.Location != "LPPT" {
			t.Errorf("aircraft totals %+v, want %d flights, %d minutes, at LPPT", totals, n-3, wantMinutes)
		}
		queue, err := q.ListPendingPireps(ctx, readmodel.ListPendingPirepsParams{TenantID: airline, Limit: 100})
		must(t, err)
		if len(queue) != 0 {
			t.Errorf("%d PIREPs still pending", len(queue))
		}

		// The staff list's "of N" per state, which PostgreSQL keeps in
		// pirep_counts (a rebuild recounts it once, at its end).
		counts := func() map[string]int64 {
			t.Helper()
			out := map[string]int64{}
			for _, st := range []string{"", domain.PirepAccepted, domain.PirepRejected, domain.PirepPending} {
				c, err := q.CountPirepsByAirline(ctx, readmodel.CountPirepsByAirlineParams{TenantID: airline, State: st,
					FromTime: time.Date(1000, 1, 1, 0, 0, 0, 0, time.UTC), ToTime: time.Date(3000, 1, 1, 0, 0, 0, 0, time.UTC)})
				must(t, err)
				out[st] = c
			}
			return out
		}
		before := counts()
		if before[""] != n || before[domain.PirepAccepted] != n-3 || before[domain.PirepRejected] != 3 {
			t.Errorf("counts by state %v, want %d in all, %d accepted, 3 rejected", before, n, n-3)
		}
		must(t, p.Rebuild(ctx, "pireps"))
		if after := counts(); !reflect.DeepEqual(after, before) {
			t.Errorf("counts by state after a rebuild %v, before %v", after, before)
		}
		rebuilt, err := q.GetPilotStats(ctx, readmodel.GetPilotStatsParams{TenantID: airline, PilotID: uuid.MustParse(pilot.UserID)})
		must(t, err)
		if rebuilt.Flights != stats.Flights || rebuilt.Minutes != stats.Minutes || rebuilt.Location != stats.Location ||
			rebuilt.LandingRate != stats.LandingRate || !rebuilt.LastFlight.Equal(*stats.LastFlight) {
			t.Errorf("rebuilt stats %+v differ from incremental %+v", rebuilt, stats)
		}
		rebuiltTotals, err := q.GetAircraftPirepTotals(ctx, readmodel.GetAircraftPirepTotalsParams{TenantID: airline, AircraftID: uuid.MustParse(aircraft)})
		must(t, err)
		if rebuiltTotals.Flights != totals.Flights || rebuiltTotals.Minutes != totals.Minutes || rebuiltTotals.Location != totals.Location ||
			!reflect.DeepEqual(rebuiltTotals.LastPirepID, totals.LastPirepID) {
			t.Errorf("rebuilt aircraft totals %+v differ from incremental %+v", rebuiltTotals, totals)
		}
		all, err := q.ListPirepsByAirline(ctx, readmodel.ListPirepsByAirlineParams{TenantID: airline,
			FromTime: base.Add(-time.Hour), ToTime: base.Add(1000 * time.Hour), RowLimit: 100})
		must(t, err)
		if len(all) != n {
			t.Errorf("%d PIREPs listed, want %d", len(all), n)
		}
		if e.pool != nil {
			mem := memory.New()
			must(t, projector.New(e.es, mem, reg, nil, nil, projector.All()...).CatchUp(ctx))
			ms, err := mem.ListPirepsByAirline(ctx, readmodel.ListPirepsByAirlineParams{TenantID: airline,
				FromTime: base.Add(-time.Hour), ToTime: base.Add(1000 * time.Hour), RowLimit: 100})
			must(t, err)
			if len(ms) != len(all) {
				t.Fatalf("memory lists %d, PostgreSQL %d", len(ms), len(all))
			}
			for i := range ms {
				a, b := ms[i], all[i]
				if a.ID != b.ID || a.State != b.State || !a.QueuedAt.Equal(b.QueuedAt) || !reflect.DeepEqual(a.Route, b.Route) {
					t.Errorf("row %d: memory %+v, PostgreSQL %+v", i, a, b)
				}
			}
		}
	})
}
