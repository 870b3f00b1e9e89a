package views

// The view models of the airline, people, registration and home pages.

// AirlineTabs heads every page of one airline's management.
type AirlineTabs struct {
	ID        string
	Name      string
	ICAO      string
	Slug      string
	Suspended bool
	Current   string // "dashboard", "profile", "people", "fleet", "airports", "flights", "pireps", "pireps-all", "roster", "stats", "ranks" or "settings"
	// PilotView hides the staff's tabs from a pilot.
	PilotView bool
	// Dashboard shows the viewer's own dashboard tab: they fly for the
	// airline (a platform admin does not).
	Dashboard bool
}

// ProfileForm is an airline's editable profile.
type ProfileForm struct {
	CSRFToken     string
	AirlineID     string
	Name          string `form:"name"`
	ICAO          string `form:"icao"`
	Slug          string `form:"slug"`
	IATA          string `form:"iata"`
	PilotIDPrefix string `form:"pilot_id_prefix"`
	Registration  string `form:"registration"`
	Errors        map[string]string
	Message       string
	Saved         bool
}

// AirlinePage is the profile page of one airline: the form, and for a
// platform admin the suspension controls.
type AirlinePage struct {
	Page
	Tabs       AirlineTabs
	Form       ProfileForm
	CanSuspend bool
	Reason     string // the suspension reason, as typed
	Errors     map[string]string
}

// PersonRow is one person in an airline's list.
type PersonRow struct {
	ID      string
	PilotID string
	Name    string
	Email   string
	Country string
	Role    string // as shown: Pilot, Airline admin
	// RoleValue is the role as stored: pilot or airline_admin.
	RoleValue string
	Status    string // pending, active, rejected, suspended
	Reason    string
}

// PersonForm is the create-person form.
type PersonForm struct {
	CSRFToken string
	AirlineID string
	CommandID string `form:"command_id"`
	Name      string `form:"name"`
	Email     string `form:"email"`
	Country   string `form:"country"`
	Role      string `form:"role"`
	Errors    map[string]string
	Message   string
}

// OneTimePassword is a password shown once, right after it was issued.
type OneTimePassword struct {
	For      string // the person's name
	Login    string
	Password string
	LoginURL string // where they log in, as the staff member's browser reached it
}

// PeoplePage lists an airline's people: registrations waiting for a
// decision first, then everyone, and the create form.
type PeoplePage struct {
	Page
	Tabs    AirlineTabs
	Pending []PersonRow
	People  []PersonRow
	Form    PersonForm
	Issued  *OneTimePassword
	Notice  string
}

// HistoryEntry is one event of a person's history.
type HistoryEntry struct {
	When string
	Who  string
	// Because says whose change an automatic one followed ("when Alice
	// Admin accepted a PIREP"); "" for any other.
	Because string
	What    string
}

// by says who made the change: "by Alice Admin", or "by Albatross, when
// Alice Admin accepted a PIREP".
func (h HistoryEntry) by() string {
	if h.Because == "" {
		return "by " + h.Who
	}
	return "by " + h.Who + ", " + h.Because
}

// PersonPage is one person with their history and the staff's actions.
type PersonPage struct {
	Page
	Tabs      AirlineTabs
	Person    PersonRow
	History   []HistoryEntry
	CanManage bool // staff may suspend, reactivate and reset (not themselves)
	CanDecide bool // staff may approve or reject a pending registration
	Issued    *OneTimePassword
	Notice    string
	Errors    map[string]string
	Reason    string
	Rank      *PersonRank // nil for a person without a career (a pending registration)
	// Ratings are the type ratings the person holds; nil like Rank.
	Ratings *PersonRatings
}

// PublicAirlinePage is the page anyone sees at /a/{slug}.
type PublicAirlinePage struct {
	Page
	Name         string
	ICAO         string
	Slug         string
	Pilots       int
	Registration string // open, approval or closed
	Suspended    bool
	Live         LiveMap    // the flights in progress, without their tracks
	ShowLive     bool       // the airline shows its live map here
	News         []NewsCard // the airline's latest news
	// Flights and Hours are what the airline's accepted PIREPs add up to;
	// Routes is how many flights its schedule offers.
	Flights int64
	Hours   string
	Routes  int64
	Hubs    []PublicHub
	Fleet   []PublicSubfleet // subfleets with aircraft in service
	Recent  []PublicFlight   // the latest accepted flights, newest first
}

// PublicHub is one of an airline's hubs as anyone sees it.
type PublicHub struct {
	ICAO, Name, City, Country string
}

// PublicSubfleet is a subfleet on the public page: its name, type and how
// many aircraft it has in service.
type PublicSubfleet struct {
	Name, Type string
	Aircraft   int
}

// PublicFlight is an accepted flight on the public page, its pilot named
// as the airline names them publicly ("Jane D").
type PublicFlight struct {
	Ident, Dpt, Arr, Pilot, Date, Duration string
	PilotURL                               string // the pilot's public profile; "" when it is not public
}

// RegisterForm is the registration form of an airline.
type RegisterForm struct {
	Page
	AirlineName string
	Slug        string
	CommandID   string `form:"command_id"`
	Name        string `form:"name"`
	Email       string `form:"email"`
	Country     string `form:"country"`
	HomeAirport string `form:"home_airport"`
	// Hubs are the airline's hubs to choose a home from (ICAO, label);
	// none leaves the field out.
	Hubs    [][2]string
	Errors  map[string]string
	Message string
}

// hubOptions are the home hub select's choices, a prompt first.
func (f RegisterForm) hubOptions() [][2]string {
	return append([][2]string{{"", "Choose your home hub"}}, f.Hubs...)
}

// RegisteredPage thanks a person who registered.
type RegisteredPage struct {
	Page
	AirlineName string
	Approved    bool
}

// HomePage is what a pilot or airline admin sees after login.
type HomePage struct {
	Page
	Name        string
	PilotID     string
	Role        string
	AirlineName string
	AirlineSlug string
	ManageURL   string
	// DashboardURL is the member's own dashboard, for staff who fly too.
	DashboardURL string
	// Admin is what waits for an airline admin and their airline's first
	// steps; nil for anyone else.
	Admin *AdminHome
}

// tabLabel is the name of the airline tab AirlineTabs.Current names.
func tabLabel(current string) string {
	switch current {
	case "dashboard":
		return "Dashboard"
	case "profile":
		return "Profile"
	case "people":
		return "People"
	case "airports":
		return "Airports"
	case "fleet":
		return "Fleet"
	case "flights":
		return "Flights"
	case "live":
		return "Live"
	case "tours":
		return "Tours"
	case "pireps":
		return "PIREPs"
	case "pireps-all":
		return "All PIREPs"
	case "ranks":
		return "Ranks"
	case "news":
		return "News"
	case "settings":
		return "PIREP settings"
	case "webhooks":
		return "Webhooks"
	case "roster":
		return "Roster"
	case "leave":
		return "Leave"
	case "my-leave":
		return "My leave"
	case "stats":
		return "Stats"
	}
	return "Airline pages"
}
