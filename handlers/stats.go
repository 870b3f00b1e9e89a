package handlers

import (
	"net/http"
	"strconv"
	"time"

	"github.com/labstack/echo/v4"

	"github.com/albatross-va/albatross/domain"
	"github.com/albatross-va/albatross/store/reads"
	"github.com/albatross-va/albatross/views"
)

// statsHandlers are an airline's statistics: flights and hours this month
// and in total, and the month's top pilots. Only accepted PIREPs count, and
// a flight counts in the UTC calendar month its block-on falls in: the
// month it was completed, whenever it was filed or reviewed.
type statsHandlers struct {
	rm  reads.Querier
	now func() time.Time
}

// topPilots is how many pilots the month's table shows.
const topPilots = 10

// showStats is the statistics page.
func (h *statsHandlers) showStats(c echo.Context) error {
	tabs, _, err := airlineTabs(c, h.rm, "stats")
	if err != nil {
		return err
	}
	ctx := c.Request().Context()
	now := h.now().UTC()
	from := time.Date(now.Year(), now.Month(), 1, 0, 0, 0, 0, time.UTC)
	to := from.AddDate(0, 1, 0)
	stats, err := h.rm.Stats(ctx, tabs.ID, from, to, topPilots)
	if err != nil {
		return err
	}
	p := views.StatsPage{Page: page(c, tabs.Name+" · Statistics"), Tabs: tabs, Month: from.Format("January 2006"),
		MonthFlights: strconv.FormatInt(stats.Period.Flights, 10), MonthHours: domain.FormatFlightTime(stats.Period.Minutes),
		TotalFlights: strconv.FormatInt(stats.AllTime.Flights, 10), TotalHours: domain.FormatFlightTime(stats.AllTime.Minutes)}
	for i, r := range stats.TopPilots {
		name := r.Name
		if name == "" {
			name = "someone no longer in the airline"
		}
		p.TopPilots = append(p.TopPilots, views.TopPilot{Place: i + 1, PilotID: r.PilotID, Name: name,
			Hours: domain.FormatFlightTime(r.Minutes), Flights: strconv.FormatInt(r.Flights, 10)})
	}
	if p.Charts, err = statsChartsOf(ctx, h.rm, tabs.ID, now); err != nil {
		return err
	}
	p.LeaderboardsURL = leaderboardsURL(tabs.ID)
	c.Response().Header().Set("Cache-Control", "no-store")
	return render(c, http.StatusOK, views.StatsView(p), nil)
}
