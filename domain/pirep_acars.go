package domain

import (
	"context"
	"fmt"
	"math"
	"slices"
	"strings"
	"time"

	"google.golang.org/protobuf/proto"
	"google.golang.org/protobuf/types/known/timestamppb"

	eventsv1 "github.com/albatross-va/albatross/domain/events/v1"
)

// Flights an ACARS client flies: prefiled as they begin (in progress),
// reported as they go (details, phase, positions), then filed into the
// review queue, or cancelled. The PIREP's stream holds all of it.

// AircraftUseStreamPrefix starts the stream that says which flight in
// progress has an aircraft.
const AircraftUseStreamPrefix = "aircraft-use-"

// AircraftUseStream returns the aircraft-use stream of an aircraft.
func AircraftUseStream(aircraftID string) string { return AircraftUseStreamPrefix + aircraftID }

// AircraftUse is the aircraft-use aggregate: the last flight that took the
// aircraft. The aircraft is in use while that PIREP is in progress.
type AircraftUse struct {
	PirepID    string
	ReservedAt time.Time
}

// Apply implements Aggregate.
func (u *AircraftUse) Apply(ev proto.Message) error {
	e, ok := ev.(*eventsv1.AircraftReserved)
	if !ok {
		return fmt.Errorf("aircraft use: unexpected event %T", ev)
	}
	u.PirepID, u.ReservedAt = e.PirepId, e.ReservedAt.AsTime()
	return nil
}

// The phases phpVMS names (its PirepStatus), which a client reports.
var pirepPhases = map[string]bool{
	"INI": true, "SCH": true, "BST": true, "RDT": true, "PBT": true, "OFB": true, "DIR": true, "DIC": true,
	"GRT": true, "TXI": true, "TOF": true, "ICL": true, "TKO": true, "ENR": true, "DV": true, "TEN": true,
	"APR": true, "FIN": true, "LDG": true, "LAN": true, "ONB": true, "ARR": true, "DX": true, "EMG": true, "PSD": true,
}

// The phases Albatross sets itself: at prefile, at filing, at a cancel.
const (
	PhaseInitiated = "INI"
	PhaseArrived   = "ARR"
	PhaseCancelled = "DX"
)

// checkPhase reads a phase a client reports: one of phpVMS's codes, in
// upper case; "" keeps the current one.
func checkPhase(m map[string]string, phase *string) {
	*phase = strings.ToUpper(strings.TrimSpace(*phase))
	if *phase != "" && !pirepPhases[*phase] {
		m["status"] = fmt.Sprintf("%q is not a phase: send one of phpVMS's codes, such as BST, TXI, TKO, ENR, APR or LDG.", *phase)
	}
}

// Prefile opens a flight an ACARS client is starting: a PIREP in progress,
// its phase INI, its source ACARS. The checks are the filing form's
// (airports, the pilot's and the aircraft's location when the airline
// says so, the aircraft) with times and totals left for the end, and the
// aircraft must not be flying another PIREP. A prefile of the same flight
// within DuplicateWindow returns the first PIREP, as phpVMS does, unless
// that one was cancelled.
func (s *Pireps) Prefile(ctx context.Context, meta CommandMeta, airlineID string, d PirepDetails) (string, AppendResult, error) {
	if err := Authorize(meta.Who, FileOwnPireps, airlineID); err != nil {
		return "", AppendResult{}, err
	}
	pilotID := meta.Who.UserID
	d.Source = PirepSourceACARS
	d, err := s.prepare(ctx, airlineID, pilotID, d, true, true)
	if err != nil {
		return "", AppendResult{}, err
	}
	now := s.Runner.now()
	if d.BlockOff.IsZero() {
		// Until the client says when it left the gate, the flight began
		// at its prefile: the lists that order and bound PIREPs by
		// block-off find it so.
		d.BlockOff = now
	}
	slot := now.UnixNano() / int64(DuplicateWindow)
	prevID := pirepSlotID(airlineID, pilotID, d, slot-1)
	prev := &Pirep{}
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
	switch {
	case cur.Created && cur.State != PirepCancelled:
		return id, AppendResult{StreamID: PirepStream(id), FromVersion: curVersion, ToVersion: curVersion}, nil
	case cur.Created:
		id, cur, curVersion = s.IDs.NewID(), &Pirep{}, 0
	}
	if err := s.reserveAircraft(ctx, meta, airlineID, d.AircraftID, id, now); err != nil {
		return "", AppendResult{}, err
	}
	res, err := executeLoaded(ctx, s.Runner, StreamRef{StreamID: PirepStream(id), TenantID: airlineID}, meta,
		func() *Pirep { return &Pirep{} }, cur, curVersion,
		func(p *Pirep, _ int64) (Decision, error) {
			if p.Created {
				return Decision{}, nil
			}
			return Decision{Events: []proto.Message{&eventsv1.PirepFiled{
				PirepId: id, TenantId: airlineID, PilotId: pilotID, Details: d.proto(), InProgress: true,
				Phase: PhaseInitiated, FiledAt: timestamppb.New(now),
			}}}, nil
		})
	if err != nil {
		return "", AppendResult{}, err
	}
	return id, res, nil
}

// reservationGrace is how long a reservation holds before its PIREP is
// written: a prefile's second append follows its first within it.
const reservationGrace = time.Minute

// reserveAircraft takes the aircraft for the flight pirepID, unless
// another flight in progress has it. The aircraft-use stream's version
// makes one of two prefiles at once win; the other sees the aircraft
// taken. A reservation whose PIREP never got written (the append after
// it failed) or is no longer in progress holds nothing.
func (s *Pireps) reserveAircraft(ctx context.Context, meta CommandMeta, airlineID, aircraftID, pirepID string, now time.Time) error {
	// The reservation is a step of the prefile command, so its own command
	// id is derived from the prefile's: the prefile's append is not taken
	// for a repeat of it, and a retried prefile repeats both.
	if meta.ID != "" {
		meta.ID = stepCommandID(meta.ID, "aircraft-use")
	}
	_, err := Execute(ctx, s.Runner, StreamRef{StreamID: AircraftUseStream(aircraftID), TenantID: airlineID}, meta,
		func() *AircraftUse { return &AircraftUse{} },
		func(u *AircraftUse, _ int64) (Decision, error) {
			if u.PirepID != "" && u.PirepID != pirepID {
				other := &Pirep{}
				if _, err := s.Runner.load(ctx, PirepStream(u.PirepID), other); err != nil {
					return Decision{}, err
				}
				// A PIREP not written yet is a prefile between its two
				// appends, unless the reservation is old enough that its
				// second append must have failed.
				pending := !other.Created && now.Sub(u.ReservedAt) < reservationGrace &&
					(s.SoleWriterSince.IsZero() || !u.ReservedAt.Before(s.SoleWriterSince))
				if pending || other.Created && other.State == PirepInProgress {
					msg := "This aircraft is flying another PIREP now: choose another aircraft."
					return Decision{}, &Error{Code: EInvalid, Message: msg, Fields: map[string]string{"aircraft_id": msg},
						Reasons: map[string]string{"aircraft_id": ReasonAircraftUnavailable}}
				}
			}
			return Decision{Events: []proto.Message{&eventsv1.AircraftReserved{
				AircraftId: aircraftID, PirepId: pirepID, ReservedAt: timestamppb.New(now)}}}, nil
		})
	return err
}

// stepCommandID is the command id of one step of a command: a name-based
// UUID of the command's id and the step.
func stepCommandID(commandID, step string) string { return nameUUID(commandID, step) }

// FlightReport is what an ACARS client reports of a flight in progress:
// the details as they now stand (apply says which it sent; the others
// keep their value) and its phase ("" keeps it).
type FlightReport struct {
	Apply func(d *PirepDetails)
	Phase string
}

// reportOn loads a PIREP the actor may report on, refusing what the
// transition table refuses, with the PIREP's own words for a cancelled
// one (ErrPirepCancelled) and a filed one.
func (s *Pireps) reportOn(ctx context.Context, meta CommandMeta, airlineID, pirepID string, action PirepAction,
	decide func(p *Pirep, now time.Time) ([]proto.Message, error)) (AppendResult, error) {
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
			if p.State == PirepCancelled {
				return Decision{}, &Error{Code: EConflict, Message: "PIREP has been cancelled, updates are not allowed",
					Reasons: map[string]string{"state": ReasonPirepCancelled}}
			}
			if _, err := NextPirepState(p.State, action, role); err != nil {
				return Decision{}, err
			}
			evs, err := decide(p, s.Runner.now())
			return Decision{Events: evs}, err
		})
}

// ReasonPirepCancelled marks a refusal of a report on a cancelled PIREP.
const ReasonPirepCancelled = "pirep-cancelled"

// Report records an ACARS client's update of its flight in progress. The
// same details and phase append nothing.
func (s *Pireps) Report(ctx context.Context, meta CommandMeta, airlineID, pirepID string, r FlightReport) (AppendResult, error) {
	m := map[string]string{}
	checkPhase(m, &r.Phase)
	if err := Invalid(m); err != nil {
		return AppendResult{}, err
	}
	return s.reportOn(ctx, meta, airlineID, pirepID, PirepReport, func(p *Pirep, now time.Time) ([]proto.Message, error) {
		d := p.Details
		if r.Apply != nil {
			r.Apply(&d)
		}
		d, err := s.checkReported(ctx, airlineID, p, d)
		if err != nil {
			return nil, err
		}
		phase := r.Phase
		if phase == "" {
			phase = p.Phase
		}
		if phase == p.Phase && proto.Equal(d.proto(), p.Details.proto()) {
			return nil, nil
		}
		return []proto.Message{&eventsv1.PirepProgressed{PirepId: pirepID, Details: d.proto(), Phase: phase, UpdatedAt: timestamppb.New(now),
			PhaseChanged: proto.Bool(phase != p.Phase)}}, nil
	})
}

// checkReported checks details a client reported against the airline, as
// at prefile; the pilot, source and aircraft's use stay the flight's.
func (s *Pireps) checkReported(ctx context.Context, airlineID string, p *Pirep, d PirepDetails) (PirepDetails, error) {
	d.Source = PirepSourceACARS
	if d.AircraftID != p.Details.AircraftID {
		// Changing aircraft in flight would leave the first one reserved;
		// phpVMS allows it, but no client does it mid-flight.
		msg := "A flight in progress keeps the aircraft it was prefiled with."
		return d, &Error{Code: EInvalid, Message: msg, Fields: map[string]string{"aircraft_id": msg}}
	}
	d.Normalize()
	if sameReference(d, p.Details) && d.Distance != 0 {
		// Most reports move only the flight's progress (distance, time,
		// fuel): the airports, aircraft and flight were checked against the
		// airline at prefile, and a flight in the air is not refused for
		// what changed on the ground since (an aircraft sent to
		// maintenance, a rule switched on), so nothing is read for them.
		if err := d.validate(true); err != nil {
			return d, err
		}
		return d, nil
	}
	return s.prepare(ctx, airlineID, p.PilotID, d, true, false)
}

// sameReference reports whether a and b name the same airports, aircraft
// and flight: the details prepare checks against the airline.
func sameReference(a, b PirepDetails) bool {
	return a.DptAirport == b.DptAirport && a.ArrAirport == b.ArrAirport && a.AltAirport == b.AltAirport &&
		a.AircraftID == b.AircraftID && a.FlightID == b.FlightID
}

// AircraftPosition is one position an ACARS client reports.
type AircraftPosition struct {
	ID                       string // the client's id, which makes a re-post a no-op
	Lat, Lon                 float64
	AltitudeMSL, AltitudeAGL int32 // feet
	Heading                  int32 // degrees
	GroundSpeed, IAS         int32 // knots
	VerticalSpeed            int32 // feet per minute
	Distance                 float64
	FuelFlow                 int32
	Status, Log              string
	Transponder, Autopilot   string
	SimTime, At              time.Time
}

// validLat and validLon say whether a coordinate a client reports is one
// (NaN is not).
func validLat(v float64) bool { return v >= -90 && v <= 90 }
func validLon(v float64) bool { return v >= -180 && v <= 180 }

// MaxPositionsPerReport bounds one request's positions (a client sends a
// few to a few hundred); the request's body limit comes first.
const MaxPositionsPerReport = 1000

// validatePositions checks each position, naming the bad ones as
// positions.N.field.
func validatePositions(list []AircraftPosition) map[string]string {
	m := map[string]string{}
	if len(list) == 0 {
		m["positions"] = "Send at least one position."
	}
	if len(list) > MaxPositionsPerReport {
		m["positions"] = fmt.Sprintf("Send at most %d positions at once.", MaxPositionsPerReport)
		return m
	}
	for i := range list {
		p := &list[i]
		at := func(f string) string { return fmt.Sprintf("positions.%d.%s", i, f) }
		if !validLat(p.Lat) {
			m[at("lat")] = "The latitude is between -90 and 90 degrees."
		}
		if !validLon(p.Lon) {
			m[at("lon")] = "The longitude is between -180 and 180 degrees."
		}
		if p.Heading < 0 || p.Heading > 360 {
			m[at("heading")] = "The heading is between 0 and 360 degrees."
		}
		if math.IsNaN(p.Distance) || math.IsInf(p.Distance, 0) {
			m[at("distance")] = "The distance is a number of nautical miles."
		}
		CheckLine(m, at("id"), &p.ID, 64)
		CheckLine(m, at("transponder"), &p.Transponder, 16)
		CheckLine(m, at("autopilot"), &p.Autopilot, 64)
		CheckMultiline(m, at("log"), &p.Log, 1000)
		checkPhase(m, &p.Status)
		if m["status"] != "" {
			m[at("status")] = m["status"]
			delete(m, "status")
		}
	}
	return m
}

// AddPositions records the positions one request of an ACARS client
// carries, in one event; positions whose id the flight has already are
// left out, so a client re-posting a batch adds nothing twice. It returns
// how many it added.
func (s *Pireps) AddPositions(ctx context.Context, meta CommandMeta, airlineID, pirepID string, list []AircraftPosition) (int, AppendResult, error) {
	if err := Invalid(validatePositions(list)); err != nil {
		return 0, AppendResult{}, err
	}
	added := 0
	res, err := s.reportOn(ctx, meta, airlineID, pirepID, PirepReport, func(p *Pirep, now time.Time) ([]proto.Message, error) {
		added = 0
		ev := &eventsv1.PirepPositionsAdded{PirepId: pirepID, AddedAt: timestamppb.New(now)}
		seen := map[string]bool{}
		for _, pos := range list {
			if pos.ID != "" && (p.PositionIDs[pos.ID] || seen[pos.ID]) {
				continue
			}
			seen[pos.ID] = true
			ev.Positions = append(ev.Positions, pos.proto(now))
		}
		added = len(ev.Positions)
		if added == 0 {
			return nil, nil
		}
		return []proto.Message{ev}, nil
	})
	if err != nil {
		return 0, AppendResult{}, err
	}
	return added, res, nil
}

func (p AircraftPosition) proto(now time.Time) *eventsv1.PirepPositionsAdded_Position {
	at := p.At
	if at.IsZero() {
		at = now
	}
	out := &eventsv1.PirepPositionsAdded_Position{
		Id: p.ID, Lat: p.Lat, Lon: p.Lon, AltitudeMsl: p.AltitudeMSL, AltitudeAgl: p.AltitudeAGL, Heading: p.Heading,
		Gs: p.GroundSpeed, Ias: p.IAS, Vs: p.VerticalSpeed, Distance: p.Distance, FuelFlow: p.FuelFlow,
		Status: p.Status, Log: p.Log, Transponder: p.Transponder, Autopilot: p.Autopilot, At: timestamppb.New(at.UTC()),
	}
	if !p.SimTime.IsZero() {
		out.SimTime = timestamppb.New(p.SimTime.UTC())
	}
	return out
}

// PositionOf reads a stored position; the projector uses it too.
func PositionOf(e *eventsv1.PirepPositionsAdded_Position) AircraftPosition {
	p := AircraftPosition{ID: e.GetId(), Lat: e.GetLat(), Lon: e.GetLon(), AltitudeMSL: e.GetAltitudeMsl(), AltitudeAGL: e.GetAltitudeAgl(),
		Heading: e.GetHeading(), GroundSpeed: e.GetGs(), IAS: e.GetIas(), VerticalSpeed: e.GetVs(), Distance: e.GetDistance(),
		FuelFlow: e.GetFuelFlow(), Status: e.GetStatus(), Log: e.GetLog(), Transponder: e.GetTransponder(), Autopilot: e.GetAutopilot(),
		At: e.GetAt().AsTime()}
	if e.GetSimTime() != nil {
		p.SimTime = e.GetSimTime().AsTime()
	}
	return p
}

// FileFlight files a flight in progress at its end, into the review queue
// or, when the pilot's rank auto-accepts ACARS PIREPs, accepted: its final
// details (apply), flight time and distance required, block times
// defaulting to the prefile and now. Filing it again is refused.
func (s *Pireps) FileFlight(ctx context.Context, meta CommandMeta, airlineID, pirepID string, apply func(d *PirepDetails)) (AppendResult, error) {
	return s.reportOn(ctx, meta, airlineID, pirepID, PirepSubmit, func(p *Pirep, now time.Time) ([]proto.Message, error) {
		d := p.Details
		if apply != nil {
			apply(&d)
		}
		if d.BlockOff.IsZero() {
			d.BlockOff = p.FiledAt
		}
		if d.BlockOn.IsZero() {
			d.BlockOn = now
			if !d.BlockOn.After(d.BlockOff) {
				// Filed in the instant of its prefile (a replayed flight):
				// the block time is the client's flight time.
				d.BlockOn = d.BlockOff.Add(time.Duration(max(d.FlightTime, 1)) * time.Minute)
			}
		}
		m := map[string]string{}
		if d.FlightTime < 1 {
			m["flight_time"] = "The flight time is a whole number of minutes, at least 1."
		}
		if !d.BlockOn.After(d.BlockOff) {
			m["block_on_time"] = "The block-on time must be after the block-off time."
		}
		if err := Invalid(m); err != nil {
			return nil, err
		}
		d, err := s.checkReported(ctx, airlineID, p, d)
		if err != nil {
			return nil, err
		}
		auto, err := s.autoAccepts(ctx, airlineID, p.PilotID, true)
		if err != nil {
			return nil, err
		}
		evs := []proto.Message{
			&eventsv1.PirepProgressed{PirepId: pirepID, Details: d.proto(), Phase: PhaseArrived, UpdatedAt: timestamppb.New(now),
				PhaseChanged: proto.Bool(p.Phase != PhaseArrived)},
			&eventsv1.PirepSubmitted{PirepId: pirepID, SubmittedAt: timestamppb.New(now)},
		}
		if auto {
			evs = append(evs, &eventsv1.PirepAccepted{PirepId: pirepID, ReviewerId: System.UserID, Automatic: true, AcceptedAt: timestamppb.New(now)})
		}
		return evs, nil
	})
}

// DefaultAbandonAfter is how long a flight in progress may go without a
// report before the system cancels it: phpVMS's acars.live_time default.
const DefaultAbandonAfter = 2 * time.Hour

// CancelAbandoned cancels, as the system, a flight in progress whose
// client has not reported, as of asOf, for as long as its airline allows
// (PirepRules.AbandonAfter), with a reason its pilot reads. A flight that
// reported since the caller looked is left alone (no events, no error):
// the check is made on the PIREP's own stream.
func (s *Pireps) CancelAbandoned(ctx context.Context, airlineID, pirepID string, asOf time.Time) (AppendResult, error) {
	// The airline's own stream holds its rules: no read model stands
	// between a setting just saved and the sweep.
	airline := &Airline{}
	if _, err := s.Runner.load(ctx, AirlineStream(airlineID), airline); err != nil {
		return AppendResult{}, err
	}
	idle := airline.PirepRules.AbandonAfter()
	meta := CommandMeta{Who: System}
	return Execute(ctx, s.Runner, StreamRef{StreamID: PirepStream(pirepID), TenantID: airlineID}, meta,
		func() *Pirep { return &Pirep{} },
		func(p *Pirep, _ int64) (Decision, error) {
			now := s.Runner.now()
			if !p.Created || p.TenantID != airlineID || p.State != PirepInProgress || asOf.Sub(p.LastReportAt) < idle {
				return Decision{}, nil
			}
			reason := fmt.Sprintf("Cancelled by the system: the ACARS client sent nothing for %s.", formatIdle(idle))
			return Decision{Events: []proto.Message{&eventsv1.PirepCancelled{PirepId: pirepID, By: System.UserID,
				CancelledAt: timestamppb.New(now), Reason: reason}}}, nil
		})
}

// formatIdle says a duration in hours or minutes.
func formatIdle(d time.Duration) string {
	if d >= time.Hour && d%time.Hour == 0 {
		if d == time.Hour {
			return "an hour"
		}
		return fmt.Sprintf("%d hours", d/time.Hour)
	}
	if d >= time.Minute {
		return fmt.Sprintf("%d minutes", d/time.Minute)
	}
	return d.String()
}

// AcarsLog is a log line (or an event: phpVMS keeps both as logs) an
// ACARS client reports.
type AcarsLog struct {
	ID, Text    string
	Lat, Lon    float64
	SimTime, At time.Time
	Event       bool // sent as an event rather than a log
}

// AddLogs records the log lines one request carries, in one event; lines
// whose id the flight has are left out. It returns how many it added.
func (s *Pireps) AddLogs(ctx context.Context, meta CommandMeta, airlineID, pirepID string, lines []AcarsLog) (int, AppendResult, error) {
	m := map[string]string{}
	if len(lines) == 0 {
		m["logs"] = "Send at least one log line."
	}
	if len(lines) > MaxPositionsPerReport {
		m["logs"] = fmt.Sprintf("Send at most %d log lines at once.", MaxPositionsPerReport)
	}
	for i := range lines {
		l := &lines[i]
		at := func(f string) string { return fmt.Sprintf("logs.%d.%s", i, f) }
		checkRequired(m, at("log"), &l.Text, MultiLine, 1000, "Send the log's text.")
		CheckLine(m, at("id"), &l.ID, 64)
		if !validLat(l.Lat) || !validLon(l.Lon) {
			m[at("lat")] = "The position is a latitude from -90 to 90 and a longitude from -180 to 180."
		}
	}
	if err := Invalid(m); err != nil {
		return 0, AppendResult{}, err
	}
	added := 0
	res, err := s.reportOn(ctx, meta, airlineID, pirepID, PirepReport, func(p *Pirep, now time.Time) ([]proto.Message, error) {
		ev := &eventsv1.PirepLogsAdded{PirepId: pirepID, AddedAt: timestamppb.New(now)}
		seen := map[string]bool{}
		for _, l := range lines {
			if l.ID != "" && (p.LogIDs[l.ID] || seen[l.ID]) {
				continue
			}
			seen[l.ID] = true
			at := l.At
			if at.IsZero() {
				at = now
			}
			line := &eventsv1.PirepLogsAdded_Line{Id: l.ID, Text: l.Text, Lat: l.Lat, Lon: l.Lon, At: timestamppb.New(at.UTC()), Event: l.Event}
			if !l.SimTime.IsZero() {
				line.SimTime = timestamppb.New(l.SimTime.UTC())
			}
			ev.Lines = append(ev.Lines, line)
		}
		added = len(ev.Lines)
		if added == 0 {
			return nil, nil
		}
		return []proto.Message{ev}, nil
	})
	if err != nil {
		return 0, AppendResult{}, err
	}
	return added, res, nil
}

// RoutePoint is a point of a flight's planned route.
type RoutePoint struct {
	Name           string
	Order, NavType int32
	Lat, Lon       float64
}

// SetRoute replaces a flight's planned route; no points clears it.
func (s *Pireps) SetRoute(ctx context.Context, meta CommandMeta, airlineID, pirepID string, points []RoutePoint) (AppendResult, error) {
	m := map[string]string{}
	if len(points) > MaxPositionsPerReport {
		m["route"] = fmt.Sprintf("Send at most %d route points.", MaxPositionsPerReport)
	}
	for i := range points {
		pt := &points[i]
		checkRequiredLine(m, fmt.Sprintf("route.%d.name", i), &pt.Name, 64, "Name the route point.")
		if !validLat(pt.Lat) || !validLon(pt.Lon) {
			m[fmt.Sprintf("route.%d.lat", i)] = "The point is a latitude from -90 to 90 and a longitude from -180 to 180."
		}
	}
	if err := Invalid(m); err != nil {
		return AppendResult{}, err
	}
	slices.SortStableFunc(points, func(a, b RoutePoint) int { return int(a.Order) - int(b.Order) })
	return s.reportOn(ctx, meta, airlineID, pirepID, PirepReport, func(p *Pirep, now time.Time) ([]proto.Message, error) {
		if len(points) == 0 && len(p.Route) == 0 {
			return nil, nil
		}
		ev := &eventsv1.PirepRouteSet{PirepId: pirepID, SetAt: timestamppb.New(now)}
		for _, pt := range points {
			ev.Points = append(ev.Points, &eventsv1.PirepRouteSet_Point{Name: pt.Name, Order: pt.Order, NavType: pt.NavType, Lat: pt.Lat, Lon: pt.Lon})
		}
		return []proto.Message{ev}, nil
	})
}

// MaxPirepFields bounds a flight's custom fields in one request.
const MaxPirepFields = 100

// SetFields sets some of a flight's custom fields, as phpVMS's fields
// route upserts them; the same values append nothing.
func (s *Pireps) SetFields(ctx context.Context, meta CommandMeta, airlineID, pirepID string, fields map[string]string) (AppendResult, error) {
	m := map[string]string{}
	if len(fields) == 0 {
		m["fields"] = "Send at least one field."
	}
	if len(fields) > MaxPirepFields {
		m["fields"] = fmt.Sprintf("Send at most %d fields at once.", MaxPirepFields)
	}
	clean := make(map[string]string, len(fields))
	for name, value := range fields {
		key := name
		if checkRequiredLine(m, "fields", &key, 100, "A field needs a name.") && CheckLine(m, "fields."+key, &value, 1000) {
			clean[key] = value
		}
	}
	if err := Invalid(m); err != nil {
		return AppendResult{}, err
	}
	return s.reportOn(ctx, meta, airlineID, pirepID, PirepReport, func(p *Pirep, now time.Time) ([]proto.Message, error) {
		changed := false
		for k, v := range clean {
			if old, ok := p.Fields[k]; !ok || old != v {
				changed = true
			}
		}
		if !changed {
			return nil, nil
		}
		return []proto.Message{&eventsv1.PirepFieldsSet{PirepId: pirepID, Fields: clean, SetAt: timestamppb.New(now)}}, nil
	})
}
