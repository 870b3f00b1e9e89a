package imports

import (
	"fmt"
	"strconv"
	"strings"

	"github.com/albatross-va/albatross/domain"
)

// SubfleetColumns are the columns of phpVMS 7's subfleets file
// (app/Services/ImportExport/SubfleetImporter.php), in its order.
//
// Albatross keeps a subfleet's type code, name, hub and cost per block hour;
// its ICAO aircraft type travels in simbrief_type (SimBrief's type is the
// ICAO designator, B738). airline is accepted and ignored on import (the
// file goes into the airline it is uploaded to) and written as the
// airline's ICAO code on export. fares (Y;B?capacity=100&price=500%: fare
// codes, each with overrides of the fare's price, cost or capacity, a
// trailing % changing the fare's own value by that percentage) is checked
// and kept as written, and written back. fuel_type, cost_delay_minute and
// ranks have no field here: accepted, ignored, written empty.
// ground_handling_multiplier likewise, written as phpVMS's default, 100.
var SubfleetColumns = []Column{
	{Name: "airline"}, {Name: "hub_id"}, {Name: "type", Required: true}, {Name: "simbrief_type"},
	{Name: "name", Required: true}, {Name: "fuel_type"}, {Name: "cost_block_hour"}, {Name: "cost_delay_minute"},
	{Name: "ground_handling_multiplier"}, {Name: "fares"}, {Name: "ranks"},
}

// SubfleetRecord is a checked subfleets row: the subfleet, and the id of
// the airline's subfleet with its type code ("" for a new one).
type SubfleetRecord struct {
	ID       string
	Subfleet domain.Subfleet
}

// subfleetRename maps the domain's subfleet fields to the file's columns.
var subfleetRename = map[string]string{"icao": "simbrief_type"}

// RenameSubfleetFields reports a subfleet command's field errors at the
// subfleets file's columns.
func RenameSubfleetFields(err error) error { return RenameFields(err, subfleetRename) }

// CheckSubfleet reads one row of a subfleets file for airline a.
func CheckSubfleet(a *Airline, r Row) (SubfleetRecord, map[string]string) {
	f := map[string]string{}
	m := a.mark()
	s := domain.Subfleet{Type: r.Get("type"), ICAO: r.Get("simbrief_type"), Name: r.Get("name"),
		HubID: r.Get("hub_id"), CostBlockHour: r.Get("cost_block_hour"), SetFares: true}
	s.Fares = checkFares(f, r.Get("fares"))
	s.Normalize()
	if s.ICAO == "" && len(s.Type) <= 4 {
		s.ICAO = s.Type // phpVMS's own sample subfleets are named by their ICAO type: B744, A320
	}
	if s.ICAO == "" {
		f["simbrief_type"] = "Give the subfleet's ICAO aircraft type here, for example B738."
	}
	for _, col := range []string{"cost_delay_minute", "ground_handling_multiplier", "fuel_type"} {
		numeric(f, r, col)
	}
	if s.HubID == "" {
		f["hub_id"] = "Give the subfleet's home hub: one of the airline's airports."
	}
	fieldsToColumns(f, s.Validate(), subfleetRename)
	a.airport(f, "hub_id", s.HubID, true)
	if len(f) > 0 {
		a.undo(m)
		return SubfleetRecord{}, f
	}
	return SubfleetRecord{ID: a.Subfleets[s.Type].ID, Subfleet: s}, nil
}

// SubfleetRow writes a subfleet as a row of SubfleetColumns.
func SubfleetRow(airlineICAO string, s domain.Subfleet) []string {
	return []string{airlineICAO, s.HubID, s.Type, s.ICAO, s.Name, "", s.CostBlockHour, "", "100", s.Fares, ""}
}

// AircraftColumns are the columns of phpVMS 7's aircraft file
// (app/Services/ImportExport/AircraftImporter.php), in its order.
//
// Albatross keeps an aircraft's subfleet (by its type code), registration,
// name, status (phpVMS's letter: A, M, S, R) and location (airport_id).
// iata, fin, hex_code, selcal, dow, zfw, mtow, mlw and simbrief_type have
// no field here: accepted (the weights must be numbers, as phpVMS asks),
// ignored, written empty. icao is written as the subfleet's ICAO type and
// ignored on import. hub_id is used only as the location of a new aircraft
// without airport_id, and written empty. A new aircraft without either
// starts at its subfleet's hub. phpVMS's file has no flight time: a new
// aircraft starts at 0, and an existing one keeps its own. The location of
// an existing aircraft is not changed by a file: it moves with its flights.
var AircraftColumns = []Column{
	{Name: "subfleet", Required: true}, {Name: "iata"}, {Name: "icao"}, {Name: "hub_id"}, {Name: "airport_id"},
	{Name: "name", Required: true}, {Name: "registration", Required: true}, {Name: "fin"}, {Name: "hex_code"},
	{Name: "selcal"}, {Name: "dow"}, {Name: "zfw"}, {Name: "mtow"}, {Name: "mlw"}, {Name: "status"},
	{Name: "simbrief_type"},
}

// AircraftRecord is a checked aircraft row: the aircraft, and the id of
// the airline's aircraft with its registration ("" for a new one).
type AircraftRecord struct {
	ID       string
	Aircraft domain.NewAircraft
}

// aircraftRename maps the domain's aircraft fields to the file's columns.
var aircraftRename = map[string]string{"subfleet_id": "subfleet"}

// RenameAircraftFields reports an aircraft command's field errors at the
// aircraft file's columns.
func RenameAircraftFields(err error) error { return RenameFields(err, aircraftRename) }

// CheckAircraft reads one row of an aircraft file for airline a.
func CheckAircraft(a *Airline, r Row) (AircraftRecord, map[string]string) {
	f := map[string]string{}
	m := a.mark()
	ac := domain.NewAircraft{Registration: r.Get("registration"), Name: r.Get("name"),
		AirportID: strings.ToUpper(r.Get("airport_id"))}
	var sf SubfleetRef
	if r.Get("subfleet") == "" {
		f["subfleet"] = "This column is required."
	} else if s, ok := a.subfleet(f, "subfleet", r.Get("subfleet")); ok {
		sf, ac.SubfleetID = s, s.ID
	}
	if status, ok := domain.StatusFromPhpVMS(r.Get("status")); ok {
		ac.Status = status
	} else if r.Get("status") != "" {
		f["status"] = fmt.Sprintf("%q is not a status Albatross keeps: A (active), M (maintenance), S (stored) or R (retired).", r.Get("status"))
	}
	if ac.AirportID == "" {
		ac.AirportID = strings.ToUpper(r.Get("hub_id"))
	}
	if ac.AirportID == "" {
		ac.AirportID = sf.HubID
	}
	for _, col := range []string{"dow", "zfw", "mtow", "mlw"} {
		numeric(f, r, col)
	}
	ac.Normalize()
	fieldsToColumns(f, ac.Validate(), aircraftRename)
	col := "airport_id"
	if r.Get("airport_id") == "" {
		col = "hub_id"
	}
	a.airport(f, col, ac.AirportID, false)
	if len(f) > 0 {
		a.undo(m)
		return AircraftRecord{}, f
	}
	return AircraftRecord{ID: a.Aircraft[ac.Registration], Aircraft: ac}, nil
}

// AircraftRow writes an aircraft as a row of AircraftColumns.
func AircraftRow(sf SubfleetRef, registration, name, status, location string) []string {
	return []string{sf.Type, "", sf.ICAO, "", location, name, registration, "", "", "", "", "", "", "",
		domain.PhpVMSStatus(status), ""}
}

// numeric reports a column that is neither empty nor a number.
func numeric(f map[string]string, r Row, col string) {
	if v := r.Get(col); v != "" {
		if _, err := strconv.ParseFloat(v, 64); err != nil {
			f[col] = fmt.Sprintf("%q is not a number.", v)
		}
	}
}
