package domain

import (
	"context"
	"fmt"
	"strconv"
	"strings"
	"time"

	"google.golang.org/protobuf/proto"
	"google.golang.org/protobuf/types/known/timestamppb"

	eventsv1 "github.com/albatross-va/albatross/domain/events/v1"
)

// This file holds an airline's tours: what staff define (a name, a
// description, an ordered list of legs, optional dates, in order or any
// order), the matching of an accepted flight to a pilot's next leg, and a
// pilot's progress stream on one tour, where every leg counted is decided
// against the legs already counted, so a PIREP counts once per tour and two
// acceptances at once never count one leg twice.

// TourStreamPrefix and TourProgressStreamPrefix start the stream ids of a
// tour's definition and of a pilot's progress on one tour.
const (
	TourStreamPrefix         = "tour-"
	TourProgressStreamPrefix = "tourprogress-"
)

// TourStream returns the stream id of a tour.
func TourStream(id string) string { return TourStreamPrefix + id }

// TourProgressStream returns the stream id of a pilot's progress on a tour.
func TourProgressStream(tourID, userID string) string {
	return TourProgressStreamPrefix + tourID + "-" + userID
}

// The bounds of a tour's text and legs.
const (
	TourNameMax        = 80
	TourDescriptionMax = 2000
	TourLegsMax        = 100
)

// TourLeg is one flight of a tour. FlightNumber and AircraftICAO are ""
// for any.
type TourLeg struct {
	Dpt, Arr     string
	FlightNumber string
	AircraftICAO string
}

// String writes the leg as the form takes it: "EGLL KJFK", then the flight
// number and the aircraft type when given ("-" for any).
func (l TourLeg) String() string {
	s := l.Dpt + " " + l.Arr
	if l.FlightNumber != "" || l.AircraftICAO != "" {
		fn, ac := l.FlightNumber, l.AircraftICAO
		if fn == "" {
			fn = "-"
		}
		s += " " + fn
		if ac != "" {
			s += " " + ac
		}
	}
	return s
}

// Describe says the leg in words, for the pages.
func (l TourLeg) Describe() string {
	s := l.Dpt + " → " + l.Arr
	if l.FlightNumber != "" {
		s += ", flight " + l.FlightNumber
	}
	if l.AircraftICAO != "" {
		s += ", in a " + l.AircraftICAO
	}
	return s
}

// TourFlight is one accepted flight as a tour sees it.
type TourFlight struct {
	PirepID      string
	Dpt, Arr     string
	FlightNumber string
	AircraftICAO string    // the aircraft's type; "" when unknown
	BlockOff     time.Time // which day it was flown on
}

// Matches says whether the flight flies the leg: the airports, and the
// flight number and aircraft type when the leg names them. A flight number
// matches with or without the airline's code in front (BAW117 and 117).
func (l TourLeg) Matches(f TourFlight) bool {
	if !strings.EqualFold(l.Dpt, f.Dpt) || !strings.EqualFold(l.Arr, f.Arr) {
		return false
	}
	if l.FlightNumber != "" && !sameFlightNumber(l.FlightNumber, f.FlightNumber) {
		return false
	}
	if l.AircraftICAO != "" && !strings.EqualFold(l.AircraftICAO, f.AircraftICAO) {
		return false
	}
	return true
}

// sameFlightNumber compares flight numbers without case, and without a
// leading airline code on either side when the other has none.
func sameFlightNumber(want, got string) bool {
	want, got = strings.ToUpper(strings.TrimSpace(want)), strings.ToUpper(strings.TrimSpace(got))
	if want == got {
		return true
	}
	return digitsOf(want) != "" && digitsOf(want) == digitsOf(got) &&
		(strings.TrimLeft(want, "0123456789") == want) != (strings.TrimLeft(got, "0123456789") == got)
}

// digitsOf is a flight number without its leading letters.
func digitsOf(s string) string {
	return strings.TrimLeft(s, "ABCDEFGHIJKLMNOPQRSTUVWXYZ")
}

// Tour is the tour aggregate.
type Tour struct {
	ID, TenantID      string
	Name, Description string
	Legs              []TourLeg
	AnyOrder          bool
	StartsOn, EndsOn  string // YYYY-MM-DD, "" for none
	Defined, Deleted  bool
}

// Apply folds one stored event into the tour.
func (t *Tour) Apply(ev proto.Message) error {
	switch e := ev.(type) {
	case *eventsv1.TourSaved:
		*t = TourOf(e)
	case *eventsv1.TourDeleted:
		t.Deleted = true
	default:
		return fmt.Errorf("tour: unexpected event %T", ev)
	}
	return nil
}

// TourOf is the tour an event saved.
func TourOf(e *eventsv1.TourSaved) Tour {
	t := Tour{ID: e.TourId, TenantID: e.TenantId, Name: e.Name, Description: e.Description, AnyOrder: e.AnyOrder,
		StartsOn: e.StartsOn, EndsOn: e.EndsOn, Defined: true}
	for _, l := range e.Legs {
		t.Legs = append(t.Legs, TourLeg{Dpt: l.Dpt, Arr: l.Arr, FlightNumber: l.FlightNumber, AircraftICAO: l.AircraftIcao})
	}
	return t
}

// Open says whether a flight of day at counts for the tour: on or after
// its start day and on or before its end day (UTC days).
func (t Tour) Open(at time.Time) bool {
	day := at.UTC().Format(time.DateOnly)
	return (t.StartsOn == "" || day >= t.StartsOn) && (t.EndsOn == "" || day <= t.EndsOn)
}

// NextLeg is the first leg not flown, or -1 when every leg is.
func (t Tour) NextLeg(flown map[int]string) int {
	for i := range t.Legs {
		if _, ok := flown[i]; !ok {
			return i
		}
	}
	return -1
}

// LegFor is the leg the flight counts as, given the legs already flown, or
// -1 for none: in an in-order tour only the next leg; in an any-order tour
// the first unflown leg it matches. A flight outside the tour's dates, or
// one already counted, counts for nothing.
func (t Tour) LegFor(flown map[int]string, f TourFlight) int {
	if !t.Open(f.BlockOff) {
		return -1
	}
	for _, p := range flown {
		if p == f.PirepID {
			return -1
		}
	}
	if !t.AnyOrder {
		if n := t.NextLeg(flown); n >= 0 && t.Legs[n].Matches(f) {
			return n
		}
		return -1
	}
	for i, l := range t.Legs {
		if _, ok := flown[i]; !ok && l.Matches(f) {
			return i
		}
	}
	return -1
}

// FlownCount is how many of the tour's legs are flown.
func (t Tour) FlownCount(flown map[int]string) int {
	n := 0
	for i := range t.Legs {
		if _, ok := flown[i]; ok {
			n++
		}
	}
	return n
}

// TourForm is what the tour form gives, as typed.
type TourForm struct {
	Name        string
	Description string
	Legs        string // one leg a line: DPT ARR [flight number or -] [aircraft type]
	AnyOrder    bool
	StartsOn    string // YYYY-MM-DD or ""
	EndsOn      string
}

// Validate trims the form's text and returns its legs, or an EInvalid
// error naming each bad field.
func (f *TourForm) Validate() ([]TourLeg, error) {
	m := map[string]string{}
	checkRequiredLine(m, "name", &f.Name, TourNameMax, "Enter the tour's name, for example Iberian hop.")
	CheckText(m, "description", &f.Description, MultiLine, TourDescriptionMax)
	f.StartsOn, f.EndsOn = strings.TrimSpace(f.StartsOn), strings.TrimSpace(f.EndsOn)
	for _, d := range []struct{ field, v string }{{"starts_on", f.StartsOn}, {"ends_on", f.EndsOn}} {
		if d.v == "" {
			continue
		}
		if _, err := time.Parse(time.DateOnly, d.v); err != nil {
			m[d.field] = "Enter a date as YYYY-MM-DD, for example 2026-12-31, or leave it empty."
		}
	}
	if m["starts_on"] == "" && m["ends_on"] == "" && f.StartsOn != "" && f.EndsOn != "" && f.EndsOn < f.StartsOn {
		m["ends_on"] = "The end is on or after the start."
	}
	var legs []TourLeg
	var lines []string
	for _, line := range strings.Split(strings.ReplaceAll(f.Legs, "\r\n", "\n"), "\n") {
		line = strings.Join(strings.Fields(strings.ToUpper(line)), " ")
		if line != "" {
			lines = append(lines, line)
		}
	}
	f.Legs = strings.Join(lines, "\n")
	for i, line := range lines {
		if m["legs"] != "" {
			break
		}
		parts := strings.Split(line, " ")
		bad := func(msg string) { m["legs"] = "Line " + strconv.Itoa(i+1) + " (" + line + "): " + msg }
		if len(parts) < 2 || len(parts) > 4 {
			bad("write the departure and arrival, then optionally the flight number (or -) and the aircraft type, for example EGLL KJFK 117 B744.")
			continue
		}
		l := TourLeg{Dpt: parts[0], Arr: parts[1]}
		if len(parts) > 2 && parts[2] != "-" {
			l.FlightNumber = parts[2]
		}
		if len(parts) > 3 {
			l.AircraftICAO = parts[3]
		}
		switch {
		case !ValidAirportICAO(l.Dpt) || !ValidAirportICAO(l.Arr):
			bad("airports are 4-character ICAO codes, for example EGLL.")
		case l.Dpt == l.Arr:
			bad("the arrival is another airport than the departure.")
		case l.FlightNumber != "" && !tourFlightPattern(l.FlightNumber):
			bad("a flight number is up to 10 letters and digits, for example 117 or BAW117.")
		case l.AircraftICAO != "" && !aircraftTypePattern.MatchString(l.AircraftICAO):
			bad("an aircraft type is its ICAO designator, for example B738.")
		}
		legs = append(legs, l)
	}
	switch {
	case m["legs"] != "":
	case len(legs) == 0:
		m["legs"] = "Enter at least one leg, for example EGLL KJFK."
	case len(legs) > TourLegsMax:
		m["legs"] = "A tour has at most " + strconv.Itoa(TourLegsMax) + " legs."
	}
	if err := Invalid(m); err != nil {
		return nil, err
	}
	return legs, nil
}

func tourFlightPattern(s string) bool {
	if len(s) == 0 || len(s) > 10 {
		return false
	}
	for _, r := range s {
		if (r < 'A' || r > 'Z') && (r < '0' || r > '9') {
			return false
		}
	}
	return true
}

// TourProgress is a pilot's progress on one tour: the legs counted (leg:
// PIREP) and whether the tour is complete.
type TourProgress struct {
	TenantID  string
	Flown     map[int]string
	Completed bool
}

// Apply folds one stored event into the progress.
func (p *TourProgress) Apply(ev proto.Message) error {
	if p.Flown == nil {
		p.Flown = map[int]string{}
	}
	switch e := ev.(type) {
	case *eventsv1.TourLegFlown:
		p.TenantID = e.TenantId
		p.Flown[int(e.Leg)] = e.PirepId
	case *eventsv1.TourLegTakenBack:
		delete(p.Flown, int(e.Leg))
	case *eventsv1.TourCompleted:
		p.Completed = true
	case *eventsv1.TourCompletionTakenBack:
		p.Completed = false
	default:
		return fmt.Errorf("tour progress: unexpected event %T", ev)
	}
	return nil
}

// Tours runs the commands on an airline's tours.
type Tours struct {
	Runner *Runner
	IDs    IDs
}

// Save creates a tour (tourID "") or replaces an existing one of the
// airline, and returns its id.
func (s *Tours) Save(ctx context.Context, meta CommandMeta, airlineID, tourID string, f TourForm) (string, AppendResult, error) {
	if err := Authorize(meta.Who, ManageTours, airlineID); err != nil {
		return "", AppendResult{}, err
	}
	legs, err := f.Validate()
	if err != nil {
		return "", AppendResult{}, err
	}
	if _, err := s.Runner.loadAirline(ctx, airlineID); err != nil {
		return "", AppendResult{}, err
	}
	if tourID == "" {
		tourID = s.IDs.NewID()
	} else if _, err := s.Find(ctx, airlineID, tourID); err != nil {
		return "", AppendResult{}, err
	}
	e := &eventsv1.TourSaved{TourId: tourID, TenantId: airlineID, Name: f.Name, Description: f.Description, AnyOrder: f.AnyOrder,
		StartsOn: f.StartsOn, EndsOn: f.EndsOn, By: meta.Who.UserID, SavedAt: timestamppb.New(s.Runner.now().UTC().Truncate(time.Microsecond))}
	for _, l := range legs {
		e.Legs = append(e.Legs, &eventsv1.TourSaved_Leg{Dpt: l.Dpt, Arr: l.Arr, FlightNumber: l.FlightNumber, AircraftIcao: l.AircraftICAO})
	}
	res, err := Execute(ctx, s.Runner, StreamRef{StreamID: TourStream(tourID), TenantID: airlineID}, meta,
		func() *Tour { return &Tour{} },
		func(t *Tour, version int64) (Decision, error) {
			if t.Deleted || (version > 0 && t.TenantID != airlineID) {
				return Decision{}, Errorf(ENotFound, "There is no such tour in this airline.")
			}
			return Decision{Events: []proto.Message{e}}, nil
		})
	return tourID, res, err
}

// Delete removes a tour of the airline: it counts no more legs.
func (s *Tours) Delete(ctx context.Context, meta CommandMeta, airlineID, tourID string) (AppendResult, error) {
	if err := Authorize(meta.Who, ManageTours, airlineID); err != nil {
		return AppendResult{}, err
	}
	if _, err := s.Find(ctx, airlineID, tourID); err != nil {
		return AppendResult{}, err
	}
	return Execute(ctx, s.Runner, StreamRef{StreamID: TourStream(tourID), TenantID: airlineID}, meta,
		func() *Tour { return &Tour{} },
		func(t *Tour, _ int64) (Decision, error) {
			if t.Deleted {
				return Decision{}, nil
			}
			return Decision{Events: []proto.Message{&eventsv1.TourDeleted{TourId: tourID, TenantId: airlineID, By: meta.Who.UserID,
				DeletedAt: timestamppb.New(s.Runner.now().UTC().Truncate(time.Microsecond))}}}, nil
		})
}

// Find reads a tour of the airline; another airline's, or a deleted one,
// is not found.
func (s *Tours) Find(ctx context.Context, airlineID, tourID string) (Tour, error) {
	if TextError("tour", tourID, SingleLine, 64) != nil {
		return Tour{}, Errorf(ENotFound, "There is no such tour in this airline.")
	}
	t := &Tour{}
	if _, err := s.Runner.load(ctx, TourStream(tourID), t); err != nil {
		return Tour{}, err
	}
	if !t.Defined || t.Deleted || t.TenantID != airlineID || airlineID == "" {
		return Tour{}, Errorf(ENotFound, "There is no such tour in this airline.")
	}
	return *t, nil
}

// Fly counts an accepted flight of a pilot toward a tour when it is their
// next leg (or, in an any-order tour, any leg not flown), within the
// tour's dates, and completes the tour with its last leg. The reactor
// calls it; its command id is derived from meta's and the tour, and the
// pilot's progress stream decides at its version, so a PIREP counts once
// and two acceptances at once count one leg once.
func (s *Tours) Fly(ctx context.Context, meta CommandMeta, airlineID, tourID, userID string, f TourFlight) (AppendResult, error) {
	if err := Authorize(meta.Who, ReviewPireps, airlineID); err != nil {
		return AppendResult{}, err
	}
	t, err := s.Find(ctx, airlineID, tourID)
	if ErrorCode(err) == ENotFound {
		return AppendResult{}, nil
	} else if err != nil {
		return AppendResult{}, err
	}
	meta.ID = stepID(meta.ID, "tour:"+tourID)
	return Execute(ctx, s.Runner, StreamRef{StreamID: TourProgressStream(tourID, userID), TenantID: airlineID}, meta,
		func() *TourProgress { return &TourProgress{} },
		func(p *TourProgress, version int64) (Decision, error) {
			if version > 0 && p.TenantID != airlineID {
				return Decision{}, Errorf(ENotFound, "There is no such pilot in this airline.")
			}
			leg := t.LegFor(p.Flown, f)
			if leg < 0 {
				return Decision{}, nil
			}
			now := timestamppb.New(s.Runner.now().UTC().Truncate(time.Microsecond))
			evs := []proto.Message{&eventsv1.TourLegFlown{TourId: tourID, TenantId: airlineID, UserId: userID, Leg: int32(leg),
				PirepId: f.PirepID, TourName: t.Name, FlownAt: now}}
			flown := map[int]string{leg: f.PirepID}
			for k, v := range p.Flown {
				flown[k] = v
			}
			if !p.Completed && t.NextLeg(flown) < 0 {
				evs = append(evs, &eventsv1.TourCompleted{TourId: tourID, TenantId: airlineID, UserId: userID, TourName: t.Name,
					PirepId: f.PirepID, CompletedAt: now})
			}
			return Decision{Events: evs}, nil
		})
}

// TakeBack undoes what a PIREP counted toward a tour when it is rejected
// after acceptance: its leg, and the tour's completion if it was complete.
func (s *Tours) TakeBack(ctx context.Context, meta CommandMeta, airlineID, tourID, userID, pirepID string) (AppendResult, error) {
	if err := Authorize(meta.Who, ReviewPireps, airlineID); err != nil {
		return AppendResult{}, err
	}
	if TextError("tour", tourID, SingleLine, 64) != nil {
		return AppendResult{}, nil
	}
	meta.ID = stepID(meta.ID, "tour:"+tourID)
	return Execute(ctx, s.Runner, StreamRef{StreamID: TourProgressStream(tourID, userID), TenantID: airlineID}, meta,
		func() *TourProgress { return &TourProgress{} },
		func(p *TourProgress, version int64) (Decision, error) {
			if version == 0 || p.TenantID != airlineID {
				return Decision{}, nil
			}
			now := timestamppb.New(s.Runner.now().UTC().Truncate(time.Microsecond))
			var evs []proto.Message
			for leg, id := range p.Flown {
				if id == pirepID {
					evs = append(evs, &eventsv1.TourLegTakenBack{TourId: tourID, TenantId: airlineID, UserId: userID, Leg: int32(leg),
						PirepId: pirepID, Reason: "The PIREP was rejected.", TakenBackAt: now})
				}
			}
			if len(evs) > 0 && p.Completed {
				name := ""
				if t, err := s.Find(ctx, airlineID, tourID); err == nil {
					name = t.Name
				}
				evs = append(evs, &eventsv1.TourCompletionTakenBack{TourId: tourID, TenantId: airlineID, UserId: userID, TourName: name,
					PirepId: pirepID, TakenBackAt: now})
			}
			return Decision{Events: evs}, nil
		})
}
