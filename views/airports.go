package views

import (
	"strconv"
	"strings"
)

// AirportRow is one airport of an airline's list.
type AirportRow struct {
	ICAO, IATA, Name, City, Country string
	Hub                             bool
	Latitude, Longitude             string
	Elevation                       int32
}

// AirportOption is one result of the airport search box.
type AirportOption struct {
	ICAO, IATA, Name, City, Country string
}

// Place is the airport's name and where it is, as far as known.
func (o AirportOption) Place() string {
	where := strings.TrimSpace(o.City + " " + o.Country)
	switch {
	case where == "":
		return o.Name
	case o.Name == "":
		return where
	}
	return o.Name + ", " + where
}

// AirportSearchBox is the airport search box of a form: a text input named
// as the form wants and the airports matching what is typed, to pick from.
type AirportSearchBox struct {
	ID      string // unique in the page; the input is ID-input, the results ID-results
	Name    string // the input's name in the form
	Label   string
	Value   string
	Error   string
	URL     string // the search address; htmx adds the input's value as Name
	Results []AirportOption
	Query   string // what was searched; "" shows no result count
	Picked  *AirportOption
}

// PickURL is the address that fills the box with one result.
func (b AirportSearchBox) PickURL(icao string) string { return b.URL + "&pick=" + icao }

func (b AirportSearchBox) countText() string {
	switch len(b.Results) {
	case 0:
		return "No airport matches " + strconv.Quote(b.Query) + "."
	case 1:
		return "1 airport found."
	}
	return strconv.Itoa(len(b.Results)) + " airports found."
}

// AirportForm is the add and edit form of an airport; numbers stay text so
// a wrong one comes back as typed.
type AirportForm struct {
	CSRFToken, AirlineID string
	ICAO                 string `form:"icao"`
	IATA                 string `form:"iata"`
	Name                 string `form:"name"`
	City                 string `form:"location"`
	Region               string `form:"region"`
	Country              string `form:"country"`
	Timezone             string `form:"timezone"`
	Lat                  string `form:"lat"`
	Lon                  string `form:"lon"`
	Elevation            string `form:"elevation"`
	GroundHandlingCost   string `form:"ground_handling_cost"`
	Fuel100LL            string `form:"fuel_100ll_cost"`
	FuelJetA             string `form:"fuel_jeta_cost"`
	FuelMogas            string `form:"fuel_mogas_cost"`
	Notes                string `form:"notes"`
	Hub                  bool   `form:"hub"`
	Errors               map[string]string
	Message              string
}

// AirportsPage is an airline's airport list with the add form.
type AirportsPage struct {
	Page
	Tabs      AirlineTabs
	Airports  []AirportRow
	CanManage bool
	Add       AirportForm
	Search    AirportSearchBox // the add form's ICAO box, on the world reference
	Find      AirportSearchBox // a search of the airline's own airports
	Notice    string
}

// AirportPage is one airport with its edit form.
type AirportPage struct {
	Page
	Tabs      AirlineTabs
	Form      AirportForm
	CanManage bool
	Saved     bool
}

// ImportsPage is the upload form and the airline's recent imports.
type ImportsPage struct {
	Page
	Tabs   AirlineTabs
	Kinds  [][2]string
	Kind   string
	Error  string
	Recent []ImportJob
}

// ImportJob is an import job as its page shows it.
type ImportJob struct {
	ID, AirlineID, Kind, FileName, State, Message string
	Rows, Valid, Total, Done                      int
	Created, Updated, Unchanged                   int
	Problems                                      []ImportProblem
	ProblemCount                                  int // all problems; Problems holds the first of them
	OnlyValid                                     bool
	CSRFToken                                     string

	// Encoding is how the file was read: "UTF-8" or "Windows-1252".
	Encoding string
	// Applied and NotApplied are the rows saved and not saved of a job
	// that did not apply all its checked rows, as ranges ("2-40, 42").
	Applied, NotApplied string
	// Notes are what the admin should know that is no problem: columns
	// ignored, airports added from the world reference, subfleets created.
	Notes []string
	// ResultURL is the page of what the file created, NextURL the upload
	// of the next file in the order ("" after flights).
	ResultURL, ResultLabel string
	NextURL, NextLabel     string
}

// ImportProblem is one line of a job's problem report.
type ImportProblem struct {
	Line    int
	Column  string
	Message string
}

// ImportJobPage is one job's page.
type ImportJobPage struct {
	Page
	Tabs AirlineTabs
	Job  ImportJob
}

// Imported is how many rows a job has saved.
func (j ImportJob) Imported() int { return j.Created + j.Updated + j.Unchanged }

// Percent is how far a job is, 0 to 100.
func (j ImportJob) Percent() int {
	if j.Total == 0 {
		return 0
	}
	return j.Done * 100 / j.Total
}

// count writes n things: "1 problem", "2 problems".
func count(n int, one, many string) string {
	if n == 1 {
		return "1 " + one
	}
	return strconv.Itoa(n) + " " + many
}

// Lead is the problem that says what is wrong with the file as a whole (a
// file of another kind, files to import first), for the job's status
// line; "" when every problem is a row's or a column's.
func (j ImportJob) Lead() string {
	if len(j.Problems) > 0 && j.Problems[0].Column == "" {
		return j.Problems[0].Message
	}
	return ""
}

// TableProblems are the problems the job's table lists: all but the lead,
// which the status line says.
func (j ImportJob) TableProblems() []ImportProblem {
	if j.Lead() != "" {
		return j.Problems[1:]
	}
	return j.Problems
}
