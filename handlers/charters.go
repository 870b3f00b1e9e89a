package handlers

import (
	"context"
	"fmt"
	"log/slog"
	"net/http"
	"strings"

	"github.com/alexedwards/scs/v2"
	"github.com/labstack/echo/v4"

	"github.com/albatross-va/albatross/domain"
	"github.com/albatross-va/albatross/store/reads"
	"github.com/albatross-va/albatross/views"
)

// Charters and jumpseats: the charter booking form (a bid with the
// pilot's own plan, shown in My bids) and the jumpseat form with the
// pilot's jumpseats.

func charterURL(airlineID string) string  { return bidsURL(airlineID) + "/charter" }
func jumpseatURL(airlineID string) string { return "/airlines/" + airlineID + "/jumpseat" }

// showCharter is the charter booking form.
func (h *bidHandlers) showCharter(c echo.Context) error {
	return h.renderCharter(c, http.StatusOK, views.CharterForm{Type: "passenger"})
}

func (h *bidHandlers) renderCharter(c echo.Context, status int, f views.CharterForm) error {
	tabs, _, err := airlineTabs(c, h.rm, "flights")
	if err != nil {
		return err
	}
	ctx := c.Request().Context()
	known, err := namedAirports(ctx, h.rm, tabs.ID, f.DptAirport, f.ArrAirport)
	if err != nil {
		return err
	}
	if f.CommandID == "" {
		f.CommandID = domain.NewUUID()
	}
	f.DptBox = airlineAirportBox(tabs.ID, "charter-dpt", "dpt_airport", "Departure", f.DptAirport, f.Errors, known)
	f.ArrBox = airlineAirportBox(tabs.ID, "charter-arr", "arr_airport", "Arrival", f.ArrAirport, f.Errors, known)
	list, err := h.rm.FlownAircraftOptions(ctx, tabs.ID)
	if err != nil {
		return err
	}
	f.AircraftOptions = [][2]string{{"", "Choose the aircraft"}}
	for _, a := range list {
		if a.Status == domain.AircraftActive {
			f.AircraftOptions = append(f.AircraftOptions, [2]string{a.ID, aircraftLabel(a)})
		}
	}
	p := views.CharterPage{Page: page(c, tabs.Name+" · Book a charter"), Tabs: tabs, Action: charterURL(tabs.ID), Form: f}
	c.Response().Header().Set("Cache-Control", "no-store")
	return render(c, status, views.CharterView(p), nil)
}

// charterForm reads the booking form; numbers that do not parse get
// their message here, the rest come from the domain.
func charterForm(c echo.Context) (views.CharterForm, domain.CharterFlight, formErrors) {
	var f views.CharterForm
	readForm(c, &f)
	errs := formErrors{}
	plan := domain.CharterFlight{FlightNumber: f.FlightNumber, DptAirport: f.DptAirport, ArrAirport: f.ArrAirport, Route: f.Route,
		AircraftID: f.AircraftID, Cargo: f.Type == "cargo", DptTime: f.DptTime, ArrTime: f.ArrTime}
	errs.int32("level", f.Level, &plan.Level, "The cruise level is a whole number of feet, or empty.")
	errs.int32("distance", f.Distance, &plan.Distance, "The distance is a whole number of nautical miles, or empty.")
	if f.Type != "passenger" && f.Type != "cargo" {
		errs["type"] = "Choose passengers or cargo."
	}
	return f, plan, errs
}

// bookCharter books the charter the form describes; a refusal shows the
// form again with each message beside its field.
func (h *bidHandlers) bookCharter(c echo.Context) error {
	airlineID := c.Param("id")
	f, plan, errs := charterForm(c)
	var res domain.AppendResult
	var err error
	if len(errs) == 0 {
		_, res, err = h.cmds.Charter(c.Request().Context(), commandMeta(c, f.CommandID), airlineID, plan)
		if fields := domain.ErrorFields(err); len(fields) > 0 {
			errs = fields
		} else if err != nil {
			return err
		}
	}
	if len(errs) > 0 {
		f.Errors = errs
		if errs["bids"] != "" {
			f.Errors = map[string]string{"charter": errs["bids"]}
		}
		return h.renderCharter(c, http.StatusUnprocessableEntity, f)
	}
	return h.finish(c, h.sessions, res, bidsURL(airlineID), "Your charter is booked: it is in My bids.")
}

// jumpseatHandlers are the jumpseat form and history.
type jumpseatHandlers struct {
	cmds     JumpseatCommands
	rm       reads.Querier
	sessions *scs.SessionManager
	readYourWrites
	log *slog.Logger
}

// jumpseatHistoryLimit is how many of their jumpseats a pilot's page shows.
const jumpseatHistoryLimit = 50

func (h *jumpseatHandlers) jumpseatPage(c echo.Context, to string, errs map[string]string) (views.JumpseatPage, error) {
	tabs, _, err := airlineTabs(c, h.rm, "pireps")
	if err != nil {
		return views.JumpseatPage{}, err
	}
	ctx := c.Request().Context()
	pilot := currentActor(c).UserID
	settings := reads.PirepSettings{Q: h.rm}
	rules, err := settings.PirepRules(ctx, tabs.ID)
	if err != nil {
		return views.JumpseatPage{}, err
	}
	loc, err := settings.PilotLocation(ctx, tabs.ID, pilot)
	if err != nil {
		return views.JumpseatPage{}, err
	}
	known, err := namedAirports(ctx, h.rm, tabs.ID, to)
	if err != nil {
		return views.JumpseatPage{}, err
	}
	p := views.JumpseatPage{Page: page(c, tabs.Name+" · Jumpseat"), Tabs: tabs, Action: jumpseatURL(tabs.ID), Location: loc,
		Allowed: rules.Jumpseats.Allowed, To: to, Errors: errs,
		Box: airlineAirportBox(tabs.ID, "jumpseat-to", "to_airport", "Move to", to, errs, known)}
	var limits []string
	if rules.Jumpseats.HubsOnly {
		limits = append(limits, "to the airline's hubs only")
	}
	if n := rules.Jumpseats.PerMonth; n > 0 {
		limits = append(limits, fmt.Sprintf("at most %d a calendar month (UTC)", n))
	}
	if len(limits) > 0 {
		p.Rules = "Jumpseats go " + strings.Join(limits, ", ") + "."
	}
	p.History, err = jumpseatRows(ctx, h.rm, tabs.ID, pilot)
	return p, err
}

// jumpseatRows are a pilot's jumpseats as their history shows them.
func jumpseatRows(ctx context.Context, rm reads.Querier, airlineID, pilotID string) ([]views.JumpseatRow, error) {
	history, err := rm.PilotJumpseats(ctx, airlineID, pilotID, jumpseatHistoryLimit)
	if err != nil {
		return nil, err
	}
	var out []views.JumpseatRow
	for _, j := range history {
		from := j.FromAirport
		if from == "" {
			from = "-"
		}
		out = append(out, views.JumpseatRow{When: j.MovedAt.UTC().Format("2 Jan 2006 15:04"), From: from, To: j.ToAirport})
	}
	return out, nil
}

// showJumpseat is the jumpseat form and the pilot's jumpseats.
func (h *jumpseatHandlers) showJumpseat(c echo.Context) error {
	p, err := h.jumpseatPage(c, "", nil)
	if err != nil {
		return err
	}
	p.Notice = popFlash(c, h.sessions)
	c.Response().Header().Set("Cache-Control", "no-store")
	return render(c, http.StatusOK, views.JumpseatView(p), nil)
}

// jumpseat moves the pilot to the airport in the form; a refusal (not
// allowed, the month's limit, not a hub, unknown, where they are) shows
// the form again with the message beside the field, 422.
func (h *jumpseatHandlers) jumpseat(c echo.Context) error {
	airlineID := c.Param("id")
	to := c.FormValue("to_airport")
	res, err := h.cmds.Move(c.Request().Context(), commandMeta(c, ""), airlineID, to)
	if fields := domain.ErrorFields(err); len(fields) > 0 {
		p, perr := h.jumpseatPage(c, to, fields)
		if perr != nil {
			return perr
		}
		c.Response().Header().Set("Cache-Control", "no-store")
		return render(c, http.StatusUnprocessableEntity, views.JumpseatView(p), nil)
	}
	if err != nil {
		return err
	}
	return h.finish(c, h.sessions, res, jumpseatURL(airlineID), "You are now at "+strings.ToUpper(strings.TrimSpace(to))+".")
}

// chartersAllowed says whether the airline allows charters.
func chartersAllowed(ctx context.Context, rm reads.Querier, airlineID string) (bool, error) {
	rules, err := reads.PirepSettings{Q: rm}.PirepRules(ctx, airlineID)
	return rules.AllowCharters, err
}
