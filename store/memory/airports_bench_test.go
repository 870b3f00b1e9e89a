package memory_test

import (
	"context"
	"fmt"
	"testing"
	"time"

	"github.com/albatross-va/albatross/store/memory"
	"github.com/albatross-va/albatross/store/readmodel"
)

// BenchmarkListAirportsAmongManyAirlines lists one airline's 50 airports in
// a deployment of 500 airlines: what the flight search and fleet pages ask
// for on every request. Its cost should be the one airline's, not the
// platform's.
func BenchmarkListAirportsAmongManyAirlines(b *testing.B) {
	ctx := context.Background()
	m := memory.New()
	for t := range 500 {
		for a := range 50 {
			icao := fmt.Sprintf("K%03d", a)
			if err := m.UpsertAirport(ctx, readmodel.UpsertAirportParams{TenantID: fmt.Sprint("airline-", t), Icao: icao,
				Name: icao, Search: icao, UpdatedAt: time.Now()}); err != nil {
				b.Fatal(err)
			}
		}
	}
	b.ReportAllocs()
	for b.Loop() {
		rows, err := m.ListAirports(ctx, "airline-7")
		if err != nil || len(rows) != 50 {
			b.Fatalf("%d rows, %v", len(rows), err)
		}
	}
}
