package handlers_test

import (
	"context"
	"net/http"
	"net/url"
	"strings"
	"testing"

	"github.com/albatross-va/albatross/domain"
)

// charterWorld is the matrix world with more airports for airline A:
// LPPT, and LFPG, a hub.
func newCharterWorld(t *testing.T, m mode) (*matrixWorld, *phpvmsWorld) {
	t.Helper()
	w := newMatrixWorld(t, m)
	ctx := context.Background()
	a := w.airlines["A"]
	for _, ap := range []domain.AirportDetails{
		{ICAO: "LPPT", Name: "Lisbon", Latitude: 38.77, Longitude: -9.13},
		{ICAO: "LFPG", Name: "Paris", Latitude: 49.01, Longitude: 2.55, Hub: true},
	} {
		if _, err := (&domain.Airports{Runner: w.runner}).Add(ctx, domain.CommandMeta{Who: domain.System}, a.id, ap); err != nil {
			t.Fatal(err)
		}
	}
	if _, err := (&domain.Airports{Runner: w.runner}).SetHub(ctx, domain.CommandMeta{Who: domain.System}, a.id, "EGLL", true); err != nil {
		t.Fatal(err)
	}
	w.settle(t)
	for _, ac := range w.actors[1:3] {
		w.session(t, ac)
	}
	return w, &phpvmsWorld{matrixWorld: w}
}

// saveRules posts the PIREP settings form with the boxes and values given.
func saveRules(t *testing.T, w *matrixWorld, form url.Values) {
	t.Helper()
	staff, a := w.actors[2], w.airlines["A"]
	if resp, body := w.sendForm(t, staff, "/airlines/"+a.id+"/settings/pireps", form); resp.StatusCode != http.StatusSeeOther {
		t.Fatalf("save the PIREP settings %v: %d %s", form, resp.StatusCode, body)
	}
	w.settle(t)
}

// Charters: the setting (off refuses a booking, a free ACARS flight and a
// manual one, naming the field), the booking in My bids and the bids API,
// the prefile and filing from it, and the charter marked on every list.
func TestCharterBookingToFiling(t *testing.T) {
	for _, m := range []mode{embedded, postgres} {
		t.Run(string(m), func(t *testing.T) {
			w, api := newCharterWorld(t, m)
			a, pilot, staff := w.airlines["A"], w.actors[1], w.actors[2]
			base := "/airlines/" + a.id
			saveRules(t, w, url.Values{}) // every rule off: no charters

			_, body := getAs(t, staff.client, w.URL+base+"/settings/pireps", nil)
			if doc(t, body).Find(`[data-testid="allow-charters"][checked]`).Length() != 0 {
				t.Errorf("charters are on after saving them off")
			}
			charter := url.Values{"flight_number": {"ALA9001"}, "dpt_airport": {"EGLL"}, "arr_airport": {"LPPT"}, "route": {"dct"},
				"aircraft_id": {a.aircraft}, "level": {"36000"}, "type": {"cargo"}, "dpt_time": {"09:30"}, "arr_time": {"12:05"}}
			resp, body := w.sendForm(t, pilot, base+"/bids/charter", charter)
			if resp.StatusCode != http.StatusUnprocessableEntity || !strings.Contains(text(doc(t, body), "form-error"), "does not allow charter") {
				t.Errorf("a charter with charters off: %d %q, want 422 saying so", resp.StatusCode, text(doc(t, body), "form-error"))
			}
			_, body = getAs(t, pilot.client, w.URL+base+"/bids", nil)
			if doc(t, body).Find(`[data-testid="book-charter"]`).Length() != 0 {
				t.Errorf("My bids offers charters the airline does not allow")
			}
			airline := api.airlineNumber(t, pilot.apiKey)
			free := map[string]any{"airline_id": airline, "aircraft_id": a.aircraft, "flight_number": "9002",
				"dpt_airport_id": "EGLL", "arr_airport_id": "LPPT", "source_name": "CharterTest"}
			resp, pdoc := api.send(t, http.MethodPost, "/api/pireps/prefile", pilot.apiKey, free)
			if errs, _ := pdoc["errors"].(map[string]any); resp.StatusCode != http.StatusBadRequest || errs["flight_id"] == nil {
				t.Errorf("a free flight with charters off: %d %v, want 400 naming flight_id", resp.StatusCode, pdoc)
			}
			form := pirepForm("9003", a.aircraft)
			resp, body = w.sendForm(t, pilot, base+"/pireps", form)
			if resp.StatusCode != http.StatusUnprocessableEntity || !strings.Contains(text(doc(t, body), "error-flight_id"), "charter") {
				t.Errorf("a manual charter with charters off: %d %q", resp.StatusCode, text(doc(t, body), "error-flight_id"))
			}

			saveRules(t, w, url.Values{"allow_charters": {"1"}})
			_, body = getAs(t, staff.client, w.URL+base+"/settings/pireps", nil)
			if doc(t, body).Find(`[data-testid="allow-charters"][checked]`).Length() != 1 {
				t.Errorf("charters are not shown on after saving them on")
			}
			// A bad booking keeps what was typed, each message beside its field.
			bad := url.Values{"flight_number": {"9001"}, "dpt_airport": {"EGLL"}, "arr_airport": {"EGLL"}, "aircraft_id": {""},
				"type": {"passenger"}, "dpt_time": {"25:00"}, "arr_time": {"12:05"}}
			resp, body = w.sendForm(t, pilot, base+"/bids/charter", bad)
			d := doc(t, body)
			for _, f := range []string{"arr_airport", "aircraft_id", "dpt_time"} {
				if text(d, "error-"+f) == "" {
					t.Errorf("a bad charter: no message beside %s", f)
				}
			}
			if v, _ := d.Find(`input[name="dpt_time"]`).Attr("value"); resp.StatusCode != http.StatusUnprocessableEntity || v != "25:00" {
				t.Errorf("a bad charter: %d, dpt_time shows %q", resp.StatusCode, v)
			}
			if resp, body := w.sendForm(t, pilot, base+"/bids/charter", charter); resp.StatusCode != http.StatusSeeOther {
				t.Fatalf("book a charter: %d %s", resp.StatusCode, body)
			}
			w.settle(t)
			_, body = getAs(t, pilot.client, w.URL+base+"/bids", nil)
			d = doc(t, body)
			row := d.Find(`[data-testid="bid-row"]`)
			file, _ := row.Find(`[data-testid="file-from-bid"]`).Attr("href")
			if row.Length() != 1 || row.Find(`[data-testid="charter-badge"]`).Length() != 1 || !strings.Contains(row.Text(), "LPPT") ||
				!strings.Contains(file, "/pireps/new?bid=") {
				t.Fatalf("My bids after booking: %d rows, %q, file link %q; want the charter marked", row.Length(), row.Text(), file)
			}
			// Filing it by hand fills the form from the booking.
			_, body = getAs(t, pilot.client, w.URL+file, nil)
			d = doc(t, body)
			if v, _ := d.Find(`input[name="flight_number"]`).Attr("value"); v != "9001" {
				t.Errorf("the filing form from the booking: flight number %q, want 9001 (the airline's code taken off)", v)
			}
			if v, _ := d.Find(`input[name="level"]`).Attr("value"); v != "36000" || d.Find(`[data-testid="charter-option"]`).Length() != 1 {
				t.Errorf("the filing form from the booking: level %q, charter option %d", v, d.Find(`[data-testid="charter-option"]`).Length())
			}

			// The bids API lists it as a charter flight whose id prefiles it.
			_, bdoc := api.get(t, "/api/user/bids", xKey(pilot.apiKey))
			list := data[[]any](t, "bids", bdoc)
			if len(list) != 1 {
				t.Fatalf("bids API: %v", bdoc)
			}
			bid := list[0].(map[string]any)
			fl, _ := bid["flight"].(map[string]any)
			if fl == nil || fl["flight_type"] != "H" || fl["id"] != bid["flight_id"] || fl["dpt_airport_id"] != "EGLL" || fl["route"] != "DCT" {
				t.Fatalf("the charter in the bids API: %v; want a cargo charter flight (H) named by flight_id", bid)
			}
			prefile := map[string]any{"airline_id": airline, "aircraft_id": a.aircraft, "flight_id": bid["flight_id"], "flight_number": "9001",
				"dpt_airport_id": "EGLL", "arr_airport_id": "LPPT", "source_name": "CharterTest"}
			resp, pdoc = api.send(t, http.MethodPost, "/api/pireps/prefile", pilot.apiKey, prefile)
			p := data[map[string]any](t, "prefile of the charter", pdoc)
			if resp.StatusCode != http.StatusOK || p["flight_id"] != nil || p["flight_type"] != "C" || p["route"] != "DCT" || p["level"] != float64(36000) {
				t.Fatalf("prefile from the charter: %d %v; want a charter filled from the booking", resp.StatusCode, pdoc)
			}
			w.settle(t)
			_, body = getAs(t, pilot.client, w.URL+base+"/pireps", nil)
			if doc(t, body).Find(`[data-pirep="`+p["id"].(string)+`"] [data-testid="charter-badge"]`).Length() != 1 {
				t.Errorf("My PIREPs does not mark the charter")
			}
			if resp, pdoc = api.send(t, http.MethodPost, "/api/pireps/"+p["id"].(string)+"/file", pilot.apiKey,
				map[string]any{"distance": 840, "flight_time": 150}); resp.StatusCode != http.StatusOK {
				t.Fatalf("file the charter: %d %v", resp.StatusCode, pdoc)
			}
			w.settle(t)
			_, bdoc = api.get(t, "/api/user/bids", xKey(pilot.apiKey))
			if got := data[[]any](t, "bids after filing", bdoc); len(got) != 0 {
				t.Errorf("bids after the charter was filed: %v, want none (the reactor removes the booking)", got)
			}
			_, body = getAs(t, staff.client, w.URL+base+"/pireps/queue", nil)
			if doc(t, body).Find(`[data-pirep="`+p["id"].(string)+`"] [data-testid="charter-badge"]`).Length() != 1 {
				t.Errorf("the review queue does not mark the charter")
			}
			// A free flight of the ACARS client is a charter now allowed.
			if resp, pdoc = api.send(t, http.MethodPost, "/api/pireps/prefile", pilot.apiKey, free); resp.StatusCode != http.StatusOK {
				t.Errorf("a free flight with charters on: %d %v", resp.StatusCode, pdoc)
			}
			// Another airline's pilot cannot use the booking page of A.
			other := w.actors[3]
			w.session(t, other)
			if resp, _ := getAs(t, other.client, w.URL+base+"/bids/charter", nil); resp.StatusCode != http.StatusNotFound && resp.StatusCode != http.StatusForbidden {
				t.Errorf("airline B's admin on A's charter page: %d", resp.StatusCode)
			}
		})
	}
}

// Jumpseats: refused while off, beside the field with 422 (not a hub, an
// unknown airport, the month's limit, where the pilot is), shown in the
// pilot's history, and moving the pilot for the departure rule.
func TestJumpseatMovesThePilot(t *testing.T) {
	for _, m := range []mode{embedded, postgres} {
		t.Run(string(m), func(t *testing.T) {
			w, api := newCharterWorld(t, m)
			a, pilot := w.airlines["A"], w.actors[1]
			page := "/airlines/" + a.id + "/jumpseat"
			saveRules(t, w, url.Values{"allow_charters": {"1"}, "pilot_at_departure": {"1"}})
			_, body := getAs(t, pilot.client, w.URL+page, nil)
			if doc(t, body).Find(`[data-testid="jumpseats-off"]`).Length() != 1 {
				t.Errorf("the jumpseat page does not say they are off")
			}
			refused := func(to, want string) {
				t.Helper()
				resp, body := w.sendForm(t, pilot, page, url.Values{"to_airport": {to}})
				d := doc(t, body)
				msg := text(d, "error-to_airport")
				if resp.StatusCode != http.StatusUnprocessableEntity || !strings.Contains(msg, want) {
					t.Errorf("jumpseat to %q: %d %q, want 422 with %q beside the field", to, resp.StatusCode, msg, want)
				}
				if resp.Header.Get("Cache-Control") != "no-store" {
					t.Errorf("jumpseat to %q: the page may be stored", to)
				}
			}
			resp, body := w.sendForm(t, pilot, page, url.Values{"to_airport": {"LPPT"}})
			if resp.StatusCode != http.StatusUnprocessableEntity || !strings.Contains(body, "does not allow jumpseats") {
				t.Errorf("jumpseat while off: %d", resp.StatusCode)
			}
			saveRules(t, w, url.Values{"allow_charters": {"1"}, "pilot_at_departure": {"1"}, "allow_jumpseats": {"1"},
				"jumpseat_hubs_only": {"1"}, "jumpseats_per_month": {"1"}})
			_, body = getAs(t, pilot.client, w.URL+page, nil)
			d := doc(t, body)
			if d.Find(`form[data-testid="jumpseat-form"] input[name="_csrf"]`).Length() != 1 || d.Find(`label[for="jumpseat-to-input"]`).Length() != 1 {
				t.Errorf("the jumpseat form has no CSRF token or no label")
			}
			refused("LPPT", "not a hub")
			refused("KJFK", "not one of this airline's airports")
			// The pilot has no accepted flight: the jumpseat alone places them.
			flight := map[string]any{"airline_id": api.airlineNumber(t, pilot.apiKey), "aircraft_id": a.aircraft, "flight_number": "77",
				"dpt_airport_id": "LPPT", "arr_airport_id": "EGLL", "source_name": "JumpTest"}
			if resp, body := w.sendForm(t, pilot, page, url.Values{"to_airport": {"lfpg"}}); resp.StatusCode != http.StatusSeeOther {
				t.Fatalf("jumpseat to LFPG: %d %s", resp.StatusCode, body)
			}
			w.settle(t)
			_, body = getAs(t, pilot.client, w.URL+page, nil)
			d = doc(t, body)
			if !strings.Contains(text(d, "jumpseat-location"), "LFPG") || d.Find(`[data-testid="jumpseat-row"]`).Length() != 1 ||
				!strings.Contains(d.Find(`[data-testid="jumpseat-row"]`).Text(), "LFPG") {
				t.Errorf("after the jumpseat: location %q, %d history rows", text(d, "jumpseat-location"), d.Find(`[data-testid="jumpseat-row"]`).Length())
			}
			refused("EGLL", "this month's jumpseat")
			// The pilot's history (My PIREPs) lists it.
			_, body = getAs(t, pilot.client, w.URL+"/airlines/"+a.id+"/pireps", nil)
			if row := doc(t, body).Find(`[data-testid="history-jumpseat"]`); row.Length() != 1 || !strings.Contains(row.Text(), "LFPG") {
				t.Errorf("My PIREPs lists %d jumpseats, want the one to LFPG", row.Length())
			}
			// The dashboard shows where the jumpseat left the pilot, and links the form.
			_, body = getAs(t, pilot.client, w.URL+"/", nil)
			d = doc(t, body)
			if href, _ := d.Find(`[data-testid="jumpseat-link"]`).Attr("href"); href != page || !strings.Contains(text(d, "dashboard-location"), "LFPG") {
				t.Errorf("the dashboard: jumpseat link %q, location %q; want the form and LFPG", href, text(d, "dashboard-location"))
			}
			// The departure rule: from Lisbon refused, from Paris allowed.
			resp, pdoc := api.send(t, http.MethodPost, "/api/pireps/prefile", pilot.apiKey, flight)
			checkPhpvmsProblem(t, "a prefile away from the jumpseat's airport", resp, pdoc, http.StatusBadRequest, "user-not-at-airport")
			resp, body = w.sendForm(t, pilot, "/airlines/"+a.id+"/pireps", url.Values{"flight_number": {"78"}, "dpt_airport": {"EGLL"},
				"arr_airport": {"LFPG"}, "aircraft_id": {a.aircraft}, "block_off": {"2026-11-02T09:00"}, "block_on": {"2026-11-02T10:05"},
				"flight_time": {"0:55"}, "flight_type": {"C"}})
			if resp.StatusCode != http.StatusUnprocessableEntity || !strings.Contains(text(doc(t, body), "error-dpt_airport"), "LFPG") {
				t.Errorf("a manual filing from EGLL: %d %q, want the departure rule naming LFPG", resp.StatusCode, text(doc(t, body), "error-dpt_airport"))
			}
			flight["dpt_airport_id"], flight["arr_airport_id"] = "LFPG", "EGLL"
			if resp, pdoc = api.send(t, http.MethodPost, "/api/pireps/prefile", pilot.apiKey, flight); resp.StatusCode != http.StatusOK {
				t.Errorf("a prefile from the jumpseat's airport: %d %v", resp.StatusCode, pdoc)
			}
			// No monthly limit: a jumpseat to where the pilot is is refused.
			saveRules(t, w, url.Values{"allow_charters": {"1"}, "pilot_at_departure": {"1"}, "allow_jumpseats": {"1"}})
			refused("LFPG", "already")
			if resp, _ := w.sendForm(t, pilot, page, url.Values{"to_airport": {"LPPT"}}); resp.StatusCode != http.StatusSeeOther {
				t.Errorf("a second jumpseat without a limit or hub rule: %d", resp.StatusCode)
			}
			// The settings refuse a bad limit beside its field.
			resp, body = w.sendForm(t, w.actors[2], "/airlines/"+a.id+"/settings/pireps", url.Values{"allow_jumpseats": {"1"}, "jumpseats_per_month": {"many"}})
			if resp.StatusCode != http.StatusUnprocessableEntity || text(doc(t, body), "error-jumpseats_per_month") == "" {
				t.Errorf("a bad monthly limit: %d", resp.StatusCode)
			}
		})
	}
}
