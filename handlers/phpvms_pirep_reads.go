package handlers

import (
	"net/http"
	"strconv"

	"github.com/labstack/echo/v4"

	"github.com/albatross-va/albatross/domain"
	"github.com/albatross-va/albatross/store/reads"
)

// phpVMS's PIREP reads beside the lifecycle: a pilot's PIREPs, the live
// map's GeoJSON, and a PIREP's comments (the same thread as its page's).

// phpvmsStateOf is the Albatross state of phpVMS's PirepState number.
func phpvmsStateOf(n string) (string, bool) {
	for state, number := range phpvmsPirepState {
		if strconv.Itoa(number) == n {
			return state, true
		}
	}
	return "", false
}

// userPireps is GET /api/user/pireps and /api/pireps: the key's pilot's
// PIREPs, newest first, one state with ?state=N (AeroACARS looks for its
// flight in progress with ?state=0). Without one phpVMS leaves cancelled
// PIREPs out: this page does too, though its total still counts them.
func (h *phpvmsAPI) userPireps(c echo.Context) error {
	p, _ := currentAPIPrincipal(c)
	a := *p.airline
	page, err := readPhpvmsPage(c)
	if err != nil {
		return err
	}
	f := reads.PirepFilter{PilotID: p.user.ID, Page: page.Number}
	if s := c.QueryParam("state"); s != "" {
		state, ok := phpvmsStateOf(s)
		if !ok {
			return phpvmsInvalid(map[string]string{"state": "The state must be one of phpVMS's PIREP states, 0 to 7."})
		}
		f.State = state
	}
	res, err := h.rm.FindPireps(c.Request().Context(), a.ID, f, page.Size)
	if err != nil {
		return err
	}
	items := []any{}
	if res.Page == page.Number { // past the last page phpVMS lists nothing
		for _, pr := range res.Pireps {
			if f.State == "" && pr.State == domain.PirepCancelled {
				continue
			}
			r, err := h.pirepResource(c.Request().Context(), a, pr)
			if err != nil {
				return err
			}
			items = append(items, r)
		}
	}
	return phpvmsPaged(c, page, items, int(res.Total))
}

// geoPoint is a GeoJSON point feature.
func geoPoint(lon, lat float64, alt int32, props map[string]any) map[string]any {
	coords := []any{lon, lat}
	if alt != 0 {
		coords = append(coords, alt)
	}
	return map[string]any{"type": "Feature", "geometry": map[string]any{"type": "Point", "coordinates": coords}, "properties": props}
}

func featureCollection(features []any) map[string]any {
	if features == nil {
		features = []any{}
	}
	return map[string]any{"type": "FeatureCollection", "features": features}
}

// liveGeoJSON is GET /api/acars/geojson: a point per live flight.
func (h *phpvmsAPI) liveGeoJSON(c echo.Context) error {
	a, err := phpvmsAirline(c)
	if err != nil {
		return err
	}
	list, err := h.rm.FlightsInProgress(c.Request().Context(), a.ID, maxLiveFlights)
	if err != nil {
		return err
	}
	var features []any
	for _, p := range list {
		if l := p.Last; l != nil {
			features = append(features, geoPoint(l.Lon, l.Lat, l.Altitude, map[string]any{"pirep_id": p.ID, "alt": l.Altitude, "heading": l.Heading}))
		}
	}
	return phpvmsData(c, featureCollection(features))
}

// pirepGeoJSON is GET /api/pireps/{id}/acars/geojson: the flight's last
// position (its arrival before any), its path as a line and as points,
// and its airports.
func (h *phpvmsAPI) pirepGeoJSON(c echo.Context) error {
	a, p, err := h.findPirep(c)
	if err != nil {
		return err
	}
	ctx := c.Request().Context()
	track, err := h.rm.PirepTrack(ctx, a.ID, p.ID)
	if err != nil {
		return err
	}
	airports, err := h.rm.AirportsAmong(ctx, a.ID, []string{p.DptAirport, p.ArrAirport})
	if err != nil {
		return err
	}
	at := map[string]domain.AirportDetails{}
	for _, ap := range airports {
		at[ap.ICAO] = ap
	}
	place := func(icao string) map[string]any {
		ap := at[icao]
		return map[string]any{"icao": icao, "lat": ap.Latitude, "lon": ap.Longitude}
	}
	position := map[string]any{"lat": at[p.ArrAirport].Latitude, "lon": at[p.ArrAirport].Longitude}
	var points, line []any
	for _, pos := range track {
		points = append(points, geoPoint(pos.Lon, pos.Lat, pos.AltitudeMSL, map[string]any{"pirep_id": p.ID, "alt": pos.AltitudeMSL}))
		line = append(line, []any{pos.Lon, pos.Lat})
		position = map[string]any{"lat": pos.Lat, "lon": pos.Lon}
	}
	var lines []any
	if len(line) >= 2 {
		lines = []any{map[string]any{"type": "Feature", "geometry": map[string]any{"type": "LineString", "coordinates": line}, "properties": map[string]any{"pirep_id": p.ID}}}
	}
	return phpvmsData(c, map[string]any{"position": position, "line": featureCollection(lines), "points": featureCollection(points),
		"airports": map[string]any{"a": place(p.ArrAirport), "d": place(p.DptAirport)}})
}

// commentResource is phpVMS's PirepComment.
func (h *phpvmsAPI) commentResource(c echo.Context, a reads.Airline, cm reads.PirepComment) (any, error) {
	u, err := h.rm.FindPerson(c.Request().Context(), a.ID, cm.AuthorID)
	if domain.ErrorCode(err) == domain.ENotFound {
		return []any{}, nil // phpVMS writes a comment of a user gone as []
	}
	if err != nil {
		return nil, err
	}
	return map[string]any{"id": cm.ID, "comment": cm.Text, "created_at": phpvmsTime(cm.CreatedAt),
		"user": map[string]any{"id": u.PilotNumber, "pilot_id": u.PilotNumber, "ident": u.PilotID, "name": shortName(u.Name)}}, nil
}

// listComments is GET /api/pireps/{id}/comments.
func (h *phpvmsAPI) listComments(c echo.Context) error {
	a, p, err := h.findPirep(c)
	if err != nil {
		return err
	}
	list, err := h.rm.PirepComments(c.Request().Context(), a.ID, p.ID)
	if err != nil {
		return err
	}
	out := make([]any, 0, len(list))
	for _, cm := range list {
		r, err := h.commentResource(c, a, cm)
		if err != nil {
			return err
		}
		out = append(out, r)
	}
	return phpvmsData(c, out)
}

// addComment is POST /api/pireps/{id}/comments: 201 with the comment.
func (h *phpvmsAPI) addComment(c echo.Context) error {
	a, p, err := h.findPirep(c)
	if err != nil {
		return err
	}
	if p.State == domain.PirepCancelled {
		return phpvmsRefusal(http.StatusBadRequest, "pirep-cancelled", "PIREP has been cancelled, comments are not allowed")
	}
	b, err := readPhpvmsBody(c)
	if err != nil {
		return err
	}
	text := b.str("comment")
	if !b.has("comment") {
		b.errs["comment"] = "The comment field is required."
	}
	if err := b.err(); err != nil {
		return err
	}
	id, res, err := h.cmds.Comment(c.Request().Context(), keyActor(c), a.ID, p.ID, text)
	if err != nil {
		if fields := domain.ErrorFields(err); len(fields) > 0 {
			return phpvmsInvalid(map[string]string{"comment": fields["text"] + fields["comment"]})
		}
		return phpvmsRefusalOf(err, airportsOf(p))
	}
	h.wait.waitFor(c, res)
	list, err := h.rm.PirepComments(c.Request().Context(), a.ID, p.ID)
	if err != nil {
		return err
	}
	for _, cm := range list {
		if cm.ID == id {
			r, err := h.commentResource(c, a, cm)
			if err != nil {
				return err
			}
			return writePhpvmsJSON(c, http.StatusCreated, echo.MIMEApplicationJSON, map[string]any{"data": r})
		}
	}
	return writePhpvmsJSON(c, http.StatusCreated, echo.MIMEApplicationJSON, map[string]any{"data": map[string]any{"id": id, "comment": text}})
}
