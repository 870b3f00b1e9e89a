package views

import (
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
