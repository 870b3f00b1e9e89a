package memory

import (
	"context"
	"errors"
	"math"
	"math/rand/v2"
	"slices"
	"testing"
	"time"

	"github.com/google/uuid"

	"github.com/albatross-va/albatross/store/readmodel"
)

// TestPirepIndexMatchesScan drives random upserts (moving PIREPs between
// pilots, aircraft and states), rolled-back batches and DeleteAllPireps,
// and checks after each that the indexed totals and lists equal what a
// scan of every row gives, as the shared suite's single cases cannot.
func TestPirepIndexMatchesScan(t *testing.T) {
	ctx := context.Background()
	rng := rand.New(rand.NewPCG(1, 2))
	ids := func(n int) []uuid.UUID {
		out := make([]uuid.UUID, n)
		for i := range out {
			out[i] = uuid.New()
		}
		return out
	}
	pireps, pilots, aircraft := ids(12), ids(3), ids(3)
	tenants := []string{"T1", "T2"}
	states := []string{"accepted", "accepted", "pending", "rejected", "draft"}
	base := time.Date(2025, 3, 1, 12, 0, 0, 0, time.UTC)
	m := New()
	randomRow := func() readmodel.UpsertPirepParams {
		on := base.Add(time.Duration(rng.IntN(4)) * time.Hour) // ties on block_on
		return readmodel.UpsertPirepParams{TenantID: tenants[rng.IntN(2)], ID: pireps[rng.IntN(len(pireps))],
			PilotID: pilots[rng.IntN(3)], AircraftID: aircraft[rng.IntN(3)], State: states[rng.IntN(len(states))],
			ArrAirport: []string{"EGLL", "LPPT", "KJFK"}[rng.IntN(3)], BlockOff: on.Add(-time.Hour), BlockOn: on,
			FlightTime: int32(rng.IntN(300)), LandingRate: int32(rng.IntN(3) * -100), FiledAt: on, QueuedAt: on, UpdatedAt: on}
	}
	errRollback := errors.New("roll back")
	for step := range 3000 {
		switch r := rng.IntN(100); {
		case r < 2:
			if err := m.DeleteAllPireps(ctx); err != nil {
				t.Fatal(err)
			}
		case r < 15:
			_, err := m.Batch(ctx, "test", func(q readmodel.Querier) error {
				for range 3 {
					if err := q.UpsertPirep(ctx, randomRow()); err != nil {
						return err
					}
				}
				if r < 8 {
					if err := q.DeleteAllPireps(ctx); err != nil {
						return err
					}
				}
				return errRollback
			})
			if !errors.Is(err, errRollback) {
				t.Fatal(err)
			}
		default:
			if err := m.UpsertPirep(ctx, randomRow()); err != nil {
				t.Fatal(err)
			}
		}
		for _, tenant := range tenants {
			for _, pilot := range pilots {
				list, err := m.ListPirepsByPilot(ctx, readmodel.ListPirepsByPilotParams{TenantID: tenant, PilotID: pilot, Limit: 100})
				if err != nil {
					t.Fatal(err)
				}
				if n := m.scanCount(func(p readmodel.Pirep) bool { return p.TenantID == tenant && p.PilotID == pilot }); len(list) != n {
					t.Fatalf("step %d: %d PIREPs listed for the pilot, a scan finds %d", step, len(list), n)
				}
			}
			for _, a := range aircraft {
				n, err := m.CountPirepsByAirline(ctx, readmodel.CountPirepsByAirlineParams{TenantID: tenant, AircraftID: a, State: "accepted",
					FromTime: base.AddDate(-1, 0, 0), ToTime: base.AddDate(1, 0, 0)})
				if err != nil {
					t.Fatal(err)
				}
				if want := m.scanCount(func(p readmodel.Pirep) bool {
					return p.TenantID == tenant && p.AircraftID == a && p.State == "accepted"
				}); int(n) != want {
					t.Fatalf("step %d: %d accepted PIREPs counted for the aircraft, a scan finds %d", step, n, want)
				}
			}
			m.checkListOrders(t, step, tenant, append([]string{""}, states...))
			pending, err := m.ListPendingPireps(ctx, readmodel.ListPendingPirepsParams{TenantID: tenant, Limit: math.MaxInt32})
			if err != nil {
				t.Fatal(err)
			}
			if n := m.scanCount(func(p readmodel.Pirep) bool { return p.TenantID == tenant && p.State == "pending" }); len(pending) != n {
				t.Fatalf("step %d: %d PIREPs pending, a scan finds %d", step, len(pending), n)
			}
		}
	}
}

// checkListOrders checks the airline list's count and its three orders,
// for every state and none, against a sort of a scan of every row.
func (m *ReadModels) checkListOrders(t *testing.T, step int, tenant string, states []string) {
	t.Helper()
	ctx := context.Background()
	for _, st := range states {
		var want []*readmodel.Pirep
		for _, p := range m.st.pireps {
			if p.TenantID == tenant && (st == "" || p.State == st) {
				want = append(want, p)
			}
		}
		arg := readmodel.ListPirepsByAirlineParams{TenantID: tenant, State: st, FromTime: time.Date(1000, 1, 1, 0, 0, 0, 0, time.UTC),
			ToTime: time.Date(3000, 1, 1, 0, 0, 0, 0, time.UTC), RowLimit: 100}
		n, err := m.CountPirepsByAirline(ctx, readmodel.CountPirepsByAirlineParams{TenantID: tenant, State: st, FromTime: arg.FromTime, ToTime: arg.ToTime})
		if err != nil {
			t.Fatal(err)
		}
		if int(n) != len(want) {
			t.Fatalf("step %d: %d PIREPs of %s in state %q counted, a scan finds %d", step, n, tenant, st, len(want))
		}
		for _, o := range []listOrder{orderNewest, orderOldest, orderLongest} {
			slices.SortFunc(want, o.compare)
			var got []readmodel.Pirep
			switch o {
			case orderNewest:
				got, err = m.ListPirepsByAirline(ctx, arg)
			case orderOldest:
				got, err = m.ListPirepsByAirlineOldest(ctx, readmodel.ListPirepsByAirlineOldestParams(arg))
			case orderLongest:
				got, err = m.ListPirepsByAirlineLongest(ctx, readmodel.ListPirepsByAirlineLongestParams(arg))
			}
			if err != nil {
				t.Fatal(err)
			}
			if len(got) != len(want) {
				t.Fatalf("step %d: order %d of %s in state %q lists %d PIREPs, a scan finds %d", step, o, tenant, st, len(got), len(want))
			}
			for i := range got {
				if got[i] != *want[i] {
					t.Fatalf("step %d: order %d of %s in state %q has %s at %d, a sorted scan %s", step, o, tenant, st, got[i].ID, i, want[i].ID)
				}
			}
		}
	}
}

func (m *ReadModels) scanCount(keep func(p readmodel.Pirep) bool) int {
	n := 0
	for _, p := range m.st.pireps {
		if keep(*p) {
			n++
		}
	}
	return n
}
