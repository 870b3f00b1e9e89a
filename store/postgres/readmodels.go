package postgres

import (
	"context"
	"errors"
	"fmt"
	"strings"

	"github.com/jackc/pgx/v5"
	"github.com/jackc/pgx/v5/pgconn"
	"github.com/jackc/pgx/v5/pgxpool"

	"github.com/albatross-va/albatross/store/readmodel"
)

// ReadModels is the projector's backend on PostgreSQL: the read-model tables
// queried through sqlc, and one transaction per batch that holds the
// advisory locks of the projections it advances.
type ReadModels struct {
	pool *pgxpool.Pool
	q    *readmodel.Queries
}

// NewReadModels returns the read models stored in pool's database.
func NewReadModels(pool *pgxpool.Pool) *ReadModels {
	return &ReadModels{pool: pool, q: readmodel.New(cleanText{pool})}
}

// Reader returns queries on the pool: each sees committed rows only.
func (r *ReadModels) Reader() readmodel.Querier { return r.q }

// tryProjectionLocks takes the transaction-scoped advisory locks of those
// projections no other session holds, in one round trip, and returns their
// names. An advisory lock gives the transaction no transaction id, unlike
// a row lock (SELECT ... FOR UPDATE on the checkpoint): the event store's
// readers stop below the oldest running transaction id, so a batch that had
// one before it read the log would hide from itself the events committed
// after it began.
const tryProjectionLocks = `SELECT name FROM unnest($1::text[]) WITH ORDINALITY AS p(name, i)
WHERE pg_try_advisory_xact_lock(hashtextextended('projection:' || name, 0)) ORDER BY i`

// Batch runs fn in one transaction holding the projection's advisory lock,
// and commits when fn returns nil. When another session holds the lock it
// returns ran=false without waiting. The lock ends with the transaction, so a
// process that dies mid-batch frees it and leaves nothing of the batch.
func (r *ReadModels) Batch(ctx context.Context, projection string, fn func(q readmodel.Querier) error) (ran bool, err error) {
	locked, err := r.BatchAll(ctx, []string{projection}, func(q readmodel.Querier, _ []string) error { return fn(q) })
	return len(locked) > 0, err
}

// BatchAll runs fn in one transaction holding the advisory locks of those
// of projections no other session holds, and commits when fn returns nil;
// fn learns which it holds. When another session holds them all it returns
// none without calling fn. The locks end with the transaction.
func (r *ReadModels) BatchAll(ctx context.Context, projections []string, fn func(q readmodel.Querier, locked []string) error) (locked []string, err error) {
	what := strings.Join(projections, ", ")
	tx, err := r.pool.BeginTx(ctx, pgx.TxOptions{})
	if err != nil {
		return nil, fmt.Errorf("begin batch of %s: %w", what, err)
	}
	defer func() {
		// After a commit this is a no-op; otherwise it undoes the batch. A
		// rollback on a dead connection fails, and the server rolls back.
		if rbErr := tx.Rollback(context.WithoutCancel(ctx)); rbErr != nil && !errors.Is(rbErr, pgx.ErrTxClosed) && err == nil {
			err = fmt.Errorf("roll back batch of %s: %w", what, rbErr)
		}
	}()
	rows, err := tx.Query(ctx, tryProjectionLocks, projections)
	if err == nil {
		locked, err = pgx.CollectRows(rows, pgx.RowTo[string])
	}
	if err != nil {
		return nil, fmt.Errorf("lock projections %s: %w", what, err)
	}
	if len(locked) == 0 {
		return nil, nil
	}
	what = strings.Join(locked, ", ")
	w := &writeBehind{tx: tx}
	q := &batchQueries{Queries: readmodel.New(cleanText{w})}
	if err := fn(q, locked); err != nil {
		return locked, err
	}
	if q.lazy {
		w.queue.Queue(lazyCommit)
	}
	if err := w.flush(ctx); err != nil {
		return locked, fmt.Errorf("write batch of %s: %w", what, domainError(err))
	}
	if err := tx.Commit(ctx); err != nil {
		return locked, fmt.Errorf("commit batch of %s: %w", what, err)
	}
	return locked, nil
}

// batchQueries are the queries of one batch; the projector marks a batch
// that changes nothing but its checkpoint, so that it commits lazily.
type batchQueries struct {
	*readmodel.Queries
	lazy bool
}

// CommitLazily lets the batch commit without waiting for its write-ahead
// log to reach the disk. Only a batch that moves a checkpoint past events
// its projection does not read may: should the database crash before the
// log is flushed, it loses the batch whole, as if rolled back, and the
// projection reads those events again and skips them again. A batch that
// changed a row must commit durably, or a user who saw their change could
// lose it to a crash.
func (q *batchQueries) CommitLazily() { q.lazy = true }

// lazyCommit makes the batch's commit asynchronous. It is sent after the
// batch's writes, with them; a commit record is flushed by the WAL writer
// within a few hundred milliseconds, or with the next durable commit.
const lazyCommit = `SELECT set_config('synchronous_commit', 'off', true)`

// writeBehind queues the read-model writes of a batch and sends them in one
// pipelined round trip: sent one by one, the round trips made the projector
// about six times slower than the same upserts in a pgx.Batch
// (bench/results.txt). Reads send the queued writes first, so a batch sees
// its own writes. Exec answers before the statement runs, with an empty
// command tag: read-model writes must be sqlc ":exec" queries (never
// ":execrows"), and their errors surface at the next read or at flush,
// which fails the batch and rolls it all back.
type writeBehind struct {
	tx    pgx.Tx
	queue pgx.Batch
}

// maxQueuedWrites bounds a batch's queue, so that a rebuild, which replays
// the whole log in one transaction, holds a page of writes in memory rather
// than all of them.
const maxQueuedWrites = 1000

// Exec queues a write, sending the queue when it is full.
func (w *writeBehind) Exec(ctx context.Context, sql string, args ...any) (pgconn.CommandTag, error) {
	w.queue.Queue(sql, args...)
	if w.queue.Len() >= maxQueuedWrites {
		return pgconn.CommandTag{}, w.flush(ctx)
	}
	return pgconn.CommandTag{}, nil
}

// Query sends the queued writes, then reads.
func (w *writeBehind) Query(ctx context.Context, sql string, args ...any) (pgx.Rows, error) {
	if err := w.flush(ctx); err != nil {
		return nil, err
	}
	return w.tx.Query(ctx, sql, args...)
}

// QueryRow sends the queued writes, then reads one row.
func (w *writeBehind) QueryRow(ctx context.Context, sql string, args ...any) pgx.Row {
	if err := w.flush(ctx); err != nil {
		return errRow{err}
	}
	return w.tx.QueryRow(ctx, sql, args...)
}

// flush sends every queued write in one round trip.
func (w *writeBehind) flush(ctx context.Context) error {
	if w.queue.Len() == 0 {
		return nil
	}
	err := w.tx.SendBatch(ctx, &w.queue).Close()
	w.queue = pgx.Batch{}
	return err
}

// errRow is a row whose Scan reports an earlier write's error.
type errRow struct{ err error }

func (r errRow) Scan(...any) error { return r.err }

// IsDataError says whether err is the database refusing a batch's data
// (SQLSTATE class 22, data exception, or 23, integrity constraint
// violation) or a row the data expected and the table does not hold: errors
// that recur however often the batch is tried, unlike a lost connection.
func (r *ReadModels) IsDataError(err error) bool {
	return isDataError(err)
}

// IsDatabaseError says whether err came from PostgreSQL or the connection
// to it.
func (r *ReadModels) IsDatabaseError(err error) bool {
	var pgErr *pgconn.PgError
	return errors.As(err, &pgErr) || pgconn.Timeout(err) || pgconn.SafeToRetry(err) ||
		errors.As(err, new(*pgconn.ConnectError)) || errors.Is(err, pgx.ErrTxClosed)
}

func isDataError(err error) bool {
	if errors.Is(err, pgx.ErrNoRows) {
		return true
	}
	var pgErr *pgconn.PgError
	if !errors.As(err, &pgErr) || len(pgErr.Code) != 5 {
		return false
	}
	class := pgErr.Code[:2]
	return class == "22" || class == "23"
}
