package main

import (
	"net/http"
	"net/http/httptest"
	"net/url"
	"regexp"
	"strings"
	"testing"

	"github.com/PuerkitoBio/goquery"
	"github.com/chromedp/chromedp"

	"github.com/albatross-va/albatross/internal/phpvmsfixtures"
)

// A pilot plans a flight with SimBrief (a local server standing in for
// it, serving phpVMS's fixture OFP) and reads the briefing; the plan and
// briefing pages pass axe at desktop width and at 390 px.
func TestBrowserSimbriefBriefing(t *testing.T) {
	ofpXML := phpvmsfixtures.Read(t, "7.0.10/simbrief/briefing.xml")
	ofpJSON := phpvmsfixtures.Read(t, "8.0-dev/simbrief/briefing.json")
	sb := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		if r.URL.Path != "/api/xml.fetcher.php" {
			http.NotFound(w, r) // no ACARS file: the briefing is made from the OFP
			return
		}
		if r.URL.Query().Get("json") == "v2" {
			_, _ = w.Write(ofpJSON)
			return
		}
		_, _ = w.Write(ofpXML)
	}))
	t.Cleanup(sb.Close)
	srv := startServer(t, map[string]string{"ALBATROSS_DATA_DIR": t.TempDir(), "ALBATROSS_WAIT_BOUND": slowMachineWait,
		"ALBATROSS_SIMBRIEF_URL": sb.URL})
	platform := loginAsAdmin(t, srv)
	airline := createAirline(t, platform, "Petrel Virtual", "PTV", "petrel")
	allowCharters(t, platform, airline)
	otp := addPerson(t, platform, airline, "Pat Pilot", "pat@petrel.example", "pilot")
	for _, kind := range []string{"airports", "subfleets", "aircraft", "flights"} {
		importSample(t, platform, airline, kind)
	}
	base := "/airlines/" + airline
	_, doc := platform.get(base + "/settings/simbrief")
	csrf, _ := doc.Find(`[data-testid="simbrief-settings-form"] input[name="_csrf"]`).Attr("value")
	if resp, _ := platform.post(base+"/settings/simbrief", url.Values{"_csrf": {csrf}, "api_key": {"browser-test-key"}}, nil); resp.StatusCode != http.StatusSeeOther {
		t.Fatalf("store the key: %d", resp.StatusCode)
	}
	_, doc = platform.get(base + "/flights")
	flight := ""
	doc.Find(`a[href^="` + base + `/flights/"]`).EachWithBreak(func(_ int, s *goquery.Selection) bool {
		href, _ := s.Attr("href")
		if m := regexp.MustCompile(`/flights/([0-9a-f-]{36})$`).FindStringSubmatch(href); m != nil {
			flight = m[1]
		}
		return flight == ""
	})
	if flight == "" {
		t.Fatal("no flight to plan")
	}

	browser := newChromium(t)
	pilot := newProfile(t, browser)
	plan := srv.URL + base + "/flights/" + flight + "/simbrief"
	if err := chromedp.Do(pilot,
		chromedp.Navigate(srv.URL+"/login"),
		logInAs("pat@petrel.example", otp),
		choosePassword("Pat's own password 1"),
		waitTrue(passwordChosen),
		chromedp.Navigate(plan),
		chromedp.WaitVisible(testID("simbrief-plan-form")),
	); err != nil {
		t.Fatalf("the pilot opens the plan: %v", err)
	}
	auditPage(t, pilot, "simbrief plan")
	if err := chromedp.Do(pilot,
		submitForm("simbrief-plan-form"),
		chromedp.WaitVisible(testID("simbrief-dispatch")),
	); err != nil {
		t.Fatalf("the pilot prepares the dispatch: %v", err)
	}
	dispatch, err := chromedp.Run(pilot, chromedp.Evaluate[string](`document.querySelector('[data-testid="simbrief-dispatch"]').href`))
	if err != nil {
		t.Fatal(err)
	}
	u, err := url.Parse(dispatch)
	if err != nil || !strings.HasPrefix(dispatch, sb.URL) || u.Query().Get("apicode") == "" || strings.Contains(dispatch, "browser-test-key") {
		t.Fatalf("dispatch link %q", dispatch)
	}
	// SimBrief would send the pilot to the output page when the plan is made.
	if err := chromedp.Do(pilot,
		chromedp.Navigate(plan+"/"+u.Query().Get("static_id")),
		chromedp.WaitVisible(testID("simbrief-briefing")),
	); err != nil {
		t.Fatalf("the pilot comes back from SimBrief: %v", err)
	}
	route, err := chromedp.Run(pilot, chromedp.Evaluate[string](`document.querySelector('[data-testid="briefing-route"]').textContent`))
	if err != nil || !strings.HasPrefix(route, "DCT BOMUP") {
		t.Errorf("briefing route %q, %v", route, err)
	}
	auditPage(t, pilot, "simbrief briefing")
	if err := chromedp.Do(pilot, viewport(390, 844, true), chromedp.Reload(), chromedp.WaitVisible(testID("simbrief-briefing"))); err != nil {
		t.Fatal(err)
	}
	// Nothing wider than the phone: the route and the weather wrap.
	if wide, err := chromedp.Run(pilot, chromedp.Evaluate[bool](`document.documentElement.scrollWidth > window.innerWidth + 1`)); err != nil || wide {
		t.Errorf("the briefing is wider than 390 px (%v)", err)
	}
	auditPage(t, pilot, "simbrief briefing at 390 px")
}
