// Command gen writes the world basemap the maps draw over: the country
// outlines of Natural Earth at 1:110m (public domain), from the TopoJSON
// file the npm package world-atlas ships, as one SVG path in the
// projection of views/worldmap (and, with -mercator, in Web Mercator,
// for the maps that draw tile servers' tiles over it). `make assets` runs it into static/dist,
// which the binary embeds and serves, so a map needs no tile server and
// the browser caches the outlines once while the pages' live sections
// re-send only the aircraft. The output is not committed.
package main

import (
	"encoding/json"
	"flag"
	"fmt"
	"math"
	"os"
	"strconv"
	"strings"

	"github.com/albatross-va/albatross/views/worldmap"
)

func main() {
	in := flag.String("in", "node_modules/world-atlas/countries-110m.json", "world-atlas's TopoJSON file")
	out := flag.String("out", "static/dist/world.svg", "the SVG file to write")
	mercator := flag.Bool("mercator", false, "draw in Web Mercator (the tiles' projection, world-mercator.svg) instead of equirectangular")
	flag.Parse()
	proj, height := worldmap.Project, worldmap.Height
	if *mercator {
		proj, height = worldmap.ProjectMercator, worldmap.MercatorHeight
	}
	if err := run(*in, *out, proj, height); err != nil {
		fmt.Fprintln(os.Stderr, "worldmap gen:", err)
		os.Exit(1)
	}
}

// topology is the part of a TopoJSON file the basemap needs: quantized,
// delta-encoded arcs, and the countries as polygons of arc indexes.
type topology struct {
	Transform struct {
		Scale     [2]float64 `json:"scale"`
		Translate [2]float64 `json:"translate"`
	} `json:"transform"`
	Arcs    [][][2]float64 `json:"arcs"`
	Objects map[string]struct {
		Geometries []geometry `json:"geometries"`
	} `json:"objects"`
}

// geometry is a Polygon (rings of arc indexes) or a MultiPolygon (polygons
// of them).
type geometry struct {
	Type string          `json:"type"`
	Arcs json.RawMessage `json:"arcs"`
}

// projection places a latitude and longitude on the basemap.
type projection func(lat, lon float64) (x, y float64)

func run(in, out string, proj projection, height float64) error {
	raw, err := os.ReadFile(in)
	if err != nil {
		return fmt.Errorf("%w (run npm ci first)", err)
	}
	var topo topology
	if err := json.Unmarshal(raw, &topo); err != nil {
		return fmt.Errorf("%s: %w", in, err)
	}
	countries, ok := topo.Objects["countries"]
	if !ok {
		return fmt.Errorf("%s has no countries object", in)
	}
	arcs := decodeArcs(topo, proj)
	var d strings.Builder
	for _, g := range countries.Geometries {
		var polygons [][][]int
		switch g.Type {
		case "Polygon":
			var rings [][]int
			if err := json.Unmarshal(g.Arcs, &rings); err != nil {
				return err
			}
			polygons = [][][]int{rings}
		case "MultiPolygon":
			if err := json.Unmarshal(g.Arcs, &polygons); err != nil {
				return err
			}
		default: // a country with no shape at this scale
			continue
		}
		for _, rings := range polygons {
			for _, ring := range rings {
				for _, pts := range wrapRing(ringPoints(arcs, ring)) {
					writeRing(&d, pts)
				}
			}
		}
	}
	svg := `<svg xmlns="http://www.w3.org/2000/svg" viewBox="0 0 ` + num(worldmap.Width) + " " + num(height) + `">` +
		`<path fill="#d6dde6" stroke="#ffffff" stroke-width=".35" stroke-linejoin="round" fill-rule="evenodd" d="` + d.String() + `"/></svg>` + "\n"
	tmp := out + ".tmp"
	if err := os.WriteFile(tmp, []byte(svg), 0o644); err != nil {
		return err
	}
	fmt.Printf("worldmap gen: %d countries, %d bytes to %s\n", len(countries.Geometries), len(svg), out)
	return os.Rename(tmp, out)
}

// decodeArcs undoes TopoJSON's quantization: each arc's positions are
// deltas from the one before, in steps of the transform's scale from its
// translate. The result is in map units.
func decodeArcs(topo topology, proj projection) [][][2]float64 {
	s, t := topo.Transform.Scale, topo.Transform.Translate
	out := make([][][2]float64, len(topo.Arcs))
	for i, arc := range topo.Arcs {
		var qx, qy float64
		pts := make([][2]float64, len(arc))
		for j, p := range arc {
			qx, qy = qx+p[0], qy+p[1]
			x, y := proj(qy*s[1]+t[1], qx*s[0]+t[0])
			pts[j] = [2]float64{x, y}
		}
		out[i] = pts
	}
	return out
}

// ringPoints joins a ring's arcs; an index i < 0 is arc ^i backwards. Each
// arc after the first starts where the last ended, so its first point is
// left out.
func ringPoints(arcs [][][2]float64, ring []int) [][2]float64 {
	var pts [][2]float64
	for k, i := range ring {
		var arc [][2]float64
		if i >= 0 {
			arc = arcs[i]
		} else {
			src := arcs[^i]
			arc = make([][2]float64, len(src))
			for j := range src {
				arc[j] = src[len(src)-1-j]
			}
		}
		if k > 0 {
			arc = arc[1:]
		}
		pts = append(pts, arc...)
	}
	return pts
}

// wrapRing draws a ring that crosses the antimeridian (Fiji, Chukotka) on
// both edges of the map: joined up across the seam instead of by a line
// across the world, once as is and once shifted by the world's width, for
// the map's edges to cut. A ring that crosses once goes round a pole
// (Antarctica): its jump runs along the map's edge, which is right as it is.
func wrapRing(pts [][2]float64) [][][2]float64 {
	crossings := 0
	for i := 1; i < len(pts); i++ {
		if math.Abs(pts[i][0]-pts[i-1][0]) > worldmap.Width/2 {
			crossings++
		}
	}
	if crossings == 0 || crossings%2 == 1 {
		return [][][2]float64{pts}
	}
	joined := make([][2]float64, len(pts))
	joined[0] = pts[0]
	shift, minX, maxX := 0.0, pts[0][0], pts[0][0]
	for i := 1; i < len(pts); i++ {
		switch dx := pts[i][0] - pts[i-1][0]; {
		case dx > worldmap.Width/2:
			shift -= worldmap.Width
		case dx < -worldmap.Width/2:
			shift += worldmap.Width
		}
		joined[i] = [2]float64{pts[i][0] + shift, pts[i][1]}
		minX, maxX = min(minX, joined[i][0]), max(maxX, joined[i][0])
	}
	other := worldmap.Width
	if maxX > worldmap.Width {
		other = -worldmap.Width
	}
	shifted := make([][2]float64, len(joined))
	for i, p := range joined {
		shifted[i] = [2]float64{p[0] + other, p[1]}
	}
	return [][][2]float64{joined, shifted}
}

// writeRing writes a closed ring in whole map units, relative after its
// first point, leaving out the points that round onto the one before: at
// the size a page shows the world, a unit is about a pixel.
func writeRing(d *strings.Builder, pts [][2]float64) {
	if len(pts) < 3 {
		return
	}
	x0, y0 := math.Round(pts[0][0]), math.Round(pts[0][1])
	d.WriteString("M" + num(x0) + " " + num(y0))
	px, py, n := x0, y0, 0
	for _, p := range pts[1:] {
		x, y := math.Round(p[0]), math.Round(p[1])
		if x == px && y == py {
			continue
		}
		if n == 0 {
			d.WriteString("l")
		} else if x-px >= 0 {
			d.WriteString(" ")
		}
		d.WriteString(num(x - px))
		if y-py >= 0 {
			d.WriteString(" ")
		}
		d.WriteString(num(y - py))
		px, py, n = x, y, n+1
	}
	d.WriteString("z")
}

func num(f float64) string { return strconv.FormatFloat(f, 'f', -1, 64) }
