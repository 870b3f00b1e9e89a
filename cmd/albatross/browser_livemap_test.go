package main

import (
	"context"
	"encoding/json"
	"fmt"
	"net/http"
	"testing"
	"time"

	"github.com/chromedp/cdproto/cdp"
	"github.com/chromedp/cdproto/emulation"
	"github.com/chromedp/chromedp"

	"github.com/albatross-va/albatross/handlers/phpvmstest"
	"github.com/albatross-va/albatross/store/pgtest"
)

// An ACARS client flies a flight through phpVMS's API while the pilot has
// the live map open: the aircraft appears and moves as positions arrive,
// without a reload; selecting the flight draws its track; its PIREP's page
// shows the track and profile; the public page the map. Once filed, the
// PIREP appears in the review queue staff have open. Each page passes
// axe, at desktop width and at 390 px.
func TestBrowserLiveMap(t *testing.T) {
	t.Run("embedded", func(t *testing.T) {
		srv := startServer(t, map[string]string{"ALBATROSS_DATA_DIR": t.TempDir(), "ALBATROSS_WAIT_BOUND": slowMachineWait})
		walkLiveMap(t, "embedded", srv)
	})
	t.Run("postgres", func(t *testing.T) {
		pgtest.RequireRedis(t, pgtest.RedisURL())
		env := map[string]string{"DATABASE_URL": pgtest.NewDatabase(t), "REDIS_URL": pgtest.RedisURL(), "ALBATROSS_WAIT_BOUND": slowMachineWait}
		walkLiveMap(t, "postgres", startServer(t, env))
	})
}

// position is one ACARS position report at the time given.
func position(id string, lat, lon float64, alt, heading, gs int, at time.Time) map[string]any {
	return map[string]any{"positions": []map[string]any{{"id": id, "lat": lat, "lon": lon, "altitude": alt, "heading": heading,
		"gs": gs, "created_at": at.UTC().Format(time.RFC3339)}}}
}

// viewport sets the page's width, as a phone's (mobile) or a desktop's.
func viewport(width, height int64, mobile bool) chromedp.Action[chromedp.Void] {
	return func(ctx context.Context, tg *chromedp.Target) (chromedp.Void, error) {
		_, err := cdp.Call(ctx, tg, emulation.SetDeviceMetricsOverride, emulation.SetDeviceMetricsOverrideParams{
			Width: width, Height: height, DeviceScaleFactor: 1, Mobile: mobile})
		return chromedp.Void{}, err
	}
}

func walkLiveMap(t *testing.T, mode string, srv *testServer) {
	shot := (&pageShot{t: t, walk: "livemap", mode: mode}).take
	platform := loginAsAdmin(t, srv)
	airline := createAirline(t, platform, "Skua Virtual", "SKV", "skua")
	allowCharters(t, platform, airline)
	otp := addPerson(t, platform, airline, "Pia Pilot", "pia@skua.example", "pilot")
	staffOTP := addPerson(t, platform, airline, "Sam Staff", "sam@skua.example", "airline_admin")
	for _, kind := range []string{"airports", "subfleets", "aircraft"} {
		importSample(t, platform, airline, kind)
	}
	base := srv.URL + "/airlines/" + airline

	browser := newChromium(t)
	pilot := openLiveAs(t, browser, srv.URL, "pia@skua.example", otp, "Pia's own password 1", base+"/live", testID("no-live-flights"))
	shot(pilot, "empty")

	// Staff have the review queue open while the flight is flown.
	staff := openLiveAs(t, browser, srv.URL, "sam@skua.example", staffOTP, "Sam's own password 1", base+"/pireps/queue", testID("empty-queue"))

	// The pilot's ACARS client, with a key of theirs.
	account := newBrowser(t, srv)
	account.logIn(t, "pia@skua.example", "Pia's own password 1", "/airlines")
	key, _ := createAPIKey(t, account, "ACARS")
	client := acarsClient{t: t, site: phpvmstest.Site{URL: srv.URL, Key: key}}
	pirep, _ := client.ok(http.MethodPost, "/api/pireps/prefile", map[string]any{"airline_id": client.site.AirlineNumber(t, key), "aircraft_id": 1, "flight_number": "714",
		"dpt_airport_id": "EGLL", "arr_airport_id": "KJFK", "source_name": "vmsACARS"})["data"].(map[string]any)
	id := fmt.Sprint(pirep["id"])
	client.ok(http.MethodPost, "/api/pireps/"+id+"/update", map[string]any{"status": "ENR"})
	t0 := time.Now().Add(-40 * time.Minute)
	client.ok(http.MethodPost, "/api/pireps/"+id+"/acars/position", position("1", 51.47, -0.46, 80, 270, 140, t0))
	client.ok(http.MethodPost, "/api/pireps/"+id+"/acars/position", position("2", 52.1, -8, 24000, 285, 430, t0.Add(15*time.Minute)))

	// The aircraft appears where the second position puts it, then moves
	// to the third, on the page opened before the flight began.
	transform := `(() => { const a = document.querySelector('[data-testid="map-aircraft"][data-pirep="` + id + `"]'); return a ? a.getAttribute("transform") : "" })()`
	at := func(want string) chromedp.Action[chromedp.Void] {
		quoted, _ := json.Marshal(want)
		return waitTrue(transform + ` === ` + string(quoted))
	}
	wait, cancel := context.WithTimeout(pilot, 30*time.Second)
	defer cancel()
	if err := chromedp.Do(wait, at("translate(477.8 105.3) rotate(285)"), waitTrue(stillThisPage)); err != nil {
		got, _ := chromedp.Run(pilot, chromedp.Evaluate[string](transform))
		t.Fatalf("the flight never appeared at its position on the open live map without a reload: %v (drawn at %q)", err, got)
	}
	contains(t, pilot, `[data-testid="live-flight"] [data-testid="live-phase"]`, "Enroute")
	shot(pilot, "flying")

	// A visitor has the public page open as the flight goes on.
	visitor := newProfile(t, browser)
	if err := chromedp.Do(visitor, openLive(srv.URL+"/a/skua", testID("public-live"))); err != nil {
		t.Fatalf("the public page: %v", err)
	}
	client.ok(http.MethodPost, "/api/pireps/"+id+"/acars/position", position("3", 53, -20, 36000, 290, 480, t0.Add(35*time.Minute)))
	if err := chromedp.Do(wait, at("translate(444.4 102.8) rotate(290)"), waitTrue(stillThisPage)); err != nil {
		got, _ := chromedp.Run(pilot, chromedp.Evaluate[string](transform))
		t.Fatalf("the aircraft never moved on the open map: %v (drawn at %q)", err, got)
	}
	contains(t, pilot, `[data-testid="live-flight"] [data-testid="live-altitude"]`, "36,000 ft")
	visiting, cancelVisit := context.WithTimeout(visitor, 30*time.Second)
	defer cancelVisit()
	if err := chromedp.Do(visiting, at("translate(444.4 102.8) rotate(290)"), waitTrue(stillThisPage)); err != nil {
		t.Errorf("the aircraft never moved on the open public page: %v", err)
	}

	// By keyboard: Tab to the flight's link, Enter shows its track.
	if err := chromedp.Do(wait,
		waitTrue(`(document.querySelector('[data-testid="select-flight"]').focus(), document.activeElement.dataset.testid === "select-flight")`),
		pressEnter(),
		chromedp.WaitVisible(chromedp.CSS(`[data-testid="live-map"] [data-testid="track"]`)),
		waitTrue(sseOpen),
	); err != nil {
		t.Fatalf("select the flight: %v", err)
	}
	shot(pilot, "track")
	if err := chromedp.Do(pilot, viewport(390, 844, true), chromedp.Reload(), chromedp.WaitVisible(testID("live-map"))); err != nil {
		t.Fatalf("a phone's width: %v", err)
	}
	if w, err := chromedp.Run(pilot, chromedp.Evaluate[int](`document.documentElement.scrollWidth`)); err != nil || w > 390 {
		t.Errorf("at 390 px the page is %d px wide (%v): it scrolls sideways", w, err)
	}
	shot(pilot, "track-390")

	// The PIREP's page, on the phone and on a desktop.
	if err := chromedp.Do(pilot, chromedp.Navigate(base+"/pireps/"+id), chromedp.WaitVisible(testID("profile-chart"))); err != nil {
		t.Fatalf("the PIREP's page: %v", err)
	}
	contains(t, pilot, `[data-testid="track-summary"]`, "36,000 ft")
	shot(pilot, "pirep-390")
	if err := chromedp.Do(pilot, viewport(1280, 900, false), chromedp.Reload(), chromedp.WaitVisible(testID("profile-chart"))); err != nil {
		t.Fatalf("the PIREP's page: %v", err)
	}
	shot(pilot, "pirep")

	contains(t, visitor, `[data-testid="public-live"]`, "SKV714")
	shot(visitor, "public")

	// The client files the flight: it reaches the queue the staff opened
	// before it began, without a reload.
	if filed, _ := client.ok(http.MethodPost, "/api/pireps/"+id+"/file", map[string]any{"flight_time": 410, "distance": 3000, "landing_rate": -160})["data"].(map[string]any); filed["state"] != float64(1) {
		t.Fatalf("the filing: %v, want state 1 (pending)", filed)
	}
	row := `[data-testid="pirep-row"][data-pirep="` + id + `"]`
	queued, cancelQueued := context.WithTimeout(staff, 30*time.Second)
	defer cancelQueued()
	if err := chromedp.Do(queued, chromedp.WaitVisible(chromedp.CSS(row)), waitTrue(stillThisPage)); err != nil {
		t.Fatalf("the filed flight never appeared in the staff's open review queue without a reload: %v", err)
	}
	contains(t, staff, row, "SKV714")
	contains(t, staff, row, "KJFK")
	contains(t, staff, row+` [data-testid="pirep-pilot"]`, "Pia Pilot")
	shot(staff, "staff-queue")
}
