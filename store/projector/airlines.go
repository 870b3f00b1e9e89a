package projector

import (
	"cmp"
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

// TopicAirlines is the notice topic of the platform's airline list.
const TopicAirlines = live.TopicAirlines

// All returns every projection of Albatross, in the order they are applied.
func All() []Projection {
	return []Projection{Airlines{}, Users{}, APIKeys{}, Airports{}, Fleet{}, Flights{}, Pireps{}, Ranks{}, PirepRules{}, PirepComments{}, Notices{}, BidRules{}, Bids{}, Simbrief{}, Jumpseats{}, News{}, Awards{}, TypeRatings{}, Fares{}, Expenses{}, Tours{}, AirlineEvents{}, Leave{}, Scores{}, Profiles{}}
}

// Airlines projects the airline streams into the airlines table.
type Airlines struct{}

// Name implements Projection.
func (Airlines) Name() string { return "airlines" }

// Handles implements Projection.
func (Airlines) Handles(eventType string) bool { return airlineEvents[eventType] }

// airlineEvents are the airline events the list and profile show; the
// membership decisions in an airline's stream change no airline row.
var airlineEvents = typeSet(&eventsv1.AirlineCreated{}, &eventsv1.AirlineProfileChanged{},
	&eventsv1.AirlineSuspended{}, &eventsv1.AirlineReactivated{})

// Apply implements Projection.
func (Airlines) Apply(ctx context.Context, q readmodel.Querier, ev domain.RecordedEvent, msg proto.Message) ([]notify.Notice, error) {
	id, err := uuid.Parse(ev.TenantID)
	if err != nil {
		return nil, fmt.Errorf("airline id %q: %w", ev.TenantID, err)
	}
	var row readmodel.UpsertAirlineParams
	if e, ok := msg.(*eventsv1.AirlineCreated); ok {
		row = readmodel.UpsertAirlineParams{
			ID: id, Name: e.Name, Icao: e.Icao, Iata: e.Iata, Slug: e.Slug, CreatedAt: e.CreatedAt.AsTime(),
			PilotIDPrefix: cmp.Or(e.PilotIdPrefix, e.Icao), Registration: cmp.Or(e.Registration, domain.RegistrationApproval),
		}
	} else {
		a, err := q.GetAirline(ctx, id)
		if err != nil {
			return nil, fmt.Errorf("get airline %s: %w", id, err)
		}
		// Every column but the number, which the read model gave on
		// insert and an update keeps.
		row = readmodel.UpsertAirlineParams{
			ID: a.ID, Name: a.Name, Icao: a.Icao, Iata: a.Iata, Slug: a.Slug, CreatedAt: a.CreatedAt,
			PilotIDPrefix: a.PilotIDPrefix, Registration: a.Registration, Suspended: a.Suspended,
		}
		switch e := msg.(type) {
		case *eventsv1.AirlineProfileChanged:
			row.Name, row.Iata, row.PilotIDPrefix, row.Registration = e.Name, e.Iata, e.PilotIdPrefix, e.Registration
			row.Icao, row.Slug = cmp.Or(e.Icao, row.Icao), cmp.Or(e.Slug, row.Slug)
		case *eventsv1.AirlineSuspended:
			row.Suspended = true
		case *eventsv1.AirlineReactivated:
			row.Suspended = false
		}
	}
	if err := q.UpsertAirline(ctx, row); err != nil {
		return nil, fmt.Errorf("upsert airline %s: %w", id, err)
	}
	// The airline list is platform-wide, so the notice has no tenant.
	return []notify.Notice{{TenantID: "", Topic: TopicAirlines, IDs: []string{id.String()}, Position: ev.Position.String()}}, nil
}

// Reset implements Projection.
func (Airlines) Reset(ctx context.Context, q readmodel.Querier) error {
	return q.DeleteAllAirlines(ctx)
}
