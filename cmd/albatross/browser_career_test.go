package main

import (
	"net/http"
	"net/url"
	"strings"
	"testing"
	"time"

	"github.com/chromedp/chromedp"
)

// The career pages a pilot and staff open (tours, events and an event's
// live board, leave, landing-score bands, leaderboards) pass axe and do
// not scroll sideways at 390 px; the screenshots are saved to look at.
func TestBrowserCareerPagesPassAxeAt390(t *testing.T) {
	srv := startServer(t, map[string]string{"ALBATROSS_DATA_DIR": t.TempDir(), "ALBATROSS_WAIT_BOUND": slowMachineWait})
	shot := (&pageShot{t: t, walk: "career", mode: "embedded"}).take
	srv.waitReady(t)
	platform := loginAsAdmin(t, srv)
	airline := createAirline(t, platform, "Petrel Virtual", "PTV", "petrel")
	staffOTP := addPerson(t, platform, airline, "Sam Staff", "sam@petrel.example", "airline_admin")
	pilotOTP := addPerson(t, platform, airline, "Pia Pilot", "pia@petrel.example", "pilot")
	importSample(t, platform, airline, "airports")
	base := "/airlines/" + airline

	// A tour and an event under way, made through their forms.
	post := func(page, form string, fields url.Values) string {
		t.Helper()
		_, doc := platform.get(page)
		csrf, _ := doc.Find(`form[data-testid="` + form + `"] input[name="_csrf"]`).Attr("value")
		cmd, _ := doc.Find(`form[data-testid="` + form + `"] input[name="command_id"]`).Attr("value")
		fields.Set("_csrf", csrf)
		fields.Set("command_id", cmd)
		resp, doc := platform.post(page, fields, nil)
		if resp.StatusCode != http.StatusSeeOther {
			t.Fatalf("post %s: %d %s", page, resp.StatusCode, strings.TrimSpace(doc.Find(`[data-testid^="error-"]`).Text()))
		}
		return resp.Header.Get("Location")
	}
	tour := post(base+"/tours", "tour-form", url.Values{"name": {"Iberian hop"}, "description": {"Two legs."}, "legs": {"LPPT LPPR\nLPPR LPPT"}})
	now := time.Now().UTC()
	post(base+"/events", "event-form", url.Values{"name": {"Lisbon evening"}, "starts_at": {now.Add(-time.Hour).Format("2006-01-02T15:04")},
		"ends_at": {now.Add(3 * time.Hour).Format("2006-01-02T15:04")}, "match": {"airport"}, "airport": {"LPPT"}})
	_, events := platform.get(base + "/events")
	event, _ := events.Find(`a[href*="/events/"]`).First().Attr("href")
	if event == "" || tour == "" {
		t.Fatalf("the tour (%q) or the event (%q) has no page", tour, event)
	}

	browser := newChromium(t)
	pilot := newProfile(t, browser)
	if err := chromedp.Do(pilot, firstLogIn(srv.URL, "pia@petrel.example", pilotOTP, "Pia's own password 1")); err != nil {
		t.Fatalf("the pilot's login: %v", err)
	}
	staff := newProfile(t, browser)
	if err := chromedp.Do(staff, firstLogIn(srv.URL, "sam@petrel.example", staffOTP, "Sam's own password 1")); err != nil {
		t.Fatalf("the staff's login: %v", err)
	}
	for _, v := range []struct {
		who        string
		path, step string
	}{
		{"pilot", base + "/tours", "tours"}, {"pilot", tour, "tour"}, {"pilot", base + "/events", "events"}, {"pilot", event, "event-live"},
		{"pilot", base + "/my-leave", "my-leave"}, {"pilot", base + "/leaderboards", "leaderboards"},
		{"staff", base + "/leave", "staff-leave"}, {"staff", base + "/scoring", "scoring"}, {"staff", base + "/events", "staff-events"},
	} {
		ctx := pilot
		if v.who == "staff" {
			ctx = staff
		}
		if err := chromedp.Do(ctx, chromedp.Navigate(srv.URL+v.path), chromedp.WaitVisible(chromedp.CSS("main h2"))); err != nil {
			t.Fatalf("open %s as %s: %v", v.path, v.who, err)
		}
		shot(ctx, v.step)
	}
}
