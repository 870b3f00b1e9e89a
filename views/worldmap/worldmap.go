// Package worldmap is the projection every map of Albatross draws with:
// the world basemap that views/worldmap/gen writes at build time and the
// aircraft, tracks and airports the pages draw over it. It is a leaf, so
// the generator and the views agree on one coordinate system.
package worldmap

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
