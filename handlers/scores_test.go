package handlers_test

import (
	"net/http"
	"net/url"
	"strconv"
	"strings"
	"testing"
	"time"

	"github.com/PuerkitoBio/goquery"

	"github.com/albatross-va/albatross/domain"
)

// Staff set the landing-score bands (refused input beside its field, kept,
// nothing appended; CSRF; staff only; another airline's page is not
// found); an accepted PIREP is scored with them and shows on its page, the
// leaderboards and the pilot's dashboard; a later change of bands keeps its
// score; a rejection after acceptance takes it off the boards.
func TestLandingScorePages(t *testing.T) {
	for _, m := range []mode{embedded, postgres} {
		t.Run(string(m), func(t *testing.T) { checkScorePages(t, newMatrixWorld(t, m)) })
	}
}

func checkScorePages(t *testing.T, w *matrixWorld) {
	a := w.airlines["A"]
	pilot, staff, staffB := w.actors[1], w.actors[2], w.actors[3]
	for _, ac := range []*actor{pilot, staff, staffB} {
		w.session(t, ac)
	}
	scoring := "/airlines/" + a.id + "/scoring"
	boards := w.URL + "/airlines/" + a.id + "/leaderboards"
	resp, body := getAs(t, staff.client, w.URL+scoring, nil)
	if d := doc(t, body); resp.StatusCode != http.StatusOK || !strings.Contains(text(d, "scoring-version"), "default") ||
		d.Find(`[data-testid="scoring-current"] [data-testid="score-line"]`).Length() != 4 {
		t.Fatalf("the scoring page: %d, %q", resp.StatusCode, text(d, "scoring-version"))
	}
	if r, _ := getAs(t, pilot.client, w.URL+scoring, nil); r.StatusCode != http.StatusForbidden {
		t.Errorf("a pilot opens the scoring page: %d, want 403", r.StatusCode)
	}
	for _, u := range []string{w.URL + scoring, boards} {
		if r, _ := getAs(t, staffB.client, u, nil); r.StatusCode != http.StatusNotFound {
			t.Errorf("B's admin opens %s: %d, want 404", u, r.StatusCode)
		}
	}
	before := w.countEvents(t)
	if r, _ := post(t, staff.client, w.URL+scoring, url.Values{"band_0_from": {"0"}, "band_0_points": {"5"}}); r.StatusCode != http.StatusForbidden {
		t.Errorf("a POST without the CSRF token: %d, want 403", r.StatusCode)
	}
	if r, _ := w.sendForm(t, staffB, scoring, url.Values{"band_0_from": {"0"}, "band_0_points": {"5"}}); r.StatusCode != http.StatusNotFound {
		t.Errorf("B's admin sets A's bands: %d, want 404", r.StatusCode)
	}
	for _, bad := range []struct {
		form  url.Values
		field string
		kept  string
	}{
		{url.Values{"band_0_from": {"0"}, "band_0_to": {"200"}, "band_0_points": {"100"}, "band_1_from": {"150"}, "band_1_points": {"50"}}, "band_1_from", "150"},
		{url.Values{"band_0_from": {"0"}, "band_0_points": {"101"}}, "band_0_points", "101"},
		{url.Values{"band_0_from": {"0"}, "band_0_points": {"10"}, "fuel_over_points": {"5"}}, "fuel_over", ""},
	} {
		resp, body := w.sendForm(t, staff, scoring, bad.form)
		d := doc(t, body)
		if resp.StatusCode != http.StatusUnprocessableEntity || text(d, "error-"+bad.field) == "" {
			t.Errorf("bands %v: %d, error beside %s %q", bad.form, resp.StatusCode, bad.field, text(d, "error-"+bad.field))
		}
		if v, _ := d.Find("#scoring-" + bad.field).Attr("value"); v != bad.kept {
			t.Errorf("%s: the input kept is %q, want %q", bad.field, v, bad.kept)
		}
	}
	if after := w.countEvents(t); after != before {
		t.Errorf("refused forms appended %d events", after-before)
	}
	good := url.Values{"band_0_from": {"0"}, "band_0_to": {"200"}, "band_0_points": {"90"}, "band_1_from": {"200"}, "band_1_points": {"10"},
		"short_flight": {"20"}, "short_flight_points": {"100"}}
	if resp, body := w.sendForm(t, staff, scoring, good); resp.StatusCode != http.StatusSeeOther {
		t.Fatalf("set the bands: %d %.300s", resp.StatusCode, body)
	}
	if _, body := getAs(t, staff.client, w.URL+scoring, nil); !strings.Contains(text(doc(t, body), "scoring-version"), "Version 1") {
		t.Errorf("after saving: %q", text(doc(t, body), "scoring-version"))
	}

	// An accepted PIREP landed at -150 ft/min scores 90.
	now := time.Now().UTC()
	off := now.Add(-3 * time.Hour).Truncate(time.Minute)
	if off.Month() != now.Month() {
		off = time.Date(now.Year(), now.Month(), 1, 0, 0, 0, 0, time.UTC)
	}
	id := w.fileAs(t, a, a.pirepPilotID, domain.PirepDetails{FlightNumber: "77", DptAirport: "EGLL", ArrAirport: "EGLL", AircraftID: a.flown,
		BlockOff: off, BlockOn: off.Add(time.Hour), FlightTime: 60, Distance: 100, LandingRate: -150})
	pirepPage := w.URL + "/airlines/" + a.id + "/pireps/" + id
	w.settle(t) // the review reads the PIREP from the read models
	if resp, body := w.sendForm(t, staff, "/airlines/"+a.id+"/pireps/"+id+"/accept", url.Values{}); resp.StatusCode != http.StatusSeeOther {
		t.Fatalf("accept: %d %.300s", resp.StatusCode, body)
	}
	scoreOn := func() string {
		t.Helper()
		for deadline := time.Now().Add(10 * time.Second); ; time.Sleep(20 * time.Millisecond) {
			w.settle(t)
			_, body := getAs(t, pilot.client, pirepPage, nil)
			if s := text(doc(t, body), "pirep-score-value"); s != "" || time.Now().After(deadline) {
				return s
			}
		}
	}
	if s := scoreOn(); s != "90" {
		t.Fatalf("the PIREP's score is %q, want 90", s)
	}
	_, body = getAs(t, pilot.client, boards, nil)
	d := doc(t, body)
	if got := text(d, "landing-rate"); got != "-150 ft/min" {
		t.Errorf("the best landing is %q, want -150 ft/min", got)
	}
	if got := strings.TrimSpace(d.Find(`[data-testid="points-month"] [data-testid="points"]`).First().Text()); got != "90" {
		t.Errorf("the month's points are %q, want 90 (the matrix PIREP is pending)", got)
	}
	if d.Find(`[data-testid="scoring-link"]`).Length() != 0 {
		t.Error("a pilot sees the link to the staff's scoring settings")
	}
	_, body = getAs(t, pilot.client, w.URL+"/airlines/"+a.id+"/dashboard", nil)
	if got := text(doc(t, body), "dashboard-score"); got != "90 / 100" {
		t.Errorf("the dashboard's average score is %q, want 90 / 100", got)
	}

	// New bands keep the old score; a rejection takes it off the boards.
	if resp, _ := w.sendForm(t, staff, scoring, url.Values{"band_0_from": {"0"}, "band_0_points": {"5"}}); resp.StatusCode != http.StatusSeeOther {
		t.Fatalf("change the bands: %d", resp.StatusCode)
	}
	if s := scoreOn(); s != "90" {
		t.Errorf("after new bands the PIREP's score is %q, want still 90", s)
	}
	if resp, body := w.sendForm(t, staff, "/airlines/"+a.id+"/pireps/"+id+"/reject", url.Values{"reason": {"Wrong aircraft"}}); resp.StatusCode != http.StatusSeeOther {
		t.Fatalf("reject: %d %.300s", resp.StatusCode, body)
	}
	w.settle(t)
	_, body = getAs(t, pilot.client, boards, nil)
	if d := doc(t, body); d.Find(`[data-testid="best-landing"]`).Length() != 0 || d.Find(`[data-testid="points-row"]`).Length() != 0 {
		t.Errorf("a rejected PIREP stays on the leaderboards: %d landings, %d points rows",
			d.Find(`[data-testid="best-landing"]`).Length(), d.Find(`[data-testid="points-row"]`).Length())
	}
	_, body = getAs(t, pilot.client, pirepPage, nil)
	if d := doc(t, body); text(d, "pirep-score-value") != "90" || text(d, "pirep-score-off") == "" {
		t.Errorf("the rejected PIREP's score: %q, off the boards %q", text(d, "pirep-score-value"), text(d, "pirep-score-off"))
	}
	_, body = getAs(t, pilot.client, w.URL+"/airlines/"+a.id+"/dashboard", nil)
	if got := text(doc(t, body), "dashboard-score"); got != "None yet" {
		t.Errorf("after the rejection the dashboard's average is %q, want None yet", got)
	}
}

// The statistics page's charts: one bar for each of the last 90 days, the
// days with flights as tall as their counts say, a bar per route and per
// aircraft type flown, each chart an img with a title and a table of the
// same figures.
func TestStatsChartsDrawTheDaysAndBars(t *testing.T) {
	w := newMatrixWorld(t, embedded)
	a := w.airlines["A"]
	pilot, staff := w.actors[1], w.actors[2]
	w.session(t, pilot)
	w.session(t, staff)
	now := time.Now().UTC()
	today := time.Date(now.Year(), now.Month(), now.Day(), 0, 0, 0, 0, time.UTC)
	var ids []string
	for _, f := range []struct {
		days     int // before today
		arr      string
		minutes  int32
		aircraft string
	}{
		{1, "EGLL", 60, a.flown}, {1, "EGLL", 60, a.flown}, {3, "EGLL", 90, a.flown}, {89, "EGLL", 30, a.flown},
		{90, "EGLL", 30, a.flown}, // the day before the 90: not drawn
	} {
		off := today.AddDate(0, 0, -f.days).Add(8 * time.Hour)
		number := strconv.Itoa(900 + len(ids)) // one flight filed twice in ten minutes is one PIREP
		ids = append(ids, w.fileAs(t, a, a.pirepPilotID, domain.PirepDetails{FlightNumber: number, DptAirport: "EGLL", ArrAirport: f.arr,
			AircraftID: f.aircraft, BlockOff: off, BlockOn: off.Add(time.Duration(f.minutes) * time.Minute), FlightTime: f.minutes, Distance: 10}))
	}
	w.settle(t)
	for _, id := range ids {
		if resp, body := w.sendForm(t, staff, "/airlines/"+a.id+"/pireps/"+id+"/accept", url.Values{}); resp.StatusCode != http.StatusSeeOther {
			t.Fatalf("accept: %d %.300s", resp.StatusCode, body)
		}
	}
	w.settle(t)
	_, body := getAs(t, pilot.client, w.URL+"/airlines/"+a.id+"/stats", nil)
	d := doc(t, body)
	flights := d.Find(`[data-testid="chart-flights"]`)
	bars := flights.Find(`svg[role="img"] [data-testid="chart-bar"]`)
	if bars.Length() != 90 {
		t.Fatalf("the flights chart has %d bars, want 90", bars.Length())
	}
	var values []string
	bars.Each(func(_ int, s *goquery.Selection) { values = append(values, s.AttrOr("data-value", "")) })
	if values[89] != "0" || values[88] != "2" || values[86] != "1" || values[0] != "1" || strings.Count(strings.Join(values, ","), "0") < 80 {
		t.Errorf("the last days' bars: first %s, -3 %s, yesterday %s, today %s", values[0], values[86], values[88], values[89])
	}
	if flights.Find(`svg title`).First().Text() != "Flights per day" || flights.Find(`[data-testid="chart-table"] tbody tr`).Length() != 90 {
		t.Errorf("the flights chart's title %q and table rows %d", flights.Find(`svg title`).First().Text(), flights.Find(`[data-testid="chart-table"] tbody tr`).Length())
	}
	if got := d.Find(`[data-testid="chart-hours"] [data-testid="chart-bar"]`).Eq(88).AttrOr("data-value", ""); got != "2:00" {
		t.Errorf("yesterday's hours bar says %q, want 2:00", got)
	}
	routes := d.Find(`[data-testid="chart-routes"] [data-testid="chart-bar"]`)
	if routes.Length() != 1 || routes.AttrOr("data-value", "") != "4 flights" {
		t.Errorf("the routes chart: %d bars, first %q; want one of 4 flights", routes.Length(), routes.AttrOr("data-value", ""))
	}
	if types := d.Find(`[data-testid="chart-types"] [data-testid="chart-bar"]`); types.Length() != 1 || !strings.Contains(d.Find(`[data-testid="chart-types"] svg`).Text(), "B738") {
		t.Errorf("the aircraft types chart: %d bars, %q", types.Length(), d.Find(`[data-testid="chart-types"] svg`).Text())
	}
}
