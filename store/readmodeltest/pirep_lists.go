package readmodeltest

import (
	"context"
	"reflect"
	"testing"
	"time"

	"github.com/google/uuid"

	"github.com/albatross-va/albatross/domain"
	"github.com/albatross-va/albatross/store/readmodel"
)

// pirepListCases are the suite's cases of queries/pirep_lists.sql: the
// staff's PIREP list in its other orders and its count, the roster and the
// airline's statistics, none of which mixes airlines.
var pirepListCases = map[string]func(t *testing.T, q readmodel.Querier){
	"ListPirepsByAirlineOldest":  testListPirepsByAirlineOrders,
	"ListPirepsByAirlineLongest": testListPirepsByAirlineOrders,
	"CountPirepsByAirline":       testCountPirepsByAirline,
	"ListRoster":                 testListRoster,
	"CountRoster":                testListRoster,
	"SumAirlineFlights":          testAirlineTotals,
	"SumAirlineFlightsBetween":   testAirlineTotals,
	"ListTopPilotsBetween":       testListTopPilotsBetween,
	"DeferPirepCounts":           testRecountPireps,
	"RecountPireps":              testRecountPireps,
}

// testRecountPireps: a recount gives the counts the rows hold, per airline
// and state, whatever the counts were. (That a deferred transaction skips
// the row-by-row count is the projector's rebuild test: outside a
// transaction the deferral ends with its own statement.)
func testRecountPireps(t *testing.T, q readmodel.Querier) {
	ctx := context.Background()
	_, _, _, all := listFixture(t, q)
	count := func(tenant, state string) int64 {
		t.Helper()
		n, err := q.CountPirepsByAirline(ctx, readmodel.CountPirepsByAirlineParams{TenantID: tenant, State: state,
			FromTime: all.FromTime, ToTime: all.ToTime})
		if err != nil {
			t.Fatalf("CountPirepsByAirline: %v", err)
		}
		return n
	}
	if err := q.DeferPirepCounts(ctx); err != nil {
		t.Fatalf("DeferPirepCounts: %v", err)
	}
	if err := q.RecountPireps(ctx); err != nil {
		t.Fatalf("RecountPireps: %v", err)
	}
	for _, c := range []struct {
		tenant, state string
		want          int64
	}{{tenantA, "", 3}, {tenantA, "pending", 2}, {tenantB, "", 1}} {
		if got := count(c.tenant, c.state); got != c.want {
			t.Errorf("after a recount %s has %d PIREPs in state %q, want %d", c.tenant, got, c.state, c.want)
		}
	}

	// The totals come from the accepted rows too: pilot A's two accepted
	// flights (the later one the latest), none for pilot B's pending one.
	later := pirep(tenantA, "7a0c1e2d-3b4f-4a5b-8c6d-000000000005", "accepted", 72*60)
	later.ArrAirport, later.FlightTime, later.LandingRate = "LPFR", 75, -301
	upsertPireps(t, q, later)
	if err := q.RecountPireps(ctx); err != nil {
		t.Fatalf("RecountPireps: %v", err)
	}
	stats, err := q.GetPilotStats(ctx, readmodel.GetPilotStatsParams{TenantID: tenantA, PilotID: pilotA})
	if err != nil {
		t.Fatalf("GetPilotStats after a recount: %v", err)
	}
	latest := later.BlockOn.Truncate(time.Microsecond)
	if stats.Flights != 2 || stats.Minutes != 200+75 || stats.Location != "LPFR" || stats.LandingRate != -222 ||
		stats.LandingRateSum != -142-301 || stats.LandingRates != 2 || stats.LastPirepID == nil || *stats.LastPirepID != later.ID ||
		stats.LastFlight == nil || !stats.LastFlight.Equal(latest) {
		t.Errorf("pilot A's stats after a recount %+v, want 2 flights, 275 minutes, at LPFR since %v, landing rate -222", stats, latest)
	}
	if _, err := q.GetPilotStats(ctx, readmodel.GetPilotStatsParams{TenantID: tenantA, PilotID: pilotB}); domain.ErrorCode(err) != domain.ENotFound {
		t.Errorf("pilot B (pending only) after a recount: err = %v, want no totals", err)
	}
	totals, err := q.GetAircraftPirepTotals(ctx, readmodel.GetAircraftPirepTotalsParams{TenantID: tenantA, AircraftID: aircraftA})
	if err != nil {
		t.Fatalf("GetAircraftPirepTotals after a recount: %v", err)
	}
	if totals.Flights != 2 || totals.Minutes != 275 || totals.Location != "LPFR" || totals.LastPirepID == nil || *totals.LastPirepID != later.ID {
		t.Errorf("aircraft A's totals after a recount %+v, want 2 flights, 275 minutes, at LPFR", totals)
	}
}

// listFixture is three PIREPs of airline A a day apart and one of B.
func listFixture(t *testing.T, q readmodel.Querier) (p1, p2, p3 readmodel.UpsertPirepParams, all readmodel.ListPirepsByAirlineParams) {
	t.Helper()
	p1 = pirep(tenantA, "7a0c1e2d-3b4f-4a5b-8c6d-000000000001", "accepted", 0)
	p1.FlightTime = 200
	p2 = pirep(tenantA, "7a0c1e2d-3b4f-4a5b-8c6d-000000000002", "pending", 24*60)
	p2.PilotID, p2.DptAirport, p2.ArrAirport, p2.FlightTime = pilotB, "LPPT", "LPFR", 90
	p3 = pirep(tenantA, "7a0c1e2d-3b4f-4a5b-8c6d-000000000003", "pending", 48*60)
	p3.AircraftID, p3.DptAirport, p3.ArrAirport, p3.FlightTime = aircraftB, "KJFK", "EGLL", 200
	other := pirep(tenantB, "7a0c1e2d-3b4f-4a5b-8c6d-000000000004", "pending", 0)
	other.FlightTime = 999
	upsertPireps(t, q, p1, p2, p3, other)
	all = readmodel.ListPirepsByAirlineParams{TenantID: tenantA, FromTime: at.Add(-time.Hour), ToTime: at.Add(1000 * time.Hour), RowLimit: 50}
	return p1, p2, p3, all
}

func testListPirepsByAirlineOrders(t *testing.T, q readmodel.Querier) {
	ctx := context.Background()
	oldest := func(a readmodel.ListPirepsByAirlineParams) []readmodel.Pirep {
		t.Helper()
		got, err := q.ListPirepsByAirlineOldest(ctx, readmodel.ListPirepsByAirlineOldestParams(a))
		if err != nil {
			t.Fatalf("ListPirepsByAirlineOldest: %v", err)
		}
		return got
	}
	longest := func(a readmodel.ListPirepsByAirlineParams) []readmodel.Pirep {
		t.Helper()
		got, err := q.ListPirepsByAirlineLongest(ctx, readmodel.ListPirepsByAirlineLongestParams(a))
		if err != nil {
			t.Fatalf("ListPirepsByAirlineLongest: %v", err)
		}
		return got
	}
	if got := oldest(readmodel.ListPirepsByAirlineParams{TenantID: tenantA, ToTime: at, RowLimit: 5}); got != nil {
		t.Fatalf("oldest on an empty table: %v, want nil", got)
	}
	p1, p2, p3, all := listFixture(t, q)
	samePireps(t, "oldest first", oldest(all), p1, p2, p3)
	// Equal flight times: the newer filed first.
	samePireps(t, "longest first", longest(all), p3, p1, p2)
	page := all
	page.RowOffset, page.RowLimit = 1, 1
	samePireps(t, "oldest, second page of one", oldest(page), p2)
	samePireps(t, "longest, second page of one", longest(page), p1)
	filtered := all
	filtered.State, filtered.Airport = "pending", "EGLL"
	samePireps(t, "oldest, pending at EGLL", oldest(filtered), p3)
	filtered = all
	filtered.PilotID, filtered.AircraftID = pilotA, aircraftA
	samePireps(t, "longest, pilot A on aircraft A", longest(filtered), p1)
	filtered = all
	filtered.FromTime, filtered.ToTime = p2.BlockOff, p3.BlockOff
	samePireps(t, "from inclusive, to exclusive", oldest(filtered), p2)
	neg := all
	neg.RowLimit = -1
	if _, err := q.ListPirepsByAirlineLongest(ctx, readmodel.ListPirepsByAirlineLongestParams(neg)); err == nil {
		t.Error("a negative limit succeeded; PostgreSQL refuses it")
	}
	neg = all
	neg.RowOffset = -1
	if _, err := q.ListPirepsByAirlineOldest(ctx, readmodel.ListPirepsByAirlineOldestParams(neg)); err == nil {
		t.Error("a negative offset succeeded; PostgreSQL refuses it")
	}
}

func testCountPirepsByAirline(t *testing.T, q readmodel.Querier) {
	ctx := context.Background()
	count := func(a readmodel.ListPirepsByAirlineParams) int64 {
		t.Helper()
		n, err := q.CountPirepsByAirline(ctx, readmodel.CountPirepsByAirlineParams{TenantID: a.TenantID, State: a.State,
			PilotID: a.PilotID, Airport: a.Airport, AircraftID: a.AircraftID, FromTime: a.FromTime, ToTime: a.ToTime})
		if err != nil {
			t.Fatalf("CountPirepsByAirline: %v", err)
		}
		return n
	}
	if n := count(readmodel.ListPirepsByAirlineParams{TenantID: tenantA, ToTime: at}); n != 0 {
		t.Fatalf("on an empty table: %d", n)
	}
	_, p2, p3, all := listFixture(t, q)
	cases := []struct {
		name string
		edit func(a *readmodel.ListPirepsByAirlineParams)
		want int64
	}{
		{"all of A, none of B", func(*readmodel.ListPirepsByAirlineParams) {}, 3},
		{"state", func(a *readmodel.ListPirepsByAirlineParams) { a.State = "pending" }, 2},
		{"pilot", func(a *readmodel.ListPirepsByAirlineParams) { a.PilotID = pilotB }, 1},
		{"airport, departure or arrival", func(a *readmodel.ListPirepsByAirlineParams) { a.Airport = "EGLL" }, 2},
		{"aircraft", func(a *readmodel.ListPirepsByAirlineParams) { a.AircraftID = aircraftA }, 2},
		{"dates", func(a *readmodel.ListPirepsByAirlineParams) { a.FromTime, a.ToTime = p2.BlockOff, p3.BlockOff }, 1},
		{"the page does not count", func(a *readmodel.ListPirepsByAirlineParams) { a.RowOffset, a.RowLimit = 2, 1 }, 3},
		{"filters combine", func(a *readmodel.ListPirepsByAirlineParams) { a.State, a.Airport = "accepted", "EGLL" }, 1},
		{"to nothing", func(a *readmodel.ListPirepsByAirlineParams) { a.State, a.PilotID = "accepted", pilotB }, 0},
	}
	for _, c := range cases {
		arg := all
		c.edit(&arg)
		if got := count(arg); got != c.want {
			t.Errorf("%s: %d, want %d", c.name, got, c.want)
		}
	}
	// The count agrees with the list's rows.
	rows, err := q.ListPirepsByAirline(ctx, all)
	if err != nil || len(rows) != int(count(all)) {
		t.Errorf("the list has %d rows (%v), the count %d", len(rows), err, count(all))
	}

	// A count of the state alone (or of none) follows the rows as they
	// change state, leaves out a row whose block-off is outside the dates
	// (the list without dates asks for years 1000 to 3000), and starts
	// again after the read model is emptied for a rebuild.
	wide := all
	wide.FromTime, wide.ToTime = time.Date(1000, 1, 1, 0, 0, 0, 0, time.UTC), time.Date(3000, 1, 1, 0, 0, 0, 0, time.UTC)
	ofState := func(state string) int64 {
		t.Helper()
		arg := wide
		arg.State = state
		return count(arg)
	}
	p2.State = "accepted"
	upsertPireps(t, q, p2)
	if a, p, n := ofState("accepted"), ofState("pending"), ofState(""); a != 2 || p != 1 || n != 3 {
		t.Errorf("after a pending PIREP is accepted: %d accepted, %d pending, %d in all; want 2, 1, 3", a, p, n)
	}
	early := pirep(tenantA, "7a0c1e2d-3b4f-4a5b-8c6d-000000000005", "accepted", 0)
	early.BlockOff, early.BlockOn = time.Date(999, 12, 31, 22, 0, 0, 0, time.UTC), time.Date(999, 12, 31, 23, 0, 0, 0, time.UTC)
	late := pirep(tenantA, "7a0c1e2d-3b4f-4a5b-8c6d-000000000006", "pending", 0)
	late.BlockOff, late.BlockOn = time.Date(3000, 1, 1, 0, 0, 0, 0, time.UTC), time.Date(3000, 1, 1, 1, 0, 0, 0, time.UTC)
	upsertPireps(t, q, early, late)
	if a, p, n := ofState("accepted"), ofState("pending"), ofState(""); a != 2 || p != 1 || n != 3 {
		t.Errorf("with a block-off before and one after the dates: %d accepted, %d pending, %d in all; want 2, 1, 3", a, p, n)
	}
	if rows, err := q.ListPirepsByAirline(ctx, wide); err != nil || len(rows) != 3 {
		t.Errorf("the list over the same dates has %d rows (%v), want 3", len(rows), err)
	}
	arg := wide
	arg.ToTime = time.Date(3001, 1, 1, 0, 0, 0, 0, time.UTC)
	if n := count(arg); n != 4 {
		t.Errorf("to the year 3001: %d, want 4", n)
	}
	arg.FromTime = arg.ToTime
	if n := count(arg); n != 0 {
		t.Errorf("from the end date: %d, want 0", n)
	}
	if err := q.DeleteAllPireps(ctx); err != nil {
		t.Fatalf("DeleteAllPireps: %v", err)
	}
	upsertPireps(t, q, p3)
	if p, n := ofState("pending"), ofState(""); p != 1 || n != 1 {
		t.Errorf("after the read model was emptied and one PIREP added: %d pending, %d in all; want 1, 1", p, n)
	}
	arg = wide
	arg.TenantID = tenantB
	if n := count(arg); n != 0 {
		t.Errorf("airline B after the read model was emptied: %d, want 0", n)
	}
}

func testListRoster(t *testing.T, q readmodel.Querier) {
	ctx := context.Background()
	roster := func(tenant string) []readmodel.ListRosterRow {
		t.Helper()
		got, err := q.ListRoster(ctx, readmodel.ListRosterParams{TenantID: tenant, RowLimit: 100})
		if err != nil {
			t.Fatalf("ListRoster: %v", err)
		}
		return got
	}
	if got := roster(tenantA); got != nil {
		t.Fatalf("on empty tables: %v, want nil", got)
	}
	person := func(id, tenant, name, status, pilotID string, number int32, role string) readmodel.UpsertUserParams {
		u := user(id, tenant, name+"@example.com")
		u.Name, u.Status, u.PilotID, u.PilotNumber, u.Role = name, status, pilotID, number, role
		return u
	}
	second := person(pilotB.String(), tenantA, "Zed", "active", "ALB0002", 2, "pilot")
	first := person(pilotA.String(), tenantA, "Amy", "active", "ALB0001", 1, "pilot")
	flyingAdmin := person("0b5e0a1c-1111-4a7e-9d8e-000000000003", tenantA, "Boss", "active", "", 0, "airline_admin")
	desk := person("0b5e0a1c-1111-4a7e-9d8e-000000000004", tenantA, "Desk", "active", "", 0, "airline_admin")
	pending := person("0b5e0a1c-1111-4a7e-9d8e-000000000005", tenantA, "Newbie", "pending", "", 0, "pilot")
	suspended := person("0b5e0a1c-1111-4a7e-9d8e-000000000006", tenantA, "Gone", "suspended", "ALB0003", 3, "pilot")
	otherAirline := person("0b5e0a1c-1111-4a7e-9d8e-000000000007", tenantB, "Other", "active", "OTH0001", 1, "pilot")
	for _, u := range []readmodel.UpsertUserParams{second, first, flyingAdmin, desk, pending, suspended, otherAirline} {
		if err := q.UpsertUser(ctx, u); err != nil {
			t.Fatal(err)
		}
	}
	// Amy: two accepted flights ending at LPPT and a rank; the admin one
	// flight; B's pilot flies in B only.
	a1 := pirep(tenantA, "7a0c1e2d-3b4f-4a5b-8c6d-000000000001", "accepted", 0)
	a2 := pirep(tenantA, "7a0c1e2d-3b4f-4a5b-8c6d-000000000002", "accepted", 600)
	a2.FlightTime = 61
	boss := pirep(tenantA, "7a0c1e2d-3b4f-4a5b-8c6d-000000000003", "accepted", 0)
	boss.PilotID, boss.ArrAirport, boss.FlightTime = flyingAdmin.ID, "LPFR", 30
	inB := pirep(tenantB, "7a0c1e2d-3b4f-4a5b-8c6d-000000000004", "accepted", 0)
	inB.PilotID = otherAirline.ID
	upsertPireps(t, q, a1, a2, boss, inB)
	addAccepted(t, q, a1, a2, boss, inB)
	fo := rank(tenantA, "5e1a0000-0000-4000-8000-000000000001", "First Officer", 0)
	if err := q.UpsertRank(ctx, fo); err != nil {
		t.Fatal(err)
	}
	for _, pr := range []readmodel.UpsertPilotRankParams{
		{TenantID: tenantA, PilotID: pilotA, RankID: fo.ID.String(), SetAt: at},
		{TenantID: tenantA, PilotID: pilotB, RankID: "", SetAt: at},                      // no rank: the promotion left none
		{TenantID: tenantB, PilotID: otherAirline.ID, RankID: fo.ID.String(), SetAt: at}, // A's rank id in B names nothing
	} {
		if err := q.UpsertPilotRank(ctx, pr); err != nil {
			t.Fatal(err)
		}
	}
	want := []readmodel.ListRosterRow{
		{ID: pilotA, PilotID: "ALB0001", Name: "Amy", RankName: "First Officer", Flights: 2, Minutes: 211, Location: "LPPT"},
		{ID: pilotB, PilotID: "ALB0002", Name: "Zed"},
		{ID: flyingAdmin.ID, PilotID: "", Name: "Boss", Flights: 1, Minutes: 30, Location: "LPFR"},
	}
	if got := roster(tenantA); !reflect.DeepEqual(got, want) {
		t.Errorf("A's roster:\n got %+v\nwant %+v", got, want)
	}
	wantB := []readmodel.ListRosterRow{{ID: otherAirline.ID, PilotID: "OTH0001", Name: "Other", Flights: 1, Minutes: 150, Location: "LPPT"}}
	if got := roster(tenantB); !reflect.DeepEqual(got, wantB) {
		t.Errorf("B's roster:\n got %+v\nwant %+v", got, wantB)
	}
	checkRosterPages(t, q, tenantA, want)
	checkRosterPages(t, q, tenantB, wantB)
	checkRosterPages(t, q, "no-such-airline", nil)

	// A renumbered pilot moves, a suspended one leaves, an admin who
	// gets a pilot id joins the pilots: the order follows the people's
	// changes, as does the count.
	second.PilotNumber = 0
	first.Status = "suspended"
	flyingAdmin.PilotID, flyingAdmin.PilotNumber = "ALB0009", 9
	for _, u := range []readmodel.UpsertUserParams{second, first, flyingAdmin} {
		if err := q.UpsertUser(ctx, u); err != nil {
			t.Fatal(err)
		}
	}
	changed := []readmodel.ListRosterRow{
		{ID: pilotB, PilotID: "ALB0002", Name: "Zed"},
		{ID: flyingAdmin.ID, PilotID: "ALB0009", Name: "Boss", Flights: 1, Minutes: 30, Location: "LPFR"},
	}
	checkRosterPages(t, q, tenantA, changed)
}

// checkRosterPages reads the roster a page of one and of two at a time,
// from the start to past its end, and its count: the pages are the whole
// roster's rows in order, a page past the end is empty, and the count is
// its length.
func checkRosterPages(t *testing.T, q readmodel.Querier, tenant string, want []readmodel.ListRosterRow) {
	t.Helper()
	ctx := context.Background()
	n, err := q.CountRoster(ctx, tenant)
	if err != nil || n != int64(len(want)) {
		t.Errorf("CountRoster(%s): %d, %v; want %d", tenant, n, err, len(want))
	}
	for _, size := range []int32{1, 2} {
		var paged []readmodel.ListRosterRow
		for offset := int32(0); offset <= int32(len(want))+size; offset += size {
			got, err := q.ListRoster(ctx, readmodel.ListRosterParams{TenantID: tenant, RowLimit: size, RowOffset: offset})
			if err != nil {
				t.Fatalf("ListRoster(%s, %d at %d): %v", tenant, size, offset, err)
			}
			if offset >= int32(len(want)) && got != nil {
				t.Errorf("ListRoster(%s) past the end at %d: %+v, want nil", tenant, offset, got)
			}
			paged = append(paged, got...)
		}
		if !reflect.DeepEqual(paged, want) && (len(paged) > 0 || len(want) > 0) {
			t.Errorf("%s's roster in pages of %d:\n got %+v\nwant %+v", tenant, size, paged, want)
		}
	}
	if _, err := q.ListRoster(ctx, readmodel.ListRosterParams{TenantID: tenant, RowLimit: 1, RowOffset: -1}); err == nil {
		t.Error("a negative offset succeeded; PostgreSQL refuses it")
	}
}

func testAirlineTotals(t *testing.T, q readmodel.Querier) {
	ctx := context.Background()
	between := func(tenant string, from, to time.Time) readmodel.SumAirlineFlightsBetweenRow {
		t.Helper()
		got, err := q.SumAirlineFlightsBetween(ctx, readmodel.SumAirlineFlightsBetweenParams{TenantID: tenant, FromTime: from, ToTime: to})
		if err != nil {
			t.Fatalf("SumAirlineFlightsBetween: %v", err)
		}
		return got
	}
	total := func(tenant string) readmodel.SumAirlineFlightsRow {
		t.Helper()
		got, err := q.SumAirlineFlights(ctx, tenant)
		if err != nil {
			t.Fatalf("SumAirlineFlights: %v", err)
		}
		return got
	}
	if got := total(tenantA); got != (readmodel.SumAirlineFlightsRow{}) {
		t.Errorf("no PIREPs, total %+v", got)
	}
	if got := between(tenantA, at.Add(-time.Hour), at.Add(time.Hour)); got != (readmodel.SumAirlineFlightsBetweenRow{}) {
		t.Errorf("no PIREPs, between %+v", got)
	}
	// Block-on counts: p1 ends at at+165m; p2 at at+10h+165m.
	p1 := pirep(tenantA, "7a0c1e2d-3b4f-4a5b-8c6d-000000000001", "accepted", 0)
	p2 := pirep(tenantA, "7a0c1e2d-3b4f-4a5b-8c6d-000000000002", "accepted", 600)
	p2.PilotID, p2.FlightTime = pilotB, 61
	pending := pirep(tenantA, "7a0c1e2d-3b4f-4a5b-8c6d-000000000003", "pending", 0)
	inB := pirep(tenantB, "7a0c1e2d-3b4f-4a5b-8c6d-000000000004", "accepted", 0)
	upsertPireps(t, q, p1, p2, pending, inB)
	addAccepted(t, q, p1, p2, inB)
	if got, want := total(tenantA), (readmodel.SumAirlineFlightsRow{Flights: 2, Minutes: 211}); got != want {
		t.Errorf("A's total %+v, want %+v", got, want)
	}
	if got, want := total(tenantB), (readmodel.SumAirlineFlightsRow{Flights: 1, Minutes: 150}); got != want {
		t.Errorf("B's total %+v, want %+v", got, want)
	}
	p1On := p1.BlockOn.Truncate(time.Microsecond)
	cases := []struct {
		name     string
		from, to time.Time
		want     readmodel.SumAirlineFlightsBetweenRow
	}{
		{"both", at, at.Add(24 * time.Hour), readmodel.SumAirlineFlightsBetweenRow{Flights: 2, Minutes: 211}},
		{"from is inclusive", p1On, p1On.Add(time.Microsecond), readmodel.SumAirlineFlightsBetweenRow{Flights: 1, Minutes: 150}},
		{"to is exclusive", at, p1On, readmodel.SumAirlineFlightsBetweenRow{}},
		{"the later only", p1On.Add(time.Microsecond), at.Add(24 * time.Hour), readmodel.SumAirlineFlightsBetweenRow{Flights: 1, Minutes: 61}},
	}
	for _, c := range cases {
		if got := between(tenantA, c.from, c.to); got != c.want {
			t.Errorf("%s: %+v, want %+v", c.name, got, c.want)
		}
	}
}

func testListTopPilotsBetween(t *testing.T, q readmodel.Querier) {
	ctx := context.Background()
	top := func(tenant string, from, to time.Time, limit int32) []readmodel.ListTopPilotsBetweenRow {
		t.Helper()
		got, err := q.ListTopPilotsBetween(ctx, readmodel.ListTopPilotsBetweenParams{TenantID: tenant, FromTime: from, ToTime: to, RowLimit: limit})
		if err != nil {
			t.Fatalf("ListTopPilotsBetween: %v", err)
		}
		return got
	}
	from, to := at.Add(-time.Hour), at.Add(48*time.Hour)
	if got := top(tenantA, from, to, 5); got != nil {
		t.Fatalf("no PIREPs: %v, want nil", got)
	}
	amy := user(pilotA.String(), tenantA, "amy@example.com")
	amy.Name, amy.PilotID = "Amy", "ALB0001"
	zed := user(pilotB.String(), tenantA, "zed@example.com")
	zed.Name, zed.PilotID = "Zed", "ALB0002"
	for _, u := range []readmodel.UpsertUserParams{amy, zed} {
		if err := q.UpsertUser(ctx, u); err != nil {
			t.Fatal(err)
		}
	}
	gone := uuid.MustParse("0b5e0a1c-1111-4a7e-9d8e-000000000009") // no user row
	a1 := pirep(tenantA, "7a0c1e2d-3b4f-4a5b-8c6d-000000000001", "accepted", 0)
	a1.FlightTime = 100
	a2 := pirep(tenantA, "7a0c1e2d-3b4f-4a5b-8c6d-000000000002", "accepted", 60)
	a2.FlightTime = 20
	z1 := pirep(tenantA, "7a0c1e2d-3b4f-4a5b-8c6d-000000000003", "accepted", 0)
	z1.PilotID, z1.FlightTime = pilotB, 120 // as many minutes as Amy, fewer flights
	g1 := pirep(tenantA, "7a0c1e2d-3b4f-4a5b-8c6d-000000000004", "accepted", 0)
	g1.PilotID, g1.FlightTime = gone, 5
	zPending := pirep(tenantA, "7a0c1e2d-3b4f-4a5b-8c6d-000000000005", "pending", 0)
	zPending.PilotID, zPending.FlightTime = pilotB, 900
	late := pirep(tenantA, "7a0c1e2d-3b4f-4a5b-8c6d-000000000006", "accepted", 72*60)
	late.PilotID, late.FlightTime = pilotB, 900 // after the range
	inB := pirep(tenantB, "7a0c1e2d-3b4f-4a5b-8c6d-000000000007", "accepted", 0)
	inB.FlightTime = 999
	upsertPireps(t, q, a1, a2, z1, g1, zPending, late, inB)
	want := []readmodel.ListTopPilotsBetweenRow{
		{UserID: pilotA, PilotIdent: "ALB0001", Name: "Amy", Flights: 2, Minutes: 120},
		{UserID: pilotB, PilotIdent: "ALB0002", Name: "Zed", Flights: 1, Minutes: 120},
		{UserID: gone, Flights: 1, Minutes: 5},
	}
	if got := top(tenantA, from, to, 5); !reflect.DeepEqual(got, want) {
		t.Errorf("top of A:\n got %+v\nwant %+v", got, want)
	}
	if got := top(tenantA, from, to, 1); !reflect.DeepEqual(got, want[:1]) {
		t.Errorf("top one of A: %+v", got)
	}
	// B's PIREP of pilot A's id does not take A's name.
	wantB := []readmodel.ListTopPilotsBetweenRow{{UserID: pilotA, Flights: 1, Minutes: 999}}
	if got := top(tenantB, from, to, 5); !reflect.DeepEqual(got, wantB) {
		t.Errorf("top of B: %+v, want %+v", got, wantB)
	}
	if _, err := q.ListTopPilotsBetween(ctx, readmodel.ListTopPilotsBetweenParams{TenantID: tenantA, FromTime: from, ToTime: to, RowLimit: -1}); err == nil {
		t.Error("a negative limit succeeded; PostgreSQL refuses it")
	}
}
