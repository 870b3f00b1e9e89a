package handlers

import (
	"context"

	"github.com/albatross-va/albatross/domain"
	"github.com/albatross-va/albatross/domain/imports"
	"github.com/albatross-va/albatross/store/reads"
)

// FareCommands saves an airline's fares (domain.Fares).
type FareCommands interface {
	Save(ctx context.Context, meta domain.CommandMeta, airlineID string, f domain.Fare) (domain.Outcome, domain.AppendResult, error)
}

// ExpenseCommands saves an airline's expenses (domain.Expenses).
type ExpenseCommands interface {
	Save(ctx context.Context, meta domain.CommandMeta, airlineID string, x domain.Expense) (domain.Outcome, domain.AppendResult, error)
}

// FareImportKinds are the import kinds of phpVMS's fares and expenses
// files: each row saved through the commands, each export a file that
// imports back with nothing changed.
func FareImportKinds(fares FareCommands, expenses ExpenseCommands, rm reads.Querier) []imports.Kind {
	return []imports.Kind{{
		Name: "fares", Title: "Fares", Columns: imports.FareColumns,
		Check: func(r imports.Row) (any, map[string]string) { return imports.CheckFare(r) },
		Key:   func(rec any) string { return rec.(domain.Fare).Code },
		Apply: func(ctx context.Context, meta domain.CommandMeta, airlineID string, rec any) (domain.Outcome, domain.AppendResult, error) {
			return fares.Save(ctx, meta, airlineID, rec.(domain.Fare))
		},
		Export: func(ctx context.Context, airlineID string) ([][]string, error) {
			list, err := rm.Fares(ctx, airlineID)
			rows := make([][]string, 0, len(list))
			for _, f := range list {
				rows = append(rows, imports.FareRow(f))
			}
			return rows, err
		},
	}, {
		Name: "expenses", Title: "Expenses", Columns: imports.ExpenseColumns,
		// The airline column is checked against the airline the file goes
		// into.
		Prepare: func(ctx context.Context, airlineID string) (imports.Prepared, error) {
			al, err := rm.FindAirline(ctx, airlineID)
			if err != nil {
				return imports.Prepared{}, err
			}
			return imports.Prepared{Check: func(r imports.Row) (any, map[string]string) { return imports.CheckExpense(al.ICAO, r) }}, nil
		},
		Key:       func(rec any) string { return imports.ExpenseKey(rec.(domain.Expense)) },
		KeyColumn: "name",
		Apply: func(ctx context.Context, meta domain.CommandMeta, airlineID string, rec any) (domain.Outcome, domain.AppendResult, error) {
			return expenses.Save(ctx, meta, airlineID, rec.(domain.Expense))
		},
		Export: func(ctx context.Context, airlineID string) ([][]string, error) {
			list, err := rm.Expenses(ctx, airlineID)
			rows := make([][]string, 0, len(list))
			for _, x := range list {
				rows = append(rows, imports.ExpenseRow(x))
			}
			return rows, err
		},
	}}
}
