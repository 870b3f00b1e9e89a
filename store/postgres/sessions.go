package postgres

import (
	"context"
	"errors"
	"log/slog"
	"sync"
	"time"

	"github.com/alexedwards/scs/pgxstore"
	"github.com/alexedwards/scs/v2"
	"github.com/jackc/pgx/v5"
	"github.com/jackc/pgx/v5/pgxpool"

	"github.com/albatross-va/albatross/store/sessions"
)

// sessionCleanupInterval is how often SessionStore deletes expired sessions.
const sessionCleanupInterval = 5 * time.Minute

// SessionStore is the scs session store on PostgreSQL: pgxstore on the
// sessions table (migrations/20261128000600_sessions.sql), plus
// context-aware methods (scs.CtxStore) and a cleanup goroutine that Close
// stops. pgxstore's own cleanup is not used: its StopCleanup races with the
// goroutine's start and blocks when called twice.
type SessionStore struct {
	*pgxstore.PostgresStore // Find, Commit, Delete, All
	pool                    *pgxpool.Pool

	stop context.CancelFunc
	done chan struct{}
	once sync.Once
}

var (
	_ scs.Store           = (*SessionStore)(nil)
	_ scs.CtxStore        = (*SessionStore)(nil)
	_ sessions.ManyFinder = (*SessionStore)(nil)
)

// NewSessionStore returns the session store in pool's database and starts a
// goroutine that deletes expired sessions every 5 minutes until Close.
func NewSessionStore(pool *pgxpool.Pool) *SessionStore {
	ctx, cancel := context.WithCancel(context.Background())
	s := &SessionStore{
		PostgresStore: pgxstore.NewWithCleanupInterval(pool, 0),
		pool:          pool,
		stop:          cancel,
		done:          make(chan struct{}),
	}
	go s.cleanup(ctx, sessionCleanupInterval)
	return s
}

// FindCtx implements scs.CtxStore: the data of an unexpired session.
func (s *SessionStore) FindCtx(ctx context.Context, token string) ([]byte, bool, error) {
	var b []byte
	err := s.pool.QueryRow(ctx,
		"SELECT data FROM sessions WHERE token = $1 AND current_timestamp < expiry", token).Scan(&b)
	switch {
	case errors.Is(err, pgx.ErrNoRows):
		return nil, false, nil
	case err != nil:
		return nil, false, err
	}
	return b, true, nil
}

// FindMany implements sessions.ManyFinder: the unexpired sessions among
// tokens, in one query.
func (s *SessionStore) FindMany(ctx context.Context, tokens []string) (map[string][]byte, error) {
	out := make(map[string][]byte, len(tokens))
	if len(tokens) == 0 {
		return out, nil
	}
	rows, err := s.pool.Query(ctx,
		"SELECT token, data FROM sessions WHERE token = ANY($1) AND current_timestamp < expiry", tokens)
	if err != nil {
		return nil, err
	}
	defer rows.Close()
	for rows.Next() {
		var token string
		var b []byte
		if err := rows.Scan(&token, &b); err != nil {
			return nil, err
		}
		out[token] = b
	}
	return out, rows.Err()
}

// CommitCtx implements scs.CtxStore: inserts or replaces a session.
func (s *SessionStore) CommitCtx(ctx context.Context, token string, b []byte, expiry time.Time) error {
	_, err := s.pool.Exec(ctx, `
INSERT INTO sessions (token, data, expiry) VALUES ($1, $2, $3)
ON CONFLICT (token) DO UPDATE SET data = EXCLUDED.data, expiry = EXCLUDED.expiry`, token, b, expiry)
	return err
}

// DeleteCtx implements scs.CtxStore.
func (s *SessionStore) DeleteCtx(ctx context.Context, token string) error {
	_, err := s.pool.Exec(ctx, "DELETE FROM sessions WHERE token = $1", token)
	return err
}

// DeleteExpired deletes every expired session; the cleanup goroutine calls it.
func (s *SessionStore) DeleteExpired(ctx context.Context) error {
	_, err := s.pool.Exec(ctx, "DELETE FROM sessions WHERE expiry < current_timestamp")
	return err
}

func (s *SessionStore) cleanup(ctx context.Context, every time.Duration) {
	defer close(s.done)
	sessions.Sweep(ctx, every, s.DeleteExpired, slog.Default())
}

// Close stops the cleanup goroutine and waits for it; it does not close the
// pool. Calling it again does nothing.
func (s *SessionStore) Close() error {
	s.once.Do(s.stop)
	<-s.done
	return nil
}
