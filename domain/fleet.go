package domain

import (
	"context"
	"fmt"
	"regexp"
	"strconv"
	"strings"

	"google.golang.org/protobuf/proto"
	"google.golang.org/protobuf/types/known/timestamppb"

	eventsv1 "github.com/albatross-va/albatross/domain/events/v1"
)

// This file holds an airline's fleet: subfleets (a type of aircraft the
// airline flies from a home hub) and their aircraft. Field names follow
// phpVMS (type, icao, hub_id, airport_id, flight_time), whose CSV files are
// imported onto these commands.

// SubfleetStreamPrefix and AircraftStreamPrefix start the fleet's stream ids.
const (
	SubfleetStreamPrefix = "subfleet-"
	AircraftStreamPrefix = "aircraft-"
)

// SubfleetStream returns the stream id of a subfleet.
func SubfleetStream(id string) string { return SubfleetStreamPrefix + id }

// AircraftStream returns the stream id of an aircraft.
func AircraftStream(id string) string { return AircraftStreamPrefix + id }

// AirportChecker is the port that says whether an airport is one of an
// airline's airports. The airline's airport list is not built yet, so
// serve and the tests wire AnyAirport; once it exists, wire a checker that
// reads it and the fleet's hub and location fields start refusing unknown
// airports with no other change.
type AirportChecker interface {
	// AirportExists reports whether the airline tenantID has the airport
	// with the (upper-case, 4-character) ICAO code.
	AirportExists(ctx context.Context, tenantID, icao string) (bool, error)
}

// AnyAirport accepts every well-formed ICAO code: the permissive
// AirportChecker used until airlines have airport lists.
type AnyAirport struct{}

// AirportExists implements AirportChecker.
func (AnyAirport) AirportExists(context.Context, string, string) (bool, error) { return true, nil }

// Aircraft statuses. phpVMS writes them as one letter; PhpVMSStatus maps.
const (
	AircraftActive      = "active"
	AircraftMaintenance = "maintenance"
	AircraftStored      = "stored"
	AircraftRetired     = "retired"
)

// AircraftStatuses lists the statuses in the order forms offer them.
var AircraftStatuses = []string{AircraftActive, AircraftMaintenance, AircraftStored, AircraftRetired}

// phpVMSStatus is phpVMS's one-letter status code of each status.
var phpVMSStatus = map[string]string{
	AircraftActive: "A", AircraftMaintenance: "M", AircraftStored: "S", AircraftRetired: "R",
}

// PhpVMSStatus returns phpVMS's one-letter code of a status ("" if none).
func PhpVMSStatus(status string) string { return phpVMSStatus[status] }

// StatusFromPhpVMS reads phpVMS's one-letter code (or a status word) as a
// status; ok is false for a code this platform has no status for.
func StatusFromPhpVMS(code string) (status string, ok bool) {
	code = strings.TrimSpace(code)
	for s, c := range phpVMSStatus {
		if strings.EqualFold(code, c) || strings.EqualFold(code, s) {
			return s, true
		}
	}
	return "", false
}

var (
	// aircraftTypePattern: an ICAO type designator, 2 to 4 letters or
	// digits starting with a letter (B738, A20N, C172, DH8D).
	aircraftTypePattern = regexp.MustCompile(`^[A-Z][A-Z0-9]{1,3}$`)
	// subfleetTypePattern: the airline's own code of a subfleet.
	subfleetTypePattern = regexp.MustCompile(`^[A-Z0-9][A-Z0-9._-]{0,19}$`)
	// airportPattern: a 4-character ICAO airport code, a letter first
	// (EGLL, LPPT); whether the airline has it is AirportChecker's call.
	airportPattern = regexp.MustCompile(`^[A-Z][A-Z0-9]{3}$`)
	// registrationPattern: letters, digits and hyphens (G-ABCD, N123AB, 9H-AEN).
	registrationPattern = regexp.MustCompile(`^[A-Z0-9](?:[A-Z0-9-]{0,8}[A-Z0-9])$`)
	moneyPattern        = regexp.MustCompile(`^[0-9]{1,9}(?:\.[0-9]{1,2})?$`)
	flightTimePattern   = regexp.MustCompile(`^([0-9]{1,7})(?::([0-5][0-9]))?$`)
)

// Subfleet is what the subfleet forms give.
type Subfleet struct {
	Type          string // the airline's code, unique within it (phpVMS "type")
	ICAO          string // the ICAO aircraft type designator
	Name          string
	HubID         string // the home hub's ICAO code
	CostBlockHour string // money as typed, for example 2500.00; empty: not set
	// Fares is phpVMS's fares cell of the subfleet (Y;B?capacity=100&
	// price=500%), kept as a subfleets file gives it. Only a save with
	// SetFares changes it: the subfleet form has no such field, and its
	// edit keeps the subfleet's fares.
	Fares    string
	SetFares bool
}

// Normalize trims the fields and puts codes in upper case.
func (s *Subfleet) Normalize() {
	s.Type = strings.ToUpper(strings.TrimSpace(s.Type))
	s.ICAO = strings.ToUpper(strings.TrimSpace(s.ICAO))
	s.Name = strings.TrimSpace(s.Name)
	s.HubID = strings.ToUpper(strings.TrimSpace(s.HubID))
	s.CostBlockHour = strings.TrimSpace(s.CostBlockHour)
	s.Fares = strings.TrimSpace(s.Fares)
}

// Validate returns an EInvalid error naming each bad field, or nil.
func (s Subfleet) Validate() error {
	f := map[string]string{}
	if !subfleetTypePattern.MatchString(s.Type) {
		f["type"] = "The code is 1 to 20 letters, digits, dots, hyphens or underscores, for example B738-SPB."
	}
	if !aircraftTypePattern.MatchString(s.ICAO) {
		f["icao"] = "The aircraft type is its ICAO designator: 2 to 4 letters or digits starting with a letter, for example B738."
	}
	validateName(f, s.Name)
	if !airportPattern.MatchString(s.HubID) {
		f["hub_id"] = "The home hub is a 4-character ICAO airport code, for example EGLL."
	}
	if _, _, err := ParseMoney(s.CostBlockHour); err != nil {
		f["cost_block_hour"] = ErrorMessage(err)
	}
	CheckLine(f, "fares", &s.Fares, maxFlightFares)
	return Invalid(f)
}

func validateName(f map[string]string, name string) {
	checkRequiredLine(f, "name", &name, 100, "Enter a name.")
}

// ParseMoney reads an amount such as 2500 or 2500.50 into minor units
// (cents); an empty amount is not set.
func ParseMoney(s string) (cents int64, set bool, err error) {
	s = strings.ReplaceAll(strings.TrimSpace(s), ",", "")
	if s == "" {
		return 0, false, nil
	}
	if !moneyPattern.MatchString(s) {
		return 0, false, Errorf(EInvalid, "Enter an amount such as 2500 or 2500.50, or leave it empty.")
	}
	whole, frac, _ := strings.Cut(s, ".")
	frac = (frac + "00")[:2]
	w, _ := strconv.ParseInt(whole, 10, 64)
	c, _ := strconv.ParseInt(frac, 10, 64)
	return w*100 + c, true, nil
}

// FormatMoney writes minor units as an amount with two decimals.
func FormatMoney(cents int64) string { return fmt.Sprintf("%d.%02d", cents/100, cents%100) }

// ParseFlightTime reads a total flight time as hours ("1234") or hours and
// minutes ("1234:30") into minutes; empty is 0.
func ParseFlightTime(s string) (int64, error) {
	s = strings.TrimSpace(s)
	if s == "" {
		return 0, nil
	}
	m := flightTimePattern.FindStringSubmatch(s)
	if m == nil {
		return 0, Errorf(EInvalid, "Enter hours, or hours and minutes, for example 1234 or 1234:30.")
	}
	h, _ := strconv.ParseInt(m[1], 10, 64)
	var min int64
	if m[2] != "" {
		min, _ = strconv.ParseInt(m[2], 10, 64)
	}
	return h*60 + min, nil
}

// FormatFlightTime writes minutes as hours and minutes, such as 1234:05.
func FormatFlightTime(minutes int64) string { return fmt.Sprintf("%d:%02d", minutes/60, minutes%60) }

// NewAircraft is what the add-aircraft form gives.
type NewAircraft struct {
	SubfleetID   string
	Registration string
	Name         string
	Status       string // empty: active
	AirportID    string // where the aircraft is now
	FlightTime   string // total flight time as typed, for example 1234:30
}

// Normalize trims the fields and puts codes in upper case.
func (a *NewAircraft) Normalize() {
	a.SubfleetID = strings.TrimSpace(a.SubfleetID)
	a.Registration = NormalizeRegistration(a.Registration)
	a.Name = strings.TrimSpace(a.Name)
	a.Status = strings.TrimSpace(a.Status)
	if a.Status == "" {
		a.Status = AircraftActive
	}
	a.AirportID = strings.ToUpper(strings.TrimSpace(a.AirportID))
	a.FlightTime = strings.TrimSpace(a.FlightTime)
}

// NormalizeRegistration is the form a registration is stored and claimed in.
func NormalizeRegistration(r string) string { return strings.ToUpper(strings.TrimSpace(r)) }

// Validate returns an EInvalid error naming each bad field, or nil.
func (a NewAircraft) Validate() error {
	f := map[string]string{}
	if !registrationPattern.MatchString(a.Registration) {
		f["registration"] = "The registration is 2 to 10 letters, digits or hyphens, for example G-ABCD or N123AB."
	}
	validateName(f, a.Name)
	checkRequiredLine(f, "subfleet_id", &a.SubfleetID, 100, "Choose the subfleet.")
	if phpVMSStatus[a.Status] == "" {
		f["status"] = "Choose active, maintenance, stored or retired."
	}
	if !airportPattern.MatchString(a.AirportID) {
		f["airport_id"] = "The location is a 4-character ICAO airport code, for example EGLL."
	}
	if _, err := ParseFlightTime(a.FlightTime); err != nil {
		f["flight_time"] = ErrorMessage(err)
	}
	return Invalid(f)
}

// AircraftChange is what staff may edit of an aircraft.
type AircraftChange struct {
	SubfleetID string
	Name       string
	Status     string
}

// Normalize trims the fields.
func (c *AircraftChange) Normalize() {
	c.SubfleetID, c.Name, c.Status = strings.TrimSpace(c.SubfleetID), strings.TrimSpace(c.Name), strings.TrimSpace(c.Status)
}

// Validate returns an EInvalid error naming each bad field, or nil.
func (c AircraftChange) Validate() error {
	f := map[string]string{}
	validateName(f, c.Name)
	checkRequiredLine(f, "subfleet_id", &c.SubfleetID, 100, "Choose the subfleet.")
	if phpVMSStatus[c.Status] == "" {
		f["status"] = "Choose active, maintenance, stored or retired."
	}
	return Invalid(f)
}

// SubfleetState is the subfleet aggregate.
type SubfleetState struct {
	ID, TenantID            string
	Created                 bool
	Type, ICAO, Name, HubID string
	CostBlockHour           *int64 // cents; nil: not set
	Fares                   string // phpVMS's fares cell; "" in events before it
}

// Apply folds one stored event into the subfleet.
func (s *SubfleetState) Apply(ev proto.Message) error {
	switch e := ev.(type) {
	case *eventsv1.SubfleetCreated:
		s.ID, s.TenantID, s.Created = e.SubfleetId, e.TenantId, true
		s.Type, s.ICAO, s.Name, s.HubID, s.CostBlockHour = e.Type, e.Icao, e.Name, e.HubId, e.CostBlockHourCents
		s.Fares = e.Fares
	case *eventsv1.SubfleetChanged:
		s.Type, s.ICAO, s.Name, s.HubID, s.CostBlockHour = e.Type, e.Icao, e.Name, e.HubId, e.CostBlockHourCents
		s.Fares = e.Fares
	default:
		return fmt.Errorf("subfleet: unexpected event %T", ev)
	}
	return nil
}

// AircraftState is the aircraft aggregate.
type AircraftState struct {
	ID, TenantID, SubfleetID string
	Created                  bool
	Registration, Name       string
	Status, AirportID        string
	FlightTime               int64 // minutes
}

// Apply folds one stored event into the aircraft.
func (a *AircraftState) Apply(ev proto.Message) error {
	switch e := ev.(type) {
	case *eventsv1.AircraftAdded:
		a.ID, a.TenantID, a.SubfleetID, a.Created = e.AircraftId, e.TenantId, e.SubfleetId, true
		a.Registration, a.Name, a.Status, a.AirportID, a.FlightTime = e.Registration, e.Name, e.Status, e.AirportId, e.FlightTime
	case *eventsv1.AircraftChanged:
		a.SubfleetID, a.Name, a.Status = e.SubfleetId, e.Name, e.Status
	default:
		return fmt.Errorf("aircraft: unexpected event %T", ev)
	}
	return nil
}

// Fleet runs the fleet commands. Airports says which airports an airline
// has (AnyAirport until airlines have airport lists).
type Fleet struct {
	Runner   *Runner
	IDs      IDs
	Airports AirportChecker
}

// checkAirports adds a message for each airport field whose code is well
// formed but not one of the airline's airports.
func (s *Fleet) checkAirports(ctx context.Context, tenantID string, fields map[string]string) error {
	f := map[string]string{}
	for field, icao := range fields {
		ok, err := s.Airports.AirportExists(ctx, tenantID, icao)
		if err != nil {
			return fmt.Errorf("check airport %s: %w", icao, err)
		}
		if !ok {
			f[field] = fmt.Sprintf("%s is not one of the airline's airports.", icao)
		}
	}
	return Invalid(f)
}

// airlineExists refuses commands on an airline that does not exist.
func (s *Fleet) airlineExists(ctx context.Context, airlineID string) error {
	_, err := s.Runner.loadAirline(ctx, airlineID)
	return err
}

// prepareSubfleet authorizes, normalizes and validates a subfleet form.
func (s *Fleet) prepareSubfleet(ctx context.Context, meta CommandMeta, airlineID string, in *Subfleet) (*int64, error) {
	if err := Authorize(meta.Who, ManageOperations, airlineID); err != nil {
		return nil, err
	}
	in.Normalize()
	if err := in.Validate(); err != nil {
		return nil, err
	}
	if err := s.checkAirports(ctx, airlineID, map[string]string{"hub_id": in.HubID}); err != nil {
		return nil, err
	}
	cents, set, _ := ParseMoney(in.CostBlockHour)
	if !set {
		return nil, nil
	}
	return &cents, nil
}

// typeTaken turns the type claim's conflict into the message staff read.
func typeTaken(err error, code string) error {
	if ErrorCode(err) == EConflict && ErrorFields(err)["type"] != "" {
		return FieldError(EConflict, "type", fmt.Sprintf("The airline already has a subfleet with the code %s.", code))
	}
	return err
}

// CreateSubfleet adds a subfleet to an airline. Its code is claimed within
// the airline, so of two subfleets with one code exactly one is created.
func (s *Fleet) CreateSubfleet(ctx context.Context, meta CommandMeta, airlineID string, in Subfleet) (string, AppendResult, error) {
	cost, err := s.prepareSubfleet(ctx, meta, airlineID, &in)
	if err != nil {
		return "", AppendResult{}, err
	}
	if err := s.airlineExists(ctx, airlineID); err != nil {
		return "", AppendResult{}, err
	}
	id := s.IDs.NewID()
	res, err := Execute(ctx, s.Runner, StreamRef{StreamID: SubfleetStream(id), TenantID: airlineID}, meta,
		func() *SubfleetState { return &SubfleetState{} },
		func(sf *SubfleetState, _ int64) (Decision, error) {
			if sf.Created {
				return Decision{}, Errorf(EConflict, "This subfleet already exists.")
			}
			return Decision{
				Events: []proto.Message{&eventsv1.SubfleetCreated{
					SubfleetId: id, TenantId: airlineID, Type: in.Type, Icao: in.ICAO, Name: in.Name,
					HubId: in.HubID, CostBlockHourCents: cost, CreatedAt: timestamppb.New(s.Runner.now()), Fares: in.Fares,
				}},
				Claims: []UniqueClaim{{Scope: airlineID, Field: "type", Value: in.Type}},
			}, nil
		})
	if err != nil {
		return "", AppendResult{}, typeTaken(err, in.Type)
	}
	return strings.TrimPrefix(res.StreamID, SubfleetStreamPrefix), res, nil
}

// ChangeSubfleet edits a subfleet. A new code is claimed; the former one
// stays reserved to the subfleet, so CSV files that name it still find it.
func (s *Fleet) ChangeSubfleet(ctx context.Context, meta CommandMeta, airlineID, subfleetID string, in Subfleet) (AppendResult, error) {
	cost, err := s.prepareSubfleet(ctx, meta, airlineID, &in)
	if err != nil {
		return AppendResult{}, err
	}
	res, err := Execute(ctx, s.Runner, StreamRef{StreamID: SubfleetStream(subfleetID), TenantID: airlineID}, meta,
		func() *SubfleetState { return &SubfleetState{} },
		func(sf *SubfleetState, _ int64) (Decision, error) {
			if !sf.Created || sf.TenantID != airlineID || airlineID == "" {
				return Decision{}, Errorf(ENotFound, "There is no such subfleet in this airline.")
			}
			if !in.SetFares {
				in.Fares = sf.Fares
			}
			if sf.Type == in.Type && sf.ICAO == in.ICAO && sf.Name == in.Name && sf.HubID == in.HubID && sameCents(sf.CostBlockHour, cost) &&
				sf.Fares == in.Fares {
				return Decision{}, nil
			}
			var claims []UniqueClaim
			if sf.Type != in.Type {
				claims = append(claims, UniqueClaim{Scope: airlineID, Field: "type", Value: in.Type})
			}
			return Decision{
				Events: []proto.Message{&eventsv1.SubfleetChanged{
					SubfleetId: subfleetID, Type: in.Type, Icao: in.ICAO, Name: in.Name, HubId: in.HubID,
					CostBlockHourCents: cost, ChangedAt: timestamppb.New(s.Runner.now()), Fares: in.Fares,
				}},
				Claims: claims,
			}, nil
		})
	return res, typeTaken(err, in.Type)
}

func sameCents(a, b *int64) bool {
	if a == nil || b == nil {
		return a == nil && b == nil
	}
	return *a == *b
}

// subfleetOf checks that a subfleet belongs to the airline; a subfleet of
// another airline is not found, as if it did not exist.
func (s *Fleet) subfleetOf(ctx context.Context, airlineID, subfleetID string) error {
	sf := &SubfleetState{}
	if subfleetID != "" {
		if _, err := s.Runner.load(ctx, SubfleetStream(subfleetID), sf); err != nil {
			return err
		}
	}
	if !sf.Created || sf.TenantID != airlineID || airlineID == "" {
		return FieldError(EInvalid, "subfleet_id", "Choose one of the airline's subfleets.")
	}
	return nil
}

// registrationTaken turns the registration claim's conflict into the
// message staff read.
func registrationTaken(err error, reg string) error {
	if ErrorCode(err) == EConflict && ErrorFields(err)["registration"] != "" {
		return FieldError(EConflict, "registration", fmt.Sprintf("The airline already has an aircraft registered %s.", reg))
	}
	return err
}

// AddAircraft adds an aircraft to one of the airline's subfleets. Its
// registration is claimed within the airline in the same transaction as
// the append, so of two admins adding one registration at once exactly one
// adds an aircraft and the other is told it exists.
func (s *Fleet) AddAircraft(ctx context.Context, meta CommandMeta, airlineID string, in NewAircraft) (string, AppendResult, error) {
	if err := Authorize(meta.Who, ManageOperations, airlineID); err != nil {
		return "", AppendResult{}, err
	}
	in.Normalize()
	if err := in.Validate(); err != nil {
		return "", AppendResult{}, err
	}
	if err := s.checkAirports(ctx, airlineID, map[string]string{"airport_id": in.AirportID}); err != nil {
		return "", AppendResult{}, err
	}
	if err := s.airlineExists(ctx, airlineID); err != nil {
		return "", AppendResult{}, err
	}
	if err := s.subfleetOf(ctx, airlineID, in.SubfleetID); err != nil {
		return "", AppendResult{}, err
	}
	minutes, _ := ParseFlightTime(in.FlightTime)
	id := s.IDs.NewID()
	res, err := Execute(ctx, s.Runner, StreamRef{StreamID: AircraftStream(id), TenantID: airlineID}, meta,
		func() *AircraftState { return &AircraftState{} },
		func(a *AircraftState, _ int64) (Decision, error) {
			if a.Created {
				return Decision{}, Errorf(EConflict, "This aircraft already exists.")
			}
			return Decision{
				Events: []proto.Message{&eventsv1.AircraftAdded{
					AircraftId: id, TenantId: airlineID, SubfleetId: in.SubfleetID, Registration: in.Registration,
					Name: in.Name, Status: in.Status, AirportId: in.AirportID, FlightTime: minutes,
					AddedAt: timestamppb.New(s.Runner.now()),
				}},
				Claims: []UniqueClaim{{Scope: airlineID, Field: "registration", Value: in.Registration}},
			}, nil
		})
	if err != nil {
		return "", AppendResult{}, registrationTaken(err, in.Registration)
	}
	return strings.TrimPrefix(res.StreamID, AircraftStreamPrefix), res, nil
}

// ChangeAircraft edits an aircraft's name, subfleet and status. Nothing
// changed appends nothing.
func (s *Fleet) ChangeAircraft(ctx context.Context, meta CommandMeta, airlineID, aircraftID string, in AircraftChange) (AppendResult, error) {
	if err := Authorize(meta.Who, ManageOperations, airlineID); err != nil {
		return AppendResult{}, err
	}
	in.Normalize()
	if err := in.Validate(); err != nil {
		return AppendResult{}, err
	}
	if err := s.subfleetOf(ctx, airlineID, in.SubfleetID); err != nil {
		return AppendResult{}, err
	}
	return Execute(ctx, s.Runner, StreamRef{StreamID: AircraftStream(aircraftID), TenantID: airlineID}, meta,
		func() *AircraftState { return &AircraftState{} },
		func(a *AircraftState, _ int64) (Decision, error) {
			if !a.Created || a.TenantID != airlineID || airlineID == "" {
				return Decision{}, Errorf(ENotFound, "There is no such aircraft in this airline.")
			}
			if a.SubfleetID == in.SubfleetID && a.Name == in.Name && a.Status == in.Status {
				return Decision{}, nil
			}
			return Decision{Events: []proto.Message{&eventsv1.AircraftChanged{
				AircraftId: aircraftID, SubfleetId: in.SubfleetID, Name: in.Name, Status: in.Status,
				ChangedAt: timestamppb.New(s.Runner.now()),
			}}}, nil
		})
}
