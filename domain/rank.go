package domain

import (
	"context"
	"fmt"
	"strings"

	"google.golang.org/protobuf/proto"
	"google.golang.org/protobuf/types/known/timestamppb"

	eventsv1 "github.com/albatross-va/albatross/domain/events/v1"
)

// This file holds an airline's ranks, as phpVMS has them (name, hours,
// auto-promote, auto-accept), the rule that promotes a pilot, and the
// pilot's career stream where rank changes are recorded.

// RankStreamPrefix and CareerStreamPrefix start the stream ids of ranks
// and of a pilot's career (their rank changes).
const (
	RankStreamPrefix   = "rank-"
	CareerStreamPrefix = "career-"
)

// RankStream returns the stream id of a rank.
func RankStream(id string) string { return RankStreamPrefix + id }

// CareerStream returns the stream id of a pilot's career. It is apart from
// the user's stream so that rank changes never contend with logins and
// password changes.
func CareerStream(userID string) string { return CareerStreamPrefix + userID }

// Rank is one rank of an airline.
type Rank struct {
	ID          string
	Name        string
	MinMinutes  int32 // the flight time from which a pilot may hold it
	AutoPromote bool  // pilots reaching MinMinutes are promoted to it
	AutoAccept  bool  // manual PIREPs of its pilots are accepted at once
	// AutoAcceptACARS accepts the PIREPs its pilots file from an ACARS
	// client at once: a setting of its own, as phpVMS has, since an ACARS
	// report is measured and a manual one typed.
	AutoAcceptACARS bool
}

// RankForm is what the rank form gives.
type RankForm struct {
	Name        string
	MinHours    string // hours, or hours and minutes, as typed: 10 or 10:30
	AutoPromote bool
	AutoAccept  bool
	// AutoAcceptACARS is Rank.AutoAcceptACARS.
	AutoAcceptACARS bool
}

// Validate returns an EInvalid error naming each bad field, or nil.
func (f RankForm) Validate() error {
	m := map[string]string{}
	checkRequiredLine(m, "name", &f.Name, 50, "Enter the rank's name, for example First Officer.")
	if mins, err := ParseFlightTime(f.MinHours); err != nil {
		m["min_hours"] = ErrorMessage(err)
	} else if mins > 100_000*60 {
		m["min_hours"] = "The minimum is at most 100000 hours."
	}
	return Invalid(m)
}

// RankFor returns the id of the rank a pilot with minutes of accepted
// flight time holds: the highest of the rank staff set by hand (floor, ""
// if none) and the auto-promote ranks whose minimum the pilot reaches. A
// rank without auto-promote is reached only by hand, so it neither pulls a
// pilot up nor, when it is the floor, lets them fall below it; hours lost
// through a rejected PIREP bring the pilot back down to what they still
// reach. With neither, it is "": the pilot has no rank.
func RankFor(ranks []Rank, minutes int64, floor string) string {
	var best *Rank
	for i := range ranks {
		r := &ranks[i]
		eligible := r.ID == floor || r.AutoPromote && int64(r.MinMinutes) <= minutes
		if eligible && (best == nil || r.MinMinutes > best.MinMinutes) {
			best = r
		}
	}
	if best == nil {
		return ""
	}
	return best.ID
}

// RankState is the rank aggregate.
type RankState struct {
	Rank
	TenantID string
	Created  bool
}

// Apply folds one stored event into the rank.
func (r *RankState) Apply(ev proto.Message) error {
	e, ok := ev.(*eventsv1.RankSaved)
	if !ok {
		return fmt.Errorf("rank: unexpected event %T", ev)
	}
	r.ID, r.TenantID, r.Created = e.RankId, e.TenantId, true
	r.Name, r.MinMinutes, r.AutoPromote, r.AutoAccept = e.Name, e.MinMinutes, e.AutoPromote, e.AutoAccept
	r.AutoAcceptACARS = e.AutoAcceptAcars
	return nil
}

// Career is a pilot's rank history: the rank they hold and the one staff
// set by hand, below which the promotion rule never takes them.
type Career struct {
	UserID, TenantID string
	RankID           string
	Floor            string
}

// Apply folds one stored event into the career.
func (c *Career) Apply(ev proto.Message) error {
	if d, ok := ev.(*eventsv1.NoticeDismissed); ok {
		c.UserID, c.TenantID = d.UserId, d.TenantId // a dismissal may open the stream
		return nil
	}
	e, ok := ev.(*eventsv1.PilotRankSet)
	if !ok {
		return fmt.Errorf("career: unexpected event %T", ev)
	}
	c.UserID, c.TenantID, c.RankID = e.UserId, e.TenantId, e.RankId
	if e.ByHand {
		c.Floor = e.RankId
	}
	return nil
}

// Ranks runs the commands on ranks and pilots' ranks.
type Ranks struct {
	Runner *Runner
	IDs    IDs
}

// Save adds a rank (rankID "") or replaces one, and returns its id. Its
// name is claimed within the airline, so an airline has no two ranks of
// one name.
func (s *Ranks) Save(ctx context.Context, meta CommandMeta, airlineID, rankID string, f RankForm) (string, AppendResult, error) {
	if err := Authorize(meta.Who, ManageRanks, airlineID); err != nil {
		return "", AppendResult{}, err
	}
	if err := f.Validate(); err != nil {
		return "", AppendResult{}, err
	}
	name := strings.TrimSpace(f.Name)
	mins, _ := ParseFlightTime(f.MinHours)
	isNew := rankID == ""
	if isNew {
		rankID = s.IDs.NewID()
	}
	res, err := Execute(ctx, s.Runner, StreamRef{StreamID: RankStream(rankID), TenantID: airlineID}, meta,
		func() *RankState { return &RankState{} },
		func(r *RankState, _ int64) (Decision, error) {
			if !isNew && (!r.Created || r.TenantID != airlineID || airlineID == "") {
				return Decision{}, Errorf(ENotFound, "There is no such rank in this airline.")
			}
			if r.Created && r.Name == name && int64(r.MinMinutes) == mins && r.AutoPromote == f.AutoPromote && r.AutoAccept == f.AutoAccept &&
				r.AutoAcceptACARS == f.AutoAcceptACARS {
				return Decision{}, nil
			}
			var claims []UniqueClaim
			if !strings.EqualFold(r.Name, name) {
				claims = append(claims, UniqueClaim{Scope: airlineID, Field: "rank_name", Value: strings.ToLower(name)})
			}
			return Decision{
				Events: []proto.Message{&eventsv1.RankSaved{
					RankId: rankID, TenantId: airlineID, Name: name, MinMinutes: int32(mins),
					AutoPromote: f.AutoPromote, AutoAccept: f.AutoAccept, AutoAcceptAcars: f.AutoAcceptACARS,
					SavedAt: timestamppb.New(s.Runner.now()),
				}},
				Claims: claims,
			}, nil
		})
	if ErrorCode(err) == EConflict && ErrorFields(err)["rank_name"] != "" {
		return "", AppendResult{}, FieldError(EConflict, "name", fmt.Sprintf("The airline already has a rank named %s.", name))
	}
	return rankID, res, err
}

// SetByHand gives a pilot a rank by staff's decision; the pilot is never
// demoted below it by the promotion rule.
func (s *Ranks) SetByHand(ctx context.Context, meta CommandMeta, airlineID, userID, rankID string) (AppendResult, error) {
	if err := Authorize(meta.Who, ManageRanks, airlineID); err != nil {
		return AppendResult{}, err
	}
	r := &RankState{}
	if _, err := s.Runner.load(ctx, RankStream(rankID), r); err != nil {
		return AppendResult{}, err
	}
	if !r.Created || r.TenantID != airlineID {
		return AppendResult{}, FieldError(EInvalid, "rank_id", "Choose one of the airline's ranks.")
	}
	return s.setRank(ctx, meta, airlineID, userID, func(c *Career) (string, bool) { return rankID, true })
}

// Recalculate applies the promotion rule to a pilot with minutes of
// accepted flight time and records a change of rank, if any, in the
// pilot's career. The PIREP reactor calls it after an acceptance or a
// rejection of an accepted PIREP.
func (s *Ranks) Recalculate(ctx context.Context, meta CommandMeta, airlineID, userID string, ranks []Rank, minutes int64) (AppendResult, error) {
	if err := Authorize(meta.Who, ReviewPireps, airlineID); err != nil {
		return AppendResult{}, err
	}
	return s.setRank(ctx, meta, airlineID, userID, func(c *Career) (string, bool) {
		return RankFor(ranks, minutes, c.Floor), false
	})
}

func (s *Ranks) setRank(ctx context.Context, meta CommandMeta, airlineID, userID string, decide func(c *Career) (string, bool)) (AppendResult, error) {
	return Execute(ctx, s.Runner, StreamRef{StreamID: CareerStream(userID), TenantID: airlineID}, meta,
		func() *Career { return &Career{} },
		func(c *Career, version int64) (Decision, error) {
			if version > 0 && c.TenantID != airlineID {
				return Decision{}, Errorf(ENotFound, "There is no such pilot in this airline.")
			}
			rankID, byHand := decide(c)
			if rankID == c.RankID && (!byHand || rankID == c.Floor) {
				return Decision{}, nil
			}
			return Decision{Events: []proto.Message{&eventsv1.PilotRankSet{
				UserId: userID, TenantId: airlineID, RankId: rankID, ByHand: byHand, By: meta.Who.UserID,
				SetAt: timestamppb.New(s.Runner.now()),
			}}}, nil
		})
}
