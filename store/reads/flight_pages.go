package reads

import (
	"context"
	"strconv"
	"strings"

	"github.com/google/uuid"

	"github.com/albatross-va/albatross/domain"
	"github.com/albatross-va/albatross/store/readmodel"
)

// The reads of an airline's flight pages: the search, a flight, and the
// subfleets its form offers. They take plain arguments and return what the
// pages show, so a handler maps them to views without knowing the
// read-model queries.

// ScheduledFlight is a flight of an airline's schedule as its pages show it.
type ScheduledFlight struct {
	ID                                 string
	FlightNumber, RouteCode            string
	RouteLeg                           int32
	Callsign                           string
	DptAirport, ArrAirport, AltAirport string
	DptTime, ArrTime                   string
	Days                               int32 // domain.WeekDays bits
	StartDate, EndDate                 string
	Distance, FlightTime, Level        int32 // nm, minutes, feet
	FlightType, Route, Notes           string
	// SubfleetIDs are the subfleets allowed to fly it; SubfleetTypes their
	// types as the flight was last saved (a deleted subfleet keeps its
	// type here).
	SubfleetIDs, SubfleetTypes []string
	Active                     bool
	// LoadFactor and LoadFactorVariance are percent; 0 when none is set.
	LoadFactor, LoadFactorVariance float64
	// Fields are the flight's custom fields; Fares phpVMS's fares cell.
	Fields []domain.FlightField
	Fares  string
}

func scheduledFlight(f readmodel.Flight) ScheduledFlight {
	return ScheduledFlight{ID: f.ID.String(), FlightNumber: f.FlightNumber, RouteCode: f.RouteCode, RouteLeg: f.RouteLeg,
		Callsign: f.Callsign, DptAirport: f.DptAirport, ArrAirport: f.ArrAirport, AltAirport: f.AltAirport,
		DptTime: f.DptTime, ArrTime: f.ArrTime, Days: f.Days, StartDate: f.StartDate, EndDate: f.EndDate,
		Distance: f.Distance, FlightTime: f.FlightTime, Level: f.Level, FlightType: f.FlightType, Route: f.Route,
		Notes: f.Notes, SubfleetIDs: f.SubfleetIds, SubfleetTypes: f.SubfleetTypes, Active: f.Active,
		LoadFactor: f.LoadFactor, LoadFactorVariance: f.LoadFactorVariance,
		Fields: flightFields(f.FieldNames, f.FieldValues), Fares: f.Fares}
}

// flightFields pairs a flight row's custom field columns.
func flightFields(names, values []string) []domain.FlightField {
	var out []domain.FlightField
	for i, n := range names {
		if i < len(values) {
			out = append(out, domain.FlightField{Name: n, Value: values[i]})
		}
	}
	return out

}

// FlightFilter is a flight search: empty fields match any flight.
type FlightFilter struct {
	Dpt, Arr string // ICAO codes
	// Aircraft is an ICAO type (B738) or a subfleet id.
	Aircraft string
	// Day is a weekday, 1 (Monday) to 7; 0 is any day.
	Day int
	// IncludeInactive finds flights taken out of the pilots' search too.
	IncludeInactive bool
	// After is the cursor of the previous page's last flight; empty (or a
	// cursor that does not read) starts at the first flight.
	After string
}

// FlightResults is one page of a flight search.
type FlightResults struct {
	Flights []ScheduledFlight
	// Next is the cursor of the page after this one; empty on the last.
	Next string
}

// FindFlights runs a flight search of one airline: at most limit flights,
// in departure time order, from the filter's cursor.
func (q Querier) FindFlights(ctx context.Context, airlineID string, f FlightFilter, limit int) (FlightResults, error) {
	var day int32
	if f.Day >= 1 && f.Day <= 7 {
		day = int32(1) << (f.Day - 1)
	}
	p := readmodel.SearchFlightsParams{TenantID: airlineID, IncludeInactive: f.IncludeInactive,
		Aircraft: f.Aircraft, Day: day, PageSize: int32(limit) + 1}
	p.AfterTime, p.AfterNumber, p.AfterCode, p.AfterLeg = parseFlightCursor(f.After)
	var rows []readmodel.Flight
	var err error
	switch {
	case f.Dpt != "" && f.Arr != "":
		rows, err = q.SearchFlightsBetween(ctx, readmodel.SearchFlightsBetweenParams{TenantID: p.TenantID, DptAirport: f.Dpt,
			ArrAirport: f.Arr, IncludeInactive: p.IncludeInactive, Aircraft: p.Aircraft, Day: p.Day, AfterTime: p.AfterTime,
			AfterNumber: p.AfterNumber, AfterCode: p.AfterCode, AfterLeg: p.AfterLeg, PageSize: p.PageSize})
	case f.Dpt != "":
		rows, err = q.SearchFlightsFrom(ctx, readmodel.SearchFlightsFromParams{TenantID: p.TenantID, DptAirport: f.Dpt,
			IncludeInactive: p.IncludeInactive, Aircraft: p.Aircraft, Day: p.Day, AfterTime: p.AfterTime,
			AfterNumber: p.AfterNumber, AfterCode: p.AfterCode, AfterLeg: p.AfterLeg, PageSize: p.PageSize})
	case f.Arr != "":
		rows, err = q.SearchFlightsTo(ctx, readmodel.SearchFlightsToParams{TenantID: p.TenantID, ArrAirport: f.Arr,
			IncludeInactive: p.IncludeInactive, Aircraft: p.Aircraft, Day: p.Day, AfterTime: p.AfterTime,
			AfterNumber: p.AfterNumber, AfterCode: p.AfterCode, AfterLeg: p.AfterLeg, PageSize: p.PageSize})
	default:
		rows, err = q.SearchFlights(ctx, p)
	}
	if err != nil {
		return FlightResults{}, err
	}
	var out FlightResults
	if len(rows) > limit {
		rows = rows[:limit]
		out.Next = formatFlightCursor(rows[len(rows)-1])
	}
	for _, r := range rows {
		out.Flights = append(out.Flights, scheduledFlight(r))
	}
	return out, nil
}

// A cursor is the last row's order key: departure time, number, route
// code and leg, joined by "~" (none of them contains one).
func formatFlightCursor(f readmodel.Flight) string {
	return strings.Join([]string{f.DptTime, f.FlightNumber, f.RouteCode, strconv.Itoa(int(f.RouteLeg))}, "~")
}

// parseFlightCursor reads a cursor; anything else starts at the first
// flight.
func parseFlightCursor(s string) (string, string, string, int32) {
	parts := strings.Split(s, "~")
	if len(parts) != 4 {
		return "", "", "", 0
	}
	leg, err := strconv.Atoi(parts[3])
	if err != nil || leg < 0 || leg > 1<<30 {
		return "", "", "", 0
	}
	return parts[0], parts[1], parts[2], int32(leg)
}

// FindFlight reads one flight of an airline by its id; an id that is not
// one, or a flight of another airline, is not found.
func (q Querier) FindFlight(ctx context.Context, airlineID, flightID string) (ScheduledFlight, error) {
	id, err := uuid.Parse(flightID)
	if err != nil {
		return ScheduledFlight{}, domain.Errorf(domain.ENotFound, "There is no such flight in this airline.")
	}
	f, err := q.GetFlight(ctx, readmodel.GetFlightParams{TenantID: airlineID, ID: id})
	if err != nil {
		return ScheduledFlight{}, err
	}
	return scheduledFlight(f), nil
}
