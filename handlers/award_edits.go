package handlers

import (
	"bytes"
	"errors"
	"io"
	"net/http"
	"strconv"
	"strings"

	"github.com/google/uuid"
	"github.com/labstack/echo/v4"

	"github.com/albatross-va/albatross/domain"
	"github.com/albatross-va/albatross/store/readmodel"
	"github.com/albatross-va/albatross/views"
)

// readAwardImage reads the form's image up to the limit (the route's body
// limit bounds the whole request); nil when none was chosen. A file too
// large or unreadable is a message on the field.
func readAwardImage(c echo.Context, parse formErrors) ([]byte, error) {
	fh, err := c.FormFile("image")
	switch {
	case errors.Is(err, http.ErrMissingFile), errors.Is(err, http.ErrNotMultipart):
		return nil, nil
	case err != nil:
		parse["image"] = "The image could not be read. Upload a PNG, JPEG or SVG file."
		return nil, nil
	case fh.Size > domain.AwardImageMax:
		parse["image"] = "The image is larger than 256 KB."
		return nil, nil
	}
	file, err := fh.Open()
	if err != nil {
		return nil, err
	}
	defer file.Close()
	var buf bytes.Buffer
	if _, err := io.Copy(&buf, io.LimitReader(file, domain.AwardImageMax+1)); err != nil {
		return nil, err
	}
	return buf.Bytes(), nil
}

// findAward reads an award of the airline in the URL; another airline's,
// a deleted one and a made-up id are not found.
func (h *awardHandlers) findAward(c echo.Context, airlineID string) (readmodel.ListAwardsRow, error) {
	id, err := uuid.Parse(c.Param("award"))
	if err == nil {
		rows, err := h.rm.ListAwards(c.Request().Context(), airlineID)
		if err != nil {
			return readmodel.ListAwardsRow{}, err
		}
		for _, r := range rows {
			if r.ID == id {
				return r, nil
			}
		}
	}
	return readmodel.ListAwardsRow{}, domain.Errorf(domain.ENotFound, "There is no such award in this airline.")
}

// showAward is one award's page for staff.
func (h *awardHandlers) showAward(c echo.Context) error {
	return h.renderAward(c, http.StatusOK, nil, nil)
}

func (h *awardHandlers) renderAward(c echo.Context, status int, edit *views.AwardEditForm, revoke *views.AwardRevokeForm) error {
	tabs, _, err := airlineTabs(c, h.rm, "awards")
	if err != nil {
		return err
	}
	a, err := h.findAward(c, tabs.ID)
	if err != nil {
		return err
	}
	url := awardsURL(tabs.ID) + "/" + a.ID.String()
	p := views.AwardPage{Page: page(c, tabs.Name+" · "+a.Name), Tabs: tabs, Notice: popFlash(c, h.sessions), Name: a.Name,
		BackURL: awardsURL(tabs.ID), DeleteAction: url + "/delete", DeleteCmdID: domain.NewUUID()}
	if edit == nil {
		edit = &views.AwardEditForm{AwardForm: views.AwardForm{Name: a.Name, Description: a.Description, Rule: a.RuleKind,
			Code: a.RuleCode, Code2: a.RuleCode2}}
		switch a.RuleKind {
		case domain.AwardRuleTour: // the tour's id is the rule's code, chosen from the list
			edit.Tour, edit.Code = a.RuleCode, ""
		case domain.AwardRuleEvent:
			edit.Event, edit.Code = a.RuleCode, ""
		case domain.AwardRuleHours:
			edit.Number = domain.FormatHours(a.RuleNumber)
		case domain.AwardRuleFlights, domain.AwardRuleLandingRate, domain.AwardRuleYears:
			edit.Number = strconv.FormatInt(a.RuleNumber, 10)
		}
	}
	if revoke == nil {
		revoke = &views.AwardRevokeForm{}
	}
	if err := h.ruleChoices(c.Request().Context(), tabs.ID, &edit.AwardForm); err != nil {
		return err
	}
	if a.ImageType != "" {
		edit.ImageURL = awardImageURL(tabs.ID, a.ID.String())
	}
	edit.CSRFToken, edit.Action = p.CSRFToken, url
	revoke.CSRFToken, revoke.Action = p.CSRFToken, url+"/revoke"
	for _, id := range []*string{&edit.CommandID, &revoke.CommandID} {
		if *id == "" {
			*id = domain.NewUUID()
		}
	}
	p.Edit, p.Revoke = *edit, *revoke
	c.Response().Header().Set("Cache-Control", "no-store")
	return render(c, status, views.AwardView(p), nil)
}

// editAward changes an award from the multipart form.
func (h *awardHandlers) editAward(c echo.Context) error {
	airlineID := c.Param("id")
	a, err := h.findAward(c, airlineID)
	if err != nil {
		return err
	}
	var f views.AwardEditForm
	readForm(c, &f.AwardForm)
	readForm(c, &f)
	d := domain.AwardForm{Name: f.Name, Description: f.Description, Rule: f.Rule, Number: f.Number, Code: f.Code, Code2: f.Code2,
		Tour: f.Tour, Event: f.Event}
	parse := formErrors{}
	if d.Image, err = readAwardImage(c, parse); err != nil {
		return err
	}
	var res domain.AppendResult
	if len(parse) == 0 {
		res, err = h.cmds.Edit(c.Request().Context(), commandMeta(c, f.CommandID), airlineID, a.ID.String(), d, f.RemoveImage)
	}
	if status, ok := formFailed(parse, err, formSlots{Errors: &f.Errors}); ok {
		return h.renderAward(c, status, &f, nil)
	}
	if err != nil {
		return err
	}
	requestLogger(c, h.log).Info("award edited", "airline", airlineID, "award", a.ID)
	return h.finish(c, h.sessions, res, awardsURL(airlineID)+"/"+a.ID.String(), "Saved the award “"+d.Name+"”.")
}

// deleteAward deletes an award; its grants show no more.
func (h *awardHandlers) deleteAward(c echo.Context) error {
	airlineID := c.Param("id")
	a, err := h.findAward(c, airlineID)
	if err != nil {
		return err
	}
	res, err := h.cmds.Delete(c.Request().Context(), commandMeta(c, c.FormValue("command_id")), airlineID, a.ID.String())
	if err != nil {
		return err
	}
	requestLogger(c, h.log).Info("award deleted", "airline", airlineID, "award", a.ID)
	return h.finish(c, h.sessions, res, awardsURL(airlineID), "Deleted the award “"+a.Name+"”.")
}

// revokeAward takes an award back from a pilot of the airline, with a
// reason that goes into the pilot's history.
func (h *awardHandlers) revokeAward(c echo.Context) error {
	airlineID := c.Param("id")
	a, err := h.findAward(c, airlineID)
	if err != nil {
		return err
	}
	var f views.AwardRevokeForm
	readForm(c, &f)
	ctx := c.Request().Context()
	parse := formErrors{}
	userID := ""
	if typed := strings.TrimSpace(f.Pilot); typed == "" {
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
		} else if held, err := h.rm.ListPilotAwards(ctx, readmodel.ListPilotAwardsParams{TenantID: airlineID, UserID: uuid.MustParse(userID)}); err != nil {
			return err
		} else if !holds(held, a.ID) {
			parse["pilot"] = strings.ToUpper(typed) + " does not hold this award."
		}
	}
	var res domain.AppendResult
	if len(parse) == 0 {
		res, err = h.cmds.RevokeByHand(ctx, commandMeta(c, f.CommandID), airlineID, userID, a.ID.String(), f.Reason)
	} else if strings.TrimSpace(f.Reason) == "" {
		parse["reason"] = "Give the pilot a reason."
	}
	if status, ok := formFailed(parse, err, formSlots{Errors: &f.Errors}); ok {
		return h.renderAward(c, status, nil, &f)
	}
	if err != nil {
		return err
	}
	requestLogger(c, h.log).Info("award revoked by hand", "airline", airlineID, "award", a.ID, "user", userID)
	return h.finish(c, h.sessions, res, awardsURL(airlineID)+"/"+a.ID.String(), "Took the award back from "+strings.ToUpper(strings.TrimSpace(f.Pilot))+".")
}

func holds(held []readmodel.PilotAward, award uuid.UUID) bool {
	for _, h := range held {
		if h.AwardID == award {
			return true
		}
	}
	return false
}
