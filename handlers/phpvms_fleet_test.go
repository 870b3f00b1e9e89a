package handlers_test

import (
	"context"
	"encoding/json"
	"fmt"
	"net/http"
	"slices"
	"strings"
	"testing"

	"github.com/albatross-va/albatross/domain"
)

// phpvmsFleetWorld is the phpVMS world with more for the fleet and the
// search to tell apart. Airline A (QAA) then has two subfleets: the seed's
// B738 (number 1: G-WRKA 1, G-WRKB 2) and an A320 (number 2: G-WRKC 3,
// active, and G-WRKD 4, in maintenance); besides the seed's four flights
// (EGLL-KJFK 100, KJFK-EGLL 101, EGLL-LFPG 102, LFPG-EGLL 103, naming no
// subfleet, 120 minutes), 200 EGLL-LFPG (route code X, leg 2, callsign
// QAA2X, charter C, 150 nm, 70 minutes, A320 only), 201 KJFK-LFPG (3200
// nm, 420 minutes, B738 only) and 300 EGLL-KJFK, inactive. B keeps the
// seed's fleet (its own subfleet 1 and aircraft 1 and 2).
type phpvmsFleetWorld struct {
	*phpvmsWorld
	flightIDs map[string]string // flight number to id, in A
	numberA   int               // A's airline number
	numberB   int
}

func newPhpvmsFleetWorld(t *testing.T, m mode) *phpvmsFleetWorld {
	t.Helper()
	w := &phpvmsFleetWorld{phpvmsWorld: newPhpvmsWorld(t, m), flightIDs: map[string]string{}}
	ctx := context.Background()
	sys := domain.CommandMeta{Who: domain.System}
	a320, _, err := w.fleet.CreateSubfleet(ctx, sys, w.a.id, domain.Subfleet{Type: "A32X", ICAO: "A320", Name: "A320", HubID: "LFPG"})
	if err != nil {
		t.Fatal(err)
	}
	for _, ac := range []domain.NewAircraft{
		{SubfleetID: a320, Registration: "G-WRKC", Name: "Charlie", AirportID: "LFPG"},
		{SubfleetID: a320, Registration: "G-WRKD", Name: "Delta", AirportID: "LFPG", Status: domain.AircraftMaintenance},
	} {
		if _, _, err := w.fleet.AddAircraft(ctx, sys, w.a.id, ac); err != nil {
			t.Fatal(err)
		}
	}
	w.settle(t)
	for _, f := range []domain.FlightSchedule{
		{FlightNumber: "200", RouteCode: "X", RouteLeg: 2, Callsign: "QAA2X", DptAirport: "EGLL", ArrAirport: "LFPG", DptTime: "12:00",
			Distance: 150, FlightTime: 70, FlightType: "C", SubfleetIDs: []string{a320}, Active: true},
		{FlightNumber: "201", DptAirport: "KJFK", ArrAirport: "LFPG", DptTime: "13:00", Distance: 3200, FlightTime: 420, FlightType: "J",
			SubfleetIDs: []string{w.a.subfleet}, Active: true},
		{FlightNumber: "300", DptAirport: "EGLL", ArrAirport: "KJFK", DptTime: "14:00", FlightTime: 420, FlightType: "J"},
	} {
		id, _, err := w.flights.Add(ctx, sys, w.a.id, f)
		if err != nil {
			t.Fatalf("add flight %s: %v", f.FlightNumber, err)
		}
		w.flightIDs[f.FlightNumber] = id
	}
	w.settle(t)
	for _, key := range []struct {
		key    string
		number *int
	}{{w.keyA, &w.numberA}, {w.keyB, &w.numberB}} {
		_, doc := w.get(t, "/api/airlines", xKey(key.key))
		*key.number = int(data[[]any](t, "airlines", doc)[0].(map[string]any)["id"].(float64))
	}
	// The seed's flight 100, by the search.
	_, doc := w.get(t, "/api/flights?flight_number=100", xKey(w.keyA))
	w.flightIDs["100"], _ = field(data[[]any](t, "flight 100", doc)[0], "id").(string)
	return w
}

// getArray calls a route that answers a bare JSON array.
func (w *phpvmsWorld) getArray(t *testing.T, path string, header map[string]string) (*http.Response, []any) {
	t.Helper()
	resp, body := get(t, w.URL+path, header)
	var list []any
	if err := json.Unmarshal([]byte(body), &list); err != nil {
		t.Fatalf("GET %s: %d, not a JSON array: %v\n%.300s", path, resp.StatusCode, err, body)
	}
	return resp, list
}

// isInt is whether v decoded from a JSON integer equal to want.
func isInt(v any, want int) bool {
	f, ok := v.(float64)
	return ok && f == float64(want)
}

// field reads one key of a list item decoded from JSON.
func field(v any, key string) any { m, _ := v.(map[string]any); return m[key] }

func TestPhpvmsFleet(t *testing.T) {
	for _, m := range []mode{embedded, postgres} {
		t.Run(string(m), func(t *testing.T) {
			w := newPhpvmsFleetWorld(t, m)
			key := xKey(w.keyA)

			// Every subfleet, paginated, with its aircraft in phpVMS's shape.
			for _, path := range []string{"/api/fleet", "/api/subfleet"} {
				resp, doc := w.get(t, path, key)
				list := data[[]any](t, path, doc)
				meta, _ := doc["meta"].(map[string]any)
				if resp.StatusCode != http.StatusOK || len(list) != 2 || meta == nil || !isInt(meta["total"], 2) {
					t.Fatalf("%s: %d %v, want a page of A's two subfleets", path, resp.StatusCode, doc)
				}
				b738, a320 := list[0].(map[string]any), list[1].(map[string]any)
				if !isInt(b738["id"], 1) || b738["type"] != "B738" || !isInt(b738["airline_id"], w.numberA) || b738["hub_id"] != "EGLL" ||
					!isInt(a320["id"], 2) || a320["type"] != "A32X" || a320["hub_id"] != "LFPG" {
					t.Errorf("%s: subfleets %v and %v, want B738 (1) and A32X (2) of airline %d", path, b738, a320, w.numberA)
				}
				if fares, ok := b738["fares"].([]any); !ok || len(fares) != 0 {
					t.Errorf("%s: fares %v, want []", path, b738["fares"])
				}
				aircraft, _ := b738["aircraft"].([]any)
				if len(aircraft) != 2 {
					t.Fatalf("%s: B738's aircraft %v, want G-WRKA and G-WRKB", path, b738["aircraft"])
				}
				ac := aircraft[0].(map[string]any)
				dow, _ := ac["dow"].(map[string]any)
				if !isInt(ac["id"], 1) || !isInt(ac["subfleet_id"], 1) || ac["registration"] != "G-WRKA" || ac["icao"] != "B738" ||
					ac["status"] != "A" || !isInt(ac["state"], 0) || ac["airport_id"] == nil || ac["ident"] != "G-WRKA (B738)" ||
					dow == nil || dow["kg"] == nil || dow["lbs"] == nil {
					t.Errorf("%s: aircraft %v, want G-WRKA as phpVMS's Aircraft (integer ids, status A, state 0, masses in units)", path, ac)
				}
				if _, ok := ac["flight_time"].(float64); !ok {
					t.Errorf("%s: flight_time %v, want minutes", path, ac["flight_time"])
				}
				inMaintenance := field(a320["aircraft"].([]any)[1], "status")
				if inMaintenance != "M" {
					t.Errorf("%s: G-WRKD's status %v, want M", path, inMaintenance)
				}
			}
			resp, doc := w.get(t, "/api/fleet?limit=1&page=2", key)
			if list := data[[]any](t, "page 2", doc); resp.StatusCode != http.StatusOK || len(list) != 1 || field(list[0], "type") != "A32X" ||
				doc["meta"].(map[string]any)["next_page"] != nil {
				t.Errorf("/api/fleet?limit=1&page=2: %d %v, want A32X, the last page", resp.StatusCode, doc)
			}
			_, doc = w.get(t, "/api/fleet", xKey(w.keyB))
			if list := data[[]any](t, "B's fleet", doc); len(list) != 1 || !isInt(field(list[0], "airline_id"), w.numberB) || len(field(list[0], "aircraft").([]any)) != 2 {
				t.Errorf("B's fleet: %v, want B's one subfleet and its two aircraft", doc)
			}

			// The pilot's fleet: all of it, not paginated.
			resp, doc = w.get(t, "/api/user/fleet", key)
			if list := data[[]any](t, "user fleet", doc); resp.StatusCode != http.StatusOK || len(list) != 2 || doc["meta"] != nil ||
				len(field(list[1], "aircraft").([]any)) != 2 || field(list[1], "fares") == nil {
				t.Errorf("/api/user/fleet: %d %v, want both subfleets with aircraft and fares, no page", resp.StatusCode, doc)
			}

			// One aircraft, by number or registration, with its subfleet.
			for _, path := range []string{"/api/fleet/aircraft/3", "/api/subfleet/aircraft/3", "/api/fleet/aircraft/g-wrkc?type=registration"} {
				resp, doc = w.get(t, path, key)
				ac := data[map[string]any](t, path, doc)
				sub, _ := ac["subfleet"].(map[string]any)
				if resp.StatusCode != http.StatusOK || !isInt(ac["id"], 3) || ac["registration"] != "G-WRKC" || !isInt(ac["subfleet_id"], 2) ||
					!isInt(sub["id"], 2) || sub["type"] != "A32X" {
					t.Errorf("%s: %d %v, want G-WRKC (3) with subfleet A32X (2)", path, resp.StatusCode, doc)
				}
			}
			// B has aircraft 1 and 2 only: A's 3 and G-WRKC are not B's.
			for _, path := range []string{"/api/fleet/aircraft/3", "/api/fleet/aircraft/G-WRKC?type=registration", "/api/fleet/aircraft/x"} {
				resp, doc = w.get(t, path, xKey(w.keyB))
				checkPhpvmsProblem(t, "B's key: "+path, resp, doc, http.StatusNotFound, "not-found")
			}
			resp, doc = w.get(t, "/api/fleet/aircraft/1", xKey(w.keyB))
			if ac := data[map[string]any](t, "B's aircraft 1", doc); resp.StatusCode != http.StatusOK || ac["registration"] != "G-WRKA" {
				t.Errorf("B's aircraft 1: %d %v, want B's own G-WRKA", resp.StatusCode, doc)
			}
		})
	}
}

// numbers are the flight numbers of a page of Flights, checking on the
// way that each is an integer, as phpVMS casts it.
func numbers(t *testing.T, what string, list []any) []string {
	t.Helper()
	var out []string
	for _, f := range list {
		n, ok := field(f, "flight_number").(float64)
		if !ok {
			t.Fatalf("%s: flight_number %v (%T), want an integer", what, field(f, "flight_number"), field(f, "flight_number"))
		}
		out = append(out, fmt.Sprint(n))
	}
	return out
}

func TestPhpvmsFlights(t *testing.T) {
	for _, m := range []mode{embedded, postgres} {
		t.Run(string(m), func(t *testing.T) {
			w := newPhpvmsFleetWorld(t, m)
			key := xKey(w.keyA)
			all := []string{"100", "101", "102", "103", "200", "201"} // by departure time; 300 is inactive

			// The search pages to the end by next_page.
			var walked []string
			path := "/api/flights?limit=4"
			for pages := 0; path != ""; pages++ {
				if pages > 3 {
					t.Fatal("next_page never ends")
				}
				resp, doc := w.get(t, path, key)
				if resp.StatusCode != http.StatusOK {
					t.Fatalf("%s: %d %v", path, resp.StatusCode, doc)
				}
				walked = append(walked, numbers(t, path, data[[]any](t, path, doc))...)
				meta := doc["meta"].(map[string]any)
				next, _ := meta["next_page"].(string)
				if pages == 0 && (next == "" || !isInt(meta["last_page"], 2)) {
					t.Errorf("the first page's meta %v, want a next page and a last page 2 (a total of at least 5)", meta)
				}
				if next == "" && (!isInt(meta["total"], 6) || !isInt(meta["last_page"], 2) || !isInt(meta["current_page"], 2)) {
					t.Errorf("the last page's meta %v, want total 6 on page 2 of 2", meta)
				}
				path = strings.TrimPrefix(next, w.URL)
			}
			if !slices.Equal(walked, all) {
				t.Errorf("the pages gave %v, want %v: every active flight once", walked, all)
			}
			resp, doc := w.get(t, "/api/flights/search?page=9", key)
			if list := data[[]any](t, "page 9", doc); resp.StatusCode != http.StatusOK || len(list) != 0 || !isInt(doc["meta"].(map[string]any)["total"], 6) {
				t.Errorf("page 9: %d %v, want an empty page of 6", resp.StatusCode, doc)
			}

			// A Flight in phpVMS's shape.
			_, doc = w.get(t, "/api/flights/search?flight_number=200", key)
			list := data[[]any](t, "200", doc)
			if len(list) != 1 {
				t.Fatalf("flight_number=200: %v", doc)
			}
			f := list[0].(map[string]any)
			dist, _ := f["distance"].(map[string]any)
			fields, isObject := f["fields"].(map[string]any)
			if f["id"] != w.flightIDs["200"] || !isInt(f["airline_id"], w.numberA) || f["ident"] != "QAA200/C.X/L.2" || f["route_code"] != "X" ||
				!isInt(f["route_leg"], 2) || f["dpt_airport_id"] != "EGLL" || f["arr_airport_id"] != "LFPG" || f["flight_type"] != "C" ||
				!isInt(f["flight_time"], 70) || dist["nmi"] != float64(150) || dist["km"] != 277.8 || f["has_bid"] != false ||
				f["active"] != true || f["visible"] != true || !isObject || len(fields) != 0 || f["simbrief"] != nil {
				t.Errorf("flight 200: %v, want phpVMS's Flight", f)
			}
			if al, _ := f["airline"].(map[string]any); al["icao"] != "QAA" {
				t.Errorf("flight 200's airline: %v", f["airline"])
			}
			// Its subfleets are those it names, each with its aircraft; a
			// flight naming none may be flown by every subfleet.
			subs, _ := f["subfleets"].([]any)
			if len(subs) != 1 || !isInt(field(subs[0], "id"), 2) || len(field(subs[0], "aircraft").([]any)) != 2 {
				t.Errorf("flight 200's subfleets: %v, want the A320 subfleet (2) with its aircraft", f["subfleets"])
			}
			_, doc = w.get(t, "/api/flights?flight_number=100", key)
			if subs := field(data[[]any](t, "100", doc)[0], "subfleets").([]any); len(subs) != 2 {
				t.Errorf("flight 100's subfleets: %v, want both", subs)
			}
			_, doc = w.get(t, "/api/flights?flight_number=100&with=", key)
			if _, has := data[[]any](t, "with=", doc)[0].(map[string]any)["subfleets"]; has {
				t.Errorf("with= empty still loads subfleets: %v", doc)
			}

			// Each filter narrows the search.
			for _, c := range []struct {
				query string
				want  []string
			}{
				{"dep_icao=egll", []string{"100", "102", "200"}},
				{"dpt_airport_id=EGLL&arr_airport_id=LFPG", []string{"102", "200"}},
				{"arr_icao=lfpg", []string{"102", "200", "201"}},
				{"arr_airport_id=KJFK", []string{"100"}},
				{"flight_number=101", []string{"101"}},
				{"route_code=X", []string{"200"}},
				{"callsign=QAA2X", []string{"200"}},
				{"flight_type=C", []string{"200"}},
				{"flight_type=0", all},
				{fmt.Sprintf("airline_id=%d", w.numberA), all},
				{fmt.Sprintf("airline_id=%d", w.numberB), nil},
				{"subfleet_id=2", []string{"100", "101", "102", "103", "200"}},
				{"subfleet_id=99", nil},
				{"icao_type=b738", []string{"100", "101", "102", "103", "201"}},
				{"icao_type=B77W", nil},
				{"dgt=3100", []string{"201"}},
				{"dlt=500", []string{"102", "103", "200"}},
				{"tgt=400", []string{"201"}},
				{"tlt=100", []string{"200"}},
				{"dep_icao=EGLL&tgt=100", []string{"100", "102"}},
				{"dep_icao=KJFK&limit=1&page=2", []string{"201"}},
			} {
				path := "/api/flights/search?" + c.query
				resp, doc := w.get(t, path, key)
				if resp.StatusCode != http.StatusOK {
					t.Errorf("%s: %d %v", path, resp.StatusCode, doc)
					continue
				}
				if got := numbers(t, path, data[[]any](t, path, doc)); !slices.Equal(got, c.want) {
					t.Errorf("%s: %v, want %v", path, got, c.want)
				}
			}
			resp, doc = w.get(t, "/api/flights/search?dgt=far", key)
			checkPhpvmsProblem(t, "dgt=far", resp, doc, http.StatusBadRequest, "validation-exception")
			_, doc = w.get(t, "/api/flights", xKey(w.keyB))
			if got := numbers(t, "B's flights", data[[]any](t, "B's flights", doc)); !slices.Equal(got, []string{"100", "101", "102", "103"}) {
				t.Errorf("B's key finds %v, want B's own four flights", got)
			}

			// One flight; another airline's, an inactive or an unknown id is
			// not found.
			resp, doc = w.get(t, "/api/flights/"+w.flightIDs["201"], key)
			if f := data[map[string]any](t, "201", doc); resp.StatusCode != http.StatusOK || f["id"] != w.flightIDs["201"] ||
				!isInt(f["flight_number"], 201) || len(f["subfleets"].([]any)) != 1 {
				t.Errorf("/api/flights/{201}: %d %v, want flight 201 with the B738 subfleet", resp.StatusCode, doc)
			}
			for what, path := range map[string]string{
				"A's flight with B's key": "/api/flights/" + w.flightIDs["201"],
				"A's flight's aircraft":   "/api/flights/" + w.flightIDs["201"] + "/aircraft",
			} {
				resp, doc = w.get(t, path, xKey(w.keyB))
				checkPhpvmsProblem(t, what, resp, doc, http.StatusNotFound, "not-found")
			}
			for _, id := range []string{w.flightIDs["300"], "00000000-0000-0000-0000-000000000000", "nope"} {
				resp, doc = w.get(t, "/api/flights/"+id, key)
				checkPhpvmsProblem(t, "flight "+id, resp, doc, http.StatusNotFound, "not-found")
			}

			// The aircraft that may fly it: a bare array, active ones only,
			// by ICAO type then registration.
			for number, want := range map[string][]string{
				"100": {"G-WRKC", "G-WRKA", "G-WRKB"}, // names no subfleet: all, A320 before B738
				"200": {"G-WRKC"},                     // the A320s, G-WRKD being in maintenance
				"201": {"G-WRKA", "G-WRKB"},
			} {
				resp, list := w.getArray(t, "/api/flights/"+w.flightIDs[number]+"/aircraft", key)
				var regs []string
				for _, ac := range list {
					regs = append(regs, fmt.Sprint(field(ac, "registration")))
					if _, ok := field(ac, "id").(float64); !ok || field(ac, "status") != "A" {
						t.Errorf("flight %s's aircraft %v, want phpVMS's Aircraft, active", number, ac)
					}
				}
				if resp.StatusCode != http.StatusOK || !slices.Equal(regs, want) {
					t.Errorf("flight %s's aircraft: %d %v, want %v", number, resp.StatusCode, regs, want)
				}
			}
		})
	}
}
