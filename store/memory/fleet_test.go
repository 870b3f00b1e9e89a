package memory_test

import (
	"context"

	"github.com/albatross-va/albatross/store/readmodel"
)

// The fleet's writes, each in its own batch, for TestQueriesInBatch.

func (b batchQuerier) UpsertSubfleet(ctx context.Context, arg readmodel.UpsertSubfleetParams) error {
	return b.in(ctx, func(q readmodel.Querier) error { return q.UpsertSubfleet(ctx, arg) })
}

func (b batchQuerier) DeleteAllSubfleets(ctx context.Context) error {
	return b.in(ctx, func(q readmodel.Querier) error { return q.DeleteAllSubfleets(ctx) })
}

func (b batchQuerier) UpsertAircraft(ctx context.Context, arg readmodel.UpsertAircraftParams) error {
	return b.in(ctx, func(q readmodel.Querier) error { return q.UpsertAircraft(ctx, arg) })
}

func (b batchQuerier) DeleteAllAircraft(ctx context.Context) error {
	return b.in(ctx, func(q readmodel.Querier) error { return q.DeleteAllAircraft(ctx) })
}
