package projector

import (
	"context"
	"fmt"

	"github.com/google/uuid"
	"google.golang.org/protobuf/proto"

	"github.com/albatross-va/albatross/domain"
	eventsv1 "github.com/albatross-va/albatross/domain/events/v1"
	"github.com/albatross-va/albatross/domain/live"
	"github.com/albatross-va/albatross/store/notify"
	"github.com/albatross-va/albatross/store/readmodel"
)

// TopicAwards is the notice topic of an airline's awards (the whole
// airline) and of a pilot's own awards (to that pilot only).
const TopicAwards = live.TopicAwards

// The kinds of a member's award notice: the award's name is the notice's
// reason.
const (
	NoticeAward        = "award"
	NoticeAwardRevoked = "award_revoked"
)

// Awards projects the award streams into the awards table and the pilots'
// award streams into pilot_awards. Grants are events, so a rebuild puts
// back exactly the awards held, and grants nothing.
type Awards struct{}

// Name implements Projection.
func (Awards) Name() string { return "awards" }

var awardEvents = typeSet(&eventsv1.AwardDefined{}, &eventsv1.AwardGranted{}, &eventsv1.AwardRevoked{},
	&eventsv1.AwardEdited{}, &eventsv1.AwardDeleted{})

// Handles implements Projection.
func (Awards) Handles(eventType string) bool { return awardEvents[eventType] }

// Apply implements Projection.
func (Awards) Apply(ctx context.Context, q readmodel.Querier, ev domain.RecordedEvent, msg proto.Message) ([]notify.Notice, error) {
	var err error
	n := notify.Notice{TenantID: ev.TenantID, Topic: TopicAwards, Position: ev.Position.String()}
	switch e := msg.(type) {
	case *eventsv1.AwardDefined:
		n.IDs = []string{e.AwardId}
		err = withID(e.AwardId, func(id uuid.UUID) error {
			img := e.Image
			if img == nil {
				img = []byte{}
			}
			return q.InsertAward(ctx, readmodel.InsertAwardParams{TenantID: ev.TenantID, ID: id, Name: e.Name, Description: e.Description,
				RuleKind: e.GetRule().GetKind(), RuleNumber: e.GetRule().GetNumber(), RuleCode: e.GetRule().GetCode(),
				RuleCode2: e.GetRule().GetCode2(), ImageType: e.ImageType, Image: img, CreatedAt: e.DefinedAt.AsTime()})
		})
	case *eventsv1.AwardGranted:
		n.UserID, n.IDs = e.UserId, []string{e.AwardId}
		err = withID(e.UserId, func(user uuid.UUID) error {
			return withID(e.AwardId, func(award uuid.UUID) error {
				return q.InsertPilotAward(ctx, readmodel.InsertPilotAwardParams{TenantID: ev.TenantID, UserID: user, AwardID: award,
					AwardName: e.AwardName, Reason: e.Reason, PirepID: e.PirepId, ByHand: e.ByHand, GrantedAt: e.GrantedAt.AsTime()})
			})
		})
	case *eventsv1.AwardRevoked:
		n.UserID, n.IDs = e.UserId, []string{e.AwardId}
		err = withID(e.UserId, func(user uuid.UUID) error {
			return withID(e.AwardId, func(award uuid.UUID) error {
				return q.DeletePilotAward(ctx, readmodel.DeletePilotAwardParams{TenantID: ev.TenantID, UserID: user, AwardID: award})
			})
		})
	case *eventsv1.AwardEdited:
		n.IDs = []string{e.AwardId}
		err = withID(e.AwardId, func(id uuid.UUID) error {
			if err := q.UpdateAward(ctx, readmodel.UpdateAwardParams{TenantID: ev.TenantID, ID: id, Name: e.Name, Description: e.Description,
				RuleKind: e.GetRule().GetKind(), RuleNumber: e.GetRule().GetNumber(), RuleCode: e.GetRule().GetCode(),
				RuleCode2: e.GetRule().GetCode2()}); err != nil || !e.ImageChanged {
				return err
			}
			img, typ := e.Image, e.ImageType
			if len(img) == 0 {
				img, typ = []byte{}, ""
			}
			return q.UpdateAwardImage(ctx, readmodel.UpdateAwardImageParams{TenantID: ev.TenantID, ID: id, ImageType: typ, Image: img})
		})
	case *eventsv1.AwardDeleted:
		// The award and its grants show no more; the pilots' streams keep
		// the history, and a grant or revocation of it that comes later
		// (none should) changes nothing that shows.
		n.IDs = []string{e.AwardId}
		err = withID(e.AwardId, func(id uuid.UUID) error {
			if err := q.DeleteAward(ctx, readmodel.DeleteAwardParams{TenantID: ev.TenantID, ID: id}); err != nil {
				return err
			}
			return q.DeletePilotAwardsOfAward(ctx, readmodel.DeletePilotAwardsOfAwardParams{TenantID: ev.TenantID, AwardID: id})
		})
	default:
		return nil, nil
	}
	if err != nil {
		return nil, fmt.Errorf("awards %s %s: %w", ev.Type, ev.StreamID, err)
	}
	return []notify.Notice{n}, nil
}

// Reset implements Projection.
func (Awards) Reset(ctx context.Context, q readmodel.Querier) error {
	if err := q.DeleteAllAwards(ctx); err != nil {
		return err
	}
	return q.DeleteAllPilotAwards(ctx)
}
