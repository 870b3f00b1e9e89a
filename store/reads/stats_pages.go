package reads

import (
	"context"
	"time"

	"github.com/albatross-va/albatross/store/readmodel"
)

// Totals are what a set of accepted PIREPs adds up to.
type Totals struct {
	Flights, Minutes int64
}

// TopPilot is a pilot's place in a period's table.
type TopPilot struct {
	PilotID string // their pilot id, such as ABC0042
	// Name is "" for a pilot no longer in the airline, who keeps their
	// place.
	Name             string
	Flights, Minutes int64
}

// AirlineStats are an airline's statistics for a period.
type AirlineStats struct {
	Period, AllTime Totals
	// TopPilots are the period's pilots with the most flight time, then
	// the most flights.
	TopPilots []TopPilot
}

// Stats reads an airline's statistics: its accepted PIREPs with block-on
// in [from, to), all of them, and the period's top pilots, at most top.
func (q Querier) Stats(ctx context.Context, airlineID string, from, to time.Time, top int) (AirlineStats, error) {
	period, err := q.SumAirlineFlightsBetween(ctx, readmodel.SumAirlineFlightsBetweenParams{TenantID: airlineID, FromTime: from, ToTime: to})
	if err != nil {
		return AirlineStats{}, err
	}
	total, err := q.SumAirlineFlights(ctx, airlineID)
	if err != nil {
		return AirlineStats{}, err
	}
	rows, err := q.ListTopPilotsBetween(ctx, readmodel.ListTopPilotsBetweenParams{TenantID: airlineID, FromTime: from, ToTime: to, RowLimit: int32(top)})
	if err != nil {
		return AirlineStats{}, err
	}
	out := AirlineStats{Period: Totals(period), AllTime: Totals(total)}
	for _, r := range rows {
		out.TopPilots = append(out.TopPilots, TopPilot{PilotID: r.PilotIdent, Name: r.Name, Flights: r.Flights, Minutes: r.Minutes})
	}
	return out, nil
}
