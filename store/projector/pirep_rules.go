package projector

import (
	"context"
	"fmt"

	"google.golang.org/protobuf/proto"

	"github.com/albatross-va/albatross/domain"
	eventsv1 "github.com/albatross-va/albatross/domain/events/v1"
	"github.com/albatross-va/albatross/domain/live"
	"github.com/albatross-va/albatross/store/notify"
	"github.com/albatross-va/albatross/store/readmodel"
)

// TopicSettings is the notice topic of an airline's settings.
const TopicSettings = live.TopicSettings

// PirepRules projects the airlines' PIREP filing rules, from the airline
// streams, into the airline_pirep_rules table.
type PirepRules struct{}

// Name implements Projection.
func (PirepRules) Name() string { return "pirep_rules" }

// Handles implements Projection.
func (PirepRules) Handles(eventType string) bool { return pirepRuleEvents[eventType] }

var pirepRuleEvents = typeSet(&eventsv1.PirepRulesChanged{})

// Apply implements Projection.
func (PirepRules) Apply(ctx context.Context, q readmodel.Querier, ev domain.RecordedEvent, msg proto.Message) ([]notify.Notice, error) {
	e, ok := msg.(*eventsv1.PirepRulesChanged)
	if !ok {
		return nil, nil
	}
	if err := q.UpsertAirlinePirepRules(ctx, readmodel.UpsertAirlinePirepRulesParams{TenantID: ev.TenantID,
		AircraftAtDeparture: e.AircraftAtDeparture, PilotAtDeparture: e.PilotAtDeparture, UpdatedAt: e.ChangedAt.AsTime(),
		AbandonAfterMinutes: e.AbandonAfterMinutes, PublicLiveMapOff: e.PublicLiveMapOff, AllowCharters: e.AllowCharters,
		AllowJumpseats: e.AllowJumpseats, JumpseatsPerMonth: e.JumpseatsPerMonth, JumpseatHubsOnly: e.JumpseatHubsOnly}); err != nil {
		return nil, fmt.Errorf("pirep rules of %s: %w", ev.TenantID, err)
	}
	return []notify.Notice{{TenantID: ev.TenantID, Topic: TopicSettings, IDs: []string{ev.TenantID}, Position: ev.Position.String()}}, nil
}

// Reset implements Projection.
func (PirepRules) Reset(ctx context.Context, q readmodel.Querier) error {
	return q.DeleteAllAirlinePirepRules(ctx)
}
