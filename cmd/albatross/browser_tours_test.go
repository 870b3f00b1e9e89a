package main

import (
	"context"
	"strings"
	"testing"
	"time"

	"github.com/chromedp/chromedp"
)

// Staff create a one-leg tour (Lisbon to Porto) and an award for finishing
// it; the pilot keeps the tour's page open and files the leg; staff accept
// the PIREP in another browser, and the pilot's open tour page shows the
// award notice, the tour finished and the pilot on its leaderboard,
// without a reload.
func TestBrowserTourLegFlownAwardNoticeArrivesLive(t *testing.T) {
	t.Run("embedded", func(t *testing.T) {
		srv := startServer(t, map[string]string{"ALBATROSS_DATA_DIR": t.TempDir(), "ALBATROSS_WAIT_BOUND": slowMachineWait})
		walkTours(t, "embedded", srv)
	})
}

func walkTours(t *testing.T, mode string, srv *testServer) {
	shot := (&pageShot{t: t, walk: "tours", mode: mode}).take
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
	staff := newProfile(t, browser)
	if err := chromedp.Do(staff, firstLogIn(srv.URL, "sam@petrel.example", staffOTP, "Sam's own password 1"),
		chromedp.Navigate(base+"/tours"), chromedp.WaitVisible(testID("tour-form")),
		chromedp.SendKeys(chromedp.ID("tour-name"), "Douro hop"),
		chromedp.SendKeys(chromedp.ID("tour-legs"), "LPPT LPPR"),
		submitForm("tour-form"),
		chromedp.WaitVisible(testID("tour-title")),
	); err != nil {
		t.Fatalf("staff create the tour: %v", err)
	}
	tourPage := location(t, staff)
	tourID := tourPage[strings.LastIndex(tourPage, "/")+1:]
	if err := chromedp.Do(staff, chromedp.Navigate(base+"/awards"), chromedp.WaitVisible(testID("award-form")),
		chromedp.SendKeys(chromedp.ID("award-name"), "Douro finisher"),
		chromedp.SetValue(chromedp.ID("award-rule"), "tour"),
		chromedp.SetValue(chromedp.ID("award-tour"), tourID),
		submitForm("award-form"),
		chromedp.WaitVisible(testID("notice")),
	); err != nil {
		t.Fatalf("define the tour's award: %v", err)
	}

	pilot := openLiveAs(t, browser, srv.URL, "pia@petrel.example", pilotOTP, "Pia's own password 1", tourPage, testID("no-leaders"))
	if err := chromedp.Do(pilot, waitTrue(sseOpen), waitTrue(markPage)); err != nil {
		t.Fatalf("the tour page's live stream: %v", err)
	}
	contains(t, pilot, `[data-testid="tour-progress"]`, "0 of 1 legs")
	shot(pilot, "tour-before")
	filing, cancelFiling := chromedp.NewContext(pilot)
	defer cancelFiling()
	if err := chromedp.Do(filing, fileLeg(base, "211", "LPPT", "LPPR", "2026-11-20T10:00")); err != nil {
		t.Fatalf("file the PIREP: %v", err)
	}

	press := `(() => { const b = document.querySelector('[data-testid="pirep-row"] [data-testid="accept"]'); if (!b) return false; b.form.requestSubmit(b); return true })()`
	if err := chromedp.Do(staff, chromedp.Navigate(base+"/pireps/queue"), chromedp.WaitVisible(testID("pirep-row")), waitTrue(press)); err != nil {
		t.Fatalf("accept the PIREP: %v", err)
	}
	accepted := time.Now()
	contains(t, staff, `[data-testid="notice"]`, "Accepted PTV211")

	wait, cancel := context.WithTimeout(pilot, 30*time.Second)
	defer cancel()
	if err := chromedp.Do(wait,
		waitTrue(`[...document.querySelectorAll('[data-testid="notice-link"]')].some(a => a.textContent.trim() === "Douro finisher")`),
		chromedp.WaitVisible(testID("tour-leader")),
		waitTrue(stillThisPage),
	); err != nil {
		t.Fatalf("the open tour page never showed the award and the finish without a reload: %v", err)
	}
	t.Logf("%s: the open tour page showed the award notice %s after staff pressed accept", mode, time.Since(accepted).Round(time.Millisecond))
	contains(t, pilot, `[data-testid="tour-progress"]`, "Finished")
	contains(t, pilot, `[data-testid="tour-leader"]`, "Pia Pilot")
	shot(pilot, "tour-finished-live")
}
