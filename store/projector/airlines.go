package projector

import (
	"context"
	"fmt"

	"github.com/google/uuid"
	"google.golang.org/protobuf/proto"

	"github.com/albatross-va/albatross/domain"
	"github.com/albatross-va/albatross/domain/events"
	eventsv1 "github.com/albatross-va/albatross/domain/events/v1"
	"github.com/albatross-va/albatross/store/notify"
	"github.com/albatross-va/albatross/store/readmodel"
)

// TopicAirlines is the notice topic of the platform's airline list.
const TopicAirlines = "airlines"

// All returns every projection of Albatross, in the order they are applied.
func All() []Projection { return []Projection{Airlines{}, Users{}, ApiKeys{}} }

// Airlines projects the airline streams into the airlines table.
type Airlines struct{}

// Name implements Projection.
func (Airlines) Name() string { return "airlines" }

// Handles implements Projection.
func (Airlines) Handles(eventType string) bool {
	return eventType == events.TypeName(&eventsv1.AirlineCreated{})
}

// Apply implements Projection.
func (Airlines) Apply(ctx context.Context, q readmodel.Querier, ev domain.RecordedEvent, msg proto.Message) ([]notify.Notice, error) {
	switch e := msg.(type) {
	case *eventsv1.AirlineCreated:
		id, err := uuid.Parse(e.AirlineId)
		if err != nil {
			return nil, fmt.Errorf("airline id %q: %w", e.AirlineId, err)
		}
		err = q.UpsertAirline(ctx, readmodel.UpsertAirlineParams{
			ID: id, Name: e.Name, Icao: e.Icao, Iata: e.Iata, Slug: e.Slug,
			CreatedAt: e.CreatedAt.AsTime(),
		})
		if err != nil {
			return nil, fmt.Errorf("upsert airline %s: %w", id, err)
		}
		// The airline list is platform-wide, so the notice has no tenant.
		return []notify.Notice{{TenantID: "", Topic: TopicAirlines, IDs: []string{id.String()}, Position: ev.Position.String()}}, nil
	}
	return nil, nil
}

// Reset implements Projection.
func (Airlines) Reset(ctx context.Context, q readmodel.Querier) error {
	return q.DeleteAllAirlines(ctx)
}
