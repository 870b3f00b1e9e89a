package main

import (
	"context"
	"fmt"
	"strings"
	"testing"
	"time"

	"github.com/chromedp/chromedp"

	"github.com/albatross-va/albatross/store/pgtest"
)

func TestBrowserMembership(t *testing.T) {
	t.Run("embedded", func(t *testing.T) {
		srv := startServer(t, map[string]string{"ALBATROSS_DATA_DIR": t.TempDir(), "ALBATROSS_WAIT_BOUND": slowMachineWait})
		walkMembership(t, "embedded", srv)
	})
	t.Run("postgres", func(t *testing.T) {
		pgtest.RequireRedis(t, pgtest.RedisURL())
		env := map[string]string{"DATABASE_URL": pgtest.NewDatabase(t), "REDIS_URL": pgtest.RedisURL(), "ALBATROSS_WAIT_BOUND": slowMachineWait}
		walkMembership(t, "postgres", startServer(t, env))
	})
}

// newProfile opens a tab in a browser context of its own: a separate
// person at a separate computer, with no cookies from the others.
func newProfile(t *testing.T, browser context.Context) context.Context {
	t.Helper()
	tab, cancelTab := chromedp.NewContext(browser, chromedp.WithNewBrowserContext())
	if err := chromedp.Do(tab); err != nil {
		t.Fatalf("open a browser context: %v", err)
	}
	tab, cancel := context.WithTimeout(tab, 2*time.Minute)
	t.Cleanup(func() { cancel(); cancelTab() })
	return tab
}

// pageShot saves what the user sees as <walk>-<mode>-<step>.png.
type pageShot struct {
	t    *testing.T
	walk string // membership, pireps
	mode string
	n    int
}

func (s *pageShot) take(ctx context.Context, step string) {
	s.t.Helper()
	s.n++
	screenshot(s.t, ctx, fmt.Sprintf("%s-%s-%02d-%s", s.walk, s.mode, s.n, step))
}

// testID selects the element a page marks with data-testid.
func testID(id string) chromedp.CSS { return chromedp.CSS(`[data-testid="` + id + `"]`) }

// submitForm clicks the submit button of the form with the given test id.
func submitForm(id string) chromedp.Action[chromedp.Void] {
	return chromedp.Click(chromedp.CSS(`[data-testid="` + id + `"] button[type="submit"]`))
}

// logInAs fills the login form of the page the browser is on.
func logInAs(login, password string) chromedp.Action[chromedp.Void] {
	return chromedp.Steps(
		chromedp.WaitVisible(chromedp.ID("login-email")),
		chromedp.SendKeys(chromedp.ID("login-email"), login),
		chromedp.SendKeys(chromedp.ID("login-password"), password),
		submitForm("login-form"),
	)
}

// choosePassword fills the forced change-password form, which does not ask
// again for the one-time password just typed, and whose navigation offers
// nothing that would lead back to it.
func choosePassword(chosen string) chromedp.Action[chromedp.Void] {
	return chromedp.Steps(
		chromedp.WaitVisible(testID("forced")),
		waitTrue(`document.getElementById("password-current") === null && document.querySelector('[data-testid="nav-api-keys"]') === null`),
		chromedp.SendKeys(chromedp.ID("password-password"), chosen),
		chromedp.SendKeys(chromedp.ID("password-confirm"), chosen),
		submitForm("password-form"),
	)
}

// firstLogIn logs a new person in with their one-time password, at the
// login page of the server at root, and has them choose their own.
func firstLogIn(root, login, otp, chosen string) chromedp.Action[chromedp.Void] {
	return chromedp.Steps(chromedp.Navigate(root+"/login"), logInAs(login, otp), choosePassword(chosen), waitTrue(passwordChosen))
}

// openLive opens a page that updates itself, waits until ready shows and
// its live connection is open, and marks it, so that a reload would show
// (stillThisPage).
func openLive(url string, ready chromedp.CSS) chromedp.Action[chromedp.Void] {
	return chromedp.Steps(chromedp.Navigate(url), chromedp.WaitVisible(ready), waitTrue(sseOpen), waitTrue(markPage))
}

// openLiveAs opens a browser profile for a new person, who logs in with
// their one-time password, chooses their own and opens the page at url,
// as openLive does.
func openLiveAs(t *testing.T, browser context.Context, root, login, otp, chosen, url string, ready chromedp.CSS) context.Context {
	t.Helper()
	tab := newProfile(t, browser)
	if err := chromedp.Do(tab, firstLogIn(root, login, otp, chosen), openLive(url, ready)); err != nil {
		t.Fatalf("%s opens %s: %v", login, url, err)
	}
	return tab
}

func contains(t *testing.T, ctx context.Context, sel, want string) {
	t.Helper()
	if got := text(t, ctx, sel); !strings.Contains(got, want) {
		t.Errorf("%s says %q, want it to mention %q", sel, got, want)
	}
}

func location(t *testing.T, ctx context.Context) string {
	t.Helper()
	loc, err := chromedp.Run(ctx, chromedp.Location())
	if err != nil {
		t.Fatalf("read the location: %v", err)
	}
	return loc
}

// slowMachineWait bounds the read-your-writes wait of the servers a browser
// test drives. The tests share two cores with every other test package, so
// a projection can lag more than the default bound; a page that rendered
// before its change and missed the live notice would then wait for ever.
const slowMachineWait = "15s"

// walkMembership goes through an airline's first day as its people would:
// the platform admin sets the airline up and creates its admin, the airline
// admin asks for approval of registrations, a visitor registers, the admin
// approves them and the new pilot finds their pilot id.
func walkMembership(t *testing.T, mode string, srv *testServer) {
	browser := newChromium(t)
	shot := &pageShot{t: t, walk: "membership", mode: mode}
	srv.waitReady(t)
	m := oneTimeInLog.FindStringSubmatch(srv.logs.String())
	if m == nil {
		t.Fatalf("the first start logged no one-time password; logs:\n%s", srv.logs)
	}
	otp := m[1]

	// The platform admin, on a fresh deployment.
	platform := newProfile(t, browser)
	if err := chromedp.Do(platform,
		chromedp.Navigate(srv.URL+"/"),
		chromedp.WaitVisible(testID("login-form")),
	); err != nil {
		t.Fatalf("open Albatross: %v", err)
	}
	shot.take(platform, "login")
	if err := chromedp.Do(platform, logInAs("admin", otp), chromedp.WaitVisible(testID("forced"))); err != nil {
		t.Fatalf("log in as admin with the one-time password: %v", err)
	}
	shot.take(platform, "admin-forced-password")
	if err := chromedp.Do(platform,
		choosePassword(adminPassword),
		chromedp.WaitVisible(testID("airline-form")),
		chromedp.WaitVisible(testID("no-airlines")),
	); err != nil {
		t.Fatalf("choose the admin's password: %v", err)
	}
	if loc := location(t, platform); !strings.HasSuffix(loc, "/airlines") {
		t.Errorf("the platform admin landed on %s, want the airlines", loc)
	}
	shot.take(platform, "airlines-empty")

	if err := chromedp.Do(platform,
		chromedp.SendKeys(chromedp.ID("airline-name"), "Kestrel Virtual"),
		chromedp.SendKeys(chromedp.ID("airline-icao"), "KES"),
		// The slug suggested from the name is replaced by the admin's own
		// (Clear sets the attribute, not what the box holds).
		chromedp.SetValue(chromedp.ID("airline-slug"), "kestrel"),
		submitForm("airline-form"),
		chromedp.WaitVisible(testID("created")),
		chromedp.WaitVisible(chromedp.CSS(`[data-testid="airline-row"] [data-testid="airline-name"] a`)),
	); err != nil {
		t.Fatalf("create the airline: %v", err)
	}
	contains(t, platform, `[data-testid="created"]`, "Kestrel Virtual")
	if err := chromedp.Do(platform, waitTrue(`getComputedStyle(document.getElementById("airline-form-progress")).opacity === "0"`)); err != nil {
		t.Errorf("the progress indication stayed visible after the create: %v", err)
	}
	shot.take(platform, "airline-created")

	// Its name in the list leads to its management.
	if err := chromedp.Do(platform,
		chromedp.Click(chromedp.CSS(`[data-testid="airline-row"] [data-testid="airline-name"] a`)),
		chromedp.WaitVisible(testID("profile-form")),
	); err != nil {
		t.Fatalf("open the airline's management: %v", err)
	}
	contains(t, platform, `[data-testid="airline-title"]`, "Kestrel Virtual")
	if prefix, err := chromedp.Run(platform, chromedp.Value(chromedp.ID("profile-pilot_id_prefix"))); err != nil || prefix != "KES" {
		t.Errorf("the pilot id prefix is %q (%v), want the ICAO code KES", prefix, err)
	}
	// Suspending asks first, in the page: the form shows only once its
	// opener is pressed (by keyboard here), with the question.
	if shown, err := chromedp.Run(platform, chromedp.Evaluate[bool](`document.querySelector('[data-testid="suspend-airline"]').checkVisibility()`)); err != nil || shown {
		t.Errorf("the suspend form shows before its opener is pressed (%v)", err)
	}
	shot.take(platform, "airline-profile")
	if err := chromedp.Do(platform, chromedp.Focus(testID("suspend-airline-step-open")), pressEnter(), chromedp.WaitVisible(testID("suspend-airline"))); err != nil {
		t.Errorf("the platform admin cannot open the suspend form: %v", err)
	}
	contains(t, platform, `[data-testid="suspend-airline-step"]`, "Suspend Kestrel Virtual? Its people are logged out")
	shot.take(platform, "airline-suspend-asks")
	phoneAirlineMenu(t, platform, shot, "Profile")

	adminEmail := "alice@kestrel.example"
	if err := chromedp.Do(platform,
		chromedp.Click(chromedp.CSS(`nav[aria-label="Airline"] a[href$="/people"]`)),
		chromedp.WaitVisible(testID("person-form")),
		chromedp.WaitVisible(testID("no-pending")),
		chromedp.WaitVisible(testID("no-people")),
	); err != nil {
		t.Fatalf("open the airline's people: %v", err)
	}
	shot.take(platform, "people-empty")
	if err := chromedp.Do(platform,
		chromedp.SendKeys(chromedp.ID("person-name"), "Alice Admin"),
		chromedp.SendKeys(chromedp.ID("person-email"), adminEmail),
		chromedp.SendKeys(chromedp.ID("person-country"), "GB"),
		chromedp.SetValue(chromedp.ID("person-role"), "airline_admin"),
		submitForm("person-form"),
		chromedp.WaitVisible(testID("otp")),
	); err != nil {
		t.Fatalf("create the airline admin: %v", err)
	}
	adminOTP := text(t, platform, `[data-testid="otp"]`)
	if got := text(t, platform, `[data-testid="otp-login"]`); got != adminEmail {
		t.Errorf("the page says to log in as %q, want %s", got, adminEmail)
	}
	if got := text(t, platform, `[data-testid="otp-login-url"]`); got != srv.URL+"/login" {
		t.Errorf("the page says to log in at %q, want %s/login", got, srv.URL)
	}
	// The copy button copies the password, or says how to when the
	// browser does not let it; either way it says what happened.
	if err := chromedp.Do(platform, chromedp.Click(testID("copy-otp-value")),
		waitTrue(`document.querySelector("[data-copied]").textContent !== ""`)); err != nil {
		t.Errorf("the copy button says nothing: %v", err)
	}
	adminRow := `[data-testid="person-row"][data-email="` + adminEmail + `"]`
	contains(t, platform, adminRow, "Airline admin")
	contains(t, platform, adminRow+` [data-testid="status"]`, "active")
	shot.take(platform, "airline-admin-created")
	if err := chromedp.Do(platform, chromedp.Click(testID("logout")), chromedp.WaitVisible(testID("login-form"))); err != nil {
		t.Fatalf("log out: %v", err)
	}

	// The airline admin, with the password they were given.
	admin := newProfile(t, browser)
	if err := chromedp.Do(admin,
		chromedp.Navigate(srv.URL+"/"),
		logInAs(adminEmail, adminOTP),
		chromedp.WaitVisible(testID("forced")),
	); err != nil {
		t.Fatalf("log in as the airline admin: %v", err)
	}
	shot.take(admin, "airline-admin-forced-password")
	alicePassword := "alice's own password"
	if err := chromedp.Do(admin,
		choosePassword(alicePassword),
		chromedp.WaitVisible(testID("manage-link")),
	); err != nil {
		t.Fatalf("choose the airline admin's password: %v", err)
	}
	contains(t, admin, "#home-heading", "Alice Admin")
	contains(t, admin, "main", "Airline admin at Kestrel Virtual")
	// A new airline's admin is told nothing waits and what to do first.
	contains(t, admin, `[data-testid="need-registrations"]`, "nothing waiting")
	contains(t, admin, `[data-testid="first-steps"]`, "First steps")
	contains(t, admin, `[data-testid="step-airports"]`, "To do")
	shot.take(admin, "airline-admin-home")

	if err := chromedp.Do(admin,
		chromedp.Click(testID("manage-link")),
		chromedp.WaitVisible(testID("profile-form")),
		chromedp.SetValue(chromedp.ID("profile-registration"), "approval"),
		submitForm("profile-form"),
		chromedp.WaitVisible(testID("saved")),
	); err != nil {
		t.Fatalf("require approval of registrations: %v", err)
	}
	if reg, err := chromedp.Run(admin, chromedp.Value(chromedp.ID("profile-registration"))); err != nil || reg != "approval" {
		t.Errorf("registration is %q (%v) after saving, want approval", reg, err)
	}
	if n, err := chromedp.Run(admin, chromedp.Evaluate[int](`document.querySelectorAll('[data-testid="suspend-airline"]').length`)); err != nil || n != 0 {
		t.Errorf("the airline admin is offered to suspend their own airline (%d forms, %v)", n, err)
	}
	// The list of all airlines is the platform admin's: a link to it would
	// lead the airline admin to a refusal.
	if n, err := chromedp.Run(admin, chromedp.Evaluate[int](`document.querySelectorAll('a[href="/airlines"]').length`)); err != nil || n != 0 {
		t.Errorf("the airline admin's page links the airlines they may not list (%d links, %v)", n, err)
	}
	shot.take(admin, "airline-admin-profile-saved")

	// A hub, for registering pilots to choose as home.
	if err := chromedp.Do(admin,
		chromedp.Click(chromedp.CSS(`nav[aria-label="Airline"] a[href$="/airports"]`)),
		chromedp.WaitVisible(testID("add-airport")),
		chromedp.SendKeys(chromedp.ID("add-airport-input"), "NZAA"),
		chromedp.Click(chromedp.ID("add-hub")),
		submitForm("add-airport"),
		chromedp.WaitVisible(testID("hub")),
	); err != nil {
		t.Fatalf("add the hub NZAA: %v", err)
	}

	// The admin keeps the people page open while a visitor registers.
	if err := chromedp.Do(admin,
		chromedp.Click(chromedp.CSS(`nav[aria-label="Airline"] a[href$="/people"]`)),
		chromedp.WaitVisible(testID("no-pending")),
	); err != nil {
		t.Fatalf("open the people page: %v", err)
	}

	// The admin's home, open in a second tab, counts the registration
	// live.
	home, cancelHome := chromedp.NewContext(admin)
	defer cancelHome()
	if err := chromedp.Do(home, openLive(srv.URL+"/", testID("needs-you"))); err != nil {
		t.Fatalf("open the admin's home in a second tab: %v", err)
	}

	// A visitor, with no cookies, finds the airline and registers.
	pilotEmail, pilotPassword := "pat@example.com", "pat's own password"
	visitor := newProfile(t, browser)
	if err := chromedp.Do(visitor,
		chromedp.Navigate(srv.URL+"/a/kestrel"),
		chromedp.WaitVisible(testID("register-link")),
	); err != nil {
		t.Fatalf("open the public page: %v", err)
	}
	contains(t, visitor, `[data-testid="public-name"]`, "Kestrel Virtual")
	if n, err := chromedp.Run(visitor, chromedp.Evaluate[int](`document.querySelectorAll('[data-testid="signed-in"]').length`)); err != nil || n != 0 {
		t.Errorf("the visitor's page shows someone signed in (%d, %v): the profiles share cookies", n, err)
	}
	shot.take(visitor, "public-page")
	if err := chromedp.Do(visitor,
		chromedp.Click(testID("register-link")),
		chromedp.WaitVisible(testID("register-form")),
		chromedp.SendKeys(chromedp.ID("register-name"), "Pat Pilot"),
		chromedp.SendKeys(chromedp.ID("register-email"), pilotEmail),
		chromedp.SendKeys(chromedp.ID("register-password"), pilotPassword),
		chromedp.SendKeys(chromedp.ID("register-password_confirm"), pilotPassword),
		chromedp.SendKeys(chromedp.ID("register-country"), "NZ"),
		chromedp.SetValue(chromedp.ID("register-home_airport"), "NZAA"),
	); err != nil {
		t.Fatalf("fill in the registration: %v", err)
	}
	if v, err := chromedp.Run(visitor, chromedp.Value(chromedp.ID("register-home_airport"))); err != nil || v != "NZAA" {
		t.Errorf("the home hub select holds %q (%v), want the hub NZAA", v, err)
	}
	shot.take(visitor, "register-form")
	if err := chromedp.Do(visitor, submitForm("register-form"), chromedp.WaitVisible(testID("registered"))); err != nil {
		t.Fatalf("register: %v", err)
	}
	contains(t, visitor, `[data-testid="registered"]`, "Kestrel Virtual will review your registration")
	shot.take(visitor, "registered")

	// The registration appears on the admin's open page without a reload,
	// and the admin decides.
	pending := `[data-testid="pending"][data-email="` + pilotEmail + `"]`
	if err := chromedp.Do(admin, chromedp.WaitVisible(chromedp.CSS(pending))); err != nil {
		t.Fatalf("the registration did not appear live on the open people page: %v", err)
	}
	contains(t, admin, pending, "Pat Pilot")
	contains(t, admin, `[data-testid="person-row"][data-email="`+pilotEmail+`"] [data-testid="status"]`, "pending")
	shot.take(admin, "registration-pending")
	if err := chromedp.Do(home, waitTrue(`document.querySelector('[data-testid="need-registrations"] [data-testid="need-count"]').textContent.trim() === "1"`)); err != nil {
		t.Errorf("the admin's open home did not count the registration: %v", err)
	}
	if err := chromedp.Do(home, waitTrue(stillThisPage)); err != nil {
		t.Errorf("the admin's home reloaded instead of updating its counts: %v", err)
	}
	shot.take(home, "airline-admin-home-waiting")
	// The list may be re-rendered by a live update at any moment, so the
	// button is pressed from the page's script, on the element there now,
	// rather than by a click on a node that a swap may have replaced.
	press := `(() => { const b = document.querySelector('` + pending + ` [data-testid="approve"]'); b.form.requestSubmit(b); return true })()`
	if _, err := chromedp.Run(admin, chromedp.Evaluate[bool](press)); err != nil {
		t.Fatalf("press approve: %v", err)
	}
	// What the admin sees: a confirmation, the registration gone from the
	// waiting list, and the pilot listed with their new pilot id.
	pilotRow := `[data-testid="person-row"][data-email="` + pilotEmail + `"]`
	waitApproved, cancelWait := context.WithTimeout(admin, 30*time.Second)
	defer cancelWait()
	if err := chromedp.Do(waitApproved,
		chromedp.WaitVisible(testID("notice")),
		chromedp.WaitVisible(testID("no-pending")),
		chromedp.WaitVisible(chromedp.CSS(pilotRow+`[data-status="active"]`)),
	); err != nil {
		text, _ := chromedp.Run(admin, chromedp.Evaluate[string](`location.href + "\n" + document.body.innerText`))
		t.Fatalf("approve the registration: %v; the page shows:\n%s", err, text)
	}
	contains(t, admin, `[data-testid="notice"]`, "Pat Pilot is approved as KES0001")
	contains(t, admin, pilotRow+` [data-testid="pilot-id"]`, "KES0001")
	contains(t, admin, pilotRow+` [data-testid="status"]`, "active")
	shot.take(admin, "registration-approved")

	// The new pilot comes back to the public page, is counted, and logs in
	// from there to find their pilot id.
	if err := chromedp.Do(visitor,
		chromedp.Navigate(srv.URL+"/a/kestrel"),
		chromedp.WaitVisible(testID("login-link")),
	); err != nil {
		t.Fatalf("open the public page again: %v", err)
	}
	if n := text(t, visitor, `[data-testid="pilot-count"]`); n != "1" {
		t.Errorf("the public page counts %s pilots, want 1", n)
	}
	if err := chromedp.Do(visitor,
		chromedp.Click(testID("login-link")),
		logInAs(pilotEmail, pilotPassword),
		chromedp.WaitVisible(testID("my-pilot-id")),
	); err != nil {
		t.Fatalf("log in as the new pilot: %v", err)
	}
	if id := text(t, visitor, `[data-testid="my-pilot-id"]`); id != "KES0001" {
		t.Errorf("the pilot's home shows pilot id %q, want KES0001", id)
	}
	contains(t, visitor, "#home-heading", "Pat Pilot")
	if n, err := chromedp.Run(visitor, chromedp.Evaluate[int](`document.querySelectorAll('[data-testid="manage-link"]').length`)); err != nil || n != 0 {
		t.Errorf("a pilot is offered to manage the airline (%d links, %v)", n, err)
	}
	shot.take(visitor, "pilot-home")
	// The new pilot's dashboard has them at the home hub they chose.
	contains(t, visitor, `[data-testid="dashboard-location"]`, "NZAA")
}

// phoneAirlineMenu checks the airline's tabs on a phone: one line naming
// the current tab, whose button opens the grouped list by keyboard, and
// Escape closes it with the focus back on the button. The site's header
// keeps to one line too.
func phoneAirlineMenu(t *testing.T, ctx context.Context, shot *pageShot, current string) {
	t.Helper()
	if err := chromedp.Do(ctx, viewport(phoneWidth, 844, true)); err != nil {
		t.Fatalf("narrow the page: %v", err)
	}
	defer func() {
		if err := chromedp.Do(ctx, viewport(1280, 900, false)); err != nil {
			t.Fatalf("widen the page again: %v", err)
		}
	}()
	const heights = `[document.querySelector('nav[aria-label="Main"]').getBoundingClientRect().height,
  document.querySelector('nav[aria-label="Airline"]').getBoundingClientRect().height,
  document.querySelector('#airline-tabs').checkVisibility() ? 1 : 0]`
	h, err := chromedp.Run(ctx, chromedp.Evaluate[[]float64](heights))
	if err != nil {
		t.Fatalf("measure the navigation: %v", err)
	}
	if h[0] > 64 || h[1] > 60 || h[2] != 0 {
		t.Errorf("at %d px the header is %.0f px high, the airline's tabs %.0f (the list shown: %v); want one line each, the list folded", phoneWidth, h[0], h[1], h[2] == 1)
	}
	contains(t, ctx, `[data-testid="airline-menu"]`, current)
	if err := chromedp.Do(ctx, chromedp.Focus(testID("airline-menu")), pressEnter(),
		chromedp.WaitVisible(chromedp.CSS(`nav[aria-label="Airline"] a[href$="/people"]`))); err != nil {
		t.Fatalf("the airline menu does not open by keyboard: %v", err)
	}
	if open, err := chromedp.Run(ctx, chromedp.Evaluate[string](`document.querySelector('[data-testid="airline-menu"]').getAttribute("aria-expanded")`)); err != nil || open != "true" {
		t.Errorf("the open airline menu says aria-expanded=%q (%v), want true", open, err)
	}
	groups, err := chromedp.Run(ctx, chromedp.Evaluate[string](`document.querySelector('#airline-tabs').textContent`))
	if err != nil || !strings.Contains(groups, "Operations") || !strings.Contains(groups, "Settings") {
		t.Errorf("the open airline menu says %q (%v), want its groups named", groups, err)
	}
	shot.take(ctx, "airline-menu-open")
	if err := chromedp.Do(ctx, chromedp.Focus(chromedp.CSS(`nav[aria-label="Airline"] a[href$="/people"]`)), pressKey("Escape", 27),
		waitTrue(`!document.querySelector('#airline-tabs').checkVisibility() && document.activeElement === document.querySelector('[data-testid="airline-menu"]')`)); err != nil {
		t.Errorf("Escape does not close the airline menu and give the focus back to its button: %v", err)
	}
}
