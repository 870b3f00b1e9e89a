package domain

import (
	"cmp"
	"context"
	"fmt"
	"regexp"
	"strings"
	"time"

	"google.golang.org/protobuf/proto"
	"google.golang.org/protobuf/types/known/timestamppb"

	eventsv1 "github.com/albatross-va/albatross/domain/events/v1"
)

// AirlineStreamPrefix starts every airline stream id.
const AirlineStreamPrefix = "airline-"

// AirlineStream returns the stream id of an airline.
func AirlineStream(airlineID string) string { return AirlineStreamPrefix + airlineID }

// Airline is the airline aggregate: a tenant of the platform.
type Airline struct {
	ID            string
	Created       bool
	Name          string
	ICAO          string
	IATA          string
	Slug          string
	PilotIDPrefix string
	Registration  string
	Suspended     bool
	// LastPilotNumber is the highest pilot number handed out; decided holds
	// each person decided on, with their number when approved.
	LastPilotNumber int32
	decided         map[string]int32
	// PirepRules are the airline's optional filing rules (pirep_rules.go).
	PirepRules PirepRules
	// BidRules are the airline's bid settings (bid.go).
	BidRules BidRules
	// Simbrief are the airline's SimBrief settings (simbrief.go).
	Simbrief SimbriefSettings
	// FlyingRules say who may fly what (rating.go).
	FlyingRules FlyingRules
}

// Registration modes of an airline's public registration form.
const (
	RegistrationOpen     = "open"     // registrations are approved at once
	RegistrationApproval = "approval" // staff approve or reject each one (the default)
	RegistrationClosed   = "closed"   // the form is closed
)

// Apply folds one stored event into the airline.
func (a *Airline) Apply(ev proto.Message) error {
	switch e := ev.(type) {
	case *eventsv1.AirlineCreated:
		a.ID, a.Created = e.AirlineId, true
		a.Name, a.ICAO, a.IATA, a.Slug = e.Name, e.Icao, e.Iata, e.Slug
		a.PilotIDPrefix, a.Registration = pilotIDPrefix(e.PilotIdPrefix, e.Icao), registrationMode(e.Registration)
	case *eventsv1.AirlineProfileChanged:
		a.Name, a.IATA = e.Name, e.Iata
		a.ICAO, a.Slug = cmp.Or(e.Icao, a.ICAO), cmp.Or(e.Slug, a.Slug)
		a.PilotIDPrefix, a.Registration = pilotIDPrefix(e.PilotIdPrefix, a.ICAO), registrationMode(e.Registration)
	case *eventsv1.AirlineSuspended:
		a.Suspended = true
	case *eventsv1.AirlineReactivated:
		a.Suspended = false
	case *eventsv1.PirepRulesChanged:
		a.PirepRules = PirepRules{AircraftAtDeparture: e.AircraftAtDeparture, PilotAtDeparture: e.PilotAtDeparture,
			AbandonAfterMinutes: e.AbandonAfterMinutes, PublicLiveMapOff: e.PublicLiveMapOff, AllowCharters: e.AllowCharters,
			Jumpseats: JumpseatRules{Allowed: e.AllowJumpseats, PerMonth: e.JumpseatsPerMonth, HubsOnly: e.JumpseatHubsOnly}}
	case *eventsv1.BidRulesChanged:
		a.BidRules = BidRules{AllowMultiple: e.AllowMultipleBids, OnePilotPerFlight: e.OnePilotPerFlight,
			BlockAircraft: e.BlockAircraft, ExpireAfterHours: e.ExpireAfterHours}
	case *eventsv1.SimbriefSettingsChanged:
		a.Simbrief = SimbriefSettings{APIKey: e.ApiKey, ExpireHours: e.ExpireHours}
	case *eventsv1.FlyingRulesChanged:
		a.FlyingRules = FlyingRules{RestrictToRank: e.RestrictToRank, RestrictToTypeRating: e.RestrictToTypeRating,
			CountTransferHours: e.CountTransferHours}
	case *eventsv1.MembershipDecided:
		if a.decided == nil {
			a.decided = map[string]int32{}
		}
		a.decided[e.UserId] = e.PilotNumber
		a.LastPilotNumber = max(a.LastPilotNumber, e.PilotNumber)
	default:
		return fmt.Errorf("airline: unexpected event %T", ev)
	}
	return nil
}

// pilotIDPrefix is the prefix pilot ids start with: the ICAO code unless
// one was chosen.
func pilotIDPrefix(prefix, icao string) string {
	if prefix == "" {
		return icao
	}
	return prefix
}

// registrationMode reads a stored mode; none stored means approval.
func registrationMode(mode string) string {
	if mode == "" {
		return RegistrationApproval
	}
	return mode
}

// FormatPilotID writes a pilot id: the prefix and the number padded to four
// digits (ALB0001); numbers past 9999 take more digits.
func FormatPilotID(prefix string, number int32) string {
	return fmt.Sprintf("%s%04d", prefix, number)
}

// CreateAirline is the command a platform admin sends to open an airline.
type CreateAirline struct {
	Name          string
	ICAO          string
	IATA          string
	Slug          string
	PilotIDPrefix string // empty: the ICAO code
}

var (
	icaoPattern = regexp.MustCompile(`^[A-Z]{3}$`)
	iataPattern = regexp.MustCompile(`^[A-Z0-9]{2}$`)
	slugPattern = regexp.MustCompile(`^[a-z0-9](?:[a-z0-9-]{0,38}[a-z0-9])?$`)
	// prefixPattern: phpVMS shows pilot ids as the airline's ICAO code and
	// a number; a prefix of up to 5 letters or digits covers custom ones.
	prefixPattern = regexp.MustCompile(`^[A-Z][A-Z0-9]{0,4}$`)
)

const prefixMessage = "The pilot id prefix is 1 to 5 capital letters or digits, starting with a letter, for example ALB."

// Normalize trims the fields and puts codes in the case they are stored in.
func (c *CreateAirline) Normalize() {
	c.Name = strings.TrimSpace(c.Name)
	c.ICAO = strings.ToUpper(strings.TrimSpace(c.ICAO))
	c.IATA = strings.ToUpper(strings.TrimSpace(c.IATA))
	c.Slug = strings.ToLower(strings.TrimSpace(c.Slug))
	c.PilotIDPrefix = strings.ToUpper(strings.TrimSpace(c.PilotIDPrefix))
}

// Validate returns an EInvalid error naming each bad field, or nil.
func (c CreateAirline) Validate() error {
	f := map[string]string{}
	validateNameAndIATA(f, c.Name, c.IATA)
	if !icaoPattern.MatchString(c.ICAO) {
		f["icao"] = "The ICAO code is 3 letters, for example BAW."
	}
	if c.PilotIDPrefix != "" && !prefixPattern.MatchString(c.PilotIDPrefix) {
		f["pilot_id_prefix"] = prefixMessage
	}
	if !slugPattern.MatchString(c.Slug) {
		f["slug"] = "The slug is 1 to 40 lower-case letters, digits or hyphens, for example speedbird."
	}
	return Invalid(f)
}

// validateNameAndIATA checks the fields the create and edit forms share.
func validateNameAndIATA(f map[string]string, name, iata string) {
	checkRequiredLine(f, "name", &name, 100, "Enter the airline's name.")
	if iata != "" && !iataPattern.MatchString(iata) {
		f["iata"] = "The IATA code is 2 letters or digits, for example BA, or empty."
	}
}

// Create decides the creation of a new airline with the given id.
func (a *Airline) Create(id string, c CreateAirline, now time.Time) (Decision, error) {
	c.Normalize()
	if err := c.Validate(); err != nil {
		return Decision{}, err
	}
	if a.Created {
		return Decision{}, Errorf(EConflict, "This airline already exists.")
	}
	return Decision{
		Events: []proto.Message{&eventsv1.AirlineCreated{
			AirlineId: id, Name: c.Name, Icao: c.ICAO, Iata: c.IATA, Slug: c.Slug,
			PilotIdPrefix: pilotIDPrefix(c.PilotIDPrefix, c.ICAO), Registration: RegistrationApproval,
			CreatedAt: timestamppb.New(now),
		}},
		Claims: []UniqueClaim{
			{Scope: "", Field: "slug", Value: c.Slug},
			{Scope: "", Field: "icao", Value: c.ICAO},
		},
	}, nil
}

// Airlines runs the airline commands.
type Airlines struct {
	Runner *Runner
	IDs    IDs
}

// Create opens a new airline and returns its id and where its event landed.
// A repeated command id returns the airline the first call created.
func (s *Airlines) Create(ctx context.Context, meta CommandMeta, c CreateAirline) (string, AppendResult, error) {
	if err := Authorize(meta.Who, CreateAirlines, ""); err != nil {
		return "", AppendResult{}, err
	}
	id := s.IDs.NewID()
	res, err := Execute(ctx, s.Runner, StreamRef{StreamID: AirlineStream(id), TenantID: id}, meta,
		func() *Airline { return &Airline{} },
		func(a *Airline, _ int64) (Decision, error) { return a.Create(id, c, s.Runner.now()) })
	if err != nil {
		return "", AppendResult{}, err
	}
	airlineID := strings.TrimPrefix(res.StreamID, AirlineStreamPrefix)
	if res.Duplicate {
		// The same command id came back. A double submit carries the same
		// values; different ones mean a reused form (the back button), which
		// must not pass silently as if it had created the new airline.
		first := &Airline{}
		if _, err := s.Runner.load(ctx, res.StreamID, first); err != nil {
			return "", AppendResult{}, err
		}
		c.Normalize()
		if first.Name != c.Name || first.ICAO != c.ICAO || first.IATA != c.IATA || first.Slug != c.Slug ||
			first.PilotIDPrefix != pilotIDPrefix(c.PilotIDPrefix, c.ICAO) {
			return "", AppendResult{}, Errorf(EConflict,
				"This form was already used to create %s. Reload the page to create another airline.", first.Name)
		}
	}
	return airlineID, res, nil
}

// AirlineProfile is what an airline admin may change about their airline.
type AirlineProfile struct {
	Name          string
	ICAO          string
	Slug          string
	IATA          string
	PilotIDPrefix string
	Registration  string
}

// Normalize trims the fields and puts codes in the case they are stored in.
func (p *AirlineProfile) Normalize() {
	p.Name = strings.TrimSpace(p.Name)
	p.ICAO = strings.ToUpper(strings.TrimSpace(p.ICAO))
	p.Slug = strings.ToLower(strings.TrimSpace(p.Slug))
	p.IATA = strings.ToUpper(strings.TrimSpace(p.IATA))
	p.PilotIDPrefix = strings.ToUpper(strings.TrimSpace(p.PilotIDPrefix))
	p.Registration = strings.TrimSpace(p.Registration)
}

// Validate returns an EInvalid error naming each bad field, or nil.
func (p AirlineProfile) Validate() error {
	f := map[string]string{}
	validateNameAndIATA(f, p.Name, p.IATA)
	if !icaoPattern.MatchString(p.ICAO) {
		f["icao"] = "The ICAO code is 3 letters, for example BAW."
	}
	if !slugPattern.MatchString(p.Slug) {
		f["slug"] = "The slug is 1 to 40 lower-case letters, digits or hyphens, for example speedbird."
	}
	if !prefixPattern.MatchString(p.PilotIDPrefix) {
		f["pilot_id_prefix"] = prefixMessage
	}
	CheckLine(f, "registration", &p.Registration, 20)
	switch p.Registration {
	case RegistrationOpen, RegistrationApproval, RegistrationClosed:
	default:
		f["registration"] = "Choose open, approval required or closed."
	}
	return Invalid(f)
}

// airlineCommand loads an airline after checking that the actor may take
// the action in it, and runs decide; a missing airline is ENotFound.
func (s *Airlines) airlineCommand(ctx context.Context, meta CommandMeta, airlineID string, action Action,
	decide func(a *Airline, now time.Time) ([]proto.Message, error)) (AppendResult, error) {
	if err := Authorize(meta.Who, action, airlineID); err != nil {
		return AppendResult{}, err
	}
	return Execute(ctx, s.Runner, StreamRef{StreamID: AirlineStream(airlineID), TenantID: airlineID}, meta,
		func() *Airline { return &Airline{} },
		func(a *Airline, _ int64) (Decision, error) {
			if !a.Created {
				return Decision{}, Errorf(ENotFound, "There is no such airline.")
			}
			evs, err := decide(a, s.Runner.now())
			return Decision{Events: evs}, err
		})
}

// ChangeProfile edits an airline's name, codes, slug, pilot id prefix and
// registration mode. A new ICAO code or slug is claimed; the former ones
// stay reserved to the airline. The new prefix applies to pilots approved
// from now on.
func (s *Airlines) ChangeProfile(ctx context.Context, meta CommandMeta, airlineID string, p AirlineProfile) (AppendResult, error) {
	p.Normalize()
	if err := p.Validate(); err != nil {
		return AppendResult{}, err
	}
	if err := Authorize(meta.Who, EditAirlineProfile, airlineID); err != nil {
		return AppendResult{}, err
	}
	return Execute(ctx, s.Runner, StreamRef{StreamID: AirlineStream(airlineID), TenantID: airlineID}, meta,
		func() *Airline { return &Airline{} },
		func(a *Airline, _ int64) (Decision, error) {
			if !a.Created {
				return Decision{}, Errorf(ENotFound, "There is no such airline.")
			}
			if a.Name == p.Name && a.ICAO == p.ICAO && a.Slug == p.Slug && a.IATA == p.IATA &&
				a.PilotIDPrefix == p.PilotIDPrefix && a.Registration == p.Registration {
				return Decision{}, nil // nothing changed: no event
			}
			var claims []UniqueClaim
			if p.ICAO != a.ICAO {
				claims = append(claims, UniqueClaim{Scope: "", Field: "icao", Value: p.ICAO})
			}
			if p.Slug != a.Slug {
				claims = append(claims, UniqueClaim{Scope: "", Field: "slug", Value: p.Slug})
			}
			return Decision{
				Events: []proto.Message{&eventsv1.AirlineProfileChanged{
					AirlineId: airlineID, Name: p.Name, Icao: p.ICAO, Slug: p.Slug, Iata: p.IATA,
					PilotIdPrefix: p.PilotIDPrefix, Registration: p.Registration, ChangedAt: timestamppb.New(s.Runner.now()),
				}},
				Claims: claims,
			}, nil
		})
}

// Suspend stops an airline: its people cannot log in and its API keys stop
// working. Suspending a suspended airline changes nothing.
func (s *Airlines) Suspend(ctx context.Context, meta CommandMeta, airlineID, reason string) (AppendResult, error) {
	if err := textFieldError("reason", &reason, MultiLine, 500, ""); err != nil {
		return AppendResult{}, err
	}
	return s.airlineCommand(ctx, meta, airlineID, SuspendAirlines, func(a *Airline, now time.Time) ([]proto.Message, error) {
		if a.Suspended {
			return nil, nil
		}
		return []proto.Message{&eventsv1.AirlineSuspended{AirlineId: airlineID, Reason: reason, SuspendedAt: timestamppb.New(now)}}, nil
	})
}

// Reactivate ends an airline's suspension.
func (s *Airlines) Reactivate(ctx context.Context, meta CommandMeta, airlineID string) (AppendResult, error) {
	return s.airlineCommand(ctx, meta, airlineID, SuspendAirlines, func(a *Airline, now time.Time) ([]proto.Message, error) {
		if !a.Suspended {
			return nil, nil
		}
		return []proto.Message{&eventsv1.AirlineReactivated{AirlineId: airlineID, ReactivatedAt: timestamppb.New(now)}}, nil
	})
}

// loadAirline reads an airline's current state; one that does not exist is
// ENotFound (a platform admin may act in any airline, so an id the access
// rules allowed is no proof that it exists).
func (r *Runner) loadAirline(ctx context.Context, airlineID string) (*Airline, error) {
	a := &Airline{}
	if _, err := r.load(ctx, AirlineStream(airlineID), a); err != nil {
		return nil, err
	}
	if !a.Created {
		return nil, Errorf(ENotFound, "There is no such airline.")
	}
	return a, nil
}
