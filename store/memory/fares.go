package memory

import (
	"context"
	"slices"
	"strings"

	"github.com/albatross-va/albatross/store/readmodel"
)

// The fares and expenses projections (queries/fares.sql) in memory: each
// airline's fares by code and its expenses in first-save order. Lists are
// replaced, never changed in place, so a read's copy stays as it was.

// UpsertFare implements readmodel.Querier.
func (m *ReadModels) UpsertFare(ctx context.Context, arg readmodel.UpsertFareParams) error {
	return m.write(func(t *tx) error { return t.UpsertFare(ctx, arg) })
}

// ListFares implements readmodel.Querier.
func (m *ReadModels) ListFares(ctx context.Context, tenantID string) ([]readmodel.Fare, error) {
	m.mu.RLock()
	defer m.mu.RUnlock()
	return m.st.listFares(ctx, tenantID)
}

// DeleteAllFares implements readmodel.Querier.
func (m *ReadModels) DeleteAllFares(ctx context.Context) error {
	return m.write(func(t *tx) error { return t.DeleteAllFares(ctx) })
}

// UpsertExpense implements readmodel.Querier.
func (m *ReadModels) UpsertExpense(ctx context.Context, arg readmodel.UpsertExpenseParams) error {
	return m.write(func(t *tx) error { return t.UpsertExpense(ctx, arg) })
}

// ListExpenses implements readmodel.Querier.
func (m *ReadModels) ListExpenses(ctx context.Context, tenantID string) ([]readmodel.Expense, error) {
	m.mu.RLock()
	defer m.mu.RUnlock()
	return m.st.listExpenses(ctx, tenantID)
}

// DeleteAllExpenses implements readmodel.Querier.
func (m *ReadModels) DeleteAllExpenses(ctx context.Context) error {
	return m.write(func(t *tx) error { return t.DeleteAllExpenses(ctx) })
}

func (s *state) listFares(ctx context.Context, tenantID string) ([]readmodel.Fare, error) {
	if err := ctx.Err(); err != nil {
		return nil, err
	}
	list := slices.Clone(s.fares[tenantID])
	s.visited(len(list))
	return list, nil
}

func (s *state) listExpenses(ctx context.Context, tenantID string) ([]readmodel.Expense, error) {
	if err := ctx.Err(); err != nil {
		return nil, err
	}
	list := slices.Clone(s.expenses[tenantID])
	s.visited(len(list))
	return list, nil
}

// setTenantList replaces a tenant's list in table, with its undo.
func setTenantList[T any](t *tx, table map[string][]T, tenant string, list []T) {
	old, had := table[tenant]
	table[tenant] = list
	t.undo = append(t.undo, func() {
		if had {
			table[tenant] = old
		} else {
			delete(table, tenant)
		}
	})
}

func (t *tx) UpsertFare(ctx context.Context, arg readmodel.UpsertFareParams) error {
	if err := t.check(ctx); err != nil {
		return err
	}
	row := readmodel.Fare{TenantID: arg.TenantID, Code: arg.Code, Name: arg.Name, Type: arg.Type, PriceCents: arg.PriceCents,
		CostCents: arg.CostCents, Capacity: arg.Capacity, Notes: arg.Notes, Active: arg.Active, UpdatedAt: timestamptz(arg.UpdatedAt)}
	list := slices.Clone(t.st.fares[arg.TenantID])
	i, found := slices.BinarySearchFunc(list, arg.Code, func(f readmodel.Fare, code string) int { return strings.Compare(f.Code, code) })
	if found {
		list[i] = row
	} else {
		list = slices.Insert(list, i, row)
	}
	setTenantList(t, t.st.fares, arg.TenantID, list)
	return nil
}

func (t *tx) ListFares(ctx context.Context, tenantID string) ([]readmodel.Fare, error) {
	if err := t.check(ctx); err != nil {
		return nil, err
	}
	return t.st.listFares(ctx, tenantID)
}

func (t *tx) DeleteAllFares(ctx context.Context) error {
	if err := t.check(ctx); err != nil {
		return err
	}
	old := t.st.fares
	t.st.fares = map[string][]readmodel.Fare{}
	t.undo = append(t.undo, func() { t.st.fares = old })
	return nil
}

func (t *tx) UpsertExpense(ctx context.Context, arg readmodel.UpsertExpenseParams) error {
	if err := t.check(ctx); err != nil {
		return err
	}
	row := readmodel.Expense{TenantID: arg.TenantID, Key: arg.Key, Airline: arg.Airline, Name: arg.Name, AmountCents: arg.AmountCents,
		Type: arg.Type, FlightType: arg.FlightType, ChargeToUser: arg.ChargeToUser, Multiplier: arg.Multiplier, Active: arg.Active,
		RefModel: arg.RefModel, RefModelID: arg.RefModelID, UpdatedAt: timestamptz(arg.UpdatedAt)}
	list := slices.Clone(t.st.expenses[arg.TenantID])
	if i := slices.IndexFunc(list, func(e readmodel.Expense) bool { return e.Key == arg.Key }); i >= 0 {
		row.Seq = list[i].Seq
		list[i] = row
	} else {
		row.Seq = 1
		if n := len(list); n > 0 {
			row.Seq = list[n-1].Seq + 1
		}
		list = append(list, row)
	}
	setTenantList(t, t.st.expenses, arg.TenantID, list)
	return nil
}

func (t *tx) ListExpenses(ctx context.Context, tenantID string) ([]readmodel.Expense, error) {
	if err := t.check(ctx); err != nil {
		return nil, err
	}
	return t.st.listExpenses(ctx, tenantID)
}

func (t *tx) DeleteAllExpenses(ctx context.Context) error {
	if err := t.check(ctx); err != nil {
		return err
	}
	old := t.st.expenses
	t.st.expenses = map[string][]readmodel.Expense{}
	t.undo = append(t.undo, func() { t.st.expenses = old })
	return nil
}
