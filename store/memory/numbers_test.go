package memory_test

import (
	"context"
	"errors"
	"testing"

	"github.com/google/uuid"

	"github.com/albatross-va/albatross/domain"
	"github.com/albatross-va/albatross/store/memory"
	"github.com/albatross-va/albatross/store/readmodel"
)

// A failed batch gives back the numbers it took and the numbering it
// emptied: afterwards each number finds the row it found before, the
// numbers the batch handed out find nothing, and the next insert takes the
// number it would have taken had the batch never run, as in PostgreSQL,
// where max(number) + 1 sees only committed rows.
func TestFailedBatchGivesBackNumbers(t *testing.T) {
	ctx := context.Background()
	m := memory.New()
	must := func(err error) {
		t.Helper()
		if err != nil {
			t.Fatal(err)
		}
	}
	tenant := uuid.New()
	tid := tenant.String()
	sfID, planeID := uuid.New(), uuid.New()
	must(m.UpsertAirline(ctx, params(tenant, "kept")))
	must(m.UpsertSubfleet(ctx, readmodel.UpsertSubfleetParams{TenantID: tid, ID: sfID, Type: "B738", CreatedAt: when, UpdatedAt: when}))
	must(m.UpsertAircraft(ctx, readmodel.UpsertAircraftParams{TenantID: tid, ID: planeID, SubfleetID: sfID, Registration: "G-KEPT", CreatedAt: when, UpdatedAt: when}))

	boom := errors.New("boom")
	ran, err := m.Batch(ctx, "all", func(q readmodel.Querier) error {
		for _, step := range []func() error{
			func() error { return q.UpsertAirline(ctx, params(uuid.New(), "new-1")) },
			func() error {
				return q.UpsertSubfleet(ctx, readmodel.UpsertSubfleetParams{TenantID: tid, ID: uuid.New(), Type: "A320"})
			},
			func() error {
				return q.UpsertAircraft(ctx, readmodel.UpsertAircraftParams{TenantID: tid, ID: uuid.New(), SubfleetID: sfID, Registration: "G-NEW1"})
			},
			func() error { return q.DeleteAllAirlines(ctx) },
			func() error { return q.DeleteAllSubfleets(ctx) },
			func() error { return q.DeleteAllAircraft(ctx) },
			func() error { return q.UpsertAirline(ctx, params(uuid.New(), "new-2")) },
			func() error {
				return q.UpsertSubfleet(ctx, readmodel.UpsertSubfleetParams{TenantID: tid, ID: uuid.New(), Type: "A321"})
			},
			func() error {
				return q.UpsertAircraft(ctx, readmodel.UpsertAircraftParams{TenantID: tid, ID: uuid.New(), SubfleetID: sfID, Registration: "G-NEW2"})
			},
		} {
			must(step())
		}
		return boom
	})
	if !ran || !errors.Is(err, boom) {
		t.Fatalf("Batch = %v, %v; want ran and boom", ran, err)
	}

	if a, err := m.GetAirlineByNumber(ctx, 1); err != nil || a.ID != tenant {
		t.Errorf("airline 1 after a failed batch = %s, %v; want the kept one", a.ID, err)
	}
	if sf, err := m.GetSubfleetByNumber(ctx, readmodel.GetSubfleetByNumberParams{TenantID: tid, Number: 1}); err != nil || sf.ID != sfID {
		t.Errorf("subfleet 1 after a failed batch = %s, %v; want the kept one", sf.ID, err)
	}
	if a, err := m.GetAircraftByNumber(ctx, readmodel.GetAircraftByNumberParams{TenantID: tid, Number: 1}); err != nil || a.ID != planeID {
		t.Errorf("aircraft 1 after a failed batch = %s, %v; want the kept one", a.ID, err)
	}
	if _, err := m.GetAirlineByNumber(ctx, 2); domain.ErrorCode(err) != domain.ENotFound {
		t.Errorf("airline 2, of the failed batch: %v, want not found", err)
	}
	if _, err := m.GetSubfleetByNumber(ctx, readmodel.GetSubfleetByNumberParams{TenantID: tid, Number: 2}); domain.ErrorCode(err) != domain.ENotFound {
		t.Errorf("subfleet 2, of the failed batch: %v, want not found", err)
	}
	if _, err := m.GetAircraftByNumber(ctx, readmodel.GetAircraftByNumberParams{TenantID: tid, Number: 2}); domain.ErrorCode(err) != domain.ENotFound {
		t.Errorf("aircraft 2, of the failed batch: %v, want not found", err)
	}

	// The next inserts are 2, not 3: the failed batch's numbers came back.
	airline, sf, plane := uuid.New(), uuid.New(), uuid.New()
	must(m.UpsertAirline(ctx, params(airline, "next")))
	must(m.UpsertSubfleet(ctx, readmodel.UpsertSubfleetParams{TenantID: tid, ID: sf, Type: "E190", CreatedAt: when, UpdatedAt: when}))
	must(m.UpsertAircraft(ctx, readmodel.UpsertAircraftParams{TenantID: tid, ID: plane, SubfleetID: sf, Registration: "G-NEXT", CreatedAt: when, UpdatedAt: when}))
	if a, err := m.GetAirline(ctx, airline); err != nil || a.Number != 2 {
		t.Errorf("the next airline = number %d, %v; want 2", a.Number, err)
	}
	if got, err := m.GetSubfleet(ctx, readmodel.GetSubfleetParams{TenantID: tid, ID: sf}); err != nil || got.Number != 2 {
		t.Errorf("the next subfleet = number %d, %v; want 2", got.Number, err)
	}
	if got, err := m.GetAircraft(ctx, readmodel.GetAircraftParams{TenantID: tid, ID: plane}); err != nil || got.Number != 2 {
		t.Errorf("the next aircraft = number %d, %v; want 2", got.Number, err)
	}
}
