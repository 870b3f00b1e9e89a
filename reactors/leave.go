package reactors

import (
	"context"
	"log/slog"
	"time"

	"github.com/google/uuid"
	"google.golang.org/protobuf/proto"

	"github.com/albatross-va/albatross/domain"
	"github.com/albatross-va/albatross/domain/events"
	eventsv1 "github.com/albatross-va/albatross/domain/events/v1"
	"github.com/albatross-va/albatross/store/reads"
)

// LeaveCommands are the leave commands the activity reactors send
// (domain.Leave).
type LeaveCommands interface {
	PutOnLeaveIdle(ctx context.Context, meta domain.CommandMeta, airlineID, userID string, lastFlight, asOf time.Time) (domain.AppendResult, error)
	ReturnFromLeave(ctx context.Context, meta domain.CommandMeta, airlineID, userID, pirepID string, filedAt time.Time) (domain.AppendResult, error)
}

// LeaveReturns brings a pilot back from leave when they file a flight:
// the activity rule's leave, and the approved request the day falls in.
// The pilot's leave stream decides, so a pilot not on leave appends
// nothing.
type LeaveReturns struct {
	Leave LeaveCommands
}

// Name implements projector.Reactor.
func (LeaveReturns) Name() string { return "leave_returns" }

var leaveReturnEvents = map[string]bool{events.TypeName(&eventsv1.PirepFiled{}): true}

// Handles implements projector.Reactor.
func (LeaveReturns) Handles(eventType string) bool { return leaveReturnEvents[eventType] }

// Reads implements projector.Reactor: it reads no read model.
func (LeaveReturns) Reads() []string { return nil }

// React implements projector.Reactor.
func (l LeaveReturns) React(ctx context.Context, meta domain.CommandMeta, ev domain.RecordedEvent, msg proto.Message) (domain.Position, error) {
	e, ok := msg.(*eventsv1.PirepFiled)
	if !ok || e.PilotId == "" {
		return domain.Start, nil
	}
	filed := ev.Meta.RecordedAt
	if e.FiledAt != nil {
		filed = e.FiledAt.AsTime()
	}
	res, err := l.Leave.ReturnFromLeave(ctx, meta, ev.TenantID, e.PilotId, e.PirepId, filed)
	return res.Position, err
}

// ActivityLeave is the airline's activity rule (phpVMS's
// pilots.auto_leave_days): a pilot whose last filed flight (or, before
// one, their joining) is more than the rule's days ago is put on leave,
// with a notice. What follows no event but the calendar, so it is a sweep
// on a timer, as AbandonedFlights is. Every process may run it: each
// command's id is derived from the pilot and the day, and the pilot's
// leave stream puts them on leave once, so a restart or a second process
// adds nothing.
type ActivityLeave struct {
	Reads reads.Querier
	Leave LeaveCommands
	Now   func() time.Time // time.Now when nil
	Log   *slog.Logger
}

// activityNamespace makes the command ids of the activity sweep.
var activityNamespace = uuid.MustParse("3a7c9e12-6b4d-4f80-9a25-d1e3f5a7b9c4")

// Sweep puts on leave every idle active pilot of every airline with an
// activity rule and returns how many it put on leave.
func (s *ActivityLeave) Sweep(ctx context.Context) (int, error) {
	now := time.Now()
	if s.Now != nil {
		now = s.Now()
	}
	rules, err := s.Reads.ListAutoLeaveRules(ctx)
	if err != nil {
		return 0, err
	}
	day := now.UTC().Format(time.DateOnly)
	n := 0
	for _, r := range rules {
		cutoff := now.Add(-time.Duration(r.AutoLeaveDays) * 24 * time.Hour)
		pilots, err := s.Reads.ListPilotActivity(ctx, r.TenantID)
		if err != nil {
			return n, err
		}
		for _, p := range pilots {
			last := p.JoinedAt
			if p.LastFlightAt != nil {
				last = *p.LastFlightAt
			}
			if p.Away || !last.Before(cutoff) {
				continue
			}
			meta := domain.CommandMeta{ID: uuid.NewSHA1(activityNamespace, []byte(r.TenantID+"/"+p.UserID.String()+"/"+day)).String(),
				Who: domain.System, CausationID: "activity sweep"}
			res, err := s.Leave.PutOnLeaveIdle(ctx, meta, r.TenantID, p.UserID.String(), last, now)
			if err != nil {
				s.log().WarnContext(ctx, "put an idle pilot on leave", "airline", r.TenantID, "user", p.UserID, "err", err)
				continue
			}
			if res.Position != domain.Start {
				n++
			}
		}
	}
	return n, nil
}

func (s *ActivityLeave) log() *slog.Logger {
	if s.Log == nil {
		return slog.Default()
	}
	return s.Log
}

// Run sweeps every interval until ctx ends.
func (s *ActivityLeave) Run(ctx context.Context, every time.Duration) {
	runSweep(ctx, every, s.log(), "idle pilots", "put idle pilots on leave", "pilots", s.Sweep)
}
