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

// Jumpseats projects the pilots' jumpseat streams into the jumpseats
// table. A jumpseat moves the pilot, so its notice goes to their own pages
// (the dashboard's location and departures, their history).
type Jumpseats struct{}

// Name implements Projection.
func (Jumpseats) Name() string { return "jumpseats" }

var jumpseatEvents = typeSet(&eventsv1.PilotJumpseated{})

// Handles implements Projection.
func (Jumpseats) Handles(eventType string) bool { return jumpseatEvents[eventType] }

// Apply implements Projection.
func (Jumpseats) Apply(ctx context.Context, q readmodel.Querier, ev domain.RecordedEvent, msg proto.Message) ([]notify.Notice, error) {
	e, ok := msg.(*eventsv1.PilotJumpseated)
	if !ok {
		return nil, nil
	}
	id, err := uuid.Parse(e.JumpseatId)
	if err != nil {
		return nil, fmt.Errorf("jumpseat id %q: %w", e.JumpseatId, err)
	}
	pilot, err := uuid.Parse(e.PilotId)
	if err != nil {
		return nil, fmt.Errorf("jumpseat %s: pilot id %q: %w", e.JumpseatId, e.PilotId, err)
	}
	if err := q.InsertJumpseat(ctx, readmodel.InsertJumpseatParams{TenantID: ev.TenantID, ID: id, PilotID: pilot,
		FromAirport: e.FromAirport, ToAirport: e.ToAirport, MovedAt: e.MovedAt.AsTime()}); err != nil {
		return nil, fmt.Errorf("jumpseat %s: %w", e.JumpseatId, err)
	}
	return []notify.Notice{{TenantID: ev.TenantID, UserID: e.PilotId, Topic: live.TopicOwnPireps, IDs: []string{e.JumpseatId},
		Position: ev.Position.String()}}, nil
}

// Reset implements Projection.
func (Jumpseats) Reset(ctx context.Context, q readmodel.Querier) error {
	return q.DeleteAllJumpseats(ctx)
}
