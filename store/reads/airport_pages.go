package reads

import (
	"context"
	"strings"

	"github.com/albatross-va/albatross/domain"
	"github.com/albatross-va/albatross/store/readmodel"
)

// The reads of an airline's airport pages: its list, the search box over
// it, and one airport. An airport is given as the domain's AirportDetails,
// every field its form edits.

func airportDetails(a readmodel.Airport) domain.AirportDetails {
	return domain.AirportDetails{ICAO: a.Icao, IATA: a.Iata, Name: a.Name, City: a.City, Region: a.Region,
		Country: a.Country, Timezone: a.Timezone, Hub: a.Hub, Latitude: a.Latitude, Longitude: a.Longitude,
		Elevation: a.ElevationFt, GroundHandlingCost: a.GroundHandlingCost, Fuel100LLCost: a.Fuel100llCost,
		FuelJetACost: a.FuelJetaCost, FuelMogasCost: a.FuelMogasCost, Notes: a.Notes}
}

func airportList(rows []readmodel.Airport) []domain.AirportDetails {
	out := make([]domain.AirportDetails, 0, len(rows))
	for _, a := range rows {
		out = append(out, airportDetails(a))
	}
	return out
}

// Airports are an airline's airports, by ICAO code.
func (q Querier) Airports(ctx context.Context, airlineID string) ([]domain.AirportDetails, error) {
	rows, err := q.ListAirports(ctx, airlineID)
	if err != nil {
		return nil, err
	}
	return airportList(rows), nil
}

// AirportsAmong are the airline's airports among the ICAO codes given (a
// page's), by ICAO code, in one query; codes it lacks are left out.
func (q Querier) AirportsAmong(ctx context.Context, airlineID string, icaos []string) ([]domain.AirportDetails, error) {
	rows, err := q.ListAirportsByIcao(ctx, readmodel.ListAirportsByIcaoParams{TenantID: airlineID, Icaos: icaos})
	if err != nil {
		return nil, err
	}
	return airportList(rows), nil
}

// SearchAirlineAirports finds at most limit of an airline's airports whose
// ICAO, IATA, name or city contains term, whatever its case or the spaces
// around it: those whose ICAO code starts with it first.
func (q Querier) SearchAirlineAirports(ctx context.Context, airlineID, term string, limit int) ([]domain.AirportDetails, error) {
	rows, err := q.SearchAirports(ctx, readmodel.SearchAirportsParams{TenantID: airlineID,
		Term: strings.ToLower(strings.TrimSpace(term)), MaxRows: int32(limit)})
	if err != nil {
		return nil, err
	}
	return airportList(rows), nil
}

// FindAirport reads one airport of an airline by its ICAO code, in either
// case; an airport the airline does not have is not found.
func (q Querier) FindAirport(ctx context.Context, airlineID, icao string) (domain.AirportDetails, error) {
	a, err := q.GetAirport(ctx, readmodel.GetAirportParams{TenantID: airlineID, Icao: strings.ToUpper(icao)})
	if err != nil {
		return domain.AirportDetails{}, err
	}
	return airportDetails(a), nil
}

// AirportPositions are where an airline's airports are, by ICAO code; an
// airport whose coordinates are both zero has a position not known.
func (q Querier) AirportPositions(ctx context.Context, airlineID string) (map[string]domain.AirportPosition, error) {
	rows, err := q.ListAirports(ctx, airlineID)
	if err != nil {
		return nil, err
	}
	out := make(map[string]domain.AirportPosition, len(rows))
	for _, a := range rows {
		out[a.Icao] = airportPosition(a.Latitude, a.Longitude)
	}
	return out, nil
}
