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

// Profiles projects the pilots' profile settings into pilot_profiles: who
// shows their public profile and who turned it off.
type Profiles struct{}

// Name implements Projection.
func (Profiles) Name() string { return "profiles" }

var profileEvents = typeSet(&eventsv1.ProfileVisibilitySet{})

// Handles implements Projection.
func (Profiles) Handles(eventType string) bool { return profileEvents[eventType] }

// Apply implements Projection.
func (Profiles) Apply(ctx context.Context, q readmodel.Querier, ev domain.RecordedEvent, msg proto.Message) ([]notify.Notice, error) {
	e, ok := msg.(*eventsv1.ProfileVisibilitySet)
	if !ok {
		return nil, nil
	}
	err := withID(e.UserId, func(user uuid.UUID) error {
		return q.SetPilotProfileVisibility(ctx, readmodel.SetPilotProfileVisibilityParams{TenantID: ev.TenantID, UserID: user,
			Public: e.Public, UpdatedAt: e.SetAt.AsTime()})
	})
	if err != nil {
		return nil, fmt.Errorf("profiles %s %s: %w", ev.Type, ev.StreamID, err)
	}
	// The airline's public pages link to public profiles only.
	return []notify.Notice{{TenantID: ev.TenantID, Topic: live.TopicPilotTotals, IDs: []string{e.UserId}, Position: ev.Position.String()}}, nil
}

// Reset implements Projection.
func (Profiles) Reset(ctx context.Context, q readmodel.Querier) error {
	return q.DeleteAllPilotProfiles(ctx)
}
