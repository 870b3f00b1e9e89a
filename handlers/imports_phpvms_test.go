package handlers_test

import (
	"net/http"
	"net/url"
	"strings"
	"testing"

	"github.com/PuerkitoBio/goquery"

	"github.com/albatross-va/albatross/internal/phpvmsfixtures"
)

// fixtureWorld is the world reference of the fixture tests: the airports
// phpVMS's flights file names that its airports files do not give.
const fixtureWorld = "KJFK\tJFK\tJohn F Kennedy International Airport\tNew York\tUS\t40.639801\t-73.7789\t13\n" +
	"KLGA\tLGA\tLa Guardia Airport\tNew York\tUS\t40.777199\t-73.872597\t21\n" +
	"KDFW\tDFW\tDallas Fort Worth International Airport\tDallas\tUS\t32.896801\t-97.038002\t607\n" +
	"EGPH\tEDI\tEdinburgh Airport\tEdinburgh\tGB\t55.950145\t-3.372288\t135\n"

// fixture reads one of phpVMS 7.0.10's own import files.
func fixture(t *testing.T, name string) string {
	t.Helper()
	return string(phpvmsfixtures.Read(t, "7.0.10/"+name))
}

// jobResult is what a job page says of a file: its state, its counts and
// its problems by "row column".
type jobResult struct {
	state, counts string
	problems      map[string]string
	notes         []string
	doc           *goquery.Document
	url           string
}

func importFixture(t *testing.T, a *app, c *http.Client, airline, kind, file string) jobResult {
	t.Helper()
	u := uploadKind(t, a, c, airline, kind, file, false)
	return jobAt(t, a, c, u)
}

func jobAt(t *testing.T, a *app, c *http.Client, u string) jobResult {
	t.Helper()
	d := job(t, a, c, u)
	r := jobResult{state: d.Find(`[data-testid="import-job"]`).AttrOr("data-state", ""), counts: counts(d),
		problems: problemsOf(d), doc: d, url: u}
	d.Find(`[data-testid="job-note"]`).Each(func(_ int, s *goquery.Selection) { r.notes = append(r.notes, s.Text()) })
	return r
}

// applyValidRows presses "Import only the valid rows" on a refused job.
func applyValidRows(t *testing.T, a *app, c *http.Client, r jobResult) jobResult {
	t.Helper()
	token := r.doc.Find(`[data-testid="apply-valid"]`).Parent().Find(`input[name="_csrf"]`).AttrOr("value", "")
	if resp, _ := post(t, c, r.url+"/apply-valid", url.Values{"_csrf": {token}}); resp.StatusCode != http.StatusSeeOther {
		t.Fatalf("apply valid rows: %d", resp.StatusCode)
	}
	return jobAt(t, a, c, r.url)
}

func TestPhpvmsFixtureExplore(t *testing.T) {
	a := newAppOn(t, embedded, nil, withWorldAirports(fixtureWorld))
	c, id := a.staffAirline(t, "VMS")
	for _, f := range []struct{ kind, file string }{
		{"airports", "airports.csv"}, {"subfleets", "subfleets.csv"}, {"aircraft", "aircraft.csv"},
		{"aircraft", "aircraft-update.csv"}, {"aircraft", "aircraft_empty_cols.csv"},
		{"flights", "flights.csv"}, {"flights", "flights_empty_fields.csv"},
		{"airports", "airports_special_chars.csv"}, {"airports", "airports_errors.csv"},
	} {
		r := importFixture(t, a, c, id, f.kind, fixture(t, f.file))
		t.Logf("%s: %s %s %v %q state=%q", f.file, r.state, r.counts, r.problems, r.notes, strings.Join(strings.Fields(r.doc.Find(`[data-testid="job-state"]`).Text()), " "))
		if r.state == "refused" && r.doc.Find(`[data-testid="apply-valid"]`).Length() > 0 {
			r = applyValidRows(t, a, c, r)
			t.Logf("   valid: %s %s %v %q", r.state, r.counts, r.problems, r.notes)
		}
	}
	for _, k := range []string{"airports", "subfleets", "aircraft", "flights"} {
		t.Logf("%s:\n%s", k, exportKind(t, a, c, id, k))
	}
}
