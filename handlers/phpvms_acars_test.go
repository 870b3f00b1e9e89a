package handlers_test

import (
	"bytes"
	"context"
	"encoding/json"
	"io"
	"log/slog"
	"net/http"
	"net/url"
	"strings"
	"testing"
	"time"

	"github.com/albatross-va/albatross/domain"
	"github.com/albatross-va/albatross/reactors"
	"github.com/albatross-va/albatross/store/reads"
)

// send calls phpVMS's API with a JSON body, as ACARS clients do.
func (w *phpvmsWorld) send(t *testing.T, method, path, key string, body any) (*http.Response, map[string]any) {
	t.Helper()
	var r io.Reader
	if body != nil {
		b, err := json.Marshal(body)
		if err != nil {
			t.Fatal(err)
		}
		r = bytes.NewReader(b)
	}
	req, _ := http.NewRequest(method, w.URL+path, r)
	req.Header.Set("X-API-Key", key)
	req.Header.Set("Content-Type", "application/json")
	req.Header.Set("Accept", "application/json")
	resp, err := http.DefaultClient.Do(req)
	if err != nil {
		t.Fatal(err)
	}
	defer resp.Body.Close()
	raw, _ := io.ReadAll(resp.Body)
	var doc map[string]any
	if err := json.Unmarshal(raw, &doc); err != nil {
		t.Fatalf("%s %s: %d, not JSON: %.300s", method, path, resp.StatusCode, raw)
	}
	return resp, doc
}

// airlineNumber is the key's airline's phpVMS id.
func (w *phpvmsWorld) airlineNumber(t *testing.T, key string) float64 {
	t.Helper()
	_, doc := w.get(t, "/api/airlines", xKey(key))
	return data[[]any](t, "airlines", doc)[0].(map[string]any)["id"].(float64)
}

// The scenarios of phpVMS's tests/AcarsTest.php, and the conversation of
// the spec's §11, in both modes.
func TestPhpvmsAcarsFlight(t *testing.T) {
	for _, m := range []mode{embedded, postgres} {
		t.Run(string(m), func(t *testing.T) {
			w := newPhpvmsWorld(t, m)
			key := w.keyA
			airline := w.airlineNumber(t, key)
			prefile := map[string]any{"airline_id": airline, "aircraft_id": 1, "flight_number": "6000", "dpt_airport_id": "EGLL",
				"arr_airport_id": "KJFK", "source_name": "AcarsTest", "planned_distance": 400, "level": 38000, "route": "DVR UL9 KONAN"}
			with := func(changes map[string]any) map[string]any {
				out := map[string]any{}
				for k, v := range prefile {
					out[k] = v
				}
				for k, v := range changes {
					out[k] = v
				}
				return out
			}

			// Prefile refusals: what is missing or wrong, named.
			resp, doc := w.send(t, http.MethodPost, "/api/pireps/prefile", key, map[string]any{})
			checkPhpvmsProblem(t, "an empty prefile", resp, doc, http.StatusBadRequest, "validation-exception")
			errs, _ := doc["errors"].(map[string]any)
			for _, f := range []string{"airline_id", "aircraft_id", "flight_number", "dpt_airport_id", "arr_airport_id", "source_name"} {
				if errs[f] == nil {
					t.Errorf("an empty prefile's errors do not name %s: %v", f, errs)
				}
			}
			resp, doc = w.send(t, http.MethodPost, "/api/pireps/prefile", key, with(map[string]any{"dpt_airport_id": "", "arr_airport_id": ""}))
			checkPhpvmsProblem(t, "blank airports", resp, doc, http.StatusBadRequest, "validation-exception")
			if errs, _ := doc["errors"].(map[string]any); errs["dpt_airport_id"] == nil || errs["arr_airport_id"] == nil {
				t.Errorf("blank airports: errors %v, want both named", doc["errors"])
			}
			resp, doc = w.send(t, http.MethodPost, "/api/pireps/prefile", key, with(map[string]any{"arr_airport_id": "LPPT"}))
			checkPhpvmsProblem(t, "an airport the airline does not have", resp, doc, http.StatusNotFound, "airport-not-found")
			resp, doc = w.send(t, http.MethodPost, "/api/pireps/prefile", key, with(map[string]any{"aircraft_id": 99}))
			checkPhpvmsProblem(t, "an unknown aircraft", resp, doc, http.StatusBadRequest, "validation-exception")
			resp, doc = w.send(t, http.MethodPost, "/api/pireps/prefile", key, with(map[string]any{"airline_id": airline + 1}))
			checkPhpvmsProblem(t, "another airline's id", resp, doc, http.StatusBadRequest, "validation-exception")

			// A prefile: in progress, INI, from ACARS, the units objects.
			resp, doc = w.send(t, http.MethodPost, "/api/pireps/prefile", key, prefile)
			p := data[map[string]any](t, "prefile", doc)
			id, _ := p["id"].(string)
			if resp.StatusCode != http.StatusOK || id == "" || p["state"] != float64(0) || p["status"] != "INI" || p["source"] != float64(1) ||
				p["source_name"] != "AcarsTest" || p["airline_id"] != airline || p["aircraft_id"] != float64(1) {
				t.Fatalf("prefile: %d %v", resp.StatusCode, doc)
			}
			want := map[string]any{"m": float64(740800), "km": 740.8, "mi": 460.31, "nmi": float64(400)}
			if pd, _ := p["planned_distance"].(map[string]any); !equalJSON(pd, want) {
				t.Errorf("planned_distance %v, want %v", p["planned_distance"], want)
			}
			if ap, _ := p["dpt_airport"].(map[string]any); ap["icao"] != "EGLL" {
				t.Errorf("dpt_airport %v", p["dpt_airport"])
			}
			// The same prefile again is the same PIREP; another flight on
			// the flying aircraft is refused.
			_, doc = w.send(t, http.MethodPost, "/api/pireps/prefile", key, prefile)
			if again := data[map[string]any](t, "prefile again", doc)["id"]; again != id {
				t.Errorf("the same prefile again: %v, want %s", again, id)
			}
			resp, doc = w.send(t, http.MethodPost, "/api/pireps/prefile", key, with(map[string]any{"flight_number": "6001"}))
			checkPhpvmsProblem(t, "a second flight on the aircraft", resp, doc, http.StatusBadRequest, "aircraft-not-available")

			// Updates move the phase; a field may be left out, not sent empty.
			for _, path := range []string{"/api/pireps/" + id + "/update", "/api/pireps/" + id} {
				resp, doc = w.send(t, http.MethodPost, path, key, map[string]any{"status": "TXI", "fuel_used": 1200.4, "flight_time": 5})
				if u := data[map[string]any](t, "update", doc); resp.StatusCode != http.StatusOK || u["status"] != "TXI" || u["flight_time"] != float64(5) {
					t.Errorf("POST %s: %d %v", path, resp.StatusCode, doc)
				}
			}
			resp, doc = w.send(t, http.MethodPatch, "/api/pireps/"+id, key, map[string]any{"status": "ENR"})
			if resp.StatusCode != http.StatusOK || data[map[string]any](t, "patch", doc)["status"] != "ENR" {
				t.Errorf("PATCH: %d %v", resp.StatusCode, doc)
			}
			resp, doc = w.send(t, http.MethodPut, "/api/pireps/"+id, key, map[string]any{"dpt_airport_id": ""})
			checkPhpvmsProblem(t, "an update with an empty departure", resp, doc, http.StatusBadRequest, "validation-exception")
			resp, doc = w.send(t, http.MethodPost, "/api/pireps/"+id+"/update", w.keyB, map[string]any{"status": "ENR"})
			checkPhpvmsProblem(t, "another airline's key", resp, doc, http.StatusNotFound, "pirep-not-found")

			// Positions: counted, a re-post of the same ids adds none.
			positions := map[string]any{"positions": []any{
				map[string]any{"id": "pos-1", "lat": 51.47, "lon": -0.46, "altitude": 1500, "heading": 270, "gs": 180, "sim_time": "2026-12-03T10:00:00Z"},
				map[string]any{"id": "pos-2", "lat": "51.55", "lon": "-0.9", "altitude_msl": 5000, "altitude_agl": 4800, "heading": 275, "gs": 250},
			}}
			resp, doc = w.send(t, http.MethodPost, "/api/pireps/"+id+"/acars/position", key, positions)
			if resp.StatusCode != http.StatusOK || doc["count"] != float64(2) || doc["message"] != "2 positions added" {
				t.Fatalf("two positions: %d %v", resp.StatusCode, doc)
			}
			resp, doc = w.send(t, http.MethodPost, "/api/pireps/"+id+"/acars/positions", key, positions)
			if resp.StatusCode != http.StatusOK || doc["count"] != float64(0) {
				t.Errorf("the same positions again: %d %v, want 0 added", resp.StatusCode, doc)
			}
			resp, doc = w.send(t, http.MethodPost, "/api/pireps/"+id+"/acars/position", key, map[string]any{})
			checkPhpvmsProblem(t, "no positions", resp, doc, http.StatusBadRequest, "validation-exception")
			resp, doc = w.send(t, http.MethodPost, "/api/pireps/"+id+"/acars/position", key, map[string]any{"positions": []any{map[string]any{"lat": 100, "lon": 1}}})
			checkPhpvmsProblem(t, "a latitude of 100", resp, doc, http.StatusBadRequest, "validation-exception")
			resp, doc = w.send(t, http.MethodPost, "/api/pireps/no-such-pirep/acars/position", key, positions)
			checkPhpvmsProblem(t, "an unknown PIREP", resp, doc, http.StatusNotFound, "pirep-not-found")
			_, doc = w.get(t, "/api/pireps/"+id+"/acars/position", xKey(key))
			track := data[[]any](t, "track", doc)
			if len(track) != 2 || track[0].(map[string]any)["id"] != "pos-1" || track[1].(map[string]any)["altitude_agl"] != float64(4800) ||
				track[0].(map[string]any)["altitude_agl"] != float64(1500) {
				t.Errorf("the track: %v", track)
			}

			// The live list: the flight with its position, in its airline only.
			resp, doc = w.get(t, "/a/"+w.slugA+"/api/acars", nil)
			live := data[[]any](t, "live flights", doc)
			if resp.StatusCode != http.StatusOK || len(live) != 1 || live[0].(map[string]any)["id"] != id {
				t.Fatalf("A's live flights: %d %v", resp.StatusCode, doc)
			}
			if pos, _ := live[0].(map[string]any)["position"].(map[string]any); pos["lat"] != 51.55 || pos["heading"] != float64(275) {
				t.Errorf("the live flight's position %v, want the last one", live[0].(map[string]any)["position"])
			}
			if _, doc = w.get(t, "/a/"+w.slugB+"/api/acars", nil); len(data[[]any](t, "B's live flights", doc)) != 0 {
				t.Errorf("B's live flights show A's: %v", doc)
			}

			// GeoJSON for maps: a point per live flight; a flight's path.
			_, doc = w.get(t, "/a/"+w.slugA+"/api/acars/geojson", nil)
			fc := data[map[string]any](t, "live geojson", doc)
			features, _ := fc["features"].([]any)
			if fc["type"] != "FeatureCollection" || len(features) != 1 {
				t.Fatalf("live geojson: %v", doc)
			}
			geom := features[0].(map[string]any)["geometry"].(map[string]any)
			if c := geom["coordinates"].([]any); geom["type"] != "Point" || c[0] != -0.9 || c[1] != 51.55 || c[2] != float64(5000) {
				t.Errorf("the live point %v, want [lon, lat, alt] of the last position", geom)
			}
			_, doc = w.get(t, "/a/"+w.slugA+"/api/pireps/"+id+"/acars/geojson", nil)
			g := data[map[string]any](t, "flight geojson", doc)
			lines, _ := g["line"].(map[string]any)["features"].([]any)
			points, _ := g["points"].(map[string]any)["features"].([]any)
			if len(lines) != 1 || len(points) != 2 || g["airports"].(map[string]any)["d"].(map[string]any)["icao"] != "EGLL" ||
				g["position"].(map[string]any)["lat"] != 51.55 {
				t.Errorf("the flight's geojson: %v", g)
			}

			// A pilot's PIREPs, and the one in progress by its state.
			_, doc = w.get(t, "/api/user/pireps?state=0", xKey(key))
			if list := data[[]any](t, "in progress", doc); len(list) != 1 || list[0].(map[string]any)["id"] != id {
				t.Errorf("/api/user/pireps?state=0: %v, want the flight in progress", doc)
			}
			_, doc = w.get(t, "/api/pireps", xKey(key))
			if meta, _ := doc["meta"].(map[string]any); meta["total"] != float64(3) {
				t.Errorf("/api/pireps: meta %v, want the seed's two PIREPs and the flight", doc["meta"])
			}
			resp, doc = w.get(t, "/api/user/pireps?state=9", xKey(key))
			checkPhpvmsProblem(t, "state 9", resp, doc, http.StatusBadRequest, "validation-exception")

			// Comments: 201, and the same thread as the PIREP's page.
			resp, doc = w.send(t, http.MethodPost, "/api/pireps/"+id+"/comments", key, map[string]any{"comment": "Holding over OCK"})
			if cm := data[map[string]any](t, "comment", doc); resp.StatusCode != http.StatusCreated || cm["comment"] != "Holding over OCK" ||
				cm["user"].(map[string]any)["ident"] == nil {
				t.Errorf("a comment: %d %v, want 201 with the comment", resp.StatusCode, doc)
			}
			resp, doc = w.send(t, http.MethodPost, "/api/pireps/"+id+"/comments", key, map[string]any{})
			checkPhpvmsProblem(t, "an empty comment", resp, doc, http.StatusBadRequest, "validation-exception")
			_, doc = w.get(t, "/api/pireps/"+id+"/comments", xKey(key))
			if list := data[[]any](t, "comments", doc); len(list) != 1 {
				t.Errorf("the comments: %v", doc)
			}

			// Logs and events, counted, a re-post of an id adding none.
			resp, doc = w.send(t, http.MethodPost, "/api/pireps/"+id+"/acars/logs", key, map[string]any{"logs": []any{
				map[string]any{"id": "l1", "log": "Pushback"}, map[string]any{"log": "Engines started", "lat": 51.47, "lon": -0.46}}})
			if resp.StatusCode != http.StatusOK || doc["count"] != float64(2) || doc["message"] != "2 logs added" {
				t.Errorf("two logs: %d %v", resp.StatusCode, doc)
			}
			resp, doc = w.send(t, http.MethodPost, "/api/pireps/"+id+"/acars/events", key, map[string]any{"events": []any{
				map[string]any{"id": "l1", "event": "again"}, map[string]any{"event": "Takeoff"}}})
			if resp.StatusCode != http.StatusOK || doc["count"] != float64(1) {
				t.Errorf("events with a known id: %d %v, want 1 added", resp.StatusCode, doc)
			}
			resp, doc = w.send(t, http.MethodPost, "/api/pireps/"+id+"/acars/logs", key, map[string]any{"logs": []any{map[string]any{"log": ""}}})
			checkPhpvmsProblem(t, "an empty log", resp, doc, http.StatusBadRequest, "validation-exception")

			// The route: replaced, read back by order, deleted.
			resp, doc = w.send(t, http.MethodPost, "/api/pireps/"+id+"/route", key, map[string]any{"route": []any{
				map[string]any{"name": "KONAN", "order": 2, "nav_type": 5, "lat": 51.1, "lon": 2.26},
				map[string]any{"name": "DVR", "order": 1, "nav_type": 2, "lat": 51.16, "lon": 1.36}}})
			if resp.StatusCode != http.StatusOK || doc["count"] != float64(2) || doc["message"] != "2 points added" {
				t.Errorf("a route: %d %v", resp.StatusCode, doc)
			}
			_, doc = w.get(t, "/api/pireps/"+id+"/route", xKey(key))
			if pts := data[[]any](t, "route", doc); len(pts) != 2 || pts[0].(map[string]any)["name"] != "DVR" || pts[1].(map[string]any)["type"] != float64(1) {
				t.Errorf("the route: %v, want DVR then KONAN", pts)
			}
			resp, doc = w.send(t, http.MethodPost, "/api/pireps/"+id+"/route", key, map[string]any{"route": []any{map[string]any{"name": "X"}}})
			checkPhpvmsProblem(t, "a route point without order and position", resp, doc, http.StatusBadRequest, "validation-exception")
			if resp, doc = w.send(t, http.MethodDelete, "/api/pireps/"+id+"/route", key, nil); doc["message"] != "Route deleted" {
				t.Errorf("delete the route: %d %v", resp.StatusCode, doc)
			}
			if _, doc = w.get(t, "/api/pireps/"+id+"/route", xKey(key)); len(data[[]any](t, "route after delete", doc)) != 0 {
				t.Errorf("the route after delete: %v", doc)
			}

			// Fields: upserted, echoed back whole as an object.
			w.send(t, http.MethodPost, "/api/pireps/"+id+"/fields", key, map[string]any{"fields": map[string]any{"Departure Gate": "4", "Cost Index": 35}})
			resp, doc = w.send(t, http.MethodPost, "/api/pireps/"+id+"/fields", key, map[string]any{"fields": map[string]any{"Departure Gate": "5"}})
			if got := data[map[string]any](t, "fields", doc); resp.StatusCode != http.StatusOK || got["Departure Gate"] != "5" || got["Cost Index"] != "35" || len(got) != 2 {
				t.Errorf("fields: %d %v", resp.StatusCode, doc)
			}
			if _, doc = w.get(t, "/api/pireps/"+id+"/fields", xKey(key)); data[map[string]any](t, "fields read", doc)["Departure Gate"] != "5" {
				t.Errorf("GET fields: %v", doc)
			}
			resp, doc = w.send(t, http.MethodPost, "/api/pireps/"+id+"/fields", key, map[string]any{"fields": []any{}})
			checkPhpvmsProblem(t, "fields as a list", resp, doc, http.StatusBadRequest, "validation-exception")

			// Filing: integer minutes; then pending, ARR, filed once.
			resp, doc = w.send(t, http.MethodPost, "/api/pireps/"+id+"/file", key, map[string]any{"flight_time": "1:30", "distance": 400})
			checkPhpvmsProblem(t, "a flight time of 1:30", resp, doc, http.StatusBadRequest, "validation-exception")
			if errs, _ := doc["errors"].(map[string]any); errs["flight_time"] == nil {
				t.Errorf("1:30: errors %v, want flight_time named", doc["errors"])
			}
			resp, doc = w.send(t, http.MethodPost, "/api/pireps/"+id+"/file", key, map[string]any{"distance": 400})
			checkPhpvmsProblem(t, "a filing without a flight time", resp, doc, http.StatusBadRequest, "validation-exception")
			resp, doc = w.send(t, http.MethodPost, "/api/pireps/"+id+"/file", key,
				map[string]any{"flight_time": 1, "distance": 401, "fuel_used": 5000, "landing_rate": -212})
			f := data[map[string]any](t, "file", doc)
			if resp.StatusCode != http.StatusOK || f["state"] != float64(1) || f["status"] != "ARR" || f["landing_rate"] != float64(-212) || f["submitted_at"] == nil {
				t.Fatalf("file: %d %v", resp.StatusCode, doc)
			}
			resp, doc = w.send(t, http.MethodPost, "/api/pireps/"+id+"/file", key, map[string]any{"flight_time": 1, "distance": 401})
			if msg := checkPhpvmsProblem(t, "filing again", resp, doc, http.StatusBadRequest, "pirep-error"); msg != "PIREP has already been submitted" {
				t.Errorf("filing again says %q", msg)
			}
			resp, doc = w.get(t, "/api/pireps/"+id, nil)
			checkPhpvmsProblem(t, "a PIREP with neither key nor address", resp, doc, http.StatusNotFound, "not-found")
			if _, doc = w.get(t, "/a/"+w.slugA+"/api/pireps/"+id, nil); data[map[string]any](t, "public PIREP", doc)["state"] != float64(1) {
				t.Errorf("the public PIREP: %v", doc)
			}
			if _, doc = w.get(t, "/a/"+w.slugA+"/api/acars", nil); len(data[[]any](t, "live after filing", doc)) != 0 {
				t.Errorf("a filed flight is still live: %v", doc)
			}

			// A cancelled flight takes no more reports; the aircraft is free.
			_, doc = w.send(t, http.MethodPost, "/api/pireps/prefile", key, with(map[string]any{"flight_number": "6002"}))
			second := data[map[string]any](t, "second prefile", doc)["id"].(string)
			resp, doc = w.send(t, http.MethodDelete, "/api/pireps/"+second+"/cancel", key, nil)
			if resp.StatusCode != http.StatusOK || doc["message"] != "PIREP "+second+" cancelled" {
				t.Fatalf("cancel: %d %v", resp.StatusCode, doc)
			}
			resp, doc = w.send(t, http.MethodPost, "/api/pireps/"+second+"/update", key, map[string]any{"status": "ENR"})
			checkPhpvmsProblem(t, "an update after the cancel", resp, doc, http.StatusBadRequest, "pirep-cancelled")
			resp, doc = w.send(t, http.MethodPost, "/api/pireps/"+second+"/acars/position", key, positions)
			checkPhpvmsProblem(t, "positions after the cancel", resp, doc, http.StatusBadRequest, "pirep-cancelled")
			resp, doc = w.send(t, http.MethodPut, "/api/pireps/"+second+"/cancel", key, nil)
			checkPhpvmsProblem(t, "cancelling again", resp, doc, http.StatusBadRequest, "pirep-cancel-not-allowed")
			if _, doc = w.get(t, "/a/"+w.slugA+"/api/pireps/"+second, nil); data[map[string]any](t, "cancelled", doc)["state"] != float64(3) ||
				data[map[string]any](t, "cancelled", doc)["status"] != "DX" {
				t.Errorf("the cancelled PIREP: %v", doc)
			}
		})
	}
}

// equalJSON compares two decoded JSON objects.
func equalJSON(a, b map[string]any) bool {
	x, _ := json.Marshal(a)
	y, _ := json.Marshal(b)
	return bytes.Equal(x, y)
}

// A flight whose client went silent is cancelled by the system's sweep,
// after the time its airline sets, with a reason its pilot reads; one
// that reports is left flying.
func TestAbandonedFlightsAreCancelled(t *testing.T) {
	for _, m := range []mode{embedded, postgres} {
		t.Run(string(m), func(t *testing.T) {
			w := newPhpvmsWorld(t, m)
			prefile := func(key, number string) string {
				t.Helper()
				_, doc := w.send(t, http.MethodPost, "/api/pireps/prefile", key, map[string]any{"airline_id": w.airlineNumber(t, key),
					"aircraft_id": 1, "flight_number": number, "dpt_airport_id": "EGLL", "arr_airport_id": "LFPG", "source_name": "test"})
				return data[map[string]any](t, "prefile", doc)["id"].(string)
			}
			inA, inB := prefile(w.keyA, "7000"), prefile(w.keyB, "7001")
			// B lets its flights go silent for 4 hours.
			admin := domain.CommandMeta{Who: domain.Actor{UserID: w.b.adminID, Role: domain.RoleAirlineAdmin, TenantID: w.b.id}}
			if _, err := w.app.airlines.SetPirepRules(context.Background(), admin, w.b.id, domain.PirepRules{AbandonAfterMinutes: 240}); err != nil {
				t.Fatal(err)
			}
			rm := reads.New(w.rm)
			sweep := func(later time.Duration) int {
				t.Helper()
				w.settle(t)
				at := time.Now().Add(later)
				n, err := (&reactors.AbandonedFlights{Reads: rm, Pireps: w.pireps, Now: func() time.Time { return at }, Log: slog.Default()}).Sweep(context.Background())
				if err != nil {
					t.Fatal(err)
				}
				w.settle(t)
				return n
			}
			state := func(slug, id string) (any, any) {
				t.Helper()
				_, doc := w.get(t, "/a/"+slug+"/api/pireps/"+id, nil)
				p := data[map[string]any](t, "PIREP", doc)
				return p["state"], p["status"]
			}
			if n := sweep(time.Hour); n != 0 {
				t.Fatalf("a sweep an hour on cancelled %d flights", n)
			}
			if n := sweep(3 * time.Hour); n != 1 {
				t.Fatalf("a sweep 3 hours on cancelled %d flights, want A's (B allows 4)", n)
			}
			if st, ph := state(w.slugA, inA); st != float64(3) || ph != "DX" {
				t.Errorf("A's silent flight after the sweep: state %v status %v, want 3 and DX", st, ph)
			}
			if st, _ := state(w.slugB, inB); st != float64(0) {
				t.Errorf("B's flight after 3 hours: state %v, want still in progress", st)
			}
			p, err := rm.FindPirep(context.Background(), w.a.id, inA)
			if err != nil || p.RejectReason != "Cancelled by the system: the ACARS client sent nothing for 2 hours." {
				t.Errorf("the reason the pilot reads: %q, %v", p.RejectReason, err)
			}
			if n := sweep(5 * time.Hour); n != 1 {
				t.Errorf("a sweep 5 hours on cancelled %d, want B's", n)
			}
			if n := sweep(6 * time.Hour); n != 0 {
				t.Errorf("a sweep after both cancelled %d more", n)
			}
		})
	}
}

// A pilot whose rank auto-accepts ACARS PIREPs has their filed flight
// accepted at once, as phpVMS's auto_approve_acars does, and the rank
// page says so.
func TestPhpvmsFilingWithAnAutoAcceptingRank(t *testing.T) {
	w := newPhpvmsWorld(t, embedded)
	ctx := context.Background()
	staff := domain.CommandMeta{Who: domain.Actor{UserID: w.a.adminID, Role: domain.RoleAirlineAdmin, TenantID: w.a.id}}
	rank, _, err := w.ranks.Save(ctx, staff, w.a.id, "", domain.RankForm{Name: "Line Captain", MinHours: "0", AutoAcceptACARS: true})
	if err != nil {
		t.Fatal(err)
	}
	if _, err := w.ranks.SetByHand(ctx, staff, w.a.id, w.a.pilotID, rank); err != nil {
		t.Fatal(err)
	}
	w.settle(t)
	_, doc := w.send(t, http.MethodPost, "/api/pireps/prefile", w.keyA, map[string]any{"airline_id": w.airlineNumber(t, w.keyA),
		"aircraft_id": 2, "flight_number": "8000", "dpt_airport_id": "EGLL", "arr_airport_id": "LFPG", "source_name": "test"})
	id := data[map[string]any](t, "prefile", doc)["id"].(string)
	resp, doc := w.send(t, http.MethodPost, "/api/pireps/"+id+"/file", w.keyA, map[string]any{"flight_time": 55, "distance": 190})
	if p := data[map[string]any](t, "file", doc); resp.StatusCode != http.StatusOK || p["state"] != float64(2) {
		t.Errorf("filed by an auto-accepting rank's pilot: %d state %v, want 2 (accepted)", resp.StatusCode, p["state"])
	}
	admin := &actor{name: "admin", login: "admin-qaa@example.com", role: domain.RoleAirlineAdmin, tenant: w.a.id}
	if _, err := w.users.ChangePassword(ctx, domain.CommandMeta{Who: domain.System}, w.a.adminID, w.a.adminOTP, memberPassword); err != nil {
		t.Fatal(err)
	}
	w.settle(t)
	w.session(t, admin)
	_, body := getAs(t, admin.client, w.URL+"/airlines/"+w.a.id+"/ranks", nil)
	if !strings.Contains(body, `data-testid="rank-auto-accept-acars">Yes`) || !strings.Contains(body, `name="auto_accept_acars"`) {
		t.Errorf("the rank page does not show the ACARS auto-accept: %.2000s", body)
	}
}

// Staff see a flight in progress in the airline's PIREP list, with its
// phase, and may cancel it there.
func TestStaffSeeAndCancelAFlightInProgress(t *testing.T) {
	w := newPhpvmsWorld(t, embedded)
	_, doc := w.send(t, http.MethodPost, "/api/pireps/prefile", w.keyA, map[string]any{"airline_id": w.airlineNumber(t, w.keyA),
		"aircraft_id": 1, "flight_number": "9000", "dpt_airport_id": "EGLL", "arr_airport_id": "KJFK", "source_name": "test"})
	id := data[map[string]any](t, "prefile", doc)["id"].(string)
	w.send(t, http.MethodPost, "/api/pireps/"+id+"/update", w.keyA, map[string]any{"status": "ENR"})
	ctx := context.Background()
	if _, err := w.users.ChangePassword(ctx, domain.CommandMeta{Who: domain.System}, w.a.adminID, w.a.adminOTP, memberPassword); err != nil {
		t.Fatal(err)
	}
	w.settle(t)
	staff := &actor{name: "admin", login: "admin-qaa@example.com", role: domain.RoleAirlineAdmin, tenant: w.a.id}
	w.session(t, staff)
	_, body := getAs(t, staff.client, w.URL+"/airlines/"+w.a.id+"/pireps/all?state=in_progress", nil)
	if !strings.Contains(body, "In progress · Enroute") || !strings.Contains(body, "QAA9000") {
		t.Errorf("the staff's list of flights in progress does not show QAA9000 enroute: %.3000s", body)
	}
	resp, _ := w.sendForm(t, staff, "/airlines/"+w.a.id+"/pireps/"+id+"/cancel", url.Values{})
	if resp.StatusCode != http.StatusSeeOther {
		t.Fatalf("staff cancel the flight: %d", resp.StatusCode)
	}
	_, doc = w.get(t, "/a/"+w.slugA+"/api/pireps/"+id, nil)
	if p := data[map[string]any](t, "cancelled", doc); p["state"] != float64(3) {
		t.Errorf("after the staff's cancel: state %v", p["state"])
	}
}

// The routes for what Albatross does otherwise answer as a phpVMS without
// that data: no news, no cron to call, a route of the airports it names,
// no briefing.
func TestPhpvmsRoutesWithoutTheirData(t *testing.T) {
	w := newPhpvmsWorld(t, embedded)
	resp, doc := w.get(t, "/a/"+w.slugA+"/api/news", nil)
	if meta, _ := doc["meta"].(map[string]any); resp.StatusCode != http.StatusOK || len(data[[]any](t, "news", doc)) != 0 || meta["total"] != float64(0) {
		t.Errorf("/api/news: %d %v", resp.StatusCode, doc)
	}
	resp, doc = w.get(t, "/api/cron/anything", nil)
	checkPhpvmsProblem(t, "/api/cron", resp, doc, http.StatusBadRequest, "cron-invalid")
	_, doc = w.get(t, "/api/flights", xKey(w.keyA))
	flight := data[[]any](t, "flights", doc)[0].(map[string]any)["id"].(string)
	resp, doc = w.get(t, "/api/flights/"+flight+"/route", xKey(w.keyA))
	if resp.StatusCode != http.StatusOK || doc["data"] == nil {
		t.Errorf("a flight's route: %d %v", resp.StatusCode, doc)
	}
	resp, doc = w.get(t, "/api/flights/"+flight+"/briefing", xKey(w.keyA))
	checkPhpvmsProblem(t, "a briefing", resp, doc, http.StatusNotFound, "not-found")
	resp, doc = w.get(t, "/api/flights/"+flight+"/route", xKey(w.keyB))
	checkPhpvmsProblem(t, "another airline's flight's route", resp, doc, http.StatusNotFound, "not-found")
}
