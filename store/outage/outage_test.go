package outage_test

import (
	"context"
	"errors"
	"fmt"
	"net"
	"testing"
	"time"

	"github.com/jackc/pgx/v5/pgconn"
	"github.com/jackc/pgx/v5/pgxpool"
	"github.com/redis/go-redis/v9"

	"github.com/albatross-va/albatross/domain"
	"github.com/albatross-va/albatross/store/outage"
)

// closedPort is a local TCP port nothing listens on.
func closedPort(t *testing.T) string {
	t.Helper()
	ln, err := net.Listen("tcp", "127.0.0.1:0")
	if err != nil {
		t.Fatal(err)
	}
	addr := ln.Addr().String()
	ln.Close()
	return addr
}

// The errors the drivers really return when their server is not there
// are outages; errors about what was asked are not.
func TestIsTellsOutagesFromOtherErrors(t *testing.T) {
	ctx, cancel := context.WithTimeout(context.Background(), 10*time.Second)
	defer cancel()

	client := redis.NewClient(&redis.Options{Addr: closedPort(t), MaxRetries: -1})
	defer client.Close()
	redisErr := client.Get(ctx, "albatross:session:x").Err()

	host, port, _ := net.SplitHostPort(closedPort(t))
	pool, err := pgxpool.New(ctx, fmt.Sprintf("postgres://u:p@%s:%s/db?connect_timeout=2", host, port))
	if err != nil {
		t.Fatal(err)
	}
	defer pool.Close()
	var one int
	pgErr := pool.QueryRow(ctx, "SELECT 1").Scan(&one)

	for _, c := range []struct {
		name string
		err  error
		want bool
	}{
		{"Redis refusing connections", redisErr, true},
		{"PostgreSQL refusing connections", pgErr, true},
		{"wrapped by a store", fmt.Errorf("find session: %w", redisErr), true},
		{"PostgreSQL shutting down", &pgconn.PgError{Code: "57P01"}, true},
		{"a connection exception", &pgconn.PgError{Code: "08006"}, true},
		{"Redis's pool waiting in vain", redis.ErrPoolTimeout, true},
		{"a store call out of time", fmt.Errorf("query: %w", context.DeadlineExceeded), true},
		{"coded unavailable", domain.Errorf(domain.EUnavailable, "down"), true},
		{"a unique violation", &pgconn.PgError{Code: "23505"}, false},
		{"a NUL PostgreSQL refuses", &pgconn.PgError{Code: "22021"}, false},
		{"not found", domain.Errorf(domain.ENotFound, "no such PIREP"), false},
		{"a missing Redis key", redis.Nil, false},
		{"a bug", errors.New("index out of range"), false},
		{"nothing", nil, false},
	} {
		if c.err == nil && c.want {
			t.Fatalf("%s: the driver returned no error", c.name)
		}
		if got := outage.Is(c.err); got != c.want {
			t.Errorf("%s (%v): outage %v, want %v", c.name, c.err, got, c.want)
		}
	}
}
