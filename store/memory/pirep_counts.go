package memory

import "context"

// The in-memory counts of an airline's PIREPs are the sizes of its ordered
// trees (pirep_index.go), never a counter bumped per row, so a rebuild has
// nothing to defer or recount: DeferPirepCounts and RecountPireps only
// check the statement as PostgreSQL would refuse it.

// DeferPirepCounts implements readmodel.Querier.
func (m *ReadModels) DeferPirepCounts(ctx context.Context) error { return ctx.Err() }

// RecountPireps implements readmodel.Querier.
func (m *ReadModels) RecountPireps(ctx context.Context) error { return ctx.Err() }

func (t *tx) DeferPirepCounts(ctx context.Context) error { return t.check(ctx) }

func (t *tx) RecountPireps(ctx context.Context) error { return t.check(ctx) }
