package handlers

import (
	"fmt"
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

// showRoster is a page of the roster, by pilot id, with how many pilots
// the airline has.
func (h *rosterHandlers) showRoster(c echo.Context) error {
	tabs, _, err := airlineTabs(c, h.rm, "roster")
	if err != nil {
		return err
	}
	roster, err := h.rm.RosterPage(c.Request().Context(), tabs.ID, pageParam(c), listPageSize)
	if err != nil {
		return err
	}
	base := "/airlines/" + tabs.ID + "/roster"
	p := views.RosterPage{Page: page(c, tabs.Name+" · Roster"), Tabs: tabs, URL: pageURL(base, roster.Page),
		Pager: pagerOf("Roster pages", base, roster.Paging)}
	if len(roster.Pilots) > 0 {
		p.Showing = fmt.Sprintf("Showing %d–%d of %d %s", roster.Offset+1, roster.Offset+len(roster.Pilots), roster.Total,
			plural(roster.Total, "pilot", "pilots"))
	}
	onLeave, err := h.rm.OnLeave(c.Request().Context(), tabs.ID, today())
	if err != nil {
		return err
	}
	p.Rows = make([]views.RosterRow, 0, len(roster.Pilots))
	for _, r := range roster.Pilots {
		row := views.RosterRow{PilotID: r.PilotID, Name: r.Name, Rank: r.Rank, Hours: domain.FormatFlightTime(r.Minutes),
			Flights: strconv.FormatInt(r.Flights, 10), Location: r.Location, OnLeave: onLeave[r.ID]}
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

// plural is one or many as n says.
func plural(n int64, one, many string) string {
	if n == 1 {
		return one
	}
	return many
}
