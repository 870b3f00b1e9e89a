package main

import (
	"net/http"
	"net/url"
	"strings"
	"testing"
)

// Hostile input at each boundary of the real binary (the anonymous NUL
// registration that used to stop every airline, an airline name that is not UTF-8, and a Latin-1 airports file) is refused or
// read right, and after each the deployment still serves: /readyz is 200,
// a person of another airline logs in, and so they do after a restart of the
// embedded mode. (A NUL PIREP comment on a filed PIREP is refused in
// handlers' TestTextNoEventCanHoldIsRefusedAtEveryBoundary.)
func TestHostileInputAtEachBoundaryLeavesEveryAirlineServing(t *testing.T) {
	dir := t.TempDir()
	env := map[string]string{"ALBATROSS_DATA_DIR": dir}
	srv := startServer(t, env)
	platform := loginAsAdmin(t, srv)
	target := createAirline(t, platform, "Target Air", "TGA", "target")
	other := createAirline(t, platform, "Other Air", "OTA", "other")
	otp := addPerson(t, platform, other, "Olga Other", "olga@other.example", "airline_admin")
	olga := newBrowser(t, srv)
	olga.logIn(t, "olga@other.example", otp, "/account/password")
	_, doc := olga.get("/account/password")
	csrf, _ := doc.Find(`[data-testid="password-form"] input[name="_csrf"]`).Attr("value")
	if resp, _ := olga.post("/account/password", url.Values{"_csrf": {csrf}, "current": {otp}, "password": {adminPassword}, "confirm": {adminPassword}}, nil); resp.StatusCode != http.StatusSeeOther {
		t.Fatalf("Olga chooses her password: %d", resp.StatusCode)
	}

	stillServing := func(t *testing.T, s *testServer, after string) {
		t.Helper()
		if code, body := readyz(t, s); code != http.StatusOK || strings.Contains(body, "degraded") {
			t.Errorf("after %s /readyz = %d %s, want 200 and not degraded", after, code, body)
		} else if !strings.Contains(body, `"Name":"promotions"`) || !strings.Contains(body, `"Reactor":true`) {
			t.Errorf("after %s /readyz does not show the promotions reactor: %s", after, body)
		}
		b := newBrowser(t, s)
		b.logIn(t, "olga@other.example", adminPassword, "/airlines")
		if resp, _ := b.get("/airlines/" + other + "/people"); resp.StatusCode != http.StatusOK {
			t.Errorf("after %s Olga's people page answers %d", after, resp.StatusCode)
		}
	}

	t.Run("an anonymous registration with a NUL name", func(t *testing.T) {
		visitor := newBrowser(t, srv)
		_, doc := visitor.get("/a/target/register")
		csrf, _ := doc.Find(`[data-testid="register-form"] input[name="_csrf"]`).Attr("value")
		form := url.Values{"_csrf": {csrf}, "name": {"a\x00b"}, "email": {"nul@target.example"}, "password": {adminPassword}, "password_confirm": {adminPassword}, "country": {"PT"}}
		if cmd, ok := doc.Find(`[data-testid="register-form"] input[name="command_id"]`).Attr("value"); ok {
			form.Set("command_id", cmd)
		}
		resp, page := visitor.post("/a/target/register", form, nil)
		if resp.StatusCode != http.StatusUnprocessableEntity {
			t.Fatalf("status %d, want 422", resp.StatusCode)
		}
		if msg := page.Find(`[data-testid="error-name"]`).Text(); !strings.Contains(msg, "NUL") {
			t.Errorf("the name's message %q does not say what is wrong", msg)
		}
		stillServing(t, srv, "the NUL registration")
	})

	t.Run("an airline name that is not UTF-8", func(t *testing.T) {
		resp, page := platform.post("/airlines", platform.airlineForm("Caf\xe9 Air", "CFE", "", "cafe"), nil)
		if resp.StatusCode != http.StatusUnprocessableEntity {
			t.Fatalf("status %d, want 422", resp.StatusCode)
		}
		if msg := page.Find(`[data-testid="error-name"]`).Text(); !strings.Contains(msg, "UTF-8") {
			t.Errorf("the name's message %q does not say what is wrong", msg)
		}
		stillServing(t, srv, "the Latin-1 airline name")
	})

	t.Run("a Latin-1 airports file", func(t *testing.T) {
		file := "icao,iata,name,location,country,lat,lon,elevation\n" +
			"LEMG,AGP,Aeropuerto de M\xe1laga,M\xe1laga,ES,36.67,-4.49,52\n" +
			"LPPT,LIS,Humberto Delgado,Lisboa,PT,38.77,-9.13,374\n"
		job := uploadCSV(t, platform, target, "airports", []byte(file))
		page := waitJob(t, platform, job, "done")
		if !strings.Contains(page.Text(), "Windows-1252") {
			t.Errorf("the job page does not say the file was read as Windows-1252")
		}
		_, airports := platform.get("/airlines/" + target + "/airports")
		if !strings.Contains(airports.Find("main").Text(), "Aeropuerto de Málaga") {
			t.Errorf("the airports page does not show the Latin-1 name as UTF-8")
		}
		stillServing(t, srv, "the Latin-1 file")
	})

	srv.stop(t)
	again := startServer(t, env)
	again.waitReady(t)
	stillServing(t, again, "a restart of the embedded mode")
	_, airports := loginAsAdmin(t, again).get("/airlines/" + target + "/airports")
	if !strings.Contains(airports.Find("main").Text(), "Aeropuerto de Málaga") {
		t.Errorf("after the restart the airports page lost the imported airport")
	}
}
