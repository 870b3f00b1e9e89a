package main

import (
	"net/http"
	"net/url"
	"testing"

	"github.com/albatross-va/albatross/handlers"
	"github.com/albatross-va/albatross/store/pgtest"
)

// Behind a load balancer the login throttle is one count for the
// deployment: failures spread over two processes add up.
func TestLoginThrottleIsSharedByTheProcessesOfADeployment(t *testing.T) {
	redisURL := pgtest.RedisURL()
	pgtest.RequireRedis(t, redisURL)
	servers := startServers(t, 2, map[string]string{"DATABASE_URL": pgtest.NewDatabase(t), "REDIS_URL": redisURL})
	for _, s := range servers {
		s.waitReady(t)
	}
	try := func(s *testServer) int {
		b := newBrowser(t, s)
		_, doc := b.get("/login")
		csrf, _ := doc.Find(`[data-testid="login-form"] input[name="_csrf"]`).Attr("value")
		resp, _ := b.post("/login", url.Values{"_csrf": {csrf}, "email": {"admin"}, "password": {"not the password"}}, nil)
		return resp.StatusCode
	}
	for i := range handlers.AccountAttempts {
		if status := try(servers[i%2]); status != http.StatusUnprocessableEntity {
			t.Fatalf("failed attempt %d: status %d, want 422", i+1, status)
		}
	}
	for i, s := range servers {
		if status := try(s); status != http.StatusTooManyRequests {
			t.Errorf("process %d after %d failures across both: status %d, want 429", i+1, handlers.AccountAttempts, status)
		}
	}
}
