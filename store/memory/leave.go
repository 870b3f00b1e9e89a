package memory

import (
	"bytes"
	"cmp"
	"context"
	"slices"
	"strings"

	"github.com/google/uuid"

	"github.com/albatross-va/albatross/domain"
	"github.com/albatross-va/albatross/store/readmodel"
)

// The leave projection (queries/leave.sql) in memory. Lists are replaced,
// never changed in place, so a read's copy stays as it was.
type leaveTables struct {
	rules    map[string]readmodel.LeaveRule                   // by tenant
	requests map[string][]readmodel.LeaveRequest              // by tenant, by start date then id
	activity map[string]map[uuid.UUID]readmodel.PilotActivity // by tenant, by pilot
}

func newLeaveTables() *leaveTables {
	return &leaveTables{rules: map[string]readmodel.LeaveRule{}, requests: map[string][]readmodel.LeaveRequest{},
		activity: map[string]map[uuid.UUID]readmodel.PilotActivity{}}
}

// byStartThenID is ListOpenLeaveRequests' order.
func byStartThenID(a, b readmodel.LeaveRequest) int {
	return cmp.Or(strings.Compare(a.StartDate, b.StartDate), bytes.Compare(a.ID[:], b.ID[:]))
}

// UpsertLeaveRules implements readmodel.Querier.
func (m *ReadModels) UpsertLeaveRules(ctx context.Context, arg readmodel.UpsertLeaveRulesParams) error {
	return m.write(func(t *tx) error { return t.UpsertLeaveRules(ctx, arg) })
}

// GetLeaveRules implements readmodel.Querier.
func (m *ReadModels) GetLeaveRules(ctx context.Context, tenantID string) (readmodel.LeaveRule, error) {
	m.mu.RLock()
	defer m.mu.RUnlock()
	return m.st.getLeaveRules(ctx, tenantID)
}

// ListAutoLeaveRules implements readmodel.Querier.
func (m *ReadModels) ListAutoLeaveRules(ctx context.Context) ([]readmodel.LeaveRule, error) {
	m.mu.RLock()
	defer m.mu.RUnlock()
	return m.st.listAutoLeaveRules(ctx)
}

// DeleteAllLeaveRules implements readmodel.Querier.
func (m *ReadModels) DeleteAllLeaveRules(ctx context.Context) error {
	return m.write(func(t *tx) error { return t.DeleteAllLeaveRules(ctx) })
}

// InsertLeaveRequest implements readmodel.Querier.
func (m *ReadModels) InsertLeaveRequest(ctx context.Context, arg readmodel.InsertLeaveRequestParams) error {
	return m.write(func(t *tx) error { return t.InsertLeaveRequest(ctx, arg) })
}

// DecideLeaveRequest implements readmodel.Querier.
func (m *ReadModels) DecideLeaveRequest(ctx context.Context, arg readmodel.DecideLeaveRequestParams) error {
	return m.write(func(t *tx) error { return t.DecideLeaveRequest(ctx, arg) })
}

// EndLeaveRequests implements readmodel.Querier.
func (m *ReadModels) EndLeaveRequests(ctx context.Context, arg readmodel.EndLeaveRequestsParams) error {
	return m.write(func(t *tx) error { return t.EndLeaveRequests(ctx, arg) })
}

// ListLeaveRequestsByPilot implements readmodel.Querier.
func (m *ReadModels) ListLeaveRequestsByPilot(ctx context.Context, arg readmodel.ListLeaveRequestsByPilotParams) ([]readmodel.LeaveRequest, error) {
	m.mu.RLock()
	defer m.mu.RUnlock()
	return m.st.listLeaveRequestsByPilot(ctx, arg)
}

// ListOpenLeaveRequests implements readmodel.Querier.
func (m *ReadModels) ListOpenLeaveRequests(ctx context.Context, arg readmodel.ListOpenLeaveRequestsParams) ([]readmodel.LeaveRequest, error) {
	m.mu.RLock()
	defer m.mu.RUnlock()
	return m.st.listOpenLeaveRequests(ctx, arg)
}

// DeleteAllLeaveRequests implements readmodel.Querier.
func (m *ReadModels) DeleteAllLeaveRequests(ctx context.Context) error {
	return m.write(func(t *tx) error { return t.DeleteAllLeaveRequests(ctx) })
}

// NotePilotJoined implements readmodel.Querier.
func (m *ReadModels) NotePilotJoined(ctx context.Context, arg readmodel.NotePilotJoinedParams) error {
	return m.write(func(t *tx) error { return t.NotePilotJoined(ctx, arg) })
}

// NotePilotFlight implements readmodel.Querier.
func (m *ReadModels) NotePilotFlight(ctx context.Context, arg readmodel.NotePilotFlightParams) error {
	return m.write(func(t *tx) error { return t.NotePilotFlight(ctx, arg) })
}

// SetPilotAway implements readmodel.Querier.
func (m *ReadModels) SetPilotAway(ctx context.Context, arg readmodel.SetPilotAwayParams) error {
	return m.write(func(t *tx) error { return t.SetPilotAway(ctx, arg) })
}

// GetPilotActivity implements readmodel.Querier.
func (m *ReadModels) GetPilotActivity(ctx context.Context, arg readmodel.GetPilotActivityParams) (readmodel.PilotActivity, error) {
	m.mu.RLock()
	defer m.mu.RUnlock()
	return m.st.getPilotActivity(ctx, arg)
}

// ListPilotActivity implements readmodel.Querier.
func (m *ReadModels) ListPilotActivity(ctx context.Context, tenantID string) ([]readmodel.PilotActivity, error) {
	m.mu.RLock()
	defer m.mu.RUnlock()
	return m.st.listPilotActivity(ctx, tenantID)
}

// DeleteAllPilotActivity implements readmodel.Querier.
func (m *ReadModels) DeleteAllPilotActivity(ctx context.Context) error {
	return m.write(func(t *tx) error { return t.DeleteAllPilotActivity(ctx) })
}

func (s *state) getLeaveRules(ctx context.Context, tenantID string) (readmodel.LeaveRule, error) {
	if err := ctx.Err(); err != nil {
		return readmodel.LeaveRule{}, err
	}
	r, ok := s.leave.rules[tenantID]
	if !ok {
		return readmodel.LeaveRule{}, readmodel.NotFound("GetLeaveRules")
	}
	s.visited(1)
	return r, nil
}

func (s *state) listAutoLeaveRules(ctx context.Context) ([]readmodel.LeaveRule, error) {
	if err := ctx.Err(); err != nil {
		return nil, err
	}
	out := []readmodel.LeaveRule{}
	for _, r := range s.leave.rules {
		if r.AutoLeaveDays > 0 {
			out = append(out, r)
		}
	}
	s.visited(len(s.leave.rules))
	slices.SortFunc(out, func(a, b readmodel.LeaveRule) int { return strings.Compare(a.TenantID, b.TenantID) })
	return out, nil
}

func (s *state) listLeaveRequestsByPilot(ctx context.Context, arg readmodel.ListLeaveRequestsByPilotParams) ([]readmodel.LeaveRequest, error) {
	if err := ctx.Err(); err != nil {
		return nil, err
	}
	list := s.leave.requests[arg.TenantID]
	s.visited(len(list))
	out := []readmodel.LeaveRequest{}
	for _, r := range list {
		if r.UserID == arg.UserID {
			out = append(out, r)
		}
	}
	slices.SortStableFunc(out, func(a, b readmodel.LeaveRequest) int {
		return cmp.Or(strings.Compare(b.StartDate, a.StartDate), bytes.Compare(a.ID[:], b.ID[:]))
	})
	return out[:min(len(out), max(int(arg.RowLimit), 0))], nil
}

func (s *state) listOpenLeaveRequests(ctx context.Context, arg readmodel.ListOpenLeaveRequestsParams) ([]readmodel.LeaveRequest, error) {
	if err := ctx.Err(); err != nil {
		return nil, err
	}
	list := s.leave.requests[arg.TenantID]
	s.visited(len(list))
	out := []readmodel.LeaveRequest{}
	for _, r := range list {
		if len(out) >= int(arg.RowLimit) {
			break
		}
		if r.Status == domain.LeavePending || r.Status == domain.LeaveApproved && r.EndDate >= arg.Day {
			out = append(out, r)
		}
	}
	return out, nil
}

func (s *state) getPilotActivity(ctx context.Context, arg readmodel.GetPilotActivityParams) (readmodel.PilotActivity, error) {
	if err := ctx.Err(); err != nil {
		return readmodel.PilotActivity{}, err
	}
	a, ok := s.leave.activity[arg.TenantID][arg.UserID]
	if !ok {
		return readmodel.PilotActivity{}, readmodel.NotFound("GetPilotActivity")
	}
	s.visited(1)
	return a, nil
}

func (s *state) listPilotActivity(ctx context.Context, tenantID string) ([]readmodel.PilotActivity, error) {
	if err := ctx.Err(); err != nil {
		return nil, err
	}
	byPilot := s.leave.activity[tenantID]
	out := make([]readmodel.PilotActivity, 0, len(byPilot))
	for _, a := range byPilot {
		out = append(out, a)
	}
	s.visited(len(out))
	slices.SortFunc(out, func(a, b readmodel.PilotActivity) int { return bytes.Compare(a.UserID[:], b.UserID[:]) })
	return out, nil
}

func (t *tx) UpsertLeaveRules(ctx context.Context, arg readmodel.UpsertLeaveRulesParams) error {
	if err := t.check(ctx); err != nil {
		return err
	}
	setEntry(t, t.st.leave.rules, arg.TenantID, readmodel.LeaveRule{TenantID: arg.TenantID, AutoApprove: arg.AutoApprove,
		AutoLeaveDays: arg.AutoLeaveDays, ChangedAt: timestamptz(arg.ChangedAt)}, false)
	return nil
}

func (t *tx) GetLeaveRules(ctx context.Context, tenantID string) (readmodel.LeaveRule, error) {
	if err := t.check(ctx); err != nil {
		return readmodel.LeaveRule{}, err
	}
	return t.st.getLeaveRules(ctx, tenantID)
}

func (t *tx) ListAutoLeaveRules(ctx context.Context) ([]readmodel.LeaveRule, error) {
	if err := t.check(ctx); err != nil {
		return nil, err
	}
	return t.st.listAutoLeaveRules(ctx)
}

func (t *tx) DeleteAllLeaveRules(ctx context.Context) error {
	if err := t.check(ctx); err != nil {
		return err
	}
	old := t.st.leave.rules
	t.st.leave.rules = map[string]readmodel.LeaveRule{}
	t.undo = append(t.undo, func() { t.st.leave.rules = old })
	return nil
}

// changeRequests replaces the tenant's requests with change's result on
// a copy, with the undo.
func (t *tx) changeRequests(tenantID string, change func([]readmodel.LeaveRequest) []readmodel.LeaveRequest) {
	list := change(slices.Clone(t.st.leave.requests[tenantID]))
	setEntry(t, t.st.leave.requests, tenantID, list, len(list) == 0)
}

func (t *tx) InsertLeaveRequest(ctx context.Context, arg readmodel.InsertLeaveRequestParams) error {
	if err := t.check(ctx); err != nil {
		return err
	}
	if slices.ContainsFunc(t.st.leave.requests[arg.TenantID], func(r readmodel.LeaveRequest) bool { return r.ID == arg.ID }) {
		return nil
	}
	t.changeRequests(arg.TenantID, func(list []readmodel.LeaveRequest) []readmodel.LeaveRequest {
		list = append(list, readmodel.LeaveRequest{TenantID: arg.TenantID, ID: arg.ID, UserID: arg.UserID, StartDate: arg.StartDate,
			EndDate: arg.EndDate, Note: arg.Note, Status: domain.LeavePending, RequestedAt: timestamptz(arg.RequestedAt)})
		slices.SortFunc(list, byStartThenID)
		return list
	})
	return nil
}

func (t *tx) DecideLeaveRequest(ctx context.Context, arg readmodel.DecideLeaveRequestParams) error {
	if err := t.check(ctx); err != nil {
		return err
	}
	t.changeRequests(arg.TenantID, func(list []readmodel.LeaveRequest) []readmodel.LeaveRequest {
		for i, r := range list {
			if r.ID == arg.ID {
				r.Status, r.Automatic, r.DecidedBy, r.Reason = arg.Status, arg.Automatic, arg.DecidedBy, arg.Reason
				r.DecidedAt = nil
				if arg.DecidedAt != nil {
					r.DecidedAt = timestamptzPtr(*arg.DecidedAt)
				}
				list[i] = r
			}
		}
		return list
	})
	return nil
}

func (t *tx) EndLeaveRequests(ctx context.Context, arg readmodel.EndLeaveRequestsParams) error {
	if err := t.check(ctx); err != nil {
		return err
	}
	t.changeRequests(arg.TenantID, func(list []readmodel.LeaveRequest) []readmodel.LeaveRequest {
		for i, r := range list {
			if r.UserID == arg.UserID && r.Status == domain.LeaveApproved && r.StartDate <= arg.Day && r.EndDate >= arg.Day {
				list[i].Status = domain.LeaveEnded
			}
		}
		return list
	})
	return nil
}

func (t *tx) ListLeaveRequestsByPilot(ctx context.Context, arg readmodel.ListLeaveRequestsByPilotParams) ([]readmodel.LeaveRequest, error) {
	if err := t.check(ctx); err != nil {
		return nil, err
	}
	return t.st.listLeaveRequestsByPilot(ctx, arg)
}

func (t *tx) ListOpenLeaveRequests(ctx context.Context, arg readmodel.ListOpenLeaveRequestsParams) ([]readmodel.LeaveRequest, error) {
	if err := t.check(ctx); err != nil {
		return nil, err
	}
	return t.st.listOpenLeaveRequests(ctx, arg)
}

func (t *tx) DeleteAllLeaveRequests(ctx context.Context) error {
	if err := t.check(ctx); err != nil {
		return err
	}
	old := t.st.leave.requests
	t.st.leave.requests = map[string][]readmodel.LeaveRequest{}
	t.undo = append(t.undo, func() { t.st.leave.requests = old })
	return nil
}

// setActivity sets one pilot's activity, with the undo.
func (t *tx) setActivity(a readmodel.PilotActivity) {
	byPilot, had := t.st.leave.activity[a.TenantID]
	if !had {
		byPilot = map[uuid.UUID]readmodel.PilotActivity{}
		t.st.leave.activity[a.TenantID] = byPilot
	}
	old, hadRow := byPilot[a.UserID]
	byPilot[a.UserID] = a
	t.undo = append(t.undo, func() {
		if hadRow {
			byPilot[a.UserID] = old
		} else {
			delete(byPilot, a.UserID)
		}
		if !had {
			delete(t.st.leave.activity, a.TenantID)
		}
	})
}

func (t *tx) NotePilotJoined(ctx context.Context, arg readmodel.NotePilotJoinedParams) error {
	if err := t.check(ctx); err != nil {
		return err
	}
	if _, ok := t.st.leave.activity[arg.TenantID][arg.UserID]; ok {
		return nil
	}
	t.setActivity(readmodel.PilotActivity{TenantID: arg.TenantID, UserID: arg.UserID, JoinedAt: timestamptz(arg.JoinedAt)})
	return nil
}

func (t *tx) NotePilotFlight(ctx context.Context, arg readmodel.NotePilotFlightParams) error {
	if err := t.check(ctx); err != nil {
		return err
	}
	filed := timestamptz(arg.FiledAt)
	a, ok := t.st.leave.activity[arg.TenantID][arg.UserID]
	if !ok {
		a = readmodel.PilotActivity{TenantID: arg.TenantID, UserID: arg.UserID, JoinedAt: filed}
	}
	if a.LastFlightAt == nil || a.LastFlightAt.Before(filed) {
		a.LastFlightAt = &filed
	}
	t.setActivity(a)
	return nil
}

func (t *tx) SetPilotAway(ctx context.Context, arg readmodel.SetPilotAwayParams) error {
	if err := t.check(ctx); err != nil {
		return err
	}
	a, ok := t.st.leave.activity[arg.TenantID][arg.UserID]
	if !ok {
		a = readmodel.PilotActivity{TenantID: arg.TenantID, UserID: arg.UserID, JoinedAt: timestamptz(arg.At)}
	}
	a.Away, a.AwaySince = arg.Away, nil
	if arg.AwaySince != nil {
		a.AwaySince = timestamptzPtr(*arg.AwaySince)
	}
	t.setActivity(a)
	return nil
}

func (t *tx) GetPilotActivity(ctx context.Context, arg readmodel.GetPilotActivityParams) (readmodel.PilotActivity, error) {
	if err := t.check(ctx); err != nil {
		return readmodel.PilotActivity{}, err
	}
	return t.st.getPilotActivity(ctx, arg)
}

func (t *tx) ListPilotActivity(ctx context.Context, tenantID string) ([]readmodel.PilotActivity, error) {
	if err := t.check(ctx); err != nil {
		return nil, err
	}
	return t.st.listPilotActivity(ctx, tenantID)
}

func (t *tx) DeleteAllPilotActivity(ctx context.Context) error {
	if err := t.check(ctx); err != nil {
		return err
	}
	old := t.st.leave.activity
	t.st.leave.activity = map[string]map[uuid.UUID]readmodel.PilotActivity{}
	t.undo = append(t.undo, func() { t.st.leave.activity = old })
	return nil
}
