// Package worldmap is the projection every map of Albatross draws with:
// the world basemap that views/worldmap/gen writes at build time and the
// aircraft, tracks and airports the pages draw over it. It is a leaf, so
// the generator and the views agree on one coordinate system.
package worldmap

import "math"

// The equirectangular world, 1000 by 500 units: one unit is 0.36° of
// longitude and of latitude, finer than the basemap's 1:110m outlines.
const (
	Width  = 1000.0
	Height = 500.0
)

// Project places a latitude and longitude (degrees) on the map: x grows
// eastward from the antimeridian, y southward from the North Pole.
func Project(lat, lon float64) (x, y float64) {
	return (lon + 180) / 360 * Width, (90 - lat) / 180 * Height
}

// The Web Mercator world of tile servers (OpenStreetMap's and most
// others'), Width units wide and as high, so a tile of zoom z is
// Width/2^z units square. It ends at MercatorMaxLat north and south,
// where the square ends.
const (
	MercatorHeight = Width
	MercatorMaxLat = 85.0511287798066 // atan(sinh(π)), in degrees
)

// ProjectMercator places a latitude and longitude on the Web Mercator
// world, x as Project does and y southward from MercatorMaxLat; a latitude
// beyond it is drawn on the edge.
func ProjectMercator(lat, lon float64) (x, y float64) {
	phi := max(-MercatorMaxLat, min(lat, MercatorMaxLat)) * math.Pi / 180
	return (lon + 180) / 360 * Width, (1 - math.Log(math.Tan(math.Pi/4+phi/2))/math.Pi) / 2 * MercatorHeight
}
