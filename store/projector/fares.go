package projector

import (
	"context"
	"fmt"

	"google.golang.org/protobuf/proto"

	"github.com/albatross-va/albatross/domain"
	eventsv1 "github.com/albatross-va/albatross/domain/events/v1"
	"github.com/albatross-va/albatross/store/notify"
	"github.com/albatross-va/albatross/store/readmodel"
)

// Fares projects an airline's fare streams into the fares table. The fleet
// page shows the fares, so a change wakes its topic.
type Fares struct{}

// Name implements Projection.
func (Fares) Name() string { return "fares" }

var fareEvents = typeSet(&eventsv1.FareSaved{})

// Handles implements Projection.
func (Fares) Handles(eventType string) bool { return fareEvents[eventType] }

// Apply implements Projection.
func (Fares) Apply(ctx context.Context, q readmodel.Querier, ev domain.RecordedEvent, msg proto.Message) ([]notify.Notice, error) {
	e, ok := msg.(*eventsv1.FareSaved)
	if !ok {
		return nil, nil
	}
	if err := q.UpsertFare(ctx, readmodel.UpsertFareParams{TenantID: ev.TenantID, Code: e.Code, Name: e.Name, Type: e.Type,
		PriceCents: e.PriceCents, CostCents: e.CostCents, Capacity: e.Capacity, Notes: e.Notes, Active: e.Active,
		UpdatedAt: e.SavedAt.AsTime()}); err != nil {
		return nil, fmt.Errorf("fares %s %s: %w", ev.Type, ev.StreamID, err)
	}
	return []notify.Notice{{TenantID: ev.TenantID, Topic: TopicFleet, IDs: []string{e.Code}, Position: ev.Position.String()}}, nil
}

// Reset implements Projection.
func (Fares) Reset(ctx context.Context, q readmodel.Querier) error { return q.DeleteAllFares(ctx) }

// Expenses projects an airline's expense streams into the expenses table,
// in the order each was first saved.
type Expenses struct{}

// Name implements Projection.
func (Expenses) Name() string { return "expenses" }

var expenseEvents = typeSet(&eventsv1.ExpenseSaved{})

// Handles implements Projection.
func (Expenses) Handles(eventType string) bool { return expenseEvents[eventType] }

// Apply implements Projection.
func (Expenses) Apply(ctx context.Context, q readmodel.Querier, ev domain.RecordedEvent, msg proto.Message) ([]notify.Notice, error) {
	e, ok := msg.(*eventsv1.ExpenseSaved)
	if !ok {
		return nil, nil
	}
	if err := q.UpsertExpense(ctx, readmodel.UpsertExpenseParams{TenantID: ev.TenantID, Key: e.Key, Airline: e.Airline, Name: e.Name,
		AmountCents: e.AmountCents, Type: e.Type, FlightType: e.FlightType, ChargeToUser: e.ChargeToUser, Multiplier: e.Multiplier,
		Active: e.Active, RefModel: e.RefModel, RefModelID: e.RefModelId, UpdatedAt: e.SavedAt.AsTime()}); err != nil {
		return nil, fmt.Errorf("expenses %s %s: %w", ev.Type, ev.StreamID, err)
	}
	return []notify.Notice{{TenantID: ev.TenantID, Topic: TopicFleet, IDs: []string{e.Key}, Position: ev.Position.String()}}, nil
}

// Reset implements Projection.
func (Expenses) Reset(ctx context.Context, q readmodel.Querier) error {
	return q.DeleteAllExpenses(ctx)
}
