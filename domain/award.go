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

// This file holds an airline's awards: what staff define (a name, a
// description, an image and a rule), the rules that earn one, and a
// pilot's awards stream, where every grant and revocation is decided
// against what the pilot holds, so an award is granted once however many
// reactions ask for it at once.

// AwardStreamPrefix and PilotAwardsStreamPrefix start the stream ids of
// an award's definition and of the awards a pilot holds.
const (
	AwardStreamPrefix       = "award-"
	PilotAwardsStreamPrefix = "awards-"
)

// AwardStream returns the stream id of an award.
func AwardStream(id string) string { return AwardStreamPrefix + id }

// PilotAwardsStream returns the stream id of the awards a pilot holds.
func PilotAwardsStream(userID string) string { return PilotAwardsStreamPrefix + userID }

// The kinds of award rule. AwardRuleTour's Code is the id of the tour
// completed; AwardRuleEvent's is an airline event's id: a pilot with a
// flight that counted for it holds it.
const (
	AwardRuleNone        = ""             // granted by hand, with a reason
	AwardRuleHours       = "hours"        // Number: minutes of accepted flight time
	AwardRuleFlights     = "flights"      // Number: accepted flights
	AwardRuleLandingRate = "landing_rate" // Number: one flight landed softer than this many ft/min
	AwardRuleAirport     = "airport"      // Code: one flight into this airport
	AwardRuleCountry     = "country"      // Code: one flight into an airport of this country
	AwardRuleRoute       = "route"        // Code to Code2: one flight on this route
	AwardRuleYears       = "years"        // Number: years since joining
	AwardRuleTour        = "tour"         // Code: the id of the tour completed
	AwardRuleEvent       = "event"        // Code: the airline event a flight of the pilot's counted for
)

// AwardRuleKinds are the rules the award form offers, in its order.
var AwardRuleKinds = []struct{ Kind, Label string }{
	{AwardRuleNone, "None: granted by hand"},
	{AwardRuleHours, "Total hours"},
	{AwardRuleFlights, "Number of flights"},
	{AwardRuleLandingRate, "A landing softer than … ft/min"},
	{AwardRuleAirport, "A flight into an airport"},
	{AwardRuleCountry, "A flight into a country"},
	{AwardRuleRoute, "A flight on a route"},
	{AwardRuleYears, "Years since joining"},
	{AwardRuleTour, "A tour completed"},
	{AwardRuleEvent, "A flight that counted for an event"},
}

// AwardRule is what earns an award.
type AwardRule struct {
	Kind   string
	Number int64
	Code   string
	Code2  string
}

// Automatic says whether the rule grants by itself: a known kind other
// than none. A tour rule grants on the tour's completion and an event
// rule when a flight counts for the event, never on a flight's acceptance
// itself.
func (r AwardRule) Automatic() bool {
	switch r.Kind {
	case AwardRuleHours, AwardRuleFlights, AwardRuleLandingRate, AwardRuleAirport, AwardRuleCountry, AwardRuleRoute, AwardRuleYears, AwardRuleTour, AwardRuleEvent:
		return true
	}
	return false
}

// OneFlight says whether one accepted flight meets the rule on its own.
func (r AwardRule) OneFlight() bool {
	switch r.Kind {
	case AwardRuleLandingRate, AwardRuleAirport, AwardRuleCountry, AwardRuleRoute:
		return true
	}
	return false
}

// Describe says the rule in words, for staff's list and the pilot's page.
func (r AwardRule) Describe() string {
	switch r.Kind {
	case AwardRuleHours:
		return FormatHours(r.Number) + " hours of flight time"
	case AwardRuleFlights:
		return strconv.FormatInt(r.Number, 10) + " accepted flights"
	case AwardRuleLandingRate:
		return "A landing softer than " + strconv.FormatInt(r.Number, 10) + " ft/min"
	case AwardRuleAirport:
		return "A flight into " + r.Code
	case AwardRuleCountry:
		return "A flight into " + r.Code
	case AwardRuleRoute:
		return "A flight " + r.Code + "–" + r.Code2
	case AwardRuleYears:
		if r.Number == 1 {
			return "A year since joining"
		}
		return strconv.FormatInt(r.Number, 10) + " years since joining"
	case AwardRuleTour:
		return "A tour completed"
	case AwardRuleEvent:
		return "A flight that counted for an event"
	}
	return "Granted by staff"
}

// FormatHours writes minutes as hours, with the minutes when there are any:
// 600 is "10", 630 is "10:30".
func FormatHours(minutes int64) string {
	if minutes%60 == 0 {
		return strconv.FormatInt(minutes/60, 10)
	}
	return fmt.Sprintf("%d:%02d", minutes/60, minutes%60)
}

// AwardFlight is one accepted flight as the award rules see it.
type AwardFlight struct {
	PirepID     string
	Dpt, Arr    string
	ArrCountry  string
	LandingRate int32 // ft/min, negative down; 0 when not measured
}

// AwardRecord is what a pilot has done, as the award rules see it.
type AwardRecord struct {
	Minutes  int64 // accepted flight time
	Flights  int64 // accepted flights
	Joined   time.Time
	Accepted []AwardFlight
	Events   map[string]bool // the airline events a flight of the pilot's counts for
}

// Meets says whether the record meets the rule at now, and for a
// one-flight rule which flight did.
func (r AwardRule) Meets(rec AwardRecord, now time.Time) (bool, string) {
	switch r.Kind {
	case AwardRuleHours:
		return r.Number > 0 && rec.Minutes >= r.Number, ""
	case AwardRuleFlights:
		return r.Number > 0 && rec.Flights >= r.Number, ""
	case AwardRuleYears:
		return r.Number > 0 && !rec.Joined.IsZero() && !rec.Joined.AddDate(int(r.Number), 0, 0).After(now), ""
	case AwardRuleEvent:
		return r.Code != "" && rec.Events[r.Code], ""
	}
	if !r.OneFlight() {
		return false, ""
	}
	for _, f := range rec.Accepted {
		if r.flightMeets(f) {
			return true, f.PirepID
		}
	}
	return false, ""
}

func (r AwardRule) flightMeets(f AwardFlight) bool {
	switch r.Kind {
	case AwardRuleLandingRate:
		rate := int64(f.LandingRate)
		if rate < 0 {
			rate = -rate
		}
		return f.LandingRate != 0 && rate < r.Number
	case AwardRuleAirport:
		return strings.EqualFold(f.Arr, r.Code)
	case AwardRuleCountry:
		return f.ArrCountry != "" && strings.EqualFold(f.ArrCountry, r.Code)
	case AwardRuleRoute:
		return strings.EqualFold(f.Dpt, r.Code) && strings.EqualFold(f.Arr, r.Code2)
	}
	return false
}

// The longest name and description of an award.
const (
	AwardNameMax        = 80
	AwardDescriptionMax = 1000
)

// AwardForm is what the award form gives.
type AwardForm struct {
	Name        string
	Description string
	Rule        string // the kind
	Number      string // as typed: hours (10 or 10:30), flights, ft/min or years
	Code        string // the airport, country or route's departure
	Code2       string // the route's arrival
	Tour        string // the tour's id, for a tour
	Event       string // the airline event's id, for an event rule
	Image       []byte // the upload, nil for none
}

// Validate trims the form's text and returns its rule, or an EInvalid error
// naming each bad field.
func (f *AwardForm) Validate() (AwardRule, error) {
	m := map[string]string{}
	checkRequiredLine(m, "name", &f.Name, AwardNameMax, "Enter the award's name, for example Century Club.")
	CheckText(m, "description", &f.Description, MultiLine, AwardDescriptionMax)
	f.Number = strings.TrimSpace(f.Number)
	f.Code = strings.ToUpper(strings.TrimSpace(f.Code))
	f.Code2 = strings.ToUpper(strings.TrimSpace(f.Code2))
	r := AwardRule{Kind: f.Rule}
	whole := func(min, max int64, msg string) {
		n, err := strconv.ParseInt(f.Number, 10, 64)
		if err != nil || n < min || n > max {
			m["number"] = msg
			return
		}
		r.Number = n
	}
	icao := func(field, code string) {
		if !ValidAirportICAO(code) {
			m[field] = "Enter the airport's 4-character ICAO code, for example EGLL."
		}
	}
	switch f.Rule {
	case AwardRuleNone:
	case AwardRuleHours:
		mins, err := ParseFlightTime(f.Number)
		switch {
		case err != nil:
			m["number"] = ErrorMessage(err)
		case mins <= 0 || mins > 100_000*60:
			m["number"] = "Enter the hours, from 1 to 100000, for example 100 or 10:30."
		}
		r.Number = mins
	case AwardRuleFlights:
		whole(1, 1_000_000, "Enter the number of flights, from 1 to 1000000.")
	case AwardRuleLandingRate:
		whole(1, 2000, "Enter the landing rate in ft/min, from 1 to 2000, for example 100.")
	case AwardRuleYears:
		whole(1, 50, "Enter the years, from 1 to 50.")
	case AwardRuleAirport:
		icao("code", f.Code)
		r.Code = f.Code
	case AwardRuleCountry:
		if !countryPattern.MatchString(f.Code) {
			m["code"] = "Enter the country's two-letter code, for example PT."
		}
		r.Code = f.Code
	case AwardRuleRoute:
		icao("code", f.Code)
		icao("code2", f.Code2)
		if f.Code != "" && f.Code == f.Code2 {
			m["code2"] = "The arrival is another airport than the departure."
		}
		r.Code, r.Code2 = f.Code, f.Code2
	case AwardRuleTour:
		f.Tour = strings.TrimSpace(f.Tour)
		if f.Tour == "" || TextError("tour", f.Tour, SingleLine, 64) != nil {
			m["tour"] = "Choose the tour whose completion earns the award."
		}
		r.Code = f.Tour
	case AwardRuleEvent:
		f.Event = strings.ToLower(strings.TrimSpace(f.Event))
		if f.Event == "" || TextError("event", f.Event, SingleLine, 64) != nil {
			m["event"] = "Choose one of the airline's events."
		}
		r.Code = f.Event
	default:
		m["rule"] = "Choose one of the rules."
	}
	if err := Invalid(m); err != nil {
		return AwardRule{}, err
	}
	return r, nil
}

// Award is the award aggregate.
type Award struct {
	ID, TenantID      string
	Name, Description string
	Rule              AwardRule
	Defined           bool
	Deleted           bool // staff deleted it: it is found no more
}

// Apply folds one stored event into the award.
func (a *Award) Apply(ev proto.Message) error {
	switch e := ev.(type) {
	case *eventsv1.AwardDefined:
		a.ID, a.TenantID, a.Name, a.Description, a.Defined = e.AwardId, e.TenantId, e.Name, e.Description, true
		a.Rule = AwardRuleOf(e.Rule)
	case *eventsv1.AwardEdited:
		a.Name, a.Description, a.Rule = e.Name, e.Description, AwardRuleOf(e.Rule)
	case *eventsv1.AwardDeleted:
		a.Deleted = true
	default:
		return fmt.Errorf("award: unexpected event %T", ev)
	}
	return nil
}

// AwardRuleOf is the rule an event carries.
func AwardRuleOf(r *eventsv1.AwardDefined_Rule) AwardRule {
	return AwardRule{Kind: r.GetKind(), Number: r.GetNumber(), Code: r.GetCode(), Code2: r.GetCode2()}
}

// PilotAwards is the awards a pilot holds, and whether each was granted by
// hand (which no rule takes back).
type PilotAwards struct {
	UserID, TenantID string
	Held             map[string]bool // award id: by hand
}

// Apply folds one stored event into the pilot's awards.
func (p *PilotAwards) Apply(ev proto.Message) error {
	if p.Held == nil {
		p.Held = map[string]bool{}
	}
	switch e := ev.(type) {
	case *eventsv1.AwardGranted:
		p.UserID, p.TenantID = e.UserId, e.TenantId
		p.Held[e.AwardId] = e.ByHand
	case *eventsv1.AwardRevoked:
		delete(p.Held, e.AwardId)
	default:
		return fmt.Errorf("pilot awards: unexpected event %T", ev)
	}
	return nil
}

// AwardChange is one grant or revocation a rule asks for.
type AwardChange struct {
	AwardID, AwardName string
	Grant              bool   // false: revoke, unless it was granted by hand
	Reason             string // what met the rule, or what took it away
	PirepID            string
}

// Awards runs the commands on an airline's awards.
type Awards struct {
	Runner *Runner
	IDs    IDs
}

// Define adds an award to the airline and returns its id. Its name is
// claimed within the airline, so no two awards share one.
func (s *Awards) Define(ctx context.Context, meta CommandMeta, airlineID string, f AwardForm) (string, AppendResult, error) {
	if err := Authorize(meta.Who, ManageAwards, airlineID); err != nil {
		return "", AppendResult{}, err
	}
	rule, err := f.Validate()
	img, imgType, imgErr := CheckAwardImage(f.Image)
	if err != nil || imgErr != nil {
		fields := map[string]string{}
		for k, v := range ErrorFields(err) {
			fields[k] = v
		}
		for k, v := range ErrorFields(imgErr) {
			fields[k] = v
		}
		return "", AppendResult{}, Invalid(fields)
	}
	if _, err := s.Runner.loadAirline(ctx, airlineID); err != nil {
		return "", AppendResult{}, err
	}
	if rule.Kind == AwardRuleTour {
		if _, err := (&Tours{Runner: s.Runner}).Find(ctx, airlineID, rule.Code); ErrorCode(err) == ENotFound {
			return "", AppendResult{}, FieldError(EInvalid, "tour", "Choose one of the airline's tours.")
		} else if err != nil {
			return "", AppendResult{}, err
		}
	}
	if rule.Kind == AwardRuleEvent {
		if _, err := (&AirlineEvents{Runner: s.Runner}).Find(ctx, airlineID, rule.Code); ErrorCode(err) == ENotFound {
			return "", AppendResult{}, FieldError(EInvalid, "event", "Choose one of the airline's events.")
		} else if err != nil {
			return "", AppendResult{}, err
		}
	}
	id := s.IDs.NewID()
	res, err := Execute(ctx, s.Runner, StreamRef{StreamID: AwardStream(id), TenantID: airlineID}, meta,
		func() *Award { return &Award{} },
		func(a *Award, _ int64) (Decision, error) {
			return Decision{
				Events: []proto.Message{&eventsv1.AwardDefined{AwardId: id, TenantId: airlineID, Name: f.Name, Description: f.Description,
					Rule:  &eventsv1.AwardDefined_Rule{Kind: rule.Kind, Number: rule.Number, Code: rule.Code, Code2: rule.Code2},
					Image: img, ImageType: imgType, By: meta.Who.UserID, DefinedAt: timestamppb.New(s.Runner.now().UTC().Truncate(time.Microsecond))}},
				Claims: []UniqueClaim{{Scope: airlineID, Field: "award_name", Value: strings.ToLower(f.Name)}},
			}, nil
		})
	if ErrorCode(err) == EConflict && ErrorFields(err)["award_name"] != "" {
		return "", AppendResult{}, FieldError(EConflict, "name", fmt.Sprintf("The airline already has an award named %s.", f.Name))
	}
	return id, res, err
}

// Find reads an award of the airline; another airline's is not found.
func (s *Awards) Find(ctx context.Context, airlineID, awardID string) (Award, error) {
	if TextError("award", awardID, SingleLine, 64) != nil {
		return Award{}, Errorf(ENotFound, "There is no such award in this airline.")
	}
	a := &Award{}
	if _, err := s.Runner.load(ctx, AwardStream(awardID), a); err != nil {
		return Award{}, err
	}
	if !a.Defined || a.Deleted || a.TenantID != airlineID || airlineID == "" {
		return Award{}, Errorf(ENotFound, "There is no such award in this airline.")
	}
	return *a, nil
}

// GrantByHand gives a pilot of the airline an award by staff's decision,
// with a reason; one they hold already is left as it is.
func (s *Awards) GrantByHand(ctx context.Context, meta CommandMeta, airlineID, userID, awardID, reason string) (AppendResult, error) {
	return s.byHand(ctx, meta, airlineID, userID, awardID, reason, true)
}

// RevokeByHand takes an award from a pilot of the airline by staff's
// decision, with a reason.
func (s *Awards) RevokeByHand(ctx context.Context, meta CommandMeta, airlineID, userID, awardID, reason string) (AppendResult, error) {
	return s.byHand(ctx, meta, airlineID, userID, awardID, reason, false)
}

func (s *Awards) byHand(ctx context.Context, meta CommandMeta, airlineID, userID, awardID, reason string, grant bool) (AppendResult, error) {
	if err := Authorize(meta.Who, ManageAwards, airlineID); err != nil {
		return AppendResult{}, err
	}
	if err := textFieldError("reason", &reason, MultiLine, 500, "Give the pilot a reason."); err != nil {
		return AppendResult{}, err
	}
	a, err := s.Find(ctx, airlineID, awardID)
	if err != nil {
		return AppendResult{}, FieldError(EInvalid, "award", "Choose one of the airline's awards.")
	}
	u := &User{}
	if _, err := s.Runner.load(ctx, UserStream(userID), u); err != nil {
		return AppendResult{}, err
	}
	if !u.Created || u.TenantID != airlineID {
		return AppendResult{}, Errorf(ENotFound, "There is no such person in this airline.")
	}
	return s.settle(ctx, meta, airlineID, userID, []AwardChange{{AwardID: a.ID, AwardName: a.Name, Grant: grant, Reason: reason}}, true)
}

// Settle records the grants and revocations the award rules ask for a
// pilot: an award they hold is not granted again, and one staff granted by
// hand is not taken back by a rule. The reactor calls it; its command id
// is derived from meta's and the pilot, so one reaction that settles many
// pilots (a new award) settles each once.
func (s *Awards) Settle(ctx context.Context, meta CommandMeta, airlineID, userID string, changes []AwardChange) (AppendResult, error) {
	if err := Authorize(meta.Who, ReviewPireps, airlineID); err != nil {
		return AppendResult{}, err
	}
	meta.ID = stepID(meta.ID, "awards:"+userID)
	return s.settle(ctx, meta, airlineID, userID, changes, false)
}

func (s *Awards) settle(ctx context.Context, meta CommandMeta, airlineID, userID string, changes []AwardChange, byHand bool) (AppendResult, error) {
	if len(changes) == 0 {
		return AppendResult{}, nil
	}
	return Execute(ctx, s.Runner, StreamRef{StreamID: PilotAwardsStream(userID), TenantID: airlineID}, meta,
		func() *PilotAwards { return &PilotAwards{} },
		func(p *PilotAwards, version int64) (Decision, error) {
			if version > 0 && p.TenantID != airlineID {
				return Decision{}, Errorf(ENotFound, "There is no such pilot in this airline.")
			}
			now := timestamppb.New(s.Runner.now().UTC().Truncate(time.Microsecond))
			var evs []proto.Message
			seen := map[string]bool{}
			for _, c := range changes {
				if seen[c.AwardID] {
					continue
				}
				seen[c.AwardID] = true
				hand, held := p.Held[c.AwardID]
				switch {
				case c.Grant && !held:
					evs = append(evs, &eventsv1.AwardGranted{AwardId: c.AwardID, TenantId: airlineID, UserId: userID, AwardName: c.AwardName,
						Reason: c.Reason, PirepId: c.PirepID, ByHand: byHand, By: meta.Who.UserID, GrantedAt: now})
				case !c.Grant && held && (byHand || !hand):
					evs = append(evs, &eventsv1.AwardRevoked{AwardId: c.AwardID, TenantId: airlineID, UserId: userID, AwardName: c.AwardName,
						Reason: c.Reason, PirepId: c.PirepID, By: meta.Who.UserID, RevokedAt: now})
				}
			}
			return Decision{Events: evs}, nil
		})
}
