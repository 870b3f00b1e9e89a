package readmodeltest

import (
	"context"
	"strings"
	"testing"
	"time"

	"github.com/albatross-va/albatross/domain"
	"github.com/albatross-va/albatross/store/readmodel"
)

// airportCases are the suite's cases of queries/airports.sql: each airline
// sees only its own airports.
var airportCases = map[string]func(t *testing.T, q readmodel.Querier){
	"UpsertAirport":      testUpsertAirport,
	"GetAirport":         testGetAirport,
	"ListAirports":       testListAirports,
	"SearchAirports":     testSearchAirports,
	"ListAirportsByIcao": testListAirportsByIcao,
	"DeleteAllAirports":  testDeleteAllAirports,
}

func airportParams(tenant, icao, iata, name, city string) readmodel.UpsertAirportParams {
	return readmodel.UpsertAirportParams{
		TenantID: tenant, Icao: icao, Iata: iata, Name: name, City: city, Region: "GB-ENG", Country: "GB",
		Timezone: "Europe/London", Hub: true, Latitude: 51.470748, Longitude: -0.459909, ElevationFt: -83,
		GroundHandlingCost: 150.25, Fuel100llCost: 1.5, FuelJetaCost: 0.875, FuelMogasCost: 1e-7, Notes: "Terminal 5 ✈",
		Search: strings.ToLower(icao + " " + iata + " " + name + " " + city), UpdatedAt: at,
	}
}

func airportRow(p readmodel.UpsertAirportParams) readmodel.Airport {
	r := readmodel.Airport(p)
	r.UpdatedAt = p.UpdatedAt.Truncate(time.Microsecond)
	return r
}

func upsertAirports(t *testing.T, q readmodel.Querier, ps ...readmodel.UpsertAirportParams) {
	t.Helper()
	for _, p := range ps {
		if err := q.UpsertAirport(context.Background(), p); err != nil {
			t.Fatalf("UpsertAirport(%s, %s): %v", p.TenantID, p.Icao, err)
		}
	}
}

func sameAirports(t *testing.T, what string, got, want []readmodel.Airport) {
	t.Helper()
	if len(got) != len(want) {
		t.Fatalf("%s: %d rows %v, want %d %v", what, len(got), airportCodes(got), len(want), airportCodes(want))
	}
	for i := range want {
		g, w := got[i], want[i]
		gt, wt := g.UpdatedAt, w.UpdatedAt
		g.UpdatedAt, w.UpdatedAt = time.Time{}, time.Time{}
		if g != w || !gt.Equal(wt) {
			t.Errorf("%s: row %d = %+v, want %+v", what, i, got[i], want[i])
		}
		if gt.Location().String() != time.Local.String() {
			t.Errorf("%s: row %d updated_at in %s, want time.Local", what, i, gt.Location())
		}
	}
}

func airportCodes(as []readmodel.Airport) []string {
	out := make([]string, len(as))
	for i, a := range as {
		out[i] = a.TenantID[len(a.TenantID)-1:] + ":" + a.Icao
	}
	return out
}

func listAirportsOf(t *testing.T, q readmodel.Querier, tenant string) []readmodel.Airport {
	t.Helper()
	got, err := q.ListAirports(context.Background(), tenant)
	if err != nil {
		t.Fatal(err)
	}
	return got
}

func testUpsertAirport(t *testing.T, q readmodel.Querier) {
	a := airportParams(tenantA, "EGLL", "LHR", "London Heathrow Airport", "London")
	upsertAirports(t, q, a)
	sameAirports(t, "after insert", listAirportsOf(t, q, tenantA), []readmodel.Airport{airportRow(a)})
	// The same airport in another airline is another row.
	b := airportParams(tenantB, "EGLL", "LHR", "Heathrow", "London")
	upsertAirports(t, q, b)
	// Upserting (tenant, ICAO) again replaces every other column.
	a2 := a
	a2.Name, a2.Hub, a2.Iata, a2.Latitude, a2.Notes, a2.Search = "Heathrow T5", false, "", -1.25, "", "egll heathrow t5"
	a2.UpdatedAt = at.Add(time.Hour + 999*time.Nanosecond)
	upsertAirports(t, q, a2)
	sameAirports(t, "after update", listAirportsOf(t, q, tenantA), []readmodel.Airport{airportRow(a2)})
	sameAirports(t, "the other airline", listAirportsOf(t, q, tenantB), []readmodel.Airport{airportRow(b)})
	bad := airportParams(tenantA, "LPPT", "LIS", "Nul\x00", "Lisbon")
	if err := q.UpsertAirport(context.Background(), bad); err != nil {
		t.Fatalf("UpsertAirport with a NUL: %v", err)
	}
	found := false
	for _, a := range listAirportsOf(t, q, tenantA) {
		found = found || a.Icao == "LPPT" && storedText(a.Name, bad.Name)
	}
	if !found {
		t.Errorf("UpsertAirport with a NUL: the name %q is not stored", bad.Name)
	}
}

func testGetAirport(t *testing.T, q readmodel.Querier) {
	ctx := context.Background()
	if _, err := q.GetAirport(ctx, readmodel.GetAirportParams{TenantID: tenantA, Icao: "EGLL"}); domain.ErrorCode(err) != domain.ENotFound {
		t.Fatalf("GetAirport on an empty table: %v, want not found", err)
	}
	a := airportParams(tenantA, "EGLL", "LHR", "London Heathrow Airport", "London")
	upsertAirports(t, q, a)
	got, err := q.GetAirport(ctx, readmodel.GetAirportParams{TenantID: tenantA, Icao: "EGLL"})
	if err != nil {
		t.Fatal(err)
	}
	sameAirports(t, "GetAirport", []readmodel.Airport{got}, []readmodel.Airport{airportRow(a)})
	for _, miss := range []readmodel.GetAirportParams{{TenantID: tenantB, Icao: "EGLL"}, {TenantID: "", Icao: "EGLL"}, {TenantID: tenantA, Icao: "egll"}} {
		if _, err := q.GetAirport(ctx, miss); domain.ErrorCode(err) != domain.ENotFound {
			t.Errorf("GetAirport(%q, %q): %v, want not found", miss.TenantID, miss.Icao, err)
		}
	}
}

func testListAirports(t *testing.T, q readmodel.Querier) {
	if got := listAirportsOf(t, q, tenantA); got != nil {
		t.Errorf("ListAirports on an empty table = %v, want nil", got)
	}
	lppt := airportParams(tenantA, "LPPT", "LIS", "Lisbon", "Lisbon")
	egll := airportParams(tenantA, "EGLL", "LHR", "Heathrow", "London")
	k9 := airportParams(tenantA, "K9A1", "", "Digits", "X") // digits sort before letters
	other := airportParams(tenantB, "AAAA", "", "Other", "Y")
	upsertAirports(t, q, lppt, egll, k9, other)
	sameAirports(t, "ListAirports(A)", listAirportsOf(t, q, tenantA), []readmodel.Airport{airportRow(egll), airportRow(k9), airportRow(lppt)})
}

// ListAirportsByIcao is the airline's airports among the codes asked for,
// by ICAO code, each once: none of another airline's, none it lacks.
func testListAirportsByIcao(t *testing.T, q readmodel.Querier) {
	ctx := context.Background()
	byIcao := func(tenant string, icaos ...string) []readmodel.Airport {
		t.Helper()
		got, err := q.ListAirportsByIcao(ctx, readmodel.ListAirportsByIcaoParams{TenantID: tenant, Icaos: icaos})
		if err != nil {
			t.Fatalf("ListAirportsByIcao(%s, %v): %v", tenant, icaos, err)
		}
		return got
	}
	if got := byIcao(tenantA, "EGLL"); len(got) != 0 {
		t.Errorf("ListAirportsByIcao on an empty table = %v, want none", airportCodes(got))
	}
	lppt := airportParams(tenantA, "LPPT", "LIS", "Lisbon", "Lisbon")
	egll := airportParams(tenantA, "EGLL", "LHR", "Heathrow", "London")
	k9 := airportParams(tenantA, "K9A1", "", "Digits", "X")
	onlyB := airportParams(tenantB, "KJFK", "JFK", "Kennedy", "New York")
	egllB := airportParams(tenantB, "EGLL", "LHR", "B's Heathrow", "London")
	upsertAirports(t, q, lppt, egll, k9, onlyB, egllB)
	sameAirports(t, "codes in any order, one twice, one missing, one of B's", byIcao(tenantA, "LPPT", "KJFK", "EGLL", "ZZZZ", "LPPT", "K9A1"),
		[]readmodel.Airport{airportRow(egll), airportRow(k9), airportRow(lppt)})
	sameAirports(t, "B's among the same codes", byIcao(tenantB, "LPPT", "KJFK", "EGLL"), []readmodel.Airport{airportRow(egllB), airportRow(onlyB)})
	for what, icaos := range map[string][]string{"no codes": nil, "an empty list": {}, "lower case": {"egll"}, "only missing": {"ZZZZ"}} {
		if got := byIcao(tenantA, icaos...); len(got) != 0 {
			t.Errorf("ListAirportsByIcao with %s = %v, want none", what, airportCodes(got))
		}
	}
}

func testSearchAirports(t *testing.T, q readmodel.Querier) {
	ctx := context.Background()
	egll := airportParams(tenantA, "EGLL", "LHR", "London Heathrow Airport", "London")
	egkk := airportParams(tenantA, "EGKK", "LGW", "London Gatwick Airport", "London")
	cyld := airportParams(tenantA, "CYLD", "", "Chapleau Airport", "Chapleau")
	lppt := airportParams(tenantA, "LPPT", "LIS", "Humberto Delgado", "Lisbon")
	other := airportParams(tenantB, "EGLC", "LCY", "London City", "London")
	upsertAirports(t, q, egll, egkk, cyld, lppt, other)
	search := func(term string, limit int32) []readmodel.Airport {
		t.Helper()
		got, err := q.SearchAirports(ctx, readmodel.SearchAirportsParams{TenantID: tenantA, Term: term, MaxRows: limit})
		if err != nil {
			t.Fatalf("SearchAirports(%q): %v", term, err)
		}
		return got
	}
	sameAirports(t, "by ICAO prefix", search("eg", 10), []readmodel.Airport{airportRow(egkk), airportRow(egll)})
	sameAirports(t, "by IATA", search("lis", 10), []readmodel.Airport{airportRow(lppt)})
	// "london" is inside the search text of EGKK and EGLL, never of B's EGLC.
	sameAirports(t, "by name or city", search("london", 10), []readmodel.Airport{airportRow(egkk), airportRow(egll)})
	// Prefix matches (the ICAO code) come before matches inside.
	sameAirports(t, "prefix first", search("l", 10), []readmodel.Airport{airportRow(lppt), airportRow(cyld), airportRow(egkk), airportRow(egll)})
	sameAirports(t, "limit", search("airport", 2), []readmodel.Airport{airportRow(cyld), airportRow(egkk)})
	if got := search("zzz", 10); got != nil {
		t.Errorf("no match = %v, want nil", got)
	}
	if got := search("eg", 0); got != nil {
		t.Errorf("limit 0 = %v, want nil", got)
	}
	// Upper case finds nothing: the caller lower-cases the term.
	if got := search("EG", 10); got != nil {
		t.Errorf("upper-case term = %v, want nil", got)
	}
	if _, err := q.SearchAirports(ctx, readmodel.SearchAirportsParams{TenantID: tenantA, Term: "eg", MaxRows: -1}); err == nil {
		t.Error("a negative limit: no error, PostgreSQL refuses it")
	}
}

func testDeleteAllAirports(t *testing.T, q readmodel.Querier) {
	upsertAirports(t, q, airportParams(tenantA, "EGLL", "", "A", "B"), airportParams(tenantB, "EGLL", "", "A", "B"))
	if err := q.DeleteAllAirports(context.Background()); err != nil {
		t.Fatal(err)
	}
	if got := listAirportsOf(t, q, tenantA); got != nil {
		t.Errorf("after DeleteAllAirports: %v", got)
	}
	upsertAirports(t, q, airportParams(tenantA, "EGLL", "", "A", "B"))
	if got := listAirportsOf(t, q, tenantA); len(got) != 1 {
		t.Errorf("insert after delete: %d rows", len(got))
	}
}
