package main

import (
	"fmt"
	"io"
	"net/http"
	"net/http/httptest"
	"net/url"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/albatross-va/albatross/store/pgtest"
)

// `albatross serve` queues and sends webhooks in both modes; on
// PostgreSQL two processes that both run the projector (and so the
// reactor and the worker) send each message once, in order.
func TestWebhooksEndToEnd(t *testing.T) {
	for _, mode := range []string{"embedded", "postgres"} {
		t.Run(mode, func(t *testing.T) {
			var mu sync.Mutex
			var names []string
			rcv := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
				b, _ := io.ReadAll(r.Body)
				mu.Lock()
				names = append(names, string(b))
				mu.Unlock()
				w.WriteHeader(http.StatusNoContent)
			}))
			defer rcv.Close()
			env := map[string]string{"ALBATROSS_WEBHOOK_ALLOW_PRIVATE": "true"}
			if mode == "embedded" {
				env["ALBATROSS_DATA_DIR"] = t.TempDir()
			} else {
				env["DATABASE_URL"] = pgtest.NewDatabase(t)
			}
			servers := []*testServer{startServer(t, env)}
			if mode == "postgres" {
				servers = append(servers, startServer(t, env))
			}
			admin := loginAsAdmin(t, servers[0], servers[1:]...)
			airline := createAirline(t, admin, "Relay Air", "RLY", "relay-air")
			_, doc := admin.get("/airlines/" + airline + "/webhooks/new")
			form := doc.Find(`[data-testid="webhook-form"]`)
			csrf, _ := form.Find(`input[name="_csrf"]`).Attr("value")
			cmd, _ := form.Find(`input[name="command_id"]`).Attr("value")
			if resp, _ := admin.post("/airlines/"+airline+"/webhooks", url.Values{"_csrf": {csrf}, "command_id": {cmd}, "name": {"all"},
				"kind": {"generic"}, "url": {rcv.URL}, "events": {"pilot.registered"}}, nil); resp.StatusCode != http.StatusOK {
				t.Fatalf("add a webhook: %d", resp.StatusCode)
			}
			for i := range 3 {
				v := newBrowser(t, servers[i%len(servers)])
				_, doc := v.get("/a/relay-air/register")
				csrf, _ := doc.Find(`[data-testid="register-form"] input[name="_csrf"]`).Attr("value")
				if resp, _ := v.post("/a/relay-air/register", url.Values{"_csrf": {csrf}, "name": {fmt.Sprintf("Visitor %d", i)},
					"email": {fmt.Sprintf("v%d@example.com", i)}, "password": {"a password of their own"}, "password_confirm": {"a password of their own"}, "country": {"NZ"}}, nil); resp.StatusCode >= 400 {
					t.Fatalf("register %d: %d", i, resp.StatusCode)
				}
			}
			deadline := time.Now().Add(30 * time.Second)
			for {
				mu.Lock()
				n := len(names)
				mu.Unlock()
				if n >= 3 || time.Now().After(deadline) {
					break
				}
				time.Sleep(50 * time.Millisecond)
			}
			time.Sleep(time.Second) // a second sender would have sent again by now
			mu.Lock()
			defer mu.Unlock()
			if len(names) != 3 {
				t.Fatalf("the receiver got %d messages, want 3 once each: %v", len(names), names)
			}
			for i, b := range names {
				if !strings.Contains(b, fmt.Sprintf(`"name":"Visitor %d"`, i)) {
					t.Errorf("message %d: %s", i, b)
				}
			}
		})
	}
}
