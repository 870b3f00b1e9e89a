package handlers_test

import (
	"context"
	"encoding/json"
	"net/http"
	"net/url"
	"strings"
	"testing"
	"time"

	"github.com/PuerkitoBio/goquery"

	"github.com/albatross-va/albatross/domain"
)

// matrixLeave is a pending leave request of the airline's target pilot,
// made the first time a route names one.
func (w *matrixWorld) matrixLeave(tn *tenant) string {
	if tn.leave != "" {
		return tn.leave
	}
	tomorrow := time.Now().UTC().AddDate(0, 0, 1).Format(time.DateOnly)
	id, _, err := (&domain.Leave{Runner: w.runner, IDs: domain.RandomIDs{}}).Request(context.Background(),
		domain.CommandMeta{ID: domain.NewUUID(), Who: domain.Actor{UserID: tn.pilot, Role: domain.RolePilot, TenantID: tn.id}}, tn.id,
		domain.LeaveForm{StartDate: tomorrow, EndDate: tomorrow})
	if err != nil {
		panic(err)
	}
	tn.leave = id
	return id
}

func TestLeaveRequestsAndDecisions(t *testing.T) {
	for _, m := range []mode{embedded, postgres} {
		t.Run(string(m), func(t *testing.T) { checkLeavePages(t, newMatrixWorld(t, m)) })
	}
}

// leaveRequestID is the id of the first request the page lists.
func leaveRequestID(d *goquery.Document, testid string) string {
	id, _ := d.Find(`[data-testid="` + testid + `"]`).First().Attr("data-leave")
	return id
}

func checkLeavePages(t *testing.T, w *matrixWorld) {
	a, b := w.airlines["A"], w.airlines["B"]
	pilot, staff, staffB := w.actors[1], w.actors[2], w.actors[3]
	for _, ac := range []*actor{pilot, staff, staffB} {
		w.session(t, ac)
	}
	mine := "/airlines/" + a.id + "/my-leave"
	staffPage := "/airlines/" + a.id + "/leave"
	day := time.Now().UTC().Format(time.DateOnly)
	later := time.Now().UTC().AddDate(0, 0, 7).Format(time.DateOnly)

	resp, body := getAs(t, pilot.client, w.URL+mine, nil)
	if d := doc(t, body); resp.StatusCode != http.StatusOK || text(d, "my-leave-status") != "You are active." || text(d, "no-my-leave") == "" {
		t.Fatalf("the pilot's leave page: %d, status %q", resp.StatusCode, text(d, "my-leave-status"))
	}
	if tab := strings.TrimSpace(doc(t, body).Find(`nav[aria-label="Airline"] [aria-current="page"]`).Text()); tab != "My leave" {
		t.Errorf("the current tab is %q, want My leave", tab)
	}

	// Bad dates: 422, the message beside the field named, the input kept,
	// nothing appended.
	for _, bad := range []struct{ start, end, field string }{
		{later, day, "end_date"},
		{"next week", later, "start_date"},
		{"2020-01-01", later, "start_date"},
		{day, "", "end_date"},
	} {
		before := w.countEvents(t)
		resp, body := w.sendForm(t, pilot, mine, url.Values{"start_date": {bad.start}, "end_date": {bad.end}, "note": {"Kept note"}})
		d := doc(t, body)
		if resp.StatusCode != http.StatusUnprocessableEntity || text(d, "error-"+bad.field) == "" {
			t.Errorf("leave %s to %s: %d, error beside %s %q", bad.start, bad.end, resp.StatusCode, bad.field, text(d, "error-"+bad.field))
		}
		if v, _ := d.Find(`#leave-start_date`).Attr("value"); v != bad.start {
			t.Errorf("the first day typed is not kept: %q, want %q", v, bad.start)
		}
		if v, _ := d.Find(`#leave-note`).Attr("value"); v != "Kept note" {
			t.Errorf("the note typed is not kept: %q", v)
		}
		if after := w.countEvents(t); after != before {
			t.Errorf("a refused request appended %d events", after-before)
		}
	}
	// Without the CSRF token: refused, nothing appended.
	before := w.countEvents(t)
	if resp, _ := post(t, pilot.client, w.URL+mine, url.Values{"start_date": {day}, "end_date": {later}}); resp.StatusCode != http.StatusForbidden {
		t.Errorf("a request without the CSRF token: %d, want 403", resp.StatusCode)
	}
	if after := w.countEvents(t); after != before {
		t.Errorf("a request without the CSRF token appended %d events", after-before)
	}

	// A good request: pending on the pilot's page and on staff's.
	if resp, body := w.sendForm(t, pilot, mine, url.Values{"start_date": {day}, "end_date": {later}, "note": {"Moving house"}}); resp.StatusCode != http.StatusSeeOther {
		t.Fatalf("request leave: %d %.300s", resp.StatusCode, body)
	}
	_, body = getAs(t, pilot.client, w.URL+mine, nil)
	d := doc(t, body)
	if text(d, "leave-status") != "Pending" || text(d, "my-leave-status") != "You are active." {
		t.Errorf("after the request: status %q, %q; want Pending and still active", text(d, "leave-status"), text(d, "my-leave-status"))
	}
	leaveID := leaveRequestID(d, "my-leave-request")
	if r, _ := getAs(t, pilot.client, w.URL+staffPage, nil); r.StatusCode != http.StatusForbidden {
		t.Errorf("a pilot opens the staff's leave page: %d, want 403", r.StatusCode)
	}
	resp, body = getAs(t, staff.client, w.URL+staffPage, nil)
	d = doc(t, body)
	var listed bool
	d.Find(`[data-testid="leave-request"]`).Each(func(_ int, s *goquery.Selection) {
		if id, _ := s.Attr("data-leave"); id == leaveID && strings.Contains(s.Text(), "Moving house") {
			listed = true
		}
	})
	if resp.StatusCode != http.StatusOK || !listed {
		t.Fatalf("staff's leave page: %d, the request %s listed %v", resp.StatusCode, leaveID, listed)
	}

	// Only staff of the airline decide: a pilot is refused, another
	// airline's staff find nothing, through either airline's address.
	decide := staffPage + "/" + a.pirepPilotID + "/" + leaveID
	for _, tc := range []struct {
		who  *actor
		path string
		want int
	}{
		{pilot, decide, http.StatusForbidden},
		{staffB, decide, http.StatusNotFound},
		{staffB, "/airlines/" + b.id + "/leave/" + a.pirepPilotID + "/" + leaveID, http.StatusNotFound},
	} {
		before := w.countEvents(t)
		if resp, _ := w.sendForm(t, tc.who, tc.path, url.Values{"decision": {"approve"}}); resp.StatusCode != tc.want {
			t.Errorf("%s approves %s: %d, want %d", tc.who.name, tc.path, resp.StatusCode, tc.want)
		}
		if after := w.countEvents(t); after != before {
			t.Errorf("%s's refused decision appended %d events", tc.who.name, after-before)
		}
	}
	// A reason too long: 422 beside the reason, kept.
	long := strings.Repeat("r", domain.LeaveReasonMax+1)
	resp, body = w.sendForm(t, staff, decide, url.Values{"decision": {"decline"}, "reason": {long}})
	d = doc(t, body)
	if resp.StatusCode != http.StatusUnprocessableEntity || text(d, "error-reason") == "" {
		t.Errorf("a decline with a long reason: %d, error %q", resp.StatusCode, text(d, "error-reason"))
	}
	if v, _ := d.Find(`#reason-` + leaveID).Attr("value"); v != long {
		t.Errorf("the reason typed is not kept (%d characters)", len(v))
	}
	if resp, body := w.sendForm(t, staff, decide, url.Values{"decision": {"approve"}}); resp.StatusCode != http.StatusSeeOther {
		t.Fatalf("approve: %d %.300s", resp.StatusCode, body)
	}

	// Approved from today: the pilot sees it and is on leave, the roster
	// says so, staff's inactive list names them, and phpVMS's API answers
	// ON_LEAVE.
	_, body = getAs(t, pilot.client, w.URL+mine, nil)
	d = doc(t, body)
	if text(d, "leave-status") != "Approved by staff" || !strings.HasPrefix(text(d, "my-leave-status"), "You are on leave") {
		t.Errorf("after the approval: %q, %q", text(d, "leave-status"), text(d, "my-leave-status"))
	}
	_, body = getAs(t, staff.client, w.URL+"/airlines/"+a.id+"/roster", nil)
	onLeave := 0
	doc(t, body).Find(`[data-testid="roster-status"]`).Each(func(_ int, s *goquery.Selection) {
		if strings.TrimSpace(s.Text()) == "On leave" {
			onLeave++
		}
	})
	if onLeave != 1 {
		t.Errorf("the roster shows %d pilots on leave, want the one", onLeave)
	}
	_, body = getAs(t, staff.client, w.URL+staffPage, nil)
	if st := text(doc(t, body), "inactive-status"); st != "On leave" {
		t.Errorf("staff's inactive list: %q, want the pilot on leave", st)
	}
	_, body = getAs(t, pilot.client, w.URL+"/airlines/"+a.id+"/dashboard", nil)
	if text(doc(t, body), "dashboard-on-leave") == "" {
		t.Error("the pilot's dashboard does not say they are on leave")
	}
	resp, body = getAs(t, newClient(), w.URL+"/api/user", xKey(pilot.apiKey))
	var user struct {
		Data struct {
			State int `json:"state"`
		} `json:"data"`
	}
	if err := json.Unmarshal([]byte(body), &user); err != nil || resp.StatusCode != http.StatusOK || user.Data.State != 3 {
		t.Errorf("/api/user of a pilot on leave: %d, state %d (%v), want 3 (ON_LEAVE)", resp.StatusCode, user.Data.State, err)
	}

	// The rules: bad days beside the field and kept; good ones saved.
	rules := staffPage + "/rules"
	for _, bad := range []string{"many", "-5", "99999"} {
		resp, body := w.sendForm(t, staff, rules, url.Values{"auto_leave_days": {bad}})
		d := doc(t, body)
		if resp.StatusCode != http.StatusUnprocessableEntity || text(d, "error-auto_leave_days") == "" {
			t.Errorf("auto_leave_days %q: %d, error %q", bad, resp.StatusCode, text(d, "error-auto_leave_days"))
		}
		if v, _ := d.Find(`#leave-auto_leave_days`).Attr("value"); v != bad {
			t.Errorf("the days typed are not kept: %q, want %q", v, bad)
		}
	}
	if resp, _ := w.sendForm(t, pilot, rules, url.Values{"auto_leave_days": {"30"}}); resp.StatusCode != http.StatusForbidden {
		t.Errorf("a pilot sets the leave rules: %d, want 403", resp.StatusCode)
	}
	if resp, _ := w.sendForm(t, staff, rules, url.Values{"auto_leave_days": {"30"}, "auto_approve": {"1"}}); resp.StatusCode != http.StatusSeeOther {
		t.Fatalf("save the rules: %d", resp.StatusCode)
	}
	_, body = getAs(t, staff.client, w.URL+staffPage, nil)
	d = doc(t, body)
	if v, _ := d.Find(`#leave-auto_leave_days`).Attr("value"); v != "30" || d.Find(`[data-testid="auto-approve"]`).AttrOr("checked", "no") == "no" {
		t.Errorf("the saved rules: days %q, auto-approve %v", v, d.Find(`[data-testid="auto-approve"][checked]`).Length())
	}
	// With auto-approve, the next request is approved at once.
	far := time.Now().UTC().AddDate(0, 1, 0).Format(time.DateOnly)
	if resp, _ := w.sendForm(t, pilot, mine, url.Values{"start_date": {far}, "end_date": {far}}); resp.StatusCode != http.StatusSeeOther {
		t.Fatalf("a second request: %d", resp.StatusCode)
	}
	_, body = getAs(t, pilot.client, w.URL+mine, nil)
	if st := text(doc(t, body), "leave-status"); st != "Approved" {
		t.Errorf("a request with auto-approve on: %q, want Approved", st)
	}
	// The pages of airline A are not B's staff's.
	if r, _ := getAs(t, staffB.client, w.URL+staffPage, nil); r.StatusCode != http.StatusNotFound {
		t.Errorf("B's staff open A's leave page: %d, want 404", r.StatusCode)
	}
}
