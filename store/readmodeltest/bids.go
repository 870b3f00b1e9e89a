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

// bidCases are the suite's cases of queries/bids.sql: the airlines' bid
// settings and the pilots' bids.
var bidCases = map[string]func(t *testing.T, q readmodel.Querier){
	"UpsertAirlineBidRules":    testAirlineBidRules,
	"GetAirlineBidRules":       testAirlineBidRules,
	"DeleteAllAirlineBidRules": testAirlineBidRules,
	"InsertBid":                testCharterBidRows,
	"GetBid":                   testBidNumbersAndLookups,
	"GetBidByNumber":           testBidNumbersAndLookups,
	"EndBid":                   testBidNumbersAndLookups,
	"ListPilotBids":            testBidLists,
	"ListFlightBids":           testBidLists,
	"ListAircraftBids":         testBidLists,
	"ListExpiredBids":          testExpiredBids,
	"DeleteAllBids":            testBidLists,
}

func testAirlineBidRules(t *testing.T, q readmodel.Querier) {
	ctx := context.Background()
	if _, err := q.GetAirlineBidRules(ctx, tenantA); domain.ErrorCode(err) != domain.ENotFound {
		t.Fatalf("before any: %v, want not found", err)
	}
	row := readmodel.UpsertAirlineBidRulesParams{TenantID: tenantA, AllowMultiple: true, UpdatedAt: at}
	if err := q.UpsertAirlineBidRules(ctx, row); err != nil {
		t.Fatal(err)
	}
	row.AllowMultiple, row.OnePilotPerFlight, row.BlockAircraft, row.ExpireAfterHours, row.UpdatedAt = false, true, true, 24, at.Add(time.Hour)
	if err := q.UpsertAirlineBidRules(ctx, row); err != nil {
		t.Fatal(err)
	}
	got, err := q.GetAirlineBidRules(ctx, tenantA)
	if err != nil || got.AllowMultiple || !got.OnePilotPerFlight || !got.BlockAircraft || got.ExpireAfterHours != 24 ||
		!got.UpdatedAt.Equal(row.UpdatedAt.Truncate(time.Microsecond)) {
		t.Errorf("GetAirlineBidRules = %+v, %v; want the second write", got, err)
	}
	if _, err := q.GetAirlineBidRules(ctx, tenantB); domain.ErrorCode(err) != domain.ENotFound {
		t.Errorf("another airline: %v, want not found", err)
	}
	if err := q.DeleteAllAirlineBidRules(ctx); err != nil {
		t.Fatal(err)
	}
	if _, err := q.GetAirlineBidRules(ctx, tenantA); domain.ErrorCode(err) != domain.ENotFound {
		t.Errorf("after DeleteAllAirlineBidRules: %v, want not found", err)
	}
}

// bidRow is a bid of a tenant placed at at plus a few minutes.
func bidRow(tenant string, id, pilot uuid.UUID, flight, aircraft string, minutes int) readmodel.InsertBidParams {
	return readmodel.InsertBidParams{TenantID: tenant, ID: id, PilotID: pilot, FlightID: flight, AircraftID: aircraft,
		FlightNumber: "12", DptAirport: "EGLL", ArrAirport: "KJFK", PlacedAt: at.Add(time.Duration(minutes) * time.Minute)}
}

func insertBids(t *testing.T, q readmodel.Querier, rows ...readmodel.InsertBidParams) {
	t.Helper()
	for _, r := range rows {
		if err := q.InsertBid(context.Background(), r); err != nil {
			t.Fatal(err)
		}
	}
}

var (
	bid1, bid2, bid3, bid4 = uuid.MustParse("b1000000-0000-4000-8000-000000000001"), uuid.MustParse("b1000000-0000-4000-8000-000000000002"),
		uuid.MustParse("b1000000-0000-4000-8000-000000000003"), uuid.MustParse("b1000000-0000-4000-8000-000000000004")
	bidPilot1, bidPilot2 = uuid.MustParse("a1000000-0000-4000-8000-000000000001"), uuid.MustParse("a1000000-0000-4000-8000-000000000002")
)

func testBidNumbersAndLookups(t *testing.T, q readmodel.Querier) {
	ctx := context.Background()
	insertBids(t, q, bidRow(tenantA, bid1, bidPilot1, "f1", "", 0), bidRow(tenantA, bid2, bidPilot1, "f2", "ac1", 1),
		bidRow(tenantB, bid3, bidPilot2, "f1", "", 2))
	insertBids(t, q, bidRow(tenantA, bid1, bidPilot2, "f9", "", 9)) // the same bid again: nothing
	got, err := q.GetBid(ctx, readmodel.GetBidParams{TenantID: tenantA, ID: bid1})
	if err != nil || got.Number != 1 || got.PilotID != bidPilot1 || got.FlightID != "f1" || got.FlightNumber != "12" ||
		got.DptAirport != "EGLL" || got.ArrAirport != "KJFK" || !got.PlacedAt.Equal(at.Truncate(time.Microsecond)) || got.EndedAt != nil {
		t.Errorf("GetBid = %+v, %v", got, err)
	}
	if b, err := q.GetBidByNumber(ctx, readmodel.GetBidByNumberParams{TenantID: tenantA, Number: 2}); err != nil || b.ID != bid2 || b.AircraftID != "ac1" {
		t.Errorf("GetBidByNumber 2 = %+v, %v", b, err)
	}
	if b, err := q.GetBidByNumber(ctx, readmodel.GetBidByNumberParams{TenantID: tenantB, Number: 1}); err != nil || b.ID != bid3 {
		t.Errorf("another airline's number 1 = %+v, %v; want its own first bid", b, err)
	}
	if _, err := q.GetBid(ctx, readmodel.GetBidParams{TenantID: tenantB, ID: bid1}); domain.ErrorCode(err) != domain.ENotFound {
		t.Errorf("a bid of another airline: %v, want not found", err)
	}
	end := readmodel.EndBidParams{TenantID: tenantA, ID: bid2, EndedAt: at.Add(time.Hour), EndReason: domain.BidFiled}
	if err := q.EndBid(ctx, end); err != nil {
		t.Fatal(err)
	}
	for _, get := range []func() error{
		func() error { _, err := q.GetBid(ctx, readmodel.GetBidParams{TenantID: tenantA, ID: bid2}); return err },
		func() error {
			_, err := q.GetBidByNumber(ctx, readmodel.GetBidByNumberParams{TenantID: tenantA, Number: 2})
			return err
		},
	} {
		if err := get(); domain.ErrorCode(err) != domain.ENotFound {
			t.Errorf("an ended bid: %v, want not found", err)
		}
	}
	// The ended bid keeps its number: the next one is 3.
	insertBids(t, q, bidRow(tenantA, bid4, bidPilot2, "f2", "", 3))
	if b, err := q.GetBid(ctx, readmodel.GetBidParams{TenantID: tenantA, ID: bid4}); err != nil || b.Number != 3 {
		t.Errorf("the bid after an ended one = %+v, %v; want number 3", b, err)
	}
}

func bidIDs(bids []readmodel.Bid) []uuid.UUID {
	var out []uuid.UUID
	for _, b := range bids {
		out = append(out, b.ID)
	}
	return out
}

func testBidLists(t *testing.T, q readmodel.Querier) {
	ctx := context.Background()
	insertBids(t, q, bidRow(tenantA, bid2, bidPilot1, "f2", "ac2", 5), bidRow(tenantA, bid1, bidPilot1, "f1", "ac1", 0),
		bidRow(tenantA, bid3, bidPilot2, "f3", "", 1), bidRow(tenantB, bid4, bidPilot1, "f1", "ac1", 0))
	pilot, err := q.ListPilotBids(ctx, readmodel.ListPilotBidsParams{TenantID: tenantA, PilotID: bidPilot1})
	if err != nil || !slices.Equal(bidIDs(pilot), []uuid.UUID{bid1, bid2}) {
		t.Errorf("ListPilotBids = %v, %v; want bid1, bid2 (oldest first)", bidIDs(pilot), err)
	}
	flights, err := q.ListFlightBids(ctx, readmodel.ListFlightBidsParams{TenantID: tenantA, FlightIds: []string{"f3", "f1", "nope"}})
	if err != nil || !slices.Equal(bidIDs(flights), []uuid.UUID{bid1, bid3}) {
		t.Errorf("ListFlightBids = %v, %v; want bid1, bid3 (by flight)", bidIDs(flights), err)
	}
	aircraft, err := q.ListAircraftBids(ctx, tenantA)
	if err != nil || !slices.Equal(bidIDs(aircraft), []uuid.UUID{bid1, bid2}) {
		t.Errorf("ListAircraftBids = %v, %v; want bid1, bid2 (by aircraft)", bidIDs(aircraft), err)
	}
	if err := q.EndBid(ctx, readmodel.EndBidParams{TenantID: tenantA, ID: bid1, EndedAt: at, EndReason: domain.BidRemovedByPilot}); err != nil {
		t.Fatal(err)
	}
	if got, _ := q.ListPilotBids(ctx, readmodel.ListPilotBidsParams{TenantID: tenantA, PilotID: bidPilot1}); !slices.Equal(bidIDs(got), []uuid.UUID{bid2}) {
		t.Errorf("ListPilotBids after an end = %v, want bid2", bidIDs(got))
	}
	if got, _ := q.ListFlightBids(ctx, readmodel.ListFlightBidsParams{TenantID: tenantA, FlightIds: []string{"f1"}}); len(got) != 0 {
		t.Errorf("ListFlightBids of an ended bid's flight = %v, want none", bidIDs(got))
	}
	if err := q.DeleteAllBids(ctx); err != nil {
		t.Fatal(err)
	}
	if got, err := q.ListAircraftBids(ctx, tenantB); err != nil || len(got) != 0 {
		t.Errorf("after DeleteAllBids: %v, %v", bidIDs(got), err)
	}
}

func testExpiredBids(t *testing.T, q readmodel.Querier) {
	ctx := context.Background()
	for _, r := range []readmodel.UpsertAirlineBidRulesParams{
		{TenantID: tenantA, ExpireAfterHours: 2, UpdatedAt: at},
		{TenantID: tenantB, ExpireAfterHours: 0, UpdatedAt: at}, // never
	} {
		if err := q.UpsertAirlineBidRules(ctx, r); err != nil {
			t.Fatal(err)
		}
	}
	insertBids(t, q, bidRow(tenantA, bid1, bidPilot1, "f1", "", 0), bidRow(tenantA, bid2, bidPilot2, "f2", "", 60),
		bidRow(tenantA, bid3, bidPilot2, "f3", "", -30), bidRow(tenantB, bid4, bidPilot1, "f1", "", -600))
	now := at.Add(2 * time.Hour) // bid1 is exactly 2 hours old, bid3 older, bid2 younger
	got, err := q.ListExpiredBids(ctx, readmodel.ListExpiredBidsParams{Now: now, MaxRows: 10})
	if err != nil || !slices.Equal(bidIDs(got), []uuid.UUID{bid3, bid1}) {
		t.Errorf("ListExpiredBids = %v, %v; want bid3, bid1", bidIDs(got), err)
	}
	if got, _ := q.ListExpiredBids(ctx, readmodel.ListExpiredBidsParams{Now: now, MaxRows: 1}); !slices.Equal(bidIDs(got), []uuid.UUID{bid3}) {
		t.Errorf("ListExpiredBids limited to 1 = %v, want bid3", bidIDs(got))
	}
	if err := q.EndBid(ctx, readmodel.EndBidParams{TenantID: tenantA, ID: bid3, EndedAt: now, EndReason: domain.BidExpired}); err != nil {
		t.Fatal(err)
	}
	if got, _ := q.ListExpiredBids(ctx, readmodel.ListExpiredBidsParams{Now: now, MaxRows: 10}); !slices.Equal(bidIDs(got), []uuid.UUID{bid1}) {
		t.Errorf("ListExpiredBids after one ended = %v, want bid1", bidIDs(got))
	}
}

// testCharterBidRows checks that a charter booking's plan reads back whole
// (and the bids' numbering and lookups, as InsertBid's other case).
func testCharterBidRows(t *testing.T, q readmodel.Querier) {
	testBidNumbersAndLookups(t, q)
	ctx := context.Background()
	id := uuid.MustParse("b1000000-0000-4000-8000-0000000000c1")
	row := bidRow(tenantB, id, bidPilot2, "", "ac-9", 0)
	row.Charter, row.Route, row.Level, row.Distance, row.Cargo = true, "DCT BOMUP DCT", 36000, 839, true
	row.DptTime, row.ArrTime, row.FlightTime = "09:30", "12:05", 155
	insertBids(t, q, row)
	got, err := q.GetBid(ctx, readmodel.GetBidParams{TenantID: tenantB, ID: id})
	if err != nil || !got.Charter || got.FlightID != "" || got.Route != "DCT BOMUP DCT" || got.Level != 36000 || got.Distance != 839 ||
		!got.Cargo || got.DptTime != "09:30" || got.ArrTime != "12:05" || got.FlightTime != 155 || got.AircraftID != "ac-9" {
		t.Errorf("charter bid = %+v, %v; want its plan", got, err)
	}
}
