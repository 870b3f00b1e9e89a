package readmodeltest

import (
	"context"
	"testing"
	"time"

	"github.com/google/uuid"

	"github.com/albatross-va/albatross/domain"
	"github.com/albatross-va/albatross/store/readmodel"
)

// leaveCases are the suite's cases of queries/leave.sql.
var leaveCases = map[string]func(t *testing.T, q readmodel.Querier){
	"UpsertLeaveRules":         testLeaveRules,
	"GetLeaveRules":            testLeaveRules,
	"ListAutoLeaveRules":       testLeaveRules,
	"DeleteAllLeaveRules":      testLeaveRules,
	"InsertLeaveRequest":       testLeaveRequests,
	"DecideLeaveRequest":       testLeaveRequests,
	"EndLeaveRequests":         testLeaveRequests,
	"ListLeaveRequestsByPilot": testLeaveRequests,
	"ListOpenLeaveRequests":    testLeaveRequests,
	"DeleteAllLeaveRequests":   testLeaveRequests,
	"NotePilotJoined":          testPilotActivity,
	"NotePilotFlight":          testPilotActivity,
	"SetPilotAway":             testPilotActivity,
	"GetPilotActivity":         testPilotActivity,
	"ListPilotActivity":        testPilotActivity,
	"DeleteAllPilotActivity":   testPilotActivity,
}

// testLeaveRules checks that an airline's rules read back as last set,
// within the airline; that only airlines with an activity rule are listed
// for the sweep; and that a reset empties them.
func testLeaveRules(t *testing.T, q readmodel.Querier) {
	ctx := context.Background()
	if _, err := q.GetLeaveRules(ctx, tenantA); domain.ErrorCode(err) != domain.ENotFound {
		t.Errorf("rules never set: %v, want not found", err)
	}
	for _, r := range []readmodel.UpsertLeaveRulesParams{
		{TenantID: tenantA, AutoApprove: true, AutoLeaveDays: 0, ChangedAt: at},
		{TenantID: tenantA, AutoApprove: false, AutoLeaveDays: 30, ChangedAt: at.Add(time.Hour)},
		{TenantID: tenantB, AutoApprove: true, AutoLeaveDays: 0, ChangedAt: at},
	} {
		if err := q.UpsertLeaveRules(ctx, r); err != nil {
			t.Fatal(err)
		}
	}
	r, err := q.GetLeaveRules(ctx, tenantA)
	if err != nil || r.AutoApprove || r.AutoLeaveDays != 30 || !r.ChangedAt.Equal(at.Add(time.Hour).Truncate(time.Microsecond)) {
		t.Errorf("GetLeaveRules(A) = %+v, %v; want the second", r, err)
	}
	if r, err := q.GetLeaveRules(ctx, tenantB); err != nil || !r.AutoApprove {
		t.Errorf("GetLeaveRules(B) = %+v, %v", r, err)
	}
	list, err := q.ListAutoLeaveRules(ctx)
	if err != nil || len(list) != 1 || list[0].TenantID != tenantA {
		t.Errorf("ListAutoLeaveRules = %+v, %v; want A only", list, err)
	}
	if err := q.DeleteAllLeaveRules(ctx); err != nil {
		t.Fatal(err)
	}
	if _, err := q.GetLeaveRules(ctx, tenantA); domain.ErrorCode(err) != domain.ENotFound {
		t.Errorf("after DeleteAllLeaveRules: %v", err)
	}
}

// testLeaveRequests checks a pilot's requests, latest first and once
// each; the airline's open ones (pending, and approved not over) soonest
// first; a decision; a flight ending the approved request its day falls
// in and no other; and a reset.
func testLeaveRequests(t *testing.T, q readmodel.Querier) {
	ctx := context.Background()
	id := func(n byte) uuid.UUID { return uuid.UUID{0x1e, 0xa0, 15: n} }
	pilotB := uuid.MustParse("1ea00000-0000-4000-8000-0000000000b2")
	rows := []readmodel.InsertLeaveRequestParams{
		{TenantID: tenantA, ID: id(1), UserID: pilotA, StartDate: "2026-12-20", EndDate: "2027-01-03", Note: "Holidays", RequestedAt: at},
		{TenantID: tenantA, ID: id(2), UserID: pilotA, StartDate: "2026-11-01", EndDate: "2026-11-05", RequestedAt: at},
		{TenantID: tenantA, ID: id(3), UserID: pilotB, StartDate: "2026-12-01", EndDate: "2026-12-10", RequestedAt: at},
		{TenantID: tenantA, ID: id(4), UserID: pilotA, StartDate: "2027-02-01", EndDate: "2027-02-02", RequestedAt: at},
		{TenantID: tenantB, ID: id(5), UserID: pilotA, StartDate: "2026-12-20", EndDate: "2026-12-21", RequestedAt: at},
	}
	for _, r := range append(rows, rows[0]) {
		if err := q.InsertLeaveRequest(ctx, r); err != nil {
			t.Fatal(err)
		}
	}
	mine, err := q.ListLeaveRequestsByPilot(ctx, readmodel.ListLeaveRequestsByPilotParams{TenantID: tenantA, UserID: pilotA, RowLimit: 10})
	if err != nil || len(mine) != 3 || mine[0].ID != id(4) || mine[1].ID != id(1) || mine[2].ID != id(2) {
		t.Fatalf("ListLeaveRequestsByPilot = %+v, %v; want Feb, Dec, Nov", mine, err)
	}
	if m := mine[1]; m.Status != domain.LeavePending || m.Note != "Holidays" || m.DecidedAt != nil || m.EndDate != "2027-01-03" ||
		!m.RequestedAt.Equal(at.Truncate(time.Microsecond)) {
		t.Errorf("a new request = %+v", m)
	}
	if l, _ := q.ListLeaveRequestsByPilot(ctx, readmodel.ListLeaveRequestsByPilotParams{TenantID: tenantA, UserID: pilotA, RowLimit: 1}); len(l) != 1 {
		t.Errorf("limit 1: %d rows", len(l))
	}
	decidedAt := at.Add(time.Hour)
	for _, d := range []readmodel.DecideLeaveRequestParams{
		{TenantID: tenantA, ID: id(1), Status: domain.LeaveApproved, DecidedBy: "staff", DecidedAt: &decidedAt},
		{TenantID: tenantA, ID: id(2), Status: domain.LeaveApproved, Automatic: true, DecidedAt: &decidedAt},
		{TenantID: tenantA, ID: id(3), Status: domain.LeaveDeclined, DecidedBy: "staff", Reason: "Event week", DecidedAt: &decidedAt},
		{TenantID: tenantB, ID: id(4), Status: domain.LeaveDeclined, DecidedAt: &decidedAt}, // not B's: changes nothing
	} {
		if err := q.DecideLeaveRequest(ctx, d); err != nil {
			t.Fatal(err)
		}
	}
	open, err := q.ListOpenLeaveRequests(ctx, readmodel.ListOpenLeaveRequestsParams{TenantID: tenantA, Day: "2026-12-08", RowLimit: 10})
	if err != nil || len(open) != 2 || open[0].ID != id(1) || open[1].ID != id(4) {
		t.Fatalf("ListOpenLeaveRequests = %+v, %v; want the approved December one, then February's pending", open, err)
	}
	if o := open[0]; o.Status != domain.LeaveApproved || o.DecidedBy != "staff" || o.DecidedAt == nil || !o.DecidedAt.Equal(decidedAt.Truncate(time.Microsecond)) {
		t.Errorf("the approved one = %+v", o)
	}
	if err := q.EndLeaveRequests(ctx, readmodel.EndLeaveRequestsParams{TenantID: tenantA, UserID: pilotA, Day: "2026-12-25"}); err != nil {
		t.Fatal(err)
	}
	mine, _ = q.ListLeaveRequestsByPilot(ctx, readmodel.ListLeaveRequestsByPilotParams{TenantID: tenantA, UserID: pilotA, RowLimit: 10})
	if len(mine) != 3 || mine[1].Status != domain.LeaveEnded || mine[2].Status != domain.LeaveApproved || mine[0].Status != domain.LeavePending {
		t.Errorf("after a flight on 25 December: %+v", mine)
	}
	if other, _ := q.ListLeaveRequestsByPilot(ctx, readmodel.ListLeaveRequestsByPilotParams{TenantID: tenantB, UserID: pilotA, RowLimit: 10}); len(other) != 1 || other[0].Status != domain.LeavePending {
		t.Errorf("the pilot's requests in B: %+v", other)
	}
	if err := q.DeleteAllLeaveRequests(ctx); err != nil {
		t.Fatal(err)
	}
	if l, _ := q.ListLeaveRequestsByPilot(ctx, readmodel.ListLeaveRequestsByPilotParams{TenantID: tenantA, UserID: pilotA, RowLimit: 10}); len(l) != 0 {
		t.Errorf("after DeleteAllLeaveRequests: %+v", l)
	}
}

// testPilotActivity checks that joining starts a pilot's activity once,
// that their last flight only moves forward (and a flight before joining
// is noted too), that the activity rule's leave sets and clears, within
// the airline; and a reset.
func testPilotActivity(t *testing.T, q readmodel.Querier) {
	ctx := context.Background()
	pilotB := uuid.MustParse("1ea00000-0000-4000-8000-0000000000b3")
	if _, err := q.GetPilotActivity(ctx, readmodel.GetPilotActivityParams{TenantID: tenantA, UserID: pilotA}); domain.ErrorCode(err) != domain.ENotFound {
		t.Errorf("a pilot never seen: %v, want not found", err)
	}
	must := func(err error) {
		t.Helper()
		if err != nil {
			t.Fatal(err)
		}
	}
	must(q.NotePilotJoined(ctx, readmodel.NotePilotJoinedParams{TenantID: tenantA, UserID: pilotA, JoinedAt: at}))
	must(q.NotePilotJoined(ctx, readmodel.NotePilotJoinedParams{TenantID: tenantA, UserID: pilotA, JoinedAt: at.Add(time.Hour)}))
	a, err := q.GetPilotActivity(ctx, readmodel.GetPilotActivityParams{TenantID: tenantA, UserID: pilotA})
	if err != nil || !a.JoinedAt.Equal(at.Truncate(time.Microsecond)) || a.LastFlightAt != nil || a.Away {
		t.Fatalf("after joining = %+v, %v", a, err)
	}
	must(q.NotePilotFlight(ctx, readmodel.NotePilotFlightParams{TenantID: tenantA, UserID: pilotA, FiledAt: at.Add(48 * time.Hour)}))
	must(q.NotePilotFlight(ctx, readmodel.NotePilotFlightParams{TenantID: tenantA, UserID: pilotA, FiledAt: at.Add(24 * time.Hour)}))
	must(q.NotePilotFlight(ctx, readmodel.NotePilotFlightParams{TenantID: tenantA, UserID: pilotB, FiledAt: at}))
	must(q.NotePilotFlight(ctx, readmodel.NotePilotFlightParams{TenantID: tenantB, UserID: pilotA, FiledAt: at}))
	since := at.Add(72 * time.Hour)
	must(q.SetPilotAway(ctx, readmodel.SetPilotAwayParams{TenantID: tenantA, UserID: pilotA, At: since, Away: true, AwaySince: &since}))
	a, _ = q.GetPilotActivity(ctx, readmodel.GetPilotActivityParams{TenantID: tenantA, UserID: pilotA})
	if a.LastFlightAt == nil || !a.LastFlightAt.Equal(at.Add(48*time.Hour).Truncate(time.Microsecond)) || !a.Away ||
		a.AwaySince == nil || !a.AwaySince.Equal(since.Truncate(time.Microsecond)) {
		t.Errorf("after two flights and the rule's leave = %+v", a)
	}
	list, err := q.ListPilotActivity(ctx, tenantA)
	if err != nil || len(list) != 2 || list[0].UserID != pilotA || list[1].UserID != pilotB || list[1].LastFlightAt == nil ||
		!list[1].JoinedAt.Equal(at.Truncate(time.Microsecond)) || list[1].Away {
		t.Fatalf("ListPilotActivity(A) = %+v, %v", list, err)
	}
	must(q.SetPilotAway(ctx, readmodel.SetPilotAwayParams{TenantID: tenantA, UserID: pilotA, At: since}))
	if a, _ := q.GetPilotActivity(ctx, readmodel.GetPilotActivityParams{TenantID: tenantA, UserID: pilotA}); a.Away || a.AwaySince != nil || a.LastFlightAt == nil {
		t.Errorf("back from leave = %+v", a)
	}
	if l, _ := q.ListPilotActivity(ctx, tenantB); len(l) != 1 || l[0].Away {
		t.Errorf("ListPilotActivity(B) = %+v", l)
	}
	must(q.DeleteAllPilotActivity(ctx))
	if l, _ := q.ListPilotActivity(ctx, tenantA); len(l) != 0 {
		t.Errorf("after DeleteAllPilotActivity: %+v", l)
	}
}
