package projector_test

import (
	"context"
	"slices"
	"testing"
	"time"

	"github.com/google/uuid"
	"google.golang.org/protobuf/proto"
	"google.golang.org/protobuf/types/known/timestamppb"

	"github.com/albatross-va/albatross/domain"
	eventsv1 "github.com/albatross-va/albatross/domain/events/v1"
	"github.com/albatross-va/albatross/store/projector"
	"github.com/albatross-va/albatross/store/readmodel"
)

// appendTo appends events to a stream, as the domain would.
func appendTo(t *testing.T, es domain.EventStore, stream, tenant string, msgs ...proto.Message) domain.Position {
	t.Helper()
	evs := make([]domain.NewEvent, len(msgs))
	for i, m := range msgs {
		name, data, err := reg.Encode(m)
		if err != nil {
			t.Fatal(err)
		}
		evs[i] = domain.NewEvent{Type: name, SchemaVersion: 1, Data: data}
	}
	res, err := es.Append(context.Background(), domain.AppendRequest{
		StreamID: stream, TenantID: tenant, Expected: domain.AnyVersion, Events: evs,
		Meta: domain.Metadata{Actor: "test", CommandID: uuid.NewString()},
	})
	if err != nil {
		t.Fatalf("append to %s: %v", stream, err)
	}
	return res.Position
}

// An airline's fares project as their latest save, by code, and its
// expenses in the order first saved, a changed one in its place; a
// rebuild gives the same rows.
func TestFaresAndExpensesProjectAndRebuild(t *testing.T) {
	forEachEnv(t, func(t *testing.T, e env) {
		ctx := context.Background()
		p := projector.New(e.es, e.backend, reg, nil, nil, projector.All()...)
		tenant := uuid.NewString()
		at := timestamppb.New(time.Date(2026, 12, 8, 9, 0, 0, 0, time.UTC))
		appendTo(t, e.es, domain.FareStream(tenant, "Y"), tenant,
			&eventsv1.FareSaved{TenantId: tenant, Code: "Y", Name: "Economy", PriceCents: 10000, Capacity: 200, Active: true, Created: true, SavedAt: at},
			&eventsv1.FareSaved{TenantId: tenant, Code: "Y", Name: "Economy", PriceCents: 12000, Capacity: 180, Active: true, SavedAt: at})
		appendTo(t, e.es, domain.FareStream(tenant, "C"), tenant,
			&eventsv1.FareSaved{TenantId: tenant, Code: "C", Name: "Cargo", Type: 1, Capacity: 10, Created: true, SavedAt: at})
		x := func(key, name string, cents int64) *eventsv1.ExpenseSaved {
			return &eventsv1.ExpenseSaved{TenantId: tenant, Key: key, Name: name, AmountCents: cents, Type: "F", Active: true, SavedAt: at}
		}
		appendTo(t, e.es, domain.ExpenseStream(tenant, "k2"), tenant, x("k2", "Second key, first saved", 100))
		appendTo(t, e.es, domain.ExpenseStream(tenant, "k1"), tenant, x("k1", "First key", 200))
		last := appendTo(t, e.es, domain.ExpenseStream(tenant, "k2"), tenant, x("k2", "Second key, changed", 300))
		waitVisible(t, e.es, last)
		if err := p.CatchUp(ctx); err != nil {
			t.Fatal(err)
		}
		read := func() ([]readmodel.Fare, []readmodel.Expense) {
			t.Helper()
			fares, err := e.backend.Reader().ListFares(ctx, tenant)
			if err != nil {
				t.Fatal(err)
			}
			expenses, err := e.backend.Reader().ListExpenses(ctx, tenant)
			if err != nil {
				t.Fatal(err)
			}
			return fares, expenses
		}
		fares, expenses := read()
		if len(fares) != 2 || fares[0].Code != "C" || fares[0].Type != 1 || fares[1].Code != "Y" || fares[1].PriceCents != 12000 || fares[1].Capacity != 180 {
			t.Errorf("fares: %+v", fares)
		}
		if len(expenses) != 2 || expenses[0].Name != "Second key, changed" || expenses[0].AmountCents != 300 || expenses[1].Name != "First key" {
			t.Errorf("expenses: %+v", expenses)
		}
		for _, name := range []string{"fares", "expenses"} {
			if err := p.Rebuild(ctx, name); err != nil {
				t.Fatal(err)
			}
		}
		againFares, againExpenses := read()
		if !slices.Equal(againFares, fares) || !slices.Equal(againExpenses, expenses) {
			t.Errorf("rebuilt %+v %+v, incremental %+v %+v", againFares, againExpenses, fares, expenses)
		}
	})
}
