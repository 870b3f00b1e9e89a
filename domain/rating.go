package domain

import (
	"cmp"
	"context"
	"fmt"
	"regexp"
	"slices"
	"strings"
	"time"

	"google.golang.org/protobuf/proto"
	"google.golang.org/protobuf/types/known/timestamppb"

	eventsv1 "github.com/albatross-va/albatross/domain/events/v1"
)

// This file holds who may fly what, as phpVMS has it: an airline's type
// ratings (each covers some subfleets), the ratings staff grant and revoke
// per pilot, what each rank lets its pilots fly (subfleets, and ratings
// they hold with the rank), the airline's two restrictions, and the one
// decision every entry point asks: MayFly.

// Stream prefixes of type ratings, of a pilot's ratings and of a rank's
// allowances.
const (
	TypeRatingStreamPrefix    = "typerating-"
	PilotRatingsStreamPrefix  = "ratings-"
	RankAllowanceStreamPrefix = "rankfleet-"
)

// TypeRatingStream returns the stream id of a type rating.
func TypeRatingStream(id string) string { return TypeRatingStreamPrefix + id }

// PilotRatingsStream returns the stream id of a pilot's type ratings: apart
// from the user's and the career's streams, so that a grant never contends
// with a login or a promotion.
func PilotRatingsStream(userID string) string { return PilotRatingsStreamPrefix + userID }

// RankAllowanceStream returns the stream id of what a rank lets its pilots
// fly.
func RankAllowanceStream(rankID string) string { return RankAllowanceStreamPrefix + rankID }

// The bounds of a type rating's text.
const (
	TypeRatingNameMax = 100
	TypeRatingCodeMax = 10
	RatingReasonMax   = 300
)

var ratingCodePattern = regexp.MustCompile(`^[A-Z0-9][A-Z0-9-]*$`)

// TypeRatingForm is what the type rating form gives.
type TypeRatingForm struct {
	Name        string
	Code        string   // short, as phpVMS's type: B737
	SubfleetIDs []string // the subfleets a holder may fly
}

// Validate trims the form's text and returns an EInvalid error naming each
// bad field, or nil.
func (f *TypeRatingForm) Validate() error {
	m := map[string]string{}
	checkRequiredLine(m, "name", &f.Name, TypeRatingNameMax, "Enter the type rating's name, for example Boeing 737NG.")
	f.Code = strings.ToUpper(f.Code)
	if checkRequiredLine(m, "code", &f.Code, TypeRatingCodeMax, "Enter the type rating's code, for example B737.") && !ratingCodePattern.MatchString(f.Code) {
		m["code"] = "The code is capital letters, digits and dashes, for example B737."
	}
	for i := range f.SubfleetIDs {
		if !CheckLine(m, "subfleet_ids", &f.SubfleetIDs[i], 64) {
			break
		}
	}
	slices.Sort(f.SubfleetIDs)
	f.SubfleetIDs = slices.Compact(slices.DeleteFunc(f.SubfleetIDs, func(s string) bool { return s == "" }))
	return Invalid(m)
}

// TypeRating is an airline's type rating.
type TypeRating struct {
	ID, Name, Code string
	SubfleetIDs    []string
}

// Covers says whether the rating lets its holder fly the subfleet.
func (r TypeRating) Covers(subfleetID string) bool { return slices.Contains(r.SubfleetIDs, subfleetID) }

// TypeRatingState is the type rating aggregate.
type TypeRatingState struct {
	TypeRating
	TenantID string
	Created  bool
}

// Apply folds one stored event into the type rating.
func (r *TypeRatingState) Apply(ev proto.Message) error {
	e, ok := ev.(*eventsv1.TypeRatingSaved)
	if !ok {
		return fmt.Errorf("type rating: unexpected event %T", ev)
	}
	r.ID, r.TenantID, r.Created = e.RatingId, e.TenantId, true
	r.Name, r.Code, r.SubfleetIDs = e.Name, e.Code, slices.Clone(e.SubfleetIds)
	return nil
}

// PilotRatings is the aggregate of the type ratings staff gave one pilot.
type PilotRatings struct {
	UserID, TenantID string
	Held             map[string]bool
}

// Apply folds one stored event into the pilot's ratings.
func (p *PilotRatings) Apply(ev proto.Message) error {
	if p.Held == nil {
		p.Held = map[string]bool{}
	}
	switch e := ev.(type) {
	case *eventsv1.PilotTypeRatingGranted:
		p.UserID, p.TenantID, p.Held[e.RatingId] = e.UserId, e.TenantId, true
	case *eventsv1.PilotTypeRatingRevoked:
		p.UserID, p.TenantID = e.UserId, e.TenantId
		delete(p.Held, e.RatingId)
	default:
		return fmt.Errorf("pilot ratings: unexpected event %T", ev)
	}
	return nil
}

// RankAllowance is what a rank lets its pilots fly: subfleets (phpVMS's
// rank_subfleet) and type ratings they hold while they hold the rank.
type RankAllowance struct {
	RankID      string
	SubfleetIDs []string
	RatingIDs   []string
}

// RankAllowanceState is the rank allowance aggregate.
type RankAllowanceState struct {
	RankAllowance
	TenantID string
	Set      bool
}

// Apply folds one stored event into the rank's allowance.
func (r *RankAllowanceState) Apply(ev proto.Message) error {
	e, ok := ev.(*eventsv1.RankAllowancesSet)
	if !ok {
		return fmt.Errorf("rank allowance: unexpected event %T", ev)
	}
	r.RankID, r.TenantID, r.Set = e.RankId, e.TenantId, true
	r.SubfleetIDs, r.RatingIDs = slices.Clone(e.SubfleetIds), slices.Clone(e.RatingIds)
	return nil
}

// FlyingRules are an airline's rules of who may fly what; both off (the
// default) lets every pilot fly every subfleet.
type FlyingRules struct {
	RestrictToRank       bool // pireps.restrict_aircraft_to_rank: only the subfleets the pilot's rank gives
	RestrictToTypeRating bool // pireps.restrict_aircraft_to_typerating: only subfleets a held rating covers
	// CountTransferHours counts the hours pilots bring from another
	// airline toward ranks (pilots.count_transfer_hours).
	CountTransferHours bool
}

// Qualifications are what a pilot may fly, as MayFly reads them.
type Qualifications struct {
	Rules FlyingRules
	// RankID and RankName are the pilot's rank ("" for none); RankSubfleets
	// the subfleets it gives.
	RankID, RankName string
	RankSubfleets    []string
	// Held are the ratings the pilot holds: granted by staff or given by
	// the rank. Ratings are every type rating of the airline, to name the
	// one a pilot lacks.
	Held    []TypeRating
	Ratings []TypeRating
	// SubfleetNames are the airline's subfleets' names by id, for the
	// messages.
	SubfleetNames map[string]string
}

// Restricted says whether the airline restricts anything: without, every
// pilot may fly every subfleet.
func (q Qualifications) Restricted() bool {
	return q.Rules.RestrictToRank || q.Rules.RestrictToTypeRating
}

// TransferStreamPrefix starts the stream id of a pilot's transfer hours.
const TransferStreamPrefix = "transfer-"

// TransferStream returns the stream id of a pilot's transfer hours.
func TransferStream(userID string) string { return TransferStreamPrefix + userID }

// MaxTransferMinutes bounds the hours a pilot may bring: 100000 hours.
const MaxTransferMinutes = 100_000 * 60

// TransferHours is the aggregate of the hours a pilot brought from
// another airline.
type TransferHours struct {
	UserID, TenantID string
	Minutes          int64
}

// Apply folds one stored event into the pilot's transfer hours.
func (h *TransferHours) Apply(ev proto.Message) error {
	e, ok := ev.(*eventsv1.PilotTransferHoursSet)
	if !ok {
		return fmt.Errorf("transfer hours: unexpected event %T", ev)
	}
	h.UserID, h.TenantID, h.Minutes = e.UserId, e.TenantId, e.Minutes
	return nil
}

// MayFly is the one decision of whether a pilot may fly a subfleet, asked
// by filing, prefiling, bids, the flight search and the ACARS fleet list.
// It returns nil when the airline's rules let them, else an EForbidden
// error (Reasons: aircraft_id = ReasonNotQualified) whose message names
// the missing rank or type rating.
func MayFly(q Qualifications, subfleetID string) error {
	name := q.SubfleetNames[subfleetID]
	if name == "" {
		name = "this subfleet"
	}
	refuse := func(format string, args ...any) error {
		msg := fmt.Sprintf(format, args...)
		return &Error{Code: EForbidden, Message: msg, Fields: map[string]string{"aircraft_id": msg},
			Reasons: map[string]string{"aircraft_id": ReasonNotQualified}}
	}
	if q.Rules.RestrictToRank && !slices.Contains(q.RankSubfleets, subfleetID) {
		if q.RankName == "" {
			return refuse("You have no rank yet, and %s is flown by ranks only.", name)
		}
		return refuse("Your rank %s does not fly %s.", q.RankName, name)
	}
	if q.Rules.RestrictToTypeRating && !slices.ContainsFunc(q.Held, func(r TypeRating) bool { return r.Covers(subfleetID) }) {
		var codes []string
		for _, r := range q.Ratings {
			if r.Covers(subfleetID) {
				codes = append(codes, r.Code)
			}
		}
		switch len(codes) {
		case 0:
			return refuse("No type rating covers %s yet, so nobody may fly it: staff add it to a type rating.", name)
		case 1:
			return refuse("Flying %s needs the %s type rating, which you do not hold.", name, codes[0])
		default:
			return refuse("Flying %s needs one of the type ratings %s, and you hold none of them.", name, strings.Join(codes, ", "))
		}
	}
	return nil
}

// MayFlyAny is MayFly for a flight flown with any of subfleets: nil when
// the pilot may fly one of them (or none are named: the flight names no
// subfleet, so the choice of aircraft decides), else the first refusal.
func MayFlyAny(q Qualifications, subfleets []string) error {
	var first error
	for _, id := range subfleets {
		err := MayFly(q, id)
		if err == nil {
			return nil
		}
		first = cmp.Or(first, err)
	}
	return first
}

// QualificationsReader reads what a pilot may fly (reads.Qualifications in
// the server).
type QualificationsReader interface {
	Qualifications(ctx context.Context, tenantID, pilotID string) (Qualifications, error)
}

// TypeRatings runs the commands on type ratings, pilots' ratings and ranks'
// allowances. Subfleets checks that the subfleets a rating covers are the
// airline's own.
type TypeRatings struct {
	Runner    *Runner
	IDs       IDs
	Subfleets SubfleetDirectory
}

// Save adds a type rating (ratingID "") or replaces one, and returns its
// id. Its code is claimed within the airline.
func (s *TypeRatings) Save(ctx context.Context, meta CommandMeta, airlineID, ratingID string, f TypeRatingForm) (string, AppendResult, error) {
	if err := Authorize(meta.Who, ManageRanks, airlineID); err != nil {
		return "", AppendResult{}, err
	}
	if err := f.Validate(); err != nil {
		return "", AppendResult{}, err
	}
	for _, id := range f.SubfleetIDs {
		if _, err := s.Subfleets.SubfleetType(ctx, airlineID, id); ErrorCode(err) == ENotFound {
			return "", AppendResult{}, FieldError(EInvalid, "subfleet_ids", "Choose subfleets of this airline.")
		} else if err != nil {
			return "", AppendResult{}, err
		}
	}
	isNew := ratingID == ""
	if isNew {
		ratingID = s.IDs.NewID()
	} else if TextError("rating", ratingID, SingleLine, 64) != nil {
		return "", AppendResult{}, Errorf(ENotFound, "There is no such type rating in this airline.")
	}
	res, err := Execute(ctx, s.Runner, StreamRef{StreamID: TypeRatingStream(ratingID), TenantID: airlineID}, meta,
		func() *TypeRatingState { return &TypeRatingState{} },
		func(r *TypeRatingState, _ int64) (Decision, error) {
			if !isNew && (!r.Created || r.TenantID != airlineID || airlineID == "") {
				return Decision{}, Errorf(ENotFound, "There is no such type rating in this airline.")
			}
			if r.Created && r.Name == f.Name && r.Code == f.Code && slices.Equal(r.SubfleetIDs, f.SubfleetIDs) {
				return Decision{}, nil
			}
			var claims []UniqueClaim
			var releases []UniqueClaim
			if r.Code != f.Code {
				claims = append(claims, UniqueClaim{Scope: airlineID, Field: "type_rating_code", Value: f.Code})
				if r.Created {
					releases = append(releases, UniqueClaim{Scope: airlineID, Field: "type_rating_code", Value: r.Code})
				}
			}
			return Decision{Events: []proto.Message{&eventsv1.TypeRatingSaved{RatingId: ratingID, TenantId: airlineID, Name: f.Name,
				Code: f.Code, SubfleetIds: f.SubfleetIDs, By: meta.Who.UserID, SavedAt: timestamppb.New(s.Runner.now().UTC().Truncate(time.Microsecond))}},
				Claims: claims, Releases: releases}, nil
		})
	if ErrorCode(err) == EConflict && ErrorFields(err)["type_rating_code"] != "" {
		return "", AppendResult{}, FieldError(EConflict, "code", fmt.Sprintf("The airline already has a type rating coded %s.", f.Code))
	}
	return ratingID, res, err
}

// loadRating reads a type rating of the airline; another airline's is not
// found.
func (s *TypeRatings) loadRating(ctx context.Context, airlineID, ratingID string) (*TypeRatingState, error) {
	r := &TypeRatingState{}
	if TextError("rating_id", ratingID, SingleLine, 64) == nil {
		if _, err := s.Runner.load(ctx, TypeRatingStream(ratingID), r); err != nil {
			return nil, err
		}
	}
	if !r.Created || r.TenantID != airlineID || airlineID == "" {
		return nil, FieldError(EInvalid, "rating_id", "Choose one of the airline's type ratings.")
	}
	return r, nil
}

// Grant gives a pilot of the airline a type rating, with an optional
// reason for their history. Granting one held records nothing.
func (s *TypeRatings) Grant(ctx context.Context, meta CommandMeta, airlineID, userID, ratingID, reason string) (AppendResult, error) {
	return s.change(ctx, meta, airlineID, userID, ratingID, reason, true)
}

// Revoke takes a type rating back from a pilot, with an optional reason.
// Revoking one not held records nothing.
func (s *TypeRatings) Revoke(ctx context.Context, meta CommandMeta, airlineID, userID, ratingID, reason string) (AppendResult, error) {
	return s.change(ctx, meta, airlineID, userID, ratingID, reason, false)
}

func (s *TypeRatings) change(ctx context.Context, meta CommandMeta, airlineID, userID, ratingID, reason string, grant bool) (AppendResult, error) {
	if err := Authorize(meta.Who, ManageRanks, airlineID); err != nil {
		return AppendResult{}, err
	}
	if err := textFieldError("reason", &reason, SingleLine, RatingReasonMax, ""); err != nil {
		return AppendResult{}, err
	}
	if _, err := s.loadRating(ctx, airlineID, ratingID); err != nil {
		return AppendResult{}, err
	}
	u := &User{}
	if TextError("user", userID, SingleLine, 64) == nil {
		if _, err := s.Runner.load(ctx, UserStream(userID), u); err != nil {
			return AppendResult{}, err
		}
	}
	if !u.Created || u.TenantID != airlineID || u.Role != RolePilot && u.Role != RoleAirlineAdmin {
		return AppendResult{}, Errorf(ENotFound, "There is no such pilot in this airline.")
	}
	return Execute(ctx, s.Runner, StreamRef{StreamID: PilotRatingsStream(userID), TenantID: airlineID}, meta,
		func() *PilotRatings { return &PilotRatings{} },
		func(p *PilotRatings, version int64) (Decision, error) {
			if version > 0 && p.TenantID != airlineID {
				return Decision{}, Errorf(ENotFound, "There is no such pilot in this airline.")
			}
			if p.Held[ratingID] == grant {
				return Decision{}, nil
			}
			at := timestamppb.New(s.Runner.now().UTC().Truncate(time.Microsecond))
			var ev proto.Message = &eventsv1.PilotTypeRatingGranted{UserId: userID, TenantId: airlineID, RatingId: ratingID,
				Reason: reason, By: meta.Who.UserID, GrantedAt: at}
			if !grant {
				ev = &eventsv1.PilotTypeRatingRevoked{UserId: userID, TenantId: airlineID, RatingId: ratingID,
					Reason: reason, By: meta.Who.UserID, RevokedAt: at}
			}
			return Decision{Events: []proto.Message{ev}}, nil
		})
}

// SetTransferHours sets the hours a pilot of the airline brought from
// another airline, typed as hours or h:mm (empty: none), with an optional
// reason for their history.
func (s *TypeRatings) SetTransferHours(ctx context.Context, meta CommandMeta, airlineID, userID, hours, reason string) (AppendResult, error) {
	if err := Authorize(meta.Who, ManageRanks, airlineID); err != nil {
		return AppendResult{}, err
	}
	m := map[string]string{}
	CheckLine(m, "transfer_hours", &hours, 20)
	CheckLine(m, "transfer_reason", &reason, RatingReasonMax)
	var mins int64
	if m["transfer_hours"] == "" && hours != "" {
		var err error
		if mins, err = ParseFlightTime(hours); err != nil || mins < 0 {
			m["transfer_hours"] = "Enter the hours as 120 or 120:30, or leave it empty for none."
		} else if mins > MaxTransferMinutes {
			m["transfer_hours"] = "The transfer hours are at most 100000."
		}
	}
	if err := Invalid(m); err != nil {
		return AppendResult{}, err
	}
	u := &User{}
	if TextError("user", userID, SingleLine, 64) == nil {
		if _, err := s.Runner.load(ctx, UserStream(userID), u); err != nil {
			return AppendResult{}, err
		}
	}
	if !u.Created || u.TenantID != airlineID || airlineID == "" {
		return AppendResult{}, Errorf(ENotFound, "There is no such pilot in this airline.")
	}
	return Execute(ctx, s.Runner, StreamRef{StreamID: TransferStream(userID), TenantID: airlineID}, meta,
		func() *TransferHours { return &TransferHours{} },
		func(h *TransferHours, version int64) (Decision, error) {
			if version > 0 && h.TenantID != airlineID {
				return Decision{}, Errorf(ENotFound, "There is no such pilot in this airline.")
			}
			if h.Minutes == mins {
				return Decision{}, nil
			}
			return Decision{Events: []proto.Message{&eventsv1.PilotTransferHoursSet{UserId: userID, TenantId: airlineID, Minutes: mins,
				Reason: reason, By: meta.Who.UserID, SetAt: timestamppb.New(s.Runner.now().UTC().Truncate(time.Microsecond))}}}, nil
		})
}

// SetRankAllowance replaces what a rank of the airline lets its pilots
// fly: the subfleets it gives and the type ratings its pilots hold.
func (s *TypeRatings) SetRankAllowance(ctx context.Context, meta CommandMeta, airlineID string, a RankAllowance) (AppendResult, error) {
	if err := Authorize(meta.Who, ManageRanks, airlineID); err != nil {
		return AppendResult{}, err
	}
	rank := &RankState{}
	if TextError("rank", a.RankID, SingleLine, 64) == nil {
		if _, err := s.Runner.load(ctx, RankStream(a.RankID), rank); err != nil {
			return AppendResult{}, err
		}
	}
	if !rank.Created || rank.TenantID != airlineID || airlineID == "" {
		return AppendResult{}, Errorf(ENotFound, "There is no such rank in this airline.")
	}
	clean := func(list []string) []string {
		out := slices.Clone(list)
		slices.Sort(out)
		return slices.Compact(slices.DeleteFunc(out, func(s string) bool { return strings.TrimSpace(s) == "" }))
	}
	a.SubfleetIDs, a.RatingIDs = clean(a.SubfleetIDs), clean(a.RatingIDs)
	for _, id := range a.SubfleetIDs {
		if TextError("subfleet_ids", id, SingleLine, 64) != nil {
			return AppendResult{}, FieldError(EInvalid, "subfleet_ids", "Choose subfleets of this airline.")
		}
		if _, err := s.Subfleets.SubfleetType(ctx, airlineID, id); ErrorCode(err) == ENotFound {
			return AppendResult{}, FieldError(EInvalid, "subfleet_ids", "Choose subfleets of this airline.")
		} else if err != nil {
			return AppendResult{}, err
		}
	}
	for _, id := range a.RatingIDs {
		if _, err := s.loadRating(ctx, airlineID, id); err != nil {
			return AppendResult{}, FieldError(EInvalid, "rating_ids", "Choose type ratings of this airline.")
		}
	}
	return Execute(ctx, s.Runner, StreamRef{StreamID: RankAllowanceStream(a.RankID), TenantID: airlineID}, meta,
		func() *RankAllowanceState { return &RankAllowanceState{} },
		func(r *RankAllowanceState, _ int64) (Decision, error) {
			if r.Set && slices.Equal(r.SubfleetIDs, a.SubfleetIDs) && slices.Equal(r.RatingIDs, a.RatingIDs) {
				return Decision{}, nil
			}
			return Decision{Events: []proto.Message{&eventsv1.RankAllowancesSet{RankId: a.RankID, TenantId: airlineID,
				SubfleetIds: a.SubfleetIDs, RatingIds: a.RatingIDs, By: meta.Who.UserID,
				SetAt: timestamppb.New(s.Runner.now().UTC().Truncate(time.Microsecond))}}}, nil
		})
}

// SetFlyingRules sets an airline's rules of who may fly what; setting the
// rules it has records nothing.
func (s *Airlines) SetFlyingRules(ctx context.Context, meta CommandMeta, airlineID string, r FlyingRules) (AppendResult, error) {
	return s.airlineCommand(ctx, meta, airlineID, ManagePirepRules, func(a *Airline, now time.Time) ([]proto.Message, error) {
		if a.FlyingRules == r {
			return nil, nil
		}
		return []proto.Message{&eventsv1.FlyingRulesChanged{AirlineId: airlineID, RestrictToRank: r.RestrictToRank,
			RestrictToTypeRating: r.RestrictToTypeRating, ChangedAt: timestamppb.New(now), CountTransferHours: r.CountTransferHours}}, nil
	})
}
