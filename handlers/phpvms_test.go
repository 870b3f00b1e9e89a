package handlers_test

import (
	"context"
	"encoding/json"
	"math"
	"net/http"
	"strings"
	"testing"

	"github.com/google/uuid"

	"github.com/albatross-va/albatross/domain"
	"github.com/albatross-va/albatross/handlers/phpvmstest"
	"github.com/albatross-va/albatross/store/readmodel"
)

// phpvmsWorld is two airlines of the page-work seed (EGLL, KJFK and LFPG,
// a fleet, flights, pilots with PIREPs), B with an airport of its own
// (LPPT), and an API key for a pilot of each.
type phpvmsWorld struct {
	*matrixWorld
	a, b       *seeded
	keyA, keyB string
	slugA      string
	slugB      string
}

func newPhpvmsWorld(t *testing.T, m mode, opts ...appOption) *phpvmsWorld {
	t.Helper()
	w := &phpvmsWorld{matrixWorld: &matrixWorld{app: newAppOn(t, m, nil, opts...)}}
	all := seedAirlines(t, w.matrixWorld, 0, 2)
	w.a, w.b = all[0], all[1]
	w.slugA, w.slugB = "pagework-qaa", "pagework-qab"
	ctx := context.Background()
	sys := domain.CommandMeta{Who: domain.System}
	if _, err := (&domain.Airports{Runner: w.runner}).Add(ctx, sys, w.b.id, domain.AirportDetails{ICAO: "LPPT", Name: "Humberto Delgado", Latitude: 38.77, Longitude: -9.13, Hub: true}); err != nil {
		t.Fatal(err)
	}
	keys := &domain.APIKeys{Runner: w.runner, IDs: domain.RandomIDs{}}
	for _, k := range []struct {
		pilot string
		key   *string
	}{{w.a.pilotID, &w.keyA}, {w.b.pilotID, &w.keyB}} {
		created, _, err := keys.Create(ctx, sys, k.pilot, domain.CreateAPIKey{Name: "ACARS"})
		if err != nil {
			t.Fatal(err)
		}
		*k.key = created.Key
	}
	w.settle(t)
	return w
}

// phpvmsGet calls phpVMS's API as a client does: no cookies.
func (w *phpvmsWorld) get(t *testing.T, path string, header map[string]string) (*http.Response, map[string]any) {
	t.Helper()
	resp, body := get(t, w.URL+path, header)
	var doc map[string]any
	if err := json.Unmarshal([]byte(body), &doc); err != nil {
		t.Fatalf("GET %s: %d, not JSON: %v\n%.300s", path, resp.StatusCode, err, body)
	}
	return resp, doc
}

func xKey(key string) map[string]string { return map[string]string{"X-API-Key": key} }

// data is the data member of an answer, failing the test when there is none.
func data[T any](t *testing.T, what string, doc map[string]any) T {
	t.Helper()
	return phpvmstest.Data[T](t, what, doc)
}

// checkPhpvmsProblem asserts phpVMS's problem document and returns its
// error.message.
var checkPhpvmsProblem = phpvmstest.CheckProblem

// checkPhpvms401 asserts phpVMS's 401, which is not a problem document.
func checkPhpvms401(t *testing.T, what string, resp *http.Response, doc map[string]any, detail string) {
	t.Helper()
	e, _ := doc["error"].(map[string]any)
	if resp.StatusCode != http.StatusUnauthorized || e["code"] != "401" || e["http_code"] != "Unauthorized" ||
		e["message"] != "Invalid or missing API key ("+detail+")" || doc["type"] != nil {
		t.Errorf("%s: %d %v, want phpVMS's 401 saying %q", what, resp.StatusCode, doc, detail)
	}
}

func TestPhpvmsStatusAndKeys(t *testing.T) {
	for _, m := range []mode{embedded, postgres} {
		t.Run(string(m), func(t *testing.T) {
			w := newPhpvmsWorld(t, m)
			for _, path := range []string{"/api", "/api/status", "/api/version", "/a/" + w.slugA + "/api/status"} {
				resp, doc := w.get(t, path, nil)
				if resp.StatusCode != http.StatusOK || doc["name"] == nil || !strings.HasPrefix(doc["version"].(string), "7.0.10") || doc["data"] != nil {
					t.Errorf("GET %s: %d %v, want phpVMS's status without an envelope", path, resp.StatusCode, doc)
				}
			}

			// The pilot holds an award, which /api/user lists.
			awards := &domain.Awards{Runner: w.runner, IDs: domain.RandomIDs{}}
			award, _, err := awards.Define(context.Background(), domain.CommandMeta{Who: domain.System}, w.a.id, domain.AwardForm{Name: "Century Club",
				Description: "100 hours", Image: []byte(`<svg xmlns="http://www.w3.org/2000/svg"/>`)})
			if err != nil {
				t.Fatal(err)
			}
			if _, err := awards.GrantByHand(context.Background(), domain.CommandMeta{Who: domain.System}, w.a.id, w.a.pilotID, award, "Helped"); err != nil {
				t.Fatal(err)
			}
			w.settle(t)
			// The three ways clients send a key, each naming the key's pilot.
			pilotA := w.person(t, w.a.pilotID)
			for name, header := range map[string]map[string]string{
				"X-API-Key": xKey(w.keyA), "raw Authorization": {"Authorization": w.keyA}, "Bearer": bearer(w.keyA),
			} {
				for _, path := range []string{"/api/user", "/api/users/me"} {
					resp, doc := w.get(t, path, header)
					if resp.StatusCode != http.StatusOK {
						t.Fatalf("%s with %s: %d %v", path, name, resp.StatusCode, doc)
					}
					u := data[map[string]any](t, path, doc)
					if u["ident"] != pilotA.PilotID || u["pilot_id"] != float64(pilotA.PilotNumber) || u["id"] != float64(pilotA.PilotNumber) {
						t.Errorf("%s with %s: %v, want %s (%d)", path, name, u, pilotA.PilotID, pilotA.PilotNumber)
					}
					if u["flights"] != float64(1) || u["flight_time"] != float64(110) || u["curr_airport"] != "KJFK" {
						t.Errorf("%s: flights %v, flight_time %v, curr_airport %v; want the accepted PIREP's 1, 110 and KJFK", path, u["flights"], u["flight_time"], u["curr_airport"])
					}
					if aw, _ := u["awards"].([]any); len(aw) != 1 || aw[0].(map[string]any)["name"] != "Century Club" ||
						aw[0].(map[string]any)["image_url"] != "/airlines/"+w.a.id+"/awards/"+award+"/image" {
						t.Errorf("%s: awards %v, want Century Club with its image", path, u["awards"])
					}
					for _, hidden := range []string{"email", "api_key", "password"} {
						if _, ok := u[hidden]; ok {
							t.Errorf("%s shows %s: %v", path, hidden, u)
						}
					}
					if al, _ := u["airline"].(map[string]any); al["icao"] != "QAA" {
						t.Errorf("%s: airline %v, want QAA", path, u["airline"])
					}
				}
			}

			// Refusals: phpVMS's 401 body, never a session's cookie.
			resp, doc := w.get(t, "/api/user", nil)
			checkPhpvms401(t, "no key", resp, doc, "X-API-KEY header missing")
			resp, doc = w.get(t, "/api/user", xKey("alb_nosuchkeynosuchkeynosuchkey0000"))
			checkPhpvms401(t, "an unknown key", resp, doc, "User not found with this key")
			resp, doc = w.get(t, "/a/"+w.slugA+"/api/user", xKey(w.keyB))
			checkPhpvms401(t, "B's key at A's address", resp, doc, "User not found with this key")
			pilot := &actor{name: "pilot", login: "pilot-0-qaa@example.com", role: domain.RolePilot, tenant: w.a.id}
			if _, err := w.users.ChangePassword(context.Background(), domain.CommandMeta{Who: domain.System}, w.a.pilotID, w.a.pilotOTP, memberPassword); err != nil {
				t.Fatal(err)
			}
			w.settle(t)
			w.session(t, pilot)
			r, body := getAs(t, pilot.client, w.URL+"/api/user", nil)
			if r.StatusCode != http.StatusUnauthorized || !strings.Contains(body, "X-API-KEY header missing") {
				t.Errorf("a logged-in browser's /api/user: %d %.200s, want 401: a cookie is no key", r.StatusCode, body)
			}
			if _, err := w.users.Suspend(context.Background(), domain.CommandMeta{Who: domain.System}, w.b.id, w.b.pilotID, "matrix"); err != nil {
				t.Fatal(err)
			}
			w.settle(t)
			resp, doc = w.get(t, "/api/user", xKey(w.keyB))
			checkPhpvms401(t, "a suspended pilot's key", resp, doc, "User is not ACTIVE, please contact an administrator")
		})
	}
}

func TestPhpvmsAirlinesAndAirports(t *testing.T) {
	for _, m := range []mode{embedded, postgres} {
		t.Run(string(m), func(t *testing.T) {
			w := newPhpvmsWorld(t, m)
			key := xKey(w.keyA)

			// A key's airline is the only one it sees.
			resp, doc := w.get(t, "/api/airlines", key)
			list := data[[]any](t, "airlines", doc)
			if resp.StatusCode != http.StatusOK || len(list) != 1 || list[0].(map[string]any)["icao"] != "QAA" {
				t.Fatalf("/api/airlines: %d %v, want A alone", resp.StatusCode, doc)
			}
			own := list[0].(map[string]any)
			number, ok := own["id"].(float64)
			if !ok || number != math.Trunc(number) || number < 1 {
				t.Fatalf("airline id %v, want phpVMS's integer", own["id"])
			}
			for _, k := range []string{"id", "icao", "iata", "name", "country", "logo"} {
				if _, ok := own[k]; !ok {
					t.Errorf("the airline has no %s: %v", k, own)
				}
			}
			_, theirs := w.get(t, "/api/airlines", xKey(w.keyB))
			bNumber := data[[]any](t, "B's airlines", theirs)[0].(map[string]any)["id"].(float64)
			resp, doc = w.get(t, "/api/airlines/"+jsonNumber(number), key)
			if resp.StatusCode != http.StatusOK || data[map[string]any](t, "airline", doc)["icao"] != "QAA" {
				t.Errorf("/api/airlines/%v: %d %v", number, resp.StatusCode, doc)
			}
			resp, doc = w.get(t, "/api/airlines/"+jsonNumber(bNumber), key)
			checkPhpvmsProblem(t, "another airline's id", resp, doc, http.StatusNotFound, "not-found")

			// Pages: data, links all null, meta with the next page's URL.
			resp, doc = w.get(t, "/api/airports?limit=2", key)
			page := data[[]any](t, "airports", doc)
			meta, _ := doc["meta"].(map[string]any)
			links, _ := doc["links"].(map[string]any)
			if resp.StatusCode != http.StatusOK || len(page) != 2 || page[0].(map[string]any)["icao"] != "EGLL" || page[1].(map[string]any)["id"] != "KJFK" {
				t.Fatalf("/api/airports?limit=2: %d %v, want EGLL and KJFK", resp.StatusCode, doc)
			}
			for _, k := range []string{"first", "last", "prev", "next"} {
				if v, ok := links[k]; !ok || v != nil {
					t.Errorf("links.%s = %v, want null", k, v)
				}
			}
			next, _ := meta["next_page"].(string)
			if meta["total"] != float64(3) || meta["per_page"] != float64(2) || meta["last_page"] != float64(2) || meta["current_page"] != float64(1) ||
				meta["prev_page"] != nil || !strings.Contains(next, "page=2") || !strings.Contains(next, "limit=2") {
				t.Errorf("meta %v, want total 3, per_page 2, last_page 2 and a next page keeping the limit", meta)
			}
			resp, doc = w.get(t, strings.TrimPrefix(next, w.URL), key)
			if p2 := data[[]any](t, "page 2", doc); len(p2) != 1 || p2[0].(map[string]any)["icao"] != "LFPG" {
				t.Errorf("page 2: %d %v, want LFPG", resp.StatusCode, doc)
			}
			for _, path := range []string{"/api/airports?page=x", "/api/airports?limit=0"} {
				resp, doc = w.get(t, path, key)
				checkPhpvmsProblem(t, path, resp, doc, http.StatusBadRequest, "validation-exception")
				if errs, _ := doc["errors"].(map[string]any); len(errs) != 1 {
					t.Errorf("%s: errors %v, want the field named", path, doc["errors"])
				}
			}

			// One airport, another airline's, the world reference, a distance.
			resp, doc = w.get(t, "/api/airports/egll", key)
			if ap := data[map[string]any](t, "EGLL", doc); resp.StatusCode != http.StatusOK || ap["id"] != "EGLL" || ap["name"] != "Heathrow" || ap["lat"] != 51.47 {
				t.Errorf("/api/airports/egll: %d %v", resp.StatusCode, doc)
			}
			resp, doc = w.get(t, "/api/airports/LPPT", key)
			checkPhpvmsProblem(t, "B's airport with A's key", resp, doc, http.StatusNotFound, "not-found")
			resp, doc = w.get(t, "/api/airports/LPPT/lookup", key)
			if ap := data[map[string]any](t, "lookup", doc); resp.StatusCode != http.StatusOK || ap["icao"] != "LPPT" || !strings.Contains(ap["name"].(string), "Lisbon") && !strings.Contains(ap["name"].(string), "Delgado") {
				t.Errorf("/api/airports/LPPT/lookup: %d %v, want the world reference's Lisbon", resp.StatusCode, doc)
			}
			resp, doc = w.get(t, "/api/airports/ZZZZ/lookup", key)
			checkPhpvmsProblem(t, "lookup of no airport", resp, doc, http.StatusNotFound, "not-found")
			_, doc = w.get(t, "/api/airports/EGLL/distance/KJFK", key)
			dist := data[map[string]any](t, "distance", doc)
			want := domain.GreatCircleNM(domain.Coordinates{Lat: 51.47, Lon: -0.46}, domain.Coordinates{Lat: 40.64, Lon: -73.78})
			units, _ := dist["distance"].(map[string]any)
			if dist["fromIcao"] != "EGLL" || dist["toIcao"] != "KJFK" || math.Abs(units["nmi"].(float64)-want) > 0.01 ||
				math.Abs(units["km"].(float64)-want*1.852) > 0.01 || math.Abs(units["m"].(float64)-want*1852) > 0.01 || units["mi"] == nil {
				t.Errorf("EGLL to KJFK: %v, want %.2f nmi in phpVMS's units object", dist, want)
			}
			resp, doc = w.get(t, "/api/airports/EGLL/distance/LPPT", key)
			checkPhpvmsProblem(t, "a distance to B's airport", resp, doc, http.StatusNotFound, "not-found")

			// Public routes: the airline by its address; none without one.
			resp, doc = w.get(t, "/a/"+w.slugB+"/api/airports/hubs", nil)
			if hubs := data[[]any](t, "B's hubs", doc); resp.StatusCode != http.StatusOK || len(hubs) != 1 || hubs[0].(map[string]any)["icao"] != "LPPT" {
				t.Errorf("B's hubs: %d %v, want LPPT alone", resp.StatusCode, doc)
			}
			resp, doc = w.get(t, "/a/"+w.slugA+"/api/airports/hubs", nil)
			if hubs := data[[]any](t, "A's hubs", doc); resp.StatusCode != http.StatusOK || len(hubs) != 0 {
				t.Errorf("A's hubs: %d %v, want none (B's LPPT is not A's)", resp.StatusCode, doc)
			}
			resp, doc = w.get(t, "/a/"+w.slugA+"/api/airports/search?search=kj", nil)
			found := data[[]any](t, "search", doc)
			if resp.StatusCode != http.StatusOK || len(found) != 1 || len(found[0].(map[string]any)) != 5 || found[0].(map[string]any)["id"] != "KJFK" {
				t.Errorf("A's search for kj: %d %v, want KJFK as {id, iata, icao, name, hub}", resp.StatusCode, doc)
			}
			_, doc = w.get(t, "/api/airports/search?search=LPPT", key)
			if found := data[[]any](t, "search with A's key", doc); len(found) != 0 {
				t.Errorf("A's key finds %v, want none of B's airports", found)
			}
			resp, doc = w.get(t, "/api/airports/hubs", nil)
			msg := checkPhpvmsProblem(t, "a public route with neither key nor address", resp, doc, http.StatusNotFound, "not-found")
			if !strings.Contains(msg, "/a/{slug}/api") {
				t.Errorf("it says %q, want it to name the airline's address", msg)
			}
			resp, doc = w.get(t, "/a/no-such-airline/api/airports/hubs", nil)
			checkPhpvmsProblem(t, "an unknown airline's address", resp, doc, http.StatusNotFound, "not-found")

			// Unknown routes are phpVMS's 404; Albatross's own API keeps its own.
			resp, doc = w.get(t, "/api/settings", key)
			checkPhpvmsProblem(t, "/api/settings (not routed in phpVMS 7)", resp, doc, http.StatusNotFound, "not-found")
			resp, doc = w.get(t, "/api/v1/nothing", bearer(w.keyA))
			if resp.StatusCode != http.StatusNotFound || doc["type"] != "about:blank" {
				t.Errorf("/api/v1/nothing: %d %v, want Albatross's own problem document", resp.StatusCode, doc)
			}
		})
	}
}

func TestPhpvmsUsersByNumber(t *testing.T) {
	w := newPhpvmsWorld(t, embedded)
	other := w.person(t, w.a.pilots[1])
	resp, doc := w.get(t, "/api/users/"+jsonNumber(float64(other.PilotNumber)), xKey(w.keyA))
	if u := data[map[string]any](t, "user", doc); resp.StatusCode != http.StatusOK || u["ident"] != other.PilotID {
		t.Errorf("/api/users/%d: %d %v, want %s", other.PilotNumber, resp.StatusCode, doc, other.PilotID)
	}
	for _, n := range []string{"9999", "0", "x"} {
		resp, doc = w.get(t, "/api/users/"+n, xKey(w.keyA))
		checkPhpvmsProblem(t, "/api/users/"+n, resp, doc, http.StatusNotFound, "user-not-found")
	}
}

// person reads a member as the read models hold them.
func (w *phpvmsWorld) person(t *testing.T, userID string) readmodel.User {
	t.Helper()
	u, err := w.rm.GetUser(context.Background(), uuid.MustParse(userID))
	if err != nil {
		t.Fatal(err)
	}
	return u
}

func jsonNumber(f float64) string { b, _ := json.Marshal(f); return string(b) }
