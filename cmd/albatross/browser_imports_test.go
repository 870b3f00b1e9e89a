package main

import (
	"context"
	"fmt"
	"net/http"
	"net/url"
	"os"
	"path/filepath"
	"strings"
	"testing"
	"time"

	"github.com/chromedp/chromedp"
)

// addPerson adds a person to an airline through the people form and
// returns their one-time password.
func addPerson(t *testing.T, b *browser, airlineID, name, email, role string) string {
	t.Helper()
	_, doc := b.get("/airlines/" + airlineID + "/people")
	form := doc.Find(`[data-testid="person-form"]`)
	csrf, _ := form.Find(`input[name="_csrf"]`).Attr("value")
	cmd, _ := form.Find(`input[name="command_id"]`).Attr("value")
	resp, doc := b.post("/airlines/"+airlineID+"/people", url.Values{"_csrf": {csrf}, "command_id": {cmd}, "name": {name},
		"email": {email}, "country": {"PT"}, "role": {role}}, nil)
	if resp.StatusCode == http.StatusSeeOther {
		_, doc = b.get(resp.Header.Get("Location"))
	}
	otp := strings.TrimSpace(doc.Find(`[data-testid="otp"]`).Text())
	if otp == "" {
		t.Fatalf("add %s: status %d, no one-time password shown", email, resp.StatusCode)
	}
	return otp
}

// passwordChosen is true once the forced password change has led on.
const passwordChosen = `!document.querySelector('[data-testid="forced"]') && document.readyState === "complete"`

// An airline admin imports the sample airline file by file through the
// imports page, watching each job's page follow the import live, and a
// pilot then finds one of the imported flights from a hub.
func TestBrowserCSVImport(t *testing.T) {
	srv := startServer(t, map[string]string{"ALBATROSS_DATA_DIR": t.TempDir(), "ALBATROSS_WAIT_BOUND": slowMachineWait})
	platform := loginAsAdmin(t, srv)
	airline := createAirline(t, platform, "Albatross Atlantic", "ABT", "atlantic")
	adminOTP := addPerson(t, platform, airline, "Ana Admin", "ana@atlantic.example", "airline_admin")
	pilotOTP := addPerson(t, platform, airline, "Paulo Pilot", "paulo@atlantic.example", "pilot")

	browser := newChromium(t)
	shot := &pageShot{t: t, walk: "membership", mode: "csv"}
	admin := newProfile(t, browser)
	if err := chromedp.Do(admin,
		firstLogIn(srv.URL, "ana@atlantic.example", adminOTP, "Ana's own password 1"),
	); err != nil {
		t.Fatalf("the airline admin logs in: %v", err)
	}
	// A larger flights file after the samples, so the job page is open
	// while rows are still being applied.
	dir := t.TempDir()
	big := filepath.Join(dir, "flights-more.csv")
	var b strings.Builder
	b.WriteString("airline,flight_number,dpt_airport,arr_airport,days,dpt_time,flight_time,flight_type,enabled,subfleets\n")
	const more = 4000
	for i := 1; i <= more; i++ {
		fmt.Fprintf(&b, "ABT,%d,LPPT,LPPR,1234567,%02d%02d,55,J,1,B738-LIS\n", 2000+i, i%24, i%60)
	}
	if err := os.WriteFile(big, []byte(b.String()), 0o644); err != nil {
		t.Fatal(err)
	}
	files := []struct{ kind, path string }{
		{"airports", "../../testdata/phpvms/airports.csv"}, {"subfleets", "../../testdata/phpvms/subfleets.csv"},
		{"aircraft", "../../testdata/phpvms/aircraft.csv"}, {"flights", "../../testdata/phpvms/flights.csv"}, {"flights", big},
	}
	want := map[string]int{"airports": 12, "subfleets": 3, "aircraft": 10}
	for i, f := range files {
		abs, err := filepath.Abs(f.path)
		if err != nil {
			t.Fatal(err)
		}
		total := want[f.kind]
		if f.kind == "flights" {
			total = 49
			if f.path == big {
				total = more
			}
		}
		if err := chromedp.Do(admin,
			chromedp.Navigate(srv.URL+"/airlines/"+airline+"/imports"),
			chromedp.WaitVisible(testID("import-form")),
			chromedp.SetValue(chromedp.ID("import-kind"), f.kind),
			chromedp.SetUploadFiles(chromedp.ID("import-file"), []string{abs}),
		); err != nil {
			t.Fatalf("choose the %s file: %v", f.kind, err)
		}
		if i == 0 {
			shot.take(admin, "import-form")
		}
		if err := chromedp.Do(admin,
			submitForm("import-form"),
			chromedp.WaitVisible(testID("import-job")),
			// A mark that a reload would wipe: the count must reach the total
			// through the live updates alone.
			waitTrue(`(window.stillThisPage = true)`),
		); err != nil {
			t.Fatalf("upload the %s file: %v", f.kind, err)
		}
		if f.path == big {
			shot.take(admin, "import-flights-progress")
		}
		done := fmt.Sprintf("Done: %d of %d rows.", total, total)
		wait, cancel := context.WithTimeout(admin, time.Minute)
		err = chromedp.Do(wait,
			waitTrue(`document.querySelector('[data-testid="job-state"]').textContent.includes(`+"`"+done+"`"+`)`),
			waitTrue(`window.stillThisPage === true`),
		)
		cancel()
		if err != nil {
			screenshot(t, admin, "csv-failed")
			t.Fatalf("the %s job page never said %q without a reload: %v (it says %q)", f.kind, done, err, text(t, admin, `[data-testid="job-state"]`))
		}
		contains(t, admin, `[data-testid="created"]`, fmt.Sprint(total))
		shot.take(admin, "import-"+f.kind+"-done")
	}

	// A pilot of the airline searches the flights from a hub and opens one.
	pilot := newProfile(t, browser)
	if err := chromedp.Do(pilot,
		firstLogIn(srv.URL, "paulo@atlantic.example", pilotOTP, "Paulo's own password 1"),
		chromedp.Navigate(srv.URL+"/airlines/"+airline+"/flights"),
		chromedp.WaitVisible(testID("flight-search")),
		chromedp.SendKeys(chromedp.ID("search-dpt-input"), "EGLL"),
		chromedp.SendKeys(chromedp.ID("search-arr-input"), "KJFK"),
		submitForm("flight-search"),
		waitTrue(`location.search.includes("dpt=EGLL") && document.readyState === "complete"`),
		chromedp.WaitVisible(testID("flight-row")),
	); err != nil {
		t.Fatalf("the pilot searches from EGLL: %v", err)
	}
	contains(t, pilot, `[data-testid="flight-row"]`, "ABT114")
	shot.take(pilot, "pilot-search")
	if err := chromedp.Do(pilot,
		chromedp.Click(chromedp.CSS(`[data-testid="flight-row"] a`)),
		chromedp.WaitVisible(testID("flight-ident")),
	); err != nil {
		t.Fatalf("the pilot opens the flight: %v", err)
	}
	contains(t, pilot, `[data-testid="flight-ident"]`, "EGLL → KJFK")
	contains(t, pilot, `[data-testid="flight-facts"]`, "B77W")
	shot.take(pilot, "pilot-flight")
}
