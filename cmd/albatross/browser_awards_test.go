package main

import (
	"context"
	"testing"
	"time"

	"github.com/chromedp/chromedp"
)

// Staff define an award for landing at Porto; the pilot files a flight
// there and keeps their dashboard open; staff accept the PIREP in another
// browser, and the pilot's open dashboard shows the award notice and the
// award without a reload.
func TestBrowserAwardNoticeArrivesLive(t *testing.T) {
	t.Run("embedded", func(t *testing.T) {
		srv := startServer(t, map[string]string{"ALBATROSS_DATA_DIR": t.TempDir(), "ALBATROSS_WAIT_BOUND": slowMachineWait})
		walkAwards(t, "embedded", srv)
	})
}

func walkAwards(t *testing.T, mode string, srv *testServer) {
	shot := (&pageShot{t: t, walk: "awards", mode: mode}).take
	srv.waitReady(t)
	platform := loginAsAdmin(t, srv)
	airline := createAirline(t, platform, "Gannet Virtual", "GNV", "gannet")
	allowCharters(t, platform, airline)
	staffOTP := addPerson(t, platform, airline, "Sam Staff", "sam@gannet.example", "airline_admin")
	pilotOTP := addPerson(t, platform, airline, "Pia Pilot", "pia@gannet.example", "pilot")
	for _, kind := range []string{"airports", "subfleets", "aircraft"} {
		importSample(t, platform, airline, kind)
	}
	base := srv.URL + "/airlines/" + airline

	browser := newChromium(t)
	staff := newProfile(t, browser)
	if err := chromedp.Do(staff, firstLogIn(srv.URL, "sam@gannet.example", staffOTP, "Sam's own password 1"),
		chromedp.Navigate(base+"/awards"), chromedp.WaitVisible(testID("award-form"))); err != nil {
		t.Fatalf("staff open the awards: %v", err)
	}
	if err := chromedp.Do(staff,
		chromedp.SendKeys(chromedp.ID("award-name"), "Porto arrival"),
		chromedp.SetValue(chromedp.ID("award-rule"), "airport"),
		chromedp.SendKeys(chromedp.ID("award-code"), "LPPR"),
		submitForm("award-form"),
		chromedp.WaitVisible(testID("notice")),
	); err != nil {
		t.Fatalf("define the award: %v", err)
	}
	contains(t, staff, `[data-testid="award-rule"]`, "A flight into LPPR")
	shot(staff, "award-defined")

	pilot := openLiveAs(t, browser, srv.URL, "pia@gannet.example", pilotOTP, "Pia's own password 1", base+"/dashboard", testID("no-awards"))
	if err := chromedp.Do(pilot, waitTrue(sseOpen), waitTrue(markPage)); err != nil {
		t.Fatalf("the dashboard's live stream: %v", err)
	}
	filing, cancelFiling := chromedp.NewContext(pilot)
	defer cancelFiling()
	if err := chromedp.Do(filing, fileLeg(base, "417", "LPPT", "LPPR", "2026-11-20T10:00")); err != nil {
		t.Fatalf("file the PIREP: %v", err)
	}

	press := `(() => { const b = document.querySelector('[data-testid="pirep-row"] [data-testid="accept"]'); if (!b) return false; b.form.requestSubmit(b); return true })()`
	if err := chromedp.Do(staff, chromedp.Navigate(base+"/pireps/queue"), chromedp.WaitVisible(testID("pirep-row")), waitTrue(press)); err != nil {
		t.Fatalf("accept the PIREP: %v", err)
	}
	accepted := time.Now()
	contains(t, staff, `[data-testid="notice"]`, "Accepted GNV417")

	wait, cancel := context.WithTimeout(pilot, 30*time.Second)
	defer cancel()
	if err := chromedp.Do(wait,
		waitTrue(`[...document.querySelectorAll('[data-testid="notice-link"]')].some(a => a.textContent.trim() === "Porto arrival")`),
		chromedp.WaitVisible(chromedp.CSS(`[data-testid="dashboard-awards"] [data-testid="award-name"]`)),
		waitTrue(stillThisPage),
	); err != nil {
		t.Fatalf("the open dashboard never showed the award without a reload: %v", err)
	}
	t.Logf("%s: the open dashboard showed the award notice %s after staff pressed accept", mode, time.Since(accepted).Round(time.Millisecond))
	contains(t, pilot, `[data-testid="dashboard-awards"] [data-testid="award-name"]`, "Porto arrival")
	shot(pilot, "dashboard-award-live")
}
