package postgres_test

import (
	"context"
	"errors"
	"strings"
	"testing"

	"github.com/albatross-va/albatross/store/pgtest"
	"github.com/albatross-va/albatross/store/postgres"
)

// Connect plans each query run for its own arguments unless DATABASE_URL
// says otherwise, and says where it could not connect without the password.
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
	if got := planMode(url); got != "force_custom_plan" {
		t.Errorf("plan_cache_mode = %q, want force_custom_plan", got)
	}
	sep := "?"
	if strings.Contains(url, "?") {
		sep = "&"
	}
	if got := planMode(url + sep + "plan_cache_mode=auto"); got != "auto" {
		t.Errorf("plan_cache_mode set in the URL = %q, want auto", got)
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
