package handlers

import (
	"context"
	"fmt"
	"log/slog"
	"net/http"
	"strconv"
	"strings"

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
	bids     BidRuleCommands
	rm       reads.Querier
	sessions *scs.SessionManager
	readYourWrites
	log *slog.Logger
}

func pirepSettingsURL(airlineID string) string { return "/airlines/" + airlineID + "/settings/pireps" }

// settingsPage is the settings page with the airline's PIREP rules and
// bid settings as they are.
func (h *pirepSettingsHandlers) settingsPage(c echo.Context) (views.PirepSettingsPage, error) {
	tabs, _, err := airlineTabs(c, h.rm, "settings")
	if err != nil {
		return views.PirepSettingsPage{}, err
	}
	ctx := c.Request().Context()
	rules, err := reads.PirepSettings{Q: h.rm}.PirepRules(ctx, tabs.ID)
	if err != nil {
		return views.PirepSettingsPage{}, err
	}
	bidRules, err := h.rm.BidRules(ctx, tabs.ID)
	if err != nil {
		return views.PirepSettingsPage{}, err
	}
	p := views.PirepSettingsPage{Page: page(c, tabs.Name+" · PIREP settings"), Tabs: tabs, Action: pirepSettingsURL(tabs.ID),
		AircraftAtDeparture: rules.AircraftAtDeparture, PilotAtDeparture: rules.PilotAtDeparture,
		PublicLiveMap: !rules.PublicLiveMapOff, Bids: bidSettings(tabs.ID, bidRules), AllowCharters: rules.AllowCharters,
		AllowJumpseats: rules.Jumpseats.Allowed, JumpseatHubsOnly: rules.Jumpseats.HubsOnly}
	if rules.Jumpseats.PerMonth > 0 {
		p.JumpseatsPerMonth = strconv.Itoa(int(rules.Jumpseats.PerMonth))
	}
	if rules.AbandonAfterMinutes > 0 {
		p.AbandonAfter = domain.FormatFlightTime(int64(rules.AbandonAfterMinutes))
	}
	return p, nil
}

// showPirepSettings is the form with the airline's rules as they are.
func (h *pirepSettingsHandlers) showPirepSettings(c echo.Context) error {
	p, err := h.settingsPage(c)
	if err != nil {
		return err
	}
	p.Notice = popFlash(c, h.sessions)
	c.Response().Header().Set("Cache-Control", "no-store")
	return render(c, http.StatusOK, views.PirepSettingsView(p), nil)
}

// savePirepSettings sets the rules the form's checkboxes say.
func (h *pirepSettingsHandlers) savePirepSettings(c echo.Context) error {
	airlineID := c.Param("id")
	rules := domain.PirepRules{AircraftAtDeparture: c.FormValue("aircraft_at_departure") != "",
		PilotAtDeparture: c.FormValue("pilot_at_departure") != "", PublicLiveMapOff: c.FormValue("public_live_map") == "",
		AllowCharters: c.FormValue("allow_charters") != "",
		Jumpseats:     domain.JumpseatRules{Allowed: c.FormValue("allow_jumpseats") != "", HubsOnly: c.FormValue("jumpseat_hubs_only") != ""}}
	typed := c.FormValue("abandon_after")
	perMonth := strings.TrimSpace(c.FormValue("jumpseats_per_month"))
	var err error
	if perMonth != "" {
		n, perr := strconv.Atoi(perMonth)
		if perr != nil || n < 1 || n > domain.MaxJumpseatsPerMonth {
			err = domain.FieldError(domain.EInvalid, "jumpseats_per_month",
				fmt.Sprintf("Enter from 1 to %d jumpseats a month, or leave it empty for no limit.", domain.MaxJumpseatsPerMonth))
		}
		rules.Jumpseats.PerMonth = int32(n)
	}
	if typed != "" && err == nil {
		var mins int64
		if mins, err = domain.ParseFlightTime(typed); err == nil {
			rules.AbandonAfterMinutes = int32(mins)
		} else {
			err = domain.FieldError(domain.EInvalid, "abandon_after", "Enter hours and minutes, for example 2:00 or 4:30.")
		}
	}
	var res domain.AppendResult
	if err == nil {
		res, err = h.cmds.SetPirepRules(c.Request().Context(), commandMeta(c, ""), airlineID, rules)
	}
	if fields := domain.ErrorFields(err); len(fields) > 0 {
		// The form again with what was typed, the message beside the field.
		p, perr := h.settingsPage(c)
		if perr != nil {
			return perr
		}
		p.AircraftAtDeparture, p.PilotAtDeparture, p.AbandonAfter, p.Errors = rules.AircraftAtDeparture, rules.PilotAtDeparture, typed, fields
		p.PublicLiveMap = !rules.PublicLiveMapOff
		p.AllowCharters, p.AllowJumpseats, p.JumpseatHubsOnly = rules.AllowCharters, rules.Jumpseats.Allowed, rules.Jumpseats.HubsOnly
		p.JumpseatsPerMonth = perMonth
		c.Response().Header().Set("Cache-Control", "no-store")
		return render(c, http.StatusUnprocessableEntity, views.PirepSettingsView(p), nil)
	}
	if err != nil {
		return err
	}
	return h.finish(c, h.sessions, res, pirepSettingsURL(airlineID), "The PIREP rules are saved.")
}
