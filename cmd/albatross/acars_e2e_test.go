package main

import (
	"fmt"
	"net/http"
	"net/url"
	"strings"
	"testing"

	"github.com/albatross-va/albatross/handlers/phpvmstest"
	"github.com/albatross-va/albatross/store/pgtest"
)

// acarsClient is one pilot's ACARS client: the address they typed and
// their key, JSON both ways, no cookies.
type acarsClient struct {
	t    *testing.T
	site phpvmstest.Site
}

func (c acarsClient) call(method, path string, body any) (int, map[string]any) {
	c.t.Helper()
	resp, doc := c.site.Send(c.t, method, path, c.site.Key, body)
	return resp.StatusCode, doc
}

// ok calls and fails the test unless the answer is 2xx.
func (c acarsClient) ok(method, path string, body any) map[string]any {
	c.t.Helper()
	return c.site.OK(c.t, method, path, c.site.Key, body)
}

// pilotWithKey adds a pilot to the airline, who logs in, chooses a
// password and creates an API key for the ACARS client.
func pilotWithKey(t *testing.T, srv *testServer, staff *browser, airlineID, name, email string) string {
	t.Helper()
	otp := addPerson(t, staff, airlineID, name, email, "pilot")
	pilot := newBrowser(t, srv)
	pilot.logIn(t, email, otp, "/account/password")
	_, doc := pilot.get("/account/password")
	csrf, _ := doc.Find(`[data-testid="password-form"] input[name="_csrf"]`).Attr("value")
	const chosen = "A pilot's own password 1"
	if resp, _ := pilot.post("/account/password", url.Values{"_csrf": {csrf}, "current": {otp}, "password": {chosen}, "confirm": {chosen}}, nil); resp.StatusCode != http.StatusSeeOther {
		t.Fatalf("the pilot chooses a password: %d", resp.StatusCode)
	}
	key, _ := createAPIKey(t, pilot, "PXP")
	return key
}

// The scenarios of phpVMS's tests/AcarsTest.php (the handler tests run
// the same ones), against the real binary in both modes over HTTP, with a
// pilot's key: an airline set up from phpVMS's sample files, and another
// airline with a pilot of its own.
func TestAcarsScenarios(t *testing.T) {
	t.Run("embedded", func(t *testing.T) {
		phpvmstest.AcarsFlight(t, acarsSite(t, startServer(t, map[string]string{"ALBATROSS_DATA_DIR": t.TempDir(), "ALBATROSS_WAIT_BOUND": slowMachineWait})))
	})
	t.Run("postgres", func(t *testing.T) {
		pgtest.RequireRedis(t, pgtest.RedisURL())
		phpvmstest.AcarsFlight(t, acarsSite(t, startServer(t, map[string]string{"DATABASE_URL": pgtest.NewDatabase(t), "REDIS_URL": pgtest.RedisURL(),
			"ALBATROSS_WAIT_BOUND": slowMachineWait})))
	})
}

// acarsSite sets up the airline the scenarios fly in (the sample's
// airports and fleet), and another with a pilot, each pilot with a key.
func acarsSite(t *testing.T, srv *testServer) phpvmstest.Site {
	t.Helper()
	platform := loginAsAdmin(t, srv)
	airline := createAirline(t, platform, "Petrel Virtual", "PTV", "petrel")
	allowCharters(t, platform, airline)
	for _, kind := range []string{"airports", "subfleets", "aircraft"} {
		importSample(t, platform, airline, kind)
	}
	other := createAirline(t, platform, "Gannet Virtual", "GNV", "gannet")
	return phpvmstest.Site{URL: srv.URL, Key: pilotWithKey(t, srv, platform, airline, "Pia Pilot", "pia@petrel.example"),
		OtherKey: pilotWithKey(t, srv, platform, other, "Gus Pilot", "gus@gannet.example"), Slug: "petrel", OtherSlug: "gannet",
		ForeignAirport: "YSSY"}
}

// The PXP client's conversation (phpvms-xplane: fleet, airlines, prefile,
// then an update and a position for each sim packet, then file or
// cancel), replayed against the real binary in both modes, with the
// airline set up from phpVMS's sample files. The filed flight reaches the
// staff's review queue.
func TestACARSClientReplay(t *testing.T) {
	t.Run("embedded", func(t *testing.T) {
		replayACARS(t, startServer(t, map[string]string{"ALBATROSS_DATA_DIR": t.TempDir(), "ALBATROSS_WAIT_BOUND": slowMachineWait}))
	})
	t.Run("postgres", func(t *testing.T) {
		pgtest.RequireRedis(t, pgtest.RedisURL())
		replayACARS(t, startServer(t, map[string]string{"DATABASE_URL": pgtest.NewDatabase(t), "REDIS_URL": pgtest.RedisURL(), "ALBATROSS_WAIT_BOUND": slowMachineWait}))
	})
}

func replayACARS(t *testing.T, srv *testServer) {
	platform := loginAsAdmin(t, srv)
	airline := createAirline(t, platform, "Petrel Virtual", "PTV", "petrel")
	allowCharters(t, platform, airline)
	for _, kind := range []string{"airports", "subfleets", "aircraft", "flights"} {
		importSample(t, platform, airline, kind)
	}
	c := acarsClient{t: t, site: phpvmstest.Site{URL: srv.URL + "/a/petrel", Key: pilotWithKey(t, srv, platform, airline, "Pia Pilot", "pia@petrel.example")}}

	// What the client reads before a flight.
	user := c.ok(http.MethodGet, "/api/user", nil)["data"].(map[string]any)
	if user["ident"] != "PTV0001" {
		t.Errorf("/api/user: %v", user)
	}
	airlines := c.ok(http.MethodGet, "/api/airlines", nil)["data"].([]any)
	airlineNumber := airlines[0].(map[string]any)["id"]
	var aircraft any
	for _, sf := range c.ok(http.MethodGet, "/api/user/fleet", nil)["data"].([]any) {
		for _, ac := range sf.(map[string]any)["aircraft"].([]any) {
			a := ac.(map[string]any)
			if a["airport_id"] == "EGLL" && a["status"] == "A" && aircraft == nil {
				aircraft = a["id"]
			}
		}
	}
	if aircraft == nil {
		t.Fatal("/api/user/fleet offers no active aircraft at EGLL")
	}

	// The flight: prefile, then an update and a position per packet.
	pirep := c.ok(http.MethodPost, "/api/pireps/prefile", map[string]any{"airline_id": airlineNumber, "aircraft_id": aircraft,
		"flight_number": "100", "dpt_airport_id": "EGLL", "arr_airport_id": "EDDF", "source_name": "PXP", "planned_distance": 353,
		"planned_flight_time": 72, "level": 28000})["data"].(map[string]any)
	id := pirep["id"].(string)
	packets := []struct {
		phase              string
		lat, lon, distance float64
		alt, gs, minutes   int
	}{{"BST", 51.4706, -0.4619, 0, 83, 0, 0}, {"TXI", 51.471, -0.47, 0, 83, 15, 3}, {"TKO", 51.48, -0.55, 4, 1500, 160, 8},
		{"ENR", 51.2, 2.0, 180, 28000, 450, 35}, {"APR", 50.1, 8.3, 340, 4000, 210, 64}, {"LDG", 50.03, 8.56, 352, 364, 140, 70}}
	for i, p := range packets {
		c.ok(http.MethodPost, "/api/pireps/"+id+"/update", map[string]any{"status": p.phase, "distance": p.distance, "flight_time": p.minutes, "fuel_used": 150 * i})
		doc := c.ok(http.MethodPost, "/api/pireps/"+id+"/acars/position", map[string]any{"positions": []any{map[string]any{
			"id": fmt.Sprintf("%s-%d", id, i), "lat": p.lat, "lon": p.lon, "altitude": p.alt, "heading": 95, "gs": p.gs,
			"status": p.phase, "distance": p.distance}}})
		if doc["count"] != float64(1) {
			t.Errorf("packet %d: %v", i, doc)
		}
		if i == 3 {
			// Mid-flight, the live list shows it where it is.
			status, live := c.call(http.MethodGet, "/api/acars", nil)
			flights, _ := live["data"].([]any)
			if status != http.StatusOK || len(flights) != 1 || flights[0].(map[string]any)["status"] != "ENR" {
				t.Errorf("/api/acars mid-flight: %d %v", status, live)
			}
		}
	}
	filed := c.ok(http.MethodPost, "/api/pireps/"+id+"/file", map[string]any{"flight_time": 70, "distance": 352, "fuel_used": 2900,
		"landing_rate": -180})["data"].(map[string]any)
	if filed["state"] != float64(1) || filed["status"] != "ARR" {
		t.Errorf("filed: state %v status %v", filed["state"], filed["status"])
	}
	if got := c.ok(http.MethodGet, "/api/pireps/"+id, nil)["data"].(map[string]any); got["state"] != float64(1) || got["flight_time"] != float64(70) {
		t.Errorf("GET the PIREP after filing: %v", got)
	}
	if track := c.ok(http.MethodGet, "/api/pireps/"+id+"/acars/position", nil)["data"].([]any); len(track) != len(packets) {
		t.Errorf("the track has %d positions, want %d", len(track), len(packets))
	}
	// Staff find it in their review queue.
	_, queue := platform.get("/airlines/" + airline + "/pireps/queue")
	if q := queue.Find(`[data-testid="pirep-row"]`).Text(); !strings.Contains(q, "PTV100") || !strings.Contains(q, "EDDF") {
		t.Errorf("the review queue does not list the filed flight: %q", q)
	}

	// A second flight, cancelled: later reports are refused.
	second := c.ok(http.MethodPost, "/api/pireps/prefile", map[string]any{"airline_id": airlineNumber, "aircraft_id": aircraft,
		"flight_number": "101", "dpt_airport_id": "EDDF", "arr_airport_id": "EGLL", "source_name": "PXP"})
	_ = second
	status, doc := c.call(http.MethodPost, "/api/pireps/prefile", map[string]any{"airline_id": airlineNumber, "aircraft_id": aircraft,
		"flight_number": "102", "dpt_airport_id": "EGLL", "arr_airport_id": "LFPG", "source_name": "PXP"})
	if e, _ := doc["error"].(map[string]any); status != http.StatusBadRequest || e["message"] == nil {
		t.Errorf("a prefile on the aircraft flying 101: %d %v, want 400 with error.message", status, doc)
	}
	secondID := second["data"].(map[string]any)["id"].(string)
	if doc := c.ok(http.MethodDelete, "/api/pireps/"+secondID+"/cancel", nil); doc["message"] != "PIREP "+secondID+" cancelled" {
		t.Errorf("cancel: %v", doc)
	}
	if status, doc := c.call(http.MethodPost, "/api/pireps/"+secondID+"/update", map[string]any{"status": "ENR"}); status != http.StatusBadRequest ||
		doc["type"] != "https://phpvms.net/errors/pirep-cancelled" {
		t.Errorf("an update after the cancel: %d %v", status, doc)
	}
}
