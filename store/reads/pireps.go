package reads

import (
	"context"

	"github.com/albatross-va/albatross/store/readmodel"
)

// GetPirep finds a PIREP of one airline.
func (q Querier) GetPirep(ctx context.Context, arg readmodel.GetPirepParams) (readmodel.Pirep, error) {
	p, err := q.Querier.GetPirep(ctx, arg)
	return p, notFound(err, "The PIREP")
}

// GetPilotStats returns a pilot's totals; a pilot without an accepted
// PIREP may have none.
func (q Querier) GetPilotStats(ctx context.Context, arg readmodel.GetPilotStatsParams) (readmodel.PilotStat, error) {
	s, err := q.Querier.GetPilotStats(ctx, arg)
	return s, notFound(err, "The pilot's totals")
}

// GetAircraftPirepTotals returns what accepted PIREPs added to an aircraft.
func (q Querier) GetAircraftPirepTotals(ctx context.Context, arg readmodel.GetAircraftPirepTotalsParams) (readmodel.AircraftPirepTotal, error) {
	t, err := q.Querier.GetAircraftPirepTotals(ctx, arg)
	return t, notFound(err, "The aircraft's totals")
}

// GetPilotRank returns a pilot's rank; a pilot never given one has none.
func (q Querier) GetPilotRank(ctx context.Context, arg readmodel.GetPilotRankParams) (readmodel.PilotRank, error) {
	r, err := q.Querier.GetPilotRank(ctx, arg)
	return r, notFound(err, "The pilot's rank")
}

// GetAirlinePirepRules returns an airline's filing rules; an airline that
// never set them has none.
func (q Querier) GetAirlinePirepRules(ctx context.Context, tenantID string) (readmodel.AirlinePirepRule, error) {
	r, err := q.Querier.GetAirlinePirepRules(ctx, tenantID)
	return r, notFound(err, "The airline's PIREP rules")
}
