// Package reads is the read-model port the handlers use: the sqlc Querier
// with driver errors translated into domain errors, so that a handler never
// sees pgx.ErrNoRows and a missing record is a 404, not a 500.
package reads

import (
	"context"
	"errors"
	"fmt"

	"github.com/google/uuid"
	"github.com/jackc/pgx/v5"

	"github.com/albatross-va/albatross/domain"
	"github.com/albatross-va/albatross/store/readmodel"
)

// Querier wraps a read model (PostgreSQL or in-memory). Every query that
// returns one row is overridden here to translate a miss; TestEveryOneRowQueryIsTranslated
// fails when a new one is not.
type Querier struct {
	readmodel.Querier
}

// New wraps q.
func New(q readmodel.Querier) Querier { return Querier{Querier: q} }

// notFound turns a miss into ENotFound naming what was missing.
func notFound(err error, what string) error {
	if errors.Is(err, pgx.ErrNoRows) {
		return domain.Errorf(domain.ENotFound, "%s was not found.", what)
	}
	if err != nil {
		return fmt.Errorf("read %s: %w", what, err)
	}
	return nil
}

// GetAirlineBySlug finds an airline by its address slug.
func (q Querier) GetAirlineBySlug(ctx context.Context, slug string) (readmodel.Airline, error) {
	a, err := q.Querier.GetAirlineBySlug(ctx, slug)
	return a, notFound(err, "The airline")
}

// GetCheckpoint returns a projection's checkpoint.
func (q Querier) GetCheckpoint(ctx context.Context, name string) (readmodel.ProjectionCheckpoint, error) {
	c, err := q.Querier.GetCheckpoint(ctx, name)
	return c, notFound(err, "The projection checkpoint")
}

// GetUser finds a user by id.
func (q Querier) GetUser(ctx context.Context, id uuid.UUID) (readmodel.User, error) {
	u, err := q.Querier.GetUser(ctx, id)
	return u, notFound(err, "The user")
}

// GetUserByEmail finds a user by their lower-cased login.
func (q Querier) GetUserByEmail(ctx context.Context, email string) (readmodel.User, error) {
	u, err := q.Querier.GetUserByEmail(ctx, email)
	return u, notFound(err, "The user")
}

// GetAirline finds an airline by id.
func (q Querier) GetAirline(ctx context.Context, id uuid.UUID) (readmodel.Airline, error) {
	a, err := q.Querier.GetAirline(ctx, id)
	return a, notFound(err, "The airline")
}

// GetTenantUser finds a person of one airline.
func (q Querier) GetTenantUser(ctx context.Context, arg readmodel.GetTenantUserParams) (readmodel.User, error) {
	u, err := q.Querier.GetTenantUser(ctx, arg)
	return u, notFound(err, "The person")
}

// GetAirport finds one airport of an airline.
func (q Querier) GetAirport(ctx context.Context, arg readmodel.GetAirportParams) (readmodel.Airport, error) {
	a, err := q.Querier.GetAirport(ctx, arg)
	return a, notFound(err, "The airport")
}
