package handlers

import (
	"context"
	"log/slog"
	"net/http"
	"slices"
	"strconv"
	"strings"
	"time"

	"github.com/alexedwards/scs/v2"
	"github.com/google/uuid"
	"github.com/labstack/echo/v4"

	"github.com/albatross-va/albatross/domain"
	"github.com/albatross-va/albatross/store/readmodel"
	"github.com/albatross-va/albatross/store/reads"
	"github.com/albatross-va/albatross/views"
)

// LeaveCommands runs the leave commands (domain.Leave).
type LeaveCommands interface {
	SetRules(ctx context.Context, meta domain.CommandMeta, airlineID string, r domain.LeaveRules) (domain.AppendResult, error)
	Request(ctx context.Context, meta domain.CommandMeta, airlineID string, f domain.LeaveForm) (string, domain.AppendResult, error)
	Decide(ctx context.Context, meta domain.CommandMeta, airlineID, userID, leaveID string, approve bool, reason string) (domain.AppendResult, error)
}

// leaveHandlers are the staff's leave page (the airline's rules, the
// requests to decide, the inactive pilots) and a pilot's own leave page.
type leaveHandlers struct {
	cmds     LeaveCommands
	rm       reads.Querier
	sessions *scs.SessionManager
	readYourWrites
	log *slog.Logger
}

func leaveURL(airlineID string) string   { return "/airlines/" + airlineID + "/leave" }
func myLeaveURL(airlineID string) string { return "/airlines/" + airlineID + "/my-leave" }

// today is the UTC day leave is counted in.
func today() string { return time.Now().UTC().Format(time.DateOnly) }

// inactiveDaysDefault is the inactive list's days when the airline has
// no activity rule and the filter says none.
const inactiveDaysDefault = 30

// leaveStatus says a request's state in words.
func leaveStatus(r readmodel.LeaveRequest) string {
	switch r.Status {
	case domain.LeavePending:
		return "Pending"
	case domain.LeaveApproved:
		if r.Automatic {
			return "Approved"
		}
		return "Approved by staff"
	case domain.LeaveDeclined:
		return "Declined"
	case domain.LeaveEnded:
		return "Ended by a flight"
	}
	return r.Status
}

// showLeave is the staff's leave page.
func (h *leaveHandlers) showLeave(c echo.Context) error {
	return h.renderLeave(c, http.StatusOK, nil, nil)
}

// renderLeave renders the staff's page; rules is the rules form as typed
// after a refusal (nil: as stored), decision a refused decision's row.
func (h *leaveHandlers) renderLeave(c echo.Context, status int, rules *views.LeaveRulesForm, decision *views.LeaveRequestRow) error {
	tabs, _, err := airlineTabs(c, h.rm, "leave")
	if err != nil {
		return err
	}
	ctx := c.Request().Context()
	airlineID := tabs.ID
	stored, err := h.rm.GetLeaveRules(ctx, airlineID)
	if err != nil && domain.ErrorCode(err) != domain.ENotFound {
		return err
	}
	p := views.LeavePage{Page: page(c, tabs.Name+" · Leave"), Tabs: tabs, URL: leaveURL(airlineID), Notice: popFlash(c, h.sessions)}
	if rules != nil {
		p.Rules = *rules
	} else {
		p.Rules = views.LeaveRulesForm{AutoApprove: stored.AutoApprove, AutoLeaveDays: strconv.Itoa(int(stored.AutoLeaveDays))}
	}
	p.Rules.CSRFToken, p.Rules.Action = p.CSRFToken, leaveURL(airlineID)+"/rules"
	members, err := h.rm.Members(ctx, airlineID)
	if err != nil {
		return err
	}
	byID := map[string]reads.Member{}
	for _, m := range members {
		byID[m.ID] = m
	}
	day := today()
	open, err := h.rm.ListOpenLeaveRequests(ctx, readmodel.ListOpenLeaveRequestsParams{TenantID: airlineID, Day: day, RowLimit: 500})
	if err != nil {
		return err
	}
	for _, r := range open {
		m := byID[r.UserID.String()]
		row := views.LeaveRequestRow{ID: r.ID.String(), UserID: r.UserID.String(), PilotID: m.PilotID, Name: m.Name,
			Start: r.StartDate, End: r.EndDate, Note: r.Note, Status: leaveStatus(r), Pending: r.Status == domain.LeavePending,
			DecideAction: leaveURL(airlineID) + "/" + r.UserID.String() + "/" + r.ID.String(), DecisionCommand: domain.NewUUID()}
		if decision != nil && decision.ID == row.ID {
			row.DecisionReason, row.DecisionError, row.DecisionCommand = decision.DecisionReason, decision.DecisionError, decision.DecisionCommand
		}
		p.Requests = append(p.Requests, row)
	}
	// The inactive pilots: the filter's days, else the rule's, else 30.
	days := int(stored.AutoLeaveDays)
	if n, err := strconv.Atoi(strings.TrimSpace(c.QueryParam("days"))); err == nil && n > 0 && n <= domain.MaxAutoLeaveDay {
		days = n
	}
	if days <= 0 {
		days = inactiveDaysDefault
	}
	p.Days = strconv.Itoa(days)
	onLeave, err := h.rm.OnLeave(ctx, airlineID, day)
	if err != nil {
		return err
	}
	acts, err := h.rm.ListPilotActivity(ctx, airlineID)
	if err != nil {
		return err
	}
	now := time.Now()
	cutoff := now.Add(-time.Duration(days) * 24 * time.Hour)
	type idle struct {
		row  views.InactiveRow
		last time.Time
	}
	var list []idle
	for _, a := range acts {
		m, ok := byID[a.UserID.String()]
		if !ok || m.Status != domain.StatusActive || m.PilotID == "" {
			continue
		}
		last, lastText := a.JoinedAt, "Never"
		if a.LastFlightAt != nil {
			last, lastText = *a.LastFlightAt, a.LastFlightAt.UTC().Format("2 Jan 2006")
		}
		away := onLeave[m.ID]
		if !away && !last.Before(cutoff) {
			continue
		}
		st := "Idle"
		if away {
			st = "On leave"
		}
		list = append(list, idle{last: last, row: views.InactiveRow{PilotID: m.PilotID, Name: m.Name, LastFlight: lastText,
			IdleDays: strconv.Itoa(int(now.Sub(last) / (24 * time.Hour))), Status: st}})
	}
	slices.SortStableFunc(list, func(a, b idle) int { return a.last.Compare(b.last) })
	for _, l := range list {
		p.Inactive = append(p.Inactive, l.row)
	}
	c.Response().Header().Set("Cache-Control", "no-store")
	return render(c, status, views.LeaveView(p), nil)
}

// setLeaveRules sets the airline's leave rules.
func (h *leaveHandlers) setLeaveRules(c echo.Context) error {
	var f views.LeaveRulesForm
	readForm(c, &f)
	f.AutoApprove = c.FormValue("auto_approve") != ""
	airlineID := c.Param("id")
	parse := formErrors{}
	var days int32
	if strings.TrimSpace(f.AutoLeaveDays) != "" {
		parse.int32("auto_leave_days", f.AutoLeaveDays, &days, "Enter a number of days from 0 (off) to 3650.")
	}
	var res domain.AppendResult
	var err error
	if len(parse) == 0 {
		res, err = h.cmds.SetRules(c.Request().Context(), commandMeta(c, ""), airlineID, domain.LeaveRules{AutoApprove: f.AutoApprove, AutoLeaveDays: days})
	}
	if status, ok := formFailed(parse, err, formSlots{Errors: &f.Errors}); ok {
		return h.renderLeave(c, status, &f, nil)
	}
	if err != nil {
		return err
	}
	requestLogger(c, h.log).Info("leave rules set", "airline", airlineID, "auto_approve", f.AutoApprove, "auto_leave_days", days)
	return h.finish(c, h.sessions, res, leaveURL(airlineID), "Saved the leave rules.")
}

// decideLeave approves or declines a pilot's request.
func (h *leaveHandlers) decideLeave(c echo.Context) error {
	airlineID, userID, leaveID := c.Param("id"), c.Param("uid"), c.Param("leave")
	if _, err := uuid.Parse(leaveID); err != nil {
		return domain.Errorf(domain.ENotFound, "There is no such leave request.")
	}
	var approve bool
	switch c.FormValue("decision") {
	case "approve":
		approve = true
	case "decline":
	default:
		return domain.Errorf(domain.EInvalid, "Choose to approve or decline the request.")
	}
	reason := c.FormValue("reason")
	commandID := c.FormValue("command_id")
	res, err := h.cmds.Decide(c.Request().Context(), commandMeta(c, commandID), airlineID, userID, leaveID, approve, reason)
	if domain.ErrorCode(err) == domain.EInvalid {
		row := &views.LeaveRequestRow{ID: leaveID, DecisionReason: reason, DecisionError: domain.ErrorFields(err)["reason"], DecisionCommand: commandID}
		if row.DecisionError == "" {
			row.DecisionError = domain.ErrorMessage(err)
		}
		return h.renderLeave(c, http.StatusUnprocessableEntity, nil, row)
	}
	if err != nil {
		return err
	}
	flash := "Declined the request."
	if approve {
		flash = "Approved the request."
	}
	requestLogger(c, h.log).Info("leave decided", "airline", airlineID, "user", userID, "leave", leaveID, "approve", approve)
	return h.finish(c, h.sessions, res, leaveURL(airlineID), flash)
}

// showMyLeave is a pilot's own leave page.
func (h *leaveHandlers) showMyLeave(c echo.Context) error {
	return h.renderMyLeave(c, http.StatusOK, views.LeaveForm{})
}

func (h *leaveHandlers) renderMyLeave(c echo.Context, status int, f views.LeaveForm) error {
	tabs, _, err := airlineTabs(c, h.rm, "my-leave")
	if err != nil {
		return err
	}
	ctx := c.Request().Context()
	airlineID, userID := tabs.ID, currentActor(c).UserID
	p := views.MyLeavePage{Page: page(c, tabs.Name+" · Your leave"), Tabs: tabs, URL: myLeaveURL(airlineID), Notice: popFlash(c, h.sessions)}
	if p.OnLeave, err = h.rm.PilotOnLeave(ctx, airlineID, userID, today()); err != nil {
		return err
	}
	if id, err := uuid.Parse(userID); err == nil {
		mine, err := h.rm.ListLeaveRequestsByPilot(ctx, readmodel.ListLeaveRequestsByPilotParams{TenantID: airlineID, UserID: id, RowLimit: 100})
		if err != nil {
			return err
		}
		for _, r := range mine {
			p.Requests = append(p.Requests, views.LeaveRequestRow{ID: r.ID.String(), Start: r.StartDate, End: r.EndDate, Note: r.Note,
				Status: leaveStatus(r), Reason: r.Reason})
		}
	}
	if f.CommandID == "" {
		f.CommandID = domain.NewUUID()
	}
	f.CSRFToken, f.Action = p.CSRFToken, myLeaveURL(airlineID)
	p.Form = f
	c.Response().Header().Set("Cache-Control", "no-store")
	return render(c, status, views.MyLeaveView(p), nil)
}

// requestLeave records the pilot's request for leave.
func (h *leaveHandlers) requestLeave(c echo.Context) error {
	var f views.LeaveForm
	readForm(c, &f)
	airlineID := c.Param("id")
	_, res, err := h.cmds.Request(c.Request().Context(), commandMeta(c, f.CommandID), airlineID,
		domain.LeaveForm{StartDate: f.StartDate, EndDate: f.EndDate, Note: f.Note})
	if status, ok := formFailed(nil, err, formSlots{Errors: &f.Errors, CommandID: &f.CommandID}); ok {
		return h.renderMyLeave(c, status, f)
	}
	if err != nil {
		return err
	}
	requestLogger(c, h.log).Info("leave requested", "airline", airlineID)
	return h.finish(c, h.sessions, res, myLeaveURL(airlineID), "Requested leave from "+strings.TrimSpace(f.StartDate)+" to "+strings.TrimSpace(f.EndDate)+".")
}
