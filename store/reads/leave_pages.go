package reads

import (
	"context"

	"github.com/google/uuid"

	"github.com/albatross-va/albatross/domain"
	"github.com/albatross-va/albatross/store/readmodel"
)

// openLeaveMax bounds the open requests one airline's pages read.
const openLeaveMax = 10_000

// OnLeave is who of the airline (by user id) is on leave on day
// (YYYY-MM-DD, UTC): put on leave by the activity rule, or within an
// approved request.
func (q Querier) OnLeave(ctx context.Context, airlineID, day string) (map[string]bool, error) {
	out := map[string]bool{}
	acts, err := q.ListPilotActivity(ctx, airlineID)
	if err != nil {
		return nil, err
	}
	for _, a := range acts {
		if a.Away {
			out[a.UserID.String()] = true
		}
	}
	open, err := q.ListOpenLeaveRequests(ctx, readmodel.ListOpenLeaveRequestsParams{TenantID: airlineID, Day: day, RowLimit: openLeaveMax})
	if err != nil {
		return nil, err
	}
	for _, r := range open {
		if r.Status == domain.LeaveApproved && r.StartDate <= day && day <= r.EndDate {
			out[r.UserID.String()] = true
		}
	}
	return out, nil
}

// PilotOnLeave says whether one pilot of the airline is on leave on day.
func (q Querier) PilotOnLeave(ctx context.Context, airlineID, userID, day string) (bool, error) {
	id, err := uuid.Parse(userID)
	if err != nil {
		return false, nil
	}
	a, err := q.GetPilotActivity(ctx, readmodel.GetPilotActivityParams{TenantID: airlineID, UserID: id})
	switch domain.ErrorCode(err) {
	case "":
		if a.Away {
			return true, nil
		}
	case domain.ENotFound:
	default:
		return false, err
	}
	mine, err := q.ListLeaveRequestsByPilot(ctx, readmodel.ListLeaveRequestsByPilotParams{TenantID: airlineID, UserID: id, RowLimit: openLeaveMax})
	if err != nil {
		return false, err
	}
	for _, r := range mine {
		if r.Status == domain.LeaveApproved && r.StartDate <= day && day <= r.EndDate {
			return true, nil
		}
	}
	return false, nil
}
