package projector

import (
	"context"
	"fmt"
	"strings"

	"google.golang.org/protobuf/proto"
	"google.golang.org/protobuf/types/known/timestamppb"

	"github.com/albatross-va/albatross/domain"
	eventsv1 "github.com/albatross-va/albatross/domain/events/v1"
	"github.com/albatross-va/albatross/domain/live"
	"github.com/albatross-va/albatross/store/notify"
	"github.com/albatross-va/albatross/store/readmodel"
)

// TopicAirports is the notice topic of an airline's airports; the notice
// goes to that airline's pages only.
const TopicAirports = live.TopicAirports

// Airports projects the airport streams into the airports table.
type Airports struct{}

// Name implements Projection.
func (Airports) Name() string { return "airports" }

// Handles implements Projection.
func (Airports) Handles(eventType string) bool { return airportEvents[eventType] }

var airportEvents = typeSet(&eventsv1.AirportAdded{}, &eventsv1.AirportChanged{})

// Apply implements Projection. Every event carries the whole state, so the
// row is written from the event alone.
func (Airports) Apply(ctx context.Context, q readmodel.Querier, ev domain.RecordedEvent, msg proto.Message) ([]notify.Notice, error) {
	var (
		airline string
		state   *eventsv1.AirportAdded_State
		at      *timestamppb.Timestamp
	)
	switch e := msg.(type) {
	case *eventsv1.AirportAdded:
		airline, state, at = e.AirlineId, e.Airport, e.AddedAt
	case *eventsv1.AirportChanged:
		airline, state, at = e.AirlineId, e.Airport, e.ChangedAt
	default:
		return nil, nil
	}
	d := domain.AirportDetailsFromEvent(state)
	err := q.UpsertAirport(ctx, readmodel.UpsertAirportParams{
		TenantID: airline, Icao: d.ICAO, Iata: d.IATA, Name: d.Name, City: d.City, Region: d.Region, Country: d.Country,
		Timezone: d.Timezone, Hub: d.Hub, Latitude: d.Latitude, Longitude: d.Longitude, ElevationFt: d.Elevation,
		GroundHandlingCost: d.GroundHandlingCost, Fuel100llCost: d.Fuel100LLCost, FuelJetaCost: d.FuelJetACost,
		FuelMogasCost: d.FuelMogasCost, Notes: d.Notes, Search: AirportSearchText(d.ICAO, d.IATA, d.Name, d.City),
		UpdatedAt: at.AsTime(),
	})
	if err != nil {
		return nil, fmt.Errorf("upsert airport %s of %s: %w", d.ICAO, airline, err)
	}
	return []notify.Notice{{TenantID: airline, Topic: TopicAirports, IDs: []string{d.ICAO}, Position: ev.Position.String()}}, nil
}

// AirportSearchText is what the airport search matches a lower-cased term
// against: the codes, name and city, lower-cased.
func AirportSearchText(icao, iata, name, city string) string {
	return strings.ToLower(icao + " " + iata + " " + name + " " + city)
}

// Reset implements Projection.
func (Airports) Reset(ctx context.Context, q readmodel.Querier) error {
	return q.DeleteAllAirports(ctx)
}
