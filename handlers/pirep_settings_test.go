package handlers_test

import (
	"context"
	"net/http"
	"net/url"
	"strings"
	"testing"
	"time"

	"github.com/albatross-va/albatross/domain"
	"github.com/albatross-va/albatross/store/reads"
)

func TestAirlineAdminsChooseThePirepFilingRules(t *testing.T) {
	for _, m := range []mode{embedded, postgres} {
		t.Run(string(m), func(t *testing.T) { checkPirepSettings(t, newMatrixWorld(t, m)) })
	}
}

func checkPirepSettings(t *testing.T, w *matrixWorld) {
	a := w.airlines["A"]
	pilot, staff := w.actors[1], w.actors[2]
	w.session(t, pilot)
	w.session(t, staff)
	settings := "/airlines/" + a.id + "/settings/pireps"
	ctx := context.Background()
	if _, err := (&domain.Airports{Runner: w.runner}).Add(ctx, domain.CommandMeta{Who: domain.System}, a.id,
		domain.AirportDetails{ICAO: "LPPT", Name: "Lisbon", Latitude: 38.77, Longitude: -9.13}); err != nil {
		t.Fatal(err)
	}
	// The pilot's accepted flight puts them at EGLL.
	if resp, _ := w.sendForm(t, staff, "/airlines/"+a.id+"/pireps/"+a.pirep+"/accept", url.Values{}); resp.StatusCode != http.StatusSeeOther {
		t.Fatalf("accept: %d", resp.StatusCode)
	}

	_, body := getAs(t, staff.client, w.URL+settings, nil)
	d := doc(t, body)
	if d.Find(`[data-testid="pilot-at-departure"][checked]`).Length() != 0 || d.Find(`[data-testid="aircraft-at-departure"][checked]`).Length() != 0 {
		t.Errorf("a new airline has rules on")
	}
	if d.Find(`form[data-testid="pirep-settings-form"] input[name="_csrf"]`).Length() != 1 {
		t.Errorf("the settings form carries no CSRF token")
	}
	if tab := strings.TrimSpace(d.Find(`nav[aria-label="Airline"] [aria-current="page"]`).Text()); tab != "PIREP settings" {
		t.Errorf("the current tab is %q", tab)
	}
	// Without the token the change is refused.
	if resp, _ := post(t, staff.client, w.URL+settings, url.Values{"pilot_at_departure": {"1"}}); resp.StatusCode != http.StatusForbidden {
		t.Errorf("a post without the CSRF token: %d", resp.StatusCode)
	}

	// How long an ACARS flight may be silent: refused out of its bounds
	// beside the field, with what was typed kept; saved and shown.
	for _, typed := range []string{"0:05", "soon", "49:00"} {
		resp, body := w.sendForm(t, staff, settings, url.Values{"pilot_at_departure": {"1"}, "abandon_after": {typed}})
		d := doc(t, body)
		if resp.StatusCode != http.StatusUnprocessableEntity || text(d, "error-abandon_after") == "" {
			t.Errorf("abandon after %q: %d, error %q; want 422 with the message beside the field", typed, resp.StatusCode, text(d, "error-abandon_after"))
		}
		if v, _ := d.Find(`input[name="abandon_after"]`).Attr("value"); v != typed {
			t.Errorf("abandon after %q: the field shows %q, want what was typed", typed, v)
		}
		if d.Find(`[data-testid="pilot-at-departure"][checked]`).Length() != 1 {
			t.Errorf("abandon after %q: the checkbox ticked was lost", typed)
		}
	}
	// The public page's live map is on until the box is unticked.
	anyone := newClient()
	if _, body := getAs(t, anyone, w.URL+"/a/"+a.slug, nil); !strings.Contains(body, `data-testid="public-live"`) {
		t.Errorf("a new airline's public page has no live map")
	}
	if resp, _ := w.sendForm(t, staff, settings, url.Values{"abandon_after": {"4:30"}, "allow_charters": {"1"}}); resp.StatusCode != http.StatusSeeOther {
		t.Fatalf("save abandon after 4:30: %d", resp.StatusCode)
	}
	if _, body := getAs(t, anyone, w.URL+"/a/"+a.slug, nil); strings.Contains(body, `data-testid="public-live"`) || strings.Contains(body, "/a/"+a.slug+"/events") {
		t.Errorf("with the public map unticked, the public page still shows it")
	}
	for _, path := range []string{"/a/" + a.slug + "/live", "/a/" + a.slug + "/events"} {
		if resp, _ := getAs(t, anyone, w.URL+path, nil); resp.StatusCode != http.StatusNotFound {
			t.Errorf("GET %s with the public map off: %d, want 404", path, resp.StatusCode)
		}
	}
	_, body = getAs(t, staff.client, w.URL+settings, nil)
	if v, _ := doc(t, body).Find(`input[name="abandon_after"]`).Attr("value"); v != "4:30" {
		t.Errorf("after saving 4:30, the field shows %q", v)
	}

	resp, _ := w.sendForm(t, staff, settings, url.Values{"pilot_at_departure": {"1"}, "allow_charters": {"1"}})
	if resp.StatusCode != http.StatusSeeOther || resp.Header.Get("Location") != settings {
		t.Fatalf("save: %d to %q", resp.StatusCode, resp.Header.Get("Location"))
	}
	_, body = getAs(t, staff.client, w.URL+settings, nil)
	if d = doc(t, body); d.Find(`[data-testid="pilot-at-departure"][checked]`).Length() != 1 || text(d, "notice") == "" {
		t.Errorf("after saving, the pilot rule is not shown on (notice %q)", text(d, "notice"))
	}

	// On: a flight from where the pilot is not is refused beside the
	// departure field, with the input kept.
	base := "/airlines/" + a.id + "/pireps"
	away := pirepForm("801", a.flown)
	away.Set("dpt_airport", "LPPT")
	away.Set("distance", "850")
	resp, body = w.sendForm(t, pilot, base, away)
	d = doc(t, body)
	if msg := text(d, "error-dpt_airport"); resp.StatusCode != http.StatusUnprocessableEntity || !strings.Contains(msg, "You are at EGLL") {
		t.Fatalf("filing from LPPT while at EGLL: %d, departure message %q", resp.StatusCode, msg)
	}
	if v, _ := d.Find(`input[name="flight_number"]`).Attr("value"); v != "801" {
		t.Errorf("the flight number was not kept: %q", v)
	}
	// From where the pilot is, it files.
	if resp, body := w.sendForm(t, pilot, base, pirepForm("802", a.flown)); resp.StatusCode != http.StatusSeeOther {
		t.Errorf("filing from EGLL while at EGLL: %d %.300s", resp.StatusCode, body)
	}
	// Another airline's rules stay off: its pilot, at EGLL too, files from
	// LPPT.
	b := w.airlines["B"]
	if _, err := w.pireps.Accept(ctx, domain.CommandMeta{Who: domain.System}, b.id, b.pirep); err != nil {
		t.Fatal(err)
	}
	other := domain.CommandMeta{Who: domain.Actor{UserID: b.pirepPilotID, Role: domain.RolePilot, TenantID: b.id}}
	if _, err := (&domain.Airports{Runner: w.runner}).Add(ctx, domain.CommandMeta{Who: domain.System}, b.id,
		domain.AirportDetails{ICAO: "LPPT", Name: "Lisbon", Latitude: 38.77, Longitude: -9.13}); err != nil {
		t.Fatal(err)
	}
	w.settle(t)
	if loc, err := (reads.PirepSettings{Q: reads.New(w.rm)}).PilotLocation(ctx, b.id, b.pirepPilotID); err != nil || loc != "EGLL" {
		t.Fatalf("B's pilot is at %q, %v", loc, err)
	}
	off := time.Date(2026, 11, 3, 9, 0, 0, 0, time.UTC)
	if _, _, err := w.pireps.File(ctx, other, b.id, domain.PirepDetails{FlightNumber: "9", DptAirport: "LPPT", ArrAirport: "EGLL",
		AircraftID: b.flown, BlockOff: off, BlockOn: off.Add(2 * time.Hour), FlightTime: 110, Distance: 850}, false); err != nil {
		t.Errorf("airline B's pilot files from anywhere: %v", err)
	}

	// Off again: the same flight files.
	if resp, _ := w.sendForm(t, staff, settings, url.Values{"allow_charters": {"1"}}); resp.StatusCode != http.StatusSeeOther {
		t.Fatalf("turn off: %d", resp.StatusCode)
	}
	if resp, body := w.sendForm(t, pilot, base, away); resp.StatusCode != http.StatusSeeOther {
		t.Errorf("with the rule off, filing from LPPT: %d %q", resp.StatusCode, text(doc(t, body), "error-dpt_airport"))
	}
}
