package postgres_test

import (
	"context"
	"errors"
	"strings"
	"testing"
	"time"

	"github.com/google/uuid"

	"github.com/albatross-va/albatross/domain"
	"github.com/albatross-va/albatross/store/pgtest"
	"github.com/albatross-va/albatross/store/postgres"
	"github.com/albatross-va/albatross/store/readmodel"
)

// Connect leaves the plan cache mode to the server unless DATABASE_URL
// sets it (the queries that need a plan per run ask for one themselves,
// plans.go), and says where it could not connect without the password.
func TestConnect(t *testing.T) {
	ctx := context.Background()
	url := pgtest.NewEmptyDatabase(t)
	planMode := func(url string) string {
		t.Helper()
		pool, err := postgres.Connect(ctx, url)
		if err != nil {
			t.Fatal(err)
		}
		defer pool.Close()
		var mode string
		if err := pool.QueryRow(ctx, "SHOW plan_cache_mode").Scan(&mode); err != nil {
			t.Fatal(err)
		}
		return mode
	}
	if got := planMode(url); got != "auto" {
		t.Errorf("plan_cache_mode = %q, want the server's default, auto", got)
	}
	sep := "?"
	if strings.Contains(url, "?") {
		sep = "&"
	}
	if got := planMode(url + sep + "plan_cache_mode=force_custom_plan"); got != "force_custom_plan" {
		t.Errorf("plan_cache_mode set in the URL = %q, want force_custom_plan", got)
	}

	_, err := postgres.Connect(ctx, "postgres://albatross:db-s3cret@127.0.0.1:1/x?connect_timeout=2")
	var pe *postgres.PingError
	if !errors.As(err, &pe) || pe.Host != "127.0.0.1:1" || strings.Contains(err.Error(), "s3cret") {
		t.Errorf("unreachable: %v, want a PingError naming 127.0.0.1:1 without the password", err)
	}
	if _, err := postgres.Connect(ctx, "postgres://user:hunter2@[::1"); err == nil ||
		!strings.Contains(err.Error(), "DATABASE_URL is malformed") || strings.Contains(err.Error(), "hunter2") {
		t.Errorf("malformed: %v, want DATABASE_URL is malformed without the password", err)
	}
}

// A lookup by id stays a prepared statement whose plan PostgreSQL keeps
// (generic after a few runs: planning cost as much as running it), while
// a list with "empty means any" filters is planned for each run's values,
// so an empty filter never gets a plan made for a full one.
func TestOnlyFilterQueriesArePlannedEachRun(t *testing.T) {
	ctx := context.Background()
	url := pgtest.NewDatabase(t)
	sep := "?"
	if strings.Contains(url, "?") {
		sep = "&"
	}
	pool, err := postgres.Connect(ctx, url+sep+"pool_max_conns=1") // one connection: its statements are the ones listed
	if err != nil {
		t.Fatal(err)
	}
	defer pool.Close()
	q := postgres.NewReadModels(pool).Reader()
	tenant := uuid.New()
	for range 10 {
		if _, err := q.GetUser(ctx, uuid.New()); domain.ErrorCode(err) != domain.ENotFound {
			t.Fatalf("GetUser of no one: %v", err)
		}
		if _, err := q.ListPirepsByAirline(ctx, readmodel.ListPirepsByAirlineParams{TenantID: tenant.String(),
			FromTime: time.Unix(0, 0), ToTime: time.Now(), RowLimit: 20}); err != nil {
			t.Fatal(err)
		}
	}
	rows, err := pool.Query(ctx, "SELECT statement, generic_plans FROM pg_prepared_statements")
	if err != nil {
		t.Fatal(err)
	}
	kept := map[string]int64{}
	for rows.Next() {
		var statement string
		var generic int64
		if err := rows.Scan(&statement, &generic); err != nil {
			t.Fatal(err)
		}
		name, _, _ := strings.Cut(strings.TrimPrefix(statement, "-- name: "), " ")
		kept[name] = generic
	}
	if err := rows.Err(); err != nil {
		t.Fatal(err)
	}
	if kept["GetUser"] == 0 {
		t.Errorf("GetUser's prepared statement has %d generic plans after 10 runs (statements %v), want its plan kept", kept["GetUser"], kept)
	}
	if _, ok := kept["ListPirepsByAirline"]; ok {
		t.Errorf("ListPirepsByAirline is a prepared statement (%d generic plans), want it planned for each run's filters", kept["ListPirepsByAirline"])
	}
}
