package views

// LiveFlight is one flight in progress as the live map lists it.
type LiveFlight struct {
	ID          string
	Ident       string // the airline's ICAO and the flight number, ALA123
	Charter     bool   // a flight not on the schedule
	Pilot       string
	Phase       string // phpVMS's label of its phase, "Enroute"
	Altitude    string // "35,000 ft", "-" before the first position
	GroundSpeed string // "450 kt"
	Dpt, Arr    string
	Since       string // time since departure, h:mm
	SelectURL   string // the live page showing its track; "" where tracks are not offered
	Selected    bool
}

// LiveMapPage is an airline's flights in progress on a world map and in a
// table, which is the map's accessible form. One flight's track shows
// when it is selected.
type LiveMapPage struct {
	Page
	Tabs     AirlineTabs
	URL      string // the page's address with its selection, which the live section re-fetches
	ClearURL string // the page with no flight selected
	Live     LiveMap
}

// LiveMap is the live section itself, which the public page shows too.
type LiveMap struct {
	Map     WorldMap
	Flights []LiveFlight
	// Selected names the flight whose track the map draws, "" for none.
	Selected string
	// Truncated says the airline has more flights in progress than shown.
	Truncated bool
}
