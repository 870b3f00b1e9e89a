package views

import (
	"math"
	"strings"
)

// PilotProfilePage is a pilot's public profile at /a/{slug}/pilots/{ident}:
// what they have flown, their awards and a map of their routes, with
// nothing private (no email, no review detail).
type PilotProfilePage struct {
	Page
	Airline, Slug string
	Ident, Name   string
	Rank          string // "" before a first rank
	Hours         string // flown in this airline, as h:mm
	TransferHours string // brought from another airline, "" for none
	Flights       int64
	Joined        string
	Awards        []AwardBadge
	// Tours are the tours the pilot has flown a leg of: finished ones, and
	// those under way with their progress.
	Tours            []TourSummary
	Recent           []PublicFlight
	Map              RouteMap
	Hidden           bool   // the pilot turned their public profile off: only they and staff see this
	SettingsURL      string // the pilot's own: where they choose; "" for anyone else
	LiveURL          string // the fragment the live section re-fetches
	EventsURL        string // the airline's public stream
	PublicAirlineURL string
}

// MapRoute is one route a pilot has flown, as the profile's map and its
// list show it. A route with an airport the airline no longer has (or
// never placed) is listed but not drawn.
type MapRoute struct {
	Dpt, Arr         string
	DptName, ArrName string
	Flights          int
	DptLat, DptLon   float64
	ArrLat, ArrLon   float64
	Placed           bool // both airports have a position
}

// RouteMap is the routes a pilot has flown, the most flown first, capped at
// Cap; Total is how many distinct routes they have flown in all.
type RouteMap struct {
	Title  string
	Routes []MapRoute
	Total  int
	Cap    int
}

// Placed is the routes the map draws.
func (m RouteMap) Placed() []MapRoute {
	var out []MapRoute
	for _, r := range m.Routes {
		if r.Placed {
			out = append(out, r)
		}
	}
	return out
}

// routeAirport is one airport drawn as a dot.
type routeAirport struct {
	ICAO     string
	Lat, Lon float64
}

// airports are the distinct airports of the drawn routes, in first-seen order.
func (m RouteMap) airports() []routeAirport {
	seen := map[string]bool{}
	var out []routeAirport
	for _, r := range m.Placed() {
		for _, a := range []routeAirport{{r.Dpt, r.DptLat, r.DptLon}, {r.Arr, r.ArrLat, r.ArrLon}} {
			if !seen[a.ICAO] {
				seen[a.ICAO] = true
				out = append(out, a)
			}
		}
	}
	return out
}

// box is the part of the world the routes cover, with a margin, as the
// live map's fitted box is (never less than about 43° of longitude).
func (m RouteMap) box() mapBox {
	w := WorldMap{Fit: true}
	for _, a := range m.airports() {
		w.Track = append(w.Track, TrackPoint{Lat: a.Lat, Lon: a.Lon})
	}
	return w.box()
}

// greatCircleSteps is how many straight pieces draw one route's great
// circle: smooth enough at the map's size, small enough for 200 routes.
const greatCircleSteps = 24

// routePath is the SVG path of a route along its great circle, one
// subpath more where it crosses the antimeridian, so a transpacific route
// does not cross the whole map.
func routePath(r MapRoute, b mapBox) string {
	pts := greatCircle(r.DptLat, r.DptLon, r.ArrLat, r.ArrLon, greatCircleSteps)
	var s strings.Builder
	prevX := 0.0
	for i, p := range pts {
		x, y := b.project(p[0], p[1])
		if i == 0 || math.Abs(x-prevX) > 500 {
			if i > 0 {
				s.WriteByte(' ')
			}
			s.WriteString("M" + coord(x) + " " + coord(y))
		} else {
			s.WriteString(" L" + coord(x) + " " + coord(y))
		}
		prevX = x
	}
	return s.String()
}

// greatCircle is n+1 points (latitude, longitude) from one place to
// another along the shorter great circle, by spherical interpolation.
func greatCircle(lat1, lon1, lat2, lon2 float64, n int) [][2]float64 {
	rad := math.Pi / 180
	vec := func(lat, lon float64) [3]float64 {
		return [3]float64{math.Cos(lat*rad) * math.Cos(lon*rad), math.Cos(lat*rad) * math.Sin(lon*rad), math.Sin(lat * rad)}
	}
	a, b := vec(lat1, lon1), vec(lat2, lon2)
	dot := max(-1, min(1, a[0]*b[0]+a[1]*b[1]+a[2]*b[2]))
	omega := math.Acos(dot)
	out := make([][2]float64, 0, n+1)
	for i := 0; i <= n; i++ {
		t := float64(i) / float64(n)
		var p [3]float64
		if omega < 1e-9 || math.Abs(omega-math.Pi) < 1e-9 {
			// The same place, or its antipode (no one great circle): straight.
			out = append(out, [2]float64{lat1 + (lat2-lat1)*t, lon1 + (lon2-lon1)*t})
			continue
		}
		sa, sb := math.Sin((1-t)*omega)/math.Sin(omega), math.Sin(t*omega)/math.Sin(omega)
		for k := range p {
			p[k] = sa*a[k] + sb*b[k]
		}
		out = append(out, [2]float64{math.Atan2(p[2], math.Hypot(p[0], p[1])) / rad, math.Atan2(p[1], p[0]) / rad})
	}
	return out
}

// dotX and dotY place an airport's dot.
func dotX(a routeAirport, b mapBox) string { x, _ := b.project(a.Lat, a.Lon); return coord(x) }
func dotY(a routeAirport, b mapBox) string { _, y := b.project(a.Lat, a.Lon); return coord(y) }

// ProfileSettingsPage is a member's choice of whether their profile is
// public.
type ProfileSettingsPage struct {
	Page
	Action     string
	CommandID  string
	Public     bool
	ProfileURL string // their profile's address, "" for one with no pilot id yet
	Saved      bool
}

// plural is one or many by n.
func plural(n int, one, many string) string {
	if n == 1 {
		return one
	}
	return many
}
