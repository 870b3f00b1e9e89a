package handlers_test

import (
	"context"
	"net/http"
	"net/url"
	"strings"
	"testing"

	"github.com/PuerkitoBio/goquery"

	"github.com/albatross-va/albatross/domain"
	eventsv1 "github.com/albatross-va/albatross/domain/events/v1"
)

// TestDismissAllNotices: a pilot with several notices sees them in one
// region in the page's flow (not laid over the PIREP table), newest first,
// and puts them all away with one click: one command, one append, CSRF
// checked; a notice that arrived after the page was drawn stays.
func TestDismissAllNotices(t *testing.T) {
	for _, m := range []mode{embedded, postgres} {
		t.Run(string(m), func(t *testing.T) {
			w := newMatrixWorld(t, m)
			a := w.airlines["A"]
			pilot, staff := w.actors[1], w.actors[2]
			w.session(t, pilot)
			w.session(t, staff)

			// The PIREPs page keeps a place for notices in its flow.
			_, body := getAs(t, pilot.client, w.URL+"/airlines/"+a.id+"/pireps", nil)
			slot := doc(t, body).Find(`#notices`)
			if slot.Length() != 1 || strings.Contains(slot.AttrOr("class", ""), "fixed") || strings.Contains(slot.AttrOr("class", ""), "absolute") {
				t.Errorf("the notices area is laid over the page: %q", slot.AttrOr("class", ""))
			}

			for _, n := range []string{"931", "932", "933"} {
				p := w.fileSubmitted(t, pilot, a, n)
				if resp, _ := w.sendForm(t, staff, p+"/accept", url.Values{}); resp.StatusCode != http.StatusSeeOther {
					t.Fatalf("accept %s: %d", n, resp.StatusCode)
				}
			}
			d, list := noticeTexts(t, w, pilot, a.id)
			if len(list) != 3 || !strings.Contains(list[0], "ALA933") || !strings.Contains(list[2], "ALA931") {
				t.Fatalf("three notices, newest first: %q", list)
			}
			all := d.Find(`form[action="/airlines/` + a.id + `/notices/dismiss-all"]`)
			if all.Find(`[data-testid="dismiss-all-notices"]`).Length() != 1 || all.Find(`input[name="_csrf"]`).Length() != 1 {
				t.Fatalf("no 'Dismiss all' form with a CSRF token")
			}
			var shown []string
			all.Find(`input[name="notice"]`).Each(func(_ int, s *goquery.Selection) { shown = append(shown, s.AttrOr("value", "")) })
			if len(shown) != 3 {
				t.Fatalf("'Dismiss all' names %d notices, want 3", len(shown))
			}

			// Without the CSRF token nothing is dismissed.
			if resp, _ := post(t, pilot.client, w.URL+"/airlines/"+a.id+"/notices/dismiss-all", url.Values{"notice": shown}); resp.StatusCode != http.StatusForbidden {
				t.Errorf("dismiss all without a CSRF token: %d, want 403", resp.StatusCode)
			}
			if _, list = noticeTexts(t, w, pilot, a.id); len(list) != 3 {
				t.Errorf("a refused 'dismiss all' dismissed some: %q", list)
			}

			// A fourth notice arrives after the page was drawn.
			late := w.fileSubmitted(t, pilot, a, "934")
			if resp, _ := w.sendForm(t, staff, late+"/accept", url.Values{}); resp.StatusCode != http.StatusSeeOther {
				t.Fatalf("accept 934: %d", resp.StatusCode)
			}
			before, err := w.es.ReadStream(context.Background(), domain.CareerStream(a.pirepPilotID), 0)
			must(t, err)

			form := url.Values{"notice": shown, "_csrf": {w.csrfToken(t, pilot.client)}}
			req, _ := http.NewRequest(http.MethodPost, w.URL+"/airlines/"+a.id+"/notices/dismiss-all", strings.NewReader(form.Encode()))
			req.Header.Set("Content-Type", "application/x-www-form-urlencoded")
			req.Header.Set("HX-Request", "true")
			resp, err := pilot.client.Do(req)
			must(t, err)
			raw := new(strings.Builder)
			_, _ = copyBody(raw, resp)
			if resp.StatusCode != http.StatusOK || !strings.Contains(raw.String(), "ALA934") ||
				strings.Contains(raw.String(), "ALA931") || strings.Contains(raw.String(), "ALA933") {
				t.Errorf("the fragment after 'dismiss all': %d %s", resp.StatusCode, raw)
			}
			if _, list = noticeTexts(t, w, pilot, a.id); len(list) != 1 || !strings.Contains(list[0], "ALA934") {
				t.Errorf("after 'dismiss all': %q, want only the notice that came later", list)
			}
			after, err := w.es.ReadStream(context.Background(), domain.CareerStream(a.pirepPilotID), 0)
			must(t, err)
			added := after[len(before):]
			if len(added) != 3 {
				t.Fatalf("'dismiss all' appended %d events, want 3", len(added))
			}
			for _, e := range added {
				msg, err := w.runner.Registry.Decode(e.Type, e.Data)
				if _, ok := msg.(*eventsv1.NoticeDismissed); err != nil || !ok {
					t.Errorf("appended %s, want NoticeDismissed", e.Type)
				}
				if e.Meta.CommandID != added[0].Meta.CommandID || e.Meta.CommandID == "" {
					t.Errorf("the dismissals are not one command: %q vs %q", e.Meta.CommandID, added[0].Meta.CommandID)
				}
			}
			// Again: nothing left of those to dismiss, nothing recorded.
			if resp, _ := w.sendForm(t, pilot, "/airlines/"+a.id+"/notices/dismiss-all", url.Values{"notice": shown}); resp.StatusCode != http.StatusSeeOther {
				t.Fatalf("dismiss all again: %d", resp.StatusCode)
			}
			again, err := w.es.ReadStream(context.Background(), domain.CareerStream(a.pirepPilotID), 0)
			must(t, err)
			if len(again) != len(after) {
				t.Errorf("a second 'dismiss all' appended %d events", len(again)-len(after))
			}
		})
	}
}
