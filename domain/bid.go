package domain

import (
	"context"
	"fmt"
	"slices"
	"time"

	"google.golang.org/protobuf/proto"
	"google.golang.org/protobuf/types/known/timestamppb"

	eventsv1 "github.com/albatross-va/albatross/domain/events/v1"
)

// This file holds bids: a pilot's claim on a schedule flight they mean to
// fly next, as phpVMS keeps them, with the airline's bid settings.

// BidStreamPrefix starts every stream of a pilot's bids.
const BidStreamPrefix = "bids-"

// BidStream returns the stream id of a pilot's bids: one stream per pilot,
// so "one bid per pilot" is decided on one stream's version.
func BidStream(pilotID string) string { return BidStreamPrefix + pilotID }

// Why a bid ended (BidRemoved.reason).
const (
	BidRemovedByPilot = "pilot"
	BidFiled          = "filed"
	BidCancelled      = "cancelled"
	BidExpired        = "expired"
	BidRebooked       = "rebooked" // moved to another aircraft: a new bid follows
)

// BidRules are an airline's bid settings, named as phpVMS names them.
type BidRules struct {
	AllowMultiple     bool  // bids.allow_multiple_bids; off: one bid per pilot
	OnePilotPerFlight bool  // bids.disable_flight_on_bid: a bid takes the flight from the others
	BlockAircraft     bool  // bids.block_aircraft: a bid may reserve its aircraft
	ExpireAfterHours  int32 // bids.expire_time; 0: bids never expire
}

// DefaultBidRules are phpVMS's defaults, for an airline that never set
// its own: several bids per pilot, one pilot per flight, no aircraft
// reserved, bids expire after 48 hours.
var DefaultBidRules = BidRules{AllowMultiple: true, OnePilotPerFlight: true, ExpireAfterHours: 48}

// MaxBidExpireHours bounds BidRules.ExpireAfterHours: four weeks.
const MaxBidExpireHours = 24 * 28

// ExpireAfter is how long a bid lasts, 0 for ever.
func (r BidRules) ExpireAfter() time.Duration { return time.Duration(r.ExpireAfterHours) * time.Hour }

// Bid is one bid of a pilot.
type Bid struct {
	ID           string
	FlightID     string
	AircraftID   string // "" when it reserves none
	FlightNumber string
	DptAirport   string
	ArrAirport   string
	PlacedAt     time.Time
	// Charter is the plan of a charter booking (FlightID empty); nil for
	// a bid on a schedule flight.
	Charter *CharterFlight

	claimedFlight, claimedAircraft bool
}

// claims are the unique values the bid holds.
func (b Bid) claims(tenantID string) []UniqueClaim {
	var out []UniqueClaim
	if b.claimedFlight {
		out = append(out, bidFlightClaim(tenantID, b.FlightID))
	}
	if b.claimedAircraft {
		out = append(out, bidAircraftClaim(tenantID, b.AircraftID))
	}
	return out
}

// bidScope separates the bid claims of an airline from its other unique
// values.
func bidScope(tenantID string) string { return "bids/" + tenantID }

func bidFlightClaim(tenantID, flightID string) UniqueClaim {
	return UniqueClaim{Scope: bidScope(tenantID), Field: "flight_id", Value: flightID}
}

func bidAircraftClaim(tenantID, aircraftID string) UniqueClaim {
	return UniqueClaim{Scope: bidScope(tenantID), Field: "aircraft_id", Value: aircraftID}
}

// The conflicts a bid meets. The fields name what the API's error types
// follow: flight_id and aircraft_id are phpVMS's bid-exists, bids its
// user-bid-limit.
var (
	errFlightTaken = FieldError(EConflict, "flight_id", "Another pilot has already bid on this flight.")
	errAircraftBid = FieldError(EConflict, "aircraft_id", "This aircraft is reserved by another pilot's bid.")
	errBidLimit    = FieldError(EConflict, "bids", "You already have a bid: this airline allows one at a time. Remove it first.")
)

// PilotBids is the aggregate of one pilot's bids.
type PilotBids struct {
	TenantID string
	PilotID  string
	Bids     []Bid // in the order they were placed
}

// Apply folds one stored event into the pilot's bids.
func (p *PilotBids) Apply(ev proto.Message) error {
	switch e := ev.(type) {
	case *eventsv1.BidPlaced:
		p.TenantID, p.PilotID = e.TenantId, e.PilotId
		p.Bids = append(p.Bids, Bid{ID: e.BidId, FlightID: e.FlightId, AircraftID: e.AircraftId, FlightNumber: e.FlightNumber,
			DptAirport: e.DptAirport, ArrAirport: e.ArrAirport, PlacedAt: e.PlacedAt.AsTime(),
			claimedFlight: e.ClaimedFlight, claimedAircraft: e.ClaimedAircraft, Charter: charterOf(e)})
	case *eventsv1.BidRemoved:
		p.Bids = slices.DeleteFunc(p.Bids, func(b Bid) bool { return b.ID == e.BidId })
	default:
		return fmt.Errorf("bids: unexpected event %T", ev)
	}
	return nil
}

// find returns the bid with the id.
func (p *PilotBids) find(bidID string) (Bid, bool) {
	i := slices.IndexFunc(p.Bids, func(b Bid) bool { return b.ID == bidID })
	if i < 0 {
		return Bid{}, false
	}
	return p.Bids[i], true
}

// onFlight returns the pilot's bid on a schedule flight (never a charter
// booking, whose flight id is empty).
func (p *PilotBids) onFlight(flightID string) (Bid, bool) {
	i := slices.IndexFunc(p.Bids, func(b Bid) bool { return flightID != "" && b.FlightID == flightID })
	if i < 0 {
		return Bid{}, false
	}
	return p.Bids[i], true
}

// BidFlight is what placing a bid learns of the flight.
type BidFlight struct {
	Found        bool
	Active       bool
	FlightNumber string
	DptAirport   string
	ArrAirport   string
	SubfleetIDs  []string // the subfleets that may fly it; none: any
	// Bidders are the pilots with a bid on it now, as the read models
	// know: a bid placed before "one pilot per flight" was turned on holds
	// no claim, and still takes the flight.
	Bidders []string
}

// BidAircraft is what placing a bid learns of an aircraft.
type BidAircraft struct {
	Found      bool
	SubfleetID string
	Status     string // AircraftActive, …
}

// BidFacts is everything placing a bid checks against the airline.
type BidFacts struct {
	Rules    BidRules
	Flight   BidFlight
	Aircraft BidAircraft // when an aircraft was named
}

// BidFactsReader answers a bid's questions (reads.Bids in the server).
type BidFactsReader interface {
	BidFacts(ctx context.Context, tenantID, flightID, aircraftID string) (BidFacts, error)
	BidRules(ctx context.Context, tenantID string) (BidRules, error)
}

// Bids runs the bid commands.
type Bids struct {
	Runner *Runner
	IDs    IDs
	Facts  BidFactsReader
	// Location, when set, applies the airline's "pilot at the departure
	// airport" rule (PirepRules.PilotAtDeparture) to bids too, as phpVMS's
	// pilots.only_flights_from_current does.
	Location PirepSettings
	// Qualifications, when set, applies the airline's rules of who may fly
	// what (MayFly) to bids; nil restricts nothing.
	Qualifications QualificationsReader
}

// errPilotElsewhere is a bid refused by the "pilot at the departure
// airport" rule; the field is the filing's (phpVMS's user-not-at-airport).
func errPilotElsewhere(at, dpt string) error {
	e := FieldError(EInvalid, "dpt_airport", fmt.Sprintf("You are at %s and this flight departs from %s: this airline's pilots bid on flights from where they are.", at, dpt))
	e.Reasons = map[string]string{"dpt_airport": ReasonPilotElsewhere}
	return e
}

// pilotElsewhere says where the pilot is when the airline's rule keeps
// them from bidding on a flight from dpt: "" when it does not.
func (s *Bids) pilotElsewhere(ctx context.Context, airlineID, pilotID, dpt string) (string, error) {
	if s.Location == nil {
		return "", nil
	}
	rules, err := s.Location.PirepRules(ctx, airlineID)
	if err != nil || !rules.PilotAtDeparture {
		return "", err
	}
	loc, err := s.Location.PilotLocation(ctx, airlineID, pilotID)
	if err != nil || loc == "" || loc == dpt {
		return "", err
	}
	return loc, nil
}

func (s *Bids) stream(airlineID, pilotID string) StreamRef {
	return StreamRef{StreamID: BidStream(pilotID), TenantID: airlineID}
}

// Place bids for the actor on one of the airline's flights, reserving the
// aircraft when one is named and the airline reserves aircraft with bids.
// A bid the pilot already has on the flight is returned unchanged, as
// phpVMS does. The flight is claimed in the append under "one pilot per
// flight", so of two pilots bidding at once exactly one gets it.
func (s *Bids) Place(ctx context.Context, meta CommandMeta, airlineID, flightID, aircraftID string) (Bid, AppendResult, error) {
	if err := Authorize(meta.Who, FileOwnPireps, airlineID); err != nil {
		return Bid{}, AppendResult{}, err
	}
	pilotID := meta.Who.UserID
	for field, v := range map[string]*string{"flight_id": &flightID, "aircraft_id": &aircraftID} {
		if err := textFieldError(field, v, SingleLine, 100, ""); err != nil {
			return Bid{}, AppendResult{}, err
		}
	}
	if flightID == "" {
		return Bid{}, AppendResult{}, FieldError(EInvalid, "flight_id", "Choose a flight to bid on.")
	}
	facts, err := s.Facts.BidFacts(ctx, airlineID, flightID, aircraftID)
	if err != nil {
		return Bid{}, AppendResult{}, err
	}
	f := facts.Flight
	if !f.Found {
		return Bid{}, AppendResult{}, FieldError(ENotFound, "flight_id", "This airline has no such flight.")
	}
	if !f.Active {
		return Bid{}, AppendResult{}, FieldError(EInvalid, "flight_id", "This flight is not active: it cannot be bid on.")
	}
	if aircraftID != "" {
		if err := facts.checkAircraft(); err != nil {
			return Bid{}, AppendResult{}, err
		}
	}
	if s.Qualifications != nil {
		q, err := s.Qualifications.Qualifications(ctx, airlineID, pilotID)
		if err != nil {
			return Bid{}, AppendResult{}, err
		}
		subfleets := f.SubfleetIDs
		if aircraftID != "" {
			subfleets = []string{facts.Aircraft.SubfleetID}
		}
		if err := MayFlyAny(q, subfleets); err != nil {
			return Bid{}, AppendResult{}, err
		}
	}
	if at, err := s.pilotElsewhere(ctx, airlineID, pilotID, f.DptAirport); err != nil {
		return Bid{}, AppendResult{}, err
	} else if at != "" {
		return Bid{}, AppendResult{}, errPilotElsewhere(at, f.DptAirport)
	}
	rules := facts.Rules
	var placed Bid
	res, err := Execute(ctx, s.Runner, s.stream(airlineID, pilotID), meta,
		func() *PilotBids { return &PilotBids{} },
		func(p *PilotBids, _ int64) (Decision, error) {
			if b, ok := p.onFlight(flightID); ok {
				placed = b
				return Decision{}, nil
			}
			if !rules.AllowMultiple && len(p.Bids) > 0 {
				return Decision{}, errBidLimit
			}
			if rules.OnePilotPerFlight && slices.ContainsFunc(f.Bidders, func(id string) bool { return id != pilotID }) {
				return Decision{}, errFlightTaken
			}
			placed = Bid{ID: s.IDs.NewID(), FlightID: flightID, AircraftID: aircraftID, FlightNumber: f.FlightNumber,
				DptAirport: f.DptAirport, ArrAirport: f.ArrAirport, PlacedAt: s.Runner.now().UTC().Truncate(time.Microsecond),
				claimedFlight: rules.OnePilotPerFlight, claimedAircraft: rules.BlockAircraft && aircraftID != ""}
			return Decision{
				Events: []proto.Message{&eventsv1.BidPlaced{BidId: placed.ID, TenantId: airlineID, PilotId: pilotID,
					FlightId: flightID, AircraftId: aircraftID, FlightNumber: f.FlightNumber, DptAirport: f.DptAirport,
					ArrAirport: f.ArrAirport, ClaimedFlight: placed.claimedFlight, ClaimedAircraft: placed.claimedAircraft,
					PlacedAt: timestamppb.New(placed.PlacedAt)}},
				Claims: placed.claims(airlineID),
			}, nil
		})
	if err != nil {
		if fields := ErrorFields(err); ErrorCode(err) == EConflict && fields != nil {
			switch {
			case fields["flight_id"] != "" && err != errFlightTaken:
				err = errFlightTaken
			case fields["aircraft_id"] != "":
				err = errAircraftBid
			}
		}
		return Bid{}, AppendResult{}, err
	}
	return placed, res, nil
}

// checkAircraft refuses the named aircraft when the airline has none such,
// it is out of service, or its subfleet does not fly the flight.
func (facts BidFacts) checkAircraft() error {
	a, f := facts.Aircraft, facts.Flight
	switch {
	case !a.Found:
		return FieldError(EInvalid, "aircraft_id", "This airline has no such aircraft.")
	case a.Status != AircraftActive:
		return FieldError(EInvalid, "aircraft_id", "This aircraft is not in service.")
	case len(f.SubfleetIDs) > 0 && !slices.Contains(f.SubfleetIDs, a.SubfleetID):
		return FieldError(EInvalid, "aircraft_id", "This aircraft's subfleet does not fly this flight.")
	}
	return nil
}

// Rebook moves one of the actor's bids to another aircraft of its flight
// (smartCARS's rebook). In one append the bid ends (BidRebooked) and a new
// bid on the same flight with that aircraft is placed, the flight's claim
// and the aircraft's (when the airline reserves aircraft) moving with it,
// so no other pilot can take the flight in between. The bid's own
// aircraft again changes nothing and returns the bid.
func (s *Bids) Rebook(ctx context.Context, meta CommandMeta, airlineID, bidID, aircraftID string) (Bid, AppendResult, error) {
	if err := Authorize(meta.Who, FileOwnPireps, airlineID); err != nil {
		return Bid{}, AppendResult{}, err
	}
	if err := textFieldError("aircraft_id", &aircraftID, SingleLine, 100, ""); err != nil {
		return Bid{}, AppendResult{}, err
	}
	if aircraftID == "" {
		return Bid{}, AppendResult{}, FieldError(EInvalid, "aircraft_id", "Choose the aircraft to fly this flight with.")
	}
	pilotID := meta.Who.UserID
	current := &PilotBids{}
	if _, err := s.Runner.load(ctx, BidStream(pilotID), current); err != nil {
		return Bid{}, AppendResult{}, err
	}
	old, ok := current.find(bidID)
	if !ok || current.TenantID != airlineID {
		return Bid{}, AppendResult{}, Errorf(ENotFound, "You have no such bid.")
	}
	facts, err := s.Facts.BidFacts(ctx, airlineID, old.FlightID, aircraftID)
	if err != nil {
		return Bid{}, AppendResult{}, err
	}
	if err := facts.checkAircraft(); err != nil {
		return Bid{}, AppendResult{}, err
	}
	rules := facts.Rules
	var placed Bid
	res, err := Execute(ctx, s.Runner, s.stream(airlineID, pilotID), meta,
		func() *PilotBids { return &PilotBids{} },
		func(p *PilotBids, _ int64) (Decision, error) {
			b, ok := p.find(bidID)
			if !ok {
				return Decision{}, Errorf(ENotFound, "You have no such bid.")
			}
			if b.AircraftID == aircraftID {
				placed = b
				return Decision{}, nil
			}
			now := s.Runner.now()
			placed = Bid{ID: s.IDs.NewID(), FlightID: b.FlightID, AircraftID: aircraftID, FlightNumber: b.FlightNumber,
				DptAirport: b.DptAirport, ArrAirport: b.ArrAirport, PlacedAt: now.UTC().Truncate(time.Microsecond),
				claimedFlight: b.claimedFlight, claimedAircraft: rules.BlockAircraft}
			ev := &eventsv1.BidPlaced{BidId: placed.ID, TenantId: airlineID, PilotId: pilotID, FlightId: b.FlightID,
				AircraftId: aircraftID, FlightNumber: b.FlightNumber, DptAirport: b.DptAirport, ArrAirport: b.ArrAirport,
				ClaimedFlight: placed.claimedFlight, ClaimedAircraft: placed.claimedAircraft, PlacedAt: timestamppb.New(placed.PlacedAt)}
			if b.Charter != nil {
				// A charter booking keeps its plan, flown with the new aircraft.
				plan := *b.Charter
				plan.AircraftID = aircraftID
				placed.Charter = &plan
				ev.Charter, ev.Route, ev.Level, ev.Distance, ev.Cargo = true, plan.Route, plan.Level, plan.Distance, plan.Cargo
				ev.DptTime, ev.ArrTime, ev.FlightTime = plan.DptTime, plan.ArrTime, plan.FlightTime()
			}
			// Releases come before claims in an append, so the flight's
			// claim passes from the old bid to the new one.
			return Decision{
				Events: []proto.Message{
					&eventsv1.BidRemoved{BidId: b.ID, PilotId: pilotID, FlightId: b.FlightID, Reason: BidRebooked,
						RemovedAt: timestamppb.New(now), FlightNumber: b.FlightNumber, DptAirport: b.DptAirport, ArrAirport: b.ArrAirport},
					ev,
				},
				Releases: b.claims(airlineID),
				Claims:   placed.claims(airlineID),
			}, nil
		})
	if err != nil {
		if ErrorCode(err) == EConflict && ErrorFields(err)["aircraft_id"] != "" {
			err = errAircraftBid
		}
		return Bid{}, AppendResult{}, err
	}
	return placed, res, nil
}

// Remove takes one of the actor's own bids back. A bid that is gone
// already (removed twice, expired meanwhile) is ENotFound.
func (s *Bids) Remove(ctx context.Context, meta CommandMeta, airlineID, bidID string) (AppendResult, error) {
	if err := Authorize(meta.Who, FileOwnPireps, airlineID); err != nil {
		return AppendResult{}, err
	}
	return s.remove(ctx, meta, airlineID, meta.Who.UserID, func(p *PilotBids, _ time.Time) (Bid, bool, error) {
		b, ok := p.find(bidID)
		if !ok {
			return Bid{}, false, Errorf(ENotFound, "You have no such bid.")
		}
		return b, true, nil
	}, BidRemovedByPilot, "")
}

// EndForPirep removes the pilot's bid on a flight whose PIREP was filed
// (reason BidFiled) or cancelled (BidCancelled); the system sends it (a
// reactor). A pilot with no bid on the flight changes nothing.
func (s *Bids) EndForPirep(ctx context.Context, meta CommandMeta, airlineID, pilotID, flightID, pirepID, reason string) (AppendResult, error) {
	if err := Authorize(meta.Who, ManagePirepRules, airlineID); err != nil {
		return AppendResult{}, err
	}
	if reason != BidFiled && reason != BidCancelled {
		return AppendResult{}, Errorf(EInvalid, "a bid ends for a PIREP filed or cancelled, not %q", reason)
	}
	return s.remove(ctx, meta, airlineID, pilotID, func(p *PilotBids, _ time.Time) (Bid, bool, error) {
		b, ok := p.onFlight(flightID)
		return b, ok, nil
	}, reason, pirepID)
}

// EndCharterForPirep removes the charter booking a PIREP was filed from,
// once that PIREP is filed (reason BidFiled) or cancelled (BidCancelled);
// the system sends it (the bids-end reactor). It reads the PIREP's own
// stream for its pilot and booking: a PIREP filed from no booking, or a
// booking gone already, changes nothing.
func (s *Bids) EndCharterForPirep(ctx context.Context, meta CommandMeta, airlineID, pirepID, reason string) (AppendResult, error) {
	if err := Authorize(meta.Who, ManagePirepRules, airlineID); err != nil {
		return AppendResult{}, err
	}
	if reason != BidFiled && reason != BidCancelled {
		return AppendResult{}, Errorf(EInvalid, "a bid ends for a PIREP filed or cancelled, not %q", reason)
	}
	p := &Pirep{}
	if _, err := s.Runner.load(ctx, PirepStream(pirepID), p); err != nil {
		return AppendResult{}, err
	}
	if !p.Created || p.TenantID != airlineID || p.Details.BidID == "" {
		return AppendResult{}, nil
	}
	bidID := p.Details.BidID
	return s.remove(ctx, meta, airlineID, p.PilotID, func(b *PilotBids, _ time.Time) (Bid, bool, error) {
		bid, ok := b.find(bidID)
		return bid, ok && bid.Charter != nil, nil
	}, reason, pirepID)
}

// Expire removes a bid older than the airline's expiry, as of asOf; the
// system sends it (the sweep). A bid gone already, or not yet old enough
// under the airline's setting now, changes nothing.
func (s *Bids) Expire(ctx context.Context, meta CommandMeta, airlineID, pilotID, bidID string, asOf time.Time) (AppendResult, error) {
	if err := Authorize(meta.Who, ManagePirepRules, airlineID); err != nil {
		return AppendResult{}, err
	}
	rules, err := s.Facts.BidRules(ctx, airlineID)
	if err != nil {
		return AppendResult{}, err
	}
	return s.remove(ctx, meta, airlineID, pilotID, func(p *PilotBids, _ time.Time) (Bid, bool, error) {
		b, ok := p.find(bidID)
		if !ok || rules.ExpireAfter() == 0 || asOf.Sub(b.PlacedAt) < rules.ExpireAfter() {
			return Bid{}, false, nil
		}
		return b, true, nil
	}, BidExpired, "")
}

// remove appends the end of the bid pick chooses, giving its claims back;
// pick returning false appends nothing.
func (s *Bids) remove(ctx context.Context, meta CommandMeta, airlineID, pilotID string,
	pick func(p *PilotBids, now time.Time) (Bid, bool, error), reason, pirepID string) (AppendResult, error) {
	return Execute(ctx, s.Runner, s.stream(airlineID, pilotID), meta,
		func() *PilotBids { return &PilotBids{} },
		func(p *PilotBids, _ int64) (Decision, error) {
			if p.TenantID != "" && p.TenantID != airlineID {
				return Decision{}, Errorf(ENotFound, "You have no such bid.")
			}
			now := s.Runner.now()
			b, ok, err := pick(p, now)
			if err != nil || !ok {
				return Decision{}, err
			}
			return Decision{
				Events: []proto.Message{&eventsv1.BidRemoved{BidId: b.ID, PilotId: pilotID, FlightId: b.FlightID,
					Reason: reason, PirepId: pirepID, RemovedAt: timestamppb.New(now), FlightNumber: b.FlightNumber,
					DptAirport: b.DptAirport, ArrAirport: b.ArrAirport}},
				Releases: b.claims(airlineID),
			}, nil
		})
}

// SetBidRules sets an airline's bid settings; setting the ones it has
// records nothing. The settings apply to bids placed from then on.
func (s *Airlines) SetBidRules(ctx context.Context, meta CommandMeta, airlineID string, r BidRules) (AppendResult, error) {
	if r.ExpireAfterHours < 0 || r.ExpireAfterHours > MaxBidExpireHours {
		return AppendResult{}, FieldError(EInvalid, "expire_after_hours",
			fmt.Sprintf("Enter from 1 to %d hours, or leave it empty for bids that never expire.", MaxBidExpireHours))
	}
	return s.airlineCommand(ctx, meta, airlineID, ManagePirepRules, func(a *Airline, now time.Time) ([]proto.Message, error) {
		if a.BidRules == r {
			return nil, nil
		}
		return []proto.Message{&eventsv1.BidRulesChanged{AirlineId: airlineID, AllowMultipleBids: r.AllowMultiple,
			OnePilotPerFlight: r.OnePilotPerFlight, BlockAircraft: r.BlockAircraft, ExpireAfterHours: r.ExpireAfterHours,
			ChangedAt: timestamppb.New(now)}}, nil
	})
}
