package handlers_test

import (
	"context"
	"io"
	"net/http"
	"net/url"
	"slices"
	"strings"
	"testing"

	"github.com/PuerkitoBio/goquery"

	"github.com/albatross-va/albatross/domain"
	eventsv1 "github.com/albatross-va/albatross/domain/events/v1"
)

// fileSubmitted files a pending PIREP as the pilot and returns its page's
// address.
func (w *matrixWorld) fileSubmitted(t *testing.T, pilot *actor, airline *tenant, number string) string {
	t.Helper()
	form := pirepForm(number, airline.flown)
	form.Set("submit", "1")
	resp, body := w.sendForm(t, pilot, "/airlines/"+airline.id+"/pireps", form)
	if resp.StatusCode != http.StatusSeeOther {
		t.Fatalf("file %s: %d %s", number, resp.StatusCode, body)
	}
	return resp.Header.Get("Location")
}

func lastSegment(u string) string { return u[strings.LastIndex(u, "/")+1:] }

var htmx = map[string]string{"HX-Request": "true"}

func TestPirepReviewExtras(t *testing.T) {
	for _, m := range []mode{embedded, postgres} {
		t.Run(string(m), func(t *testing.T) {
			w := newMatrixWorld(t, m)
			t.Run("bulk accept", func(t *testing.T) { checkBulkAccept(t, w) })
			t.Run("comments", func(t *testing.T) { checkPirepComments(t, w) })
			t.Run("notices", func(t *testing.T) { checkNotices(t, w) })
		})
	}
}

// Staff tick several PIREPs in the queue and accept them at once: the
// acceptable ones are accepted and their pilot promoted, a cancelled one
// is named as not accepted, another airline's is only counted and left
// alone, and the queue after the redirect shows them gone.
func checkBulkAccept(t *testing.T, w *matrixWorld) {
	a, b := w.airlines["A"], w.airlines["B"]
	pilot, staff := w.actors[1], w.actors[2]
	for _, ac := range []*actor{pilot, staff} {
		w.session(t, ac)
	}
	base := "/airlines/" + a.id + "/pireps"
	one, two := lastSegment(w.fileSubmitted(t, pilot, a, "701")), lastSegment(w.fileSubmitted(t, pilot, a, "702"))
	cancelled := w.fileSubmitted(t, pilot, a, "703")
	if resp, _ := w.sendForm(t, pilot, cancelled+"/cancel", url.Values{}); resp.StatusCode != http.StatusSeeOther {
		t.Fatalf("cancel: %d", resp.StatusCode)
	}
	_, _, err := (&domain.Ranks{Runner: w.runner, IDs: domain.RandomIDs{}}).Save(context.Background(),
		domain.CommandMeta{Who: domain.System}, a.id, "", domain.RankForm{Name: "Bulk Officer", MinHours: "1:40", AutoPromote: true})
	must(t, err)
	w.settle(t)

	// The queue offers a labelled box per PIREP and the bulk button.
	_, body := getAs(t, staff.client, w.URL+base+"/queue", nil)
	d := doc(t, body)
	if d.Find(`[data-testid="accept-selected"]`).Length() != 1 || d.Find(`form#bulk-accept`).Length() != 1 {
		t.Fatalf("the queue has no Accept selected form")
	}
	// A run of up to 200 takes seconds: it says so while it works, and
	// its controls cannot be pressed twice.
	bulk := d.Find(`form#bulk-accept[hx-boost="true"]`)
	progress := d.Find("#" + bulk.AttrOr("hx-indicator", "#none")[1:] + `[role="status"]`)
	if bulk.Length() != 1 || progress.Length() != 1 || bulk.AttrOr("hx-disabled-elt", "") != "[form='bulk-accept']" {
		t.Errorf("Accept selected shows no progress while it runs: form %d, status %d", bulk.Length(), progress.Length())
	}
	box := d.Find(`input[type="checkbox"][name="pirep"][value="` + one + `"][form="bulk-accept"]`)
	id, _ := box.Attr("id")
	if box.Length() != 1 || !strings.Contains(d.Find(`label[for="`+id+`"]`).Text(), "ALA701") {
		t.Errorf("no labelled box for ALA701: %d, label %q", box.Length(), d.Find(`label[for="`+id+`"]`).Text())
	}

	// An empty selection says so and accepts nothing.
	resp, _ := w.sendForm(t, staff, base+"/accept", url.Values{})
	if resp.StatusCode != http.StatusSeeOther || resp.Header.Get("Location") != base+"/queue" {
		t.Fatalf("empty selection: %d %q", resp.StatusCode, resp.Header.Get("Location"))
	}
	_, body = getAs(t, staff.client, w.URL+base+"/queue", nil)
	if n := text(doc(t, body), "notice"); !strings.Contains(n, "Select the PIREPs") {
		t.Errorf("empty selection notice: %q", n)
	}

	before := w.countEvents(t)
	resp, _ = w.sendForm(t, staff, base+"/accept", url.Values{"pirep": {one, two, lastSegment(cancelled), b.pirep, "not-an-id", one}})
	if resp.StatusCode != http.StatusSeeOther || resp.Header.Get("Location") != base+"/queue" {
		t.Fatalf("bulk accept: %d %q", resp.StatusCode, resp.Header.Get("Location"))
	}
	_, body = getAs(t, staff.client, w.URL+base+"/queue", nil)
	d = doc(t, body)
	n := text(d, "notice")
	for _, want := range []string{"Accepted ALA701, ALA702.", "Not accepted: ALA703 (You cannot accept a cancelled PIREP)", "2 selected PIREPs are not this airline's."} {
		if !strings.Contains(n, want) {
			t.Errorf("notice %q does not say %q", n, want)
		}
	}
	if strings.Contains(n, "ALB") {
		t.Errorf("the notice names another airline's PIREP: %q", n)
	}
	var queued []string
	d.Find(`[data-testid="pirep-row"]`).Each(func(_ int, s *goquery.Selection) { queued = append(queued, s.AttrOr("data-pirep", "")) })
	if len(queued) != 1 || queued[0] != a.pirep {
		t.Errorf("the queue after the bulk accept: %v, want only the unselected %s", queued, a.pirep)
	}
	// B's PIREP is untouched: still in B's queue, and nothing was appended to it.
	otherStaff := w.actors[3]
	w.session(t, otherStaff)
	_, body = getAs(t, otherStaff.client, w.URL+"/airlines/"+b.id+"/pireps/queue", nil)
	if doc(t, body).Find(`[data-pirep="`+b.pirep+`"]`).Length() != 1 {
		t.Errorf("another airline's PIREP left its queue")
	}
	recs, err := w.es.ReadStream(context.Background(), domain.PirepStream(b.pirep), 0)
	must(t, err)
	if len(recs) != 1 {
		t.Errorf("another airline's PIREP has %d events, want only its filing", len(recs))
	}
	// Two accepts and one promotion (the two 55-minute flights reach
	// 1:40), and each accepted PIREP's landing score.
	if got := w.countEvents(t) - before; got != 5 {
		t.Errorf("the bulk accept appended %d events, want 2 accepts, 1 promotion and 2 scores", got)
	}
	career, err := w.es.ReadStream(context.Background(), domain.CareerStream(a.pirepPilotID), 0)
	must(t, err)
	if len(career) == 0 {
		t.Fatal("the bulk accept promoted nobody")
	}
	msg, err := w.runner.Registry.Decode(career[len(career)-1].Type, career[len(career)-1].Data)
	if rs, ok := msg.(*eventsv1.PilotRankSet); err != nil || !ok || rs.ByHand {
		t.Errorf("the pilot's last career event: %v %v, want a promotion", msg, err)
	}

	// The aircraft's page lists the flights that added its hours, each a
	// link to its PIREP; staff also get a link to them all.
	aircraftPage := "/airlines/" + a.id + "/fleet/aircraft/" + a.flown
	for _, ac := range []*actor{staff, pilot} {
		_, body := getAs(t, ac.client, w.URL+aircraftPage, nil)
		d := doc(t, body)
		for _, id := range []string{one, two} {
			row := d.Find(`[data-testid="aircraft-flight"][data-pirep="` + id + `"]`)
			if href, _ := row.Find("a").Attr("href"); href != base+"/"+id || strings.TrimSpace(row.Find(`[data-testid="aircraft-flight-time"]`).Text()) != "0:55" {
				t.Errorf("%s: the aircraft's page lists accepted PIREP %s as %q (link %q)", ac.login, id, strings.Join(strings.Fields(row.Text()), " "), href)
			}
		}
		all, ok := d.Find(`[data-testid="aircraft-all-flights"]`).Attr("href")
		if ac == pilot && ok {
			t.Errorf("a pilot is offered All PIREPs from the aircraft's page: %q", all)
		}
		if ac == staff {
			_, body := getAs(t, staff.client, w.URL+all, nil)
			if listed := doc(t, body).Find(`[data-pirep="` + one + `"], [data-pirep="` + two + `"]`).Length(); !ok || listed != 2 {
				t.Errorf("the aircraft's all-flights link %q lists %d of its two accepted PIREPs", all, listed)
			}
		}
	}

	// The pilot's history says the promotion was Albatross's, on the
	// staff member's acceptance.
	_, body = getAs(t, staff.client, w.URL+"/airlines/"+a.id+"/people/"+a.pirepPilotID, nil)
	if entries := historyEntries(t, body); len(entries) == 0 ||
		!strings.HasSuffix(entries[len(entries)-1], "Rank now Bulk Officer, from their hours by Albatross, when "+staff.login+" accepted a PIREP") {
		t.Errorf("the pilot's history after the bulk accept: %q", entries)
	}

	// The pilot is told of both and of the promotion, newest first.
	_, told := noticeTexts(t, w, pilot, a.id)
	if len(told) != 3 || told[0] != "rank: Promoted to Bulk Officer. Dismiss" ||
		!strings.HasPrefix(told[1], "accepted: ALA70") || !strings.HasPrefix(told[2], "accepted: ALA70") {
		t.Errorf("the pilot's notices after the bulk accept: %q", told)
	}

	// A pilot cannot bulk accept, not even their own.
	if resp, _ := w.sendForm(t, pilot, base+"/accept", url.Values{"pirep": {a.pirep}}); resp.StatusCode != http.StatusForbidden {
		t.Errorf("a pilot bulk accepts: %d, want 403", resp.StatusCode)
	}
}

// A PIREP's thread: its pilot and staff comment, in any state; a bad
// comment comes back at 422 with its text kept; another pilot of the
// airline neither reads nor writes it; the thread and history show each
// comment, and a comment reaches open pages over SSE.
func checkPirepComments(t *testing.T, w *matrixWorld) {
	a := w.airlines["A"]
	pilot, staff, otherStaff, platform := w.actors[1], w.actors[2], w.actors[3], w.actors[4]
	colleague := &actor{name: "another pilot of A", login: "target-" + a.slug + "@example.com", role: domain.RolePilot, tenant: a.id}
	for _, ac := range []*actor{pilot, staff, otherStaff, platform, colleague} {
		w.session(t, ac)
	}
	pirepURL := w.fileSubmitted(t, pilot, a, "801")
	_, body := getAs(t, pilot.client, w.URL+pirepURL, nil)
	d := doc(t, body)
	if d.Find(`[data-testid="comment-form"] textarea#comment-text[name="text"]`).Length() != 1 ||
		d.Find(`label[for="comment-text"]`).Length() != 1 || d.Find(`[data-testid="comment-form"] input[name="_csrf"]`).Length() != 1 {
		t.Fatalf("the PIREP page has no labelled comment form with a CSRF token")
	}
	if d.Find(`#pirep-detail[hx-trigger*="sse:pirep-comments"][hx-select-oob="#pirep-thread"]`).Length() != 1 || d.Find(`#pirep-thread`).Length() != 1 || text(d, "no-comments") == "" {
		t.Errorf("the thread does not follow the pirep-comments topic, or does not say it is empty")
	}

	// Empty and too long: 422, the message beside the field, the text kept.
	resp, body := w.sendForm(t, pilot, pirepURL+"/comments", url.Values{"text": {"   "}})
	if d = doc(t, body); resp.StatusCode != http.StatusUnprocessableEntity || text(d, "error-text") == "" {
		t.Errorf("an empty comment: %d %q", resp.StatusCode, text(d, "error-text"))
	}
	long := strings.Repeat("é", domain.MaxCommentLength+1)
	resp, body = w.sendForm(t, pilot, pirepURL+"/comments", url.Values{"text": {long}})
	d = doc(t, body)
	if resp.StatusCode != http.StatusUnprocessableEntity || !strings.Contains(text(d, "error-text"), "2000") ||
		d.Find(`#comment-text`).Text() != long || d.Find(`#comment-text[aria-invalid="true"]`).Length() != 1 {
		t.Errorf("a long comment: %d %q, text kept %v", resp.StatusCode, text(d, "error-text"), d.Find(`#comment-text`).Text() == long)
	}

	ofStaff := eventStream(t, staff.client, w.URL+"/events")
	resp, _ = w.sendForm(t, pilot, pirepURL+"/comments", url.Values{"text": {"Turbulence at FL350, hence the time."}})
	if resp.StatusCode != http.StatusSeeOther {
		t.Fatalf("the pilot's comment: %d", resp.StatusCode)
	}
	waitEvent(t, "staff of A", ofStaff, "pirep-comments")
	_, body = getAs(t, staff.client, w.URL+pirepURL, htmx)
	if !strings.Contains(doc(t, body).Find(`#pirep-thread`).Text(), "Turbulence at FL350") {
		t.Errorf("the staff's re-fetched thread does not show the pilot's comment")
	}
	if resp, _ := w.sendForm(t, staff, pirepURL+"/accept", url.Values{}); resp.StatusCode != http.StatusSeeOther {
		t.Fatalf("accept: %d", resp.StatusCode)
	}
	resp, _ = w.sendForm(t, staff, pirepURL+"/comments", url.Values{"text": {"Thanks, accepted."}})
	if resp.StatusCode != http.StatusSeeOther {
		t.Fatalf("the staff's comment on an accepted PIREP: %d", resp.StatusCode)
	}
	if resp, _ := w.sendForm(t, platform, pirepURL+"/comments", url.Values{"text": {"Platform check"}}); resp.StatusCode != http.StatusSeeOther {
		t.Errorf("the platform admin's comment: %d", resp.StatusCode)
	}

	_, body = getAs(t, pilot.client, w.URL+pirepURL, nil)
	d = doc(t, body)
	var thread, history []string
	d.Find(`[data-testid="comment"]`).Each(func(_ int, s *goquery.Selection) {
		thread = append(thread, strings.Join(strings.Fields(s.Text()), " "))
	})
	d.Find(`[data-testid="history-entry"]`).Each(func(_ int, s *goquery.Selection) {
		history = append(history, strings.Join(strings.Fields(s.Text()), " "))
	})
	if len(thread) != 3 || !strings.Contains(thread[0], "pilot-a@example.com") || strings.Contains(thread[0], "staff") ||
		!strings.Contains(thread[0], "Turbulence at FL350") || !strings.Contains(thread[1], "admin-a@example.com staff") ||
		!strings.Contains(thread[1], "Thanks, accepted.") || !strings.Contains(thread[2], "Platform check") {
		t.Errorf("the thread: %q", thread)
	}
	if len(history) != 5 || !strings.Contains(history[1], "Commented: Turbulence at FL350") || !strings.Contains(history[3], "Commented: Thanks, accepted. by admin-a@example.com") {
		t.Errorf("the history: %q", history)
	}

	// Another pilot of the airline is refused, as the page itself refuses
	// them; another airline's staff do not find it. Nothing is appended.
	before := w.countEvents(t)
	if resp, _ := getAs(t, colleague.client, w.URL+pirepURL, nil); resp.StatusCode != http.StatusForbidden {
		t.Errorf("another pilot opens the PIREP: %d, want 403", resp.StatusCode)
	}
	if resp, _ := w.sendForm(t, colleague, pirepURL+"/comments", url.Values{"text": {"Nosy"}}); resp.StatusCode != http.StatusForbidden {
		t.Errorf("another pilot comments: %d, want 403", resp.StatusCode)
	}
	if resp, _ := w.sendForm(t, otherStaff, pirepURL+"/comments", url.Values{"text": {"Nosy"}}); resp.StatusCode != http.StatusNotFound {
		t.Errorf("another airline's staff comment: %d, want 404", resp.StatusCode)
	}
	if after := w.countEvents(t); after != before {
		t.Errorf("refused comments appended %d events", after-before)
	}
}

// noticeTexts are the member's notices as the fragment shows them.
func noticeTexts(t *testing.T, w *matrixWorld, ac *actor, airlineID string) (*goquery.Document, []string) {
	t.Helper()
	resp, body := getAs(t, ac.client, w.URL+"/airlines/"+airlineID+"/notices", htmx)
	if resp.StatusCode != http.StatusOK {
		t.Fatalf("%s's notices: %d", ac.name, resp.StatusCode)
	}
	d := doc(t, body)
	var out []string
	d.Find(`[data-testid="user-notice"]`).Each(func(_ int, s *goquery.Selection) {
		out = append(out, s.AttrOr("data-kind", "")+": "+strings.Join(strings.Fields(s.Text()), " "))
	})
	return d, out
}

// The pilot is told of their PIREP accepted and rejected (with the
// reason), naming and linking it, live; only they are; dismissing one
// records it on their career stream and takes it away.
func checkNotices(t *testing.T, w *matrixWorld) {
	a := w.airlines["A"]
	pilot, staff, otherStaff, platform := w.actors[1], w.actors[2], w.actors[3], w.actors[4]
	for _, ac := range []*actor{pilot, staff, otherStaff, platform} {
		w.session(t, ac)
	}
	// Clear what earlier checks left, so this one counts its own.
	for {
		d, list := noticeTexts(t, w, pilot, a.id)
		if len(list) == 0 {
			break
		}
		id := d.Find(`[data-testid="user-notice"] input[name="notice"]`).First().AttrOr("value", "")
		if resp, _ := w.sendForm(t, pilot, "/airlines/"+a.id+"/notices/dismiss", url.Values{"notice": {id}}); resp.StatusCode != http.StatusSeeOther {
			t.Fatalf("dismiss %s: %d", id, resp.StatusCode)
		}
	}

	// The pilot's PIREP pages load their notices and follow the topic over
	// the page's one live connection.
	for _, page := range []string{"/airlines/" + a.id + "/pireps", "/airlines/" + a.id + "/pireps/" + a.pirep} {
		_, body := getAs(t, pilot.client, w.URL+page, nil)
		d := doc(t, body)
		if d.Find(`[sse-connect="/events"] #notices[hx-get="/airlines/`+a.id+`/notices"][hx-trigger*="load"][hx-trigger*="sse:notices"]`).Length() != 1 ||
			d.Find(`[sse-connect]`).Length() != 1 {
			t.Errorf("%s does not load the pilot's notices live over its one connection", page)
		}
	}
	_, body := getAs(t, pilot.client, w.URL+"/airlines/"+a.id+"/notices", nil)
	if text(doc(t, body), "no-notices") == "" {
		t.Errorf("the notices page does not say there are none")
	}
	_, body = getAs(t, platform.client, w.URL+"/airlines", nil)
	if doc(t, body).Find(`#notices`).Length() != 0 {
		t.Errorf("the platform admin, of no airline, gets a notices area")
	}

	accepted, rejected := w.fileSubmitted(t, pilot, a, "901"), w.fileSubmitted(t, pilot, a, "902")
	ofPilot, ofStaff := eventStream(t, pilot.client, w.URL+"/events"), eventStream(t, staff.client, w.URL+"/events")
	if resp, _ := w.sendForm(t, staff, accepted+"/accept", url.Values{}); resp.StatusCode != http.StatusSeeOther {
		t.Fatalf("accept: %d", resp.StatusCode)
	}
	waitEvent(t, "pilot of A", ofPilot, "notices")
	d, list := noticeTexts(t, w, pilot, a.id)
	if len(list) != 1 || !strings.HasPrefix(list[0], "accepted: ALA901 EGLL–EGLL was accepted.") ||
		d.Find(`[data-testid="notice-link"][href="`+accepted+`"]`).Length() != 1 {
		t.Errorf("after the accept: %q", list)
	}
	if resp, _ := w.sendForm(t, staff, rejected+"/reject", url.Values{"reason": {"Landing rate not plausible"}}); resp.StatusCode != http.StatusSeeOther {
		t.Fatalf("reject: %d", resp.StatusCode)
	}
	d, list = noticeTexts(t, w, pilot, a.id)
	if len(list) != 2 || !strings.Contains(list[0], "ALA902 EGLL–EGLL was rejected.") || !strings.Contains(list[0], "Reason: Landing rate not plausible") ||
		d.Find(`[data-testid="notice-link"][href="`+rejected+`"]`).Length() != 1 {
		t.Fatalf("after the reject (newest first): %q", list)
	}
	// Only the pilot's pages were woken: by the time a later change of the
	// airline reaches the staff's page, no notices event came before it.
	waitEvent(t, "pilot of A", ofPilot, "notices")
	if resp, _ := w.sendForm(t, staff, rejected+"/comments", url.Values{"text": {"See the reason."}}); resp.StatusCode != http.StatusSeeOther {
		t.Fatalf("comment: %d", resp.StatusCode)
	}
	if seen := eventsUntil(t, "staff of A", ofStaff, "pirep-comments"); slices.Contains(seen, "notices") {
		t.Errorf("the staff's open page was woken by the pilot's notices: %q", seen)
	}

	// Nobody else is told: not the staff, not another airline's.
	if _, other := noticeTexts(t, w, staff, a.id); len(other) != 0 {
		t.Errorf("the staff see the pilot's notices: %q", other)
	}
	if resp, _ := getAs(t, otherStaff.client, w.URL+"/airlines/"+a.id+"/notices", htmx); resp.StatusCode != http.StatusNotFound {
		t.Errorf("another airline's staff read A's notices: %d, want 404", resp.StatusCode)
	}
	if resp, _ := getAs(t, platform.client, w.URL+"/airlines/"+a.id+"/notices", htmx); resp.StatusCode != http.StatusForbidden {
		t.Errorf("the platform admin reads A's notices: %d, want 403", resp.StatusCode)
	}

	rejectedID := d.Find(`[data-testid="user-notice"][data-kind="rejected"] input[name="notice"]`).AttrOr("value", "")
	// Someone else's dismissal of it leaves it where it is.
	if resp, _ := w.sendForm(t, staff, "/airlines/"+a.id+"/notices/dismiss", url.Values{"notice": {rejectedID}}); resp.StatusCode != http.StatusSeeOther {
		t.Fatalf("the staff's dismissal: %d", resp.StatusCode)
	}
	if _, list = noticeTexts(t, w, pilot, a.id); len(list) != 2 {
		t.Errorf("the staff dismissed the pilot's notice: %q", list)
	}
	// The pilot dismisses it with htmx: the fragment comes back without it.
	form := url.Values{"notice": {rejectedID}, "_csrf": {w.csrfToken(t, pilot.client)}}
	req, _ := http.NewRequest(http.MethodPost, w.URL+"/airlines/"+a.id+"/notices/dismiss", strings.NewReader(form.Encode()))
	req.Header.Set("Content-Type", "application/x-www-form-urlencoded")
	req.Header.Set("HX-Request", "true")
	resp, err := pilot.client.Do(req)
	must(t, err)
	raw := new(strings.Builder)
	_, _ = copyBody(raw, resp)
	if resp.StatusCode != http.StatusOK || strings.Contains(raw.String(), "ALA902") || !strings.Contains(raw.String(), "ALA901") {
		t.Errorf("the dismissal's fragment: %d %s", resp.StatusCode, raw)
	}
	if _, list = noticeTexts(t, w, pilot, a.id); len(list) != 1 || !strings.HasPrefix(list[0], "accepted:") {
		t.Errorf("after the dismissal: %q", list)
	}
	career, err := w.es.ReadStream(context.Background(), domain.CareerStream(a.pirepPilotID), 0)
	must(t, err)
	msg, err := w.runner.Registry.Decode(career[len(career)-1].Type, career[len(career)-1].Data)
	if nd, ok := msg.(*eventsv1.NoticeDismissed); err != nil || !ok || nd.NoticeId != rejectedID {
		t.Errorf("the pilot's career does not end with the dismissal: %v %v", msg, err)
	}
	// Dismissing it again, or a notice that never was, records nothing.
	for _, id := range []string{rejectedID, "pirep-made-up@1"} {
		if resp, _ := w.sendForm(t, pilot, "/airlines/"+a.id+"/notices/dismiss", url.Values{"notice": {id}}); resp.StatusCode != http.StatusSeeOther {
			t.Fatalf("dismiss %s again: %d", id, resp.StatusCode)
		}
	}
	again, err := w.es.ReadStream(context.Background(), domain.CareerStream(a.pirepPilotID), 0)
	must(t, err)
	if len(again) != len(career) {
		t.Errorf("dismissing a notice already put away, or one that never was, added %d events to the career", len(again)-len(career))
	}
	// On the notices page itself, dismissing the last one says none are left.
	lastID := func() string {
		d, _ := noticeTexts(t, w, pilot, a.id)
		return d.Find(`[data-testid="user-notice"] input[name="notice"]`).AttrOr("value", "")
	}()
	form = url.Values{"notice": {lastID}, "_csrf": {w.csrfToken(t, pilot.client)}}
	req, _ = http.NewRequest(http.MethodPost, w.URL+"/airlines/"+a.id+"/notices/dismiss", strings.NewReader(form.Encode()))
	req.Header.Set("Content-Type", "application/x-www-form-urlencoded")
	req.Header.Set("HX-Request", "true")
	req.Header.Set("HX-Current-URL", w.URL+"/airlines/"+a.id+"/notices")
	resp, err = pilot.client.Do(req)
	must(t, err)
	raw.Reset()
	_, _ = copyBody(raw, resp)
	if resp.StatusCode != http.StatusOK || !strings.Contains(raw.String(), `data-testid="no-notices"`) {
		t.Errorf("dismissing the last notice on the notices page leaves it saying nothing: %d %s", resp.StatusCode, raw)
	}
	// A PIREP accepted and then rejected leaves only the rejection told.
	changed := w.fileSubmitted(t, pilot, a, "903")
	if resp, _ := w.sendForm(t, staff, changed+"/accept", url.Values{}); resp.StatusCode != http.StatusSeeOther {
		t.Fatalf("accept: %d", resp.StatusCode)
	}
	if resp, _ := w.sendForm(t, staff, changed+"/reject", url.Values{"reason": {"Wrong aircraft"}}); resp.StatusCode != http.StatusSeeOther {
		t.Fatalf("reject after accept: %d", resp.StatusCode)
	}
	if _, list = noticeTexts(t, w, pilot, a.id); len(list) != 1 || !strings.HasPrefix(list[0], "rejected: ALA903") {
		t.Errorf("after an accept then a reject: %q, want the rejection alone", list)
	}
}

func copyBody(dst *strings.Builder, resp *http.Response) (int64, error) {
	defer resp.Body.Close()
	return io.Copy(dst, resp.Body)
}
