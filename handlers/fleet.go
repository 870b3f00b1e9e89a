package handlers

import (
	"context"
	"log/slog"
	"net/http"
	"net/url"
	"strings"

	"github.com/labstack/echo/v4"
	"google.golang.org/protobuf/proto"

	"github.com/albatross-va/albatross/domain"
	"github.com/albatross-va/albatross/domain/events"
	eventsv1 "github.com/albatross-va/albatross/domain/events/v1"
	"github.com/albatross-va/albatross/store/reads"
	"github.com/albatross-va/albatross/views"
)

// FleetCommands runs the fleet commands (domain.Fleet).
type FleetCommands interface {
	CreateSubfleet(ctx context.Context, meta domain.CommandMeta, airlineID string, in domain.Subfleet) (string, domain.AppendResult, error)
	ChangeSubfleet(ctx context.Context, meta domain.CommandMeta, airlineID, subfleetID string, in domain.Subfleet) (domain.AppendResult, error)
	AddAircraft(ctx context.Context, meta domain.CommandMeta, airlineID string, in domain.NewAircraft) (string, domain.AppendResult, error)
	ChangeAircraft(ctx context.Context, meta domain.CommandMeta, airlineID, aircraftID string, in domain.AircraftChange) (domain.AppendResult, error)
}

// fleetHandlers are an airline's fleet pages: the overview by subfleet, a
// subfleet, an aircraft with its history, and the staff's forms. Everyone
// of the airline may read them; only staff change the fleet.
type fleetHandlers struct {
	cmds     FleetCommands
	rm       reads.Querier
	eventLog StreamReader
	registry *events.Registry
	readYourWrites
	log *slog.Logger
}

func fleetURL(airlineID string) string { return "/airlines/" + airlineID + "/fleet" }

// canManage says whether the user may change the airline's fleet, to show
// the forms; the commands decide again.
func canManage(c echo.Context, airlineID string) bool {
	return domain.Authorize(currentActor(c), domain.ManageOperations, airlineID) == nil
}

// fleetData reads an airline's subfleets with their aircraft.
func (h *fleetHandlers) fleetData(ctx context.Context, airlineID string) ([]views.SubfleetRow, [][2]string, error) {
	sfs, err := h.rm.Subfleets(ctx, airlineID)
	if err != nil {
		return nil, nil, err
	}
	planes, err := h.rm.FleetAircraft(ctx, airlineID)
	if err != nil {
		return nil, nil, err
	}
	byFleet := map[string][]reads.Aircraft{}
	for _, a := range planes {
		byFleet[a.SubfleetID] = append(byFleet[a.SubfleetID], a)
	}
	rows := make([]views.SubfleetRow, 0, len(sfs))
	options := make([][2]string, 0, len(sfs))
	for _, s := range sfs {
		rows = append(rows, subfleetRow(s, byFleet[s.ID]))
		options = append(options, [2]string{s.ID, s.Type + " · " + s.Name})
	}
	return rows, options, nil
}

// subfleetRow is a subfleet with its aircraft, their counts per status and
// where they are.
func subfleetRow(s reads.Subfleet, planes []reads.Aircraft) views.SubfleetRow {
	r := views.SubfleetRow{ID: s.ID, Type: s.Type, ICAO: s.ICAO, Name: s.Name, HubID: s.HubID, Fares: s.Fares}
	if s.CostBlockHourCents != nil {
		r.CostBlockHour = domain.FormatMoney(*s.CostBlockHourCents)
	}
	counts := map[string]int{}
	at := map[string]int{}
	var airports []string
	for _, a := range planes {
		counts[a.Status]++
		if at[a.AirportID] == 0 {
			airports = append(airports, a.AirportID)
		}
		at[a.AirportID]++
		r.Aircraft = append(r.Aircraft, aircraftRow(a, s.Type))
	}
	for _, st := range domain.AircraftStatuses {
		r.Counts = append(r.Counts, views.StatusCount{Status: st, Count: counts[st]})
	}
	for _, ap := range airports {
		r.Locations = append(r.Locations, views.LocationCount{AirportID: ap, Count: at[ap]})
	}
	return r
}

func aircraftRow(a reads.Aircraft, subfleetType string) views.AircraftRow {
	return views.AircraftRow{ID: a.ID, Registration: a.Registration, Name: a.Name, Status: a.Status,
		AirportID: a.AirportID, FlightTime: domain.FormatFlightTime(a.FlightTime),
		SubfleetID: a.SubfleetID, SubfleetType: subfleetType}
}

// showFleet is the fleet page; to htmx it answers with the list alone,
// which the page re-fetches when the fleet changes.
func (h *fleetHandlers) showFleet(c echo.Context) error {
	return h.renderFleet(c, http.StatusOK, views.SubfleetForm{}, views.AircraftForm{})
}

func (h *fleetHandlers) renderFleet(c echo.Context, status int, sf views.SubfleetForm, af views.AircraftForm) error {
	tabs, _, err := airlineTabs(c, h.rm, "fleet")
	if err != nil {
		return err
	}
	rows, options, err := h.fleetData(c.Request().Context(), tabs.ID)
	if err != nil {
		return err
	}
	if sf.CommandID == "" {
		sf.CommandID = domain.NewUUID()
	}
	if af.CommandID == "" {
		af.CommandID, af.Status = domain.NewUUID(), domain.AircraftActive
	}
	fares, err := h.rm.Fares(c.Request().Context(), tabs.ID)
	if err != nil {
		return err
	}
	p := views.FleetPage{Page: page(c, tabs.Name+" fleet"), Tabs: tabs, List: views.FleetList{AirlineID: tabs.ID, Subfleets: rows, Fares: fareRows(fares)},
		CanManage: canManage(c, tabs.ID), SubfleetForm: sf, AircraftForm: af, Subfleets: options}
	p.SubfleetForm.CSRFToken, p.AircraftForm.CSRFToken = p.CSRFToken, p.CSRFToken
	if p.CanManage && !isFragmentRequest(c.Request()) {
		known, err := namedAirports(c.Request().Context(), h.rm, tabs.ID, sf.HubID, af.AirportID)
		if err != nil {
			return err
		}
		p.SubfleetForm.Hub = hubBox(tabs.ID, sf, known)
		p.AircraftForm.Location = airlineAirportBox(tabs.ID, "aircraft-airport", "airport_id", "Current location", af.AirportID, af.Errors, known)
	}
	c.Response().Header().Set("Cache-Control", "no-store")
	return render(c, status, views.FleetView(p), views.FleetListView(p.List))
}

// fareRows are the airline's fares as the fleet page lists them.
func fareRows(fares []domain.Fare) []views.FareRow {
	out := make([]views.FareRow, 0, len(fares))
	for _, f := range fares {
		typ := "Passengers"
		if f.Type == domain.FareCargo {
			typ = "Cargo"
		}
		out = append(out, views.FareRow{Code: f.Code, Name: f.Name, Type: typ, Price: domain.FormatMoney(f.Price),
			Cost: domain.FormatMoney(f.Cost), Capacity: f.Capacity, Active: f.Active})
	}
	return out
}

// hubBox is the subfleet form's home hub: a search of the airline's
// airports.
func hubBox(airlineID string, f views.SubfleetForm, known map[string]views.AirportOption) views.AirportSearchBox {
	return airlineAirportBox(airlineID, "subfleet-hub", "hub_id", "Home hub", f.HubID, f.Errors, known)
}

func subfleetInput(c echo.Context) (views.SubfleetForm, domain.Subfleet) {
	var f views.SubfleetForm
	readForm(c, &f)
	return f, domain.Subfleet{Type: f.Type, ICAO: f.ICAO, Name: f.Name, HubID: f.HubID, CostBlockHour: f.CostBlockHour}
}

// createSubfleet adds a subfleet and shows its page.
func (h *fleetHandlers) createSubfleet(c echo.Context) error {
	f, in := subfleetInput(c)
	id, res, err := h.cmds.CreateSubfleet(c.Request().Context(), commandMeta(c, f.CommandID), c.Param("id"), in)
	if status, ok := formFailed(nil, err, formSlots{&f.Errors, &f.Message, &f.CommandID}); ok {
		return h.renderFleet(c, status, f, views.AircraftForm{})
	}
	if err != nil {
		return err
	}
	h.waitFor(c, res)
	return c.Redirect(http.StatusSeeOther, fleetURL(c.Param("id"))+"/subfleets/"+id)
}

// subfleet reads the subfleet the route's :sid names in the airline.
func (h *fleetHandlers) subfleet(c echo.Context, airlineID string) (reads.Subfleet, error) {
	return h.rm.FindSubfleet(c.Request().Context(), airlineID, c.Param("sid"))
}

// showSubfleet is a subfleet's page; to htmx it answers with its aircraft.
func (h *fleetHandlers) showSubfleet(c echo.Context) error {
	return h.renderSubfleet(c, http.StatusOK, nil)
}

func (h *fleetHandlers) renderSubfleet(c echo.Context, status int, form *views.SubfleetForm) error {
	tabs, _, err := airlineTabs(c, h.rm, "fleet")
	if err != nil {
		return err
	}
	s, err := h.subfleet(c, tabs.ID)
	if err != nil {
		return err
	}
	ctx := c.Request().Context()
	planes, err := h.rm.SubfleetAircraft(ctx, tabs.ID, s.ID)
	if err != nil {
		return err
	}
	row := subfleetRow(s, planes)
	p := views.SubfleetPage{Page: page(c, s.Type+" · "+tabs.Name), Tabs: tabs, Subfleet: row,
		CanManage: canManage(c, tabs.ID), Saved: c.QueryParam("saved") != ""}
	if form != nil {
		p.Form = *form
	} else {
		p.Form = views.SubfleetForm{Type: row.Type, ICAO: row.ICAO, Name: row.Name, HubID: row.HubID, CostBlockHour: row.CostBlockHour}
	}
	p.Form.CSRFToken = p.CSRFToken
	if p.CanManage && !isFragmentRequest(c.Request()) {
		known, err := namedAirports(ctx, h.rm, tabs.ID, p.Form.HubID)
		if err != nil {
			return err
		}
		p.Form.Hub = hubBox(tabs.ID, p.Form, known)
	}
	c.Response().Header().Set("Cache-Control", "no-store")
	return render(c, status, views.SubfleetView(p), views.SubfleetAircraftView(tabs.ID, row))
}

// changeSubfleet saves the subfleet's edit form.
func (h *fleetHandlers) changeSubfleet(c echo.Context) error {
	tabs, _, err := airlineTabs(c, h.rm, "fleet")
	if err != nil {
		return err
	}
	s, err := h.subfleet(c, tabs.ID)
	if err != nil {
		return err
	}
	f, in := subfleetInput(c)
	res, err := h.cmds.ChangeSubfleet(c.Request().Context(), commandMeta(c, ""), tabs.ID, s.ID, in)
	if status, ok := formFailed(nil, err, formSlots{Errors: &f.Errors, Message: &f.Message}); ok {
		return h.renderSubfleet(c, status, &f)
	}
	if err != nil {
		return err
	}
	h.waitFor(c, res)
	return c.Redirect(http.StatusSeeOther, fleetURL(tabs.ID)+"/subfleets/"+s.ID+"?saved=1")
}

// addAircraft adds an aircraft and shows its page.
func (h *fleetHandlers) addAircraft(c echo.Context) error {
	var f views.AircraftForm
	readForm(c, &f)
	id, res, err := h.cmds.AddAircraft(c.Request().Context(), commandMeta(c, f.CommandID), c.Param("id"), domain.NewAircraft{
		SubfleetID: f.SubfleetID, Registration: f.Registration, Name: f.Name, Status: f.Status,
		AirportID: f.AirportID, FlightTime: f.FlightTime})
	if status, ok := formFailed(nil, err, formSlots{&f.Errors, &f.Message, &f.CommandID}); ok {
		return h.renderFleet(c, status, views.SubfleetForm{}, f)
	}
	if err != nil {
		return err
	}
	h.waitFor(c, res)
	return c.Redirect(http.StatusSeeOther, fleetURL(c.Param("id"))+"/aircraft/"+id)
}

// aircraft reads the aircraft the route's :aid names in the airline.
func (h *fleetHandlers) aircraft(c echo.Context, airlineID string) (reads.Aircraft, error) {
	return h.rm.FindAircraft(c.Request().Context(), airlineID, c.Param("aid"))
}

// showAircraft is an aircraft's page with its history.
func (h *fleetHandlers) showAircraft(c echo.Context) error {
	return h.renderAircraft(c, http.StatusOK, nil)
}

func (h *fleetHandlers) renderAircraft(c echo.Context, status int, form *views.AircraftForm) error {
	tabs, _, err := airlineTabs(c, h.rm, "fleet")
	if err != nil {
		return err
	}
	a, err := h.aircraft(c, tabs.ID)
	if err != nil {
		return err
	}
	ctx := c.Request().Context()
	sfs, err := h.rm.Subfleets(ctx, tabs.ID)
	if err != nil {
		return err
	}
	types := map[string]string{}
	options := make([][2]string, 0, len(sfs))
	for _, s := range sfs {
		types[s.ID] = s.Type
		options = append(options, [2]string{s.ID, s.Type + " · " + s.Name})
	}
	history, err := h.history(ctx, a.ID, types)
	if err != nil {
		return err
	}
	p := views.AircraftPage{Page: page(c, a.Registration+" · "+tabs.Name), Tabs: tabs,
		Aircraft: aircraftRow(a, types[a.SubfleetID]), CanManage: canManage(c, tabs.ID),
		Subfleets: options, History: history, Saved: c.QueryParam("saved") != ""}
	if err := h.addFlights(c, tabs, a, &p); err != nil {
		return err
	}
	if form != nil {
		p.Form = *form
	} else {
		p.Form = views.AircraftForm{SubfleetID: a.SubfleetID, Name: a.Name, Status: a.Status}
	}
	p.Form.CSRFToken = p.CSRFToken
	return render(c, status, views.AircraftView(p), nil)
}

// changeAircraft saves the aircraft's edit form.
func (h *fleetHandlers) changeAircraft(c echo.Context) error {
	tabs, _, err := airlineTabs(c, h.rm, "fleet")
	if err != nil {
		return err
	}
	a, err := h.aircraft(c, tabs.ID)
	if err != nil {
		return err
	}
	var f views.AircraftForm // the edit form sends only the subfleet, name and status
	readForm(c, &f)
	res, err := h.cmds.ChangeAircraft(c.Request().Context(), commandMeta(c, ""), tabs.ID, a.ID,
		domain.AircraftChange{SubfleetID: f.SubfleetID, Name: f.Name, Status: f.Status})
	if status, ok := formFailed(nil, err, formSlots{Errors: &f.Errors, Message: &f.Message}); ok {
		return h.renderAircraft(c, status, &f)
	}
	if err != nil {
		return err
	}
	h.waitFor(c, res)
	return c.Redirect(http.StatusSeeOther, fleetURL(tabs.ID)+"/aircraft/"+a.ID+"?saved=1")
}

// aircraftFlightsShown is how many of its latest flights an aircraft's page
// lists.
const aircraftFlightsShown = 10

// addFlights puts on an aircraft's page its latest accepted flights, the
// ones that moved it and added its hours, and for staff a link to them all.
func (h *fleetHandlers) addFlights(c echo.Context, tabs views.AirlineTabs, a reads.Aircraft, p *views.AircraftPage) error {
	ctx := c.Request().Context()
	found, err := h.rm.FindPireps(ctx, tabs.ID, reads.PirepFilter{AircraftID: a.ID, State: domain.PirepAccepted}, aircraftFlightsShown)
	if err != nil {
		return err
	}
	pilots := make([]string, 0, len(found.Pireps))
	for _, r := range found.Pireps {
		pilots = append(pilots, r.PilotID)
	}
	names, err := h.rm.MemberLabels(ctx, tabs.ID, pilots)
	if err != nil {
		return err
	}
	regs := map[string]string{a.ID: a.Registration}
	for _, r := range found.Pireps {
		name, ok := names[r.PilotID]
		if !ok {
			name = "someone no longer in the airline"
		}
		p.Flights = append(p.Flights, pirepRow(tabs, r, name, regs))
	}
	p.FlightsTotal = found.Total
	if canReview(c, tabs.ID) {
		p.AllFlightsURL = withQuery(pirepsURL(tabs.ID)+"/all", url.Values{"aircraft": {a.ID}, "state": {domain.PirepAccepted}})
	}
	return nil
}

// history reads an aircraft's stream and says what each event did, by
// whom; an edit names only what it changed.
func (h *fleetHandlers) history(ctx context.Context, aircraftID string, subfleetTypes map[string]string) ([]views.HistoryEntry, error) {
	state := &domain.AircraftState{}
	return readHistory(ctx, h.eventLog, h.registry, h.rm, []string{domain.AircraftStream(aircraftID)}, "", map[string]string{},
		func(msg proto.Message) (string, error) {
			what := describeAircraftEvent(*state, msg, subfleetTypes)
			return what, state.Apply(msg)
		})
}

// describeAircraftEvent says in words what an event of an aircraft's
// stream did to the aircraft as it was before.
func describeAircraftEvent(before domain.AircraftState, msg proto.Message, subfleetTypes map[string]string) string {
	subfleet := func(id string) string {
		if t, ok := subfleetTypes[id]; ok {
			return t
		}
		return "a former subfleet"
	}
	switch e := msg.(type) {
	case *eventsv1.AircraftAdded:
		return "Added to " + subfleet(e.SubfleetId) + " as " + e.Status + " at " + e.AirportId +
			" with " + domain.FormatFlightTime(e.FlightTime) + " hours"
	case *eventsv1.AircraftChanged:
		var parts []string
		if e.Status != before.Status {
			parts = append(parts, "status "+before.Status+" → "+e.Status)
		}
		if e.SubfleetId != before.SubfleetID {
			parts = append(parts, "moved to "+subfleet(e.SubfleetId))
		}
		if e.Name != before.Name {
			parts = append(parts, "renamed "+e.Name)
		}
		if len(parts) == 0 {
			return "Edited"
		}
		return "Changed: " + strings.Join(parts, ", ")
	}
	return "Changed"
}
