package handlers

import (
	"context"
	"log/slog"
	"net/http"
	"strings"

	"github.com/alexedwards/scs/v2"
	"github.com/google/uuid"
	"github.com/labstack/echo/v4"

	"github.com/albatross-va/albatross/domain"
	"github.com/albatross-va/albatross/store/readmodel"
	"github.com/albatross-va/albatross/store/reads"
	"github.com/albatross-va/albatross/views"
)

// AwardCommands runs the commands on an airline's awards (domain.Awards).
type AwardCommands interface {
	Define(ctx context.Context, meta domain.CommandMeta, airlineID string, f domain.AwardForm) (string, domain.AppendResult, error)
	GrantByHand(ctx context.Context, meta domain.CommandMeta, airlineID, userID, awardID, reason string) (domain.AppendResult, error)
	RevokeByHand(ctx context.Context, meta domain.CommandMeta, airlineID, userID, awardID, reason string) (domain.AppendResult, error)
	Edit(ctx context.Context, meta domain.CommandMeta, airlineID, awardID string, f domain.AwardForm, removeImage bool) (domain.AppendResult, error)
	Delete(ctx context.Context, meta domain.CommandMeta, airlineID, awardID string) (domain.AppendResult, error)
}

// awardHandlers are the staff's awards page (the list, the form that
// defines one, the form that grants one by hand) and the award images.
type awardHandlers struct {
	cmds     AwardCommands
	rm       reads.Querier
	sessions *scs.SessionManager
	readYourWrites
	log *slog.Logger
}

// maxAwardBody is what the award form takes: the image at its limit and
// the multipart envelope around it and the text fields.
const maxAwardBody = domain.AwardImageMax + 64<<10

func awardsURL(airlineID string) string { return "/airlines/" + airlineID + "/awards" }

// awardImageURL is where an award's image is served.
func awardImageURL(airlineID, awardID string) string {
	return awardsURL(airlineID) + "/" + awardID + "/image"
}

// awardBadgeOf is an award as the pages show it.
func awardBadgeOf(a readmodel.ListAwardsRow) views.AwardBadge {
	rule := domain.AwardRule{Kind: a.RuleKind, Number: a.RuleNumber, Code: a.RuleCode, Code2: a.RuleCode2}
	b := views.AwardBadge{ID: a.ID.String(), Name: a.Name, Description: a.Description, Rule: rule.Describe()}
	if a.ImageType != "" {
		b.ImageURL = awardImageURL(a.TenantID, b.ID)
	}
	return b
}

// pilotAwardBadges are the awards a pilot holds, as their dashboard shows
// them: the award as defined now, granted when and why.
func pilotAwardBadges(ctx context.Context, rm reads.Querier, airlineID string, pilot uuid.UUID) ([]views.AwardBadge, error) {
	held, err := rm.ListPilotAwards(ctx, readmodel.ListPilotAwardsParams{TenantID: airlineID, UserID: pilot})
	if err != nil || len(held) == 0 {
		return nil, err
	}
	defs, err := rm.ListAwards(ctx, airlineID)
	if err != nil {
		return nil, err
	}
	byID := map[uuid.UUID]readmodel.ListAwardsRow{}
	for _, d := range defs {
		byID[d.ID] = d
	}
	out := make([]views.AwardBadge, 0, len(held))
	for _, h := range held {
		d, ok := byID[h.AwardID]
		if !ok {
			continue // a deleted award's grants show no more
		}
		b := awardBadgeOf(d)
		b.Granted, b.ByHand, b.Reason = h.GrantedAt.UTC().Format("2 Jan 2006"), h.ByHand, h.Reason
		out = append(out, b)
	}
	return out, nil
}

// listAwards is the staff's awards page.
func (h *awardHandlers) listAwards(c echo.Context) error {
	return h.renderAwards(c, http.StatusOK, views.AwardForm{}, views.AwardGrantForm{})
}

func (h *awardHandlers) renderAwards(c echo.Context, status int, f views.AwardForm, g views.AwardGrantForm) error {
	tabs, _, err := airlineTabs(c, h.rm, "awards")
	if err != nil {
		return err
	}
	rows, err := h.rm.ListAwards(c.Request().Context(), tabs.ID)
	if err != nil {
		return err
	}
	p := views.AwardsPage{Page: page(c, tabs.Name+" · Awards"), Tabs: tabs, Notice: popFlash(c, h.sessions)}
	for _, r := range rows {
		b := awardBadgeOf(r)
		b.EditURL = awardsURL(tabs.ID) + "/" + b.ID
		p.Awards = append(p.Awards, b)
		g.Awards = append(g.Awards, [2]string{r.ID.String(), r.Name})
	}
	if err := h.ruleChoices(c.Request().Context(), tabs.ID, &f); err != nil {
		return err
	}
	f.CSRFToken, f.Action = p.CSRFToken, awardsURL(tabs.ID)
	g.CSRFToken, g.Action = p.CSRFToken, awardsURL(tabs.ID)+"/grant"
	for _, id := range []*string{&f.CommandID, &g.CommandID} {
		if *id == "" {
			*id = domain.NewUUID()
		}
	}
	p.Form, p.Grant = f, g
	c.Response().Header().Set("Cache-Control", "no-store")
	return render(c, status, views.AwardsView(p), nil)
}

// defineAward defines an award from the multipart form, its image read
// up to the limit (the route's body limit bounds the whole request).
func (h *awardHandlers) defineAward(c echo.Context) error {
	var f views.AwardForm
	readForm(c, &f)
	d := domain.AwardForm{Name: f.Name, Description: f.Description, Rule: f.Rule, Number: f.Number, Code: f.Code, Code2: f.Code2, Tour: f.Tour, Event: f.Event}
	parse := formErrors{}
	var err error
	if d.Image, err = readAwardImage(c, parse); err != nil {
		return err
	}
	airlineID := c.Param("id")
	var id string
	var res domain.AppendResult
	if len(parse) == 0 {
		id, res, err = h.cmds.Define(c.Request().Context(), commandMeta(c, f.CommandID), airlineID, d)
	}
	if status, ok := formFailed(parse, err, formSlots{Errors: &f.Errors}); ok {
		return h.renderAwards(c, status, f, views.AwardGrantForm{})
	}
	if err != nil {
		return err
	}
	requestLogger(c, h.log).Info("award defined", "airline", airlineID, "award", id)
	return h.finish(c, h.sessions, res, awardsURL(airlineID), "Defined the award “"+d.Name+"”.")
}

// grantAward gives an award to a pilot of the airline by hand.
func (h *awardHandlers) grantAward(c echo.Context) error {
	var g views.AwardGrantForm
	readForm(c, &g)
	airlineID := c.Param("id")
	ctx := c.Request().Context()
	parse := formErrors{}
	userID := ""
	if typed := strings.TrimSpace(g.Pilot); typed == "" {
		parse["pilot"] = "Enter the pilot's id, for example ALB0042."
	} else {
		members, err := h.rm.Members(ctx, airlineID)
		if err != nil {
			return err
		}
		for _, m := range members {
			if m.PilotID != "" && strings.EqualFold(m.PilotID, typed) {
				userID = m.ID
			}
		}
		if userID == "" {
			parse["pilot"] = "The airline has no pilot " + typed + "."
		}
	}
	var res domain.AppendResult
	var err error
	if len(parse) == 0 {
		res, err = h.cmds.GrantByHand(ctx, commandMeta(c, g.CommandID), airlineID, userID, g.Award, g.Reason)
	}
	if status, ok := formFailed(parse, err, formSlots{Errors: &g.Errors}); ok {
		return h.renderAwards(c, status, views.AwardForm{}, g)
	}
	if err != nil {
		return err
	}
	requestLogger(c, h.log).Info("award granted by hand", "airline", airlineID, "award", g.Award, "user", userID)
	return h.finish(c, h.sessions, res, awardsURL(airlineID), "Granted the award to "+strings.ToUpper(strings.TrimSpace(g.Pilot))+".")
}

// showAwardImage serves an award's image as stored, typed by what the
// upload was found to be. An SVG gets a policy that lets it run nothing
// and fetch nothing, opened on its own or not.
func (h *awardHandlers) showAwardImage(c echo.Context) error {
	id, err := uuid.Parse(c.Param("award"))
	if err != nil {
		return domain.Errorf(domain.ENotFound, "There is no such award in this airline.")
	}
	img, err := h.rm.GetAwardImage(c.Request().Context(), readmodel.GetAwardImageParams{TenantID: c.Param("id"), ID: id})
	if err != nil {
		return err
	}
	switch img.ImageType {
	case domain.ImagePNG, domain.ImageJPEG, domain.ImageSVG:
	default:
		return domain.Errorf(domain.ENotFound, "The award has no image.")
	}
	hd := c.Response().Header()
	hd.Set("X-Content-Type-Options", "nosniff")
	hd.Set("Content-Security-Policy", "default-src 'none'; style-src 'unsafe-inline'; sandbox")
	hd.Set("Cache-Control", "no-store") // a private page's part, as every one is
	hd.Set("Content-Disposition", "inline")
	return c.Blob(http.StatusOK, img.ImageType, img.Image)
}

// ruleChoices fills the award form's choices: the rules, and the
// airline's tours and (not cancelled) events a rule may name.
func (h *awardHandlers) ruleChoices(ctx context.Context, airlineID string, f *views.AwardForm) error {
	for _, k := range domain.AwardRuleKinds {
		f.Rules = append(f.Rules, [2]string{k.Kind, k.Label})
	}
	tours, err := h.rm.ListTours(ctx, airlineID)
	if err != nil {
		return err
	}
	f.Tours = [][2]string{{"", "None"}}
	for _, t := range tours {
		f.Tours = append(f.Tours, [2]string{t.ID.String(), t.Name})
	}
	events, err := h.rm.ListAirlineEvents(ctx, airlineID)
	if err != nil {
		return err
	}
	f.Events = [][2]string{{"", "None"}}
	for _, e := range events {
		if !e.Cancelled {
			f.Events = append(f.Events, [2]string{e.ID.String(), e.Name + " (" + e.StartsAt.UTC().Format("2 Jan 2006") + ")"})
		}
	}
	return nil
}
