package views

// The view models of an airline's PIREP pages: filing, a pilot's list, a
// PIREP with its history, and the staff's review queue.

// PirepForm is the filing and edit form of a PIREP, as typed.
type PirepForm struct {
	CSRFToken string
	NowUTC    string // UTC's clock as the form was drawn: "15:41 UTC on 7 Dec"
	CommandID string `form:"command_id"`
	Action    string
	Edit      bool // editing a filed PIREP; Draft says whether it may still be submitted
	Draft     bool
	FlightID  string `form:"flight_id"` // the schedule flight it is filed from, if any
	// BidID is the charter booking it is filed from, if any; FlightType
	// the charter's kind (C passengers, H cargo) when no schedule flight.
	BidID      string `form:"bid_id"`
	FlightType string `form:"flight_type"`

	FlightNumber           string `form:"flight_number"`
	RouteCode              string `form:"route_code"`
	RouteLeg               string `form:"route_leg"`
	DptAirport             string `form:"dpt_airport"`
	ArrAirport             string `form:"arr_airport"`
	AltAirport             string `form:"alt_airport"`
	DptBox, ArrBox, AltBox AirportSearchBox
	AircraftID             string `form:"aircraft_id"`
	// AircraftOptions are the airline's active aircraft, and the chosen one
	// when it is no longer active.
	AircraftOptions [][2]string
	// AircraftNote says why aircraft are missing from the options: only
	// those of the flight's subfleets are offered.
	AircraftNote string
	BlockOff     string `form:"block_off"` // UTC, as a datetime-local input sends it: 2026-11-28T09:30
	BlockOn      string `form:"block_on"`
	FlightTime   string `form:"flight_time"` // h:mm
	Distance     string `form:"distance"`
	Level        string `form:"level"`
	FuelUsed     string `form:"fuel_used"`
	FuelUnit     string `form:"fuel_unit"` // "lb" or "kg"
	LandingRate  string `form:"landing_rate"`
	Route        string `form:"route"`
	Remarks      string `form:"remarks"`

	Errors  map[string]string
	Message string
}

// CharterFlightTypes are the kinds of charter a PIREP may be filed as:
// phpVMS's flight type letters.
var CharterFlightTypes = [][2]string{{"C", "Passenger charter"}, {"H", "Cargo charter"}}

// FuelUnits are the units the fuel used can be entered in.
var FuelUnits = [][2]string{{"lb", "pounds (lb)"}, {"kg", "kilograms (kg)"}}

// PirepRow is one PIREP in a list, and the facts of its page.
type PirepRow struct {
	ID           string
	URL          string
	Ident        string // ABC1234
	Charter      bool   // a flight not on the schedule
	Dpt, Arr     string
	Alt          string
	State        string // domain.PirepDraft, …
	StateLabel   string
	Pilot        string
	Aircraft     string
	BlockOff     string
	BlockOn      string
	FlightTime   string // h:mm
	Distance     string
	Level        string
	FuelUsed     string
	LandingRate  string
	Route        string
	Remarks      string
	FiledAt      string
	RejectReason string
}

// PirepFormPage is the page a pilot files a PIREP on.
type PirepFormPage struct {
	Page
	Tabs AirlineTabs
	Form PirepForm
}

// PirepsPage is a pilot's own PIREPs.
type PirepsPage struct {
	Page
	Tabs      AirlineTabs
	Rows      []PirepRow
	CanReview bool
	Notice    string
	// Jumpseats are the pilot's moves without flying, latest first.
	Jumpseats []JumpseatRow
}

// PirepQueuePage is the staff's queue of pending PIREPs, oldest first.
type PirepQueuePage struct {
	Page
	Tabs    AirlineTabs
	URL     string // this page of the queue, with its page number
	Rows    []PirepRow
	Waiting int64 // how many PIREPs are pending in all; more than Rows when the queue is longer than a page
	// Showing is "50 of 212 waiting, oldest first" ("51–100 of 212" past
	// the first page); empty when the page holds every PIREP waiting.
	Showing string
	Pager   Pager
	CanFile bool
	Notice  string
}

// PirepPage is one PIREP with its history and what the viewer may do.
type PirepPage struct {
	Page
	Tabs      AirlineTabs
	Pirep     PirepRow
	History   []HistoryEntry
	CanEdit   bool
	CanCancel bool
	CanAccept bool
	CanReject bool
	Form      PirepForm
	Reason    string            // the reject reason as typed
	Errors    map[string]string // the reject form's message
	Notice    string
	// Comments is the PIREP's thread between its pilot and staff, oldest
	// first; CommentForm adds to it.
	Comments    []CommentRow
	CommentForm CommentForm
	// Track is the flight's reported positions, nil for a PIREP with none.
	Track *PirepTrack
	// Score is its landing score, nil before it was scored.
	Score *PirepScoreView
}

// PirepTrack is an ACARS flight's track on a map and its profile.
type PirepTrack struct {
	Map     WorldMap
	Profile Profile
}

// utcNote says under a date and time input that it takes UTC, not the
// browser's own zone, and what UTC's clock read when the form was drawn.
func utcNote(now string) string {
	msg := "In UTC (Zulu), whatever your computer's time zone"
	if now != "" {
		msg += ": it was " + now + " when this form opened"
	}
	return msg + "."
}
