package handlers_test

import (
	"bytes"
	"context"
	"mime/multipart"
	"net/http"
	"strings"
	"testing"

	"github.com/PuerkitoBio/goquery"
	"github.com/google/uuid"

	"github.com/albatross-va/albatross/domain"
)

func TestStaffDefineAndGrantAwards(t *testing.T) {
	for _, m := range []mode{embedded, postgres} {
		t.Run(string(m), func(t *testing.T) { checkAwardPages(t, newMatrixWorld(t, m)) })
	}
}

// postAward sends the award form as a browser does (multipart, with the
// image as a file when there is one).
func postAward(t *testing.T, w *matrixWorld, c *http.Client, airline string, fields map[string]string, image []byte) (*http.Response, string) {
	t.Helper()
	page := w.URL + "/airlines/" + airline + "/awards"
	var body bytes.Buffer
	mw := multipart.NewWriter(&body)
	mw.WriteField("_csrf", formToken(t, c, page, "award-form"))
	for k, v := range fields {
		mw.WriteField(k, v)
	}
	if image != nil {
		fw, _ := mw.CreateFormFile("image", "badge.png") // the name says PNG; the content decides
		fw.Write(image)
	}
	mw.Close()
	req, _ := http.NewRequest(http.MethodPost, page, &body)
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

func checkAwardPages(t *testing.T, w *matrixWorld) {
	a := w.airlines["A"]
	pilot, staff := w.actors[1], w.actors[2]
	for _, ac := range []*actor{pilot, staff} {
		w.session(t, ac)
	}
	awards := w.URL + "/airlines/" + a.id + "/awards"
	resp, body := getAs(t, staff.client, awards, nil)
	d := doc(t, body)
	if resp.StatusCode != http.StatusOK || resp.Header.Get("Cache-Control") != "no-store" {
		t.Fatalf("the awards page: %d, Cache-Control %q", resp.StatusCode, resp.Header.Get("Cache-Control"))
	}
	if tab := strings.TrimSpace(d.Find(`nav[aria-label="Airline"] [aria-current="page"]`).Text()); tab != "Awards" {
		t.Errorf("the current tab is %q, want Awards", tab)
	}
	if text(d, "award-name") != "Matrix award" {
		t.Errorf("the matrix's award is not listed: %q", text(d, "award-name"))
	}
	if r, _ := getAs(t, pilot.client, awards, nil); r.StatusCode != http.StatusForbidden {
		t.Errorf("a pilot opens the staff's awards page: %d", r.StatusCode)
	}

	// Bad input: 422, the message beside the field, the input kept,
	// nothing appended.
	for _, bad := range []struct {
		fields map[string]string
		image  []byte
		field  string
	}{
		{map[string]string{"name": " ", "rule": ""}, nil, "name"},
		{map[string]string{"name": "bad\x00name", "rule": ""}, nil, "name"},
		{map[string]string{"name": "Kept", "rule": domain.AwardRuleAirport, "code": "LHR"}, nil, "code"},
		{map[string]string{"name": "Kept", "rule": domain.AwardRuleHours, "number": "lots"}, nil, "number"},
		{map[string]string{"name": "Kept", "rule": "bogus"}, nil, "rule"},
		{map[string]string{"name": "Kept", "rule": ""}, []byte("<html><script>alert(1)</script></html>"), "image"},
		{map[string]string{"name": "Kept", "rule": ""}, bytes.Repeat([]byte("a"), domain.AwardImageMax+10), "image"},
	} {
		before := w.countEvents(t)
		resp, body := postAward(t, w, staff.client, a.id, bad.fields, bad.image)
		d := doc(t, body)
		if resp.StatusCode != http.StatusUnprocessableEntity || text(d, "error-"+bad.field) == "" {
			t.Errorf("award %v: %d, error beside %s %q", bad.fields, resp.StatusCode, bad.field, text(d, "error-"+bad.field))
		}
		if bad.fields["name"] == "Kept" {
			if v, _ := d.Find(`#award-name`).Attr("value"); v != "Kept" {
				t.Errorf("the name typed is not kept: %q", v)
			}
		}
		if after := w.countEvents(t); after != before {
			t.Errorf("a refused award appended %d events", after-before)
		}
	}

	// A good one, with an SVG that tries everything: served sanitised,
	// with a policy that runs nothing and no sniffing.
	evil := `<svg xmlns="http://www.w3.org/2000/svg" onload="alert(1)"><script>alert(2)</script><circle r="4" fill="#c00"/></svg>`
	resp, _ = postAward(t, w, staff.client, a.id, map[string]string{"name": "Helper", "description": "Ran the fly-in", "rule": ""}, []byte(evil))
	if resp.StatusCode != http.StatusSeeOther {
		t.Fatalf("define: %d", resp.StatusCode)
	}
	_, body = getAs(t, staff.client, awards, nil)
	d = doc(t, body)
	var img, awardID string
	d.Find(`[data-testid="award"]`).Each(func(_ int, s *goquery.Selection) {
		if strings.TrimSpace(s.Find(`[data-testid="award-name"]`).Text()) == "Helper" {
			img, _ = s.Find(`[data-testid="award-image"]`).Attr("src")
			awardID, _ = s.Attr("data-award")
		}
	})
	if img == "" || text(d, "notice") == "" {
		t.Fatalf("the new award is not listed with its image: %q", img)
	}
	resp, body = getAs(t, pilot.client, w.URL+img, nil)
	if resp.StatusCode != http.StatusOK || resp.Header.Get("Content-Type") != domain.ImageSVG ||
		resp.Header.Get("X-Content-Type-Options") != "nosniff" || !strings.Contains(resp.Header.Get("Content-Security-Policy"), "default-src 'none'") ||
		strings.Contains(body, "script") || strings.Contains(body, "onload") || !strings.Contains(body, `<circle r="4" fill="#c00">`) {
		t.Errorf("the image: %d %q %q %q %s", resp.StatusCode, resp.Header.Get("Content-Type"), resp.Header.Get("X-Content-Type-Options"),
			resp.Header.Get("Content-Security-Policy"), body)
	}

	// Granted by hand to the pilot, with a reason: on their dashboard
	// and among their notices.
	u, err := w.rm.GetUser(context.Background(), uuid.MustParse(a.pirepPilotID))
	if err != nil {
		t.Fatal(err)
	}
	grant := "/airlines/" + a.id + "/awards/grant"
	for _, bad := range []struct{ pilot, reason, field string }{
		{"ZZZ9999", "Ran it", "pilot"},
		{u.PilotID, " ", "reason"},
	} {
		resp, body := w.sendForm(t, staff, grant, map[string][]string{"award": {awardID}, "pilot": {bad.pilot}, "reason": {bad.reason}})
		if d := doc(t, body); resp.StatusCode != http.StatusUnprocessableEntity || text(d, "error-"+bad.field) == "" {
			t.Errorf("grant %v: %d, error beside %s %q", bad, resp.StatusCode, bad.field, text(d, "error-"+bad.field))
		}
	}
	if resp, body := w.sendForm(t, staff, grant, map[string][]string{"award": {awardID}, "pilot": {strings.ToLower(u.PilotID)}, "reason": {"Ran the fly-in"}}); resp.StatusCode != http.StatusSeeOther {
		t.Fatalf("grant: %d %.300s", resp.StatusCode, body)
	}
	_, body = getAs(t, pilot.client, w.URL+"/airlines/"+a.id+"/dashboard", nil)
	d = doc(t, body)
	if got := strings.TrimSpace(d.Find(`[data-testid="dashboard-awards"] [data-testid="award-name"]`).Text()); got != "Helper" {
		t.Errorf("the pilot's dashboard shows awards %q, want Helper", got)
	}
	_, body = getAs(t, pilot.client, w.URL+"/airlines/"+a.id+"/notices", nil)
	if !strings.Contains(body, "Helper") || !strings.Contains(body, "You were granted this award.") {
		t.Errorf("the pilot's notices lack the award: %.500s", body)
	}
}
