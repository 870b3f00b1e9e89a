package readmodeltest

import (
	"context"
	"testing"
	"time"

	"github.com/google/uuid"

	"github.com/albatross-va/albatross/domain"
	"github.com/albatross-va/albatross/store/readmodel"
)

// tourCases are the suite's cases of queries/tours.sql.
var tourCases = map[string]func(t *testing.T, q readmodel.Querier){
	"UpsertTour":               testTours,
	"DeleteTour":               testTours,
	"ListTours":                testTours,
	"GetTour":                  testTours,
	"DeleteAllTours":           testTours,
	"InsertTourLeg":            testTours,
	"DeleteTourLegs":           testTours,
	"ListTourLegs":             testTours,
	"DeleteAllTourLegs":        testTours,
	"InsertTourLegFlown":       testTourProgress,
	"DeleteTourLegFlown":       testTourProgress,
	"ListPilotTourLegsFlown":   testTourProgress,
	"DeleteAllTourLegsFlown":   testTourProgress,
	"InsertTourCompletion":     testTourProgress,
	"DeleteTourCompletion":     testTourProgress,
	"ListTourCompletions":      testTourProgress,
	"DeleteAllTourCompletions": testTourProgress,
}

// testTours checks that an airline's tours list by name within the airline,
// that a second save replaces the first, that a tour of another airline is
// not found, that legs come back in their order and are replaced whole,
// and that deletions and resets empty them.
func testTours(t *testing.T, q readmodel.Querier) {
	ctx := context.Background()
	t1, t2, t3 := uuid.MustParse("7e000000-0000-4000-8000-000000000001"), uuid.MustParse("7e000000-0000-4000-8000-000000000002"),
		uuid.MustParse("7e000000-0000-4000-8000-000000000003")
	for _, r := range []readmodel.UpsertTourParams{
		{TenantID: tenantA, ID: t1, Name: "iberia", Description: "old", Legs: 1, UpdatedAt: at},
		{TenantID: tenantA, ID: t2, Name: "Alps", AnyOrder: true, StartsOn: "2026-12-01", EndsOn: "2026-12-31", Legs: 2, UpdatedAt: at},
		{TenantID: tenantB, ID: t3, Name: "Other", Legs: 1, UpdatedAt: at},
		{TenantID: tenantA, ID: t1, Name: "Iberia", Description: "Three legs", Legs: 3, UpdatedAt: at.Add(time.Hour)},
	} {
		if err := q.UpsertTour(ctx, r); err != nil {
			t.Fatal(err)
		}
	}
	list, err := q.ListTours(ctx, tenantA)
	if err != nil || len(list) != 2 || list[0].ID != t2 || list[1].ID != t1 {
		t.Fatalf("ListTours(A) = %+v, %v; want Alps then Iberia", list, err)
	}
	if l := list[0]; !l.AnyOrder || l.StartsOn != "2026-12-01" || l.EndsOn != "2026-12-31" || l.Legs != 2 {
		t.Errorf("Alps = %+v", l)
	}
	got, err := q.GetTour(ctx, readmodel.GetTourParams{TenantID: tenantA, ID: t1})
	if err != nil || got.Name != "Iberia" || got.Description != "Three legs" || got.Legs != 3 || !got.UpdatedAt.Equal(at.Add(time.Hour).Truncate(time.Microsecond)) {
		t.Errorf("GetTour = %+v, %v; want the second save", got, err)
	}
	if _, err := q.GetTour(ctx, readmodel.GetTourParams{TenantID: tenantB, ID: t1}); domain.ErrorCode(err) != domain.ENotFound {
		t.Errorf("A's tour from B: %v, want not found", err)
	}
	for _, l := range []readmodel.InsertTourLegParams{
		{TenantID: tenantA, TourID: t1, N: 1, Dpt: "LPPT", Arr: "LEMD"},
		{TenantID: tenantA, TourID: t1, N: 0, Dpt: "EGLL", Arr: "LPPT", FlightNumber: "117", AircraftIcao: "A320"},
		{TenantID: tenantA, TourID: t2, N: 0, Dpt: "LSZH", Arr: "LOWI"},
		{TenantID: tenantB, TourID: t1, N: 0, Dpt: "KJFK", Arr: "KBOS"},
	} {
		if err := q.InsertTourLeg(ctx, l); err != nil {
			t.Fatal(err)
		}
	}
	legs, err := q.ListTourLegs(ctx, readmodel.ListTourLegsParams{TenantID: tenantA, TourID: t1})
	if err != nil || len(legs) != 2 || legs[0].Dpt != "EGLL" || legs[0].FlightNumber != "117" || legs[0].AircraftIcao != "A320" || legs[1].Arr != "LEMD" {
		t.Errorf("ListTourLegs = %+v, %v", legs, err)
	}
	if err := q.DeleteTourLegs(ctx, readmodel.DeleteTourLegsParams{TenantID: tenantA, TourID: t1}); err != nil {
		t.Fatal(err)
	}
	if legs, _ := q.ListTourLegs(ctx, readmodel.ListTourLegsParams{TenantID: tenantA, TourID: t1}); len(legs) != 0 {
		t.Errorf("after DeleteTourLegs: %+v", legs)
	}
	if legs, _ := q.ListTourLegs(ctx, readmodel.ListTourLegsParams{TenantID: tenantB, TourID: t1}); len(legs) != 1 {
		t.Errorf("B's legs went with A's: %+v", legs)
	}
	if err := q.DeleteTour(ctx, readmodel.DeleteTourParams{TenantID: tenantA, ID: t2}); err != nil {
		t.Fatal(err)
	}
	if list, _ := q.ListTours(ctx, tenantA); len(list) != 1 || list[0].ID != t1 {
		t.Errorf("after DeleteTour: %+v", list)
	}
	if err := q.DeleteAllTours(ctx); err != nil {
		t.Fatal(err)
	}
	if err := q.DeleteAllTourLegs(ctx); err != nil {
		t.Fatal(err)
	}
	if list, _ := q.ListTours(ctx, tenantB); len(list) != 0 {
		t.Errorf("after DeleteAllTours: %+v", list)
	}
	if legs, _ := q.ListTourLegs(ctx, readmodel.ListTourLegsParams{TenantID: tenantA, TourID: t2}); len(legs) != 0 {
		t.Errorf("after DeleteAllTourLegs: %+v", legs)
	}
}

// testTourProgress checks that a pilot's legs flown list by tour and leg,
// once each, within the pilot and airline; that a leg taken back goes;
// that a tour's completions list first finished first, once each; and
// that resets empty them.
func testTourProgress(t *testing.T, q readmodel.Querier) {
	ctx := context.Background()
	t1, t2 := uuid.MustParse("7e000000-0000-4000-8000-000000000011"), uuid.MustParse("7e000000-0000-4000-8000-000000000012")
	pilotB := uuid.MustParse("7e000000-0000-4000-8000-0000000000b2")
	for _, r := range []readmodel.InsertTourLegFlownParams{
		{TenantID: tenantA, UserID: pilotA, TourID: t2, N: 0, PirepID: "p3", FlownAt: at},
		{TenantID: tenantA, UserID: pilotA, TourID: t1, N: 1, PirepID: "p2", FlownAt: at.Add(time.Hour)},
		{TenantID: tenantA, UserID: pilotA, TourID: t1, N: 0, PirepID: "p1", FlownAt: at},
		{TenantID: tenantA, UserID: pilotA, TourID: t1, N: 0, PirepID: "again", FlownAt: at},
		{TenantID: tenantA, UserID: pilotB, TourID: t1, N: 0, PirepID: "pb", FlownAt: at},
		{TenantID: tenantB, UserID: pilotA, TourID: t1, N: 0, PirepID: "px", FlownAt: at},
	} {
		if err := q.InsertTourLegFlown(ctx, r); err != nil {
			t.Fatal(err)
		}
	}
	flown, err := q.ListPilotTourLegsFlown(ctx, readmodel.ListPilotTourLegsFlownParams{TenantID: tenantA, UserID: pilotA})
	if err != nil || len(flown) != 3 || flown[0].TourID != t1 || flown[0].N != 0 || flown[0].PirepID != "p1" || flown[1].N != 1 ||
		flown[2].TourID != t2 || !flown[1].FlownAt.Equal(at.Add(time.Hour).Truncate(time.Microsecond)) {
		t.Fatalf("ListPilotTourLegsFlown = %+v, %v", flown, err)
	}
	if err := q.DeleteTourLegFlown(ctx, readmodel.DeleteTourLegFlownParams{TenantID: tenantA, UserID: pilotA, TourID: t1, N: 0}); err != nil {
		t.Fatal(err)
	}
	if flown, _ := q.ListPilotTourLegsFlown(ctx, readmodel.ListPilotTourLegsFlownParams{TenantID: tenantA, UserID: pilotA}); len(flown) != 2 || flown[0].N != 1 {
		t.Errorf("after taking leg 0 back: %+v", flown)
	}
	if flown, _ := q.ListPilotTourLegsFlown(ctx, readmodel.ListPilotTourLegsFlownParams{TenantID: tenantB, UserID: pilotA}); len(flown) != 1 || flown[0].PirepID != "px" {
		t.Errorf("the pilot's legs in B: %+v", flown)
	}
	for _, c := range []readmodel.InsertTourCompletionParams{
		{TenantID: tenantA, TourID: t1, UserID: pilotB, CompletedAt: at.Add(2 * time.Hour)},
		{TenantID: tenantA, TourID: t1, UserID: pilotA, CompletedAt: at.Add(time.Hour)},
		{TenantID: tenantA, TourID: t1, UserID: pilotB, CompletedAt: at},
		{TenantID: tenantB, TourID: t1, UserID: pilotA, CompletedAt: at},
	} {
		if err := q.InsertTourCompletion(ctx, c); err != nil {
			t.Fatal(err)
		}
	}
	board, err := q.ListTourCompletions(ctx, readmodel.ListTourCompletionsParams{TenantID: tenantA, TourID: t1})
	if err != nil || len(board) != 2 || board[0].UserID != pilotA || board[1].UserID != pilotB ||
		!board[1].CompletedAt.Equal(at.Add(2*time.Hour).Truncate(time.Microsecond)) {
		t.Fatalf("ListTourCompletions = %+v, %v; want A (first) then B, B's first completion kept", board, err)
	}
	if err := q.DeleteTourCompletion(ctx, readmodel.DeleteTourCompletionParams{TenantID: tenantA, TourID: t1, UserID: pilotA}); err != nil {
		t.Fatal(err)
	}
	if board, _ := q.ListTourCompletions(ctx, readmodel.ListTourCompletionsParams{TenantID: tenantA, TourID: t1}); len(board) != 1 || board[0].UserID != pilotB {
		t.Errorf("after taking A's completion back: %+v", board)
	}
	if err := q.DeleteAllTourCompletions(ctx); err != nil {
		t.Fatal(err)
	}
	if err := q.DeleteAllTourLegsFlown(ctx); err != nil {
		t.Fatal(err)
	}
	if board, _ := q.ListTourCompletions(ctx, readmodel.ListTourCompletionsParams{TenantID: tenantB, TourID: t1}); len(board) != 0 {
		t.Errorf("after DeleteAllTourCompletions: %+v", board)
	}
	if flown, _ := q.ListPilotTourLegsFlown(ctx, readmodel.ListPilotTourLegsFlownParams{TenantID: tenantA, UserID: pilotB}); len(flown) != 0 {
		t.Errorf("after DeleteAllTourLegsFlown: %+v", flown)
	}
}
