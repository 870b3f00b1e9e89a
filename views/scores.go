package views

import (
	"fmt"
	"strconv"

	"github.com/albatross-va/albatross/domain/live"
)

// ScoringPage is the staff's landing-score settings: the bands and rules in
// force and the form that sets new ones.
type ScoringPage struct {
	Page
	Tabs    AirlineTabs
	Notice  string
	Version string // "Version 3, set 8 Dec 2026 00:10 UTC" or the default's words
	Current []ScoreLine
	Form    ScoringForm
	// LeaderboardsURL is where the pilots see the scores.
	LeaderboardsURL string
}

// ScoreLine is one band or rule in words, with its points.
type ScoreLine struct {
	What, Points string
}

// ScoreBandInput is one band row of the form as typed.
type ScoreBandInput struct {
	From, To, Points string
}

// ScoringForm is the settings form: up to six bands, and the three rules
// (blank: off), as typed.
type ScoringForm struct {
	CSRFToken, CommandID, Action string

	Bands               []ScoreBandInput
	FuelOver            string `form:"fuel_over"`
	FuelOverPoints      string `form:"fuel_over_points"`
	ShortFlight         string `form:"short_flight"`
	ShortFlightPoints   string `form:"short_flight_points"`
	NoLandingRatePoints string `form:"no_landing_rate_points"`
	Errors              map[string]string
}

// BandField is the name of a band row's field: band_{i}_{part}.
func BandField(i int, part string) string { return "band_" + strconv.Itoa(i) + "_" + part }

// LeaderboardsPage is the month's best landings and the points tables.
type LeaderboardsPage struct {
	Page
	Tabs       AirlineTabs
	URL        string // the page's address, which its live section re-fetches
	Month      string // December 2026
	Landings   []BestLanding
	MonthTable []PointsRow
	AllTime    []PointsRow
	// ScoringURL is the settings page, for staff; "" for pilots.
	ScoringURL string
	Bands      []ScoreLine // how landings score now
}

// BestLanding is one of the month's softest landings.
type BestLanding struct {
	Place                       int
	PilotID, Name               string
	Flight, Route, Aircraft     string
	LandingRate, Date, PirepURL string
}

// PointsRow is a pilot's points in a period.
type PointsRow struct {
	Place                    int
	PilotID, Name            string
	Points, Flights, Average string
}

// PirepScoreView is a PIREP's landing score on its page.
type PirepScoreView struct {
	Score   string   // "80"
	Lines   []string // how it was made
	Version string   // "the airline's bands, version 2" or "the default bands"
	Counted bool     // false while the PIREP is not accepted: off the boards
}

// StatsCharts are the statistics page's charts, drawn on the server.
type StatsCharts struct {
	Days          string // "the last 90 days (UTC), 9 Sep to 7 Dec 2026"
	FlightsPerDay BarChart
	HoursPerDay   BarChart
	TopRoutes     BarChart
	AircraftTypes BarChart
}

// Bar is one bar of a chart: its label, its value and the value in words.
type Bar struct {
	Label string
	Value float64
	Text  string
}

// BarChart is a chart of bars with its accessible name and a table of the
// same figures.
type BarChart struct {
	ID     string // unique in the page: the SVG's title and description ids start with it
	Title  string
	Desc   string // the figures in one sentence
	Column string // the table's value column heading
	Bars   []Bar
}

// The geometry of the charts, in SVG user units: a column chart of days is
// chartWidth wide with one slot a day; a bar chart of rows has a label
// column, then the bars. Both are drawn near 1:1 at a 390 px phone, so the
// text stays readable there, and scale up to the page's width.
const (
	chartWidth  = 360
	chartHeight = 140
	barsTop     = 16 // room for the maximum's label
	barsBottom  = 18 // room for the first and last day's labels
	rowHeight   = 24
	labelWidth  = 110
)

// maxValue is the largest bar's value, at least 1 so an empty chart has an
// axis.
func (c BarChart) maxValue() float64 {
	m := 1.0
	for _, b := range c.Bars {
		m = max(m, b.Value)
	}
	return m
}

// column is one day's bar's rectangle.
type column struct {
	X, Y, W, H string
	Bar        Bar
}

// columns lays out a column chart.
func (c BarChart) columns() []column {
	if len(c.Bars) == 0 {
		return nil
	}
	slot := float64(chartWidth) / float64(len(c.Bars))
	plot := float64(chartHeight - barsTop - barsBottom)
	m := c.maxValue()
	out := make([]column, len(c.Bars))
	for i, b := range c.Bars {
		h := plot * b.Value / m
		out[i] = column{X: num(float64(i) * slot), Y: num(float64(barsTop) + plot - h), W: num(max(slot-1, 1)), H: num(h), Bar: b}
	}
	return out
}

// row is one bar of a row chart.
type row struct {
	Y, TextY, W, ValueX string
	Bar                 Bar
}

// rows lays out a row chart.
func (c BarChart) rows() []row {
	m := c.maxValue()
	span := float64(chartWidth - labelWidth - 40)
	out := make([]row, len(c.Bars))
	for i, b := range c.Bars {
		w := span * b.Value / m
		out[i] = row{Y: num(float64(i*rowHeight + 4)), TextY: num(float64(i*rowHeight + 17)), W: num(w),
			ValueX: num(float64(labelWidth) + w + 4), Bar: b}
	}
	return out
}

func (c BarChart) rowsHeight() string { return strconv.Itoa(max(len(c.Bars), 1) * rowHeight) }

func (c BarChart) maxLabel() string {
	top := -1
	for i, b := range c.Bars {
		if b.Value > 0 && (top < 0 || b.Value > c.Bars[top].Value) {
			top = i
		}
	}
	if top < 0 {
		return ""
	}
	return "max " + c.Bars[top].Text
}

func (c BarChart) firstLabel() string {
	if len(c.Bars) == 0 {
		return ""
	}
	return c.Bars[0].Label
}

func (c BarChart) lastLabel() string {
	if len(c.Bars) == 0 {
		return ""
	}
	return c.Bars[len(c.Bars)-1].Label
}

func num(x float64) string { return strconv.FormatFloat(x, 'f', 1, 64) }

func viewBox(w int, h string) string { return fmt.Sprintf("0 0 %d %s", w, h) }

// LiveLeaderboards is the leaderboards page's live section.
const LiveLeaderboards = "leaderboards"

// leaderboardsTrigger wakes the leaderboards at a score, and at an
// acceptance or rejection, which puts a score on the boards or takes it off.
var leaderboardsTrigger = live.Trigger(live.TopicScores, live.TopicPilotTotals, live.TopicUsers, live.TopicResync)
