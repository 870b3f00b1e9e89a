package handlers

import (
	"context"
	"log/slog"
	"net/http"
	"strings"

	"github.com/alexedwards/scs/v2"
	"github.com/labstack/echo/v4"

	"github.com/albatross-va/albatross/domain"
	"github.com/albatross-va/albatross/store/reads"
	"github.com/albatross-va/albatross/views"
)

// RankCommands runs the commands on an airline's ranks and its pilots'
// ranks (domain.Ranks).
type RankCommands interface {
	Save(ctx context.Context, meta domain.CommandMeta, airlineID, rankID string, f domain.RankForm) (string, domain.AppendResult, error)
	SetByHand(ctx context.Context, meta domain.CommandMeta, airlineID, userID, rankID string) (domain.AppendResult, error)
}

// rankHandlers are the staff's rank pages and the setting of a pilot's
// rank by hand from the pilot's page.
type rankHandlers struct {
	cmds     RankCommands
	rm       reads.Querier
	people   *peopleHandlers // re-renders a person's page after a refused rank
	sessions *scs.SessionManager
	readYourWrites
	log *slog.Logger
}

func ranksURL(airlineID string) string { return "/airlines/" + airlineID + "/ranks" }

// listRanks is the airline's ranks with the add form.
func (h *rankHandlers) listRanks(c echo.Context) error {
	return h.renderRanks(c, http.StatusOK, views.RankForm{AutoPromote: true})
}

func (h *rankHandlers) renderRanks(c echo.Context, status int, f views.RankForm) error {
	tabs, _, err := airlineTabs(c, h.rm, "ranks")
	if err != nil {
		return err
	}
	ctx := c.Request().Context()
	list, err := h.rm.AirlineRanks(ctx, tabs.ID)
	if err != nil {
		return err
	}
	p := views.RanksPage{Page: page(c, tabs.Name+" · Ranks"), Tabs: tabs, Notice: popFlash(c, h.sessions)}
	for _, r := range list {
		p.Rows = append(p.Rows, views.RankRow{ID: r.ID, URL: ranksURL(tabs.ID) + "/" + r.ID, Name: r.Name,
			MinHours: domain.FormatFlightTime(int64(r.MinMinutes)), AutoPromote: r.AutoPromote, AutoAccept: r.AutoAccept,
			AutoAcceptACARS: r.AutoAcceptACARS})
	}
	f.CSRFToken, f.Action = p.CSRFToken, ranksURL(tabs.ID)
	if f.CommandID == "" {
		f.CommandID = domain.NewUUID()
	}
	p.Form = f
	c.Response().Header().Set("Cache-Control", "no-store")
	return render(c, status, views.RanksView(p), nil)
}

// rankForm reads the add or edit form.
func rankForm(c echo.Context) (views.RankForm, domain.RankForm) {
	var f views.RankForm
	readForm(c, &f)
	return f, domain.RankForm{Name: f.Name, MinHours: f.MinHours, AutoPromote: f.AutoPromote, AutoAccept: f.AutoAccept,
		AutoAcceptACARS: f.AutoAcceptACARS}
}

// createRank adds a rank from the form.
func (h *rankHandlers) createRank(c echo.Context) error {
	f, d := rankForm(c)
	airlineID := c.Param("id")
	_, res, err := h.cmds.Save(c.Request().Context(), commandMeta(c, f.CommandID), airlineID, "", d)
	if status, ok := formFailed(nil, err, formSlots{Errors: &f.Errors}); ok {
		return h.renderRanks(c, status, f)
	}
	if err != nil {
		return err
	}
	return h.finish(c, h.sessions, res, ranksURL(airlineID), "Added the rank "+strings.TrimSpace(d.Name)+".")
}

// loadRank finds the rank the route names among the airline's ranks.
func (h *rankHandlers) loadRank(c echo.Context) (views.AirlineTabs, reads.Rank, error) {
	tabs, _, err := airlineTabs(c, h.rm, "ranks")
	if err != nil {
		return tabs, reads.Rank{}, err
	}
	r, err := h.rm.FindRank(c.Request().Context(), tabs.ID, c.Param("rank"))
	return tabs, r, err
}

// showRank is a rank's edit form.
func (h *rankHandlers) showRank(c echo.Context) error {
	tabs, r, err := h.loadRank(c)
	if err != nil {
		return err
	}
	f := views.RankForm{Name: r.Name, MinHours: domain.FormatFlightTime(int64(r.MinMinutes)), AutoPromote: r.AutoPromote, AutoAccept: r.AutoAccept,
		AutoAcceptACARS: r.AutoAcceptACARS}
	return h.renderRank(c, http.StatusOK, tabs, r, f)
}

func (h *rankHandlers) renderRank(c echo.Context, status int, tabs views.AirlineTabs, r reads.Rank, f views.RankForm) error {
	p := views.RankPage{Page: page(c, tabs.Name+" · "+r.Name), Tabs: tabs}
	f.CSRFToken, f.Action, f.Edit = p.CSRFToken, ranksURL(tabs.ID)+"/"+r.ID, true
	if f.CommandID == "" {
		f.CommandID = domain.NewUUID()
	}
	p.Form = f
	return render(c, status, views.RankView(p), nil)
}

// saveRank changes a rank from its edit form.
func (h *rankHandlers) saveRank(c echo.Context) error {
	tabs, r, err := h.loadRank(c)
	if err != nil {
		return err
	}
	f, d := rankForm(c)
	_, res, err := h.cmds.Save(c.Request().Context(), commandMeta(c, f.CommandID), tabs.ID, r.ID, d)
	if status, ok := formFailed(nil, err, formSlots{Errors: &f.Errors}); ok {
		return h.renderRank(c, status, tabs, r, f)
	}
	if err != nil {
		return err
	}
	return h.finish(c, h.sessions, res, ranksURL(tabs.ID), "Saved the rank "+strings.TrimSpace(d.Name)+".")
}

// setPilotRank gives a person a rank by hand, from their page.
func (h *rankHandlers) setPilotRank(c echo.Context) error {
	_, u, err := h.people.person(c)
	if err != nil {
		return err
	}
	if !admitted(u) {
		return domain.Errorf(domain.EConflict, "%s is not a member the airline admitted, so they cannot hold a rank.", u.Name)
	}
	rankID := c.FormValue("rank_id")
	res, err := h.cmds.SetByHand(c.Request().Context(), commandMeta(c, ""), c.Param("id"), u.ID, rankID)
	var fields map[string]string
	if status, ok := formFailed(nil, err, formSlots{Errors: &fields}); ok {
		return h.people.renderPerson(c, status, nil, "", fields)
	}
	if err != nil {
		return err
	}
	return h.finish(c, h.sessions, res, h.people.personURL(c), u.Name+"'s rank is set.")
}

// admitted says whether a person is one of the airline's members (active
// or suspended), not a registration pending or turned down.
func admitted(u reads.User) bool {
	return u.Status == domain.StatusActive || u.Status == domain.StatusSuspended
}

// personRank is a person's rank for their page, with the form that sets it
// when the viewer manages ranks; nil for a registration, pending or
// turned down.
func personRank(c echo.Context, rm reads.Querier, airlineID string, u reads.User, chosen string) (*views.PersonRank, error) {
	if !admitted(u) {
		return nil, nil
	}
	ctx := c.Request().Context()
	ranks, err := rm.AirlineRanks(ctx, airlineID)
	if err != nil {
		return nil, err
	}
	r := &views.PersonRank{CanSet: len(ranks) > 0 && domain.Authorize(currentActor(c), domain.ManageRanks, airlineID) == nil,
		Action: "/airlines/" + airlineID + "/people/" + u.ID + "/rank"}
	pr, err := rm.FindPilotRank(ctx, airlineID, u.ID)
	if err != nil {
		return nil, err
	}
	r.Name, r.ByHand, r.Chosen = ranks.Name(pr.RankID), pr.ByHand, pr.RankID
	if chosen != "" {
		r.Chosen = chosen
	}
	r.Options = [][2]string{{"", "Choose a rank"}}
	for _, k := range ranks {
		r.Options = append(r.Options, [2]string{k.ID, k.Name + " (" + formatHours(int64(k.MinMinutes)) + " h)"})
	}
	return r, nil
}
