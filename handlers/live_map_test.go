package handlers_test

import (
	"context"
	"math"
	"net/http"
	"strconv"
	"strings"
	"testing"
	"time"

	"github.com/PuerkitoBio/goquery"

	"github.com/albatross-va/albatross/domain"
	"github.com/albatross-va/albatross/views"
)

// mapCoord is where the maps draw a latitude and longitude: the
// equirectangular world 1000 units wide, to a tenth of a unit.
func mapCoord(lat, lon float64) string {
	f := func(v float64) string { return strconv.FormatFloat(math.Round(v*10)/10, 'f', -1, 64) }
	return f((lon+180)/360*1000) + " " + f((90-lat)/180*500)
}

// mercatorCoord is where a map with tiles draws a latitude and
// longitude: Web Mercator, the world 1000 units square, to a tenth of a
// unit.
func mercatorCoord(lat, lon float64) string {
	f := func(v float64) string { return strconv.FormatFloat(math.Round(v*10)/10, 'f', -1, 64) }
	phi := lat * math.Pi / 180
	return f((lon+180)/360*1000) + " " + f((1-math.Asinh(math.Tan(phi))/math.Pi)/2*1000)
}

// polylineLen is how many points an SVG polyline has.
func polylineLen(s *goquery.Selection) int { return len(strings.Fields(s.AttrOr("points", ""))) }

// prefiled is a flight an ACARS client flies for a pilot: prefiled, in a
// phase, with positions.
func prefiled(t *testing.T, w *matrixWorld, tn *tenant, pilot, number, aircraft, phase string, positions []domain.AircraftPosition) (string, domain.CommandMeta) {
	t.Helper()
	ctx := context.Background()
	who := domain.CommandMeta{ID: domain.NewUUID(), Who: domain.Actor{UserID: pilot, Role: domain.RolePilot, TenantID: tn.id}}
	id, _, err := w.pireps.Prefile(ctx, who, tn.id, domain.PirepDetails{FlightNumber: number, DptAirport: "EGLL", ArrAirport: "EGLL",
		AircraftID: aircraft, SourceName: "test ACARS"})
	if err != nil {
		t.Fatalf("prefile %s: %v", number, err)
	}
	who.ID = domain.NewUUID()
	if _, err := w.pireps.Report(ctx, who, tn.id, id, domain.FlightReport{Phase: phase}); err != nil {
		t.Fatalf("report %s: %v", number, err)
	}
	who.ID = domain.NewUUID()
	if _, _, err := w.pireps.AddPositions(ctx, who, tn.id, id, positions); err != nil {
		t.Fatalf("positions of %s: %v", number, err)
	}
	return id, who
}

// The live map lists an airline's flights in progress with their phase and
// position and draws each where it is, turned to its heading; another
// airline's flights are not on it. A position posted re-fetches the
// section over SSE with the aircraft moved; a filed flight leaves it.
// Selecting a flight draws its track; its PIREP's page draws the track and
// the profile, one point per position. The public page shows the map
// without tracks.
func TestTheLiveMapShowsTheAirlinesFlightsInProgress(t *testing.T) {
	for _, m := range []mode{embedded, postgres} {
		t.Run(string(m), func(t *testing.T) { checkLiveMap(t, newMatrixWorld(t, m)) })
	}
}

// westboundTrack is a flight out of Heathrow over Ireland, begun at t0:
// three positions, the last at 35,000 ft and 480 kt, 20 minutes on.
func westboundTrack(t0 time.Time) []domain.AircraftPosition {
	return []domain.AircraftPosition{
		{ID: "1", Lat: 51.47, Lon: -0.45, AltitudeMSL: 80, Heading: 270, GroundSpeed: 150, At: t0},
		{ID: "2", Lat: 51.9, Lon: -2.1, AltitudeMSL: 12000, Heading: 280, GroundSpeed: 320, At: t0.Add(5 * time.Minute)},
		{ID: "3", Lat: 52.5, Lon: -10.25, AltitudeMSL: 35000, Heading: 285, GroundSpeed: 480, At: t0.Add(20 * time.Minute)},
	}
}

func checkLiveMap(t *testing.T, w *matrixWorld) {
	ctx := context.Background()
	a, b := w.airlines["A"], w.airlines["B"]
	pilot := w.actors[1]
	w.session(t, pilot)
	t0 := time.Now().UTC().Add(-30 * time.Minute).Truncate(time.Second)
	track := westboundTrack(t0)
	flight, who := prefiled(t, w, a, a.pirepPilotID, "77", a.flown, "ENR", track)
	// Airline B flies too, over the same sky.
	other, _ := prefiled(t, w, b, b.pirepPilotID, "88", b.flown, "TXI",
		[]domain.AircraftPosition{{ID: "1", Lat: 40.64, Lon: -73.78, AltitudeMSL: 13, Heading: 40, GroundSpeed: 15, At: t0}})
	w.settle(t)

	base := "/airlines/" + a.id + "/live"
	resp, body := getAs(t, pilot.client, w.URL+base, nil)
	if resp.StatusCode != http.StatusOK {
		t.Fatalf("the live map: %d", resp.StatusCode)
	}
	d := doc(t, body)
	row := d.Find(`[data-testid="live-flight"][data-pirep="` + flight + `"]`)
	if row.Length() != 1 {
		t.Fatalf("the live map does not list the flight in progress: %.300s", d.Find(`#live-flights`).Text())
	}
	if got := strings.TrimSpace(row.Find(`[data-testid="select-flight"]`).Contents().First().Text()); got != a.icao+"77" {
		t.Errorf("the flight is listed as %q, want %s77", got, a.icao)
	}
	for testid, want := range map[string]string{"live-phase": "Enroute", "live-altitude": "35,000 ft", "live-speed": "480 kt", "live-pilot": "pilot-a@example.com"} {
		if got := strings.TrimSpace(row.Find(`[data-testid="` + testid + `"]`).Text()); got != want {
			t.Errorf("%s = %q, want %q", testid, got, want)
		}
	}
	if d.Find(`table[data-testid="live-flights"] caption`).Length() != 1 || d.Find(`svg[data-testid="live-map"][aria-hidden="true"]`).Length() != 1 {
		t.Errorf("the table has no caption, or the map is not hidden from screen readers behind it")
	}
	if d.Find(`svg[data-testid="live-map"] image[href="/static/world.svg"]`).Length() != 1 {
		t.Errorf("the map does not draw over the basemap")
	}
	if d.Find(`[data-testid="map-tile"], [data-testid="map-attribution"]`).Length() != 0 ||
		!strings.Contains(resp.Header.Get("Content-Security-Policy"), "img-src 'self' data:;") {
		t.Errorf("with no tile server set, the map draws tiles or credits one, or the CSP allows other images: %q", resp.Header.Get("Content-Security-Policy"))
	}
	symbol := d.Find(`svg[data-testid="live-map"] [data-testid="map-aircraft"][data-pirep="` + flight + `"]`)
	if want := "translate(" + mapCoord(52.5, -10.25) + ") rotate(285)"; symbol.AttrOr("transform", "") != want {
		t.Errorf("the aircraft is drawn at %q, want %q", symbol.AttrOr("transform", ""), want)
	}
	if label := text(d, "map-label"); !strings.Contains(label, a.icao+"77") || !strings.Contains(label, "pilot-a@example.com") {
		t.Errorf("the aircraft's label: %q", label)
	}
	if d.Find(`[data-pirep="`+other+`"]`).Length() != 0 || strings.Contains(body, b.icao+"88") {
		t.Errorf("airline B's flight is on airline A's live map")
	}
	section := d.Find(`section#live-flights`)
	if section.AttrOr("hx-get", "") != base+"/live" || !strings.Contains(section.AttrOr("hx-trigger", ""), "sse:live-flights") {
		t.Errorf("the section does not re-fetch its fragment on the live flights' topic: hx-get %q, trigger %q",
			section.AttrOr("hx-get", ""), section.AttrOr("hx-trigger", ""))
	}
	if section.AttrOr("hx-swap", "") != "innerHTML" {
		t.Errorf("the section is replaced (%q), so a position that arrives during a refresh would be lost", section.AttrOr("hx-swap", ""))
	}
	if d.Find(`[hx-trigger*="every"]`).Length() != 0 {
		t.Errorf("the live map polls")
	}
	if d.Find(`svg[data-testid="live-map"] [data-testid="track"]`).Length() != 0 {
		t.Errorf("a track is drawn with no flight selected")
	}

	// The fragment is the section alone.
	resp, frag := getAs(t, pilot.client, w.URL+base+"/live", map[string]string{"HX-Request": "true"})
	if fd := doc(t, frag); resp.StatusCode != http.StatusOK || strings.Contains(frag, "<html") || strings.Contains(frag, "sse-connect") ||
		fd.Find(`section#live-flights`).Length() != 0 || fd.Find(`svg[data-testid="live-map"]`).Length() != 1 || fd.Find(`[data-testid="live-flight"]`).Length() != 1 {
		t.Errorf("the fragment: %d, %.300s", resp.StatusCode, frag)
	}

	// Selected, the flight's track is drawn, one point per position, and
	// the section re-fetches with its selection.
	sel := row.Find(`[data-testid="select-flight"]`).AttrOr("href", "")
	_, body = getAs(t, pilot.client, w.URL+sel, nil)
	d = doc(t, body)
	if n := polylineLen(d.Find(`svg[data-testid="live-map"] [data-testid="track"]`)); n != len(track) {
		t.Errorf("the selected flight's track has %d points, want %d", n, len(track))
	}
	if d.Find(`[data-testid="select-flight"][aria-current="true"]`).Length() != 1 || d.Find(`[data-testid="clear-track"]`).Length() != 1 {
		t.Errorf("the selection is not marked, or cannot be put away")
	}
	if get := d.Find(`section#live-flights`).AttrOr("hx-get", ""); get != base+"/live?flight="+flight {
		t.Errorf("the selected map re-fetches %q", get)
	}

	// The PIREP's page: the track on a map, the profile with a point per
	// position, the figures in words, refreshed as it flies.
	_, body = getAs(t, pilot.client, w.URL+"/airlines/"+a.id+"/pireps/"+flight, nil)
	d = doc(t, body)
	if n := polylineLen(d.Find(`[data-testid="track-map"] [data-testid="track"]`)); n != len(track) {
		t.Errorf("the PIREP's track has %d points, want %d", n, len(track))
	}
	for _, line := range []string{"altitude-line", "speed-line"} {
		if n := polylineLen(d.Find(`[data-testid="profile-chart"] [data-testid="` + line + `"]`)); n != len(track) {
			t.Errorf("the profile's %s has %d points, want %d", line, n, len(track))
		}
	}
	if s := text(d, "track-summary"); !strings.Contains(s, "35,000 ft") || !strings.Contains(s, "480 kt") || !strings.Contains(s, "0:20") {
		t.Errorf("the track's summary: %q", s)
	}
	if h := text(d, "history-entry"); !strings.Contains(h, "Started in flight by test ACARS") {
		t.Errorf("the history begins %q, want the ACARS client's start", h)
	}
	if !strings.Contains(d.Find(`#pirep-detail`).AttrOr("hx-trigger", ""), "sse:live-flights") {
		t.Errorf("the page of a flight in progress does not refresh as it flies")
	}
	// A PIREP with no positions has no track.
	_, body = getAs(t, pilot.client, w.URL+"/airlines/"+a.id+"/pireps/"+a.pirep, nil)
	if doc(t, body).Find(`[data-testid="pirep-track"]`).Length() != 0 {
		t.Errorf("a manual PIREP shows a track")
	}

	// The public page shows the flight, without tracks or full names.
	_, body = getAs(t, newClient(), w.URL+"/a/"+a.slug, nil)
	d = doc(t, body)
	if d.Find(`[data-testid="public-live"] [data-testid="live-flight"][data-pirep="`+flight+`"]`).Length() != 1 ||
		d.Find(`[data-testid="public-live"] [data-testid="map-aircraft"][data-pirep="`+flight+`"]`).Length() != 1 {
		t.Errorf("the public page does not show the flight in progress")
	}
	if d.Find(`[data-testid="select-flight"]`).Length() != 0 || strings.Contains(body, b.icao+"88") {
		t.Errorf("the public page offers tracks, or shows another airline's flight")
	}
	if sec := d.Find(`section#public-live`); sec.AttrOr("hx-get", "") != "/a/"+a.slug+"/live" ||
		!strings.Contains(sec.AttrOr("hx-trigger", ""), "sse:live-flights") || d.Find(`[sse-connect="/a/`+a.slug+`/events"]`).Length() != 1 {
		t.Errorf("the public map does not re-fetch itself over the airline's public stream")
	}
	visitor := newClient()
	resp, frag = getAs(t, visitor, w.URL+"/a/"+a.slug+"/live", map[string]string{"HX-Request": "true"})
	if fd := doc(t, frag); resp.StatusCode != http.StatusOK || strings.Contains(frag, "<html") ||
		fd.Find(`section#public-live`).Length() != 0 || fd.Find(`[data-testid="live-flight"]`).Length() != 1 {
		t.Errorf("the public fragment: %d, %.300s", resp.StatusCode, frag)
	}
	// A visitor's stream hears of the airline's flights and of nothing else.
	public := eventStream(t, visitor, w.URL+"/a/"+a.slug+"/events")

	// Open, the page hears of a new position and its fragment shows the
	// aircraft moved; then of the filing, and the flight is gone.
	page := &openPage{name: "the live map", client: pilot.client, html: body, events: eventStream(t, pilot.client, w.URL+"/events")}
	_, page.html = getAs(t, pilot.client, w.URL+base, nil)
	// An airport added is news for the airline's members, not for visitors.
	if _, err := (&domain.Airports{Runner: w.runner}).Add(ctx, domain.CommandMeta{Who: domain.System}, a.id,
		domain.AirportDetails{ICAO: "LPPT", Name: "Lisbon", Latitude: 38.78, Longitude: -9.13}); err != nil {
		t.Fatal(err)
	}
	who.ID = domain.NewUUID()
	if _, _, err := w.pireps.AddPositions(ctx, who, a.id, flight, []domain.AircraftPosition{
		{ID: "4", Lat: 53, Lon: -20, AltitudeMSL: 36000, Heading: 290, GroundSpeed: 490, At: t0.Add(30 * time.Minute)}}); err != nil {
		t.Fatal(err)
	}
	r := refresh(t, w, page, eventsUntil(t, page.name, page.events, "live-flights"))
	if heard := eventsUntil(t, "a visitor", public, "live-flights"); len(heard) != 1 {
		t.Errorf("a visitor's stream heard %v", heard)
	}
	if len(r.requests) != 1 || r.requests[0] != base+"/live" {
		t.Fatalf("a position made the page fetch %v", r.requests)
	}
	moved := doc(t, r.bodies[0]).Find(`[data-testid="map-aircraft"][data-pirep="`+flight+`"]`).AttrOr("transform", "")
	if want := "translate(" + mapCoord(53, -20) + ") rotate(290)"; moved != want {
		t.Errorf("after a position the aircraft is at %q, want %q", moved, want)
	}
	who.ID = domain.NewUUID()
	if _, err := w.pireps.FileFlight(ctx, who, a.id, flight, func(d *domain.PirepDetails) {
		d.BlockOff, d.FlightTime, d.Distance = t0, 30, 250
	}); err != nil {
		t.Fatal(err)
	}
	r = refresh(t, w, page, eventsUntil(t, page.name, page.events, "live-flights"))
	// The filing told the pilot's and the staff's pages too; the visitor
	// heard only that the map changed.
	if heard := eventsUntil(t, "a visitor", public, "live-flights"); len(heard) != 1 {
		t.Errorf("a visitor's stream heard %v", heard)
	}
	if len(r.requests) != 1 {
		t.Fatalf("the filing made the page fetch %v", r.requests)
	}
	if fd := doc(t, r.bodies[0]); fd.Find(`[data-pirep="`+flight+`"]`).Length() != 0 || text(fd, "no-live-flights") == "" {
		t.Errorf("the filed flight is still on the live map: %.300s", r.bodies[0])
	}
}

// With a tile server set, the live map, the public page's map and a
// PIREP's track draw its tiles, the tiles that cover the view at one zoom,
// over the Mercator basemap, with the aircraft in Mercator and the
// server's credit on the map (outside the picture screen readers skip);
// the Content-Security-Policy allows images from that server alone.
func TestTheLiveMapsDrawTheTileServerWhenOneIsSet(t *testing.T) {
	tiles := views.MapTiles{URL: "https://tiles.example.test/osm/{z}/{x}/{y}.png?key=k&style=plain", Attribution: "© Example tiles",
		AttributionURL: "https://tiles.example.test/copyright"}
	w := newMatrixWorld(t, embedded, withMapTiles(tiles))
	a := w.airlines["A"]
	pilot := w.actors[1]
	w.session(t, pilot)
	flight, _ := prefiled(t, w, a, a.pirepPilotID, "77", a.flown, "ENR", westboundTrack(time.Now().UTC().Add(-30*time.Minute).Truncate(time.Second)))
	w.settle(t)

	checkTiles := func(name string, resp *http.Response, d *goquery.Document, svg string) []string {
		t.Helper()
		if csp := resp.Header.Get("Content-Security-Policy"); !strings.Contains(csp, "img-src 'self' data: https://tiles.example.test;") {
			t.Errorf("%s: the CSP does not allow the tile server's images: %q", name, csp)
		}
		if rp := resp.Header.Get("Referrer-Policy"); rp != "strict-origin-when-cross-origin" {
			t.Errorf("%s: Referrer-Policy %q: the tile server is not told the site's origin", name, rp)
		}
		m := d.Find(`svg[data-testid="` + svg + `"]`)
		images := m.Find("image")
		if images.First().AttrOr("href", "") != "/static/world-mercator.svg" {
			t.Errorf("%s: the map's first picture is %q, want the Mercator basemap under the tiles", name, images.First().AttrOr("href", ""))
		}
		var names []string
		m.Find(`image[data-testid="map-tile"]`).Each(func(_ int, tile *goquery.Selection) {
			n := tile.AttrOr("data-tile", "")
			names = append(names, n)
			if want := "https://tiles.example.test/osm/" + n + ".png?key=k&style=plain"; tile.AttrOr("href", "") != want {
				t.Errorf("%s: tile %s is %q, want %q", name, n, tile.AttrOr("href", ""), want)
			}
		})
		credit := m.Parent().Find(`[data-testid="map-attribution"]`)
		if strings.TrimSpace(credit.Text()) != "© Example tiles" || credit.Find(`a[href="https://tiles.example.test/copyright"]`).Length() != 1 ||
			credit.ParentsFiltered(`[aria-hidden="true"]`).Length() != 0 {
			t.Errorf("%s: the tiles' credit on the map: %q", name, credit.Text())
		}
		return names
	}

	resp, body := getAs(t, pilot.client, w.URL+"/airlines/"+a.id+"/live", nil)
	d := doc(t, body)
	// The world from about 74°N to 56°S at zoom 2: tiles 250 units square,
	// four across, three down.
	var want []string
	for y := range 3 {
		for x := range 4 {
			want = append(want, "2/"+strconv.Itoa(x)+"/"+strconv.Itoa(y))
		}
	}
	if got := checkTiles("the live map", resp, d, "live-map"); strings.Join(got, " ") != strings.Join(want, " ") {
		t.Errorf("the live map's tiles: %v, want %v", got, want)
	}
	if tile := d.Find(`[data-tile="2/1/1"]`); tile.AttrOr("x", "") != "250" || tile.AttrOr("y", "") != "250" || tile.AttrOr("width", "") != "250" {
		t.Errorf("tile 2/1/1 is placed at %s,%s, %s wide", tile.AttrOr("x", ""), tile.AttrOr("y", ""), tile.AttrOr("width", ""))
	}
	if vb := d.Find(`svg[data-testid="live-map"]`).AttrOr("viewBox", ""); vb != "0 190 1000 500" {
		t.Errorf("the live map shows %q", vb)
	}
	symbol := d.Find(`[data-testid="map-aircraft"][data-pirep="` + flight + `"]`)
	if want := "translate(" + mercatorCoord(52.5, -10.25) + ") rotate(285)"; symbol.AttrOr("transform", "") != want {
		t.Errorf("over tiles the aircraft is drawn at %q, want %q (Mercator)", symbol.AttrOr("transform", ""), want)
	}

	// The selected flight's track, in Mercator, and the PIREP's map
	// zoomed to it, with deeper tiles.
	_, body = getAs(t, pilot.client, w.URL+"/airlines/"+a.id+"/live?flight="+flight, nil)
	if pts := strings.Fields(doc(t, body).Find(`[data-testid="live-map"] [data-testid="track"]`).AttrOr("points", "")); len(pts) != 3 ||
		pts[0] != strings.ReplaceAll(mercatorCoord(51.47, -0.45), " ", ",") {
		t.Errorf("the track over tiles: %v, want it to start at %s", pts, mercatorCoord(51.47, -0.45))
	}
	resp, body = getAs(t, pilot.client, w.URL+"/airlines/"+a.id+"/pireps/"+flight, nil)
	d = doc(t, body)
	zoomed := checkTiles("the PIREP's track", resp, d, "track-map")
	if len(zoomed) == 0 || len(zoomed) > 30 || !strings.HasPrefix(zoomed[0], "5/") {
		t.Errorf("the PIREP's map, zoomed to a 10° track, draws tiles %v, want a few of zoom 5", zoomed)
	}

	// The public page, and its fragment, which the live updates swap in.
	resp, body = getAs(t, newClient(), w.URL+"/a/"+a.slug, nil)
	if got := checkTiles("the public page", resp, doc(t, body), "live-map"); len(got) != 12 {
		t.Errorf("the public map draws %d tiles, want 12", len(got))
	}
	resp, body = getAs(t, newClient(), w.URL+"/a/"+a.slug+"/live", map[string]string{"HX-Request": "true"})
	if got := checkTiles("the public fragment", resp, doc(t, body), "live-map"); len(got) != 12 {
		t.Errorf("the public fragment draws %d tiles, want 12", len(got))
	}
}
