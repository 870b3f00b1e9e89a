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
// with 100,000 PIREPs in the airline, as the embedded mode serves them.
func BenchmarkAirlinePirepList(b *testing.B) {
	ctx := context.Background()
	m := memory.New()
	start := time.Date(2024, 1, 1, 0, 0, 0, 0, time.UTC)
	for i := range 100_000 {
		off := start.Add(time.Duration(i) * 15 * time.Minute)
		err := m.UpsertPirep(ctx, readmodel.UpsertPirepParams{TenantID: "T1", ID: uuid.New(), PilotID: uuid.NewSHA1(uuid.Nil, fmt.Append(nil, i%200)),
			State: "accepted", FlightNumber: fmt.Sprint(i % 3000), DptAirport: "EGLL", ArrAirport: "LPPT", AircraftID: uuid.Nil,
			BlockOff: off, BlockOn: off.Add(2 * time.Hour), FlightTime: int32(30 + i%600), Source: "manual",
			FiledAt: off.Add(3 * time.Hour), QueuedAt: off.Add(3 * time.Hour), UpdatedAt: off})
		if err != nil {
			b.Fatal(err)
		}
	}
	arg := readmodel.ListPirepsByAirlineParams{TenantID: "T1", FromTime: start.AddDate(-1, 0, 0), ToTime: start.AddDate(10, 0, 0), RowLimit: 50}
	for _, sort := range []string{"newest", "longest"} {
		b.Run(sort, func(b *testing.B) {
			for b.Loop() {
				var err error
				if sort == "newest" {
					_, err = m.ListPirepsByAirline(ctx, arg)
				} else {
					_, err = m.ListPirepsByAirlineLongest(ctx, readmodel.ListPirepsByAirlineLongestParams(arg))
				}
				if err != nil {
					b.Fatal(err)
				}
				if _, err := m.CountPirepsByAirline(ctx, readmodel.CountPirepsByAirlineParams{TenantID: "T1", FromTime: arg.FromTime, ToTime: arg.ToTime}); err != nil {
					b.Fatal(err)
				}
			}
		})
	}
}
