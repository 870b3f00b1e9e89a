package main

import (
	"context"
	"os"
	"strconv"
	"strings"
	"testing"
	"time"

	"github.com/chromedp/cdproto/cdp"
	"github.com/chromedp/cdproto/network"
	"github.com/chromedp/chromedp"

	"github.com/albatross-va/albatross/store/pgtest"
)

// A pilot files a PIREP while a staff member has the review queue open in
// another browser: the queue shows it without a reload, staff accept it,
// and the pilot's open PIREP page and dashboard follow without a reload.
func TestBrowserPirepReview(t *testing.T) {
	t.Run("embedded", func(t *testing.T) {
		srv := startServer(t, map[string]string{"ALBATROSS_DATA_DIR": t.TempDir(), "ALBATROSS_WAIT_BOUND": slowMachineWait})
		walkPirepReview(t, "embedded", srv)
	})
	t.Run("postgres", func(t *testing.T) {
		pgtest.RequireRedis(t, pgtest.RedisURL())
		env := map[string]string{"DATABASE_URL": pgtest.NewDatabase(t), "REDIS_URL": pgtest.RedisURL(), "ALBATROSS_WAIT_BOUND": slowMachineWait}
		walkPirepReview(t, "postgres", startServer(t, env))
	})
}

// importSample uploads one of the sample phpVMS files through the imports
// form and waits for the job to finish.
func importSample(t *testing.T, b *browser, airlineID, kind string) {
	t.Helper()
	data, err := os.ReadFile("../../testdata/phpvms/" + kind + ".csv")
	if err != nil {
		t.Fatal(err)
	}
	waitJob(t, b, uploadCSV(t, b, airlineID, kind, data), "done")
}

// stillThisPage marks the page so that a reload would wipe the mark.
const (
	markPage      = `(window.stillThisPage = true)`
	stillThisPage = `window.stillThisPage === true`
)

// chooseLastAircraft picks the last of the airline's aircraft in the
// filing form, whichever it is.
var chooseLastAircraft = waitTrue(`(() => { const s = document.getElementById("pirep-aircraft_id");
	s.value = s.options[s.options.length - 1].value; return s.value !== "" })()`)

// fileLeg files a PIREP of a 50-minute flight, in an hour from blockOff,
// on the airline's last aircraft.
func fileLeg(base, number, dpt, arr, blockOff string) chromedp.Action[chromedp.Void] {
	off, _ := time.Parse("2006-01-02T15:04", blockOff)
	return chromedp.Steps(
		chromedp.Navigate(base+"/pireps/new"),
		chromedp.WaitVisible(testID("pirep-form")),
		chromedp.SendKeys(chromedp.ID("pirep-flight_number"), number),
		chromedp.SendKeys(chromedp.ID("pirep-dpt-input"), dpt),
		chromedp.SendKeys(chromedp.ID("pirep-arr-input"), arr),
		chromedp.SetValue(chromedp.ID("pirep-block_off"), blockOff),
		chromedp.SetValue(chromedp.ID("pirep-block_on"), off.Add(time.Hour).Format("2006-01-02T15:04")),
		chromedp.SendKeys(chromedp.ID("pirep-flight_time"), "0:50"),
		chooseLastAircraft,
		chromedp.Click(testID("submit-pirep")),
		chromedp.WaitVisible(chromedp.CSS(`[data-testid="pirep-state"][data-state="pending"]`)),
	)
}

func walkPirepReview(t *testing.T, mode string, srv *testServer) {
	shot := (&pageShot{t: t, walk: "pireps", mode: mode}).take
	platform := loginAsAdmin(t, srv)
	airline := createAirline(t, platform, "Petrel Virtual", "PTV", "petrel")
	allowCharters(t, platform, airline)
	staffOTP := addPerson(t, platform, airline, "Sam Staff", "sam@petrel.example", "airline_admin")
	pilotOTP := addPerson(t, platform, airline, "Pia Pilot", "pia@petrel.example", "pilot")
	for _, kind := range []string{"airports", "subfleets", "aircraft"} {
		importSample(t, platform, airline, kind)
	}
	base := srv.URL + "/airlines/" + airline

	browser := newChromium(t)
	staff := openLiveAs(t, browser, srv.URL, "sam@petrel.example", staffOTP, "Sam's own password 1", base+"/pireps/queue", testID("empty-queue"))
	shot(staff, "staff-queue-empty")

	// The pilot keeps their dashboard open in one tab and files in another.
	pilot := openLiveAs(t, browser, srv.URL, "pia@petrel.example", pilotOTP, "Pia's own password 1", base+"/dashboard", testID("dashboard-hours"))
	hoursBefore := text(t, pilot, `[data-testid="dashboard-hours"]`)
	if hoursBefore != "0:00" {
		t.Errorf("a new pilot's dashboard shows %q hours, want 0:00", hoursBefore)
	}
	shot(pilot, "pilot-dashboard-before")

	filing, cancelFiling := chromedp.NewContext(pilot) // a second tab of the pilot's browser
	defer cancelFiling()
	if err := chromedp.Do(filing,
		chromedp.Navigate(base+"/pireps/new"),
		chromedp.WaitVisible(testID("pirep-form")),
		chromedp.SendKeys(chromedp.ID("pirep-flight_number"), "417"),
		chromedp.SendKeys(chromedp.ID("pirep-dpt-input"), "LPPT"),
		chromedp.SendKeys(chromedp.ID("pirep-arr-input"), "LPPR"),
		chromedp.SetValue(chromedp.ID("pirep-block_off"), "2026-11-20T10:00"),
		chromedp.SetValue(chromedp.ID("pirep-block_on"), "2026-11-20T11:05"),
		chromedp.SendKeys(chromedp.ID("pirep-flight_time"), "0:55"),
		chromedp.SendKeys(chromedp.ID("pirep-landing_rate"), "-142"),
		chromedp.SendKeys(chromedp.ID("pirep-route"), " tagus1a  nakos "),
	); err != nil {
		t.Fatalf("fill in the PIREP: %v", err)
	}
	if err := chromedp.Do(filing, chooseLastAircraft); err != nil {
		t.Fatalf("choose an aircraft: %v", err)
	}
	shot(filing, "pilot-files")
	if err := chromedp.Do(filing,
		chromedp.Click(testID("submit-pirep")),
		chromedp.WaitVisible(chromedp.CSS(`[data-testid="pirep-state"][data-state="pending"]`)),
		waitTrue(sseOpen),
		waitTrue(markPage),
	); err != nil {
		body, _ := chromedp.Run(filing, chromedp.Evaluate[string](`document.body.innerText`))
		t.Fatalf("submit the PIREP: %v; the page shows:\n%s", err, body)
	}
	contains(t, filing, `[data-testid="pirep-ident"]`, "PTV417")
	contains(t, filing, `[data-testid="pirep-facts"]`, "TAGUS1A NAKOS")
	shot(filing, "pilot-pirep-pending")

	pirepURL := location(t, filing)
	pirepID := pirepURL[strings.LastIndex(pirepURL, "/")+1:]

	// Staff see it arrive in the open queue, with the means to accept
	// several at once although the queue opened empty.
	row := `[data-testid="pirep-row"][data-pirep="` + pirepID + `"]`
	if err := chromedp.Do(staff, chromedp.WaitVisible(chromedp.CSS(row)), waitTrue(stillThisPage)); err != nil {
		t.Fatalf("the filed PIREP never appeared in the open queue without a reload: %v", err)
	}
	contains(t, staff, row+` [data-testid="pirep-pilot"]`, "Pia Pilot")
	if err := chromedp.Do(staff, chromedp.WaitVisible(testID("accept-selected"))); err != nil {
		t.Errorf("the queue that opened empty offers no Accept selected once a PIREP arrives: %v", err)
	}
	// A reason half typed in the queue survives the queue's live refresh
	// when another PIREP arrives.
	if err := chromedp.Do(staff, chromedp.SendKeys(chromedp.CSS(row+` input[name="reason"]`), "Half a reas")); err != nil {
		t.Fatalf("type a reason: %v", err)
	}
	another, cancelAnother := chromedp.NewContext(pilot)
	defer cancelAnother()
	if err := chromedp.Do(another, fileLeg(base, "418", "LPPR", "LPPT", "2026-11-20T12:00")); err != nil {
		t.Fatalf("file a second PIREP: %v", err)
	}
	if err := chromedp.Do(staff, waitTrue(`document.querySelectorAll('[data-testid="pirep-row"]').length === 2`)); err != nil {
		t.Fatalf("the second PIREP never appeared in the open queue: %v", err)
	}
	if kept, err := chromedp.Run(staff, chromedp.Evaluate[string](`document.querySelector('`+row+` input[name="reason"]').value`)); err != nil || kept != "Half a reas" {
		t.Errorf("the reason being typed reads %q (%v) after the queue's live refresh, want what was typed", kept, err)
	}
	shot(staff, "staff-queue-filled")
	// The queue may be re-rendered by a live update at any moment, so the
	// button is pressed on the element there now.
	press := `(() => { const b = document.querySelector('` + row + ` [data-testid="accept"]'); b.form.requestSubmit(b); return true })()`
	accepted := time.Now()
	if _, err := chromedp.Run(staff, chromedp.Evaluate[bool](press)); err != nil {
		t.Fatalf("press accept: %v", err)
	}
	if err := chromedp.Do(staff, waitTrue(`document.querySelectorAll('[data-testid="pirep-row"]').length === 1 && !document.querySelector('`+row+`')`)); err != nil {
		t.Fatalf("the queue still lists the accepted PIREP: %v", err)
	}
	contains(t, staff, `[data-testid="notice"]`, "Accepted PTV417")
	shot(staff, "staff-accepted")

	// The pilot's open pages follow, without a reload.
	wait, cancel := context.WithTimeout(filing, 30*time.Second)
	defer cancel()
	if err := chromedp.Do(wait,
		chromedp.WaitVisible(chromedp.CSS(`[data-testid="pirep-state"][data-state="accepted"]`)),
		waitTrue(stillThisPage),
	); err != nil {
		t.Fatalf("the pilot's open PIREP page never showed Accepted: %v (it says %q)", err, text(t, filing, `[data-testid="pirep-state"]`))
	}
	t.Logf("%s: the pilot's PIREP page showed Accepted %s after staff pressed accept", mode, time.Since(accepted).Round(time.Millisecond))
	contains(t, filing, `[data-testid="pirep-state"]`, "Accepted")
	if err := chromedp.Do(wait, waitTrue(`document.querySelectorAll('#pirep-edit form').length === 0`)); err != nil {
		t.Errorf("the accepted PIREP's page still offers to edit it: %v", err)
	}
	contains(t, filing, `[data-testid="history"]`, "Sam Staff")
	shot(filing, "pilot-pirep-accepted")

	// A comment posted from another tab appears in the open page's thread.
	if err := chromedp.Do(another,
		chromedp.Navigate(pirepURL),
		chromedp.WaitVisible(chromedp.ID("comment-text")),
		chromedp.SendKeys(chromedp.ID("comment-text"), "Smooth ride over the Douro."),
		chromedp.Click(testID("add-comment")),
		chromedp.WaitVisible(testID("comment")),
	); err != nil {
		t.Fatalf("comment on the PIREP: %v", err)
	}
	if err := chromedp.Do(wait, waitTrue(`[...document.querySelectorAll('[data-testid="comment"]')].some(c => c.textContent.includes("Smooth ride over the Douro."))`),
		waitTrue(stillThisPage)); err != nil {
		t.Errorf("the open PIREP page never showed the new comment: %v", err)
	}

	wait, cancel = context.WithTimeout(pilot, 30*time.Second)
	defer cancel()
	if err := chromedp.Do(wait,
		waitTrue(`document.querySelector('[data-testid="dashboard-hours"]').textContent.trim() === "0:55"`),
		waitTrue(stillThisPage),
	); err != nil {
		t.Fatalf("the pilot's open dashboard never showed 0:55 hours: %v (it shows %q)", err, text(t, pilot, `[data-testid="dashboard-hours"]`))
	}
	// A notice tells the pilot, on whichever page they have open.
	if err := chromedp.Do(wait, chromedp.WaitVisible(chromedp.CSS(`[data-testid="user-notice"][data-kind="accepted"]`))); err != nil {
		t.Fatalf("the pilot's dashboard never showed a notice of the acceptance: %v", err)
	}
	contains(t, pilot, `[data-testid="user-notice"]`, "PTV417")
	if got := text(t, pilot, `main`); !strings.Contains(got, "LPPR") {
		t.Errorf("the dashboard does not place the pilot at LPPR after the flight:\n%s", got)
	}
	shot(pilot, "pilot-dashboard-after")

	// What staff see of the airline afterwards: every PIREP, the roster
	// with the pilot's hours and where they are, the month's stats.
	if err := chromedp.Do(staff,
		chromedp.Navigate(base+"/pireps/all"),
		waitTrue(`document.querySelectorAll('[data-testid="pirep-row"]').length === 2`),
	); err != nil {
		t.Fatalf("open every PIREP: %v", err)
	}
	shot(staff, "staff-all-pireps")
	// The pilot filter is a search box: staff type part of a name, Tab to
	// the first suggestion, Enter picks it, and the filter lists that
	// pilot's PIREPs.
	wait, cancel = context.WithTimeout(staff, 20*time.Second)
	defer cancel()
	if err := chromedp.Do(wait,
		chromedp.SendKeys(chromedp.ID("filter-pilot-input"), "pia"),
		chromedp.WaitVisible(testID("pilot-option")),
		waitTrue(htmxSettled("#filter-pilot")),
		chromedp.KeyEvent("\t"),
		waitTrue(`document.activeElement.dataset.testid === "pilot-option"`),
		pressEnter(),
		chromedp.WaitVisible(testID("pilot-picked")),
	); err != nil {
		box, _ := chromedp.Run(staff, chromedp.Evaluate[string](`document.getElementById("filter-pilot").outerHTML + " focus: " + document.activeElement.outerHTML`))
		t.Fatalf("pick a pilot in the PIREP list's filter by keyboard: %v\n%s", err, box)
	}
	shot(staff, "staff-all-pireps-pilot-picked")
	if err := chromedp.Do(staff,
		chromedp.Click(chromedp.CSS(`[data-testid="pirep-filter"] button[type="submit"]`)),
		waitTrue(`new URLSearchParams(location.search).get("pilot") !== null && new URLSearchParams(location.search).get("pilot") !== ""`),
		chromedp.WaitVisible(testID("pirep-row")),
	); err != nil {
		t.Fatalf("filter the PIREP list by the picked pilot: %v", err)
	}
	if n, err := chromedp.Run(staff, chromedp.Evaluate[int](`document.querySelectorAll('[data-testid="pirep-row"]').length`)); err != nil || n != 2 {
		t.Errorf("filtered by Pia, the list shows %d PIREPs (%v), want both of hers", n, err)
	}
	contains(t, staff, `[data-testid="pirep-row"] [data-testid="pirep-pilot"]`, "Pia Pilot")
	contains(t, staff, `[data-testid="pilot-picked"]`, "Pia Pilot")
	shot(staff, "staff-all-pireps-by-pilot")
	if err := chromedp.Do(staff,
		chromedp.Navigate(base+"/roster"),
		chromedp.WaitVisible(testID("roster-row")),
	); err != nil {
		t.Fatalf("open the roster: %v", err)
	}
	contains(t, staff, `[data-testid="roster-row"] [data-testid="roster-hours"]`, "0:55")
	contains(t, staff, `[data-testid="roster-row"] [data-testid="roster-location"]`, "LPPR")
	shot(staff, "staff-roster")
	if err := chromedp.Do(staff,
		chromedp.Navigate(base+"/stats"),
		chromedp.WaitVisible(testID("total-hours")),
	); err != nil {
		t.Fatalf("open the stats: %v", err)
	}
	contains(t, staff, `[data-testid="total-hours"]`, "0:55")
	shot(staff, "staff-stats")
	if err := chromedp.Do(staff,
		chromedp.Navigate(base+"/ranks"),
		chromedp.WaitVisible(testID("rank-form")),
	); err != nil {
		t.Fatalf("open the ranks: %v", err)
	}
	shot(staff, "staff-ranks")

	// Accept selected refused (more than 200 at once, which only a forged
	// form can send) shows the error as a page, at the queue's address.
	tooMany := `(() => { const f = document.getElementById("bulk-accept");
		for (let i = 0; i < 201; i++) { const c = document.createElement("input");
			c.type = "hidden"; c.name = "pirep"; c.value = crypto.randomUUID(); f.append(c); }
		return true })()`
	if err := chromedp.Do(staff,
		chromedp.Navigate(base+"/pireps/queue"),
		chromedp.WaitVisible(testID("select-pirep")),
		waitTrue(tooMany),
		chromedp.Click(testID("accept-selected")),
		chromedp.WaitVisible(testID("error")),
	); err != nil {
		t.Fatalf("send 201 PIREPs to Accept selected: %v", err)
	}
	contains(t, staff, `[data-testid="error"]`, "Select at most 200 PIREPs at once.")
	if loc := location(t, staff); !strings.HasSuffix(loc, "/pireps/queue") {
		t.Errorf("after a refused Accept selected the address is %s, want the queue's", loc)
	}

	// The PIREP left waiting is accepted with Accept selected. While the
	// request runs (held for two seconds here) its button and boxes are
	// disabled and the page says it is working; then the queue comes back
	// with the outcome in place of the page, and stays live.
	slow := func(latency float64) chromedp.Action[chromedp.Void] {
		return func(ctx context.Context, tg *chromedp.Target) (chromedp.Void, error) {
			if _, err := cdp.Call(ctx, tg, network.Enable, network.EnableParams{}); err != nil {
				return chromedp.Void{}, err
			}
			var rules []*network.Conditions
			if latency > 0 {
				rules = append(rules, &network.Conditions{URLPattern: base + "/pireps/accept", Latency: latency, DownloadThroughput: -1, UploadThroughput: -1})
			}
			_, err := cdp.Call(ctx, tg, network.EmulateNetworkConditionsByRule, network.EmulateNetworkConditionsByRuleParams{MatchedNetworkConditions: rules})
			return chromedp.Void{}, err
		}
	}
	working := `(() => { const p = document.querySelector('[data-testid="bulk-accept-progress"]');
		return document.querySelector('[data-testid="accept-selected"]').disabled && document.querySelector('[data-testid="select-pirep"]').disabled &&
			p.classList.contains("htmx-request") && getComputedStyle(p).opacity === "1" })()`
	if err := chromedp.Do(staff,
		chromedp.Navigate(base+"/pireps/queue"),
		chromedp.WaitVisible(testID("select-pirep")),
		waitTrue(sseOpen),
		slow(2000),
		chromedp.Click(testID("select-all-pireps")), // every row: the one waiting
		waitTrue(`[...document.querySelectorAll('[data-testid="select-pirep"]')].every(b => b.checked)`),
		chromedp.Click(testID("accept-selected")),
		waitTrue(working),
	); err != nil {
		t.Fatalf("Accept selected shows no progress while it runs: %v", err)
	}
	if err := chromedp.Do(staff, chromedp.WaitVisible(testID("empty-queue")), slow(0)); err != nil {
		t.Fatalf("accept the waiting PIREP with Accept selected: %v", err)
	}
	contains(t, staff, `[data-testid="notice"]`, "Accepted PTV418.")
	if err := chromedp.Do(staff, waitTrue(`getComputedStyle(document.querySelector('[data-testid="bulk-accept-progress"]')).opacity === "0"`)); err != nil {
		t.Errorf("the progress of Accept selected still shows once it is done: %v", err)
	}
	if loc := location(t, staff); !strings.HasSuffix(loc, "/pireps/queue") {
		t.Errorf("after Accept selected the browser is at %s, want the queue", loc)
	}
	shot(staff, "staff-bulk-accepted")
	if err := chromedp.Do(another, fileLeg(base, "419", "LPPT", "LPPR", "2026-11-20T15:00")); err != nil {
		t.Fatalf("file a third PIREP: %v", err)
	}
	wait, cancel = context.WithTimeout(staff, 30*time.Second)
	defer cancel()
	if err := chromedp.Do(wait, chromedp.WaitVisible(testID("select-pirep"))); err != nil {
		t.Fatalf("the queue after Accept selected is no longer live: %v", err)
	}

	// Every other page either of them opens, looked at (and so checked for
	// accessibility) once: the markup is the same in both modes.
	if mode != "embedded" {
		return
	}
	tour := []struct {
		who          context.Context
		name, path   string
		follow       string // then the first link whose path matches this regular expression
		waitFor, act string // a test id to wait for; a script to run before the shot
	}{
		{who: staff, name: "staff-people", path: "/people"},
		{who: staff, name: "staff-person", path: "/people", follow: `/people/[0-9a-f-]{36}$`},
		{who: staff, name: "staff-airports", path: "/airports"},
		{who: staff, name: "staff-airport", path: "/airports", follow: `/airports/[A-Z0-9]{4}$`},
		{who: staff, name: "staff-fleet", path: "/fleet"},
		{who: staff, name: "staff-subfleet", path: "/fleet", follow: `/fleet/subfleets/[0-9a-f-]{36}$`},
		{who: staff, name: "staff-aircraft", path: "/fleet", follow: `/fleet/aircraft/[0-9a-f-]{36}$`},
		{who: staff, name: "staff-flights", path: "/flights"},
		{who: staff, name: "staff-imports", path: "/imports"},
		{who: staff, name: "staff-pirep-settings", path: "/settings/pireps"},
		{who: staff, name: "staff-rank-form-error", path: "/ranks", waitFor: "rank-form",
			act: `document.querySelector('[data-testid="rank-form"] button[type="submit"]').click(); true`},
		{who: staff, name: "staff-pirep", path: "/pireps/all", follow: `/pireps/[0-9a-f-]{36}$`},
		{who: another, name: "pilot-my-pireps", path: "/pireps"},
		{who: another, name: "pilot-notices", path: "/notices"},
		{who: another, name: "pilot-roster", path: "/roster"},
		{who: another, name: "pilot-pirep-form-error", path: "/pireps/new", waitFor: "pirep-form",
			act: `document.querySelector('[data-testid="submit-pirep"]').click(); true`},
	}
	for _, p := range tour {
		steps := []chromedp.Action[chromedp.Void]{chromedp.Navigate(base + p.path), chromedp.WaitVisible(chromedp.CSS("main"))}
		if p.follow != "" {
			link := `[...document.querySelectorAll('main a')].find(a => new RegExp(` + strconv.Quote(p.follow) + `).test(a.pathname))`
			steps = append(steps, waitTrue(`!!`+link), func(ctx context.Context, tg *chromedp.Target) (chromedp.Void, error) {
				href, err := chromedp.Evaluate[string](link+`.href`)(ctx, tg)
				if err != nil {
					return chromedp.Void{}, err
				}
				return chromedp.Navigate(href)(ctx, tg)
			})
		}
		if p.waitFor != "" {
			steps = append(steps, chromedp.WaitVisible(testID(p.waitFor)))
		}
		if p.act != "" {
			steps = append(steps, waitTrue(p.act), chromedp.WaitVisible(chromedp.CSS(`[aria-invalid="true"]`)))
		}
		step, cancel := context.WithTimeout(p.who, 15*time.Second)
		err := chromedp.Do(step, steps...)
		cancel()
		if err != nil {
			t.Fatalf("open %s (%s): %v", p.name, p.path, err)
		}
		shot(p.who, p.name)
	}

	// The PIREP form by keyboard, in a profile of its own (each profile's
	// walk is bounded in time): the error summary and the airport boxes.
	keys := newProfile(t, browser)
	if err := chromedp.Do(keys, chromedp.Navigate(srv.URL+"/login"), logInAs("pia@petrel.example", "Pia's own password 1"),
		waitTrue(`location.pathname !== "/login"`)); err != nil {
		t.Fatalf("the pilot logs in again: %v", err)
	}
	checkErrorSummary(t, keys, base+"/pireps/new", shot)
	checkAirportCombobox(t, keys, base+"/pireps/new", shot)
}

// checkErrorSummary submits the PIREP form at formURL with only a bad
// flight number typed: the form comes back with a summary at its top that
// has the focus and a link per field in error, each named by its label,
// that moves the focus to its field; what was typed is kept.
func checkErrorSummary(t *testing.T, tab context.Context, formURL string, shot func(context.Context, string)) {
	t.Helper()
	if err := chromedp.Do(tab,
		chromedp.Navigate(formURL),
		chromedp.WaitVisible(testID("pirep-form")),
		chromedp.SendKeys(chromedp.ID("pirep-flight_number"), "41 7"),
		chromedp.Click(testID("submit-pirep")),
		chromedp.WaitVisible(testID("error-summary")),
	); err != nil {
		t.Fatalf("submit an empty PIREP: %v", err)
	}
	shot(tab, "pilot-pirep-error-summary")
	type summary struct {
		Focused bool
		Links   []string
		Targets []string
		Invalid int
		Kept    string
	}
	s, err := chromedp.Run(tab, chromedp.Evaluate[summary](`(() => {
		const box = document.querySelector('[data-testid="error-summary"]');
		const links = [...box.querySelectorAll("a")];
		return {Focused: document.activeElement === box, Links: links.map(a => a.textContent),
			Targets: links.map(a => a.getAttribute("href")),
			Invalid: document.querySelectorAll('[data-testid="pirep-form"] [aria-invalid="true"]').length,
			Kept: document.getElementById("pirep-flight_number").value};
	})()`))
	if err != nil {
		t.Fatal(err)
	}
	if !s.Focused || len(s.Links) < 2 || len(s.Links) != s.Invalid || s.Kept != "41 7" {
		t.Fatalf("after a failed submit: summary focused %v, links %q for %d fields in error, flight number kept as %q", s.Focused, s.Links, s.Invalid, s.Kept)
	}
	found := false
	for i, l := range s.Links {
		if strings.HasPrefix(l, "Flight number: ") && s.Targets[i] == "#pirep-flight_number" {
			found = true
		}
	}
	if !found {
		t.Errorf("the summary does not link the flight number by its label: %q %q", s.Links, s.Targets)
	}
	// Tab to the first link and follow it with Enter: the focus is on its field.
	if err := chromedp.Do(tab, pressTab(), pressEnter()); err != nil {
		t.Fatal(err)
	}
	focused, err := chromedp.Run(tab, chromedp.Evaluate[string](`document.activeElement.id`))
	if err != nil {
		t.Fatal(err)
	}
	if "#"+focused != s.Targets[0] {
		t.Errorf("following the summary's first link focused %q, want %s", focused, s.Targets[0])
	}
}

// checkAirportCombobox works the PIREP form's departure box by keyboard
// alone, as ARIA's combobox pattern has it: typing lists the matches, Down
// moves to the first, Enter picks it without submitting the form and the
// focus stays in the box; in the arrival box Escape closes the list.
func checkAirportCombobox(t *testing.T, tab context.Context, formURL string, shot func(context.Context, string)) {
	t.Helper()
	options := `#pirep-dpt [data-testid="airport-option"]`
	if err := chromedp.Do(tab,
		chromedp.Navigate(formURL),
		chromedp.WaitVisible(testID("pirep-form")),
		chromedp.Focus(chromedp.ID("pirep-dpt-input")),
		chromedp.SendKeys(chromedp.ID("pirep-dpt-input"), "lisb"),
		chromedp.WaitVisible(chromedp.CSS(options)),
		waitTrue(htmxSettled("#pirep-dpt")),
		pressKey("ArrowDown", 40),
	); err != nil {
		t.Fatalf("type in the departure box: %v", err)
	}
	type state struct {
		Active, Selected, Focused, Expanded, Value, Picked, URL string
	}
	read := func() state {
		t.Helper()
		s, err := chromedp.Run(tab, chromedp.Evaluate[state](`(() => {
			const input = document.getElementById("pirep-dpt-input");
			const sel = document.querySelector('#pirep-dpt [role="option"][aria-selected="true"]');
			const picked = document.querySelector('#pirep-dpt [data-testid="airport-picked"]');
			return {Active: input.getAttribute("aria-activedescendant") || "", Selected: sel ? sel.id : "",
				Focused: document.activeElement.id, Expanded: input.getAttribute("aria-expanded"), Value: input.value,
				Picked: picked ? picked.textContent : "", URL: location.pathname};
		})()`))
		if err != nil {
			t.Fatal(err)
		}
		return s
	}
	s := read()
	if s.Active == "" || s.Active != s.Selected || s.Focused != "pirep-dpt-input" || s.Expanded != "true" {
		t.Errorf("after Down: active %q, selected %q, focus on %q, expanded %q", s.Active, s.Selected, s.Focused, s.Expanded)
	}
	shot(tab, "pilot-airport-combobox-down")
	// (the box is swapped for its picked state: the focus must be on the
	// new input, not on the one Enter was pressed in)
	if err := chromedp.Do(tab, pressEnter(), chromedp.WaitVisible(chromedp.CSS(`#pirep-dpt [data-testid="airport-picked"]`)),
		waitTrue(htmxSettled("#pirep-dpt")),
		waitTrue(`document.activeElement && document.activeElement.id === "pirep-dpt-input" && document.activeElement.isConnected && document.activeElement.value === "LPPT"`)); err != nil {
		t.Fatalf("Enter did not pick the airport and keep the focus in its box: %v (%+v)", err, read())
	}
	if s := read(); s.Value != "LPPT" || !strings.Contains(s.Picked, "Lisbon") || !strings.HasSuffix(s.URL, "/pireps/new") {
		t.Errorf("after Enter: %+v, want LPPT picked on the form, not submitted", s)
	}
	// Escape closes the arrival box's list; the text stays.
	arr := `#pirep-arr [data-testid="airport-option"]`
	if err := chromedp.Do(tab,
		pressTab(), // on to the arrival box, by keyboard
		waitTrue(`document.activeElement && document.activeElement.id === "pirep-arr-input"`),
		chromedp.SendKeys(chromedp.ID("pirep-arr-input"), "port"),
		chromedp.WaitVisible(chromedp.CSS(arr)),
		waitTrue(htmxSettled("#pirep-arr")),
		pressKey("Escape", 27),
		waitTrue(`document.querySelectorAll('`+arr+`').length === 0`),
	); err != nil {
		got, _ := chromedp.Run(tab, chromedp.Evaluate[string](`document.activeElement.id + " | " + document.getElementById("pirep-arr").outerHTML`))
		t.Fatalf("Escape in the arrival box: %v; focus and box: %s", err, got)
	}
	if got, err := chromedp.Run(tab, chromedp.Evaluate[string](`document.getElementById("pirep-arr-input").getAttribute("aria-expanded") + " " + document.getElementById("pirep-arr-input").value`)); err != nil || got != "false port" {
		t.Errorf("after Escape the arrival box reads %q (%v), want closed with the text kept", got, err)
	}
}
