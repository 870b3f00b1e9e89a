package domain

import (
	"context"
	"crypto/sha1"
	"encoding/hex"
	"fmt"
	"math"
	"regexp"
	"slices"
	"strconv"
	"strings"
	"time"

	"google.golang.org/protobuf/proto"
	"google.golang.org/protobuf/types/known/timestamppb"

	eventsv1 "github.com/albatross-va/albatross/domain/events/v1"
)

// This file holds an airline's flights (routes and schedules) as phpVMS
// keeps them, so a phpVMS flight CSV maps onto them column by column.

// FlightStreamPrefix starts every flight stream id.
const FlightStreamPrefix = "flight-"

// FlightStream returns the stream id of a flight.
func FlightStream(flightID string) string { return FlightStreamPrefix + flightID }

// flightNamespace is the name-based UUID namespace of flight ids.
var flightNamespace = [16]byte{0x6b, 0x1e, 0x0a, 0x37, 0x52, 0x0c, 0x4e, 0x2f, 0x9d, 0x64, 0x3a, 0x51, 0x7c, 0x0e, 0x88, 0x12}

// FlightID is the id of the airline's flight with the natural key phpVMS
// uses: flight number, route code and leg. It is a name-based (version 5)
// UUID of the key, so adding the same flight twice (an import run again, a
// double submit) lands in the same stream and cannot make two flights.
func FlightID(tenantID, number, routeCode string, leg int32) string {
	h := sha1.New()
	h.Write(flightNamespace[:])
	fmt.Fprintf(h, "%s\x00%s\x00%s\x00%d", tenantID, number, routeCode, leg)
	var b [16]byte
	copy(b[:], h.Sum(nil))
	b[6] = b[6]&0x0f | 0x50
	b[8] = b[8]&0x3f | 0x80
	s := hex.EncodeToString(b[:])
	return s[0:8] + "-" + s[8:12] + "-" + s[12:16] + "-" + s[16:20] + "-" + s[20:]
}

// The days of the week in phpVMS's bitmask (App\Support\Days).
const (
	Monday    int32 = 1 << iota // 1
	Tuesday                     // 2
	Wednesday                   // 4
	Thursday                    // 8
	Friday                      // 16
	Saturday                    // 32
	Sunday                      // 64
	// EveryDay is all seven.
	EveryDay int32 = 1<<7 - 1
)

// WeekDays are the days in order with their short names.
var WeekDays = []struct {
	Bit  int32
	Name string
}{{Monday, "Mon"}, {Tuesday, "Tue"}, {Wednesday, "Wed"}, {Thursday, "Thu"}, {Friday, "Fri"}, {Saturday, "Sat"}, {Sunday, "Sun"}}

// DayOf returns the bit of a day of the week.
func DayOf(d time.Weekday) int32 {
	if d == time.Sunday {
		return Sunday
	}
	return 1 << (int(d) - 1)
}

// FlightTypes are phpVMS's flight type codes (App\Models\Enums\FlightType)
// with their meaning.
var FlightTypes = [][2]string{
	{"J", "Scheduled passenger"},
	{"F", "Scheduled cargo"},
	{"C", "Charter passenger only"},
	{"A", "Additional cargo/mail"},
	{"E", "Special VIP"},
	{"G", "Additional passenger"},
	{"H", "Charter cargo/mail"},
	{"I", "Ambulance"},
	{"K", "Training"},
	{"M", "Mail service"},
	{"O", "Charter special"},
	{"P", "Positioning"},
	{"T", "Technical test"},
	{"W", "Military"},
	{"X", "Technical stop"},
	{"S", "Shuttle"},
	{"B", "Additional shuttle"},
	{"Q", "Cargo in cabin"},
	{"R", "Additional cargo in cabin"},
	{"L", "Charter cargo in cabin"},
	{"D", "General aviation"},
	{"N", "Air taxi"},
	{"Y", "Company specific"},
	{"Z", "Other"},
}

// FlightTypeName returns the meaning of a flight type code.
func FlightTypeName(code string) string {
	for _, t := range FlightTypes {
		if t[0] == code {
			return t[1]
		}
	}
	return code
}

// FlightSchedule is everything about a flight that a form or an import row
// gives. Distance 0 means "not given": the great circle between the two
// airports is used.
type FlightSchedule struct {
	FlightNumber string // with RouteCode and RouteLeg, the flight's key
	RouteCode    string
	RouteLeg     int32
	Callsign     string
	DptAirport   string
	ArrAirport   string
	AltAirport   string
	DptTime      string // HH:MM UTC
	ArrTime      string
	Days         int32 // bitmask of Monday…Sunday
	StartDate    string
	EndDate      string
	Distance     int32 // nautical miles
	FlightTime   int32 // minutes
	Level        int32 // feet
	FlightType   string
	Route        string
	Notes        string
	SubfleetIDs  []string
	Active       bool
	// LoadFactor and LoadFactorVariance are percent, as phpVMS's
	// flights.load_factor and load_factor_variance; 0 sets none. Only the
	// flights file sets them (the edit form keeps them).
	LoadFactor, LoadFactorVariance float64
	// Fields are the flight's custom fields (phpVMS's "Departure Gate",
	// "Arrival Gate"), in their order, names unique.
	Fields []FlightField
	// Fares is phpVMS's fares cell of the flight as an import read it
	// (Y?price=300&cost=100;F), kept unchanged for the economy to come.
	Fares string
}

// FlightField is one custom field of a flight.
type FlightField struct {
	Name, Value string
}

// Bounds of a flight's custom fields and fares.
const (
	maxFlightFields = 50
	maxFieldName    = 100
	maxFieldValue   = 1000
	maxFlightFares  = 2000
)

var (
	digitsNumber  = regexp.MustCompile(`^[0-9]{1,4}$`)
	flightNumber  = regexp.MustCompile(`^[A-Z0-9]{1,5}$`)
	routeCodeExp  = regexp.MustCompile(`^[A-Z0-9]{0,5}$`)
	callsignExp   = regexp.MustCompile(`^[A-Z0-9]{0,5}$`)
	airportExp    = regexp.MustCompile(`^[A-Z0-9]{4}$`)
	clockTimeExp  = regexp.MustCompile(`^([01][0-9]|2[0-3]):[0-5][0-9]$`)
	dateExp       = regexp.MustCompile(`^[0-9]{4}-[0-9]{2}-[0-9]{2}$`)
	maxSubfleets  = 50
	maxDistanceNM = int32(13000) // farther than any two airports
)

// Normalize trims the fields and puts codes in the case they are stored in.
// A flight number of digits loses its leading zeros, as phpVMS stores it as
// an integer; a route code "0" is no route code, as in phpVMS.
func (f *FlightSchedule) Normalize() {
	up := func(s string) string { return strings.ToUpper(strings.TrimSpace(s)) }
	f.FlightNumber, f.RouteCode, f.Callsign = up(f.FlightNumber), up(f.RouteCode), up(f.Callsign)
	if n, err := strconv.Atoi(f.FlightNumber); err == nil && n > 0 && len(f.FlightNumber) <= 6 {
		f.FlightNumber = strconv.Itoa(n)
	}
	if f.RouteCode == "0" {
		f.RouteCode = ""
	}
	f.DptAirport, f.ArrAirport, f.AltAirport = up(f.DptAirport), up(f.ArrAirport), up(f.AltAirport)
	f.DptTime, f.ArrTime = strings.TrimSpace(f.DptTime), strings.TrimSpace(f.ArrTime)
	f.StartDate, f.EndDate = strings.TrimSpace(f.StartDate), strings.TrimSpace(f.EndDate)
	f.FlightType, f.Route, f.Notes = up(f.FlightType), strings.TrimSpace(f.Route), strings.TrimSpace(f.Notes)
	var ids []string
	for _, id := range f.SubfleetIDs {
		if id = strings.TrimSpace(id); id != "" && !slices.Contains(ids, id) {
			ids = append(ids, id)
		}
	}
	f.SubfleetIDs = ids
	var fields []FlightField
	for _, x := range f.Fields {
		x.Name, x.Value = strings.TrimSpace(x.Name), strings.TrimSpace(x.Value)
		fields = append(fields, x)
	}
	f.Fields, f.Fares = fields, strings.TrimSpace(f.Fares)
}

// legFields are what a schedule flight and a PIREP both say of a leg: its
// identity, its airports, its distance and its cruise level.
type legFields struct {
	number, routeCode string
	leg               int32
	dpt, arr, alt     string
	distance, level   int32
}

// check puts a message in m for each bad field, named as the forms name it.
func (l legFields) check(m map[string]string) {
	if !digitsNumber.MatchString(l.number) && !flightNumber.MatchString(l.number) || l.number == "0" {
		m["flight_number"] = "The flight number is 1 to 4 digits, or up to 5 letters and digits, for example 1234."
	}
	if !routeCodeExp.MatchString(l.routeCode) {
		m["route_code"] = "The route code is up to 5 letters or digits, or empty."
	}
	if l.leg < 0 || l.leg > 999 {
		m["route_leg"] = "The leg is a number from 1 to 999, or empty."
	}
	const airport = "Enter the airport's 4-character ICAO code, for example EGLL."
	if !airportExp.MatchString(l.dpt) {
		m["dpt_airport"] = airport
	}
	if !airportExp.MatchString(l.arr) {
		m["arr_airport"] = airport
	}
	if l.alt != "" && !airportExp.MatchString(l.alt) {
		m["alt_airport"] = "Enter the alternate's 4-character ICAO code, or leave it empty."
	}
	if l.distance < 0 || l.distance > maxDistanceNM {
		m["distance"] = fmt.Sprintf("The distance is 1 to %d nautical miles, or empty to compute it from the airports.", maxDistanceNM)
	}
	if l.level < 0 || l.level > 99999 {
		m["level"] = "The cruise level is in feet, up to 99999, or empty."
	}
}

// Validate returns an EInvalid error naming each bad field, or nil. It
// checks the form alone; Add and Edit also check the airports and
// subfleets against the airline's.
func (f FlightSchedule) Validate() error {
	m := map[string]string{}
	legFields{f.FlightNumber, f.RouteCode, f.RouteLeg, f.DptAirport, f.ArrAirport, f.AltAirport, f.Distance, f.Level}.check(m)
	if m["arr_airport"] == "" && f.ArrAirport == f.DptAirport {
		m["arr_airport"] = "The arrival airport must differ from the departure airport."
	}
	if !callsignExp.MatchString(f.Callsign) {
		m["callsign"] = "The callsign is up to 5 letters or digits, or empty for the flight number."
	}
	for name, v := range map[string]string{"dpt_time": f.DptTime, "arr_time": f.ArrTime} {
		if v != "" && !clockTimeExp.MatchString(v) {
			m[name] = "Enter the time in UTC as HH:MM, for example 09:45, or leave it empty."
		}
	}
	if f.Days < 0 || f.Days > EveryDay {
		m["days"] = "Choose the days of the week."
	}
	start, startOK := parseDate(f.StartDate)
	end, endOK := parseDate(f.EndDate)
	if !startOK {
		m["start_date"] = "Enter the date as YYYY-MM-DD, or leave it empty."
	}
	if !endOK {
		m["end_date"] = "Enter the date as YYYY-MM-DD, or leave it empty."
	} else if startOK && !start.IsZero() && !end.IsZero() && end.Before(start) {
		m["end_date"] = "The end date cannot be before the start date."
	}
	if f.FlightTime < 1 || f.FlightTime > 2400 {
		m["flight_time"] = "Enter the planned flight time in minutes, from 1 to 2400."
	}
	if FlightTypeName(f.FlightType) == f.FlightType {
		m["flight_type"] = "Choose a flight type."
	}
	for name, v := range map[string]float64{"load_factor": f.LoadFactor, "load_factor_variance": f.LoadFactorVariance} {
		if !(v >= 0 && v <= 100) { // NaN too
			m[name] = "Enter a percentage from 0 to 100, or leave it empty."
		}
	}
	CheckMultiline(m, "route", &f.Route, 1000)
	CheckMultiline(m, "notes", &f.Notes, 2000)
	for _, id := range f.SubfleetIDs {
		if !CheckLine(m, "subfleets", &id, 100) {
			break
		}
	}
	if len(f.SubfleetIDs) > maxSubfleets {
		m["subfleets"] = fmt.Sprintf("Choose at most %d subfleets.", maxSubfleets)
	}
	seen := map[string]bool{}
	for _, x := range f.Fields {
		switch {
		case !CheckLine(m, "fields", &x.Name, maxFieldName) || !CheckLine(m, "fields", &x.Value, maxFieldValue):
		case x.Name == "":
			m["fields"] = "A custom field needs a name."
		case seen[x.Name]:
			m["fields"] = fmt.Sprintf("The custom field %q appears twice.", x.Name)
		}
		if m["fields"] != "" {
			break
		}
		seen[x.Name] = true
	}
	if len(f.Fields) > maxFlightFields && m["fields"] == "" {
		m["fields"] = fmt.Sprintf("A flight has at most %d custom fields.", maxFlightFields)
	}
	CheckLine(m, "fares", &f.Fares, maxFlightFares)
	return Invalid(m)
}

// parseDate reads an optional YYYY-MM-DD date; "" is the zero time.
func parseDate(s string) (time.Time, bool) {
	if s == "" {
		return time.Time{}, true
	}
	if !dateExp.MatchString(s) {
		return time.Time{}, false
	}
	t, err := time.Parse(time.DateOnly, s)
	return t, err == nil
}

// Flight is the flight aggregate: one scheduled flight of an airline.
type Flight struct {
	ID            string
	TenantID      string
	Created       bool
	Schedule      FlightSchedule
	SubfleetTypes []string
}

// FlownBy says whether an aircraft of the subfleet may fly the flight: one
// that names no subfleet (or no flight at all) is flown by any.
func (f *Flight) FlownBy(subfleetID string) bool {
	return len(f.Schedule.SubfleetIDs) == 0 || slices.Contains(f.Schedule.SubfleetIDs, subfleetID)
}

// Apply folds one stored event into the flight.
func (f *Flight) Apply(ev proto.Message) error {
	switch e := ev.(type) {
	case *eventsv1.FlightAdded:
		f.ID, f.TenantID, f.Created = e.FlightId, e.TenantId, true
		f.Schedule = FlightSchedule{
			FlightNumber: e.FlightNumber, RouteCode: e.RouteCode, RouteLeg: e.RouteLeg, Callsign: e.Callsign,
			DptAirport: e.DptAirport, ArrAirport: e.ArrAirport, AltAirport: e.AltAirport, DptTime: e.DptTime,
			ArrTime: e.ArrTime, Days: e.Days, StartDate: e.StartDate, EndDate: e.EndDate, Distance: e.Distance,
			FlightTime: e.FlightTime, Level: e.Level, FlightType: e.FlightType, Route: e.Route, Notes: e.Notes,
			SubfleetIDs: e.SubfleetIds, Active: e.Active, LoadFactor: e.LoadFactor, LoadFactorVariance: e.LoadFactorVariance,
			Fields: flightFields(e.Fields), Fares: e.Fares,
		}
		f.SubfleetTypes = e.SubfleetTypes
	case *eventsv1.FlightChanged:
		s := &f.Schedule
		s.Callsign, s.DptAirport, s.ArrAirport, s.AltAirport = e.Callsign, e.DptAirport, e.ArrAirport, e.AltAirport
		s.DptTime, s.ArrTime, s.Days, s.StartDate, s.EndDate = e.DptTime, e.ArrTime, e.Days, e.StartDate, e.EndDate
		s.Distance, s.FlightTime, s.Level, s.FlightType = e.Distance, e.FlightTime, e.Level, e.FlightType
		s.Route, s.Notes, s.SubfleetIDs = e.Route, e.Notes, e.SubfleetIds
		s.LoadFactor, s.LoadFactorVariance = e.LoadFactor, e.LoadFactorVariance
		s.Fields, s.Fares = flightFields(e.Fields), e.Fares
		f.SubfleetTypes = e.SubfleetTypes
	case *eventsv1.FlightActivated:
		f.Schedule.Active = true
	case *eventsv1.FlightDeactivated:
		f.Schedule.Active = false
	default:
		return fmt.Errorf("flight: unexpected event %T", ev)
	}
	return nil
}

// sameSchedule reports whether a stored flight already is what s describes.
func (f *Flight) sameSchedule(s FlightSchedule, types []string) bool {
	a, b := f.Schedule, s
	return slices.Equal(a.SubfleetIDs, b.SubfleetIDs) && slices.Equal(f.SubfleetTypes, types) &&
		a.FlightNumber == b.FlightNumber && a.RouteCode == b.RouteCode && a.RouteLeg == b.RouteLeg &&
		a.Callsign == b.Callsign && a.DptAirport == b.DptAirport && a.ArrAirport == b.ArrAirport &&
		a.AltAirport == b.AltAirport && a.DptTime == b.DptTime && a.ArrTime == b.ArrTime && a.Days == b.Days &&
		a.StartDate == b.StartDate && a.EndDate == b.EndDate && a.Distance == b.Distance &&
		a.FlightTime == b.FlightTime && a.Level == b.Level && a.FlightType == b.FlightType &&
		a.Route == b.Route && a.Notes == b.Notes && slices.Equal(a.Fields, b.Fields) && a.Fares == b.Fares &&
		a.LoadFactor == b.LoadFactor && a.LoadFactorVariance == b.LoadFactorVariance
}

// flightFields are an event's custom fields.
func flightFields(es []*eventsv1.FlightAdded_Field) []FlightField {
	var out []FlightField
	for _, e := range es {
		out = append(out, FlightField{Name: e.GetName(), Value: e.GetValue()})
	}
	return out
}

// FlightFieldEvents are custom fields as events carry them.
func FlightFieldEvents(fs []FlightField) []*eventsv1.FlightAdded_Field {
	var out []*eventsv1.FlightAdded_Field
	for _, f := range fs {
		out = append(out, &eventsv1.FlightAdded_Field{Name: f.Name, Value: f.Value})
	}
	return out
}

// Flights runs the flight commands. Airports and Subfleets answer for the
// airline's airports and subfleets.
type Flights struct {
	Runner    *Runner
	Airports  AirportDirectory
	Subfleets SubfleetDirectory
}

// Add adds a flight to an airline and returns its id. Adding a flight that
// exists with the same schedule changes nothing (an import run twice); with
// another schedule it is a conflict: edit it instead.
func (s *Flights) Add(ctx context.Context, meta CommandMeta, airlineID string, f FlightSchedule) (string, AppendResult, error) {
	if err := Authorize(meta.Who, ManageOperations, airlineID); err != nil {
		return "", AppendResult{}, err
	}
	f, types, err := s.Prepare(ctx, airlineID, f)
	if err != nil {
		return "", AppendResult{}, err
	}
	id := FlightID(airlineID, f.FlightNumber, f.RouteCode, f.RouteLeg)
	res, err := Execute(ctx, s.Runner, StreamRef{StreamID: FlightStream(id), TenantID: airlineID}, meta,
		func() *Flight { return &Flight{} },
		func(fl *Flight, _ int64) (Decision, error) {
			if fl.Created {
				if fl.sameSchedule(f, types) && fl.Schedule.Active == f.Active {
					return Decision{}, nil
				}
				return Decision{}, FieldError(EConflict, "flight_number",
					"This airline already has this flight number with this route code and leg; edit that flight instead.")
			}
			return Decision{Events: []proto.Message{NewFlightAdded(airlineID, f, types, s.Runner.now())}}, nil
		})
	return id, res, err
}

// NewFlightAdded is the event that starts a flight's stream, for a schedule
// Prepare returned. Add appends it; an import that appends in bulk builds
// its events with it too.
func NewFlightAdded(airlineID string, f FlightSchedule, types []string, now time.Time) *eventsv1.FlightAdded {
	return &eventsv1.FlightAdded{
		FlightId: FlightID(airlineID, f.FlightNumber, f.RouteCode, f.RouteLeg), TenantId: airlineID,
		FlightNumber: f.FlightNumber, RouteCode: f.RouteCode, RouteLeg: f.RouteLeg, Callsign: f.Callsign,
		DptAirport: f.DptAirport, ArrAirport: f.ArrAirport, AltAirport: f.AltAirport, DptTime: f.DptTime,
		ArrTime: f.ArrTime, Days: f.Days, StartDate: f.StartDate, EndDate: f.EndDate, Distance: f.Distance,
		FlightTime: f.FlightTime, Level: f.Level, FlightType: f.FlightType, Route: f.Route, Notes: f.Notes,
		SubfleetIds: f.SubfleetIDs, SubfleetTypes: types, Active: f.Active, AddedAt: timestamppb.New(now),
		LoadFactor: f.LoadFactor, LoadFactorVariance: f.LoadFactorVariance,
		Fields: FlightFieldEvents(f.Fields), Fares: f.Fares,
	}
}

// Edit replaces a flight's schedule. The key (flight number, route code,
// leg), the active flag and the load factor stay: a new key is a new
// flight, Activate and Deactivate change the flag, and the flights file
// the load factor.
func (s *Flights) Edit(ctx context.Context, meta CommandMeta, airlineID, flightID string, f FlightSchedule) (AppendResult, error) {
	if err := Authorize(meta.Who, ManageOperations, airlineID); err != nil {
		return AppendResult{}, err
	}
	cur, err := s.load(ctx, airlineID, flightID)
	if err != nil {
		return AppendResult{}, err
	}
	f.FlightNumber, f.RouteCode, f.RouteLeg = cur.Schedule.FlightNumber, cur.Schedule.RouteCode, cur.Schedule.RouteLeg
	// The form has no load factor: the flights file sets it, the form keeps it.
	f.LoadFactor, f.LoadFactorVariance = cur.Schedule.LoadFactor, cur.Schedule.LoadFactorVariance
	// The form has no custom fields or fares: an edit keeps the flight's.
	f.Fields, f.Fares = cur.Schedule.Fields, cur.Schedule.Fares
	f, types, err := s.Prepare(ctx, airlineID, f)
	if err != nil {
		return AppendResult{}, err
	}
	return s.flightCommand(ctx, meta, airlineID, flightID, func(fl *Flight, now time.Time) []proto.Message {
		if fl.sameSchedule(f, types) {
			return nil
		}
		return []proto.Message{&eventsv1.FlightChanged{
			FlightId: flightID, Callsign: f.Callsign, DptAirport: f.DptAirport, ArrAirport: f.ArrAirport,
			AltAirport: f.AltAirport, DptTime: f.DptTime, ArrTime: f.ArrTime, Days: f.Days, StartDate: f.StartDate,
			EndDate: f.EndDate, Distance: f.Distance, FlightTime: f.FlightTime, Level: f.Level,
			FlightType: f.FlightType, Route: f.Route, Notes: f.Notes, SubfleetIds: f.SubfleetIDs,
			SubfleetTypes: types, ChangedAt: timestamppb.New(now),
			LoadFactor: f.LoadFactor, LoadFactorVariance: f.LoadFactorVariance,
			Fields: FlightFieldEvents(f.Fields), Fares: f.Fares,
		}}
	})
}

// Activate puts a flight in the pilots' search; an active flight stays so.
func (s *Flights) Activate(ctx context.Context, meta CommandMeta, airlineID, flightID string) (AppendResult, error) {
	if err := Authorize(meta.Who, ManageOperations, airlineID); err != nil {
		return AppendResult{}, err
	}
	return s.flightCommand(ctx, meta, airlineID, flightID, func(fl *Flight, now time.Time) []proto.Message {
		if fl.Schedule.Active {
			return nil
		}
		return []proto.Message{&eventsv1.FlightActivated{FlightId: flightID, ActivatedAt: timestamppb.New(now)}}
	})
}

// Deactivate takes a flight out of the pilots' search.
func (s *Flights) Deactivate(ctx context.Context, meta CommandMeta, airlineID, flightID string) (AppendResult, error) {
	if err := Authorize(meta.Who, ManageOperations, airlineID); err != nil {
		return AppendResult{}, err
	}
	return s.flightCommand(ctx, meta, airlineID, flightID, func(fl *Flight, now time.Time) []proto.Message {
		if !fl.Schedule.Active {
			return nil
		}
		return []proto.Message{&eventsv1.FlightDeactivated{FlightId: flightID, DeactivatedAt: timestamppb.New(now)}}
	})
}

// Prepare normalizes and validates a schedule against the airline, with a
// message for every bad field at once: its airports must be the airline's, its subfleets too, and a distance not
// given becomes the great circle between the airports, rounded to the
// nearest mile. It returns the subfleets' aircraft types in the order of
// the ids. It reads the airline, so an airline that does not exist is
// ENotFound.
func (s *Flights) Prepare(ctx context.Context, airlineID string, f FlightSchedule) (FlightSchedule, []string, error) {
	f.Normalize()
	m := ErrorFields(f.Validate())
	if m == nil {
		m = map[string]string{}
	}
	if _, err := s.Runner.loadAirline(ctx, airlineID); err != nil {
		return f, nil, err
	}
	dpt, arr, err := locateRoute(ctx, s.Airports, airlineID, m, f.DptAirport, f.ArrAirport, f.AltAirport)
	if err != nil {
		return f, nil, err
	}
	var types []string
	for _, id := range f.SubfleetIDs {
		typ, err := s.Subfleets.SubfleetType(ctx, airlineID, id)
		switch {
		case ErrorCode(err) == ENotFound && m["subfleets"] == "":
			m["subfleets"] = "Choose subfleets of this airline."
		case ErrorCode(err) == ENotFound:
		case err != nil:
			return f, nil, err
		}
		types = append(types, typ)
	}
	if len(m) == 0 && f.Distance == 0 {
		if !dpt.Known || !arr.Known {
			m["distance"] = "The airports' coordinates are not known: enter the distance."
		} else {
			f.Distance = int32(math.Max(1, math.Round(GreatCircleNM(dpt.Coordinates, arr.Coordinates))))
		}
	}
	return f, types, Invalid(m)
}

// load reads a flight of the airline; a flight of another airline is not
// found, as if it did not exist.
func (s *Flights) load(ctx context.Context, airlineID, flightID string) (*Flight, error) {
	fl := &Flight{}
	if _, err := s.Runner.load(ctx, FlightStream(flightID), fl); err != nil {
		return nil, err
	}
	if !fl.Created || fl.TenantID != airlineID || airlineID == "" {
		return nil, Errorf(ENotFound, "There is no such flight in this airline.")
	}
	return fl, nil
}

// flightCommand runs decide on a flight of the airline.
func (s *Flights) flightCommand(ctx context.Context, meta CommandMeta, airlineID, flightID string,
	decide func(fl *Flight, now time.Time) []proto.Message) (AppendResult, error) {
	return Execute(ctx, s.Runner, StreamRef{StreamID: FlightStream(flightID), TenantID: airlineID}, meta,
		func() *Flight { return &Flight{} },
		func(fl *Flight, _ int64) (Decision, error) {
			if !fl.Created || fl.TenantID != airlineID {
				return Decision{}, Errorf(ENotFound, "There is no such flight in this airline.")
			}
			return Decision{Events: decide(fl, s.Runner.now())}, nil
		})
}

// Directories answers for an airline's airports and subfleets: Flights'
// own, or a snapshot an import took when it checked its file.
type Directories interface {
	AirportDirectory
	SubfleetDirectory
}

// Save adds the flight, or changes it to f, as an import row asks: its key
// (flight number, route code, leg) names the stream, the schedule and the
// active flag are set in one append, and a row equal to the flight as it is
// appends nothing, so importing a file twice records nothing the second
// time. dir, when not nil, answers for the airline's airports and subfleets
// instead of Flights' own: an import checks a whole file against one
// snapshot of them rather than asking per row.
func (s *Flights) Save(ctx context.Context, meta CommandMeta, airlineID string, f FlightSchedule, dir Directories) (Outcome, AppendResult, error) {
	if err := Authorize(meta.Who, ManageOperations, airlineID); err != nil {
		return Unchanged, AppendResult{}, err
	}
	prep := s
	if dir != nil {
		prep = &Flights{Runner: s.Runner, Airports: dir, Subfleets: dir}
	}
	f, types, err := prep.Prepare(ctx, airlineID, f)
	if err != nil {
		return Unchanged, AppendResult{}, err
	}
	id := FlightID(airlineID, f.FlightNumber, f.RouteCode, f.RouteLeg)
	var outcome Outcome
	res, err := Execute(ctx, s.Runner, StreamRef{StreamID: FlightStream(id), TenantID: airlineID}, meta,
		func() *Flight { return &Flight{} },
		func(fl *Flight, _ int64) (Decision, error) {
			now := s.Runner.now()
			if !fl.Created {
				outcome = Created
				return Decision{Events: []proto.Message{NewFlightAdded(airlineID, f, types, now)}}, nil
			}
			var evs []proto.Message
			if !fl.sameSchedule(f, types) {
				evs = append(evs, &eventsv1.FlightChanged{
					FlightId: id, Callsign: f.Callsign, DptAirport: f.DptAirport, ArrAirport: f.ArrAirport,
					AltAirport: f.AltAirport, DptTime: f.DptTime, ArrTime: f.ArrTime, Days: f.Days, StartDate: f.StartDate,
					EndDate: f.EndDate, Distance: f.Distance, FlightTime: f.FlightTime, Level: f.Level,
					FlightType: f.FlightType, Route: f.Route, Notes: f.Notes, SubfleetIds: f.SubfleetIDs,
					SubfleetTypes: types, ChangedAt: timestamppb.New(now),
					LoadFactor: f.LoadFactor, LoadFactorVariance: f.LoadFactorVariance,
					Fields: FlightFieldEvents(f.Fields), Fares: f.Fares,
				})
			}
			switch {
			case f.Active && !fl.Schedule.Active:
				evs = append(evs, &eventsv1.FlightActivated{FlightId: id, ActivatedAt: timestamppb.New(now)})
			case !f.Active && fl.Schedule.Active:
				evs = append(evs, &eventsv1.FlightDeactivated{FlightId: id, DeactivatedAt: timestamppb.New(now)})
			}
			outcome = Updated
			if len(evs) == 0 {
				outcome = Unchanged
			}
			return Decision{Events: evs}, nil
		})
	if err != nil {
		return Unchanged, AppendResult{}, err
	}
	return outcome, res, nil
}

// knownFlightType reports whether code is one of phpVMS's flight types.
func knownFlightType(code string) bool {
	for _, t := range FlightTypes {
		if t[0] == code {
			return true
		}
	}
	return false
}
