package handlers

import (
	"net/http"
	"strings"

	"github.com/labstack/echo/v4"

	"github.com/albatross-va/albatross/domain"
)

// phpVMS's routes for what Albatross does otherwise, answered as a phpVMS
// without that data answers, so a client that calls them goes on.

// showNews is GET /api/news: the airline's news, newest first, a page at
// a time, each as phpVMS's News resource (subject, body, user). The body
// is the Markdown as posted, as phpVMS gives the body it stores.
func (h *phpvmsAPI) showNews(c echo.Context) error {
	p, err := readPhpvmsPage(c)
	if err != nil {
		return err
	}
	a, err := phpvmsAirline(c)
	if err != nil {
		return err
	}
	ctx := c.Request().Context()
	total, err := h.rm.CountNews(ctx, a.ID)
	if err != nil {
		return err
	}
	items, err := h.rm.NewsPage(ctx, a.ID, p.offset(), p.Size)
	if err != nil {
		return err
	}
	authors := map[string]any{}
	out := make([]any, 0, len(items))
	for _, n := range items {
		user, ok := authors[n.AuthorID]
		if !ok {
			user = nil
			if u, err := h.rm.FindPerson(ctx, a.ID, n.AuthorID); err == nil {
				user = map[string]any{"id": u.PilotNumber, "name": shortName(u.Name)}
			} else if domain.ErrorCode(err) != domain.ENotFound {
				return err
			}
			authors[n.AuthorID] = user
		}
		var userID any
		if m, ok := user.(map[string]any); ok {
			userID = m["id"]
		}
		out = append(out, map[string]any{"id": n.Number, "user_id": userID, "subject": n.Title, "body": n.Body,
			"created_at": phpvmsTime(n.PostedAt), "updated_at": phpvmsTime(n.UpdatedAt), "user": user})
	}
	return phpvmsPaged(c, p, out, int(total))
}

// runCron is GET /api/cron/{id}: phpVMS runs its scheduler when the id is
// its secret. Albatross runs its jobs itself in every process, so no id
// is right.
func (h *phpvmsAPI) runCron(c echo.Context) error {
	return phpvmsRefusal(http.StatusBadRequest, "cron-invalid", "Albatross runs its scheduled jobs itself; there is no cron to call.")
}

// showFlightRoute is GET /api/flights/{id}/route: phpVMS resolves the
// route string against its navdata table. Albatross has no navdata: the
// route's waypoints that are airports of the airline are all it can place.
func (h *phpvmsAPI) showFlightRoute(c echo.Context) error {
	fl, err := h.keyFleet(c)
	if err != nil {
		return err
	}
	f, err := h.findFlight(c, fl)
	if err != nil {
		return err
	}
	a, _ := phpvmsAirline(c)
	names := strings.Fields(f.Route)
	found, err := h.rm.AirportsAmong(c.Request().Context(), a.ID, names)
	if err != nil {
		return err
	}
	at := map[string]domain.AirportDetails{}
	for _, ap := range found {
		at[ap.ICAO] = ap
	}
	out := []any{}
	for _, n := range names {
		if ap, ok := at[n]; ok {
			out = append(out, map[string]any{"id": ap.ICAO, "name": ap.Name, "lat": ap.Latitude, "lon": ap.Longitude, "freq": nil,
				"type": map[string]any{"type": 5, "name": "Airport"}})
		}
	}
	return phpvmsData(c, out)
}
