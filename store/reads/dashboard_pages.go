package reads

import (
	"context"

	"github.com/google/uuid"

	"github.com/albatross-va/albatross/store/readmodel"
)

// The reads of a pilot's dashboard: their career so far. Their PIREPs are
// PilotPireps, the departures FindFlights, the ranks AirlineRanks, the
// names of the airports it shows AirportsAmong.

// Career is a pilot's career in an airline: the totals of their accepted
// PIREPs and the rank they hold. A pilot with no accepted PIREP and no
// rank has the zero Career.
type Career struct {
	Flights, Minutes int64
	Location         string // ICAO of their last arrival or later jumpseat; "" before either
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
	c, err := q.ReadPilotCareer(ctx, readmodel.ReadPilotCareerParams{TenantID: airlineID, PilotID: id})
	if err != nil {
		return Career{}, err
	}
	loc, err := PirepSettings{Q: q}.PilotLocation(ctx, airlineID, pilotID)
	if err != nil {
		return Career{}, err
	}
	return Career{Flights: c.Flights, Minutes: c.Minutes, Location: loc, LandingRate: c.LandingRate, RankID: c.RankID}, nil
}
