package handlers

import (
	"context"
	"net/http"
	"net/url"

	"github.com/labstack/echo/v4"

	"github.com/albatross-va/albatross/domain"
	"github.com/albatross-va/albatross/store/reads"
)

// phpVMS's SimBrief parts: the briefing ACARS clients load, the simbrief
// object of a flight (for the OFP's owner only), and simbrief_id on a
// prefile or filing, which attaches the OFP to the PIREP.

// showBriefing is GET /api/flights/{id}/briefing, where {id} is the OFP's
// id: the stored ACARS briefing XML (<VMSAcars Type="FlightPlan">). As in
// phpVMS, any key of the airline may read it.
func (h *phpvmsAPI) showBriefing(c echo.Context) error {
	a, err := phpvmsAirline(c)
	if err != nil {
		return err
	}
	o, err := h.rm.FindOFP(c.Request().Context(), a.ID, c.Param("flight"))
	if domain.ErrorCode(err) == domain.ENotFound {
		return phpvmsNotFound("Flight briefing not found")
	}
	if err != nil {
		return err
	}
	c.Response().Header().Set("Cache-Control", "no-store")
	return c.Blob(http.StatusOK, echo.MIMEApplicationXMLCharsetUTF8, []byte(o.AcarsXML))
}

// keyOwnerOFPs are the key owner's newest unused OFP of each flight: one
// read for a list of flights.
func (h *phpvmsAPI) keyOwnerOFPs(c echo.Context, fl *phpvmsFleet) (map[string]reads.OFPRef, error) {
	k, _ := currentAPIPrincipal(c)
	return h.rm.PilotOFPsByFlight(c.Request().Context(), fl.airline.ID, k.user.ID)
}

// withSimbrief sets a flight resource's simbrief to the key owner's
// newest unused OFP of the flight (of ofps, keyOwnerOFPs' answer): {id,
// aircraft_id, url}, with the aircraft's subfleet (holding that one
// aircraft) when it has one.
func withSimbrief(c echo.Context, fl *phpvmsFleet, ofps map[string]reads.OFPRef, item map[string]any, flightID string) {
	o, ok := ofps[flightID]
	if !ok {
		return
	}
	out := map[string]any{"id": o.ID, "aircraft_id": nil,
		"url": absoluteURL(c, url.URL{Path: phpvmsPrefix(c) + "/flights/" + o.ID + "/briefing"})}
	for _, s := range fl.subfleets {
		for _, ac := range fl.aircraft[s.ID] {
			if ac.ID == o.AircraftID {
				sub := fl.subfleetSummary(s)
				sub["aircraft"] = []any{aircraftResource(ac, s)}
				out["aircraft_id"], out["subfleet"] = ac.Number, sub
			}
		}
	}
	item["simbrief"] = out
}

// phpvmsPrefix is where the request's phpVMS API lives: /api, or an
// airline's /a/{slug}/api.
func phpvmsPrefix(c echo.Context) string {
	if slug := c.Param("slug"); slug != "" {
		return "/a/" + slug + "/api"
	}
	return "/api"
}

// sentOFP is the key owner's OFP a body names in simbrief_id; an unknown
// or another pilot's is none, as phpVMS does not validate it.
func (h *phpvmsAPI) sentOFP(c echo.Context, a reads.Airline, b *phpvmsBody) *reads.KeptOFP {
	if !b.has("simbrief_id") {
		return nil
	}
	k, _ := currentAPIPrincipal(c)
	o, err := h.rm.FindOFP(c.Request().Context(), a.ID, b.str("simbrief_id"))
	if err != nil || o.PilotID != k.user.ID {
		return nil
	}
	return &o
}

// fromOFP fills what a prefile did not send from its OFP: the route, the
// planned distance (phpVMS's planned_distance from general.air_distance)
// and the cruise level.
func fromOFP(o *reads.KeptOFP, b *phpvmsBody, d *domain.PirepDetails) {
	if o == nil {
		return
	}
	if !b.has("route") {
		d.Route = domain.OFPRouteString(o.OFP)
	}
	if !b.has("planned_distance") && !b.has("distance") {
		d.Distance = o.OFP.AirDistance
	}
	if !b.has("level") && o.OFP.InitialAltitude > 0 {
		d.Level = o.OFP.InitialAltitude
	}
}

// attachOFP attaches the OFP to the PIREP; the simbrief_routes reactor
// then copies its navlog into the PIREP's route.
func (h *phpvmsAPI) attachOFP(c echo.Context, a reads.Airline, o *reads.KeptOFP, pirepID string) error {
	if o == nil || h.simbrief == nil {
		return nil
	}
	_, err := h.simbrief.Attach(c.Request().Context(), keyActor(c), a.ID, o.ID, pirepID)
	return err
}

// withPirepSimbrief loads a PIREP resource's simbrief, {id, url} (the url
// from the site's root), when an OFP is attached to it, and its planned
// distance from the OFP (general.air_distance), as phpVMS takes it. Only
// the one-PIREP answers load it, as in phpVMS; lists leave it null.
func (h *phpvmsAPI) withPirepSimbrief(ctx context.Context, a reads.Airline, pirepID string, out map[string]any) {
	o, err := h.rm.PirepOFP(ctx, a.ID, pirepID)
	if err != nil {
		return // none attached (or unreadable): simbrief stays null
	}
	out["simbrief"] = map[string]any{"id": o.ID, "url": "/api/flights/" + o.ID + "/briefing"}
	if o.OFP.AirDistance > 0 {
		out["planned_distance"] = distanceUnits(float64(o.OFP.AirDistance))
	}
}
