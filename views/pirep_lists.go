package views

import "strconv"

// The view models of an airline's read pages: the staff's list of every
// PIREP, the roster and the airline's statistics.

// PirepListFilter is the list's filter form as typed (a GET query string),
// with what its selects offer and each field's message.
type PirepListFilter struct {
	State, Pilot, Airport, Aircraft string
	From, To                        string // dates, 2006-01-02, UTC
	Sort                            string
	StateOptions                    [][2]string
	PilotBox                        PilotSearchBox
	AircraftOptions                 [][2]string
	SortOptions                     [][2]string
	Errors                          map[string]string
}

// PirepListPage is the staff's list of every PIREP of the airline.
type PirepListPage struct {
	Page
	Tabs   AirlineTabs
	Filter PirepListFilter
	// URL is this page with its query, which the list re-fetches on a change.
	URL  string
	Rows []PirepRow
	// Showing is "Showing 51–100 of 120"; empty when nothing matches.
	Showing          string
	PageNumber       int
	Pages            int
	PrevURL, NextURL string
}

// RosterRow is one pilot on the roster.
type RosterRow struct {
	PilotID  string // ALB0001; empty for an airline admin who flies without one
	Name     string
	Rank     string
	Hours    string // h:mm
	Flights  string
	Location string
	OnLeave  bool
}

// RosterPage is a page of an airline's pilots.
type RosterPage struct {
	Page
	Tabs AirlineTabs
	// URL is this page of the roster, with its page number.
	URL  string
	Rows []RosterRow
	// Showing is "Showing 51–100 of 120 pilots"; empty when there are none.
	Showing string
	Pager   Pager
}

// TopPilot is one line of the month's top pilots.
type TopPilot struct {
	Place   int
	PilotID string
	Name    string
	Hours   string
	Flights string
}

// StatsPage is an airline's flights and hours this month and in total,
// and the month's top pilots.
type StatsPage struct {
	Page
	Tabs                     AirlineTabs
	Month                    string // November 2026
	MonthFlights, MonthHours string
	TotalFlights, TotalHours string
	TopPilots                []TopPilot
	// Charts are the last 90 days' flights and hours, top routes and
	// aircraft types, drawn on the server (scores.templ).
	Charts StatsCharts
	// LeaderboardsURL is the landing scores' leaderboards.
	LeaderboardsURL string
}

// PilotSearchBox is the list's pilot filter: staff type the start of a
// pilot id or part of a name, matching pilots appear as they type, and
// picking one fills the input with their pilot id (their name for someone
// without one). The page reads only the pilots it suggests or names, not
// the whole roster.
type PilotSearchBox struct {
	ID      string // unique in the page; the input is ID-input, the results ID-results
	Value   string // the input as typed or picked
	Error   string
	URL     string // the search address; htmx adds the input's value as pilot
	Results []PilotOption
	Query   string // what was searched; "" shows no result count
	Picked  string // the chosen pilot as lists name them; "" for any
}

// PilotOption is one suggested pilot.
type PilotOption struct {
	ID, Label string
}

// PickURL is the address that fills the box with one pilot.
func (b PilotSearchBox) PickURL(id string) string { return b.URL + "?pick=" + id }

func (b PilotSearchBox) countText() string {
	switch len(b.Results) {
	case 0:
		return "No pilot matches " + strconv.Quote(b.Query) + "."
	case 1:
		return "1 pilot found."
	}
	return strconv.Itoa(len(b.Results)) + " pilots found."
}
