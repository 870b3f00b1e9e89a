package throttle_test

import (
	"context"
	"testing"
	"time"

	"github.com/google/uuid"
	"github.com/redis/go-redis/v9"

	"github.com/albatross-va/albatross/store/pgtest"
	"github.com/albatross-va/albatross/store/throttle"
)

// limiters returns two limiters that should share one count: the same Local
// twice, and two Redis limiters on separate clients, as two processes
// would have.
func limiters(t *testing.T, limit int, window time.Duration) map[string][2]throttle.Limiter {
	local := throttle.NewLocal(limit, window)
	out := map[string][2]throttle.Limiter{"local": {local, local}}
	url := pgtest.RedisURL()
	pgtest.RequireRedis(t, url)
	opts, err := redis.ParseURL(url)
	if err != nil {
		t.Fatal(err)
	}
	prefix := throttle.KeyPrefixFor(uuid.NewString(), "test")
	var pair [2]throttle.Limiter
	for i := range pair {
		c := redis.NewClient(opts)
		t.Cleanup(func() { c.Close() })
		pair[i] = throttle.NewRedis(c, prefix, limit, window)
	}
	out["redis, two processes"] = pair
	return out
}

func TestAttemptsAreCountedAcrossProcessesAndForgiven(t *testing.T) {
	ctx := context.Background()
	for name, pair := range limiters(t, 3, time.Minute) {
		t.Run(name, func(t *testing.T) {
			for i := range 3 {
				wait, err := pair[i%2].Attempt(ctx, "account:ana")
				if err != nil || wait != 0 {
					t.Fatalf("attempt %d: wait %v, %v; want let through", i+1, wait, err)
				}
			}
			wait, err := pair[1].Attempt(ctx, "account:ana")
			if err != nil || wait <= 0 || wait > time.Minute {
				t.Fatalf("fourth attempt: wait %v, %v; want a wait within the window", wait, err)
			}
			if wait, _ := pair[0].Attempt(ctx, "account:bo"); wait != 0 {
				t.Errorf("another key is throttled too: %v", wait)
			}
			if err := pair[0].Forgive(ctx, "account:ana"); err != nil {
				t.Fatal(err)
			}
			if wait, _ := pair[1].Attempt(ctx, "account:ana"); wait != 0 {
				t.Errorf("after forgiving: wait %v, want let through", wait)
			}
		})
	}
}

func TestAttemptsLeaveTheWindow(t *testing.T) {
	ctx := context.Background()
	for name, pair := range limiters(t, 1, 300*time.Millisecond) {
		t.Run(name, func(t *testing.T) {
			if wait, _ := pair[0].Attempt(ctx, "address:1"); wait != 0 {
				t.Fatalf("first attempt waits %v", wait)
			}
			if wait, _ := pair[1].Attempt(ctx, "address:1"); wait == 0 {
				t.Fatal("second attempt in the window let through")
			}
			time.Sleep(400 * time.Millisecond) // the window itself, not a timing assertion
			if wait, _ := pair[1].Attempt(ctx, "address:1"); wait != 0 {
				t.Errorf("after the window: wait %v, want let through", wait)
			}
		})
	}
}

func TestARefundTakesBackOnlyTheLatestAttempt(t *testing.T) {
	ctx := context.Background()
	for name, pair := range limiters(t, 3, time.Minute) {
		t.Run(name, func(t *testing.T) {
			for i := range 3 {
				if wait, err := pair[i%2].Attempt(ctx, "address:1"); err != nil || wait != 0 {
					t.Fatalf("attempt %d: wait %v, %v; want let through", i+1, wait, err)
				}
			}
			if err := pair[0].Refund(ctx, "address:1"); err != nil {
				t.Fatal(err)
			}
			if wait, _ := pair[1].Attempt(ctx, "address:1"); wait != 0 {
				t.Fatalf("after a refund: wait %v, want one more let through", wait)
			}
			if wait, _ := pair[0].Attempt(ctx, "address:1"); wait <= 0 {
				t.Errorf("a refund took back more than one attempt: wait %v", wait)
			}
		})
	}
}
