package handlers

import (
	"context"
	"fmt"
	"log/slog"
	"net/http"
	"net/url"
	"regexp"
	"slices"
	"strconv"
	"strings"

	"github.com/labstack/echo/v4"

	"github.com/albatross-va/albatross/domain"
	"github.com/albatross-va/albatross/store/reads"
	"github.com/albatross-va/albatross/views"
)

// FlightCommands runs the flight commands (domain.Flights).
type FlightCommands interface {
	Add(ctx context.Context, meta domain.CommandMeta, airlineID string, f domain.FlightSchedule) (string, domain.AppendResult, error)
	Edit(ctx context.Context, meta domain.CommandMeta, airlineID, flightID string, f domain.FlightSchedule) (domain.AppendResult, error)
	Activate(ctx context.Context, meta domain.CommandMeta, airlineID, flightID string) (domain.AppendResult, error)
	Deactivate(ctx context.Context, meta domain.CommandMeta, airlineID, flightID string) (domain.AppendResult, error)
	// Prepare checks a schedule against the airline without saving it, so
	// a form with a number that did not parse still gets every message.
	Prepare(ctx context.Context, airlineID string, f domain.FlightSchedule) (domain.FlightSchedule, []string, error)
	// Save adds or changes a flight as an import row asks, against dir's
	// airports and subfleets when dir is not nil.
	Save(ctx context.Context, meta domain.CommandMeta, airlineID string, f domain.FlightSchedule, dir domain.Directories) (domain.Outcome, domain.AppendResult, error)
}

// flightHandlers are an airline's flight search, a flight's page, and the
// staff's add and edit forms.
type flightHandlers struct {
	cmds FlightCommands
	rm   reads.Querier
	readYourWrites
	log *slog.Logger
}

// icaoType is what an ICAO aircraft type designator looks like (B738).
var icaoType = regexp.MustCompile(`^[A-Za-z0-9]{2,4}$`)

// flightPageSize is how many flights a page of results shows.
const flightPageSize = 50

// flightTabs reads the airline for a flights page.
func flightTabs(c echo.Context, rm reads.Querier) (views.AirlineTabs, error) {
	tabs, _, err := airlineTabs(c, rm, "flights")
	return tabs, err
}

func canManageFlights(c echo.Context, airlineID string) bool {
	return domain.Authorize(currentActor(c), domain.ManageOperations, airlineID) == nil
}

// listFlights is the flight search page.
func (h *flightHandlers) listFlights(c echo.Context) error {
	return h.renderFlights(c, http.StatusOK, views.FlightForm{Active: true, FlightType: "J"})
}

// listFlightResults is the results part of the search page, which
// re-fetches itself when the airline's flights change.
func (h *flightHandlers) listFlightResults(c echo.Context) error {
	tabs, err := flightTabs(c, h.rm)
	if err != nil {
		return err
	}
	p, _, err := h.search(c, tabs)
	if err != nil {
		return err
	}
	c.Response().Header().Set("Cache-Control", "no-store")
	return renderComponent(c, http.StatusOK, views.FlightResults(p))
}

func (h *flightHandlers) renderFlights(c echo.Context, status int, f views.FlightForm) error {
	tabs, err := flightTabs(c, h.rm)
	if err != nil {
		return err
	}
	ctx := c.Request().Context()
	subfleets, err := h.rm.Subfleets(ctx, tabs.ID)
	if err != nil {
		return err
	}
	canManage := canManageFlights(c, tabs.ID)
	var formAirports []string // the add form's boxes, which staff see
	if canManage {
		formAirports = []string{f.DptAirport, f.ArrAirport, f.AltAirport}
	}
	p, known, err := h.search(c, tabs, formAirports...)
	if err != nil {
		return err
	}
	p.Page = page(c, tabs.Name+" flights")
	p.CanManage = canManage
	p.Filter.AircraftOptions = aircraftOptions(subfleets, p.Filter.Aircraft)
	if f.CommandID == "" {
		f.CommandID = domain.NewUUID()
	}
	f.CSRFToken, f.Action = p.CSRFToken, "/airlines/"+tabs.ID+"/flights"
	if p.CanManage {
		fillFlightForm(&f, tabs.ID, known, subfleets)
	}
	p.Form = f
	return render(c, status, views.FlightsView(p), nil)
}

// search runs the search the query string asks for: one page from the
// cursor in "after". Staff also find inactive flights. It names, in one
// read, the airports the page shows: those of the search boxes, of the
// flights found, and formAirports (another form's boxes), which it returns.
func (h *flightHandlers) search(c echo.Context, tabs views.AirlineTabs, formAirports ...string) (views.FlightsPage, map[string]views.AirportOption, error) {
	ctx := c.Request().Context()
	up := func(name string) string { return strings.ToUpper(strings.TrimSpace(c.QueryParam(name))) }
	filter := views.FlightFilter{Dpt: up("dpt"), Arr: up("arr"), Aircraft: strings.TrimSpace(c.QueryParam("aircraft")), Day: c.QueryParam("day"),
		Biddable: c.QueryParam("biddable") != "", Flyable: c.QueryParam("flyable") != ""}
	aircraft := filter.Aircraft
	if icaoType.MatchString(aircraft) {
		aircraft = strings.ToUpper(aircraft) // an ICAO type; a subfleet id is taken as typed
		filter.Aircraft = aircraft
	}
	day, err := strconv.Atoi(filter.Day)
	if err != nil || day < 1 || day > 7 {
		day, filter.Day = 0, ""
	}
	// A box's text that is not one of the airline's airports searches the
	// one airport it names, or offers the several it matches to pick from.
	typedDpt, typedArr := filter.Dpt, filter.Arr
	dptChoices, err := resolveTypedAirport(ctx, h.rm, tabs.ID, &filter.Dpt)
	if err != nil {
		return views.FlightsPage{}, nil, err
	}
	arrChoices, err := resolveTypedAirport(ctx, h.rm, tabs.ID, &filter.Arr)
	if err != nil {
		return views.FlightsPage{}, nil, err
	}
	var found reads.FlightResults
	if dptChoices == nil && arrChoices == nil {
		found, err = h.rm.FindFlights(ctx, tabs.ID, reads.FlightFilter{Dpt: filter.Dpt, Arr: filter.Arr,
			Aircraft: aircraft, Day: day, IncludeInactive: canManageFlights(c, tabs.ID), After: c.QueryParam("after")}, flightPageSize)
		if err != nil {
			return views.FlightsPage{}, nil, err
		}
	}
	var bids *flightBids
	if canHoldBids(c, tabs.ID) {
		if bids, err = readFlightBids(ctx, h.rm, tabs.ID, currentActor(c).UserID, found.Flights); err != nil {
			return views.FlightsPage{}, nil, err
		}
		// A flight another pilot's bid takes leaves the pilots' search
		// (staff still find it); "only flights I can bid on" keeps those
		// the viewer can bid on now.
		staff := canManageFlights(c, tabs.ID)
		found.Flights = slices.DeleteFunc(found.Flights, func(f reads.ScheduledFlight) bool {
			return !staff && bids.takenByOther(f) || filter.Biddable && !bids.canBid(f)
		})
	}
	if filter.Flyable {
		// The airline's rules of who may fly what, as filing applies them;
		// a flight naming no subfleet is flown with any, so it stays.
		q, err := reads.Qualifications{Q: h.rm}.Qualifications(ctx, tabs.ID, currentActor(c).UserID)
		if err != nil {
			return views.FlightsPage{}, nil, err
		}
		found.Flights = slices.DeleteFunc(found.Flights, func(f reads.ScheduledFlight) bool {
			return domain.MayFlyAny(q, f.SubfleetIDs) != nil
		})
	}
	shown := append([]string{filter.Dpt, filter.Arr}, formAirports...)
	for _, f := range found.Flights {
		shown = append(shown, f.DptAirport, f.ArrAirport, f.AltAirport)
	}
	known, err := namedAirports(ctx, h.rm, tabs.ID, shown...)
	if err != nil {
		return views.FlightsPage{}, nil, err
	}
	filter.DptBox = airlineAirportBox(tabs.ID, "search-dpt", "dpt", "From", filter.Dpt, nil, known)
	filter.ArrBox = airlineAirportBox(tabs.ID, "search-arr", "arr", "To", filter.Arr, nil, known)
	offerChoices(&filter.DptBox, typedDpt, dptChoices)
	offerChoices(&filter.ArrBox, typedArr, arrChoices)
	q := url.Values{}
	biddable, flyable := "", ""
	if filter.Biddable {
		biddable = "1"
	}
	if filter.Flyable {
		flyable = "1"
	}
	for k, v := range map[string]string{"dpt": filter.Dpt, "arr": filter.Arr, "aircraft": filter.Aircraft, "day": filter.Day, "biddable": biddable,
		"flyable": flyable} {
		if v != "" {
			q.Set(k, v)
		}
	}
	base := "/airlines/" + tabs.ID + "/flights"
	out := views.FlightsPage{Tabs: tabs, Filter: filter}
	if bids != nil {
		out.BidsURL = bidsURL(tabs.ID)
	}
	if found.Next != "" {
		next := url.Values{}
		for k, v := range q {
			next[k] = v
		}
		next.Set("after", found.Next)
		out.NextURL = base + "?" + next.Encode()
	}
	if after := c.QueryParam("after"); after != "" {
		q.Set("after", after)
	}
	out.ResultsURL = base + "/results?" + q.Encode()
	for _, f := range found.Flights {
		r := flightRow(tabs, f, known)
		if bids != nil {
			r.Bid = bids.row(f)
		}
		out.Rows = append(out.Rows, r)
	}
	return out, known, nil
}

// resolveTypedAirport reads a search box's text (upper case) as the
// airline's airport it names: its ICAO or IATA code, or the one airport
// whose code, name or city it matches, which it puts in typed. When it
// matches several, typed is left alone and they are returned to pick from;
// when none, typed is left alone too (it finds no flight).
func resolveTypedAirport(ctx context.Context, rm reads.Querier, airlineID string, typed *string) ([]views.AirportOption, error) {
	if *typed == "" {
		return nil, nil
	}
	found, err := rm.SearchAirlineAirports(ctx, airlineID, *typed, searchLimit)
	if err != nil {
		return nil, err
	}
	for _, a := range found {
		if a.ICAO == *typed || a.IATA != "" && a.IATA == *typed {
			*typed = a.ICAO
			return nil, nil
		}
	}
	switch len(found) {
	case 0:
		return nil, nil
	case 1:
		*typed = found[0].ICAO
		return nil, nil
	}
	choices := make([]views.AirportOption, 0, len(found))
	for _, a := range found {
		choices = append(choices, airportOption(a))
	}
	return choices, nil
}

// offerChoices has a search box offer the airports its text matched, to
// pick one from.
func offerChoices(b *views.AirportSearchBox, typed string, choices []views.AirportOption) {
	if len(choices) > 0 {
		b.Query, b.Results = typed, choices
		b.Error = fmt.Sprintf("%q matches %d of the airline's airports: pick one to search.", typed, len(choices))
	}
}

// aircraftOptions are the search's aircraft choices: any, then each ICAO
// type of the airline's subfleets with their names. A value from an older
// link (a subfleet id, a type no longer flown) stays choosable, so the
// form shows the search that the results are of.
func aircraftOptions(subfleets []reads.Subfleet, current string) [][2]string {
	names := map[string][]string{}
	var types []string
	for _, s := range subfleets {
		if _, ok := names[s.ICAO]; !ok {
			types = append(types, s.ICAO)
		}
		if !slices.Contains(names[s.ICAO], s.Name) {
			names[s.ICAO] = append(names[s.ICAO], s.Name)
		}
	}
	slices.Sort(types)
	out := [][2]string{{"", "Any aircraft"}}
	for _, t := range types {
		out = append(out, [2]string{t, t + " · " + strings.Join(names[t], ", ")})
	}
	if current != "" && !slices.Contains(types, current) {
		label := current
		for _, s := range subfleets {
			if s.ID == current {
				label = s.Type + " · " + s.Name
			}
		}
		out = append(out, [2]string{current, label})
	}
	return out
}

// fillFlightForm adds what the flight form offers to choose from: the
// airline's airports in the search boxes, and its subfleets.
func fillFlightForm(f *views.FlightForm, airlineID string, known map[string]views.AirportOption, subfleets []reads.Subfleet) {
	f.DptBox = airlineAirportBox(airlineID, "flight-dpt", "dpt_airport", "Departure", f.DptAirport, f.Errors, known)
	f.ArrBox = airlineAirportBox(airlineID, "flight-arr", "arr_airport", "Arrival", f.ArrAirport, f.Errors, known)
	f.AltBox = airlineAirportBox(airlineID, "flight-alt", "alt_airport", "Alternate (optional)", f.AltAirport, f.Errors, known)
	offered := map[string]bool{}
	for _, s := range subfleets {
		id := s.ID
		offered[id] = true
		f.Choices = append(f.Choices, views.SubfleetChoice{ID: id, Type: s.Type, ICAO: s.ICAO, Name: s.Name,
			Chosen: slices.Contains(f.Subfleets, id)})
	}
	for _, id := range f.Subfleets {
		if !offered[id] {
			f.Choices = append(f.Choices, views.SubfleetChoice{ID: id, Type: id, Chosen: true, Gone: true})
		}
	}
}

// subfleetLinks are a flight's allowed subfleets as its page lists them.
func subfleetLinks(f reads.ScheduledFlight, subfleets []reads.Subfleet) []views.SubfleetLink {
	byID := map[string]reads.Subfleet{}
	for _, s := range subfleets {
		byID[s.ID] = s
	}
	var out []views.SubfleetLink
	for i, id := range f.SubfleetIDs {
		if s, ok := byID[id]; ok {
			out = append(out, views.SubfleetLink{ID: id, Type: s.Type, Name: s.Name})
			continue
		}
		typ := id
		if len(f.SubfleetTypes) == len(f.SubfleetIDs) {
			typ = f.SubfleetTypes[i]
		}
		out = append(out, views.SubfleetLink{Type: typ})
	}
	return out
}

// flightRow is a flight as the search and its page show it, with the
// airline's names of its airports.
func flightRow(tabs views.AirlineTabs, f reads.ScheduledFlight, known map[string]views.AirportOption) views.FlightRow {
	ident := tabs.ICAO + f.FlightNumber
	if f.RouteCode != "" {
		ident += "/C." + f.RouteCode
	}
	if f.RouteLeg != 0 {
		ident += "/L." + strconv.Itoa(int(f.RouteLeg))
	}
	var days []string
	for _, d := range domain.WeekDays {
		if f.Days&d.Bit != 0 {
			days = append(days, d.Name)
		}
	}
	aircraft := strings.Join(f.SubfleetTypes, ", ")
	if aircraft == "" {
		aircraft = "Any"
	}
	r := views.FlightRow{ID: f.ID, URL: "/airlines/" + tabs.ID + "/flights/" + f.ID, Ident: ident,
		Callsign: f.Callsign, Dpt: f.DptAirport, Arr: f.ArrAirport, Alt: f.AltAirport, DptName: known[f.DptAirport].Name,
		ArrName: known[f.ArrAirport].Name, AltName: known[f.AltAirport].Name, DptTime: f.DptTime, ArrTime: f.ArrTime,
		Days: strings.Join(days, " "), Distance: fmt.Sprintf("%d nm", f.Distance),
		FlightTime: fmt.Sprintf("%dh %02dm", f.FlightTime/60, f.FlightTime%60), Type: f.FlightType + ": " + domain.FlightTypeName(f.FlightType),
		Aircraft: aircraft, Route: f.Route, Notes: f.Notes, Active: f.Active}
	if f.Level > 0 {
		r.Level = fmt.Sprintf("%d ft", f.Level)
	}
	for _, x := range f.Fields {
		r.Fields = append(r.Fields, [2]string{x.Name, x.Value})
	}
	if f.StartDate != "" || f.EndDate != "" {
		r.Dates = strings.TrimSpace(f.StartDate + " – " + f.EndDate)
	}
	return r
}

// flightForm reads the add or edit form; numbers that do not parse get
// their message here, the rest come from the domain.
func flightForm(c echo.Context) (views.FlightForm, domain.FlightSchedule, formErrors) {
	var f views.FlightForm
	readForm(c, &f)
	sent := f.Subfleets // checkboxes; a program may send ids joined by commas
	f.Subfleets = nil
	for _, v := range sent {
		for _, id := range strings.Split(v, ",") {
			if id = strings.TrimSpace(id); id != "" && !slices.Contains(f.Subfleets, id) {
				f.Subfleets = append(f.Subfleets, id)
			}
		}
	}
	s := domain.FlightSchedule{FlightNumber: f.FlightNumber, RouteCode: f.RouteCode, Callsign: f.Callsign,
		DptAirport: f.DptAirport, ArrAirport: f.ArrAirport, AltAirport: f.AltAirport, DptTime: f.DptTime, ArrTime: f.ArrTime,
		StartDate: f.StartDate, EndDate: f.EndDate, FlightType: f.FlightType, Route: f.Route, Notes: f.Notes,
		SubfleetIDs: slices.Clone(f.Subfleets), Active: f.Active}
	errs := formErrors{}
	errs.int32("route_leg", f.RouteLeg, &s.RouteLeg, "The leg is a number from 1 to 999, or empty.")
	errs.int32("distance", f.Distance, &s.Distance, "The distance is a whole number of nautical miles, or empty.")
	errs.int32("flight_time", f.FlightTime, &s.FlightTime, "Enter the planned flight time in minutes.")
	errs.int32("level", f.Level, &s.Level, "The cruise level is a whole number of feet, or empty.")
	for _, d := range c.Request().Form["days"] {
		if n, err := strconv.Atoi(d); err == nil && n >= 1 && n <= 7 {
			f.Days[n-1] = true
			s.Days |= 1 << (n - 1)
		}
	}
	return f, s, errs
}

// addFlight adds a flight from the add form.
func (h *flightHandlers) addFlight(c echo.Context) error {
	f, s, parse := flightForm(c)
	airlineID := c.Param("id")
	var id string
	var res domain.AppendResult
	var err error
	if len(parse) > 0 {
		_, _, err = h.cmds.Prepare(c.Request().Context(), airlineID, s) // the domain's messages too, nothing saved
	} else {
		id, res, err = h.cmds.Add(c.Request().Context(), commandMeta(c, f.CommandID), airlineID, s)
	}
	if status, ok := formFailed(parse, err, formSlots{Errors: &f.Errors}); ok {
		return h.renderFlights(c, status, f)
	}
	if err != nil {
		return err
	}
	h.waitFor(c, res)
	return c.Redirect(http.StatusSeeOther, "/airlines/"+airlineID+"/flights/"+id)
}

// loadFlight reads the flight the route names in the airline; only staff
// find an inactive one.
func (h *flightHandlers) loadFlight(c echo.Context) (views.AirlineTabs, reads.ScheduledFlight, error) {
	tabs, err := flightTabs(c, h.rm)
	if err != nil {
		return tabs, reads.ScheduledFlight{}, err
	}
	f, err := h.rm.FindFlight(c.Request().Context(), tabs.ID, c.Param("flight"))
	if err == nil && !f.Active && !canManageFlights(c, tabs.ID) {
		err = domain.Errorf(domain.ENotFound, "There is no such flight in this airline.")
	}
	return tabs, f, err
}

// editForm is the edit form filled with the flight as it is.
func editForm(f reads.ScheduledFlight) views.FlightForm {
	form := views.FlightForm{Edit: true, FlightNumber: f.FlightNumber, RouteCode: f.RouteCode, RouteLeg: strconv.Itoa(int(f.RouteLeg)),
		Callsign: f.Callsign, DptAirport: f.DptAirport, ArrAirport: f.ArrAirport, AltAirport: f.AltAirport, DptTime: f.DptTime,
		ArrTime: f.ArrTime, StartDate: f.StartDate, EndDate: f.EndDate, Distance: strconv.Itoa(int(f.Distance)),
		FlightTime: strconv.Itoa(int(f.FlightTime)), FlightType: f.FlightType, Route: f.Route, Notes: f.Notes,
		Subfleets: slices.Clone(f.SubfleetIDs), Active: f.Active}
	if f.Level > 0 {
		form.Level = strconv.Itoa(int(f.Level))
	}
	for i := range form.Days {
		form.Days[i] = f.Days&(1<<i) != 0
	}
	return form
}

// showFlight is a flight's page.
func (h *flightHandlers) showFlight(c echo.Context) error {
	tabs, f, err := h.loadFlight(c)
	if err != nil {
		return err
	}
	form := editForm(f)
	form.Saved = c.QueryParam("saved") != ""
	return h.renderFlight(c, http.StatusOK, tabs, f, form)
}

func (h *flightHandlers) renderFlight(c echo.Context, status int, tabs views.AirlineTabs, f reads.ScheduledFlight, form views.FlightForm) error {
	ctx := c.Request().Context()
	known, err := namedAirports(ctx, h.rm, tabs.ID, f.DptAirport, f.ArrAirport, f.AltAirport, form.DptAirport, form.ArrAirport, form.AltAirport)
	if err != nil {
		return err
	}
	subfleets, err := h.rm.Subfleets(ctx, tabs.ID)
	if err != nil {
		return err
	}
	p := views.FlightPage{Page: page(c, tabs.ICAO+f.FlightNumber), Tabs: tabs, Flight: flightRow(tabs, f, known), CanManage: canManageFlights(c, tabs.ID)}
	p.Flight.Subfleets = subfleetLinks(f, subfleets)
	p.CanFile = domain.Authorize(currentActor(c), domain.FileOwnPireps, tabs.ID) == nil
	if p.CanFile {
		bids, err := readFlightBids(ctx, h.rm, tabs.ID, currentActor(c).UserID, []reads.ScheduledFlight{f})
		if err != nil {
			return err
		}
		p.Flight.Bid = bids.withAircraft(f)
	}
	form.Edit, form.CSRFToken, form.Action = true, p.CSRFToken, p.Flight.URL
	form.FlightNumber, form.RouteCode, form.RouteLeg = f.FlightNumber, f.RouteCode, strconv.Itoa(int(f.RouteLeg))
	if form.CommandID == "" {
		form.CommandID = domain.NewUUID()
	}
	if p.CanManage {
		fillFlightForm(&form, tabs.ID, known, subfleets)
	}
	p.Form = form
	return render(c, status, views.FlightView(p), nil)
}

// editFlight saves the edit form.
func (h *flightHandlers) editFlight(c echo.Context) error {
	tabs, cur, err := h.loadFlight(c)
	if err != nil {
		return err
	}
	f, s, parse := flightForm(c)
	var res domain.AppendResult
	if len(parse) > 0 {
		s.FlightNumber, s.RouteCode, s.RouteLeg = cur.FlightNumber, cur.RouteCode, cur.RouteLeg
		_, _, err = h.cmds.Prepare(c.Request().Context(), tabs.ID, s) // the domain's messages too, nothing saved
	} else {
		res, err = h.cmds.Edit(c.Request().Context(), commandMeta(c, f.CommandID), tabs.ID, cur.ID, s)
	}
	if status, ok := formFailed(parse, err, formSlots{Errors: &f.Errors}); ok {
		return h.renderFlight(c, status, tabs, cur, f)
	}
	if err != nil {
		return err
	}
	h.waitFor(c, res)
	return c.Redirect(http.StatusSeeOther, "/airlines/"+tabs.ID+"/flights/"+cur.ID+"?saved=1")
}

// activateFlight puts the flight back in the pilots' search.
func (h *flightHandlers) activateFlight(c echo.Context) error {
	return h.setActive(c, h.cmds.Activate)
}

// deactivateFlight takes the flight out of the pilots' search.
func (h *flightHandlers) deactivateFlight(c echo.Context) error {
	return h.setActive(c, h.cmds.Deactivate)
}

func (h *flightHandlers) setActive(c echo.Context, cmd func(context.Context, domain.CommandMeta, string, string) (domain.AppendResult, error)) error {
	tabs, f, err := h.loadFlight(c)
	if err != nil {
		return err
	}
	res, err := cmd(c.Request().Context(), commandMeta(c, ""), tabs.ID, f.ID)
	if err != nil {
		return err
	}
	h.waitFor(c, res)
	return c.Redirect(http.StatusSeeOther, "/airlines/"+tabs.ID+"/flights/"+f.ID)
}
