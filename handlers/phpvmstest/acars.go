package phpvmstest

import (
	"net/http"
	"testing"
)

// AcarsFlight runs the scenarios of phpVMS's tests/AcarsTest.php, and the
// conversation of the spec's §11, against s: prefile refusals naming what
// is wrong, a prefile with its units objects and its reuse, updates,
// positions counted and idempotent, the live list and maps, comments,
// logs, the route, fields echoed back, filing refusals and the filing,
// and a cancelled flight refusing more. The airline must have EGLL and
// KJFK and an active aircraft at EGLL, and no flight in progress; s.URL
// is the server's root.
func AcarsFlight(t *testing.T, s Site) {
	key := s.Key
	airline := s.AirlineNumber(t, key)
	aircraft := availableAircraft(t, s, key, "EGLL")
	// The pilot's PIREPs before the flight, which adds one.
	_, doc := s.Get(t, "/api/pireps", key)
	meta, _ := doc["meta"].(map[string]any)
	before, ok := meta["total"].(float64)
	if !ok {
		t.Fatalf("/api/pireps: no meta.total: %v", doc)
	}
	prefile := map[string]any{"airline_id": airline, "aircraft_id": aircraft, "flight_number": "6000", "dpt_airport_id": "EGLL",
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
	resp, doc := s.Send(t, http.MethodPost, "/api/pireps/prefile", key, map[string]any{})
	CheckProblem(t, "an empty prefile", resp, doc, http.StatusBadRequest, "validation-exception")
	errs, _ := doc["errors"].(map[string]any)
	for _, f := range []string{"airline_id", "aircraft_id", "flight_number", "dpt_airport_id", "arr_airport_id", "source_name"} {
		if errs[f] == nil {
			t.Errorf("an empty prefile's errors do not name %s: %v", f, errs)
		}
	}
	resp, doc = s.Send(t, http.MethodPost, "/api/pireps/prefile", key, with(map[string]any{"dpt_airport_id": "", "arr_airport_id": ""}))
	CheckProblem(t, "blank airports", resp, doc, http.StatusBadRequest, "validation-exception")
	if errs, _ := doc["errors"].(map[string]any); errs["dpt_airport_id"] == nil || errs["arr_airport_id"] == nil {
		t.Errorf("blank airports: errors %v, want both named", doc["errors"])
	}
	resp, doc = s.Send(t, http.MethodPost, "/api/pireps/prefile", key, with(map[string]any{"arr_airport_id": s.ForeignAirport}))
	CheckProblem(t, "an airport the airline does not have", resp, doc, http.StatusNotFound, "airport-not-found")
	resp, doc = s.Send(t, http.MethodPost, "/api/pireps/prefile", key, with(map[string]any{"aircraft_id": 99999}))
	CheckProblem(t, "an unknown aircraft", resp, doc, http.StatusBadRequest, "validation-exception")
	resp, doc = s.Send(t, http.MethodPost, "/api/pireps/prefile", key, with(map[string]any{"airline_id": s.AirlineNumber(t, s.OtherKey)}))
	CheckProblem(t, "another airline's id", resp, doc, http.StatusBadRequest, "validation-exception")

	// A prefile: in progress, INI, from ACARS, the units objects.
	resp, doc = s.Send(t, http.MethodPost, "/api/pireps/prefile", key, prefile)
	p := Data[map[string]any](t, "prefile", doc)
	id, _ := p["id"].(string)
	if resp.StatusCode != http.StatusOK || id == "" || p["state"] != float64(0) || p["status"] != "INI" || p["source"] != float64(1) ||
		p["source_name"] != "AcarsTest" || p["airline_id"] != airline || p["aircraft_id"] != aircraft {
		t.Fatalf("prefile: %d %v", resp.StatusCode, doc)
	}
	want := map[string]any{"m": float64(740800), "km": 740.8, "mi": 460.31, "nmi": float64(400)}
	if pd, _ := p["planned_distance"].(map[string]any); !EqualJSON(pd, want) {
		t.Errorf("planned_distance %v, want %v", p["planned_distance"], want)
	}
	if ap, _ := p["dpt_airport"].(map[string]any); ap["icao"] != "EGLL" {
		t.Errorf("dpt_airport %v", p["dpt_airport"])
	}
	// The same prefile again is the same PIREP; another flight on
	// the flying aircraft is refused.
	_, doc = s.Send(t, http.MethodPost, "/api/pireps/prefile", key, prefile)
	if again := Data[map[string]any](t, "prefile again", doc)["id"]; again != id {
		t.Errorf("the same prefile again: %v, want %s", again, id)
	}
	resp, doc = s.Send(t, http.MethodPost, "/api/pireps/prefile", key, with(map[string]any{"flight_number": "6001"}))
	CheckProblem(t, "a second flight on the aircraft", resp, doc, http.StatusBadRequest, "aircraft-not-available")

	// Updates move the phase; a field may be left out, not sent empty.
	for _, path := range []string{"/api/pireps/" + id + "/update", "/api/pireps/" + id} {
		resp, doc = s.Send(t, http.MethodPost, path, key, map[string]any{"status": "TXI", "fuel_used": 1200.4, "flight_time": 5})
		if u := Data[map[string]any](t, "update", doc); resp.StatusCode != http.StatusOK || u["status"] != "TXI" || u["flight_time"] != float64(5) {
			t.Errorf("POST %s: %d %v", path, resp.StatusCode, doc)
		}
	}
	resp, doc = s.Send(t, http.MethodPatch, "/api/pireps/"+id, key, map[string]any{"status": "ENR"})
	if resp.StatusCode != http.StatusOK || Data[map[string]any](t, "patch", doc)["status"] != "ENR" {
		t.Errorf("PATCH: %d %v", resp.StatusCode, doc)
	}
	resp, doc = s.Send(t, http.MethodPut, "/api/pireps/"+id, key, map[string]any{"dpt_airport_id": ""})
	CheckProblem(t, "an update with an empty departure", resp, doc, http.StatusBadRequest, "validation-exception")
	resp, doc = s.Send(t, http.MethodPost, "/api/pireps/"+id+"/update", s.OtherKey, map[string]any{"status": "ENR"})
	CheckProblem(t, "another airline's key", resp, doc, http.StatusNotFound, "pirep-not-found")

	// Positions: counted, a re-post of the same ids adds none.
	positions := map[string]any{"positions": []any{
		map[string]any{"id": "pos-1", "lat": 51.47, "lon": -0.46, "altitude": 1500, "heading": 270, "gs": 180, "sim_time": "2026-12-03T10:00:00Z"},
		map[string]any{"id": "pos-2", "lat": "51.55", "lon": "-0.9", "altitude_msl": 5000, "altitude_agl": 4800, "heading": 275, "gs": 250},
	}}
	resp, doc = s.Send(t, http.MethodPost, "/api/pireps/"+id+"/acars/position", key, positions)
	if resp.StatusCode != http.StatusOK || doc["count"] != float64(2) || doc["message"] != "2 positions added" {
		t.Fatalf("two positions: %d %v", resp.StatusCode, doc)
	}
	resp, doc = s.Send(t, http.MethodPost, "/api/pireps/"+id+"/acars/positions", key, positions)
	if resp.StatusCode != http.StatusOK || doc["count"] != float64(0) {
		t.Errorf("the same positions again: %d %v, want 0 added", resp.StatusCode, doc)
	}
	resp, doc = s.Send(t, http.MethodPost, "/api/pireps/"+id+"/acars/position", key, map[string]any{})
	CheckProblem(t, "no positions", resp, doc, http.StatusBadRequest, "validation-exception")
	resp, doc = s.Send(t, http.MethodPost, "/api/pireps/"+id+"/acars/position", key, map[string]any{"positions": []any{map[string]any{"lat": 100, "lon": 1}}})
	CheckProblem(t, "a latitude of 100", resp, doc, http.StatusBadRequest, "validation-exception")
	resp, doc = s.Send(t, http.MethodPost, "/api/pireps/no-such-pirep/acars/position", key, positions)
	CheckProblem(t, "an unknown PIREP", resp, doc, http.StatusNotFound, "pirep-not-found")
	_, doc = s.Get(t, "/api/pireps/"+id+"/acars/position", key)
	track := Data[[]any](t, "track", doc)
	if len(track) != 2 || track[0].(map[string]any)["id"] != "pos-1" || track[1].(map[string]any)["altitude_agl"] != float64(4800) ||
		track[0].(map[string]any)["altitude_agl"] != float64(1500) {
		t.Errorf("the track: %v", track)
	}

	// The live list: the flight with its position, in its airline only.
	resp, doc = s.Get(t, "/a/"+s.Slug+"/api/acars", "")
	live := Data[[]any](t, "live flights", doc)
	if resp.StatusCode != http.StatusOK || len(live) != 1 || live[0].(map[string]any)["id"] != id {
		t.Fatalf("A's live flights: %d %v", resp.StatusCode, doc)
	}
	if pos, _ := live[0].(map[string]any)["position"].(map[string]any); pos["lat"] != 51.55 || pos["heading"] != float64(275) {
		t.Errorf("the live flight's position %v, want the last one", live[0].(map[string]any)["position"])
	}
	if _, doc = s.Get(t, "/a/"+s.OtherSlug+"/api/acars", ""); len(Data[[]any](t, "B's live flights", doc)) != 0 {
		t.Errorf("B's live flights show A's: %v", doc)
	}

	// GeoJSON for maps: a point per live flight; a flight's path.
	_, doc = s.Get(t, "/a/"+s.Slug+"/api/acars/geojson", "")
	fc := Data[map[string]any](t, "live geojson", doc)
	features, _ := fc["features"].([]any)
	if fc["type"] != "FeatureCollection" || len(features) != 1 {
		t.Fatalf("live geojson: %v", doc)
	}
	geom := features[0].(map[string]any)["geometry"].(map[string]any)
	if c := geom["coordinates"].([]any); geom["type"] != "Point" || c[0] != -0.9 || c[1] != 51.55 || c[2] != float64(5000) {
		t.Errorf("the live point %v, want [lon, lat, alt] of the last position", geom)
	}
	_, doc = s.Get(t, "/a/"+s.Slug+"/api/pireps/"+id+"/acars/geojson", "")
	g := Data[map[string]any](t, "flight geojson", doc)
	lines, _ := g["line"].(map[string]any)["features"].([]any)
	points, _ := g["points"].(map[string]any)["features"].([]any)
	if len(lines) != 1 || len(points) != 2 || g["airports"].(map[string]any)["d"].(map[string]any)["icao"] != "EGLL" ||
		g["position"].(map[string]any)["lat"] != 51.55 {
		t.Errorf("the flight's geojson: %v", g)
	}

	// A pilot's PIREPs, and the one in progress by its state.
	_, doc = s.Get(t, "/api/user/pireps?state=0", key)
	if list := Data[[]any](t, "in progress", doc); len(list) != 1 || list[0].(map[string]any)["id"] != id {
		t.Errorf("/api/user/pireps?state=0: %v, want the flight in progress", doc)
	}
	_, doc = s.Get(t, "/api/pireps", key)
	if meta, _ := doc["meta"].(map[string]any); meta["total"] != before+1 {
		t.Errorf("/api/pireps: meta %v, want the %v PIREPs before and the flight", doc["meta"], before)
	}
	resp, doc = s.Get(t, "/api/user/pireps?state=9", key)
	CheckProblem(t, "state 9", resp, doc, http.StatusBadRequest, "validation-exception")

	// Comments: 201, and the same thread as the PIREP's page.
	resp, doc = s.Send(t, http.MethodPost, "/api/pireps/"+id+"/comments", key, map[string]any{"comment": "Holding over OCK"})
	if cm := Data[map[string]any](t, "comment", doc); resp.StatusCode != http.StatusCreated || cm["comment"] != "Holding over OCK" ||
		cm["user"].(map[string]any)["ident"] == nil {
		t.Errorf("a comment: %d %v, want 201 with the comment", resp.StatusCode, doc)
	}
	resp, doc = s.Send(t, http.MethodPost, "/api/pireps/"+id+"/comments", key, map[string]any{})
	CheckProblem(t, "an empty comment", resp, doc, http.StatusBadRequest, "validation-exception")
	_, doc = s.Get(t, "/api/pireps/"+id+"/comments", key)
	if list := Data[[]any](t, "comments", doc); len(list) != 1 {
		t.Errorf("the comments: %v", doc)
	}

	// Logs and events, counted, a re-post of an id adding none.
	resp, doc = s.Send(t, http.MethodPost, "/api/pireps/"+id+"/acars/logs", key, map[string]any{"logs": []any{
		map[string]any{"id": "l1", "log": "Pushback"}, map[string]any{"log": "Engines started", "lat": 51.47, "lon": -0.46}}})
	if resp.StatusCode != http.StatusOK || doc["count"] != float64(2) || doc["message"] != "2 logs added" {
		t.Errorf("two logs: %d %v", resp.StatusCode, doc)
	}
	resp, doc = s.Send(t, http.MethodPost, "/api/pireps/"+id+"/acars/events", key, map[string]any{"events": []any{
		map[string]any{"id": "l1", "event": "again"}, map[string]any{"event": "Takeoff"}}})
	if resp.StatusCode != http.StatusOK || doc["count"] != float64(1) {
		t.Errorf("events with a known id: %d %v, want 1 added", resp.StatusCode, doc)
	}
	resp, doc = s.Send(t, http.MethodPost, "/api/pireps/"+id+"/acars/logs", key, map[string]any{"logs": []any{map[string]any{"log": ""}}})
	CheckProblem(t, "an empty log", resp, doc, http.StatusBadRequest, "validation-exception")

	// The route: replaced, read back by order, deleted.
	resp, doc = s.Send(t, http.MethodPost, "/api/pireps/"+id+"/route", key, map[string]any{"route": []any{
		map[string]any{"name": "KONAN", "order": 2, "nav_type": 5, "lat": 51.1, "lon": 2.26},
		map[string]any{"name": "DVR", "order": 1, "nav_type": 2, "lat": 51.16, "lon": 1.36}}})
	if resp.StatusCode != http.StatusOK || doc["count"] != float64(2) || doc["message"] != "2 points added" {
		t.Errorf("a route: %d %v", resp.StatusCode, doc)
	}
	_, doc = s.Get(t, "/api/pireps/"+id+"/route", key)
	if pts := Data[[]any](t, "route", doc); len(pts) != 2 || pts[0].(map[string]any)["name"] != "DVR" || pts[1].(map[string]any)["type"] != float64(1) {
		t.Errorf("the route: %v, want DVR then KONAN", pts)
	}
	resp, doc = s.Send(t, http.MethodPost, "/api/pireps/"+id+"/route", key, map[string]any{"route": []any{map[string]any{"name": "X"}}})
	CheckProblem(t, "a route point without order and position", resp, doc, http.StatusBadRequest, "validation-exception")
	if resp, doc = s.Send(t, http.MethodDelete, "/api/pireps/"+id+"/route", key, nil); doc["message"] != "Route deleted" {
		t.Errorf("delete the route: %d %v", resp.StatusCode, doc)
	}
	if _, doc = s.Get(t, "/api/pireps/"+id+"/route", key); len(Data[[]any](t, "route after delete", doc)) != 0 {
		t.Errorf("the route after delete: %v", doc)
	}

	// Fields: upserted, echoed back whole as an object.
	s.Send(t, http.MethodPost, "/api/pireps/"+id+"/fields", key, map[string]any{"fields": map[string]any{"Departure Gate": "4", "Cost Index": 35}})
	resp, doc = s.Send(t, http.MethodPost, "/api/pireps/"+id+"/fields", key, map[string]any{"fields": map[string]any{"Departure Gate": "5"}})
	if got := Data[map[string]any](t, "fields", doc); resp.StatusCode != http.StatusOK || got["Departure Gate"] != "5" || got["Cost Index"] != "35" || len(got) != 2 {
		t.Errorf("fields: %d %v", resp.StatusCode, doc)
	}
	if _, doc = s.Get(t, "/api/pireps/"+id+"/fields", key); Data[map[string]any](t, "fields read", doc)["Departure Gate"] != "5" {
		t.Errorf("GET fields: %v", doc)
	}
	resp, doc = s.Send(t, http.MethodPost, "/api/pireps/"+id+"/fields", key, map[string]any{"fields": []any{}})
	CheckProblem(t, "fields as a list", resp, doc, http.StatusBadRequest, "validation-exception")

	// Filing: integer minutes; then pending, ARR, filed once.
	resp, doc = s.Send(t, http.MethodPost, "/api/pireps/"+id+"/file", key, map[string]any{"flight_time": "1:30", "distance": 400})
	CheckProblem(t, "a flight time of 1:30", resp, doc, http.StatusBadRequest, "validation-exception")
	if errs, _ := doc["errors"].(map[string]any); errs["flight_time"] == nil {
		t.Errorf("1:30: errors %v, want flight_time named", doc["errors"])
	}
	resp, doc = s.Send(t, http.MethodPost, "/api/pireps/"+id+"/file", key, map[string]any{"distance": 400})
	CheckProblem(t, "a filing without a flight time", resp, doc, http.StatusBadRequest, "validation-exception")
	resp, doc = s.Send(t, http.MethodPost, "/api/pireps/"+id+"/file", key,
		map[string]any{"flight_time": 1, "distance": 401, "fuel_used": 5000, "landing_rate": -212})
	f := Data[map[string]any](t, "file", doc)
	if resp.StatusCode != http.StatusOK || f["state"] != float64(1) || f["status"] != "ARR" || f["landing_rate"] != float64(-212) || f["submitted_at"] == nil {
		t.Fatalf("file: %d %v", resp.StatusCode, doc)
	}
	resp, doc = s.Send(t, http.MethodPost, "/api/pireps/"+id+"/file", key, map[string]any{"flight_time": 1, "distance": 401})
	if msg := CheckProblem(t, "filing again", resp, doc, http.StatusBadRequest, "pirep-error"); msg != "PIREP has already been submitted" {
		t.Errorf("filing again says %q", msg)
	}
	resp, doc = s.Get(t, "/api/pireps/"+id, "")
	CheckProblem(t, "a PIREP with neither key nor address", resp, doc, http.StatusNotFound, "not-found")
	if _, doc = s.Get(t, "/a/"+s.Slug+"/api/pireps/"+id, ""); Data[map[string]any](t, "public PIREP", doc)["state"] != float64(1) {
		t.Errorf("the public PIREP: %v", doc)
	}
	if _, doc = s.Get(t, "/a/"+s.Slug+"/api/acars", ""); len(Data[[]any](t, "live after filing", doc)) != 0 {
		t.Errorf("a filed flight is still live: %v", doc)
	}

	// A cancelled flight takes no more reports; the aircraft is free.
	_, doc = s.Send(t, http.MethodPost, "/api/pireps/prefile", key, with(map[string]any{"flight_number": "6002"}))
	second := Data[map[string]any](t, "second prefile", doc)["id"].(string)
	resp, doc = s.Send(t, http.MethodDelete, "/api/pireps/"+second+"/cancel", key, nil)
	if resp.StatusCode != http.StatusOK || doc["message"] != "PIREP "+second+" cancelled" {
		t.Fatalf("cancel: %d %v", resp.StatusCode, doc)
	}
	resp, doc = s.Send(t, http.MethodPost, "/api/pireps/"+second+"/update", key, map[string]any{"status": "ENR"})
	CheckProblem(t, "an update after the cancel", resp, doc, http.StatusBadRequest, "pirep-cancelled")
	resp, doc = s.Send(t, http.MethodPost, "/api/pireps/"+second+"/acars/position", key, positions)
	CheckProblem(t, "positions after the cancel", resp, doc, http.StatusBadRequest, "pirep-cancelled")
	resp, doc = s.Send(t, http.MethodPut, "/api/pireps/"+second+"/cancel", key, nil)
	CheckProblem(t, "cancelling again", resp, doc, http.StatusBadRequest, "pirep-cancel-not-allowed")
	if _, doc = s.Get(t, "/a/"+s.Slug+"/api/pireps/"+second, ""); Data[map[string]any](t, "cancelled", doc)["state"] != float64(3) ||
		Data[map[string]any](t, "cancelled", doc)["status"] != "DX" {
		t.Errorf("the cancelled PIREP: %v", doc)
	}
}

// availableAircraft is the phpVMS id of the first active aircraft at the
// airport in the key's pilot's fleet, as a client picks one.
func availableAircraft(t *testing.T, s Site, key, airport string) float64 {
	t.Helper()
	_, doc := s.Get(t, "/api/user/fleet", key)
	for _, sf := range Data[[]any](t, "fleet", doc) {
		aircraft, _ := sf.(map[string]any)["aircraft"].([]any)
		for _, ac := range aircraft {
			a, _ := ac.(map[string]any)
			if id, ok := a["id"].(float64); ok && a["airport_id"] == airport && a["status"] == "A" {
				return id
			}
		}
	}
	t.Fatalf("/api/user/fleet offers no active aircraft at %s: %v", airport, doc)
	return 0
}
