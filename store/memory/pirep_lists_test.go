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

// BenchmarkAirlinePirepList is one page of the staff's list and its count
// with 100,000 PIREPs in the airline (94% accepted, as the bench's),
// as the embedded mode serves them: unfiltered newest first, and the
// accepted ones longest first.
func BenchmarkAirlinePirepList(b *testing.B) {
	ctx := context.Background()
	m := memory.New()
	start := time.Date(2024, 1, 1, 0, 0, 0, 0, time.UTC)
	for i := range 100_000 {
		off := start.Add(time.Duration(i) * 15 * time.Minute)
		err := m.UpsertPirep(ctx, readmodel.UpsertPirepParams{TenantID: "T1", ID: uuid.New(), PilotID: uuid.NewSHA1(uuid.Nil, fmt.Append(nil, i%200)),
			State: []string{"accepted", "pending", "rejected"}[min(2, max(0, i%100-93))], FlightNumber: fmt.Sprint(i % 3000), DptAirport: "EGLL", ArrAirport: "LPPT", AircraftID: uuid.Nil,
			BlockOff: off, BlockOn: off.Add(2 * time.Hour), FlightTime: int32(30 + i%600), Source: "manual",
			FiledAt: off.Add(3 * time.Hour), QueuedAt: off.Add(3 * time.Hour), UpdatedAt: off})
		if err != nil {
			b.Fatal(err)
		}
	}
	arg := readmodel.ListPirepsByAirlineParams{TenantID: "T1", FromTime: start.AddDate(-1, 0, 0), ToTime: start.AddDate(10, 0, 0), RowLimit: 50}
	for _, c := range []struct{ sort, state string }{{"newest", ""}, {"longest", "accepted"}} {
		b.Run(c.sort+"/"+c.state, func(b *testing.B) {
			arg := arg
			arg.State = c.state
			for b.Loop() {
				var err error
				if c.sort == "newest" {
					_, err = m.ListPirepsByAirline(ctx, arg)
				} else {
					_, err = m.ListPirepsByAirlineLongest(ctx, readmodel.ListPirepsByAirlineLongestParams(arg))
				}
				if err != nil {
					b.Fatal(err)
				}
				if _, err := m.CountPirepsByAirline(ctx, readmodel.CountPirepsByAirlineParams{TenantID: "T1", State: arg.State, FromTime: arg.FromTime, ToTime: arg.ToTime}); err != nil {
					b.Fatal(err)
				}
			}
		})
	}
}

// BenchmarkPirepReplay replays n PIREPs into an empty store as the
// projector does at the embedded start for a PIREP filed and then
// accepted: the filing's upsert, then the acceptance's read, upsert and
// recalculation of the pilot's and the aircraft's totals. The airline has
// 200 pilots and 100 aircraft at every size, as the bench's large airline,
// so a recalculation that read all the pilot's or aircraft's PIREPs would
// show as a cost per PIREP growing with n; ns/pirep compares the sizes.
func BenchmarkPirepReplay(b *testing.B) {
	ctx := context.Background()
	start := time.Date(2024, 1, 1, 0, 0, 0, 0, time.UTC)
	for _, n := range []int{1_000, 20_000, 100_000} {
		rows := make([]readmodel.UpsertPirepParams, n)
		for i := range rows {
			off := start.Add(time.Duration(i) * 15 * time.Minute)
			rows[i] = readmodel.UpsertPirepParams{TenantID: "T1", ID: uuid.New(), PilotID: uuid.NewSHA1(uuid.Nil, fmt.Append(nil, "pilot", i%200)),
				AircraftID: uuid.NewSHA1(uuid.Nil, fmt.Append(nil, "aircraft", i%100)), State: "pending", FlightNumber: fmt.Sprint(i % 3000),
				DptAirport: "EGLL", ArrAirport: "LPPT", BlockOff: off, BlockOn: off.Add(2 * time.Hour), FlightTime: int32(30 + i%600),
				LandingRate: int32(-100 - i%300), Source: "manual", FiledAt: off.Add(3 * time.Hour), QueuedAt: off.Add(3 * time.Hour), UpdatedAt: off}
		}
		b.Run(fmt.Sprintf("%dk", n/1000), func(b *testing.B) {
			for b.Loop() {
				m := memory.New()
				for _, row := range rows {
					if err := replayAccepted(ctx, m, row); err != nil {
						b.Fatal(err)
					}
				}
			}
			b.ReportMetric(float64(b.Elapsed().Nanoseconds())/float64(b.N*n), "ns/pirep")
		})
	}
}

func replayAccepted(ctx context.Context, m *memory.ReadModels, row readmodel.UpsertPirepParams) error {
	if err := m.UpsertPirep(ctx, row); err != nil {
		return err
	}
	p, err := m.GetPirep(ctx, readmodel.GetPirepParams{TenantID: row.TenantID, ID: row.ID})
	if err != nil {
		return err
	}
	acc := readmodel.UpsertPirepParams(p)
	acc.State = "accepted"
	if err := m.UpsertPirep(ctx, acc); err != nil {
		return err
	}
	if err := m.AddPirepToPilotStats(ctx, readmodel.AddPirepToPilotStatsParams{TenantID: p.TenantID, PilotID: p.PilotID, PirepID: p.ID,
		FlightTime: p.FlightTime, LandingRate: p.LandingRate, BlockOn: p.BlockOn, ArrAirport: p.ArrAirport}); err != nil {
		return err
	}
	return m.AddPirepToAircraftTotals(ctx, readmodel.AddPirepToAircraftTotalsParams{TenantID: p.TenantID, AircraftID: p.AircraftID,
		PirepID: p.ID, FlightTime: p.FlightTime, BlockOn: p.BlockOn, ArrAirport: p.ArrAirport})
}
