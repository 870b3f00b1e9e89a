package handlers_test

import (
	"context"
	"fmt"
	"net/http"
	"net/url"
	"slices"
	"strings"
	"testing"

	"github.com/PuerkitoBio/goquery"

	"github.com/albatross-va/albatross/domain"
)

// flightAirports are real airports with their published coordinates.
var flightAirports = domain.AirportTable{
	"EGLL": {Lat: 51.4706, Lon: -0.461941},
	"KJFK": {Lat: 40.639751, Lon: -73.778925},
	"LFPG": {Lat: 49.012779, Lon: 2.55},
	"EDDF": {Lat: 50.033333, Lon: 8.570556},
}

var testSubfleets = domain.SubfleetTable{"sf-738": "B738", "sf-320": "A320"}

func rowFlights(d *goquery.Document) []string {
	var out []string
	d.Find(`[data-testid="flight-row"] a`).Each(func(_ int, s *goquery.Selection) { out = append(out, strings.TrimSpace(s.Text())) })
	return out
}

func TestPilotsSearchFlightsByAirportAircraftAndDayInPages(t *testing.T) {
	w := newMatrixWorld(t, embedded)
	a := w.airlines["A"]
	pilot, staff := w.actors[1], w.actors[2]
	ctx := context.Background()
	sys := domain.CommandMeta{Who: domain.System}
	for i := range 55 { // with the matrix's flight 1, more than a page from EGLL
		_, _, err := w.flights.Add(ctx, sys, a.id, domain.FlightSchedule{FlightNumber: fmt.Sprint(100 + i), DptAirport: "EGLL",
			ArrAirport: "KJFK", DptTime: fmt.Sprintf("%02d:%02d", 6+i/60, i%60), Days: domain.Monday, FlightTime: 475,
			FlightType: "J", SubfleetIDs: []string{"sf-738"}, Active: true})
		must(t, err)
	}
	_, _, err := w.flights.Add(ctx, sys, a.id, domain.FlightSchedule{FlightNumber: "7", DptAirport: "LFPG", ArrAirport: "EDDF",
		DptTime: "07:00", Days: domain.Sunday, FlightTime: 70, FlightType: "F", SubfleetIDs: []string{"sf-320"}, Active: true})
	must(t, err)
	hidden, _, err := w.flights.Add(ctx, sys, a.id, domain.FlightSchedule{FlightNumber: "8", DptAirport: "LFPG", ArrAirport: "EDDF",
		DptTime: "08:00", Days: domain.Sunday, FlightTime: 70, FlightType: "F", SubfleetIDs: []string{"sf-320"}})
	must(t, err)
	// Airline B's flight never shows in A.
	_, _, err = w.flights.Add(ctx, sys, w.airlines["B"].id, domain.FlightSchedule{FlightNumber: "9", DptAirport: "LFPG",
		ArrAirport: "EDDF", FlightTime: 70, FlightType: "F", Active: true})
	must(t, err)
	w.settle(t)
	w.session(t, pilot)
	base := w.URL + "/airlines/" + a.id + "/flights"

	resp, body := getAs(t, pilot.client, base+"?dpt=egll", nil)
	d := doc(t, body)
	if resp.StatusCode != http.StatusOK || len(rowFlights(d)) != 50 || rowFlights(d)[0] != "ALA1" || rowFlights(d)[1] != "ALA100" {
		t.Fatalf("first page from EGLL: %d, %d rows %v", resp.StatusCode, len(rowFlights(d)), rowFlights(d))
	}
	if d.Find(`[data-testid="flight-form"]`).Length() != 0 || d.Find(`a[href="/airlines/`+a.id+`/people"]`).Length() != 0 {
		t.Errorf("a pilot sees the add form or the staff's tabs")
	}
	if d.Find(`[hx-trigger*="sse:flights"]`).Length() != 1 || d.Find(`[sse-connect="/events"]`).Length() != 1 {
		t.Errorf("the results do not follow the flights topic")
	}
	next, ok := d.Find(`[data-testid="next-page"]`).Attr("href")
	if !ok {
		t.Fatal("no next page link")
	}
	_, body = getAs(t, pilot.client, w.URL+next, nil)
	if got := rowFlights(doc(t, body)); len(got) != 6 || got[0] != "ALA149" || doc(t, body).Find(`[data-testid="next-page"]`).Length() != 0 {
		t.Errorf("second page: %v, want ALA149…ALA154 and no further page", got)
	}
	for _, c := range []struct {
		query string
		want  []string
	}{
		{"?arr=EDDF", []string{"ALA7"}},                        // the inactive flight 8 is not a pilot's
		{"?dpt=LFPG&arr=EDDF&aircraft=a320", []string{"ALA7"}}, // ICAO type
		{"?aircraft=sf-320", []string{"ALA7"}},                 // subfleet id
		{"?dpt=EGLL&aircraft=A320", nil},
		{"?day=7", []string{"ALA7"}},
		{"?dpt=LFPG&day=1", nil},
	} {
		_, body := getAs(t, pilot.client, base+c.query, nil)
		if got := rowFlights(doc(t, body)); strings.Join(got, ",") != strings.Join(c.want, ",") {
			t.Errorf("%s: %v, want %v", c.query, got, c.want)
		}
	}
	// The results fragment answers the live re-fetch with the same search.
	_, body = getAs(t, pilot.client, base+"/results?dpt=LFPG", map[string]string{"HX-Request": "true"})
	if strings.Contains(body, "<html") || strings.Join(rowFlights(doc(t, body)), ",") != "ALA7" {
		t.Errorf("results fragment: %.300s", body)
	}
	// Each result links to its page; an inactive flight is not a pilot's.
	href, _ := doc(t, body).Find(`[data-testid="flight-row"] a`).Attr("href")
	resp, body = getAs(t, pilot.client, w.URL+href, nil)
	if resp.StatusCode != http.StatusOK || find(body, `[data-testid="flight-ident"]`) == "" || !strings.Contains(body, "242 nm") {
		t.Errorf("flight page: %d %q, want the flight with its great-circle distance", resp.StatusCode, find(body, `[data-testid="flight-ident"]`))
	}
	if resp, _ := getAs(t, pilot.client, base+"/"+hidden, nil); resp.StatusCode != http.StatusNotFound {
		t.Errorf("a pilot opened an inactive flight: %d", resp.StatusCode)
	}
	w.session(t, staff)
	_, body = getAs(t, staff.client, base+"?arr=EDDF", nil)
	if got := rowFlights(doc(t, body)); len(got) != 2 || doc(t, body).Find(`[data-testid="inactive"]`).Length() != 1 {
		t.Errorf("staff see %v, want both flights with the inactive one marked", got)
	}
}

func TestStaffAddAndEditFlights(t *testing.T) {
	w := newMatrixWorld(t, embedded)
	a := w.airlines["A"]
	staff := w.actors[2]
	w.session(t, staff)
	base := w.URL + "/airlines/" + a.id + "/flights"
	token := formToken(t, staff.client, base, "flight-form")
	bad := url.Values{"_csrf": {token}, "command_id": {domain.NewUUID()}, "flight_number": {"12345X"}, "dpt_airport": {"EGLL"},
		"arr_airport": {"ZZZZ"}, "dpt_time": {"9:30"}, "flight_time": {"ninety"}, "flight_type": {"J"}, "notes": {"Kept"}}
	resp, body := post(t, staff.client, base, bad)
	d := doc(t, body)
	for _, f := range []string{"flight_number", "arr_airport", "dpt_time", "flight_time"} {
		if d.Find(`[data-testid="error-`+f+`"]`).Length() != 1 {
			t.Errorf("no message beside %s", f)
		}
	}
	if v, _ := d.Find(`#flight-notes`).Attr("value"); resp.StatusCode != http.StatusUnprocessableEntity || v != "Kept" {
		t.Errorf("bad form: %d, notes %q; want 422 with the input kept", resp.StatusCode, v)
	}
	good := url.Values{"_csrf": {token}, "command_id": {domain.NewUUID()}, "flight_number": {"0042"}, "route_code": {"eu"},
		"route_leg": {"2"}, "dpt_airport": {"egll"}, "arr_airport": {"KJFK"}, "dpt_time": {"09:30"}, "arr_time": {"17:25"},
		"flight_time": {"475"}, "flight_type": {"J"}, "days": {"1", "5"}, "subfleets": {"sf-738"}, "active": {"1"}}
	resp, _ = post(t, staff.client, base, good)
	loc := resp.Header.Get("Location")
	if resp.StatusCode != http.StatusSeeOther || !strings.HasPrefix(loc, "/airlines/"+a.id+"/flights/") {
		t.Fatalf("add: %d %q", resp.StatusCode, loc)
	}
	// A double submit lands on the same flight.
	if again, _ := post(t, staff.client, base, good); again.StatusCode != http.StatusSeeOther || again.Header.Get("Location") != loc {
		t.Errorf("double submit: %d %q, want the same flight %q", again.StatusCode, again.Header.Get("Location"), loc)
	}
	_, body = getAs(t, staff.client, w.URL+loc, nil)
	if got := find(body, `[data-testid="flight-ident"]`); !strings.HasPrefix(got, "ALA42/C.EU/L.2") || !strings.Contains(body, "Mon Fri") || !strings.Contains(body, "B738") {
		t.Errorf("flight page: %q", got)
	}
	// The same key with another schedule is refused beside the number.
	other := url.Values{}
	for k, v := range good {
		other[k] = v
	}
	other.Set("command_id", domain.NewUUID())
	other.Set("arr_airport", "LFPG")
	if resp, body := post(t, staff.client, base, other); resp.StatusCode != http.StatusConflict || find(body, `[data-testid="error-flight_number"]`) == "" {
		t.Errorf("same key again: %d, want 409 beside the flight number", resp.StatusCode)
	}
	// Edit: messages beside the fields, then a change.
	editToken := formToken(t, staff.client, w.URL+loc, "flight-form")
	resp, body = post(t, staff.client, w.URL+loc, url.Values{"_csrf": {editToken}, "dpt_airport": {"EGLL"}, "arr_airport": {"EGLL"},
		"flight_time": {"475"}, "flight_type": {"J"}})
	if resp.StatusCode != http.StatusUnprocessableEntity || find(body, `[data-testid="error-arr_airport"]`) == "" {
		t.Errorf("bad edit: %d", resp.StatusCode)
	}
	resp, _ = post(t, staff.client, w.URL+loc, url.Values{"_csrf": {editToken}, "dpt_airport": {"LFPG"}, "arr_airport": {"EDDF"},
		"flight_time": {"70"}, "flight_type": {"F"}, "days": {"7"}})
	if resp.StatusCode != http.StatusSeeOther {
		t.Fatalf("edit: %d", resp.StatusCode)
	}
	_, body = getAs(t, staff.client, w.URL+resp.Header.Get("Location"), nil)
	if find(body, `[data-testid="saved"]`) == "" || !strings.Contains(body, "242 nm") || !strings.Contains(find(body, `[data-testid="flight-ident"]`), "LFPG") {
		t.Errorf("after the edit: %q", find(body, `[data-testid="flight-ident"]`))
	}
	// Deactivate takes it out of a pilot's reach.
	resp, _ = post(t, staff.client, w.URL+loc+"/deactivate", url.Values{"_csrf": {editToken}})
	if resp.StatusCode != http.StatusSeeOther {
		t.Fatalf("deactivate: %d", resp.StatusCode)
	}
	w.session(t, w.actors[1])
	if resp, _ := getAs(t, w.actors[1].client, w.URL+loc, nil); resp.StatusCode != http.StatusNotFound {
		t.Errorf("a pilot opened the deactivated flight: %d", resp.StatusCode)
	}
}

func must(t *testing.T, err error) {
	t.Helper()
	if err != nil {
		t.Fatal(err)
	}
}

// A pilot types part of an airport's name, or its IATA code, in From or To
// and presses Search without picking a suggestion: one airport of the
// airline that matches is searched; several are offered to pick from, and
// no flight is listed until one is.
func TestASearchByTypedAirportTextFindsTheOneItNames(t *testing.T) {
	for _, m := range []mode{embedded, postgres} {
		t.Run(string(m), func(t *testing.T) {
			w := newMatrixWorld(t, m)
			a := w.airlines["A"]
			pilot, staff := w.actors[1], w.actors[2]
			w.session(t, pilot)
			w.session(t, staff)
			for _, icao := range []string{"EGLL", "EGKK", "LPPT"} {
				// (the matrix's airline may have one already: 409)
				if resp, body := w.sendForm(t, staff, "/airlines/"+a.id+"/airports", url.Values{"icao": {icao}}); resp.StatusCode != http.StatusSeeOther && resp.StatusCode != http.StatusConflict {
					t.Fatalf("add %s: %d %.300s", icao, resp.StatusCode, body)
				}
			}
			// The older tests' flights name a table of airports; these name
			// the airline's.
			w.flights.Airports = domain.AirportTable{"EGLL": flightAirports["EGLL"],
				"EGKK": {Lat: 51.148102, Lon: -0.190278}, "LPPT": {Lat: 38.7813, Lon: -9.13592}}
			ctx := context.Background()
			sys := domain.CommandMeta{Who: domain.System}
			for _, f := range []domain.FlightSchedule{
				{FlightNumber: "500", DptAirport: "EGLL", ArrAirport: "LPPT"},
				{FlightNumber: "501", DptAirport: "LPPT", ArrAirport: "EGKK"},
			} {
				f.FlightTime, f.FlightType, f.Active = 150, "J", true
				_, _, err := w.flights.Add(ctx, sys, a.id, f)
				must(t, err)
			}
			w.settle(t)
			base := w.URL + "/airlines/" + a.id + "/flights"
			for _, c := range []struct {
				query, box, picked string
				want               []string
			}{
				{"?dpt=Lisb", "search-dpt", "LPPT", []string{"ALA501"}},
				{"?dpt=lis", "search-dpt", "LPPT", []string{"ALA501"}}, // its IATA code
				{"?arr=gatwick", "search-arr", "EGKK", []string{"ALA501"}},
				{"?dpt=heathrow&arr=Lisbon", "search-arr", "LPPT", []string{"ALA500"}},
			} {
				resp, body := getAs(t, pilot.client, base+c.query, nil)
				d := doc(t, body)
				if got := rowFlights(d); resp.StatusCode != http.StatusOK || strings.Join(got, ",") != strings.Join(c.want, ",") {
					t.Errorf("%s: %d %v, want %v", c.query, resp.StatusCode, got, c.want)
				}
				if v, _ := d.Find("#" + c.box + "-input").Attr("value"); v != c.picked || d.Find("#"+c.box+` [data-testid="airport-picked"]`).Length() != 1 {
					t.Errorf("%s: the box holds %q, want %s picked", c.query, v, c.picked)
				}
			}
			// "Airport" is in Gatwick's and Lisbon's names: both are
			// offered, and the text stays as typed, with no flights until
			// one is picked.
			resp, body := getAs(t, pilot.client, base+"?dpt=Airport", nil)
			d := doc(t, body)
			var offered []string
			d.Find(`#search-dpt [data-testid="airport-option"]`).Each(func(_ int, s *goquery.Selection) {
				offered = append(offered, s.AttrOr("data-icao", ""))
			})
			if slices.Sort(offered); strings.Join(offered, ",") != "EGKK,LPPT" {
				t.Errorf("Airport offers %v, want Gatwick and Lisbon", offered)
			}
			if resp.StatusCode != http.StatusOK || len(rowFlights(d)) != 0 || !strings.Contains(text(d, "error-dpt"), "pick one") {
				t.Errorf("Airport: %d, rows %v, message %q", resp.StatusCode, rowFlights(d), text(d, "error-dpt"))
			}
			if v, _ := d.Find("#search-dpt-input").Attr("value"); v != "AIRPORT" {
				t.Errorf("Airport's box holds %q", v)
			}
		})
	}
}
