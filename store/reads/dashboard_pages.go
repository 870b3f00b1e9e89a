package reads

import (
	"context"

	"github.com/google/uuid"

	"github.com/albatross-va/albatross/domain"
	"github.com/albatross-va/albatross/store/readmodel"
)

// The reads of a pilot's dashboard: their career so far and the names of
// the airports it shows. Their PIREPs are PilotPireps, the departures
// FindFlights, the ranks AirlineRanks.

// Career is a pilot's career in an airline: the totals of their accepted
// PIREPs and the rank they hold. A pilot with no accepted PIREP and no
// rank has the zero Career.
type Career struct {
	Flights, Minutes int64
	Location         string // ICAO of their last arrival; "" before their first flight
	LandingRate      int32  // ft/min, their average; 0 for none
	RankID           string // "" for none
}

// PilotCareer reads a pilot's career in an airline; an id that is not one
// has none.
func (q Querier) PilotCareer(ctx context.Context, airlineID, pilotID string) (Career, error) {
	id, err := uuid.Parse(pilotID)
	if err != nil {
		return Career{}, nil
	}
	var out Career
	switch s, err := q.GetPilotStats(ctx, readmodel.GetPilotStatsParams{TenantID: airlineID, PilotID: id}); {
	case err == nil:
		out.Flights, out.Minutes, out.Location, out.LandingRate = s.Flights, s.Minutes, s.Location, s.LandingRate
	case domain.ErrorCode(err) != domain.ENotFound:
		return Career{}, err
	}
	switch r, err := q.GetPilotRank(ctx, readmodel.GetPilotRankParams{TenantID: airlineID, PilotID: id}); {
	case err == nil:
		out.RankID = r.RankID
	case domain.ErrorCode(err) != domain.ENotFound:
		return Career{}, err
	}
	return out, nil
}

// AirportName is the name of an airline's airport; "" for an airport the
// airline does not have (or no longer has).
func (q Querier) AirportName(ctx context.Context, airlineID, icao string) (string, error) {
	ap, err := q.GetAirport(ctx, readmodel.GetAirportParams{TenantID: airlineID, Icao: icao})
	if err != nil && domain.ErrorCode(err) != domain.ENotFound {
		return "", err
	}
	return ap.Name, nil
}
