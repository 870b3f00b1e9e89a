package domain

import (
	"context"
	"crypto/rand"
	"fmt"
	"strings"
	"unicode/utf8"

	"google.golang.org/protobuf/proto"
	"google.golang.org/protobuf/types/known/timestamppb"

	eventsv1 "github.com/albatross-va/albatross/domain/events/v1"
)

// Roles a user can hold.
const (
	RolePlatformAdmin = "platform_admin"
	RoleAirlineAdmin  = "airline_admin"
	RolePilot         = "pilot"
)

// FirstAdminLogin is the login of the platform admin created on first start.
const FirstAdminLogin = "admin"

// MinPasswordLength is the shortest password a user may choose.
const MinPasswordLength = 10

// UserStreamPrefix starts every user stream id.
const UserStreamPrefix = "user-"

// UserStream returns the stream id of a user.
func UserStream(userID string) string { return UserStreamPrefix + userID }

// Passwords is the port to the password hasher (argon2id in store/passwords).
type Passwords interface {
	// Hash returns an encoded hash with its salt and parameters.
	Hash(plain string) (string, error)
	// Verify reports whether plain matches an encoded hash.
	Verify(encoded, plain string) (bool, error)
}

// User is the user aggregate.
type User struct {
	ID           string
	TenantID     string
	Email        string
	Name         string
	Role         string
	Country      string
	PasswordHash string
	MustChange   bool
	Created      bool
	Status       string // StatusPending, StatusActive, StatusRejected or StatusSuspended
	PilotNumber  int32  // 0 until approved as a pilot
	PilotID      string
	// EmailVerified: the person opened the link emailed to their address.
	EmailVerified bool
}

// A person's status: only an active person may log in.
const (
	StatusPending   = "pending"   // registered, waiting for the airline's decision
	StatusActive    = "active"    // may log in
	StatusRejected  = "rejected"  // the registration was declined
	StatusSuspended = "suspended" // suspended by staff
)

// Apply folds one stored event into the user.
func (u *User) Apply(ev proto.Message) error {
	switch e := ev.(type) {
	case *eventsv1.UserCreated:
		u.ID, u.TenantID, u.Email, u.Name, u.Role = e.UserId, e.TenantId, e.Email, e.Name, e.Role
		u.PasswordHash, u.MustChange, u.Created = e.PasswordHash, e.MustChangePassword, true
		u.Country, u.Status = e.Country, StatusActive
	case *eventsv1.PilotRegistered:
		u.ID, u.TenantID, u.Email, u.Name, u.Role = e.UserId, e.TenantId, e.Email, e.Name, RolePilot
		u.PasswordHash, u.Country, u.Created, u.Status = e.PasswordHash, e.Country, true, StatusPending
	case *eventsv1.PasswordChanged:
		u.PasswordHash, u.MustChange = e.PasswordHash, e.OneTime
	case *eventsv1.PilotApproved:
		u.PilotNumber, u.PilotID, u.Status = e.PilotNumber, e.PilotId, StatusActive
	case *eventsv1.RegistrationRejected:
		u.Status = StatusRejected
	case *eventsv1.UserSuspended:
		u.Status = StatusSuspended
	case *eventsv1.UserReactivated:
		u.Status = StatusActive
	case *eventsv1.RoleChanged:
		u.Role = e.Role
	case *eventsv1.EmailVerified:
		u.EmailVerified = u.EmailVerified || e.Email == u.Email
	default:
		return fmt.Errorf("user: unexpected event %T", ev)
	}
	return nil
}

// NormalizeEmail is the form a login is stored, claimed and looked up in:
// logins are unique across the platform regardless of case.
func NormalizeEmail(email string) string { return strings.ToLower(strings.TrimSpace(email)) }

// ValidatePassword checks a password a user chose.
func ValidatePassword(password, email string) error {
	switch {
	case utf8.RuneCountInString(password) < MinPasswordLength:
		return FieldError(EInvalid, "password", fmt.Sprintf("Use at least %d characters.", MinPasswordLength))
	case strings.EqualFold(strings.TrimSpace(password), NormalizeEmail(email)):
		return FieldError(EInvalid, "password", "Your password cannot be your email address.")
	}
	return nil
}

// oneTimeAlphabet leaves out letters and digits that are easy to confuse.
const oneTimeAlphabet = "abcdefghjkmnpqrstuvwxyzABCDEFGHJKLMNPQRSTUVWXYZ23456789"

// NewOneTimePassword returns a random password of 20 characters (about 115
// bits), for a person to copy once and change at the next login.
func NewOneTimePassword() string {
	// Bytes at or above the largest multiple of the alphabet's size are
	// skipped, so that every character is equally likely.
	limit := byte(256 / len(oneTimeAlphabet) * len(oneTimeAlphabet))
	out := make([]byte, 0, 20)
	buf := make([]byte, 32)
	for len(out) < cap(out) {
		_, _ = rand.Read(buf) // crypto/rand.Read never fails on supported platforms
		for _, b := range buf {
			if b < limit && len(out) < cap(out) {
				out = append(out, oneTimeAlphabet[int(b)%len(oneTimeAlphabet)])
			}
		}
	}
	return string(out)
}

// Users runs the user commands.
type Users struct {
	Runner    *Runner
	IDs       IDs
	Passwords Passwords
	// Hubs lists an airline's hubs for the home hub a registration
	// chooses; nil asks for none.
	Hubs HubLister
}

// CreateFirstAdmin creates the platform admin "admin" with a one-time
// password, which it returns so that it can be shown once. The login is a
// unique claim, so a second call, from a restart or a second process,
// returns a conflict and creates nothing.
func (s *Users) CreateFirstAdmin(ctx context.Context, meta CommandMeta) (userID, oneTime string, res AppendResult, err error) {
	oneTime = NewOneTimePassword()
	hash, err := s.Passwords.Hash(oneTime)
	if err != nil {
		return "", "", AppendResult{}, fmt.Errorf("hash the one-time password: %w", err)
	}
	id := s.IDs.NewID()
	res, err = s.startUser(ctx, meta, id, "", FirstAdminLogin, &eventsv1.UserCreated{
		UserId: id, Email: FirstAdminLogin, Name: "Platform admin", Role: RolePlatformAdmin,
		PasswordHash: hash, MustChangePassword: true, CreatedAt: timestamppb.New(s.Runner.now()),
	})
	if err != nil {
		return "", "", AppendResult{}, err
	}
	return id, oneTime, res, nil
}

// IssueOneTimePassword replaces a user's password with a new one-time
// password, which it returns so that it can be shown once; the user must
// change it at the next login.
func (s *Users) IssueOneTimePassword(ctx context.Context, meta CommandMeta, userID string) (string, AppendResult, error) {
	oneTime := NewOneTimePassword()
	hash, err := s.Passwords.Hash(oneTime)
	if err != nil {
		return "", AppendResult{}, fmt.Errorf("hash the one-time password: %w", err)
	}
	now := s.Runner.now()
	res, err := Execute(ctx, s.Runner, StreamRef{StreamID: UserStream(userID)}, meta,
		func() *User { return &User{} },
		func(u *User, _ int64) (Decision, error) {
			if !u.Created {
				return Decision{}, Errorf(ENotFound, "There is no such user.")
			}
			return Decision{Events: []proto.Message{&eventsv1.PasswordChanged{
				UserId: userID, PasswordHash: hash, OneTime: true, ChangedAt: timestamppb.New(now),
			}}}, nil
		})
	if err != nil {
		return "", AppendResult{}, err
	}
	return oneTime, res, nil
}

// ChangePassword sets a password the user chose, after checking the current
// one; it ends a one-time password's must-change state.
func (s *Users) ChangePassword(ctx context.Context, meta CommandMeta, userID, current, next string) (AppendResult, error) {
	return s.setPassword(ctx, meta, userID, next, func(u *User) error {
		ok, err := s.Passwords.Verify(u.PasswordHash, current)
		if err != nil {
			return fmt.Errorf("verify the current password: %w", err)
		}
		if !ok {
			return FieldError(EInvalid, "current", "This is not your current password.")
		}
		if current == next {
			return FieldError(EInvalid, "password", "Choose a password different from the current one.")
		}
		return nil
	})
}

// ChooseOwnPassword sets the password a person chose in place of their
// one-time password, without asking for it again: the session that asks
// logged in with it, and oneTimeHash is the hash it logged in against. It
// is refused once the one-time password is no longer theirs (already
// replaced, or reset again since).
func (s *Users) ChooseOwnPassword(ctx context.Context, meta CommandMeta, userID, oneTimeHash, next string) (AppendResult, error) {
	return s.setPassword(ctx, meta, userID, next, func(u *User) error {
		if !u.MustChange || u.PasswordHash != oneTimeHash {
			return FieldError(EConflict, "password", "Your one-time password is no longer yours to replace: log in again.")
		}
		if same, err := s.Passwords.Verify(u.PasswordHash, next); err != nil || same {
			if err != nil {
				return fmt.Errorf("compare with the one-time password: %w", err)
			}
			return FieldError(EInvalid, "password", "Choose a password of your own, not the one-time password.")
		}
		return nil
	})
}

// setPassword records next as the user's password once allowed (the
// command's own check of the user, first) says so and it passes the
// password rules: a PasswordChanged event, so every session holding the old one
// ends.
func (s *Users) setPassword(ctx context.Context, meta CommandMeta, userID, next string, allowed func(u *User) error) (AppendResult, error) {
	now := s.Runner.now()
	var hash string
	return Execute(ctx, s.Runner, StreamRef{StreamID: UserStream(userID)}, meta,
		func() *User { return &User{} },
		func(u *User, _ int64) (Decision, error) {
			if !u.Created {
				return Decision{}, Errorf(ENotFound, "There is no such user.")
			}
			if err := allowed(u); err != nil {
				return Decision{}, err
			}
			if err := ValidatePassword(next, u.Email); err != nil {
				return Decision{}, err
			}
			if hash == "" { // hash once, not on every retry
				var err error
				if hash, err = s.Passwords.Hash(next); err != nil {
					return Decision{}, fmt.Errorf("hash the new password: %w", err)
				}
			}
			return Decision{Events: []proto.Message{&eventsv1.PasswordChanged{
				UserId: userID, PasswordHash: hash, OneTime: false, ChangedAt: timestamppb.New(now),
			}}}, nil
		})
}

// PasswordHash is the user's password hash as their stream has it, which a
// read model may not show yet: a session that just changed the password
// takes its stamp from here.
func (s *Users) PasswordHash(ctx context.Context, userID string) (string, error) {
	u, _, err := loadState(ctx, s.Runner, UserStream(userID), func() *User { return &User{} })
	if err != nil {
		return "", err
	}
	if !u.Created {
		return "", Errorf(ENotFound, "There is no such user.")
	}
	return u.PasswordHash, nil
}

// startUser appends the first event of a new person's stream, claiming
// their login across the platform, so of two people with one email exactly
// one is created.
func (s *Users) startUser(ctx context.Context, meta CommandMeta, id, tenantID, email string, first proto.Message) (AppendResult, error) {
	return Execute(ctx, s.Runner, StreamRef{StreamID: UserStream(id), TenantID: tenantID}, meta,
		func() *User { return &User{} },
		func(u *User, _ int64) (Decision, error) {
			if u.Created {
				return Decision{}, Errorf(EConflict, "This person already exists.")
			}
			return Decision{Events: []proto.Message{first}, Claims: []UniqueClaim{{Scope: "", Field: "email", Value: email}}}, nil
		})
}
