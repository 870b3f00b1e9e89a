package reads

import (
	"context"

	"github.com/albatross-va/albatross/store/readmodel"
)

// GetFlight finds a flight of one airline.
func (q Querier) GetFlight(ctx context.Context, arg readmodel.GetFlightParams) (readmodel.Flight, error) {
	f, err := q.Querier.GetFlight(ctx, arg)
	return f, notFound(err, "The flight")
}
