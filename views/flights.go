package views

import "github.com/albatross-va/albatross/domain"

// The view models of an airline's flight search and flight pages.

// FlightFilter is the flight search as the pilot typed it.
type FlightFilter struct {
	Dpt      string
	Arr      string
	Aircraft string // a subfleet id or an ICAO type
	Day      string // ISO day of the week, 1 (Monday) to 7, or ""
	// Biddable keeps only the flights the viewer can bid on.
	Biddable bool
	// Flyable keeps only the flights the viewer may fly (domain.MayFly).
	Flyable bool
	DptBox  AirportSearchBox
	ArrBox  AirportSearchBox
	// AircraftOptions are the aircraft choices: any, then the ICAO types
	// of the airline's subfleets.
	AircraftOptions [][2]string
}

// SubfleetChoice is one of the airline's subfleets in a flight's form.
type SubfleetChoice struct {
	ID, Type, ICAO, Name string
	Chosen               bool
	Gone                 bool // chosen before, no longer one of the airline's
}

// SubfleetLink is an allowed subfleet on a flight's page; a subfleet the
// airline no longer has comes without ID.
type SubfleetLink struct {
	ID, Type, Name string
}

// FlightRow is one flight in the search results and on its page.
type FlightRow struct {
	ID         string
	URL        string
	Ident      string // ABC117/C.EU/L.2 as phpVMS writes it
	Callsign   string
	Dpt        string
	Arr        string
	Alt        string
	DptName    string // the airline's name of the airport, when it has it
	ArrName    string
	AltName    string
	DptTime    string
	ArrTime    string
	Days       string // Mon Tue …, or "-"
	Dates      string
	Distance   string // "2999 nm"
	FlightTime string // "7h 55m"
	Level      string
	Type       string
	Aircraft   string // the allowed subfleets' types, or "Any"
	Subfleets  []SubfleetLink
	// Fields are the flight's custom fields, name and value, in order.
	Fields [][2]string
	Route  string
	Notes  string
	Active bool
	// Bid is how the viewer stands to bidding on it; nil where bids are
	// not shown.
	Bid *FlightBid
}

// FlightBid is what a flight's row says of bids: the viewer's own bid,
// another pilot's that takes it, or a form to bid, and how many aircraft
// could fly it now.
type FlightBid struct {
	Action    string // where the bid form posts
	Mine      bool   // the viewer has a bid on it
	BidsURL   string // the viewer's bids, where theirs is
	Taken     bool   // another pilot's bid takes it (one pilot per flight)
	CanBid    bool
	Available int // aircraft that could fly it now
	// AircraftOptions, when the airline reserves aircraft with bids, are
	// the aircraft the bid may reserve (the first: none).
	AircraftOptions [][2]string
}

// FlightForm is the add and edit form of a flight, as typed.
type FlightForm struct {
	CSRFToken    string
	CommandID    string   `form:"command_id"`
	Action       string   // where the form posts
	Edit         bool     // the key (number, route code, leg) is fixed
	FlightNumber string   `form:"flight_number"`
	RouteCode    string   `form:"route_code"`
	RouteLeg     string   `form:"route_leg"`
	Callsign     string   `form:"callsign"`
	DptAirport   string   `form:"dpt_airport"`
	ArrAirport   string   `form:"arr_airport"`
	AltAirport   string   `form:"alt_airport"`
	DptTime      string   `form:"dpt_time"`
	ArrTime      string   `form:"arr_time"`
	Days         [7]bool  // Monday first
	StartDate    string   `form:"start_date"`
	EndDate      string   `form:"end_date"`
	Distance     string   `form:"distance"`
	FlightTime   string   `form:"flight_time"`
	Level        string   `form:"level"`
	FlightType   string   `form:"flight_type"`
	Route        string   `form:"route"`
	Notes        string   `form:"notes"`
	Subfleets    []string `form:"subfleets"` // the chosen subfleet ids
	Choices      []SubfleetChoice
	DptBox       AirportSearchBox
	ArrBox       AirportSearchBox
	AltBox       AirportSearchBox
	Active       bool `form:"active"`
	Errors       map[string]string
	Message      string
	Saved        bool
}

// FlightsPage is the flight search of an airline, with the add form for
// staff.
type FlightsPage struct {
	Page
	Tabs       AirlineTabs
	Filter     FlightFilter
	Rows       []FlightRow
	BidsURL    string // the viewer's bids
	ResultsURL string // the results fragment of this search, re-fetched live
	NextURL    string // the next page, or ""
	CanManage  bool
	Form       FlightForm
}

// FlightPage is one flight, with the edit form for staff.
type FlightPage struct {
	Page
	Tabs      AirlineTabs
	Flight    FlightRow
	CanManage bool
	// CanFile offers the viewer to file a PIREP of the flight.
	CanFile bool
	Form    FlightForm
}

// DayNames are the days of the week, Monday first, as the forms show them.
var DayNames = [7]string{"Mon", "Tue", "Wed", "Thu", "Fri", "Sat", "Sun"}

// DayOptions are the search's day choices.
var DayOptions = [][2]string{{"", "Any day"}, {"1", "Monday"}, {"2", "Tuesday"}, {"3", "Wednesday"},
	{"4", "Thursday"}, {"5", "Friday"}, {"6", "Saturday"}, {"7", "Sunday"}}

// flightTypeOptions are phpVMS's flight types, code and meaning.
var flightTypeOptions [][2]string

// FlightTypeOptions returns the flight type choices: "J: Scheduled passenger"…
func FlightTypeOptions() [][2]string { return flightTypeOptions }

func init() {
	for _, t := range domain.FlightTypes {
		flightTypeOptions = append(flightTypeOptions, [2]string{t[0], t[0] + ": " + t[1]})
	}
}
