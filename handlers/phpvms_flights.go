package handlers

import (
	"cmp"
	"net/http"
	"slices"
	"strconv"
	"strings"

	"github.com/labstack/echo/v4"

	"github.com/albatross-va/albatross/domain"
	"github.com/albatross-va/albatross/store/reads"
)

// phpVMS's flight routes (the spec's §6.2): the search, one flight, and
// the aircraft that may fly it. Flights keep Albatross's ids, strings as
// phpVMS's hash ids are.

// The search pages as phpVMS does (?page=N&limit=M), but the read models
// page flights by cursor, in departure time order. So a page is found by
// walking the cursor from the start in batches, keeping the flights the
// filters FindFlights does not take let through, until the page and one
// flight more are found or the schedule ends. The walk is bounded: beyond
// phpvmsMaxFlightWalk flights read, the list ends there, so a deep page or
// a narrow filter over a big schedule cannot make one request read it all.
const (
	phpvmsFlightBatch   = 250
	phpvmsMaxFlightWalk = 10000
)

// flightSearch is a search as /api/flights/search reads its query: what
// FindFlights takes, and what is applied to the flights it reads.
type flightSearch struct {
	find reads.FlightFilter
	keep []func(reads.ScheduledFlight) bool
	none bool // a filter no flight of the airline can match
}

func (s flightSearch) matches(f reads.ScheduledFlight) bool {
	for _, keep := range s.keep {
		if !keep(f) {
			return false
		}
	}
	return true
}

// readFlightSearch reads the spec's filters: dpt_airport_id or dep_icao,
// arr_airport_id or arr_icao, flight_id, flight_number, route_code,
// callsign, flight_type (0 is any), airline_id, subfleet_id, icao_type,
// dgt/dlt (distance at least/at most, nmi) and tgt/tlt (flight time at
// least/at most, minutes).
func readFlightSearch(c echo.Context, fl *phpvmsFleet) (flightSearch, error) {
	q := c.QueryParams()
	first := func(names ...string) string {
		for _, n := range names {
			if v := strings.TrimSpace(q.Get(n)); v != "" {
				return v
			}
		}
		return ""
	}
	var s flightSearch
	s.find.Dpt = strings.ToUpper(first("dpt_airport_id", "dep_icao"))
	s.find.Arr = strings.ToUpper(first("arr_airport_id", "arr_icao"))
	same := func(name string, field func(reads.ScheduledFlight) string) {
		if v := first(name); v != "" {
			s.keep = append(s.keep, func(f reads.ScheduledFlight) bool { return strings.EqualFold(field(f), v) })
		}
	}
	same("flight_id", func(f reads.ScheduledFlight) string { return f.ID })
	same("flight_number", func(f reads.ScheduledFlight) string { return f.FlightNumber })
	same("route_code", func(f reads.ScheduledFlight) string { return f.RouteCode })
	same("callsign", func(f reads.ScheduledFlight) string { return f.Callsign })
	if v := first("flight_type"); v != "0" {
		same("flight_type", func(f reads.ScheduledFlight) string { return f.FlightType })
	}
	if v := first("airline_id"); v != "" && v != strconv.Itoa(fl.airline.Number) {
		s.none = true // a key answers for its own airline's flights only
	}
	// A subfleet or an ICAO type matches a flight that subfleet (or one of
	// that type) may fly: one it names, or any when it names none, as the
	// flight's subfleets[] and its aircraft route say.
	if v := first("subfleet_id"); v != "" {
		var ids []string
		for _, sf := range fl.subfleets {
			if strconv.Itoa(sf.Number) == v {
				ids = append(ids, sf.ID)
			}
		}
		s.none = s.none || len(ids) == 0
		s.keep = append(s.keep, fl.mayFlyAny(ids))
	}
	if v := first("icao_type"); v != "" {
		var ofType []string
		for _, sf := range fl.subfleets {
			if strings.EqualFold(sf.ICAO, v) {
				ofType = append(ofType, sf.ID)
			}
		}
		s.none = s.none || len(ofType) == 0
		s.keep = append(s.keep, fl.mayFlyAny(ofType))
	}
	for _, b := range []struct {
		name  string
		field func(reads.ScheduledFlight) int32
		least bool
	}{
		{"dgt", func(f reads.ScheduledFlight) int32 { return f.Distance }, true},
		{"dlt", func(f reads.ScheduledFlight) int32 { return f.Distance }, false},
		{"tgt", func(f reads.ScheduledFlight) int32 { return f.FlightTime }, true},
		{"tlt", func(f reads.ScheduledFlight) int32 { return f.FlightTime }, false},
	} {
		v := first(b.name)
		if v == "" {
			continue
		}
		bound, err := strconv.ParseFloat(v, 64)
		if err != nil {
			msg := "The " + b.name + " must be a number."
			return s, &phpvmsError{Status: http.StatusBadRequest, Type: "validation-exception", Message: msg, Fields: map[string]string{b.name: msg}}
		}
		s.keep = append(s.keep, func(f reads.ScheduledFlight) bool {
			if b.least {
				return float64(b.field(f)) >= bound
			}
			return float64(b.field(f)) <= bound
		})
	}
	return s, nil
}

// mayFlyAny keeps the flights one of the subfleets ids may fly.
func (f *phpvmsFleet) mayFlyAny(ids []string) func(reads.ScheduledFlight) bool {
	return func(fl reads.ScheduledFlight) bool {
		if len(fl.SubfleetIDs) == 0 {
			return len(ids) > 0
		}
		for _, id := range ids {
			if slices.Contains(fl.SubfleetIDs, id) {
				return true
			}
		}
		return false
	}
}

// searchFlights is GET /api/flights and /api/flights/search: a page of
// the airline's active flights. meta.total is exact when the walk reached
// the schedule's end; otherwise it counts the matches walked, which
// include one past the page, so next_page leads on until the end, where
// the total is exact.
func (h *phpvmsAPI) searchFlights(c echo.Context) error {
	p, err := readPhpvmsPage(c)
	if err != nil {
		return err
	}
	fl, err := h.keyFleet(c)
	if err != nil {
		return err
	}
	s, err := readFlightSearch(c, fl)
	if err != nil {
		return err
	}
	p0, _ := currentAPIPrincipal(c)
	rules, err := h.rm.BidRules(c.Request().Context(), fl.airline.ID)
	if err != nil {
		return err
	}
	fl.bidders = map[string][]string{}
	var found []reads.ScheduledFlight
	if !s.none {
		want := p.offset() + p.Size + 1
		find := s.find
		for walked := 0; ; {
			// Without filters of its own, every flight read is kept, so
			// reading just what the page still needs is enough.
			batch := phpvmsFlightBatch
			if len(s.keep) == 0 {
				batch = min(batch, want-len(found))
			}
			res, err := h.rm.FindFlights(c.Request().Context(), fl.airline.ID, find, batch)
			if err != nil {
				return err
			}
			walked += len(res.Flights)
			if err := h.readBidders(c, fl, res.Flights); err != nil {
				return err
			}
			for _, f := range res.Flights {
				// Under one pilot per flight, a bid takes the flight from
				// the other pilots' search.
				if s.matches(f) && !(rules.OnePilotPerFlight && takenFrom(fl.bidders[f.ID], p0.user.ID)) {
					found = append(found, f)
				}
			}
			if res.Next == "" || len(found) >= want || walked >= phpvmsMaxFlightWalk {
				break
			}
			find.After = res.Next
		}
	}
	withSubfleets := withSubfleets(c)
	ofps, err := h.keyOwnerOFPs(c, fl) // once for the page, not per flight
	if err != nil {
		return err
	}
	var items []any
	for _, f := range pageOf(found, p) {
		item := fl.flightResource(f, withSubfleets)
		withSimbrief(c, fl, ofps, item, f.ID)
		items = append(items, item)
	}
	return phpvmsPaged(c, p, items, len(found))
}

// withSubfleets is whether a flight list loads subfleets: by default, or
// when ?with= names them (an empty with= loads none, as in phpVMS).
func withSubfleets(c echo.Context) bool {
	if _, given := c.QueryParams()["with"]; !given {
		return true
	}
	for _, rel := range strings.Split(c.QueryParam("with"), ",") {
		if rel = strings.TrimSpace(rel); rel == "subfleets" || strings.HasPrefix(rel, "subfleets.") {
			return true
		}
	}
	return false
}

// flightResource is phpVMS's Flight. flight_number is an integer when it
// is all digits, as phpVMS casts it (clients compare it as a number);
// load_factor and load_factor_variance are the flight's, null when it sets
// none (phpVMS would fall back to its settings' defaults, which Albatross's
// airlines do not have yet); Albatross keeps no pay, events or owners, so
// those are null; has_bid is whether any pilot has a standing bid on it, of the
// flights readBidders read.
func (fl *phpvmsFleet) flightResource(f reads.ScheduledFlight, subfleets bool) map[string]any {
	var number any = f.FlightNumber
	if n, err := strconv.Atoi(f.FlightNumber); err == nil && n >= 0 {
		number = n
	}
	ident := fl.airline.ICAO + f.FlightNumber
	if f.RouteCode != "" {
		ident += "/C." + f.RouteCode
	}
	if f.RouteLeg > 0 {
		ident += "/L." + strconv.Itoa(int(f.RouteLeg))
	}
	out := map[string]any{
		"id": f.ID, "airline_id": fl.airline.Number, "flight_number": number, "callsign": orNull(f.Callsign),
		"route_code": orNull(f.RouteCode), "route_leg": f.RouteLeg,
		"dpt_airport_id": f.DptAirport, "arr_airport_id": f.ArrAirport, "alt_airport_id": orNull(f.AltAirport),
		"dpt_time": orNull(f.DptTime), "arr_time": orNull(f.ArrTime), "days": f.Days, "level": f.Level,
		"flight_time": f.FlightTime, "flight_type": f.FlightType, "distance": distanceUnits(float64(f.Distance)),
		"load_factor": orNoPercent(f.LoadFactor), "load_factor_variance": orNoPercent(f.LoadFactorVariance), "pilot_pay": nil,
		"route": orNull(f.Route), "notes": orNull(f.Notes), "start_date": orNull(f.StartDate), "end_date": orNull(f.EndDate),
		"has_bid": len(fl.bidders[f.ID]) > 0, "active": f.Active, "visible": true,
		"event_id": nil, "user_id": nil, "owner_type": nil, "owner_id": nil, "created_at": nil, "updated_at": nil,
		"ident": ident, "airline": airlineResource(fl.airline), "fields": map[string]any{}, "simbrief": nil,
	}
	if subfleets {
		list := []any{}
		for _, s := range fl.allowed(f.SubfleetIDs) {
			list = append(list, fl.subfleetResource(s))
		}
		out["subfleets"] = list
	}
	return out
}

// findFlight is one of the airline's flights by its id; another airline's
// is not found, as an unknown one is, and so is an inactive one, which
// the search does not offer either.
func (h *phpvmsAPI) findFlight(c echo.Context, fl *phpvmsFleet) (reads.ScheduledFlight, error) {
	f, err := h.rm.FindFlight(c.Request().Context(), fl.airline.ID, c.Param("flight"))
	if domain.ErrorCode(err) == domain.ENotFound || err == nil && !f.Active {
		return f, phpvmsNotFound("Flight not found")
	}
	return f, err
}

// showFlight is GET /api/flights/{id}: {"data": Flight} with subfleets.
func (h *phpvmsAPI) showFlight(c echo.Context) error {
	fl, err := h.keyFleet(c)
	if err != nil {
		return err
	}
	f, err := h.findFlight(c, fl)
	if err != nil {
		return err
	}
	if err := h.readBidders(c, fl, []reads.ScheduledFlight{f}); err != nil {
		return err
	}
	item := fl.flightResource(f, true)
	ofps, err := h.keyOwnerOFPs(c, fl)
	if err != nil {
		return err
	}
	withSimbrief(c, fl, ofps, item, f.ID)
	return phpvmsData(c, item)
}

// showFlightAircraft is GET /api/flights/{id}/aircraft: the aircraft that
// may fly the flight, as a bare JSON array (phpVMS's controller returns
// the collection itself): those of its subfleets, or of all when it names
// none, active only, by ICAO type and then registration.
func (h *phpvmsAPI) showFlightAircraft(c echo.Context) error {
	fl, err := h.keyFleet(c)
	if err != nil {
		return err
	}
	f, err := h.findFlight(c, fl)
	if err != nil {
		return err
	}
	// The aircraft's standing bids: counted, and excluded when the
	// airline reserves aircraft with bids.
	rules, err := h.rm.BidRules(c.Request().Context(), fl.airline.ID)
	if err != nil {
		return err
	}
	reserved, err := h.rm.ListAircraftBids(c.Request().Context(), fl.airline.ID)
	if err != nil {
		return err
	}
	bidCount := map[string]int{}
	for _, b := range reserved {
		bidCount[b.AircraftID]++
	}
	// phpVMS lists parked aircraft only: one flying an ACARS flight is not.
	flying, err := h.rm.ListAircraftInFlight(c.Request().Context(), fl.airline.ID)
	if err != nil {
		return err
	}
	inFlight := map[string]bool{}
	for _, id := range flying {
		inFlight[id.String()] = true
	}
	type candidate struct {
		ac reads.Aircraft
		of reads.Subfleet
	}
	var list []candidate
	for _, s := range fl.allowed(f.SubfleetIDs) {
		for _, ac := range fl.aircraft[s.ID] {
			if ac.Status == domain.AircraftActive && !inFlight[ac.ID] && !(rules.BlockAircraft && bidCount[ac.ID] > 0) {
				list = append(list, candidate{ac, s})
			}
		}
	}
	slices.SortFunc(list, func(x, y candidate) int {
		return cmp.Or(cmp.Compare(x.of.ICAO, y.of.ICAO), cmp.Compare(x.ac.Registration, y.ac.Registration))
	})
	items := []any{}
	for _, cand := range list {
		item := aircraftResource(cand.ac, cand.of)
		item["bid_count"], item["simbriefs_count"] = bidCount[cand.ac.ID], 0
		items = append(items, item)
	}
	return writePhpvmsJSON(c, http.StatusOK, echo.MIMEApplicationJSON, items)
}

// readBidders adds the standing bids on flights to fl.bidders.
func (h *phpvmsAPI) readBidders(c echo.Context, fl *phpvmsFleet, flights []reads.ScheduledFlight) error {
	ids := make([]string, len(flights))
	for i, f := range flights {
		ids[i] = f.ID
	}
	got, err := h.rm.FlightBidders(c.Request().Context(), fl.airline.ID, ids)
	if err != nil {
		return err
	}
	if fl.bidders == nil {
		fl.bidders = map[string][]string{}
	}
	for id, pilots := range got {
		fl.bidders[id] = pilots
	}
	return nil
}

// takenFrom says whether bidders hold the flight against pilot: a bid of
// another pilot.
func takenFrom(bidders []string, pilot string) bool {
	return slices.ContainsFunc(bidders, func(id string) bool { return id != pilot })
}

// orNoPercent is a percentage, or null for 0 (none set).
func orNoPercent(p float64) any {
	if p == 0 {
		return nil
	}
	return p
}
