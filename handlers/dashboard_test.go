package handlers_test

import (
	"net/http"
	"net/url"
	"strings"
	"testing"
)

func TestPilotsDashboardFollowsTheirCareer(t *testing.T) {
	for _, m := range []mode{embedded, postgres} {
		t.Run(string(m), func(t *testing.T) { checkDashboard(t, newMatrixWorld(t, m)) })
	}
}

func checkDashboard(t *testing.T, w *matrixWorld) {
	a := w.airlines["A"]
	pilot, staff := w.actors[1], w.actors[2]
	w.session(t, pilot)
	w.session(t, staff)
	dashboard := "/airlines/" + a.id + "/dashboard"
	for _, r := range []url.Values{
		{"name": {"Cadet"}, "min_hours": {"0"}, "auto_promote": {"1"}},
		{"name": {"First Officer"}, "min_hours": {"10"}, "auto_promote": {"1"}},
	} {
		if resp, body := w.sendForm(t, staff, "/airlines/"+a.id+"/ranks", r); resp.StatusCode != http.StatusSeeOther {
			t.Fatalf("add rank %s: %d %.300s", r.Get("name"), resp.StatusCode, body)
		}
	}

	// After login a pilot's home is their dashboard; its tab is current.
	resp, body := getAs(t, pilot.client, w.URL+"/", nil)
	d := doc(t, body)
	if resp.StatusCode != http.StatusOK || d.Find(`[data-testid="dashboard-hours"]`).Length() != 1 {
		t.Fatalf("the pilot's home: %d, no dashboard", resp.StatusCode)
	}
	if tab := strings.TrimSpace(d.Find(`nav[aria-label="Airline"] [aria-current="page"]`).Text()); tab != "Dashboard" {
		t.Errorf("the current tab is %q, want Dashboard", tab)
	}
	if got := text(d, "dashboard-hours"); got != "0:00" || text(d, "dashboard-flights") != "0" {
		t.Errorf("before any accepted flight: %s hours, %s flights; want 0:00 and 0", got, text(d, "dashboard-flights"))
	}
	if !strings.Contains(text(d, "dashboard-location"), "Not known") || d.Find(`[data-testid="no-departures"]`).Length() != 1 {
		t.Errorf("a pilot without a flight has location %q", text(d, "dashboard-location"))
	}
	// The matrix's pending PIREP is among the latest, with its state.
	row := d.Find(`[data-testid="recent-pirep"][data-pirep="` + a.pirep + `"]`)
	if row.Length() != 1 || strings.TrimSpace(row.Find(`[data-testid="recent-pirep-state"]`).Text()) != "Pending review" ||
		!strings.Contains(row.Text(), "EGLL → EGLL") {
		t.Errorf("the latest PIREPs lack the pending one: %q", d.Find(`[data-testid="recent-pireps"]`).Text())
	}
	if href, _ := row.Find("a").Attr("href"); href != "/airlines/"+a.id+"/pireps/"+a.pirep {
		t.Errorf("the PIREP links to %q", href)
	}

	// The hours are in a section that re-fetches its fragment on changes
	// of the pilot's own PIREPs and of ranks; staff's acceptance reaches the
	// pilot's open page.
	live := d.Find(`#dashboard`)
	if trig, _ := live.Attr("hx-trigger"); !strings.Contains(trig, "sse:own-pireps") || !strings.Contains(trig, "sse:ranks") {
		t.Errorf("the dashboard re-fetches on %q", trig)
	}
	if get, _ := live.Attr("hx-get"); get != dashboard+"/live" || live.Find(`[data-testid="dashboard-hours"]`).Length() != 1 {
		t.Errorf("the live section fetches %q", get)
	}
	events := eventStream(t, pilot.client, w.URL+"/events")
	if resp, _ := w.sendForm(t, staff, "/airlines/"+a.id+"/pireps/"+a.pirep+"/accept", url.Values{}); resp.StatusCode != http.StatusSeeOther {
		t.Fatalf("accept: %d", resp.StatusCode)
	}
	waitEvent(t, "pilot of A", events, "own-pireps")
	_, body = getAs(t, pilot.client, w.URL+dashboard+"/live", map[string]string{"HX-Request": "true"})
	d = doc(t, body)
	if got := text(d, "dashboard-hours"); got != "0:50" || text(d, "dashboard-flights") != "1" {
		t.Errorf("after the acceptance: %s hours, %s flights; want 0:50 and 1", got, text(d, "dashboard-flights"))
	}
	if loc := text(d, "dashboard-location"); !strings.Contains(loc, "EGLL") || !strings.Contains(loc, "Heathrow") {
		t.Errorf("location %q, want EGLL Heathrow", loc)
	}
	if got := text(d, "dashboard-rank"); got != "Cadet" {
		t.Errorf("rank %q, want Cadet (promoted at 0 hours)", got)
	}
	progress := d.Find(`progress[data-testid="rank-progress"]`)
	label, _ := progress.Attr("aria-label")
	value, _ := progress.Attr("value")
	max, _ := progress.Attr("max")
	if label != "0:50 of 10 hours to First Officer" || value != "50" || max != "600" {
		t.Errorf("progress %q %s/%s, want 0:50 of 10 hours to First Officer", label, value, max)
	}
	if d.Find(`label[for="rank-progress"]`).Length() != 1 {
		t.Errorf("the progress bar has no visible label")
	}
	// Flights of the schedule from EGLL, each with a link to file from it.
	dep := d.Find(`[data-testid="departure"][data-flight="` + a.flight + `"]`)
	if dep.Length() != 1 || !strings.Contains(dep.Text(), "KJFK") {
		t.Fatalf("the departures from EGLL lack flight 1: %q", d.Find(`[data-testid="departures"]`).Text())
	}
	fileURL, _ := dep.Find(`[data-testid="file-from-flight"]`).Attr("href")
	if fileURL != "/airlines/"+a.id+"/pireps/new?flight="+a.flight {
		t.Errorf("file link %q", fileURL)
	}
	resp, body = getAs(t, pilot.client, w.URL+fileURL, nil)
	if v, _ := doc(t, body).Find(`input[name="flight_number"]`).Attr("value"); resp.StatusCode != http.StatusOK || v != "1" {
		t.Errorf("the filing form from the dashboard: %d, flight number %q", resp.StatusCode, v)
	}

	// Staff keep their home page, with a link to their own dashboard.
	_, body = getAs(t, staff.client, w.URL+"/", nil)
	if href, _ := doc(t, body).Find(`[data-testid="dashboard-link"]`).Attr("href"); href != dashboard {
		t.Errorf("staff's home links %q for the dashboard", href)
	}
	if find(body, `[data-testid="manage-link"]`) == "" {
		t.Errorf("staff's home lost its manage link")
	}
	if _, body = getAs(t, staff.client, w.URL+dashboard, nil); text(doc(t, body), "dashboard-hours") != "0:00" {
		t.Errorf("staff's own dashboard shows the pilot's hours")
	}
}
