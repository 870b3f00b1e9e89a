package handlers

import (
	"context"
	"log/slog"
	"net/http"
	"strings"
	"time"

	"github.com/alexedwards/scs/v2"
	"github.com/google/uuid"
	"github.com/labstack/echo/v4"

	"github.com/albatross-va/albatross/domain"
	"github.com/albatross-va/albatross/store/readmodel"
	"github.com/albatross-va/albatross/store/reads"
	"github.com/albatross-va/albatross/views"
)

// AirlineEventCommands runs the commands on an airline's events
// (domain.AirlineEvents).
type AirlineEventCommands interface {
	Schedule(ctx context.Context, meta domain.CommandMeta, airlineID string, f domain.AirlineEventForm) (string, domain.AppendResult, error)
	Change(ctx context.Context, meta domain.CommandMeta, airlineID, eventID string, f domain.AirlineEventForm) (domain.AppendResult, error)
	Cancel(ctx context.Context, meta domain.CommandMeta, airlineID, eventID, reason string) (domain.AppendResult, error)
	SignUp(ctx context.Context, meta domain.CommandMeta, airlineID, eventID string) (domain.AppendResult, error)
	Withdraw(ctx context.Context, meta domain.CommandMeta, airlineID, eventID string) (domain.AppendResult, error)
}

// airlineEventHandlers are an airline's events pages: the list (and
// staff's form that creates one), one event's page with its live board,
// sign-up and withdrawal, and staff's edit and cancellation.
type airlineEventHandlers struct {
	cmds     AirlineEventCommands
	rm       reads.Querier
	sessions *scs.SessionManager
	readYourWrites
	log *slog.Logger
	now func() time.Time
}

func eventsURL(airlineID string) string { return "/airlines/" + airlineID + "/events" }

func eventURL(airlineID, eventID string) string { return eventsURL(airlineID) + "/" + eventID }

// eventWindow writes an event's UTC window, the end's date only when it
// is another day.
func eventWindow(start, end time.Time) string {
	start, end = start.UTC(), end.UTC()
	if start.Format(time.DateOnly) == end.Format(time.DateOnly) {
		return start.Format("2 Jan 2006 15:04") + " – " + end.Format("15:04") + " UTC"
	}
	return start.Format("2 Jan 2006 15:04") + " – " + end.Format("2 Jan 2006 15:04") + " UTC"
}

var eventPhaseLabels = map[string]string{domain.EventUpcoming: "Upcoming", domain.EventLive: "Live now", domain.EventPast: "Ended",
	domain.EventCancelled: "Cancelled"}

func eventMatchOf(e readmodel.AirlineEvent) domain.EventMatch {
	return domain.EventMatch{Kind: e.MatchKind, FlightNumbers: e.FlightNumbers, Airport: e.Airport}
}

func (h *airlineEventHandlers) clock() time.Time {
	if h.now != nil {
		return h.now()
	}
	return time.Now()
}

func (h *airlineEventHandlers) eventRow(e readmodel.AirlineEvent, now time.Time) views.EventRow {
	phase := domain.EventPhase(e.StartsAt, e.EndsAt, e.Cancelled, now)
	return views.EventRow{ID: e.ID.String(), Name: e.Name, URL: eventURL(e.TenantID, e.ID.String()), Window: eventWindow(e.StartsAt, e.EndsAt),
		Phase: phase, PhaseLabel: eventPhaseLabels[phase], Match: eventMatchOf(e).Describe()}
}

// signups is who signed up for an event, and whether the viewer did.
func (h *airlineEventHandlers) signups(ctx context.Context, airlineID string, id uuid.UUID, viewer string) ([]readmodel.AirlineEventSignup, bool, error) {
	list, err := h.rm.ListAirlineEventSignups(ctx, readmodel.ListAirlineEventSignupsParams{TenantID: airlineID, EventID: id})
	mine := false
	for _, s := range list {
		mine = mine || s.UserID.String() == viewer
	}
	return list, mine, err
}

func (h *airlineEventHandlers) newForm(c echo.Context, f views.EventForm, action, button string) views.EventForm {
	f.CSRFToken, f.Action, f.Button = page(c, "").CSRFToken, action, button
	if f.CommandID == "" {
		f.CommandID = domain.NewUUID()
	}
	now := h.clock().UTC()
	f.NowUTC = now.Format("15:04") + " UTC on " + now.Format("2 Jan")
	if f.Match == "" {
		f.Match = domain.EventMatchFlights
	}
	return f
}

// listEvents is the airline's events page.
func (h *airlineEventHandlers) listEvents(c echo.Context) error {
	return h.renderEvents(c, http.StatusOK, views.EventForm{})
}

func (h *airlineEventHandlers) renderEvents(c echo.Context, status int, f views.EventForm) error {
	tabs, _, err := airlineTabs(c, h.rm, "events")
	if err != nil {
		return err
	}
	ctx := c.Request().Context()
	rows, err := h.rm.ListAirlineEvents(ctx, tabs.ID)
	if err != nil {
		return err
	}
	p := views.EventsPage{Page: page(c, tabs.Name+" · Events"), Tabs: tabs, Notice: popFlash(c, h.sessions),
		CanManage: domain.Authorize(currentActor(c), domain.ManageEvents, tabs.ID) == nil, LiveURL: eventsURL(tabs.ID) + "/live"}
	now := h.clock()
	viewer := currentActor(c).UserID
	for _, e := range rows {
		r := h.eventRow(e, now)
		list, mine, err := h.signups(ctx, tabs.ID, e.ID, viewer)
		if err != nil {
			return err
		}
		r.Pilots, r.SignedUp = len(list), mine
		switch r.Phase {
		case domain.EventLive:
			p.Live = append(p.Live, r)
		case domain.EventUpcoming:
			p.Upcoming = append(p.Upcoming, r)
		case domain.EventPast:
			p.Past = append([]views.EventRow{r}, p.Past...) // the latest first
		default:
			p.Cancelled = append(p.Cancelled, r)
		}
	}
	p.Form = h.newForm(c, f, eventsURL(tabs.ID), "Create")
	c.Response().Header().Set("Cache-Control", "no-store")
	return render(c, status, views.EventsView(p), nil)
}

func eventFormOf(f views.EventForm) domain.AirlineEventForm {
	return domain.AirlineEventForm{Name: f.Name, Description: f.Description, StartsAt: f.StartsAt, EndsAt: f.EndsAt, Match: f.Match,
		FlightNumbers: f.FlightNumbers, Airport: f.Airport}
}

// createEvent schedules an event from staff's form.
func (h *airlineEventHandlers) createEvent(c echo.Context) error {
	var f views.EventForm
	readForm(c, &f)
	airlineID := c.Param("id")
	id, res, err := h.cmds.Schedule(c.Request().Context(), commandMeta(c, f.CommandID), airlineID, eventFormOf(f))
	if status, ok := formFailed(nil, err, formSlots{Errors: &f.Errors, Message: &f.Message, CommandID: &f.CommandID}); ok {
		return h.renderEvents(c, status, f)
	}
	if err != nil {
		return err
	}
	requestLogger(c, h.log).Info("airline event scheduled", "airline", airlineID, "event", id)
	return h.finish(c, h.sessions, res, eventURL(airlineID, id), "Created the event “"+strings.TrimSpace(f.Name)+"”.")
}

// eventParam is the route's event of the airline, from the read model; an
// id of another airline's, or of none, is not found.
func (h *airlineEventHandlers) eventParam(c echo.Context, airlineID string) (readmodel.AirlineEvent, error) {
	id, err := uuid.Parse(c.Param("event"))
	if err != nil {
		return readmodel.AirlineEvent{}, domain.Errorf(domain.ENotFound, "There is no such event in this airline.")
	}
	e, err := h.rm.GetAirlineEvent(c.Request().Context(), readmodel.GetAirlineEventParams{TenantID: airlineID, ID: id})
	if domain.ErrorCode(err) == domain.ENotFound {
		return e, domain.Errorf(domain.ENotFound, "There is no such event in this airline.")
	}
	return e, err
}

// showEvent is one event's page.
func (h *airlineEventHandlers) showEvent(c echo.Context) error {
	return h.renderEvent(c, http.StatusOK, nil, "")
}

func (h *airlineEventHandlers) renderEvent(c echo.Context, status int, form *views.EventForm, message string) error {
	tabs, _, err := airlineTabs(c, h.rm, "events")
	if err != nil {
		return err
	}
	e, err := h.eventParam(c, tabs.ID)
	if err != nil {
		return err
	}
	ctx := c.Request().Context()
	now := h.clock()
	who := currentActor(c)
	list, mine, err := h.signups(ctx, tabs.ID, e.ID, who.UserID)
	if err != nil {
		return err
	}
	row := h.eventRow(e, now)
	row.Pilots, row.SignedUp = len(list), mine
	base := eventURL(tabs.ID, row.ID)
	p := views.EventPage{Page: page(c, tabs.Name+" · "+e.Name), Tabs: tabs, Notice: popFlash(c, h.sessions), Message: message, Event: row,
		Description: e.Description, CanManage: domain.Authorize(who, domain.ManageEvents, tabs.ID) == nil,
		CanFly: domain.Authorize(who, domain.FileOwnPireps, tabs.ID) == nil, CSRFToken: page(c, "").CSRFToken, CommandID: domain.NewUUID(), CancelID: domain.NewUUID(),
		SignUpURL: base + "/signup", WithdrawURL: base + "/withdraw", CancelURL: base + "/cancel", LiveURL: base + "/live"}
	agg := domain.AirlineEvent{StartsAt: e.StartsAt, EndsAt: e.EndsAt, Cancelled: e.Cancelled, SignedUp: map[string]bool{who.UserID: mine},
		Counted: map[string]string{}}
	p.SignUpNote = agg.CanSignUp(who.UserID, now)
	counted, err := h.board(ctx, &p, e, list)
	if err != nil {
		return err
	}
	for _, f := range counted {
		agg.Counted[f.PirepID.String()] = f.UserID.String()
	}
	p.CanWithdraw = agg.CanWithdraw(who.UserID, now) == ""
	if form == nil {
		f := views.EventForm{Name: e.Name, Description: e.Description, StartsAt: e.StartsAt.UTC().Format(domain.EventTimeLayout),
			EndsAt: e.EndsAt.UTC().Format(domain.EventTimeLayout), Match: e.MatchKind, FlightNumbers: strings.Join(e.FlightNumbers, ", "), Airport: e.Airport}
		form = &f
	}
	p.Form = h.newForm(c, *form, base, "Save")
	c.Response().Header().Set("Cache-Control", "no-store")
	return render(c, status, views.EventView(p), nil)
}

// eventBoardLimit bounds the flights in progress and the filed PIREPs the
// board looks through.
const eventBoardLimit = 500

// board fills in who signed up, who is flying now (the airline's ACARS
// flights in progress by signed-up pilots that match) and who has landed
// (the flights that counted, and the filed ones that will once accepted).
func (h *airlineEventHandlers) board(ctx context.Context, p *views.EventPage, e readmodel.AirlineEvent,
	signups []readmodel.AirlineEventSignup) ([]readmodel.AirlineEventFlight, error) {
	signed := map[string]bool{}
	ids := make([]string, 0, len(signups))
	for _, s := range signups {
		signed[s.UserID.String()] = true
		ids = append(ids, s.UserID.String())
	}
	counted, err := h.rm.ListAirlineEventFlights(ctx, readmodel.ListAirlineEventFlightsParams{TenantID: e.TenantID, EventID: e.ID})
	if err != nil {
		return nil, err
	}
	for _, f := range counted {
		ids = append(ids, f.UserID.String())
	}
	match := eventMatchOf(e)
	window := domain.AirlineEvent{StartsAt: e.StartsAt, EndsAt: e.EndsAt}
	var flying, filed []reads.Pirep
	if len(signed) > 0 && !e.Cancelled {
		inProgress, err := h.rm.FlightsInProgress(ctx, e.TenantID, eventBoardLimit)
		if err != nil {
			return nil, err
		}
		for _, f := range inProgress {
			if signed[f.PilotID] && match.Matches(domain.EventFlight{FlightNumber: f.FlightNumber, Dpt: f.DptAirport, Arr: f.ArrAirport}) {
				flying = append(flying, f)
			}
		}
		rows, err := h.rm.ListPirepsByAirline(ctx, readmodel.ListPirepsByAirlineParams{TenantID: e.TenantID, State: domain.PirepPending,
			FromTime: e.StartsAt, ToTime: e.EndsAt, RowLimit: eventBoardLimit})
		if err != nil {
			return nil, err
		}
		for _, r := range rows {
			f := domain.EventFlight{FlightNumber: r.FlightNumber, Dpt: r.DptAirport, Arr: r.ArrAirport, BlockOff: r.BlockOff}
			if signed[r.PilotID.String()] && window.InWindow(r.BlockOff) && match.Matches(f) {
				filed = append(filed, reads.Pirep{PilotID: r.PilotID.String(), FlightNumber: r.FlightNumber, DptAirport: r.DptAirport,
					ArrAirport: r.ArrAirport, BlockOn: r.BlockOn})
			}
		}
	}
	for _, f := range append(flying, filed...) {
		ids = append(ids, f.PilotID)
	}
	names, err := h.rm.UserNames(ctx, e.TenantID, ids)
	if err != nil {
		return nil, err
	}
	for _, s := range signups {
		p.Pilots = append(p.Pilots, names[s.UserID.String()])
	}
	for _, f := range flying {
		when := ""
		if f.Last != nil {
			when = f.Last.At.UTC().Format("15:04")
		}
		p.Flying = append(p.Flying, views.EventFlightRow{Pilot: names[f.PilotID], Flight: f.FlightNumber, Route: f.DptAirport + "–" + f.ArrAirport,
			State: "In flight", When: when})
	}
	for _, f := range counted {
		p.Landed = append(p.Landed, views.EventFlightRow{Pilot: names[f.UserID.String()], Flight: f.FlightNumber,
			Route: f.DptAirport + "–" + f.ArrAirport, State: "Counted", When: f.BlockOn.UTC().Format("2 Jan 15:04")})
	}
	for _, f := range filed {
		p.Landed = append(p.Landed, views.EventFlightRow{Pilot: names[f.PilotID], Flight: f.FlightNumber, Route: f.DptAirport + "–" + f.ArrAirport,
			State: "Filed, awaiting review", When: f.BlockOn.UTC().Format("2 Jan 15:04")})
	}
	return counted, nil
}

// editEvent changes an event from staff's form.
func (h *airlineEventHandlers) editEvent(c echo.Context) error {
	var f views.EventForm
	readForm(c, &f)
	airlineID := c.Param("id")
	e, err := h.eventParam(c, airlineID)
	if err != nil {
		return err
	}
	res, err := h.cmds.Change(c.Request().Context(), commandMeta(c, f.CommandID), airlineID, e.ID.String(), eventFormOf(f))
	if status, ok := formFailed(nil, err, formSlots{Errors: &f.Errors, Message: &f.Message, CommandID: &f.CommandID}); ok {
		return h.renderEvent(c, status, &f, "")
	}
	if err != nil {
		return err
	}
	return h.finish(c, h.sessions, res, eventURL(airlineID, e.ID.String()), "Saved the event.")
}

// cancelEvent calls an event off.
func (h *airlineEventHandlers) cancelEvent(c echo.Context) error {
	airlineID := c.Param("id")
	e, err := h.eventParam(c, airlineID)
	if err != nil {
		return err
	}
	res, err := h.cmds.Cancel(c.Request().Context(), commandMeta(c, c.FormValue("command_id")), airlineID, e.ID.String(), c.FormValue("reason"))
	if domain.ErrorCode(err) == domain.EInvalid {
		return h.renderEvent(c, http.StatusUnprocessableEntity, nil, domain.ErrorMessage(err))
	}
	if err != nil {
		return err
	}
	return h.finish(c, h.sessions, res, eventURL(airlineID, e.ID.String()), "Cancelled the event.")
}

// signUpEvent signs the viewer up; withdrawEvent takes it back. A refusal
// (the event ended, a flight counted) is said on the page, 409.
func (h *airlineEventHandlers) signUpEvent(c echo.Context) error { return h.signUp(c, true) }

func (h *airlineEventHandlers) withdrawEvent(c echo.Context) error { return h.signUp(c, false) }

func (h *airlineEventHandlers) signUp(c echo.Context, in bool) error {
	airlineID := c.Param("id")
	e, err := h.eventParam(c, airlineID)
	if err != nil {
		return err
	}
	meta := commandMeta(c, c.FormValue("command_id"))
	var res domain.AppendResult
	flash := "You have signed up for “" + e.Name + "”."
	if in {
		res, err = h.cmds.SignUp(c.Request().Context(), meta, airlineID, e.ID.String())
	} else {
		res, err = h.cmds.Withdraw(c.Request().Context(), meta, airlineID, e.ID.String())
		flash = "You have withdrawn from “" + e.Name + "”."
	}
	if domain.ErrorCode(err) == domain.EConflict {
		return h.renderEvent(c, http.StatusConflict, nil, domain.ErrorMessage(err))
	}
	if err != nil {
		return err
	}
	return h.finish(c, h.sessions, res, eventURL(airlineID, e.ID.String()), flash)
}
