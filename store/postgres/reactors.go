package postgres

import (
	"context"
	"errors"
	"fmt"

	"github.com/jackc/pgx/v5"
	"github.com/jackc/pgx/v5/pgxpool"

	"github.com/albatross-va/albatross/store/projector"
)

// ReactorCheckpoints keeps how far each reactor has reacted in the
// reactor_checkpoints table (projector.ReactorCheckpoints). A reactor runs
// in one process of the deployment at a time: Hold takes a transaction-
// scoped advisory lock, as the projections' batches do.
type ReactorCheckpoints struct{ pool *pgxpool.Pool }

// NewReactorCheckpoints returns the reactor checkpoints of pool's database.
func NewReactorCheckpoints(pool *pgxpool.Pool) *ReactorCheckpoints {
	return &ReactorCheckpoints{pool: pool}
}

// tryReactorLock takes a reactor's lock. Like the projections' lock it
// gives the transaction no transaction id, so the event store's readers,
// which stop below the oldest running one, do not wait for a reactor that
// is sending commands.
const tryReactorLock = `SELECT pg_try_advisory_xact_lock(hashtextextended('reactor:' || $1::text, 0))`

// Hold implements projector.ReactorCheckpoints. The transaction stays open
// while fn sends its commands (through the event store's own connections)
// and writes the checkpoint last, so it takes a transaction id only at the
// end. A process that dies meanwhile frees the lock and leaves the
// checkpoint where it was: the reactions are sent again with the same
// command ids, which the event store does not append twice.
func (c *ReactorCheckpoints) Hold(ctx context.Context, reactor string, fn func(cp projector.ReactorCheckpoint) (projector.ReactorCheckpoint, error)) (ran bool, err error) {
	tx, err := c.pool.BeginTx(ctx, pgx.TxOptions{})
	if err != nil {
		return false, fmt.Errorf("begin reactor %s: %w", reactor, err)
	}
	defer func() {
		if rbErr := tx.Rollback(context.WithoutCancel(ctx)); rbErr != nil && !errors.Is(rbErr, pgx.ErrTxClosed) && err == nil {
			err = fmt.Errorf("roll back reactor %s: %w", reactor, rbErr)
		}
	}()
	var locked bool
	if err := tx.QueryRow(ctx, tryReactorLock, reactor).Scan(&locked); err != nil {
		return false, fmt.Errorf("lock reactor %s: %w", reactor, err)
	}
	if !locked {
		return false, nil
	}
	at, err := getReactorCheckpoint(ctx, tx, reactor)
	if err != nil {
		return true, err
	}
	next, ferr := fn(at)
	if !next.At.After(at.At) {
		return true, ferr
	}
	// What fn sent stands whatever its error: the checkpoint keeps up with
	// it, bounded and not cut short by a shutdown.
	wctx := context.WithoutCancel(ctx)
	if _, err := tx.Exec(wctx, `
INSERT INTO reactor_checkpoints (name, commit_tx, seq, caused_commit_tx, caused_seq, updated_at) VALUES ($1, $2, $3, $4, $5, now())
ON CONFLICT (name) DO UPDATE SET commit_tx = excluded.commit_tx, seq = excluded.seq,
    caused_commit_tx = excluded.caused_commit_tx, caused_seq = excluded.caused_seq, updated_at = excluded.updated_at`,
		reactor, next.At.Commit, next.At.Seq, next.Caused.Commit, next.Caused.Seq); err != nil {
		return true, errors.Join(ferr, fmt.Errorf("store checkpoint of reactor %s: %w", reactor, err))
	}
	if err := tx.Commit(wctx); err != nil {
		return true, errors.Join(ferr, fmt.Errorf("commit checkpoint of reactor %s: %w", reactor, err))
	}
	return true, ferr
}

// Get implements projector.ReactorCheckpoints.
func (c *ReactorCheckpoints) Get(ctx context.Context, reactor string) (projector.ReactorCheckpoint, error) {
	return getReactorCheckpoint(ctx, c.pool, reactor)
}

type rowQuerier interface {
	QueryRow(ctx context.Context, sql string, args ...any) pgx.Row
}

func getReactorCheckpoint(ctx context.Context, q rowQuerier, reactor string) (projector.ReactorCheckpoint, error) {
	var cp projector.ReactorCheckpoint
	err := q.QueryRow(ctx, `SELECT commit_tx, seq, caused_commit_tx, caused_seq FROM reactor_checkpoints WHERE name = $1`,
		reactor).Scan(&cp.At.Commit, &cp.At.Seq, &cp.Caused.Commit, &cp.Caused.Seq)
	if errors.Is(err, pgx.ErrNoRows) {
		return projector.ReactorCheckpoint{}, nil
	}
	if err != nil {
		return projector.ReactorCheckpoint{}, fmt.Errorf("read checkpoint of reactor %s: %w", reactor, err)
	}
	return cp, nil
}
