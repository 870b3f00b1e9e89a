package handlers_test

import (
	"context"
	"fmt"
	"log/slog"
	"net/http"
	"net/url"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/albatross-va/albatross/domain"
	"github.com/albatross-va/albatross/reactors"
	"github.com/albatross-va/albatross/store/reads"
)

// bidWorld is the phpVMS world with a key for a second pilot of airline A.
type bidWorld struct {
	*phpvmsWorld
	key2 string
}

func newBidWorld(t *testing.T, m mode) *bidWorld {
	t.Helper()
	w := &bidWorld{phpvmsWorld: newPhpvmsWorld(t, m)}
	k, _, err := (&domain.APIKeys{Runner: w.runner, IDs: domain.RandomIDs{}}).Create(context.Background(),
		domain.CommandMeta{Who: domain.System}, w.a.pilots[1], domain.CreateAPIKey{Name: "ACARS"})
	if err != nil {
		t.Fatal(err)
	}
	w.key2 = k.Key
	w.settle(t)
	return w
}

// flight is the id of one of the seeded airline's flights (100: EGLL to
// KJFK, 101: KJFK to EGLL, 102: EGLL to LFPG).
func (w *bidWorld) flight(number int) string {
	return domain.FlightID(w.a.id, fmt.Sprint(number), "", 0)
}

func (w *bidWorld) setBidRules(t *testing.T, r domain.BidRules) {
	t.Helper()
	if _, err := w.app.airlines.SetBidRules(context.Background(), domain.CommandMeta{Who: domain.System}, w.a.id, r); err != nil {
		t.Fatal(err)
	}
	w.settle(t)
}

// bidIDs are the flight ids of a bid list's items.
func bidFlights(t *testing.T, what string, doc map[string]any) []string {
	t.Helper()
	var out []string
	for _, it := range data[[]any](t, what, doc) {
		out = append(out, it.(map[string]any)["flight_id"].(string))
	}
	return out
}

// phpVMS's bid routes with its answers, and the bid that the flight's
// PIREP ends, filed or cancelled through the ACARS API, in both modes.
func TestPhpvmsBids(t *testing.T) {
	for _, m := range []mode{embedded, postgres} {
		t.Run(string(m), func(t *testing.T) {
			w := newBidWorld(t, m)
			key, key2 := w.keyA, w.key2
			f100, f101 := w.flight(100), w.flight(101)

			_, doc := w.get(t, "/api/user/bids", xKey(key))
			if got := bidFlights(t, "no bids", doc); len(got) != 0 {
				t.Fatalf("bids before any: %v", got)
			}
			resp, doc := w.send(t, http.MethodPut, "/api/user/bids", key, map[string]any{"flight_id": f100})
			bid := data[map[string]any](t, "PUT a bid", doc)
			fl, _ := bid["flight"].(map[string]any)
			if resp.StatusCode != http.StatusOK || bid["flight_id"] != f100 || bid["id"] != float64(1) || fl["has_bid"] != true || fl["id"] != f100 {
				t.Fatalf("PUT /api/user/bids: %d %v; want the one new bid, number 1, its flight with has_bid", resp.StatusCode, doc)
			}
			_, doc = w.send(t, http.MethodPost, "/api/user/bids", key, map[string]any{"flight_id": f100})
			if again := data[map[string]any](t, "the same bid again", doc); again["id"] != bid["id"] {
				t.Errorf("the same flight again: %v, want the same bid", again)
			}
			_, doc = w.get(t, "/api/flights/"+f100, xKey(key))
			if data[map[string]any](t, "the flight", doc)["has_bid"] != true {
				t.Errorf("GET /api/flights/{id} of a flight with a bid: has_bid is not true")
			}
			_, doc = w.get(t, "/api/flights/"+f101, xKey(key))
			if data[map[string]any](t, "another flight", doc)["has_bid"] != false {
				t.Errorf("a flight without a bid: has_bid is not false")
			}

			// One pilot per flight (phpVMS's default): the other pilot is
			// refused, does not find the flight, and may not read the bid.
			resp, doc = w.send(t, http.MethodPut, "/api/user/bids", key2, map[string]any{"flight_id": f100})
			checkPhpvmsProblem(t, "another pilot's flight", resp, doc, http.StatusConflict, "bid-exists")
			_, doc = w.get(t, "/api/flights/search?dep_icao=EGLL", xKey(key2))
			for _, it := range data[[]any](t, "search", doc) {
				if it.(map[string]any)["id"] == f100 {
					t.Errorf("the other pilot's search still finds the flight with a bid")
				}
			}
			resp, doc = w.get(t, "/api/user/bids/1", xKey(key2))
			checkPhpvmsProblem(t, "another pilot's bid", resp, doc, http.StatusForbidden, "unauthorized")
			resp, doc = w.get(t, "/api/bids/99", xKey(key))
			checkPhpvmsProblem(t, "no such bid", resp, doc, http.StatusNotFound, "bid-not-found")
			_, doc = w.get(t, "/api/bids/1", xKey(key))
			if data[map[string]any](t, "GET /api/bids/1", doc)["flight_id"] != f100 {
				t.Errorf("GET /api/bids/1: %v", doc)
			}

			// One bid per pilot: user-bid-limit.
			w.setBidRules(t, domain.BidRules{OnePilotPerFlight: true})
			resp, doc = w.send(t, http.MethodPut, "/api/user/bids", key, map[string]any{"flight_id": f101})
			checkPhpvmsProblem(t, "a second bid with one allowed", resp, doc, http.StatusConflict, "user-bid-limit")
			w.setBidRules(t, domain.BidRules{AllowMultiple: true, OnePilotPerFlight: true})
			_, doc = w.send(t, http.MethodPut, "/api/user/bids", key, map[string]any{"flight_id": f101})
			second := data[map[string]any](t, "a second bid", doc)
			resp, doc = w.send(t, http.MethodDelete, "/api/user/bids", key, map[string]any{"bid_id": second["id"]})
			if got := bidFlights(t, "DELETE", doc); resp.StatusCode != http.StatusOK || len(got) != 1 || got[0] != f100 {
				t.Errorf("DELETE /api/user/bids: %d %v; want the remaining list, the bid on %s", resp.StatusCode, got, f100)
			}
			resp, doc = w.send(t, http.MethodDelete, "/api/user/bids", key, map[string]any{"flight_id": f101})
			checkPhpvmsProblem(t, "removing a bid twice", resp, doc, http.StatusNotFound, "bid-not-found")

			// The ACARS flight of a bid (prefiled from its flight_id):
			// the prefile keeps the bid, the filing ends it.
			f102 := w.flight(102)
			if resp, doc = w.send(t, http.MethodPut, "/api/user/bids", key, map[string]any{"flight_id": f102}); resp.StatusCode != http.StatusOK {
				t.Fatalf("bid on 102: %d %v", resp.StatusCode, doc)
			}
			airline := w.airlineNumber(t, key)
			prefile := map[string]any{"airline_id": airline, "aircraft_id": 1, "flight_id": f102, "flight_number": "102",
				"dpt_airport_id": "EGLL", "arr_airport_id": "LFPG", "source_name": "BidTest"}
			_, doc = w.send(t, http.MethodPost, "/api/pireps/prefile", key, prefile)
			pirep := data[map[string]any](t, "prefile from the bid", doc)
			if pirep["state"] != float64(0) {
				t.Fatalf("the prefile from the bid: %v", pirep)
			}
			_, doc = w.get(t, "/api/user/bids", xKey(key))
			if got := bidFlights(t, "after the prefile", doc); len(got) != 2 {
				t.Errorf("bids after the prefile = %v, want the bid kept", got)
			}
			resp, doc = w.send(t, http.MethodPost, "/api/pireps/"+pirep["id"].(string)+"/file", key, map[string]any{"distance": 3000, "flight_time": 420})
			if resp.StatusCode != http.StatusOK {
				t.Fatalf("file: %d %v", resp.StatusCode, doc)
			}
			_, doc = w.get(t, "/api/user/bids", xKey(key))
			if got := bidFlights(t, "after the filing", doc); len(got) != 1 || got[0] != f100 {
				t.Errorf("bids after the flight was filed = %v, want only the other one, %s (the reactor removes the flown one)", got, f100)
			}

			// The flight is free again; the other pilot's cancelled flight
			// ends their bid.
			if resp, doc = w.send(t, http.MethodPut, "/api/user/bids", key2, map[string]any{"flight_id": f102}); resp.StatusCode != http.StatusOK {
				t.Fatalf("the flight after the filing: %d %v, want it free", resp.StatusCode, doc)
			}
			prefile["aircraft_id"] = 2
			_, doc = w.send(t, http.MethodPost, "/api/pireps/prefile", key2, prefile)
			pirep = data[map[string]any](t, "the other pilot's prefile", doc)
			if resp, doc = w.send(t, http.MethodPut, "/api/pireps/"+pirep["id"].(string)+"/cancel", key2, nil); resp.StatusCode != http.StatusOK {
				t.Fatalf("cancel: %d %v", resp.StatusCode, doc)
			}
			_, doc = w.get(t, "/api/user/bids", xKey(key2))
			if got := bidFlights(t, "after the cancel", doc); len(got) != 0 {
				t.Errorf("bids after the flight was cancelled = %v, want none", got)
			}
			// Reserving the aircraft with the bid: another pilot may bid on
			// the flight (one pilot per flight off) but not with that
			// aircraft, which the flight's aircraft leave out.
			w.setBidRules(t, domain.BidRules{AllowMultiple: true, BlockAircraft: true})
			if resp, doc = w.send(t, http.MethodPut, "/api/user/bids", key, map[string]any{"flight_id": f101, "aircraft_id": 2}); resp.StatusCode != http.StatusOK ||
				data[map[string]any](t, "a bid with an aircraft", doc)["aircraft_id"] != float64(2) {
				t.Fatalf("a bid reserving aircraft 2: %d %v", resp.StatusCode, doc)
			}
			resp, doc = w.send(t, http.MethodPut, "/api/user/bids", key2, map[string]any{"flight_id": f101, "aircraft_id": 2})
			checkPhpvmsProblem(t, "a reserved aircraft", resp, doc, http.StatusConflict, "bid-exists")
			_, list := w.getArray(t, "/api/flights/"+f101+"/aircraft", xKey(key2))
			for _, it := range list {
				if it.(map[string]any)["id"] == float64(2) {
					t.Errorf("the flight's aircraft list the reserved aircraft 2")
				}
			}
			if len(list) != 1 {
				t.Errorf("the flight's aircraft = %d, want the one not reserved", len(list))
			}
			if resp, doc = w.send(t, http.MethodPut, "/api/user/bids", key2, map[string]any{"flight_id": f101, "aircraft_id": 1}); resp.StatusCode != http.StatusOK {
				t.Errorf("the same flight with the other aircraft, one pilot per flight off: %d %v", resp.StatusCode, doc)
			}

			// Another airline's key sees none of it.
			_, doc = w.get(t, "/api/user/bids", xKey(w.keyB))
			if got := bidFlights(t, "airline B", doc); len(got) != 0 {
				t.Errorf("airline B's pilot lists %v", got)
			}
		})
	}
}

// Two pilots bidding on one flight at once under "one pilot per flight"
// give exactly one bid, in both modes: the flight is claimed in the append.
func TestConcurrentBidsGiveOneBid(t *testing.T) {
	for _, m := range []mode{embedded, postgres} {
		t.Run(string(m), func(t *testing.T) {
			w := newBidWorld(t, m)
			f := w.flight(102)
			const rounds = 5
			for round := range rounds {
				var wg sync.WaitGroup
				errs := make([]error, len(w.a.pilots))
				for i, pilot := range w.a.pilots {
					wg.Add(1)
					go func() {
						defer wg.Done()
						who := domain.CommandMeta{Who: domain.Actor{UserID: pilot, Role: domain.RolePilot, TenantID: w.a.id}}
						_, _, errs[i] = w.bids.Place(context.Background(), who, w.a.id, f, "")
					}()
				}
				wg.Wait()
				won := 0
				for _, err := range errs {
					switch {
					case err == nil:
						won++
					case domain.ErrorFields(err)["flight_id"] == "":
						t.Errorf("round %d: a losing bid: %v, want bid-exists", round, err)
					}
				}
				w.settle(t)
				holders, err := reads.New(w.rm).FlightBidders(context.Background(), w.a.id, []string{f})
				if err != nil {
					t.Fatal(err)
				}
				if won != 1 || len(holders[f]) != 1 {
					t.Fatalf("round %d: %d bids won, %d in the read model; want exactly 1", round, won, len(holders[f]))
				}
				// The holder gives it up for the next round.
				who := domain.CommandMeta{Who: domain.Actor{UserID: holders[f][0], Role: domain.RolePilot, TenantID: w.a.id}}
				list, _ := reads.New(w.rm).PilotBids(context.Background(), w.a.id, holders[f][0])
				if _, err := w.bids.Remove(context.Background(), who, w.a.id, list[0].ID); err != nil {
					t.Fatal(err)
				}
				w.settle(t)
			}
		})
	}
}

// The sweep removes bids older than the airline's expiry and tells the
// pilot with a notice; younger ones stay.
func TestExpiredBidsAreRemovedWithANotice(t *testing.T) {
	for _, m := range []mode{embedded, postgres} {
		t.Run(string(m), func(t *testing.T) {
			w := newBidWorld(t, m)
			w.setBidRules(t, domain.BidRules{AllowMultiple: true, OnePilotPerFlight: true, ExpireAfterHours: 2})
			pilot := domain.CommandMeta{Who: domain.Actor{UserID: w.a.pilotID, Role: domain.RolePilot, TenantID: w.a.id}}
			if _, _, err := w.bids.Place(context.Background(), pilot, w.a.id, w.flight(100), ""); err != nil {
				t.Fatal(err)
			}
			w.settle(t)
			rm := reads.New(w.rm)
			sweep := func(after time.Duration) int {
				t.Helper()
				at := time.Now().Add(after)
				n, err := (&reactors.ExpiredBids{Reads: rm, Bids: w.bids, Now: func() time.Time { return at }, Log: slog.Default()}).Sweep(context.Background())
				if err != nil {
					t.Fatal(err)
				}
				w.settle(t)
				return n
			}
			if n := sweep(time.Hour); n != 0 {
				t.Errorf("a sweep an hour on removed %d bids, want none", n)
			}
			if n := sweep(3 * time.Hour); n != 1 {
				t.Errorf("a sweep three hours on removed %d bids, want 1", n)
			}
			if n := sweep(3 * time.Hour); n != 0 {
				t.Errorf("a second sweep removed %d bids, want none", n)
			}
			if list, _ := rm.PilotBids(context.Background(), w.a.id, w.a.pilotID); len(list) != 0 {
				t.Errorf("bids after the expiry: %v", list)
			}
			notes, err := rm.UnreadNotices(context.Background(), w.a.id, w.a.pilotID, 10)
			if err != nil {
				t.Fatal(err)
			}
			found := false
			for _, n := range notes {
				found = found || n.Kind == "bid_expired" && n.FlightNumber == "100"
			}
			if !found {
				t.Errorf("the pilot's notices %v do not tell of the expired bid", notes)
			}
		})
	}
}

// The pages: bid from the search, My bids lists it with its filing form
// filled from the flight, the other pilot's search and "only flights I can
// bid on", removing it, and the settings form's error beside its field.
func TestBidPages(t *testing.T) {
	w := newBidWorld(t, embedded)
	ctx := context.Background()
	sys := domain.CommandMeta{Who: domain.System}
	for i, id := range w.a.pilots[:2] {
		if _, err := w.users.ChangePassword(ctx, sys, id, w.a.otps[i], memberPassword); err != nil {
			t.Fatal(err)
		}
	}
	if _, err := w.users.ChangePassword(ctx, sys, w.a.adminID, w.a.adminOTP, memberPassword); err != nil {
		t.Fatal(err)
	}
	w.settle(t)
	one := &actor{name: "pilot 0", login: "pilot-0-qaa@example.com", role: domain.RolePilot, tenant: w.a.id}
	two := &actor{name: "pilot 1", login: "pilot-1-qaa@example.com", role: domain.RolePilot, tenant: w.a.id}
	staff := &actor{name: "admin", login: "admin-qaa@example.com", role: domain.RoleAirlineAdmin, tenant: w.a.id}
	for _, ac := range []*actor{one, two, staff} {
		w.session(t, ac)
	}
	base := w.URL + "/airlines/" + w.a.id
	f100 := w.flight(100)

	_, body := getAs(t, one.client, base+"/flights?dpt=EGLL", nil)
	d := doc(t, body)
	row := d.Find(`[data-testid="flight-row"][data-flight="` + f100 + `"]`)
	if row.Find(`[data-testid="bid"]`).Length() != 1 {
		t.Fatalf("the search offers no bid on the flight:\n%.500s", row.Text())
	}
	if got := strings.TrimSpace(row.Find(`[data-testid="aircraft-available"]`).Text()); got != "2 aircraft available" {
		t.Errorf("aircraft available = %q, want 2 (the airline's two aircraft)", got)
	}
	token := w.csrfToken(t, one.client)
	resp, _ := post(t, one.client, base+"/bids", url.Values{"_csrf": {token}, "flight_id": {f100}})
	if resp.StatusCode != http.StatusSeeOther || resp.Header.Get("Location") != "/airlines/"+w.a.id+"/bids" {
		t.Fatalf("bid: %d to %q, want 303 to My bids", resp.StatusCode, resp.Header.Get("Location"))
	}
	_, body = getAs(t, one.client, base+"/bids", nil)
	d = doc(t, body)
	if d.Find(`[data-testid="bid-row"]`).Length() != 1 || !strings.Contains(d.Find(`[data-testid="bid-flight"]`).Text(), "100") {
		t.Fatalf("My bids does not list the bid:\n%.800s", d.Find("main").Text())
	}
	fileURL, _ := d.Find(`[data-testid="file-from-bid"]`).Attr("href")
	_, body = getAs(t, one.client, w.URL+fileURL, nil)
	fd := doc(t, body)
	if v, _ := fd.Find(`input[name="flight_number"]`).Attr("value"); v != "100" {
		t.Errorf("the filing form from the bid has flight number %q, want 100", v)
	}
	if v, _ := fd.Find(`input[name="dpt_airport"]`).Attr("value"); v != "EGLL" {
		t.Errorf("the filing form from the bid departs from %q, want EGLL", v)
	}
	_, body = getAs(t, one.client, base+"/flights/"+f100, nil)
	if doc(t, body).Find(`[data-testid="flight-bid"] [data-testid="my-bid"]`).Length() != 1 {
		t.Errorf("the flight's page does not show the pilot's own bid")
	}

	// The other pilot: the flight is out of their search; a bid on it
	// through the form is refused with the reason beside the flight.
	_, body = getAs(t, two.client, base+"/flights?dpt=EGLL", nil)
	if doc(t, body).Find(`[data-testid="flight-row"][data-flight="`+f100+`"]`).Length() != 0 {
		t.Errorf("the other pilot's search still lists the flight with a bid")
	}
	resp, body = post(t, two.client, base+"/bids", url.Values{"_csrf": {w.csrfToken(t, two.client)}, "flight_id": {f100}})
	if resp.StatusCode != http.StatusUnprocessableEntity || doc(t, body).Find(`[data-testid="error-flight_id"]`).Length() != 1 {
		t.Errorf("a bid on a taken flight: %d, want 422 with the reason beside the flight", resp.StatusCode)
	}
	// Staff still find it, marked.
	_, body = getAs(t, staff.client, base+"/flights?dpt=EGLL", nil)
	if doc(t, body).Find(`[data-testid="flight-row"][data-flight="`+f100+`"] [data-testid="bid-taken"]`).Length() != 1 {
		t.Errorf("staff's search does not show the flight as bid on")
	}

	// One bid per pilot: "only flights I can bid on" finds none for the
	// pilot who has one.
	w.setBidRules(t, domain.BidRules{OnePilotPerFlight: true})
	_, body = getAs(t, one.client, base+"/flights?biddable=1", nil)
	d = doc(t, body)
	if n := d.Find(`[data-testid="flight-row"]`).Length(); n != 0 {
		t.Errorf("only flights I can bid on, holding the one bid allowed: %d flights, want none", n)
	}
	if _, ok := d.Find(`[data-testid="only-biddable"]`).Attr("checked"); !ok {
		t.Errorf("the search form forgot only flights I can bid on")
	}
	_, body = getAs(t, two.client, base+"/flights?biddable=1", nil)
	if n := doc(t, body).Find(`[data-testid="flight-row"] [data-testid="bid"]`).Length(); n != 3 {
		t.Errorf("only flights I can bid on, for the other pilot: %d flights with a bid button, want the 3 others", n)
	}

	// Remove it from My bids.
	_, body = getAs(t, one.client, base+"/bids", nil)
	removeURL, _ := doc(t, body).Find(`[data-testid="bid-row"] form`).Attr("action")
	resp, _ = post(t, one.client, w.URL+removeURL, url.Values{"_csrf": {w.csrfToken(t, one.client)}})
	if resp.StatusCode != http.StatusSeeOther {
		t.Fatalf("remove: %d", resp.StatusCode)
	}
	_, body = getAs(t, one.client, base+"/bids", nil)
	if doc(t, body).Find(`[data-testid="no-bids"]`).Length() != 1 {
		t.Errorf("My bids after the removal still lists a bid")
	}

	// The settings: a bad number of hours stays in the form with its message.
	resp, body = post(t, staff.client, base+"/settings/bids", url.Values{"_csrf": {w.csrfToken(t, staff.client)}, "expire_after_hours": {"soon"}, "allow_multiple": {"1"}})
	d = doc(t, body)
	if v, _ := d.Find(`#bids-expire_after_hours`).Attr("value"); resp.StatusCode != http.StatusUnprocessableEntity ||
		d.Find(`[data-testid="error-expire_after_hours"]`).Length() != 1 || v != "soon" {
		t.Errorf("bad hours: %d, value %q; want 422 with the input and the message beside it", resp.StatusCode, v)
	}
	resp, _ = post(t, staff.client, base+"/settings/bids", url.Values{"_csrf": {w.csrfToken(t, staff.client)}, "expire_after_hours": {"24"}, "allow_multiple": {"1"}})
	if resp.StatusCode != http.StatusSeeOther {
		t.Fatalf("save the bid settings: %d", resp.StatusCode)
	}
	_, body = getAs(t, staff.client, base+"/settings/pireps", nil)
	d = doc(t, body)
	if v, _ := d.Find(`#bids-expire_after_hours`).Attr("value"); v != "24" {
		t.Errorf("the saved expiry shows %q, want 24", v)
	}
	if _, on := d.Find(`[data-testid="one-pilot-per-flight"]`).Attr("checked"); on {
		t.Errorf("one pilot per flight is still on after saving it off")
	}

	// Reserving an aircraft from the flight's page: My bids names it and
	// the filing form from the bid has it chosen.
	w.setBidRules(t, domain.BidRules{AllowMultiple: true, BlockAircraft: true})
	f101 := w.flight(101)
	_, body = getAs(t, one.client, base+"/flights/"+f101, nil)
	opts := doc(t, body).Find(`[data-testid="flight-bid"] [data-testid="bid-aircraft"] option`)
	if opts.Length() != 3 {
		t.Fatalf("the flight's bid form offers %d aircraft choices, want none and the 2 aircraft", opts.Length())
	}
	aircraft, _ := opts.Eq(1).Attr("value")
	resp, _ = post(t, one.client, base+"/bids", url.Values{"_csrf": {w.csrfToken(t, one.client)}, "flight_id": {f101}, "aircraft_id": {aircraft}})
	if resp.StatusCode != http.StatusSeeOther {
		t.Fatalf("bid with an aircraft: %d", resp.StatusCode)
	}
	_, body = getAs(t, one.client, base+"/bids", nil)
	d = doc(t, body)
	if reg := strings.TrimSpace(d.Find(`[data-testid="bid-aircraft"]`).Text()); reg != "G-WRKA" {
		t.Errorf("My bids names aircraft %q, want G-WRKA", reg)
	}
	fileURL, _ = d.Find(`[data-testid="file-from-bid"]`).Attr("href")
	_, body = getAs(t, one.client, w.URL+fileURL, nil)
	if v, _ := doc(t, body).Find(`select[name="aircraft_id"] option[selected]`).Attr("value"); v != aircraft {
		t.Errorf("the filing form from the bid has aircraft %q chosen, want %s", v, aircraft)
	}
}

// A PIREP of the bid's flight filed through the form ends the bid, and so
// does cancelling a draft of it; a draft alone keeps it.
func TestBidEndsWithItsManualPirep(t *testing.T) {
	for _, m := range []mode{embedded, postgres} {
		t.Run(string(m), func(t *testing.T) {
			w := newBidWorld(t, m)
			ctx := context.Background()
			who := domain.CommandMeta{Who: domain.Actor{UserID: w.a.pilotID, Role: domain.RolePilot, TenantID: w.a.id}}
			// bids is how many bids the pilot has once the reactor is done:
			// it reacts after the projections, so the count may lag a moment.
			bids := func(want int) int {
				t.Helper()
				for deadline := time.Now().Add(10 * time.Second); ; time.Sleep(10 * time.Millisecond) {
					w.settle(t)
					list, err := reads.New(w.rm).PilotBids(ctx, w.a.id, w.a.pilotID)
					if err != nil {
						t.Fatal(err)
					}
					if len(list) == want || time.Now().After(deadline) {
						return len(list)
					}
				}
			}
			off := time.Date(2026, 11, 20, 9, 0, 0, 0, time.UTC)
			flight := func(number int) domain.PirepDetails {
				return domain.PirepDetails{FlightID: w.flight(number), FlightNumber: fmt.Sprint(number), DptAirport: "EGLL", ArrAirport: "LFPG",
					AircraftID: w.a.aircraft, BlockOff: off, BlockOn: off.Add(time.Hour), FlightTime: 55, Distance: 190}
			}
			if _, _, err := w.bids.Place(ctx, who, w.a.id, w.flight(102), ""); err != nil {
				t.Fatal(err)
			}
			if _, _, err := w.pireps.File(ctx, who, w.a.id, flight(102), true); err != nil {
				t.Fatal(err)
			}
			if n := bids(0); n != 0 {
				t.Errorf("after filing the flight's PIREP: %d bids, want none", n)
			}
			if _, _, err := w.bids.Place(ctx, who, w.a.id, w.flight(102), ""); err != nil {
				t.Fatal(err)
			}
			d := flight(102)
			d.BlockOff, d.BlockOn = off.Add(24*time.Hour), off.Add(25*time.Hour)
			draft, _, err := w.pireps.File(ctx, who, w.a.id, d, false)
			if err != nil {
				t.Fatal(err)
			}
			if n := bids(1); n != 1 {
				t.Errorf("after a draft of the flight: %d bids, want the bid kept", n)
			}
			if _, err := w.pireps.Cancel(ctx, who, w.a.id, draft); err != nil {
				t.Fatal(err)
			}
			if n := bids(0); n != 0 {
				t.Errorf("after cancelling the draft: %d bids, want none", n)
			}
		})
	}
}
