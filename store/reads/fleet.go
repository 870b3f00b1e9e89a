package reads

import (
	"context"

	"github.com/albatross-va/albatross/store/readmodel"
)

// GetSubfleet finds a subfleet of one airline.
func (q Querier) GetSubfleet(ctx context.Context, arg readmodel.GetSubfleetParams) (readmodel.Subfleet, error) {
	s, err := q.Querier.GetSubfleet(ctx, arg)
	return s, notFound(err, "The subfleet")
}

// GetAircraft finds an aircraft of one airline.
func (q Querier) GetAircraft(ctx context.Context, arg readmodel.GetAircraftParams) (readmodel.Aircraft, error) {
	a, err := q.Querier.GetAircraft(ctx, arg)
	return a, notFound(err, "The aircraft")
}
