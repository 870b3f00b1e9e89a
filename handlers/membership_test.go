package handlers_test

import (
	"context"
	"net/http"
	"net/url"
	"strings"
	"testing"

	"github.com/PuerkitoBio/goquery"

	"github.com/albatross-va/albatross/domain"
)

// find returns the text of the first element matching sel in a page.
func find(body, sel string) string {
	doc, _ := goquery.NewDocumentFromReader(strings.NewReader(body))
	return strings.TrimSpace(doc.Find(sel).First().Text())
}

func TestRegistrationApprovalAndLoginRefusals(t *testing.T) {
	w := newMatrixWorld(t, embedded)
	a := w.airlines["A"]
	staff := w.actors[2] // admin of A
	w.session(t, staff)

	// A visitor registers; the form keeps their input on error.
	visitor := newClient()
	token := formToken(t, visitor, w.URL+"/a/"+a.slug+"/register", "register-form")
	resp, body := post(t, visitor, w.URL+"/a/"+a.slug+"/register", url.Values{"_csrf": {token},
		"name": {"Ana Pilot"}, "email": {"ana@example.com"}, "password": {"short"}, "country": {"Portugal"}})
	if resp.StatusCode != http.StatusUnprocessableEntity || find(body, `[data-testid="error-password"]`) == "" ||
		find(body, `[data-testid="error-country"]`) == "" {
		t.Fatalf("bad registration: %d, want 422 with messages beside password and country", resp.StatusCode)
	}
	doc, _ := goquery.NewDocumentFromReader(strings.NewReader(body))
	if v, _ := doc.Find(`#register-name`).Attr("value"); v != "Ana Pilot" {
		t.Errorf("the form lost the name: %q", v)
	}
	resp, body = post(t, visitor, w.URL+"/a/"+a.slug+"/register", url.Values{"_csrf": {token},
		"name": {"Ana Pilot"}, "email": {"Ana@Example.com"}, "password": {memberPassword}, "password_confirm": {memberPassword}, "country": {"pt"}})
	if resp.StatusCode != http.StatusCreated || find(body, `[data-testid="registered"]`) == "" {
		t.Fatalf("registration: %d", resp.StatusCode)
	}
	// The same email again is refused beside the field.
	resp, body = post(t, newClientWithToken(t, w, a), w.URL+"/a/"+a.slug+"/register", url.Values{
		"name": {"Twin"}, "email": {"ana@example.com"}, "password": {memberPassword}, "password_confirm": {memberPassword}, "country": {"GB"}})
	if resp.StatusCode != http.StatusConflict || !strings.Contains(find(body, `[data-testid="error-email"]`), "already exists") {
		t.Errorf("a second registration with the email: %d %q", resp.StatusCode, find(body, `[data-testid="error-email"]`))
	}

	// Pending: the password is right but the login waits for approval.
	ana := newClient()
	if resp := w.logIn(t, ana, "ana@example.com", memberPassword); resp.StatusCode != http.StatusForbidden {
		t.Errorf("a pending registration logged in: %d", resp.StatusCode)
	}
	_, body = getAs(t, staff.client, w.URL+"/airlines/"+a.id+"/people", nil)
	doc, _ = goquery.NewDocumentFromReader(strings.NewReader(body))
	pending := doc.Find(`[data-testid="pending"][data-email="ana@example.com"]`)
	if pending.Length() != 1 {
		t.Fatalf("the people page does not list Ana's registration as pending")
	}
	approveURL, _ := pending.Find(`form[action$="/approve"]`).Attr("action")
	resp, _ = post(t, staff.client, w.URL+approveURL, url.Values{"_csrf": {w.csrfToken(t, staff.client)}})
	if resp.StatusCode != http.StatusSeeOther {
		t.Fatalf("approve: %d", resp.StatusCode)
	}
	_, body = getAs(t, staff.client, w.URL+resp.Header.Get("Location"), nil)
	// Airline A already has two pilots (the world's target pilot and pilot of A).
	if n := find(body, `[data-testid="notice"]`); !strings.Contains(n, "approved as ALA0003") {
		t.Errorf("notice after approval %q, want the next pilot id ALA0003", n)
	}

	if resp := w.logIn(t, ana, "ana@example.com", memberPassword); resp.StatusCode != http.StatusSeeOther {
		t.Fatalf("approved pilot cannot log in: %d", resp.StatusCode)
	}
	_, body = getAs(t, ana, w.URL+"/", nil)
	if got := find(body, `[data-testid="my-pilot-id"]`); got != "ALA0003" {
		t.Errorf("home shows pilot id %q, want ALA0003", got)
	}

	// Suspending the airline ends Ana's session and refuses her login.
	ctx := context.Background()
	if _, err := w.app.airlines.Suspend(ctx, domain.CommandMeta{Who: domain.System}, a.id, "unpaid"); err != nil {
		t.Fatal(err)
	}
	w.settle(t)
	if resp, _ := getAs(t, ana, w.URL+"/", nil); resp.StatusCode != http.StatusSeeOther || !strings.HasPrefix(resp.Header.Get("Location"), "/login") {
		t.Errorf("a session of a suspended airline still works: %d", resp.StatusCode)
	}
	resp = w.logIn(t, newClient(), "ana@example.com", memberPassword)
	if resp.StatusCode != http.StatusForbidden {
		t.Errorf("login in a suspended airline: %d, want 403", resp.StatusCode)
	}
	// And its API keys stop working, on this request already.
	req, _ := http.NewRequest(http.MethodGet, w.URL+"/api/v1/me", nil)
	req.Header.Set("X-API-Key", staff.apiKey)
	apiResp, err := http.DefaultClient.Do(req)
	if err != nil {
		t.Fatal(err)
	}
	apiResp.Body.Close()
	if apiResp.StatusCode != http.StatusForbidden || apiResp.Header.Get("Content-Type") != "application/problem+json" {
		t.Errorf("an API key of a suspended airline: %d %s, want a 403 problem", apiResp.StatusCode, apiResp.Header.Get("Content-Type"))
	}
}

// newClientWithToken is a visitor who opened the airline's registration
// form; its posts carry the CSRF token.
func newClientWithToken(t *testing.T, w *matrixWorld, tn *tenant) *http.Client {
	t.Helper()
	c := newClient()
	formToken(t, c, w.URL+"/a/"+tn.slug+"/register", "register-form")
	c.Transport = tokenTransport{token: w.csrfToken(t, c)}
	return c
}

// tokenTransport adds the CSRF header to every request.
type tokenTransport struct{ token string }

func (tt tokenTransport) RoundTrip(r *http.Request) (*http.Response, error) {
	r.Header.Set("X-CSRF-Token", tt.token)
	return http.DefaultTransport.RoundTrip(r)
}

func TestRejectionReasonIsShownToTheApplicant(t *testing.T) {
	w := newMatrixWorld(t, embedded)
	a := w.airlines["A"]
	staff := w.actors[2]
	w.session(t, staff)
	u := w.URL + "/airlines/" + a.id + "/people/" + a.rejectee + "/reject"
	resp, body := post(t, staff.client, u, url.Values{"_csrf": {w.csrfToken(t, staff.client)}, "reason": {""}})
	if resp.StatusCode != http.StatusUnprocessableEntity || find(body, `[data-testid="error-reason"]`) == "" {
		t.Errorf("reject without a reason: %d, want 422 with a message", resp.StatusCode)
	}
	resp, _ = post(t, staff.client, u, url.Values{"_csrf": {w.csrfToken(t, staff.client)}, "reason": {"Please use your real name."}})
	if resp.StatusCode != http.StatusSeeOther {
		t.Fatalf("reject: %d", resp.StatusCode)
	}
	applicant := newClient()
	token := formToken(t, applicant, w.URL+"/login", "login-form")
	resp, body = post(t, applicant, w.URL+"/login", url.Values{"_csrf": {token}, "email": {"rejectee-" + a.slug + "@example.com"}, "password": {memberPassword}})
	if msg := find(body, `[data-testid="form-error"]`); resp.StatusCode != http.StatusForbidden || !strings.Contains(msg, "Please use your real name.") {
		t.Errorf("the applicant's login: %d %q, want 403 with the reason", resp.StatusCode, msg)
	}
	// The person's page tells the story, without any secret.
	_, body = getAs(t, staff.client, w.URL+"/airlines/"+a.id+"/people/"+a.rejectee, nil)
	doc, _ := goquery.NewDocumentFromReader(strings.NewReader(body))
	var history []string
	doc.Find(`[data-testid="history-entry"]`).Each(func(_ int, s *goquery.Selection) { history = append(history, s.Text()) })
	if len(history) != 2 || !strings.Contains(history[0], "Registered") || !strings.Contains(history[0], "themselves") ||
		!strings.Contains(history[1], "Registration rejected: Please use your real name.") || !strings.Contains(history[1], "admin-a@example.com") {
		t.Errorf("history %q, want registered by themselves, then rejected by the admin", history)
	}
	if strings.Contains(body, "argon2") {
		t.Error("the person page shows a password hash")
	}
}

func TestSuspendedPilotIsLoggedOutAndStaffCanResetPasswords(t *testing.T) {
	w := newMatrixWorld(t, postgres)
	a := w.airlines["A"]
	staff, pilot := w.actors[2], w.actors[1]
	w.session(t, staff)
	w.session(t, pilot)
	_, body := getAs(t, pilot.client, w.URL+"/", nil)
	pilotID := find(body, `[data-testid="my-pilot-id"]`)
	if !strings.HasPrefix(pilotID, "ALA") {
		t.Fatalf("the pilot's home shows pilot id %q", pilotID)
	}
	// Find the pilot on the people page and suspend them.
	_, body = getAs(t, staff.client, w.URL+"/airlines/"+a.id+"/people", nil)
	doc, _ := goquery.NewDocumentFromReader(strings.NewReader(body))
	link, _ := doc.Find(`[data-testid="person-row"][data-email="pilot-a@example.com"] a`).Attr("href")
	if link == "" {
		t.Fatal("the pilot is not on the people page")
	}
	resp, _ := post(t, staff.client, w.URL+link+"/suspend", url.Values{"_csrf": {w.csrfToken(t, staff.client)}, "reason": {"Inactive"}})
	if resp.StatusCode != http.StatusSeeOther {
		t.Fatalf("suspend: %d", resp.StatusCode)
	}
	if resp, _ := getAs(t, pilot.client, w.URL+"/", nil); resp.StatusCode != http.StatusSeeOther {
		t.Errorf("a suspended pilot's session still works: %d", resp.StatusCode)
	}
	resp, body = post(t, staff.client, w.URL+link+"/reset-password", url.Values{"_csrf": {w.csrfToken(t, staff.client)}})
	otp := find(body, `[data-testid="otp"]`)
	if resp.StatusCode != http.StatusOK || len(otp) < domain.MinPasswordLength || resp.Header.Get("Cache-Control") != "no-store" {
		t.Fatalf("reset: %d, one-time password %q, Cache-Control %q", resp.StatusCode, otp, resp.Header.Get("Cache-Control"))
	}
	resp2, _ := post(t, staff.client, w.URL+link+"/reactivate", url.Values{"_csrf": {w.csrfToken(t, staff.client)}})
	if resp2.StatusCode != http.StatusSeeOther {
		t.Fatalf("reactivate: %d", resp2.StatusCode)
	}
	c := newClient()
	if resp := w.logIn(t, c, "pilot-a@example.com", otp); resp.Header.Get("Location") != "/account/password" {
		t.Errorf("login with the reset password went to %q, want the change-password page", resp.Header.Get("Location"))
	}
	if resp := w.logIn(t, newClient(), "pilot-a@example.com", memberPassword); resp.StatusCode == http.StatusSeeOther {
		t.Error("the old password still works after a reset")
	}
}

func TestARoleChangeRenewsTheSessionToken(t *testing.T) {
	w := newMatrixWorld(t, embedded)
	a := w.airlines["A"]
	staff, pilot := w.actors[2], w.actors[1]
	w.session(t, staff)
	w.session(t, pilot)
	if resp, _ := getAs(t, pilot.client, w.URL+"/airlines/"+a.id+"/people", nil); resp.StatusCode != http.StatusForbidden {
		t.Fatalf("a pilot on the people page: %d, want 403", resp.StatusCode)
	}
	before := sessionCookie(pilot.client, w.URL)

	_, body := getAs(t, staff.client, w.URL+"/airlines/"+a.id+"/people", nil)
	doc, _ := goquery.NewDocumentFromReader(strings.NewReader(body))
	link, _ := doc.Find(`[data-testid="person-row"][data-email="pilot-a@example.com"] a`).Attr("href")
	resp, _ := post(t, staff.client, w.URL+link+"/role", url.Values{"_csrf": {w.csrfToken(t, staff.client)}, "role": {"airline_admin"}})
	if resp.StatusCode != http.StatusSeeOther {
		t.Fatalf("change role: %d", resp.StatusCode)
	}
	if resp, _ := getAs(t, pilot.client, w.URL+"/airlines/"+a.id+"/people", nil); resp.StatusCode != http.StatusOK {
		t.Errorf("the new airline admin on the people page: %d, want 200", resp.StatusCode)
	}
	if after := sessionCookie(pilot.client, w.URL); after == before || after == "" {
		t.Errorf("the session token stayed %q across the role change", after)
	}
	_, body = getAs(t, staff.client, w.URL+link, nil)
	if !strings.Contains(body, "Made an airline admin") {
		t.Error("the person's history does not show the role change")
	}
	// Nobody changes their own role.
	self := w.URL + "/airlines/" + a.id + "/people/" + strings.TrimPrefix(link, "/airlines/"+a.id+"/people/")
	resp, _ = post(t, pilot.client, self+"/role", url.Values{"_csrf": {w.csrfToken(t, pilot.client)}, "role": {"pilot"}})
	if resp.StatusCode != http.StatusConflict {
		t.Errorf("changing one's own role: %d, want 409", resp.StatusCode)
	}
}

// A one-time password is passed on with the login address a pilot can
// reach: the deployment's public address when one is set, not the name the
// staff member's browser happened to use (an internal host, a tunnel).
func TestTheOneTimePasswordNamesTheLoginAddressToPassOn(t *testing.T) {
	for _, c := range []struct {
		name string
		opts []appOption
		want func(w *matrixWorld) string
	}{
		{"no public address set", nil, func(w *matrixWorld) string { return w.URL + "/login" }},
		{"public address set", []appOption{withMail()}, func(*matrixWorld) string { return testPublicURL + "/login" }},
	} {
		t.Run(c.name, func(t *testing.T) {
			w := newMatrixWorld(t, embedded, c.opts...)
			a := w.airlines["A"]
			staff := w.actors[2]
			w.session(t, staff)
			_, body := getAs(t, staff.client, w.URL+"/airlines/"+a.id+"/people", nil)
			doc, _ := goquery.NewDocumentFromReader(strings.NewReader(body))
			link, _ := doc.Find(`[data-testid="person-row"][data-email="pilot-a@example.com"] a`).Attr("href")
			if link == "" {
				t.Fatal("the pilot is not on the people page")
			}
			_, body = post(t, staff.client, w.URL+link+"/reset-password", url.Values{"_csrf": {w.csrfToken(t, staff.client)}})
			if got, want := find(body, `[data-testid="otp-login-url"]`), c.want(w); got != want {
				t.Errorf("the one-time password says to log in at %q, want %q", got, want)
			}
		})
	}
}
