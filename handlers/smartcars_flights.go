package handlers

import (
	"encoding/base64"
	"encoding/json"
	"fmt"
	"math"
	"net/http"
	"regexp"
	"strconv"
	"strings"
	"time"

	"github.com/labstack/echo/v4"

	"github.com/albatross-va/albatross/domain"
	"github.com/albatross-va/albatross/store/reads"
)

// smartCARS's flight routes: the schedule search and the pilot's bookings
// (bids, domain/bid.go), and a flight's start, updates, completion and
// cancellation (the ACARS PIREP commands, domain/pirep_acars.go). The bid
// of a filed or cancelled flight is removed by the bid reactor.

// smartcarsMaxFlights bounds a search's answer, as the module does.
const smartcarsMaxFlights = 100

// smartcarsFlightType is the contract's P (passengers) or C (cargo) of a
// phpVMS flight type.
func smartcarsFlightType(t string) string {
	switch t {
	case "A", "H", "I", "K", "M", "P", "T", "W", "X", "F":
		return "C"
	}
	return "P"
}

// smartcarsDays are a flight's days by the contract's names.
func smartcarsDays(days int32) []string {
	names := []string{"Monday", "Tuesday", "Wednesday", "Thursday", "Friday", "Saturday", "Sunday"}
	out := []string{}
	for i, d := range domain.WeekDays {
		if days&d.Bit != 0 {
			out = append(out, names[i])
		}
	}
	return out
}

// smartcarsClock is a schedule time as the contract's HH:MM; an arrival
// time the schedule lacks is its departure plus the flight time.
func smartcarsClock(t string) string {
	if len(t) >= 5 && t[2] == ':' {
		return t[:5]
	}
	return t
}

func arrivalClock(f reads.ScheduledFlight) string {
	if f.ArrTime != "" || f.DptTime == "" {
		return smartcarsClock(f.ArrTime)
	}
	dpt, err := time.Parse("15:04", smartcarsClock(f.DptTime))
	if err != nil {
		return ""
	}
	return dpt.Add(time.Duration(f.FlightTime) * time.Minute).Format("15:04")
}

// flightLevel is a level in feet as a flight level (350 for 35,000 ft).
func flightLevel(feet int32) int32 { return int32(math.Round(float64(feet) / 100)) }

// flightResource is the contract's BaseFlight: distance in nautical miles,
// flight time in hours, the level as a flight level, the route's
// waypoints, and the aircraft (phpVMS ids) that may fly it.
func smartcarsFlight(fl *phpvmsFleet, f reads.ScheduledFlight) map[string]any {
	aircraft, types := []int{}, []string{}
	for _, s := range fl.allowed(f.SubfleetIDs) {
		types = append(types, s.ICAO)
		for _, ac := range fl.aircraft[s.ID] {
			if ac.Status == domain.AircraftActive {
				aircraft = append(aircraft, ac.Number)
			}
		}
	}
	route := strings.Fields(f.Route)
	if route == nil {
		route = []string{}
	}
	return map[string]any{
		"code": fl.airline.ICAO, "number": f.FlightNumber, "type": smartcarsFlightType(f.FlightType),
		"departureAirport": f.DptAirport, "arrivalAirport": f.ArrAirport, "route": route, "aircraft": aircraft,
		"flightLevel": flightLevel(f.Level), "distance": float64(f.Distance),
		"departureTime": smartcarsClock(f.DptTime), "arrivalTime": arrivalClock(f), "flightTime": hours(f.FlightTime),
		"daysOfWeek": smartcarsDays(f.Days), "subfleets": types, "notes": f.Notes,
	}
}

// smartcarsQuery reads a search's query parameters, naming each one wrong.
type smartcarsQuery struct {
	c    echo.Context
	errs map[string]string
}

func (q *smartcarsQuery) icao(name string) string {
	v := strings.TrimSpace(q.c.QueryParam(name))
	if v != "" && !smartcarsICAOPattern.MatchString(v) {
		q.errs[name] = name + ": An airport is its four-letter ICAO code in capitals."
	}
	return v
}

// number reads a number at least 0; ok is false when it was not sent.
func (q *smartcarsQuery) number(name string) (float64, bool) {
	v := strings.TrimSpace(q.c.QueryParam(name))
	if v == "" {
		return 0, false
	}
	f, err := strconv.ParseFloat(v, 64)
	if err != nil || math.IsNaN(f) || math.IsInf(f, 0) || f < 0 {
		q.errs[name] = name + ": Send a number, at least 0."
		return 0, false
	}
	return f, true
}

func (q *smartcarsQuery) err() error {
	if len(q.errs) == 0 {
		return nil
	}
	return smartcarsInvalid(q.errs)
}

// searchFlights is GET /flights/search: the airline's active flights by
// the contract's filters (times in hours, distances in nautical miles,
// aircraft a phpVMS aircraft id, callsign a part of the flight's callsign
// or ident), at most 100; under "one pilot per flight", without the
// flights other pilots have bid on.
func (h *smartcarsAPI) searchFlights(c echo.Context) error {
	p, _ := currentAPIPrincipal(c)
	ctx := c.Request().Context()
	q := &smartcarsQuery{c: c, errs: map[string]string{}}
	var s flightSearch
	s.find.Dpt, s.find.Arr = q.icao("departureAirport"), q.icao("arrivalAirport")
	for _, b := range []struct {
		name  string
		field func(reads.ScheduledFlight) float64
		least bool
	}{
		{"minimumFlightTime", func(f reads.ScheduledFlight) float64 { return float64(f.FlightTime) / 60 }, true},
		{"maximumFlightTime", func(f reads.ScheduledFlight) float64 { return float64(f.FlightTime) / 60 }, false},
		{"minimumDistance", func(f reads.ScheduledFlight) float64 { return float64(f.Distance) }, true},
		{"maximumDistance", func(f reads.ScheduledFlight) float64 { return float64(f.Distance) }, false},
	} {
		if bound, ok := q.number(b.name); ok {
			s.keep = append(s.keep, func(f reads.ScheduledFlight) bool {
				if b.least {
					return b.field(f) >= bound
				}
				return b.field(f) <= bound
			})
		}
	}
	fl, err := h.php.readFleet(ctx, *p.airline)
	if err != nil {
		return err
	}
	if n, ok := q.number("aircraft"); ok {
		if n != math.Trunc(n) {
			q.errs["aircraft"] = "aircraft: Send an aircraft's id, a whole number."
		}
		var subfleet []string
		for _, list := range fl.aircraft {
			for _, ac := range list {
				if float64(ac.Number) == n {
					subfleet = append(subfleet, ac.SubfleetID)
				}
			}
		}
		s.none = len(subfleet) == 0
		s.keep = append(s.keep, fl.mayFlyAny(subfleet))
	}
	if cs := strings.ToUpper(strings.TrimSpace(c.QueryParam("callsign"))); cs != "" {
		s.keep = append(s.keep, func(f reads.ScheduledFlight) bool {
			return strings.Contains(strings.ToUpper(f.Callsign), cs) || strings.Contains(fl.airline.ICAO+strings.ToUpper(f.FlightNumber), cs)
		})
	}
	if err := q.err(); err != nil {
		return err
	}
	rules, err := h.php.rm.BidRules(ctx, p.airline.ID)
	if err != nil {
		return err
	}
	out := []any{}
	find := s.find
	for walked := 0; !s.none && len(out) < smartcarsMaxFlights && walked < phpvmsMaxFlightWalk; {
		res, err := h.php.rm.FindFlights(ctx, p.airline.ID, find, phpvmsFlightBatch)
		if err != nil {
			return err
		}
		walked += len(res.Flights)
		if err := h.php.readBidders(c, fl, res.Flights); err != nil {
			return err
		}
		for _, f := range res.Flights {
			if len(out) < smartcarsMaxFlights && s.matches(f) && !(rules.OnePilotPerFlight && takenFrom(fl.bidders[f.ID], p.user.ID)) {
				item := smartcarsFlight(fl, f)
				item["id"] = f.ID
				out = append(out, item)
			}
		}
		if res.Next == "" {
			break
		}
		find.After = res.Next
	}
	return smartcarsAnswer(c, out)
}

// smartcarsBody reads a request's JSON body as phpVMS's routes do; a body
// that is not JSON is the contract's 400.
func smartcarsBody(c echo.Context) (*phpvmsBody, error) {
	b, err := readPhpvmsBody(c)
	if err != nil {
		return nil, smartcarsFieldError("body", "The body must be a JSON object.")
	}
	return b, nil
}

// require records a required member that was not sent.
func require(b *phpvmsBody, names ...string) {
	for _, n := range names {
		if _, sent := b.m[n]; !sent || b.m[n] == nil {
			b.errs[n] = "The " + n + " field is required."
		}
	}
}

// smartcarsBodyErr is the body's 400, each message naming its member.
func smartcarsBodyErr(b *phpvmsBody) error {
	if len(b.errs) == 0 {
		return nil
	}
	return smartcarsInvalid(b.errs)
}

// id reads an id member the contract sends as an integer or a string.
func smartcarsID(b *phpvmsBody, name string) string {
	v := strings.TrimSpace(b.str(name))
	if b.errs[name] == "" && (len(v) > 100 || domain.TextProblem(v, domain.SingleLine) != "") {
		b.errs[name] = "The " + name + " is not an id."
	}
	return v
}

// whole reads a whole-number member within [lo, hi].
func whole(b *phpvmsBody, name string, lo, hi float64) int32 {
	f := b.number(name)
	if b.errs[name] == "" && b.has(name) && (f != math.Trunc(f) || f < lo || f > hi) {
		b.errs[name] = fmt.Sprintf("The %s must be a whole number from %v to %v.", name, lo, hi)
	}
	if b.errs[name] != "" {
		return 0
	}
	return int32(f)
}

// within reads a numeric member within [lo, hi].
func within(b *phpvmsBody, name string, lo, hi float64) float64 {
	f := b.number(name)
	if b.errs[name] == "" && (f < lo || f > hi) {
		b.errs[name] = fmt.Sprintf("The %s must be from %v to %v.", name, lo, hi)
	}
	return f
}

// strings reads an array member of strings (a route's waypoints).
func stringList(b *phpvmsBody, name string) []string {
	raw, ok := b.m[name].([]any)
	if !ok {
		if b.m[name] != nil {
			b.errs[name] = "The " + name + " must be an array of strings."
		}
		return nil
	}
	out := make([]string, 0, len(raw))
	for _, v := range raw {
		s, ok := v.(string)
		if !ok || len(s) > 64 || domain.TextProblem(s, domain.SingleLine) != "" {
			b.errs[name] = "The " + name + " must be an array of waypoint names."
			return nil
		}
		if s = strings.TrimSpace(s); s != "" {
			out = append(out, s)
		}
	}
	return out
}

// ownBid is the pilot's bid a bidID names (its number, or Albatross's
// id); another pilot's, or another airline's, is not found.
func (h *smartcarsAPI) ownBid(c echo.Context, raw string) (reads.StandingBid, error) {
	p, _ := currentAPIPrincipal(c)
	ctx := c.Request().Context()
	var b reads.StandingBid
	var err error
	if n, convErr := strconv.Atoi(raw); convErr == nil {
		b, err = h.php.rm.FindBidByNumber(ctx, p.airline.ID, n)
	} else {
		b, err = h.php.rm.FindBid(ctx, p.airline.ID, raw)
	}
	if domain.ErrorCode(err) == domain.ENotFound || err == nil && b.PilotID != p.user.ID {
		return b, smartcarsRefusal(http.StatusNotFound, "There is no booking "+raw+" of yours.")
	}
	return b, err
}

// bookingRefusal words a refused bid: 409 for a flight or aircraft another
// bid holds or the bid limit, 404 for a flight the airline lacks, 400
// naming the field otherwise.
func bookingRefusal(err error, aircraftField string) error {
	fields := domain.ErrorFields(err)
	switch domain.ErrorCode(err) {
	case domain.EConflict:
		return smartcarsRefusal(http.StatusConflict, domain.ErrorMessage(err))
	case domain.ENotFound:
		if fields["flight_id"] != "" {
			return smartcarsRefusal(http.StatusNotFound, "This flight ID does not exist.")
		}
		return smartcarsRefusal(http.StatusNotFound, domain.ErrorMessage(err))
	case domain.EInvalid:
		if msg := fields["aircraft_id"]; msg != "" {
			return smartcarsFieldError(aircraftField, msg)
		}
		if msg := fields["flight_id"]; msg != "" {
			return smartcarsFieldError("flightID", msg)
		}
	}
	return err
}

// bidAnswer answers {"bidID": N} once the read models show the bid.
func (h *smartcarsAPI) bidAnswer(c echo.Context, res domain.AppendResult, bidID string) error {
	p, _ := currentAPIPrincipal(c)
	h.php.wait.waitFor(c, res)
	b, err := h.php.rm.FindBid(c.Request().Context(), p.airline.ID, bidID)
	if err != nil {
		return err
	}
	return smartcarsAnswer(c, map[string]any{"bidID": b.Number})
}

// bookFlight is POST /flights/book {"flightID", "aircraftID"}: a bid on a
// schedule flight with the aircraft smartCARS chose. A flight the pilot
// has a bid on already answers that bid.
func (h *smartcarsAPI) bookFlight(c echo.Context) error {
	p, _ := currentAPIPrincipal(c)
	b, err := smartcarsBody(c)
	if err != nil {
		return err
	}
	require(b, "flightID", "aircraftID")
	flightID := smartcarsID(b, "flightID")
	number := whole(b, "aircraftID", 0, math.MaxInt32)
	if err := smartcarsBodyErr(b); err != nil {
		return err
	}
	aircraftID, ok := h.php.aircraftByAPIID(c, *p.airline, strconv.Itoa(int(number)))
	if !ok {
		return smartcarsFieldError("aircraftID", "This airline has no such aircraft.")
	}
	placed, res, err := h.php.bids.Place(c.Request().Context(), keyActor(c), p.airline.ID, flightID, aircraftID)
	if err != nil {
		return bookingRefusal(err, "aircraftID")
	}
	return h.bidAnswer(c, res, placed.ID)
}

// rebookFlight is POST /flights/rebook {"bidID", "aircraft"}: the booking
// moved to another aircraft (a new bid, with a new bidID, on the same
// flight).
func (h *smartcarsAPI) rebookFlight(c echo.Context) error {
	p, _ := currentAPIPrincipal(c)
	b, err := smartcarsBody(c)
	if err != nil {
		return err
	}
	require(b, "bidID", "aircraft")
	raw := smartcarsID(b, "bidID")
	number := whole(b, "aircraft", 0, math.MaxInt32)
	if err := smartcarsBodyErr(b); err != nil {
		return err
	}
	bid, err := h.ownBid(c, raw)
	if err != nil {
		return err
	}
	aircraftID, ok := h.php.aircraftByAPIID(c, *p.airline, strconv.Itoa(int(number)))
	if !ok {
		return smartcarsFieldError("aircraft", "This airline has no such aircraft.")
	}
	placed, res, err := h.php.bids.Rebook(c.Request().Context(), keyActor(c), p.airline.ID, bid.ID, aircraftID)
	if err != nil {
		return bookingRefusal(err, "aircraft")
	}
	return h.bidAnswer(c, res, placed.ID)
}

// listBookings is GET /flights/bookings: the pilot's bids, oldest first,
// as BidFlights; a bid that names an aircraft gives that one.
func (h *smartcarsAPI) listBookings(c echo.Context) error {
	p, _ := currentAPIPrincipal(c)
	ctx := c.Request().Context()
	fl, err := h.php.readFleet(ctx, *p.airline)
	if err != nil {
		return err
	}
	bids, err := h.php.rm.PilotBids(ctx, p.airline.ID, p.user.ID)
	if err != nil {
		return err
	}
	var plans map[string]domain.CharterFlight
	out := []any{}
	for _, b := range bids {
		if b.FlightID == "" {
			if plans == nil {
				if plans, err = h.charterPlans(c, p.user.ID); err != nil {
					return err
				}
			}
			if plan, ok := plans[b.ID]; ok {
				out = append(out, smartcarsCharter(c, h, fl, b, plan))
			}
			continue
		}
		f, err := h.php.rm.FindFlight(ctx, p.airline.ID, b.FlightID)
		if domain.ErrorCode(err) == domain.ENotFound {
			continue // the flight left the schedule: nothing to fly
		}
		if err != nil {
			return err
		}
		item := smartcarsFlight(fl, f)
		item["bidID"], item["flightID"] = b.Number, f.ID
		if b.AircraftID != "" {
			if ac, err := h.php.rm.FindAircraft(ctx, p.airline.ID, b.AircraftID); err == nil {
				item["aircraft"] = ac.Number
			}
		}
		out = append(out, item)
	}
	return smartcarsAnswer(c, out)
}

// charterPlans are the plans of the pilot's charter bookings, by bid id,
// from their bids' stream: the read models keep a booking's number and
// airports, not its plan.
func (h *smartcarsAPI) charterPlans(c echo.Context, pilotID string) (map[string]domain.CharterFlight, error) {
	recs, err := h.php.log.ReadStream(c.Request().Context(), domain.BidStream(pilotID), 0)
	if err != nil {
		return nil, err
	}
	bids := &domain.PilotBids{}
	for _, rec := range recs {
		msg, err := h.php.registry.Decode(rec.Type, rec.Data)
		if err != nil {
			return nil, err
		}
		if err := bids.Apply(msg); err != nil {
			return nil, err
		}
	}
	out := map[string]domain.CharterFlight{}
	for _, b := range bids.Bids {
		if b.Charter != nil {
			out[b.ID] = *b.Charter
		}
	}
	return out, nil
}

// smartcarsCharter is a charter booking as the contract's BidFlight.
func smartcarsCharter(c echo.Context, h *smartcarsAPI, fl *phpvmsFleet, b reads.StandingBid, plan domain.CharterFlight) map[string]any {
	kind, aircraft, types := "P", any([]int{}), []string{}
	if plan.Cargo {
		kind = "C"
	}
	if ac, err := h.php.rm.FindAircraft(c.Request().Context(), fl.airline.ID, b.AircraftID); err == nil {
		aircraft = ac.Number
		if s, ok := fl.byID[ac.SubfleetID]; ok {
			types = append(types, s.ICAO)
		}
	}
	route := strings.Fields(plan.Route)
	if route == nil {
		route = []string{}
	}
	return map[string]any{
		"bidID": b.Number, "code": fl.airline.ICAO, "number": plan.FlightNumber, "type": kind,
		"departureAirport": plan.DptAirport, "arrivalAirport": plan.ArrAirport, "route": route, "aircraft": aircraft,
		"flightLevel": flightLevel(plan.Level), "distance": float64(plan.Distance), "departureTime": plan.DptTime,
		"arrivalTime": plan.ArrTime, "flightTime": hours(plan.FlightTime()), "daysOfWeek": []string{}, "subfleets": types,
		"notes": "Charter",
	}
}

// unbookFlight is POST /flights/unbook {"bidID"}.
func (h *smartcarsAPI) unbookFlight(c echo.Context) error {
	p, _ := currentAPIPrincipal(c)
	b, err := smartcarsBody(c)
	if err != nil {
		return err
	}
	require(b, "bidID")
	raw := smartcarsID(b, "bidID")
	if err := smartcarsBodyErr(b); err != nil {
		return err
	}
	bid, err := h.ownBid(c, raw)
	if err != nil {
		return err
	}
	res, err := h.php.bids.Remove(c.Request().Context(), keyActor(c), p.airline.ID, bid.ID)
	if domain.ErrorCode(err) == domain.ENotFound {
		return smartcarsRefusal(http.StatusNotFound, "There is no booking "+raw+" of yours.")
	}
	if err != nil {
		return err
	}
	h.php.wait.waitFor(c, res)
	return smartcarsAnswer(c, map[string]any{})
}

// smartcarsClockPattern is the contract's HH:MM (or H:M).
var smartcarsClockPattern = regexp.MustCompile(`^(2[0-3]|[01]?[0-9]):([0-5]?[0-9])$`)

// clock reads a time member as HH:MM.
func clock(b *phpvmsBody, name string) string {
	m := smartcarsClockPattern.FindStringSubmatch(strings.TrimSpace(b.str(name)))
	if m == nil {
		if b.errs[name] == "" {
			b.errs[name] = "The " + name + " must be a time as HH:MM."
		}
		return ""
	}
	h, _ := strconv.Atoi(m[1])
	min, _ := strconv.Atoi(m[2])
	return fmt.Sprintf("%02d:%02d", h, min)
}

// smartcarsCharterFields are the contract's names of a charter's fields
// as the domain names them.
var smartcarsCharterFields = map[string]string{
	"flight_number": "number", "dpt_airport": "departure", "arr_airport": "arrival", "aircraft_id": "aircraft",
	"level": "cruise", "distance": "distance", "route": "route", "dpt_time": "departureTime", "arr_time": "arrivalTime",
}

// charterFlight is POST /flights/charter: a charter booking (domain/
// charter.go) of the pilot's plan, when the airline allows charters: the
// cruise is a flight level, the distance in nautical miles, the type P or
// C (cargo), the aircraft its phpVMS id (the module's reading) or an ICAO
// type, which takes the type's first aircraft in service.
func (h *smartcarsAPI) charterFlight(c echo.Context) error {
	p, _ := currentAPIPrincipal(c)
	ctx := c.Request().Context()
	b, err := smartcarsBody(c)
	if err != nil {
		return err
	}
	require(b, "number", "departure", "arrival", "aircraft", "cruise", "distance", "type", "departureTime", "arrivalTime")
	f := domain.CharterFlight{FlightNumber: strings.TrimSpace(b.str("number"))}
	for _, ap := range []struct {
		name string
		to   *string
	}{{"departure", &f.DptAirport}, {"arrival", &f.ArrAirport}} {
		if *ap.to = strings.TrimSpace(b.str(ap.name)); b.errs[ap.name] == "" && !smartcarsICAOPattern.MatchString(*ap.to) {
			b.errs[ap.name] = "The " + ap.name + " must be an airport's four-letter ICAO code in capitals."
		}
	}
	f.Route = strings.Join(stringList(b, "route"), " ")
	f.Level = whole(b, "cruise", 0, 999) * 100
	f.Distance = int32(math.Round(within(b, "distance", 0, 13000)))
	switch t := b.str("type"); t {
	case "P", "C":
		f.Cargo = t == "C"
	default:
		if b.errs["type"] == "" {
			b.errs["type"] = "The type must be P (passengers) or C (cargo)."
		}
	}
	f.DptTime, f.ArrTime = clock(b, "departureTime"), clock(b, "arrivalTime")
	aircraft := strings.TrimSpace(b.str("aircraft"))
	if err := smartcarsBodyErr(b); err != nil {
		return err
	}
	id, ok, err := h.charterAircraft(c, *p.airline, aircraft)
	if err != nil {
		return err
	}
	if !ok {
		return smartcarsFieldError("aircraft", "This airline has no such aircraft in service.")
	}
	f.AircraftID = id
	bid, res, err := h.php.bids.Charter(ctx, keyActor(c), p.airline.ID, f)
	fields := domain.ErrorFields(err)
	switch {
	case err == nil:
		return h.bidAnswer(c, res, bid.ID)
	case domain.ErrorCode(err) == domain.EForbidden:
		return smartcarsRefusal(http.StatusForbidden, domain.ErrorMessage(err))
	case domain.ErrorCode(err) == domain.EConflict:
		return smartcarsRefusal(http.StatusConflict, domain.ErrorMessage(err))
	case domain.ErrorCode(err) == domain.EInvalid && len(fields) > 0:
		named := map[string]string{}
		for f, msg := range fields {
			if n, ok := smartcarsCharterFields[f]; ok {
				f = n
			}
			named[f] = f + ": " + msg
		}
		return smartcarsInvalid(named)
	}
	return err
}

// charterAircraft finds a charter's aircraft: by phpVMS id, or the first
// aircraft in service of an ICAO type.
func (h *smartcarsAPI) charterAircraft(c echo.Context, a reads.Airline, raw string) (string, bool, error) {
	if _, err := strconv.Atoi(raw); err == nil {
		id, ok := h.php.aircraftByAPIID(c, a, raw)
		return id, ok, nil
	}
	if !smartcarsTypePattern.MatchString(raw) {
		return "", false, nil
	}
	fl, err := h.php.readFleet(c.Request().Context(), a)
	if err != nil {
		return "", false, err
	}
	for _, s := range fl.subfleets {
		for _, ac := range fl.aircraft[s.ID] {
			if s.ICAO == raw && ac.Status == domain.AircraftActive {
				return ac.ID, true, nil
			}
		}
	}
	return "", false, nil
}

// startFlight is POST /flights/start {"bidID"}: the bid's flight
// prefiled, with the bid's aircraft, as an ACARS PIREP in progress; its
// id is the trackingID (and the uuid smartCARS sends back).
func (h *smartcarsAPI) startFlight(c echo.Context) error {
	p, _ := currentAPIPrincipal(c)
	ctx := c.Request().Context()
	b, err := smartcarsBody(c)
	if err != nil {
		return err
	}
	require(b, "bidID")
	raw := smartcarsID(b, "bidID")
	if err := smartcarsBodyErr(b); err != nil {
		return err
	}
	bid, err := h.ownBid(c, raw)
	if err != nil {
		return err
	}
	if bid.AircraftID == "" {
		return smartcarsFieldError("bidID", "This booking has no aircraft: rebook it with one.")
	}
	// A charter booking has no schedule flight: the prefile names the
	// booking, which fills it in.
	d := domain.PirepDetails{BidID: bid.ID}
	if bid.FlightID != "" {
		f, err := h.php.rm.FindFlight(ctx, p.airline.ID, bid.FlightID)
		if domain.ErrorCode(err) == domain.ENotFound {
			return smartcarsRefusal(http.StatusNotFound, "The booked flight is no longer on the schedule.")
		}
		if err != nil {
			return err
		}
		d = domain.PirepFromFlight(f.ID, flightSchedule(f))
	}
	d.AircraftID, d.SourceName, d.FlightTime = bid.AircraftID, smartcarsSourceName, 0
	id, res, err := h.php.cmds.Prefile(ctx, keyActor(c), p.airline.ID, d)
	if err != nil {
		return phpvmsRefusalOf(err, d)
	}
	h.php.wait.waitFor(c, res)
	return smartcarsAnswer(c, map[string]any{"trackingID": id})
}

// flightInProgress is the pilot's flight in progress a request names: by
// uuid (the trackingID) when it is one, else the one of the bid's flight.
func (h *smartcarsAPI) flightInProgress(c echo.Context, b *phpvmsBody) (reads.Pirep, error) {
	p, _ := currentAPIPrincipal(c)
	ctx := c.Request().Context()
	notFound := smartcarsRefusal(http.StatusNotFound, "There is no flight in progress for this booking: start it first.")
	if b.has("uuid") {
		pr, err := h.php.rm.FindPirep(ctx, p.airline.ID, b.str("uuid"))
		switch {
		case err == nil && pr.PilotID == p.user.ID && pr.State == domain.PirepInProgress:
			return pr, nil
		case err != nil && domain.ErrorCode(err) != domain.ENotFound:
			return pr, err
		}
	}
	if !b.has("bidID") {
		return reads.Pirep{}, notFound
	}
	bid, err := h.ownBid(c, smartcarsID(b, "bidID"))
	if err != nil {
		return reads.Pirep{}, err
	}
	res, err := h.php.rm.FindPireps(ctx, p.airline.ID, reads.PirepFilter{PilotID: p.user.ID, State: domain.PirepInProgress}, 100)
	if err != nil {
		return reads.Pirep{}, err
	}
	for _, pr := range res.Pireps { // newest first
		schedule := bid.FlightID != "" && pr.FlightID == bid.FlightID
		// A charter's PIREP names no schedule flight: its number and
		// airports are the booking's.
		charter := bid.FlightID == "" && pr.FlightID == "" && pr.FlightNumber == bid.FlightNumber &&
			pr.DptAirport == bid.DptAirport && pr.ArrAirport == bid.ArrAirport
		if schedule || charter {
			return pr, nil
		}
	}
	return reads.Pirep{}, notFound
}

// smartcarsPhases are phpVMS's phases of the contract's, as the module
// maps them.
var smartcarsPhases = map[string]string{
	"BOARDING": "BST", "PUSH_BACK": "PBT", "TAXI": "TXI", "TAKE_OFF": "TOF", "REJECTED_TAKE_OFF": "TXI",
	"CLIMB_OUT": "ICL", "CLIMB": "ENR", "CRUISE": "ENR", "DESCENT": "TEN", "APPROACH": "APR", "FINAL": "FIN",
	"LANDED": "LAN", "GO_AROUND": "TEN", "TAXI_TO_GATE": "LAN", "DEBOARDING": "ARR", "DIVERTED": "DV",
}

// smartcarsNetworks are the networks the contract names.
var smartcarsNetworks = map[string]bool{"Offline": true, "VATSIM": true, "PilotEdge": true, "IVAO": true, "POSCON": true}

// updateFlight is POST /flights/update: a position report, recorded as a
// position of the flight (distance flown is the planned distance less the
// distance remaining) and, when the phase changed, as the flight's phase.
func (h *smartcarsAPI) updateFlight(c echo.Context) error {
	p, _ := currentAPIPrincipal(c)
	ctx := c.Request().Context()
	b, err := smartcarsBody(c)
	if err != nil {
		return err
	}
	require(b, "bidID", "latitude", "longitude", "heading", "altitude", "groundSpeed", "phase")
	smartcarsID(b, "bidID")
	pos := domain.AircraftPosition{Lat: within(b, "latitude", -90, 90), Lon: within(b, "longitude", -180, 180),
		Heading: whole(b, "heading", 0, 359), AltitudeMSL: whole(b, "altitude", -99999, 99999),
		GroundSpeed: whole(b, "groundSpeed", 0, 99999)}
	remaining := within(b, "distanceRemaining", 0, 1e6)
	within(b, "timeRemaining", 0, 1e6)
	stringList(b, "route")
	phase, ok := smartcarsPhases[b.str("phase")]
	if b.errs["phase"] == "" && b.has("phase") && !ok {
		b.errs["phase"] = "The phase must be one of BOARDING, PUSH_BACK, TAXI, TAKE_OFF, REJECTED_TAKE_OFF, CLIMB_OUT, CLIMB, CRUISE, DESCENT, APPROACH, FINAL, LANDED, GO_AROUND, TAXI_TO_GATE, DEBOARDING or DIVERTED."
	}
	if b.has("network") && !smartcarsNetworks[b.str("network")] {
		b.errs["network"] = "The network must be one of Offline, VATSIM, PilotEdge, IVAO or POSCON."
	}
	if b.has("aircraft") {
		whole(b, "aircraft", 0, math.MaxInt32)
	}
	if err := smartcarsBodyErr(b); err != nil {
		return err
	}
	pr, err := h.flightInProgress(c, b)
	if err != nil {
		return err
	}
	pos.AltitudeAGL, pos.Status = pos.AltitudeMSL, phase
	pos.Distance = units(max(0, float64(pr.Distance)-remaining))
	_, res, err := h.php.cmds.AddPositions(ctx, keyActor(c), p.airline.ID, pr.ID, []domain.AircraftPosition{pos})
	if err != nil {
		return phpvmsRefusalOf(err, airportsOf(pr))
	}
	if phase != pr.Phase {
		if res, err = h.php.cmds.Report(ctx, keyActor(c), p.airline.ID, pr.ID, domain.FlightReport{Phase: phase}); err != nil {
			return phpvmsRefusalOf(err, airportsOf(pr))
		}
	}
	// The answer shows nothing of the read models: the pilot's next
	// request waits for them instead (owed_writes.go).
	h.php.owed.owe(p.user.ID, res)
	return smartcarsAnswer(c, map[string]any{})
}

// smartcarsEvent is one event of a completion's flightData.
type smartcarsEvent struct {
	ID        any     `json:"eventId"`
	Elapsed   float64 `json:"eventElapsedTime"`
	Timestamp string  `json:"eventTimestamp"`
	Condition any     `json:"eventCondition"`
	Message   string  `json:"message"`
}

// decodeBase64 reads a base64 member (standard or URL alphabet, padded
// or not).
func decodeBase64(b *phpvmsBody, name string) []byte {
	s := strings.TrimSpace(b.str(name))
	for _, enc := range []*base64.Encoding{base64.StdEncoding, base64.RawStdEncoding, base64.URLEncoding, base64.RawURLEncoding} {
		if out, err := enc.DecodeString(s); err == nil {
			return out
		}
	}
	b.errs[name] = "The " + name + " must be base64."
	return nil
}

// completionLogs reads a completion's flight log (lines of text) and
// flight data (a JSON array of events) as the PIREP's log lines; their ids
// make a repeated completion add none twice.
func completionLogs(b *phpvmsBody) []domain.AcarsLog {
	var out []domain.AcarsLog
	for i, line := range strings.Split(string(decodeBase64(b, "flightLog")), "\n") {
		if line = strings.TrimSpace(line); line != "" {
			out = append(out, domain.AcarsLog{ID: "sc3-log-" + strconv.Itoa(i), Text: line})
		}
	}
	raw := decodeBase64(b, "flightData")
	if len(strings.TrimSpace(string(raw))) == 0 {
		return out
	}
	var events []smartcarsEvent
	if err := json.Unmarshal(raw, &events); err != nil {
		b.errs["flightData"] = "The flightData must be a base64 JSON array of events."
		return out
	}
	for i, e := range events {
		if strings.TrimSpace(e.Message) == "" {
			continue
		}
		l := domain.AcarsLog{ID: "sc3-event-" + strconv.Itoa(i), Text: e.Message, Event: true}
		if t, err := time.Parse(time.RFC3339Nano, e.Timestamp); err == nil {
			l.At = t
		} else if t, err := time.Parse("2006-01-02 15:04:05", e.Timestamp); err == nil {
			l.At = t
		}
		out = append(out, l)
	}
	return out
}

// completeFlight is POST /flights/complete: the flight's log and events
// recorded, then the flight filed with its flight time (hours), fuel used
// (pounds), landing rate (feet per minute) and flown route.
func (h *smartcarsAPI) completeFlight(c echo.Context) error {
	p, _ := currentAPIPrincipal(c)
	ctx := c.Request().Context()
	b, err := smartcarsBody(c)
	if err != nil {
		return err
	}
	require(b, "bidID", "flightTime", "landingRate", "fuelUsed")
	smartcarsID(b, "bidID")
	minutes := math.Round(within(b, "flightTime", 0, 48) * 60)
	if b.errs["flightTime"] == "" && minutes < 1 {
		b.errs["flightTime"] = "The flightTime is in hours and must be at least one minute."
	}
	fuel := within(b, "fuelUsed", 0, 1e7)
	landing := within(b, "landingRate", -1e5, 1e5)
	if b.has("remainingLoad") {
		whole(b, "remainingLoad", 0, math.MaxInt32)
	}
	route := stringList(b, "route")
	comments := b.str("comments")
	logs := completionLogs(b)
	if err := smartcarsBodyErr(b); err != nil {
		return err
	}
	pr, err := h.flightInProgress(c, b)
	if err != nil {
		return err
	}
	for from := 0; from < len(logs); from += domain.MaxPositionsPerReport {
		chunk := logs[from:min(from+domain.MaxPositionsPerReport, len(logs))]
		if _, _, err := h.php.cmds.AddLogs(ctx, keyActor(c), p.airline.ID, pr.ID, chunk); err != nil {
			return smartcarsLogRefusal(err, from)
		}
	}
	apply := func(d *domain.PirepDetails) {
		d.FlightTime, d.FuelUsed, d.LandingRate = int32(minutes), int32(math.Round(fuel)), int32(math.Round(landing))
		d.SourceName = smartcarsSourceName
		if len(route) > 0 {
			d.Route = strings.Join(route, " ")
		}
		if strings.TrimSpace(comments) != "" {
			d.Remarks = comments
		}
	}
	res, err := h.php.cmds.FileFlight(ctx, keyActor(c), p.airline.ID, pr.ID, apply)
	if err != nil {
		return phpvmsRefusalOf(err, airportsOf(pr))
	}
	h.php.wait.waitFor(c, res)
	return smartcarsAnswer(c, map[string]any{"pirepID": pr.ID})
}

// smartcarsLogRefusal names the log line a refusal of the logs names.
func smartcarsLogRefusal(err error, offset int) error {
	fields := domain.ErrorFields(err)
	if domain.ErrorCode(err) != domain.EInvalid || len(fields) == 0 {
		return err
	}
	for f, msg := range fields {
		if rest, ok := strings.CutPrefix(f, "logs."); ok {
			n, _, _ := strings.Cut(rest, ".")
			i, _ := strconv.Atoi(n)
			return smartcarsFieldError("flightLog", fmt.Sprintf("line or event %d: %s", offset+i+1, msg))
		}
	}
	return err
}

// cancelFlight is POST /flights/cancel {"uuid", "bidID"}: the flight in
// progress cancelled (the bid reactor then removes its bid).
func (h *smartcarsAPI) cancelFlight(c echo.Context) error {
	p, _ := currentAPIPrincipal(c)
	b, err := smartcarsBody(c)
	if err != nil {
		return err
	}
	if !b.has("uuid") && !b.has("bidID") {
		b.errs["bidID"] = "Send the flight's uuid or its bidID."
	}
	if b.has("bidID") {
		smartcarsID(b, "bidID")
	}
	if err := smartcarsBodyErr(b); err != nil {
		return err
	}
	pr, err := h.flightInProgress(c, b)
	if err != nil {
		return err
	}
	res, err := h.php.cmds.Cancel(c.Request().Context(), keyActor(c), p.airline.ID, pr.ID)
	if err != nil {
		return phpvmsRefusalOf(err, airportsOf(pr))
	}
	h.php.wait.waitFor(c, res)
	return smartcarsAnswer(c, map[string]any{})
}
