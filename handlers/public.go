package handlers

import (
	"log/slog"
	"net/http"
	"strings"
	"time"

	"github.com/labstack/echo/v4"

	"github.com/albatross-va/albatross/domain"
	"github.com/albatross-va/albatross/store/reads"
	"github.com/albatross-va/albatross/views"
)

// publicHandlers are the pages anyone can see: an airline's public page and
// its registration form.
type publicHandlers struct {
	users UserCommands
	rm    reads.Querier
	readYourWrites
	log   *slog.Logger
	now   func() time.Time
	tiles views.MapTiles // the tile server the live map draws, if any
}

func (h *publicHandlers) airline(c echo.Context) (reads.Airline, error) {
	return h.rm.FindAirlineBySlug(c.Request().Context(), c.Param("slug"))
}

// showPublicAirline is the page at /a/{slug}.
func (h *publicHandlers) showPublicAirline(c echo.Context) error {
	a, err := h.airline(c)
	if err != nil {
		return err
	}
	pilots, err := h.rm.ActivePilots(c.Request().Context(), a.ID)
	if err != nil {
		return err
	}
	// The live map is on unless the airline's PIREP settings take it off.
	rules, err := reads.PirepSettings{Q: h.rm}.PirepRules(c.Request().Context(), a.ID)
	if err != nil {
		return err
	}
	p := views.PublicAirlinePage{Page: page(c, a.Name), Name: a.Name, ICAO: a.ICAO, Slug: a.Slug,
		Pilots: pilots, Registration: a.Registration, Suspended: a.Suspended, ShowLive: !rules.PublicLiveMapOff}
	if p.ShowLive {
		if p.Live, err = liveMapOf(c.Request().Context(), h.rm, a.ID, a.ICAO, "", "", h.now(), true); err != nil {
			return err
		}
		p.Live.Map.Tiles = h.tiles
	} else if isFragmentRequest(c.Request()) || strings.HasSuffix(c.Path(), "/live") || strings.HasSuffix(c.Path(), "/summary") {
		// Without the live map the page has no live sections to re-fetch.
		return echo.NewHTTPError(http.StatusNotFound, "This airline shows no live map.")
	}
	if err := publicFacts(c.Request().Context(), h.rm, a, &p); err != nil {
		return err
	}
	if p.News, err = newsCards(c.Request().Context(), h.rm, a.ID, 0, publicNews, false); err != nil {
		return err
	}
	return render(c, http.StatusOK, views.PublicAirlineView(p), nil)
}

// registrationOpen refuses the form of an airline that takes no
// registrations, with the reason.
func registrationOpen(a reads.Airline) error {
	switch {
	case a.Suspended:
		return domain.Errorf(domain.EForbidden, "%s is not taking registrations at the moment.", a.Name)
	case a.Registration == domain.RegistrationClosed:
		return domain.Errorf(domain.EForbidden, "%s has closed its registration.", a.Name)
	}
	return nil
}

// showRegister is the registration form.
func (h *publicHandlers) showRegister(c echo.Context) error {
	a, err := h.airline(c)
	if err != nil {
		return err
	}
	if err := registrationOpen(a); err != nil {
		return err
	}
	f := views.RegisterForm{Page: page(c, "Join "+a.Name), AirlineName: a.Name, Slug: a.Slug, CommandID: domain.NewUUID()}
	if f.Hubs, err = h.hubOptions(c, a.ID); err != nil {
		return err
	}
	return render(c, http.StatusOK, views.RegisterView(f), nil)
}

// register creates a pending pilot (approved at once when registration is
// open) and thanks them.
func (h *publicHandlers) register(c echo.Context) error {
	a, err := h.airline(c)
	if err != nil {
		return err
	}
	f := views.RegisterForm{Page: page(c, "Join "+a.Name), AirlineName: a.Name, Slug: a.Slug}
	readForm(c, &f)
	if !validCommandID(f.CommandID) {
		f.CommandID = domain.NewUUID()
	}
	if f.Hubs, err = h.hubOptions(c, a.ID); err != nil {
		return err
	}
	meta := domain.CommandMeta{ID: f.CommandID, CorrelationID: requestID(c)}
	person := domain.Person{Name: f.Name, Email: f.Email, Country: f.Country, Password: c.FormValue("password"),
		HomeAirport: f.HomeAirport}
	var id string
	var res domain.AppendResult
	if c.FormValue("password_confirm") != person.Password {
		// Nothing is written: the other fields' problems are shown with it.
		if err = registrationOpen(a); err == nil {
			err = confirmMismatch(h.users.CheckRegistration(c.Request().Context(), a.ID, person))
		}
	} else {
		id, res, err = h.users.Register(c.Request().Context(), meta, a.ID, person)
	}
	if status, ok := formFailed(nil, err, formSlots{Errors: &f.Errors}); ok {
		return render(c, status, views.RegisterView(f), nil)
	}
	if err != nil {
		return err
	}
	h.waitFor(c, res)
	requestLogger(c, h.log).Info("registration", "user", id, "airline", a.ID)
	return render(c, http.StatusCreated, views.RegisteredView(views.RegisteredPage{
		Page: page(c, "Thank you"), AirlineName: a.Name, Approved: a.Registration == domain.RegistrationOpen}), nil)
}

// hubOptions are an airline's hubs as the registration form offers them.
func (h *publicHandlers) hubOptions(c echo.Context, airlineID string) ([][2]string, error) {
	hubs, err := h.rm.ListHubs(c.Request().Context(), airlineID)
	if err != nil {
		return nil, err
	}
	out := make([][2]string, len(hubs))
	for i, a := range hubs {
		out[i] = [2]string{a.Icao, a.Icao + " " + a.Name}
	}
	return out, nil
}

// confirmMismatch adds to err (the other fields' problems, or nil) that the
// two passwords differ.
func confirmMismatch(err error) error {
	f := map[string]string{}
	if domain.ErrorCode(err) == domain.EInvalid {
		for k, v := range domain.ErrorFields(err) {
			f[k] = v
		}
	} else if err != nil {
		return err
	}
	f["password_confirm"] = "The two passwords differ: type the same password in both."
	return domain.Invalid(f)
}
