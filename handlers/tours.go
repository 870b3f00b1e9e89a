package handlers

import (
	"context"
	"log/slog"
	"net/http"
	"time"

	"github.com/alexedwards/scs/v2"
	"github.com/google/uuid"
	"github.com/labstack/echo/v4"

	"github.com/albatross-va/albatross/domain"
	"github.com/albatross-va/albatross/store/readmodel"
	"github.com/albatross-va/albatross/store/reads"
	"github.com/albatross-va/albatross/views"
)

// TourCommands runs the commands on an airline's tours (domain.Tours).
type TourCommands interface {
	Save(ctx context.Context, meta domain.CommandMeta, airlineID, tourID string, f domain.TourForm) (string, domain.AppendResult, error)
	Delete(ctx context.Context, meta domain.CommandMeta, airlineID, tourID string) (domain.AppendResult, error)
}

// tourHandlers are an airline's tours: the list and each tour's page with
// the member's progress and the leaderboard, for everyone in the airline;
// the forms that create, edit and delete one, for staff.
type tourHandlers struct {
	cmds     TourCommands
	rm       reads.Querier
	sessions *scs.SessionManager
	readYourWrites
	log *slog.Logger
}

func toursURL(airlineID string) string { return "/airlines/" + airlineID + "/tours" }

func tourURL(airlineID, tourID string) string { return toursURL(airlineID) + "/" + tourID }

// tourDates says a tour's dates in words, "" when it has none.
func tourDates(from, until string) string {
	day := func(s string) string {
		if t, err := time.Parse(time.DateOnly, s); err == nil {
			return t.Format("2 Jan 2006")
		}
		return s
	}
	switch {
	case from != "" && until != "":
		return day(from) + " – " + day(until)
	case from != "":
		return "From " + day(from)
	case until != "":
		return "Until " + day(until)
	}
	return ""
}

// pilotTours reads the airline's tours with one member's progress: the
// tours, each one's legs, and which the member has flown.
type pilotTour struct {
	row   readmodel.Tour
	legs  []domain.TourLeg
	flown map[int]string
}

func readPilotTours(ctx context.Context, rm reads.Querier, airlineID string, me uuid.UUID, only *uuid.UUID) ([]pilotTour, error) {
	var rows []readmodel.Tour
	if only != nil {
		t, err := rm.GetTour(ctx, readmodel.GetTourParams{TenantID: airlineID, ID: *only})
		if err != nil {
			return nil, err
		}
		rows = []readmodel.Tour{t}
	} else {
		var err error
		if rows, err = rm.ListTours(ctx, airlineID); err != nil {
			return nil, err
		}
	}
	flown := map[uuid.UUID]map[int]string{}
	if me != uuid.Nil {
		fl, err := rm.ListPilotTourLegsFlown(ctx, readmodel.ListPilotTourLegsFlownParams{TenantID: airlineID, UserID: me})
		if err != nil {
			return nil, err
		}
		for _, f := range fl {
			if flown[f.TourID] == nil {
				flown[f.TourID] = map[int]string{}
			}
			flown[f.TourID][int(f.N)] = f.PirepID
		}
	}
	out := make([]pilotTour, 0, len(rows))
	for _, r := range rows {
		pt := pilotTour{row: r, flown: flown[r.ID]}
		legs, err := rm.ListTourLegs(ctx, readmodel.ListTourLegsParams{TenantID: airlineID, TourID: r.ID})
		if err != nil {
			return nil, err
		}
		for _, l := range legs {
			pt.legs = append(pt.legs, domain.TourLeg{Dpt: l.Dpt, Arr: l.Arr, FlightNumber: l.FlightNumber, AircraftICAO: l.AircraftIcao})
		}
		out = append(out, pt)
	}
	return out, nil
}

// summary is a tour with the member's progress, as the pages show it.
func (pt pilotTour) summary(airlineID string) views.TourSummary {
	t := domain.Tour{Legs: pt.legs}
	s := views.TourSummary{ID: pt.row.ID.String(), URL: tourURL(airlineID, pt.row.ID.String()), Name: pt.row.Name,
		Description: pt.row.Description, Dates: tourDates(pt.row.StartsOn, pt.row.EndsOn), AnyOrder: pt.row.AnyOrder,
		Legs: len(pt.legs), Flown: t.FlownCount(pt.flown)}
	if n := t.NextLeg(pt.flown); n >= 0 {
		s.Next = pt.legs[n].Describe()
		if pt.row.AnyOrder {
			s.Next += " (or any leg not flown)"
		}
	} else {
		s.Done = len(pt.legs) > 0
	}
	return s
}

// dashboardTourList is a pilot's tours in progress: begun, not finished.
func dashboardTourList(ctx context.Context, rm reads.Querier, airlineID string, me uuid.UUID) ([]views.TourSummary, error) {
	tours, err := readPilotTours(ctx, rm, airlineID, me, nil)
	if err != nil {
		return nil, err
	}
	var out []views.TourSummary
	for _, pt := range tours {
		if s := pt.summary(airlineID); s.Flown > 0 && !s.Done {
			out = append(out, s)
		}
	}
	return out, nil
}

// memberID is the member's user id, uuid.Nil for a platform admin or a bad id.
func memberID(c echo.Context) uuid.UUID {
	id, err := uuid.Parse(currentActor(c).UserID)
	if err != nil {
		return uuid.Nil
	}
	return id
}

// listTours is an airline's tours, with the staff's form that creates one.
func (h *tourHandlers) listTours(c echo.Context) error {
	return h.renderTours(c, http.StatusOK, views.TourForm{})
}

func (h *tourHandlers) renderTours(c echo.Context, status int, f views.TourForm) error {
	tabs, _, err := airlineTabs(c, h.rm, "tours")
	if err != nil {
		return err
	}
	ctx := c.Request().Context()
	tours, err := readPilotTours(ctx, h.rm, tabs.ID, memberID(c), nil)
	if err != nil {
		return err
	}
	p := views.ToursPage{Page: page(c, tabs.Name+" · Tours"), Tabs: tabs, Notice: popFlash(c, h.sessions),
		Manage: domain.Authorize(currentActor(c), domain.ManageTours, tabs.ID) == nil}
	for _, pt := range tours {
		p.Tours = append(p.Tours, pt.summary(tabs.ID))
	}
	f.CSRFToken, f.Action, f.Submit = p.CSRFToken, toursURL(tabs.ID), "Create"
	if f.CommandID == "" {
		f.CommandID = domain.NewUUID()
	}
	p.Form = f
	c.Response().Header().Set("Cache-Control", "no-store")
	return render(c, status, views.ToursView(p), nil)
}

func tourFormOf(f views.TourForm) domain.TourForm {
	return domain.TourForm{Name: f.Name, Description: f.Description, Legs: f.Legs, AnyOrder: f.AnyOrder, StartsOn: f.StartsOn, EndsOn: f.EndsOn}
}

// createTour creates a tour from the staff's form.
func (h *tourHandlers) createTour(c echo.Context) error {
	var f views.TourForm
	readForm(c, &f)
	airlineID := c.Param("id")
	id, res, err := h.cmds.Save(c.Request().Context(), commandMeta(c, f.CommandID), airlineID, "", tourFormOf(f))
	if status, ok := formFailed(nil, err, formSlots{Errors: &f.Errors}); ok {
		return h.renderTours(c, status, f)
	}
	if err != nil {
		return err
	}
	requestLogger(c, h.log).Info("tour created", "airline", airlineID, "tour", id)
	return h.finish(c, h.sessions, res, tourURL(airlineID, id), "Created the tour “"+f.Name+"”.")
}

// tourParam is the tour of the path, within the airline: another
// airline's, a deleted one or a bad id is not found.
func (h *tourHandlers) tourParam(c echo.Context, airlineID string) (pilotTour, error) {
	id, err := uuid.Parse(c.Param("tour"))
	if err != nil {
		return pilotTour{}, domain.Errorf(domain.ENotFound, "There is no such tour in this airline.")
	}
	tours, err := readPilotTours(c.Request().Context(), h.rm, airlineID, memberID(c), &id)
	if domain.ErrorCode(err) == domain.ENotFound {
		return pilotTour{}, domain.Errorf(domain.ENotFound, "There is no such tour in this airline.")
	}
	if err != nil {
		return pilotTour{}, err
	}
	return tours[0], nil
}

// showTour is one tour's page: its legs with the member's progress, and
// its leaderboard.
func (h *tourHandlers) showTour(c echo.Context) error {
	tabs, _, err := airlineTabs(c, h.rm, "tours")
	if err != nil {
		return err
	}
	pt, err := h.tourParam(c, tabs.ID)
	if err != nil {
		return err
	}
	ctx := c.Request().Context()
	p := views.TourPage{Page: page(c, pt.row.Name+" · Tours"), Tabs: tabs, Notice: popFlash(c, h.sessions), Tour: pt.summary(tabs.ID),
		Manage: domain.Authorize(currentActor(c), domain.ManageTours, tabs.ID) == nil}
	p.URL = p.Tour.URL
	p.EditURL = p.URL + "/edit"
	t := domain.Tour{Legs: pt.legs, AnyOrder: pt.row.AnyOrder}
	next := t.NextLeg(pt.flown)
	for i, l := range pt.legs {
		_, flown := pt.flown[i]
		p.Legs = append(p.Legs, views.TourLegRow{N: i + 1, Text: l.Describe(), Flown: flown, Next: i == next && !pt.row.AnyOrder})
	}
	board, err := h.rm.ListTourCompletions(ctx, readmodel.ListTourCompletionsParams{TenantID: tabs.ID, TourID: pt.row.ID})
	if err != nil {
		return err
	}
	if len(board) > 0 {
		members, err := h.rm.Members(ctx, tabs.ID)
		if err != nil {
			return err
		}
		byID := map[string]reads.Member{}
		for _, m := range members {
			byID[m.ID] = m
		}
		self := memberID(c)
		for i, b := range board {
			m := byID[b.UserID.String()]
			p.Leaders = append(p.Leaders, views.TourLeader{Place: i + 1, Name: m.Name, PilotID: m.PilotID,
				Finished: b.CompletedAt.UTC().Format("2 Jan 2006 15:04"), Me: b.UserID == self})
		}
	}
	c.Response().Header().Set("Cache-Control", "no-store")
	return render(c, http.StatusOK, views.TourView(p), nil)
}

// editTourForm is the staff's form that edits a tour.
func (h *tourHandlers) editTourForm(c echo.Context) error {
	return h.renderEdit(c, http.StatusOK, nil)
}

func (h *tourHandlers) renderEdit(c echo.Context, status int, typed *views.TourForm) error {
	tabs, _, err := airlineTabs(c, h.rm, "tours")
	if err != nil {
		return err
	}
	pt, err := h.tourParam(c, tabs.ID)
	if err != nil {
		return err
	}
	p := views.TourEditPage{Page: page(c, "Edit "+pt.row.Name+" · Tours"), Tabs: tabs, Tour: pt.summary(tabs.ID)}
	var f views.TourForm
	if typed != nil {
		f = *typed
	} else {
		f = views.TourForm{Name: pt.row.Name, Description: pt.row.Description, AnyOrder: pt.row.AnyOrder, StartsOn: pt.row.StartsOn, EndsOn: pt.row.EndsOn}
		for i, l := range pt.legs {
			if i > 0 {
				f.Legs += "\n"
			}
			f.Legs += l.String()
		}
	}
	f.CSRFToken, f.Action, f.Submit = p.CSRFToken, p.Tour.URL, "Save"
	if f.CommandID == "" {
		f.CommandID = domain.NewUUID()
	}
	p.Form, p.DeleteAction = f, p.Tour.URL+"/delete"
	c.Response().Header().Set("Cache-Control", "no-store")
	return render(c, status, views.TourEditView(p), nil)
}

// saveTour replaces a tour with the staff's form.
func (h *tourHandlers) saveTour(c echo.Context) error {
	var f views.TourForm
	readForm(c, &f)
	airlineID := c.Param("id")
	pt, err := h.tourParam(c, airlineID)
	if err != nil {
		return err
	}
	id := pt.row.ID.String()
	_, res, err := h.cmds.Save(c.Request().Context(), commandMeta(c, f.CommandID), airlineID, id, tourFormOf(f))
	if status, ok := formFailed(nil, err, formSlots{Errors: &f.Errors}); ok {
		return h.renderEdit(c, status, &f)
	}
	if err != nil {
		return err
	}
	requestLogger(c, h.log).Info("tour saved", "airline", airlineID, "tour", id)
	return h.finish(c, h.sessions, res, tourURL(airlineID, id), "Saved the tour “"+f.Name+"”.")
}

// deleteTour removes a tour: it counts no more legs.
func (h *tourHandlers) deleteTour(c echo.Context) error {
	var f struct {
		CommandID string `form:"command_id"`
	}
	readForm(c, &f)
	airlineID := c.Param("id")
	pt, err := h.tourParam(c, airlineID)
	if err != nil {
		return err
	}
	res, err := h.cmds.Delete(c.Request().Context(), commandMeta(c, f.CommandID), airlineID, pt.row.ID.String())
	if err != nil {
		return err
	}
	requestLogger(c, h.log).Info("tour deleted", "airline", airlineID, "tour", pt.row.ID)
	return h.finish(c, h.sessions, res, toursURL(airlineID), "Deleted the tour “"+pt.row.Name+"”.")
}
