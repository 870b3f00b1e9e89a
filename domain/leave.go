package domain

import (
	"context"
	"fmt"
	"time"

	"google.golang.org/protobuf/proto"
	"google.golang.org/protobuf/types/known/timestamppb"

	eventsv1 "github.com/albatross-va/albatross/domain/events/v1"
)

// LeaveStream returns the stream id of a pilot's leave: their requests,
// staff's decisions, the activity rule's leave and their returns.
func LeaveStream(userID string) string { return "leave-" + userID }

// LeaveRulesStream returns the stream id of an airline's leave rules.
func LeaveRulesStream(airlineID string) string { return "leave-rules-" + airlineID }

// The states of a leave request.
const (
	LeavePending  = "pending"
	LeaveApproved = "approved"
	LeaveDeclined = "declined"
	// LeaveEnded is an approved request a filed flight ended early.
	LeaveEnded = "ended"
)

// Limits of the leave forms.
const (
	LeaveNoteMax    = 500
	LeaveReasonMax  = 200
	MaxLeaveDays    = 366  // one request covers at most a year
	MaxAutoLeaveDay = 3650 // the activity rule's days, at most ten years
)

// LeaveRules are an airline's leave settings; the zero value (staff
// decide every request, no activity rule) is an airline that set none.
type LeaveRules struct {
	AutoApprove bool
	// AutoLeaveDays puts a pilot on leave after that many days without a
	// filed flight (phpVMS's pilots.auto_leave_days); 0: never.
	AutoLeaveDays int32
}

// LeaveRulesState is the aggregate of an airline's leave-rules stream.
type LeaveRulesState struct {
	TenantID string
	Rules    LeaveRules
}

// Apply folds one stored event into the rules.
func (s *LeaveRulesState) Apply(ev proto.Message) error {
	e, ok := ev.(*eventsv1.LeaveRulesChanged)
	if !ok {
		return fmt.Errorf("leave rules: unexpected event %T", ev)
	}
	s.TenantID, s.Rules = e.AirlineId, LeaveRules{AutoApprove: e.AutoApprove, AutoLeaveDays: e.AutoLeaveDays}
	return nil
}

// LeaveRequest is one of a pilot's requests as their stream holds it.
type LeaveRequest struct {
	ID         string
	Start, End string // YYYY-MM-DD
	Status     string
}

// Covers says whether day (YYYY-MM-DD) falls within the request.
func (r LeaveRequest) Covers(day string) bool { return r.Start <= day && day <= r.End }

// PilotLeave is the aggregate of a pilot's leave stream.
type PilotLeave struct {
	UserID, TenantID string
	Requests         map[string]*LeaveRequest
	// Away: put on leave by the activity rule, until their next flight.
	Away bool
}

// Apply folds one stored event into the pilot's leave.
func (l *PilotLeave) Apply(ev proto.Message) error {
	if l.Requests == nil {
		l.Requests = map[string]*LeaveRequest{}
	}
	switch e := ev.(type) {
	case *eventsv1.LeaveRequested:
		l.UserID, l.TenantID = e.UserId, e.TenantId
		l.Requests[e.LeaveId] = &LeaveRequest{ID: e.LeaveId, Start: e.StartDate, End: e.EndDate, Status: LeavePending}
	case *eventsv1.LeaveApproved:
		if r := l.Requests[e.LeaveId]; r != nil {
			r.Status = LeaveApproved
		}
	case *eventsv1.LeaveDeclined:
		if r := l.Requests[e.LeaveId]; r != nil {
			r.Status = LeaveDeclined
		}
	case *eventsv1.PilotPutOnLeave:
		l.UserID, l.TenantID, l.Away = e.UserId, e.TenantId, true
	case *eventsv1.PilotBackFromLeave:
		l.UserID, l.TenantID, l.Away = e.UserId, e.TenantId, false
		day := e.At.AsTime().UTC().Format(time.DateOnly)
		for _, r := range l.Requests {
			if r.Status == LeaveApproved && r.Covers(day) {
				r.Status = LeaveEnded
			}
		}
	default:
		return fmt.Errorf("pilot leave: unexpected event %T", ev)
	}
	return nil
}

// OnLeave says whether the pilot is on leave on day (YYYY-MM-DD): put on
// leave by the activity rule, or within an approved request.
func (l *PilotLeave) OnLeave(day string) bool {
	if l.Away {
		return true
	}
	for _, r := range l.Requests {
		if r.Status == LeaveApproved && r.Covers(day) {
			return true
		}
	}
	return false
}

// Leave runs the commands of leave and activity.
type Leave struct {
	Runner *Runner
	IDs    IDs
}

// LeaveForm is a pilot's request as typed.
type LeaveForm struct {
	StartDate, EndDate, Note string
}

// Validate checks the form; today (YYYY-MM-DD) is the first day a request
// may start.
func (f *LeaveForm) Validate(today string) map[string]string {
	m := map[string]string{}
	CheckLine(m, "start_date", &f.StartDate, 10)
	CheckLine(m, "end_date", &f.EndDate, 10)
	CheckText(m, "note", &f.Note, MultiLine, LeaveNoteMax)
	var start, end time.Time
	var err error
	if m["start_date"] == "" {
		if start, err = time.Parse(time.DateOnly, f.StartDate); err != nil {
			m["start_date"] = "Enter the first day of leave as a date, for example 2026-12-20."
		} else if f.StartDate < today {
			m["start_date"] = "Leave cannot start in the past."
		}
	}
	if m["end_date"] == "" {
		if end, err = time.Parse(time.DateOnly, f.EndDate); err != nil {
			m["end_date"] = "Enter the last day of leave as a date, for example 2027-01-03."
		}
	}
	if m["start_date"] == "" && m["end_date"] == "" {
		switch {
		case end.Before(start):
			m["end_date"] = "The last day of leave cannot be before the first."
		case end.Sub(start) > MaxLeaveDays*24*time.Hour:
			m["end_date"] = "One request covers at most a year."
		}
	}
	return m
}

// loadPilot loads a pilot of the airline, or refuses: a member's
// commands answer not found for anyone else's.
func (s *Leave) loadPilot(ctx context.Context, airlineID, userID string) (*User, error) {
	u := &User{}
	if TextError("user", userID, SingleLine, 64) == nil && userID != "" {
		if _, err := s.Runner.load(ctx, UserStream(userID), u); err != nil {
			return nil, err
		}
	}
	if !u.Created || u.TenantID != airlineID || airlineID == "" {
		return nil, Errorf(ENotFound, "There is no such pilot in this airline.")
	}
	return u, nil
}

// Rules reads an airline's leave rules from its stream.
func (s *Leave) Rules(ctx context.Context, airlineID string) (LeaveRules, error) {
	st := &LeaveRulesState{}
	if _, err := s.Runner.load(ctx, LeaveRulesStream(airlineID), st); err != nil {
		return LeaveRules{}, err
	}
	return st.Rules, nil
}

// SetRules sets an airline's leave rules; the rules it has record nothing.
func (s *Leave) SetRules(ctx context.Context, meta CommandMeta, airlineID string, r LeaveRules) (AppendResult, error) {
	if err := Authorize(meta.Who, ManageLeave, airlineID); err != nil {
		return AppendResult{}, err
	}
	if r.AutoLeaveDays < 0 || r.AutoLeaveDays > MaxAutoLeaveDay {
		return AppendResult{}, FieldError(EInvalid, "auto_leave_days", "Enter a number of days from 0 (off) to 3650.")
	}
	return Execute(ctx, s.Runner, StreamRef{StreamID: LeaveRulesStream(airlineID), TenantID: airlineID}, meta,
		func() *LeaveRulesState { return &LeaveRulesState{} },
		func(st *LeaveRulesState, _ int64) (Decision, error) {
			if st.Rules == r {
				return Decision{}, nil
			}
			return Decision{Events: []proto.Message{&eventsv1.LeaveRulesChanged{AirlineId: airlineID, AutoApprove: r.AutoApprove,
				AutoLeaveDays: r.AutoLeaveDays, By: meta.Who.UserID, ChangedAt: timestamppb.New(s.Runner.now().UTC().Truncate(time.Microsecond))}}}, nil
		})
}

// Request records the actor's own request for leave and returns its id;
// the airline's auto-approve approves it in the same append.
func (s *Leave) Request(ctx context.Context, meta CommandMeta, airlineID string, f LeaveForm) (string, AppendResult, error) {
	if err := Authorize(meta.Who, RequestOwnLeave, airlineID); err != nil {
		return "", AppendResult{}, err
	}
	now := s.Runner.now().UTC().Truncate(time.Microsecond)
	if err := Invalid(f.Validate(now.Format(time.DateOnly))); err != nil {
		return "", AppendResult{}, err
	}
	userID := meta.Who.UserID
	if _, err := s.loadPilot(ctx, airlineID, userID); err != nil {
		return "", AppendResult{}, err
	}
	rules, err := s.Rules(ctx, airlineID)
	if err != nil {
		return "", AppendResult{}, err
	}
	id := s.IDs.NewID()
	res, err := Execute(ctx, s.Runner, StreamRef{StreamID: LeaveStream(userID), TenantID: airlineID}, meta,
		func() *PilotLeave { return &PilotLeave{} },
		func(l *PilotLeave, version int64) (Decision, error) {
			if version > 0 && l.TenantID != airlineID {
				return Decision{}, Errorf(ENotFound, "There is no such pilot in this airline.")
			}
			at := timestamppb.New(now)
			evs := []proto.Message{&eventsv1.LeaveRequested{UserId: userID, TenantId: airlineID, LeaveId: id,
				StartDate: f.StartDate, EndDate: f.EndDate, Note: f.Note, RequestedAt: at}}
			if rules.AutoApprove {
				evs = append(evs, &eventsv1.LeaveApproved{UserId: userID, TenantId: airlineID, LeaveId: id, Automatic: true, ApprovedAt: at})
			}
			return Decision{Events: evs}, nil
		})
	return id, res, err
}

// Decide approves or declines a pilot's pending request (staff), with a
// reason for a decline.
func (s *Leave) Decide(ctx context.Context, meta CommandMeta, airlineID, userID, leaveID string, approve bool, reason string) (AppendResult, error) {
	if err := Authorize(meta.Who, ManageLeave, airlineID); err != nil {
		return AppendResult{}, err
	}
	m := map[string]string{}
	CheckLine(m, "reason", &reason, LeaveReasonMax)
	if err := Invalid(m); err != nil {
		return AppendResult{}, err
	}
	if _, err := s.loadPilot(ctx, airlineID, userID); err != nil {
		return AppendResult{}, err
	}
	return Execute(ctx, s.Runner, StreamRef{StreamID: LeaveStream(userID), TenantID: airlineID}, meta,
		func() *PilotLeave { return &PilotLeave{} },
		func(l *PilotLeave, _ int64) (Decision, error) {
			r := l.Requests[leaveID]
			if r == nil || l.TenantID != airlineID {
				return Decision{}, Errorf(ENotFound, "There is no such leave request.")
			}
			if r.Status != LeavePending {
				return Decision{}, Errorf(EConflict, "This request was decided already.")
			}
			at := timestamppb.New(s.Runner.now().UTC().Truncate(time.Microsecond))
			if approve {
				return Decision{Events: []proto.Message{&eventsv1.LeaveApproved{UserId: userID, TenantId: airlineID, LeaveId: leaveID,
					By: meta.Who.UserID, ApprovedAt: at}}}, nil
			}
			return Decision{Events: []proto.Message{&eventsv1.LeaveDeclined{UserId: userID, TenantId: airlineID, LeaveId: leaveID,
				By: meta.Who.UserID, Reason: reason, DeclinedAt: at}}}, nil
		})
}

// PutOnLeaveIdle puts an active pilot on leave by the airline's activity
// rule, when their last filed flight (or, before one, their joining) is
// more than the rule's days before asOf. A pilot on leave already, an
// airline without the rule, or a pilot who flew since appends nothing, so
// a second sweep (another process, a restart) adds nothing; the caller
// derives the command id from the pilot and the day.
func (s *Leave) PutOnLeaveIdle(ctx context.Context, meta CommandMeta, airlineID, userID string, lastFlight, asOf time.Time) (AppendResult, error) {
	if err := Authorize(meta.Who, ManageLeave, airlineID); err != nil {
		return AppendResult{}, err
	}
	u, err := s.loadPilot(ctx, airlineID, userID)
	if err != nil {
		return AppendResult{}, err
	}
	if u.Status != StatusActive || u.PilotID == "" {
		return AppendResult{}, nil
	}
	rules, err := s.Rules(ctx, airlineID)
	if err != nil {
		return AppendResult{}, err
	}
	idle := asOf.Sub(lastFlight)
	if rules.AutoLeaveDays <= 0 || idle <= time.Duration(rules.AutoLeaveDays)*24*time.Hour {
		return AppendResult{}, nil
	}
	day := asOf.UTC().Format(time.DateOnly)
	return Execute(ctx, s.Runner, StreamRef{StreamID: LeaveStream(userID), TenantID: airlineID}, meta,
		func() *PilotLeave { return &PilotLeave{} },
		func(l *PilotLeave, version int64) (Decision, error) {
			if version > 0 && l.TenantID != airlineID {
				return Decision{}, Errorf(ENotFound, "There is no such pilot in this airline.")
			}
			if l.OnLeave(day) {
				return Decision{}, nil
			}
			return Decision{Events: []proto.Message{&eventsv1.PilotPutOnLeave{UserId: userID, TenantId: airlineID,
				IdleDays: int32(idle / (24 * time.Hour)), LastFlightAt: timestamppb.New(lastFlight.UTC().Truncate(time.Microsecond)),
				Day: day, At: timestamppb.New(asOf.UTC().Truncate(time.Microsecond))}}}, nil
		})
}

// ReturnFromLeave ends a pilot's leave because they filed a flight at
// filedAt: the activity rule's, and the approved request that day falls
// in. A pilot not on leave appends nothing.
func (s *Leave) ReturnFromLeave(ctx context.Context, meta CommandMeta, airlineID, userID, pirepID string, filedAt time.Time) (AppendResult, error) {
	if err := Authorize(meta.Who, ManageLeave, airlineID); err != nil {
		return AppendResult{}, err
	}
	day := filedAt.UTC().Format(time.DateOnly)
	return Execute(ctx, s.Runner, StreamRef{StreamID: LeaveStream(userID), TenantID: airlineID}, meta,
		func() *PilotLeave { return &PilotLeave{} },
		func(l *PilotLeave, version int64) (Decision, error) {
			if version == 0 || l.TenantID != airlineID || !l.OnLeave(day) {
				return Decision{}, nil
			}
			return Decision{Events: []proto.Message{&eventsv1.PilotBackFromLeave{UserId: userID, TenantId: airlineID, PirepId: pirepID,
				At: timestamppb.New(filedAt.UTC().Truncate(time.Microsecond))}}}, nil
		})
}
