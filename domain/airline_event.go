package domain

import (
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

// This file holds an airline's events ("events" on the pages; AirlineEvent
// here, so they are never taken for the log's events): a UTC window, what
// flights count (a set of the schedule's flight numbers, or an airport
// departed from or arrived at), who signed up, and which PIREPs counted.
//
// The rules, as vAMSYS has them:
//   - Sign-up is required: only a signed-up pilot's flights count. A pilot
//     signs up and withdraws until the event ends; one whose flight has
//     counted cannot withdraw (the flight and any award stay theirs).
//   - A flight is in the window when it blocked off at or after the start
//     and before the end. Its block-off time, not when it was filed, is
//     what counts: a manual PIREP is filed after the flight.
//   - A PIREP counts on its acceptance, once; a rejection after acceptance
//     takes it back. A cancelled event counts nothing more; what counted
//     before stays.
//
// Everything about one event is one stream, decided on as it stands, so a
// PIREP counts once however many reactions ask, and a sign-up and a count
// never cross.

// AirlineEventStreamPrefix starts the stream id of an airline event.
const AirlineEventStreamPrefix = "airline-event-"

// AirlineEventStream returns the stream id of an airline event.
func AirlineEventStream(id string) string { return AirlineEventStreamPrefix + id }

// What counts for an airline event.
const (
	EventMatchFlights = "flights" // one of a set of the schedule's flight numbers
	EventMatchAirport = "airport" // a flight from or to one airport
)

// The phases of an airline event as the pages show it.
const (
	EventUpcoming  = "upcoming"
	EventLive      = "live"
	EventPast      = "past"
	EventCancelled = "cancelled"
)

// The bounds of an airline event's text and window.
const (
	AirlineEventNameMax        = 80
	AirlineEventDescriptionMax = 4000
	AirlineEventFlightsMax     = 50
	AirlineEventWindowMax      = 31 * 24 * time.Hour
)

// EventTimeLayout is how the form's UTC times are written (a
// datetime-local input's value).
const EventTimeLayout = "2006-01-02T15:04"

var flightNumberPattern = regexp.MustCompile(`^[A-Z0-9]{1,10}$`)

// EventMatch is what flights count for an event.
type EventMatch struct {
	Kind          string
	FlightNumbers []string // upper case, as the schedule and PIREPs carry them
	Airport       string
}

// EventFlight is a PIREP as an event's rules see it.
type EventFlight struct {
	PirepID      string
	PilotID      string
	FlightNumber string
	Dpt, Arr     string
	BlockOff     time.Time
	BlockOn      time.Time
}

// Matches says whether the flight is one the event is about, whenever it
// flew.
func (m EventMatch) Matches(f EventFlight) bool {
	switch m.Kind {
	case EventMatchFlights:
		n := strings.ToUpper(strings.TrimSpace(f.FlightNumber))
		return n != "" && slices.Contains(m.FlightNumbers, n)
	case EventMatchAirport:
		return m.Airport != "" && (strings.EqualFold(f.Dpt, m.Airport) || strings.EqualFold(f.Arr, m.Airport))
	}
	return false
}

// Describe says what counts, in words.
func (m EventMatch) Describe() string {
	switch m.Kind {
	case EventMatchFlights:
		return "Flights " + strings.Join(m.FlightNumbers, ", ")
	case EventMatchAirport:
		return "Flights from or to " + m.Airport
	}
	return "No flights"
}

// AirlineEventForm is what the event form gives, as typed.
type AirlineEventForm struct {
	Name          string
	Description   string
	StartsAt      string // UTC, EventTimeLayout
	EndsAt        string
	Match         string // EventMatchFlights or EventMatchAirport
	FlightNumbers string // separated by commas or spaces
	Airport       string
}

// AirlineEventSpec is a valid form: the event as it is to be.
type AirlineEventSpec struct {
	Name, Description string
	StartsAt, EndsAt  time.Time
	Match             EventMatch
}

// parseEventTime reads a form's UTC time ("2026-12-24T18:00", or with a
// space or seconds).
func parseEventTime(s string) (time.Time, bool) {
	s = strings.Replace(strings.TrimSpace(s), " ", "T", 1)
	for _, layout := range []string{EventTimeLayout, "2006-01-02T15:04:05"} {
		if t, err := time.Parse(layout, s); err == nil {
			return t.UTC(), true
		}
	}
	return time.Time{}, false
}

// Validate trims the form's text and returns the event it describes, or an
// EInvalid error naming each bad field.
func (f *AirlineEventForm) Validate() (AirlineEventSpec, error) {
	m := map[string]string{}
	var s AirlineEventSpec
	checkRequiredLine(m, "name", &f.Name, AirlineEventNameMax, "Enter the event's name, for example Christmas Eve to Lisbon.")
	CheckText(m, "description", &f.Description, MultiLine, AirlineEventDescriptionMax)
	f.StartsAt, f.EndsAt = strings.TrimSpace(f.StartsAt), strings.TrimSpace(f.EndsAt)
	start, okStart := parseEventTime(f.StartsAt)
	if !okStart {
		m["starts_at"] = "Enter the start in UTC, for example 2026-12-24T18:00."
	}
	end, okEnd := parseEventTime(f.EndsAt)
	switch {
	case !okEnd:
		m["ends_at"] = "Enter the end in UTC, for example 2026-12-24T22:00."
	case okStart && !end.After(start):
		m["ends_at"] = "The end is after the start."
	case okStart && end.Sub(start) > AirlineEventWindowMax:
		m["ends_at"] = "An event lasts at most 31 days."
	}
	s.Name, s.Description, s.StartsAt, s.EndsAt = f.Name, f.Description, start, end
	s.Match.Kind = f.Match
	switch f.Match {
	case EventMatchFlights:
		seen := map[string]bool{}
		for _, n := range strings.FieldsFunc(strings.ToUpper(f.FlightNumbers), func(r rune) bool { return r == ',' || r == ' ' || r == ';' || r == '\n' || r == '\r' || r == '\t' }) {
			if !flightNumberPattern.MatchString(n) {
				m["flight_numbers"] = fmt.Sprintf("%q is not a flight number: letters and digits, at most 10.", CleanText(n, SingleLine))
				break
			}
			if !seen[n] {
				seen[n] = true
				s.Match.FlightNumbers = append(s.Match.FlightNumbers, n)
			}
		}
		switch {
		case m["flight_numbers"] != "":
		case len(s.Match.FlightNumbers) == 0:
			m["flight_numbers"] = "Enter the flight numbers that count, for example 100, 101."
		case len(s.Match.FlightNumbers) > AirlineEventFlightsMax:
			m["flight_numbers"] = fmt.Sprintf("An event counts at most %d flight numbers.", AirlineEventFlightsMax)
		}
		f.FlightNumbers = strings.Join(s.Match.FlightNumbers, ", ")
	case EventMatchAirport:
		f.Airport = strings.ToUpper(strings.TrimSpace(f.Airport))
		if !ValidAirportICAO(f.Airport) {
			m["airport"] = "Enter the airport's 4-character ICAO code, for example LPPT."
		}
		s.Match.Airport = f.Airport
	default:
		m["match"] = "Choose what counts: flight numbers or an airport."
	}
	if err := Invalid(m); err != nil {
		return AirlineEventSpec{}, err
	}
	return s, nil
}

// AirlineEvent is the airline event aggregate.
type AirlineEvent struct {
	ID, TenantID      string
	Name, Description string
	StartsAt, EndsAt  time.Time
	Match             EventMatch
	Cancelled         bool
	Scheduled         bool
	SignedUp          map[string]bool   // user id
	Counted           map[string]string // PIREP id: its pilot
}

// Apply folds one stored event into the airline event.
func (e *AirlineEvent) Apply(ev proto.Message) error {
	if e.SignedUp == nil {
		e.SignedUp, e.Counted = map[string]bool{}, map[string]string{}
	}
	switch m := ev.(type) {
	case *eventsv1.AirlineEventScheduled:
		e.ID, e.TenantID, e.Scheduled = m.EventId, m.TenantId, true
		e.define(m.Name, m.Description, m.StartsAt, m.EndsAt, m.Match)
	case *eventsv1.AirlineEventChanged:
		e.define(m.Name, m.Description, m.StartsAt, m.EndsAt, m.Match)
	case *eventsv1.AirlineEventCancelled:
		e.Cancelled = true
	case *eventsv1.AirlineEventSignedUp:
		e.SignedUp[m.UserId] = true
	case *eventsv1.AirlineEventWithdrawn:
		delete(e.SignedUp, m.UserId)
	case *eventsv1.AirlineEventFlightCounted:
		e.Counted[m.PirepId] = m.UserId
	case *eventsv1.AirlineEventFlightUncounted:
		delete(e.Counted, m.PirepId)
	default:
		return fmt.Errorf("airline event: unexpected event %T", ev)
	}
	return nil
}

func (e *AirlineEvent) define(name, desc string, start, end *timestamppb.Timestamp, m *eventsv1.AirlineEventScheduled_Match) {
	e.Name, e.Description, e.StartsAt, e.EndsAt = name, desc, start.AsTime().UTC(), end.AsTime().UTC()
	e.Match = EventMatchOf(m)
}

// EventMatchOf is the match an event carries.
func EventMatchOf(m *eventsv1.AirlineEventScheduled_Match) EventMatch {
	return EventMatch{Kind: m.GetKind(), FlightNumbers: slices.Clone(m.GetFlightNumbers()), Airport: m.GetAirport()}
}

// EventPhase is where an event stands at now: upcoming until its start,
// live until its end, past after; cancelled whenever it was called off.
func EventPhase(start, end time.Time, cancelled bool, now time.Time) string {
	switch {
	case cancelled:
		return EventCancelled
	case now.Before(start):
		return EventUpcoming
	case now.Before(end):
		return EventLive
	}
	return EventPast
}

// Phase is where the event stands at now.
func (e *AirlineEvent) Phase(now time.Time) string {
	return EventPhase(e.StartsAt, e.EndsAt, e.Cancelled, now)
}

// InWindow says whether a flight that blocked off at t flew in the event:
// at or after the start and before the end.
func (e *AirlineEvent) InWindow(t time.Time) bool {
	return !t.IsZero() && !t.Before(e.StartsAt) && t.Before(e.EndsAt)
}

// Counts says whether an accepted flight counts for the event now: the
// event stands, the pilot signed up, the flight flew in the window and
// matches, and it has not counted already.
func (e *AirlineEvent) Counts(f EventFlight) bool {
	_, counted := e.Counted[f.PirepID]
	return e.Scheduled && !e.Cancelled && !counted && e.SignedUp[f.PilotID] && e.InWindow(f.BlockOff) && e.Match.Matches(f)
}

// PilotFlights is how many of a pilot's flights count for the event.
func (e *AirlineEvent) PilotFlights(userID string) int {
	n := 0
	for _, u := range e.Counted {
		if u == userID {
			n++
		}
	}
	return n
}

// CanSignUp says why a pilot may not sign up at now, or "" when they may.
func (e *AirlineEvent) CanSignUp(userID string, now time.Time) string {
	switch {
	case e.Cancelled:
		return "The event was cancelled."
	case !now.Before(e.EndsAt):
		return "The event has ended."
	case e.SignedUp[userID]:
		return "You have signed up already."
	}
	return ""
}

// CanWithdraw says why a pilot may not withdraw at now, or "" when they may.
func (e *AirlineEvent) CanWithdraw(userID string, now time.Time) string {
	switch {
	case !e.SignedUp[userID]:
		return "You have not signed up."
	case !now.Before(e.EndsAt):
		return "The event has ended."
	case e.PilotFlights(userID) > 0:
		return "A flight of yours has counted for the event, so your sign-up stays."
	}
	return ""
}

// FlightNumberChecker says which flight numbers an airline's schedule does
// not have.
type FlightNumberChecker interface {
	UnknownFlightNumbers(ctx context.Context, tenantID string, numbers []string) ([]string, error)
}

// AirlineEvents runs the commands on an airline's events.
type AirlineEvents struct {
	Runner    *Runner
	IDs       IDs
	Airports  AirportChecker      // an airport event's airport is the airline's; nil checks nothing
	Timetable FlightNumberChecker // a flights event's numbers are the schedule's; nil checks nothing
}

// check refuses a spec whose airport or flight numbers are not the
// airline's.
func (s *AirlineEvents) check(ctx context.Context, airlineID string, spec AirlineEventSpec) error {
	switch {
	case spec.Match.Kind == EventMatchAirport && s.Airports != nil:
		ok, err := s.Airports.AirportExists(ctx, airlineID, spec.Match.Airport)
		if err != nil {
			return err
		}
		if !ok {
			return FieldError(EInvalid, "airport", fmt.Sprintf("The airline has no airport %s.", spec.Match.Airport))
		}
	case spec.Match.Kind == EventMatchFlights && s.Timetable != nil:
		missing, err := s.Timetable.UnknownFlightNumbers(ctx, airlineID, spec.Match.FlightNumbers)
		if err != nil {
			return err
		}
		if len(missing) > 0 {
			return FieldError(EInvalid, "flight_numbers", "The schedule has no flight "+strings.Join(missing, ", ")+".")
		}
	}
	return nil
}

func (s *AirlineEvents) stamp() *timestamppb.Timestamp {
	return timestamppb.New(s.Runner.now().UTC().Truncate(time.Microsecond))
}

func matchEvent(m EventMatch) *eventsv1.AirlineEventScheduled_Match {
	return &eventsv1.AirlineEventScheduled_Match{Kind: m.Kind, FlightNumbers: m.FlightNumbers, Airport: m.Airport}
}

// Schedule adds an event to the airline and returns its id. An event that
// would have ended already is refused.
func (s *AirlineEvents) Schedule(ctx context.Context, meta CommandMeta, airlineID string, f AirlineEventForm) (string, AppendResult, error) {
	if err := Authorize(meta.Who, ManageEvents, airlineID); err != nil {
		return "", AppendResult{}, err
	}
	spec, err := f.Validate()
	if err != nil {
		return "", AppendResult{}, err
	}
	if !spec.EndsAt.After(s.Runner.now()) {
		return "", AppendResult{}, FieldError(EInvalid, "ends_at", "The end is in the past: an event is scheduled before it ends.")
	}
	if _, err := s.Runner.loadAirline(ctx, airlineID); err != nil {
		return "", AppendResult{}, err
	}
	if err := s.check(ctx, airlineID, spec); err != nil {
		return "", AppendResult{}, err
	}
	id := s.IDs.NewID()
	res, err := Execute(ctx, s.Runner, StreamRef{StreamID: AirlineEventStream(id), TenantID: airlineID}, meta,
		func() *AirlineEvent { return &AirlineEvent{} },
		func(e *AirlineEvent, version int64) (Decision, error) {
			if version > 0 {
				return Decision{}, nil
			}
			return Decision{Events: []proto.Message{&eventsv1.AirlineEventScheduled{EventId: id, TenantId: airlineID, Name: spec.Name,
				Description: spec.Description, StartsAt: timestamppb.New(spec.StartsAt), EndsAt: timestamppb.New(spec.EndsAt),
				Match: matchEvent(spec.Match), By: meta.Who.UserID, At: s.stamp()}}}, nil
		})
	return id, res, err
}

// Find reads an event of the airline; another airline's is not found.
func (s *AirlineEvents) Find(ctx context.Context, airlineID, eventID string) (*AirlineEvent, error) {
	if TextError("event", eventID, SingleLine, 64) != nil {
		return nil, Errorf(ENotFound, "There is no such event in this airline.")
	}
	e := &AirlineEvent{}
	if _, err := s.Runner.load(ctx, AirlineEventStream(eventID), e); err != nil {
		return nil, err
	}
	if !e.Scheduled || e.TenantID != airlineID || airlineID == "" {
		return nil, Errorf(ENotFound, "There is no such event in this airline.")
	}
	return e, nil
}

// onEvent runs a command on an event of the airline; another airline's,
// or none, is not found.
func (s *AirlineEvents) onEvent(ctx context.Context, meta CommandMeta, airlineID, eventID string,
	decide func(e *AirlineEvent) (Decision, error)) (AppendResult, error) {
	if _, err := s.Find(ctx, airlineID, eventID); err != nil {
		return AppendResult{}, err
	}
	return Execute(ctx, s.Runner, StreamRef{StreamID: AirlineEventStream(eventID), TenantID: airlineID}, meta,
		func() *AirlineEvent { return &AirlineEvent{} },
		func(e *AirlineEvent, _ int64) (Decision, error) {
			if !e.Scheduled || e.TenantID != airlineID {
				return Decision{}, Errorf(ENotFound, "There is no such event in this airline.")
			}
			return decide(e)
		})
}

// Change edits an event that is not cancelled. What counted already stays.
func (s *AirlineEvents) Change(ctx context.Context, meta CommandMeta, airlineID, eventID string, f AirlineEventForm) (AppendResult, error) {
	if err := Authorize(meta.Who, ManageEvents, airlineID); err != nil {
		return AppendResult{}, err
	}
	if _, err := s.Find(ctx, airlineID, eventID); err != nil {
		return AppendResult{}, err
	}
	spec, err := f.Validate()
	if err != nil {
		return AppendResult{}, err
	}
	if err := s.check(ctx, airlineID, spec); err != nil {
		return AppendResult{}, err
	}
	return s.onEvent(ctx, meta, airlineID, eventID, func(e *AirlineEvent) (Decision, error) {
		if e.Cancelled {
			return Decision{}, Errorf(EConflict, "The event was cancelled; it cannot be changed.")
		}
		return Decision{Events: []proto.Message{&eventsv1.AirlineEventChanged{EventId: eventID, TenantId: airlineID, Name: spec.Name,
			Description: spec.Description, StartsAt: timestamppb.New(spec.StartsAt), EndsAt: timestamppb.New(spec.EndsAt),
			Match: matchEvent(spec.Match), By: meta.Who.UserID, At: s.stamp()}}}, nil
	})
}

// Cancel calls an event off; cancelling it again changes nothing.
func (s *AirlineEvents) Cancel(ctx context.Context, meta CommandMeta, airlineID, eventID, reason string) (AppendResult, error) {
	if err := Authorize(meta.Who, ManageEvents, airlineID); err != nil {
		return AppendResult{}, err
	}
	if err := textFieldError("reason", &reason, MultiLine, 500, ""); err != nil {
		return AppendResult{}, err
	}
	return s.onEvent(ctx, meta, airlineID, eventID, func(e *AirlineEvent) (Decision, error) {
		if e.Cancelled {
			return Decision{}, nil
		}
		return Decision{Events: []proto.Message{&eventsv1.AirlineEventCancelled{EventId: eventID, TenantId: airlineID, Reason: reason,
			By: meta.Who.UserID, At: s.stamp()}}}, nil
	})
}

// SignUp signs the actor up for an event of their airline, until it ends.
func (s *AirlineEvents) SignUp(ctx context.Context, meta CommandMeta, airlineID, eventID string) (AppendResult, error) {
	if err := Authorize(meta.Who, FileOwnPireps, airlineID); err != nil {
		return AppendResult{}, err
	}
	user := meta.Who.UserID
	return s.onEvent(ctx, meta, airlineID, eventID, func(e *AirlineEvent) (Decision, error) {
		if why := e.CanSignUp(user, s.Runner.now()); why != "" {
			return Decision{}, Errorf(EConflict, "%s", why)
		}
		return Decision{Events: []proto.Message{&eventsv1.AirlineEventSignedUp{EventId: eventID, TenantId: airlineID, UserId: user, At: s.stamp()}}}, nil
	})
}

// Withdraw takes the actor's sign-up back, until the event ends and while
// none of their flights has counted.
func (s *AirlineEvents) Withdraw(ctx context.Context, meta CommandMeta, airlineID, eventID string) (AppendResult, error) {
	if err := Authorize(meta.Who, FileOwnPireps, airlineID); err != nil {
		return AppendResult{}, err
	}
	user := meta.Who.UserID
	return s.onEvent(ctx, meta, airlineID, eventID, func(e *AirlineEvent) (Decision, error) {
		if why := e.CanWithdraw(user, s.Runner.now()); why != "" {
			return Decision{}, Errorf(EConflict, "%s", why)
		}
		return Decision{Events: []proto.Message{&eventsv1.AirlineEventWithdrawn{EventId: eventID, TenantId: airlineID, UserId: user, At: s.stamp()}}}, nil
	})
}

// CountFlight counts an accepted PIREP for an event when the event's rules
// say it counts (Counts); otherwise, or when it counted already, it
// appends nothing. The reactor sends it on an acceptance.
func (s *AirlineEvents) CountFlight(ctx context.Context, meta CommandMeta, airlineID, eventID string, f EventFlight) (AppendResult, error) {
	if err := Authorize(meta.Who, ReviewPireps, airlineID); err != nil {
		return AppendResult{}, err
	}
	return s.onEvent(ctx, meta, airlineID, eventID, func(e *AirlineEvent) (Decision, error) {
		if !e.Counts(f) {
			return Decision{}, nil
		}
		return Decision{Events: []proto.Message{&eventsv1.AirlineEventFlightCounted{EventId: eventID, TenantId: airlineID, UserId: f.PilotID,
			PirepId: f.PirepID, EventName: e.Name, FlightNumber: f.FlightNumber, DptAirport: f.Dpt, ArrAirport: f.Arr,
			BlockOn: timestamppb.New(f.BlockOn), At: s.stamp()}}}, nil
	})
}

// UncountFlight takes back a PIREP that counted for an event (it was
// rejected after its acceptance); one that did not count appends nothing.
func (s *AirlineEvents) UncountFlight(ctx context.Context, meta CommandMeta, airlineID, eventID, pirepID string) (AppendResult, error) {
	if err := Authorize(meta.Who, ReviewPireps, airlineID); err != nil {
		return AppendResult{}, err
	}
	return s.onEvent(ctx, meta, airlineID, eventID, func(e *AirlineEvent) (Decision, error) {
		user, ok := e.Counted[pirepID]
		if !ok {
			return Decision{}, nil
		}
		left := e.PilotFlights(user) - 1
		return Decision{Events: []proto.Message{&eventsv1.AirlineEventFlightUncounted{EventId: eventID, TenantId: airlineID, UserId: user,
			PirepId: pirepID, PilotFlightsLeft: int32(left), EventName: e.Name, At: s.stamp()}}}, nil
	})
}
