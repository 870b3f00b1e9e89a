package handlers_test

import (
	"context"
	"net/http"
	"net/url"
	"regexp"
	"strings"
	"testing"
	"time"

	"github.com/PuerkitoBio/goquery"

	"github.com/albatross-va/albatross/domain"
	"github.com/albatross-va/albatross/mail"
	"github.com/albatross-va/albatross/mail/mailpittest"
)

// mailPerson is someone of an airline with a password they chose.
type mailPerson struct {
	id, email, airlineID, airline string
}

// newMailPerson creates an airline and a pilot of it with memberPassword,
// and waits until the read models have them.
func newMailPerson(t *testing.T, a *app, airline, email string) mailPerson {
	t.Helper()
	ctx := context.Background()
	sys := domain.CommandMeta{Who: domain.System}
	slug := strings.ToLower(strings.ReplaceAll(airline, " ", "-"))
	airlineID, _, err := a.airlines.Create(ctx, sys, domain.CreateAirline{Name: airline, ICAO: strings.ToUpper(slug[:3]), Slug: slug})
	if err != nil {
		t.Fatal(err)
	}
	id, otp, _, err := a.users.CreatePerson(ctx, sys, airlineID, domain.Person{Name: "Ana Pilot", Email: email, Country: "PT", Role: domain.RolePilot})
	if err != nil {
		t.Fatal(err)
	}
	res, err := a.users.ChangePassword(ctx, sys, id, otp, memberPassword)
	if err != nil {
		t.Fatal(err)
	}
	if err := a.proj.WaitFor(ctx, res.Position); err != nil {
		t.Fatal(err)
	}
	return mailPerson{id: id, email: email, airlineID: airlineID, airline: airline}
}

// askForReset posts the "Forgot your password?" form.
func askForReset(t *testing.T, a *app, client *http.Client, email string) (*http.Response, string) {
	t.Helper()
	token := formToken(t, client, a.URL+"/password/forgot", "forgot-form")
	return post(t, client, a.URL+"/password/forgot", url.Values{"_csrf": {token}, "email": {email}})
}

var resetLink = regexp.MustCompile(regexp.QuoteMeta(testPublicURL) + `(/password/reset\?token=[0-9a-f]{64})`)

func TestAPasswordResetLinkWorksOnceAndEndsTheOldSessions(t *testing.T) {
	srv := mailpittest.Start(t)
	for _, m := range []mode{embedded, postgres} {
		t.Run(string(m), func(t *testing.T) {
			a := newAppOn(t, m, nil, withMailpit(srv))
			p := newMailPerson(t, a, "Reset Air "+string(m), "ana-"+string(m)+"@example.com")
			old := newClient()
			if resp := a.logIn(t, old, p.email, memberPassword); resp.StatusCode != http.StatusSeeOther {
				t.Fatalf("login: %d", resp.StatusCode)
			}
			_, body := get(t, a.URL+"/login", nil)
			if find(body, `[data-testid="forgot-link"]`) == "" {
				t.Fatal("the login page does not offer \"Forgot your password?\"")
			}

			// The answer is the same for an address without an account.
			visitor := newClient()
			resp, known := askForReset(t, a, visitor, strings.ToUpper(p.email))
			if resp.StatusCode != http.StatusOK || find(known, `[data-testid="reset-sent"]`) == "" {
				t.Fatalf("ask for a reset: %d", resp.StatusCode)
			}
			resp, unknown := askForReset(t, a, newClient(), "nobody-"+string(m)+"@example.com")
			if resp.StatusCode != http.StatusOK || find(unknown, `[data-testid="reset-sent"]`) != find(known, `[data-testid="reset-sent"]`) {
				t.Fatalf("an unknown address is answered otherwise: %d %q", resp.StatusCode, find(unknown, `[data-testid="reset-sent"]`))
			}

			msg := srv.WaitFor(t, p.email, "Choose a new password", 1)
			if msg.From.Name != p.airline {
				t.Errorf("sender %q, want the airline's name %q", msg.From.Name, p.airline)
			}
			if len(msg.Headers["List-Unsubscribe"]) != 0 {
				t.Errorf("a reset email offers to unsubscribe: %v", msg.Headers["List-Unsubscribe"])
			}
			link := resetLink.FindStringSubmatch(msg.Text)
			if link == nil || !strings.Contains(msg.HTML, link[1][len("/password/reset?"):]) {
				t.Fatalf("no reset link in both parts:\n%s\n%s", msg.Text, msg.HTML)
			}
			page := a.URL + link[1]
			resp, body = getAs(t, visitor, page, nil)
			if resp.StatusCode != http.StatusOK || find(body, `[data-testid="reset-form"]`) == "" ||
				!strings.Contains(resp.Header.Get("Cache-Control"), "no-store") || resp.Header.Get("Referrer-Policy") != "no-referrer" {
				t.Fatalf("reset page: %d, Cache-Control %q, Referrer-Policy %q", resp.StatusCode, resp.Header.Get("Cache-Control"), resp.Header.Get("Referrer-Policy"))
			}
			token := strings.TrimPrefix(link[1], "/password/reset?token=")
			csrf := formToken(t, visitor, page, "reset-form")
			resetForm := func(password, confirm string) (*http.Response, string) {
				return post(t, visitor, a.URL+"/password/reset", url.Values{"_csrf": {csrf}, "token": {token}, "password": {password}, "confirm": {confirm}})
			}
			// A refused password keeps the link usable.
			if resp, body := resetForm("short", "short"); resp.StatusCode != http.StatusUnprocessableEntity || find(body, `[data-testid="error-password"]`) == "" {
				t.Fatalf("a short password: %d", resp.StatusCode)
			}
			if resp, body := resetForm("a brand new password", "another one"); resp.StatusCode != http.StatusUnprocessableEntity || find(body, `[data-testid="error-confirm"]`) == "" {
				t.Fatalf("two passwords that differ: %d", resp.StatusCode)
			}
			if resp, body := resetForm("a brand new password", "a brand new password"); resp.StatusCode != http.StatusOK || find(body, `[data-testid="reset-done"]`) == "" {
				t.Fatalf("reset: %d %.300s", resp.StatusCode, body)
			}
			// The old session ended; the new password logs in, the old does not.
			if resp, _ := getAs(t, old, a.URL+"/", nil); resp.StatusCode != http.StatusSeeOther || !strings.HasPrefix(resp.Header.Get("Location"), "/login") {
				t.Errorf("the session from before the reset goes on: %d", resp.StatusCode)
			}
			if resp := a.logIn(t, newClient(), p.email, memberPassword); resp.StatusCode == http.StatusSeeOther {
				t.Error("the old password still logs in")
			}
			if resp := a.logIn(t, newClient(), p.email, "a brand new password"); resp.StatusCode != http.StatusSeeOther {
				t.Errorf("the new password does not log in: %d", resp.StatusCode)
			}
			// The link works once.
			if resp, body := getAs(t, visitor, page, nil); resp.StatusCode != http.StatusGone || find(body, `[data-testid="reset-invalid"]`) == "" {
				t.Errorf("the used link's page: %d", resp.StatusCode)
			}
			if resp, _ := resetForm("a third new password", "a third new password"); resp.StatusCode != http.StatusGone {
				t.Errorf("the used link set a password again: %d", resp.StatusCode)
			}
			if resp := a.logIn(t, newClient(), p.email, "a third new password"); resp.StatusCode == http.StatusSeeOther {
				t.Error("the reused link changed the password")
			}
			// Nothing went to the address without an account.
			if n := srv.Count(t, "nobody-"+string(m)+"@example.com", ""); n != 0 {
				t.Errorf("%d emails to an address without an account", n)
			}
		})
	}
}

func TestAnExpiredOrMadeUpResetLinkIsRefused(t *testing.T) {
	for _, m := range []mode{embedded, postgres} {
		t.Run(string(m), func(t *testing.T) {
			a := newAppOn(t, m, nil, withMail())
			p := newMailPerson(t, a, "Expiry Air "+string(m), "exp-"+string(m)+"@example.com")
			token := mail.NewToken()
			// Issued an hour and a minute ago: expired a minute ago.
			if err := a.mail.IssueToken(context.Background(), mail.Token{Hash: mail.HashToken(token), Kind: mail.TokenPasswordReset,
				UserID: p.id, Email: p.email, ExpiresAt: time.Now().Add(-time.Minute)}); err != nil {
				t.Fatal(err)
			}
			visitor := newClient()
			for _, tok := range []string{token, mail.NewToken(), ""} {
				resp, body := getAs(t, visitor, a.URL+"/password/reset?token="+tok, nil)
				if resp.StatusCode != http.StatusGone || find(body, `[data-testid="reset-invalid"]`) == "" {
					t.Errorf("token %q: %d, want 410 and the message", tok, resp.StatusCode)
				}
			}
			csrf := formToken(t, visitor, a.URL+"/password/forgot", "forgot-form")
			resp, _ := post(t, visitor, a.URL+"/password/reset", url.Values{"_csrf": {csrf}, "token": {token},
				"password": {"a brand new password"}, "confirm": {"a brand new password"}})
			if resp.StatusCode != http.StatusGone {
				t.Errorf("an expired token set the password: %d", resp.StatusCode)
			}
			if resp := a.logIn(t, newClient(), p.email, memberPassword); resp.StatusCode != http.StatusSeeOther {
				t.Errorf("the password changed: %d", resp.StatusCode)
			}
			// Without the CSRF token the form is refused.
			resp, _ = post(t, newClient(), a.URL+"/password/forgot", url.Values{"email": {p.email}})
			if resp.StatusCode != http.StatusForbidden {
				t.Errorf("no CSRF token: %d", resp.StatusCode)
			}
		})
	}
}

func TestResetRequestsAreThrottledAndCheckTheAddress(t *testing.T) {
	for _, m := range []mode{embedded, postgres} {
		t.Run(string(m), func(t *testing.T) {
			a := newAppOn(t, m, nil, withMail())
			p := newMailPerson(t, a, "Throttle Air "+string(m), "thr-"+string(m)+"@example.com")
			client := newClient()
			resp, _ := askForReset(t, a, client, "not an address\x01")
			if resp.StatusCode != http.StatusUnprocessableEntity {
				t.Fatalf("a bad address: %d", resp.StatusCode)
			}
			resp, body := askForReset(t, a, client, "  ")
			if resp.StatusCode != http.StatusUnprocessableEntity || find(body, `[data-testid="error-email"]`) == "" {
				t.Fatalf("an empty address: %d", resp.StatusCode)
			}
			resp, body = askForReset(t, a, client, "no-at-sign")
			if v, _ := findAttr(body, `#forgot-email`, "value"); resp.StatusCode != http.StatusUnprocessableEntity || v != "no-at-sign" {
				t.Fatalf("a bad address: %d, kept %q", resp.StatusCode, v)
			}
			for i := 0; i < 5; i++ {
				if resp, _ := askForReset(t, a, client, p.email); resp.StatusCode != http.StatusOK {
					t.Fatalf("request %d: %d", i+1, resp.StatusCode)
				}
			}
			resp, body = askForReset(t, a, client, p.email)
			if resp.StatusCode != http.StatusTooManyRequests || resp.Header.Get("Retry-After") == "" || find(body, `[data-testid="form-error"]`) == "" {
				t.Fatalf("sixth request: %d, Retry-After %q", resp.StatusCode, resp.Header.Get("Retry-After"))
			}
			troubled, err := a.mail.Troubled(context.Background(), 100)
			if err != nil || len(troubled) != 0 {
				t.Fatalf("troubled before any attempt: %d %v", len(troubled), err)
			}
		})
	}
}

func TestWithoutSMTPThePagesOfferNoEmail(t *testing.T) {
	a := newAppOn(t, embedded, nil) // no SMTP settings
	_, body := get(t, a.URL+"/login", nil)
	if find(body, `[data-testid="login-form"]`) == "" || find(body, `[data-testid="forgot-link"]`) != "" {
		t.Fatal("the login page offers a reset without SMTP settings")
	}
	for _, path := range []string{"/password/forgot", "/password/reset?token=x", "/email/unsubscribe?u=x&k=promotion&s=x"} {
		if resp, _ := get(t, a.URL+path, nil); resp.StatusCode != http.StatusNotFound {
			t.Errorf("%s: %d, want 404", path, resp.StatusCode)
		}
	}
	admin := a.adminClient(t)
	if _, body := getAs(t, admin, a.URL+"/airlines", nil); find(body, `[data-testid="nav-api-keys"]`) == "" || find(body, `[data-testid="nav-email"]`) != "" || find(body, `[data-testid="nav-outbox"]`) != "" {
		t.Error("the navigation links email pages without SMTP settings")
	}
	if resp, _ := getAs(t, admin, a.URL+"/account/email", nil); resp.StatusCode != http.StatusNotFound {
		t.Errorf("/account/email: %d, want 404", resp.StatusCode)
	}
}

// findAttr is an attribute of the first element sel finds in body.
func findAttr(body, sel, attr string) (string, bool) {
	doc, err := goquery.NewDocumentFromReader(strings.NewReader(body))
	if err != nil {
		return "", false
	}
	return doc.Find(sel).First().Attr(attr)
}

func TestThePlatformAdminSeesTheEmailsNotSent(t *testing.T) {
	for _, m := range []mode{embedded, postgres} {
		t.Run(string(m), func(t *testing.T) {
			srv := mailpittest.Start(t, "--enable-chaos")
			srv.FailSenders(t, 451)
			a := newAppOn(t, m, nil, withMailpit(srv))
			p := newMailPerson(t, a, "Outbox Air "+string(m), "outbox-"+string(m)+"@example.com")
			admin := a.adminClient(t)
			_, body := getAs(t, admin, a.URL+"/airlines", nil)
			if find(body, `[data-testid="nav-outbox"]`) == "" || find(body, `[data-testid="nav-email"]`) == "" {
				t.Error("the navigation does not link the email pages")
			}
			_, body = getAs(t, admin, a.URL+"/admin/email", nil)
			if find(body, `[data-testid="no-failed-email"]`) == "" {
				t.Fatal("the page lists a failure before any")
			}
			if resp, _ := askForReset(t, a, newClient(), p.email); resp.StatusCode != http.StatusOK {
				t.Fatalf("ask for a reset: %d", resp.StatusCode)
			}
			deadline := time.Now().Add(10 * time.Second)
			for {
				if qs, err := a.mail.Troubled(context.Background(), 10); err == nil && len(qs) == 1 {
					break
				}
				if time.Now().After(deadline) {
					t.Fatal("the failed send was not recorded")
				}
				time.Sleep(50 * time.Millisecond)
			}
			resp, body := getAs(t, admin, a.URL+"/admin/email", nil)
			if resp.StatusCode != http.StatusOK || !strings.Contains(resp.Header.Get("Cache-Control"), "no-store") {
				t.Fatalf("outbox page: %d %q", resp.StatusCode, resp.Header.Get("Cache-Control"))
			}
			if got := find(body, `[data-testid="outbox-to"]`); got != p.email {
				t.Errorf("row to %q, want %q", got, p.email)
			}
			if got := find(body, `[data-testid="outbox-error"]`); !strings.Contains(got, "451") {
				t.Errorf("row error %q, want the server's 451", got)
			}
			if got := find(body, `[data-testid="outbox-status"]`); !strings.Contains(got, "pending") || !strings.Contains(got, "next at") {
				t.Errorf("row state %q, want pending with its next attempt", got)
			}
			// A pilot does not see it.
			pilot := newClient()
			a.logIn(t, pilot, p.email, memberPassword)
			if resp, _ := getAs(t, pilot, a.URL+"/admin/email", nil); resp.StatusCode != http.StatusForbidden {
				t.Errorf("a pilot opened the outbox: %d", resp.StatusCode)
			}
		})
	}
}

var verifyLink = regexp.MustCompile(regexp.QuoteMeta(testPublicURL) + `(/email/verify\?token=[0-9a-f]{64})`)

func TestARegistrationIsAskedToConfirmItsAddress(t *testing.T) {
	for _, m := range []mode{embedded, postgres} {
		t.Run(string(m), func(t *testing.T) {
			srv := mailpittest.Start(t)
			a := newAppOn(t, m, nil, withMailpit(srv))
			staff := newMailPerson(t, a, "Verify Air "+string(m), "staff-"+string(m)+"@example.com")
			slug := strings.ToLower(strings.ReplaceAll(staff.airline, " ", "-"))
			visitor := newClient()
			csrf := formToken(t, visitor, a.URL+"/a/"+slug+"/register", "register-form")
			email := "new-" + string(m) + "@example.com"
			resp, body := post(t, visitor, a.URL+"/a/"+slug+"/register", url.Values{"_csrf": {csrf}, "name": {"Nia Pilot"},
				"email": {email}, "password": {memberPassword}, "password_confirm": {memberPassword}, "country": {"PT"}})
			if resp.StatusCode != http.StatusCreated {
				t.Fatalf("register: %d %.300s", resp.StatusCode, body)
			}
			msg := srv.WaitFor(t, email, "Confirm your email address", 1)
			if msg.From.Name != staff.airline || len(msg.Headers["List-Unsubscribe"]) != 0 {
				t.Errorf("verification email: from %q, List-Unsubscribe %v", msg.From.Name, msg.Headers["List-Unsubscribe"])
			}
			link := verifyLink.FindStringSubmatch(msg.Text)
			if link == nil || !strings.Contains(msg.HTML, link[1][len("/email/verify?"):]) {
				t.Fatalf("no verification link in both parts: %q", msg.Text)
			}
			// Opening the link verifies nothing yet (a mail scanner may open it).
			resp, body = getAs(t, visitor, a.URL+link[1], nil)
			if resp.StatusCode != http.StatusOK || find(body, `[data-testid="verify-form"]`) == "" {
				t.Fatalf("verification page: %d", resp.StatusCode)
			}
			token := strings.TrimPrefix(link[1], "/email/verify?token=")
			csrf = formToken(t, visitor, a.URL+link[1], "verify-form")
			if resp, body := post(t, visitor, a.URL+"/email/verify", url.Values{"_csrf": {csrf}, "token": {token}}); resp.StatusCode != http.StatusOK || find(body, `[data-testid="email-verified"]`) == "" {
				t.Fatalf("verify: %d", resp.StatusCode)
			}
			if resp, body := post(t, visitor, a.URL+"/email/verify", url.Values{"_csrf": {csrf}, "token": {token}}); resp.StatusCode != http.StatusGone || find(body, `[data-testid="verify-invalid"]`) == "" {
				t.Errorf("the link worked twice: %d", resp.StatusCode)
			}
			if resp, _ := post(t, newClient(), a.URL+"/email/verify", url.Values{"token": {token}}); resp.StatusCode != http.StatusForbidden {
				t.Errorf("no CSRF token: %d", resp.StatusCode)
			}
			// The person's history, which staff read, shows it.
			u, err := a.rm.GetUserByEmail(context.Background(), email)
			if err != nil {
				t.Fatal(err)
			}
			_, body = getAs(t, a.adminClient(t), a.URL+"/airlines/"+staff.airlineID+"/people/"+u.ID.String(), nil)
			if !strings.Contains(body, "Email address verified") {
				t.Error("the person's history does not show the verification")
			}
			// Staff-added people are not asked.
			if n := srv.Count(t, staff.email, "Confirm"); n != 0 {
				t.Errorf("a person staff added was asked to confirm: %d", n)
			}
		})
	}
}
