package handlers_test

import (
	"strings"
	"testing"
	"time"
)

// TestPirepTimesSayTheyAreUTC: the block times and a flight's dates, which the browser shows in
// its own format, say under them that they are UTC and what UTC's clock
// reads, and the inputs are described by that note (a screen reader reads
// it too).
func TestPirepTimesSayTheyAreUTC(t *testing.T) {
	w := newMatrixWorld(t, embedded)
	a := w.airlines["A"]
	pilot := w.actors[1]
	w.session(t, pilot)
	before := time.Now().UTC()
	_, body := getAs(t, pilot.client, w.URL+"/airlines/"+a.id+"/pireps/new", nil)
	d := doc(t, body)
	for _, name := range []string{"block_off", "block_on"} {
		in := d.Find(`#pirep-` + name)
		note := d.Find(`#pirep-` + name + `-note`)
		if !strings.Contains(in.AttrOr("aria-describedby", ""), "pirep-"+name+"-note") {
			t.Errorf("%s is not described by its note: %q", name, in.AttrOr("aria-describedby", ""))
		}
		if msg := note.Text(); !strings.Contains(msg, "UTC") || !(strings.Contains(msg, before.Format("15:04")) || strings.Contains(msg, before.Add(time.Minute).Format("15:04"))) {
			t.Errorf("%s's note says %q, want UTC and the time now", name, msg)
		}
	}
	// The flight form's dates say so too.
	staff := w.actors[2]
	w.session(t, staff)
	_, body = getAs(t, staff.client, w.URL+"/airlines/"+a.id+"/flights", nil)
	d = doc(t, body)
	for _, name := range []string{"start_date", "end_date"} {
		if label := d.Find(`label[for="flight-` + name + `"]`).Text(); !strings.Contains(label, "UTC") {
			t.Errorf("the flight's %s is labelled %q, without UTC", name, label)
		}
	}
	if !strings.Contains(d.Find(`#flight-start_date`).AttrOr("aria-describedby", ""), "flight-start_date-note") {
		t.Errorf("the flight's start date is not described by its UTC note")
	}
}
