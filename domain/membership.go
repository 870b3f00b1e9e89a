package domain

import (
	"context"
	"fmt"
	"net/mail"
	"regexp"
	"slices"
	"strings"
	"time"

	"google.golang.org/protobuf/proto"
	"google.golang.org/protobuf/types/known/timestamppb"

	eventsv1 "github.com/albatross-va/albatross/domain/events/v1"
)

// This file holds the commands that bring people into an airline and manage
// them: registration, creation by staff, approval with a pilot id,
// rejection, suspension and password resets.

var countryPattern = regexp.MustCompile(`^[A-Z]{2}$`)

// Person is what a registration form or a staff member's create form gives.
type Person struct {
	Name     string
	Email    string
	Country  string // ISO 3166-1 alpha-2, for example GB
	Password string // chosen on registration; staff-created people get a one-time password
	Role     string // RolePilot or RoleAirlineAdmin, for CreatePerson
	// HomeAirport is the ICAO code of the hub a registering pilot chose as
	// home: required when the airline has hubs, and one of them.
	HomeAirport string
}

// Normalize trims the fields and puts them in the case they are stored in.
func (p *Person) Normalize() {
	p.Name = strings.TrimSpace(p.Name)
	p.Email = NormalizeEmail(p.Email)
	p.Country = strings.ToUpper(strings.TrimSpace(p.Country))
	p.HomeAirport = strings.ToUpper(strings.TrimSpace(p.HomeAirport))
}

// validate checks the fields every person has; withPassword adds the
// password a registering pilot chose.
func (p Person) validate(withPassword bool) map[string]string {
	f := map[string]string{}
	checkRequiredLine(f, "name", &p.Name, 100, "Enter your name.")
	CheckLine(f, "email", &p.Email, 254)
	CheckLine(f, "country", &p.Country, 2)
	if a, err := mail.ParseAddress(p.Email); err != nil || a.Address != p.Email || len(p.Email) > 254 || !strings.Contains(p.Email, ".") {
		f["email"] = "Enter an email address, for example ana@example.com."
	}
	if !countryPattern.MatchString(p.Country) {
		f["country"] = "Enter the two-letter country code, for example GB or PT."
	}
	if withPassword {
		if msg := ErrorFields(ValidatePassword(p.Password, p.Email))["password"]; msg != "" {
			f["password"] = msg
		}
	}
	return f
}

// ValidateRegistration checks a registration form.
func (p Person) ValidateRegistration() error { return Invalid(p.validate(true)) }

// ValidateNewPerson checks a staff member's create-person form.
func (p Person) ValidateNewPerson() error {
	f := p.validate(false)
	if p.Role != RolePilot && p.Role != RoleAirlineAdmin {
		f["role"] = "Choose pilot or airline admin."
	}
	return Invalid(f)
}

// LoginRefusal says why a person whose password is right may still not log
// in, or "" when they may. An airline's suspension stops all its people.
func LoginRefusal(status, reason string, airlineSuspended bool) string {
	switch {
	case status == StatusPending:
		return "Your registration is waiting for the airline's approval."
	case status == StatusRejected && reason != "":
		return "Your registration was declined: " + reason
	case status == StatusRejected:
		return "Your registration was declined."
	case status == StatusSuspended:
		return "Your account is suspended. Contact your airline's staff."
	case airlineSuspended:
		return "Your airline is suspended."
	}
	return ""
}

// emailTaken turns the email claim's conflict into the message a person reads.
func emailTaken(err error) error {
	if ErrorCode(err) == EConflict && ErrorFields(err)["email"] != "" {
		return FieldError(EConflict, "email", "An account with this email address already exists.")
	}
	return err
}

// CheckRegistration checks a registration form as Register does, writing
// nothing: its fields, and the home hub against the airline's hubs.
func (s *Users) CheckRegistration(ctx context.Context, airlineID string, p Person) error {
	p.Normalize()
	f := p.validate(true)
	hubs, err := s.hubs(ctx, airlineID)
	if err != nil {
		return err
	}
	if msg := homeAirportError(p.HomeAirport, hubs); msg != "" {
		f["home_airport"] = msg
	}
	return Invalid(f)
}

// Register creates a pending pilot from an airline's public registration
// form; in an airline with open registration the pilot is approved at once.
// The email is claimed across the platform, so of two registrations with one
// email exactly one succeeds.
func (s *Users) Register(ctx context.Context, meta CommandMeta, airlineID string, p Person) (userID string, res AppendResult, err error) {
	p.Normalize()
	if err := s.CheckRegistration(ctx, airlineID, p); err != nil {
		return "", AppendResult{}, err
	}
	a, err := s.Runner.loadAirline(ctx, airlineID)
	if err != nil {
		return "", AppendResult{}, err
	}
	switch {
	case a.Suspended:
		return "", AppendResult{}, Errorf(EForbidden, "%s is not taking registrations at the moment.", a.Name)
	case a.Registration == RegistrationClosed:
		return "", AppendResult{}, Errorf(EForbidden, "%s has closed its registration.", a.Name)
	}
	hash, err := s.Passwords.Hash(p.Password)
	if err != nil {
		return "", AppendResult{}, fmt.Errorf("hash the password: %w", err)
	}
	id := s.IDs.NewID()
	meta.Actor = id // a visitor registers themselves
	res, err = s.startUser(ctx, meta, id, airlineID, p.Email, &eventsv1.PilotRegistered{
		UserId: id, TenantId: airlineID, Email: p.Email, Name: p.Name, Country: p.Country,
		PasswordHash: hash, RegisteredAt: timestamppb.New(s.Runner.now()), HomeAirport: optionalString(p.HomeAirport),
	})
	if err != nil {
		return "", AppendResult{}, emailTaken(err)
	}
	userID = strings.TrimPrefix(res.StreamID, UserStreamPrefix)
	if a.Registration == RegistrationOpen {
		sys := CommandMeta{ID: stepID(meta.ID, "approve"), Who: System, CorrelationID: meta.CorrelationID, CausationID: meta.ID}
		if _, res, err = s.admit(ctx, sys, airlineID, userID); err != nil {
			return "", AppendResult{}, err
		}
	}
	return userID, res, nil
}

// CreatePerson creates a pilot or an airline admin in an airline, with a
// one-time password that it returns so that staff can pass it on; a pilot
// gets a pilot id at once.
func (s *Users) CreatePerson(ctx context.Context, meta CommandMeta, airlineID string, p Person) (userID, oneTime string, res AppendResult, err error) {
	p.Normalize()
	action := CreatePilots
	if p.Role == RoleAirlineAdmin {
		action = CreateAirlineAdmins
	}
	if err := Authorize(meta.Who, action, airlineID); err != nil {
		return "", "", AppendResult{}, err
	}
	if err := p.ValidateNewPerson(); err != nil {
		return "", "", AppendResult{}, err
	}
	if _, err := s.Runner.loadAirline(ctx, airlineID); err != nil {
		return "", "", AppendResult{}, err
	}
	oneTime = NewOneTimePassword()
	hash, err := s.Passwords.Hash(oneTime)
	if err != nil {
		return "", "", AppendResult{}, fmt.Errorf("hash the one-time password: %w", err)
	}
	id := s.IDs.NewID()
	res, err = s.startUser(ctx, meta, id, airlineID, p.Email, &eventsv1.UserCreated{
		UserId: id, TenantId: airlineID, Email: p.Email, Name: p.Name, Role: p.Role, Country: p.Country,
		PasswordHash: hash, MustChangePassword: true, CreatedAt: timestamppb.New(s.Runner.now()),
	})
	if err != nil {
		return "", "", AppendResult{}, emailTaken(err)
	}
	userID = strings.TrimPrefix(res.StreamID, UserStreamPrefix)
	if res.Duplicate {
		// A double submit: the first call's person exists, but its one-time
		// password is gone; this one must not be shown as theirs.
		return "", "", AppendResult{}, Errorf(EConflict, "This form was already used. Reload the page to create another person.")
	}
	if p.Role == RolePilot {
		approve := meta
		approve.ID, approve.CausationID = stepID(meta.ID, "approve"), meta.ID
		if _, res, err = s.admit(ctx, approve, airlineID, userID); err != nil {
			return "", "", AppendResult{}, err
		}
	}
	return userID, oneTime, res, nil
}

// Approve admits a pending pilot with the next pilot id of the airline.
// Approving an approved pilot returns their id and changes nothing.
func (s *Users) Approve(ctx context.Context, meta CommandMeta, airlineID, userID string) (pilotID string, res AppendResult, err error) {
	if err := Authorize(meta.Who, DecideRegistrations, airlineID); err != nil {
		return "", AppendResult{}, err
	}
	return s.admit(ctx, meta, airlineID, userID)
}

// admit gives a person the airline's next pilot number. It is two appends:
// the decision in the airline's stream, which counts the numbers and
// serializes concurrent decisions (so numbers are consecutive and a person
// is decided on once), then the approval in the person's stream. A retry
// after a failure between the two finds the decision and completes it with
// the same number.
func (s *Users) admit(ctx context.Context, meta CommandMeta, airlineID, userID string) (string, AppendResult, error) {
	u, err := s.loadMember(ctx, airlineID, userID)
	if err != nil {
		return "", AppendResult{}, err
	}
	if u.PilotID != "" {
		return u.PilotID, AppendResult{StreamID: UserStream(userID)}, nil
	}
	if u.Status != StatusPending && !(u.Status == StatusActive && u.Role == RolePilot) {
		return "", AppendResult{}, Errorf(EConflict, "%s's registration was already decided on.", u.Name)
	}
	number, prefix, err := s.decide(ctx, meta, airlineID, userID, true)
	if err != nil {
		return "", AppendResult{}, err
	}
	pilotID := FormatPilotID(prefix, number)
	step := meta
	step.ID, step.CausationID = stepID(meta.ID, "person"), meta.ID
	res, err := s.personCommand(ctx, step, airlineID, userID, func(u *User, now time.Time) ([]proto.Message, error) {
		if u.PilotID != "" {
			return nil, nil
		}
		return []proto.Message{&eventsv1.PilotApproved{
			UserId: userID, PilotNumber: number, PilotId: pilotID, ApprovedAt: timestamppb.New(now),
		}}, nil
	})
	return pilotID, res, err
}

// Reject declines a pending registration with a reason the applicant sees
// when they try to log in.
func (s *Users) Reject(ctx context.Context, meta CommandMeta, airlineID, userID, reason string) (AppendResult, error) {
	if err := Authorize(meta.Who, DecideRegistrations, airlineID); err != nil {
		return AppendResult{}, err
	}
	if err := textFieldError("reason", &reason, MultiLine, 500, "Give the applicant a reason."); err != nil {
		return AppendResult{}, err
	}
	u, err := s.loadMember(ctx, airlineID, userID)
	if err != nil {
		return AppendResult{}, err
	}
	if u.Status == StatusRejected {
		return AppendResult{StreamID: UserStream(userID)}, nil
	}
	if u.Status != StatusPending {
		return AppendResult{}, Errorf(EConflict, "%s's registration was already decided on.", u.Name)
	}
	if _, _, err := s.decide(ctx, meta, airlineID, userID, false); err != nil {
		return AppendResult{}, err
	}
	step := meta
	step.ID, step.CausationID = stepID(meta.ID, "person"), meta.ID
	return s.personCommand(ctx, step, airlineID, userID, func(u *User, now time.Time) ([]proto.Message, error) {
		if u.Status == StatusRejected {
			return nil, nil
		}
		return []proto.Message{&eventsv1.RegistrationRejected{UserId: userID, Reason: reason, RejectedAt: timestamppb.New(now)}}, nil
	})
}

// decide records a membership decision in the airline's stream and returns
// the pilot number (approvals) and the prefix to write it with. The same
// decision again returns the first one's number; the opposite one is refused.
func (s *Users) decide(ctx context.Context, meta CommandMeta, airlineID, userID string, approve bool) (int32, string, error) {
	var number int32
	var prefix string
	res, err := Execute(ctx, s.Runner, StreamRef{StreamID: AirlineStream(airlineID), TenantID: airlineID}, meta,
		func() *Airline { return &Airline{} },
		func(a *Airline, _ int64) (Decision, error) {
			if !a.Created {
				return Decision{}, Errorf(ENotFound, "There is no such airline.")
			}
			prefix = a.PilotIDPrefix
			if n, ok := a.decided[userID]; ok {
				if (n > 0) != approve {
					return Decision{}, Errorf(EConflict, "This registration was already decided on the other way.")
				}
				number = n
				return Decision{}, nil
			}
			number = 0
			if approve {
				number = a.LastPilotNumber + 1
			}
			return Decision{Events: []proto.Message{&eventsv1.MembershipDecided{
				AirlineId: airlineID, UserId: userID, Approved: approve, PilotNumber: number,
				DecidedAt: timestamppb.New(s.Runner.now()),
			}}}, nil
		})
	if err != nil {
		return 0, "", err
	}
	if res.Duplicate {
		// The command id was spent before: the decision it made stands, and
		// if it made none for this person the id was reused for another.
		a, err := s.Runner.loadAirline(ctx, airlineID)
		if err != nil {
			return 0, "", err
		}
		n, ok := a.decided[userID]
		if !ok || (n > 0) != approve {
			return 0, "", Errorf(EConflict, "This form was already used. Reload the page and try again.")
		}
		number, prefix = n, a.PilotIDPrefix
	}
	return number, prefix, nil
}

// Suspend stops a person from logging in.
func (s *Users) Suspend(ctx context.Context, meta CommandMeta, airlineID, userID, reason string) (AppendResult, error) {
	if err := Authorize(meta.Who, SuspendPeople, airlineID); err != nil {
		return AppendResult{}, err
	}
	if userID == meta.Who.UserID {
		return AppendResult{}, Errorf(EConflict, "You cannot suspend yourself.")
	}
	if err := textFieldError("reason", &reason, MultiLine, 500, ""); err != nil {
		return AppendResult{}, err
	}
	return s.personCommand(ctx, meta, airlineID, userID, func(u *User, now time.Time) ([]proto.Message, error) {
		switch u.Status {
		case StatusSuspended:
			return nil, nil
		case StatusActive:
			return []proto.Message{&eventsv1.UserSuspended{UserId: userID, Reason: reason, SuspendedAt: timestamppb.New(now)}}, nil
		}
		return nil, Errorf(EConflict, "Only an active person can be suspended; decide on the registration instead.")
	})
}

// Reactivate lets a suspended person log in again.
func (s *Users) Reactivate(ctx context.Context, meta CommandMeta, airlineID, userID string) (AppendResult, error) {
	if err := Authorize(meta.Who, SuspendPeople, airlineID); err != nil {
		return AppendResult{}, err
	}
	return s.personCommand(ctx, meta, airlineID, userID, func(u *User, now time.Time) ([]proto.Message, error) {
		switch u.Status {
		case StatusActive:
			return nil, nil
		case StatusSuspended:
			return []proto.Message{&eventsv1.UserReactivated{UserId: userID, ReactivatedAt: timestamppb.New(now)}}, nil
		}
		return nil, Errorf(EConflict, "Only a suspended person can be reactivated.")
	})
}

// ChangeRole makes a person of the airline a pilot or an airline admin. A
// person who becomes a pilot without a pilot id gets the next one. Nobody
// changes their own role.
func (s *Users) ChangeRole(ctx context.Context, meta CommandMeta, airlineID, userID, role string) (AppendResult, error) {
	if err := Authorize(meta.Who, ChangeRoles, airlineID); err != nil {
		return AppendResult{}, err
	}
	if role != RolePilot && role != RoleAirlineAdmin {
		return AppendResult{}, FieldError(EInvalid, "role", "Choose pilot or airline admin.")
	}
	if userID == meta.Who.UserID {
		return AppendResult{}, Errorf(EConflict, "You cannot change your own role.")
	}
	res, err := s.personCommand(ctx, meta, airlineID, userID, func(u *User, now time.Time) ([]proto.Message, error) {
		switch {
		case u.Role == role:
			return nil, nil
		case u.Status != StatusActive && u.Status != StatusSuspended:
			return nil, Errorf(EConflict, "Decide on %s's registration first.", u.Name)
		}
		return []proto.Message{&eventsv1.RoleChanged{UserId: userID, Role: role, ChangedAt: timestamppb.New(now)}}, nil
	})
	if err != nil || role != RolePilot {
		return res, err
	}
	step := meta
	step.ID, step.CausationID = stepID(meta.ID, "pilot-id"), meta.ID
	u, err := s.loadMember(ctx, airlineID, userID)
	if err != nil || u.PilotID != "" || u.Status != StatusActive {
		return res, err
	}
	_, admitted, err := s.admit(ctx, step, airlineID, userID)
	return admitted, err
}

// ResetPassword gives a person of the airline a one-time password, which it
// returns so that staff can pass it on.
func (s *Users) ResetPassword(ctx context.Context, meta CommandMeta, airlineID, userID string) (string, AppendResult, error) {
	if err := Authorize(meta.Who, ResetPasswords, airlineID); err != nil {
		return "", AppendResult{}, err
	}
	if _, err := s.loadMember(ctx, airlineID, userID); err != nil {
		return "", AppendResult{}, err
	}
	return s.IssueOneTimePassword(ctx, meta, userID)
}

// loadMember reads a person of the airline; a person of another airline is
// not found, as if they did not exist.
func (s *Users) loadMember(ctx context.Context, airlineID, userID string) (*User, error) {
	u := &User{}
	if _, err := s.Runner.load(ctx, UserStream(userID), u); err != nil {
		return nil, err
	}
	if !u.Created || u.TenantID != airlineID || airlineID == "" {
		return nil, Errorf(ENotFound, "There is no such person in this airline.")
	}
	return u, nil
}

// personCommand runs decide on a person of the airline.
func (s *Users) personCommand(ctx context.Context, meta CommandMeta, airlineID, userID string,
	decide func(u *User, now time.Time) ([]proto.Message, error)) (AppendResult, error) {
	return Execute(ctx, s.Runner, StreamRef{StreamID: UserStream(userID), TenantID: airlineID}, meta,
		func() *User { return &User{} },
		func(u *User, _ int64) (Decision, error) {
			if !u.Created || u.TenantID != airlineID {
				return Decision{}, Errorf(ENotFound, "There is no such person in this airline.")
			}
			evs, err := decide(u, s.Runner.now())
			return Decision{Events: evs}, err
		})
}

// stepID derives the command id of a command's later step, so a repeated
// command repeats each step idempotently; no id means not idempotent.
func stepID(id, step string) string {
	if id == "" {
		return ""
	}
	return id + "/" + step
}

// HubLister lists an airline's hubs, the home airports a registering pilot
// chooses from.
type HubLister interface {
	// Hubs returns the ICAO codes of the airline tenantID's hubs.
	Hubs(ctx context.Context, tenantID string) ([]string, error)
}

// hubs returns the airline's hubs, none when Users has no HubLister.
func (s *Users) hubs(ctx context.Context, airlineID string) ([]string, error) {
	if s.Hubs == nil {
		return nil, nil
	}
	return s.Hubs.Hubs(ctx, airlineID)
}

// homeAirportError says what is wrong with a chosen home airport, or "":
// an airline with hubs needs one of them; one with none needs nothing.
func homeAirportError(home string, hubs []string) string {
	switch {
	case home == "" && len(hubs) > 0:
		return "Choose your home hub."
	case home == "" || slices.Contains(hubs, home):
		return ""
	case len(hubs) == 0:
		return "This airline has no hubs: leave the home hub empty."
	}
	return fmt.Sprintf("%s is not one of this airline's hubs.", home)
}

// optionalString is s as an optional proto field: unset when empty.
func optionalString(s string) *string {
	if s == "" {
		return nil
	}
	return &s
}
