package projector

import (
	"context"
	"fmt"
	"time"

	"github.com/google/uuid"
	"google.golang.org/protobuf/proto"
	"google.golang.org/protobuf/types/known/timestamppb"

	"github.com/albatross-va/albatross/domain"
	eventsv1 "github.com/albatross-va/albatross/domain/events/v1"
	"github.com/albatross-va/albatross/domain/live"
	"github.com/albatross-va/albatross/store/notify"
	"github.com/albatross-va/albatross/store/readmodel"
)

// TopicLeave is the notice topic of an airline's leave: the rules, the
// requests and their decisions, and who the activity rule put on leave.
const TopicLeave = live.TopicLeave

// The kinds of a member's leave notices: put on leave by the activity
// rule (the idle days are the notice's reason), and staff's decision on a
// request (a decline's reason is the notice's).
const (
	NoticeOnLeave       = "on_leave"
	NoticeLeaveApproved = "leave_approved"
	NoticeLeaveDeclined = "leave_declined"
)

// Leave projects the leave-rules streams into leave_rules, the pilots'
// leave streams into leave_requests and pilot_activity, and the approvals
// and filings into pilot_activity (when a pilot joined, their last filed
// flight), so the activity sweep and the pages need no other projection's
// table.
type Leave struct{}

// Name implements Projection.
func (Leave) Name() string { return "leave" }

var leaveEvents = typeSet(&eventsv1.LeaveRulesChanged{}, &eventsv1.LeaveRequested{}, &eventsv1.LeaveApproved{},
	&eventsv1.LeaveDeclined{}, &eventsv1.PilotPutOnLeave{}, &eventsv1.PilotBackFromLeave{},
	&eventsv1.PilotApproved{}, &eventsv1.PirepFiled{})

// Handles implements Projection.
func (Leave) Handles(eventType string) bool { return leaveEvents[eventType] }

// Apply implements Projection.
func (Leave) Apply(ctx context.Context, q readmodel.Querier, ev domain.RecordedEvent, msg proto.Message) ([]notify.Notice, error) {
	var err error
	n := notify.Notice{TenantID: ev.TenantID, Topic: TopicLeave, Position: ev.Position.String()}
	decided := func(user, leave, status string, automatic bool, by, reason string, at time.Time) error {
		n.IDs = []string{user}
		return withID(leave, func(id uuid.UUID) error {
			return q.DecideLeaveRequest(ctx, readmodel.DecideLeaveRequestParams{TenantID: ev.TenantID, ID: id, Status: status,
				Automatic: automatic, DecidedBy: by, Reason: reason, DecidedAt: &at})
		})
	}
	switch e := msg.(type) {
	case *eventsv1.LeaveRulesChanged:
		err = q.UpsertLeaveRules(ctx, readmodel.UpsertLeaveRulesParams{TenantID: ev.TenantID, AutoApprove: e.AutoApprove,
			AutoLeaveDays: e.AutoLeaveDays, ChangedAt: e.ChangedAt.AsTime()})
	case *eventsv1.LeaveRequested:
		n.IDs = []string{e.UserId}
		err = withIDs(e.LeaveId, e.UserId, func(id, user uuid.UUID) error {
			return q.InsertLeaveRequest(ctx, readmodel.InsertLeaveRequestParams{TenantID: ev.TenantID, ID: id, UserID: user,
				StartDate: e.StartDate, EndDate: e.EndDate, Note: e.Note, RequestedAt: e.RequestedAt.AsTime()})
		})
	case *eventsv1.LeaveApproved:
		err = decided(e.UserId, e.LeaveId, domain.LeaveApproved, e.Automatic, e.By, "", e.ApprovedAt.AsTime())
	case *eventsv1.LeaveDeclined:
		err = decided(e.UserId, e.LeaveId, domain.LeaveDeclined, false, e.By, e.Reason, e.DeclinedAt.AsTime())
	case *eventsv1.PilotPutOnLeave:
		n.IDs = []string{e.UserId}
		at := e.At.AsTime()
		err = withID(e.UserId, func(user uuid.UUID) error {
			return q.SetPilotAway(ctx, readmodel.SetPilotAwayParams{TenantID: ev.TenantID, UserID: user, At: at, Away: true, AwaySince: &at})
		})
	case *eventsv1.PilotBackFromLeave:
		n.IDs = []string{e.UserId}
		at := e.At.AsTime()
		err = withID(e.UserId, func(user uuid.UUID) error {
			if err := q.SetPilotAway(ctx, readmodel.SetPilotAwayParams{TenantID: ev.TenantID, UserID: user, At: at}); err != nil {
				return err
			}
			return q.EndLeaveRequests(ctx, readmodel.EndLeaveRequestsParams{TenantID: ev.TenantID, UserID: user,
				Day: at.UTC().Format(time.DateOnly)})
		})
	case *eventsv1.PilotApproved:
		// Joining is where an idle pilot's days count from.
		err = withID(e.UserId, func(user uuid.UUID) error {
			return q.NotePilotJoined(ctx, readmodel.NotePilotJoinedParams{TenantID: ev.TenantID, UserID: user, JoinedAt: orRecorded(e.ApprovedAt, ev)})
		})
		n.Topic = "" // nobody's leave changed
	case *eventsv1.PirepFiled:
		err = withID(e.PilotId, func(pilot uuid.UUID) error {
			return q.NotePilotFlight(ctx, readmodel.NotePilotFlightParams{TenantID: ev.TenantID, UserID: pilot, FiledAt: orRecorded(e.FiledAt, ev)})
		})
		n.Topic = ""
	default:
		return nil, nil
	}
	if err != nil {
		return nil, fmt.Errorf("leave %s %s: %w", ev.Type, ev.StreamID, err)
	}
	if n.Topic == "" {
		return nil, nil
	}
	return []notify.Notice{n}, nil
}

// orRecorded is an event's own time, or when it was recorded for one
// that carries none.
func orRecorded(ts *timestamppb.Timestamp, ev domain.RecordedEvent) time.Time {
	if ts == nil {
		return ev.Meta.RecordedAt
	}
	return ts.AsTime()
}

// Reset implements Projection.
func (Leave) Reset(ctx context.Context, q readmodel.Querier) error {
	if err := q.DeleteAllLeaveRules(ctx); err != nil {
		return err
	}
	if err := q.DeleteAllLeaveRequests(ctx); err != nil {
		return err
	}
	return q.DeleteAllPilotActivity(ctx)
}
