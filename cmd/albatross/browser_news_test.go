package main

import (
	"context"
	"strings"
	"testing"
	"time"

	"github.com/chromedp/chromedp"

	"github.com/albatross-va/albatross/store/pgtest"
)

// Staff post news while a pilot has their dashboard open: a first try
// without a title is refused beside the field with the text kept, the
// post shows on the open dashboard without a reload, rendered from its
// Markdown with the hostile parts gone, and then on the public page. Each
// page passes axe. On PostgreSQL the staff post on one process and the
// dashboard is open on another.
func TestBrowserNewsAppearsLiveOnTheDashboard(t *testing.T) {
	t.Run("embedded", func(t *testing.T) {
		srv := startServer(t, map[string]string{"ALBATROSS_DATA_DIR": t.TempDir(), "ALBATROSS_WAIT_BOUND": slowMachineWait})
		walkNews(t, "embedded", srv, srv)
	})
	t.Run("postgres, two processes", func(t *testing.T) {
		pgtest.RequireRedis(t, pgtest.RedisURL())
		env := map[string]string{"DATABASE_URL": pgtest.NewDatabase(t), "REDIS_URL": pgtest.RedisURL(), "ALBATROSS_WAIT_BOUND": slowMachineWait}
		watched := startServer(t, env)
		walkNews(t, "postgres", watched, startServer(t, env))
	})
}

func walkNews(t *testing.T, mode string, watched, used *testServer) {
	shot := (&pageShot{t: t, walk: "news", mode: mode}).take
	used.waitReady(t)
	watched.waitReady(t)
	platform := loginAsAdmin(t, used, watched)
	airline := createAirline(t, platform, "Tern Virtual", "TRV", "tern")
	otp := addPerson(t, platform, airline, "Pia Pilot", "pia@tern.example", "pilot")
	staffOTP := addPerson(t, platform, airline, "Sam Staff", "sam@tern.example", "airline_admin")

	browser := newChromium(t)
	pilot := openLiveAs(t, browser, watched.URL, "pia@tern.example", otp, "Pia's own password 1",
		watched.URL+"/airlines/"+airline+"/dashboard", testID("no-news"))
	shot(pilot, "dashboard-no-news")

	staff := newProfile(t, browser)
	if err := chromedp.Do(staff, firstLogIn(used.URL, "sam@tern.example", staffOTP, "Sam's own password 1"),
		chromedp.Navigate(used.URL+"/airlines/"+airline+"/news"), chromedp.WaitVisible(testID("news-form"))); err != nil {
		t.Fatalf("staff open the news: %v", err)
	}
	body := "Flights to **Lisbon** start on Monday.\n\n<script>window.pwned = true</script>\n\n[timetable](https://example.com/t) and [this](javascript:window.pwned=true)"
	if err := chromedp.Do(staff,
		chromedp.SendKeys(chromedp.ID("news-body"), body),
		submitForm("news-form"),
		chromedp.WaitVisible(testID("error-title")),
	); err != nil {
		t.Fatalf("post without a title: %v", err)
	}
	if kept, err := chromedp.Run(staff, chromedp.Value(chromedp.ID("news-body"))); err != nil || kept != body {
		t.Errorf("the text holds %q (%v) after the error, want what was typed", kept, err)
	}
	shot(staff, "form-error")
	if err := chromedp.Do(staff,
		chromedp.SendKeys(chromedp.ID("news-title"), "Lisbon is open"),
		submitForm("news-form"),
		chromedp.WaitVisible(testID("notice")),
	); err != nil {
		t.Fatalf("post the news: %v", err)
	}
	posted := time.Now()
	contains(t, staff, `[data-testid="news-item"] [data-testid="news-title"]`, "Lisbon is open")
	shot(staff, "posted")

	// The open dashboard shows it without a reload.
	wait, cancel := context.WithTimeout(pilot, 30*time.Second)
	defer cancel()
	if err := chromedp.Do(wait, chromedp.WaitVisible(chromedp.CSS(`[data-testid="dashboard-news"] [data-testid="news-title"]`)), waitTrue(stillThisPage)); err != nil {
		t.Fatalf("the open dashboard never showed the news without a reload: %v", err)
	}
	t.Logf("%s: the open dashboard showed the news %s after the post", mode, time.Since(posted).Round(time.Millisecond))
	contains(t, pilot, `[data-testid="dashboard-news"] [data-testid="news-title"]`, "Lisbon is open")
	contains(t, pilot, `[data-testid="dashboard-news"] [data-testid="news-body"] strong`, "Lisbon")
	inner, err := chromedp.Run(pilot, chromedp.Evaluate[string](`document.querySelector('[data-testid="dashboard-news"] [data-testid="news-body"]').innerHTML`))
	if err != nil {
		t.Fatal(err)
	}
	if low := strings.ToLower(inner); strings.Contains(low, "<script") || strings.Contains(low, "javascript:") {
		t.Errorf("hostile Markdown survived on the dashboard: %s", inner)
	}
	if pwned, err := chromedp.Run(pilot, chromedp.Evaluate[bool](`window.pwned === true`)); err != nil || pwned {
		t.Errorf("the news ran a script (%v)", err)
	}
	if err := chromedp.Do(wait, waitTrue(htmxSettled(`#dashboard-news`))); err != nil {
		t.Fatalf("the news section never settled: %v", err)
	}
	shot(pilot, "dashboard-live-news")

	visitor := newProfile(t, browser)
	if err := chromedp.Do(visitor, chromedp.Navigate(watched.URL+"/a/tern"), chromedp.WaitVisible(testID("public-news"))); err != nil {
		t.Fatalf("the public page: %v", err)
	}
	contains(t, visitor, `[data-testid="public-news"] [data-testid="news-title"]`, "Lisbon is open")
	shot(visitor, "public")

	// Staff delete it after confirming; the open dashboard drops it.
	if err := chromedp.Do(staff,
		chromedp.Click(testID("edit-news")),
		chromedp.WaitVisible(chromedp.ID("news-body")),
	); err != nil {
		t.Fatalf("open the edit form: %v", err)
	}
	if kept, err := chromedp.Run(staff, chromedp.Value(chromedp.ID("news-body"))); err != nil || kept != body {
		t.Errorf("the edit form holds %q (%v), want the Markdown as posted", kept, err)
	}
	shot(staff, "edit")
	if err := chromedp.Do(staff, chromedp.Click(testID("delete-news-link")), chromedp.WaitVisible(testID("delete-news-form"))); err != nil {
		t.Fatalf("ask to delete: %v", err)
	}
	shot(staff, "confirm-delete")
	if err := chromedp.Do(staff, submitForm("delete-news-form"), chromedp.WaitVisible(testID("notice")), chromedp.WaitVisible(testID("no-news"))); err != nil {
		t.Fatalf("delete: %v", err)
	}
	if err := chromedp.Do(wait, chromedp.WaitVisible(chromedp.CSS(`[data-testid="dashboard-news"] [data-testid="no-news"]`)), waitTrue(stillThisPage)); err != nil {
		t.Fatalf("the open dashboard still shows the deleted news: %v", err)
	}
}
