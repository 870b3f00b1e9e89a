package reads

import (
	"context"
	"time"

	"github.com/google/uuid"

	"github.com/albatross-va/albatross/domain"
	"github.com/albatross-va/albatross/store/readmodel"
)

// The reads of who a request is for: the signed-in user (or an API key's
// owner) and their airline, which the session, the API and every airline
// page load.

// Airline is an airline as its pages and the access checks know it.
type Airline struct {
	ID, Name, ICAO, IATA, Slug string
	PilotIDPrefix              string
	// Registration is whether it takes pilots' registrations
	// (domain.RegistrationOpen and the others).
	Registration string
	Suspended    bool
	CreatedAt    time.Time
	// Number is the small integer (1, 2, 3... across the platform, in the
	// order they were created) that phpVMS's API names it by.
	Number int
}

func airline(a readmodel.Airline) Airline {
	return Airline{ID: a.ID.String(), Name: a.Name, ICAO: a.Icao, IATA: a.Iata, Slug: a.Slug,
		PilotIDPrefix: a.PilotIDPrefix, Registration: a.Registration, Suspended: a.Suspended, CreatedAt: a.CreatedAt,
		Number: int(a.Number)}
}

// User is a person: a platform admin (no airline) or a member of one
// airline, with what signing in, the access rules and the people pages
// need.
type User struct {
	ID       string
	TenantID string // their airline's id; "" for a platform admin
	Email    string
	Name     string
	Country  string
	Role     string // domain.RolePilot and the others
	// PasswordHash is the hash of their password, "" when they have none
	// yet; MustChangePassword a one-time password they must replace.
	PasswordHash       string
	MustChangePassword bool
	// Status is domain.StatusActive and the others, StatusReason why.
	Status, StatusReason string
	// PilotNumber and PilotID (prefix and number) are given to pilots.
	PilotNumber int32
	PilotID     string
	CreatedAt   time.Time
	// HomeAirport is the hub a pilot chose at registration, "" for none.
	HomeAirport string
}

func user(u readmodel.User) User {
	return User{ID: u.ID.String(), TenantID: u.TenantID, Email: u.Email, Name: u.Name, Country: u.Country, Role: u.Role,
		PasswordHash: u.PasswordHash, MustChangePassword: u.MustChangePassword, Status: u.Status,
		StatusReason: u.StatusReason, PilotNumber: u.PilotNumber, PilotID: u.PilotID, CreatedAt: u.CreatedAt,
		HomeAirport: u.HomeAirport}
}

// FindAirline reads an airline by its id; an id that is not one is not
// found.
func (q Querier) FindAirline(ctx context.Context, airlineID string) (Airline, error) {
	id, err := uuid.Parse(airlineID)
	if err != nil {
		return Airline{}, domain.Errorf(domain.ENotFound, "There is no such airline.")
	}
	a, err := q.GetAirline(ctx, id)
	if err != nil {
		return Airline{}, err
	}
	return airline(a), nil
}

// FindAirlineBySlug reads an airline by the slug of its public pages.
func (q Querier) FindAirlineBySlug(ctx context.Context, slug string) (Airline, error) {
	a, err := q.GetAirlineBySlug(ctx, slug)
	if err != nil {
		return Airline{}, err
	}
	return airline(a), nil
}

// FindAirlineByNumber reads an airline by the number phpVMS's API names it
// by; a number no airline has is not found.
func (q Querier) FindAirlineByNumber(ctx context.Context, n int) (Airline, error) {
	number, ok := asNumber(n)
	if !ok {
		return Airline{}, domain.Errorf(domain.ENotFound, "There is no such airline.")
	}
	a, err := q.GetAirlineByNumber(ctx, number)
	if err != nil {
		return Airline{}, err
	}
	return airline(a), nil
}

// FindUser reads a person by their id, whatever their airline; an id that
// is not one is not found.
func (q Querier) FindUser(ctx context.Context, userID string) (User, error) {
	id, err := uuid.Parse(userID)
	if err != nil {
		return User{}, domain.Errorf(domain.ENotFound, "There is no such user.")
	}
	u, err := q.GetUser(ctx, id)
	if err != nil {
		return User{}, err
	}
	return user(u), nil
}

// FindUserWithAirline reads a person and their airline in one read; the
// airline is zero for the platform's people.
func (q Querier) FindUserWithAirline(ctx context.Context, userID string) (User, Airline, error) {
	id, err := uuid.Parse(userID)
	if err != nil {
		return User{}, Airline{}, domain.Errorf(domain.ENotFound, "There is no such user.")
	}
	r, err := q.GetUserWithAirline(ctx, id)
	if err != nil {
		return User{}, Airline{}, err
	}
	var a Airline
	if r.AirlineID != uuid.Nil {
		a = airline(readmodel.Airline{ID: r.AirlineID, Name: r.AirlineName, Icao: r.AirlineIcao, Iata: r.AirlineIata, Slug: r.AirlineSlug,
			CreatedAt: r.AirlineCreatedAt, PilotIDPrefix: r.AirlinePilotIDPrefix, Registration: r.AirlineRegistration, Suspended: r.AirlineSuspended,
			Number: r.AirlineNumber})
	}
	return user(r.User), a, nil
}

// FindUserByEmail reads a person by the email they log in with.
func (q Querier) FindUserByEmail(ctx context.Context, email string) (User, error) {
	u, err := q.GetUserByEmail(ctx, email)
	if err != nil {
		return User{}, err
	}
	return user(u), nil
}

// SignInState is what decides whether a person's open live streams may go
// on: their role, password hash and status, and their airline's suspension.
type SignInState struct {
	Role, PasswordHash   string
	Status, StatusReason string
	AirlineSuspended     bool
}

// FindSignInStates reads the sign-in state of many people in one read, by
// id; an id that is no one's (or no uuid) is left out.
func (q Querier) FindSignInStates(ctx context.Context, userIDs []string) (map[string]SignInState, error) {
	ids := make([]uuid.UUID, 0, len(userIDs))
	for _, s := range userIDs {
		if id, err := uuid.Parse(s); err == nil {
			ids = append(ids, id)
		}
	}
	out := make(map[string]SignInState, len(ids))
	if len(ids) == 0 {
		return out, nil
	}
	rows, err := q.ListSignInStates(ctx, ids)
	if err != nil {
		return nil, err
	}
	for _, r := range rows {
		out[r.ID.String()] = SignInState{Role: r.Role, PasswordHash: r.PasswordHash,
			Status: r.Status, StatusReason: r.StatusReason, AirlineSuspended: r.AirlineSuspended}
	}
	return out, nil
}
