package domain_test

import (
	"context"
	"testing"
	"time"

	"github.com/albatross-va/albatross/domain"
)

// leaveWorld is an airline with an approved pilot, on a clock the test
// moves, and the leave commands.
func leaveWorld(t *testing.T) (*membership, *domain.Leave, *fixedClock, domain.Actor) {
	t.Helper()
	r := newRunner(t)
	clock := &fixedClock{t: time.Date(2026, 12, 8, 9, 0, 0, 0, time.UTC)}
	r.Clock = clock
	m := newMembership(t, r)
	id := m.register(t, domain.NewUUID()+"@example.com")
	if _, _, err := m.users.Approve(context.Background(), newsMeta(m.admin), m.airline, id); err != nil {
		t.Fatal(err)
	}
	pilot := domain.Actor{UserID: id, Role: domain.RolePilot, TenantID: m.airline}
	return m, &domain.Leave{Runner: r, IDs: domain.RandomIDs{}}, clock, pilot
}

// pilotLeave reads a pilot's leave stream as the commands see it.
func pilotLeave(t *testing.T, r *domain.Runner, userID string) *domain.PilotLeave {
	t.Helper()
	l := &domain.PilotLeave{}
	recs, err := r.Store.ReadStream(context.Background(), domain.LeaveStream(userID), 0)
	if err != nil {
		t.Fatal(err)
	}
	for _, rec := range recs {
		msg, err := r.Registry.Decode(rec.Type, rec.Data)
		if err != nil {
			t.Fatal(err)
		}
		if err := l.Apply(msg); err != nil {
			t.Fatal(err)
		}
	}
	return l
}

// TestLeaveRequestApproveDecline follows requests through staff's
// decisions: pending until decided, decided once, and only by staff.
func TestLeaveRequestApproveDecline(t *testing.T) {
	m, leave, _, pilot := leaveWorld(t)
	ctx := context.Background()
	first, _, err := leave.Request(ctx, newsMeta(pilot), m.airline, domain.LeaveForm{StartDate: "2026-12-20", EndDate: "2027-01-03", Note: "Holidays"})
	if err != nil {
		t.Fatal(err)
	}
	second, _, err := leave.Request(ctx, newsMeta(pilot), m.airline, domain.LeaveForm{StartDate: "2027-02-01", EndDate: "2027-02-01"})
	if err != nil {
		t.Fatal(err)
	}
	l := pilotLeave(t, m.r, pilot.UserID)
	if l.Requests[first].Status != domain.LeavePending || l.OnLeave("2026-12-25") {
		t.Fatalf("a new request: %+v, on leave %v; want pending, not on leave", l.Requests[first], l.OnLeave("2026-12-25"))
	}
	if _, err := leave.Decide(ctx, newsMeta(pilot), m.airline, pilot.UserID, first, true, ""); domain.ErrorCode(err) != domain.EForbidden {
		t.Errorf("a pilot approving their own leave: %v, want forbidden", err)
	}
	if _, err := leave.Decide(ctx, newsMeta(m.admin), m.airline, pilot.UserID, first, true, ""); err != nil {
		t.Fatal(err)
	}
	if _, err := leave.Decide(ctx, newsMeta(m.admin), m.airline, pilot.UserID, second, false, "Event week"); err != nil {
		t.Fatal(err)
	}
	if _, err := leave.Decide(ctx, newsMeta(m.admin), m.airline, pilot.UserID, second, true, ""); domain.ErrorCode(err) != domain.EConflict {
		t.Errorf("deciding a declined request again: %v, want conflict", err)
	}
	l = pilotLeave(t, m.r, pilot.UserID)
	if l.Requests[first].Status != domain.LeaveApproved || l.Requests[second].Status != domain.LeaveDeclined {
		t.Errorf("after the decisions: %+v, %+v", l.Requests[first], l.Requests[second])
	}
	if !l.OnLeave("2026-12-20") || !l.OnLeave("2027-01-03") || l.OnLeave("2027-01-04") || l.OnLeave("2027-02-01") {
		t.Error("on leave exactly within the approved request's days")
	}
	other := newMembership(t, m.r)
	if _, err := leave.Decide(ctx, newsMeta(other.admin), other.airline, pilot.UserID, first, false, ""); domain.ErrorCode(err) != domain.ENotFound {
		t.Errorf("another airline's staff deciding: %v, want not found", err)
	}
}

// TestLeaveAutoApprove: with the airline's auto-approve on, a request is
// approved as it is made.
func TestLeaveAutoApprove(t *testing.T) {
	m, leave, _, pilot := leaveWorld(t)
	ctx := context.Background()
	if _, err := leave.SetRules(ctx, newsMeta(pilot), m.airline, domain.LeaveRules{AutoApprove: true}); domain.ErrorCode(err) != domain.EForbidden {
		t.Errorf("a pilot setting the rules: %v, want forbidden", err)
	}
	if _, err := leave.SetRules(ctx, newsMeta(m.admin), m.airline, domain.LeaveRules{AutoApprove: true}); err != nil {
		t.Fatal(err)
	}
	id, _, err := leave.Request(ctx, newsMeta(pilot), m.airline, domain.LeaveForm{StartDate: "2026-12-08", EndDate: "2026-12-10"})
	if err != nil {
		t.Fatal(err)
	}
	if l := pilotLeave(t, m.r, pilot.UserID); l.Requests[id].Status != domain.LeaveApproved || !l.OnLeave("2026-12-09") {
		t.Errorf("with auto-approve: %+v, want approved", l.Requests[id])
	}
}

// TestLeaveDatesValidated: each bad date is refused naming its field, and
// nothing is appended.
func TestLeaveDatesValidated(t *testing.T) {
	m, leave, _, pilot := leaveWorld(t)
	ctx := context.Background()
	for _, tc := range []struct {
		form  domain.LeaveForm
		field string
	}{
		{domain.LeaveForm{StartDate: "2026-12-20", EndDate: "2026-12-19"}, "end_date"},
		{domain.LeaveForm{StartDate: "20/12/2026", EndDate: "2026-12-21"}, "start_date"},
		{domain.LeaveForm{StartDate: "2026-12-20", EndDate: ""}, "end_date"},
		{domain.LeaveForm{StartDate: "2026-12-01", EndDate: "2026-12-21"}, "start_date"}, // in the past
		{domain.LeaveForm{StartDate: "2026-12-20", EndDate: "2028-01-01"}, "end_date"},
		{domain.LeaveForm{StartDate: "2026-12-20", EndDate: "2026-12-21", Note: "a\x00b"}, "note"},
	} {
		_, _, err := leave.Request(ctx, newsMeta(pilot), m.airline, tc.form)
		if domain.ErrorCode(err) != domain.EInvalid || domain.ErrorFields(err)[tc.field] == "" {
			t.Errorf("%+v: %v, want a message on %s", tc.form, err, tc.field)
		}
	}
	if l := pilotLeave(t, m.r, pilot.UserID); len(l.Requests) != 0 {
		t.Errorf("refused requests were recorded: %+v", l.Requests)
	}
}

// TestActivityRulePutsIdlePilotOnLeaveOnce: past the rule's days the
// pilot goes on leave, once however often it is asked; a flight brings
// them back; within the days, or with the rule off, nothing happens.
func TestActivityRulePutsIdlePilotOnLeaveOnce(t *testing.T) {
	m, leave, clock, pilot := leaveWorld(t)
	ctx := context.Background()
	sys := domain.CommandMeta{ID: domain.NewUUID(), Who: domain.System}
	last := clock.Now().AddDate(0, 0, -31)
	if res, err := leave.PutOnLeaveIdle(ctx, sys, m.airline, pilot.UserID, last, clock.Now()); err != nil || res.Position != domain.Start {
		t.Fatalf("with the rule off: %+v, %v; want nothing", res, err)
	}
	if _, err := leave.SetRules(ctx, newsMeta(m.admin), m.airline, domain.LeaveRules{AutoLeaveDays: 30}); err != nil {
		t.Fatal(err)
	}
	if res, err := leave.PutOnLeaveIdle(ctx, newsMeta(domain.System), m.airline, pilot.UserID, clock.Now().AddDate(0, 0, -29), clock.Now()); err != nil || res.Position != domain.Start {
		t.Fatalf("idle 29 days of 30: %+v, %v; want nothing", res, err)
	}
	if res, err := leave.PutOnLeaveIdle(ctx, newsMeta(domain.System), m.airline, pilot.UserID, last, clock.Now()); err != nil || res.Position == domain.Start {
		t.Fatalf("idle 31 days: %+v, %v; want on leave", res, err)
	}
	if res, err := leave.PutOnLeaveIdle(ctx, newsMeta(domain.System), m.airline, pilot.UserID, last, clock.Now().Add(time.Hour)); err != nil || res.Position != domain.Start {
		t.Errorf("asked again: %+v, %v; want nothing more", res, err)
	}
	if !pilotLeave(t, m.r, pilot.UserID).OnLeave("2026-12-08") {
		t.Fatal("not on leave")
	}
	if _, err := leave.ReturnFromLeave(ctx, newsMeta(domain.System), m.airline, pilot.UserID, domain.NewUUID(), clock.Now().Add(2*time.Hour)); err != nil {
		t.Fatal(err)
	}
	if pilotLeave(t, m.r, pilot.UserID).OnLeave("2026-12-08") {
		t.Error("still on leave after filing a flight")
	}
	if res, err := leave.ReturnFromLeave(ctx, newsMeta(domain.System), m.airline, pilot.UserID, domain.NewUUID(), clock.Now().Add(3*time.Hour)); err != nil || res.Position != domain.Start {
		t.Errorf("a second flight: %+v, %v; want nothing", res, err)
	}
}

// TestFlightEndsApprovedLeaveEarly: a flight filed within an approved
// request ends it; a later request stays.
func TestFlightEndsApprovedLeaveEarly(t *testing.T) {
	m, leave, clock, pilot := leaveWorld(t)
	ctx := context.Background()
	if _, err := leave.SetRules(ctx, newsMeta(m.admin), m.airline, domain.LeaveRules{AutoApprove: true}); err != nil {
		t.Fatal(err)
	}
	now, _, err := leave.Request(ctx, newsMeta(pilot), m.airline, domain.LeaveForm{StartDate: "2026-12-08", EndDate: "2026-12-31"})
	if err != nil {
		t.Fatal(err)
	}
	later, _, err := leave.Request(ctx, newsMeta(pilot), m.airline, domain.LeaveForm{StartDate: "2027-03-01", EndDate: "2027-03-05"})
	if err != nil {
		t.Fatal(err)
	}
	if _, err := leave.ReturnFromLeave(ctx, newsMeta(domain.System), m.airline, pilot.UserID, domain.NewUUID(), clock.Now().Add(24*time.Hour)); err != nil {
		t.Fatal(err)
	}
	l := pilotLeave(t, m.r, pilot.UserID)
	if l.Requests[now].Status != domain.LeaveEnded || l.OnLeave("2026-12-20") {
		t.Errorf("the current leave after a flight: %+v", l.Requests[now])
	}
	if l.Requests[later].Status != domain.LeaveApproved || !l.OnLeave("2027-03-02") {
		t.Errorf("the later leave after a flight: %+v", l.Requests[later])
	}
}
