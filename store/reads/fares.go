package reads

import (
	"context"

	"github.com/albatross-va/albatross/domain"
)

// The reads of an airline's fares and expenses, as the domain's records.

// Fares are an airline's fares by code.
func (q Querier) Fares(ctx context.Context, airlineID string) ([]domain.Fare, error) {
	rows, err := q.ListFares(ctx, airlineID)
	if err != nil {
		return nil, err
	}
	out := make([]domain.Fare, 0, len(rows))
	for _, f := range rows {
		out = append(out, domain.Fare{Code: f.Code, Name: f.Name, Type: f.Type, Price: f.PriceCents, Cost: f.CostCents,
			Capacity: f.Capacity, Notes: f.Notes, Active: f.Active})
	}
	return out, nil
}

// Expenses are an airline's expenses in the order they were first saved.
func (q Querier) Expenses(ctx context.Context, airlineID string) ([]domain.Expense, error) {
	rows, err := q.ListExpenses(ctx, airlineID)
	if err != nil {
		return nil, err
	}
	out := make([]domain.Expense, 0, len(rows))
	for _, e := range rows {
		out = append(out, domain.Expense{Airline: e.Airline, Name: e.Name, Amount: e.AmountCents, Type: e.Type,
			FlightType: e.FlightType, ChargeToUser: e.ChargeToUser, Multiplier: e.Multiplier, Active: e.Active,
			RefModel: e.RefModel, RefModelID: e.RefModelID})
	}
	return out, nil
}
