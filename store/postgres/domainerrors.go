package postgres

import (
	"errors"
	"strings"

	"github.com/jackc/pgx/v5"
	"github.com/jackc/pgx/v5/pgconn"

	"github.com/albatross-va/albatross/domain"
	"github.com/albatross-va/albatross/store/readmodel"
)

// The read models' errors as the domain codes them: the one place where a
// miss (pgx.ErrNoRows) and a unique violation (SQLSTATE 23505) of the
// PostgreSQL read models become the readmodel errors the in-memory read
// models return too. cleanText and Batch pass every error through here.

// notFoundRow is the row of a one-row query whose miss is the query's
// readmodel.NotFound.
type notFoundRow struct {
	row pgx.Row
	sql string
}

// Scan scans the row, translating a miss and a refused write.
func (r notFoundRow) Scan(dest ...any) error {
	err := r.row.Scan(dest...)
	if errors.Is(err, pgx.ErrNoRows) {
		return readmodel.NotFound(queryName(r.sql))
	}
	return domainError(err)
}

// queryName is the sqlc name of a query from its text ("-- name: GetAirline
// :one"), or "" for SQL sqlc did not write.
func queryName(sql string) string {
	rest, ok := strings.CutPrefix(sql, "-- name: ")
	if !ok {
		return ""
	}
	name, _, _ := strings.Cut(rest, " ")
	return name
}

// domainError returns err with a unique violation made a
// readmodel.UniqueViolation that still unwraps to the *pgconn.PgError, so
// that IsDataError, IsDatabaseError and Unreachable classify it as before.
// Any other error is returned as it is.
func domainError(err error) error {
	var pgErr *pgconn.PgError
	if !errors.As(err, &pgErr) || pgErr.Code != "23505" {
		return err
	}
	return &refused{domain: readmodel.UniqueViolation(pgErr.ConstraintName), cause: err}
}

// refused is a write PostgreSQL refused, coded for the domain.
type refused struct {
	domain *domain.Error
	cause  error
}

// Error names both the domain's code and PostgreSQL's own words.
func (e *refused) Error() string { return e.domain.Error() + ": " + e.cause.Error() }

// Unwrap gives both the domain error and PostgreSQL's.
func (e *refused) Unwrap() []error { return []error{e.domain, e.cause} }
