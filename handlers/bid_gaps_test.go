package handlers_test

import (
	"context"
	"fmt"
	"net/http"
	"strings"
	"testing"

	"github.com/PuerkitoBio/goquery"

	"github.com/albatross-va/albatross/domain"
)

// phpVMS's bid API where Albatross fell short of it, in both modes:
// /api/users/{id}/bids for the key owner's own id, ?with= on the bid
// list, aircraft_id required when bids reserve the aircraft, an aircraft
// flying an ACARS flight not available, and the "pilot at the departure
// airport" rule applied to bids with phpVMS's error.
func TestPhpvmsBidGaps(t *testing.T) {
	for _, m := range []mode{embedded, postgres} {
		t.Run(string(m), func(t *testing.T) {
			w := newBidWorld(t, m)
			key, key2 := w.keyA, w.key2
			f100, f101, f102 := w.flight(100), w.flight(101), w.flight(102)
			number := func(key string) string {
				t.Helper()
				_, doc := w.get(t, "/api/user", xKey(key))
				return fmt.Sprint(data[map[string]any](t, "user", doc)["pilot_id"])
			}
			own, other := number(key), number(key2)
			if _, err := w.users.ChangePassword(context.Background(), domain.CommandMeta{Who: domain.System}, w.a.pilots[1], w.a.otps[1], memberPassword); err != nil {
				t.Fatal(err)
			}
			w.settle(t)
			second := &actor{name: "pilot 1", login: "pilot-1-qaa@example.com", role: domain.RolePilot, tenant: w.a.id}
			w.session(t, second)

			// /api/users/{id}/bids: the key owner's own, as /api/user/bids.
			resp, doc := w.send(t, http.MethodPut, "/api/users/"+own+"/bids", key, map[string]any{"flight_id": f100})
			if resp.StatusCode != http.StatusOK || data[map[string]any](t, "PUT by number", doc)["flight_id"] != f100 {
				t.Fatalf("PUT /api/users/%s/bids: %d %v", own, resp.StatusCode, doc)
			}
			for _, path := range []string{"/api/users/" + own + "/bids", "/api/users/me/bids"} {
				_, doc := w.get(t, path, xKey(key))
				if got := bidFlights(t, path, doc); len(got) != 1 || got[0] != f100 {
					t.Errorf("GET %s: %v, want the one bid", path, got)
				}
			}
			resp, doc = w.get(t, "/api/users/"+other+"/bids", xKey(key))
			checkPhpvmsProblem(t, "another pilot's bids", resp, doc, http.StatusForbidden, "unauthorized")
			resp, doc = w.send(t, http.MethodPost, "/api/users/"+other+"/bids", key, map[string]any{"flight_id": f101})
			checkPhpvmsProblem(t, "a bid for another pilot", resp, doc, http.StatusForbidden, "unauthorized")
			if _, doc := w.get(t, "/api/user/bids", xKey(key2)); len(bidFlights(t, "the other's bids", doc)) != 0 {
				t.Errorf("a bid was placed for another pilot")
			}
			resp, doc = w.get(t, "/api/users/9999/bids", xKey(key))
			checkPhpvmsProblem(t, "no such pilot", resp, doc, http.StatusNotFound, "user-not-found")
			// Another airline's pilot with the same number is not found.
			_, bdoc := w.get(t, "/api/user", xKey(w.keyB))
			if n := fmt.Sprint(data[map[string]any](t, "B's user", bdoc)["pilot_id"]); n != own {
				resp, doc = w.get(t, "/api/users/"+n+"/bids", xKey(key))
				checkPhpvmsProblem(t, "another airline's pilot", resp, doc, http.StatusNotFound, "user-not-found")
			}

			// ?with= overrides the default relations: an empty one loads
			// no subfleets.
			flightOf := func(path string) map[string]any {
				t.Helper()
				_, doc := w.get(t, path, xKey(key))
				items := data[[]any](t, path, doc)
				if len(items) == 0 {
					t.Fatalf("%s: no bids", path)
				}
				fl, _ := items[0].(map[string]any)["flight"].(map[string]any)
				return fl
			}
			if fl := flightOf("/api/user/bids"); fl["subfleets"] == nil {
				t.Errorf("the default bid list has no subfleets: %v", fl)
			}
			if fl := flightOf("/api/user/bids?with="); fl["subfleets"] != nil {
				t.Errorf("with= still loads subfleets: %v", fl["subfleets"])
			}
			if fl := flightOf("/api/user/bids?with=subfleets"); fl["subfleets"] == nil {
				t.Errorf("with=subfleets loads none")
			}

			// Bids that reserve the aircraft need it: 400 naming aircraft_id,
			// and no bid placed.
			w.setBidRules(t, domain.BidRules{AllowMultiple: true, BlockAircraft: true})
			resp, doc = w.send(t, http.MethodPut, "/api/user/bids", key, map[string]any{"flight_id": f102})
			checkPhpvmsProblem(t, "no aircraft_id", resp, doc, http.StatusBadRequest, "validation-exception")
			if errs, _ := doc["errors"].(map[string]any); errs["aircraft_id"] == nil {
				t.Errorf("the refusal does not name aircraft_id: %v", doc)
			}
			if _, doc := w.get(t, "/api/user/bids", xKey(key)); len(bidFlights(t, "after the refusal", doc)) != 1 {
				t.Errorf("a refused bid was placed")
			}
			w.setBidRules(t, domain.DefaultBidRules)

			// An aircraft flying an ACARS flight is not available: the
			// flight's aircraft and the search's count leave it out.
			aircraftOf := func() int {
				t.Helper()
				resp, list := w.getArray(t, "/api/flights/"+f102+"/aircraft", xKey(key2))
				if resp.StatusCode != http.StatusOK {
					t.Fatalf("flight aircraft: %d", resp.StatusCode)
				}
				return len(list)
			}
			available := func() string {
				t.Helper()
				_, body := getAs(t, second.client, w.URL+"/airlines/"+w.a.id+"/flights?dpt=EGLL", nil)
				page, err := goquery.NewDocumentFromReader(strings.NewReader(body))
				if err != nil {
					t.Fatal(err)
				}
				row := page.Find(`[data-testid="flight-row"][data-flight="` + f102 + `"]`)
				return strings.TrimSpace(row.Find(`[data-testid="aircraft-available"]`).Text())
			}
			if n, got := aircraftOf(), available(); n != 2 || got != "2 aircraft available" {
				t.Fatalf("before the flight: %d aircraft, %q; want 2", n, got)
			}
			presp, pdoc := w.send(t, http.MethodPost, "/api/pireps/prefile", key, map[string]any{"airline_id": w.airlineNumber(t, key),
				"aircraft_id": 1, "flight_number": "101", "dpt_airport_id": "KJFK", "arr_airport_id": "EGLL", "source_name": "test"})
			if presp.StatusCode != http.StatusOK {
				t.Fatalf("prefile: %d %v", presp.StatusCode, pdoc)
			}
			w.settle(t)
			if n, got := aircraftOf(), available(); n != 1 || got != "1 aircraft available" {
				t.Errorf("with one aircraft flying: %d aircraft, %q; want 1", n, got)
			}
			pirep := data[map[string]any](t, "prefile", pdoc)["id"].(string)
			if resp, doc := w.send(t, http.MethodDelete, "/api/pireps/"+pirep+"/cancel", key, nil); resp.StatusCode != http.StatusOK {
				t.Fatalf("cancel: %d %v", resp.StatusCode, doc)
			}
			w.settle(t)
			if n := aircraftOf(); n != 2 {
				t.Errorf("after the flight's cancel: %d aircraft, want 2", n)
			}

			// The pilot at the departure airport: the second pilot is at
			// KJFK (their accepted flight's arrival), so a bid on a flight
			// from EGLL is phpVMS's 400 user-not-at-airport; from KJFK it
			// is placed.
			if _, err := w.app.airlines.SetPirepRules(context.Background(), domain.CommandMeta{Who: domain.System}, w.a.id,
				domain.PirepRules{PilotAtDeparture: true}); err != nil {
				t.Fatal(err)
			}
			w.settle(t)
			resp, doc = w.send(t, http.MethodPut, "/api/user/bids", key2, map[string]any{"flight_id": f102})
			if msg := checkPhpvmsProblem(t, "a bid from elsewhere", resp, doc, http.StatusBadRequest, "user-not-at-airport"); msg != "Pilot is not at the departure airport" {
				t.Errorf("a bid from elsewhere says %q", msg)
			}
			resp, doc = w.send(t, http.MethodPut, "/api/user/bids", key2, map[string]any{"flight_id": f101})
			if resp.StatusCode != http.StatusOK {
				t.Errorf("a bid from where the pilot is: %d %v", resp.StatusCode, doc)
			}
		})
	}
}

// A flight another pilot's bid takes (one pilot per flight) leaves the
// pilots' search, as before, but stays reachable by its page: the page
// and the API's flight say it is taken, and offer no bid. In both modes.
func TestTakenFlightStaysReachable(t *testing.T) {
	for _, m := range []mode{embedded, postgres} {
		t.Run(string(m), func(t *testing.T) {
			w := newBidWorld(t, m)
			ctx := context.Background()
			if _, err := w.users.ChangePassword(ctx, domain.CommandMeta{Who: domain.System}, w.a.pilots[1], w.a.otps[1], memberPassword); err != nil {
				t.Fatal(err)
			}
			w.settle(t)
			two := &actor{name: "pilot 1", login: "pilot-1-qaa@example.com", role: domain.RolePilot, tenant: w.a.id}
			w.session(t, two)
			f100 := w.flight(100)
			if resp, doc := w.send(t, http.MethodPut, "/api/user/bids", w.keyA, map[string]any{"flight_id": f100}); resp.StatusCode != http.StatusOK {
				t.Fatalf("the first pilot's bid: %d %v", resp.StatusCode, doc)
			}
			w.settle(t)
			page := func(path string) (int, *goquery.Document) {
				t.Helper()
				resp, body := getAs(t, two.client, w.URL+path, nil)
				d, err := goquery.NewDocumentFromReader(strings.NewReader(body))
				if err != nil {
					t.Fatal(err)
				}
				return resp.StatusCode, d
			}
			base := "/airlines/" + w.a.id
			if _, d := page(base + "/flights?dpt=EGLL"); d.Find(`[data-testid="flight-row"][data-flight="`+f100+`"]`).Length() != 0 {
				t.Errorf("the other pilot's search lists the taken flight")
			}
			status, d := page(base + "/flights/" + f100)
			cell := d.Find(`[data-testid="flight-bid"]`)
			if status != http.StatusOK || cell.Find(`[data-testid="bid-taken"]`).Length() != 1 || cell.Find(`[data-testid="bid"]`).Length() != 0 {
				t.Errorf("the taken flight's page: %d, taken %d, bid buttons %d; want 200, taken, no bid",
					status, cell.Find(`[data-testid="bid-taken"]`).Length(), cell.Find(`[data-testid="bid"]`).Length())
			}
			resp, doc := w.get(t, "/api/flights/"+f100, xKey(w.key2))
			if resp.StatusCode != http.StatusOK || data[map[string]any](t, "the taken flight", doc)["has_bid"] != true {
				t.Errorf("the API's taken flight: %d %v, want 200 with has_bid", resp.StatusCode, doc)
			}
			_, doc = w.get(t, "/api/flights/search?dep_icao=EGLL", xKey(w.key2))
			for _, it := range data[[]any](t, "search", doc) {
				if it.(map[string]any)["id"] == f100 {
					t.Errorf("the API search lists the taken flight")
				}
			}
			resp, doc = w.send(t, http.MethodPut, "/api/user/bids", w.key2, map[string]any{"flight_id": f100})
			checkPhpvmsProblem(t, "a bid on the taken flight", resp, doc, http.StatusConflict, "bid-exists")
		})
	}
}
