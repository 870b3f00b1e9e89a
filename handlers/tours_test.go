package handlers_test

import (
	"github.com/PuerkitoBio/goquery"
	"net/http"
	"net/url"
	"strings"
	"testing"
)

func TestStaffManageToursPilotsSeeThem(t *testing.T) {
	for _, m := range []mode{embedded, postgres} {
		t.Run(string(m), func(t *testing.T) { checkTourPages(t, newMatrixWorld(t, m)) })
	}
}

func checkTourPages(t *testing.T, w *matrixWorld) {
	a, b := w.airlines["A"], w.airlines["B"]
	pilot, staff, staffB := w.actors[1], w.actors[2], w.actors[3]
	for _, ac := range []*actor{pilot, staff, staffB} {
		w.session(t, ac)
	}
	tours := "/airlines/" + a.id + "/tours"

	// Everyone in the airline sees the list; only staff get the form.
	resp, body := getAs(t, staff.client, w.URL+tours, nil)
	d := doc(t, body)
	if resp.StatusCode != http.StatusOK || d.Find(`[data-testid="tour-form"]`).Length() != 1 || text(d, "tour-name") != "Matrix tour" {
		t.Fatalf("staff's tours page: %d, form %d, first tour %q", resp.StatusCode, d.Find(`[data-testid="tour-form"]`).Length(), text(d, "tour-name"))
	}
	if tab := strings.TrimSpace(d.Find(`nav[aria-label="Airline"] [aria-current="page"]`).Text()); tab != "Tours" {
		t.Errorf("the current tab is %q, want Tours", tab)
	}
	resp, body = getAs(t, pilot.client, w.URL+tours, nil)
	if d := doc(t, body); resp.StatusCode != http.StatusOK || d.Find(`[data-testid="tour-form"]`).Length() != 0 || text(d, "tour-name") != "Matrix tour" {
		t.Errorf("the pilot's tours page: %d, form %d, tour %q", resp.StatusCode, d.Find(`[data-testid="tour-form"]`).Length(), text(d, "tour-name"))
	}
	good := url.Values{"name": {"Iberian hop"}, "legs": {"EGLL LPPT\nLPPT LEMD 117 A320"}, "starts_on": {"2026-12-01"}}

	// A pilot may not create one; nor may a form without its CSRF token.
	before := w.countEvents(t)
	if resp, _ := w.sendForm(t, pilot, tours, url.Values{"name": {"Mine"}, "legs": {"EGLL KJFK"}}); resp.StatusCode != http.StatusForbidden {
		t.Errorf("a pilot creates a tour: %d, want 403", resp.StatusCode)
	}
	if resp, _ := post(t, staff.client, w.URL+tours, good); resp.StatusCode < 400 || resp.StatusCode > 499 {
		t.Errorf("a tour without its CSRF token: %d, want 4xx", resp.StatusCode)
	}
	if after := w.countEvents(t); after != before {
		t.Errorf("refused tours appended %d events", after-before)
	}

	// Bad input: 422, the message beside the field, the input kept,
	// nothing appended.
	for _, bad := range []struct {
		form  url.Values
		field string
	}{
		{url.Values{"name": {" "}, "legs": {"EGLL KJFK"}}, "name"},
		{url.Values{"name": {"Kept"}, "legs": {"EGLL"}}, "legs"},
		{url.Values{"name": {"Kept"}, "legs": {"EGLL KJFK\nKJFK LHR"}}, "legs"},
		{url.Values{"name": {"Kept"}, "legs": {"EGLL KJFK"}, "starts_on": {"tomorrow"}}, "starts_on"},
	} {
		before := w.countEvents(t)
		resp, body := w.sendForm(t, staff, tours, bad.form)
		d := doc(t, body)
		if resp.StatusCode != http.StatusUnprocessableEntity || text(d, "error-"+bad.field) == "" {
			t.Errorf("tour %v: %d, error beside %s %q", bad.form, resp.StatusCode, bad.field, text(d, "error-"+bad.field))
		}
		if bad.form.Get("name") == "Kept" {
			if v, _ := d.Find(`#tour-name`).Attr("value"); v != "Kept" {
				t.Errorf("the name typed is not kept: %q", v)
			}
			if v := d.Find(`#tour-legs`).Text(); !strings.Contains(v, "EGLL") {
				t.Errorf("the legs typed are not kept: %q", v)
			}
		}
		if after := w.countEvents(t); after != before {
			t.Errorf("a refused tour appended %d events", after-before)
		}
	}

	// A good one: its page, with its legs and nobody on the leaderboard.
	resp, _ = w.sendForm(t, staff, tours, good)
	loc := resp.Header.Get("Location")
	if resp.StatusCode != http.StatusSeeOther || !strings.HasPrefix(loc, tours+"/") {
		t.Fatalf("create: %d to %q", resp.StatusCode, loc)
	}
	resp, body = getAs(t, pilot.client, w.URL+loc, nil)
	d = doc(t, body)
	if resp.StatusCode != http.StatusOK || text(d, "tour-title") != "Iberian hop" || d.Find(`[data-testid="tour-leg"]`).Length() != 2 ||
		text(d, "no-leaders") == "" || !strings.Contains(text(d, "tour-progress"), "0 of 2 legs") || d.Find(`[data-testid="tour-edit"]`).Length() != 0 {
		t.Errorf("the tour's page for the pilot: %d, title %q, legs %d, progress %q", resp.StatusCode, text(d, "tour-title"),
			d.Find(`[data-testid="tour-leg"]`).Length(), text(d, "tour-progress"))
	}
	if !strings.Contains(d.Find(`[data-testid="tour-legs"]`).Text(), "flight 117, in a A320") {
		t.Errorf("the second leg's constraints are not shown: %q", d.Find(`[data-testid="tour-legs"]`).Text())
	}

	// Another airline's staff: 404 on every tour route of A's tour, through
	// their own airline's path and through A's; nothing appended.
	before = w.countEvents(t)
	for _, path := range []string{"/airlines/" + b.id + "/tours/" + a.tour, loc} {
		for _, method := range []string{http.MethodGet, http.MethodPost} {
			var status int
			if method == http.MethodGet {
				r, _ := getAs(t, staffB.client, w.URL+path+"/edit", nil)
				status = r.StatusCode
			} else {
				r, _ := w.sendForm(t, staffB, path, url.Values{"name": {"Taken"}, "legs": {"EGLL KJFK"}})
				status = r.StatusCode
			}
			if status != http.StatusNotFound {
				t.Errorf("%s %s as B's admin: %d, want 404", method, path, status)
			}
		}
		if r, _ := w.sendForm(t, staffB, path+"/delete", url.Values{}); r.StatusCode != http.StatusNotFound {
			t.Errorf("delete %s as B's admin: %d", path, r.StatusCode)
		}
	}
	if after := w.countEvents(t); after != before {
		t.Errorf("another airline's attempts appended %d events", after-before)
	}

	// Edit: a bad form keeps what was typed; a good one renames.
	resp, body = w.sendForm(t, staff, loc, url.Values{"name": {"Renamed"}, "legs": {"EGLL LPPT\nLPPT LPPT"}})
	if d := doc(t, body); resp.StatusCode != http.StatusUnprocessableEntity || text(d, "error-legs") == "" || d.Find(`#tour-name`).AttrOr("value", "") != "Renamed" {
		t.Errorf("bad edit: %d, error %q", resp.StatusCode, text(d, "error-legs"))
	}
	if resp, _ := w.sendForm(t, staff, loc, url.Values{"name": {"Renamed"}, "legs": {"EGLL LPPT"}, "any_order": {"true"}}); resp.StatusCode != http.StatusSeeOther {
		t.Fatalf("edit: %d", resp.StatusCode)
	}
	_, body = getAs(t, staff.client, w.URL+loc, nil)
	if d := doc(t, body); text(d, "tour-title") != "Renamed" || d.Find(`[data-testid="tour-leg"]`).Length() != 1 || text(d, "notice") == "" {
		t.Errorf("after the edit: title %q, legs %d", text(d, "tour-title"), d.Find(`[data-testid="tour-leg"]`).Length())
	}

	// The award form picks a tour: none chosen is refused beside the
	// field; another airline's tour is refused; the airline's is taken.
	if resp, body := postAward(t, w, staff.client, a.id, map[string]string{"name": "Tour award", "rule": "tour"}, nil); resp.StatusCode != http.StatusUnprocessableEntity ||
		text(doc(t, body), "error-tour") == "" {
		t.Errorf("a tour award without its tour: %d", resp.StatusCode)
	}
	if resp, body := postAward(t, w, staff.client, a.id, map[string]string{"name": "Tour award", "rule": "tour", "tour": b.tour}, nil); resp.StatusCode != http.StatusUnprocessableEntity ||
		text(doc(t, body), "error-tour") == "" {
		t.Errorf("a tour award of B's tour: %d", resp.StatusCode)
	}
	tourID := strings.TrimPrefix(loc, tours+"/")
	if resp, _ := postAward(t, w, staff.client, a.id, map[string]string{"name": "Tour award", "rule": "tour", "tour": tourID}, nil); resp.StatusCode != http.StatusSeeOther {
		t.Errorf("a tour award: %d", resp.StatusCode)
	}
	_, body = getAs(t, staff.client, w.URL+"/airlines/"+a.id+"/awards", nil)
	if d := doc(t, body); d.Find(`#award-tour option[value="`+tourID+`"]`).Length() != 1 {
		t.Errorf("the award form does not offer the tour")
	}
	// The award's edit page keeps its tour chosen, and saves it again.
	awardID := ""
	doc(t, body).Find(`[data-testid="award"]`).Each(func(_ int, li *goquery.Selection) {
		if strings.TrimSpace(li.Find(`[data-testid="award-name"]`).Text()) == "Tour award" {
			awardID, _ = li.Attr("data-award")
		}
	})
	edit := "/airlines/" + a.id + "/awards/" + awardID
	_, body = getAs(t, staff.client, w.URL+edit, nil)
	if d := doc(t, body); d.Find(`#award-tour option[value="`+tourID+`"][selected]`).Length() != 1 {
		t.Errorf("the tour award's edit page does not have its tour chosen")
	}
	if resp, body := w.sendForm(t, staff, edit, url.Values{"name": {"Tour award, renamed"}, "rule": {"tour"}, "tour": {tourID}}); resp.StatusCode != http.StatusSeeOther {
		t.Errorf("saving the tour award's edit: %d %s", resp.StatusCode, text(doc(t, body), "error-tour"))
	}

	// The pilot's dashboard has its tours section.
	_, body = getAs(t, pilot.client, w.URL+"/airlines/"+a.id+"/dashboard", nil)
	if d := doc(t, body); d.Find(`[data-testid="dashboard-tours"]`).Length() != 1 || text(d, "no-tours") != "No tour in progress." {
		t.Errorf("the dashboard's tours: %q", d.Find(`[data-testid="dashboard-tours"]`).Text())
	}

	// Delete: gone from the list and its page is 404.
	if resp, _ := w.sendForm(t, staff, loc+"/delete", url.Values{}); resp.StatusCode != http.StatusSeeOther {
		t.Fatalf("delete: %d", resp.StatusCode)
	}
	if r, _ := getAs(t, pilot.client, w.URL+loc, nil); r.StatusCode != http.StatusNotFound {
		t.Errorf("a deleted tour's page: %d, want 404", r.StatusCode)
	}
}
