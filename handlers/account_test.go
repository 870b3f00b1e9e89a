package handlers_test

import (
	"context"
	"fmt"
	"io"
	"net/http"
	"net/url"
	"strings"
	"testing"

	"github.com/PuerkitoBio/goquery"

	"github.com/albatross-va/albatross/domain"
)

const chosenPassword = "a password the admin chose"

// formToken reads the CSRF token of the form on a page.
func formToken(t *testing.T, client *http.Client, pageURL, form string) string {
	t.Helper()
	_, body := getAs(t, client, pageURL, nil)
	doc, _ := goquery.NewDocumentFromReader(strings.NewReader(body))
	token, _ := doc.Find(`[data-testid="` + form + `"] input[name="_csrf"]`).Attr("value")
	if token == "" {
		t.Fatalf("no CSRF token in %s on %s", form, pageURL)
	}
	return token
}

// post submits a form with a client.
func post(t *testing.T, client *http.Client, u string, form url.Values) (*http.Response, string) {
	t.Helper()
	resp, err := client.PostForm(u, form)
	if err != nil {
		t.Fatal(err)
	}
	defer resp.Body.Close()
	b, _ := io.ReadAll(resp.Body)
	return resp, string(b)
}

// logIn submits the login form and returns the response.
func (a *app) logIn(t *testing.T, client *http.Client, login, password string) *http.Response {
	t.Helper()
	token := formToken(t, client, a.URL+"/login", "login-form")
	resp, _ := post(t, client, a.URL+"/login", url.Values{"_csrf": {token}, "email": {login}, "password": {password}})
	return resp
}

// adminClient logs in with the one-time password and chooses a password.
func (a *app) adminClient(t *testing.T) *http.Client {
	t.Helper()
	c := newClient()
	if resp := a.logIn(t, c, "admin", a.adminOTP); resp.Header.Get("Location") != "/account/password" {
		t.Fatalf("login with the one-time password went to %q (%d)", resp.Header.Get("Location"), resp.StatusCode)
	}
	token := formToken(t, c, a.URL+"/account/password", "password-form")
	resp, body := post(t, c, a.URL+"/account/password", url.Values{"_csrf": {token}, "current": {a.adminOTP}, "password": {chosenPassword}, "confirm": {chosenPassword}})
	if resp.StatusCode != http.StatusSeeOther {
		t.Fatalf("choose a password: %d %.300s", resp.StatusCode, body)
	}
	return c
}

func sessionCookie(c *http.Client, base string) string {
	u, _ := url.Parse(base)
	for _, ck := range c.Jar.Cookies(u) {
		if ck.Name == "albatross_session" {
			return ck.Value
		}
	}
	return ""
}

func TestVisitorsAreSentToLoginAndTheOneTimePasswordMustBeChanged(t *testing.T) {
	a := newApp(t, nil)
	c := newClient()
	resp, _ := getAs(t, c, a.URL+"/airlines", nil)
	if resp.StatusCode != http.StatusSeeOther || !strings.HasPrefix(resp.Header.Get("Location"), "/login") {
		t.Fatalf("a visitor on /airlines: %d to %q, want the login page", resp.StatusCode, resp.Header.Get("Location"))
	}
	a.logIn(t, c, "admin", a.adminOTP)
	for _, path := range []string{"/airlines", "/", "/events"} {
		resp, _ := getAs(t, c, a.URL+path, nil)
		if resp.Header.Get("Location") != "/account/password" {
			t.Errorf("%s with a one-time password: %d to %q, want the change-password page", path, resp.StatusCode, resp.Header.Get("Location"))
		}
	}
	token := formToken(t, c, a.URL+"/account/password", "password-form")
	resp, body := post(t, c, a.URL+"/account/password", url.Values{"_csrf": {token}, "current": {a.adminOTP}, "password": {"short"}, "confirm": {"short"}})
	if resp.StatusCode != http.StatusUnprocessableEntity || !strings.Contains(body, `data-testid="error-password"`) {
		t.Errorf("a short password: %d, want 422 with a message beside it", resp.StatusCode)
	}
	resp, _ = post(t, c, a.URL+"/account/password", url.Values{"_csrf": {token}, "current": {a.adminOTP}, "password": {chosenPassword}, "confirm": {chosenPassword}})
	if resp.StatusCode != http.StatusSeeOther {
		t.Fatalf("choosing a password: %d", resp.StatusCode)
	}
	if resp, _ := getAs(t, c, a.URL+"/airlines", nil); resp.StatusCode != http.StatusOK {
		t.Errorf("/airlines after choosing a password: %d", resp.StatusCode)
	}
	if resp := a.logIn(t, newClient(), "admin", a.adminOTP); resp.StatusCode != http.StatusUnprocessableEntity {
		t.Errorf("the one-time password still logs in after the change: %d", resp.StatusCode)
	}
}

func TestWrongPasswordAndUnknownLoginLookAlikeAndAreThrottled(t *testing.T) {
	a := newApp(t, nil)
	c := newClient()
	token := formToken(t, c, a.URL+"/login", "login-form")
	r1, b1 := post(t, c, a.URL+"/login", url.Values{"_csrf": {token}, "email": {"admin"}, "password": {"not the password"}})
	r2, b2 := post(t, c, a.URL+"/login", url.Values{"_csrf": {token}, "email": {"nobody@example.com"}, "password": {"whatever-it-is"}})
	msg := func(body string) string {
		doc, _ := goquery.NewDocumentFromReader(strings.NewReader(body))
		return doc.Find(`[data-testid="form-error"]`).Text()
	}
	if r1.StatusCode != http.StatusUnprocessableEntity || r2.StatusCode != http.StatusUnprocessableEntity || msg(b1) == "" || msg(b1) != msg(b2) {
		t.Errorf("wrong password %d %q, unknown login %d %q; want the same 422 message", r1.StatusCode, msg(b1), r2.StatusCode, msg(b2))
	}
	for i := 0; i < 4; i++ {
		a.logIn(t, c, "admin", "not the password")
	}
	// Five failures on the account: the sixth try is refused, even with
	// the right password.
	resp, body := post(t, c, a.URL+"/login", url.Values{"_csrf": {token}, "email": {"ADMIN"}, "password": {a.adminOTP}})
	if resp.StatusCode != http.StatusTooManyRequests || resp.Header.Get("Retry-After") == "" || !strings.Contains(body, "Too many failed attempts") {
		t.Errorf("after five failures: %d, Retry-After %q; want 429 that says so", resp.StatusCode, resp.Header.Get("Retry-After"))
	}
}

func TestLoginRenewsTheSessionAndLogoutDestroysIt(t *testing.T) {
	a := newApp(t, nil)
	admin := a.adminClient(t)
	// A token known before a login (planted by someone, or an older
	// session) must not be the one after it.
	c := newClient()
	token := formToken(t, c, a.URL+"/login", "login-form")
	login := url.Values{"_csrf": {token}, "email": {"admin"}, "password": {chosenPassword}}
	post(t, c, a.URL+"/login", login)
	first := sessionCookie(c, a.URL)
	post(t, c, a.URL+"/login", login)
	if second := sessionCookie(c, a.URL); first == "" || second == first {
		t.Errorf("logging in again kept the session token %q", first)
	}
	u, _ := url.Parse(a.URL)

	token = formToken(t, admin, a.URL+"/airlines", "airline-form")
	old := sessionCookie(admin, a.URL)
	resp, _ := post(t, admin, a.URL+"/logout", url.Values{"_csrf": {token}})
	if resp.StatusCode != http.StatusSeeOther {
		t.Fatalf("logout: %d", resp.StatusCode)
	}
	replay := newClient()
	replay.Jar.SetCookies(u, []*http.Cookie{{Name: "albatross_session", Value: old}})
	if resp, _ := getAs(t, replay, a.URL+"/airlines", nil); resp.StatusCode != http.StatusSeeOther {
		t.Errorf("the session cookie from before the logout still works: %d", resp.StatusCode)
	}
}

func TestLoginAndLogoutNeedTheCSRFToken(t *testing.T) {
	a := newApp(t, nil)
	c := newClient()
	getAs(t, c, a.URL+"/login", nil)
	resp, _ := post(t, c, a.URL+"/login", url.Values{"email": {"admin"}, "password": {a.adminOTP}})
	if resp.StatusCode != http.StatusForbidden {
		t.Errorf("login without a CSRF token: %d, want 403", resp.StatusCode)
	}
	if sessionCookie(c, a.URL) != "" {
		t.Errorf("a refused login set a session")
	}
}

func TestAPasswordChangeEndsTheOtherSessions(t *testing.T) {
	a := newApp(t, nil)
	admin := a.adminClient(t)
	other := newClient()
	a.logIn(t, other, "admin", chosenPassword)
	if resp, _ := getAs(t, other, a.URL+"/airlines", nil); resp.StatusCode != http.StatusOK {
		t.Fatalf("second session: %d", resp.StatusCode)
	}
	token := formToken(t, admin, a.URL+"/account/password", "password-form")
	resp, _ := post(t, admin, a.URL+"/account/password", url.Values{"_csrf": {token}, "current": {chosenPassword}, "password": {"yet another password"}, "confirm": {"yet another password"}})
	if resp.StatusCode != http.StatusSeeOther {
		t.Fatalf("change: %d", resp.StatusCode)
	}
	if resp, _ := getAs(t, admin, a.URL+"/airlines", nil); resp.StatusCode != http.StatusOK {
		t.Errorf("the session that changed the password was logged out: %d", resp.StatusCode)
	}
	if resp, _ := getAs(t, other, a.URL+"/airlines", nil); resp.StatusCode != http.StatusSeeOther {
		t.Errorf("another session still works after the password changed: %d", resp.StatusCode)
	}
}

// A projector slower than the handlers' bounded wait shows the old password
// for a while after a change: the session that changed it stays logged in
// through that, and after it, while every other session ends once the read
// model has the new password.
func TestAPasswordChangeKeepsItsSessionWhileTheReadModelIsBehind(t *testing.T) {
	for _, m := range []mode{embedded, postgres} {
		t.Run(string(m), func(t *testing.T) {
			a := newAppOn(t, m, nil, withProjectionBehind())
			admin := newClient()
			if resp := a.logIn(t, admin, "admin", a.adminOTP); resp.Header.Get("Location") != "/account/password" {
				t.Fatalf("login with the one-time password went to %q", resp.Header.Get("Location"))
			}
			other := newClient()
			a.logIn(t, other, "admin", a.adminOTP)
			token := formToken(t, admin, a.URL+"/account/password", "password-form")
			resp, body := post(t, admin, a.URL+"/account/password", url.Values{"_csrf": {token}, "current": {a.adminOTP}, "password": {chosenPassword}, "confirm": {chosenPassword}})
			if resp.StatusCode != http.StatusSeeOther {
				t.Fatalf("change: %d %.300s", resp.StatusCode, body)
			}
			// The read model still has the one-time password.
			if resp, _ := getAs(t, admin, a.URL+"/account/password", nil); resp.StatusCode != http.StatusOK {
				t.Errorf("before the read model caught up, the session that changed the password was logged out: %d %s", resp.StatusCode, resp.Header.Get("Location"))
			}
			a.projectAll(t)
			for i := 0; i < 2; i++ { // the first request after catching up drops the old stamp
				if resp, _ := getAs(t, admin, a.URL+"/airlines", nil); resp.StatusCode != http.StatusOK {
					t.Fatalf("after the read model caught up (request %d), the session that changed the password was logged out: %d %s", i+1, resp.StatusCode, resp.Header.Get("Location"))
				}
			}
			if resp, _ := getAs(t, other, a.URL+"/airlines", nil); resp.StatusCode != http.StatusSeeOther {
				t.Errorf("another session still works after the password changed: %d", resp.StatusCode)
			}
			// The old password is over for this session too: an admin's
			// reset (a third password) ends it.
			if _, _, err := a.users.IssueOneTimePassword(context.Background(), domain.CommandMeta{}, adminID(t, a)); err != nil {
				t.Fatal(err)
			}
			a.projectAll(t)
			if resp, _ := getAs(t, admin, a.URL+"/airlines", nil); resp.StatusCode != http.StatusSeeOther {
				t.Errorf("the session still works after a reset: %d", resp.StatusCode)
			}
		})
	}
}

func TestASuccessfulLoginDoesNotResetTheAddressLimit(t *testing.T) {
	a := newApp(t, nil)
	a.adminClient(t) // the first successful login: not counted against the address
	c := newClient()
	token := formToken(t, c, a.URL+"/login", "login-form")
	fail := func(i int) *http.Response {
		resp, _ := post(t, c, a.URL+"/login", url.Values{"_csrf": {token},
			"email": {fmt.Sprintf("guess%d@example.com", i)}, "password": {"a guessed password"}})
		return resp
	}
	for i := range 29 {
		if resp := fail(i); resp.StatusCode != http.StatusUnprocessableEntity {
			t.Fatalf("failure %d: %d, want 422", i+1, resp.StatusCode)
		}
	}
	// Logging into one's own account between guesses at others.
	if resp := a.logIn(t, newClient(), "admin", chosenPassword); resp.StatusCode != http.StatusSeeOther {
		t.Fatalf("own login: %d, want 303", resp.StatusCode)
	}
	if resp := fail(29); resp.StatusCode != http.StatusUnprocessableEntity {
		t.Fatalf("the 30th failure: %d, want 422", resp.StatusCode)
	}
	if resp := fail(30); resp.StatusCode != http.StatusTooManyRequests {
		t.Errorf("the 31st failure from one address in the window: %d, want 429", resp.StatusCode)
	}
}

// adminID is the platform admin's user id.
func adminID(t *testing.T, a *app) string {
	t.Helper()
	u, err := a.rm.GetUserByEmail(context.Background(), "admin")
	if err != nil {
		t.Fatal(err)
	}
	return u.ID.String()
}

// A login form sent with a field left empty says which, beside it, keeps
// what was typed, and counts as no failed try.
func TestAnEmptyLoginSaysWhatToEnter(t *testing.T) {
	a := newApp(t, nil)
	c := newClient()
	for _, tc := range []struct {
		form          url.Values
		email, passwd bool // which field has a message
	}{
		{url.Values{"email": {""}, "password": {""}}, true, true},
		{url.Values{"email": {"pat@example.com"}, "password": {""}}, false, true},
		{url.Values{"email": {"  "}, "password": {"something"}}, true, false},
	} {
		tc.form.Set("_csrf", formToken(t, c, a.URL+"/login", "login-form"))
		resp, body := post(t, c, a.URL+"/login", tc.form)
		d := doc(t, body)
		if resp.StatusCode != http.StatusUnprocessableEntity || (text(d, "error-email") != "") != tc.email || (text(d, "error-password") != "") != tc.passwd {
			t.Errorf("%v: %d, login %q, password %q", tc.form, resp.StatusCode, text(d, "error-email"), text(d, "error-password"))
		}
		if tc.email && !strings.Contains(text(d, "error-email"), "Enter your login") {
			t.Errorf("the login's message reads %q", text(d, "error-email"))
		}
		if v, _ := d.Find("#login-email").Attr("value"); v != tc.form.Get("email") {
			t.Errorf("the login typed was not kept: %q", v)
		}
	}
	// Empty forms are no tries: the account is not locked after more of
	// them than the limit allows failures.
	for range 6 {
		post(t, c, a.URL+"/login", url.Values{"_csrf": {formToken(t, c, a.URL+"/login", "login-form")}, "email": {"admin"}})
	}
	if resp := a.logIn(t, newClient(), "admin", a.adminOTP); resp.StatusCode != http.StatusSeeOther {
		t.Errorf("after empty forms the admin's login answers %d", resp.StatusCode)
	}
}

// A person who logged in with a one-time password chooses their own
// without typing the one-time password again, and the navigation offers
// nothing that bounces back to the form meanwhile. The one-time password
// cannot be chosen, and once replaced it no longer logs in.
func TestTheForcedPasswordChangeDoesNotAskForTheOneTimePasswordAgain(t *testing.T) {
	for _, m := range []mode{embedded, postgres} {
		t.Run(string(m), func(t *testing.T) {
			a := newAppOn(t, m, nil)
			c := newClient()
			if resp := a.logIn(t, c, "admin", a.adminOTP); resp.Header.Get("Location") != "/account/password" {
				t.Fatalf("login with the one-time password went to %q", resp.Header.Get("Location"))
			}
			_, body := getAs(t, c, a.URL+"/account/password", nil)
			d := doc(t, body)
			if d.Find("#password-current").Length() != 0 || text(d, "forced") == "" {
				t.Errorf("the forced form asks for the current password again")
			}
			for _, nav := range []string{`[data-testid="nav-api-keys"]`, `a[href="/airlines"]`, `[data-testid="nav-quarantine"]`} {
				if d.Find(nav).Length() != 0 {
					t.Errorf("the navigation offers %s while the change is forced", nav)
				}
			}
			token := formToken(t, c, a.URL+"/account/password", "password-form")
			resp, body := post(t, c, a.URL+"/account/password", url.Values{"_csrf": {token}, "password": {a.adminOTP}, "confirm": {a.adminOTP}})
			if resp.StatusCode != http.StatusUnprocessableEntity || !strings.Contains(text(doc(t, body), "error-password"), "not the one-time password") {
				t.Errorf("choosing the one-time password: %d %q", resp.StatusCode, text(doc(t, body), "error-password"))
			}
			resp, _ = post(t, c, a.URL+"/account/password", url.Values{"_csrf": {token}, "password": {chosenPassword}, "confirm": {chosenPassword}})
			if resp.StatusCode != http.StatusSeeOther || resp.Header.Get("Location") != "/airlines" {
				t.Fatalf("choose a password: %d to %q", resp.StatusCode, resp.Header.Get("Location"))
			}
			// The next page says so, once.
			resp, body = getAs(t, c, a.URL+"/airlines", nil)
			if resp.StatusCode != http.StatusOK || text(doc(t, body), "page-notice") != "Password changed." {
				t.Errorf("after choosing: %d, the page says %q", resp.StatusCode, text(doc(t, body), "page-notice"))
			}
			if _, body := getAs(t, c, a.URL+"/airlines", nil); text(doc(t, body), "page-notice") != "" {
				t.Errorf("the confirmation shows again: %q", text(doc(t, body), "page-notice"))
			}
			// Now a change asks for the current password.
			_, body = getAs(t, c, a.URL+"/account/password", nil)
			if doc(t, body).Find("#password-current").Length() != 1 {
				t.Errorf("a change that is not forced does not ask for the current password")
			}
			token = formToken(t, c, a.URL+"/account/password", "password-form")
			if resp, _ := post(t, c, a.URL+"/account/password", url.Values{"_csrf": {token}, "password": {"yet another password"}, "confirm": {"yet another password"}}); resp.StatusCode != http.StatusUnprocessableEntity {
				t.Errorf("a change without the current password: %d, want 422", resp.StatusCode)
			}
			if resp := a.logIn(t, newClient(), "admin", a.adminOTP); resp.StatusCode == http.StatusSeeOther {
				t.Errorf("the replaced one-time password still logs in")
			}
		})
	}
}
