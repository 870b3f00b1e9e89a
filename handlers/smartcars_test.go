package handlers_test

import (
	"bytes"
	"context"
	"encoding/base64"
	"encoding/json"
	"fmt"
	"io"
	"net/http"
	"net/url"
	"regexp"
	"strings"
	"testing"
	"time"

	"github.com/google/uuid"

	"github.com/albatross-va/albatross/domain"
	"github.com/albatross-va/albatross/store/readmodel"
	"github.com/albatross-va/albatross/store/reads"
)

// smartCARS 3's handler API (../shared/smartcars3/openapi.json) over HTTP,
// as the smartCARS client calls it, in both modes.

// scWorld is the phpVMS world (airlines A and B, their pilots, fleets and
// schedules) with A's first pilot's own password set.
type scWorld struct {
	*phpvmsWorld
	baseA, baseB string // each airline's smartCARS address
}

func newSCWorld(t *testing.T, m mode, opts ...appOption) *scWorld {
	t.Helper()
	w := &scWorld{phpvmsWorld: newPhpvmsWorld(t, m, opts...)}
	w.baseA, w.baseB = "/a/"+w.slugA+"/api/smartcars", "/a/"+w.slugB+"/api/smartcars"
	if _, err := w.users.ChangePassword(context.Background(), domain.CommandMeta{Who: domain.System}, w.a.pilotID, w.a.pilotOTP, memberPassword); err != nil {
		t.Fatal(err)
	}
	w.settle(t)
	return w
}

// sc calls smartCARS's API as its client does: JSON in and out, the
// session as a bearer token. The answer is decoded into any.
func (w *scWorld) sc(t *testing.T, method, path, token string, body any) (int, any) {
	t.Helper()
	var r io.Reader
	if body != nil {
		b, err := json.Marshal(body)
		if err != nil {
			t.Fatal(err)
		}
		r = bytes.NewReader(b)
	}
	req, err := http.NewRequest(method, w.URL+path, r)
	if err != nil {
		t.Fatal(err)
	}
	if token != "" {
		req.Header.Set("Authorization", "Bearer "+token)
	}
	if body != nil {
		req.Header.Set("Content-Type", "application/json")
	}
	resp, err := http.DefaultClient.Do(req)
	if err != nil {
		t.Fatal(err)
	}
	defer resp.Body.Close()
	raw, _ := io.ReadAll(resp.Body)
	if cc := resp.Header.Get("Cache-Control"); cc != "no-store" {
		t.Errorf("%s %s: Cache-Control %q, want no-store", method, path, cc)
	}
	var doc any
	if err := json.Unmarshal(raw, &doc); err != nil {
		t.Fatalf("%s %s: %d, not JSON: %.300s", method, path, resp.StatusCode, raw)
	}
	return resp.StatusCode, doc
}

// scObject is an answer that must be a JSON object.
func scObject(t *testing.T, what string, status int, doc any) map[string]any {
	t.Helper()
	m, ok := doc.(map[string]any)
	if status != http.StatusOK || !ok {
		t.Fatalf("%s: %d %v, want 200 with an object", what, status, doc)
	}
	return m
}

// scList is an answer that must be a JSON array of objects.
func scList(t *testing.T, what string, status int, doc any) []map[string]any {
	t.Helper()
	list, ok := doc.([]any)
	if status != http.StatusOK || !ok {
		t.Fatalf("%s: %d %v, want 200 with an array", what, status, doc)
	}
	out := make([]map[string]any, 0, len(list))
	for _, it := range list {
		out = append(out, it.(map[string]any))
	}
	return out
}

// checkSCError asserts the contract's Error body, {"message"}, with a
// status, and that the message names what it should.
func checkSCError(t *testing.T, what string, status int, doc any, want int, names string) {
	t.Helper()
	m, _ := doc.(map[string]any)
	msg, _ := m["message"].(string)
	if status != want || msg == "" || len(m) != 1 || !strings.Contains(msg, names) {
		t.Errorf("%s: %d %v, want %d with only a message naming %q", what, status, doc, want, names)
	}
}

// login logs in by username and password and returns the session.
func (w *scWorld) login(t *testing.T, base, username, password string) map[string]any {
	t.Helper()
	status, doc := w.sc(t, http.MethodPost, base+"/pilot/login?username="+url.QueryEscape(username), "", map[string]any{"password": password})
	return scObject(t, "login as "+username, status, doc)
}

var (
	scSessionPattern = regexp.MustCompile(`^[A-Za-z0-9-_]*\.[A-Za-z0-9-_]*\.[A-Za-z0-9-_]*$`)
	scClockPattern   = regexp.MustCompile(`^(2[0-3]|[01]?[0-9]):([0-5]?[0-9])$`)
)

func b64(s string) string { return base64.StdEncoding.EncodeToString([]byte(s)) }

// A flight as smartCARS flies it: login, the data it loads, a search, a
// booking (and a change of aircraft), the start, position reports through
// the flight's phases, and the completion; then the PIREP, its track and
// log as its pilot reads them, the bid gone, and the live map having shown
// the flight while it flew.
func TestSmartcarsFlight(t *testing.T) {
	for _, m := range []mode{embedded, postgres} {
		t.Run(string(m), func(t *testing.T) {
			w := newSCWorld(t, m)
			ctx := context.Background()
			rm := reads.New(w.rm)
			pilot := w.person(t, w.a.pilotID)
			email := "pilot-0-qaa@example.com"

			status, doc := w.sc(t, http.MethodGet, w.baseA, "", nil)
			if v := scObject(t, "version", status, doc); v["apiVersion"] != "1.0.2" || v["handler"] == "" {
				t.Errorf("version: %v", v)
			}
			me := w.login(t, w.baseA, email, memberPassword)
			token, _ := me["session"].(string)
			if !scSessionPattern.MatchString(token) || token == "" || me["pilotID"] != pilot.PilotID || me["dbID"] != float64(pilot.PilotNumber) ||
				me["email"] != email || me["firstName"] != email {
				t.Errorf("login: %v, want the pilot %s with a session", me, pilot.PilotID)
			}
			if exp, _ := me["expiry"].(float64); time.Unix(int64(exp), 0).Before(time.Now().Add(24 * time.Hour)) {
				t.Errorf("login: expiry %v, want days ahead", me["expiry"])
			}
			// By pilot id and API key too; each login is its own session.
			byKey := w.login(t, w.baseA, strings.ToLower(pilot.PilotID), w.keyA)
			if byKey["dbID"] != me["dbID"] || byKey["session"] == token {
				t.Errorf("login by pilot id and key: %v, want the same pilot, another session", byKey)
			}
			status, doc = w.sc(t, http.MethodPost, w.baseA+"/pilot/verify", "", map[string]any{"session": token})
			if v := scObject(t, "verify", status, doc); v["session"] != token || v["pilotID"] != pilot.PilotID || v["expiry"] != me["expiry"] {
				t.Errorf("verify: %v, want the same pilot and session", v)
			}

			// The data smartCARS loads.
			status, doc = w.sc(t, http.MethodGet, w.baseA+"/data/airports", token, nil)
			airports := map[string]map[string]any{}
			for _, ap := range scList(t, "airports", status, doc) {
				airports[ap["code"].(string)] = ap
			}
			if len(airports) != 3 || airports["EGLL"]["latitude"] != 51.47 || airports["EGLL"]["name"] != "Heathrow" {
				t.Errorf("airports: %v, want A's three", airports)
			}
			status, doc = w.sc(t, http.MethodGet, w.baseA+"/data/aircraft", token, nil)
			fleet := scList(t, "aircraft", status, doc)
			if len(fleet) != 2 || fleet[0]["id"] != float64(1) || fleet[0]["code"] != "B738" || fleet[1]["name"] != "G-WRKB (G-WRKB)" {
				t.Errorf("aircraft: %v, want G-WRKA and G-WRKB, B738s", fleet)
			}
			if status, doc = w.sc(t, http.MethodGet, w.baseA+"/data/news", token, nil); status != http.StatusOK || doc != nil {
				t.Errorf("news: %d %v, want 200 null (no news)", status, doc)
			}
			// Once the airline posts news, the latest is the object.
			news := &domain.News{Runner: w.runner, IDs: domain.RandomIDs{}}
			for _, f := range []domain.NewsForm{{Title: "Older", Body: "x"}, {Title: "Hubs open", Body: "Fly **EGLL** <script>x()</script>"}} {
				if _, _, err := news.Post(ctx, domain.CommandMeta{Who: domain.System}, w.a.id, f); err != nil {
					t.Fatal(err)
				}
				time.Sleep(2 * time.Millisecond) // two posting times apart, so newest is well defined
			}
			w.settle(t)
			status, doc = w.sc(t, http.MethodGet, w.baseA+"/data/news", token, nil)
			n := scObject(t, "news", status, doc)
			if body, _ := n["body"].(string); n["title"] != "Hubs open" || !strings.Contains(body, "<strong>EGLL</strong>") || strings.Contains(body, "<script") || n["postedAt"] == "" {
				t.Errorf("news: %v, want the latest, rendered and without the script", n)
			}

			// The search, in the contract's units.
			status, doc = w.sc(t, http.MethodGet, w.baseA+"/flights/search?departureAirport=KJFK&minimumFlightTime=1.5&maximumFlightTime=2", token, nil)
			found := scList(t, "search from KJFK", status, doc)
			if len(found) != 1 {
				t.Fatalf("search from KJFK: %v, want flight 101", found)
			}
			f := found[0]
			flightID, _ := f["id"].(string)
			if f["number"] != "101" || f["code"] != "QAA" || f["arrivalAirport"] != "EGLL" || f["flightTime"] != float64(2) || f["type"] != "P" ||
				f["distance"].(float64) < 2900 || f["flightLevel"] == nil || f["departureTime"] != "09:00" || f["arrivalTime"] != "11:00" || fmt.Sprint(f["aircraft"]) != "[1 2]" || fmt.Sprint(f["subfleets"]) != "[B738]" {
				t.Errorf("flight 101: %v", f)
			}
			for _, k := range []string{"departureTime", "arrivalTime"} {
				if !scClockPattern.MatchString(f[k].(string)) {
					t.Errorf("flight 101's %s %v is not the contract's HH:MM", k, f[k])
				}
			}
			if status, doc = w.sc(t, http.MethodGet, w.baseA+"/flights/search?maximumFlightTime=1", token, nil); len(scList(t, "short flights", status, doc)) != 0 {
				t.Errorf("flights of at most an hour: %v, want none (all take 2)", doc)
			}
			status, doc = w.sc(t, http.MethodGet, w.baseA+"/flights/search?callsign=qaa10", token, nil)
			if got := scList(t, "by callsign", status, doc); len(got) != 4 {
				t.Errorf("callsign QAA10: %d flights, want the four", len(got))
			}

			// Book, change the aircraft, read the bookings.
			status, doc = w.sc(t, http.MethodPost, w.baseA+"/flights/book", token, map[string]any{"flightID": flightID, "aircraftID": 1})
			first := scObject(t, "book", status, doc)["bidID"]
			status, doc = w.sc(t, http.MethodPost, w.baseA+"/flights/rebook", token, map[string]any{"bidID": first, "aircraft": 2})
			bidID := scObject(t, "rebook", status, doc)["bidID"]
			if bidID == first || bidID == nil {
				t.Errorf("rebook: bidID %v after %v, want a new one", bidID, first)
			}
			status, doc = w.sc(t, http.MethodGet, w.baseA+"/flights/bookings", token, nil)
			bookings := scList(t, "bookings", status, doc)
			if len(bookings) != 1 || bookings[0]["bidID"] != bidID || bookings[0]["aircraft"] != float64(2) || bookings[0]["number"] != "101" || bookings[0]["flightID"] != flightID {
				t.Errorf("bookings: %v, want the one bid on 101 with aircraft 2", bookings)
			}
			if status, doc = w.sc(t, http.MethodPost, w.baseA+"/flights/start", token, map[string]any{"bidID": first}); status != http.StatusNotFound {
				t.Errorf("start the rebooked bid's old id: %d %v, want 404", status, doc)
			}

			// Fly it.
			status, doc = w.sc(t, http.MethodPost, w.baseA+"/flights/start", token, map[string]any{"bidID": bidID})
			tracking, _ := scObject(t, "start", status, doc)["trackingID"].(string)
			if _, err := rm.FindPirep(ctx, w.a.id, tracking); err != nil {
				t.Fatalf("the trackingID %q is no PIREP: %v", tracking, err)
			}
			path := []struct {
				phase    string
				lat, lon float64
				alt      int
			}{
				{"BOARDING", 40.64, -73.78, 13}, {"TAKE_OFF", 40.70, -73.70, 500}, {"CRUISE", 45.0, -50.0, 37000}, {"DESCENT", 51.0, -5.0, 20000},
			}
			sawLive := false
			for i, p := range path {
				body := map[string]any{"bidID": bidID, "latitude": p.lat, "longitude": p.lon, "heading": 60, "altitude": p.alt,
					"groundSpeed": 450, "distanceRemaining": 3000 - 900*i, "timeRemaining": 6.5 - float64(i), "route": []string{"DCT", "BOMUP"},
					"phase": p.phase, "network": "VATSIM", "aircraft": 2}
				if i%2 == 1 {
					body["uuid"] = tracking
				}
				if status, doc = w.sc(t, http.MethodPost, w.baseA+"/flights/update", token, body); status != http.StatusOK {
					t.Fatalf("update %d (%s): %d %v", i, p.phase, status, doc)
				}
				if p.phase == "CRUISE" {
					w.settle(t)
					live, err := rm.FlightsInProgress(ctx, w.a.id, 10)
					for _, l := range live {
						if l.ID == tracking && l.Last != nil && l.Last.Lat == 45.0 && l.Last.Altitude == 37000 && l.Phase == "ENR" {
							sawLive = true
						}
					}
					if err != nil || !sawLive {
						t.Errorf("the live map's flights in cruise: %+v, %v; want the flight at 45N 50W, FL370, ENR", live, err)
					}
					_, acars := w.get(t, "/a/"+w.slugA+"/api/acars", nil)
					if got := data[[]any](t, "live flights", acars); len(got) != 1 || got[0].(map[string]any)["id"] != tracking {
						t.Errorf("the public live flights in cruise: %v, want the smartCARS flight", got)
					}
				}
			}
			status, doc = w.sc(t, http.MethodPost, w.baseA+"/flights/complete", token, map[string]any{
				"bidID": bidID, "remainingLoad": 0, "flightTime": 2.1, "landingRate": -142.5, "fuelUsed": 5234.4,
				"route": []string{"DCT", "BOMUP", "UL9", "LOVOL"}, "comments": "Smooth ride",
				"flightLog":  b64("[09:00] Boarding started\n[09:10] Pushing back\n"),
				"flightData": b64(`[{"eventId":"1","eventElapsedTime":0,"eventTimestamp":"2026-12-03T09:00:00Z","eventCondition":null,"message":"Pushing back with 5200 lbs of fuel"}]`),
			})
			if scObject(t, "complete", status, doc)["pirepID"] != tracking {
				t.Errorf("complete: %v, want the PIREP %s", doc, tracking)
			}
			w.settle(t)

			// The PIREP as its pilot and the staff read it.
			p, err := rm.FindPirep(ctx, w.a.id, tracking)
			if err != nil {
				t.Fatal(err)
			}
			ac2, _ := rm.FindAircraftByNumber(ctx, w.a.id, 2)
			if p.State != domain.PirepPending || p.FlightTime != 126 || p.FuelUsed != 5234 || p.LandingRate != -143 || p.Route != "DCT BOMUP UL9 LOVOL" ||
				p.SourceName != "smartCARS 3" || p.Source != domain.PirepSourceACARS || p.FlightID != flightID || p.FlightNumber != "101" ||
				p.DptAirport != "KJFK" || p.ArrAirport != "EGLL" || p.AircraftID != ac2.ID || p.Remarks != "Smooth ride" || p.Phase != domain.PhaseArrived {
				t.Errorf("the filed PIREP: %+v", p)
			}
			track, err := rm.PirepTrack(ctx, w.a.id, tracking)
			if err != nil || len(track) != len(path) {
				t.Fatalf("the track: %d points, %v; want %d", len(track), err, len(path))
			}
			for i, pos := range track {
				if pos.Lat != path[i].lat || pos.Lon != path[i].lon || int(pos.AltitudeMSL) != path[i].alt || pos.GroundSpeed != 450 || pos.Heading != 60 {
					t.Errorf("track point %d: %+v, want %+v", i, pos, path[i])
				}
			}
			if want := float64(p.Distance) - 1200; p.Distance < 2900 || track[2].Distance != want || track[2].Status != "ENR" {
				t.Errorf("the cruise point: distance %v status %q, want %v nmi flown (%d planned less 1200 remaining) and ENR", track[2].Distance, track[2].Status, want, p.Distance)
			}
			status, doc = w.sc(t, http.MethodGet, w.baseA+"/flights/bookings", token, nil)
			if got := scList(t, "bookings after the flight", status, doc); len(got) != 0 {
				t.Errorf("bookings after the flight: %v, want the bid gone", got)
			}
			if live, _ := rm.FlightsInProgress(ctx, w.a.id, 10); len(live) != 0 {
				t.Errorf("flights in progress after the filing: %v", live)
			}

			// The pilot's PIREPs and the flight's details, as smartCARS shows them.
			status, doc = w.sc(t, http.MethodGet, w.baseA+"/pireps/search?status=Pending&aircraft=B738&departureAirport=KJFK", token, nil)
			list := scList(t, "PIREP search", status, doc)
			if len(list) != 2 {
				t.Fatalf("pending PIREPs from KJFK: %v, want the seeded one and the flight", list)
			}
			got := list[0]
			if got["id"] != tracking || got["status"] != "Pending" || got["flightTime"] != 2.1 || got["fuelUsed"] != float64(5234) ||
				got["landingRate"] != float64(-143) || got["aircraft"] != "B738" || got["airlineCode"] != "QAA" || fmt.Sprint(got["route"]) != "[DCT BOMUP UL9 LOVOL]" {
				t.Errorf("the newest PIREP: %v", got)
			}
			if _, err := time.Parse(time.RFC3339, got["submitDate"].(string)); err != nil {
				t.Errorf("submitDate %v: %v", got["submitDate"], err)
			}
			status, doc = w.sc(t, http.MethodGet, w.baseA+"/pireps/search?status=Accepted", token, nil)
			if got := scList(t, "accepted", status, doc); len(got) != 1 || got[0]["departureAirport"] != "EGLL" {
				t.Errorf("accepted PIREPs: %v, want the seeded EGLL-KJFK", got)
			}
			status, doc = w.sc(t, http.MethodGet, w.baseA+"/pireps/details?id="+tracking, token, nil)
			d := scObject(t, "details", status, doc)
			if fmt.Sprint(d["flightLog"]) != "[[09:00] Boarding started [09:10] Pushing back]" {
				t.Errorf("details' flight log: %v", d["flightLog"])
			}
			events, _ := d["flightData"].([]any)
			if len(events) != 1 || events[0].(map[string]any)["message"] != "Pushing back with 5200 lbs of fuel" ||
				events[0].(map[string]any)["eventTimestamp"] != "2026-12-03T09:00:00Z" {
				t.Errorf("details' flight data: %v", d["flightData"])
			}
			if locs, _ := d["locationData"].([]any); len(locs) != len(path) || locs[2].(map[string]any)["latitude"] != 45.0 {
				t.Errorf("details' locations: %v", d["locationData"])
			}
			status, doc = w.sc(t, http.MethodGet, w.baseA+"/pilot/statistics", token, nil)
			if s := scObject(t, "statistics", status, doc); s["flightsFlown"] != float64(1) || s["pirepsFiled"] != float64(3) ||
				s["hoursFlown"] != 1.83 || s["averageLandingRate"] == nil {
				t.Errorf("statistics: %v, want 1 accepted flight of 110 min and 3 filed", s)
			}

			// A cancelled flight ends its bid too.
			status, doc = w.sc(t, http.MethodPost, w.baseA+"/flights/book", token, map[string]any{"flightID": domain.FlightID(w.a.id, "102", "", 0), "aircraftID": 1})
			again := scObject(t, "book 102", status, doc)["bidID"]
			status, doc = w.sc(t, http.MethodPost, w.baseA+"/flights/start", token, map[string]any{"bidID": again})
			second, _ := scObject(t, "start 102", status, doc)["trackingID"].(string)
			if status, doc = w.sc(t, http.MethodPost, w.baseA+"/flights/cancel", token, map[string]any{"uuid": second, "bidID": again}); status != http.StatusOK {
				t.Fatalf("cancel: %d %v", status, doc)
			}
			w.settle(t)
			if p, err := rm.FindPirep(ctx, w.a.id, second); err != nil || p.State != domain.PirepCancelled {
				t.Errorf("the cancelled flight: %v %v", p.State, err)
			}
			status, doc = w.sc(t, http.MethodGet, w.baseA+"/flights/bookings", token, nil)
			if got := scList(t, "bookings after the cancel", status, doc); len(got) != 0 {
				t.Errorf("bookings after the cancel: %v, want none", got)
			}
			if status, doc = w.sc(t, http.MethodPost, w.baseA+"/flights/cancel", token, map[string]any{"uuid": second, "bidID": again}); status != http.StatusNotFound {
				t.Errorf("cancel twice: %d %v, want 404", status, doc)
			}

			// Book and unbook.
			status, doc = w.sc(t, http.MethodPost, w.baseA+"/flights/book", token, map[string]any{"flightID": flightID, "aircraftID": 1})
			third := scObject(t, "book again", status, doc)["bidID"]
			if status, doc = w.sc(t, http.MethodPost, w.baseA+"/flights/unbook", token, map[string]any{"bidID": third}); status != http.StatusOK {
				t.Errorf("unbook: %d %v", status, doc)
			}
			status, doc = w.sc(t, http.MethodPost, w.baseA+"/flights/unbook", token, map[string]any{"bidID": third})
			checkSCError(t, "unbook twice", status, doc, http.StatusNotFound, "booking")

			// Resume gives a new session and ends the old one.
			status, doc = w.sc(t, http.MethodPost, w.baseA+"/pilot/resume", "", map[string]any{"session": token})
			resumed := scObject(t, "resume", status, doc)
			next, _ := resumed["session"].(string)
			if next == token || !scSessionPattern.MatchString(next) || resumed["pilotID"] != pilot.PilotID {
				t.Errorf("resume: %v, want a new session of the pilot", resumed)
			}
			status, doc = w.sc(t, http.MethodGet, w.baseA+"/data/airports", token, nil)
			checkSCError(t, "the session resumed from", status, doc, http.StatusUnauthorized, "log in again")
			if status, doc = w.sc(t, http.MethodGet, w.baseA+"/data/airports", next, nil); status != http.StatusOK {
				t.Errorf("the resumed session: %d %v", status, doc)
			}
		})
	}
}

// A charter as smartCARS books and flies it, where the airline allows
// charters: the booking with the pilot's plan, listed with the bookings,
// started, reported and completed like a schedule flight, its PIREP on no
// schedule flight and its booking gone; an airline without charters
// refuses the booking.
func TestSmartcarsCharter(t *testing.T) {
	for _, m := range []mode{embedded, postgres} {
		t.Run(string(m), func(t *testing.T) {
			w := newSCWorld(t, m)
			ctx := context.Background()
			rm := reads.New(w.rm)
			token := w.login(t, w.baseA, "pilot-0-qaa@example.com", memberPassword)["session"].(string)
			plan := map[string]any{"number": "QAA9042", "departure": "KJFK", "arrival": "LFPG", "route": []string{"DCT", "MERIT", "DCT"},
				"aircraft": "B738", "cruise": 370, "distance": 0, "type": "C", "departureTime": "9:30", "arrivalTime": "17:05"}
			before := w.countEvents(t)
			status, doc := w.sc(t, http.MethodPost, w.baseA+"/flights/charter", token, plan)
			checkSCError(t, "a charter where the airline allows none", status, doc, http.StatusForbidden, "charter")
			if after := w.countEvents(t); after != before {
				t.Errorf("the refused charter appended %d events", after-before)
			}
			staff := domain.CommandMeta{Who: domain.Actor{UserID: w.a.adminID, Role: domain.RoleAirlineAdmin, TenantID: w.a.id}}
			if _, err := w.app.airlines.SetPirepRules(ctx, staff, w.a.id, domain.PirepRules{AllowCharters: true}); err != nil {
				t.Fatal(err)
			}
			w.settle(t)
			status, doc = w.sc(t, http.MethodPost, w.baseA+"/flights/charter", token, map[string]any{"number": "QAA9042", "departure": "KJFK",
				"arrival": "KJFK", "route": []string{}, "aircraft": 1, "cruise": 370, "distance": 10, "type": "P", "departureTime": "09:30", "arrivalTime": "10:00"})
			checkSCError(t, "a charter to where it starts", status, doc, http.StatusBadRequest, "arrival")
			status, doc = w.sc(t, http.MethodPost, w.baseA+"/flights/charter", token, plan)
			bidID := scObject(t, "charter", status, doc)["bidID"]
			status, doc = w.sc(t, http.MethodGet, w.baseA+"/flights/bookings", token, nil)
			bookings := scList(t, "bookings", status, doc)
			if len(bookings) != 1 {
				t.Fatalf("bookings: %v, want the charter", bookings)
			}
			b := bookings[0]
			if b["bidID"] != bidID || b["number"] != "9042" || b["type"] != "C" || b["departureAirport"] != "KJFK" || b["arrivalAirport"] != "LFPG" ||
				b["flightLevel"] != float64(370) || b["departureTime"] != "09:30" || b["arrivalTime"] != "17:05" || b["flightTime"] != 7.58 ||
				b["aircraft"] != float64(1) || fmt.Sprint(b["route"]) != "[DCT MERIT DCT]" || b["distance"].(float64) < 3000 {
				t.Errorf("the charter booking: %v", b)
			}
			status, doc = w.sc(t, http.MethodPost, w.baseA+"/flights/start", token, map[string]any{"bidID": bidID})
			tracking, _ := scObject(t, "start the charter", status, doc)["trackingID"].(string)
			for i, phase := range []string{"TAKE_OFF", "CRUISE"} {
				body := map[string]any{"bidID": bidID, "latitude": 41.0 + float64(i), "longitude": -70.0 + 10*float64(i), "heading": 70, "altitude": 1000 + 35000*i,
					"groundSpeed": 300, "distanceRemaining": 3000, "timeRemaining": 6, "route": []string{}, "phase": phase, "network": "Offline", "aircraft": 1}
				if i == 1 {
					body["uuid"] = tracking
				}
				if status, doc = w.sc(t, http.MethodPost, w.baseA+"/flights/update", token, body); status != http.StatusOK {
					t.Fatalf("charter update %s: %d %v", phase, status, doc)
				}
			}
			status, doc = w.sc(t, http.MethodPost, w.baseA+"/flights/complete", token, map[string]any{"bidID": bidID, "remainingLoad": 0,
				"flightTime": 7.5, "landingRate": -88, "fuelUsed": 21000, "route": []string{"DCT", "MERIT", "DCT"}, "flightLog": "", "flightData": ""})
			if scObject(t, "complete the charter", status, doc)["pirepID"] != tracking {
				t.Errorf("complete the charter: %v", doc)
			}
			w.settle(t)
			p, err := rm.FindPirep(ctx, w.a.id, tracking)
			if err != nil || p.FlightID != "" || p.FlightNumber != "9042" || p.DptAirport != "KJFK" || p.ArrAirport != "LFPG" || p.Level != 37000 ||
				p.FlightTime != 450 || p.State != domain.PirepPending || p.Positions != 2 {
				t.Errorf("the charter's PIREP: %+v %v", p, err)
			}
			status, doc = w.sc(t, http.MethodGet, w.baseA+"/flights/bookings", token, nil)
			if got := scList(t, "bookings after the charter", status, doc); len(got) != 0 {
				t.Errorf("bookings after the charter was filed: %v, want none", got)
			}
		})
	}
}

// What one airline's pilot and session see of another's: nothing. And the
// logins refused: wrong passwords, another airline's address, a suspended
// pilot, a session after a password change.
func TestSmartcarsSessionsAndTenants(t *testing.T) {
	for _, m := range []mode{embedded, postgres} {
		t.Run(string(m), func(t *testing.T) {
			w := newSCWorld(t, m)
			ctx := context.Background()
			email := "pilot-0-qaa@example.com"
			tokenA := w.login(t, w.baseA, email, memberPassword)["session"].(string)
			// B's pilot logs in with their key (their one-time password is
			// no password of their own yet).
			pilotB := w.person(t, w.b.pilotID)
			tokenB := w.login(t, w.baseB, pilotB.PilotID, w.keyB)["session"].(string)
			status, doc := w.sc(t, http.MethodPost, w.baseA+"/pilot/login?username=pilot-1-qaa@example.com", "", map[string]any{"password": w.a.otps[1]})
			checkSCError(t, "a one-time password", status, doc, http.StatusUnauthorized, "one-time")

			for _, c := range []struct {
				name, base, username, password string
			}{
				{"wrong password", w.baseA, email, "not the password"},
				{"unknown pilot", w.baseA, "nobody@example.com", memberPassword},
				{"A's pilot at B's address", w.baseB, email, memberPassword},
				{"A's pilot id at B's address", w.baseB, w.person(t, w.a.pilotID).PilotID, w.keyA},
				{"B's key for A's pilot", w.baseA, email, w.keyB},
			} {
				status, doc := w.sc(t, http.MethodPost, c.base+"/pilot/login?username="+url.QueryEscape(c.username), "", map[string]any{"password": c.password})
				checkSCError(t, c.name, status, doc, http.StatusUnauthorized, "incorrect")
			}
			if _, _, err := w.users.Register(ctx, domain.CommandMeta{}, w.a.id, domain.Person{Name: "Pending Pilot", Email: "pending@example.com",
				Country: "GB", Password: memberPassword}); err != nil {
				t.Fatal(err)
			}
			w.settle(t)
			status, doc = w.sc(t, http.MethodPost, w.baseA+"/pilot/login?username=pending@example.com", "", map[string]any{"password": memberPassword})
			checkSCError(t, "a pilot not yet confirmed", status, doc, http.StatusConflict, "confirmed")
			status, doc = w.sc(t, http.MethodPost, "/api/smartcars/pilot/login?username="+email, "", map[string]any{"password": memberPassword})
			checkSCError(t, "login with no airline in the address", status, doc, http.StatusNotFound, "/a/{slug}/api/smartcars")

			// A's bid, flight and PIREP, which B's session must not reach.
			status, doc = w.sc(t, http.MethodPost, w.baseA+"/flights/book", tokenA, map[string]any{"flightID": domain.FlightID(w.a.id, "101", "", 0), "aircraftID": 1})
			bidA := scObject(t, "A books", status, doc)["bidID"]
			status, doc = w.sc(t, http.MethodPost, w.baseA+"/flights/start", tokenA, map[string]any{"bidID": bidA})
			trackingA := scObject(t, "A starts", status, doc)["trackingID"]
			w.settle(t)

			for _, path := range []string{"/data/airports", "/flights/bookings", "/pilot/statistics"} {
				status, doc := w.sc(t, http.MethodGet, w.baseA+path, tokenB, nil)
				checkSCError(t, "B's session at A's "+path, status, doc, http.StatusUnauthorized, "log in again")
			}
			status, doc = w.sc(t, http.MethodGet, w.baseB+"/data/airports", tokenB, nil)
			for _, ap := range scList(t, "B's airports", status, doc) {
				if ap["code"] == "LPPT" {
					goto sawLPPT
				}
			}
			t.Errorf("B's airports: %v, want B's own LPPT", doc)
		sawLPPT:
			status, doc = w.sc(t, http.MethodGet, w.baseB+"/flights/search", tokenB, nil)
			for _, f := range scList(t, "B's search", status, doc) {
				if f["code"] != "QAB" || f["id"] == domain.FlightID(w.a.id, "101", "", 0) {
					t.Errorf("B's search shows %v", f)
				}
			}
			if status, doc = w.sc(t, http.MethodGet, w.baseB+"/flights/bookings", tokenB, nil); len(scList(t, "B's bookings", status, doc)) != 0 {
				t.Errorf("B's bookings: %v", doc)
			}
			for _, c := range []struct {
				path string
				body map[string]any
			}{
				{"/flights/start", map[string]any{"bidID": bidA}},
				{"/flights/unbook", map[string]any{"bidID": bidA}},
				{"/flights/rebook", map[string]any{"bidID": bidA, "aircraft": 1}},
				{"/flights/update", map[string]any{"bidID": bidA, "uuid": trackingA, "latitude": 1, "longitude": 1, "heading": 1, "altitude": 1, "groundSpeed": 1, "phase": "CRUISE"}},
				{"/flights/cancel", map[string]any{"uuid": trackingA, "bidID": bidA}},
				{"/flights/complete", map[string]any{"uuid": trackingA, "bidID": bidA, "flightTime": 1, "landingRate": -100, "fuelUsed": 100, "flightLog": "", "flightData": ""}},
				{"/flights/book", map[string]any{"flightID": domain.FlightID(w.a.id, "102", "", 0), "aircraftID": 1}},
			} {
				before := w.countEvents(t)
				status, doc := w.sc(t, http.MethodPost, w.baseB+c.path, tokenB, c.body)
				checkSCError(t, "B's session on A's "+c.path, status, doc, http.StatusNotFound, "")
				if after := w.countEvents(t); after != before {
					t.Errorf("B's %s appended %d events", c.path, after-before)
				}
			}
			status, doc = w.sc(t, http.MethodGet, w.baseB+"/pireps/details?id="+fmt.Sprint(trackingA), tokenB, nil)
			checkSCError(t, "B reading A's PIREP", status, doc, http.StatusNotFound, "PIREP")
			status, doc = w.sc(t, http.MethodGet, w.baseB+"/pireps/search", tokenB, nil)
			for _, p := range scList(t, "B's PIREPs", status, doc) {
				if p["airlineCode"] != "QAB" || p["id"] == trackingA {
					t.Errorf("B's PIREPs show %v", p)
				}
			}
			// Another pilot of A sees none of the first pilot's bookings.
			status, doc = w.sc(t, http.MethodPost, w.baseA+"/pilot/verify", "", map[string]any{"session": tokenB})
			checkSCError(t, "verifying B's session at A's address", status, doc, http.StatusUnauthorized, "log in again")

			// A suspended pilot's session and login are refused; so is a
			// session from before a password change.
			if _, err := w.users.Suspend(ctx, domain.CommandMeta{Who: domain.System}, w.b.id, w.b.pilotID, "test"); err != nil {
				t.Fatal(err)
			}
			w.settle(t)
			status, doc = w.sc(t, http.MethodGet, w.baseB+"/data/airports", tokenB, nil)
			checkSCError(t, "a suspended pilot's session", status, doc, http.StatusUnauthorized, "suspended")
			status, doc = w.sc(t, http.MethodPost, w.baseB+"/pilot/login?username="+pilotB.PilotID, "", map[string]any{"password": w.keyB})
			checkSCError(t, "a suspended pilot's login", status, doc, http.StatusUnauthorized, "suspended")
			if _, err := w.users.ChangePassword(ctx, domain.CommandMeta{Who: domain.System}, w.a.pilotID, memberPassword, memberPassword+"-new"); err != nil {
				t.Fatal(err)
			}
			w.settle(t)
			status, doc = w.sc(t, http.MethodGet, w.baseA+"/data/airports", tokenA, nil)
			checkSCError(t, "a session from before a password change", status, doc, http.StatusUnauthorized, "log in again")
			for _, bad := range []string{"", "Bearer", "Bearer nope.nope.nope", "Basic " + tokenA} {
				req, _ := http.NewRequest(http.MethodGet, w.URL+w.baseA+"/data/airports", nil)
				if bad != "" {
					req.Header.Set("Authorization", bad)
				}
				resp, err := http.DefaultClient.Do(req)
				if err != nil {
					t.Fatal(err)
				}
				resp.Body.Close()
				if resp.StatusCode != http.StatusUnauthorized {
					t.Errorf("Authorization %q: %d, want 401", bad, resp.StatusCode)
				}
			}
		})
	}
}

// Bad input is the contract's 400 naming the field, and nothing is
// written; a known path with the wrong method is its 405.
func TestSmartcarsRefusesBadInput(t *testing.T) {
	for _, m := range []mode{embedded, postgres} {
		t.Run(string(m), func(t *testing.T) {
			w := newSCWorld(t, m)
			token := w.login(t, w.baseA, "pilot-0-qaa@example.com", memberPassword)["session"].(string)
			status, doc := w.sc(t, http.MethodPost, w.baseA+"/flights/book", token, map[string]any{"flightID": domain.FlightID(w.a.id, "101", "", 0), "aircraftID": 1})
			bid := scObject(t, "book", status, doc)["bidID"]
			status, doc = w.sc(t, http.MethodPost, w.baseA+"/flights/start", token, map[string]any{"bidID": bid})
			scObject(t, "start", status, doc)
			w.settle(t)
			position := func(change map[string]any) map[string]any {
				out := map[string]any{"bidID": bid, "latitude": 40.6, "longitude": -73.7, "heading": 90, "altitude": 1000, "groundSpeed": 200,
					"distanceRemaining": 10, "timeRemaining": 1, "route": []string{}, "phase": "CLIMB", "network": "Offline", "aircraft": 1}
				for k, v := range change {
					if v == nil {
						delete(out, k)
					} else {
						out[k] = v
					}
				}
				return out
			}
			complete := func(change map[string]any) map[string]any {
				out := map[string]any{"bidID": bid, "remainingLoad": 0, "flightTime": 1.5, "landingRate": -100, "fuelUsed": 1000,
					"route": []string{}, "flightLog": b64("a line"), "flightData": b64("[]")}
				for k, v := range change {
					if v == nil {
						delete(out, k)
					} else {
						out[k] = v
					}
				}
				return out
			}
			for _, c := range []struct {
				method, path string
				body         any
				field        string
			}{
				{http.MethodPost, "/flights/book", map[string]any{"aircraftID": 1}, "flightID"},
				{http.MethodPost, "/flights/book", map[string]any{"flightID": "x", "aircraftID": "one"}, "aircraftID"},
				{http.MethodPost, "/flights/book", map[string]any{"flightID": domain.FlightID(w.a.id, "102", "", 0), "aircraftID": 99}, "aircraftID"},
				{http.MethodPost, "/flights/book", "not an object", "body"},
				{http.MethodPost, "/flights/rebook", map[string]any{"bidID": bid}, "aircraft"},
				{http.MethodPost, "/flights/rebook", map[string]any{"bidID": bid, "aircraft": -1}, "aircraft"},
				{http.MethodPost, "/flights/start", map[string]any{"bidID": map[string]any{}}, "bidID"},
				{http.MethodPost, "/flights/unbook", map[string]any{}, "bidID"},
				{http.MethodPost, "/flights/update", position(map[string]any{"latitude": 95}), "latitude"},
				{http.MethodPost, "/flights/update", position(map[string]any{"heading": 360}), "heading"},
				{http.MethodPost, "/flights/update", position(map[string]any{"phase": "FLYING"}), "phase"},
				{http.MethodPost, "/flights/update", position(map[string]any{"phase": nil}), "phase"},
				{http.MethodPost, "/flights/update", position(map[string]any{"network": "Elsewhere"}), "network"},
				{http.MethodPost, "/flights/update", position(map[string]any{"groundSpeed": "fast"}), "groundSpeed"},
				{http.MethodPost, "/flights/update", position(map[string]any{"route": "DCT BOMUP"}), "route"},
				{http.MethodPost, "/flights/update", position(map[string]any{"altitude": "1e309"}), "altitude"},
				{http.MethodPost, "/flights/complete", complete(map[string]any{"flightTime": 0}), "flightTime"},
				{http.MethodPost, "/flights/complete", complete(map[string]any{"flightLog": "%%% not base64"}), "flightLog"},
				{http.MethodPost, "/flights/complete", complete(map[string]any{"flightData": b64("{not json")}), "flightData"},
				{http.MethodPost, "/flights/complete", complete(map[string]any{"fuelUsed": -1}), "fuelUsed"},
				{http.MethodPost, "/flights/complete", complete(map[string]any{"landingRate": nil}), "landingRate"},
				{http.MethodPost, "/flights/complete", complete(map[string]any{"flightLog": b64(strings.Repeat("x", 1200))}), "flightLog"},
				{http.MethodPost, "/pilot/verify", map[string]any{"session": 42}, "session"},
				{http.MethodPost, "/pilot/resume", map[string]any{}, "session"},
				{http.MethodPost, "/pilot/login", map[string]any{"password": "x"}, "username"},
				{http.MethodPost, "/pilot/login?username=someone", map[string]any{}, "password"},
				{http.MethodGet, "/flights/search?departureAirport=kjfk", nil, "departureAirport"},
				{http.MethodGet, "/flights/search?minimumDistance=-1", nil, "minimumDistance"},
				{http.MethodGet, "/flights/search?aircraft=1.5", nil, "aircraft"},
				{http.MethodGet, "/pireps/search?status=Cancelled", nil, "status"},
				{http.MethodGet, "/pireps/search?startDate=yesterday", nil, "startDate"},
				{http.MethodGet, "/pireps/search?aircraft=b738", nil, "aircraft"},
				{http.MethodGet, "/pireps/details", nil, "id"},
				{http.MethodPost, "/flights/charter", map[string]any{"number": "QAA1"}, "departure"},
				{http.MethodPost, "/flights/charter", map[string]any{"number": "QAA1", "departure": "KJFK", "arrival": "egll", "route": []string{}, "aircraft": 1,
					"cruise": 350, "distance": 1, "type": "P", "departureTime": "9:00", "arrivalTime": "17:00"}, "arrival"},
				{http.MethodPost, "/flights/charter", map[string]any{"number": "QAA1", "departure": "KJFK", "arrival": "EGLL", "route": []string{}, "aircraft": 1,
					"cruise": 1000, "distance": 1, "type": "X", "departureTime": "25:00", "arrivalTime": "17:00"}, "cruise"},
				{http.MethodPost, "/flights/charter", map[string]any{"number": "QAA1", "departure": "KJFK", "arrival": "EGLL", "route": []string{}, "aircraft": "A320",
					"cruise": 350, "distance": 1, "type": "P", "departureTime": "9:00", "arrivalTime": "17:00"}, "aircraft"},
			} {
				before := w.countEvents(t)
				status, doc := w.sc(t, c.method, w.baseA+c.path, token, c.body)
				checkSCError(t, c.method+" "+c.path+" "+fmt.Sprint(c.body), status, doc, http.StatusBadRequest, c.field)
				if after := w.countEvents(t); after != before {
					t.Errorf("%s %v: refused, but appended %d events", c.path, c.body, after-before)
				}
			}
			if p, err := reads.New(w.rm).FlightsInProgress(context.Background(), w.a.id, 10); err != nil || len(p) != 1 || p[0].Positions != 0 {
				t.Errorf("the flight after the refused updates: %+v %v, want no position", p, err)
			}
			status, doc = w.sc(t, http.MethodGet, w.baseA+"/flights/book", token, nil)
			checkSCError(t, "GET /flights/book", status, doc, http.StatusMethodNotAllowed, "")
			status, doc = w.sc(t, http.MethodGet, w.baseA+"/nothing/here", token, nil)
			checkSCError(t, "an unknown path", status, doc, http.StatusNotFound, "")
			// smartCARS's web view asks first (CORS), with no session.
			req, _ := http.NewRequest(http.MethodOptions, w.URL+w.baseA+"/flights/book", nil)
			req.Header.Set("Origin", "app://smartcars")
			req.Header.Set("Access-Control-Request-Method", "POST")
			req.Header.Set("Access-Control-Request-Headers", "authorization, content-type")
			resp, err := http.DefaultClient.Do(req)
			if err != nil {
				t.Fatal(err)
			}
			resp.Body.Close()
			if resp.StatusCode != http.StatusNoContent || resp.Header.Get("Access-Control-Allow-Origin") != "*" ||
				!strings.Contains(resp.Header.Get("Access-Control-Allow-Headers"), "Authorization") {
				t.Errorf("the preflight of /flights/book: %d %v, want 204 allowing the bearer token", resp.StatusCode, resp.Header)
			}
		})
	}
}

// A smartCARS update answers without waiting for the read models, and the
// pilot's next request, by either API, still sees it: the write is owed
// to the pilot. Run with no projector, so the read models move only when
// a request waits.
func TestASmartcarsUpdateIsAnsweredAtOnceAndSeenByThePilotsNextRead(t *testing.T) {
	for _, m := range []mode{embedded, postgres} {
		t.Run(string(m), func(t *testing.T) {
			w := newSCWorld(t, m, withProjectionOnWait())
			ctx := context.Background()
			token := w.login(t, w.baseA, "pilot-0-qaa@example.com", memberPassword)["session"].(string)
			status, doc := w.sc(t, http.MethodPost, w.baseA+"/flights/book", token, map[string]any{"flightID": domain.FlightID(w.a.id, "102", "", 0), "aircraftID": 1})
			bidID := scObject(t, "book", status, doc)["bidID"]
			status, doc = w.sc(t, http.MethodPost, w.baseA+"/flights/start", token, map[string]any{"bidID": bidID})
			tracking, _ := scObject(t, "start", status, doc)["trackingID"].(string)
			status, doc = w.sc(t, http.MethodPost, w.baseA+"/flights/update", token, map[string]any{"bidID": bidID, "latitude": 45.0,
				"longitude": -50.0, "heading": 60, "altitude": 37000, "groundSpeed": 450, "phase": "CRUISE"})
			if status != http.StatusOK {
				t.Fatalf("update: %d %v", status, doc)
			}
			track, err := w.rm.ListPirepPositions(ctx, readmodel.ListPirepPositionsParams{TenantID: w.a.id, PirepID: uuid.MustParse(tracking)})
			if err != nil || len(track) != 0 {
				t.Fatalf("the read model had %d positions (%v) when the update answered: it waited for them", len(track), err)
			}
			// The same pilot's phpVMS key reads the track the session wrote.
			_, doc2 := w.get(t, "/api/pireps/"+tracking+"/acars/position", xKey(w.keyA))
			if list := data[[]any](t, "track", doc2); len(list) != 1 || list[0].(map[string]any)["lat"] != 45.0 {
				t.Errorf("the pilot's next read of the track: %v, want the position the update sent", list)
			}
		})
	}
}
