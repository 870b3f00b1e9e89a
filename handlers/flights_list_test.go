package handlers_test

import (
	"strings"
	"testing"
)

// TestTheFlightsListShowsDistanceAndAddAboveTheTable: each flight's
// distance is a column, and staff find "Add a flight" (and the flights'
// import and export) above the table, not only at the foot of 50 rows.
func TestTheFlightsListShowsDistanceAndAddAboveTheTable(t *testing.T) {
	w := newMatrixWorld(t, embedded)
	a := w.airlines["A"]
	staff, pilot := w.actors[2], w.actors[1]
	w.session(t, staff)
	w.session(t, pilot)
	_, body := getAs(t, staff.client, w.URL+"/airlines/"+a.id+"/flights", nil)
	d := doc(t, body)
	if got := strings.TrimSpace(d.Find(`[data-testid="flights"] thead th`).Eq(7).Text()); got != "Distance" {
		t.Errorf("the eighth column is %q, want Distance", got)
	}
	if got := text(d, "flight-distance"); !strings.HasSuffix(got, " nm") {
		t.Errorf("a flight's distance reads %q", got)
	}
	link := strings.Index(body, `data-testid="add-flight-link"`)
	if table := strings.Index(body, `data-testid="flights"`); link < 0 || table < 0 || link > table {
		t.Errorf("'Add a flight' is not above the table (at %d, the table at %d)", link, table)
	}
	if href := d.Find(`[data-testid="add-flight-link"]`).AttrOr("href", ""); d.Find(href).Length() != 1 {
		t.Errorf("'Add a flight' points at %q, which is not on the page", href)
	}
	// A pilot, who cannot add flights, is not offered it.
	_, body = getAs(t, pilot.client, w.URL+"/airlines/"+a.id+"/flights", nil)
	if strings.Contains(body, `data-testid="add-flight-link"`) || strings.Contains(body, `data-testid="import-flights"`) {
		t.Errorf("a pilot is offered to add or import flights")
	}
}
