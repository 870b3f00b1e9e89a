package handlers

import (
	"net/http"
	"strconv"

	"github.com/labstack/echo/v4"

	"github.com/albatross-va/albatross/domain"
)

// phpVMS's other flight data an ACARS client sends (the spec's §6.4):
// log lines and events, the planned route, custom fields. They are events
// of the PIREP's stream; the route and fields are read back from it.

// loadFlight folds the PIREP's stream, for the route and fields it holds.
func (h *phpvmsAPI) loadFlight(c echo.Context, pirepID string) (*domain.Pirep, error) {
	recs, err := h.log.ReadStream(c.Request().Context(), domain.PirepStream(pirepID), 0)
	if err != nil {
		return nil, err
	}
	p := &domain.Pirep{}
	for _, rec := range recs {
		msg, err := h.registry.Decode(rec.Type, rec.Data)
		if err != nil {
			return nil, err
		}
		if err := p.Apply(msg); err != nil {
			return nil, err
		}
	}
	return p, nil
}

// addLogs is POST /api/pireps/{id}/acars/logs and /acars/events.
func (h *phpvmsAPI) addLogs(member, textMember string) echo.HandlerFunc {
	return func(c echo.Context) error {
		a, p, err := h.ownPirep(c)
		if err != nil {
			return err
		}
		b, err := readPhpvmsBody(c)
		if err != nil {
			return err
		}
		items := b.list(member)
		if !b.has(member) {
			b.errs[member] = "The " + member + " field is required."
		}
		lines := make([]domain.AcarsLog, 0, len(items))
		for i, it := range items {
			l := domain.AcarsLog{ID: it.str("id"), Text: it.str(textMember), Lat: it.number("lat"), Lon: it.number("lon"),
				SimTime: it.date("sim_time"), At: it.date("created_at"), Event: member == "events"}
			for f, msg := range it.errs {
				b.errs[member+"."+strconv.Itoa(i)+"."+f] = msg
			}
			lines = append(lines, l)
		}
		if err := b.err(); err != nil {
			return err
		}
		n, res, err := h.cmds.AddLogs(c.Request().Context(), keyActor(c), a.ID, p.ID, lines)
		if err != nil {
			return phpvmsRefusalOf(err, airportsOf(p))
		}
		h.wait.waitFor(c, res)
		return writePhpvmsJSON(c, http.StatusOK, echo.MIMEApplicationJSON, map[string]any{"message": strconv.Itoa(n) + " logs added", "count": n})
	}
}

// showRoute is GET /api/pireps/{id}/route: the route's points by order.
func (h *phpvmsAPI) showRoute(c echo.Context) error {
	_, p, err := h.findPirep(c)
	if err != nil {
		return err
	}
	f, err := h.loadFlight(c, p.ID)
	if err != nil {
		return err
	}
	out := make([]any, 0, len(f.Route))
	for _, pt := range f.Route {
		out = append(out, map[string]any{"pirep_id": p.ID, "type": 1, "name": pt.Name, "order": pt.Order, "nav_type": pt.NavType,
			"lat": pt.Lat, "lon": pt.Lon})
	}
	return phpvmsData(c, out)
}

// setRoute is POST /api/pireps/{id}/route: it replaces the route.
func (h *phpvmsAPI) setRoute(c echo.Context) error {
	a, p, err := h.ownPirep(c)
	if err != nil {
		return err
	}
	b, err := readPhpvmsBody(c)
	if err != nil {
		return err
	}
	items := b.list("route")
	if !b.has("route") && b.m["route"] == nil {
		b.errs["route"] = "The route field is required."
	}
	points := make([]domain.RoutePoint, 0, len(items))
	for i, it := range items {
		for _, req := range []string{"name", "order", "lat", "lon"} {
			if !it.has(req) {
				it.errs[req] = "The " + req + " field is required."
			}
		}
		pt := domain.RoutePoint{Name: it.str("name"), Order: it.integer("order"), NavType: it.integer("nav_type"), Lat: it.number("lat"), Lon: it.number("lon")}
		for f, msg := range it.errs {
			b.errs["route."+strconv.Itoa(i)+"."+f] = msg
		}
		points = append(points, pt)
	}
	if err := b.err(); err != nil {
		return err
	}
	res, err := h.cmds.SetRoute(c.Request().Context(), keyActor(c), a.ID, p.ID, points)
	if err != nil {
		return phpvmsRefusalOf(err, airportsOf(p))
	}
	h.wait.waitFor(c, res)
	if len(points) == 0 {
		return writePhpvmsJSON(c, http.StatusOK, echo.MIMEApplicationJSON, map[string]any{"message": "No points to add"})
	}
	return writePhpvmsJSON(c, http.StatusOK, echo.MIMEApplicationJSON,
		map[string]any{"message": strconv.Itoa(len(points)) + " points added", "count": len(points)})
}

// deleteRoute is DELETE /api/pireps/{id}/route.
func (h *phpvmsAPI) deleteRoute(c echo.Context) error {
	a, p, err := h.ownPirep(c)
	if err != nil {
		return err
	}
	res, err := h.cmds.SetRoute(c.Request().Context(), keyActor(c), a.ID, p.ID, nil)
	if err != nil {
		return phpvmsRefusalOf(err, airportsOf(p))
	}
	h.wait.waitFor(c, res)
	return writePhpvmsJSON(c, http.StatusOK, echo.MIMEApplicationJSON, map[string]any{"message": "Route deleted"})
}

// fieldsOf answers a flight's custom fields as phpVMS's object.
func fieldsOf(f *domain.Pirep) map[string]any {
	out := make(map[string]any, len(f.Fields))
	for k, v := range f.Fields {
		out[k] = v
	}
	return out
}

// showFields is GET /api/pireps/{id}/fields.
func (h *phpvmsAPI) showFields(c echo.Context) error {
	_, p, err := h.findPirep(c)
	if err != nil {
		return err
	}
	f, err := h.loadFlight(c, p.ID)
	if err != nil {
		return err
	}
	return phpvmsData(c, fieldsOf(f))
}

// setFields is POST /api/pireps/{id}/fields: the fields, upserted; it
// answers them all.
func (h *phpvmsAPI) setFields(c echo.Context) error {
	a, p, err := h.ownPirep(c)
	if err != nil {
		return err
	}
	b, err := readPhpvmsBody(c)
	if err != nil {
		return err
	}
	raw, ok := b.m["fields"].(map[string]any)
	if !ok {
		return phpvmsInvalid(map[string]string{"fields": "The fields field is required, as an object of names and values."})
	}
	fields := make(map[string]string, len(raw))
	values := &phpvmsBody{m: raw, errs: map[string]string{}}
	for name := range raw {
		fields[name] = values.str(name)
	}
	for f, msg := range values.errs {
		b.errs["fields."+f] = msg
	}
	if err := b.err(); err != nil {
		return err
	}
	res, err := h.cmds.SetFields(c.Request().Context(), keyActor(c), a.ID, p.ID, fields)
	if err != nil {
		return phpvmsRefusalOf(err, airportsOf(p))
	}
	h.wait.waitFor(c, res)
	f, err := h.loadFlight(c, p.ID)
	if err != nil {
		return err
	}
	return phpvmsData(c, fieldsOf(f))
}
