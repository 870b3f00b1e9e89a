package handlers_test

import (
	"net/http"
	"strings"
	"testing"
)

// TestImportsGuideThroughTheOrder uploads phpVMS's own files the wrong way
// round: a flights file as aircraft is named for what it is, an aircraft
// file before any subfleet says once to import the subfleets first, and a
// finished file links to what it created and to the next file; each
// import page is under its records' tab, and the fleet and flights pages
// have their own import and export links.
func TestImportsGuideThroughTheOrder(t *testing.T) {
	a := newAppOn(t, embedded, nil, withWorldAirports(fixtureWorld))
	c, id := a.staffAirline(t, "VMS")
	current := func(r jobResult) string {
		return strings.TrimSpace(r.doc.Find(`nav[aria-label="Airline"] [aria-current="page"]`).Text())
	}

	r := importFixture(t, a, c, id, "aircraft", fixture(t, "flights.csv"))
	if r.state != "refused" || !strings.Contains(r.text(), "This looks like a flights file, not an aircraft file: choose Flights and upload it again.") ||
		len(r.problems) != 0 || strings.Contains(r.text(), "problems in") {
		t.Errorf("flights.csv as aircraft: %s %q %v", r.state, r.text(), r.problems)
	}
	if got := current(r); got != "Fleet" {
		t.Errorf("an aircraft import's page is under the %q tab, want Fleet", got)
	}

	r = importFixture(t, a, c, id, "aircraft", fixture(t, "aircraft.csv"))
	body, _ := r.doc.Html()
	if r.state != "refused" || !strings.Contains(r.text(), "Import the subfleets file first: 2 rows name subfleets the airline does not have yet (A32X, 74X).") ||
		strings.Count(body, "unknown subfleet") != 0 || strings.Count(body, "Import the subfleets file first") != 1 {
		t.Errorf("aircraft.csv before any subfleet: %s %q %v", r.state, r.text(), r.problems)
	}

	r = applyValidRows(t, a, c, importFixture(t, a, c, id, "airports", fixture(t, "airports.csv")))
	next := r.doc.Find(`[data-testid="job-next-link"]`)
	if r.state != "done" || next.AttrOr("href", "") != "/airlines/"+id+"/imports?kind=subfleets" ||
		r.doc.Find(`[data-testid="job-result-link"]`).AttrOr("href", "") != "/airlines/"+id+"/airports" {
		t.Errorf("a finished airports file offers %q next and links %q", next.AttrOr("href", ""),
			r.doc.Find(`[data-testid="job-result-link"]`).AttrOr("href", ""))
	}
	if got := current(r); got != "Airports" {
		t.Errorf("an airports import's page is under the %q tab", got)
	}

	resp, body := getAs(t, c, a.URL+"/airlines/"+id+"/imports?kind=flights", nil)
	if got := strings.TrimSpace(doc(t, body).Find(`nav[aria-label="Airline"] [aria-current="page"]`).Text()); resp.StatusCode != http.StatusOK || got != "Flights" {
		t.Errorf("the flights upload page is under the %q tab (%d)", got, resp.StatusCode)
	}
	_, body = getAs(t, c, a.URL+"/airlines/"+id+"/fleet", nil)
	d := doc(t, body)
	for _, k := range []string{"subfleets", "aircraft"} {
		if d.Find(`[data-testid="import-`+k+`"][href="/airlines/`+id+`/imports?kind=`+k+`"]`).Length() != 1 ||
			d.Find(`[data-testid="export-`+k+`"][href="/airlines/`+id+`/exports/`+k+`"]`).Length() != 1 {
			t.Errorf("the fleet page has no import and export links of %s", k)
		}
	}
	_, body = getAs(t, c, a.URL+"/airlines/"+id+"/flights", nil)
	d = doc(t, body)
	if d.Find(`[data-testid="import-flights"][href="/airlines/`+id+`/imports?kind=flights"]`).Length() != 1 ||
		d.Find(`[data-testid="export-flights"][href="/airlines/`+id+`/exports/flights"]`).Length() != 1 {
		t.Errorf("the flights page has no import and export links")
	}
}
