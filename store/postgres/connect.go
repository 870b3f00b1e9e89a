package postgres

import (
	"context"
	"errors"
	"fmt"
	"time"

	"github.com/jackc/pgx/v5/pgconn"
	"github.com/jackc/pgx/v5/pgxpool"
)

// PingError is PostgreSQL not answering Connect's ping: Host is the
// host:port DATABASE_URL names, Err why, PostgreSQL's own message when it
// answered with a refusal. Neither holds the password.
type PingError struct {
	Host string
	Err  error
}

// Error names the host and the cause.
func (e *PingError) Error() string {
	return fmt.Sprintf("cannot reach PostgreSQL at %s (DATABASE_URL): %v", e.Host, e.Err)
}

// Unwrap gives the cause.
func (e *PingError) Unwrap() error { return e.Err }

// Connect opens a pool on the database at url (DATABASE_URL) and pings it
// for at most ten seconds. Its errors name the variable or the host, never
// the password; a failed ping is a *PingError.
func Connect(ctx context.Context, url string) (*pgxpool.Pool, error) {
	cfg, err := pgxpool.ParseConfig(url)
	if err != nil {
		return nil, errors.New("DATABASE_URL is malformed: expected postgres://user:password@host:5432/database")
	}
	host := fmt.Sprintf("%s:%d", cfg.ConnConfig.Host, cfg.ConnConfig.Port)
	// The read-model queries with "empty means any" filters are planned
	// for each run's values (plans.go); the others may keep a generic plan.
	pool, err := pgxpool.NewWithConfig(ctx, cfg)
	if err != nil {
		return nil, fmt.Errorf("DATABASE_URL: cannot use PostgreSQL at %s: %w", host, err)
	}
	pctx, cancel := context.WithTimeout(ctx, 10*time.Second)
	defer cancel()
	if err := pool.Ping(pctx); err != nil {
		pool.Close()
		// pgx's text of a refusal lists every address tried, with the
		// user and database; PostgreSQL's own message says it on one line.
		var pgErr *pgconn.PgError
		if errors.As(err, &pgErr) {
			err = errors.New(pgErr.Message)
		}
		return nil, &PingError{Host: host, Err: err}
	}
	return pool, nil
}
