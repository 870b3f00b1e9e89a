// Package pgtest gives each test its own migrated PostgreSQL database on the
// local server, and drops it when the test ends, so tests run in parallel
// and leave nothing behind.
package pgtest

import (
	"context"
	"fmt"
	"net/url"
	"os"
	"strings"
	"testing"
	"time"

	"github.com/jackc/pgx/v5"
	"github.com/jackc/pgx/v5/pgxpool"
	"github.com/redis/go-redis/v9"

	"github.com/albatross-va/albatross/domain"
	"github.com/albatross-va/albatross/store/postgres"
)

// AdminURL is the server used to create test databases. Override it with
// ALBATROSS_TEST_DATABASE_URL.
func AdminURL() string {
	if u := os.Getenv("ALBATROSS_TEST_DATABASE_URL"); u != "" {
		return u
	}
	return "postgres://postgres@127.0.0.1:5432/postgres?sslmode=disable"
}

// Unavailable skips the test when PostgreSQL cannot be reached, or fails it
// when CI is set: in CI a missing server is a broken build, not a skip.
func Unavailable(t testing.TB, what string, err error) {
	t.Helper()
	if os.Getenv("CI") != "" {
		t.Fatalf("%s is required when CI is set: %v", what, err)
	}
	t.Skipf("skipping: %s not reachable (%v); set CI=true to make this a failure", what, err)
}

// NewDatabase creates a migrated database and returns its URL.
func NewDatabase(t testing.TB) string {
	t.Helper()
	dbURL := NewEmptyDatabase(t)
	ctx, cancel := context.WithTimeout(context.Background(), 30*time.Second)
	defer cancel()
	pool, err := pgxpool.New(ctx, dbURL)
	if err != nil {
		t.Fatalf("connect %s: %v", Describe(dbURL), err)
	}
	defer pool.Close()
	if _, err := postgres.Migrate(ctx, pool); err != nil {
		t.Fatalf("migrate %s: %v", Describe(dbURL), err)
	}
	return dbURL
}

// NewEmptyDatabase creates a database without any schema and returns its
// URL; it is dropped when the test ends.
func NewEmptyDatabase(t testing.TB) string {
	t.Helper()
	ctx, cancel := context.WithTimeout(context.Background(), 30*time.Second)
	defer cancel()
	admin, err := pgx.Connect(ctx, AdminURL())
	if err != nil {
		Unavailable(t, "PostgreSQL", err)
	}
	defer admin.Close(context.Background())
	name := "albatross_test_" + strings.ReplaceAll(domain.NewUUID(), "-", "")[:16]
	if _, err := admin.Exec(ctx, "CREATE DATABASE "+name); err != nil {
		t.Fatalf("create database %s: %v", name, err)
	}
	t.Cleanup(func() {
		ctx, cancel := context.WithTimeout(context.Background(), 30*time.Second)
		defer cancel()
		c, err := pgx.Connect(ctx, AdminURL())
		if err != nil {
			t.Logf("drop database %s: %v", name, err)
			return
		}
		defer c.Close(ctx)
		if _, err := c.Exec(ctx, "DROP DATABASE IF EXISTS "+name+" WITH (FORCE)"); err != nil {
			t.Logf("drop database %s: %v", name, err)
		}
	})
	u, err := url.Parse(AdminURL())
	if err != nil {
		t.Fatalf("parse admin url: %v", err)
	}
	u.Path = "/" + name
	return u.String()
}

// NewPool creates a migrated database and returns a pool on it, closed when
// the test ends.
func NewPool(t testing.TB) *pgxpool.Pool {
	t.Helper()
	pool, err := pgxpool.New(context.Background(), NewDatabase(t))
	if err != nil {
		t.Fatalf("connect: %v", err)
	}
	t.Cleanup(pool.Close)
	return pool
}

// RedisURL is the Redis server tests use; override with ALBATROSS_TEST_REDIS_URL.
func RedisURL() string {
	if u := os.Getenv("ALBATROSS_TEST_REDIS_URL"); u != "" {
		return u
	}
	return "redis://127.0.0.1:6379/0"
}

// Describe names a database URL without its password, for messages.
func Describe(dbURL string) string {
	u, err := url.Parse(dbURL)
	if err != nil {
		return "(malformed URL)"
	}
	return fmt.Sprintf("%s%s", u.Host, u.Path)
}

// RequireRedis skips (or, with CI set, fails) the test when Redis at url
// does not answer PING.
func RequireRedis(t testing.TB, url string) {
	t.Helper()
	opts, err := redis.ParseURL(url)
	if err != nil {
		t.Fatalf("redis url: %v", err)
	}
	c := redis.NewClient(opts)
	defer c.Close()
	ctx, cancel := context.WithTimeout(context.Background(), 5*time.Second)
	defer cancel()
	if err := c.Ping(ctx).Err(); err != nil {
		Unavailable(t, "Redis", err)
	}
}
