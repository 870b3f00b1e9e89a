package views

// SimbriefPlanPage is "Plan with SimBrief" for one schedule flight: the
// aircraft to plan with, then the link that opens SimBrief's dispatch
// with the form Albatross filled, or why a plan could not be fetched.
type SimbriefPlanPage struct {
	Page
	Tabs      AirlineTabs
	Flight    string // its ident, e.g. ALB123 OMAA–OMDB
	FlightURL string
	Action    string
	// Configured is whether the airline has a SimBrief API key.
	Configured bool
	Aircraft   []Option
	Chosen     string
	// DispatchURL opens SimBrief's dispatch with the filled form; empty
	// until the pilot prepared the plan.
	DispatchURL string
	// Briefing is the address of the pilot's current OFP of this flight.
	Briefing string
	// Failure says why the OFP could not be fetched; RetryURL fetches again.
	Failure  string
	RetryURL string
	Errors   map[string]string
}

// Option is one choice of a select.
type Option struct{ Value, Label string }

// SimbriefBriefingPage is an OFP's briefing.
type SimbriefBriefingPage struct {
	Page
	Tabs                   AirlineTabs
	Title                  string // e.g. VMS112 OMAA → OMDB
	FlightURL              string
	Origin, Destination    string
	Alternate              string
	Aircraft, Registration string
	Route                  string
	InitialLevel           string // FL160
	PlannedLevel           string // FL380, as phpVMS reads the OFP
	AirDistance            string // nmi
	Units                  string
	Fuel                   []Row
	Times                  []Row
	Weather                []Row
	FlightPlan             string
	Files                  []Link
	Images                 []Link
	Prefiles               []PrefileForm
	Fetched                string
	Notice                 string
}

// Row is one labelled value.
type Row struct{ Label, Value string }

// Link is a named address.
type Link struct{ Name, URL string }

// PrefileForm prefiles the flight on an online network: a link for a GET
// form, a form of hidden fields for a POST one.
type PrefileForm struct {
	Network, Method, Action string
	Fields                  []Row // Label is the field's name
	LinkURL                 string
}

// SimbriefSettingsPage is an airline's SimBrief settings: whether a key is
// set (never the key), and the OFP lifetime.
type SimbriefSettingsPage struct {
	Page
	Tabs        AirlineTabs
	Action      string
	KeySet      bool
	ExpireHours string
	Errors      map[string]string
	Notice      string
}
