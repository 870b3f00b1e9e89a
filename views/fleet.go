package views

import "fmt"

// The view models of an airline's fleet pages.

// StatusCount is how many aircraft of a subfleet have one status.
type StatusCount struct {
	Status string
	Count  int
}

// LocationCount is how many aircraft of a subfleet are at one airport.
type LocationCount struct {
	AirportID string
	Count     int
}

// AircraftRow is one aircraft as the lists and its page show it.
type AircraftRow struct {
	ID           string
	Registration string
	Name         string
	Status       string
	AirportID    string
	FlightTime   string // hours:minutes
	SubfleetID   string
	SubfleetType string
}

// SubfleetRow is one subfleet with its aircraft.
type SubfleetRow struct {
	ID            string
	Type          string
	ICAO          string
	Name          string
	HubID         string
	CostBlockHour string // empty when not set
	Fares         string // phpVMS's fares cell: the fares it carries; empty for none
	Counts        []StatusCount
	Locations     []LocationCount
	Aircraft      []AircraftRow
}

// SubfleetForm is the create and edit form of a subfleet.
type SubfleetForm struct {
	CSRFToken     string
	CommandID     string `form:"command_id"`
	Type          string `form:"type"`
	ICAO          string `form:"icao"`
	Name          string `form:"name"`
	HubID         string `form:"hub_id"`
	CostBlockHour string `form:"cost_block_hour"`
	Errors        map[string]string
	Message       string
	Hub           AirportSearchBox // hub_id, searched in the airline's airports
}

// AircraftForm is the add-aircraft form, and the edit form with only
// SubfleetID, Name and Status.
type AircraftForm struct {
	CSRFToken    string
	CommandID    string `form:"command_id"`
	SubfleetID   string `form:"subfleet_id"`
	Registration string `form:"registration"`
	Name         string `form:"name"`
	Status       string `form:"status"`
	AirportID    string `form:"airport_id"`
	FlightTime   string `form:"flight_time"`
	Errors       map[string]string
	Message      string
	Location     AirportSearchBox // airport_id, searched in the airline's airports
}

// FleetList is the live part of the fleet page: subfleets with their
// aircraft.
type FleetList struct {
	AirlineID string
	Subfleets []SubfleetRow
	Fares     []FareRow
}

// FareRow is one of the airline's fares, read-only: the fares file sets
// them.
type FareRow struct {
	Code, Name, Type string // Type: Passengers or Cargo
	Price, Cost      string // amounts with two decimals
	Capacity         int32
	Active           bool
}

// FleetPage is an airline's fleet: its subfleets and aircraft, and for
// staff the forms to add them.
type FleetPage struct {
	Page
	Tabs         AirlineTabs
	List         FleetList
	CanManage    bool
	SubfleetForm SubfleetForm
	AircraftForm AircraftForm
	Subfleets    [][2]string // the subfleet choices: id, label
}

// SubfleetPage is one subfleet with its aircraft and, for staff, its edit
// form.
type SubfleetPage struct {
	Page
	Tabs      AirlineTabs
	Subfleet  SubfleetRow
	CanManage bool
	Form      SubfleetForm
	Saved     bool
}

// AircraftPage is one aircraft with its history and, for staff, its edit
// form.
type AircraftPage struct {
	Page
	Tabs      AirlineTabs
	Aircraft  AircraftRow
	CanManage bool
	Form      AircraftForm
	Subfleets [][2]string
	History   []HistoryEntry
	// Flights are the aircraft's latest accepted flights (those that added
	// its hours), newest first, of FlightsTotal; AllFlightsURL lists them
	// all in All PIREPs, for staff who may open it ("" for others).
	Flights       []PirepRow
	FlightsTotal  int64
	AllFlightsURL string
	Saved         bool
}

// allFlightsLabel names the link to all of the aircraft's accepted flights.
func (p AircraftPage) allFlightsLabel() string {
	if p.FlightsTotal == 1 {
		return "Its 1 accepted flight in All PIREPs"
	}
	return fmt.Sprintf("All %d accepted flights of %s", p.FlightsTotal, p.Aircraft.Registration)
}

// AircraftStatuses are the status choices.
var AircraftStatuses = [][2]string{{"active", "Active"}, {"maintenance", "Maintenance"}, {"stored", "Stored"}, {"retired", "Retired"}}
