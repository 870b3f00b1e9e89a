package readmodeltest

import (
	"context"
	"slices"
	"testing"
	"time"

	"github.com/google/uuid"

	"github.com/albatross-va/albatross/domain"
	"github.com/albatross-va/albatross/store/readmodel"
)

// airlineEventCases are the suite's cases of queries/airline_events.sql.
var airlineEventCases = map[string]func(t *testing.T, q readmodel.Querier){
	"UpsertAirlineEvent":             testAirlineEvents,
	"CancelAirlineEvent":             testAirlineEvents,
	"ListAirlineEvents":              testAirlineEvents,
	"GetAirlineEvent":                testAirlineEvents,
	"DeleteAllAirlineEvents":         testAirlineEvents,
	"InsertAirlineEventSignup":       testAirlineEventSignups,
	"DeleteAirlineEventSignup":       testAirlineEventSignups,
	"ListAirlineEventSignups":        testAirlineEventSignups,
	"DeleteAllAirlineEventSignups":   testAirlineEventSignups,
	"InsertAirlineEventFlight":       testAirlineEventFlights,
	"DeleteAirlineEventFlight":       testAirlineEventFlights,
	"ListAirlineEventFlights":        testAirlineEventFlights,
	"ListAirlineEventFlightsByPirep": testAirlineEventFlights,
	"DeleteAllAirlineEventFlights":   testAirlineEventFlights,
}

// testAirlineEvents checks that an airline's events list by start, within
// the airline only; that a change keeps the creation time and a
// cancellation; that one event reads back whole and not from another
// airline; and that a reset empties them.
func testAirlineEvents(t *testing.T, q readmodel.Querier) {
	ctx := context.Background()
	late, early, other := uuid.MustParse("9e000000-0000-4000-8000-000000000001"), uuid.MustParse("9e000000-0000-4000-8000-000000000002"),
		uuid.MustParse("9e000000-0000-4000-8000-000000000003")
	for _, r := range []readmodel.UpsertAirlineEventParams{
		{TenantID: tenantA, ID: late, Name: "Late", StartsAt: at.Add(48 * time.Hour), EndsAt: at.Add(50 * time.Hour), MatchKind: domain.EventMatchAirport,
			FlightNumbers: []string{}, Airport: "LPPT", CreatedAt: at},
		{TenantID: tenantA, ID: early, Name: "Early", Description: "Fly", StartsAt: at.Add(time.Hour), EndsAt: at.Add(3 * time.Hour),
			MatchKind: domain.EventMatchFlights, FlightNumbers: []string{"100", "101"}, CreatedAt: at},
		{TenantID: tenantB, ID: other, Name: "Theirs", StartsAt: at, EndsAt: at.Add(time.Hour), MatchKind: domain.EventMatchAirport,
			FlightNumbers: []string{}, Airport: "EGLL", CreatedAt: at},
	} {
		if err := q.UpsertAirlineEvent(ctx, r); err != nil {
			t.Fatal(err)
		}
	}
	if err := q.CancelAirlineEvent(ctx, readmodel.CancelAirlineEventParams{TenantID: tenantA, ID: late, UpdatedAt: at.Add(time.Minute)}); err != nil {
		t.Fatal(err)
	}
	// A change after the cancellation keeps it, and the creation time.
	if err := q.UpsertAirlineEvent(ctx, readmodel.UpsertAirlineEventParams{TenantID: tenantA, ID: late, Name: "Later", StartsAt: at.Add(48 * time.Hour),
		EndsAt: at.Add(52 * time.Hour), MatchKind: domain.EventMatchAirport, FlightNumbers: []string{}, Airport: "LPPR", CreatedAt: at.Add(time.Hour)}); err != nil {
		t.Fatal(err)
	}
	list, err := q.ListAirlineEvents(ctx, tenantA)
	if err != nil || len(list) != 2 || list[0].ID != early || list[1].ID != late {
		t.Fatalf("ListAirlineEvents(A) = %+v, %v; want Early then Late", list, err)
	}
	if l := list[1]; l.Name != "Later" || l.Airport != "LPPR" || !l.Cancelled || !l.CreatedAt.Equal(at.Truncate(time.Microsecond)) ||
		!l.UpdatedAt.Equal(at.Add(time.Hour).Truncate(time.Microsecond)) || !l.EndsAt.Equal(at.Add(52*time.Hour).Truncate(time.Microsecond)) {
		t.Errorf("Later = %+v", l)
	}
	got, err := q.GetAirlineEvent(ctx, readmodel.GetAirlineEventParams{TenantID: tenantA, ID: early})
	if err != nil || got.Name != "Early" || got.Description != "Fly" || !slices.Equal(got.FlightNumbers, []string{"100", "101"}) || got.Cancelled ||
		got.MatchKind != domain.EventMatchFlights || !got.StartsAt.Equal(at.Add(time.Hour).Truncate(time.Microsecond)) {
		t.Errorf("GetAirlineEvent = %+v, %v", got, err)
	}
	if _, err := q.GetAirlineEvent(ctx, readmodel.GetAirlineEventParams{TenantID: tenantB, ID: early}); domain.ErrorCode(err) != domain.ENotFound {
		t.Errorf("A's event from B: %v, want not found", err)
	}
	if err := q.DeleteAllAirlineEvents(ctx); err != nil {
		t.Fatal(err)
	}
	if list, err := q.ListAirlineEvents(ctx, tenantB); err != nil || len(list) != 0 {
		t.Errorf("after DeleteAllAirlineEvents: %+v, %v", list, err)
	}
}

// testAirlineEventSignups checks that an event's sign-ups list first first,
// once each, within the event and airline; that a withdrawal takes one
// away; and that a reset empties them.
func testAirlineEventSignups(t *testing.T, q readmodel.Querier) {
	ctx := context.Background()
	event, otherEvent := uuid.MustParse("9e000000-0000-4000-8000-000000000011"), uuid.MustParse("9e000000-0000-4000-8000-000000000012")
	pilotB := uuid.MustParse("9e000000-0000-4000-8000-0000000000b2")
	for _, r := range []readmodel.InsertAirlineEventSignupParams{
		{TenantID: tenantA, EventID: event, UserID: pilotB, SignedUpAt: at.Add(time.Minute)},
		{TenantID: tenantA, EventID: event, UserID: pilotA, SignedUpAt: at},
		{TenantID: tenantA, EventID: event, UserID: pilotA, SignedUpAt: at.Add(time.Hour)},
		{TenantID: tenantA, EventID: otherEvent, UserID: pilotA, SignedUpAt: at},
		{TenantID: tenantB, EventID: event, UserID: pilotA, SignedUpAt: at},
	} {
		if err := q.InsertAirlineEventSignup(ctx, r); err != nil {
			t.Fatal(err)
		}
	}
	list, err := q.ListAirlineEventSignups(ctx, readmodel.ListAirlineEventSignupsParams{TenantID: tenantA, EventID: event})
	if err != nil || len(list) != 2 || list[0].UserID != pilotA || list[1].UserID != pilotB || !list[0].SignedUpAt.Equal(at.Truncate(time.Microsecond)) {
		t.Fatalf("ListAirlineEventSignups = %+v, %v", list, err)
	}
	if err := q.DeleteAirlineEventSignup(ctx, readmodel.DeleteAirlineEventSignupParams{TenantID: tenantA, EventID: event, UserID: pilotA}); err != nil {
		t.Fatal(err)
	}
	if list, _ := q.ListAirlineEventSignups(ctx, readmodel.ListAirlineEventSignupsParams{TenantID: tenantA, EventID: event}); len(list) != 1 || list[0].UserID != pilotB {
		t.Errorf("after the withdrawal: %+v", list)
	}
	if list, _ := q.ListAirlineEventSignups(ctx, readmodel.ListAirlineEventSignupsParams{TenantID: tenantB, EventID: event}); len(list) != 1 {
		t.Errorf("B's sign-ups: %+v, want its one", list)
	}
	if err := q.DeleteAllAirlineEventSignups(ctx); err != nil {
		t.Fatal(err)
	}
	if list, _ := q.ListAirlineEventSignups(ctx, readmodel.ListAirlineEventSignupsParams{TenantID: tenantA, EventID: otherEvent}); len(list) != 0 {
		t.Errorf("after DeleteAllAirlineEventSignups: %+v", list)
	}
}

// testAirlineEventFlights checks that an event's counted flights list in
// the order they counted, once each; that a PIREP's events read by PIREP
// within the airline; that an uncounted flight goes from both; and that a
// reset empties them.
func testAirlineEventFlights(t *testing.T, q readmodel.Querier) {
	ctx := context.Background()
	e1, e2 := uuid.MustParse("9e000000-0000-4000-8000-000000000021"), uuid.MustParse("9e000000-0000-4000-8000-000000000022")
	p1, p2 := uuid.MustParse("9e000000-0000-4000-8000-0000000000f1"), uuid.MustParse("9e000000-0000-4000-8000-0000000000f2")
	for _, r := range []readmodel.InsertAirlineEventFlightParams{
		{TenantID: tenantA, EventID: e1, PirepID: p2, UserID: pilotA, FlightNumber: "101", DptAirport: "LPPT", ArrAirport: "EGLL",
			BlockOn: at, CountedAt: at.Add(2 * time.Minute)},
		{TenantID: tenantA, EventID: e1, PirepID: p1, UserID: pilotA, FlightNumber: "100", DptAirport: "EGLL", ArrAirport: "LPPT",
			BlockOn: at, CountedAt: at.Add(time.Minute)},
		{TenantID: tenantA, EventID: e1, PirepID: p1, UserID: pilotA, FlightNumber: "again", CountedAt: at.Add(time.Hour)},
		{TenantID: tenantA, EventID: e2, PirepID: p1, UserID: pilotA, FlightNumber: "100", CountedAt: at},
		{TenantID: tenantB, EventID: e1, PirepID: p1, UserID: pilotA, FlightNumber: "100", CountedAt: at},
	} {
		if err := q.InsertAirlineEventFlight(ctx, r); err != nil {
			t.Fatal(err)
		}
	}
	list, err := q.ListAirlineEventFlights(ctx, readmodel.ListAirlineEventFlightsParams{TenantID: tenantA, EventID: e1})
	if err != nil || len(list) != 2 || list[0].PirepID != p1 || list[1].PirepID != p2 || list[0].FlightNumber != "100" ||
		list[0].ArrAirport != "LPPT" || !list[0].BlockOn.Equal(at.Truncate(time.Microsecond)) {
		t.Fatalf("ListAirlineEventFlights = %+v, %v", list, err)
	}
	by, err := q.ListAirlineEventFlightsByPirep(ctx, readmodel.ListAirlineEventFlightsByPirepParams{TenantID: tenantA, PirepID: p1})
	if err != nil || len(by) != 2 || by[0].EventID != e1 || by[1].EventID != e2 {
		t.Fatalf("ListAirlineEventFlightsByPirep = %+v, %v", by, err)
	}
	if err := q.DeleteAirlineEventFlight(ctx, readmodel.DeleteAirlineEventFlightParams{TenantID: tenantA, EventID: e1, PirepID: p1}); err != nil {
		t.Fatal(err)
	}
	if list, _ := q.ListAirlineEventFlights(ctx, readmodel.ListAirlineEventFlightsParams{TenantID: tenantA, EventID: e1}); len(list) != 1 || list[0].PirepID != p2 {
		t.Errorf("after uncounting: %+v", list)
	}
	if by, _ := q.ListAirlineEventFlightsByPirep(ctx, readmodel.ListAirlineEventFlightsByPirepParams{TenantID: tenantA, PirepID: p1}); len(by) != 1 || by[0].EventID != e2 {
		t.Errorf("the PIREP's events after uncounting: %+v", by)
	}
	if by, _ := q.ListAirlineEventFlightsByPirep(ctx, readmodel.ListAirlineEventFlightsByPirepParams{TenantID: tenantB, PirepID: p1}); len(by) != 1 {
		t.Errorf("B's: %+v, want its one", by)
	}
	if err := q.DeleteAllAirlineEventFlights(ctx); err != nil {
		t.Fatal(err)
	}
	if by, _ := q.ListAirlineEventFlightsByPirep(ctx, readmodel.ListAirlineEventFlightsByPirepParams{TenantID: tenantA, PirepID: p1}); len(by) != 0 {
		t.Errorf("after DeleteAllAirlineEventFlights: %+v", by)
	}
}
