package views

import (
	"math"
	"strings"
	"testing"
)

// A track across the antimeridian is drawn as two lines, each on its side
// of the map, not as one line across the world; every position is kept.
func TestTrackLinesBreakAtTheAntimeridian(t *testing.T) {
	track := []TrackPoint{{Lat: 60, Lon: 170}, {Lat: 61, Lon: 179}, {Lat: 62, Lon: -179}, {Lat: 63, Lon: -170}}
	lines := trackLines(track, mapBox{})
	if len(lines) != 2 || lines[0] != "972.2,83.3 997.2,80.6" || lines[1] != "2.8,77.8 27.8,75" {
		t.Errorf("lines = %q", lines)
	}
	if got := trackLines(track[:2], mapBox{}); len(got) != 1 || len(strings.Fields(got[0])) != 2 {
		t.Errorf("a track on one side: %q", got)
	}
}

// Over tiles a position is drawn in Web Mercator, and one beyond its edge
// (±85.0511°, where the tiles end) on the edge rather than off the map;
// the world view grows to show an aircraft that far north.
func TestOverTilesPositionsAreMercatorClampedToTheTilesEdge(t *testing.T) {
	m := WorldMap{Tiles: MapTiles{URL: "https://tiles.example/{z}/{x}/{y}.png"}, Aircraft: []MapAircraft{{Lat: 89.9, Lon: 0}}}
	b := m.box()
	if got := aircraftTransform(m.Aircraft[0], b); got != "translate(500 0) rotate(0)" {
		t.Errorf("an aircraft at 89.9°N over tiles is drawn at %q, want the top edge", got)
	}
	if b.Y != 0 || b.H != mercatorWorldBottom {
		t.Errorf("the world view is %+v, want it grown to the top edge", b)
	}
	for _, c := range []struct{ lat, y float64 }{{-85.0511, 1000}, {-90, 1000}, {0, 500}, {85.0511, 0}} {
		if _, y := b.project(c.lat, 0); math.Abs(y-c.y) > 0.01 {
			t.Errorf("latitude %v is drawn at y %v, want %v", c.lat, y, c.y)
		}
	}
	if n := len(m.Tiles.tiles(b)); n != 4*3 {
		t.Errorf("%d tiles, want the 4 by 3 of zoom 2 down to the view's bottom", n)
	}
}
