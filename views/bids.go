package views

// BidsPage is a pilot's standing bids, with the form's error when a bid
// was refused.
type BidsPage struct {
	// CharterURL is the charter booking form, when the airline allows
	// charters.
	CharterURL string
	Page
	Tabs    AirlineTabs
	URL     string // the page's address, which its list re-fetches
	Rows    []BidRow
	Notice  string
	Errors  map[string]string // flight_id: why the bid was refused
	Refused string            // the flight that was refused, as the pilot knows it
}

// BidRow is one bid on the page.
type BidRow struct {
	FlightURL  string
	Ident      string
	Dpt, Arr   string
	Aircraft   string // the reserved aircraft's registration, or ""
	PlacedAt   string
	Expires    string // "" when bids do not expire
	FileURL    string // the filing form, filled from the flight and aircraft
	RemoveURL  string
	FlightGone bool // the flight is no longer in the schedule
	Charter    bool // a charter booking: no schedule flight
}

// BidSettings is an airline's bid settings as the form shows them.
type BidSettings struct {
	Action            string
	AllowMultiple     bool
	OnePilotPerFlight bool
	BlockAircraft     bool
	ExpireAfterHours  string // as typed; "" for never
	Errors            map[string]string
}

// CharterPage is the form that books a charter flight.
type CharterPage struct {
	Page
	Tabs   AirlineTabs
	Action string
	Form   CharterForm
}

// CharterForm is a charter booking as typed.
type CharterForm struct {
	CommandID       string `form:"command_id"`
	FlightNumber    string `form:"flight_number"`
	DptAirport      string `form:"dpt_airport"`
	ArrAirport      string `form:"arr_airport"`
	DptBox, ArrBox  AirportSearchBox
	Route           string `form:"route"`
	AircraftID      string `form:"aircraft_id"`
	AircraftOptions [][2]string
	Level           string `form:"level"`
	Distance        string `form:"distance"`
	Type            string `form:"type"` // passenger or cargo
	DptTime         string `form:"dpt_time"`
	ArrTime         string `form:"arr_time"`
	Errors          map[string]string
}

// CharterTypes are the kinds of charter.
var CharterTypes = [][2]string{{"passenger", "Passengers"}, {"cargo", "Cargo"}}

// JumpseatPage is the jumpseat form and the pilot's jumpseats.
type JumpseatPage struct {
	Page
	Tabs     AirlineTabs
	Action   string
	Location string // where the pilot is, "" when unknown
	Allowed  bool
	Rules    string // the airline's limits, in words
	Box      AirportSearchBox
	To       string
	Errors   map[string]string
	Notice   string
	History  []JumpseatRow
}

// JumpseatRow is one jumpseat in the pilot's history.
type JumpseatRow struct {
	When, From, To string
}
