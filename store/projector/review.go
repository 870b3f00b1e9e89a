package projector

import (
	"context"
	"fmt"
	"strconv"

	"github.com/google/uuid"
	"google.golang.org/protobuf/proto"

	"github.com/albatross-va/albatross/domain"
	eventsv1 "github.com/albatross-va/albatross/domain/events/v1"
	"github.com/albatross-va/albatross/domain/live"
	"github.com/albatross-va/albatross/store/notify"
	"github.com/albatross-va/albatross/store/readmodel"
)

// TopicPirepComments is the notice topic of the comment threads of an
// airline's PIREPs; a PIREP's open page re-fetches its thread from it.
const TopicPirepComments = live.TopicPirepComments

// TopicNotices is the notice topic of a member's own notices: it goes to
// that member's open pages only (notify.Notice.UserID), which re-fetch
// their notices from it.
const TopicNotices = live.TopicNotices

// The kinds of a member's notice.
const (
	NoticeAccepted = "accepted"
	NoticeRejected = "rejected"
	NoticeRank     = "rank"
	// NoticeBidExpired tells a pilot the system removed their bid.
	NoticeBidExpired = "bid_expired"
)

// PirepComments projects the comments on the PIREP streams into the
// pirep_comments table.
type PirepComments struct{}

// Name implements Projection.
func (PirepComments) Name() string { return "pirep_comments" }

// Handles implements Projection.
func (PirepComments) Handles(eventType string) bool { return commentEvents[eventType] }

var commentEvents = typeSet(&eventsv1.PirepCommentAdded{})

// Apply implements Projection.
func (PirepComments) Apply(ctx context.Context, q readmodel.Querier, ev domain.RecordedEvent, msg proto.Message) ([]notify.Notice, error) {
	e, ok := msg.(*eventsv1.PirepCommentAdded)
	if !ok {
		return nil, nil
	}
	err := withID(e.PirepId, func(pirep uuid.UUID) error {
		return withID(e.CommentId, func(id uuid.UUID) error {
			return q.UpsertPirepComment(ctx, readmodel.UpsertPirepCommentParams{TenantID: ev.TenantID, PirepID: pirep, ID: id,
				AuthorID: e.AuthorId, Text: e.Text, CreatedAt: e.AddedAt.AsTime()})
		})
	})
	if err != nil {
		return nil, fmt.Errorf("pirep comments %s %s: %w", ev.Type, e.PirepId, err)
	}
	return []notify.Notice{{TenantID: ev.TenantID, Topic: TopicPirepComments, IDs: []string{e.PirepId}, Position: ev.Position.String()}}, nil
}

// Reset implements Projection.
func (PirepComments) Reset(ctx context.Context, q readmodel.Querier) error {
	return q.DeleteAllPirepComments(ctx)
}

// Notices projects what a member is told into the notices table: their
// PIREP accepted or rejected (naming its flight and route, which it keeps
// in notice_pireps from the filing and edits, so it needs no other
// projection's table) and their new rank; and their dismissals. A notice's
// id is the stream and version of the event it tells of.
type Notices struct{}

// Name implements Projection.
func (Notices) Name() string { return "notices" }

// Handles implements Projection.
func (Notices) Handles(eventType string) bool { return noticeEvents[eventType] }

var noticeEvents = typeSet(&eventsv1.PirepFiled{}, &eventsv1.PirepEdited{}, &eventsv1.PirepAccepted{},
	&eventsv1.PirepRejected{}, &eventsv1.PilotRankSet{}, &eventsv1.NoticeDismissed{}, &eventsv1.BidRemoved{},
	&eventsv1.AwardGranted{}, &eventsv1.AwardRevoked{},
	&eventsv1.PilotPutOnLeave{}, &eventsv1.LeaveApproved{}, &eventsv1.LeaveDeclined{})

// Apply implements Projection.
func (Notices) Apply(ctx context.Context, q readmodel.Querier, ev domain.RecordedEvent, msg proto.Message) ([]notify.Notice, error) {
	id := ev.StreamID + "@" + strconv.FormatInt(ev.Version, 10)
	// tell adds a notice about a PIREP to its pilot, and returns the pilot.
	tell := func(pirepID, kind, reason string) (string, error) {
		var told string
		err := withID(pirepID, func(pid uuid.UUID) error {
			p, err := q.GetNoticePirep(ctx, readmodel.GetNoticePirepParams{TenantID: ev.TenantID, PirepID: pid})
			if domain.ErrorCode(err) == domain.ENotFound {
				return nil // never filed in this airline: nobody to tell
			}
			if err != nil {
				return err
			}
			told = p.PilotID.String()
			// Only the latest decision on a PIREP stands: a reject after
			// an accept puts the accept's notice away.
			at := ev.Meta.RecordedAt
			if err := q.PutAwayPirepNotices(ctx, readmodel.PutAwayPirepNoticesParams{TenantID: ev.TenantID, UserID: p.PilotID,
				PirepID: pirepID, ReadAt: &at}); err != nil {
				return err
			}
			return q.InsertNotice(ctx, readmodel.InsertNoticeParams{TenantID: ev.TenantID, UserID: p.PilotID, ID: id, Kind: kind,
				PirepID: pirepID, FlightNumber: p.FlightNumber, DptAirport: p.DptAirport, ArrAirport: p.ArrAirport,
				Reason: reason, CreatedAt: ev.Meta.RecordedAt})
		})
		return told, err
	}
	var told string // whose notices changed
	var err error
	switch e := msg.(type) {
	case *eventsv1.PirepFiled:
		err = notePirep(ctx, q, ev.TenantID, e.PirepId, e.PilotId, e.Details)
	case *eventsv1.PirepEdited:
		err = withID(e.PirepId, func(pid uuid.UUID) error {
			p, err := q.GetNoticePirep(ctx, readmodel.GetNoticePirepParams{TenantID: ev.TenantID, PirepID: pid})
			if domain.ErrorCode(err) == domain.ENotFound {
				return nil
			}
			if err != nil {
				return err
			}
			return notePirep(ctx, q, ev.TenantID, e.PirepId, p.PilotID.String(), e.Details)
		})
	case *eventsv1.PirepAccepted:
		told, err = tell(e.PirepId, NoticeAccepted, "")
	case *eventsv1.PirepRejected:
		told, err = tell(e.PirepId, NoticeRejected, e.Reason)
	case *eventsv1.PilotRankSet:
		err = withID(e.UserId, func(user uuid.UUID) error {
			prev, err := q.GetLastNoticeOfKind(ctx, readmodel.GetLastNoticeOfKindParams{TenantID: ev.TenantID, UserID: user, Kind: NoticeRank})
			if err != nil && domain.ErrorCode(err) != domain.ENotFound {
				return err
			}
			if prev.RankID == e.RankId {
				return nil // the floor moved, the rank did not
			}
			told = user.String()
			return q.InsertNotice(ctx, readmodel.InsertNoticeParams{TenantID: ev.TenantID, UserID: user, ID: id, Kind: NoticeRank,
				RankID: e.RankId, PrevRankID: prev.RankID, CreatedAt: ev.Meta.RecordedAt})
		})
	case *eventsv1.BidRemoved:
		if e.Reason != domain.BidExpired {
			return nil, nil // the pilot's own doing, or their PIREP's: nothing to tell
		}
		err = withID(e.PilotId, func(user uuid.UUID) error {
			told = user.String()
			return q.InsertNotice(ctx, readmodel.InsertNoticeParams{TenantID: ev.TenantID, UserID: user, ID: id, Kind: NoticeBidExpired,
				FlightNumber: e.FlightNumber, DptAirport: e.DptAirport, ArrAirport: e.ArrAirport, CreatedAt: ev.Meta.RecordedAt})
		})
	case *eventsv1.AwardGranted:
		told, err = tellAward(ctx, q, ev, id, e.UserId, NoticeAward, e.AwardName, e.PirepId)
	case *eventsv1.AwardRevoked:
		told, err = tellAward(ctx, q, ev, id, e.UserId, NoticeAwardRevoked, e.AwardName, e.PirepId)
	case *eventsv1.PilotPutOnLeave:
		told, err = tellLeave(ctx, q, ev, id, e.UserId, NoticeOnLeave, strconv.Itoa(int(e.IdleDays)))
	case *eventsv1.LeaveApproved:
		if e.Automatic {
			return nil, nil // the pilot's own request, approved as they made it
		}
		told, err = tellLeave(ctx, q, ev, id, e.UserId, NoticeLeaveApproved, "")
	case *eventsv1.LeaveDeclined:
		told, err = tellLeave(ctx, q, ev, id, e.UserId, NoticeLeaveDeclined, e.Reason)
	case *eventsv1.NoticeDismissed:
		err = withID(e.UserId, func(user uuid.UUID) error {
			told = user.String()
			at := e.DismissedAt.AsTime()
			return q.MarkNoticeRead(ctx, readmodel.MarkNoticeReadParams{TenantID: ev.TenantID, UserID: user, ID: e.NoticeId, ReadAt: &at})
		})
	default:
		return nil, nil
	}
	if err != nil {
		return nil, fmt.Errorf("notices %s %s: %w", ev.Type, ev.StreamID, err)
	}
	if told == "" {
		return nil, nil
	}
	return []notify.Notice{{TenantID: ev.TenantID, UserID: told, Topic: TopicNotices, Position: ev.Position.String()}}, nil
}

// tellAward adds an award notice for a pilot (the award's name as its
// reason), and returns the pilot.
func tellAward(ctx context.Context, q readmodel.Querier, ev domain.RecordedEvent, id, userID, kind, name, pirepID string) (string, error) {
	err := withID(userID, func(user uuid.UUID) error {
		return q.InsertNotice(ctx, readmodel.InsertNoticeParams{TenantID: ev.TenantID, UserID: user, ID: id, Kind: kind,
			PirepID: pirepID, Reason: name, CreatedAt: ev.Meta.RecordedAt})
	})
	return userID, err
}

// tellLeave adds a leave notice for a pilot, and returns the pilot.
func tellLeave(ctx context.Context, q readmodel.Querier, ev domain.RecordedEvent, id, userID, kind, reason string) (string, error) {
	err := withID(userID, func(user uuid.UUID) error {
		return q.InsertNotice(ctx, readmodel.InsertNoticeParams{TenantID: ev.TenantID, UserID: user, ID: id, Kind: kind,
			Reason: reason, CreatedAt: ev.Meta.RecordedAt})
	})
	return userID, err
}

// notePirep keeps what notices name of a PIREP.
func notePirep(ctx context.Context, q readmodel.Querier, tenantID, pirepID, pilotID string, d *eventsv1.PirepFiled_Details) error {
	return withID(pirepID, func(pid uuid.UUID) error {
		return withID(pilotID, func(pilot uuid.UUID) error {
			return q.UpsertNoticePirep(ctx, readmodel.UpsertNoticePirepParams{TenantID: tenantID, PirepID: pid, PilotID: pilot,
				FlightNumber: d.GetFlightNumber(), DptAirport: d.GetDptAirport(), ArrAirport: d.GetArrAirport()})
		})
	})
}

// Reset implements Projection.
func (Notices) Reset(ctx context.Context, q readmodel.Querier) error {
	if err := q.DeleteAllNotices(ctx); err != nil {
		return err
	}
	return q.DeleteAllNoticePireps(ctx)
}
