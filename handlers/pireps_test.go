package handlers_test

import (
	"context"
	"fmt"
	"net/http"
	"net/url"
	"path"
	"strconv"
	"strings"
	"testing"
	"time"

	"github.com/PuerkitoBio/goquery"

	"github.com/albatross-va/albatross/domain"
	eventsv1 "github.com/albatross-va/albatross/domain/events/v1"
	"github.com/albatross-va/albatross/handlers"
)

// sendForm posts a form as the actor, with their CSRF token, and returns
// the response and its body.
func (w *matrixWorld) sendForm(t *testing.T, ac *actor, path string, form url.Values) (*http.Response, string) {
	t.Helper()
	form.Set("_csrf", w.csrfToken(t, ac.client))
	return post(t, ac.client, w.URL+path, form)
}

// pirepForm is a valid filing of flight number from EGLL to EGLL.
func pirepForm(number, aircraft string) url.Values {
	return url.Values{"flight_number": {number}, "dpt_airport": {"egll"}, "arr_airport": {"EGLL"},
		"aircraft_id": {aircraft}, "block_off": {"2026-11-02T09:00"}, "block_on": {"2026-11-02T10:05"},
		"flight_time": {"0:55"}, "distance": {"120"}, "fuel_used": {"1000"}, "fuel_unit": {"kg"}, "route": {" dvr  ul9 "}}
}

func text(d *goquery.Document, testid string) string {
	return strings.TrimSpace(d.Find(`[data-testid="` + testid + `"]`).First().Text())
}

func TestPilotsFilePirepsAndStaffReviewThem(t *testing.T) {
	for _, m := range []mode{embedded, postgres} {
		t.Run(string(m), func(t *testing.T) { checkPirepPages(t, newMatrixWorld(t, m)) })
	}
}

func checkPirepPages(t *testing.T, w *matrixWorld) {
	a := w.airlines["A"]
	pilot, staff, other := w.actors[1], w.actors[2], w.actors[3]
	for _, ac := range []*actor{pilot, staff, other} {
		w.session(t, ac)
	}
	base := "/airlines/" + a.id + "/pireps"

	// A form with mistakes comes back at 422 with each message beside its
	// field and the input kept.
	bad := pirepForm("", a.flown)
	bad.Set("flight_time", "lots")
	bad.Set("arr_airport", "ZZZZ")
	bad.Set("remarks", "kept remark")
	resp, body := w.sendForm(t, pilot, base, bad)
	d := doc(t, body)
	if resp.StatusCode != http.StatusUnprocessableEntity || text(d, "error-flight_time") == "" || text(d, "error-flight_number") == "" {
		t.Fatalf("bad filing: %d, flight time %q, number %q", resp.StatusCode, text(d, "error-flight_time"), text(d, "error-flight_number"))
	}
	if v, _ := d.Find(`#pirep-remarks`).Attr("value"); v != "kept remark" {
		t.Errorf("the remarks were not kept: %q", v)
	}
	if d.Find(`option[value="`+a.flown+`"][selected]`).Length() != 1 {
		t.Errorf("the chosen aircraft was not kept")
	}
	bad = pirepForm("77", a.flown)
	bad.Set("arr_airport", "ZZZZ")
	resp, body = w.sendForm(t, pilot, base, bad)
	if d = doc(t, body); resp.StatusCode != http.StatusUnprocessableEntity || !strings.Contains(text(d, "error-arr_airport"), "ZZZZ") {
		t.Errorf("an unknown airport: %d %q", resp.StatusCode, text(d, "error-arr_airport"))
	}

	// A draft stays out of the queue; the pilot sees it at once.
	resp, body = w.sendForm(t, pilot, base, pirepForm("501", a.flown))
	if resp.StatusCode != http.StatusSeeOther {
		t.Fatalf("save a draft: %d %s", resp.StatusCode, body)
	}
	draftURL := resp.Header.Get("Location")
	_, body = getAs(t, pilot.client, w.URL+draftURL, nil)
	d = doc(t, body)
	if st, _ := d.Find(`[data-testid="pirep-state"]`).Attr("data-state"); st != "draft" || text(d, "notice") == "" {
		t.Errorf("the draft's page: state %q, notice %q", st, text(d, "notice"))
	}
	if d.Find(`[data-testid="submit-pirep"]`).Length() != 1 || d.Find(`[data-testid="cancel"]`).Length() != 1 {
		t.Errorf("a draft's pilot is not offered to submit and cancel it")
	}
	if d.Find(`[data-testid="accept"]`).Length() != 0 {
		t.Errorf("a pilot is offered to accept")
	}

	// Submitted: in the queue, oldest first, after the matrix's PIREP.
	submitted := pirepForm("502", a.flown)
	submitted.Set("submit", "1")
	resp, body = w.sendForm(t, pilot, base, submitted)
	if resp.StatusCode != http.StatusSeeOther {
		t.Fatalf("submit: %d %s", resp.StatusCode, body)
	}
	pendingURL := resp.Header.Get("Location")
	pendingID := pendingURL[strings.LastIndex(pendingURL, "/")+1:]
	_, body = getAs(t, staff.client, w.URL+base+"/queue", nil)
	d = doc(t, body)
	var queued []string
	d.Find(`[data-testid="pirep-row"]`).Each(func(_ int, s *goquery.Selection) { queued = append(queued, s.AttrOr("data-pirep", "")) })
	if len(queued) != 2 || queued[0] != a.pirep || queued[1] != pendingID {
		t.Errorf("the queue: %v, want [%s %s]", queued, a.pirep, pendingID)
	}
	if d.Find(`#pirep-queue[hx-trigger*="sse:pirep-review"]`).Length() != 1 {
		t.Errorf("the queue does not re-fetch on the staff's PIREP topic")
	}
	// Each row shows what a reviewer decides by, and the queue can select
	// every row at once.
	row := d.Find(`[data-testid="pirep-row"][data-pirep="` + pendingID + `"]`)
	cell := func(id string) string { return strings.TrimSpace(row.Find(`[data-testid="` + id + `"]`).Text()) }
	if cell("pirep-distance") != "120 nm" || cell("pirep-fuel") != "2205 lb" || cell("pirep-landing") != "none" || cell("pirep-filed") == "" {
		t.Errorf("the queue's row shows distance %q, fuel %q, landing %q, filed %q", cell("pirep-distance"), cell("pirep-fuel"), cell("pirep-landing"), cell("pirep-filed"))
	}
	if d.Find(`[data-testid="select-all-pireps"][data-select-all="bulk-accept"]`).Length() != 1 {
		t.Errorf("the queue has no select-all box for its bulk accept")
	}

	// A pilot cannot accept; another airline's staff do not find it.
	if resp, _ := w.sendForm(t, pilot, pendingURL+"/accept", url.Values{}); resp.StatusCode != http.StatusForbidden {
		t.Errorf("a pilot accepts: %d, want 403", resp.StatusCode)
	}
	if resp, _ := w.sendForm(t, other, pendingURL+"/accept", url.Values{}); resp.StatusCode != http.StatusNotFound {
		t.Errorf("another airline's staff accept: %d, want 404", resp.StatusCode)
	}
	if resp, _ := getAs(t, other.client, w.URL+pendingURL, nil); resp.StatusCode != http.StatusNotFound {
		t.Errorf("another airline's staff open it: %d, want 404", resp.StatusCode)
	}

	// A rejection needs a reason, which the pilot then reads.
	resp, body = w.sendForm(t, staff, pendingURL+"/reject", url.Values{"reason": {"  "}})
	if d = doc(t, body); resp.StatusCode != http.StatusUnprocessableEntity || text(d, "error-reason") == "" {
		t.Errorf("reject without a reason: %d %q", resp.StatusCode, text(d, "error-reason"))
	}
	resp, _ = w.sendForm(t, staff, pendingURL+"/reject", url.Values{"reason": {"Wrong aircraft"}, "back": {"queue"}})
	if resp.StatusCode != http.StatusSeeOther || resp.Header.Get("Location") != base+"/queue" {
		t.Fatalf("reject: %d %q", resp.StatusCode, resp.Header.Get("Location"))
	}
	_, body = getAs(t, pilot.client, w.URL+pendingURL, nil)
	d = doc(t, body)
	if st, _ := d.Find(`[data-testid="pirep-state"]`).Attr("data-state"); st != "rejected" || !strings.Contains(text(d, "reject-reason"), "Wrong aircraft") {
		t.Errorf("the pilot's page after the rejection: %q %q", st, text(d, "reject-reason"))
	}
	// Staff change their mind: accepted, and the history tells it all. The
	// 55 minutes reach a 30-minute auto-promote rank.
	rank, _, err := (&domain.Ranks{Runner: w.runner, IDs: domain.RandomIDs{}}).Save(context.Background(),
		domain.CommandMeta{Who: domain.System}, a.id, "", domain.RankForm{Name: "First Officer", MinHours: "0:30", AutoPromote: true})
	must(t, err)
	w.settle(t)
	resp, _ = w.sendForm(t, staff, pendingURL+"/accept", url.Values{})
	if resp.StatusCode != http.StatusSeeOther {
		t.Fatalf("accept: %d", resp.StatusCode)
	}
	_, body = getAs(t, pilot.client, w.URL+pendingURL, nil)
	d = doc(t, body)
	var history []string
	d.Find(`[data-testid="history-entry"]`).Each(func(_ int, s *goquery.Selection) {
		history = append(history, strings.Join(strings.Fields(s.Text()), " "))
	})
	if st, _ := d.Find(`[data-testid="pirep-state"]`).Attr("data-state"); st != "accepted" || len(history) != 3 ||
		!strings.Contains(history[0], "Filed and submitted") || !strings.Contains(history[1], "Rejected: Wrong aircraft by admin-a@example.com") ||
		!strings.Contains(history[2], "Accepted by admin-a@example.com") {
		t.Errorf("after acceptance: state %q, history %q", st, history)
	}
	career, err := w.es.ReadStream(context.Background(), domain.CareerStream(a.pirepPilotID), 0)
	must(t, err)
	if len(career) == 0 {
		t.Errorf("the acceptance promoted nobody")
	} else if msg, err := w.runner.Registry.Decode(career[len(career)-1].Type, career[len(career)-1].Data); err != nil || msg.(*eventsv1.PilotRankSet).GetRankId() != rank {
		t.Errorf("the pilot's rank after the acceptance: %v %v, want %s", msg, err, rank)
	}
	if d.Find(`[data-testid="pirep-form"]`).Length() != 0 || d.Find(`[data-testid="cancel"]`).Length() != 0 {
		t.Errorf("an accepted PIREP is still editable by its pilot")
	}
	if d.Find(`#pirep-detail[hx-trigger*="sse:pirep-`+path.Base(pendingURL)+`"]`).Length() != 1 {
		t.Errorf("the PIREP's page does not re-fetch on its own topic")
	}

	// My PIREPs lists both; the route was upper-cased and the fuel converted.
	_, body = getAs(t, pilot.client, w.URL+base, nil)
	if n := doc(t, body).Find(`[data-testid="pirep-row"]`).Length(); n != 3 { // with the matrix's
		t.Errorf("my PIREPs: %d rows, want 3", n)
	}
	_, body = getAs(t, staff.client, w.URL+draftURL, nil)
	d = doc(t, body)
	if !strings.Contains(d.Find(`[data-testid="pirep-facts"]`).Text(), "DVR UL9") || !strings.Contains(d.Find(`[data-testid="pirep-facts"]`).Text(), "2205 lb") {
		t.Errorf("facts: %q", d.Find(`[data-testid="pirep-facts"]`).Text())
	}
}

// Filing from a schedule flight pre-fills the form, and the flight page
// links to it.
func TestFilingFromAFlightPrefillsTheForm(t *testing.T) {
	w := newMatrixWorld(t, embedded)
	a := w.airlines["A"]
	pilot := w.actors[1]
	w.session(t, pilot)
	_, body := getAs(t, pilot.client, w.URL+"/airlines/"+a.id+"/flights/"+a.flight, nil)
	link, ok := doc(t, body).Find(`[data-testid="file-pirep"]`).Attr("href")
	if !ok {
		t.Fatal("no File a PIREP link on the flight's page")
	}
	_, body = getAs(t, pilot.client, w.URL+link, nil)
	d := doc(t, body)
	for id, want := range map[string]string{"pirep-flight_number": "1", "pirep-flight_time": "7:55"} {
		if v, _ := d.Find("#" + id).Attr("value"); v != want {
			t.Errorf("%s = %q, want %q", id, v, want)
		}
	}
	if v, _ := d.Find(`[data-testid="pirep-form"] input[name="flight_id"]`).Attr("value"); v != a.flight {
		t.Errorf("flight_id = %q", v)
	}
}

// waitEvent waits for an SSE event named want, skipping others.
func waitEvent(t *testing.T, who string, stream <-chan string, want string) {
	t.Helper()
	eventsUntil(t, who, stream, want)
}

// eventsUntil returns the names of the events on a stream up to and
// including the first named want.
func eventsUntil(t *testing.T, who string, stream <-chan string, want string) []string {
	t.Helper()
	var seen []string
	deadline := time.After(5 * time.Second)
	for {
		select {
		case ev := <-stream:
			seen = append(seen, ev)
			if ev == want {
				return seen
			}
		case <-deadline:
			t.Fatalf("%s got no %s event, only %q", who, want, seen)
		}
	}
}

// A filed PIREP reaches the staff's open queue, and a review the pilot's
// open PIREP page, over the staff's and the PIREP's own topics; the
// re-fetched fragments show the change.
// Another airline's staff hear nothing.
func TestPirepChangesReachTheOpenQueueAndThePilotsPage(t *testing.T) {
	w := newMatrixWorld(t, embedded)
	a := w.airlines["A"]
	pilot, staff, other := w.actors[1], w.actors[2], w.actors[3]
	for _, ac := range []*actor{pilot, staff, other} {
		w.session(t, ac)
	}
	base := "/airlines/" + a.id + "/pireps"
	ofStaff := eventStream(t, staff.client, w.URL+"/events")
	ofOther := eventStream(t, other.client, w.URL+"/events")
	form := pirepForm("601", a.flown)
	form.Set("submit", "1")
	resp, _ := w.sendForm(t, pilot, base, form)
	if resp.StatusCode != http.StatusSeeOther {
		t.Fatalf("file: %d", resp.StatusCode)
	}
	pirepURL := resp.Header.Get("Location")
	waitEvent(t, "staff of A", ofStaff, "pirep-review")
	_, body := getAs(t, staff.client, w.URL+base+"/queue/live", map[string]string{"HX-Request": "true"})
	if !strings.Contains(doc(t, body).Find(`#pirep-queue`).Text(), "ALA601") {
		t.Errorf("the re-fetched queue does not show the filed PIREP")
	}

	ofPilot := eventStream(t, pilot.client, w.URL+"/events")
	if resp, _ := w.sendForm(t, staff, pirepURL+"/accept", url.Values{}); resp.StatusCode != http.StatusSeeOther {
		t.Fatalf("accept: %d", resp.StatusCode)
	}
	waitEvent(t, "pilot of A", ofPilot, "pirep-"+path.Base(pirepURL))
	_, body = getAs(t, pilot.client, w.URL+pirepURL+"/live", map[string]string{"HX-Request": "true"})
	if st, _ := doc(t, body).Find(`#pirep-detail [data-testid="pirep-state"]`).Attr("data-state"); st != "accepted" {
		t.Errorf("the re-fetched PIREP page shows %q, want accepted", st)
	}
	select {
	case ev := <-ofOther:
		if strings.HasPrefix(ev, "pirep") || ev == "own-pireps" {
			t.Errorf("B's staff got A's %s event", ev)
		}
	case <-time.After(200 * time.Millisecond):
	}
}

// A queue longer than a page shows the oldest page and says how many wait;
// the one filed last comes up once another is reviewed.
func TestTheQueueShowsTheOldestPageAndCountsTheRest(t *testing.T) {
	for _, m := range []mode{embedded, postgres} {
		t.Run(string(m), func(t *testing.T) {
			w := newMatrixWorld(t, m)
			a := w.airlines["A"]
			pilot, staff := w.actors[1], w.actors[2]
			for _, ac := range []*actor{pilot, staff} {
				w.session(t, ac)
			}
			queue := func() *goquery.Document {
				t.Helper()
				_, body := getAs(t, staff.client, w.URL+"/airlines/"+a.id+"/pireps/queue", nil)
				return doc(t, body)
			}
			// The world has PIREPs waiting already; the queue gets one more
			// than a page.
			waiting := queue().Find(`[data-testid="pirep-row"]`).Length()
			var first, last string
			for i := range handlers.QueueLimit + 1 - waiting {
				u := w.fileSubmitted(t, pilot, a, strconv.Itoa(1000+i))
				if i == 0 {
					first = u
				}
				last = u
			}
			listed := func(doc *goquery.Document, u string) bool {
				return doc.Find(`[data-testid="pirep-row"][data-pirep="`+lastSegment(u)+`"]`).Length() == 1
			}
			page := queue()
			if n := page.Find(`[data-testid="pirep-row"]`).Length(); n != handlers.QueueLimit {
				t.Errorf("the queue lists %d PIREPs, want a page of %d", n, handlers.QueueLimit)
			}
			if more := text(page, "queue-more"); !strings.Contains(more, fmt.Sprintf("%d of %d waiting, oldest first", handlers.QueueLimit, handlers.QueueLimit+1)) {
				t.Errorf("the queue says %q, want it to count all %d waiting", more, handlers.QueueLimit+1)
			}
			if !listed(page, first) || listed(page, last) {
				t.Errorf("the page holds the first filed %v and the last %v; want the oldest page", listed(page, first), listed(page, last))
			}
			if resp, _ := w.sendForm(t, staff, first+"/accept", url.Values{}); resp.StatusCode != http.StatusSeeOther {
				t.Fatalf("accept: %d", resp.StatusCode)
			}
			page = queue()
			if !listed(page, last) || page.Find(`[data-testid="queue-more"]`).Length() != 0 {
				t.Errorf("after a review the queue shows the last filed %v and a count %q; want all of them and no count",
					listed(page, last), text(page, "queue-more"))
			}
		})
	}
}

// A live refresh that runs while a review's redirect is in flight leaves
// the review's confirmation for the page the reviewer lands on.
func TestALiveRefreshLeavesTheConfirmationForTheNextPage(t *testing.T) {
	w := newMatrixWorld(t, embedded)
	a := w.airlines["A"]
	pilot, staff := w.actors[1], w.actors[2]
	for _, ac := range []*actor{pilot, staff} {
		w.session(t, ac)
	}
	filed := w.fileSubmitted(t, pilot, a, "811")
	if resp, _ := w.sendForm(t, staff, filed+"/accept", url.Values{"back": {"queue"}}); resp.StatusCode != http.StatusSeeOther {
		t.Fatalf("accept: %d", resp.StatusCode)
	}
	queue := w.URL + "/airlines/" + a.id + "/pireps/queue"
	_, body := getAs(t, staff.client, queue, htmx) // the old page's refresh
	if n := text(doc(t, body), "notice"); n != "" {
		t.Errorf("the live refresh took the confirmation: %q", n)
	}
	_, body = getAs(t, staff.client, queue, nil)
	if n := text(doc(t, body), "notice"); !strings.Contains(n, "ALA811") {
		t.Errorf("the page after the accept confirms %q, want the accepted PIREP named", n)
	}
}

// A rank is for the airline's members: not for a registration waiting for
// a decision.
func TestARankIsNotSetOnAPendingRegistration(t *testing.T) {
	w := newMatrixWorld(t, embedded)
	a := w.airlines["A"]
	staff := w.actors[2]
	w.session(t, staff)
	resp, _ := w.sendForm(t, staff, "/airlines/"+a.id+"/people/"+a.approvee+"/rank", url.Values{"rank_id": {a.rank}})
	if resp.StatusCode != http.StatusConflict {
		t.Errorf("setting a pending registration's rank: %d, want 409", resp.StatusCode)
	}
}

// An accepted PIREP moves its aircraft to the arrival and adds its hours,
// on the fleet's pages and in the filing form.
func TestAnAcceptedPirepMovesItsAircraft(t *testing.T) {
	w := newMatrixWorld(t, postgres)
	a := w.airlines["A"]
	pilot, staff := w.actors[1], w.actors[2]
	for _, ac := range []*actor{pilot, staff} {
		w.session(t, ac)
	}
	if _, err := (&domain.Airports{Runner: w.runner}).Add(context.Background(), domain.CommandMeta{Who: domain.System}, a.id,
		domain.AirportDetails{ICAO: "KJFK", Name: "Kennedy", Latitude: 40.64, Longitude: -73.78}); err != nil {
		t.Fatal(err)
	}
	w.settle(t)
	aircraftPage := w.URL + "/airlines/" + a.id + "/fleet/aircraft/" + a.flown
	hours := func() string {
		t.Helper()
		_, body := getAs(t, staff.client, aircraftPage, nil)
		return text(doc(t, body), "aircraft-flight-time")
	}
	before := hours()
	form := pirepForm("871", a.flown)
	form.Set("arr_airport", "KJFK")
	form.Set("block_off", "2026-11-03T09:00")
	form.Set("block_on", "2026-11-03T17:00")
	form.Set("flight_time", "7:55")
	form.Set("distance", "3000")
	form.Set("submit", "1")
	resp, body := w.sendForm(t, pilot, "/airlines/"+a.id+"/pireps", form)
	if resp.StatusCode != http.StatusSeeOther {
		t.Fatalf("file: %d %s", resp.StatusCode, body)
	}
	if resp, _ := w.sendForm(t, staff, resp.Header.Get("Location")+"/accept", url.Values{}); resp.StatusCode != http.StatusSeeOther {
		t.Fatalf("accept: %d", resp.StatusCode)
	}
	_, body = getAs(t, staff.client, w.URL+"/airlines/"+a.id+"/fleet", nil)
	if at := doc(t, body).Find(`[data-testid="aircraft-row"][data-registration="G-PREP"] [data-testid="aircraft-location"]`).Text(); at != "KJFK" {
		t.Errorf("the fleet page places G-PREP at %q, want KJFK", at)
	}
	_, body = getAs(t, staff.client, aircraftPage, nil)
	if at := text(doc(t, body), "aircraft-location"); at != "KJFK" {
		t.Errorf("the aircraft page places it at %q, want KJFK", at)
	}
	if after := hours(); after == before || !minutesAdded(t, before, after, 7*60+55) {
		t.Errorf("the aircraft's hours went from %q to %q, want 7:55 more", before, after)
	}
	_, body = getAs(t, pilot.client, w.URL+"/airlines/"+a.id+"/pireps/new", nil)
	if opt := doc(t, body).Find(`#pirep-aircraft_id option[value="` + a.flown + `"]`).Text(); !strings.Contains(opt, "(at KJFK)") {
		t.Errorf("the filing form offers %q, want it at KJFK", opt)
	}
}

// minutesAdded says whether two h:mm readings differ by want minutes.
func minutesAdded(t *testing.T, before, after string, want int) bool {
	t.Helper()
	parse := func(s string) int {
		var h, m int
		if _, err := fmt.Sscanf(s, "%d:%d", &h, &m); err != nil {
			t.Fatalf("hours %q: %v", s, err)
		}
		return h*60 + m
	}
	return parse(after)-parse(before) == want
}

// The filing form of a schedule flight that names subfleets offers only
// their aircraft, says why the others are missing, and refuses another
// (sent by hand) beside the field with the input kept.
func TestTheFormOfAFlightOffersOnlyItsSubfleetsAircraft(t *testing.T) {
	for _, m := range []mode{embedded, postgres} {
		t.Run(string(m), func(t *testing.T) {
			w := newMatrixWorld(t, m)
			a := w.airlines["A"]
			pilot := w.actors[1]
			w.session(t, pilot)
			ctx := context.Background()
			sys := domain.CommandMeta{Who: domain.System}
			a320, _, err := w.fleet.CreateSubfleet(ctx, sys, a.id, domain.Subfleet{Type: "A320", ICAO: "A320", Name: "Airbus A320", HubID: "EGLL"})
			if err != nil {
				t.Fatal(err)
			}
			eupt, _, err := w.fleet.AddAircraft(ctx, sys, a.id, domain.NewAircraft{SubfleetID: a320, Registration: "G-EUPT", Name: "A320", AirportID: "EGLL"})
			if err != nil {
				t.Fatal(err)
			}
			w.settle(t) // the flight checks its subfleets against the read model
			flight, _, err := w.flights.Add(ctx, sys, a.id, domain.FlightSchedule{FlightNumber: "2", DptAirport: "EGLL", ArrAirport: "KJFK",
				FlightTime: 55, FlightType: "J", Active: true, SubfleetIDs: []string{a320}})
			if err != nil {
				t.Fatal(err)
			}
			w.settle(t)
			_, body := getAs(t, pilot.client, w.URL+"/airlines/"+a.id+"/pireps/new?flight="+flight, nil)
			d := doc(t, body)
			var offered []string
			d.Find(`#pirep-aircraft_id option`).Each(func(_ int, o *goquery.Selection) {
				if v, _ := o.Attr("value"); v != "" {
					offered = append(offered, v)
				}
			})
			if len(offered) != 1 || offered[0] != eupt {
				t.Errorf("the form of an A320 flight offers %v, want G-EUPT (%s) only", offered, eupt)
			}
			note := text(d, "note-aircraft_id")
			if !strings.Contains(note, "A320") {
				t.Errorf("the note on the missing aircraft says %q, want the flight's A320", note)
			}
			if described, _ := d.Find(`#pirep-aircraft_id`).Attr("aria-describedby"); described != "pirep-aircraft_id-note" {
				t.Errorf("the select is described by %q, want its note", described)
			}
			form := pirepForm("2", a.aircraft) // G-MTRX, a B738
			form.Set("flight_id", flight)
			form.Set("remarks", "kept remark")
			resp, body := w.sendForm(t, pilot, "/airlines/"+a.id+"/pireps", form)
			d = doc(t, body)
			if resp.StatusCode != http.StatusUnprocessableEntity || !strings.Contains(text(d, "error-aircraft_id"), "G-MTRX is not of the subfleets this flight is flown with (A320)") {
				t.Errorf("filing the A320 flight with a B738: %d, aircraft error %q", resp.StatusCode, text(d, "error-aircraft_id"))
			}
			if got, _ := d.Find(`#pirep-remarks`).Attr("value"); got != "kept remark" {
				t.Errorf("the remarks were not kept: %q", got)
			}
			form.Set("aircraft_id", eupt)
			if resp, body := w.sendForm(t, pilot, "/airlines/"+a.id+"/pireps", form); resp.StatusCode != http.StatusSeeOther {
				t.Errorf("filing with the A320: %d %.300s", resp.StatusCode, body)
			}
		})
	}
}
