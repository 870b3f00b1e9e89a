package memory

import "context"

// The in-memory counts of an airline's PIREPs are the sizes of its ordered
// trees (pirep_index.go), never a counter bumped per row, and its totals
// are kept PIREP by PIREP without the cost that makes PostgreSQL defer
// them in a rebuild: DeferPirepCounts only checks the statement as
// PostgreSQL would refuse it, and RecountPireps sets the totals from the
// rows as PostgreSQL's does (the same totals, recounted).

// DeferPirepCounts implements readmodel.Querier.
func (m *ReadModels) DeferPirepCounts(ctx context.Context) error { return ctx.Err() }

// RecountPireps implements readmodel.Querier.
func (m *ReadModels) RecountPireps(ctx context.Context) error {
	return m.write(func(t *tx) error { return t.RecountPireps(ctx) })
}

func (t *tx) DeferPirepCounts(ctx context.Context) error { return t.check(ctx) }

func (t *tx) RecountPireps(ctx context.Context) error {
	if err := t.check(ctx); err != nil {
		return err
	}
	t.recountTotals()
	return nil
}
