package domain

import (
	"context"
	"crypto/sha1"
	"encoding/hex"
	"fmt"
	"maps"
	"math"
	"strings"
	"time"
	"unicode/utf8"

	"google.golang.org/protobuf/proto"
	"google.golang.org/protobuf/types/known/timestamppb"

	eventsv1 "github.com/albatross-va/albatross/domain/events/v1"
)

// This file holds the pilot report (PIREP): its fields in phpVMS's units
// (minutes, nautical miles, pounds, feet, feet per minute), its states and
// the one table of transitions between them, and the filing rules.

// PirepStreamPrefix starts every PIREP stream id.
const PirepStreamPrefix = "pirep-"

// PirepStream returns the stream id of a PIREP.
func PirepStream(id string) string { return PirepStreamPrefix + id }

// The states of a PIREP, as phpVMS names them.
const (
	PirepDraft      = "draft"
	PirepInProgress = "in_progress" // reserved for ACARS; no manual transition reaches it
	PirepPending    = "pending"
	PirepAccepted   = "accepted"
	PirepRejected   = "rejected"
	PirepCancelled  = "cancelled"
)

// PirepStates lists every state, in the order pages offer them as filters.
var PirepStates = []string{PirepDraft, PirepInProgress, PirepPending, PirepAccepted, PirepRejected, PirepCancelled}

// PirepAction is something done to an existing PIREP.
type PirepAction string

// The actions on a PIREP.
const (
	PirepEdit   PirepAction = "edit"
	PirepSubmit PirepAction = "submit"
	PirepCancel PirepAction = "cancel"
	PirepAccept PirepAction = "accept"
	PirepReject PirepAction = "reject"
	// PirepReport is an ACARS client's report of a flight under way: its
	// details and phase as they change, and its positions.
	PirepReport PirepAction = "report"
)

// PirepActions lists every action.
var PirepActions = []PirepAction{PirepEdit, PirepSubmit, PirepCancel, PirepAccept, PirepReject, PirepReport}

// PirepRole is how the actor stands to one PIREP.
type PirepRole string

// The roles on a PIREP: the pilot who filed it, and the airline's staff.
const (
	PirepOwner PirepRole = "pilot"
	PirepStaff PirepRole = "staff"
)

// PirepRoles lists every role.
var PirepRoles = []PirepRole{PirepOwner, PirepStaff}

// pirepTransition is one row of the transition table.
type pirepTransition struct {
	From   string
	Action PirepAction
	Role   PirepRole
	To     string
}

// pirepTransitions is the one place that says what may happen to a PIREP.
// Anything not listed is refused. Accepted, rejected and cancelled PIREPs
// are read-only to their pilot; staff may change their mind once a PIREP
// was reviewed.
var pirepTransitions = []pirepTransition{
	{PirepDraft, PirepEdit, PirepOwner, PirepDraft},
	{PirepDraft, PirepSubmit, PirepOwner, PirepPending},
	{PirepDraft, PirepCancel, PirepOwner, PirepCancelled},
	{PirepPending, PirepEdit, PirepOwner, PirepPending},
	{PirepPending, PirepCancel, PirepOwner, PirepCancelled},
	{PirepPending, PirepAccept, PirepStaff, PirepAccepted},
	{PirepPending, PirepReject, PirepStaff, PirepRejected},
	{PirepAccepted, PirepReject, PirepStaff, PirepRejected},
	{PirepRejected, PirepAccept, PirepStaff, PirepAccepted},
	// A flight an ACARS client prefiled: it reports as it flies, files
	// (submit) at the end or cancels; staff may cancel one left behind.
	{PirepInProgress, PirepReport, PirepOwner, PirepInProgress},
	{PirepInProgress, PirepSubmit, PirepOwner, PirepPending},
	{PirepInProgress, PirepCancel, PirepOwner, PirepCancelled},
	{PirepInProgress, PirepCancel, PirepStaff, PirepCancelled},
}

// PirepTransitions returns the table's rows, for documentation and tests.
func PirepTransitions() []pirepTransition { return append([]pirepTransition(nil), pirepTransitions...) }

// pirepStateNames are the states as sentences name them.
var pirepStateNames = map[string]string{
	PirepDraft: "a draft", PirepInProgress: "an in-progress", PirepPending: "a pending",
	PirepAccepted: "an accepted", PirepRejected: "a rejected", PirepCancelled: "a cancelled",
}

// NextPirepState returns the state a PIREP in state from reaches when role
// takes action, or an EConflict (the state forbids it) or EForbidden (the
// role may never) error whose message says why.
func NextPirepState(from string, action PirepAction, role PirepRole) (string, error) {
	var someone bool
	for _, t := range pirepTransitions {
		if t.Action != action {
			continue
		}
		if t.From == from && t.Role == role {
			return t.To, nil
		}
		if t.Role == role {
			someone = true
		}
	}
	if !someone {
		if role == PirepOwner {
			return "", Errorf(EForbidden, "Only the airline's staff can %s a PIREP.", action)
		}
		return "", Errorf(EForbidden, "Only the pilot who filed a PIREP can %s it.", action)
	}
	name := pirepStateNames[from]
	if name == "" {
		name = "this"
	}
	return "", Errorf(EConflict, "You cannot %s %s PIREP.", action, name)
}

// The sources of a PIREP: the filing form, or an ACARS client through
// phpVMS's API.
const (
	PirepSourceManual = "manual"
	PirepSourceACARS  = "acars"
)

// PirepDetails is everything a pilot reports of a flight.
type PirepDetails struct {
	FlightNumber string
	RouteCode    string
	RouteLeg     int32
	FlightID     string // the schedule flight it was filed from; empty: none
	DptAirport   string
	ArrAirport   string
	AltAirport   string
	AircraftID   string
	BlockOff     time.Time // UTC
	BlockOn      time.Time
	FlightTime   int32 // minutes; forms read h:mm with ParseFlightTime
	Distance     int32 // nautical miles; 0: the great circle between the airports
	Level        int32 // feet
	FuelUsed     int32 // pounds; forms in kilograms convert with KilogramsToPounds
	LandingRate  int32 // feet per minute, negative when descending
	Route        string
	Remarks      string
	Source       string // PirepSourceManual or PirepSourceACARS
	SourceName   string // an ACARS client's name, as it gives it
	// BidID is the charter booking the PIREP was filed from, if any.
	BidID string
	// FlightType is phpVMS's flight type letter of a charter (C, H…);
	// empty for a schedule flight.
	FlightType string
}

// Charter reports whether the PIREP is of a flight not on the schedule.
func (d PirepDetails) Charter() bool { return d.FlightID == "" }

// poundsPerKilogram is the international avoirdupois pound.
const poundsPerKilogram = 2.20462262185

// KilogramsToPounds converts a fuel quantity entered in kilograms to the
// pounds a PIREP stores, rounded to the nearest pound.
func KilogramsToPounds(kg float64) int32 { return int32(math.Round(kg * poundsPerKilogram)) }

// PirepFromFlight pre-fills a PIREP from a schedule flight: its key,
// airports, planned time, distance, level and route.
func PirepFromFlight(flightID string, f FlightSchedule) PirepDetails {
	return PirepDetails{
		FlightNumber: f.FlightNumber, RouteCode: f.RouteCode, RouteLeg: f.RouteLeg, FlightID: flightID,
		DptAirport: f.DptAirport, ArrAirport: f.ArrAirport, AltAirport: f.AltAirport,
		FlightTime: f.FlightTime, Distance: f.Distance, Level: f.Level, Route: f.Route,
		Source: PirepSourceManual,
	}
}

// Normalize trims the fields and puts codes and the route in upper case.
func (d *PirepDetails) Normalize() {
	up := func(s string) string { return strings.ToUpper(strings.TrimSpace(s)) }
	d.FlightNumber, d.RouteCode = up(d.FlightNumber), up(d.RouteCode)
	if d.RouteCode == "0" {
		d.RouteCode = ""
	}
	d.DptAirport, d.ArrAirport, d.AltAirport = up(d.DptAirport), up(d.ArrAirport), up(d.AltAirport)
	d.FlightID, d.AircraftID = strings.TrimSpace(d.FlightID), strings.TrimSpace(d.AircraftID)
	if utf8.ValidString(d.Route) { // ToUpper would hide bad bytes from Validate
		d.Route = strings.Join(strings.Fields(up(d.Route)), " ")
	}
	d.Remarks = strings.TrimSpace(d.Remarks)
	d.BidID, d.FlightType = strings.TrimSpace(d.BidID), up(d.FlightType)
	switch {
	case d.FlightID != "":
		d.FlightType = "" // the schedule flight's
	case d.FlightType == "":
		d.FlightType = FlightTypeCharterPassenger
	}
	d.BlockOff, d.BlockOn = d.BlockOff.UTC(), d.BlockOn.UTC()
	if d.Source == "" {
		d.Source = PirepSourceManual
	}
}

// The tolerance between block time and flight time: the flight time may
// exceed the block time by at most FlightTimeSlack (times typed to the
// minute, clocks a little apart), and be shorter than it by at most
// MaxGroundTime (taxi out, taxi in, holds on the ground).
const (
	FlightTimeSlack = 5 * time.Minute
	MaxGroundTime   = 90 * time.Minute
	maxBlockTime    = 24 * time.Hour
)

// Validate returns an EInvalid error naming each bad field, or nil. It
// checks the report alone; File and Edit also check it against the airline.
func (d PirepDetails) Validate() error { return d.validate(false) }

// validate checks a report; inFlight checks a flight an ACARS client
// reports as it goes, whose times and totals are known only at its end.
func (d PirepDetails) validate(inFlight bool) error {
	m := map[string]string{}
	legFields{d.FlightNumber, d.RouteCode, d.RouteLeg, d.DptAirport, d.ArrAirport, d.AltAirport, d.Distance, d.Level}.check(m)
	checkRequiredLine(m, "aircraft_id", &d.AircraftID, 100, "Choose the aircraft you flew.")
	CheckLine(m, "flight_id", &d.FlightID, 100)
	switch {
	case inFlight && (d.BlockOff.IsZero() || d.BlockOn.IsZero()):
	case d.BlockOff.IsZero():
		m["block_off"] = "Enter the block-off time in UTC."
	case d.BlockOn.IsZero():
		m["block_on"] = "Enter the block-on time in UTC."
	case !d.BlockOn.After(d.BlockOff):
		m["block_on"] = "The block-on time must be after the block-off time."
	case d.BlockOn.Sub(d.BlockOff) > maxBlockTime:
		m["block_on"] = "The block time can be at most 24 hours."
	}
	if inFlight && d.FlightTime == 0 {
		// not flown yet
	} else if d.FlightTime < 1 || d.FlightTime > 2400 {
		m["flight_time"] = "Enter the flight time as hours and minutes, for example 2:35."
	} else if m["block_off"] == "" && m["block_on"] == "" && !inFlight {
		// An ACARS client times the flight itself, on the simulator's
		// clock (time acceleration, a paused sim), which the block times
		// of the prefile and the filing need not match: the rule is the
		// filing form's.
		block := d.BlockOn.Sub(d.BlockOff)
		flight := time.Duration(d.FlightTime) * time.Minute
		switch {
		case flight > block+FlightTimeSlack:
			m["flight_time"] = fmt.Sprintf("The flight time (%s) cannot be longer than the block time (%s).",
				FormatFlightTime(int64(d.FlightTime)), FormatFlightTime(int64(block/time.Minute)))
		case block-flight > MaxGroundTime:
			m["flight_time"] = fmt.Sprintf("The flight time (%s) is more than %d minutes shorter than the block time (%s); check the times.",
				FormatFlightTime(int64(d.FlightTime)), int(MaxGroundTime/time.Minute), FormatFlightTime(int64(block/time.Minute)))
		}
	}
	if d.FuelUsed < 0 || d.FuelUsed > 2_000_000 {
		m["fuel_used"] = "The fuel used is in pounds (or kilograms, if chosen), up to 2,000,000."
	}
	if d.LandingRate < -5000 || d.LandingRate > 5000 {
		m["landing_rate"] = "The landing rate is in feet per minute, between -5000 and 5000."
	}
	CheckMultiline(m, "route", &d.Route, 1000)
	CheckMultiline(m, "remarks", &d.Remarks, 2000)
	if d.Source != PirepSourceManual && d.Source != PirepSourceACARS {
		m["source"] = "A PIREP is filed by hand or by an ACARS client."
	}
	CheckLine(m, "source_name", &d.SourceName, 25)
	CheckLine(m, "bid_id", &d.BidID, 100)
	if d.FlightType != "" && !knownFlightType(d.FlightType) {
		m["flight_type"] = "The flight type is one of phpVMS's letters, for example C for a passenger charter."
	}
	return Invalid(m)
}

// proto returns the details as their event message.
func (d PirepDetails) proto() *eventsv1.PirepFiled_Details {
	return &eventsv1.PirepFiled_Details{
		FlightNumber: d.FlightNumber, RouteCode: d.RouteCode, RouteLeg: d.RouteLeg, FlightId: d.FlightID,
		DptAirport: d.DptAirport, ArrAirport: d.ArrAirport, AltAirport: d.AltAirport, AircraftId: d.AircraftID,
		BlockOff: timestamppb.New(d.BlockOff), BlockOn: timestamppb.New(d.BlockOn), FlightTime: d.FlightTime,
		Distance: d.Distance, Level: d.Level, FuelUsed: d.FuelUsed, LandingRate: d.LandingRate,
		Route: d.Route, Remarks: d.Remarks, Source: d.Source, SourceName: d.SourceName,
		BidId: d.BidID, FlightType: d.FlightType,
	}
}

// PirepDetailsOf reads the details of an event; the projector uses it too.
func PirepDetailsOf(e *eventsv1.PirepFiled_Details) PirepDetails {
	return PirepDetails{
		FlightNumber: e.GetFlightNumber(), RouteCode: e.GetRouteCode(), RouteLeg: e.GetRouteLeg(), FlightID: e.GetFlightId(),
		DptAirport: e.GetDptAirport(), ArrAirport: e.GetArrAirport(), AltAirport: e.GetAltAirport(), AircraftID: e.GetAircraftId(),
		BlockOff: e.GetBlockOff().AsTime(), BlockOn: e.GetBlockOn().AsTime(), FlightTime: e.GetFlightTime(),
		Distance: e.GetDistance(), Level: e.GetLevel(), FuelUsed: e.GetFuelUsed(), LandingRate: e.GetLandingRate(),
		Route: e.GetRoute(), Remarks: e.GetRemarks(), Source: e.GetSource(), SourceName: e.GetSourceName(),
		BidID: e.GetBidId(), FlightType: e.GetFlightType(),
	}
}

// Pirep is the PIREP aggregate.
type Pirep struct {
	ID, TenantID, PilotID string
	Created               bool
	State                 string
	Details               PirepDetails
	FiledAt               time.Time
	RejectReason          string
	// Phase is an ACARS flight's phase code; PositionIDs the client ids of
	// its positions so far, Positions how many it has.
	Phase       string
	PositionIDs map[string]bool
	Positions   int
	// LastReportAt is when its ACARS client last reported (or prefiled).
	LastReportAt time.Time
	// LogIDs are the client ids of its log lines; Route its planned
	// route's points by order; Fields its custom fields.
	LogIDs map[string]bool
	Route  []RoutePoint
	Fields map[string]string
}

// keptState: an ACARS flight's stream grows with every report, so the
// Runner keeps its state between commands.
func (*Pirep) keptState() {}

// Apply folds one stored event into the PIREP.
func (p *Pirep) Apply(ev proto.Message) error {
	switch e := ev.(type) {
	case *eventsv1.PirepFiled:
		p.ID, p.TenantID, p.PilotID, p.Created = e.PirepId, e.TenantId, e.PilotId, true
		p.Details, p.FiledAt, p.State = PirepDetailsOf(e.Details), e.FiledAt.AsTime(), PirepDraft
		p.Phase, p.LastReportAt = e.Phase, e.FiledAt.AsTime()
		switch {
		case e.InProgress:
			p.State = PirepInProgress
		case e.Submitted:
			p.State = PirepPending
		}
	case *eventsv1.PirepEdited:
		p.Details = PirepDetailsOf(e.Details)
	case *eventsv1.PirepProgressed:
		p.Details, p.Phase, p.LastReportAt = PirepDetailsOf(e.Details), e.Phase, e.UpdatedAt.AsTime()
	case *eventsv1.PirepPositionsAdded:
		p.LastReportAt = e.AddedAt.AsTime()
		for _, pos := range e.Positions {
			if pos.Id != "" {
				if p.PositionIDs == nil {
					p.PositionIDs = map[string]bool{}
				}
				p.PositionIDs[pos.Id] = true
			}
		}
		p.Positions += len(e.Positions)
	case *eventsv1.PirepSubmitted:
		p.State = PirepPending
	case *eventsv1.PirepCancelled:
		p.State = PirepCancelled
	case *eventsv1.PirepAccepted:
		p.State, p.RejectReason = PirepAccepted, ""
	case *eventsv1.PirepRejected:
		p.State, p.RejectReason = PirepRejected, e.Reason
	case *eventsv1.PirepCommentAdded:
		// a comment changes nothing the commands decide on
	case *eventsv1.PirepLogsAdded:
		p.LastReportAt = e.AddedAt.AsTime()
		for _, l := range e.Lines {
			if l.Id != "" {
				if p.LogIDs == nil {
					p.LogIDs = map[string]bool{}
				}
				p.LogIDs[l.Id] = true
			}
		}
	case *eventsv1.PirepRouteSet:
		p.Route = p.Route[:0]
		for _, pt := range e.Points {
			p.Route = append(p.Route, RoutePoint{Name: pt.Name, Order: pt.Order, NavType: pt.NavType, Lat: pt.Lat, Lon: pt.Lon})
		}
	case *eventsv1.PirepFieldsSet:
		if p.Fields == nil {
			p.Fields = map[string]string{}
		}
		maps.Copy(p.Fields, e.Fields)
	default:
		return fmt.Errorf("pirep: unexpected event %T", ev)
	}
	return nil
}

// AircraftInfo is what filing a PIREP learns of an aircraft.
type AircraftInfo struct {
	Registration string
	Status       string // AircraftActive, …
	AirportID    string // where it is now
	SubfleetID   string
}

// AircraftDirectory finds an airline's aircraft by id.
type AircraftDirectory interface {
	// LookupAircraft returns the airline's aircraft with the id, or an
	// ENotFound error when the airline has no such aircraft.
	LookupAircraft(ctx context.Context, tenantID, aircraftID string) (AircraftInfo, error)
}

// PirepRules are an airline's optional filing rules.
type PirepRules struct {
	AircraftAtDeparture bool // the aircraft must be at the departure airport
	PilotAtDeparture    bool // the pilot must be at the departure airport
	// AbandonAfterMinutes is how long a flight in progress may go without
	// a report before the system cancels it; 0 is DefaultAbandonAfter.
	AbandonAfterMinutes int32
	// PublicLiveMapOff takes the live map off the airline's public page
	// (it is on by default).
	PublicLiveMapOff bool
	// AllowCharters lets pilots file, prefile and book flights that are not
	// on the schedule (off by default, as phpVMS's free flights).
	AllowCharters bool
	// Jumpseats say whether and where pilots may move without flying.
	Jumpseats JumpseatRules
}

// The bounds of PirepRules.AbandonAfterMinutes: a client reports every few
// seconds to minutes, and a long-haul flight lasts up to a day.
const (
	MinAbandonAfter = 15 * time.Minute
	MaxAbandonAfter = 48 * time.Hour
)

// AbandonAfter is how long a flight in progress may be silent.
func (r PirepRules) AbandonAfter() time.Duration {
	if r.AbandonAfterMinutes <= 0 {
		return DefaultAbandonAfter
	}
	return time.Duration(r.AbandonAfterMinutes) * time.Minute
}

// PirepSettings reads an airline's filing rules and where its pilots are
// (reads.PirepSettings in the server; NoPirepRules where no rule applies).
type PirepSettings interface {
	PirepRules(ctx context.Context, tenantID string) (PirepRules, error)
	// PilotLocation returns the pilot's current airport, "" when unknown
	// (no accepted flight yet and no home hub).
	PilotLocation(ctx context.Context, tenantID, pilotID string) (string, error)
}

// NoPirepRules is the PirepSettings of an airline that restricts nothing:
// no location rules, and charters allowed.
type NoPirepRules struct{}

// PirepRules implements PirepSettings.
func (NoPirepRules) PirepRules(context.Context, string) (PirepRules, error) {
	return PirepRules{AllowCharters: true}, nil
}

// PilotLocation implements PirepSettings.
func (NoPirepRules) PilotLocation(context.Context, string, string) (string, error) { return "", nil }

// FilingQuery names what a filing asks about the airline: its pilot, the
// aircraft (empty: none) and the airports (codes the airline may lack).
type FilingQuery struct {
	TenantID, PilotID, AircraftID string
	Airports                      []string
}

// FilingFacts is everything a filing checks against the airline.
type FilingFacts struct {
	Rules         PirepRules
	PilotLocation string                     // "" when unknown
	Airports      map[string]AirportPosition // those of the asked airports the airline has
	AircraftFound bool                       // false: the airline has no such aircraft
	Aircraft      AircraftInfo
}

// FilingFactsReader answers a filing's questions in one call
// (reads.PirepSettings in the server: one query).
type FilingFactsReader interface {
	FilingFacts(ctx context.Context, q FilingQuery) (FilingFacts, error)
}

// Pireps runs the PIREP commands. Facts, when set, answers a filing's
// questions in one call; otherwise Airports, Aircraft and Settings are
// asked one by one.
type Pireps struct {
	Runner   *Runner
	IDs      IDs
	Airports AirportDirectory
	Aircraft AircraftDirectory
	Settings PirepSettings
	Facts    FilingFactsReader
	// Qualifications, when set, says what a pilot may fly (MayFly); nil
	// restricts nothing.
	Qualifications QualificationsReader
	// SoleWriterSince, when set, is when this process became the only
	// writer of the log (the embedded mode's locked file). A reservation
	// made before it whose PIREP was never written is a prefile a process
	// that is gone did not finish: it holds nothing, without waiting out
	// the grace a prefile between its two appends gets.
	SoleWriterSince time.Time
}

// facts returns the reader of a filing's facts.
func (s *Pireps) facts() FilingFactsReader {
	if s.Facts != nil {
		return s.Facts
	}
	return separatePorts{s.Airports, s.Aircraft, s.Settings}
}

// separatePorts is a FilingFactsReader over the one-question ports.
type separatePorts struct {
	airports AirportDirectory
	aircraft AircraftDirectory
	settings PirepSettings
}

// FilingFacts implements FilingFactsReader.
func (p separatePorts) FilingFacts(ctx context.Context, q FilingQuery) (FilingFacts, error) {
	f := FilingFacts{Airports: map[string]AirportPosition{}}
	for _, icao := range q.Airports {
		pos, err := p.airports.LocateAirport(ctx, q.TenantID, icao)
		switch {
		case ErrorCode(err) == ENotFound:
		case err != nil:
			return f, fmt.Errorf("locate airport %s: %w", icao, err)
		default:
			f.Airports[icao] = pos
		}
	}
	var err error
	if f.Rules, err = p.settings.PirepRules(ctx, q.TenantID); err != nil {
		return f, fmt.Errorf("pirep rules: %w", err)
	}
	if q.AircraftID != "" {
		f.Aircraft, err = p.aircraft.LookupAircraft(ctx, q.TenantID, q.AircraftID)
		switch {
		case ErrorCode(err) == ENotFound:
		case err != nil:
			return f, fmt.Errorf("look up aircraft: %w", err)
		default:
			f.AircraftFound = true
		}
	}
	if f.Rules.PilotAtDeparture {
		if f.PilotLocation, err = p.settings.PilotLocation(ctx, q.TenantID, q.PilotID); err != nil {
			return f, fmt.Errorf("pilot location: %w", err)
		}
	}
	return f, nil
}

// DuplicateWindow is how long a second filing of the same flight by the
// same pilot returns the first PIREP instead of a new one.
const DuplicateWindow = 10 * time.Minute

// pirepNamespace is the name-based UUID namespace of PIREP ids.
var pirepNamespace = [16]byte{0x2a, 0x91, 0x4c, 0x0d, 0x7e, 0x35, 0x4b, 0x18, 0xa6, 0x52, 0x0f, 0xc3, 0x9d, 0x71, 0x44, 0xe8}

// pirepSlotID is the id a pilot's filing of a flight gets within one
// ten-minute slot: two filings of the same flight in one slot land in one
// stream, whose expected version makes exactly one of them create it.
func pirepSlotID(tenantID, pilotID string, d PirepDetails, slot int64) string {
	return nameUUID(tenantID, pilotID, d.FlightNumber, d.RouteCode, fmt.Sprint(d.RouteLeg), d.DptAirport, d.ArrAirport, fmt.Sprint(slot))
}

// nameUUID is a name-based (version 5) UUID of parts, in the PIREP
// namespace.
func nameUUID(parts ...string) string {
	h := sha1.New()
	h.Write(pirepNamespace[:])
	h.Write([]byte(strings.Join(parts, "\x00")))
	var b [16]byte
	copy(b[:], h.Sum(nil))
	b[6] = b[6]&0x0f | 0x50
	b[8] = b[8]&0x3f | 0x80
	s := hex.EncodeToString(b[:])
	return s[0:8] + "-" + s[8:12] + "-" + s[12:16] + "-" + s[16:20] + "-" + s[20:]
}

// prepare normalizes and checks a report against the airline, with a
// message for every broken rule at once. It reads the flight's stream and
// the airline's facts once each.
//
// fresh is a new filing (a prefile, a filing), which a charter booking it
// names fills in and which must be a schedule flight unless the airline
// allows charters; an edit or a report of one filed keeps what it was.
func (s *Pireps) prepare(ctx context.Context, airlineID, pilotID string, d PirepDetails, inFlight, fresh bool) (PirepDetails, error) {
	if fresh && strings.TrimSpace(d.BidID) != "" {
		var err error
		if d, err = s.fromBooking(ctx, airlineID, pilotID, d); err != nil {
			return d, err
		}
	}
	d.Normalize()
	m := ErrorFields(d.validate(inFlight))
	if m == nil {
		m = map[string]string{}
	}
	// why says, for each refused field, which rule refused it (Reason*),
	// for an API that answers each rule in its own words.
	why := map[string]string{}
	q := FilingQuery{TenantID: airlineID, PilotID: pilotID, AircraftID: d.AircraftID}
	route := []struct{ field, icao string }{{"dpt_airport", d.DptAirport}, {"arr_airport", d.ArrAirport}, {"alt_airport", d.AltAirport}}
	for _, r := range route {
		if r.icao != "" && m[r.field] == "" {
			q.Airports = append(q.Airports, r.icao)
		}
	}
	facts, err := s.facts().FilingFacts(ctx, q)
	if err != nil {
		return d, fmt.Errorf("filing facts: %w", err)
	}
	for _, r := range route {
		if _, ok := facts.Airports[r.icao]; r.icao != "" && m[r.field] == "" && !ok {
			m[r.field] = fmt.Sprintf("%s is not one of this airline's airports; add it first.", r.icao)
			why[r.field] = ReasonUnknownAirport
		}
	}
	dpt, arr := facts.Airports[d.DptAirport], facts.Airports[d.ArrAirport]
	fl := &Flight{}
	if d.FlightID != "" {
		if _, err := s.Runner.load(ctx, FlightStream(d.FlightID), fl); err != nil {
			return d, err
		}
		if !fl.Created || fl.TenantID != airlineID {
			m["flight_id"] = "The flight this report was filed from is not one of this airline's flights."
		}
	}
	rules, ac := facts.Rules, facts.Aircraft
	if fresh && d.FlightID == "" && !rules.AllowCharters && m["flight_id"] == "" {
		m["flight_id"] = "This airline does not allow charter flights: file a flight from the schedule."
		why["flight_id"] = ReasonChartersOff
	}
	if d.AircraftID != "" {
		switch {
		case !facts.AircraftFound:
			m["aircraft_id"], why["aircraft_id"] = "Choose one of this airline's aircraft.", ReasonUnknownAircraft
		case ac.Status != AircraftActive:
			m["aircraft_id"] = fmt.Sprintf("%s is %s, not active: choose an active aircraft.", ac.Registration, ac.Status)
			why["aircraft_id"] = ReasonAircraftUnavailable
		case !inFlight && m["flight_id"] == "" && !fl.FlownBy(ac.SubfleetID):
			m["aircraft_id"] = fmt.Sprintf("%s is not of the subfleets this flight is flown with%s: choose one of theirs.",
				ac.Registration, parenthesized(strings.Join(fl.SubfleetTypes, ", ")))
			why["aircraft_id"] = ReasonAircraftNotOnFlight
		case rules.AircraftAtDeparture && m["dpt_airport"] == "" && ac.AirportID != d.DptAirport:
			m["aircraft_id"] = fmt.Sprintf("%s is at %s, not at the departure airport %s.", ac.Registration, ac.AirportID, d.DptAirport)
			why["aircraft_id"] = ReasonAircraftElsewhere
		}
	}
	if fresh && d.AircraftID != "" && facts.AircraftFound && m["aircraft_id"] == "" && s.Qualifications != nil {
		q, err := s.Qualifications.Qualifications(ctx, airlineID, pilotID)
		if err != nil {
			return d, fmt.Errorf("qualifications: %w", err)
		}
		if err := MayFly(q, ac.SubfleetID); err != nil {
			m["aircraft_id"], why["aircraft_id"] = ErrorMessage(err), ReasonNotQualified
		}
	}
	if rules.PilotAtDeparture && m["dpt_airport"] == "" {
		if loc := facts.PilotLocation; loc != "" && loc != d.DptAirport {
			m["dpt_airport"] = fmt.Sprintf("You are at %s: this airline's flights depart from where its pilots are.", loc)
			why["dpt_airport"] = ReasonPilotElsewhere
		}
	}
	if len(m) == 0 && d.Distance == 0 {
		if !dpt.Known || !arr.Known {
			m["distance"] = "The airports' coordinates are not known: enter the distance."
		} else {
			d.Distance = int32(math.Max(1, math.Round(GreatCircleNM(dpt.Coordinates, arr.Coordinates))))
		}
	}
	if err := Invalid(m); err != nil {
		err.(*Error).Reasons = why
		return d, err
	}
	return d, nil
}

// parenthesized is " (s)", or "" for no s.
func parenthesized(s string) string {
	if s == "" {
		return ""
	}
	return " (" + s + ")"
}

// File files a PIREP of the actor's own flight, as a draft or, with
// submit, into staff's queue; a submitted manual PIREP of a pilot whose
// rank auto-accepts is accepted at once, by the system, in the same append. Filing the same flight (number, route code,
// leg, airports) again within DuplicateWindow returns the first PIREP and
// appends nothing, unless that one was cancelled; a repeated command id
// returns the first result too.
func (s *Pireps) File(ctx context.Context, meta CommandMeta, airlineID string, d PirepDetails, submit bool) (string, AppendResult, error) {
	if err := Authorize(meta.Who, FileOwnPireps, airlineID); err != nil {
		return "", AppendResult{}, err
	}
	pilotID := meta.Who.UserID
	d, err := s.prepare(ctx, airlineID, pilotID, d, false, true)
	if err != nil {
		return "", AppendResult{}, err
	}
	now := s.Runner.now()
	slot := now.UnixNano() / int64(DuplicateWindow)
	// A filing just after a slot boundary finds the first in the slot before.
	prev := &Pirep{}
	prevID := pirepSlotID(airlineID, pilotID, d, slot-1)
	prevVersion, err := s.Runner.load(ctx, PirepStream(prevID), prev)
	if err != nil {
		return "", AppendResult{}, err
	}
	if prev.Created && prev.State != PirepCancelled && now.Sub(prev.FiledAt) < DuplicateWindow {
		return prevID, AppendResult{StreamID: PirepStream(prevID), FromVersion: prevVersion, ToVersion: prevVersion}, nil
	}
	id := pirepSlotID(airlineID, pilotID, d, slot)
	cur := &Pirep{}
	curVersion, err := s.Runner.load(ctx, PirepStream(id), cur)
	if err != nil {
		return "", AppendResult{}, err
	}
	if cur.Created && cur.State == PirepCancelled {
		// The first was withdrawn: this is a new report, in a new stream
		// taken as empty (the append's expected version checks that).
		id, cur, curVersion = s.IDs.NewID(), &Pirep{}, 0
	}
	auto := false
	if submit && d.Source == PirepSourceManual {
		if auto, err = s.autoAccepts(ctx, airlineID, pilotID, false); err != nil {
			return "", AppendResult{}, err
		}
	}
	res, err := executeLoaded(ctx, s.Runner, StreamRef{StreamID: PirepStream(id), TenantID: airlineID}, meta,
		func() *Pirep { return &Pirep{} }, cur, curVersion,
		func(p *Pirep, _ int64) (Decision, error) {
			if p.Created {
				return Decision{}, nil // the same flight, filed moments ago
			}
			evs := []proto.Message{&eventsv1.PirepFiled{
				PirepId: id, TenantId: airlineID, PilotId: pilotID, Details: d.proto(), Submitted: submit,
				FiledAt: timestamppb.New(now),
			}}
			if auto {
				evs = append(evs, &eventsv1.PirepAccepted{PirepId: id, ReviewerId: System.UserID, Automatic: true, AcceptedAt: timestamppb.New(now)})
			}
			return Decision{Events: evs}, nil
		})
	if err != nil {
		return "", AppendResult{}, err
	}
	return id, res, nil
}

// autoAccepts reports whether the pilot's rank accepts their manual
// PIREPs at once. It reads the pilot's career and rank streams, not a read
// model, so a rank just given is honoured on the next filing.
func (s *Pireps) autoAccepts(ctx context.Context, airlineID, pilotID string, acars bool) (bool, error) {
	c := &Career{}
	if _, err := s.Runner.load(ctx, CareerStream(pilotID), c); err != nil {
		return false, err
	}
	if c.RankID == "" || c.TenantID != airlineID {
		return false, nil
	}
	r := &RankState{}
	if _, err := s.Runner.load(ctx, RankStream(c.RankID), r); err != nil {
		return false, err
	}
	if !r.Created || r.TenantID != airlineID {
		return false, nil
	}
	if acars {
		return r.AutoAcceptACARS, nil
	}
	return r.AutoAccept, nil
}

// roleOn says how the actor stands to the PIREP for action: its pilot for
// the pilot's actions, staff for the review actions when the access
// matrix allows. An actor who is neither gets an error that hides a PIREP
// of another airline.
func roleOn(who Actor, p *Pirep, action PirepAction) (PirepRole, error) {
	owner := who.UserID != "" && who.UserID == p.PilotID && who.TenantID == p.TenantID
	staff := Authorize(who, ReviewPireps, p.TenantID) == nil
	switch {
	case action == PirepAccept || action == PirepReject:
		if staff {
			return PirepStaff, nil
		}
		if owner {
			return PirepOwner, nil
		}
	case owner:
		return PirepOwner, nil
	case staff:
		return PirepStaff, nil
	}
	if ScopeOf(who.Role, ViewOperations) == Any || who.TenantID == p.TenantID && p.TenantID != "" {
		return "", Errorf(EForbidden, "This is not your PIREP.")
	}
	return "", Errorf(ENotFound, "There is no such PIREP.")
}

// transition runs action on a PIREP of the airline, once the transition
// table allows it; events builds what to append.
func (s *Pireps) transition(ctx context.Context, meta CommandMeta, airlineID, pirepID string, action PirepAction,
	events func(p *Pirep, now time.Time) []proto.Message) (AppendResult, error) {
	return Execute(ctx, s.Runner, StreamRef{StreamID: PirepStream(pirepID), TenantID: airlineID}, meta,
		func() *Pirep { return &Pirep{} },
		func(p *Pirep, _ int64) (Decision, error) {
			if !p.Created || p.TenantID != airlineID || airlineID == "" {
				return Decision{}, Errorf(ENotFound, "There is no such PIREP.")
			}
			role, err := roleOn(meta.Who, p, action)
			if err != nil {
				return Decision{}, err
			}
			if _, err := NextPirepState(p.State, action, role); err != nil {
				return Decision{}, err
			}
			return Decision{Events: events(p, s.Runner.now())}, nil
		})
}

// Edit replaces a draft or pending PIREP's details; the pilot who filed it
// may. The same details append nothing.
func (s *Pireps) Edit(ctx context.Context, meta CommandMeta, airlineID, pirepID string, d PirepDetails) (AppendResult, error) {
	if err := Authorize(meta.Who, FileOwnPireps, airlineID); err != nil {
		return AppendResult{}, err
	}
	keepType := strings.TrimSpace(d.FlightType) == ""
	d, err := s.prepare(ctx, airlineID, meta.Who.UserID, d, false, false)
	if err != nil {
		return AppendResult{}, err
	}
	return s.transition(ctx, meta, airlineID, pirepID, PirepEdit, func(p *Pirep, now time.Time) []proto.Message {
		// An edit that does not say keeps the charter's kind and booking.
		if keepType && d.FlightID == "" && p.Details.FlightType != "" {
			d.FlightType = p.Details.FlightType
		}
		if d.BidID == "" {
			d.BidID = p.Details.BidID
		}
		if proto.Equal(p.Details.proto(), d.proto()) {
			return nil
		}
		return []proto.Message{&eventsv1.PirepEdited{PirepId: pirepID, Details: d.proto(), EditedAt: timestamppb.New(now)}}
	})
}

// Submit sends a draft into staff's queue.
func (s *Pireps) Submit(ctx context.Context, meta CommandMeta, airlineID, pirepID string) (AppendResult, error) {
	return s.transition(ctx, meta, airlineID, pirepID, PirepSubmit, func(_ *Pirep, now time.Time) []proto.Message {
		return []proto.Message{&eventsv1.PirepSubmitted{PirepId: pirepID, SubmittedAt: timestamppb.New(now)}}
	})
}

// Cancel withdraws a draft or pending PIREP.
func (s *Pireps) Cancel(ctx context.Context, meta CommandMeta, airlineID, pirepID string) (AppendResult, error) {
	return s.transition(ctx, meta, airlineID, pirepID, PirepCancel, func(_ *Pirep, now time.Time) []proto.Message {
		return []proto.Message{&eventsv1.PirepCancelled{PirepId: pirepID, By: meta.Who.UserID, CancelledAt: timestamppb.New(now)}}
	})
}

// Accept counts a pending (or earlier rejected) PIREP.
func (s *Pireps) Accept(ctx context.Context, meta CommandMeta, airlineID, pirepID string) (AppendResult, error) {
	return s.transition(ctx, meta, airlineID, pirepID, PirepAccept, func(_ *Pirep, now time.Time) []proto.Message {
		return []proto.Message{&eventsv1.PirepAccepted{PirepId: pirepID, ReviewerId: meta.Who.UserID, AcceptedAt: timestamppb.New(now)}}
	})
}

// Reject refuses a pending PIREP, or takes back an accepted one, with a
// reason the pilot reads.
func (s *Pireps) Reject(ctx context.Context, meta CommandMeta, airlineID, pirepID, reason string) (AppendResult, error) {
	if err := textFieldError("reason", &reason, MultiLine, 1000, "Give the pilot a reason for the rejection."); err != nil {
		return AppendResult{}, err
	}
	return s.transition(ctx, meta, airlineID, pirepID, PirepReject, func(_ *Pirep, now time.Time) []proto.Message {
		return []proto.Message{&eventsv1.PirepRejected{PirepId: pirepID, ReviewerId: meta.Who.UserID, Reason: reason, RejectedAt: timestamppb.New(now)}}
	})
}
