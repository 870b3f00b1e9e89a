package views

// BidsPage is a pilot's standing bids, with the form's error when a bid
// was refused.
type BidsPage struct {
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
