package handlers_test

import (
	"context"
	"net/http"
	"net/url"
	"slices"
	"strings"
	"testing"

	"github.com/PuerkitoBio/goquery"

	"github.com/albatross-va/albatross/domain"
)

// airportBox finds the airport search box of a form field and checks that
// it searches the airline's own airports; it returns the search address.
func airportBox(t *testing.T, d *goquery.Document, form, name, airline string) string {
	t.Helper()
	in := d.Find(`[data-testid="` + form + `"] [data-testid="airport-search"] input[name="` + name + `"]`)
	if in.Length() != 1 {
		t.Fatalf("%s has no airport search box for %s", form, name)
	}
	id := in.AttrOr("id", "")
	if strings.TrimSpace(d.Find(`label[for="`+id+`"]`).Text()) == "" || in.AttrOr("role", "") != "combobox" ||
		in.AttrOr("aria-autocomplete", "") != "list" || d.Find(`#`+in.AttrOr("aria-controls", "none")).Length() != 1 {
		t.Errorf("%s %s: the box has no label or no combobox semantics", form, name)
	}
	u, err := url.Parse(in.AttrOr("hx-get", ""))
	if err != nil || u.Path != "/airlines/"+airline+"/airports/search" {
		t.Fatalf("%s %s searches %q, want the airline's airports", form, name, in.AttrOr("hx-get", ""))
	}
	if q := u.Query(); q.Get("source") != "airline" || q.Get("field") != name {
		t.Errorf("%s %s: search query %v, want source=airline and field=%s", form, name, q, name)
	}
	if !strings.Contains(in.AttrOr("hx-trigger", ""), "input") {
		t.Errorf("%s %s: the box does not search as the user types", form, name)
	}
	return u.String()
}

// options are the ICAO codes a search box offers for what was typed.
func options(t *testing.T, c *http.Client, base, search, field, typed string) []string {
	t.Helper()
	resp, body := getAs(t, c, base+search+"&"+field+"="+url.QueryEscape(typed), map[string]string{"HX-Request": "true"})
	if resp.StatusCode != http.StatusOK {
		return []string{resp.Status}
	}
	var out []string
	doc(t, body).Find(`[data-testid="airport-option"]`).Each(func(_ int, s *goquery.Selection) { out = append(out, s.AttrOr("data-icao", "")) })
	return out
}

func TestEveryAirportFieldIsTheAirlineSearchBox(t *testing.T) {
	for _, m := range []mode{embedded, postgres} {
		t.Run(string(m), func(t *testing.T) { checkAirportBoxes(t, newMatrixWorld(t, m)) })
	}
}

func checkAirportBoxes(t *testing.T, w *matrixWorld) {
	a, b := w.airlines["A"], w.airlines["B"]
	pilot, staff, staffB := w.actors[1], w.actors[2], w.actors[3]
	for _, ac := range []*actor{pilot, staff, staffB} {
		w.session(t, ac)
	}
	// Lisbon is an airport of B only.
	if _, err := (&domain.Airports{Runner: w.runner}).Add(context.Background(), domain.CommandMeta{Who: domain.System}, b.id,
		domain.AirportDetails{ICAO: "LPPT", Name: "Lisbon", City: "Lisbon", Latitude: 38.78, Longitude: -9.14}); err != nil {
		t.Fatal(err)
	}
	w.settle(t)

	base := w.URL + "/airlines/" + a.id
	pages := []struct {
		who    *actor
		page   string
		form   string
		fields []string
	}{
		{staff, "/fleet", "subfleet-form", []string{"hub_id"}},
		{staff, "/fleet", "aircraft-form", []string{"airport_id"}},
		{staff, "/fleet/subfleets/" + a.subfleet, "subfleet-form", []string{"hub_id"}},
		{staff, "/flights", "flight-form", []string{"dpt_airport", "arr_airport", "alt_airport"}},
		{staff, "/flights/" + a.flight, "flight-form", []string{"dpt_airport", "arr_airport", "alt_airport"}},
		{pilot, "/flights", "flight-search", []string{"dpt", "arr"}},
	}
	var search string
	for _, p := range pages {
		resp, body := getAs(t, p.who.client, base+p.page, nil)
		if resp.StatusCode != http.StatusOK {
			t.Fatalf("%s: %d", p.page, resp.StatusCode)
		}
		d := doc(t, body)
		for _, f := range p.fields {
			search = airportBox(t, d, p.form, f, a.id)
			// Heathrow is found by its code, and picking it fills the box.
			if got := options(t, p.who.client, w.URL, search, f, "egll"); !slices.Equal(got, []string{"EGLL"}) {
				t.Errorf("%s %s: searching egll offers %v", p.page, f, got)
			}
		}
		if p.form == "flight-search" && d.Find(`[data-testid="flight-form"]`).Length() != 0 {
			t.Error("a pilot is shown the add form")
		}
	}
	// The search of A's boxes offers A's airports only, even for B's code.
	if got := options(t, pilot.client, w.URL, search, "arr", "lis"); len(got) != 0 {
		t.Errorf("A's box offers %v for lis, an airport of B only", got)
	}
	searchB := strings.Replace(search, a.id, b.id, 1)
	if got := options(t, staffB.client, w.URL, searchB, "arr", "lis"); !slices.Equal(got, []string{"LPPT"}) {
		t.Errorf("B's box offers %v for lis, want LPPT", got)
	}
	if got := options(t, pilot.client, w.URL, searchB, "arr", "lis"); slices.Contains(got, "LPPT") {
		t.Errorf("a pilot of A searched B's airports: %v", got)
	}
	// Picking fills the box under the form's own field name.
	_, body := getAs(t, pilot.client, w.URL+search+"&pick=EGLL", map[string]string{"HX-Request": "true"})
	d := doc(t, body)
	if d.Find(`input[name="arr"]`).AttrOr("value", "") != "EGLL" || !strings.Contains(d.Find(`[data-testid="airport-picked"]`).Text(), "Heathrow") {
		t.Errorf("pick EGLL: %.400s", body)
	}
}

func TestFlightFormsChooseSubfleetsAndKeepInput(t *testing.T) {
	for _, m := range []mode{embedded, postgres} {
		t.Run(string(m), func(t *testing.T) { checkFlightForms(t, newMatrixWorld(t, m)) })
	}
}

func checkFlightForms(t *testing.T, w *matrixWorld) {
	a, b := w.airlines["A"], w.airlines["B"]
	pilot, staff := w.actors[1], w.actors[2]
	w.session(t, pilot)
	w.session(t, staff)
	ctx := context.Background()
	sys := domain.CommandMeta{Who: domain.System}
	a320, _, err := w.fleet.CreateSubfleet(ctx, sys, a.id, domain.Subfleet{Type: "A320-LHR", ICAO: "A320", Name: "Airbus A320", HubID: "EGLL"})
	must(t, err)
	foreign, _, err := w.fleet.CreateSubfleet(ctx, sys, b.id, domain.Subfleet{Type: "E190-B", ICAO: "E190", Name: "Embraer", HubID: "EGLL"})
	must(t, err)
	w.settle(t)
	flights := w.URL + "/airlines/" + a.id + "/flights"

	// The add form offers A's two subfleets, by code and name, and no other.
	_, body := getAs(t, staff.client, flights, nil)
	d := doc(t, body)
	var offered []string
	d.Find(`[data-testid="flight-form"] input[type="checkbox"][name="subfleets"]`).Each(func(_ int, s *goquery.Selection) {
		offered = append(offered, s.AttrOr("value", ""))
		if label := s.Parent().Text(); !strings.Contains(label, "A320-LHR") && !strings.Contains(label, "B738") {
			t.Errorf("subfleet choice labelled %q, want its code and name", strings.Join(strings.Fields(label), " "))
		}
	})
	slices.Sort(offered)
	want := []string{a.subfleet, a320}
	slices.Sort(want)
	if !slices.Equal(offered, want) || slices.Contains(offered, foreign) {
		t.Errorf("the form offers subfleets %v, want A's %v", offered, want)
	}
	// The search offers A's aircraft types.
	var types []string
	d.Find(`[data-testid="flight-search"] select[name="aircraft"] option`).Each(func(_ int, s *goquery.Selection) { types = append(types, s.AttrOr("value", "")) })
	if !slices.Equal(types, []string{"", "A320", "B738"}) {
		t.Errorf("aircraft choices %v, want any, A320 and B738", types)
	}

	// A bad form comes back with every input, chosen subfleets included.
	token := formToken(t, staff.client, flights, "flight-form")
	form := url.Values{"_csrf": {token}, "command_id": {domain.NewUUID()}, "flight_number": {"77"}, "dpt_airport": {"egll"},
		"arr_airport": {"ZZZZ"}, "flight_time": {"475"}, "flight_type": {"J"}, "subfleets": {a.subfleet, a320}, "active": {"1"}}
	resp, body := post(t, staff.client, flights, form)
	d = doc(t, body)
	if resp.StatusCode != http.StatusUnprocessableEntity || d.Find(`#flight-arr [data-testid="error-arr_airport"]`).Length() != 1 {
		t.Fatalf("unknown arrival: %d, want 422 with the message in the arrival box", resp.StatusCode)
	}
	if v := d.Find(`input[name="arr_airport"]`).AttrOr("value", ""); v != "ZZZZ" {
		t.Errorf("the arrival box kept %q", v)
	}
	if d.Find(`input[name="arr_airport"]`).AttrOr("aria-invalid", "") != "true" {
		t.Error("the arrival box is not marked invalid")
	}
	if !strings.Contains(d.Find(`#flight-dpt [data-testid="airport-picked"]`).Text(), "Heathrow") {
		t.Error("the departure box does not name the airline's EGLL")
	}
	if n := d.Find(`input[name="subfleets"][checked]`).Length(); n != 2 {
		t.Errorf("%d subfleets still chosen, want 2", n)
	}

	// Two subfleets chosen are both stored, and the page links them.
	form.Set("arr_airport", "KJFK")
	resp, _ = post(t, staff.client, flights, form)
	if resp.StatusCode != http.StatusSeeOther {
		t.Fatalf("add: %d", resp.StatusCode)
	}
	_, body = getAs(t, pilot.client, w.URL+resp.Header.Get("Location"), nil)
	d = doc(t, body)
	links := map[string]string{}
	d.Find(`[data-testid="flight-subfleet"] a`).Each(func(_ int, s *goquery.Selection) {
		links[s.AttrOr("href", "")] = strings.Join(strings.Fields(s.Parent().Text()), " ")
	})
	sub := "/airlines/" + a.id + "/fleet/subfleets/"
	if links[sub+a.subfleet] != "B738 737" || links[sub+a320] != "A320-LHR Airbus A320" || len(links) != 2 {
		t.Errorf("the flight's subfleets: %v", links)
	}
	if !strings.Contains(find(body, `[data-testid="flight-airports"]`), "Heathrow") {
		t.Errorf("the flight page does not name Heathrow: %q", find(body, `[data-testid="flight-airports"]`))
	}
	_, body = getAs(t, staff.client, w.URL+resp.Header.Get("Location"), nil)
	if n := doc(t, body).Find(`[data-testid="flight-form"] input[name="subfleets"][checked]`).Length(); n != 2 {
		t.Errorf("the edit form has %d subfleets chosen, want 2", n)
	}

	// The pilot's results name the airline's airports.
	_, body = getAs(t, pilot.client, flights+"?dpt=EGLL&aircraft=A320", nil)
	d = doc(t, body)
	if got := rowFlights(d); !slices.Equal(got, []string{"ALA77"}) {
		t.Errorf("A320 flights from EGLL: %v", got)
	}
	if got := d.Find(`[data-testid="flight-row"] [data-testid="flight-dpt"]`).First().Text(); !strings.Contains(got, "Heathrow") {
		t.Errorf("the departure cell is %q, want Heathrow named", got)
	}
	if d.Find(`select[name="aircraft"] option[selected]`).AttrOr("value", "") != "A320" || d.Find(`input[name="dpt"]`).AttrOr("value", "") != "EGLL" {
		t.Error("the search form lost what was searched")
	}

	// The fleet forms keep a bad airport beside its box.
	fleet := w.URL + "/airlines/" + a.id + "/fleet"
	token = w.csrfToken(t, staff.client)
	resp, body = post(t, staff.client, fleet+"/subfleets", url.Values{"_csrf": {token}, "command_id": {domain.NewUUID()},
		"type": {"B738-LIS"}, "icao": {"B738"}, "name": {"737"}, "hub_id": {"LPPT"}})
	d = doc(t, body)
	if resp.StatusCode != http.StatusUnprocessableEntity || d.Find(`#subfleet-hub [data-testid="error-hub_id"]`).Length() != 1 ||
		d.Find(`input[name="hub_id"]`).AttrOr("value", "") != "LPPT" {
		t.Errorf("a hub A does not have: %d, value %q", resp.StatusCode, d.Find(`input[name="hub_id"]`).AttrOr("value", ""))
	}
	resp, body = post(t, staff.client, fleet+"/aircraft", url.Values{"_csrf": {token}, "command_id": {domain.NewUUID()},
		"subfleet_id": {a320}, "registration": {"G-FORM"}, "name": {"Formy"}, "status": {"active"}, "airport_id": {"LPPT"}})
	d = doc(t, body)
	if resp.StatusCode != http.StatusUnprocessableEntity || d.Find(`#aircraft-airport [data-testid="error-airport_id"]`).Length() != 1 ||
		d.Find(`input[name="airport_id"]`).AttrOr("value", "") != "LPPT" {
		t.Errorf("a location A does not have: %d, value %q", resp.StatusCode, d.Find(`input[name="airport_id"]`).AttrOr("value", ""))
	}
}
