package domain

import (
	"context"

	"google.golang.org/protobuf/proto"
	"google.golang.org/protobuf/types/known/timestamppb"

	eventsv1 "github.com/albatross-va/albatross/domain/events/v1"
)

// ResetForgottenPassword sets the password a person chose after proving, by a
// link emailed to their address, that the address is theirs: no current
// password is asked. It is the same PasswordChanged event as a change, so
// every session that holds the old password ends. The caller has used up
// the link's single-use token before.
func (s *Users) ResetForgottenPassword(ctx context.Context, meta CommandMeta, userID, next string) (AppendResult, error) {
	return s.setPassword(ctx, meta, userID, next, func(*User) error { return nil })
}

// VerifyEmail records that the person opened the link emailed to email at
// registration. A link for an address the person no longer has is
// refused; a second verification records nothing.
func (s *Users) VerifyEmail(ctx context.Context, meta CommandMeta, userID, email string) (AppendResult, error) {
	now := s.Runner.now()
	return Execute(ctx, s.Runner, StreamRef{StreamID: UserStream(userID)}, meta,
		func() *User { return &User{} },
		func(u *User, _ int64) (Decision, error) {
			switch {
			case !u.Created:
				return Decision{}, Errorf(ENotFound, "There is no such user.")
			case u.Email != email:
				return Decision{}, Errorf(EInvalid, "This link was sent to an address that is no longer this account's.")
			case u.EmailVerified:
				return Decision{}, nil
			}
			return Decision{Events: []proto.Message{&eventsv1.EmailVerified{
				UserId: userID, Email: email, VerifiedAt: timestamppb.New(now),
			}}}, nil
		})
}
