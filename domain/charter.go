package domain

import (
	"context"
	"fmt"
	"math"
	"strconv"
	"strings"
	"time"
	"unicode/utf8"

	"google.golang.org/protobuf/proto"
	"google.golang.org/protobuf/types/known/timestamppb"

	eventsv1 "github.com/albatross-va/albatross/domain/events/v1"
)

// This file holds charters: flights a pilot flies that are not on the
// schedule (phpVMS's ACARS "free flight", smartCARS's charter), when the
// airline allows them, and the charter booking, which stands in "My bids"
// like a bid on a schedule flight.

// The phpVMS flight type letters of a charter.
const (
	FlightTypeCharterPassenger = "C"
	FlightTypeCharterCargo     = "H"
)

// CharterFlight is a pilot's plan of a charter they book: what smartCARS
// 3's /flights/charter sends and the booking form asks.
type CharterFlight struct {
	// FlightNumber is the number as a schedule flight's (1234), or with the
	// airline's ICAO code before it (ALB1234), which is taken off.
	FlightNumber string
	DptAirport   string // ICAO codes of the airline's airports
	ArrAirport   string
	Route        string
	AircraftID   string // one of the airline's aircraft, in service
	Level        int32  // cruise level in feet; 0: not planned
	Distance     int32  // nautical miles; 0: the great circle between the airports
	Cargo        bool   // a cargo charter; false: passengers
	DptTime      string // HH:MM UTC
	ArrTime      string // HH:MM UTC
}

// FlightType is the charter's phpVMS flight type letter.
func (f CharterFlight) FlightType() string {
	if f.Cargo {
		return FlightTypeCharterCargo
	}
	return FlightTypeCharterPassenger
}

// FlightTime is the planned flight time in minutes from the departure and
// arrival times, across midnight when the arrival is earlier; 0 when the
// times are not both given.
func (f CharterFlight) FlightTime() int32 {
	dpt, ok1 := clockMinutes(f.DptTime)
	arr, ok2 := clockMinutes(f.ArrTime)
	if !ok1 || !ok2 {
		return 0
	}
	d := arr - dpt
	if d <= 0 {
		d += 24 * 60
	}
	return int32(d)
}

// clockMinutes reads HH:MM as minutes after midnight.
func clockMinutes(s string) (int, bool) {
	if !clockTimeExp.MatchString(s) {
		return 0, false
	}
	h, _ := strconv.Atoi(s[:2])
	m, _ := strconv.Atoi(s[3:])
	return h*60 + m, true
}

// normalize trims the plan and puts codes in upper case; a flight number
// starting with the airline's ICAO code loses it; H:MM gains its zero.
func (f *CharterFlight) normalize(airlineICAO string) {
	up := func(s string) string { return strings.ToUpper(strings.TrimSpace(s)) }
	f.FlightNumber, f.DptAirport, f.ArrAirport = up(f.FlightNumber), up(f.DptAirport), up(f.ArrAirport)
	if airlineICAO != "" && len(f.FlightNumber) > len(airlineICAO) && strings.HasPrefix(f.FlightNumber, airlineICAO) {
		f.FlightNumber = f.FlightNumber[len(airlineICAO):]
	}
	if n, err := strconv.Atoi(f.FlightNumber); err == nil && n > 0 && len(f.FlightNumber) <= 6 {
		f.FlightNumber = strconv.Itoa(n)
	}
	f.AircraftID = strings.TrimSpace(f.AircraftID)
	f.DptTime, f.ArrTime = padClock(strings.TrimSpace(f.DptTime)), padClock(strings.TrimSpace(f.ArrTime))
	if utf8.ValidString(f.Route) { // ToUpper would hide bad bytes from the check
		f.Route = strings.Join(strings.Fields(up(f.Route)), " ")
	}
}

// padClock writes 9:45 as 09:45.
func padClock(s string) string {
	if len(s) == 4 && s[1] == ':' {
		return "0" + s
	}
	return s
}

// validate puts a message in m for each bad field of the plan, named as
// the booking form names it.
func (f *CharterFlight) validate(m map[string]string) {
	legFields{number: f.FlightNumber, dpt: f.DptAirport, arr: f.ArrAirport, distance: f.Distance, level: f.Level}.check(m)
	if m["arr_airport"] == "" && f.ArrAirport == f.DptAirport {
		m["arr_airport"] = "The arrival airport must differ from the departure airport."
	}
	checkRequiredLine(m, "aircraft_id", &f.AircraftID, 100, "Choose the aircraft you will fly.")
	CheckMultiline(m, "route", &f.Route, 1000)
	for name, v := range map[string]string{"dpt_time": f.DptTime, "arr_time": f.ArrTime} {
		if !clockTimeExp.MatchString(v) {
			m[name] = "Enter the time in UTC as HH:MM, for example 09:45."
		}
	}
}

// ErrChartersOff is the refusal of a charter, booked or filed, by an
// airline that does not allow them; its field is the booking form's.
var ErrChartersOff = FieldError(EForbidden, "charter", "This airline does not allow charter flights: choose a flight from the schedule.")

// Charter books a charter flight for the actor: a bid with no schedule
// flight that carries the pilot's plan, listed in "My bids", from which a
// PIREP is prefiled or filed with everything filled in, and which that
// PIREP's filing or cancelling removes (the bids-end reactor). The airline
// must allow charters (PirepRules.AllowCharters); the airports must be the
// airline's and the aircraft one of its aircraft in service, which the
// booking reserves when the airline reserves aircraft with bids. The
// airline's bid limit applies. A repeated command id returns the first
// booking. The returned bid's ID is what the bids API and /pireps/new?bid=
// take.
func (s *Bids) Charter(ctx context.Context, meta CommandMeta, airlineID string, f CharterFlight) (Bid, AppendResult, error) {
	if err := Authorize(meta.Who, FileOwnPireps, airlineID); err != nil {
		return Bid{}, AppendResult{}, err
	}
	pilotID := meta.Who.UserID
	airline := &Airline{}
	if _, err := s.Runner.load(ctx, AirlineStream(airlineID), airline); err != nil {
		return Bid{}, AppendResult{}, err
	}
	if !airline.Created {
		return Bid{}, AppendResult{}, Errorf(ENotFound, "There is no such airline.")
	}
	if !airline.PirepRules.AllowCharters {
		return Bid{}, AppendResult{}, ErrChartersOff
	}
	f.normalize(airline.ICAO)
	m := map[string]string{}
	f.validate(m)
	var dpt, arr *Airport
	for _, r := range []struct {
		field, icao string
		to          **Airport
	}{{"dpt_airport", f.DptAirport, &dpt}, {"arr_airport", f.ArrAirport, &arr}} {
		if m[r.field] != "" {
			continue
		}
		ap := &Airport{}
		if _, err := s.Runner.load(ctx, AirportStream(airlineID, r.icao), ap); err != nil {
			return Bid{}, AppendResult{}, err
		}
		if !ap.Added || ap.Airline != airlineID {
			m[r.field] = fmt.Sprintf("%s is not one of this airline's airports.", r.icao)
			continue
		}
		*r.to = ap
	}
	if m["aircraft_id"] == "" {
		ac := &AircraftState{}
		if _, err := s.Runner.load(ctx, AircraftStream(f.AircraftID), ac); err != nil {
			return Bid{}, AppendResult{}, err
		}
		switch {
		case !ac.Created || ac.TenantID != airlineID:
			m["aircraft_id"] = "This airline has no such aircraft."
		case ac.Status != AircraftActive:
			m["aircraft_id"] = fmt.Sprintf("%s is %s, not active: choose an active aircraft.", ac.Registration, ac.Status)
		}
	}
	if len(m) == 0 && f.Distance == 0 {
		a, b := dpt.AirportDetails, arr.AirportDetails
		if a.Latitude == 0 && a.Longitude == 0 || b.Latitude == 0 && b.Longitude == 0 {
			m["distance"] = "The airports' coordinates are not known: enter the distance."
		} else {
			f.Distance = int32(math.Max(1, math.Round(GreatCircleNM(Coordinates{Lat: a.Latitude, Lon: a.Longitude},
				Coordinates{Lat: b.Latitude, Lon: b.Longitude}))))
		}
	}
	if err := Invalid(m); err != nil {
		return Bid{}, AppendResult{}, err
	}
	rules := airline.BidRules
	var placed Bid
	res, err := Execute(ctx, s.Runner, s.stream(airlineID, pilotID), meta,
		func() *PilotBids { return &PilotBids{} },
		func(p *PilotBids, _ int64) (Decision, error) {
			if !rules.AllowMultiple && len(p.Bids) > 0 {
				return Decision{}, errBidLimit
			}
			plan := f
			placed = Bid{ID: s.IDs.NewID(), AircraftID: f.AircraftID, FlightNumber: f.FlightNumber, DptAirport: f.DptAirport,
				ArrAirport: f.ArrAirport, PlacedAt: s.Runner.now().UTC().Truncate(time.Microsecond), Charter: &plan,
				claimedAircraft: rules.BlockAircraft}
			return Decision{
				Events: []proto.Message{&eventsv1.BidPlaced{BidId: placed.ID, TenantId: airlineID, PilotId: pilotID,
					AircraftId: f.AircraftID, FlightNumber: f.FlightNumber, DptAirport: f.DptAirport, ArrAirport: f.ArrAirport,
					ClaimedAircraft: placed.claimedAircraft, PlacedAt: timestamppb.New(placed.PlacedAt),
					Charter: true, Route: f.Route, Level: f.Level, Distance: f.Distance, Cargo: f.Cargo,
					DptTime: f.DptTime, ArrTime: f.ArrTime, FlightTime: f.FlightTime()}},
				Claims: placed.claims(airlineID),
			}, nil
		})
	if err != nil {
		if fields := ErrorFields(err); ErrorCode(err) == EConflict && fields["aircraft_id"] != "" {
			err = errAircraftBid
		}
		return Bid{}, AppendResult{}, err
	}
	return placed, res, nil
}

// charterOf reads the plan a charter BidPlaced carries; nil for a bid on
// a schedule flight.
func charterOf(e *eventsv1.BidPlaced) *CharterFlight {
	if !e.Charter {
		return nil
	}
	return &CharterFlight{FlightNumber: e.FlightNumber, DptAirport: e.DptAirport, ArrAirport: e.ArrAirport, Route: e.Route,
		AircraftID: e.AircraftId, Level: e.Level, Distance: e.Distance, Cargo: e.Cargo, DptTime: e.DptTime, ArrTime: e.ArrTime}
}

// PirepFromCharter pre-fills a PIREP from a charter booking: its number,
// airports, aircraft, planned time, distance, level and route, the
// booking's id and the charter's flight type.
func PirepFromCharter(bidID string, f CharterFlight) PirepDetails {
	return PirepDetails{FlightNumber: f.FlightNumber, DptAirport: f.DptAirport, ArrAirport: f.ArrAirport,
		AircraftID: f.AircraftID, FlightTime: f.FlightTime(), Distance: f.Distance, Level: f.Level, Route: f.Route,
		BidID: bidID, FlightType: f.FlightType(), Source: PirepSourceManual}
}

// fromBooking fills the details of a filing that names a charter booking
// (BidID) from it: each field the filing leaves empty takes the booking's
// value, and the filing is a charter. A booking the pilot does not have
// (removed, another pilot's, a bid on a schedule flight) is refused on
// bid_id.
func (s *Pireps) fromBooking(ctx context.Context, airlineID, pilotID string, d PirepDetails) (PirepDetails, error) {
	bids := &PilotBids{}
	if _, err := s.Runner.load(ctx, BidStream(pilotID), bids); err != nil {
		return d, err
	}
	d.BidID = strings.TrimSpace(d.BidID)
	b, ok := bids.find(d.BidID)
	if !ok || b.Charter == nil || bids.TenantID != airlineID {
		return d, FieldError(EInvalid, "bid_id", "You have no such charter booking: it was filed, cancelled or removed.")
	}
	plan := PirepFromCharter(b.ID, *b.Charter)
	fill := func(to *string, v string) {
		if strings.TrimSpace(*to) == "" {
			*to = v
		}
	}
	fill(&d.FlightNumber, plan.FlightNumber)
	fill(&d.DptAirport, plan.DptAirport)
	fill(&d.ArrAirport, plan.ArrAirport)
	fill(&d.AircraftID, plan.AircraftID)
	fill(&d.Route, plan.Route)
	fill(&d.FlightType, plan.FlightType)
	for _, n := range []struct {
		to *int32
		v  int32
	}{{&d.Distance, plan.Distance}, {&d.Level, plan.Level}} {
		if *n.to == 0 {
			*n.to = n.v
		}
	}
	if d.FlightTime == 0 && d.Source == PirepSourceManual {
		d.FlightTime = plan.FlightTime
	}
	d.FlightID = ""
	return d, nil
}
