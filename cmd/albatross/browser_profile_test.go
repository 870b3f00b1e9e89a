package main

import (
	"context"
	"testing"
	"time"

	"github.com/chromedp/chromedp"
)

// A pilot flies LPPT–LPPR and staff accept it; a visitor with no account
// opens the pilot's public profile on a phone (390 px): the route map is
// drawn (one route, server-side SVG), the page does not scroll sideways,
// and it passes the accessibility audit of every screenshot.
func TestBrowserPilotProfileAt390(t *testing.T) {
	srv := startServer(t, map[string]string{"ALBATROSS_DATA_DIR": t.TempDir(), "ALBATROSS_WAIT_BOUND": slowMachineWait})
	shot := (&pageShot{t: t, walk: "profile", mode: "embedded"}).take
	srv.waitReady(t)
	platform := loginAsAdmin(t, srv)
	airline := createAirline(t, platform, "Petrel Virtual", "PTV", "petrel")
	allowCharters(t, platform, airline)
	staffOTP := addPerson(t, platform, airline, "Sam Staff", "sam@petrel.example", "airline_admin")
	pilotOTP := addPerson(t, platform, airline, "Pia Pilot", "pia@petrel.example", "pilot")
	for _, kind := range []string{"airports", "subfleets", "aircraft"} {
		importSample(t, platform, airline, kind)
	}
	base := srv.URL + "/airlines/" + airline

	browser := newChromium(t)
	pilot := newProfile(t, browser)
	if err := chromedp.Do(pilot, firstLogIn(srv.URL, "pia@petrel.example", pilotOTP, "Pia's own password 1"),
		fileLeg(base, "417", "LPPT", "LPPR", "2026-11-20T10:00")); err != nil {
		t.Fatalf("file the PIREP: %v", err)
	}
	staff := newProfile(t, browser)
	press := `(() => { const b = document.querySelector('[data-testid="pirep-row"] [data-testid="accept"]'); if (!b) return false; b.form.requestSubmit(b); return true })()`
	if err := chromedp.Do(staff, firstLogIn(srv.URL, "sam@petrel.example", staffOTP, "Sam's own password 1"),
		chromedp.Navigate(base+"/pireps/queue"), chromedp.WaitVisible(testID("pirep-row")), waitTrue(press)); err != nil {
		t.Fatalf("accept the PIREP: %v", err)
	}
	contains(t, staff, `[data-testid="notice"]`, "Accepted PTV417")

	// The pilot finds their profile's address on their settings page.
	if err := chromedp.Do(pilot, chromedp.Navigate(srv.URL+"/account/profile"), chromedp.WaitVisible(testID("profile-link"))); err != nil {
		t.Fatalf("the profile settings: %v", err)
	}
	shot(pilot, "settings")
	href, err := chromedp.Run(pilot, chromedp.Evaluate[string](`document.querySelector('[data-testid="profile-link"]').href`))
	if err != nil || href == "" {
		t.Fatalf("the profile's address: %q, %v", href, err)
	}

	visitor := newProfile(t, browser)
	wait, cancel := context.WithTimeout(visitor, 60*time.Second)
	defer cancel()
	if err := chromedp.Do(wait, viewport(390, 844, true), chromedp.Navigate(href), chromedp.WaitVisible(testID("route-map"))); err != nil {
		t.Fatalf("a visitor opens the profile: %v", err)
	}
	if n, err := chromedp.Run(visitor, chromedp.Evaluate[int](`document.querySelectorAll('svg[data-testid="route-map"] path[data-testid="route-line"]').length`)); err != nil || n != 1 {
		t.Errorf("the map draws %d routes (%v), want the one flown", n, err)
	}
	if w, err := chromedp.Run(visitor, chromedp.Evaluate[int](`document.documentElement.scrollWidth`)); err != nil || w > 390 {
		t.Errorf("at 390 px the profile is %d px wide (%v): it scrolls sideways", w, err)
	}
	contains(t, visitor, `[data-testid="profile-flights"]`, "1")
	shot(visitor, "profile-390")
}
