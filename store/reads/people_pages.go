package reads

import (
	"context"

	"github.com/google/uuid"

	"github.com/albatross-va/albatross/domain"
	"github.com/albatross-va/albatross/store/readmodel"
)

// The reads of an airline's people pages and of its public page.

// People are everyone of an airline: its members and its registrations,
// pending or turned down.
func (q Querier) People(ctx context.Context, airlineID string) ([]User, error) {
	rows, err := q.ListUsersByTenant(ctx, airlineID)
	if err != nil {
		return nil, err
	}
	out := make([]User, 0, len(rows))
	for _, u := range rows {
		out = append(out, user(u))
	}
	return out, nil
}

// ActivePilots counts an airline's pilots who may fly: active, not
// pending, suspended or turned down, and not its admins.
func (q Querier) ActivePilots(ctx context.Context, airlineID string) (int, error) {
	people, err := q.People(ctx, airlineID)
	if err != nil {
		return 0, err
	}
	n := 0
	for _, u := range people {
		if u.Role == domain.RolePilot && u.Status == domain.StatusActive {
			n++
		}
	}
	return n, nil
}

// FindPerson reads one person of an airline by the id a link gives; an id
// that is not one, or a person of another airline, is not found.
func (q Querier) FindPerson(ctx context.Context, airlineID, userID string) (User, error) {
	id, err := uuid.Parse(userID)
	if err != nil {
		return User{}, domain.Errorf(domain.ENotFound, "There is no such person in this airline.")
	}
	u, err := q.GetTenantUser(ctx, readmodel.GetTenantUserParams{TenantID: airlineID, ID: id})
	if err != nil {
		return User{}, err
	}
	return user(u), nil
}
