package handlers_test

import (
	"context"
	"net/http"
	"net/url"
	"slices"
	"strings"
	"testing"

	"github.com/PuerkitoBio/goquery"

	"github.com/albatross-va/albatross/domain"
)

// A registration chooses a home hub among the airline's hubs (no field at
// an airline without hubs) and confirms its password; the approved pilot
// starts at that hub: the dashboard lists its departures and the "pilot at
// the departure airport" rule accepts a first flight from it.
func TestARegisteredPilotStartsAtTheirHomeHub(t *testing.T) {
	for _, m := range []mode{embedded, postgres} {
		t.Run(string(m), func(t *testing.T) {
			w, api := newCharterWorld(t, m) // A's hubs: EGLL and LFPG; LPPT is no hub
			a, b, staff := w.airlines["A"], w.airlines["B"], w.actors[2]
			registerURL := w.URL + "/a/" + a.slug + "/register"

			visitor := newClient()
			token := formToken(t, visitor, registerURL, "register-form")
			resp, body := getAs(t, visitor, registerURL, nil)
			var hubs []string
			doc(t, body).Find(`select#register-home_airport option`).Each(func(_ int, o *goquery.Selection) {
				v, _ := o.Attr("value")
				hubs = append(hubs, v)
			})
			if resp.StatusCode != http.StatusOK || !slices.Equal(hubs, []string{"", "EGLL", "LFPG"}) ||
				doc(t, body).Find(`label[for="register-home_airport"]`).Length() != 1 {
				t.Errorf("the form offers home hubs %q, want a prompt, EGLL and LFPG with a label", hubs)
			}
			if doc(t, body).Find(`#register-password_confirm[type="password"]`).Length() != 1 {
				t.Errorf("the form has no password confirmation")
			}
			// Airline B has no hubs: no home hub field, and none needed.
			_, bBody := getAs(t, newClient(), w.URL+"/a/"+b.slug+"/register", nil)
			if doc(t, bBody).Find(`[name="home_airport"]`).Length() != 0 {
				t.Errorf("an airline without hubs asks for a home hub")
			}

			form := func(confirm, home string) url.Values {
				return url.Values{"_csrf": {token}, "name": {"Hana Hub"}, "email": {"hana@example.com"},
					"password": {memberPassword}, "password_confirm": {confirm}, "country": {"PT"}, "home_airport": {home}}
			}
			before := w.countEvents(t)
			resp, body = post(t, visitor, registerURL, form(memberPassword+"x", "LFPG"))
			refusedBeside(t, w, "a confirmation that differs", before, resp, body, "password_confirm")
			d := doc(t, body)
			if v, _ := d.Find(`#register-name`).Attr("value"); v != "Hana Hub" {
				t.Errorf("the form lost the name: %q", v)
			}
			if v, _ := d.Find(`#register-home_airport option[selected]`).Attr("value"); v != "LFPG" {
				t.Errorf("the form lost the home hub: %q", v)
			}
			if _, ok := d.Find(`#register-password`).Attr("value"); ok {
				t.Errorf("the form sent the password back")
			}
			resp, body = post(t, visitor, registerURL, form(memberPassword, ""))
			refusedBeside(t, w, "no home hub", before, resp, body, "home_airport")
			resp, body = post(t, visitor, registerURL, form(memberPassword, "LPPT"))
			refusedBeside(t, w, "an airport that is no hub", before, resp, body, "home_airport")
			if !strings.Contains(text(doc(t, body), "error-home_airport"), "LPPT is not one of this airline's hubs") {
				t.Errorf("no hub: %q", text(doc(t, body), "error-home_airport"))
			}
			if resp, _ := post(t, visitor, registerURL, form(memberPassword, "EGLL")); resp.StatusCode != http.StatusCreated {
				t.Fatalf("registration with a home hub: %d", resp.StatusCode)
			}
			// At B, no hub is asked for.
			bToken := formToken(t, visitor, w.URL+"/a/"+b.slug+"/register", "register-form")
			if resp, body := post(t, visitor, w.URL+"/a/"+b.slug+"/register", url.Values{"_csrf": {bToken}, "name": {"Nohub Pilot"},
				"email": {"nohub@example.com"}, "password": {memberPassword}, "password_confirm": {memberPassword}, "country": {"PT"}}); resp.StatusCode != http.StatusCreated {
				t.Errorf("registration at an airline without hubs: %d %.300s", resp.StatusCode, body)
			}
			w.settle(t)

			// Staff approve; the pilot logs in and is at EGLL.
			_, body = getAs(t, staff.client, w.URL+"/airlines/"+a.id+"/people", nil)
			approveURL, _ := doc(t, body).Find(`[data-testid="pending"][data-email="hana@example.com"] form[action$="/approve"]`).Attr("action")
			if resp, _ := w.sendForm(t, staff, approveURL, url.Values{}); resp.StatusCode != http.StatusSeeOther {
				t.Fatalf("approve: %d", resp.StatusCode)
			}
			w.settle(t)
			hana := &actor{client: newClient()}
			// phpVMS's /api/user shows the home hub, and where the pilot is.
			hanaID := strings.TrimSuffix(strings.TrimPrefix(approveURL, "/airlines/"+a.id+"/people/"), "/approve")
			key, _, err := (&domain.APIKeys{Runner: w.runner, IDs: domain.RandomIDs{}}).Create(context.Background(),
				domain.CommandMeta{Who: domain.System}, hanaID, domain.CreateAPIKey{Name: "home hub"})
			if err != nil {
				t.Fatal(err)
			}
			w.settle(t)
			resp, pdoc := api.send(t, http.MethodGet, "/api/user", key.Key, nil)
			if u := data[map[string]any](t, "/api/user", pdoc); resp.StatusCode != http.StatusOK || u["home_airport"] != "EGLL" || u["curr_airport"] != "EGLL" {
				t.Errorf("/api/user: %d home_airport %v curr_airport %v, want EGLL for both", resp.StatusCode, u["home_airport"], u["curr_airport"])
			}
			resp, pdoc = api.send(t, http.MethodGet, "/api/user", w.actors[1].apiKey, nil)
			if u := data[map[string]any](t, "/api/user", pdoc); resp.StatusCode != http.StatusOK || u["home_airport"] != nil {
				t.Errorf("/api/user of a pilot with no home hub: home_airport %v, want null", u["home_airport"])
			}
			if resp := w.logIn(t, hana.client, "hana@example.com", memberPassword); resp.StatusCode != http.StatusSeeOther {
				t.Fatalf("log in: %d", resp.StatusCode)
			}
			_, body = getAs(t, hana.client, w.URL+"/", nil)
			d = doc(t, body)
			if !strings.Contains(text(d, "dashboard-location"), "EGLL") ||
				d.Find(`[data-testid="departure"][data-flight="`+a.flight+`"]`).Length() != 1 {
				t.Errorf("the dashboard: location %q, %d departures; want EGLL and flight 1 from it",
					text(d, "dashboard-location"), d.Find(`[data-testid="departure"]`).Length())
			}

			// "Pilot at the departure airport": from LPPT refused naming EGLL, from EGLL accepted.
			saveRules(t, w, url.Values{"allow_charters": {"1"}, "pilot_at_departure": {"1"}})
			filing := func(dpt string) url.Values {
				return url.Values{"flight_number": {"91"}, "dpt_airport": {dpt}, "arr_airport": {"LFPG"}, "aircraft_id": {a.aircraft},
					"block_off": {"2026-11-02T09:00"}, "block_on": {"2026-11-02T10:05"}, "flight_time": {"0:55"}, "flight_type": {"C"}}
			}
			resp, body = w.sendForm(t, hana, "/airlines/"+a.id+"/pireps", filing("LPPT"))
			if resp.StatusCode != http.StatusUnprocessableEntity || !strings.Contains(text(doc(t, body), "error-dpt_airport"), "EGLL") {
				t.Errorf("a first flight from LPPT: %d %q, want the rule naming EGLL", resp.StatusCode, text(doc(t, body), "error-dpt_airport"))
			}
			if resp, body := w.sendForm(t, hana, "/airlines/"+a.id+"/pireps", filing("EGLL")); resp.StatusCode != http.StatusSeeOther {
				t.Errorf("a first flight from the home hub: %d %.400s", resp.StatusCode, body)
			}
		})
	}
}
