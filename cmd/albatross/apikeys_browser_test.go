package main

import (
	"net/http"
	"strings"
	"testing"

	"github.com/chromedp/chromedp"
)

// In a real browser, with htmx and the Content-Security-Policy: a bad name
// is refused beside the field, a key is created and shown once, and one
// click revokes it.
func TestBrowserAPIKeysPage(t *testing.T) {
	srv := startServer(t, map[string]string{"ALBATROSS_DATA_DIR": t.TempDir()})
	loginAsAdmin(t, srv) // the admin has chosen adminPassword
	tab := newTab(t, newChromium(t))
	submit := chromedp.Click(chromedp.CSS(`[data-testid="api-key-form"] button[type="submit"]`))
	if err := chromedp.Do(tab,
		chromedp.Navigate(srv.URL+"/login?next=/account/api-keys"),
		chromedp.WaitVisible(chromedp.ID("login-email")),
		chromedp.SendKeys(chromedp.ID("login-email"), "admin"),
		chromedp.SendKeys(chromedp.ID("login-password"), adminPassword),
		chromedp.Click(chromedp.CSS(`[data-testid="login-form"] button[type="submit"]`)),
		chromedp.WaitVisible(chromedp.CSS(`[data-testid="no-api-keys"]`)),
		submit,
		chromedp.WaitVisible(chromedp.CSS(`[data-testid="error-name"]`)),
	); err != nil {
		t.Fatalf("submit an empty name: %v", err)
	}
	screenshot(t, tab, "api-key-form-error")

	if err := chromedp.Do(tab,
		chromedp.SendKeys(chromedp.ID("api-key-name"), "Browser ACARS"),
		submit,
		chromedp.WaitVisible(chromedp.CSS(`[data-testid="new-key-value"]`)),
	); err != nil {
		t.Fatalf("create a key: %v", err)
	}
	key, err := chromedp.Run(tab, chromedp.Value(chromedp.ID("new-key-value")))
	if err != nil || !strings.HasPrefix(key, "alb_") {
		t.Fatalf("the page shows the key %q (%v)", key, err)
	}
	if name := text(t, tab, `[data-testid="api-key-row"] [data-testid="api-key-name"]`); name != "Browser ACARS" {
		t.Errorf("the list shows %q", name)
	}
	if status, _ := callMe(t, srv, key); status != http.StatusOK {
		t.Fatalf("the key from the page on /api/v1/me: %d", status)
	}
	screenshot(t, tab, "api-key-created")

	// A request of the page that fails is told in the page's error region,
	// and the panel that asked stays: here a revoke of a key that is not
	// there (404, which htmx on its own would drop without a word).
	bogus := `(() => { const b = document.createElement("button");
		b.id = "revoke-bogus"; b.textContent = "Revoke a key that is not there";
		b.setAttribute("hx-post", "/account/api-keys/00000000-0000-4000-8000-000000000000/revoke");
		b.setAttribute("hx-target", "#api-keys"); b.setAttribute("hx-swap", "outerHTML");
		document.querySelector("main").append(b); htmx.process(b); b.click(); return true })()`
	if err := chromedp.Do(tab, waitTrue(bogus), chromedp.WaitVisible(chromedp.CSS(`#request-error [data-testid="error"]`))); err != nil {
		t.Fatalf("a failed revoke says nothing: %v", err)
	}
	contains(t, tab, `#request-error`, "There is no such API key.")
	if n, err := chromedp.Run(tab, chromedp.Evaluate[int](`document.querySelectorAll('[data-testid="api-key-row"]').length`)); err != nil || n != 1 {
		t.Errorf("after the failed revoke the panel lists %d keys (%v), want it as it was", n, err)
	}
	screenshot(t, tab, "api-key-request-error")

	if err := chromedp.Do(tab,
		chromedp.Click(chromedp.CSS(`[data-testid="revoke"]`)),
		chromedp.WaitVisible(chromedp.CSS(`[data-testid="api-key-revoked"]`)),
	); err != nil {
		t.Fatalf("revoke the key: %v", err)
	}
	if msg := text(t, tab, `[data-testid="revoked"]`); !strings.Contains(msg, "Browser ACARS") {
		t.Errorf("the confirmation says %q", msg)
	}
	if n, err := chromedp.Run(tab, chromedp.Evaluate[int](`document.querySelectorAll('[data-testid="new-key-value"]').length`)); err != nil || n != 0 {
		t.Errorf("the key is still on the page after the revoke (%d, %v)", n, err)
	}
	if status, _ := callMe(t, srv, key); status != http.StatusUnauthorized {
		t.Errorf("the revoked key on /api/v1/me: %d, want 401", status)
	}
	screenshot(t, tab, "api-key-revoked")
}
