package handlers_test

import (
	"context"
	"net/http"
	"net/url"
	"strings"
	"testing"

	"github.com/PuerkitoBio/goquery"

	"github.com/albatross-va/albatross/domain"
)

func TestAdminHomeShowsWhatWaitsAndFirstSteps(t *testing.T) {
	for _, m := range []mode{embedded, postgres} {
		t.Run(string(m), func(t *testing.T) { checkAdminHome(t, newMatrixWorld(t, m)) })
	}
}

// need is the count an admin's home shows for one kind of waiting thing.
func need(d *goquery.Document, key string) string {
	return strings.TrimSpace(d.Find(`[data-testid="need-` + key + `"] [data-testid="need-count"]`).Text())
}

// stepDone is whether the home ticks a first step off.
func stepDone(t *testing.T, d *goquery.Document, key string) bool {
	t.Helper()
	s := d.Find(`[data-testid="step-` + key + `"]`)
	if s.Length() != 1 {
		t.Fatalf("no step %q on the home: %q", key, d.Find(`[data-testid="first-steps"]`).Text())
	}
	v, _ := s.Attr("data-done")
	return v == "true"
}

func checkAdminHome(t *testing.T, w *matrixWorld) {
	ctx := context.Background()
	sys := domain.CommandMeta{Who: domain.System}
	a, b := w.airlines["A"], w.airlines["B"]
	pilot, adminA, adminB := w.actors[1], w.actors[2], w.actors[3]
	for _, ac := range []*actor{pilot, adminA, adminB} {
		w.session(t, ac)
	}
	// B gets a registration more than A: A's home must not count it.
	if _, _, err := w.users.Register(ctx, sys, b.id, domain.Person{Name: "Extra", Email: "extra-b@example.com", Country: "PT", Password: memberPassword}); err != nil {
		t.Fatal(err)
	}
	w.settle(t)

	// A's admin: two registrations (approvee, rejectee), one PIREP, one
	// refused import; every first step is done in the matrix's airlines.
	resp, body := getAs(t, adminA.client, w.URL+"/", nil)
	d := doc(t, body)
	if resp.StatusCode != http.StatusOK || d.Find(`[data-testid="needs-you"]`).Length() != 1 {
		t.Fatalf("admin of A's home: %d, no Needs you: %.500s", resp.StatusCode, body)
	}
	if cc := resp.Header.Get("Cache-Control"); !strings.Contains(cc, "no-store") {
		t.Errorf("the admin's home is cacheable: %q", cc)
	}
	if got := [3]string{need(d, "registrations"), need(d, "pireps"), need(d, "imports")}; got != [3]string{"2", "1", "1"} {
		t.Errorf("admin of A's counts (registrations, PIREPs, imports) = %q, want 2, 1, 1", got)
	}
	if href, _ := d.Find(`[data-testid="need-pireps"] a`).Attr("href"); href != "/airlines/"+a.id+"/pireps/queue" {
		t.Errorf("the PIREPs link is %q", href)
	}
	if text(d, "set-up") != "Your airline is set up" {
		t.Errorf("a set-up airline's checklist: %q", d.Find(`[data-testid="first-steps"]`).Text())
	}
	_, body = getAs(t, adminB.client, w.URL+"/", nil)
	if got := need(doc(t, body), "registrations"); got != "3" {
		t.Errorf("admin of B's registrations = %q, want 3", got)
	}

	// Its live section: the same counts, private, for A's staff only.
	live := "/airlines/" + a.id + "/home/live"
	if !strings.Contains(body, `hx-get="/airlines/`+b.id+`/home/live"`) {
		t.Errorf("B's home does not re-fetch its own live section")
	}
	trigger, _ := doc(t, body).Find(`#admin-home`).Attr("hx-trigger")
	for _, topic := range []string{"sse:users", "sse:pirep-review", "sse:imports", "sse:airports", "sse:fleet", "sse:flights", "sse:ranks"} {
		if !strings.Contains(trigger, topic) {
			t.Errorf("the home's counts do not re-fetch on %s: %q", topic, trigger)
		}
	}
	resp, body = getAs(t, adminA.client, w.URL+live, map[string]string{"HX-Request": "true"})
	d = doc(t, body)
	if resp.StatusCode != http.StatusOK || need(d, "registrations") != "2" || d.Find("nav").Length() != 0 {
		t.Errorf("A's live section: %d, registrations %q: %.300s", resp.StatusCode, need(d, "registrations"), body)
	}
	if cc := resp.Header.Get("Cache-Control"); !strings.Contains(cc, "no-store") {
		t.Errorf("the live section is cacheable: %q", cc)
	}
	for _, ac := range []*actor{pilot, adminB} {
		if resp, body := getAs(t, ac.client, w.URL+live, nil); resp.StatusCode != http.StatusForbidden && resp.StatusCode != http.StatusNotFound {
			t.Errorf("%s opens A's live home: %d %.200s", ac.name, resp.StatusCode, body)
		}
	}
	// A pilot's home is their dashboard, without any of it.
	if _, body = getAs(t, pilot.client, w.URL+"/", nil); strings.Contains(body, `data-testid="needs-you"`) || strings.Contains(body, `data-testid="first-steps"`) {
		t.Errorf("a pilot's home shows the staff's counts")
	}

	// Deciding a registration takes it off the count.
	if resp, body := w.sendForm(t, adminA, "/airlines/"+a.id+"/people/"+a.approvee+"/approve", url.Values{}); resp.StatusCode != http.StatusSeeOther {
		t.Fatalf("approve: %d %.300s", resp.StatusCode, body)
	}
	w.settle(t)
	if _, body = getAs(t, adminA.client, w.URL+live, nil); need(doc(t, body), "registrations") != "1" {
		t.Errorf("after an approval A's registrations = %q, want 1", need(doc(t, body), "registrations"))
	}

	checkNewAirlineTicksOff(t, w)
}

// checkNewAirlineTicksOff follows a new airline's checklist as its admin
// does each first step.
func checkNewAirlineTicksOff(t *testing.T, w *matrixWorld) {
	ctx := context.Background()
	sys := domain.CommandMeta{Who: domain.System}
	id, _, err := w.app.airlines.Create(ctx, sys, domain.CreateAirline{Name: "Airline C", ICAO: "ALC", Slug: "airline-c"})
	if err != nil {
		t.Fatal(err)
	}
	adminID, otp, _, err := w.users.CreatePerson(ctx, sys, id, domain.Person{Name: "Admin C", Email: "admin-c@example.com", Country: "GB", Role: domain.RoleAirlineAdmin})
	if err != nil {
		t.Fatal(err)
	}
	if _, err := w.users.ChangePassword(ctx, sys, adminID, otp, memberPassword); err != nil {
		t.Fatal(err)
	}
	w.settle(t)
	admin := &actor{name: "admin of C", login: "admin-c@example.com", role: domain.RoleAirlineAdmin, tenant: id}
	w.session(t, admin)
	home := func() *goquery.Document {
		t.Helper()
		w.settle(t)
		resp, body := getAs(t, admin.client, w.URL+"/", nil)
		if resp.StatusCode != http.StatusOK {
			t.Fatalf("admin of C's home: %d", resp.StatusCode)
		}
		return doc(t, body)
	}
	steps := []string{"airports", "fleet", "flights", "ranks", "pilots"}
	want := map[string]bool{"registration": true}
	check := func(when string) {
		t.Helper()
		d := home()
		for _, s := range append(steps, "registration") {
			if got := stepDone(t, d, s); got != want[s] {
				t.Errorf("%s: step %s done = %v, want %v", when, s, got, want[s])
			}
		}
		if text(d, "set-up") != "" {
			t.Errorf("%s: the checklist says the airline is set up", when)
		}
	}
	d := home()
	for _, k := range []string{"registrations", "pireps", "imports"} {
		if got := need(d, k); got != "nothing waiting" {
			t.Errorf("a new airline's %s: %q, want nothing waiting", k, got)
		}
	}
	if got := text(d, "step-value"); got != "Approval required" {
		t.Errorf("the registration step shows %q, want the default, Approval required", got)
	}
	check("a new airline")

	if _, err := (&domain.Airports{Runner: w.runner}).Add(ctx, sys, id, domain.AirportDetails{ICAO: "EGLL", Name: "Heathrow", Latitude: 51.47, Longitude: -0.46}); err != nil {
		t.Fatal(err)
	}
	want["airports"] = true
	check("an airport added")
	w.settle(t)
	sf, _, err := w.fleet.CreateSubfleet(ctx, sys, id, domain.Subfleet{Type: "A320", ICAO: "A320", Name: "A320", HubID: "EGLL"})
	if err != nil {
		t.Fatal(err)
	}
	check("a subfleet without aircraft")
	w.settle(t)
	if _, _, err := w.fleet.AddAircraft(ctx, sys, id, domain.NewAircraft{SubfleetID: sf, Registration: "G-NEWC", Name: "New", AirportID: "EGLL"}); err != nil {
		t.Fatal(err)
	}
	want["fleet"] = true
	check("an aircraft added")
	if _, _, err := w.flights.Add(ctx, sys, id, domain.FlightSchedule{FlightNumber: "1", DptAirport: "EGLL", ArrAirport: "KJFK", FlightTime: 475, FlightType: "J", Active: true}); err != nil {
		t.Fatal(err)
	}
	want["flights"] = true
	check("a flight added")
	if _, _, err := w.ranks.Save(ctx, sys, id, "", domain.RankForm{Name: "Cadet", MinHours: "0"}); err != nil {
		t.Fatal(err)
	}
	want["ranks"] = true
	check("a rank added")
	if _, _, err := w.users.Register(ctx, sys, id, domain.Person{Name: "First", Email: "first-c@example.com", Country: "PT", Password: memberPassword}); err != nil {
		t.Fatal(err)
	}
	d = home()
	if text(d, "set-up") != "Your airline is set up" || d.Find(`[data-testid^="step-"]`).Length() != 0 {
		t.Errorf("every step done, the checklist: %q", d.Find(`[data-testid="first-steps"]`).Text())
	}
	if got := need(d, "registrations"); got != "1" {
		t.Errorf("C's registrations after one registered: %q", got)
	}
}
