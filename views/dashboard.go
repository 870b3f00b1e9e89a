package views

// DashboardPage is a pilot's career at a glance: hours, flights, rank and
// the way to the next, where they are, their latest PIREPs and the flights
// they can fly from there.
type DashboardPage struct {
	Page
	Tabs AirlineTabs
	URL  string // the dashboard's address, which its live section re-fetches

	Name    string
	PilotID string
	// Awards are the awards the pilot holds, first granted first.
	Awards    []AwardBadge
	AwardsURL string // the awards section's live address
	// Tours are the pilot's tours in progress (begun, not finished).
	Tours    []TourSummary
	ToursURL string // the tours section's live address

	Hours string // accepted flight time, h:mm
	// TransferHours are the hours brought from another airline, h:mm,
	// shown apart; empty with none.
	TransferHours string
	// OnLeave: the pilot is on leave today; LeaveURL is their leave page.
	OnLeave     bool
	LeaveURL    string
	Flights     int64
	LandingRate string // average, "-180 ft/min"; empty with none
	Score       string // average landing score, "84 / 100"; empty with none

	Rank     string // the rank held; empty with none
	Progress RankProgress

	Location     string // ICAO of the latest accepted flight's arrival or later jumpseat; empty before either
	LocationName string

	Recent     []PirepRow  // the latest five PIREPs
	Departures []FlightRow // the schedule's flights from Location
	FileURL    string      // the empty filing form

	News    []NewsCard // the airline's latest news
	NewsURL string     // the news section's fragment route, which it re-fetches
}

// RankProgress is the way to the next rank.
type RankProgress struct {
	NoRanks bool   // the airline has no ranks yet
	Top     bool   // no rank above: the pilot holds the highest they can reach by hours
	Next    string // the next rank's name
	Value   int64  // minutes flown, for the <progress> element
	Max     int64  // the next rank's minimum, in minutes
	Label   string // "12:30 of 20 hours to Captain"
}
