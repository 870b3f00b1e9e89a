package handlers_test

import (
	"net/http"
	"net/url"
	"strings"
	"testing"

	"github.com/PuerkitoBio/goquery"
)

func TestStaffManageRanksAndSetAPilotsRank(t *testing.T) {
	for _, m := range []mode{embedded, postgres} {
		t.Run(string(m), func(t *testing.T) { checkRankPages(t, newMatrixWorld(t, m)) })
	}
}

// rankRow is the row of the rank named name on the ranks page.
func rankRow(d *goquery.Document, name string) *goquery.Selection {
	return d.Find(`[data-testid="rank-row"]`).FilterFunction(func(_ int, s *goquery.Selection) bool {
		return strings.TrimSpace(s.Find(`[data-testid="rank-name"]`).Text()) == name
	})
}

func checkRankPages(t *testing.T, w *matrixWorld) {
	a := w.airlines["A"]
	pilot, staff := w.actors[1], w.actors[2]
	w.session(t, pilot)
	w.session(t, staff)
	ranks := "/airlines/" + a.id + "/ranks"

	_, body := getAs(t, staff.client, w.URL+ranks, nil)
	d := doc(t, body)
	if tab := strings.TrimSpace(d.Find(`nav[aria-label="Airline"] [aria-current="page"]`).Text()); tab != "Ranks" {
		t.Errorf("the current tab is %q, want Ranks", tab)
	}
	if rankRow(d, "Matrix Captain").Length() != 1 {
		t.Fatalf("the matrix's rank is not listed")
	}

	// Bad input comes back at 422 with the messages beside the fields and
	// the input kept.
	for _, bad := range []url.Values{
		{"name": {"  "}, "min_hours": {"-3"}},
		{"name": {""}, "min_hours": {"ten"}},
	} {
		resp, body := w.sendForm(t, staff, ranks, bad)
		d := doc(t, body)
		if resp.StatusCode != http.StatusUnprocessableEntity || text(d, "error-name") == "" || text(d, "error-min_hours") == "" {
			t.Errorf("rank %v: %d, name %q, hours %q", bad, resp.StatusCode, text(d, "error-name"), text(d, "error-min_hours"))
		}
		if v, _ := d.Find(`#rank-min_hours`).Attr("value"); v != bad.Get("min_hours") {
			t.Errorf("the hours typed were not kept: %q", v)
		}
	}

	// A good one is listed with its settings at once.
	resp, _ := w.sendForm(t, staff, ranks, url.Values{"name": {"First Officer"}, "min_hours": {"10:30"}, "auto_promote": {"1"}})
	if resp.StatusCode != http.StatusSeeOther || resp.Header.Get("Location") != ranks {
		t.Fatalf("add a rank: %d to %q", resp.StatusCode, resp.Header.Get("Location"))
	}
	_, body = getAs(t, staff.client, w.URL+ranks, nil)
	d = doc(t, body)
	fo := rankRow(d, "First Officer")
	if fo.Length() != 1 || text(d, "notice") == "" {
		t.Fatalf("the new rank is not listed (notice %q)", text(d, "notice"))
	}
	if got := [3]string{strings.TrimSpace(fo.Find(`[data-testid="rank-hours"]`).Text()), strings.TrimSpace(fo.Find(`[data-testid="rank-auto-promote"]`).Text()),
		strings.TrimSpace(fo.Find(`[data-testid="rank-auto-accept"]`).Text())}; got != [3]string{"10:30", "Yes", "No"} {
		t.Errorf("First Officer shows %v, want 10:30, Yes, No", got)
	}
	resp, body = w.sendForm(t, staff, ranks, url.Values{"name": {"first officer"}, "min_hours": {"20"}})
	if resp.StatusCode != http.StatusConflict || !strings.Contains(text(doc(t, body), "error-name"), "already has a rank") {
		t.Errorf("a second First Officer: %d %q", resp.StatusCode, text(doc(t, body), "error-name"))
	}

	// Edit it.
	editURL, _ := fo.Find(`[data-testid="edit-rank"]`).Attr("href")
	_, body = getAs(t, staff.client, w.URL+editURL, nil)
	if v, _ := doc(t, body).Find(`#rank-min_hours`).Attr("value"); v != "10:30" {
		t.Errorf("the edit form has hours %q", v)
	}
	resp, body = w.sendForm(t, staff, editURL, url.Values{"name": {"Senior First Officer"}, "min_hours": {"x"}})
	if resp.StatusCode != http.StatusUnprocessableEntity || text(doc(t, body), "error-min_hours") == "" {
		t.Errorf("a bad edit: %d", resp.StatusCode)
	}
	resp, _ = w.sendForm(t, staff, editURL, url.Values{"name": {"Senior First Officer"}, "min_hours": {"12"}, "auto_accept": {"1"}})
	if resp.StatusCode != http.StatusSeeOther {
		t.Fatalf("edit: %d", resp.StatusCode)
	}
	_, body = getAs(t, staff.client, w.URL+ranks, nil)
	sfo := rankRow(doc(t, body), "Senior First Officer")
	if sfo.Length() != 1 || strings.TrimSpace(sfo.Find(`[data-testid="rank-hours"]`).Text()) != "12:00" ||
		strings.TrimSpace(sfo.Find(`[data-testid="rank-auto-promote"]`).Text()) != "No" || strings.TrimSpace(sfo.Find(`[data-testid="rank-auto-accept"]`).Text()) != "Yes" {
		t.Errorf("after the edit: %q", sfo.Text())
	}
	sfoID, _ := sfo.Attr("data-rank")

	// The pilot's page shows their rank and lets staff set it by hand.
	person := "/airlines/" + a.id + "/people/" + a.pirepPilotID
	_, body = getAs(t, staff.client, w.URL+person, nil)
	d = doc(t, body)
	if text(d, "person-rank") != "No rank yet" || d.Find(`[data-testid="set-rank-form"] option[value="`+sfoID+`"]`).Length() != 1 {
		t.Fatalf("the person page: rank %q, form offers Senior First Officer: %v", text(d, "person-rank"),
			d.Find(`[data-testid="set-rank-form"] option[value="`+sfoID+`"]`).Length() == 1)
	}
	resp, body = w.sendForm(t, staff, person+"/rank", url.Values{"rank_id": {""}})
	if resp.StatusCode != http.StatusUnprocessableEntity || text(doc(t, body), "error-rank_id") == "" {
		t.Errorf("no rank chosen: %d %q", resp.StatusCode, text(doc(t, body), "error-rank_id"))
	}
	resp, _ = w.sendForm(t, staff, person+"/rank", url.Values{"rank_id": {sfoID}})
	if resp.StatusCode != http.StatusSeeOther || resp.Header.Get("Location") != person {
		t.Fatalf("set the rank: %d to %q", resp.StatusCode, resp.Header.Get("Location"))
	}
	_, body = getAs(t, staff.client, w.URL+person, nil)
	if got := strings.Join(strings.Fields(text(doc(t, body), "person-rank")), " "); got != "Senior First Officer (set by staff)" {
		t.Errorf("the person page shows rank %q", got)
	}
	// Their history says so, with who did it, after what came before.
	entries := historyEntries(t, body)
	if len(entries) < 2 || !strings.Contains(entries[len(entries)-1], "Rank set to Senior First Officer by hand") ||
		!strings.Contains(entries[len(entries)-1], "by "+staff.login) || !strings.Contains(entries[0], "Created") {
		t.Errorf("the person's history reads %q, want their creation first and the rank set by hand last", entries)
	}
	// The pilot sees it on their dashboard; no rank above it is reached by
	// hours, so it is the top of their way.
	_, body = getAs(t, pilot.client, w.URL+"/airlines/"+a.id+"/dashboard", nil)
	d = doc(t, body)
	if text(d, "dashboard-rank") != "Senior First Officer" || !strings.Contains(text(d, "rank-progress-text"), "highest rank") ||
		d.Find(`progress`).Length() != 0 {
		t.Errorf("the pilot's dashboard: rank %q, progress %q", text(d, "dashboard-rank"), text(d, "rank-progress-text"))
	}
	// A pilot manages no ranks and is offered no rank tab.
	if resp, _ := getAs(t, pilot.client, w.URL+ranks, nil); resp.StatusCode != http.StatusForbidden {
		t.Errorf("a pilot opened the ranks page: %d", resp.StatusCode)
	}
	if d.Find(`nav[aria-label="Airline"] a[href="`+ranks+`"]`).Length() != 0 {
		t.Errorf("a pilot is shown the Ranks tab")
	}
}

// historyEntries is a page's history, oldest first, each entry's text
// with its spaces collapsed.
func historyEntries(t *testing.T, body string) []string {
	t.Helper()
	var entries []string
	doc(t, body).Find(`[data-testid="history-entry"]`).Each(func(_ int, s *goquery.Selection) {
		entries = append(entries, strings.Join(strings.Fields(s.Text()), " "))
	})
	return entries
}
