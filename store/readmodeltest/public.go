package readmodeltest

import (
	"context"
	"fmt"
	"testing"

	"github.com/albatross-va/albatross/store/readmodel"
)

// publicCases are the suite's cases of the queries the airline's public
// page adds.
var publicCases = map[string]func(t *testing.T, q readmodel.Querier){
	"CountActiveFlights": testCountActiveFlights,
}

// testCountActiveFlights counts an airline's active flights only, and
// another airline's never.
func testCountActiveFlights(t *testing.T, q readmodel.Querier) {
	ctx := context.Background()
	count := func(tenant string) int64 {
		t.Helper()
		n, err := q.CountActiveFlights(ctx, tenant)
		if err != nil {
			t.Fatalf("CountActiveFlights: %v", err)
		}
		return n
	}
	if n := count(tenantA); n != 0 {
		t.Errorf("an airline without flights: %d", n)
	}
	// flight() makes every fifth one inactive: n = 0, 5 and 10 of 0..11.
	for n := range 12 {
		upsertFlights(t, q, flight(tenantA, n, fmt.Sprintf("4%02d", n), "", 0, "EGLL", "KJFK", "10:00"))
	}
	upsertFlights(t, q, flight(tenantB, 51, "900", "", 0, "EGLL", "KJFK", "10:00"))
	if n := count(tenantA); n != 9 {
		t.Errorf("A's active flights: %d, want 9", n)
	}
	if n := count(tenantB); n != 1 {
		t.Errorf("B's active flights: %d, want 1", n)
	}
	if n := count("no-such-airline"); n != 0 {
		t.Errorf("an unknown airline: %d", n)
	}
}
