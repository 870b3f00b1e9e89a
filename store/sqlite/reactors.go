package sqlite

import (
	"context"
	"database/sql"
	"errors"
	"fmt"
	"sync"
	"time"

	"github.com/albatross-va/albatross/store/projector"
)

// ReactorCheckpoints keeps how far each reactor has reacted in the log's
// file (projector.ReactorCheckpoints). The embedded mode is one process, so
// a reactor's lock is held in memory; the write of a checkpoint is a short
// transaction of its own, never open while the reactor appends.
type ReactorCheckpoints struct {
	writer, reader *sql.DB

	mu   sync.Mutex
	held map[string]bool
}

// ReactorCheckpoints returns the log's reactor checkpoints; every call
// returns the same one, so its locks hold across callers.
func (s *EventStore) ReactorCheckpoints() *ReactorCheckpoints {
	s.mu.Lock()
	defer s.mu.Unlock()
	if s.reactors == nil {
		s.reactors = &ReactorCheckpoints{writer: s.writer, reader: s.reader, held: map[string]bool{}}
	}
	return s.reactors
}

// Hold implements projector.ReactorCheckpoints.
func (c *ReactorCheckpoints) Hold(ctx context.Context, reactor string, fn func(cp projector.ReactorCheckpoint) (projector.ReactorCheckpoint, error)) (bool, error) {
	c.mu.Lock()
	if c.held[reactor] {
		c.mu.Unlock()
		return false, nil
	}
	c.held[reactor] = true
	c.mu.Unlock()
	defer func() {
		c.mu.Lock()
		delete(c.held, reactor)
		c.mu.Unlock()
	}()
	at, err := c.Get(ctx, reactor)
	if err != nil {
		return true, err
	}
	next, ferr := fn(at)
	if next.At.After(at.At) {
		if _, err := c.writer.ExecContext(context.WithoutCancel(ctx), `
INSERT INTO reactor_checkpoints (name, commit_tx, seq, caused_commit_tx, caused_seq, updated_at) VALUES (?, ?, ?, ?, ?, ?)
ON CONFLICT (name) DO UPDATE SET commit_tx = excluded.commit_tx, seq = excluded.seq,
    caused_commit_tx = excluded.caused_commit_tx, caused_seq = excluded.caused_seq, updated_at = excluded.updated_at`,
			reactor, next.At.Commit, next.At.Seq, next.Caused.Commit, next.Caused.Seq, time.Now().UnixMicro()); err != nil {
			return true, errors.Join(ferr, fmt.Errorf("store checkpoint of reactor %s: %w", reactor, err))
		}
	}
	return true, ferr
}

// Get implements projector.ReactorCheckpoints.
func (c *ReactorCheckpoints) Get(ctx context.Context, reactor string) (projector.ReactorCheckpoint, error) {
	var cp projector.ReactorCheckpoint
	err := c.reader.QueryRowContext(ctx, `SELECT commit_tx, seq, caused_commit_tx, caused_seq FROM reactor_checkpoints WHERE name = ?`,
		reactor).Scan(&cp.At.Commit, &cp.At.Seq, &cp.Caused.Commit, &cp.Caused.Seq)
	if errors.Is(err, sql.ErrNoRows) {
		return projector.ReactorCheckpoint{}, nil
	}
	if err != nil {
		return projector.ReactorCheckpoint{}, fmt.Errorf("read checkpoint of reactor %s: %w", reactor, err)
	}
	return cp, nil
}
