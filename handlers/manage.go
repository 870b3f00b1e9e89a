package handlers

import (
	"log/slog"
	"net/http"

	"github.com/google/uuid"
	"github.com/labstack/echo/v4"

	"github.com/albatross-va/albatross/domain"
	"github.com/albatross-va/albatross/store/reads"
	"github.com/albatross-va/albatross/views"
)

// manageHandlers are one airline's profile and suspension pages.
type manageHandlers struct {
	cmds AirlineCommands
	rm   reads.Querier
	readYourWrites
	log *slog.Logger
}

// airlineTabs reads the airline the route names for a management page.
func airlineTabs(c echo.Context, rm reads.Querier, current string) (views.AirlineTabs, reads.Airline, error) {
	id, err := airlineParam(c)
	if err != nil {
		return views.AirlineTabs{}, reads.Airline{}, err
	}
	return airlineTabsOf(c, rm, id, current)
}

// airlineTabsOf reads an airline for its pages' tabs.
func airlineTabsOf(c echo.Context, rm reads.Querier, id uuid.UUID, current string) (views.AirlineTabs, reads.Airline, error) {
	a, ok := userAirline(c, id.String())
	if !ok {
		var err error
		if a, err = rm.FindAirline(c.Request().Context(), id.String()); err != nil {
			return views.AirlineTabs{}, reads.Airline{}, err
		}
	}
	// A pilot sees only the tabs they may open.
	pilotView := domain.Authorize(currentActor(c), domain.EditAirlineProfile, a.ID) != nil
	return views.AirlineTabs{ID: a.ID, Name: a.Name, ICAO: a.ICAO, Slug: a.Slug, Suspended: a.Suspended, Current: current,
		PilotView: pilotView, Dashboard: domain.Authorize(currentActor(c), domain.ViewOwnAirline, a.ID) == nil}, a, nil
}

// showAirline is the airline's profile page.
func (h *manageHandlers) showAirline(c echo.Context) error {
	tabs, a, err := airlineTabs(c, h.rm, "profile")
	if err != nil {
		return err
	}
	f := profileForm(a)
	f.Saved = c.QueryParam("saved") != ""
	return h.renderPage(c, http.StatusOK, tabs, f, "", nil)
}

// profileForm is the profile form filled with the airline as it is.
func profileForm(a reads.Airline) views.ProfileForm {
	return views.ProfileForm{AirlineID: a.ID, Name: a.Name, ICAO: a.ICAO, Slug: a.Slug, IATA: a.IATA,
		PilotIDPrefix: a.PilotIDPrefix, Registration: a.Registration}
}

func (h *manageHandlers) renderPage(c echo.Context, status int, tabs views.AirlineTabs, f views.ProfileForm, reason string, errs map[string]string) error {
	p := views.AirlinePage{Page: page(c, tabs.Name), Tabs: tabs, Form: f, Reason: reason, Errors: errs,
		CanSuspend: domain.Authorize(currentActor(c), domain.SuspendAirlines, tabs.ID) == nil}
	p.Form.CSRFToken = p.CSRFToken
	return render(c, status, views.AirlineView(p), nil)
}

// changeProfile saves the profile form.
func (h *manageHandlers) changeProfile(c echo.Context) error {
	tabs, _, err := airlineTabs(c, h.rm, "profile")
	if err != nil {
		return err
	}
	f := views.ProfileForm{AirlineID: tabs.ID}
	readForm(c, &f)
	res, err := h.cmds.ChangeProfile(c.Request().Context(), commandMeta(c, ""), tabs.ID, domain.AirlineProfile{
		Name: f.Name, ICAO: f.ICAO, Slug: f.Slug, IATA: f.IATA, PilotIDPrefix: f.PilotIDPrefix, Registration: f.Registration})
	if status, ok := formFailed(nil, err, formSlots{Errors: &f.Errors}); ok {
		return h.renderPage(c, status, tabs, f, "", nil)
	}
	if err != nil {
		return err
	}
	h.waitFor(c, res)
	return c.Redirect(http.StatusSeeOther, "/airlines/"+tabs.ID+"?saved=1")
}

// suspendAirline suspends the airline.
func (h *manageHandlers) suspendAirline(c echo.Context) error {
	tabs, a, err := airlineTabs(c, h.rm, "profile")
	if err != nil {
		return err
	}
	reason := c.FormValue("reason")
	res, err := h.cmds.Suspend(c.Request().Context(), commandMeta(c, ""), tabs.ID, reason)
	var fields map[string]string
	if status, ok := formFailed(nil, err, formSlots{Errors: &fields}); ok {
		return h.renderPage(c, status, tabs, profileForm(a), reason, fields)
	}
	if err != nil {
		return err
	}
	h.waitFor(c, res)
	return c.Redirect(http.StatusSeeOther, "/airlines/"+tabs.ID)
}

// reactivateAirline ends the airline's suspension.
func (h *manageHandlers) reactivateAirline(c echo.Context) error {
	tabs, _, err := airlineTabs(c, h.rm, "profile")
	if err != nil {
		return err
	}
	res, err := h.cmds.Reactivate(c.Request().Context(), commandMeta(c, ""), tabs.ID)
	if err != nil {
		return err
	}
	h.waitFor(c, res)
	return c.Redirect(http.StatusSeeOther, "/airlines/"+tabs.ID)
}
