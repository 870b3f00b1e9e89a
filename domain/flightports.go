package domain

import (
	"context"
	"fmt"
	"math"
)

// The ports the flight commands need from the airline's other operations
// data. Airports and subfleets live in their own slices; these interfaces
// are all the flight commands know of them, so the flights work the same
// whichever read model or aggregate answers.

// Coordinates are a point on the earth in decimal degrees.
type Coordinates struct {
	Lat, Lon float64
}

// AirportPosition is what the flight commands learn about an airport of the
// airline: where it is, when that is known.
type AirportPosition struct {
	Coordinates
	Known bool // false: the airport exists but its coordinates are not known
}

// AirportDirectory finds an airline's airports by ICAO code.
type AirportDirectory interface {
	// LocateAirport returns the position of the airline's airport with the
	// ICAO code, or an ENotFound error when the airline has no such airport.
	LocateAirport(ctx context.Context, tenantID, icao string) (AirportPosition, error)
}

// SubfleetDirectory finds an airline's subfleets by id.
type SubfleetDirectory interface {
	// SubfleetType returns the ICAO aircraft type (B738, A320…) of the
	// airline's subfleet with the id, or an ENotFound error when the airline
	// has no such subfleet.
	SubfleetType(ctx context.Context, tenantID, subfleetID string) (string, error)
}

// locateRoute finds the departure, arrival and alternate airports a form
// names in the airline. A code the airline does not have gets a message on
// its field in m (unless the field has one already); any other failure is
// returned. An empty code is located nowhere.
func locateRoute(ctx context.Context, dir AirportDirectory, airlineID string, m map[string]string, dpt, arr, alt string) (from, to AirportPosition, err error) {
	locate := func(field, icao string) AirportPosition {
		if icao == "" || m[field] != "" || err != nil {
			return AirportPosition{}
		}
		p, e := dir.LocateAirport(ctx, airlineID, icao)
		switch {
		case ErrorCode(e) == ENotFound:
			m[field] = fmt.Sprintf("%s is not one of this airline's airports; add it first.", icao)
		case e != nil:
			err = fmt.Errorf("locate airport %s: %w", icao, e)
		}
		return p
	}
	from, to = locate("dpt_airport", dpt), locate("arr_airport", arr)
	locate("alt_airport", alt)
	return from, to, err
}

// AirportTable is an AirportDirectory over a fixed table of airports, the
// same in every airline. Tests use it, with real coordinates.
type AirportTable map[string]Coordinates

// LocateAirport implements AirportDirectory.
func (t AirportTable) LocateAirport(_ context.Context, _, icao string) (AirportPosition, error) {
	c, ok := t[icao]
	if !ok {
		return AirportPosition{}, Errorf(ENotFound, "There is no airport %s in this airline.", icao)
	}
	return AirportPosition{Coordinates: c, Known: true}, nil
}

// LocateAirport implements AirportDirectory: every code names an airport
// whose position is unknown, so a flight must give its distance.
func (AnyAirport) LocateAirport(context.Context, string, string) (AirportPosition, error) {
	return AirportPosition{}, nil
}

// SubfleetTable is a SubfleetDirectory over a fixed table of subfleet ids
// and their aircraft types, the same in every airline.
type SubfleetTable map[string]string

// SubfleetType implements SubfleetDirectory.
func (t SubfleetTable) SubfleetType(_ context.Context, _, id string) (string, error) {
	typ, ok := t[id]
	if !ok {
		return "", Errorf(ENotFound, "There is no subfleet %s in this airline.", id)
	}
	return typ, nil
}

// earthRadiusNM is the mean earth radius in nautical miles.
const earthRadiusNM = 3440.065

// GreatCircleNM is the great-circle distance between two points in nautical
// miles (the haversine formula on a spherical earth).
func GreatCircleNM(a, b Coordinates) float64 {
	rad := func(d float64) float64 { return d * math.Pi / 180 }
	dLat, dLon := rad(b.Lat-a.Lat), rad(b.Lon-a.Lon)
	h := math.Sin(dLat/2)*math.Sin(dLat/2) + math.Cos(rad(a.Lat))*math.Cos(rad(b.Lat))*math.Sin(dLon/2)*math.Sin(dLon/2)
	return 2 * earthRadiusNM * math.Asin(math.Min(1, math.Sqrt(h)))
}
