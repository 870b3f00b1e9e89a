package handlers

import (
	"context"
	"net/http"
	"strconv"
	"time"

	"github.com/google/uuid"
	"github.com/labstack/echo/v4"

	"github.com/albatross-va/albatross/domain"
	"github.com/albatross-va/albatross/store/reads"
)

// phpVMS's PIREP lifecycle (the spec's §6.4): prefile, update, position,
// file and cancel, translated onto the domain's ACARS commands, and the
// PIREP resource they answer with.

// phpvmsPirepState is phpVMS's PirepState of an Albatross state.
var phpvmsPirepState = map[string]int{
	domain.PirepInProgress: 0, domain.PirepPending: 1, domain.PirepAccepted: 2,
	domain.PirepCancelled: 3, domain.PirepDraft: 5, domain.PirepRejected: 6,
}

// phpvmsStatusText is phpVMS's label of a phase.
var phpvmsStatusText = map[string]string{
	"INI": "Initiated", "SCH": "Scheduled", "BST": "Boarding", "RDT": "Ready for start", "PBT": "Pushback/Tow",
	"OFB": "Off block", "DIR": "Ready for de-icing", "DIC": "De-icing in progress", "GRT": "Ground return",
	"TXI": "Taxi", "TOF": "Takeoff", "ICL": "Initial climb", "TKO": "Airborne", "ENR": "Enroute", "DV": "Diverted",
	"TEN": "Approach", "APR": "Approach", "FIN": "On final", "LDG": "Landing", "LAN": "Landed", "ONB": "On block",
	"ARR": "Arrived", "DX": "Cancelled", "EMG": "Emergency descent", "PSD": "Paused",
}

// phpvmsPirepFields maps the domain's field names to phpVMS's.
var phpvmsPirepFields = map[string]string{
	"dpt_airport": "dpt_airport_id", "arr_airport": "arr_airport_id", "alt_airport": "alt_airport_id",
	"remarks": "notes", "block_off": "block_off_time", "block_on": "block_on_time",
}

// phpvmsZulu writes a PIREP's block time as phpVMS does: Zulu, no fraction.
func phpvmsZulu(t time.Time) any {
	if t.IsZero() {
		return nil
	}
	return t.UTC().Format("2006-01-02T15:04:05Z")
}

// pirepResource is phpVMS's Pirep with the relations its lifecycle routes
// load: airline, aircraft, airports, user and position.
func (h *phpvmsAPI) pirepResource(ctx context.Context, a reads.Airline, p reads.Pirep) (map[string]any, error) {
	var aircraft any
	aircraftNumber := 0
	if ac, err := h.rm.FindAircraft(ctx, a.ID, p.AircraftID); err == nil {
		aircraftNumber = ac.Number
		aircraft = map[string]any{"id": ac.Number, "registration": ac.Registration, "name": ac.Name, "airport_id": ac.AirportID,
			"ident": ac.Registration, "status": phpvmsAircraftStatus(ac.Status), "flight_time": ac.FlightTime}
	} else if domain.ErrorCode(err) != domain.ENotFound {
		return nil, err
	}
	airports, err := h.rm.AirportsAmong(ctx, a.ID, []string{p.DptAirport, p.ArrAirport})
	if err != nil {
		return nil, err
	}
	byICAO := map[string]any{}
	for _, ap := range airports {
		byICAO[ap.ICAO] = airportResource(ap)
	}
	var user any
	userID := 0
	if u, err := h.rm.FindPerson(ctx, a.ID, p.PilotID); err == nil {
		userID = int(u.PilotNumber)
		user = map[string]any{"id": u.PilotNumber, "pilot_id": u.PilotNumber, "ident": u.PilotID, "name": shortName(u.Name)}
	} else if domain.ErrorCode(err) != domain.ENotFound {
		return nil, err
	}
	source := 0
	if p.Source == domain.PirepSourceACARS {
		source = 1
	}
	var position any
	if l := p.Last; l != nil {
		position = map[string]any{"pirep_id": p.ID, "type": 0, "lat": l.Lat, "lon": l.Lon, "altitude": l.Altitude,
			"altitude_msl": l.Altitude, "heading": l.Heading, "gs": l.GroundSpeed, "created_at": phpvmsTime(l.At), "updated_at": phpvmsTime(l.At)}
	}
	var submitted any
	if p.State != domain.PirepInProgress && p.State != domain.PirepDraft {
		submitted = phpvmsTime(p.QueuedAt)
	}
	return map[string]any{
		"id": p.ID, "user_id": userID, "airline_id": a.Number, "aircraft_id": aircraftNumber, "event_id": nil,
		"flight_id": nullIfEmpty(p.FlightID), "flight_number": p.FlightNumber, "route_code": nullIfEmpty(p.RouteCode),
		"route_leg": p.RouteLeg, "dpt_airport_id": p.DptAirport, "arr_airport_id": p.ArrAirport,
		"alt_airport_id": nullIfEmpty(p.AltAirport), "level": p.Level, "flight_time": p.FlightTime,
		"planned_flight_time": nil, "block_time": blockMinutes(p), "zfw": nil, "landing_rate": p.LandingRate, "score": nil,
		"route": p.Route, "notes": p.Remarks, "source": source, "source_name": p.SourceName, "flight_type": phpvmsFlightType(p),
		"state": phpvmsPirepState[p.State], "status": p.Phase, "phase": p.Phase, "status_text": phpvmsStatusText[p.Phase],
		"distance": distanceUnits(float64(p.Distance)), "planned_distance": distanceUnits(float64(p.Distance)),
		"block_fuel": massUnits(0), "fuel_used": massUnits(float64(p.FuelUsed)),
		"block_off_time": phpvmsZulu(p.BlockOff), "block_on_time": phpvmsZulu(p.BlockOn), "submitted_at": submitted,
		"created_at": phpvmsTime(p.FiledAt), "updated_at": phpvmsTime(p.UpdatedAt),
		"ident": a.ICAO + p.FlightNumber, "airline": airlineResource(a), "aircraft": aircraft,
		"dpt_airport": byICAO[p.DptAirport], "arr_airport": byICAO[p.ArrAirport], "position": position,
		"user": user, "comments": []any{}, "fields": map[string]any{}, "flight": nil, "simbrief": nil,
	}, nil
}

func nullIfEmpty(s string) any {
	if s == "" {
		return nil
	}
	return s
}

// blockMinutes is a PIREP's block time in minutes, 0 before its end.
func blockMinutes(p reads.Pirep) int64 {
	if p.BlockOff.IsZero() || p.BlockOn.IsZero() || !p.BlockOn.After(p.BlockOff) {
		return 0
	}
	return int64(p.BlockOn.Sub(p.BlockOff) / time.Minute)
}

// phpvmsAircraftStatus is phpVMS's AircraftStatus letter.
func phpvmsAircraftStatus(status string) string {
	switch status {
	case domain.AircraftMaintenance:
		return "M"
	case domain.AircraftStored:
		return "S"
	case domain.AircraftRetired:
		return "R"
	default:
		return "A"
	}
}

// findPirep reads a PIREP of the request's airline; another airline's is
// phpVMS's pirep-not-found.
func (h *phpvmsAPI) findPirep(c echo.Context) (reads.Airline, reads.Pirep, error) {
	a, err := phpvmsAirline(c)
	if err != nil {
		return a, reads.Pirep{}, err
	}
	p, err := h.rm.FindPirep(c.Request().Context(), a.ID, c.Param("pirep"))
	if domain.ErrorCode(err) == domain.ENotFound {
		// Just prefiled, the read models may not have it yet.
		p, err = h.pirepFromStream(c, a, c.Param("pirep"))
	}
	if domain.ErrorCode(err) == domain.ENotFound {
		return a, p, &phpvmsError{Status: http.StatusNotFound, Type: "pirep-not-found", Message: "PIREP not found",
			Extras: map[string]any{"pirep_id": c.Param("pirep")}}
	}
	return a, p, err
}

// ownPirep is findPirep for the routes only its pilot's client uses:
// another member's key gets 403 (phpVMS would write the caller into the
// PIREP instead).
func (h *phpvmsAPI) ownPirep(c echo.Context) (reads.Airline, reads.Pirep, error) {
	a, p, err := h.findPirep(c)
	if err != nil {
		return a, p, err
	}
	if k, _ := currentAPIPrincipal(c); k.user.ID != p.PilotID {
		return a, p, phpvmsRefusal(http.StatusForbidden, "unauthorized", "This PIREP is another pilot's.")
	}
	return a, p, nil
}

// answerPirep answers {"data": Pirep} once the read models show the
// command's events.
func (h *phpvmsAPI) answerPirep(c echo.Context, res domain.AppendResult, a reads.Airline, pirepID string) error {
	h.wait.waitFor(c, res)
	p, err := h.rm.FindPirep(c.Request().Context(), a.ID, pirepID)
	if domain.ErrorCode(err) == domain.ENotFound {
		// The read models are behind the wait's bound (a burst of
		// prefiles): the PIREP's own stream has it, so answer from that
		// rather than tell the client its PIREP does not exist.
		p, err = h.pirepFromStream(c, a, pirepID)
	}
	if err != nil {
		return err
	}
	out, err := h.pirepResource(c.Request().Context(), a, p)
	if err != nil {
		return err
	}
	h.withPirepSimbrief(c.Request().Context(), a, p.ID, out)
	return phpvmsData(c, out)
}

// showPirep is GET /api/pireps/{id}: public within the airline.
func (h *phpvmsAPI) showPirep(c echo.Context) error {
	a, p, err := h.findPirep(c)
	if err != nil {
		return err
	}
	out, err := h.pirepResource(c.Request().Context(), a, p)
	if err != nil {
		return err
	}
	h.withPirepSimbrief(c.Request().Context(), a, p.ID, out)
	return phpvmsData(c, out)
}

// keyActor is the key's owner as the domain's commands take them.
func keyActor(c echo.Context) domain.CommandMeta {
	p, _ := currentAPIPrincipal(c)
	return domain.CommandMeta{Who: domain.Actor{UserID: p.user.ID, Role: p.user.Role, TenantID: p.user.TenantID}}
}

// readPatch reads what a body sends of a PIREP's details, once (the
// aircraft looked up once), and returns what applies it to details: only
// the members sent change. The command may call it again on a retry.
func (h *phpvmsAPI) readPatch(c echo.Context, a reads.Airline, b *phpvmsBody) func(d *domain.PirepDetails) {
	var ops []func(d *domain.PirepDetails)
	text := func(name string, to func(d *domain.PirepDetails) *string) {
		if b.has(name) {
			v := b.str(name)
			ops = append(ops, func(d *domain.PirepDetails) { *to(d) = v })
		}
	}
	whole := func(name string, read func(string) int32, to func(d *domain.PirepDetails) *int32) {
		if b.has(name) {
			v := read(name)
			ops = append(ops, func(d *domain.PirepDetails) { *to(d) = v })
		}
	}
	when := func(name string, to func(d *domain.PirepDetails) *time.Time) {
		if b.has(name) {
			v := b.date(name)
			ops = append(ops, func(d *domain.PirepDetails) { *to(d) = v })
		}
	}
	text("flight_number", func(d *domain.PirepDetails) *string { return &d.FlightNumber })
	text("route_code", func(d *domain.PirepDetails) *string { return &d.RouteCode })
	whole("route_leg", b.integer, func(d *domain.PirepDetails) *int32 { return &d.RouteLeg })
	if b.has("flight_id") {
		// A charter booking's flight (its id is the booking's, as the bids
		// API lists it) is no schedule flight: the PIREP is a charter
		// filed from that booking.
		v := b.str("flight_id")
		if bid, err := h.rm.FindBid(c.Request().Context(), a.ID, v); err == nil && bid.Charter != nil {
			k, _ := currentAPIPrincipal(c)
			if bidID := v; bid.PilotID == k.user.ID {
				ops = append(ops, func(d *domain.PirepDetails) {
					d.FlightID = ""
					if d.BidID == "" && d.Source == "" {
						d.BidID = bidID // a prefile: fill it in from the booking
					}
				})
				v = ""
			}
		}
		if v != "" {
			ops = append(ops, func(d *domain.PirepDetails) { d.FlightID = v })
		}
	}
	text("dpt_airport_id", func(d *domain.PirepDetails) *string { return &d.DptAirport })
	text("arr_airport_id", func(d *domain.PirepDetails) *string { return &d.ArrAirport })
	text("alt_airport_id", func(d *domain.PirepDetails) *string { return &d.AltAirport })
	whole("level", b.rounded, func(d *domain.PirepDetails) *int32 { return &d.Level })
	whole("planned_distance", b.rounded, func(d *domain.PirepDetails) *int32 { return &d.Distance })
	whole("distance", b.rounded, func(d *domain.PirepDetails) *int32 { return &d.Distance })
	whole("flight_time", b.integer, func(d *domain.PirepDetails) *int32 { return &d.FlightTime })
	whole("fuel_used", b.rounded, func(d *domain.PirepDetails) *int32 { return &d.FuelUsed })
	whole("landing_rate", b.rounded, func(d *domain.PirepDetails) *int32 { return &d.LandingRate })
	text("route", func(d *domain.PirepDetails) *string { return &d.Route })
	text("notes", func(d *domain.PirepDetails) *string { return &d.Remarks })
	text("source_name", func(d *domain.PirepDetails) *string { return &d.SourceName })
	when("block_off_time", func(d *domain.PirepDetails) *time.Time { return &d.BlockOff })
	when("block_on_time", func(d *domain.PirepDetails) *time.Time { return &d.BlockOn })
	// Members Albatross does not keep are still checked for their type.
	for _, name := range []string{"block_time", "planned_flight_time", "score"} {
		if b.has(name) {
			b.integer(name)
		}
	}
	for _, name := range []string{"zfw", "block_fuel"} {
		if b.has(name) {
			b.number(name)
		}
	}
	if b.has("aircraft_id") {
		id, ok := h.aircraftByAPIID(c, a, b.str("aircraft_id"))
		if !ok {
			b.errs["aircraft_id"] = "The selected aircraft id is invalid."
		}
		ops = append(ops, func(d *domain.PirepDetails) { d.AircraftID = id })
	}
	if b.has("airline_id") && b.str("airline_id") != strconv.Itoa(a.Number) {
		b.errs["airline_id"] = "The selected airline id is invalid."
	}
	return func(d *domain.PirepDetails) {
		for _, op := range ops {
			op(d)
		}
	}
}

// aircraftByAPIID finds an aircraft by phpVMS's integer id (its number),
// or by Albatross's own id.
func (h *phpvmsAPI) aircraftByAPIID(c echo.Context, a reads.Airline, raw string) (string, bool) {
	ctx := c.Request().Context()
	if _, err := uuid.Parse(raw); err == nil {
		ac, err := h.rm.FindAircraft(ctx, a.ID, raw)
		return ac.ID, err == nil
	}
	n, err := strconv.Atoi(raw)
	if err != nil {
		return "", false
	}
	ac, err := h.rm.FindAircraftByNumber(ctx, a.ID, n)
	return ac.ID, err == nil
}

// phpvmsRefusalOf words a domain refusal of a prefile, an update or a
// filing as phpVMS does: the first of its rules that refused, in its
// order of checks, else a validation exception with phpVMS's field names.
func phpvmsRefusalOf(err error, d domain.PirepDetails) error {
	why := domain.ErrorReasons(err)
	switch {
	case why["dpt_airport"] == domain.ReasonUnknownAirport:
		return &phpvmsError{Status: http.StatusNotFound, Type: "airport-not-found", Message: "Airport " + d.DptAirport + " not found",
			Extras: map[string]any{"airport_id": d.DptAirport}}
	case why["arr_airport"] == domain.ReasonUnknownAirport:
		return &phpvmsError{Status: http.StatusNotFound, Type: "airport-not-found", Message: "Airport " + d.ArrAirport + " not found",
			Extras: map[string]any{"airport_id": d.ArrAirport}}
	case why["dpt_airport"] == domain.ReasonPilotElsewhere:
		return phpvmsRefusal(http.StatusBadRequest, "user-not-at-airport", "Pilot is not at the departure airport")
	case why["aircraft_id"] == domain.ReasonUnknownAircraft:
		return phpvmsRefusal(http.StatusBadRequest, "aircraft-invalid", "The aircraft is invalid")
	case why["aircraft_id"] == domain.ReasonAircraftUnavailable:
		return &phpvmsError{Status: http.StatusBadRequest, Type: "aircraft-not-available", Message: domain.ErrorFields(err)["aircraft_id"]}
	case why["aircraft_id"] == domain.ReasonNotQualified:
		// phpVMS's own words first, for clients that show only those; the
		// details name the missing rank or type rating.
		return &phpvmsError{Status: http.StatusBadRequest, Type: "aircraft-permission-denied", Message: domain.ErrorFields(err)["aircraft_id"]}
	case why["aircraft_id"] == domain.ReasonAircraftNotOnFlight:
		return &phpvmsError{Status: http.StatusBadRequest, Type: "aircraft-permission-denied", Message: domain.ErrorFields(err)["aircraft_id"]}
	case why["aircraft_id"] == domain.ReasonAircraftElsewhere:
		return phpvmsRefusal(http.StatusBadRequest, "aircraft-not-at-airport", "The aircraft is not at the departure airport")
	case why["state"] == domain.ReasonPirepCancelled:
		return phpvmsRefusal(http.StatusBadRequest, "pirep-cancelled", "PIREP has been cancelled, updates are not allowed")
	}
	if fields := domain.ErrorFields(err); domain.ErrorCode(err) == domain.EInvalid && len(fields) > 0 {
		named := make(map[string]string, len(fields))
		for f, msg := range fields {
			if p, ok := phpvmsPirepFields[f]; ok {
				f = p
			}
			named[f] = msg
		}
		return phpvmsInvalid(named)
	}
	if domain.ErrorCode(err) == domain.EConflict {
		return phpvmsRefusal(http.StatusBadRequest, "pirep-error", domain.ErrorMessage(err))
	}
	if domain.ErrorCode(err) == domain.ENotFound {
		return phpvmsRefusal(http.StatusNotFound, "pirep-not-found", "PIREP not found")
	}
	return err
}

// prefile is POST /api/pireps/prefile.
func (h *phpvmsAPI) prefile(c echo.Context) error {
	p, _ := currentAPIPrincipal(c)
	a := *p.airline
	b, err := readPhpvmsBody(c)
	if err != nil {
		return err
	}
	for _, name := range []string{"airline_id", "aircraft_id", "flight_number", "dpt_airport_id", "arr_airport_id", "source_name"} {
		if !b.has(name) {
			b.errs[name] = "The " + words(name) + " field is required."
		}
	}
	var d domain.PirepDetails
	h.readPatch(c, a, b)(&d)
	if err := b.err(); err != nil {
		return err
	}
	ofp := h.sentOFP(c, a, b)
	fromOFP(ofp, b, &d)
	id, res, err := h.cmds.Prefile(c.Request().Context(), keyActor(c), a.ID, d)
	if err != nil {
		return phpvmsRefusalOf(err, d)
	}
	if err := h.attachOFP(c, a, ofp, id); err != nil {
		return err
	}
	return h.answerPirep(c, res, a, id)
}

// update is POST, PUT or PATCH /api/pireps/{id} and /update: the
// client's report of its flight's details and phase.
func (h *phpvmsAPI) update(c echo.Context) error {
	a, p, err := h.ownPirep(c)
	if err != nil {
		return err
	}
	b, err := readPhpvmsBody(c)
	if err != nil {
		return err
	}
	for _, name := range []string{"flight_number", "dpt_airport_id", "arr_airport_id"} {
		if v, sent := b.m[name]; sent && (v == nil || v == "") {
			b.errs[name] = "The " + words(name) + " field is required."
		}
	}
	if b.has("source_name") && len(b.str("source_name")) > 25 {
		b.errs["source_name"] = "The source name may not be greater than 25 characters."
	}
	apply := h.readPatch(c, a, b)
	phase := b.str("status")
	if err := b.err(); err != nil {
		return err
	}
	report := domain.FlightReport{Phase: phase, Apply: apply}
	res, err := h.cmds.Report(c.Request().Context(), keyActor(c), a.ID, p.ID, report)
	if err != nil {
		return phpvmsRefusalOf(err, airportsOf(p))
	}
	return h.answerPirep(c, res, a, p.ID)
}

// file is POST /api/pireps/{id}/file: distance and integer flight time
// required.
func (h *phpvmsAPI) file(c echo.Context) error {
	a, p, err := h.ownPirep(c)
	if err != nil {
		return err
	}
	b, err := readPhpvmsBody(c)
	if err != nil {
		return err
	}
	for _, name := range []string{"distance", "flight_time"} {
		if !b.has(name) {
			b.errs[name] = "The " + words(name) + " field is required."
		}
	}
	apply := h.readPatch(c, a, b)
	if err := b.err(); err != nil {
		return err
	}
	if err := h.attachOFP(c, a, h.sentOFP(c, a, b), p.ID); err != nil {
		return err
	}
	res, err := h.cmds.FileFlight(c.Request().Context(), keyActor(c), a.ID, p.ID, apply)
	if domain.ErrorCode(err) == domain.EConflict && domain.ErrorReasons(err)["state"] == "" {
		return phpvmsRefusal(http.StatusBadRequest, "pirep-error", "PIREP has already been submitted")
	}
	if err != nil {
		return phpvmsRefusalOf(err, airportsOf(p))
	}
	return h.answerPirep(c, res, a, p.ID)
}

// cancel is PUT or DELETE /api/pireps/{id}/cancel.
func (h *phpvmsAPI) cancel(c echo.Context) error {
	a, p, err := h.findPirep(c)
	if err != nil {
		return err
	}
	res, err := h.cmds.Cancel(c.Request().Context(), keyActor(c), a.ID, p.ID)
	if domain.ErrorCode(err) == domain.EConflict {
		return phpvmsRefusal(http.StatusBadRequest, "pirep-cancel-not-allowed", "This PIREP can't be cancelled")
	}
	if err != nil {
		return phpvmsRefusalOf(err, airportsOf(p))
	}
	h.wait.waitFor(c, res)
	return writePhpvmsJSON(c, http.StatusOK, echo.MIMEApplicationJSON, map[string]any{"message": "PIREP " + p.ID + " cancelled", "attrs": []any{}})
}

// addPositions is POST /api/pireps/{id}/acars/position (and positions).
func (h *phpvmsAPI) addPositions(c echo.Context) error {
	a, p, err := h.ownPirep(c)
	if err != nil {
		return err
	}
	b, err := readPhpvmsBody(c)
	if err != nil {
		return err
	}
	items := b.list("positions")
	if !b.has("positions") {
		b.errs["positions"] = "The positions field is required."
	}
	list := make([]domain.AircraftPosition, 0, len(items))
	for i, it := range items {
		pos := domain.AircraftPosition{ID: it.str("id"), Lat: it.number("lat"), Lon: it.number("lon"), Heading: it.rounded("heading"),
			GroundSpeed: it.rounded("gs"), IAS: it.rounded("ias"), VerticalSpeed: it.rounded("vs"), Distance: it.number("distance"),
			FuelFlow: it.rounded("fuel_flow"), Status: it.str("status"), Log: it.str("log"), Transponder: it.str("transponder"),
			Autopilot: it.str("autopilot"), SimTime: it.date("sim_time"), At: it.date("created_at")}
		pos.AltitudeMSL, pos.AltitudeAGL = it.rounded("altitude_msl"), it.rounded("altitude_agl")
		if alt := it.rounded("altitude"); alt != 0 {
			// phpVMS copies altitude into whichever of the two is missing.
			if !it.has("altitude_msl") {
				pos.AltitudeMSL = alt
			}
			if !it.has("altitude_agl") {
				pos.AltitudeAGL = alt
			}
		}
		for _, req := range []string{"lat", "lon"} {
			if !it.has(req) {
				it.errs[req] = "The " + req + " field is required."
			}
		}
		for f, msg := range it.errs {
			b.errs["positions."+strconv.Itoa(i)+"."+f] = msg
		}
		list = append(list, pos)
	}
	if err := b.err(); err != nil {
		return err
	}
	n, res, err := h.cmds.AddPositions(c.Request().Context(), keyActor(c), a.ID, p.ID, list)
	if err != nil {
		return phpvmsRefusalOf(err, airportsOf(p))
	}
	// The answer shows nothing of the read models: the pilot's next
	// request waits for them instead (owed_writes.go).
	if pr, ok := currentAPIPrincipal(c); ok {
		h.owed.owe(pr.user.ID, res)
	}
	return writePhpvmsJSON(c, http.StatusOK, echo.MIMEApplicationJSON,
		map[string]any{"message": strconv.Itoa(n) + " positions added", "attrs": []any{}, "count": n})
}

// listPositions is GET /api/pireps/{id}/acars/position: the flight path,
// oldest first.
func (h *phpvmsAPI) listPositions(c echo.Context) error {
	a, p, err := h.findPirep(c)
	if err != nil {
		return err
	}
	track, err := h.rm.PirepTrack(c.Request().Context(), a.ID, p.ID)
	if err != nil {
		return err
	}
	out := make([]any, 0, len(track))
	for i, pos := range track {
		id := pos.ID
		if id == "" {
			id = p.ID + "-" + strconv.Itoa(i+1)
		}
		var sim any
		if !pos.SimTime.IsZero() {
			sim = phpvmsTime(pos.SimTime)
		}
		out = append(out, map[string]any{"id": id, "pirep_id": p.ID, "type": 0, "status": nullIfEmpty(pos.Status),
			"log": nullIfEmpty(pos.Log), "lat": pos.Lat, "lon": pos.Lon, "heading": pos.Heading, "altitude": pos.AltitudeMSL,
			"altitude_agl": pos.AltitudeAGL, "altitude_msl": pos.AltitudeMSL, "vs": pos.VerticalSpeed, "gs": pos.GroundSpeed,
			"ias": pos.IAS, "transponder": nullIfEmpty(pos.Transponder), "autopilot": nullIfEmpty(pos.Autopilot),
			"fuel_flow": pos.FuelFlow, "distance": pos.Distance, "sim_time": sim, "created_at": phpvmsTime(pos.At), "updated_at": phpvmsTime(pos.At)})
	}
	return phpvmsData(c, out)
}

// liveFlights is GET /api/acars: the airline's flights in progress that
// have a position, latest report first.
func (h *phpvmsAPI) liveFlights(c echo.Context) error {
	a, err := phpvmsAirline(c)
	if err != nil {
		return err
	}
	list, err := h.rm.FlightsInProgress(c.Request().Context(), a.ID, maxLiveFlights)
	if err != nil {
		return err
	}
	out := []any{}
	for _, p := range list {
		if p.Last == nil {
			continue
		}
		r, err := h.pirepResource(c.Request().Context(), a, p)
		if err != nil {
			return err
		}
		out = append(out, r)
	}
	return phpvmsData(c, out)
}

// maxLiveFlights bounds the live list: a busy airline's sky, not a log.
const maxLiveFlights = 1000

// airportsOf is a PIREP's airports, as a refusal names them.
func airportsOf(p reads.Pirep) domain.PirepDetails {
	return domain.PirepDetails{DptAirport: p.DptAirport, ArrAirport: p.ArrAirport}
}

// pirepFromStream is a PIREP as its stream has it, for an answer the read
// models cannot give yet; its last position is left out.
func (h *phpvmsAPI) pirepFromStream(c echo.Context, a reads.Airline, pirepID string) (reads.Pirep, error) {
	f, err := h.loadFlight(c, pirepID)
	if err != nil {
		return reads.Pirep{}, err
	}
	if !f.Created || f.TenantID != a.ID {
		return reads.Pirep{}, domain.Errorf(domain.ENotFound, "There is no such PIREP.")
	}
	d := f.Details
	return reads.Pirep{ID: f.ID, AirlineID: f.TenantID, PilotID: f.PilotID, State: f.State, FlightID: d.FlightID,
		FlightNumber: d.FlightNumber, RouteCode: d.RouteCode, RouteLeg: d.RouteLeg, DptAirport: d.DptAirport,
		ArrAirport: d.ArrAirport, AltAirport: d.AltAirport, AircraftID: d.AircraftID, BlockOff: d.BlockOff, BlockOn: d.BlockOn,
		FiledAt: f.FiledAt, FlightTime: d.FlightTime, Distance: d.Distance, Level: d.Level, FuelUsed: d.FuelUsed,
		LandingRate: d.LandingRate, Route: d.Route, Remarks: d.Remarks, Source: d.Source, SourceName: d.SourceName,
		Phase: f.Phase, UpdatedAt: f.LastReportAt, QueuedAt: f.LastReportAt, Positions: int32(f.Positions)}, nil
}

// phpvmsFlightType is a PIREP's flight type letter: C for a charter (a
// flight not on the schedule), else J.
func phpvmsFlightType(p reads.Pirep) string {
	if p.FlightID == "" {
		return domain.FlightTypeCharterPassenger
	}
	return "J"
}
