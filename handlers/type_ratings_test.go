package handlers_test

import (
	"context"
	"net/http"
	"net/url"
	"strings"
	"testing"

	"github.com/albatross-va/albatross/domain"
	"github.com/albatross-va/albatross/handlers/phpvmstest"
	"github.com/albatross-va/albatross/store/reads"
)

// Staff define type ratings, restrict aircraft to them, and grant one to a
// pilot with a reason: before the grant the pilot's filing and ACARS
// prefile are refused with the missing rating named, after it they go
// through, and the pilot's page and history show the grant. The rank rule
// refuses in its own words. Both modes.
func TestTypeRatingsDecideWhoMayFly(t *testing.T) {
	for _, m := range []mode{embedded, postgres} {
		t.Run(string(m), func(t *testing.T) { checkTypeRatings(t, newMatrixWorld(t, m)) })
	}
}

func checkTypeRatings(t *testing.T, w *matrixWorld) {
	a := w.airlines["A"]
	pilot, staff := w.actors[1], w.actors[2]
	w.session(t, pilot)
	w.session(t, staff)
	page := "/airlines/" + a.id + "/type-ratings"

	// The list shows the matrix's rating with its subfleet, privately.
	resp, body := getAs(t, staff.client, w.URL+page, nil)
	d := doc(t, body)
	if resp.StatusCode != http.StatusOK || resp.Header.Get("Cache-Control") != "no-store" {
		t.Fatalf("the type ratings page: %d, Cache-Control %q", resp.StatusCode, resp.Header.Get("Cache-Control"))
	}
	if text(d, "type-rating-code") != "MTRX" || text(d, "type-rating-subfleets") != "737" {
		t.Errorf("the matrix's rating shows %q covering %q", text(d, "type-rating-code"), text(d, "type-rating-subfleets"))
	}
	// A pilot may not see it, nor can another airline's staff.
	if resp, _ := getAs(t, pilot.client, w.URL+page, nil); resp.StatusCode != http.StatusForbidden {
		t.Errorf("a pilot gets the type ratings page: %d", resp.StatusCode)
	}

	// Bad input is refused beside its field, kept; a good one is listed.
	resp, body = w.sendForm(t, staff, page, url.Values{"name": {"  "}, "code": {"b7 37"}})
	d = doc(t, body)
	if resp.StatusCode != http.StatusUnprocessableEntity || text(d, "error-name") == "" || text(d, "error-code") == "" {
		t.Errorf("a bad rating: %d, name %q, code %q", resp.StatusCode, text(d, "error-name"), text(d, "error-code"))
	}
	if v, _ := d.Find(`#type-rating-code`).Attr("value"); v != "b7 37" {
		t.Errorf("the code typed was not kept: %q", v)
	}
	resp, body = w.sendForm(t, staff, page, url.Values{"name": {"Other subfleet"}, "code": {"mtrx"}})
	if resp.StatusCode != http.StatusConflict || !strings.Contains(text(doc(t, body), "error-code"), "already has a type rating coded MTRX") {
		t.Errorf("a second MTRX: %d %q", resp.StatusCode, text(doc(t, body), "error-code"))
	}
	resp, _ = w.sendForm(t, staff, page, url.Values{"name": {"Airbus A320"}, "code": {"a320"}, "subfleet_ids": {w.airlines["B"].subfleet}})
	if resp.StatusCode != http.StatusUnprocessableEntity {
		t.Errorf("a rating covering another airline's subfleet: %d, want 422", resp.StatusCode)
	}
	resp, _ = w.sendForm(t, staff, page, url.Values{"name": {"Airbus A320"}, "code": {"a320"}})
	if resp.StatusCode != http.StatusSeeOther {
		t.Fatalf("add A320: %d", resp.StatusCode)
	}
	_, body = getAs(t, staff.client, w.URL+page, nil)
	if d = doc(t, body); text(d, "type-rating-code") != "A320" || text(d, "notice") == "" {
		t.Errorf("A320 is not listed first: %q (notice %q)", text(d, "type-rating-code"), text(d, "notice"))
	}

	// Restricted to type ratings, the pilot's filing is refused naming MTRX.
	if resp, _ := w.sendForm(t, staff, page+"/rules", url.Values{"restrict_to_type_rating": {"1"}}); resp.StatusCode != http.StatusSeeOther {
		t.Fatalf("save the rules: %d", resp.StatusCode)
	}
	file := func(number string) (*http.Response, string) {
		t.Helper()
		f := pirepForm(number, a.flown)
		f.Set("submit", "1")
		return w.sendForm(t, pilot, "/airlines/"+a.id+"/pireps", f)
	}
	resp, body = file("801")
	if msg := text(doc(t, body), "error-aircraft_id"); resp.StatusCode != http.StatusUnprocessableEntity ||
		!strings.Contains(msg, "needs the MTRX type rating") {
		t.Errorf("a filing without the rating: %d, aircraft message %q", resp.StatusCode, msg)
	}
	resp, body = w.sendForm(t, pilot, "/airlines/"+a.id+"/bids", url.Values{"flight_id": {a.flight}, "aircraft_id": {a.flown}})
	if resp.StatusCode != http.StatusUnprocessableEntity || !strings.Contains(body, "needs the MTRX type rating") {
		t.Errorf("a bid without the rating: %d %q", resp.StatusCode, text(doc(t, body), "error-flight_id"))
	}
	ac, err := reads.New(w.rm).FindAircraft(context.Background(), a.id, a.flown)
	if err != nil {
		t.Fatal(err)
	}
	site := phpvmstest.Site{URL: w.URL, Key: pilot.apiKey}
	prefile := func(number string) (*http.Response, map[string]any) {
		t.Helper()
		return site.Send(t, http.MethodPost, "/api/pireps/prefile", pilot.apiKey, map[string]any{"airline_id": site.AirlineNumber(t, pilot.apiKey),
			"aircraft_id": ac.Number, "flight_number": number, "dpt_airport_id": "EGLL", "arr_airport_id": "EGLL", "source_name": "test"})
	}
	resp, errDoc := prefile("802")
	e, _ := errDoc["error"].(map[string]any)
	if resp.StatusCode != http.StatusBadRequest || !strings.HasSuffix(strings.TrimSpace(stringOf(errDoc["type"])), "aircraft-permission-denied") ||
		!strings.Contains(stringOf(e["message"]), "MTRX") {
		t.Errorf("a prefile without the rating: %d %v", resp.StatusCode, errDoc)
	}

	// The flight search's "only what I may fly" leaves out a flight flown
	// only with the 737; one naming no subfleet stays.
	only737, _, err := w.flights.Add(context.Background(), domain.CommandMeta{Who: domain.System}, a.id, domain.FlightSchedule{FlightNumber: "737",
		DptAirport: "EGLL", ArrAirport: "KJFK", FlightTime: 475, FlightType: "J", Active: true, SubfleetIDs: []string{a.subfleet}})
	if err != nil {
		t.Fatal(err)
	}
	w.settle(t)
	flyable := func() (mine, any bool) {
		t.Helper()
		_, body := getAs(t, pilot.client, w.URL+"/airlines/"+a.id+"/flights?flyable=1", nil)
		d := doc(t, body)
		return d.Find(`[data-testid="flight-row"][data-flight="`+only737+`"]`).Length() == 1,
			d.Find(`[data-testid="flight-row"][data-flight="`+a.flight+`"]`).Length() == 1
	}
	if only, open := flyable(); only || !open {
		t.Errorf("only what I may fly, without the rating: the 737 flight shown %v, the open flight %v", only, open)
	}
	fleet := func() int {
		t.Helper()
		_, doc := site.Get(t, "/api/user/fleet", pilot.apiKey)
		return len(phpvmstest.Data[[]any](t, "user fleet", doc))
	}
	if n := fleet(); n != 0 {
		t.Errorf("/api/user/fleet without the rating lists %d subfleets, want none", n)
	}

	// Staff grant it with a reason: the pilot's page and history show it.
	person := "/airlines/" + a.id + "/people/" + a.pirepPilotID
	resp, _ = w.sendForm(t, staff, person+"/type-ratings", url.Values{"rating_id": {a.rating}, "reason": {"Checkride passed"}, "do": {"grant"}})
	if resp.StatusCode != http.StatusSeeOther {
		t.Fatalf("grant: %d", resp.StatusCode)
	}
	_, body = getAs(t, staff.client, w.URL+person, nil)
	d = doc(t, body)
	if !strings.Contains(text(d, "person-rating"), "MTRX") || !strings.Contains(d.Find(`#history-heading`).Parent().Text(), "Granted the type rating MTRX: Checkride passed") {
		t.Errorf("the pilot's page: rating %q, history %q", text(d, "person-rating"), d.Find(`#history-heading`).Parent().Text())
	}
	if resp, _ := file("803"); resp.StatusCode != http.StatusSeeOther {
		t.Errorf("a filing with the rating: %d, want accepted", resp.StatusCode)
	}
	if resp, doc := prefile("804"); resp.StatusCode != http.StatusOK {
		t.Errorf("a prefile with the rating: %d %v", resp.StatusCode, doc)
	}
	if only, open := flyable(); !only || !open {
		t.Errorf("only what I may fly, with the rating: the 737 flight shown %v, the open flight %v", only, open)
	}
	if n := fleet(); n != 1 {
		t.Errorf("/api/user/fleet with the rating lists %d subfleets, want the 737", n)
	}

	// A bad grant is refused beside its field; a revoke refuses again.
	resp, body = w.sendForm(t, staff, person+"/type-ratings", url.Values{"rating_id": {w.airlines["B"].rating}, "do": {"grant"}})
	if resp.StatusCode != http.StatusUnprocessableEntity || text(doc(t, body), "error-rating_id") == "" {
		t.Errorf("granting another airline's rating: %d %q", resp.StatusCode, text(doc(t, body), "error-rating_id"))
	}
	if resp, _ := w.sendForm(t, staff, person+"/type-ratings", url.Values{"rating_id": {a.rating}, "do": {"revoke"}, "reason": {"Lapsed"}}); resp.StatusCode != http.StatusSeeOther {
		t.Fatalf("revoke: %d", resp.StatusCode)
	}
	if resp, _ := file("805"); resp.StatusCode != http.StatusUnprocessableEntity {
		t.Errorf("a filing after the revoke: %d, want refused", resp.StatusCode)
	}

	// The rank rule: the pilot holds no rank, so it refuses in its words;
	// a rank that gives the subfleet and the rating lets them fly.
	if resp, _ := w.sendForm(t, staff, page+"/rules", url.Values{"restrict_to_rank": {"1"}, "restrict_to_type_rating": {"1"}}); resp.StatusCode != http.StatusSeeOther {
		t.Fatalf("save the rules: %d", resp.StatusCode)
	}
	if resp, body := file("806"); resp.StatusCode != http.StatusUnprocessableEntity || !strings.Contains(text(doc(t, body), "error-aircraft_id"), "no rank") {
		t.Errorf("a filing without a rank: %d %q", resp.StatusCode, text(doc(t, body), "error-aircraft_id"))
	}
	if resp, _ := w.sendForm(t, staff, page+"/ranks/"+a.rank, url.Values{"subfleet_ids": {a.subfleet}, "rating_ids": {a.rating}}); resp.StatusCode != http.StatusSeeOther {
		t.Fatalf("the rank's allowance: %d", resp.StatusCode)
	}
	if resp, _ := w.sendForm(t, staff, person+"/rank", url.Values{"rank_id": {a.rank}}); resp.StatusCode != http.StatusSeeOther {
		t.Fatalf("set the rank: %d", resp.StatusCode)
	}
	if resp, body := file("807"); resp.StatusCode != http.StatusSeeOther {
		t.Errorf("a filing with the rank that gives all: %d %q", resp.StatusCode, text(doc(t, body), "error-aircraft_id"))
	}
}

// stringOf is v as a string, "" when it is none.
func stringOf(v any) string {
	s, _ := v.(string)
	return s
}

// Staff set the hours a pilot brings from another airline on their page:
// shown apart, in the history, and counted toward ranks only when the
// airline says so. Both modes.
func TestTransferHoursCountTowardRanksWhenTheAirlineSaysSo(t *testing.T) {
	for _, m := range []mode{embedded, postgres} {
		t.Run(string(m), func(t *testing.T) { checkTransferHours(t, newMatrixWorld(t, m)) })
	}
}

func checkTransferHours(t *testing.T, w *matrixWorld) {
	a := w.airlines["A"]
	pilot, staff := w.actors[1], w.actors[2]
	w.session(t, pilot)
	w.session(t, staff)
	person := "/airlines/" + a.id + "/people/" + a.pirepPilotID
	if resp, _ := w.sendForm(t, staff, "/airlines/"+a.id+"/ranks", url.Values{"name": {"Transfer Captain"}, "min_hours": {"5"}, "auto_promote": {"1"}}); resp.StatusCode != http.StatusSeeOther {
		t.Fatalf("add a rank: %d", resp.StatusCode)
	}
	resp, body := w.sendForm(t, staff, person+"/transfer-hours", url.Values{"transfer_hours": {"ten"}})
	if d := doc(t, body); resp.StatusCode != http.StatusUnprocessableEntity || text(d, "error-transfer_hours") == "" {
		t.Errorf("bad transfer hours: %d %q", resp.StatusCode, text(d, "error-transfer_hours"))
	} else if v, _ := d.Find(`#transfer-transfer_hours`).Attr("value"); v != "ten" {
		t.Errorf("the hours typed were not kept: %q", v)
	}
	if resp, _ := w.sendForm(t, pilot, person+"/transfer-hours", url.Values{"transfer_hours": {"1000"}}); resp.StatusCode != http.StatusForbidden {
		t.Errorf("a pilot sets transfer hours: %d", resp.StatusCode)
	}
	if resp, _ := w.sendForm(t, staff, person+"/transfer-hours", url.Values{"transfer_hours": {"10:00"}, "transfer_reason": {"From Virtual Skies"}}); resp.StatusCode != http.StatusSeeOther {
		t.Fatalf("set transfer hours: %d", resp.StatusCode)
	}
	w.settle(t)
	_, body = getAs(t, staff.client, w.URL+person, nil)
	d := doc(t, body)
	if !strings.Contains(text(d, "person-transfer-hours"), "10:00") ||
		!strings.Contains(d.Find(`#history-heading`).Parent().Text(), "Set the transfer hours to 10:00: From Virtual Skies") {
		t.Errorf("the pilot's page: %q, history %q", text(d, "person-transfer-hours"), d.Find(`#history-heading`).Parent().Text())
	}
	// phpVMS's user resource says it apart: transfer_time, and in total_time.
	_, user := phpvmstest.Site{URL: w.URL}.Get(t, "/api/user", pilot.apiKey)
	if u := phpvmstest.Data[map[string]any](t, "user", user); u["transfer_time"] != float64(600) || u["total_time"] != float64(600)+u["flight_time"].(float64) {
		t.Errorf("/api/user: transfer_time %v, total_time %v, flight_time %v", u["transfer_time"], u["total_time"], u["flight_time"])
	}
	if r := text(d, "person-rank"); strings.Contains(r, "Transfer Captain") {
		t.Errorf("transfer hours promoted the pilot though the airline does not count them: %q", r)
	}

	// Counted: the next change of the hours promotes them.
	if resp, _ := w.sendForm(t, staff, "/airlines/"+a.id+"/type-ratings/rules", url.Values{"count_transfer_hours": {"1"}}); resp.StatusCode != http.StatusSeeOther {
		t.Fatalf("save the rules: %d", resp.StatusCode)
	}
	if resp, _ := w.sendForm(t, staff, person+"/transfer-hours", url.Values{"transfer_hours": {"10:30"}}); resp.StatusCode != http.StatusSeeOther {
		t.Fatalf("set transfer hours: %d", resp.StatusCode)
	}
	w.settle(t)
	_, body = getAs(t, staff.client, w.URL+person, nil)
	if r := text(doc(t, body), "person-rank"); !strings.Contains(r, "Transfer Captain") {
		t.Errorf("with transfer hours counted, the pilot's rank is %q, want Transfer Captain", r)
	}
}
