package views

import (
	"math"
	"strconv"
	"strings"
	"time"

	"github.com/albatross-va/albatross/views/worldmap"
)

// The drawing of the maps and the flight profile: server-side SVG over the
// world basemap (/static/world.svg, see views/worldmap/gen), in the
// projection of views/worldmap, or, with a tile server set, over its tiles
// in Web Mercator. The views call these helpers with the latitudes and
// longitudes their models carry.

// basemapURL and mercatorBasemapURL are the basemaps' addresses among the
// static assets.
const (
	basemapURL         = "/static/world.svg"
	mercatorBasemapURL = "/static/world-mercator.svg"
)

// The world view in Mercator shows from about 74°N to 56°S, where the
// flights are, as wide as it is high twice, as the equirectangular world
// is; an aircraft beyond makes it taller.
const mercatorWorldTop, mercatorWorldBottom = 190.0, 690.0

// MapAircraft is a flight drawn on a map at its last position.
type MapAircraft struct {
	ID       string
	Label    string // the flight number, with the pilot where the page names them
	Lat, Lon float64
	Heading  int32 // degrees true, clockwise from north
	Selected bool  // its track is drawn
}

// TrackPoint is one reported position of a flight, as the track and the
// profile chart use it.
type TrackPoint struct {
	Lat, Lon    float64
	Altitude    int32 // feet
	GroundSpeed int32 // knots
	At          time.Time
}

// WorldMap is what one map draws: the flights at their positions and a
// track. Fit zooms to the track instead of showing the whole world. Tiles,
// when on, are drawn under them, in Mercator.
type WorldMap struct {
	Aircraft []MapAircraft
	Track    []TrackPoint
	Fit      bool
	Tiles    MapTiles
}

// mapBox is the part of the world a map shows, in map units of its
// projection: equirectangular, or Mercator under tiles.
type mapBox struct {
	X, Y, W, H float64
	mercator   bool
}

// project places a latitude and longitude in the box's projection.
func (b mapBox) project(lat, lon float64) (x, y float64) {
	if b.mercator {
		return worldmap.ProjectMercator(lat, lon)
	}
	return worldmap.Project(lat, lon)
}

// worldHeight is the height of the whole world in the box's projection.
func (b mapBox) worldHeight() float64 {
	if b.mercator {
		return worldmap.MercatorHeight
	}
	return worldmap.Height
}

// basemap is the address of the basemap in the box's projection.
func (b mapBox) basemap() string {
	if b.mercator {
		return mercatorBasemapURL
	}
	return basemapURL
}

// viewBox is the box as an SVG viewBox value.
func (b mapBox) viewBox() string {
	return coord(b.X) + " " + coord(b.Y) + " " + coord(b.W) + " " + coord(b.H)
}

// scale is how much smaller than the world view the box draws a unit, so
// symbols and lines keep their size on a zoomed map.
func (b mapBox) scale() float64 { return b.W / worldmap.Width }

// box is the part of the world m shows: all of it, or its track with a
// margin, as wide as it is high twice (the world's shape), and never less
// than about 43° of longitude, so a short hop still shows the coastlines
// around it and the basemap's borders (drawn for the whole world) stay
// thin.
func (m WorldMap) box() mapBox {
	b := mapBox{mercator: m.Tiles.On()}
	worldH := b.worldHeight()
	if !m.Fit || len(m.Track) == 0 {
		b.W, b.H = worldmap.Width, worldH
		if b.mercator {
			b.Y, b.H = m.mercatorWorldRows()
		}
		return b
	}
	minX, minY := math.Inf(1), math.Inf(1)
	maxX, maxY := math.Inf(-1), math.Inf(-1)
	for _, p := range m.Track {
		x, y := b.project(p.Lat, p.Lon)
		minX, maxX = min(minX, x), max(maxX, x)
		minY, maxY = min(minY, y), max(maxY, y)
	}
	b.W = min(max((maxX-minX)*1.3, (maxY-minY)*1.3*2, 120), worldmap.Width)
	b.H = b.W / 2
	b.X = clamp((minX+maxX)/2-b.W/2, 0, worldmap.Width-b.W)
	b.Y = clamp((minY+maxY)/2-b.H/2, 0, worldH-b.H)
	return b
}

// mercatorWorldRows are the top and height of the Mercator world view:
// mercatorWorldTop to mercatorWorldBottom, and down or up to an aircraft
// beyond them.
func (m WorldMap) mercatorWorldRows() (y, h float64) {
	top, bottom := mercatorWorldTop, mercatorWorldBottom
	for _, a := range m.Aircraft {
		_, ay := worldmap.ProjectMercator(a.Lat, a.Lon)
		top, bottom = min(top, ay-20), max(bottom, ay+20)
	}
	top, bottom = max(top, 0), min(bottom, worldmap.MercatorHeight)
	return top, bottom - top
}

func clamp(v, lo, hi float64) float64 { return max(lo, min(v, hi)) }

// coord writes a map coordinate to a tenth of a unit, about 0.04°.
func coord(v float64) string {
	return strconv.FormatFloat(math.Round(v*10)/10, 'f', -1, 64)
}

// aircraftTransform places the aircraft symbol (drawn nose up, around its
// origin) at a position, turned to its heading: SVG's rotation is
// clockwise, as a heading is, because its y axis points south.
func aircraftTransform(a MapAircraft, b mapBox) string {
	x, y := b.project(a.Lat, a.Lon)
	t := "translate(" + coord(x) + " " + coord(y) + ") rotate(" + strconv.Itoa(int(a.Heading)) + ")"
	// A zoomed map (one flight's track) draws its aircraft a little larger
	// than the world map does: it is the one thing to find on it.
	if s := b.scale(); s != 1 {
		t += " scale(" + strconv.FormatFloat(s*1.5, 'f', 3, 64) + ")"
	}
	return t
}

// labelX and labelY place a flight's label below and right of its symbol,
// clear of the track, which most often runs on ahead of it.
func labelX(a MapAircraft, b mapBox) string {
	x, _ := b.project(a.Lat, a.Lon)
	return coord(x + 6*b.scale())
}

func labelY(a MapAircraft, b mapBox) string {
	_, y := b.project(a.Lat, a.Lon)
	return coord(y + 14*b.scale())
}

// mapSize is a length of the world view (a font size) on b.
func mapSize(n float64, b mapBox) string { return strconv.FormatFloat(n*b.scale(), 'f', 2, 64) }

// trackLines is a track as the points of SVG polylines: one, or more where
// it crosses the antimeridian, which would otherwise draw a line across
// the whole world.
func trackLines(track []TrackPoint, b mapBox) []string {
	var lines []string
	var s strings.Builder
	prevX := 0.0
	for i, p := range track {
		x, y := b.project(p.Lat, p.Lon)
		switch {
		case i > 0 && math.Abs(x-prevX) > worldmap.Width/2:
			lines = append(lines, s.String())
			s.Reset()
		case i > 0:
			s.WriteByte(' ')
		}
		s.WriteString(coord(x) + "," + coord(y))
		prevX = x
	}
	if s.Len() > 0 {
		lines = append(lines, s.String())
	}
	return lines
}

// The flight profile chart: altitude and ground speed against time, in a
// box of chartW by chartH with room for the axes' labels.
const (
	chartW, chartH                     = 600.0, 220.0
	chartLeft, chartRight              = 56.0, 544.0
	chartTop, chartBottom              = 16.0, 186.0
	chartAltStep, chartSpeedStep int32 = 5000, 100 // the scales' round tops
)

// Profile is a flight's altitude and ground speed over its track, with the
// figures a screen reader gets instead of the chart.
type Profile struct {
	Track                   []TrackPoint
	MaxAltitude, MaxSpeed   int32
	Start, End              time.Time
	altitudeTop, speedTop   int32
	AltitudeAxis, SpeedAxis [2]string // the scales' bottom and top labels
}

// NewProfile is the profile of a track, its scales rounded up to the next
// 5,000 ft and 100 kt.
func NewProfile(track []TrackPoint) Profile {
	p := Profile{Track: track}
	for i, t := range track {
		p.MaxAltitude, p.MaxSpeed = max(p.MaxAltitude, t.Altitude), max(p.MaxSpeed, t.GroundSpeed)
		if i == 0 || t.At.Before(p.Start) {
			p.Start = t.At
		}
		if t.At.After(p.End) {
			p.End = t.At
		}
	}
	p.altitudeTop = roundUp(p.MaxAltitude, chartAltStep)
	p.speedTop = roundUp(p.MaxSpeed, chartSpeedStep)
	p.AltitudeAxis = [2]string{"0", thousands(p.altitudeTop) + " ft"}
	p.SpeedAxis = [2]string{"0", thousands(p.speedTop) + " kt"}
	return p
}

// roundUp is n rounded up to a multiple of step, at least step.
func roundUp(n, step int32) int32 {
	if n <= 0 {
		return step
	}
	return (n + step - 1) / step * step
}

// altitudePoints and speedPoints are the chart's two lines, one point per
// position.
func (p Profile) altitudePoints() string {
	return p.points(func(t TrackPoint) float64 { return float64(max(t.Altitude, 0)) / float64(p.altitudeTop) })
}

func (p Profile) speedPoints() string {
	return p.points(func(t TrackPoint) float64 { return float64(max(t.GroundSpeed, 0)) / float64(p.speedTop) })
}

// points spreads the positions along the time axis by when they were
// reported (by their order when they share one time) and up the chart by
// share of the scale.
func (p Profile) points(share func(TrackPoint) float64) string {
	span := p.End.Sub(p.Start)
	var s strings.Builder
	for i, t := range p.Track {
		f := 0.0
		switch {
		case span > 0:
			f = float64(t.At.Sub(p.Start)) / float64(span)
		case len(p.Track) > 1:
			f = float64(i) / float64(len(p.Track)-1)
		}
		if i > 0 {
			s.WriteByte(' ')
		}
		x := chartLeft + f*(chartRight-chartLeft)
		y := chartBottom - min(share(t), 1)*(chartBottom-chartTop)
		s.WriteString(coord(x) + "," + coord(y))
	}
	return s.String()
}

// Flown is the time from the first position to the last, h:mm.
func (p Profile) Flown() string {
	m := int(p.End.Sub(p.Start).Minutes())
	return strconv.Itoa(m/60) + ":" + twoDigits(m%60)
}

// Summary says what the chart shows, for those who cannot see it.
func (p Profile) Summary() string {
	return strconv.Itoa(len(p.Track)) + " positions over " + p.Flown() + " (h:mm), from " + p.Start.UTC().Format("15:04") +
		" to " + p.End.UTC().Format("15:04") + " UTC. Highest altitude " + thousands(p.MaxAltitude) + " ft, highest ground speed " +
		thousands(p.MaxSpeed) + " kt."
}

func twoDigits(n int) string {
	if n < 10 {
		return "0" + strconv.Itoa(n)
	}
	return strconv.Itoa(n)
}

// FormatFeet writes an altitude as 35,000 ft.
func FormatFeet(ft int32) string { return thousands(ft) + " ft" }

// thousands writes n with a comma between thousands, as 35,000.
func thousands(n int32) string {
	s := strconv.Itoa(int(n))
	neg := strings.HasPrefix(s, "-")
	s = strings.TrimPrefix(s, "-")
	for i := len(s) - 3; i > 0; i -= 3 {
		s = s[:i] + "," + s[i:]
	}
	if neg {
		return "-" + s
	}
	return s
}
