package imports

import (
	"fmt"
	"math"
	"regexp"
	"slices"
	"strconv"
	"strings"

	"github.com/albatross-va/albatross/domain"
)

// FlightColumns are the columns of phpVMS 7's flights file
// (app/Services/ImportExport/FlightImporter.php), in its order.
//
// Values as phpVMS writes them (FlightExporter.php): days as the day
// numbers the flight runs on, 1 Monday to 7 Sunday ("135", "1234567";
// empty: none set); dpt_time and arr_time as HHMM ("0945"; HH:MM is read
// too); distance in nautical miles; flight_time in minutes; level in feet;
// enabled 1 or 0 (empty is 0, as phpVMS reads it); subfleets as the
// subfleets' type codes joined by ";"; start_date and end_date as
// YYYY-MM-DD (a time after the date is ignored).
//
// airline is accepted and ignored (the file goes into the airline it is
// uploaded to) and written as the airline's ICAO code. load_factor and
// load_factor_variance are percentages from 0 to 100 (empty: none).
// pilot_pay, event_id and user_id have no field here: accepted, ignored,
// written empty. fields are the flight's custom fields
// (name=value;name=value); fares is kept as written and written back
// unchanged. An older export's active is read as enabled.
var FlightColumns = []Column{
	{Name: "airline"}, {Name: "flight_number", Required: true}, {Name: "route_code"}, {Name: "callsign"},
	{Name: "route_leg"}, {Name: "dpt_airport", Required: true}, {Name: "arr_airport", Required: true},
	{Name: "alt_airport"}, {Name: "days"}, {Name: "dpt_time"}, {Name: "arr_time"}, {Name: "level"},
	{Name: "distance"}, {Name: "flight_time", Required: true}, {Name: "flight_type", Required: true},
	{Name: "load_factor"}, {Name: "load_factor_variance"}, {Name: "pilot_pay"}, {Name: "route", Multiline: true}, {Name: "notes", Multiline: true},
	{Name: "start_date"}, {Name: "end_date"}, {Name: "enabled", Aliases: []string{"active"}}, {Name: "subfleets"}, {Name: "fares"},
	{Name: "fields"}, {Name: "event_id"}, {Name: "user_id"},
}

// FlightKey is a flight's natural key as the flights file names it.
func FlightKey(f domain.FlightSchedule) string {
	key := f.FlightNumber
	if f.RouteCode != "" {
		key += "/" + f.RouteCode
	}
	if f.RouteLeg != 0 {
		key += " leg " + strconv.Itoa(int(f.RouteLeg))
	}
	return key
}

var (
	hhmm      = regexp.MustCompile(`^([01]?[0-9]|2[0-3]):?([0-5][0-9])(?::[0-5][0-9])?$`)
	dayDigits = regexp.MustCompile(`^[1-7]*$`)
)

// FlightRecord is a checked flights row: the schedule, and the type codes
// of its subfleets, some of which the file may add (Airline.NewSubfleets):
// their ids are known once they are, so Apply takes them from the airline.
type FlightRecord struct {
	Schedule      domain.FlightSchedule
	SubfleetTypes []string
}

// CheckFlight reads one row of a flights file for airline a: its airports
// must be the airline's or the world reference's; a subfleet it names that
// the airline lacks is planned as phpVMS creates it.
func CheckFlight(a *Airline, r Row) (FlightRecord, map[string]string) {
	f := map[string]string{}
	m := a.mark()
	integer := func(col string, dst *int32) {
		v := r.Get(col)
		if v == "" {
			return
		}
		n, err := strconv.ParseInt(v, 10, 32)
		if err != nil {
			f[col] = fmt.Sprintf("%q is not a whole number.", v)
		}
		*dst = int32(n)
	}
	s := domain.FlightSchedule{FlightNumber: r.Get("flight_number"), RouteCode: r.Get("route_code"),
		Callsign: r.Get("callsign"), DptAirport: r.Get("dpt_airport"), ArrAirport: r.Get("arr_airport"),
		AltAirport: r.Get("alt_airport"), FlightType: r.Get("flight_type"), Route: r.Get("route"), Notes: r.Get("notes"),
		StartDate: dateOnly(r.Get("start_date")), EndDate: dateOnly(r.Get("end_date"))}
	integer("route_leg", &s.RouteLeg)
	integer("level", &s.Level)
	integer("flight_time", &s.FlightTime)
	if v := r.Get("distance"); v != "" {
		d, err := strconv.ParseFloat(v, 64)
		if err != nil || math.IsNaN(d) || math.IsInf(d, 0) || d < 0 || d > math.MaxInt32 {
			f["distance"] = fmt.Sprintf("%q is not a distance in nautical miles.", v)
		} else {
			s.Distance = int32(math.Round(d))
		}
	}
	for col, dst := range map[string]*float64{"load_factor": &s.LoadFactor, "load_factor_variance": &s.LoadFactorVariance} {
		v := strings.TrimSuffix(strings.TrimSpace(r.Get(col)), "%")
		if v == "" {
			continue
		}
		p, err := strconv.ParseFloat(v, 64)
		if err != nil || !(p >= 0 && p <= 100) {
			f[col] = fmt.Sprintf("%q is not a percentage from 0 to 100.", r.Get(col))
			continue
		}
		*dst = math.Round(p*100) / 100 // phpVMS keeps two decimals
	}
	s.DptTime, s.ArrTime = clock(f, "dpt_time", r.Get("dpt_time")), clock(f, "arr_time", r.Get("arr_time"))
	if days := r.Get("days"); !dayDigits.MatchString(days) {
		f["days"] = fmt.Sprintf("%q is not a list of day numbers, 1 Monday to 7 Sunday, for example 135 or 1234567.", days)
	} else {
		for _, d := range days {
			s.Days |= domain.WeekDays[d-'1'].Bit
		}
	}
	switch v := strings.ToLower(r.Get("enabled")); v {
	case "1", "true", "yes", "y", "on":
		s.Active = true
	case "", "0", "false", "no", "n", "off":
	default:
		f["enabled"] = fmt.Sprintf("%q is not 1 or 0 (yes or no).", r.Get("enabled"))
	}
	s.Fields = customFields(f, r.Get("fields"))
	s.Fares = checkFares(f, r.Get("fares"))
	s.Normalize()
	fieldsToColumns(f, s.Validate(), nil)
	a.airport(f, "dpt_airport", s.DptAirport, true)
	a.airport(f, "arr_airport", s.ArrAirport, true)
	a.airport(f, "alt_airport", s.AltAirport, false)
	var types []string
	for _, typ := range strings.Split(r.Get("subfleets"), ";") {
		typ, _, _ = strings.Cut(typ, "?") // phpVMS's multi-value format: TYPE?key=value
		if typ = strings.ToUpper(strings.TrimSpace(typ)); typ == "" || typ == "0" || slices.Contains(types, typ) {
			continue
		}
		var sf SubfleetRef
		var ok bool
		if f["dpt_airport"] == "" {
			sf, ok = a.newSubfleet(f, "subfleets", typ, s.DptAirport)
		} else {
			sf, ok = a.subfleet(f, "subfleets", typ)
		}
		if !ok {
			break
		}
		types = append(types, sf.Type)
	}
	if s.Distance == 0 && f["distance"] == "" && f["dpt_airport"] == "" && f["arr_airport"] == "" &&
		(!a.Airports[s.DptAirport].Known || !a.Airports[s.ArrAirport].Known) {
		f["distance"] = "The airports' coordinates are not known: give the distance."
	}
	if len(f) > 0 {
		a.undo(m)
		return FlightRecord{Schedule: s}, f
	}
	return FlightRecord{Schedule: s, SubfleetTypes: types}, nil
}

// Resolve returns the record's schedule with the ids of its subfleets, as
// the airline has them once the file's new subfleets are added.
func (rec FlightRecord) Resolve(a *Airline) (domain.FlightSchedule, error) {
	s := rec.Schedule
	s.SubfleetIDs = nil
	for _, typ := range rec.SubfleetTypes {
		sf, ok := a.Subfleets[typ]
		if !ok || sf.ID == "" {
			return s, domain.FieldError(domain.EInvalid, "subfleets", fmt.Sprintf("The subfleet %s could not be created.", typ))
		}
		s.SubfleetIDs = append(s.SubfleetIDs, sf.ID)
	}
	return s, nil
}

// customFields reads phpVMS's fields cell: name=value pairs joined by ";"
// ("Departure Gate=4;Arrival Gate=C41"), as FlightImporter reads it; a
// name without "=" has an empty value.
func customFields(f map[string]string, v string) []domain.FlightField {
	var out []domain.FlightField
	for _, part := range strings.Split(v, ";") {
		if strings.TrimSpace(part) == "" {
			continue
		}
		name, value, _ := strings.Cut(part, "=")
		if strings.TrimSpace(name) == "" {
			f["fields"] = fmt.Sprintf("%q has a value without a name: write the fields as name=value;name=value.", part)
			return nil
		}
		out = append(out, domain.FlightField{Name: strings.TrimSpace(name), Value: strings.TrimSpace(value)})
	}
	return out
}

// fareCode is a fare's code as phpVMS's fares have it.
var fareCode = regexp.MustCompile(`^[A-Za-z0-9_-]{1,50}$`)

// checkFares reads phpVMS's fares cell, fare codes joined by ";", each
// with optional key=value overrides after "?" ("Y?price=300&cost=100&
// capacity=130;F?price=600;B?"), and returns it as written: it is kept
// unchanged for the economy to come. An override is a number, or a
// percentage of the fare's own ("120%").
func checkFares(f map[string]string, v string) string {
	for _, part := range strings.Split(v, ";") {
		part = strings.TrimSpace(part)
		if part == "" {
			continue
		}
		code, query, _ := strings.Cut(part, "?")
		if !fareCode.MatchString(strings.TrimSpace(code)) {
			f["fares"] = fmt.Sprintf("%q is not a fare code: write the fares as CODE or CODE?price=300&cost=100&capacity=130, joined by ;.", code)
			return ""
		}
		for _, kv := range strings.Split(query, "&") {
			if kv == "" {
				continue
			}
			key, val, _ := strings.Cut(kv, "=")
			switch strings.TrimSpace(key) {
			case "price", "cost", "capacity":
			default:
				f["fares"] = fmt.Sprintf("%q of fare %s is not price, cost or capacity.", key, code)
				return ""
			}
			if _, err := strconv.ParseFloat(strings.TrimSuffix(strings.TrimSpace(val), "%"), 64); err != nil {
				f["fares"] = fmt.Sprintf("%q of fare %s is not a number or a percentage.", val, code)
				return ""
			}
		}
	}
	return strings.TrimSpace(v)
}

// FieldsCell writes custom fields as phpVMS's fields cell.
func FieldsCell(fs []domain.FlightField) string {
	parts := make([]string, len(fs))
	for i, x := range fs {
		parts[i] = x.Name + "=" + x.Value
	}
	return strings.Join(parts, ";")
}

// zoneOffsets are the time zones phpVMS's files write after a time of day
// ("0810 CST"), in minutes east of UTC: Albatross keeps times in UTC.
var zoneOffsets = map[string]int{
	"": 0, "UTC": 0, "GMT": 0, "Z": 0, "UT": 0, "WET": 0, "BST": 60, "WEST": 60, "IST": 60, "CET": 60, "CEST": 120,
	"EET": 120, "EEST": 180, "MSK": 180,
	"EST": -300, "EDT": -240, "CST": -360, "CDT": -300, "MST": -420, "MDT": -360, "PST": -480, "PDT": -420,
	"AKST": -540, "AKDT": -480, "HST": -600, "AST": -240, "ADT": -180, "NST": -210, "NDT": -150,
	"JST": 540, "KST": 540, "HKT": 480, "SGT": 480, "AEST": 600, "AEDT": 660, "ACST": 570, "AWST": 480,
	"NZST": 720, "NZDT": 780,
}

// clock reads a phpVMS time of day, HHMM or HH:MM, as HH:MM.
func clock(f map[string]string, col, v string) string {
	if v == "" {
		return ""
	}
	t, zone, _ := strings.Cut(v, " ")
	offset, zoneOK := zoneOffsets[strings.ToUpper(strings.TrimSpace(zone))]
	m := hhmm.FindStringSubmatch(t)
	if m == nil || !zoneOK {
		f[col] = fmt.Sprintf("%q is not a time of day: write it as HHMM or HH:MM in UTC (for example 0945), or with its zone (0945 CST).", v)
		return ""
	}
	h, _ := strconv.Atoi(m[1])
	mins, _ := strconv.Atoi(m[2])
	at := ((h*60+mins-offset)%1440 + 1440) % 1440
	return fmt.Sprintf("%02d:%02d", at/60, at%60)
}

// dateOnly drops the time phpVMS may write after a date.
func dateOnly(v string) string {
	if d, rest, ok := strings.Cut(v, " "); ok && hhmm.MatchString(strings.TrimSpace(rest)) {
		return d
	}
	return v
}

// FlightRow writes a flight as a row of FlightColumns; subfleetTypes are
// the type codes of its subfleets.
func FlightRow(airlineICAO string, s domain.FlightSchedule, subfleetTypes []string) []string {
	blankZero := func(n int32) string {
		if n == 0 {
			return ""
		}
		return strconv.Itoa(int(n))
	}
	var days strings.Builder
	for i, d := range domain.WeekDays {
		if s.Days&d.Bit != 0 {
			days.WriteByte(byte('1' + i))
		}
	}
	enabled := "0"
	if s.Active {
		enabled = "1"
	}
	return []string{airlineICAO, s.FlightNumber, s.RouteCode, s.Callsign, blankZero(s.RouteLeg), s.DptAirport,
		s.ArrAirport, s.AltAirport, days.String(), strings.ReplaceAll(s.DptTime, ":", ""),
		strings.ReplaceAll(s.ArrTime, ":", ""), blankZero(s.Level), strconv.Itoa(int(s.Distance)),
		strconv.Itoa(int(s.FlightTime)), s.FlightType, percent(s.LoadFactor), percent(s.LoadFactorVariance), "", s.Route, s.Notes, s.StartDate, s.EndDate, enabled,
		strings.Join(subfleetTypes, ";"), s.Fares, FieldsCell(s.Fields), "", ""}
}

// percent writes a load factor as phpVMS's file has it; empty for none.
func percent(p float64) string {
	if p == 0 {
		return ""
	}
	return strconv.FormatFloat(p, 'f', -1, 64)
}
