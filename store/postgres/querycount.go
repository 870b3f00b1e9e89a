package postgres

import (
	"context"
	"sync/atomic"

	"github.com/jackc/pgx/v5"
)

// QueryCounter is a pgx tracer that counts the round trips a pool makes:
// each query, and each batch once (a batch is sent and answered together).
// Set it as a pool's ConnConfig.Tracer to see how many queries a page
// costs; reading it is safe while queries run. It also counts the rows the
// queries return, so a page that reads another airline's rows shows even
// when it makes no more round trips.
type QueryCounter struct {
	queries, batches, rows atomic.Int64
}

var (
	_ pgx.QueryTracer = (*QueryCounter)(nil)
	_ pgx.BatchTracer = (*QueryCounter)(nil)
)

// RoundTrips is the queries outside batches plus the batches so far.
func (c *QueryCounter) RoundTrips() int64 { return c.queries.Load() + c.batches.Load() }

// TraceQueryStart implements pgx.QueryTracer.
func (c *QueryCounter) TraceQueryStart(ctx context.Context, _ *pgx.Conn, _ pgx.TraceQueryStartData) context.Context {
	if ctx.Value(inBatch{}) == nil {
		c.queries.Add(1)
	}
	return ctx
}

// RowsReturned is how many rows the queries so far returned (or changed).
func (c *QueryCounter) RowsReturned() int64 { return c.rows.Load() }

// TraceQueryEnd implements pgx.QueryTracer.
func (c *QueryCounter) TraceQueryEnd(ctx context.Context, _ *pgx.Conn, d pgx.TraceQueryEndData) {
	if ctx.Value(inBatch{}) == nil {
		c.rows.Add(d.CommandTag.RowsAffected())
	}
}

// inBatch marks a context inside a batch, whose queries are one round trip.
type inBatch struct{}

// TraceBatchStart implements pgx.BatchTracer.
func (c *QueryCounter) TraceBatchStart(ctx context.Context, _ *pgx.Conn, _ pgx.TraceBatchStartData) context.Context {
	c.batches.Add(1)
	return context.WithValue(ctx, inBatch{}, true)
}

// TraceBatchQuery implements pgx.BatchTracer.
func (c *QueryCounter) TraceBatchQuery(_ context.Context, _ *pgx.Conn, d pgx.TraceBatchQueryData) {
	c.rows.Add(d.CommandTag.RowsAffected())
}

// TraceBatchEnd implements pgx.BatchTracer.
func (c *QueryCounter) TraceBatchEnd(context.Context, *pgx.Conn, pgx.TraceBatchEndData) {}
