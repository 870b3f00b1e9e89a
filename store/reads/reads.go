// Package reads is the read-model port the handlers use: the sqlc Querier
// of either backend, and the domain's read ports built on it. Both backends
// already give a miss as a domain ENotFound error naming what was missing
// (readmodel.NotFound), so a missing record is a 404, not a 500, without a
// wrapper here; the shared suite store/readmodeltest checks every one-row
// query for it.
package reads

import "github.com/albatross-va/albatross/store/readmodel"

// Querier is a read model (PostgreSQL or in-memory) as the handlers hold it.
type Querier struct {
	readmodel.Querier
}

// New wraps q.
func New(q readmodel.Querier) Querier { return Querier{Querier: q} }
