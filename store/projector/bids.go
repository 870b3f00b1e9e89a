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

// TopicBids is the notice topic of the pilots' bids.
const TopicBids = live.TopicBids

// BidRules projects the airlines' bid settings, from the airline streams,
// into the airline_bid_rules table.
type BidRules struct{}

// Name implements Projection.
func (BidRules) Name() string { return "bid_rules" }

var bidRuleEvents = typeSet(&eventsv1.BidRulesChanged{})

// Handles implements Projection.
func (BidRules) Handles(eventType string) bool { return bidRuleEvents[eventType] }

// Apply implements Projection.
func (BidRules) Apply(ctx context.Context, q readmodel.Querier, ev domain.RecordedEvent, msg proto.Message) ([]notify.Notice, error) {
	e, ok := msg.(*eventsv1.BidRulesChanged)
	if !ok {
		return nil, nil
	}
	if err := q.UpsertAirlineBidRules(ctx, readmodel.UpsertAirlineBidRulesParams{TenantID: ev.TenantID,
		AllowMultiple: e.AllowMultipleBids, OnePilotPerFlight: e.OnePilotPerFlight, BlockAircraft: e.BlockAircraft,
		ExpireAfterHours: e.ExpireAfterHours, UpdatedAt: e.ChangedAt.AsTime()}); err != nil {
		return nil, fmt.Errorf("bid rules of %s: %w", ev.TenantID, err)
	}
	return []notify.Notice{{TenantID: ev.TenantID, Topic: TopicSettings, IDs: []string{ev.TenantID}, Position: ev.Position.String()}}, nil
}

// Reset implements Projection.
func (BidRules) Reset(ctx context.Context, q readmodel.Querier) error {
	return q.DeleteAllAirlineBidRules(ctx)
}

// Bids projects the pilots' bid streams into the bids table. A bid
// changes what the airline's flight search shows (a taken flight, an
// aircraft reserved), so its notice goes to the flights' pages too.
type Bids struct{}

// Name implements Projection.
func (Bids) Name() string { return "bids" }

var bidEvents = typeSet(&eventsv1.BidPlaced{}, &eventsv1.BidRemoved{})

// Handles implements Projection.
func (Bids) Handles(eventType string) bool { return bidEvents[eventType] }

// Apply implements Projection.
func (Bids) Apply(ctx context.Context, q readmodel.Querier, ev domain.RecordedEvent, msg proto.Message) ([]notify.Notice, error) {
	var bidID, pilotID, flightID string
	switch e := msg.(type) {
	case *eventsv1.BidPlaced:
		bidID, pilotID, flightID = e.BidId, e.PilotId, e.FlightId
	case *eventsv1.BidRemoved:
		bidID, pilotID, flightID = e.BidId, e.PilotId, e.FlightId
	default:
		return nil, nil
	}
	id, err := uuid.Parse(bidID)
	if err != nil {
		return nil, fmt.Errorf("bid id %q: %w", bidID, err)
	}
	pilot, err := uuid.Parse(pilotID)
	if err != nil {
		return nil, fmt.Errorf("bid %s: pilot id %q: %w", bidID, pilotID, err)
	}
	switch e := msg.(type) {
	case *eventsv1.BidPlaced:
		err = q.InsertBid(ctx, readmodel.InsertBidParams{TenantID: ev.TenantID, ID: id, PilotID: pilot, FlightID: e.FlightId,
			AircraftID: e.AircraftId, FlightNumber: e.FlightNumber, DptAirport: e.DptAirport, ArrAirport: e.ArrAirport,
			PlacedAt: e.PlacedAt.AsTime(), Charter: e.Charter, Route: e.Route, Level: e.Level, Distance: e.Distance, Cargo: e.Cargo,
			DptTime: e.DptTime, ArrTime: e.ArrTime, FlightTime: e.FlightTime})
	case *eventsv1.BidRemoved:
		err = q.EndBid(ctx, readmodel.EndBidParams{TenantID: ev.TenantID, ID: id, EndedAt: e.RemovedAt.AsTime(), EndReason: e.Reason})
	}
	if err != nil {
		return nil, fmt.Errorf("bid %s: %w", bidID, err)
	}
	pos := ev.Position.String()
	return []notify.Notice{
		{TenantID: ev.TenantID, Topic: TopicBids, IDs: []string{bidID, pilotID}, Position: pos},
		{TenantID: ev.TenantID, Topic: TopicFlights, IDs: []string{flightID}, Position: pos},
	}, nil
}

// Reset implements Projection.
func (Bids) Reset(ctx context.Context, q readmodel.Querier) error {
	return q.DeleteAllBids(ctx)
}
