package handlers_test

import (
	"context"
	"encoding/json"
	"net/http"
	"net/url"
	"strings"
	"testing"
	"time"
)

// refusedBeside asserts a 422 page with a message beside field and no
// event appended since before.
func refusedBeside(t *testing.T, w *matrixWorld, what string, before int, resp *http.Response, body, field string) {
	t.Helper()
	if resp.StatusCode != http.StatusUnprocessableEntity || text(doc(t, body), "error-"+field) == "" {
		t.Errorf("%s: %d, message beside %s %q; want 422 and a message", what, resp.StatusCode, field, text(doc(t, body), "error-"+field))
	}
	if after := w.countEvents(t); after != before {
		t.Errorf("%s: %d events appended", what, after-before)
	}
}

// Every boundary of the browser and of the API refuses text the log must
// never hold (a NUL, a control character, invalid UTF-8) as a 422 beside
// the field, never a 500 and never an event.
func TestTextNoEventCanHoldIsRefusedAtEveryBoundary(t *testing.T) {
	w := newMatrixWorld(t, embedded)
	a := w.airlines["A"]
	pilot, staff, platform := w.actors[1], w.actors[2], w.actors[4]
	for _, ac := range []*actor{pilot, staff, platform} {
		w.session(t, ac)
	}
	w.settle(t)

	t.Run("registration name with a NUL", func(t *testing.T) {
		visitor := newClient()
		token := formToken(t, visitor, w.URL+"/a/"+a.slug+"/register", "register-form")
		before := w.countEvents(t)
		resp, body := post(t, visitor, w.URL+"/a/"+a.slug+"/register", url.Values{"_csrf": {token},
			"name": {"a\x00b"}, "email": {"nul@example.com"}, "password": {memberPassword}, "password_confirm": {memberPassword}, "country": {"PT"}})
		refusedBeside(t, w, "a NUL name", before, resp, body, "name")
		if v, _ := doc(t, body).Find(`#register-email`).Attr("value"); v != "nul@example.com" {
			t.Errorf("the form lost the email: %q", v)
		}
	})

	t.Run("PIREP comment with a NUL", func(t *testing.T) {
		pirepURL := w.fileSubmitted(t, pilot, a, "802")
		w.settle(t)
		before := w.countEvents(t)
		resp, body := w.sendForm(t, pilot, pirepURL+"/comments", url.Values{"text": {"fine\x00then"}})
		refusedBeside(t, w, "a NUL comment", before, resp, body, "text")
	})

	t.Run("PIREP remarks with invalid UTF-8", func(t *testing.T) {
		before := w.countEvents(t)
		form := pirepForm("803", a.flown)
		form.Set("remarks", "smooth \xff landing")
		resp, body := w.sendForm(t, pilot, "/airlines/"+a.id+"/pireps", form)
		refusedBeside(t, w, "invalid UTF-8 remarks", before, resp, body, "remarks")
	})

	t.Run("airline name with invalid UTF-8", func(t *testing.T) {
		token := formToken(t, platform.client, w.URL+"/airlines", "airline-form")
		before := w.countEvents(t)
		resp, body := post(t, platform.client, w.URL+"/airlines", url.Values{"_csrf": {token},
			"name": {"Bad \xc3\x28 Air"}, "icao": {"BDX"}, "slug": {"bad-air"}})
		refusedBeside(t, w, "an invalid UTF-8 airline name", before, resp, body, "name")
		if v, _ := doc(t, body).Find(`#airline-slug`).Attr("value"); v != "bad-air" {
			t.Errorf("the form lost the slug: %q", v)
		}
	})

	t.Run("query strings and paths", func(t *testing.T) {
		for _, path := range []string{
			"/airlines/" + a.id + "/flights/results?dpt=%00",
			"/airlines/" + a.id + "/flights?arr=%ff",
			"/airlines/" + a.id + "/flights/results?aircraft=a%1bb",
			"/airlines/" + a.id + "/pireps?after=%00",
			"/airlines/" + a.id + "/airports/search?field=dpt&dpt=EG%00",
			"/airlines/" + a.id + "/airports/EG%00L",
			"/a/x%00y/register",
		} {
			resp, body := getAs(t, pilot.client, w.URL+path, nil)
			if resp.StatusCode < 400 || resp.StatusCode >= 500 {
				t.Errorf("GET %s: %d, want a 4xx", path, resp.StatusCode)
			} else if !strings.Contains(body, "NUL") && !strings.Contains(body, "control character") && !strings.Contains(body, "UTF-8") {
				t.Errorf("GET %s: %d does not say what is wrong: %.300s", path, resp.StatusCode, text(doc(t, body), "error"))
			}
		}
	})

	t.Run("a bad Last-Event-ID starts the stream afresh", func(t *testing.T) {
		for _, id := range []string{"\xff", "1\xc3(", "99999999999999999999999", "not a position"} {
			req, _ := http.NewRequest(http.MethodGet, w.URL+"/events", nil)
			req.Header.Set("Last-Event-ID", id)
			req.Header.Set("Accept", "text/event-stream")
			ctx, cancel := context.WithTimeout(context.Background(), 5*time.Second)
			resp, err := pilot.client.Do(req.WithContext(ctx))
			if err != nil {
				cancel()
				t.Fatal(err)
			}
			if resp.StatusCode != http.StatusOK {
				t.Errorf("Last-Event-ID %q: %d, want the stream", id, resp.StatusCode)
			}
			resp.Body.Close()
			cancel()
		}
	})

	t.Run("API", func(t *testing.T) {
		resp, body := apiGet(t, w.app, "/api/v1/me?fields=a%00b", bearer(pilot.apiKey))
		p := checkProblem(t, "a NUL query parameter", resp, body, http.StatusUnprocessableEntity)
		var fields struct {
			Fields map[string]string `json:"fields"`
		}
		_ = json.Unmarshal([]byte(body), &fields)
		if fields.Fields["fields"] == "" || !strings.Contains(p.Detail, "fields") {
			t.Errorf("the problem does not name the parameter: %s", body)
		}
	})
}

// TestEveryFormFieldRefusesUnstorableText posts every form of the matrix
// with each of its fields in turn holding a NUL or invalid UTF-8: the
// answer is a refusal (4xx, never a 500, never a success) and nothing is
// appended, unless the field is a choice that ignores what it does not
// know; a field the form shows gets its message beside it.
func TestEveryFormFieldRefusesUnstorableText(t *testing.T) {
	w := newMatrixWorld(t, embedded)
	a := w.airlines["A"]
	anonymous, pilot, staff, platform := w.actors[0], w.actors[1], w.actors[2], w.actors[4]
	for _, ac := range []*actor{pilot, staff, platform} {
		w.session(t, ac)
	}
	w.settle(t)
	routes := map[string]*actor{
		"/login": anonymous, "/account/password": pilot, "/account/api-keys": pilot,
		"/airlines": platform, "/airlines/:id/suspend": platform,
		"/airlines/:id/profile": staff, "/airlines/:id/people": staff, "/airlines/:id/people/:uid/reject": staff,
		"/airlines/:id/people/:uid/suspend": staff, "/airlines/:id/people/:uid/role": staff,
		"/airlines/:id/fleet/subfleets": staff, "/airlines/:id/fleet/subfleets/:sid": staff,
		"/airlines/:id/fleet/aircraft": staff, "/airlines/:id/fleet/aircraft/:aid": staff,
		"/airlines/:id/airports": staff, "/airlines/:id/airports/:icao": staff,
		"/airlines/:id/flights": staff, "/airlines/:id/flights/:flight": staff,
		"/airlines/:id/pireps": pilot, "/airlines/:id/pireps/:pirep/reject": staff, "/airlines/:id/pireps/accept": staff,
		"/airlines/:id/pireps/:pirep/comments": pilot, "/airlines/:id/notices/dismiss": pilot, "/airlines/:id/notices/dismiss-all": pilot,
		"/airlines/:id/ranks": staff, "/airlines/:id/ranks/:rank": staff, "/airlines/:id/people/:uid/rank": staff,
		"/airlines/:id/news": staff, "/airlines/:id/news/:news": staff,
		"/airlines/:id/type-ratings": staff, "/airlines/:id/type-ratings/:rating": staff, "/airlines/:id/people/:uid/type-ratings": staff,
		"/airlines/:id/people/:uid/transfer-hours": staff, "/airlines/:id/type-ratings/ranks/:rank": staff,
		"/airlines/:id/awards": staff, "/airlines/:id/awards/grant": staff,
		"/airlines/:id/webhooks": staff, "/airlines/:id/webhooks/:hook": staff,
		"/a/:slug/register": anonymous,
	}
	// Fields that are not typed text: choices, check boxes and ids, whose
	// refusal need not be beside a field.
	notTyped := map[string]bool{"role": true, "status": true, "subfleet_id": true, "aircraft_id": true, "pirep": true,
		"notice": true, "rank_id": true, "submit": true, "days": true, "active": true, "auto_promote": true,
		"fuel_unit": true, "flight_type": true, "registration": true, "current": true,
		"subfleet_ids": true, "rating_id": true, "do": true, "rating_ids": true, "rule": true, "award": true}
	// Check boxes, submit buttons and choices are read as such: any other
	// value is a choice not made (an unknown PIREP or notice is skipped),
	// and the text itself goes nowhere.
	chosen := map[string]bool{"submit": true, "active": true, "auto_promote": true, "days": true, "fuel_unit": true,
		"pirep": true, "notice": true, "do": true}
	for route, ac := range routes {
		_, base := w.request(route, a)
		for field := range base {
			for kind, bad := range map[string]string{"NUL": "x\x00y", "invalid UTF-8": "x\xffy"} {
				path, form := w.request(route, a)
				form.Set(field, bad)
				before := w.countEvents(t)
				form.Set("_csrf", w.csrfToken(t, ac.client))
				resp, body := post(t, ac.client, w.URL+path, form)
				what := route + " " + field + " " + kind
				if chosen[field] && resp.StatusCode < 400 {
					continue // read as a choice or a check box: the text goes nowhere
				}
				if resp.StatusCode < 400 || resp.StatusCode >= 500 {
					t.Errorf("%s: %d, want a refusal", what, resp.StatusCode)
					continue
				}
				if after := w.countEvents(t); after != before {
					t.Errorf("%s: %d events appended", what, after-before)
				}
				if !notTyped[field] && route != "/login" && text(doc(t, body), "error-"+field) == "" {
					t.Errorf("%s: %d with no message beside the field", what, resp.StatusCode)
				}
			}
		}
	}
}
