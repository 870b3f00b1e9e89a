package domain

import (
	"context"
	"fmt"
	"time"

	"google.golang.org/protobuf/proto"
	"google.golang.org/protobuf/types/known/timestamppb"

	eventsv1 "github.com/albatross-va/albatross/domain/events/v1"
)

// This file holds a pilot's public profile setting. A pilot's profile at
// /a/{slug}/pilots/{ident} shows to anyone unless they turn it off, as
// phpVMS shows every pilot publicly; turned off, it shows only to them and
// to their airline's staff, and to anyone else it does not exist.

// ProfileStreamPrefix starts the stream id of a pilot's profile setting.
const ProfileStreamPrefix = "profile-"

// ProfileStream returns the stream id of a pilot's profile setting.
func ProfileStream(userID string) string { return ProfileStreamPrefix + userID }

// PilotProfile is a pilot's profile setting.
type PilotProfile struct {
	UserID, TenantID string
	Hidden           bool // the pilot turned their public profile off
	Set              bool // the pilot chose at least once
}

// Apply folds one stored event into the setting.
func (p *PilotProfile) Apply(ev proto.Message) error {
	e, ok := ev.(*eventsv1.ProfileVisibilitySet)
	if !ok {
		return fmt.Errorf("pilot profile: unexpected event %T", ev)
	}
	p.UserID, p.TenantID, p.Hidden, p.Set = e.UserId, e.TenantId, !e.Public, true
	return nil
}

// Profiles runs the commands on pilots' profile settings.
type Profiles struct {
	Runner *Runner
}

// SetVisibility records whether a member shows their profile publicly.
// Only the member themself chooses, in their own airline; choosing what
// is already so appends nothing.
func (s *Profiles) SetVisibility(ctx context.Context, meta CommandMeta, airlineID, userID string, public bool) (AppendResult, error) {
	if err := Authorize(meta.Who, ViewOwnAirline, airlineID); err != nil {
		return AppendResult{}, err
	}
	if meta.Who.UserID == "" || meta.Who.UserID != userID {
		return AppendResult{}, Errorf(EForbidden, "Only the pilot chooses whether their profile is public.")
	}
	u := &User{}
	if _, err := s.Runner.load(ctx, UserStream(userID), u); err != nil {
		return AppendResult{}, err
	}
	if !u.Created || u.TenantID != airlineID {
		return AppendResult{}, Errorf(ENotFound, "There is no such person in this airline.")
	}
	return Execute(ctx, s.Runner, StreamRef{StreamID: ProfileStream(userID), TenantID: airlineID}, meta,
		func() *PilotProfile { return &PilotProfile{} },
		func(p *PilotProfile, _ int64) (Decision, error) {
			if p.Set && p.Hidden == !public {
				return Decision{}, nil
			}
			if !p.Set && public {
				return Decision{}, nil // public already, as everyone starts
			}
			return Decision{Events: []proto.Message{&eventsv1.ProfileVisibilitySet{TenantId: airlineID, UserId: userID, Public: public,
				By: meta.Who.UserID, SetAt: timestamppb.New(s.Runner.now().UTC().Truncate(time.Microsecond))}}}, nil
		})
}
