package handlers

import (
	"net/http"
	"strconv"

	"github.com/labstack/echo/v4"

	"github.com/albatross-va/albatross/domain"
	"github.com/albatross-va/albatross/store/reads"
	"github.com/albatross-va/albatross/views"
)

// rosterHandlers are an airline's roster: its pilots with their rank,
// hours, flights and location, for everyone in the airline.
type rosterHandlers struct {
	rm reads.Querier
}

// showRoster is the roster, by pilot id.
func (h *rosterHandlers) showRoster(c echo.Context) error {
	tabs, _, err := airlineTabs(c, h.rm, "roster")
	if err != nil {
		return err
	}
	rows, err := h.rm.ListRoster(c.Request().Context(), tabs.ID)
	if err != nil {
		return err
	}
	p := views.RosterPage{Page: page(c, tabs.Name+" · Roster"), Tabs: tabs}
	for _, r := range rows {
		row := views.RosterRow{PilotID: r.PilotID, Name: r.Name, Rank: r.RankName, Hours: domain.FormatFlightTime(r.Minutes),
			Flights: strconv.FormatInt(r.Flights, 10), Location: r.Location}
		if row.Rank == "" {
			row.Rank = "-"
		}
		if row.Location == "" {
			row.Location = "-"
		}
		p.Rows = append(p.Rows, row)
	}
	c.Response().Header().Set("Cache-Control", "no-store")
	return render(c, http.StatusOK, views.RosterView(p), nil)
}
