package handlers

import (
	"context"
	"log/slog"
	"net/http"

	"github.com/alexedwards/scs/v2"
	"github.com/labstack/echo/v4"

	"github.com/albatross-va/albatross/domain"
	"github.com/albatross-va/albatross/store/reads"
	"github.com/albatross-va/albatross/views"
)

// PirepRuleCommands sets an airline's optional PIREP filing rules
// (domain.Airlines).
type PirepRuleCommands interface {
	SetPirepRules(ctx context.Context, meta domain.CommandMeta, airlineID string, r domain.PirepRules) (domain.AppendResult, error)
}

// pirepSettingsHandlers are an airline's PIREP settings page.
type pirepSettingsHandlers struct {
	cmds     PirepRuleCommands
	rm       reads.Querier
	sessions *scs.SessionManager
	readYourWrites
	log *slog.Logger
}

func pirepSettingsURL(airlineID string) string { return "/airlines/" + airlineID + "/settings/pireps" }

// showPirepSettings is the form with the airline's rules as they are.
func (h *pirepSettingsHandlers) showPirepSettings(c echo.Context) error {
	tabs, _, err := airlineTabs(c, h.rm, "settings")
	if err != nil {
		return err
	}
	ctx := c.Request().Context()
	rules, err := reads.PirepSettings{Q: h.rm}.PirepRules(ctx, tabs.ID)
	if err != nil {
		return err
	}
	p := views.PirepSettingsPage{Page: page(c, tabs.Name+" · PIREP settings"), Tabs: tabs, Action: pirepSettingsURL(tabs.ID),
		AircraftAtDeparture: rules.AircraftAtDeparture, PilotAtDeparture: rules.PilotAtDeparture,
		Notice: popFlash(c, h.sessions)}
	c.Response().Header().Set("Cache-Control", "no-store")
	return render(c, http.StatusOK, views.PirepSettingsView(p), nil)
}

// savePirepSettings sets the rules the form's checkboxes say.
func (h *pirepSettingsHandlers) savePirepSettings(c echo.Context) error {
	airlineID := c.Param("id")
	rules := domain.PirepRules{AircraftAtDeparture: c.FormValue("aircraft_at_departure") != "",
		PilotAtDeparture: c.FormValue("pilot_at_departure") != ""}
	res, err := h.cmds.SetPirepRules(c.Request().Context(), commandMeta(c, ""), airlineID, rules)
	if err != nil {
		return err
	}
	return h.finish(c, h.sessions, res, pirepSettingsURL(airlineID), "The PIREP rules are saved.")
}
