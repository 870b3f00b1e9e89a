package readmodeltest

import (
	"cmp"
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

// The flights queries: one flight, and the search with its filters and
// keyset pages, in one order in both stores.

var flightCases = map[string]func(t *testing.T, q readmodel.Querier){
	"UpsertFlight":         testUpsertFlight,
	"GetFlight":            testGetFlight,
	"DeleteAllFlights":     testDeleteAllFlights,
	"SearchFlights":        func(t *testing.T, q readmodel.Querier) { testSearch(t, q, "", "") },
	"SearchFlightsFrom":    func(t *testing.T, q readmodel.Querier) { testSearch(t, q, "EGLL", "") },
	"SearchFlightsTo":      func(t *testing.T, q readmodel.Querier) { testSearch(t, q, "", "KJFK") },
	"SearchFlightsBetween": func(t *testing.T, q readmodel.Querier) { testSearch(t, q, "EGLL", "KJFK") },
}

func flight(tenant string, n int, number, code string, leg int32, dpt, arr, dptTime string) readmodel.UpsertFlightParams {
	return readmodel.UpsertFlightParams{
		TenantID: tenant, ID: uuid.MustParse(fmt.Sprintf("6f1c1c6e-5a55-4a7e-9d8e-%012d", n)),
		FlightNumber: number, RouteCode: code, RouteLeg: leg, Callsign: "", DptAirport: dpt, ArrAirport: arr,
		AltAirport: "EGKK", DptTime: dptTime, ArrTime: "23:59", Days: 1 << (n % 7), StartDate: "2026-12-01",
		EndDate: "", Distance: 2999, FlightTime: 475, Level: 37000, FlightType: "J", Route: "CPT L9", Notes: "Über",
		SubfleetIds: []string{fmt.Sprintf("sf-%d", n%3)}, SubfleetTypes: []string{[]string{"B738", "A320", "B77W"}[n%3]},
		Active: n%5 != 0, CreatedAt: at, UpdatedAt: at.Add(time.Duration(n) * time.Second),
		LoadFactor: float64(n%4) * 27.5, LoadFactorVariance: float64(n % 3),
		FieldNames: []string{}, FieldValues: []string{},
	}
}

func flightRow(p readmodel.UpsertFlightParams) readmodel.Flight {
	f := readmodel.Flight(p)
	f.CreatedAt, f.UpdatedAt = p.CreatedAt.Truncate(time.Microsecond), p.UpdatedAt.Truncate(time.Microsecond)
	return f
}

func sameFlights(t *testing.T, what string, got, want []readmodel.Flight) {
	t.Helper()
	if len(got) != len(want) {
		t.Fatalf("%s: %d rows %v, want %d %v", what, len(got), flightNames(got), len(want), flightNames(want))
	}
	for i := range want {
		g, w := got[i], want[i]
		gt, wt := g.CreatedAt, w.CreatedAt
		gu, wu := g.UpdatedAt, w.UpdatedAt
		g.CreatedAt, w.CreatedAt, g.UpdatedAt, w.UpdatedAt = time.Time{}, time.Time{}, time.Time{}, time.Time{}
		gIDs, gTypes := g.SubfleetIds, g.SubfleetTypes
		g.SubfleetIds, g.SubfleetTypes = nil, nil
		wIDs, wTypes := w.SubfleetIds, w.SubfleetTypes
		w.SubfleetIds, w.SubfleetTypes = nil, nil
		gNames, gValues, wNames, wValues := g.FieldNames, g.FieldValues, w.FieldNames, w.FieldValues
		g.FieldNames, g.FieldValues, w.FieldNames, w.FieldValues = nil, nil, nil, nil
		if !reflect.DeepEqual(g, w) || !gt.Equal(wt) || !gu.Equal(wu) || !slices.Equal(gIDs, wIDs) || !slices.Equal(gTypes, wTypes) ||
			!slices.Equal(gNames, wNames) || !slices.Equal(gValues, wValues) {
			t.Errorf("%s: row %d = %+v %v %v %v %v, want %+v %v %v %v %v", what, i, g, gIDs, gTypes, gNames, gValues, w, wIDs, wTypes, wNames, wValues)
		}
		if gIDs == nil || gTypes == nil || gNames == nil || gValues == nil {
			t.Errorf("%s: row %d has nil arrays; a NOT NULL text[] comes back empty", what, i)
		}
		if gt.Location().String() != time.Local.String() {
			t.Errorf("%s: row %d created_at in %s, want time.Local", what, i, gt.Location())
		}
	}
}

func flightNames(fs []readmodel.Flight) []string {
	out := make([]string, len(fs))
	for i, f := range fs {
		out[i] = f.DptTime + "/" + f.FlightNumber + "/" + f.RouteCode + "/" + fmt.Sprint(f.RouteLeg)
	}
	return out
}

func upsertFlights(t *testing.T, q readmodel.Querier, ps ...readmodel.UpsertFlightParams) {
	t.Helper()
	for _, p := range ps {
		if err := q.UpsertFlight(context.Background(), p); err != nil {
			t.Fatalf("UpsertFlight(%s): %v", p.FlightNumber, err)
		}
	}
}

func testUpsertFlight(t *testing.T, q readmodel.Querier) {
	ctx := context.Background()
	f := flight(tenantA, 1, "117", "", 0, "EGLL", "KJFK", "09:30")
	f.SubfleetIds, f.SubfleetTypes = []string{}, []string{}
	upsertFlights(t, q, f)
	changed := f
	changed.ArrAirport, changed.Active, changed.SubfleetIds, changed.SubfleetTypes = "KBOS", false, []string{"a", "b"}, []string{"B738", "A320"}
	changed.CreatedAt, changed.UpdatedAt = at.Add(time.Hour), at.Add(2*time.Hour)
	// Custom fields and fares, as a phpVMS flights file gives them.
	changed.FieldNames, changed.FieldValues = []string{"Departure Gate", "Arrival Gate"}, []string{"4", "C41"}
	changed.Fares = "Y?price=300&cost=100&capacity=130;F?price=600&cost=400;B?"
	upsertFlights(t, q, changed)
	got, err := q.GetFlight(ctx, readmodel.GetFlightParams{TenantID: tenantA, ID: f.ID})
	if err != nil {
		t.Fatal(err)
	}
	want := flightRow(changed)
	want.CreatedAt = flightRow(f).CreatedAt // the first one's stays
	sameFlights(t, "after two upserts", []readmodel.Flight{got}, []readmodel.Flight{want})
	// The order key (departure time and flight key) is unique in an airline.
	twin := flight(tenantA, 2, "117", "", 0, "LFPG", "EDDF", "09:30")
	if err := q.UpsertFlight(ctx, twin); !isUnique(err) {
		t.Errorf("a second flight with the same time and key: err = %v, want a unique violation", err)
	}
	twin.TenantID = tenantB // in another airline it is another flight
	upsertFlights(t, q, twin)
}

func isUnique(err error) bool { return refusedBy(err, "flights_order") }

func testGetFlight(t *testing.T, q readmodel.Querier) {
	ctx := context.Background()
	f := flight(tenantA, 1, "117", "EU", 2, "EGLL", "KJFK", "09:30")
	if _, err := q.GetFlight(ctx, readmodel.GetFlightParams{TenantID: tenantA, ID: f.ID}); domain.ErrorCode(err) != domain.ENotFound {
		t.Fatalf("empty table: %v, want not found", err)
	}
	upsertFlights(t, q, f)
	got, err := q.GetFlight(ctx, readmodel.GetFlightParams{TenantID: tenantA, ID: f.ID})
	if err != nil {
		t.Fatal(err)
	}
	sameFlights(t, "GetFlight", []readmodel.Flight{got}, []readmodel.Flight{flightRow(f)})
	if _, err := q.GetFlight(ctx, readmodel.GetFlightParams{TenantID: tenantB, ID: f.ID}); domain.ErrorCode(err) != domain.ENotFound {
		t.Errorf("another airline's flight: %v, want not found", err)
	}
}

func testDeleteAllFlights(t *testing.T, q readmodel.Querier) {
	ctx := context.Background()
	upsertFlights(t, q, flight(tenantA, 1, "117", "", 0, "EGLL", "KJFK", "09:30"), flight(tenantB, 2, "118", "", 0, "EGLL", "KJFK", "09:30"))
	if err := q.DeleteAllFlights(ctx); err != nil {
		t.Fatal(err)
	}
	got, err := q.SearchFlights(ctx, readmodel.SearchFlightsParams{TenantID: tenantA, IncludeInactive: true, PageSize: 10})
	if err != nil || got != nil {
		t.Errorf("after DeleteAllFlights: %v %v, want nil", flightNames(got), err)
	}
	upsertFlights(t, q, flight(tenantA, 1, "117", "", 0, "EGLL", "KJFK", "09:30")) // and the table takes rows again
}

// searchFixture is flights of two airlines whose order exercises every
// column of the key: byte order of numbers ("100" < "12" < "9"), route
// codes and legs under one number, and flights without a time first.
func searchFixture() []readmodel.UpsertFlightParams {
	var out []readmodel.UpsertFlightParams
	airports := [][2]string{{"EGLL", "KJFK"}, {"EGLL", "LFPG"}, {"KBOS", "KJFK"}, {"EGLL", "KJFK"}}
	times := []string{"09:30", "", "09:30", "23:05", "00:00", "09:30"}
	numbers := []string{"12", "100", "9", "12", "ABC12", "7"}
	codes := []string{"", "EU", "", "A"}
	n := 0
	for i := range 40 {
		ap := airports[i%len(airports)]
		out = append(out, flight(tenantA, n, numbers[i%len(numbers)], codes[i/len(numbers)%len(codes)], int32(i/24),
			ap[0], ap[1], times[i%len(times)]))
		n++
	}
	for i := range 6 {
		out = append(out, flight(tenantB, n, numbers[i], "", 0, "EGLL", "KJFK", "09:30"))
		n++
	}
	return dedupeOrder(out)
}

// dedupeOrder drops fixtures that would break the unique order key.
func dedupeOrder(ps []readmodel.UpsertFlightParams) []readmodel.UpsertFlightParams {
	seen := map[string]bool{}
	var out []readmodel.UpsertFlightParams
	for _, p := range ps {
		k := fmt.Sprint(p.TenantID, p.DptTime, p.FlightNumber, p.RouteCode, p.RouteLeg)
		if !seen[k] {
			seen[k] = true
			out = append(out, p)
		}
	}
	return out
}

// search runs the query that fits the airports.
func search(q readmodel.Querier, dpt, arr string, p readmodel.SearchFlightsParams) ([]readmodel.Flight, error) {
	ctx := context.Background()
	switch {
	case dpt != "" && arr != "":
		return q.SearchFlightsBetween(ctx, readmodel.SearchFlightsBetweenParams{TenantID: p.TenantID, DptAirport: dpt, ArrAirport: arr,
			IncludeInactive: p.IncludeInactive, Aircraft: p.Aircraft, Day: p.Day, AfterTime: p.AfterTime,
			AfterNumber: p.AfterNumber, AfterCode: p.AfterCode, AfterLeg: p.AfterLeg, PageSize: p.PageSize})
	case dpt != "":
		return q.SearchFlightsFrom(ctx, readmodel.SearchFlightsFromParams{TenantID: p.TenantID, DptAirport: dpt,
			IncludeInactive: p.IncludeInactive, Aircraft: p.Aircraft, Day: p.Day, AfterTime: p.AfterTime,
			AfterNumber: p.AfterNumber, AfterCode: p.AfterCode, AfterLeg: p.AfterLeg, PageSize: p.PageSize})
	case arr != "":
		return q.SearchFlightsTo(ctx, readmodel.SearchFlightsToParams{TenantID: p.TenantID, ArrAirport: arr,
			IncludeInactive: p.IncludeInactive, Aircraft: p.Aircraft, Day: p.Day, AfterTime: p.AfterTime,
			AfterNumber: p.AfterNumber, AfterCode: p.AfterCode, AfterLeg: p.AfterLeg, PageSize: p.PageSize})
	}
	return q.SearchFlights(ctx, p)
}

// testSearch checks a search query against the rows filtered and ordered
// here by the query's documented rules, whole and page by page.
func testSearch(t *testing.T, q readmodel.Querier, dpt, arr string) {
	fixture := searchFixture()
	upsertFlights(t, q, fixture...)
	filters := []readmodel.SearchFlightsParams{
		{TenantID: tenantA, IncludeInactive: true},
		{TenantID: tenantA},
		{TenantID: tenantA, Aircraft: "B738"},
		{TenantID: tenantA, Aircraft: "sf-1", IncludeInactive: true},
		{TenantID: tenantA, Day: 4},
		{TenantID: tenantA, Day: 8, Aircraft: "A320", IncludeInactive: true},
		{TenantID: tenantB, IncludeInactive: true},
		{TenantID: "", IncludeInactive: true}, // no tenant is no airline
	}
	for _, f := range filters {
		var want []readmodel.Flight
		for _, p := range fixture {
			r := flightRow(p)
			if r.TenantID != f.TenantID || dpt != "" && r.DptAirport != dpt || arr != "" && r.ArrAirport != arr ||
				!f.IncludeInactive && !r.Active || f.Day != 0 && r.Days&f.Day == 0 ||
				f.Aircraft != "" && !slices.Contains(r.SubfleetTypes, f.Aircraft) && !slices.Contains(r.SubfleetIds, f.Aircraft) {
				continue
			}
			want = append(want, r)
		}
		slices.SortFunc(want, func(a, b readmodel.Flight) int {
			return cmp.Or(cmp.Compare(a.DptTime, b.DptTime), cmp.Compare(a.FlightNumber, b.FlightNumber),
				cmp.Compare(a.RouteCode, b.RouteCode), cmp.Compare(a.RouteLeg, b.RouteLeg))
		})
		what := fmt.Sprintf("%s-%s %+v", dpt, arr, f)
		all := f
		all.PageSize = 1000
		got, err := search(q, dpt, arr, all)
		if err != nil {
			t.Fatalf("%s: %v", what, err)
		}
		sameFlights(t, what, got, want)
		// Pages of 3 from the last row of each page give the same rows.
		var paged []readmodel.Flight
		page := f
		page.PageSize = 3
		for range 100 {
			rows, err := search(q, dpt, arr, page)
			if err != nil {
				t.Fatalf("%s page: %v", what, err)
			}
			paged = append(paged, rows...)
			if len(rows) < 3 {
				break
			}
			last := rows[len(rows)-1]
			page.AfterTime, page.AfterNumber, page.AfterCode, page.AfterLeg = last.DptTime, last.FlightNumber, last.RouteCode, last.RouteLeg
		}
		sameFlights(t, what+" in pages of 3", paged, want)
	}
	if len(fixture) < 30 {
		t.Fatalf("the fixture lost rows: %d", len(fixture))
	}
	if got, err := search(q, dpt, arr, readmodel.SearchFlightsParams{TenantID: tenantA, IncludeInactive: true, PageSize: 0}); err != nil || got != nil {
		t.Errorf("page size 0: %v %v, want nil", flightNames(got), err)
	}
	if _, err := search(q, dpt, arr, readmodel.SearchFlightsParams{TenantID: tenantA, PageSize: -1}); err == nil {
		t.Errorf("a negative page size: no error; PostgreSQL refuses a negative LIMIT")
	}
}
