package readmodeltest

import (
	"bytes"
	"context"
	"fmt"
	"reflect"
	"slices"
	"testing"
	"time"

	"github.com/google/uuid"

	"github.com/albatross-va/albatross/domain"
	"github.com/albatross-va/albatross/store/readmodel"
)

// pirepCases are the suite's cases of queries/pireps.sql: an airline's
// PIREPs, the review queue, and the totals accepted PIREPs give pilots and
// aircraft, which never mix airlines.
var pirepCases = map[string]func(t *testing.T, q readmodel.Querier){
	"UpsertPirep":                     testUpsertPirep,
	"GetPirep":                        testGetPirep,
	"ListPirepsByPilot":               testListPirepsByPilot,
	"ListPendingPireps":               testListPendingPireps,
	"ListPirepsByAirline":             testListPirepsByAirline,
	"DeleteAllPireps":                 testDeleteAllPireps,
	"AddPirepToPilotStats":            testPilotStats,
	"SubtractPirepFromPilotStats":     testPilotStats,
	"GetPilotStats":                   testPilotStats,
	"DeleteAllPilotStats":             testDeleteAllPilotStats,
	"AddPirepToAircraftTotals":        testAircraftPirepTotals,
	"SubtractPirepFromAircraftTotals": testAircraftPirepTotals,
	"GetAircraftPirepTotals":          testAircraftPirepTotals,
	"ListAircraftPirepTotals":         testAircraftPirepTotals,
	"DeleteAllAircraftPirepTotals":    testDeleteAllAircraftPirepTotals,
}

var (
	pilotA    = uuid.MustParse("0b5e0a1c-1111-4a7e-9d8e-000000000001")
	pilotB    = uuid.MustParse("0b5e0a1c-1111-4a7e-9d8e-000000000002")
	aircraftA = uuid.MustParse("0b5e0a1c-2222-4a7e-9d8e-000000000001")
	aircraftB = uuid.MustParse("0b5e0a1c-2222-4a7e-9d8e-000000000002")
)

// pirep is a PIREP of pilotA on aircraftA, EGLL to LPPT, filed n minutes
// after at.
func pirep(tenant, id, state string, n int) readmodel.UpsertPirepParams {
	off := at.Add(time.Duration(n) * time.Minute)
	return readmodel.UpsertPirepParams{
		TenantID: tenant, ID: uuid.MustParse(id), PilotID: pilotA, State: state, FlightNumber: "1234", RouteCode: "A",
		RouteLeg: 1, FlightID: "", DptAirport: "EGLL", ArrAirport: "LPPT", AltAirport: "LPFR", AircraftID: aircraftA,
		BlockOff: off, BlockOn: off.Add(165 * time.Minute), FlightTime: 150, Distance: 840, Level: 37000,
		FuelUsed: 11023, LandingRate: -142, Route: "DET L6 DVR", Remarks: "Smooth — très bien", Source: "manual",
		FiledAt: off.Add(3 * time.Hour), QueuedAt: off.Add(3 * time.Hour), UpdatedAt: off.Add(3*time.Hour + time.Nanosecond),
	}
}

// pirepRow is the row an upsert of p reads back as.
func pirepRow(p readmodel.UpsertPirepParams) readmodel.Pirep {
	r := readmodel.Pirep(p)
	for _, ts := range []*time.Time{&r.BlockOff, &r.BlockOn, &r.FiledAt, &r.QueuedAt, &r.UpdatedAt} {
		*ts = ts.Truncate(time.Microsecond)
	}
	return r
}

func upsertPireps(t *testing.T, q readmodel.Querier, ps ...readmodel.UpsertPirepParams) {
	t.Helper()
	for _, p := range ps {
		if err := q.UpsertPirep(context.Background(), p); err != nil {
			t.Fatalf("UpsertPirep(%s): %v", p.ID, err)
		}
	}
}

// samePireps compares rows column by column, times by instant, and checks
// they come back in the local time zone as pgx returns them.
func samePireps(t *testing.T, what string, got []readmodel.Pirep, want ...readmodel.UpsertPirepParams) {
	t.Helper()
	if len(got) != len(want) {
		ids := make([]uuid.UUID, len(got))
		for i, g := range got {
			ids[i] = g.ID
		}
		t.Fatalf("%s: %d rows %v, want %d", what, len(got), ids, len(want))
	}
	utc := func(r readmodel.Pirep) readmodel.Pirep {
		for _, ts := range []*time.Time{&r.BlockOff, &r.BlockOn, &r.FiledAt, &r.QueuedAt, &r.UpdatedAt} {
			*ts = ts.UTC()
		}
		if r.LastPositionAt != nil {
			at := r.LastPositionAt.UTC().Truncate(time.Microsecond)
			r.LastPositionAt = &at
		}
		return r
	}
	for i := range want {
		g, w := got[i], pirepRow(want[i])
		if !reflect.DeepEqual(utc(g), utc(w)) || g.FiledAt.Location().String() != time.Local.String() {
			t.Errorf("%s: row %d = %+v, want %+v", what, i, g, w)
		}
	}
}

func testUpsertPirep(t *testing.T, q readmodel.Querier) {
	ctx := context.Background()
	first := pirep(tenantA, "7a0c1e2d-3b4f-4a5b-8c6d-000000000001", "pending", 0)
	upsertPireps(t, q, first)
	got, err := q.GetPirep(ctx, readmodel.GetPirepParams{TenantID: tenantA, ID: first.ID})
	if err != nil {
		t.Fatal(err)
	}
	samePireps(t, "after insert", []readmodel.Pirep{got}, first)
	// The same id again replaces every column.
	second := pirep(tenantA, first.ID.String(), "rejected", 30)
	second.PilotID, second.AircraftID, second.RejectReason, second.FlightID = pilotB, aircraftB, "Wrong aircraft", "fl-1"
	second.Route, second.Remarks, second.LandingRate, second.FuelUsed = "", "", 0, 0
	upsertPireps(t, q, second)
	got, err = q.GetPirep(ctx, readmodel.GetPirepParams{TenantID: tenantA, ID: first.ID})
	if err != nil {
		t.Fatal(err)
	}
	samePireps(t, "after second upsert", []readmodel.Pirep{got}, second)
	bad := first
	bad.Remarks = "bad\x00remark"
	if err := q.UpsertPirep(ctx, bad); err != nil {
		t.Fatalf("UpsertPirep with a NUL in the remarks: %v", err)
	}
	if got, err := q.GetPirep(ctx, readmodel.GetPirepParams{TenantID: tenantA, ID: bad.ID}); err != nil || !storedText(got.Remarks, bad.Remarks) {
		t.Errorf("after a NUL in the remarks: %q, %v; want %q stored", got.Remarks, err, bad.Remarks)
	}
}

func testGetPirep(t *testing.T, q readmodel.Querier) {
	ctx := context.Background()
	a := pirep(tenantA, "7a0c1e2d-3b4f-4a5b-8c6d-000000000001", "draft", 0)
	b := pirep(tenantB, "7a0c1e2d-3b4f-4a5b-8c6d-000000000002", "draft", 0)
	if _, err := q.GetPirep(ctx, readmodel.GetPirepParams{TenantID: tenantA, ID: a.ID}); domain.ErrorCode(err) != domain.ENotFound {
		t.Fatalf("GetPirep on an empty table: %v, want not found", err)
	}
	upsertPireps(t, q, a, b)
	for _, miss := range []readmodel.GetPirepParams{{TenantID: tenantA, ID: b.ID}, {TenantID: tenantB, ID: a.ID}, {TenantID: "", ID: a.ID}} {
		if _, err := q.GetPirep(ctx, miss); domain.ErrorCode(err) != domain.ENotFound {
			t.Errorf("GetPirep(%q, %s): %v, want not found", miss.TenantID, miss.ID, err)
		}
	}
}

func testListPirepsByPilot(t *testing.T, q readmodel.Querier) {
	ctx := context.Background()
	list := func(tenant string, pilot uuid.UUID, limit int32) []readmodel.Pirep {
		t.Helper()
		got, err := q.ListPirepsByPilot(ctx, readmodel.ListPirepsByPilotParams{TenantID: tenant, PilotID: pilot, Limit: limit})
		if err != nil {
			t.Fatalf("ListPirepsByPilot: %v", err)
		}
		return got
	}
	if got := list(tenantA, pilotA, 10); got != nil {
		t.Fatalf("on an empty table: %v, want nil", got)
	}
	old := pirep(tenantA, "7a0c1e2d-3b4f-4a5b-8c6d-000000000001", "accepted", 0)
	newer := pirep(tenantA, "7a0c1e2d-3b4f-4a5b-8c6d-000000000002", "pending", 60)
	tieB := pirep(tenantA, "7a0c1e2d-3b4f-4a5b-8c6d-000000000004", "draft", 120)
	tieA := pirep(tenantA, "7a0c1e2d-3b4f-4a5b-8c6d-000000000003", "draft", 120)
	otherPilot := pirep(tenantA, "7a0c1e2d-3b4f-4a5b-8c6d-000000000005", "draft", 200)
	otherPilot.PilotID = pilotB
	otherTenant := pirep(tenantB, "7a0c1e2d-3b4f-4a5b-8c6d-000000000006", "draft", 300)
	upsertPireps(t, q, old, newer, tieB, tieA, otherPilot, otherTenant)
	samePireps(t, "pilot A, newest first", list(tenantA, pilotA, 10), tieA, tieB, newer, old)
	samePireps(t, "pilot A, limit 2", list(tenantA, pilotA, 2), tieA, tieB)
	samePireps(t, "pilot B", list(tenantA, pilotB, 10), otherPilot)
	if _, err := q.ListPirepsByPilot(ctx, readmodel.ListPirepsByPilotParams{TenantID: tenantA, PilotID: pilotA, Limit: -1}); err == nil {
		t.Error("a negative limit succeeded; PostgreSQL refuses it")
	}
}

func testListPendingPireps(t *testing.T, q readmodel.Querier) {
	ctx := context.Background()
	// Queued order, not filing order: a draft filed early and submitted
	// late waits behind PIREPs submitted before it.
	early := pirep(tenantA, "7a0c1e2d-3b4f-4a5b-8c6d-000000000001", "pending", 0)
	early.QueuedAt = at.Add(10 * time.Hour)
	late := pirep(tenantA, "7a0c1e2d-3b4f-4a5b-8c6d-000000000002", "pending", 60)
	late.QueuedAt = at.Add(5 * time.Hour)
	draft := pirep(tenantA, "7a0c1e2d-3b4f-4a5b-8c6d-000000000003", "draft", 0)
	accepted := pirep(tenantA, "7a0c1e2d-3b4f-4a5b-8c6d-000000000004", "accepted", 0)
	other := pirep(tenantB, "7a0c1e2d-3b4f-4a5b-8c6d-000000000005", "pending", 0)
	got, err := q.ListPendingPireps(ctx, readmodel.ListPendingPirepsParams{TenantID: tenantA, Limit: 10})
	if err != nil || got != nil {
		t.Fatalf("on an empty table: %v, %v; want nil", got, err)
	}
	upsertPireps(t, q, early, late, draft, accepted, other)
	got, err = q.ListPendingPireps(ctx, readmodel.ListPendingPirepsParams{TenantID: tenantA, Limit: 10})
	if err != nil {
		t.Fatal(err)
	}
	samePireps(t, "pending in A, oldest in the queue first", got, late, early)
	got, err = q.ListPendingPireps(ctx, readmodel.ListPendingPirepsParams{TenantID: tenantA, Limit: 1})
	if err != nil {
		t.Fatal(err)
	}
	samePireps(t, "a page of one", got, late)
	got, err = q.ListPendingPireps(ctx, readmodel.ListPendingPirepsParams{TenantID: tenantA, Limit: 1, Offset: 1})
	if err != nil {
		t.Fatal(err)
	}
	samePireps(t, "the second page of one", got, early)
	got, err = q.ListPendingPireps(ctx, readmodel.ListPendingPirepsParams{TenantID: tenantA, Limit: 10, Offset: 2})
	if err != nil || got != nil {
		t.Errorf("a page past the end: %v, %v; want nil", got, err)
	}
	if _, err := q.ListPendingPireps(ctx, readmodel.ListPendingPirepsParams{TenantID: tenantA, Limit: -1}); err == nil {
		t.Error("a negative limit succeeded; PostgreSQL refuses it")
	}
	if _, err := q.ListPendingPireps(ctx, readmodel.ListPendingPirepsParams{TenantID: tenantA, Limit: 1, Offset: -1}); err == nil {
		t.Error("a negative offset succeeded; PostgreSQL refuses it")
	}
	testPendingPages(t, q)
}

// testPendingPages fills a queue past a page, with ties in queued_at
// broken by id, and reads it a page at a time: the pages together are the
// queue in order, and the count the pager shows matches.
func testPendingPages(t *testing.T, q readmodel.Querier) {
	ctx := context.Background()
	var want []readmodel.UpsertPirepParams
	for i := range 7 {
		// Ids in reverse of the queued order, and every second one at the
		// same instant as the one before.
		p := pirep(tenantB, fmt.Sprintf("7a0c1e2d-3b4f-4a5b-8c6d-0000000001%02d", 20-i), "pending", 0)
		p.QueuedAt = at.Add(time.Duration(i/2) * time.Hour)
		want = append(want, p)
	}
	upsertPireps(t, q, want...)
	// B had one pending PIREP already, queued at the fixture's time.
	all, err := q.ListPendingPireps(ctx, readmodel.ListPendingPirepsParams{TenantID: tenantB, Limit: 100})
	if err != nil || len(all) != 8 {
		t.Fatalf("B's queue: %d rows, %v; want 8", len(all), err)
	}
	inQueueOrder := slices.IsSortedFunc(all, func(a, b readmodel.Pirep) int {
		if c := a.QueuedAt.Compare(b.QueuedAt); c != 0 {
			return c
		}
		return bytes.Compare(a.ID[:], b.ID[:])
	})
	if !inQueueOrder {
		t.Errorf("B's queue is not by queued_at, id: %v", ids(all))
	}
	var paged []readmodel.Pirep
	for offset := int32(0); offset < 10; offset += 3 {
		got, err := q.ListPendingPireps(ctx, readmodel.ListPendingPirepsParams{TenantID: tenantB, Limit: 3, Offset: offset})
		if err != nil {
			t.Fatal(err)
		}
		paged = append(paged, got...)
	}
	if !reflect.DeepEqual(paged, all) {
		t.Errorf("the pages of three are not the queue in order:\n got %v\nwant %v", ids(paged), ids(all))
	}
	n, err := q.CountPirepsByAirline(ctx, readmodel.CountPirepsByAirlineParams{TenantID: tenantB, State: "pending",
		FromTime: time.Date(1000, 1, 1, 0, 0, 0, 0, time.UTC), ToTime: time.Date(3000, 1, 1, 0, 0, 0, 0, time.UTC)})
	if err != nil || n != 8 {
		t.Errorf("B's pending count: %d, %v; want 8", n, err)
	}
}

func ids(rows []readmodel.Pirep) []string {
	out := make([]string, 0, len(rows))
	for _, r := range rows {
		out = append(out, r.ID.String()[30:])
	}
	return out
}

func testListPirepsByAirline(t *testing.T, q readmodel.Querier) {
	ctx := context.Background()
	p1 := pirep(tenantA, "7a0c1e2d-3b4f-4a5b-8c6d-000000000001", "accepted", 0)
	p2 := pirep(tenantA, "7a0c1e2d-3b4f-4a5b-8c6d-000000000002", "pending", 24*60)
	p2.PilotID, p2.DptAirport, p2.ArrAirport = pilotB, "LPPT", "LPFR"
	p3 := pirep(tenantA, "7a0c1e2d-3b4f-4a5b-8c6d-000000000003", "pending", 48*60)
	p3.AircraftID, p3.DptAirport, p3.ArrAirport = aircraftB, "KJFK", "EGLL"
	other := pirep(tenantB, "7a0c1e2d-3b4f-4a5b-8c6d-000000000004", "pending", 0)
	upsertPireps(t, q, p1, p2, p3, other)
	all := readmodel.ListPirepsByAirlineParams{TenantID: tenantA, FromTime: at.Add(-time.Hour), ToTime: at.Add(1000 * time.Hour), RowLimit: 50}
	cases := []struct {
		name string
		edit func(a *readmodel.ListPirepsByAirlineParams)
		want []readmodel.UpsertPirepParams
	}{
		{"all, newest first", func(*readmodel.ListPirepsByAirlineParams) {}, []readmodel.UpsertPirepParams{p3, p2, p1}},
		{"state", func(a *readmodel.ListPirepsByAirlineParams) { a.State = "pending" }, []readmodel.UpsertPirepParams{p3, p2}},
		{"pilot", func(a *readmodel.ListPirepsByAirlineParams) { a.PilotID = pilotB }, []readmodel.UpsertPirepParams{p2}},
		{"airport, departure or arrival", func(a *readmodel.ListPirepsByAirlineParams) { a.Airport = "EGLL" }, []readmodel.UpsertPirepParams{p3, p1}},
		{"aircraft", func(a *readmodel.ListPirepsByAirlineParams) { a.AircraftID = aircraftA }, []readmodel.UpsertPirepParams{p2, p1}},
		{"from is inclusive, to exclusive", func(a *readmodel.ListPirepsByAirlineParams) {
			a.FromTime, a.ToTime = p2.BlockOff, p3.BlockOff
		}, []readmodel.UpsertPirepParams{p2}},
		{"page", func(a *readmodel.ListPirepsByAirlineParams) { a.RowOffset, a.RowLimit = 1, 1 }, []readmodel.UpsertPirepParams{p2}},
		{"past the end", func(a *readmodel.ListPirepsByAirlineParams) { a.RowOffset = 3 }, nil},
		{"state and airport", func(a *readmodel.ListPirepsByAirlineParams) { a.State, a.Airport = "accepted", "LPFR" }, nil},
	}
	for _, c := range cases {
		arg := all
		c.edit(&arg)
		got, err := q.ListPirepsByAirline(ctx, arg)
		if err != nil {
			t.Fatalf("%s: %v", c.name, err)
		}
		if c.want == nil && got != nil {
			t.Errorf("%s: %d rows, want nil", c.name, len(got))
			continue
		}
		samePireps(t, c.name, got, c.want...)
	}
	neg := all
	neg.RowOffset = -1
	if _, err := q.ListPirepsByAirline(ctx, neg); err == nil {
		t.Error("a negative offset succeeded; PostgreSQL refuses it")
	}
}

func testDeleteAllPireps(t *testing.T, q readmodel.Querier) {
	ctx := context.Background()
	a := pirep(tenantA, "7a0c1e2d-3b4f-4a5b-8c6d-000000000001", "draft", 0)
	upsertPireps(t, q, a, pirep(tenantB, "7a0c1e2d-3b4f-4a5b-8c6d-000000000002", "draft", 0))
	if err := q.DeleteAllPireps(ctx); err != nil {
		t.Fatal(err)
	}
	if _, err := q.GetPirep(ctx, readmodel.GetPirepParams{TenantID: tenantA, ID: a.ID}); domain.ErrorCode(err) != domain.ENotFound {
		t.Errorf("after DeleteAllPireps: %v, want not found", err)
	}
}

// addAccepted adds PIREPs that became accepted to their pilot's and
// aircraft's totals, as the projector does after writing their rows.
func addAccepted(t *testing.T, q readmodel.Querier, ps ...readmodel.UpsertPirepParams) {
	t.Helper()
	ctx := context.Background()
	for _, p := range ps {
		if err := q.AddPirepToPilotStats(ctx, readmodel.AddPirepToPilotStatsParams{TenantID: p.TenantID, PilotID: p.PilotID, PirepID: p.ID,
			FlightTime: p.FlightTime, LandingRate: p.LandingRate, BlockOn: p.BlockOn, ArrAirport: p.ArrAirport}); err != nil {
			t.Fatal(err)
		}
		if err := q.AddPirepToAircraftTotals(ctx, readmodel.AddPirepToAircraftTotalsParams{TenantID: p.TenantID, AircraftID: p.AircraftID,
			PirepID: p.ID, FlightTime: p.FlightTime, BlockOn: p.BlockOn, ArrAirport: p.ArrAirport}); err != nil {
			t.Fatal(err)
		}
	}
}

// subtractAccepted takes PIREPs that were accepted with the values of ps
// out of the totals, as the projector does after writing their new rows.
func subtractAccepted(t *testing.T, q readmodel.Querier, ps ...readmodel.UpsertPirepParams) {
	t.Helper()
	ctx := context.Background()
	for _, p := range ps {
		if err := q.SubtractPirepFromPilotStats(ctx, readmodel.SubtractPirepFromPilotStatsParams{TenantID: p.TenantID, PilotID: p.PilotID,
			PirepID: p.ID, FlightTime: p.FlightTime, LandingRate: p.LandingRate}); err != nil {
			t.Fatal(err)
		}
		if err := q.SubtractPirepFromAircraftTotals(ctx, readmodel.SubtractPirepFromAircraftTotalsParams{TenantID: p.TenantID,
			AircraftID: p.AircraftID, PirepID: p.ID, FlightTime: p.FlightTime}); err != nil {
			t.Fatal(err)
		}
	}
}

// testPilotStats covers the pilot's running totals: only what is added
// counts, per pilot and airline; the location is the latest flight's
// arrival by block-on (ties: the smaller id); the landing rate averages the
// non-zero rates, rounded half away from zero; a rejection after
// acceptance takes the PIREP out again, and the next latest flight takes
// its place.
func testPilotStats(t *testing.T, q readmodel.Querier) {
	ctx := context.Background()
	key := readmodel.GetPilotStatsParams{TenantID: tenantA, PilotID: pilotA}
	get := func(key readmodel.GetPilotStatsParams) readmodel.PilotStat {
		t.Helper()
		s, err := q.GetPilotStats(ctx, key)
		if err != nil {
			t.Fatal(err)
		}
		return s
	}
	if _, err := q.GetPilotStats(ctx, key); domain.ErrorCode(err) != domain.ENotFound {
		t.Fatalf("GetPilotStats before any: %v, want not found", err)
	}
	p1 := pirep(tenantA, "7a0c1e2d-3b4f-4a5b-8c6d-000000000001", "accepted", 0)
	p1.LandingRate = -100
	p2 := pirep(tenantA, "7a0c1e2d-3b4f-4a5b-8c6d-000000000002", "accepted", 600)
	p2.ArrAirport, p2.FlightTime, p2.LandingRate = "LPFR", 61, -203
	p3 := pirep(tenantA, "7a0c1e2d-3b4f-4a5b-8c6d-000000000003", "accepted", 300)
	p3.LandingRate = 0 // not reported: left out of the average
	tie := pirep(tenantA, "7a0c1e2d-3b4f-4a5b-8c6d-000000000009", "accepted", 600)
	tie.ArrAirport = "KJFK" // the same block-on as p2, a larger id: p2 stays the latest
	otherTenant := pirep(tenantB, "7a0c1e2d-3b4f-4a5b-8c6d-000000000005", "accepted", 900)
	otherPilot := pirep(tenantA, "7a0c1e2d-3b4f-4a5b-8c6d-000000000006", "accepted", 900)
	otherPilot.PilotID, otherPilot.FlightTime = pilotB, 45
	upsertPireps(t, q, p1, p2, p3, tie, otherTenant, otherPilot)
	addAccepted(t, q, p1, p2, p3, tie, otherTenant, otherPilot)
	s := get(key)
	if s.Flights != 4 || s.Minutes != 150+61+150+150 || s.Location != "LPFR" || s.LandingRate != -148 ||
		s.LastFlight == nil || !s.LastFlight.Equal(p2.BlockOn.Truncate(time.Microsecond)) || s.TenantID != tenantA || s.PilotID != pilotA {
		t.Errorf("after four accepted: %+v, want 4 flights, 511 minutes, at LPFR, rate -148 (0 left out)", s)
	}
	if b := get(readmodel.GetPilotStatsParams{TenantID: tenantA, PilotID: pilotB}); b.Flights != 1 || b.Minutes != 45 || b.LandingRate != -142 {
		t.Errorf("the other pilot: %+v, want 1 flight of 45 minutes", b)
	}
	// Rejecting the latest after acceptance takes it out; the tie is next.
	p2.State = "rejected"
	upsertPireps(t, q, p2)
	p2.State = "accepted"
	subtractAccepted(t, q, p2)
	if s := get(key); s.Flights != 3 || s.Minutes != 450 || s.Location != "KJFK" || s.LandingRate != -121 ||
		s.LastFlight == nil || !s.LastFlight.Equal(tie.BlockOn.Truncate(time.Microsecond)) {
		t.Errorf("after rejecting the latest: %+v, want 3 flights, 450 minutes, at KJFK, rate -121", s)
	}
	// Rejecting one that is not the latest leaves the location.
	p1.State = "rejected"
	upsertPireps(t, q, p1)
	p1.State = "accepted"
	subtractAccepted(t, q, p1)
	if s := get(key); s.Flights != 2 || s.Minutes != 300 || s.Location != "KJFK" || s.LandingRate != -142 {
		t.Errorf("after rejecting an earlier one: %+v, want 2 flights at KJFK, rate -142", s)
	}
	for _, p := range []readmodel.UpsertPirepParams{tie, p3} {
		p.State = "rejected"
		upsertPireps(t, q, p)
		p.State = "accepted"
		subtractAccepted(t, q, p)
	}
	if s := get(key); s.Flights != 0 || s.Minutes != 0 || s.LastFlight != nil || s.Location != "" || s.LandingRate != 0 {
		t.Errorf("after rejecting all: %+v, want zeros and no location", s)
	}
	if b := get(readmodel.GetPilotStatsParams{TenantID: tenantA, PilotID: pilotB}); b.Flights != 1 || b.Minutes != 45 {
		t.Errorf("the other pilot after A's rejections: %+v, want 1 flight of 45 minutes", b)
	}
	if _, err := q.GetPilotStats(ctx, readmodel.GetPilotStatsParams{TenantID: tenantB, PilotID: pilotB}); domain.ErrorCode(err) != domain.ENotFound {
		t.Errorf("another airline's stats: %v, want not found", err)
	}
}

func testDeleteAllPilotStats(t *testing.T, q readmodel.Querier) {
	ctx := context.Background()
	addAccepted(t, q, pirep(tenantA, "7a0c1e2d-3b4f-4a5b-8c6d-000000000001", "accepted", 0))
	if err := q.DeleteAllPilotStats(ctx); err != nil {
		t.Fatal(err)
	}
	if _, err := q.GetPilotStats(ctx, readmodel.GetPilotStatsParams{TenantID: tenantA, PilotID: pilotA}); domain.ErrorCode(err) != domain.ENotFound {
		t.Errorf("after DeleteAllPilotStats: %v, want not found", err)
	}
}

// testAircraftPirepTotals covers the aircraft's running totals, their
// reads, and a rejection after acceptance.
func testAircraftPirepTotals(t *testing.T, q readmodel.Querier) {
	ctx := context.Background()
	key := readmodel.GetAircraftPirepTotalsParams{TenantID: tenantA, AircraftID: aircraftA}
	if _, err := q.GetAircraftPirepTotals(ctx, key); domain.ErrorCode(err) != domain.ENotFound {
		t.Fatalf("before any: %v, want not found", err)
	}
	p1 := pirep(tenantA, "7a0c1e2d-3b4f-4a5b-8c6d-000000000001", "accepted", 0)
	p2 := pirep(tenantA, "7a0c1e2d-3b4f-4a5b-8c6d-000000000002", "accepted", 600)
	p2.PilotID, p2.ArrAirport, p2.FlightTime = pilotB, "LPFR", 45 // another pilot, the same aircraft
	otherAircraft := pirep(tenantA, "7a0c1e2d-3b4f-4a5b-8c6d-000000000003", "accepted", 900)
	otherAircraft.AircraftID = aircraftB
	cancelled := pirep(tenantA, "7a0c1e2d-3b4f-4a5b-8c6d-000000000004", "cancelled", 900)
	upsertPireps(t, q, p1, p2, otherAircraft, cancelled)
	addAccepted(t, q, p1, p2)
	got, err := q.GetAircraftPirepTotals(ctx, key)
	on, id := p2.BlockOn.Truncate(time.Microsecond), p2.ID
	want := readmodel.AircraftPirepTotal{TenantID: tenantA, AircraftID: aircraftA, Flights: 2, Minutes: 195, Location: "LPFR", LastBlockOn: &on, LastPirepID: &id}
	if err != nil || !sameAircraftTotals(got, want) {
		t.Errorf("GetAircraftPirepTotals = %+v, %v; want %+v", got, err, want)
	}
	if _, err := q.GetAircraftPirepTotals(ctx, readmodel.GetAircraftPirepTotalsParams{TenantID: tenantB, AircraftID: aircraftA}); domain.ErrorCode(err) != domain.ENotFound {
		t.Errorf("another airline's totals: %v, want not found", err)
	}
	addAccepted(t, q, otherAircraft)
	list, err := q.ListAircraftPirepTotals(ctx, tenantA)
	if err != nil || len(list) != 2 || list[0].AircraftID.String() > list[1].AircraftID.String() ||
		!slices.ContainsFunc(list, func(a readmodel.AircraftPirepTotal) bool { return sameAircraftTotals(a, want) }) {
		t.Errorf("ListAircraftPirepTotals(A) = %+v, %v; want both aircraft, by id, with %+v", list, err, want)
	}
	if list, err := q.ListAircraftPirepTotals(ctx, tenantB); err != nil || len(list) != 0 {
		t.Errorf("ListAircraftPirepTotals(B) = %+v, %v; want none", list, err)
	}
}

// sameAircraftTotals compares totals, times by instant.
func sameAircraftTotals(a, b readmodel.AircraftPirepTotal) bool {
	sameOn := (a.LastBlockOn == nil) == (b.LastBlockOn == nil) && (a.LastBlockOn == nil || a.LastBlockOn.Equal(*b.LastBlockOn))
	sameID := (a.LastPirepID == nil) == (b.LastPirepID == nil) && (a.LastPirepID == nil || *a.LastPirepID == *b.LastPirepID)
	a.LastBlockOn, a.LastPirepID, b.LastBlockOn, b.LastPirepID = nil, nil, nil, nil
	return sameOn && sameID && a == b
}

func testDeleteAllAircraftPirepTotals(t *testing.T, q readmodel.Querier) {
	ctx := context.Background()
	addAccepted(t, q, pirep(tenantA, "7a0c1e2d-3b4f-4a5b-8c6d-000000000001", "accepted", 0))
	if err := q.DeleteAllAircraftPirepTotals(ctx); err != nil {
		t.Fatal(err)
	}
	if _, err := q.GetAircraftPirepTotals(ctx, readmodel.GetAircraftPirepTotalsParams{TenantID: tenantA, AircraftID: aircraftA}); domain.ErrorCode(err) != domain.ENotFound {
		t.Errorf("after DeleteAllAircraftPirepTotals: %v, want not found", err)
	}
}
