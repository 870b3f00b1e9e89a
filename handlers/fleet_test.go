package handlers_test

import (
	"bufio"
	"context"
	"net/http"
	"net/url"
	"strings"
	"testing"
	"time"

	"github.com/PuerkitoBio/goquery"

	"github.com/albatross-va/albatross/domain"
)

func TestFleetPagesFormsAndHistory(t *testing.T) {
	for _, m := range []mode{embedded, postgres} {
		t.Run(string(m), func(t *testing.T) { checkFleetPages(t, newMatrixWorld(t, m)) })
	}
}

func checkFleetPages(t *testing.T, w *matrixWorld) {
	a := w.airlines["A"]
	pilot, staff, otherStaff := w.actors[1], w.actors[2], w.actors[3]
	for _, ac := range []*actor{pilot, staff, otherStaff} {
		w.session(t, ac)
	}
	fleet := w.URL + "/airlines/" + a.id + "/fleet"

	// The overview lists the airline's subfleet with its aircraft.
	resp, body := getAs(t, staff.client, fleet, nil)
	if resp.StatusCode != http.StatusOK {
		t.Fatalf("fleet page: %d", resp.StatusCode)
	}
	d := doc(t, body)
	if d.Find(`nav a[aria-current="page"]`).Text() != "Fleet" {
		t.Errorf("the Fleet tab is not the current one")
	}
	if d.Find(`[data-testid="subfleet"][data-type="B738"] [data-testid="aircraft-row"][data-registration="G-MTRX"]`).Length() != 1 {
		t.Errorf("the overview does not list G-MTRX under B738")
	}

	// A bad subfleet form comes back with the input and a message per field.
	token := w.csrfToken(t, staff.client)
	resp, body = post(t, staff.client, fleet+"/subfleets", url.Values{"_csrf": {token}, "type": {"A 320"}, "icao": {"A320"},
		"name": {"Airbus A320"}, "hub_id": {"LIS"}, "cost_block_hour": {"12.345"}})
	d = doc(t, body)
	if resp.StatusCode != http.StatusUnprocessableEntity || d.Find(`[data-testid="error-type"]`).Length() != 1 ||
		d.Find(`[data-testid="error-hub_id"]`).Length() != 1 || d.Find(`[data-testid="error-cost_block_hour"]`).Length() != 1 {
		t.Fatalf("bad subfleet: %d, want 422 with messages beside type, hub_id and cost", resp.StatusCode)
	}
	if v, _ := d.Find(`#subfleet-name`).Attr("value"); v != "Airbus A320" {
		t.Errorf("the form lost the name: %q", v)
	}
	// The hub must be one of the airline's airports.
	resp, body = post(t, staff.client, fleet+"/subfleets", url.Values{"_csrf": {token}, "type": {"A320-LIS"}, "icao": {"A320"},
		"name": {"Airbus A320"}, "hub_id": {"LPPT"}})
	if resp.StatusCode != http.StatusUnprocessableEntity || find(body, `[data-testid="error-hub_id"]`) == "" {
		t.Errorf("a hub the airline does not have: %d, want 422 with a message beside the hub", resp.StatusCode)
	}
	if _, err := (&domain.Airports{Runner: w.runner}).Add(context.Background(), domain.CommandMeta{Who: domain.System}, w.airlines["A"].id,
		domain.AirportDetails{ICAO: "LPPT", Name: "Lisbon", Latitude: 38.78, Longitude: -9.14}); err != nil {
		t.Fatal(err)
	}
	w.settle(t)
	// A good one leads to its page.
	resp, _ = post(t, staff.client, fleet+"/subfleets", url.Values{"_csrf": {token}, "command_id": {domain.NewUUID()}, "type": {"a320-lis"},
		"icao": {"a320"}, "name": {"Airbus A320"}, "hub_id": {"lppt"}, "cost_block_hour": {"2500"}})
	if resp.StatusCode != http.StatusSeeOther {
		t.Fatalf("create subfleet: %d", resp.StatusCode)
	}
	subfleetURL := w.URL + resp.Header.Get("Location")
	_, body = getAs(t, staff.client, subfleetURL, nil)
	if got := find(body, `[data-testid="subfleet-title"]`); !strings.Contains(got, "A320-LIS") {
		t.Errorf("subfleet page title %q", got)
	}
	if got := find(body, `[data-testid="subfleet-cost"]`); got != "2500.00" {
		t.Errorf("cost per block hour shown as %q", got)
	}
	subfleetID := subfleetURL[strings.LastIndex(subfleetURL, "/")+1:]

	// An aircraft is added with its registration in upper case.
	add := url.Values{"_csrf": {token}, "command_id": {domain.NewUUID()}, "subfleet_id": {subfleetID}, "registration": {"cs-tna"},
		"name": {"Lisboa"}, "status": {"active"}, "airport_id": {"LPPT"}, "flight_time": {"1234:30"}}
	resp, _ = post(t, staff.client, fleet+"/aircraft", add)
	if resp.StatusCode != http.StatusSeeOther {
		t.Fatalf("add aircraft: %d", resp.StatusCode)
	}
	aircraftURL := w.URL + resp.Header.Get("Location")
	_, body = getAs(t, staff.client, aircraftURL, nil)
	if find(body, `[data-testid="aircraft-registration"]`) != "CS-TNA" || find(body, `[data-testid="aircraft-flight-time"]`) != "1234:30" ||
		find(body, `[data-testid="aircraft-subfleet"]`) != "A320-LIS" || find(body, `[data-testid="aircraft-location"]`) != "LPPT" {
		t.Errorf("aircraft page: %q %q %q", find(body, `[data-testid="aircraft-registration"]`),
			find(body, `[data-testid="aircraft-flight-time"]`), find(body, `[data-testid="aircraft-subfleet"]`))
	}
	// The same registration again is refused beside the field, input kept.
	add.Set("command_id", domain.NewUUID())
	add.Set("registration", "CS-tna")
	resp, body = post(t, staff.client, fleet+"/aircraft", add)
	d = doc(t, body)
	if resp.StatusCode != http.StatusConflict || !strings.Contains(d.Find(`[data-testid="error-registration"]`).Text(), "already has an aircraft registered CS-TNA") {
		t.Errorf("a second CS-TNA: %d %q", resp.StatusCode, d.Find(`[data-testid="error-registration"]`).Text())
	}
	if v, _ := d.Find(`#aircraft-flight_time`).Attr("value"); v != "1234:30" {
		t.Errorf("the form lost the flight time: %q", v)
	}

	// Staff put it in maintenance; the page and its history say so.
	resp, _ = post(t, staff.client, aircraftURL, url.Values{"_csrf": {token}, "subfleet_id": {subfleetID}, "name": {"Lisboa"}, "status": {"maintenance"}})
	if resp.StatusCode != http.StatusSeeOther {
		t.Fatalf("edit aircraft: %d", resp.StatusCode)
	}
	_, body = getAs(t, staff.client, aircraftURL, nil)
	if got := find(body, `[data-testid="aircraft-status"]`); got != "maintenance" {
		t.Errorf("status after the edit %q", got)
	}
	var history []string
	doc(t, body).Find(`[data-testid="history-entry"]`).Each(func(_ int, s *goquery.Selection) { history = append(history, s.Text()) })
	if len(history) != 2 || !strings.Contains(history[0], "Added to A320-LIS as active at LPPT") ||
		!strings.Contains(history[1], "status active → maintenance") || !strings.Contains(history[1], "by admin-a@example.com") {
		t.Errorf("history %q, want the addition and the status change by admin-a@example.com", history)
	}
	// A bad edit keeps the input and says why.
	resp, body = post(t, staff.client, aircraftURL, url.Values{"_csrf": {token}, "subfleet_id": {subfleetID}, "name": {""}, "status": {"scrapped"}})
	if resp.StatusCode != http.StatusUnprocessableEntity || find(body, `[data-testid="error-name"]`) == "" || find(body, `[data-testid="error-status"]`) == "" {
		t.Errorf("bad aircraft edit: %d, want 422 with messages beside name and status", resp.StatusCode)
	}

	// The overview counts the subfleet's aircraft per status and says where they are.
	_, body = getAs(t, pilot.client, fleet, nil)
	d = doc(t, body)
	a320 := d.Find(`[data-testid="subfleet"][data-type="A320-LIS"]`)
	if got := strings.TrimSpace(a320.Find(`[data-testid="count-maintenance"]`).Text()); got != "maintenance: 1" {
		t.Errorf("maintenance count %q", got)
	}
	if got := strings.TrimSpace(a320.Find(`[data-testid="location"][data-airport="LPPT"]`).Text()); got != "LPPT (1)" {
		t.Errorf("location %q", got)
	}
	// A pilot reads the fleet but gets no forms.
	if d.Find(`[data-testid="subfleet-form"], [data-testid="aircraft-form"]`).Length() != 0 {
		t.Errorf("a pilot is shown the staff's forms")
	}
	resp, body = getAs(t, pilot.client, aircraftURL, nil)
	if resp.StatusCode != http.StatusOK || find(body, `[data-testid="aircraft-registration"]`) != "CS-TNA" ||
		doc(t, body).Find(`[data-testid="aircraft-edit-form"]`).Length() != 0 {
		t.Errorf("pilot on the aircraft page: %d, want it without the edit form", resp.StatusCode)
	}
	// Another airline's staff cannot see the aircraft through their own airline.
	b := w.airlines["B"]
	foreign := strings.Replace(aircraftURL, "/airlines/"+a.id+"/", "/airlines/"+b.id+"/", 1)
	if resp, _ := getAs(t, otherStaff.client, foreign, nil); resp.StatusCode != http.StatusNotFound {
		t.Errorf("A's aircraft through B's fleet: %d, want 404", resp.StatusCode)
	}

	// htmx re-fetches the list alone.
	resp, body = getAs(t, pilot.client, fleet, map[string]string{"HX-Request": "true"})
	if resp.StatusCode != http.StatusOK || strings.Contains(body, "<html") || doc(t, body).Find(`#fleet-list [data-registration="CS-TNA"]`).Length() != 1 {
		t.Errorf("the fleet fragment: %d, want the list alone with CS-TNA", resp.StatusCode)
	}
}

// eventStream opens /events as a client and sends each SSE event name.
func eventStream(t *testing.T, client *http.Client, u string) <-chan string {
	t.Helper()
	ctx, cancel := context.WithCancel(context.Background())
	t.Cleanup(cancel)
	req, _ := http.NewRequestWithContext(ctx, http.MethodGet, u, nil)
	resp, err := client.Do(req)
	if err != nil {
		t.Fatal(err)
	}
	if resp.StatusCode != http.StatusOK {
		t.Fatalf("%s: %d", u, resp.StatusCode)
	}
	names := make(chan string, 1024)
	go func() {
		defer resp.Body.Close()
		sc := bufio.NewScanner(resp.Body)
		for sc.Scan() {
			if name, ok := strings.CutPrefix(sc.Text(), "event: "); ok {
				names <- name
			}
		}
	}()
	return names
}

// Each operations list (airports, fleet, flights) listens for its topic,
// and a change in airline A reaches A's open pages and the platform admin,
// never airline B's.
func TestOperationsChangesReachTheAirlinesOpenPagesOnly(t *testing.T) {
	w := newMatrixWorld(t, embedded)
	a := w.airlines["A"]
	pilot, otherStaff, platform := w.actors[1], w.actors[3], w.actors[4]
	for _, ac := range []*actor{pilot, otherStaff, platform} {
		w.session(t, ac)
	}
	ctx, sys := context.Background(), domain.CommandMeta{Who: domain.System}
	for _, c := range []struct {
		topic, page string
		change      func() error
	}{
		{"fleet", "/fleet", func() error {
			_, _, err := w.fleet.AddAircraft(ctx, sys, a.id, domain.NewAircraft{SubfleetID: a.subfleet, Registration: "G-LIVE", Name: "Live", AirportID: "EGLL"})
			return err
		}},
		{"airports", "/airports", func() error {
			_, err := (&domain.Airports{Runner: w.runner}).Add(ctx, sys, a.id, domain.AirportDetails{ICAO: "EGKK", Name: "Gatwick", Latitude: 51.15, Longitude: -0.19})
			return err
		}},
		{"flights", "/flights", func() error {
			_, _, err := w.flights.Add(ctx, sys, a.id, domain.FlightSchedule{FlightNumber: "77", DptAirport: "EGLL", ArrAirport: "KJFK", FlightTime: 475, FlightType: "J", Active: true})
			return err
		}},
	} {
		t.Run(c.topic, func(t *testing.T) {
			_, body := getAs(t, pilot.client, w.URL+"/airlines/"+a.id+c.page, nil)
			if !strings.Contains(body, "sse:"+c.topic) || !strings.Contains(body, `sse-connect="/events"`) {
				t.Errorf("the %s page does not listen for %q notices", c.page, c.topic)
			}
			ofPilot := eventStream(t, pilot.client, w.URL+"/events")
			ofPlatform := eventStream(t, platform.client, w.URL+"/events")
			ofOther := eventStream(t, otherStaff.client, w.URL+"/events")
			if err := c.change(); err != nil {
				t.Fatal(err)
			}
			for name, stream := range map[string]<-chan string{"pilot of A": ofPilot, "platform admin": ofPlatform} {
				select {
				case ev := <-stream:
					if ev != c.topic {
						t.Errorf("%s got event %q, want %s", name, ev, c.topic)
					}
				case <-time.After(5 * time.Second):
					t.Errorf("%s got no %s event", name, c.topic)
				}
			}
			select {
			case ev := <-ofOther:
				t.Errorf("B's staff got A's event %q", ev)
			case <-time.After(200 * time.Millisecond):
			}
		})
	}
}
