package main

import (
	"testing"
	"time"

	"github.com/chromedp/chromedp"
)

// A pilot files a flight landed at -120 ft/min two days ago; staff accept
// it; the statistics page draws its charts on the server (90 days of bars,
// the route and the aircraft type) and the leaderboards show the landing
// and its points, at desktop width and at 390 px, each page passing axe.
func TestBrowserStatsChartsAndLeaderboards(t *testing.T) {
	srv := startServer(t, map[string]string{"ALBATROSS_DATA_DIR": t.TempDir(), "ALBATROSS_WAIT_BOUND": slowMachineWait})
	shot := (&pageShot{t: t, walk: "scores", mode: "embedded"}).take
	srv.waitReady(t)
	platform := loginAsAdmin(t, srv)
	airline := createAirline(t, platform, "Skua Virtual", "SKV", "skua")
	allowCharters(t, platform, airline)
	staffOTP := addPerson(t, platform, airline, "Sam Staff", "sam@skua.example", "airline_admin")
	pilotOTP := addPerson(t, platform, airline, "Pia Pilot", "pia@skua.example", "pilot")
	for _, kind := range []string{"airports", "subfleets", "aircraft"} {
		importSample(t, platform, airline, kind)
	}
	base := srv.URL + "/airlines/" + airline

	browser := newChromium(t)
	pilot := newProfile(t, browser)
	off := time.Now().UTC().AddDate(0, 0, -2).Truncate(time.Hour)
	if err := chromedp.Do(pilot, firstLogIn(srv.URL, "pia@skua.example", pilotOTP, "Pia's own password 1"),
		chromedp.Navigate(base+"/pireps/new"),
		chromedp.WaitVisible(testID("pirep-form")),
		chromedp.SendKeys(chromedp.ID("pirep-flight_number"), "12"),
		chromedp.SendKeys(chromedp.ID("pirep-dpt-input"), "LPPT"),
		chromedp.SendKeys(chromedp.ID("pirep-arr-input"), "LPPR"),
		chromedp.SetValue(chromedp.ID("pirep-block_off"), off.Format("2006-01-02T15:04")),
		chromedp.SetValue(chromedp.ID("pirep-block_on"), off.Add(time.Hour).Format("2006-01-02T15:04")),
		chromedp.SendKeys(chromedp.ID("pirep-flight_time"), "0:50"),
		chromedp.SendKeys(chromedp.ID("pirep-landing_rate"), "-120"),
		chooseLastAircraft,
		chromedp.Click(testID("submit-pirep")),
		chromedp.WaitVisible(chromedp.CSS(`[data-testid="pirep-state"][data-state="pending"]`)),
	); err != nil {
		t.Fatalf("file the PIREP: %v", err)
	}
	staff := newProfile(t, browser)
	press := `(() => { const b = document.querySelector('[data-testid="pirep-row"] [data-testid="accept"]'); if (!b) return false; b.form.requestSubmit(b); return true })()`
	if err := chromedp.Do(staff, firstLogIn(srv.URL, "sam@skua.example", staffOTP, "Sam's own password 1"),
		chromedp.Navigate(base+"/pireps/queue"), chromedp.WaitVisible(testID("pirep-row")), waitTrue(press),
		chromedp.WaitVisible(testID("notice"))); err != nil {
		t.Fatalf("accept the PIREP: %v", err)
	}

	if err := chromedp.Do(pilot, chromedp.Navigate(base+"/stats"), chromedp.WaitVisible(testID("chart-flights"))); err != nil {
		t.Fatalf("open the statistics: %v", err)
	}
	bars, err := chromedp.Run(pilot, chromedp.Evaluate[[]int](`[
		document.querySelectorAll('[data-testid="chart-flights"] svg[role="img"] [data-testid="chart-bar"]').length,
		[...document.querySelectorAll('[data-testid="chart-flights"] [data-testid="chart-bar"]')].filter(b => b.dataset.value !== "0").length,
		document.querySelectorAll('[data-testid="chart-routes"] [data-testid="chart-bar"]').length,
		document.querySelectorAll('[data-testid="chart-types"] [data-testid="chart-bar"]').length]`))
	if err != nil || len(bars) != 4 || bars[0] != 90 || bars[1] != 1 || bars[2] != 1 || bars[3] != 1 {
		t.Errorf("the charts' bars (days, days flown, routes, types) = %v, %v; want 90, 1, 1, 1", bars, err)
	}
	shot(pilot, "stats-charts")

	// The score follows the acceptance by a reactor: the page is opened
	// again until it shows.
	for deadline := time.Now().Add(30 * time.Second); ; time.Sleep(250 * time.Millisecond) {
		err := chromedp.Do(pilot, chromedp.Navigate(base+"/leaderboards"))
		ready := false
		if err == nil {
			ready, err = chromedp.Run(pilot,
				chromedp.Evaluate[bool](`!!document.querySelector('[data-testid="points-month"]') && !!document.querySelector('[data-testid="best-landing"]')`))
		}
		if err == nil && ready {
			break
		}
		if time.Now().After(deadline) {
			t.Fatalf("the leaderboards never showed the landing and its points: %v", err)
		}
	}
	contains(t, pilot, `[data-testid="landing-rate"]`, "-120 ft/min")
	contains(t, pilot, `[data-testid="points-month"] [data-testid="points"]`, "80") // -120 is in the default -100 to -300 band
	shot(pilot, "leaderboards")
}
