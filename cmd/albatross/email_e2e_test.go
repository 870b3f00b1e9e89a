package main

import (
	"net/http"
	"net/url"
	"regexp"
	"strconv"
	"strings"
	"testing"

	"github.com/albatross-va/albatross/mail/mailpittest"
	"github.com/albatross-va/albatross/store/pgtest"
)

// A deployment with SMTP settings sends through its outbox from serve: a
// registered pilot asks for a reset link, gets it from the airline at the
// public address, and sets a password with it, in both modes.
func TestServeSendsResetLinksThroughTheOutbox(t *testing.T) {
	for _, m := range []string{"embedded", "postgres"} {
		t.Run(m, func(t *testing.T) {
			srv := mailpittest.Start(t)
			env := map[string]string{
				"ALBATROSS_SMTP_HOST": srv.SMTPHost, "ALBATROSS_SMTP_PORT": strconv.Itoa(srv.SMTPPort),
				"ALBATROSS_SMTP_TLS": "none", "ALBATROSS_SMTP_FROM": "noreply@va.example.test",
				"ALBATROSS_PUBLIC_URL": "https://va.example.test",
			}
			if m == "embedded" {
				env["ALBATROSS_DATA_DIR"] = t.TempDir()
			} else {
				env["DATABASE_URL"] = pgtest.NewDatabase(t)
			}
			app := startServer(t, env)
			admin := loginAsAdmin(t, app)
			createAirline(t, admin, "Mailbird Virtual", "MBV", "mailbird")

			visitor := newBrowser(t, app)
			_, doc := visitor.get("/a/mailbird/register")
			csrf, _ := doc.Find(`[data-testid="register-form"] input[name="_csrf"]`).Attr("value")
			email := "pilot-" + m + "@example.com"
			resp, _ := visitor.post("/a/mailbird/register", url.Values{"_csrf": {csrf}, "name": {"Mia Pilot"}, "email": {email},
				"password": {"a first password"}, "password_confirm": {"a first password"}, "country": {"PT"}}, nil)
			if resp.StatusCode != http.StatusCreated {
				t.Fatalf("register: %d", resp.StatusCode)
			}
			_, doc = visitor.get("/login")
			if doc.Find(`[data-testid="forgot-link"]`).Length() != 1 {
				t.Fatal("the login page does not offer a reset")
			}
			_, doc = visitor.get("/password/forgot")
			csrf, _ = doc.Find(`[data-testid="forgot-form"] input[name="_csrf"]`).Attr("value")
			if resp, _ := visitor.post("/password/forgot", url.Values{"_csrf": {csrf}, "email": {email}}, nil); resp.StatusCode != http.StatusOK {
				t.Fatalf("ask for a reset: %d", resp.StatusCode)
			}
			msg := srv.WaitFor(t, email, "Choose a new password", 1)
			if msg.From.Name != "Mailbird Virtual" || msg.From.Address != "noreply@va.example.test" {
				t.Errorf("sender %+v", msg.From)
			}
			link := regexp.MustCompile(`https://va\.example\.test(/password/reset\?token=[0-9a-f]+)`).FindStringSubmatch(msg.Text)
			if link == nil {
				t.Fatalf("no link at the public address in %q", msg.Text)
			}
			_, doc = visitor.get(link[1])
			csrf, _ = doc.Find(`[data-testid="reset-form"] input[name="_csrf"]`).Attr("value")
			token := strings.TrimPrefix(link[1], "/password/reset?token=")
			resp, doc = visitor.post("/password/reset", url.Values{"_csrf": {csrf}, "token": {token},
				"password": {"a second password"}, "confirm": {"a second password"}}, nil)
			if resp.StatusCode != http.StatusOK || doc.Find(`[data-testid="reset-done"]`).Length() != 1 {
				t.Fatalf("reset: %d", resp.StatusCode)
			}
		})
	}
}

// SMTP settings that cannot send stop the start with one line naming the
// setting, and the password is never in it.
func TestSMTPSettingsAreCheckedAtStart(t *testing.T) {
	checkRefusedStarts(t, []refusedStart{
		{map[string]string{"ALBATROSS_SMTP_HOST": "smtp.example.com", "ALBATROSS_SMTP_FROM": "noreply@example.com"}, nil, []string{"ALBATROSS_PUBLIC_URL"}},
		{map[string]string{"ALBATROSS_SMTP_HOST": "smtp.example.com", "ALBATROSS_PUBLIC_URL": "https://va.example.com"}, nil, []string{"ALBATROSS_SMTP_FROM"}},
		{map[string]string{"ALBATROSS_SMTP_HOST": "smtp.example.com", "ALBATROSS_SMTP_FROM": "Air <noreply@example.com>", "ALBATROSS_PUBLIC_URL": "https://va.example.com"}, nil, []string{"ALBATROSS_SMTP_FROM"}},
		{map[string]string{"ALBATROSS_SMTP_HOST": "smtp.example.com", "ALBATROSS_SMTP_FROM": "noreply@example.com", "ALBATROSS_PUBLIC_URL": "https://va.example.com", "ALBATROSS_SMTP_TLS": "ssl"}, nil, []string{"ALBATROSS_SMTP_TLS", "none, starttls or tls"}},
		{map[string]string{"ALBATROSS_SMTP_HOST": "smtp.example.com", "ALBATROSS_SMTP_FROM": "noreply@example.com", "ALBATROSS_PUBLIC_URL": "https://va.example.com", "ALBATROSS_SMTP_PORT": "99999"}, nil, []string{"ALBATROSS_SMTP_PORT"}},
		{map[string]string{"ALBATROSS_SMTP_HOST": "smtp.example.com", "ALBATROSS_SMTP_FROM": "noreply@example.com", "ALBATROSS_PUBLIC_URL": "https://va.example.com", "ALBATROSS_SMTP_PASSWORD": "hunter2"}, nil, []string{"ALBATROSS_SMTP_USER", "ALBATROSS_SMTP_PASSWORD"}},
		{map[string]string{"ALBATROSS_SMTP_PASSWORD": "hunter2"}, nil, []string{"ALBATROSS_SMTP_HOST"}},
		{map[string]string{"ALBATROSS_SMTP_HOST": "smtp.example.com", "ALBATROSS_SMTP_FROM": "noreply@example.com", "ALBATROSS_PUBLIC_URL": "va.example.com"}, nil, []string{"ALBATROSS_PUBLIC_URL", "not an http or https URL"}},
	})
}
