package handlers_test

import (
	"bytes"
	"context"
	"mime/multipart"
	"net/http"
	"net/url"
	"strings"
	"testing"

	"github.com/google/uuid"

	"github.com/albatross-va/albatross/domain"
)

func TestStaffEditDeleteAndRevokeAwards(t *testing.T) {
	for _, m := range []mode{embedded, postgres} {
		t.Run(string(m), func(t *testing.T) { checkAwardEdits(t, newMatrixWorld(t, m)) })
	}
}

// postMultipart sends a multipart form as a browser does, with the CSRF
// token of the page unless csrf is false.
func postMultipart(t *testing.T, c *http.Client, page, formID, to string, fields map[string]string, csrf bool) (*http.Response, string) {
	t.Helper()
	var body bytes.Buffer
	mw := multipart.NewWriter(&body)
	if csrf {
		mw.WriteField("_csrf", formToken(t, c, page, formID))
	}
	for k, v := range fields {
		mw.WriteField(k, v)
	}
	mw.Close()
	req, _ := http.NewRequest(http.MethodPost, to, &body)
	req.Header.Set("Content-Type", mw.FormDataContentType())
	resp, err := c.Do(req)
	if err != nil {
		t.Fatal(err)
	}
	defer resp.Body.Close()
	var b bytes.Buffer
	b.ReadFrom(resp.Body)
	return resp, b.String()
}

func checkAwardEdits(t *testing.T, w *matrixWorld) {
	ctx := context.Background()
	a, b := w.airlines["A"], w.airlines["B"]
	pilot, staff, staffB := w.actors[1], w.actors[2], w.actors[3]
	for _, ac := range []*actor{pilot, staff, staffB} {
		w.session(t, ac)
	}
	awardPage := w.URL + "/airlines/" + a.id + "/awards/" + a.award
	if r, body := getAs(t, staff.client, awardPage, nil); r.StatusCode != http.StatusOK || text(doc(t, body), "award-heading") != "Matrix award" {
		t.Fatalf("the award's page: %d", r.StatusCode)
	}
	if r, _ := getAs(t, pilot.client, awardPage, nil); r.StatusCode != http.StatusForbidden {
		t.Errorf("a pilot opens the award's page: %d, want 403", r.StatusCode)
	}
	// B's staff reach A's award through B's pages: not found.
	if r, _ := getAs(t, staffB.client, w.URL+"/airlines/"+b.id+"/awards/"+a.award, nil); r.StatusCode != http.StatusNotFound {
		t.Errorf("B's staff open A's award under B: %d, want 404", r.StatusCode)
	}
	if r, _ := w.sendForm(t, staffB, "/airlines/"+b.id+"/awards/"+a.award+"/delete", url.Values{}); r.StatusCode != http.StatusNotFound {
		t.Errorf("B's staff delete A's award under B: %d, want 404", r.StatusCode)
	}

	// The edit: refused without the CSRF token; bad input re-renders with
	// the message beside the field and what was typed; nothing appended.
	before := w.countEvents(t)
	if r, _ := postMultipart(t, staff.client, awardPage, "award-edit-form", awardPage, map[string]string{"name": "Renamed", "rule": ""}, false); r.StatusCode != http.StatusForbidden {
		t.Errorf("an edit without the CSRF token: %d, want 403", r.StatusCode)
	}
	r, body := postMultipart(t, staff.client, awardPage, "award-edit-form", awardPage,
		map[string]string{"name": "Renamed", "description": "Kept text", "rule": domain.AwardRuleFlights, "number": "lots"}, true)
	d := doc(t, body)
	if r.StatusCode != http.StatusUnprocessableEntity || text(d, "error-number") == "" || d.Find("#award-description").AttrOr("value", "") != "Kept text" ||
		d.Find("#award-name").AttrOr("value", "") != "Renamed" {
		t.Errorf("a bad edit: %d, error %q, description kept %q", r.StatusCode, text(d, "error-number"), d.Find("#award-description").AttrOr("value", ""))
	}
	if w.countEvents(t) != before {
		t.Error("a refused edit appended events")
	}
	r, body = postMultipart(t, staff.client, awardPage, "award-edit-form", awardPage,
		map[string]string{"name": "Ten flights club", "description": "Fly ten", "rule": domain.AwardRuleFlights, "number": "10", "remove_image": "on"}, true)
	if r.StatusCode != http.StatusSeeOther {
		t.Fatalf("the edit: %d %.300s", r.StatusCode, body)
	}
	_, body = getAs(t, staff.client, w.URL+"/airlines/"+a.id+"/awards", nil)
	d = doc(t, body)
	if !strings.Contains(d.Find(`[data-testid="award-name"]`).Text(), "Ten flights club") || !strings.Contains(text(d, "award-rule"), "10 accepted flights") {
		t.Errorf("the list after the edit: %q %q", d.Find(`[data-testid="award-name"]`).Text(), text(d, "award-rule"))
	}
	if r, _ := getAs(t, staff.client, awardPage+"/image", nil); r.StatusCode != http.StatusNotFound {
		t.Errorf("the removed image: %d, want 404", r.StatusCode)
	}

	// Revoke: granted by hand, then taken back with a reason.
	u, err := w.rm.GetUser(ctx, uuid.MustParse(a.pirepPilotID))
	must(t, err)
	_, err = (&domain.Awards{Runner: w.runner, IDs: domain.RandomIDs{}}).GrantByHand(ctx, domain.CommandMeta{Who: domain.System}, a.id, a.pirepPilotID, a.award, "Helped")
	must(t, err)
	w.settle(t)
	revoke := "/airlines/" + a.id + "/awards/" + a.award + "/revoke"
	for _, bad := range []struct{ pilot, reason, field string }{
		{"ZZZ9999", "Mistake", "pilot"},
		{u.PilotID, " ", "reason"},
	} {
		before := w.countEvents(t)
		r, body := w.sendForm(t, staff, revoke, url.Values{"pilot": {bad.pilot}, "reason": {bad.reason}})
		d := doc(t, body)
		if r.StatusCode != http.StatusUnprocessableEntity || text(d, "error-"+bad.field) == "" || d.Find("#revoke-pilot").AttrOr("value", "") != bad.pilot {
			t.Errorf("revoke %v: %d, error beside %s %q, pilot kept %q", bad, r.StatusCode, bad.field, text(d, "error-"+bad.field), d.Find("#revoke-pilot").AttrOr("value", ""))
		}
		if w.countEvents(t) != before {
			t.Errorf("a refused revocation appended events")
		}
	}
	if r, _ := w.sendForm(t, pilot, revoke, url.Values{"pilot": {u.PilotID}, "reason": {"Mine"}}); r.StatusCode != http.StatusForbidden {
		t.Errorf("a pilot revokes: %d, want 403", r.StatusCode)
	}
	if r, body := w.sendForm(t, staff, revoke, url.Values{"pilot": {u.PilotID}, "reason": {"Granted by mistake"}}); r.StatusCode != http.StatusSeeOther {
		t.Fatalf("revoke: %d %.300s", r.StatusCode, body)
	}
	_, body = getAs(t, pilot.client, w.URL+"/airlines/"+a.id+"/dashboard", nil)
	if strings.Contains(doc(t, body).Find(`[data-testid="dashboard-awards"]`).Text(), "Ten flights club") {
		t.Error("the pilot's dashboard still shows the award taken back")
	}
	_, body = getAs(t, staff.client, w.URL+"/airlines/"+a.id+"/people/"+a.pirepPilotID, nil)
	if h := doc(t, body).Find(`[data-testid="history"]`).Text(); !strings.Contains(h, "taken back: Granted by mistake") {
		t.Errorf("the pilot's history lacks the revocation: %.400s", h)
	}
	if r, body := w.sendForm(t, staff, revoke, url.Values{"pilot": {u.PilotID}, "reason": {"Again"}}); r.StatusCode != http.StatusUnprocessableEntity || text(doc(t, body), "error-pilot") == "" {
		t.Errorf("revoke what the pilot no longer holds: %d", r.StatusCode)
	}

	// Delete: its grants vanish from the pilot's dashboard, and it from
	// the list; its page is gone.
	_, err = (&domain.Awards{Runner: w.runner, IDs: domain.RandomIDs{}}).GrantByHand(ctx, domain.CommandMeta{Who: domain.System}, a.id, a.pirepPilotID, a.award, "Again")
	must(t, err)
	w.settle(t)
	if r, _ := w.sendForm(t, pilot, "/airlines/"+a.id+"/awards/"+a.award+"/delete", url.Values{}); r.StatusCode != http.StatusForbidden {
		t.Errorf("a pilot deletes: %d, want 403", r.StatusCode)
	}
	if r, body := w.sendForm(t, staff, "/airlines/"+a.id+"/awards/"+a.award+"/delete", url.Values{"command_id": {domain.NewUUID()}}); r.StatusCode != http.StatusSeeOther {
		t.Fatalf("delete: %d %.300s", r.StatusCode, body)
	}
	_, body = getAs(t, staff.client, w.URL+"/airlines/"+a.id+"/awards", nil)
	if strings.Contains(doc(t, body).Find(`[data-testid="awards"]`).Text(), "Ten flights club") {
		t.Error("the list still shows the deleted award")
	}
	_, body = getAs(t, pilot.client, w.URL+"/airlines/"+a.id+"/dashboard", nil)
	if strings.Contains(body, "Ten flights club") {
		t.Error("the pilot's dashboard still shows the deleted award's grant")
	}
	if r, _ := getAs(t, staff.client, awardPage, nil); r.StatusCode != http.StatusNotFound {
		t.Errorf("the deleted award's page: %d, want 404", r.StatusCode)
	}
}
