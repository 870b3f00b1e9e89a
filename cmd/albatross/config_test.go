package main

import (
	"io"
	"strings"
	"testing"

	"github.com/albatross-va/albatross/views"
)

// A tile server setting that could not draw a map stops the start with one
// line that names the setting and says what is wrong.
func TestTileSettingsAreRefusedAtStartWhenTheyCannotDrawAMap(t *testing.T) {
	checkRefusedStarts(t, []refusedStart{
		{map[string]string{"ALBATROSS_MAP_TILE_URL": "tile.openstreetmap.org/{z}/{x}/{y}.png"}, nil, []string{"ALBATROSS_MAP_TILE_URL", "not an http or https URL"}},
		{map[string]string{"ALBATROSS_MAP_TILE_URL": "ftp://tiles.example/{z}/{x}/{y}.png"}, nil, []string{"ALBATROSS_MAP_TILE_URL", "not an http or https URL"}},
		{nil, []string{"--map-tile-url", "https://tile.openstreetmap.org/{z}/{x}.png"}, []string{"--map-tile-url", "has no {y}"}},
		{map[string]string{"ALBATROSS_MAP_TILE_URL": "https://{s}.tile.openstreetmap.org/{z}/{x}/{y}.png"}, nil, []string{"ALBATROSS_MAP_TILE_URL", "placeholder in its host"}},
		{map[string]string{"ALBATROSS_MAP_TILE_URL": "https://tile.openstreetmap.org/{z}/{x}/{y}{r}.png"}, nil, []string{"ALBATROSS_MAP_TILE_URL", "{r}"}},
		{map[string]string{"ALBATROSS_MAP_TILE_URL": "https://user:hunter2@tiles.example/{z}/{x}/{y}.png", "ALBATROSS_MAP_TILE_ATTRIBUTION": "Example"}, nil, []string{"ALBATROSS_MAP_TILE_URL", "user name or password"}},
		{map[string]string{"ALBATROSS_MAP_TILE_URL": "https://user:hunter2@tiles.example/{z}/{x}.png"}, nil, []string{"ALBATROSS_MAP_TILE_URL", "has no {y}"}},
		{map[string]string{"ALBATROSS_MAP_TILE_URL": "https://tiles.example/{z}/{x}/{y}.png"}, nil, []string{"ALBATROSS_MAP_TILE_ATTRIBUTION", "tiles.example"}},
		{map[string]string{"ALBATROSS_MAP_TILE_ATTRIBUTION": "© Someone"}, nil, []string{"ALBATROSS_MAP_TILE_ATTRIBUTION is set without ALBATROSS_MAP_TILE_URL"}},
		{map[string]string{"ALBATROSS_MAP_TILE_URL": "https://tiles.example/{z}/{x}/{y}.png", "ALBATROSS_MAP_TILE_ATTRIBUTION": "© " + strings.Repeat("x", 200)}, nil, []string{"ALBATROSS_MAP_TILE_ATTRIBUTION", "longer than 200"}},
		{map[string]string{"ALBATROSS_MAP_TILE_URL": "https://tiles.example/{z}/{x}/{y}.png", "ALBATROSS_MAP_TILE_ATTRIBUTION": "© Tiles\x1b[31m"}, nil, []string{"ALBATROSS_MAP_TILE_ATTRIBUTION", "not text"}},
	})
}

// OpenStreetMap's tiles get its credit, linked to its copyright page,
// without a setting; another server's tiles get the credit set; with no
// tile server the maps draw the built-in basemap alone.
func TestTileSettingsAccepted(t *testing.T) {
	cases := []struct {
		env  map[string]string
		want views.MapTiles
	}{
		{nil, views.MapTiles{}},
		{map[string]string{"ALBATROSS_MAP_TILE_URL": "https://tile.openstreetmap.org/{z}/{x}/{y}.png"},
			views.MapTiles{URL: "https://tile.openstreetmap.org/{z}/{x}/{y}.png", Attribution: "© OpenStreetMap contributors", AttributionURL: "https://www.openstreetmap.org/copyright"}},
		{map[string]string{"ALBATROSS_MAP_TILE_URL": " http://127.0.0.1:8081/tiles/{z}/{x}/{y}.png?key=k ", "ALBATROSS_MAP_TILE_ATTRIBUTION": "© Our own tiles"},
			views.MapTiles{URL: "http://127.0.0.1:8081/tiles/{z}/{x}/{y}.png?key=k", Attribution: "© Our own tiles"}},
	}
	for _, c := range cases {
		cfg, _, err := parseConfig("albatross", nil, func(k string) string { return c.env[k] }, io.Discard)
		if err != nil {
			t.Errorf("%v: %v", c.env, err)
			continue
		}
		if cfg.MapTiles != c.want {
			t.Errorf("%v: tiles %+v, want %+v", c.env, cfg.MapTiles, c.want)
		}
	}
}
