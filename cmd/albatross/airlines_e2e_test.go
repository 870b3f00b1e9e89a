package main

import (
	"io"
	"net/http"
	"net/url"
	"slices"
	"strings"
	"testing"
	"time"

	"github.com/PuerkitoBio/goquery"

	"github.com/albatross-va/albatross/store/pgtest"
)

// airlineID returns the id of the listed airline with the given name.
func airlineID(t *testing.T, b *browser, name string) string {
	t.Helper()
	_, doc := b.get("/airlines")
	var id string
	doc.Find(`[data-testid="airline-row"]`).Each(func(_ int, s *goquery.Selection) {
		if strings.TrimSpace(s.Find(`[data-testid="airline-name"]`).Text()) == name {
			id, _ = s.Attr("data-id")
		}
	})
	if id == "" {
		t.Fatalf("airline %q is not listed: %v", name, airlineNames(doc))
	}
	return id
}

// createAirline submits the form like a browser without JavaScript and
// checks the page it is sent to already lists the airline.
func createAirline(t *testing.T, b *browser, name, icao, slug string) string {
	t.Helper()
	resp, _ := b.post("/airlines", b.airlineForm(name, icao, "", slug), nil)
	if resp.StatusCode != http.StatusSeeOther {
		t.Fatalf("create %s: status %d, want 303", name, resp.StatusCode)
	}
	_, doc := b.get(resp.Header.Get("Location"))
	if got := strings.TrimSpace(doc.Find(`[data-testid="created"]`).Text()); !strings.Contains(got, name) {
		t.Errorf("page after create says %q, want it to name %s", got, name)
	}
	if !slices.Contains(airlineNames(doc), name) {
		t.Fatalf("page after the redirect does not list %s (read your writes): %v\nlogs: %s", name, airlineNames(doc), b.srv.logs)
	}
	return airlineID(t, b, name)
}

func TestEmbeddedAirlineSliceEndToEnd(t *testing.T) {
	dir := t.TempDir()
	srv := startServer(t, map[string]string{"ALBATROSS_DATA_DIR": dir})
	admin := loginAsAdmin(t, srv)
	watcher := openStream(t, srv.URL, admin.cookieHeader())

	id := createAirline(t, admin, "Speedbird Virtual", "baw", "speedbird")
	ev := waitEvent(t, watcher, "airlines", id)
	if ev.ID == "" {
		t.Errorf("event %+v has no id to resume from", ev)
	}

	t.Run("a taken slug re-renders the form with the input and a message", func(t *testing.T) {
		resp, doc := admin.post("/airlines", admin.airlineForm("Other Air", "OTH", "", "speedbird"), nil)
		if resp.StatusCode != http.StatusConflict {
			t.Fatalf("status %d, want 409 (the slug is another airline's)", resp.StatusCode)
		}
		if msg := doc.Find(`[data-testid="error-slug"]`).Text(); !strings.Contains(msg, "taken") {
			t.Errorf("slug message %q does not say it is taken", msg)
		}
		if v, _ := doc.Find(`input[name="name"]`).Attr("value"); v != "Other Air" {
			t.Errorf("name input kept %q, want the user's input", v)
		}
	})

	t.Run("restart replays the log into the read models", func(t *testing.T) {
		srv.stop(t)
		again := startServer(t, map[string]string{"ALBATROSS_DATA_DIR": dir})
		_, doc := loginAsAdmin(t, again).get("/airlines")
		if names := airlineNames(doc); !slices.Equal(names, []string{"Speedbird Virtual"}) {
			t.Errorf("after restart the list is %v, want [Speedbird Virtual]", names)
		}
	})
}

func TestAirlineFormRejectsBadInput(t *testing.T) {
	srv := startServer(t, map[string]string{"ALBATROSS_DATA_DIR": t.TempDir()})
	b := loginAsAdmin(t, srv)
	cases := []struct {
		name, icao, iata, slug string
		field                  string
	}{
		{"", "BAW", "", "ok-slug", "name"},
		{"Good Name", "BA", "", "ok-slug", "icao"},
		{"Good Name", "B4W", "", "ok-slug", "icao"},
		{"Good Name", "BAW", "B", "ok-slug", "iata"},
		{"Good Name", "BAW", "", "Bad Slug!", "slug"},
	}
	for _, c := range cases {
		t.Run(c.field+" "+c.icao+" "+c.slug, func(t *testing.T) {
			for _, htmx := range []bool{false, true} {
				header := map[string]string{}
				if htmx {
					header["HX-Request"] = "true"
				}
				resp, doc := b.post("/airlines", b.airlineForm(c.name, c.icao, c.iata, c.slug), header)
				if resp.StatusCode != http.StatusUnprocessableEntity {
					t.Fatalf("htmx=%v: status %d, want 422", htmx, resp.StatusCode)
				}
				if doc.Find(`[data-testid="error-`+c.field+`"]`).Text() == "" {
					t.Errorf("htmx=%v: no message beside %s", htmx, c.field)
				}
				input := doc.Find(`input[name="` + c.field + `"]`)
				if inv, _ := input.Attr("aria-invalid"); inv != "true" {
					t.Errorf("htmx=%v: %s input not marked aria-invalid", htmx, c.field)
				}
				if v, _ := doc.Find(`input[name="slug"]`).Attr("value"); v != c.slug {
					t.Errorf("htmx=%v: slug input is %q, want the user's %q", htmx, v, c.slug)
				}
			}
		})
	}
	if _, doc := b.get("/airlines"); len(airlineNames(doc)) != 0 {
		t.Errorf("bad input created airlines: %v", airlineNames(doc))
	}
}

func TestAirlineFormIsIdempotentAndProtected(t *testing.T) {
	srv := startServer(t, map[string]string{"ALBATROSS_DATA_DIR": t.TempDir()})
	b := loginAsAdmin(t, srv)

	form := b.airlineForm("Double Submit Air", "DBL", "DS", "double")
	for i := 0; i < 2; i++ {
		resp, _ := b.post("/airlines", form, nil)
		if resp.StatusCode != http.StatusSeeOther {
			t.Fatalf("submit %d: status %d, want 303", i+1, resp.StatusCode)
		}
	}
	if _, doc := b.get("/airlines"); !slices.Equal(airlineNames(doc), []string{"Double Submit Air"}) {
		t.Errorf("a double submit listed %v, want the airline once", airlineNames(doc))
	}

	// The back button brings the used form back; edited and sent again it
	// must say so rather than pretend to have created the new airline.
	reused := url.Values{}
	for k, v := range form {
		reused[k] = v
	}
	reused.Set("name", "Second Try Air")
	reused.Set("icao", "SEC")
	reused.Set("slug", "second-try")
	resp, doc := b.post("/airlines", reused, nil)
	if resp.StatusCode != http.StatusConflict || !strings.Contains(doc.Find(`[data-testid="form-error"]`).Text(), "already used") {
		t.Errorf("a reused form: status %d, message %q; want 409 saying the form was used", resp.StatusCode, doc.Find(`[data-testid="form-error"]`).Text())
	}
	if id, _ := doc.Find(`input[name="command_id"]`).Attr("value"); id == form.Get("command_id") {
		t.Errorf("the form after a reuse keeps the spent command id")
	}
	if v, _ := doc.Find(`input[name="name"]`).Attr("value"); v != "Second Try Air" {
		t.Errorf("the form after a reuse lost the user's input: %q", v)
	}

	forged := b.airlineForm("Forged Air", "FRG", "", "forged")
	forged.Set("_csrf", "not-the-token")
	if resp, _ := b.post("/airlines", forged, nil); resp.StatusCode != http.StatusForbidden {
		t.Errorf("wrong CSRF token: status %d, want 403", resp.StatusCode)
	}
	forged.Del("_csrf")
	if resp, _ := b.post("/airlines", forged, nil); resp.StatusCode != http.StatusForbidden {
		t.Errorf("missing CSRF token: status %d, want 403", resp.StatusCode)
	}
	if _, doc := b.get("/airlines"); slices.Contains(airlineNames(doc), "Forged Air") {
		t.Errorf("a request without a valid CSRF token created an airline")
	}
}

func TestHTMXCreateReturnsFreshFormAndRows(t *testing.T) {
	srv := startServer(t, map[string]string{"ALBATROSS_DATA_DIR": t.TempDir()})
	b := loginAsAdmin(t, srv)
	form := b.airlineForm("Fragment Air", "FRA", "", "fragment")
	req, _ := http.NewRequest(http.MethodPost, srv.URL+"/airlines", strings.NewReader(form.Encode()))
	req.Header.Set("Content-Type", "application/x-www-form-urlencoded")
	req.Header.Set("HX-Request", "true")
	resp, err := b.client.Do(req)
	if err != nil {
		t.Fatal(err)
	}
	body, _ := io.ReadAll(resp.Body)
	resp.Body.Close()
	if resp.StatusCode != http.StatusOK {
		t.Fatalf("status %d, want 200", resp.StatusCode)
	}
	if strings.Contains(string(body), "<html") {
		t.Errorf("an htmx request got a whole page")
	}
	doc, _ := goquery.NewDocumentFromReader(strings.NewReader(string(body)))
	if v, _ := doc.Find(`input[name="name"]`).Attr("value"); v != "" {
		t.Errorf("the form after a create still holds %q", v)
	}
	if !strings.Contains(doc.Find(`[data-testid="created"]`).Text(), "Fragment Air") {
		t.Errorf("the fresh form does not confirm the creation")
	}
	if trig := resp.Header.Get("HX-Trigger"); trig != "airlines-changed" {
		t.Errorf("HX-Trigger %q: the page's rows would not refresh", trig)
	}
	if names := airlineNames(b.getRows()); !slices.Equal(names, []string{"Fragment Air"}) {
		t.Errorf("the rows the trigger fetches are %v, want the new airline", names)
	}
}

func TestPostgresTwoProcessesShareLiveUpdates(t *testing.T) {
	dbURL := pgtest.NewDatabase(t)
	redisURL := pgtest.RedisURL()
	pgtest.RequireRedis(t, redisURL)
	env := map[string]string{"DATABASE_URL": dbURL, "REDIS_URL": redisURL}
	a := startServer(t, env)
	// Only the first process projects, so the notice the second sends its
	// browser must have come from the first, over Redis.
	b := startServer(t, map[string]string{"DATABASE_URL": dbURL, "REDIS_URL": redisURL, "ALBATROSS_PROJECTOR": "false"})

	admin := loginAsAdmin(t, a, b)
	pageOnB := newBrowser(t, b)
	pageOnB.logIn(t, "admin", adminPassword, "/airlines")
	watcherOnB := openStream(t, b.URL, pageOnB.cookieHeader())

	id := createAirline(t, admin, "Shared Air", "SHR", "shared")
	waitEvent(t, watcherOnB, "airlines", id)
	if doc := pageOnB.getRows(); !slices.Contains(airlineNames(doc), "Shared Air") {
		t.Errorf("the second process's rows lack the airline created through the first: %v", airlineNames(doc))
	}
	if _, doc := pageOnB.get("/airlines"); !slices.Contains(airlineNames(doc), "Shared Air") {
		t.Errorf("the second process's page lacks the airline created through the first: %v", airlineNames(doc))
	}
	for _, s := range []*testServer{a, b} {
		r, err := http.Get(s.URL + "/readyz")
		if err != nil || r.StatusCode != http.StatusOK {
			t.Errorf("/readyz on %s: %v %v", s.URL, err, r)
		}
		if r != nil {
			r.Body.Close()
		}
	}
}

func TestWebOnlyProcessIsReadyOnlyWhileAProjectorKeepsUp(t *testing.T) {
	dbURL := pgtest.NewDatabase(t)
	projecting := startServer(t, map[string]string{"DATABASE_URL": dbURL}) // creates and projects the admin
	web := startServer(t, map[string]string{
		"DATABASE_URL": dbURL, "ALBATROSS_PROJECTOR": "false",
		"ALBATROSS_READY_MAX_LAG": "200ms", "ALBATROSS_WAIT_BOUND": "200ms",
	})
	readyz := func() int {
		resp, err := http.Get(web.URL + "/readyz")
		if err != nil {
			t.Fatal(err)
		}
		resp.Body.Close()
		return resp.StatusCode
	}
	// until polls readyz: the log's head can trail for a moment while
	// another test on the server holds a transaction open.
	until := func(want int, why string) {
		t.Helper()
		deadline := time.Now().Add(20 * time.Second)
		for readyz() != want {
			if time.Now().After(deadline) {
				t.Fatalf("readyz never answered %d %s", want, why)
			}
			time.Sleep(50 * time.Millisecond)
		}
	}
	admin := loginAsAdmin(t, web, projecting)
	// The form is read while the projector still runs: under load the
	// admin's new password may reach the read models only a moment later.
	form := admin.airlineForm("Waiting Air", "WAI", "", "waiting")
	projecting.stop(t)

	resp, _ := admin.post("/airlines", form, nil)
	if resp.StatusCode != http.StatusSeeOther {
		t.Fatalf("create without a projector: %d, want the redirect after the bounded wait", resp.StatusCode)
	}
	until(http.StatusServiceUnavailable, "while events wait for a projector")

	startServer(t, map[string]string{"DATABASE_URL": dbURL}) // runs the projector
	until(http.StatusOK, "once a projector ran")
	if _, doc := admin.get("/airlines"); !slices.Contains(airlineNames(doc), "Waiting Air") {
		t.Errorf("the web-only process does not list the airline the other process projected: %v", airlineNames(doc))
	}
}

// allowCharters ticks the airline's "allow charter flights" setting, for
// tests whose flights are not on the schedule (charters are off by
// default, as phpVMS's free flights).
func allowCharters(t *testing.T, b *browser, airlineID string) {
	t.Helper()
	path := "/airlines/" + airlineID + "/settings/pireps"
	_, doc := b.get(path)
	csrf, _ := doc.Find(`form[data-testid="pirep-settings-form"] input[name="_csrf"]`).Attr("value")
	if resp, _ := b.post(path, url.Values{"_csrf": {csrf}, "allow_charters": {"1"}, "public_live_map": {"1"}}, nil); resp.StatusCode != http.StatusSeeOther {
		t.Fatalf("allow charters: status %d", resp.StatusCode)
	}
}
