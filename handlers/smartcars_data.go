package handlers

import (
	"net/http"
	"strings"
	"time"

	"github.com/labstack/echo/v4"

	"github.com/albatross-va/albatross/domain"
	eventsv1 "github.com/albatross-va/albatross/domain/events/v1"
	"github.com/albatross-va/albatross/store/reads"
)

// smartCARS's data routes (airports, aircraft, news) and its PIREP reads
// (the pilot's PIREPs and one's details).

// showAirports is GET /data/airports: the airline's airports.
func (h *smartcarsAPI) showAirports(c echo.Context) error {
	p, _ := currentAPIPrincipal(c)
	list, err := h.php.rm.Airports(c.Request().Context(), p.airline.ID)
	if err != nil {
		return err
	}
	out := make([]any, 0, len(list))
	for _, ap := range list {
		out = append(out, map[string]any{"id": ap.ICAO, "code": ap.ICAO, "name": ap.Name, "latitude": ap.Latitude, "longitude": ap.Longitude})
	}
	return smartcarsAnswer(c, out)
}

// showAircraft is GET /data/aircraft: the airline's aircraft in service,
// by phpVMS id, their code their subfleet's ICAO type. Albatross keeps no
// ceilings, capacities or rank limits: those are left out.
func (h *smartcarsAPI) showAircraft(c echo.Context) error {
	p, _ := currentAPIPrincipal(c)
	fl, err := h.php.readFleet(c.Request().Context(), *p.airline)
	if err != nil {
		return err
	}
	out := []any{}
	for _, s := range fl.subfleets {
		for _, ac := range fl.aircraft[s.ID] {
			if ac.Status == domain.AircraftActive {
				out = append(out, map[string]any{"id": ac.Number, "code": s.ICAO, "name": ac.Name + " (" + ac.Registration + ")"})
			}
		}
	}
	return smartcarsAnswer(c, out)
}

// showNews is GET /data/news: the airline's latest news item, its body
// rendered and sanitised as the pages show it (the client shows HTML, as
// phpVMS stores it); null while the airline has none, since the
// contract's object needs a title, body, date and author.
func (h *smartcarsAPI) showNews(c echo.Context) error {
	p, _ := currentAPIPrincipal(c)
	ctx := c.Request().Context()
	items, err := h.php.rm.NewsPage(ctx, p.airline.ID, 0, 1)
	if err != nil {
		return err
	}
	if len(items) == 0 {
		return smartcarsAnswer(c, nil)
	}
	n := items[0]
	return smartcarsAnswer(c, map[string]any{"title": n.Title, "body": string(newsMarkdown.HTML(n.Body)),
		"postedAt": n.PostedAt.UTC().Format(time.RFC3339), "postedBy": shortName(n.AuthorName)})
}

// smartcarsStatus is the contract's status of a PIREP state; "" for the
// states it has none of (in progress, draft, cancelled).
var smartcarsStatus = map[string]string{
	domain.PirepPending: "Pending", domain.PirepAccepted: "Accepted", domain.PirepRejected: "Rejected",
}

// smartcarsMaxPireps bounds a PIREP search's answer, newest first.
const smartcarsMaxPireps = 500

// searchPireps is GET /pireps/search: the pilot's filed PIREPs, newest
// first, by the contract's filters: airports, block-off dates (from
// startDate through endDate), status, aircraft ICAO type.
func (h *smartcarsAPI) searchPireps(c echo.Context) error {
	p, _ := currentAPIPrincipal(c)
	ctx := c.Request().Context()
	q := &smartcarsQuery{c: c, errs: map[string]string{}}
	dpt, arr := q.icao("departureAirport"), q.icao("arrivalAirport")
	f := reads.PirepFilter{PilotID: p.user.ID, Airport: dpt}
	if f.Airport == "" {
		f.Airport = arr
	}
	day := func(name string) time.Time {
		v := strings.TrimSpace(c.QueryParam(name))
		if v == "" {
			return time.Time{}
		}
		t, err := time.Parse(time.DateOnly, v)
		if err != nil {
			q.errs[name] = name + ": Send a date as YYYY-MM-DD."
		}
		return t
	}
	f.From = day("startDate")
	if end := day("endDate"); !end.IsZero() {
		f.To = end.AddDate(0, 0, 1)
	}
	status := strings.TrimSpace(c.QueryParam("status"))
	if status != "" {
		for state, name := range smartcarsStatus {
			if name == status {
				f.State = state
			}
		}
		if f.State == "" {
			q.errs["status"] = "status: Send Accepted, Pending or Rejected."
		}
	}
	aircraftType := strings.TrimSpace(c.QueryParam("aircraft"))
	if aircraftType != "" && !smartcarsTypePattern.MatchString(aircraftType) {
		q.errs["aircraft"] = "aircraft: Send an aircraft's ICAO type, such as B738."
	}
	if err := q.err(); err != nil {
		return err
	}
	fl, err := h.php.readFleet(ctx, *p.airline)
	if err != nil {
		return err
	}
	typeOf := map[string]string{}
	for _, s := range fl.subfleets {
		for _, ac := range fl.aircraft[s.ID] {
			typeOf[ac.ID] = s.ICAO
		}
	}
	res, err := h.php.rm.FindPireps(ctx, p.airline.ID, f, smartcarsMaxPireps)
	if err != nil {
		return err
	}
	out := []any{}
	for _, pr := range res.Pireps {
		st := smartcarsStatus[pr.State]
		if st == "" || dpt != "" && pr.DptAirport != dpt || arr != "" && pr.ArrAirport != arr ||
			aircraftType != "" && typeOf[pr.AircraftID] != aircraftType {
			continue
		}
		var aircraft any
		if t := typeOf[pr.AircraftID]; t != "" {
			aircraft = t
		}
		route := strings.Fields(pr.Route)
		if route == nil {
			route = []string{}
		}
		out = append(out, map[string]any{
			"id": pr.ID, "status": st, "submitDate": pr.QueuedAt.UTC().Format(time.RFC3339), "airlineCode": p.airline.ICAO,
			"number": pr.FlightNumber, "route": route, "distance": float64(pr.Distance), "flightType": "P",
			"departureAirport": pr.DptAirport, "arrivalAirport": pr.ArrAirport, "aircraft": aircraft,
			"flightTime": hours(pr.FlightTime), "landingRate": float64(pr.LandingRate), "fuelUsed": float64(pr.FuelUsed),
		})
	}
	return smartcarsAnswer(c, out)
}

// showPirepDetails is GET /pireps/details?id=: one of the pilot's PIREPs,
// its log lines, its events and its track.
func (h *smartcarsAPI) showPirepDetails(c echo.Context) error {
	p, _ := currentAPIPrincipal(c)
	ctx := c.Request().Context()
	id := strings.TrimSpace(c.QueryParam("id"))
	if id == "" || len(id) > 100 || domain.TextProblem(id, domain.SingleLine) != "" {
		return smartcarsFieldError("id", "Send the PIREP's id as ?id=.")
	}
	pr, err := h.php.rm.FindPirep(ctx, p.airline.ID, id)
	if domain.ErrorCode(err) == domain.ENotFound || err == nil && pr.PilotID != p.user.ID {
		return smartcarsRefusal(http.StatusNotFound, "There is no PIREP "+id+" of yours.")
	}
	if err != nil {
		return err
	}
	recs, err := h.php.log.ReadStream(ctx, domain.PirepStream(pr.ID), 0)
	if err != nil {
		return err
	}
	flightLog, flightData := []string{}, []any{}
	start := pr.BlockOff
	for _, rec := range recs {
		msg, err := h.php.registry.Decode(rec.Type, rec.Data)
		if err != nil {
			return err
		}
		added, ok := msg.(*eventsv1.PirepLogsAdded)
		if !ok {
			continue
		}
		for _, l := range added.Lines {
			if !l.Event {
				flightLog = append(flightLog, l.Text)
				continue
			}
			at := l.At.AsTime()
			flightData = append(flightData, map[string]any{"eventId": l.Id, "eventID": l.Id,
				"eventElapsedTime": units(max(0, at.Sub(start).Minutes())), "eventTimestamp": at.UTC().Format(time.RFC3339),
				"eventCondition": "", "message": l.Text})
		}
	}
	track, err := h.php.rm.PirepTrack(ctx, p.airline.ID, pr.ID)
	if err != nil {
		return err
	}
	locations := make([]any, 0, len(track))
	for _, pos := range track {
		locations = append(locations, map[string]any{"heading": float64(pos.Heading), "latitude": pos.Lat, "longitude": pos.Lon})
	}
	return smartcarsAnswer(c, map[string]any{"flightLog": flightLog, "flightData": flightData, "locationData": locations})
}
