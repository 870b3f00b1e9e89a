package main

import (
	"encoding/json"
	"io"
	"net/http"
	"net/url"
	"strings"
	"testing"
	"time"

	"github.com/PuerkitoBio/goquery"

	"github.com/albatross-va/albatross/store/pgtest"
)

// createAPIKey creates a key on the account page like a browser without
// JavaScript and returns the key the answer shows and the key's id.
func createAPIKey(t *testing.T, b *browser, name string) (key, id string) {
	t.Helper()
	_, doc := b.get("/account/api-keys")
	form := doc.Find(`[data-testid="api-key-form"]`)
	csrf, _ := form.Find(`input[name="_csrf"]`).Attr("value")
	cmd, _ := form.Find(`input[name="command_id"]`).Attr("value")
	resp, doc := b.post("/account/api-keys", url.Values{"_csrf": {csrf}, "command_id": {cmd}, "name": {name}}, nil)
	if resp.StatusCode != http.StatusOK {
		t.Fatalf("create key %s: status %d", name, resp.StatusCode)
	}
	key, _ = doc.Find(`[data-testid="new-key-value"]`).Attr("value")
	doc.Find(`[data-testid="api-key-row"]`).Each(func(_ int, s *goquery.Selection) {
		if strings.TrimSpace(s.Find(`[data-testid="api-key-name"]`).Text()) == name {
			id, _ = s.Attr("data-id")
		}
	})
	if !strings.HasPrefix(key, "alb_") || id == "" {
		t.Fatalf("create key %s: the answer shows key %q, id %q", name, key, id)
	}
	return key, id
}

// revokeAPIKey revokes a key with the button on the account page.
func revokeAPIKey(t *testing.T, b *browser, id string) {
	t.Helper()
	_, doc := b.get("/account/api-keys")
	csrf, _ := doc.Find(`[data-id="` + id + `"] [data-testid="revoke-form"] input[name="_csrf"]`).Attr("value")
	if resp, _ := b.post("/account/api-keys/"+id+"/revoke", url.Values{"_csrf": {csrf}}, nil); resp.StatusCode != http.StatusSeeOther {
		t.Fatalf("revoke key %s: status %d", id, resp.StatusCode)
	}
}

// callMe calls GET /api/v1/me with a key, as a program does: no cookies.
func callMe(t *testing.T, s *testServer, key string) (int, map[string]any) {
	t.Helper()
	req, _ := http.NewRequest(http.MethodGet, s.URL+"/api/v1/me", nil)
	req.Header.Set("Authorization", "Bearer "+key)
	resp, err := http.DefaultClient.Do(req)
	if err != nil {
		t.Fatalf("GET /api/v1/me: %v", err)
	}
	defer resp.Body.Close()
	body, _ := io.ReadAll(resp.Body)
	var doc map[string]any
	if err := json.Unmarshal(body, &doc); err != nil {
		t.Fatalf("GET /api/v1/me: %d, body is not JSON: %.200s", resp.StatusCode, body)
	}
	if resp.StatusCode != http.StatusOK && resp.Header.Get("Content-Type") != "application/problem+json" {
		t.Errorf("GET /api/v1/me: %d with %q, want a problem document", resp.StatusCode, resp.Header.Get("Content-Type"))
	}
	return resp.StatusCode, doc
}

func TestEmbeddedAPIKeyEndToEnd(t *testing.T) {
	srv := startServer(t, map[string]string{"ALBATROSS_DATA_DIR": t.TempDir()})
	admin := loginAsAdmin(t, srv)
	key, id := createAPIKey(t, admin, "ACARS")
	status, me := callMe(t, srv, key)
	if status != http.StatusOK || me["email"] != "admin" || me["role"] != "platform_admin" || me["airline"] != nil {
		t.Fatalf("/api/v1/me with the new key: %d %v", status, me)
	}
	revokeAPIKey(t, admin, id)
	if status, problem := callMe(t, srv, key); status != http.StatusUnauthorized || problem["status"] != float64(401) {
		t.Errorf("/api/v1/me with the revoked key: %d %v, want 401", status, problem)
	}
	if strings.Contains(srv.logs.String(), key[len("alb_"):]) {
		t.Errorf("the key's secret is in the server's log")
	}
}

// Two processes share one database and one Redis. A key both have used is
// revoked through one; within a second the other refuses it too.
func TestPostgresRevokeReachesEveryProcessWithinASecond(t *testing.T) {
	dbURL := pgtest.NewDatabase(t)
	redisURL := pgtest.RedisURL()
	pgtest.RequireRedis(t, redisURL)
	servers := startServers(t, 2, map[string]string{"DATABASE_URL": dbURL, "REDIS_URL": redisURL})
	a, b := servers[0], servers[1]

	admin := loginAsAdmin(t, a, b)
	key, id := createAPIKey(t, admin, "Fleet tracker")
	for _, s := range []*testServer{a, b, a, b} { // each caches it
		if status, me := callMe(t, s, key); status != http.StatusOK || me["email"] != "admin" {
			t.Fatalf("the key on %s: %d %v", s.URL, status, me)
		}
	}

	revokeAPIKey(t, admin, id)
	deadline := time.Now().Add(time.Second)
	for {
		status, _ := callMe(t, b, key)
		if status == http.StatusUnauthorized {
			break
		}
		if time.Now().After(deadline) {
			t.Fatalf("a second after the revoke through one process, the other still answers %d", status)
		}
		time.Sleep(10 * time.Millisecond)
	}
	if status, _ := callMe(t, a, key); status != http.StatusUnauthorized {
		t.Errorf("the process that revoked the key answers %d, want 401", status)
	}
	for _, s := range servers {
		if strings.Contains(s.logs.String(), key[len("alb_"):]) {
			t.Errorf("the key's secret is in the log of %s", s.URL)
		}
	}
}
