package handlers_test

import (
	"net/http"
	"net/url"
	"strings"
	"testing"
	"time"

	"github.com/PuerkitoBio/goquery"

	"github.com/albatross-va/albatross/domain"
)

func TestAirlineEventPages(t *testing.T) {
	for _, m := range []mode{embedded, postgres} {
		t.Run(string(m), func(t *testing.T) { checkAirlineEventPages(t, newMatrixWorld(t, m)) })
	}
}

// eventForm is a valid event form, tomorrow from 18:00 to 22:00 UTC
// around the airline's EGLL.
func eventForm(name string) url.Values {
	day := time.Now().UTC().Add(24 * time.Hour).Format(time.DateOnly)
	return url.Values{"command_id": {domain.NewUUID()}, "name": {name}, "description": {"Fly in."}, "starts_at": {day + "T18:00"},
		"ends_at": {day + "T22:00"}, "match": {domain.EventMatchAirport}, "airport": {"egll"}}
}

func checkAirlineEventPages(t *testing.T, w *matrixWorld) {
	a, b := w.airlines["A"], w.airlines["B"]
	pilot, staff, otherStaff := w.actors[1], w.actors[2], w.actors[3]
	for _, ac := range []*actor{pilot, staff, otherStaff} {
		w.session(t, ac)
	}
	events := "/airlines/" + a.id + "/events"

	// Everyone in the airline sees the events; only staff get the form.
	resp, body := getAs(t, staff.client, w.URL+events, nil)
	d := doc(t, body)
	if resp.StatusCode != http.StatusOK || text(d, "event-name") != "Matrix event" || d.Find(`[data-testid="event-form"]`).Length() != 1 {
		t.Fatalf("staff's events page: %d, event %q, form %d", resp.StatusCode, text(d, "event-name"), d.Find(`[data-testid="event-form"]`).Length())
	}
	if tab := strings.TrimSpace(d.Find(`nav[aria-label="Airline"] [aria-current="page"]`).Text()); tab != "Events" {
		t.Errorf("the current tab is %q, want Events", tab)
	}
	if d.Find(`#events-upcoming-heading`).Length() != 1 || !strings.Contains(d.Find(`[data-testid="events-upcoming"]`).Text(), "Matrix event") {
		t.Errorf("the matrix's event is not among the upcoming ones")
	}
	resp, body = getAs(t, pilot.client, w.URL+events, nil)
	if d := doc(t, body); resp.StatusCode != http.StatusOK || d.Find(`[data-testid="event-form"]`).Length() != 0 || text(d, "event-name") != "Matrix event" {
		t.Errorf("the pilot's events page: %d, with a form %d", resp.StatusCode, d.Find(`[data-testid="event-form"]`).Length())
	}

	// Staff only; and CSRF: a form without its token is refused with
	// nothing appended.
	before := w.countEvents(t)
	if resp, _ := w.sendForm(t, pilot, events, eventForm("Pilot's own")); resp.StatusCode != http.StatusForbidden {
		t.Errorf("a pilot creates an event: %d", resp.StatusCode)
	}
	if resp, _ := post(t, staff.client, w.URL+events, eventForm("No token")); resp.StatusCode != http.StatusForbidden {
		t.Errorf("an event form without its CSRF token: %d", resp.StatusCode)
	}
	if after := w.countEvents(t); after != before {
		t.Errorf("refused forms appended %d events", after-before)
	}

	// Bad input: 422, the message beside the field, the input kept,
	// nothing appended. An end before the start is refused.
	for _, bad := range []struct {
		change func(f url.Values)
		field  string
	}{
		{func(f url.Values) { f.Set("name", " ") }, "name"},
		{func(f url.Values) { f.Set("ends_at", strings.Replace(f.Get("starts_at"), "18:00", "17:00", 1)) }, "ends_at"},
		{func(f url.Values) { f.Set("starts_at", "soon") }, "starts_at"},
		{func(f url.Values) { f.Set("airport", "ZZZZ") }, "airport"},
		{func(f url.Values) { f.Set("match", domain.EventMatchFlights); f.Set("flight_numbers", "") }, "flight_numbers"},
		{func(f url.Values) { f.Set("match", domain.EventMatchFlights); f.Set("flight_numbers", "9999") }, "flight_numbers"},
		{func(f url.Values) { f.Set("starts_at", "2026-01-01T10:00"); f.Set("ends_at", "2026-01-01T12:00") }, "ends_at"},
	} {
		f := eventForm("Kept name")
		bad.change(f)
		before := w.countEvents(t)
		resp, body := w.sendForm(t, staff, events, f)
		d := doc(t, body)
		if resp.StatusCode != http.StatusUnprocessableEntity || text(d, "error-"+bad.field) == "" {
			t.Errorf("event %v: %d, error beside %s %q", f, resp.StatusCode, bad.field, text(d, "error-"+bad.field))
		}
		if f.Get("name") == "Kept name" {
			if v, _ := d.Find(`#event-name`).Attr("value"); v != "Kept name" {
				t.Errorf("the name typed is not kept: %q", v)
			}
		}
		if v, _ := d.Find(`#event-starts_at`).Attr("value"); v != f.Get("starts_at") {
			t.Errorf("the start typed is not kept: %q, want %q", v, f.Get("starts_at"))
		}
		if after := w.countEvents(t); after != before {
			t.Errorf("a refused event appended %d events", after-before)
		}
	}

	// A good one: its page, which the pilot signs up on.
	resp, body = w.sendForm(t, staff, events, eventForm("Heathrow fly-in"))
	if resp.StatusCode != http.StatusSeeOther {
		t.Fatalf("create: %d %.300s", resp.StatusCode, body)
	}
	page := resp.Header.Get("Location")
	resp, body = getAs(t, pilot.client, w.URL+page, nil)
	d = doc(t, body)
	if resp.StatusCode != http.StatusOK || text(d, "event-title") != "Heathrow fly-in" || !strings.Contains(text(d, "event-match"), "EGLL") ||
		text(d, "event-phase") != "Upcoming" || !strings.Contains(text(d, "event-window"), "UTC") {
		t.Fatalf("the event's page: %d %q %q %q", resp.StatusCode, text(d, "event-title"), text(d, "event-match"), text(d, "event-phase"))
	}
	if d.Find(`[data-testid="event-board"]`).AttrOr("hx-trigger", "") == "" || d.Find(`[data-testid="event-pilot"]`).Length() != 0 {
		t.Errorf("the board does not listen for changes, or lists pilots before any signed up")
	}
	if resp, body := w.sendForm(t, pilot, page+"/signup", url.Values{"command_id": {domain.NewUUID()}}); resp.StatusCode != http.StatusSeeOther {
		t.Fatalf("sign up: %d %.300s", resp.StatusCode, body)
	}
	_, body = getAs(t, pilot.client, w.URL+page, nil)
	d = doc(t, body)
	if d.Find(`[data-testid="event-pilot"]`).Length() != 1 || !strings.Contains(text(d, "event-signup"), "You have signed up") {
		t.Errorf("after the sign-up the board lists %d pilots; %q", d.Find(`[data-testid="event-pilot"]`).Length(), text(d, "event-signup"))
	}
	resp, body = w.sendForm(t, pilot, page+"/signup", url.Values{"command_id": {domain.NewUUID()}})
	if d := doc(t, body); resp.StatusCode != http.StatusConflict || !strings.Contains(text(d, "event-message"), "signed up already") {
		t.Errorf("a second sign-up: %d %q", resp.StatusCode, text(d, "event-message"))
	}
	// The live fragment is the board alone.
	resp, body = getAs(t, pilot.client, w.URL+page+"/live", map[string]string{"HX-Request": "true"})
	if d := doc(t, body); resp.StatusCode != http.StatusOK || d.Find(`[data-testid="event-board"]`).Length() != 1 || d.Find(`[data-testid="event-title"]`).Length() != 0 ||
		d.Find(`[data-testid="event-pilot"]`).Length() != 1 {
		t.Errorf("the board's live fragment: %d %.300s", resp.StatusCode, body)
	}
	// On the list, the pilot is in.
	_, body = getAs(t, pilot.client, w.URL+events, nil)
	if d := doc(t, body); d.Find(`[data-testid="event-signed-up"]`).Length() != 1 {
		t.Errorf("the list does not say the pilot signed up")
	}
	if resp, _ := w.sendForm(t, pilot, page+"/withdraw", url.Values{"command_id": {domain.NewUUID()}}); resp.StatusCode != http.StatusSeeOther {
		t.Fatalf("withdraw: %d", resp.StatusCode)
	}
	_, body = getAs(t, pilot.client, w.URL+page, nil)
	if d := doc(t, body); d.Find(`[data-testid="event-pilot"]`).Length() != 0 {
		t.Errorf("after withdrawing the board still lists the pilot")
	}

	// Another airline's staff: the event's id in their airline is not
	// found, and changes nothing.
	id := page[strings.LastIndex(page, "/")+1:]
	theirs := "/airlines/" + b.id + "/events/" + id
	before = w.countEvents(t)
	if resp, _ := getAs(t, otherStaff.client, w.URL+theirs, nil); resp.StatusCode != http.StatusNotFound {
		t.Errorf("A's event under B's airline: %d, want 404", resp.StatusCode)
	}
	for _, path := range []string{theirs, theirs + "/cancel"} {
		if resp, _ := w.sendForm(t, otherStaff, path, eventForm("Stolen")); resp.StatusCode != http.StatusNotFound {
			t.Errorf("POST %s by B's staff: %d, want 404", path, resp.StatusCode)
		}
	}
	if resp, _ := getAs(t, otherStaff.client, w.URL+page, nil); resp.StatusCode != http.StatusNotFound {
		t.Errorf("A's event page by B's staff: %d, want 404", resp.StatusCode)
	}
	if after := w.countEvents(t); after != before {
		t.Errorf("B's staff appended %d events to A's event", after-before)
	}

	// Staff edit (an end before the start refused beside the field, the
	// input kept) and cancel.
	f := eventForm("Heathrow fly-in, longer")
	f.Set("ends_at", strings.Replace(f.Get("starts_at"), "18:00", "09:00", 1))
	resp, body = w.sendForm(t, staff, page, f)
	d = doc(t, body)
	if resp.StatusCode != http.StatusUnprocessableEntity || text(d, "error-ends_at") == "" || d.Find(`#event-name`).AttrOr("value", "") != "Heathrow fly-in, longer" {
		t.Errorf("edit with the end before the start: %d %q %q", resp.StatusCode, text(d, "error-ends_at"), d.Find(`#event-name`).AttrOr("value", ""))
	}
	if resp, _ := w.sendForm(t, pilot, page, eventForm("By a pilot")); resp.StatusCode != http.StatusForbidden {
		t.Errorf("a pilot edits the event: %d", resp.StatusCode)
	}
	if resp, body := w.sendForm(t, staff, page, eventForm("Heathrow fly-in, longer")); resp.StatusCode != http.StatusSeeOther {
		t.Fatalf("edit: %d %.300s", resp.StatusCode, body)
	}
	if resp, _ := w.sendForm(t, staff, page+"/cancel", url.Values{"command_id": {domain.NewUUID()}, "reason": {"Weather"}}); resp.StatusCode != http.StatusSeeOther {
		t.Fatalf("cancel: %d", resp.StatusCode)
	}
	_, body = getAs(t, pilot.client, w.URL+page, nil)
	d = doc(t, body)
	if text(d, "event-title") != "Heathrow fly-in, longer" || text(d, "event-phase") != "Cancelled" || d.Find(`[data-testid="event-signup"] form`).Length() != 0 {
		t.Errorf("after edit and cancel: %q %q, sign-up forms %d", text(d, "event-title"), text(d, "event-phase"), d.Find(`[data-testid="event-signup"] form`).Length())
	}

	// The award form offers the airline's events for an event rule.
	_, body = getAs(t, staff.client, w.URL+"/airlines/"+a.id+"/awards", nil)
	d = doc(t, body)
	found := false
	d.Find(`#award-event option`).Each(func(_ int, s *goquery.Selection) { found = found || strings.Contains(s.Text(), "Matrix event") })
	if !found {
		t.Errorf("the award form's events lack the matrix's event")
	}
	checkEventBoard(t, w)
}

// checkEventBoard: during a live event at EGLL, a signed-up pilot's filed
// PIREP shows on the board as landed and awaiting review; once staff
// accept it the reactor counts it for the event and the board says so.
func checkEventBoard(t *testing.T, w *matrixWorld) {
	a := w.airlines["A"]
	pilot, staff := w.actors[1], w.actors[2]
	now := time.Now().UTC()
	id, _, err := (&domain.AirlineEvents{Runner: w.runner, IDs: domain.RandomIDs{}}).Schedule(t.Context(), domain.CommandMeta{Who: domain.System}, a.id,
		domain.AirlineEventForm{Name: "Live now", StartsAt: now.Add(-2 * time.Hour).Format(domain.EventTimeLayout),
			EndsAt: now.Add(2 * time.Hour).Format(domain.EventTimeLayout), Match: domain.EventMatchAirport, Airport: "EGLL"})
	if err != nil {
		t.Fatal(err)
	}
	w.settle(t)
	page := "/airlines/" + a.id + "/events/" + id
	if resp, _ := w.sendForm(t, pilot, page+"/signup", url.Values{"command_id": {domain.NewUUID()}}); resp.StatusCode != http.StatusSeeOther {
		t.Fatalf("sign up: %d", resp.StatusCode)
	}
	f := pirepForm("503", a.flown)
	f.Set("block_off", now.Add(-time.Hour).Format(domain.EventTimeLayout))
	f.Set("block_on", now.Add(-5*time.Minute).Format(domain.EventTimeLayout))
	f.Set("submit", "1")
	resp, body := w.sendForm(t, pilot, "/airlines/"+a.id+"/pireps", f)
	if resp.StatusCode != http.StatusSeeOther {
		t.Fatalf("file: %d %.300s", resp.StatusCode, body)
	}
	pirepURL := resp.Header.Get("Location")
	w.settle(t)
	landed := func() string {
		t.Helper()
		_, body := getAs(t, staff.client, w.URL+page, nil)
		d := doc(t, body)
		if text(d, "event-phase") != "Live now" {
			t.Errorf("the event's phase is %q, want Live now", text(d, "event-phase"))
		}
		return strings.TrimSpace(d.Find(`[data-testid="event-landed-row"]`).Text())
	}
	if got := landed(); !strings.Contains(got, "503") || !strings.Contains(got, "awaiting review") {
		t.Errorf("the board's landed flights after filing: %q", got)
	}
	if resp, _ := w.sendForm(t, staff, pirepURL+"/accept", url.Values{}); resp.StatusCode != http.StatusSeeOther {
		t.Fatalf("accept: %d", resp.StatusCode)
	}
	w.settle(t)
	if got := landed(); !strings.Contains(got, "503") || !strings.Contains(got, "Counted") {
		t.Errorf("the board's landed flights after the acceptance: %q", got)
	}
	// An ACARS flight from the event's airport, under way: the board's
	// "flying now"; once cancelled, it is off it.
	flying := func() string {
		t.Helper()
		_, body := getAs(t, staff.client, w.URL+page, nil)
		return strings.Join(strings.Fields(doc(t, body).Find(`[data-testid="event-flying-row"]`).Text()), " ")
	}
	who := domain.CommandMeta{ID: domain.NewUUID(), Who: domain.Actor{UserID: a.pirepPilotID, Role: domain.RolePilot, TenantID: a.id}}
	flight, _, err := w.pireps.Prefile(t.Context(), who, a.id, domain.PirepDetails{FlightNumber: "504", DptAirport: "EGLL", ArrAirport: "EGLL",
		AircraftID: a.aircraft, SourceName: "vmsACARS"})
	if err != nil {
		t.Fatal(err)
	}
	w.settle(t)
	if got := flying(); !strings.Contains(got, "504") || !strings.Contains(got, "EGLL") {
		t.Errorf("the board's flying now with an ACARS flight from EGLL under way: %q", got)
	}
	who.ID = domain.NewUUID()
	if _, err := w.pireps.Cancel(t.Context(), who, a.id, flight); err != nil {
		t.Fatal(err)
	}
	w.settle(t)
	if got := flying(); strings.Contains(got, "504") {
		t.Errorf("the board's flying now after the flight was cancelled: %q", got)
	}
}
