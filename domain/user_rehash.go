package domain

import (
	"context"
	"fmt"

	"google.golang.org/protobuf/proto"
	"google.golang.org/protobuf/types/known/timestamppb"

	eventsv1 "github.com/albatross-va/albatross/domain/events/v1"
)

// Rehasher is implemented by a Passwords port that can tell a hash to be
// replaced at the next login: bcrypt hashes imported from phpVMS.
type Rehasher interface {
	NeedsRehash(encoded string) bool
}

// NeedsRehash says whether the hash a person just logged in with is to be
// replaced by a hash of the port's own kind.
func (s *Users) NeedsRehash(encoded string) bool {
	r, ok := s.Passwords.(Rehasher)
	return ok && encoded != "" && r.NeedsRehash(encoded)
}

// RehashPassword replaces an imported (bcrypt) hash with a fresh hash of
// plain, the password the person has just logged in with: a
// PasswordChanged event, as any change of password is, so the log keeps
// both. It does nothing when the stored hash is no longer verifiedHash (the
// password changed since) or needs no replacing, and refuses a plain that
// does not match, so a stale login cannot set a password.
func (s *Users) RehashPassword(ctx context.Context, meta CommandMeta, userID, verifiedHash, plain string) (AppendResult, error) {
	now := s.Runner.now()
	var hash string
	return Execute(ctx, s.Runner, StreamRef{StreamID: UserStream(userID)}, meta,
		func() *User { return &User{} },
		func(u *User, _ int64) (Decision, error) {
			if !u.Created {
				return Decision{}, Errorf(ENotFound, "There is no such user.")
			}
			if u.PasswordHash != verifiedHash || !s.NeedsRehash(u.PasswordHash) {
				return Decision{}, nil
			}
			ok, err := s.Passwords.Verify(u.PasswordHash, plain)
			if err != nil {
				return Decision{}, fmt.Errorf("verify the imported password: %w", err)
			}
			if !ok {
				return Decision{}, Errorf(EUnauthorized, "The password is not right.")
			}
			if hash == "" {
				if hash, err = s.Passwords.Hash(plain); err != nil {
					return Decision{}, fmt.Errorf("hash the password: %w", err)
				}
			}
			return Decision{Events: []proto.Message{&eventsv1.PasswordChanged{
				UserId: userID, PasswordHash: hash, OneTime: u.MustChange, ChangedAt: timestamppb.New(now),
			}}}, nil
		})
}
