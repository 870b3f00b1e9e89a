package handlers

import (
	"context"
	"log/slog"
	"net/http"
	"slices"
	"strings"

	"github.com/alexedwards/scs/v2"
	"github.com/labstack/echo/v4"
	"google.golang.org/protobuf/proto"

	"github.com/albatross-va/albatross/domain"
	eventsv1 "github.com/albatross-va/albatross/domain/events/v1"
	"github.com/albatross-va/albatross/store/reads"
	"github.com/albatross-va/albatross/views"
)

// TypeRatingCommands runs the commands on type ratings, pilots' ratings
// and ranks' allowances (domain.TypeRatings).
type TypeRatingCommands interface {
	Save(ctx context.Context, meta domain.CommandMeta, airlineID, ratingID string, f domain.TypeRatingForm) (string, domain.AppendResult, error)
	Grant(ctx context.Context, meta domain.CommandMeta, airlineID, userID, ratingID, reason string) (domain.AppendResult, error)
	Revoke(ctx context.Context, meta domain.CommandMeta, airlineID, userID, ratingID, reason string) (domain.AppendResult, error)
	SetRankAllowance(ctx context.Context, meta domain.CommandMeta, airlineID string, a domain.RankAllowance) (domain.AppendResult, error)
	SetTransferHours(ctx context.Context, meta domain.CommandMeta, airlineID, userID, hours, reason string) (domain.AppendResult, error)
}

// FlyingRuleCommands sets an airline's rules of who may fly what
// (domain.Airlines).
type FlyingRuleCommands interface {
	SetFlyingRules(ctx context.Context, meta domain.CommandMeta, airlineID string, r domain.FlyingRules) (domain.AppendResult, error)
}

// typeRatingHandlers are the staff's type rating pages, the airline's
// flying rules, the ranks' allowances and the grants on a pilot's page.
type typeRatingHandlers struct {
	cmds     TypeRatingCommands
	rules    FlyingRuleCommands
	rm       reads.Querier
	people   *peopleHandlers // re-renders a person's page after a refused grant
	sessions *scs.SessionManager
	readYourWrites
	log *slog.Logger
}

func typeRatingsURL(airlineID string) string { return "/airlines/" + airlineID + "/type-ratings" }

// formList is the values of a repeated form field (checkboxes).
func formList(c echo.Context, name string) []string {
	params, err := c.FormParams()
	if err != nil {
		return nil
	}
	return params[name]
}

// subfleetChoices are the airline's subfleets as checkboxes, ticked.
func subfleetChoices(list []reads.Subfleet, ticked []string) []views.Choice {
	out := make([]views.Choice, 0, len(list))
	for _, s := range list {
		out = append(out, views.Choice{Value: s.ID, Label: s.Name + " (" + s.ICAO + ")", Checked: slices.Contains(ticked, s.ID)})
	}
	return out
}

// subfleetNames are the names of the listed subfleets that still exist.
func subfleetNames(list []reads.Subfleet, ids []string) string {
	var names []string
	for _, s := range list {
		if slices.Contains(ids, s.ID) {
			names = append(names, s.Name)
		}
	}
	if len(names) == 0 {
		return "None"
	}
	return strings.Join(names, ", ")
}

// listTypeRatings is the airline's type ratings, rules and ranks' allowances.
func (h *typeRatingHandlers) listTypeRatings(c echo.Context) error {
	return h.renderTypeRatings(c, http.StatusOK, views.TypeRatingForm{}, nil, "", nil)
}

// renderTypeRatings renders the page with the add form f and, for a
// refused rank form, that rank's ticks and messages.
func (h *typeRatingHandlers) renderTypeRatings(c echo.Context, status int, f views.TypeRatingForm, ticked []string, rankID string, rankErrs map[string]string) error {
	tabs, _, err := airlineTabs(c, h.rm, "ranks")
	if err != nil {
		return err
	}
	ctx := c.Request().Context()
	ratings, err := h.rm.TypeRatings(ctx, tabs.ID)
	if err != nil {
		return err
	}
	subfleets, err := h.rm.Subfleets(ctx, tabs.ID)
	if err != nil {
		return err
	}
	rules, err := h.rm.FlyingRules(ctx, tabs.ID)
	if err != nil {
		return err
	}
	ranks, err := h.rm.AirlineRanks(ctx, tabs.ID)
	if err != nil {
		return err
	}
	allowances, err := h.rm.RankAllowances(ctx, tabs.ID)
	if err != nil {
		return err
	}
	p := views.TypeRatingsPage{Page: page(c, tabs.Name+" · Type ratings"), Tabs: tabs, Notice: popFlash(c, h.sessions),
		Rules: views.FlyingRulesForm{Action: typeRatingsURL(tabs.ID) + "/rules", RestrictToRank: rules.RestrictToRank,
			RestrictToTypeRating: rules.RestrictToTypeRating, CountTransferHours: rules.CountTransferHours}}
	for _, r := range ratings {
		p.Rows = append(p.Rows, views.TypeRatingRow{ID: r.ID, URL: typeRatingsURL(tabs.ID) + "/" + r.ID, Name: r.Name, Code: r.Code,
			Subfleets: subfleetNames(subfleets, r.SubfleetIDs)})
	}
	for _, k := range ranks {
		a := allowances[k.ID]
		form := views.RankAllowanceForm{RankID: k.ID, RankName: k.Name, Action: typeRatingsURL(tabs.ID) + "/ranks/" + k.ID}
		sfTicked, rtTicked := a.SubfleetIDs, a.RatingIDs
		if k.ID == rankID {
			sfTicked, rtTicked, form.Errors = formList(c, "subfleet_ids"), formList(c, "rating_ids"), rankErrs
		}
		form.Subfleets = subfleetChoices(subfleets, sfTicked)
		for _, r := range ratings {
			form.Ratings = append(form.Ratings, views.Choice{Value: r.ID, Label: r.Code + " · " + r.Name, Checked: slices.Contains(rtTicked, r.ID)})
		}
		p.Ranks = append(p.Ranks, form)
	}
	f.CSRFToken, f.Action, f.Subfleets = p.CSRFToken, typeRatingsURL(tabs.ID), subfleetChoices(subfleets, ticked)
	if f.CommandID == "" {
		f.CommandID = domain.NewUUID()
	}
	p.Form = f
	c.Response().Header().Set("Cache-Control", "no-store")
	return render(c, status, views.TypeRatingsView(p), nil)
}

// typeRatingForm reads the add or edit form.
func typeRatingForm(c echo.Context) (views.TypeRatingForm, domain.TypeRatingForm, []string) {
	var f views.TypeRatingForm
	readForm(c, &f)
	ticked := formList(c, "subfleet_ids")
	return f, domain.TypeRatingForm{Name: f.Name, Code: f.Code, SubfleetIDs: slices.Clone(ticked)}, ticked
}

// createTypeRating adds a type rating from the form.
func (h *typeRatingHandlers) createTypeRating(c echo.Context) error {
	f, d, ticked := typeRatingForm(c)
	airlineID := c.Param("id")
	_, res, err := h.cmds.Save(c.Request().Context(), commandMeta(c, f.CommandID), airlineID, "", d)
	if status, ok := formFailed(nil, err, formSlots{Errors: &f.Errors, CommandID: &f.CommandID}); ok {
		return h.renderTypeRatings(c, status, f, ticked, "", nil)
	}
	if err != nil {
		return err
	}
	return h.finish(c, h.sessions, res, typeRatingsURL(airlineID), "Added the type rating "+strings.ToUpper(strings.TrimSpace(d.Code))+".")
}

// loadTypeRating finds the type rating the route names in the airline.
func (h *typeRatingHandlers) loadTypeRating(c echo.Context) (views.AirlineTabs, reads.TypeRating, []reads.Subfleet, error) {
	tabs, _, err := airlineTabs(c, h.rm, "ranks")
	if err != nil {
		return tabs, reads.TypeRating{}, nil, err
	}
	ctx := c.Request().Context()
	ratings, err := h.rm.TypeRatings(ctx, tabs.ID)
	if err != nil {
		return tabs, reads.TypeRating{}, nil, err
	}
	i := slices.IndexFunc(ratings, func(r reads.TypeRating) bool { return r.ID == c.Param("rating") })
	if i < 0 {
		return tabs, reads.TypeRating{}, nil, domain.Errorf(domain.ENotFound, "There is no such type rating in this airline.")
	}
	subfleets, err := h.rm.Subfleets(ctx, tabs.ID)
	return tabs, ratings[i], subfleets, err
}

// showTypeRating is a type rating's edit form.
func (h *typeRatingHandlers) showTypeRating(c echo.Context) error {
	tabs, r, subfleets, err := h.loadTypeRating(c)
	if err != nil {
		return err
	}
	return h.renderTypeRating(c, http.StatusOK, tabs, r, views.TypeRatingForm{Name: r.Name, Code: r.Code}, subfleets, r.SubfleetIDs)
}

func (h *typeRatingHandlers) renderTypeRating(c echo.Context, status int, tabs views.AirlineTabs, r reads.TypeRating, f views.TypeRatingForm,
	subfleets []reads.Subfleet, ticked []string) error {
	p := views.TypeRatingPage{Page: page(c, tabs.Name+" · "+r.Code), Tabs: tabs}
	f.CSRFToken, f.Action, f.Subfleets = p.CSRFToken, typeRatingsURL(tabs.ID)+"/"+r.ID, subfleetChoices(subfleets, ticked)
	if f.CommandID == "" {
		f.CommandID = domain.NewUUID()
	}
	p.Form = f
	c.Response().Header().Set("Cache-Control", "no-store")
	return render(c, status, views.TypeRatingView(p), nil)
}

// saveTypeRating changes a type rating from its edit form.
func (h *typeRatingHandlers) saveTypeRating(c echo.Context) error {
	tabs, r, subfleets, err := h.loadTypeRating(c)
	if err != nil {
		return err
	}
	f, d, ticked := typeRatingForm(c)
	_, res, err := h.cmds.Save(c.Request().Context(), commandMeta(c, f.CommandID), tabs.ID, r.ID, d)
	if status, ok := formFailed(nil, err, formSlots{Errors: &f.Errors, CommandID: &f.CommandID}); ok {
		return h.renderTypeRating(c, status, tabs, r, f, subfleets, ticked)
	}
	if err != nil {
		return err
	}
	return h.finish(c, h.sessions, res, typeRatingsURL(tabs.ID), "Saved the type rating "+strings.ToUpper(strings.TrimSpace(d.Code))+".")
}

// saveFlyingRules sets the airline's restrictions the checkboxes say.
func (h *typeRatingHandlers) saveFlyingRules(c echo.Context) error {
	airlineID := c.Param("id")
	r := domain.FlyingRules{RestrictToRank: c.FormValue("restrict_to_rank") != "", RestrictToTypeRating: c.FormValue("restrict_to_type_rating") != "",
		CountTransferHours: c.FormValue("count_transfer_hours") != ""}
	res, err := h.rules.SetFlyingRules(c.Request().Context(), commandMeta(c, ""), airlineID, r)
	if err != nil {
		return err
	}
	return h.finish(c, h.sessions, res, typeRatingsURL(airlineID), "The rules of who may fly what are saved.")
}

// saveRankAllowance sets what a rank lets its pilots fly.
func (h *typeRatingHandlers) saveRankAllowance(c echo.Context) error {
	airlineID, rankID := c.Param("id"), c.Param("rank")
	a := domain.RankAllowance{RankID: rankID, SubfleetIDs: formList(c, "subfleet_ids"), RatingIDs: formList(c, "rating_ids")}
	res, err := h.cmds.SetRankAllowance(c.Request().Context(), commandMeta(c, ""), airlineID, a)
	var fields map[string]string
	if status, ok := formFailed(nil, err, formSlots{Errors: &fields}); ok {
		return h.renderTypeRatings(c, status, views.TypeRatingForm{}, nil, rankID, fields)
	}
	if err != nil {
		return err
	}
	return h.finish(c, h.sessions, res, typeRatingsURL(airlineID), "Saved what the rank gives.")
}

// changePilotRating grants (do=grant) or revokes (do=revoke) a type rating
// of a pilot, from their page.
func (h *typeRatingHandlers) changePilotRating(c echo.Context) error {
	_, u, err := h.people.person(c)
	if err != nil {
		return err
	}
	if !admitted(u) {
		return domain.Errorf(domain.EConflict, "%s is not a member the airline admitted, so they cannot hold a type rating.", u.Name)
	}
	ratingID, reason := c.FormValue("rating_id"), c.FormValue("reason")
	ctx, meta := c.Request().Context(), commandMeta(c, "")
	var res domain.AppendResult
	done := "granted"
	switch c.FormValue("do") {
	case "revoke":
		res, err = h.cmds.Revoke(ctx, meta, c.Param("id"), u.ID, ratingID, reason)
		done = "revoked"
	default:
		res, err = h.cmds.Grant(ctx, meta, c.Param("id"), u.ID, ratingID, reason)
	}
	var fields map[string]string
	if status, ok := formFailed(nil, err, formSlots{Errors: &fields}); ok {
		return h.people.renderPerson(c, status, nil, "", fields)
	}
	if err != nil {
		return err
	}
	return h.finish(c, h.sessions, res, h.people.personURL(c), "The type rating is "+done+".")
}

// setTransferHours sets the hours a pilot brought from another airline,
// from their page.
func (h *typeRatingHandlers) setTransferHours(c echo.Context) error {
	_, u, err := h.people.person(c)
	if err != nil {
		return err
	}
	if !admitted(u) {
		return domain.Errorf(domain.EConflict, "%s is not a member the airline admitted, so they cannot hold transfer hours.", u.Name)
	}
	res, err := h.cmds.SetTransferHours(c.Request().Context(), commandMeta(c, ""), c.Param("id"), u.ID, c.FormValue("transfer_hours"), c.FormValue("transfer_reason"))
	var fields map[string]string
	if status, ok := formFailed(nil, err, formSlots{Errors: &fields}); ok {
		return h.people.renderPerson(c, status, nil, "", fields)
	}
	if err != nil {
		return err
	}
	return h.finish(c, h.sessions, res, h.people.personURL(c), u.Name+"'s transfer hours are set.")
}

// personRatings are a person's type ratings for their page, with the grant
// form when the viewer manages ranks; nil for a registration.
func personRatings(c echo.Context, rm reads.Querier, airlineID string, u reads.User) (*views.PersonRatings, error) {
	if !admitted(u) {
		return nil, nil
	}
	ctx := c.Request().Context()
	ratings, err := rm.TypeRatings(ctx, airlineID)
	if err != nil {
		return nil, err
	}
	held, err := rm.PilotRatingIDs(ctx, airlineID, u.ID)
	if err != nil {
		return nil, err
	}
	r := &views.PersonRatings{CanSet: len(ratings) > 0 && domain.Authorize(currentActor(c), domain.ManageRanks, airlineID) == nil,
		Action: "/airlines/" + airlineID + "/people/" + u.ID + "/type-ratings", Chosen: c.FormValue("rating_id"), Reason: c.FormValue("reason")}
	transfer, err := rm.TransferMinutes(ctx, airlineID, u.ID)
	if err != nil {
		return nil, err
	}
	if transfer > 0 {
		r.Transfer = domain.FormatFlightTime(transfer)
	}
	r.CanSetTransfer = domain.Authorize(currentActor(c), domain.ManageRanks, airlineID) == nil
	r.TransferAction = "/airlines/" + airlineID + "/people/" + u.ID + "/transfer-hours"
	r.TransferTyped, r.TransferReason = r.Transfer, c.FormValue("transfer_reason")
	if c.Request().Method == http.MethodPost && strings.HasSuffix(c.Path(), "/transfer-hours") {
		r.TransferTyped = c.FormValue("transfer_hours")
	}
	r.Options = [][2]string{{"", "Choose a type rating"}}
	for _, t := range ratings {
		if slices.Contains(held, t.ID) {
			r.Held = append(r.Held, views.TypeRatingRow{ID: t.ID, Name: t.Name, Code: t.Code})
		}
		r.Options = append(r.Options, [2]string{t.ID, t.Code + " · " + t.Name})
	}
	return r, nil
}

// describeRatingEvent words a grant or revocation for a pilot's history;
// ok is false for any other event. names gives the ratings' codes, read
// once.
func describeRatingEvent(ctx context.Context, rm reads.Querier, airlineID string, msg proto.Message, codes *map[string]string) (string, bool, error) {
	var verb, ratingID, reason string
	switch e := msg.(type) {
	case *eventsv1.PilotTransferHoursSet:
		what := "Set the transfer hours to " + domain.FormatFlightTime(e.Minutes)
		if e.Minutes == 0 {
			what = "Took the transfer hours away"
		}
		if e.Reason != "" {
			what += ": " + e.Reason
		}
		return what, true, nil
	case *eventsv1.PilotTypeRatingGranted:
		verb, ratingID, reason = "Granted the type rating ", e.RatingId, e.Reason
	case *eventsv1.PilotTypeRatingRevoked:
		verb, ratingID, reason = "Revoked the type rating ", e.RatingId, e.Reason
	default:
		return "", false, nil
	}
	if *codes == nil {
		ratings, err := rm.TypeRatings(ctx, airlineID)
		if err != nil {
			return "", true, err
		}
		*codes = map[string]string{}
		for _, r := range ratings {
			(*codes)[r.ID] = r.Code
		}
	}
	what := verb + cmpOr((*codes)[ratingID], "(since deleted)")
	if reason != "" {
		what += ": " + reason
	}
	return what, true, nil
}

// cmpOr is s, or fallback when s is empty.
func cmpOr(s, fallback string) string {
	if s == "" {
		return fallback
	}
	return s
}
