package main

import (
	"crypto/hmac"
	"crypto/sha256"
	hexenc "encoding/hex"
	"io"
	"net/http"
	"net/http/httptest"
	"net/url"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/chromedp/chromedp"
)

// In a real browser, with the keyboard alone: staff open the webhooks,
// add one (a refused form first), read its secret once, and when a
// visitor registers the receiver gets the signed message, which the
// delivery log shows and "send again" sends once more; every page passes
// axe. `albatross serve` runs the worker (ALBATROSS_WEBHOOK_ALLOW_PRIVATE
// lets it post to the test's receiver on loopback).
func TestBrowserWebhooks(t *testing.T) {
	var mu sync.Mutex
	var bodies []string
	var sigs []string
	rcv := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		b, _ := io.ReadAll(r.Body)
		mu.Lock()
		bodies, sigs = append(bodies, string(b)), append(sigs, r.Header.Get("X-Albatross-Signature"))
		mu.Unlock()
		w.WriteHeader(http.StatusNoContent)
	}))
	defer rcv.Close()
	received := func(n int) ([]string, []string) {
		t.Helper()
		deadline := time.Now().Add(30 * time.Second)
		for {
			mu.Lock()
			b, s := append([]string(nil), bodies...), append([]string(nil), sigs...)
			mu.Unlock()
			if len(b) >= n {
				return b, s
			}
			if time.Now().After(deadline) {
				t.Fatalf("the receiver got %d messages, want %d", len(b), n)
			}
			time.Sleep(50 * time.Millisecond)
		}
	}

	srv := startServer(t, map[string]string{"ALBATROSS_DATA_DIR": t.TempDir(), "ALBATROSS_WEBHOOK_ALLOW_PRIVATE": "true",
		"ALBATROSS_PUBLIC_URL": "https://va.example.com"})
	admin := loginAsAdmin(t, srv)
	airline := createAirline(t, admin, "Hook Virtual", "HKV", "hook-va")
	tab := newTab(t, newChromium(t))
	hooks := "/airlines/" + airline + "/webhooks"
	if err := chromedp.Do(tab,
		chromedp.Navigate(srv.URL+"/login?next="+url.QueryEscape(hooks)),
		chromedp.WaitVisible(chromedp.ID("login-email")),
		chromedp.SendKeys(chromedp.ID("login-email"), "admin"),
		chromedp.SendKeys(chromedp.ID("login-password"), adminPassword),
		chromedp.Focus(chromedp.CSS(`[data-testid="login-form"] button[type="submit"]`)),
		pressEnter(),
		chromedp.WaitVisible(testID("webhooks-empty")),
	); err != nil {
		t.Fatalf("open the webhooks: %v", err)
	}
	screenshot(t, tab, "webhooks-empty")
	auditPage(t, tab, "webhooks-empty")

	// The add form, by the keyboard; empty, it is refused beside the field.
	if err := chromedp.Do(tab,
		chromedp.Focus(testID("webhook-new")),
		pressEnter(),
		chromedp.WaitVisible(testID("webhook-form")),
		chromedp.Focus(chromedp.CSS(`[data-testid="webhook-form"] button[type="submit"]`)),
		pressEnter(),
		chromedp.WaitVisible(testID("error-name")),
	); err != nil {
		t.Fatalf("submit an empty webhook: %v", err)
	}
	screenshot(t, tab, "webhook-form-errors")
	auditPage(t, tab, "webhook-form-errors")

	if err := chromedp.Do(tab,
		chromedp.SendKeys(chromedp.ID("webhook-name"), "Crew room"),
		chromedp.SetValue(chromedp.ID("webhook-kind"), "generic"),
		chromedp.SendKeys(chromedp.ID("webhook-url"), rcv.URL+"/hook"),
		chromedp.Focus(testID("event-pilot.registered")),
		chromedp.KeyEvent(" "),
		chromedp.Focus(chromedp.CSS(`[data-testid="webhook-form"] button[type="submit"]`)),
		pressEnter(),
		chromedp.WaitVisible(testID("webhook-secret")),
	); err != nil {
		t.Fatalf("add a webhook: %v", err)
	}
	secret := text(t, tab, `[data-testid="webhook-secret"]`)
	if !strings.HasPrefix(secret, "whsec_") {
		t.Fatalf("the page shows the secret %q", secret)
	}
	screenshot(t, tab, "webhook-secret")
	auditPage(t, tab, "webhook-secret")
	hookURL, err := chromedp.Run(tab, chromedp.Evaluate[string](`document.querySelector('[data-testid="webhook-form"]').getAttribute("action")`))
	if err != nil {
		t.Fatal(err)
	}

	// A visitor registers: the receiver gets it, signed.
	visitor := newBrowser(t, srv)
	_, doc := visitor.get("/a/hook-va/register")
	csrf, _ := doc.Find(`[data-testid="register-form"] input[name="_csrf"]`).Attr("value")
	if resp, _ := visitor.post("/a/hook-va/register", url.Values{"_csrf": {csrf}, "name": {"Pat Pilot"}, "email": {"pat@example.com"},
		"password": {"a password of Pat's"}, "password_confirm": {"a password of Pat's"}, "country": {"NZ"}}, nil); resp.StatusCode >= 400 {
		t.Fatalf("register: %d", resp.StatusCode)
	}
	got, sig := received(1)
	mac := hmac.New(sha256.New, []byte(secret))
	mac.Write([]byte(got[0]))
	if sig[0] != "sha256="+hexenc.EncodeToString(mac.Sum(nil)) || !strings.Contains(got[0], `"event":"pilot.registered"`) ||
		!strings.Contains(got[0], `"name":"Pat Pilot"`) {
		t.Errorf("the receiver got %s signed %q", got[0], sig[0])
	}

	// The log shows it delivered; send again, by the keyboard.
	deadline := time.Now().Add(20 * time.Second)
	for {
		if err := chromedp.Do(tab, chromedp.Navigate(srv.URL+hookURL), chromedp.WaitVisible(testID("webhook-form"))); err != nil {
			t.Fatal(err)
		}
		if st := text(t, tab, `[data-testid="deliveries"]`); strings.Contains(st, "Delivered") || time.Now().After(deadline) {
			break
		}
		time.Sleep(100 * time.Millisecond)
	}
	contains(t, tab, `[data-testid="delivery-status"]`, "Delivered")
	contains(t, tab, `[data-testid="delivery-code"]`, "204")
	screenshot(t, tab, "webhook-deliveries")
	auditPage(t, tab, "webhook-deliveries")
	if err := chromedp.Do(tab,
		chromedp.Focus(chromedp.CSS(`[data-testid="delivery-resend-form"] button`)),
		pressEnter(),
		chromedp.WaitVisible(testID("notice")),
	); err != nil {
		t.Fatalf("send again: %v", err)
	}
	contains(t, tab, `[data-testid="notice"]`, "sent again")
	if again, _ := received(2); again[1] != got[0] {
		t.Errorf("sent again: %s, want %s", again[1], got[0])
	}
}
