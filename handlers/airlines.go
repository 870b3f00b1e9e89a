package handlers

import (
	"context"
	"fmt"
	"log/slog"
	"net/http"
	"net/url"

	"github.com/labstack/echo/v4"

	"github.com/albatross-va/albatross/domain"
	"github.com/albatross-va/albatross/store/reads"
	"github.com/albatross-va/albatross/views"
)

type airlineHandlers struct {
	cmds AirlineCommands
	rm   reads.Querier
	readYourWrites
	log *slog.Logger
}

// airlineInput is the create-airline form as posted.
type airlineInput struct {
	CommandID string `form:"command_id"`
	Name      string `form:"name"`
	ICAO      string `form:"icao"`
	IATA      string `form:"iata"`
	Slug      string `form:"slug"`
	Prefix    string `form:"pilot_id_prefix"`
}

func (in airlineInput) command() domain.CreateAirline {
	c := domain.CreateAirline{Name: in.Name, ICAO: in.ICAO, IATA: in.IATA, Slug: in.Slug, PilotIDPrefix: in.Prefix}
	c.Normalize()
	return c
}

// listAirlines shows every airline and the form to create one.
func (h *airlineHandlers) listAirlines(c echo.Context) error {
	rows, err := h.rows(c.Request().Context())
	if err != nil {
		return err
	}
	form := h.emptyForm(c)
	if slug := c.QueryParam("created"); slug != "" {
		a, err := h.rm.GetAirlineBySlug(c.Request().Context(), slug)
		switch {
		case err == nil:
			form.Created = a.Name
		case domain.ErrorCode(err) != domain.ENotFound: // a stale or edited link just shows no confirmation
			return err
		}
	}
	p := views.AirlinesPage{Page: page(c, "Airlines"), Rows: rows, Form: form}
	return render(c, http.StatusOK, views.AirlinesView(p), nil)
}

// listAirlineRows is the table body a live page re-fetches on a notice.
func (h *airlineHandlers) listAirlineRows(c echo.Context) error {
	rows, err := h.rows(c.Request().Context())
	if err != nil {
		return err
	}
	c.Response().Header().Set("Cache-Control", "no-store")
	return renderComponent(c, http.StatusOK, views.AirlineRows(rows))
}

// createAirline runs CreateAirline, waits until the list has the new
// airline, then answers: a fresh form and a trigger that refreshes the rows
// to htmx, a redirect to everyone else.
func (h *airlineHandlers) createAirline(c echo.Context) error {
	var in airlineInput
	readForm(c, &in)
	f := h.filledForm(c, in)
	// The domain's own rules first, so a form that cannot pass does not
	// spend its command id.
	if status, ok := formFailed(nil, in.command().Validate(), formSlots{Errors: &f.Errors}); ok {
		return h.renderForm(c, status, f)
	}
	u, _ := currentUser(c)
	meta := domain.CommandMeta{ID: in.CommandID, Who: actorOf(u), CorrelationID: requestID(c)}
	if !validCommandID(meta.ID) {
		meta.ID = domain.NewUUID()
	}
	ctx := c.Request().Context()
	_, res, err := h.cmds.Create(ctx, meta, in.command())
	// A conflict may be a spent command id (a reused form): the next try
	// gets a fresh one.
	if status, ok := formFailed(nil, err, formSlots{&f.Errors, &f.Message, &f.CommandID}); ok {
		return h.renderForm(c, status, f)
	}
	if err != nil {
		return err
	}
	h.waitFor(c, res)
	if !isFragmentRequest(c.Request()) {
		return c.Redirect(http.StatusSeeOther, "/airlines?created="+url.QueryEscape(in.command().Slug))
	}
	form := h.emptyForm(c)
	form.Created = in.command().Name
	c.Response().Header().Add("Vary", "HX-Request")
	// The rows re-fetch themselves on this trigger, after the wait above,
	// so they include the new airline even before its live notice arrives.
	c.Response().Header().Set("HX-Trigger", views.AirlinesChanged)
	return renderComponent(c, http.StatusOK, views.AirlineFormView(form))
}

func (h *airlineHandlers) renderForm(c echo.Context, status int, f views.AirlineForm) error {
	if isFragmentRequest(c.Request()) {
		c.Response().Header().Add("Vary", "HX-Request")
		return renderComponent(c, status, views.AirlineFormView(f))
	}
	rows, err := h.rows(c.Request().Context())
	if err != nil {
		return err
	}
	p := views.AirlinesPage{Page: page(c, "Airlines"), Rows: rows, Form: f}
	return render(c, status, views.AirlinesView(p), nil)
}

func (h *airlineHandlers) emptyForm(c echo.Context) views.AirlineForm {
	return views.AirlineForm{CSRFToken: page(c, "").CSRFToken, CommandID: domain.NewUUID()}
}

// filledForm keeps what the user typed, and their command id, so that a
// corrected resubmit is still one command.
func (h *airlineHandlers) filledForm(c echo.Context, in airlineInput) views.AirlineForm {
	id := in.CommandID
	if !validCommandID(id) {
		id = domain.NewUUID()
	}
	return views.AirlineForm{
		CSRFToken: page(c, "").CSRFToken, CommandID: id,
		Name: in.Name, ICAO: in.ICAO, IATA: in.IATA, Slug: in.Slug, PilotIDPrefix: in.Prefix,
	}
}

func (h *airlineHandlers) rows(ctx context.Context) ([]views.AirlineRow, error) {
	list, err := h.rm.ListAirlines(ctx)
	if err != nil {
		return nil, fmt.Errorf("list airlines: %w", err)
	}
	rows := make([]views.AirlineRow, 0, len(list))
	for _, a := range list {
		rows = append(rows, views.AirlineRow{
			ID: a.ID.String(), Name: a.Name, ICAO: a.Icao, IATA: a.Iata, Slug: a.Slug,
			Created: a.CreatedAt.UTC().Format("2 Jan 2006 15:04 UTC"), Suspended: a.Suspended,
		})
	}
	return rows, nil
}

// validCommandID accepts the ids our forms generate and rejects anything
// long or odd that a client might send.
func validCommandID(id string) bool { return requestIDPattern.MatchString(id) }
