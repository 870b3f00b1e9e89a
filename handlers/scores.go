package handlers

import (
	"context"
	"fmt"
	"log/slog"
	"net/http"
	"strconv"
	"strings"
	"time"

	"github.com/alexedwards/scs/v2"
	"github.com/google/uuid"
	"github.com/labstack/echo/v4"

	"github.com/albatross-va/albatross/domain"
	"github.com/albatross-va/albatross/store/readmodel"
	"github.com/albatross-va/albatross/store/reads"
	"github.com/albatross-va/albatross/views"
)

// ScoreCommands sets an airline's landing-score bands and reads them
// (domain.Scores).
type ScoreCommands interface {
	Settings(ctx context.Context, airlineID string) (domain.Scoring, error)
	SetBands(ctx context.Context, meta domain.CommandMeta, airlineID string, f domain.ScoringForm) (domain.AppendResult, error)
}

func scoringURL(airlineID string) string      { return "/airlines/" + airlineID + "/scoring" }
func leaderboardsURL(airlineID string) string { return "/airlines/" + airlineID + "/leaderboards" }

// scoringHandlers are the staff's landing-score settings.
type scoringHandlers struct {
	cmds     ScoreCommands
	rm       reads.Querier
	sessions *scs.SessionManager
	readYourWrites
	log *slog.Logger
}

// scoreLinesOf says a set's bands and rules in words.
func scoreLinesOf(set domain.ScoringSet) []views.ScoreLine {
	var out []views.ScoreLine
	for _, b := range set.Bands {
		label := b.Label()
		out = append(out, views.ScoreLine{What: strings.ToUpper(label[:1]) + label[1:], Points: strconv.Itoa(int(b.Points)) + " points"})
	}
	for _, r := range set.Rules {
		switch r.Kind {
		case domain.ScoreRuleFuelOver:
			out = append(out, views.ScoreLine{What: fmt.Sprintf("Fuel used over %d lb", r.Threshold), Points: fmt.Sprintf("−%d", r.Points)})
		case domain.ScoreRuleShortFlight:
			out = append(out, views.ScoreLine{What: fmt.Sprintf("Flight time under %d min", r.Threshold), Points: fmt.Sprintf("−%d", r.Points)})
		case domain.ScoreRuleNoLandingRate:
			out = append(out, views.ScoreLine{What: "No landing rate reported", Points: strconv.Itoa(int(r.Points)) + " points"})
		}
	}
	return out
}

func versionText(set domain.ScoringSet) string {
	if set.Version == 0 {
		return "The default bands: the airline has not set its own."
	}
	return fmt.Sprintf("Version %d, set %s UTC.", set.Version, set.SetAt.UTC().Format("2 Jan 2006 15:04"))
}

// showScoring is the settings page, its form filled with the bands in force.
func (h *scoringHandlers) showScoring(c echo.Context) error {
	return h.renderScoring(c, http.StatusOK, nil)
}

// renderScoring draws the page; f nil fills the form from the bands in
// force, else it is what the user typed.
func (h *scoringHandlers) renderScoring(c echo.Context, status int, f *views.ScoringForm) error {
	tabs, _, err := airlineTabs(c, h.rm, "settings")
	if err != nil {
		return err
	}
	sc, err := h.cmds.Settings(c.Request().Context(), tabs.ID)
	if err != nil {
		return err
	}
	cur := sc.Current()
	p := views.ScoringPage{Page: page(c, tabs.Name+" · Landing scores"), Tabs: tabs, Notice: popFlash(c, h.sessions),
		Version: versionText(cur), Current: scoreLinesOf(cur), LeaderboardsURL: leaderboardsURL(tabs.ID)}
	if f == nil {
		d := domain.ScoringFormOf(cur)
		f = &views.ScoringForm{FuelOver: d.FuelOver, FuelOverPoints: d.FuelOverPoints, ShortFlight: d.ShortFlight,
			ShortFlightPoints: d.ShortFlightPoints, NoLandingRatePoints: d.NoLandingRatePoints}
		for _, b := range d.Bands {
			f.Bands = append(f.Bands, views.ScoreBandInput(b))
		}
	}
	f.CSRFToken, f.Action = p.CSRFToken, scoringURL(tabs.ID)
	if f.CommandID == "" {
		f.CommandID = domain.NewUUID()
	}
	p.Form = *f
	c.Response().Header().Set("Cache-Control", "no-store")
	return render(c, status, views.ScoringView(p), nil)
}

// saveScoring sets the airline's bands and rules from the form; bad input
// comes back with its messages beside the fields and nothing appended.
func (h *scoringHandlers) saveScoring(c echo.Context) error {
	var f views.ScoringForm
	readForm(c, &f)
	f.CommandID = c.FormValue("command_id")
	d := domain.ScoringForm{FuelOver: f.FuelOver, FuelOverPoints: f.FuelOverPoints, ShortFlight: f.ShortFlight,
		ShortFlightPoints: f.ShortFlightPoints, NoLandingRatePoints: f.NoLandingRatePoints}
	for i := range domain.ScoringBandRows {
		b := views.ScoreBandInput{From: c.FormValue(views.BandField(i, "from")), To: c.FormValue(views.BandField(i, "to")),
			Points: c.FormValue(views.BandField(i, "points"))}
		f.Bands = append(f.Bands, b)
		d.Bands = append(d.Bands, domain.ScoreBandInput(b))
	}
	airlineID := c.Param("id")
	res, err := h.cmds.SetBands(c.Request().Context(), commandMeta(c, f.CommandID), airlineID, d)
	if status, ok := formFailed(nil, err, formSlots{Errors: &f.Errors, CommandID: &f.CommandID}); ok {
		return h.renderScoring(c, status, &f)
	}
	if err != nil {
		return err
	}
	requestLogger(c, h.log).Info("scoring bands set", "airline", airlineID)
	return h.finish(c, h.sessions, res, scoringURL(airlineID), "Saved the landing-score bands. PIREPs accepted from now on score with them.")
}

// leaderboardHandlers are the pilots' leaderboards.
type leaderboardHandlers struct {
	rm     reads.Querier
	scores ScoreCommands
	now    func() time.Time
}

// leaderboardRows is how many rows each board shows.
const leaderboardRows = 10

// allTimeFrom and allTimeTo bound "all time" for the period queries.
var (
	allTimeFrom = time.Date(1900, 1, 1, 0, 0, 0, 0, time.UTC)
	allTimeTo   = time.Date(9999, 1, 1, 0, 0, 0, 0, time.UTC)
)

// showLeaderboards is the month's best landings and the points tables. A
// flight counts in the UTC month its block-on falls in, as on the
// statistics page.
func (h *leaderboardHandlers) showLeaderboards(c echo.Context) error {
	tabs, _, err := airlineTabs(c, h.rm, "stats")
	if err != nil {
		return err
	}
	ctx := c.Request().Context()
	now := h.now().UTC()
	from := time.Date(now.Year(), now.Month(), 1, 0, 0, 0, 0, time.UTC)
	to := from.AddDate(0, 1, 0)
	p := views.LeaderboardsPage{Page: page(c, tabs.Name+" · Leaderboards"), Tabs: tabs, URL: leaderboardsURL(tabs.ID), Month: from.Format("January 2006")}
	if domain.Authorize(currentActor(c), domain.ManageScoring, tabs.ID) == nil {
		p.ScoringURL = scoringURL(tabs.ID)
	}
	landings, err := h.rm.ListBestLandingsBetween(ctx, readmodel.ListBestLandingsBetweenParams{TenantID: tabs.ID, FromTime: from, ToTime: to, RowLimit: leaderboardRows})
	if err != nil {
		return err
	}
	for i, l := range landings {
		ac := l.Registration
		if l.AircraftIcao != "" {
			ac += " (" + l.AircraftIcao + ")"
		}
		p.Landings = append(p.Landings, views.BestLanding{Place: i + 1, PilotID: l.PilotIdent, Name: nameOr(l.Name), Flight: l.FlightNumber,
			Route: l.DptAirport + " → " + l.ArrAirport, Aircraft: ac, LandingRate: strconv.Itoa(int(l.LandingRate)) + " ft/min",
			Date: l.BlockOn.UTC().Format("2 Jan"), PirepURL: pirepsURL(tabs.ID) + "/" + l.ID.String()})
	}
	if p.MonthTable, err = h.points(ctx, tabs.ID, from, to); err != nil {
		return err
	}
	if p.AllTime, err = h.points(ctx, tabs.ID, allTimeFrom, allTimeTo); err != nil {
		return err
	}
	sc, err := h.scores.Settings(ctx, tabs.ID)
	if err != nil {
		return err
	}
	p.Bands = scoreLinesOf(sc.Current())
	c.Response().Header().Set("Cache-Control", "no-store")
	return render(c, http.StatusOK, views.LeaderboardsView(p), nil)
}

func nameOr(name string) string {
	if name == "" {
		return "someone no longer in the airline"
	}
	return name
}

func (h *leaderboardHandlers) points(ctx context.Context, airlineID string, from, to time.Time) ([]views.PointsRow, error) {
	rows, err := h.rm.ListPointsLeadersBetween(ctx, readmodel.ListPointsLeadersBetweenParams{TenantID: airlineID, FromTime: from, ToTime: to, RowLimit: leaderboardRows})
	if err != nil {
		return nil, err
	}
	out := make([]views.PointsRow, 0, len(rows))
	for i, r := range rows {
		out = append(out, views.PointsRow{Place: i + 1, PilotID: r.PilotIdent, Name: nameOr(r.Name), Points: strconv.FormatInt(r.Points, 10),
			Flights: strconv.FormatInt(r.Flights, 10), Average: averageScore(r.Points, r.Flights)})
	}
	return out, nil
}

// averageScore is points over flights, rounded, "" with no flight.
func averageScore(points, flights int64) string {
	if flights == 0 {
		return ""
	}
	return strconv.FormatInt((points*10/flights+5)/10, 10)
}

// pirepScoreOf is a PIREP's score as its page shows it, nil before it was
// scored.
func pirepScoreOf(ctx context.Context, rm reads.Querier, airlineID string, p reads.Pirep) (*views.PirepScoreView, error) {
	id, err := uuid.Parse(p.ID)
	if err != nil {
		return nil, nil
	}
	s, err := rm.GetPirepScore(ctx, readmodel.GetPirepScoreParams{TenantID: airlineID, PirepID: id})
	switch domain.ErrorCode(err) {
	case "":
	case domain.ENotFound:
		return nil, nil
	default:
		return nil, err
	}
	v := &views.PirepScoreView{Score: strconv.Itoa(int(s.Score)), Lines: strings.Split(s.Breakdown, "\n"),
		Version: "the default bands", Counted: p.State == domain.PirepAccepted}
	if s.BandsVersion > 0 {
		v.Version = fmt.Sprintf("the airline's bands, version %d", s.BandsVersion)
	}
	return v, nil
}

// pilotAverageScore is a pilot's average landing score over their PIREPs
// accepted now, "" with none.
func pilotAverageScore(ctx context.Context, rm reads.Querier, airlineID string, pilot uuid.UUID) (string, error) {
	s, err := rm.SumPilotScores(ctx, readmodel.SumPilotScoresParams{TenantID: airlineID, PilotID: pilot})
	if err != nil || s.Flights == 0 {
		return "", err
	}
	return averageScore(s.Points, s.Flights) + " / 100", nil
}
