package projector

import (
	"context"
	"fmt"
	"time"

	"github.com/google/uuid"
	"google.golang.org/protobuf/proto"

	"github.com/albatross-va/albatross/domain"
	eventsv1 "github.com/albatross-va/albatross/domain/events/v1"
	"github.com/albatross-va/albatross/domain/live"
	"github.com/albatross-va/albatross/store/notify"
	"github.com/albatross-va/albatross/store/readmodel"
)

// TopicAirlineEvents is the notice topic of an airline's events.
const TopicAirlineEvents = live.TopicAirlineEvents

// AirlineEvents projects the airline event streams into airline_events,
// their sign-ups and the flights that counted. Counting is an event, so a
// rebuild puts back exactly what counted and counts nothing again.
type AirlineEvents struct{}

// Name implements Projection.
func (AirlineEvents) Name() string { return "airline_events" }

var airlineEventEvents = typeSet(&eventsv1.AirlineEventScheduled{}, &eventsv1.AirlineEventChanged{}, &eventsv1.AirlineEventCancelled{},
	&eventsv1.AirlineEventSignedUp{}, &eventsv1.AirlineEventWithdrawn{}, &eventsv1.AirlineEventFlightCounted{},
	&eventsv1.AirlineEventFlightUncounted{})

// Handles implements Projection.
func (AirlineEvents) Handles(eventType string) bool { return airlineEventEvents[eventType] }

func upsertAirlineEvent(ctx context.Context, q readmodel.Querier, tenant, id, name, desc string, start, end, at interface{ AsTime() time.Time },
	m *eventsv1.AirlineEventScheduled_Match) error {
	return withID(id, func(id uuid.UUID) error {
		return q.UpsertAirlineEvent(ctx, readmodel.UpsertAirlineEventParams{TenantID: tenant, ID: id, Name: name, Description: desc,
			StartsAt: start.AsTime(), EndsAt: end.AsTime(), MatchKind: m.GetKind(), FlightNumbers: nonNil(m.GetFlightNumbers()),
			Airport: m.GetAirport(), CreatedAt: at.AsTime()})
	})
}

// Apply implements Projection.
func (AirlineEvents) Apply(ctx context.Context, q readmodel.Querier, ev domain.RecordedEvent, msg proto.Message) ([]notify.Notice, error) {
	var err error
	n := notify.Notice{TenantID: ev.TenantID, Topic: TopicAirlineEvents, Position: ev.Position.String()}
	switch e := msg.(type) {
	case *eventsv1.AirlineEventScheduled:
		n.IDs = []string{e.EventId}
		err = upsertAirlineEvent(ctx, q, ev.TenantID, e.EventId, e.Name, e.Description, e.StartsAt, e.EndsAt, e.At, e.Match)
	case *eventsv1.AirlineEventChanged:
		n.IDs = []string{e.EventId}
		err = upsertAirlineEvent(ctx, q, ev.TenantID, e.EventId, e.Name, e.Description, e.StartsAt, e.EndsAt, e.At, e.Match)
	case *eventsv1.AirlineEventCancelled:
		n.IDs = []string{e.EventId}
		err = withID(e.EventId, func(id uuid.UUID) error {
			return q.CancelAirlineEvent(ctx, readmodel.CancelAirlineEventParams{TenantID: ev.TenantID, ID: id, UpdatedAt: e.At.AsTime()})
		})
	case *eventsv1.AirlineEventSignedUp:
		n.IDs = []string{e.EventId}
		err = withIDs(e.EventId, e.UserId, func(event, user uuid.UUID) error {
			return q.InsertAirlineEventSignup(ctx, readmodel.InsertAirlineEventSignupParams{TenantID: ev.TenantID, EventID: event, UserID: user,
				SignedUpAt: e.At.AsTime()})
		})
	case *eventsv1.AirlineEventWithdrawn:
		n.IDs = []string{e.EventId}
		err = withIDs(e.EventId, e.UserId, func(event, user uuid.UUID) error {
			return q.DeleteAirlineEventSignup(ctx, readmodel.DeleteAirlineEventSignupParams{TenantID: ev.TenantID, EventID: event, UserID: user})
		})
	case *eventsv1.AirlineEventFlightCounted:
		n.IDs = []string{e.EventId}
		err = withIDs(e.EventId, e.PirepId, func(event, pirep uuid.UUID) error {
			return withID(e.UserId, func(user uuid.UUID) error {
				return q.InsertAirlineEventFlight(ctx, readmodel.InsertAirlineEventFlightParams{TenantID: ev.TenantID, EventID: event, PirepID: pirep,
					UserID: user, FlightNumber: e.FlightNumber, DptAirport: e.DptAirport, ArrAirport: e.ArrAirport, BlockOn: e.BlockOn.AsTime(),
					CountedAt: e.At.AsTime()})
			})
		})
	case *eventsv1.AirlineEventFlightUncounted:
		n.IDs = []string{e.EventId}
		err = withIDs(e.EventId, e.PirepId, func(event, pirep uuid.UUID) error {
			return q.DeleteAirlineEventFlight(ctx, readmodel.DeleteAirlineEventFlightParams{TenantID: ev.TenantID, EventID: event, PirepID: pirep})
		})
	default:
		return nil, nil
	}
	if err != nil {
		return nil, fmt.Errorf("airline events %s %s: %w", ev.Type, ev.StreamID, err)
	}
	return []notify.Notice{n}, nil
}

// Reset implements Projection.
func (AirlineEvents) Reset(ctx context.Context, q readmodel.Querier) error {
	if err := q.DeleteAllAirlineEvents(ctx); err != nil {
		return err
	}
	if err := q.DeleteAllAirlineEventSignups(ctx); err != nil {
		return err
	}
	return q.DeleteAllAirlineEventFlights(ctx)
}
