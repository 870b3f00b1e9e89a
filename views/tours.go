package views

// TourSummary is one tour as the lists, the tour's page and a pilot's
// dashboard show it, with the pilot's own progress.
type TourSummary struct {
	ID          string
	URL         string
	Name        string
	Description string
	Dates       string // "1 Dec 2026 – 31 Dec 2026", "" when open
	AnyOrder    bool
	Legs        int
	Flown       int    // the pilot's legs flown
	Next        string // the pilot's next leg in words, "" when done or none
	Done        bool
}

// TourLegRow is one leg on the tour's page, with the pilot's progress.
type TourLegRow struct {
	N     int // 1 first
	Text  string
	Flown bool
	Next  bool
}

// TourLeader is one pilot on a tour's leaderboard.
type TourLeader struct {
	Place    int
	Name     string
	PilotID  string
	Finished string
	Me       bool
}

// TourForm creates or edits a tour, as typed.
type TourForm struct {
	CSRFToken   string
	CommandID   string `form:"command_id"`
	Action      string
	Name        string `form:"name"`
	Description string `form:"description"`
	Legs        string `form:"legs"`
	AnyOrder    bool   `form:"any_order"`
	StartsOn    string `form:"starts_on"`
	EndsOn      string `form:"ends_on"`
	Submit      string
	Errors      map[string]string
}

// ToursPage is an airline's tours: the list with the member's progress,
// and for staff the form that creates one.
type ToursPage struct {
	Page
	Tabs   AirlineTabs
	Notice string
	Tours  []TourSummary
	Manage bool
	Form   TourForm
}

// TourPage is one tour: its legs with the member's progress, and its
// leaderboard; for staff a link to edit it.
type TourPage struct {
	Page
	Tabs    AirlineTabs
	Notice  string
	Tour    TourSummary
	Legs    []TourLegRow
	Leaders []TourLeader
	Manage  bool
	EditURL string
	URL     string // the page's address; its live section is URL + "/live"
}

// TourEditPage is the staff's form that edits a tour, and deletes it.
type TourEditPage struct {
	Page
	Tabs         AirlineTabs
	Tour         TourSummary
	Form         TourForm
	DeleteAction string
}
