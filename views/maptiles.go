package views

import (
	"math"
	"strconv"
	"strings"

	"github.com/albatross-va/albatross/views/worldmap"
)

// MapTiles is a tile server the maps draw under their aircraft and tracks
// (ALBATROSS_MAP_TILE_URL); the zero value draws only the built-in
// basemap. Its tiles are Web Mercator, so a map with them draws in
// Mercator, over the Mercator basemap, which shows where a tile does not
// load.
type MapTiles struct {
	// URL is a tile's address with {z}, {x} and {y} in it, such as
	// https://tile.openstreetmap.org/{z}/{x}/{y}.png.
	URL string
	// Attribution is the credit the tile server's terms ask the map to
	// show; AttributionURL, when set, is where it links to.
	Attribution, AttributionURL string
}

// On says whether the maps draw tiles.
func (t MapTiles) On() bool { return t.URL != "" }

// tileURL is the address of one tile.
func (t MapTiles) tileURL(z, x, y int) string {
	return strings.NewReplacer("{z}", strconv.Itoa(z), "{x}", strconv.Itoa(x), "{y}", strconv.Itoa(y)).Replace(t.URL)
}

// mapTile is one tile placed on a map, in map units.
type mapTile struct {
	URL             string
	X, Y, Size      float64
	Z, TileX, TileY int
}

// tileViewWidth is about how many CSS pixels wide a page draws a map
// (its content column); the zoom is the one whose tiles show at about
// their own size there.
const tileViewWidth = 1000.0

// maxTileZoom is the deepest zoom asked for; OpenStreetMap's goes to 19.
const maxTileZoom = 18

// tileZoom is the zoom whose 256-pixel tiles draw box b at about
// tileViewWidth pixels.
func tileZoom(b mapBox) int {
	z := math.Round(math.Log2(tileViewWidth * worldmap.Width / (256 * b.W)))
	return int(clamp(z, 0, maxTileZoom))
}

// tiles are the tiles that cover box b at its zoom, row by row.
func (t MapTiles) tiles(b mapBox) []mapTile {
	if !t.On() {
		return nil
	}
	z := tileZoom(b)
	n := 1 << z
	size := worldmap.Width / float64(n)
	cell := func(v float64) int { return int(clamp(math.Floor(v/size), 0, float64(n-1))) }
	x0, x1 := cell(b.X), cell(b.X+b.W-size/1e6)
	y0, y1 := cell(b.Y), cell(b.Y+b.H-size/1e6)
	out := make([]mapTile, 0, (x1-x0+1)*(y1-y0+1))
	for ty := y0; ty <= y1; ty++ {
		for tx := x0; tx <= x1; tx++ {
			out = append(out, mapTile{URL: t.tileURL(z, tx, ty), X: float64(tx) * size, Y: float64(ty) * size, Size: size,
				Z: z, TileX: tx, TileY: ty})
		}
	}
	return out
}

// name is the tile as z/x/y, as tile servers number them.
func (t mapTile) name() string {
	return strconv.Itoa(t.Z) + "/" + strconv.Itoa(t.TileX) + "/" + strconv.Itoa(t.TileY)
}

// tileCoord writes a tile's edge to a thousandth of a unit, so that
// neighbouring tiles meet without a seam at the deep zooms, where a tile is
// a few hundredths of a unit.
func tileCoord(v float64) string {
	return strconv.FormatFloat(math.Round(v*1000)/1000, 'f', -1, 64)
}
