package handlers_test

import (
	"context"
	"net/http"
	"net/url"
	"strings"
	"testing"

	"github.com/PuerkitoBio/goquery"

	"github.com/albatross-va/albatross/domain"
)

// openPage is one browser tab: a page's HTML and its own event stream.
type openPage struct {
	name   string
	client *http.Client
	html   string
	events <-chan string
}

// liveRefresh is what one open page does after a change: the SSE events it
// got, and the fragment requests its live sections make for them.
type liveRefresh struct {
	events   []string
	requests []string // hx-get of each section woken
	bytes    int      // what those requests' answers hold
	bodies   []string
}

// One accept of pilot A's PIREP wakes only the pages that show it, and each
// re-fetches one fragment, not its whole page: A's dashboard its career
// section (and the pilot's notices, which the accept adds to), the staff's
// queue its rows, the roster its rows; another pilot's dashboard makes no
// request at all.
func TestOneAcceptRefreshesOnlyTheLiveFragmentsItChanges(t *testing.T) {
	for _, m := range []mode{embedded, postgres} {
		t.Run(string(m), func(t *testing.T) { checkLiveAccept(t, newMatrixWorld(t, m)) })
	}
}

func checkLiveAccept(t *testing.T, w *matrixWorld) {
	a := w.airlines["A"]
	pilotA, staff := w.actors[1], w.actors[2]
	// Pilot B is the matrix's other pilot of airline A.
	pilotB := &actor{name: "pilot B of A", login: "target-" + a.slug + "@example.com", role: domain.RolePilot, tenant: a.id}
	for _, ac := range []*actor{pilotA, pilotB, staff} {
		w.session(t, ac)
	}
	base := "/airlines/" + a.id
	open := func(name string, ac *actor, path string) *openPage {
		resp, body := getAs(t, ac.client, w.URL+path, nil)
		if resp.StatusCode != http.StatusOK {
			t.Fatalf("%s: %d", name, resp.StatusCode)
		}
		return &openPage{name: name, client: ac.client, html: body, events: eventStream(t, ac.client, w.URL+"/events")}
	}
	dashA := open("A's dashboard", pilotA, base+"/dashboard")
	dashB := open("B's dashboard", pilotB, base+"/dashboard")
	queue := open("the review queue", staff, base+"/pireps/queue")
	roster := open("the roster", staff, base+"/roster")

	if resp, _ := w.sendForm(t, staff, base+"/pireps/"+a.pirep+"/accept", url.Values{}); resp.StatusCode != http.StatusSeeOther {
		t.Fatalf("accept: %d", resp.StatusCode)
	}
	// Each page that shows the PIREP hears of it; then a change every page
	// of the airline hears (an airport) marks the end of what the accept
	// sent, so B's dashboard is known to have heard everything it would.
	seen := map[*openPage][]string{
		dashA:  eventsUntil(t, dashA.name, dashA.events, "own-pireps"),
		queue:  eventsUntil(t, queue.name, queue.events, "pirep-review"),
		roster: eventsUntil(t, roster.name, roster.events, "pilot-totals"),
	}
	w.settle(t)
	if _, err := (&domain.Airports{Runner: w.runner}).Add(context.Background(), domain.CommandMeta{Who: domain.System}, a.id,
		domain.AirportDetails{ICAO: "LPPT", Name: "Lisbon", Latitude: 38.78, Longitude: -9.13}); err != nil {
		t.Fatal(err)
	}
	refreshes := map[*openPage]liveRefresh{}
	for _, p := range []*openPage{dashA, dashB, queue, roster} {
		evs := append(seen[p], eventsUntil(t, p.name, p.events, "airports")...)
		evs = evs[:len(evs)-1] // the marker, not the accept's
		refreshes[p] = refresh(t, w, p, evs)
		t.Logf("%s (page %d bytes): events %v, requests %v, %d bytes", p.name, len(p.html), evs, refreshes[p].requests, refreshes[p].bytes)
	}

	careerURL := base + "/dashboard/live"
	// An accept changes all the dashboard shows (hours, location, the
	// flights from there, the latest PIREPs): its fragment is that section
	// without the layout; the queue and the roster fetch their rows alone.
	for _, c := range []struct {
		page     *openPage
		want     string // the one fragment the accept makes it fetch
		fraction int    // the fragment is under 1/fraction of the page
	}{
		{dashA, careerURL, 1},
		{queue, base + "/pireps/queue/live", 3},
		{roster, base + "/roster/live", 3},
	} {
		r := refreshes[c.page]
		if !contains(r.requests, c.want) || countOf(r.requests, c.want) != 1 {
			t.Errorf("%s fetched %v, want %s once", c.page.name, r.requests, c.want)
			continue
		}
		if n := len(r.bodies[indexOf(r.requests, c.want)]); n*c.fraction >= len(c.page.html) {
			t.Errorf("%s re-fetched %d bytes of its %d-byte page, want under 1/%d", c.page.name, n, len(c.page.html), c.fraction)
		}
	}
	// Besides its career the dashboard may only fetch the pilot's notices
	// (the accept tells them), never the page again.
	for _, u := range refreshes[dashA].requests {
		if u != careerURL && !strings.HasSuffix(u, "/notices") {
			t.Errorf("A's dashboard also fetched %s", u)
		}
	}
	for _, p := range []*openPage{queue, roster} {
		if n := len(refreshes[p].requests); n != 1 {
			t.Errorf("%s made %d requests (%v), want 1", p.name, n, refreshes[p].requests)
		}
	}
	if r := refreshes[dashB]; len(r.requests) != 0 {
		t.Errorf("B's dashboard was woken by A's accept: events %v, requests %v", r.events, r.requests)
	}
	for _, e := range refreshes[dashB].events {
		if e == "own-pireps" || strings.HasPrefix(e, "pirep-") {
			t.Errorf("B's stream got A's %s event", e)
		}
	}
	// The fragments show the change.
	for i, u := range refreshes[dashA].requests {
		if u == careerURL {
			if d := doc(t, refreshes[dashA].bodies[i]); text(d, "dashboard-flights") != "1" || strings.Contains(refreshes[dashA].bodies[i], "<html") {
				t.Errorf("the career fragment: %d flights text %q, or it is a page", d.Find(`#dashboard`).Length(), text(d, "dashboard-flights"))
			}
		}
	}
}

// refresh makes the requests a page's live sections make for the events
// that arrived: each element whose hx-trigger names an sse: event among them
// GETs its hx-get, as htmx would.
func refresh(t *testing.T, w *matrixWorld, p *openPage, events []string) liveRefresh {
	t.Helper()
	r := liveRefresh{events: events}
	doc(t, p.html).Find("[hx-trigger][hx-get]").Each(func(_ int, s *goquery.Selection) {
		trigger, _ := s.Attr("hx-trigger")
		for _, part := range strings.Split(trigger, ",") {
			name, ok := strings.CutPrefix(strings.Fields(part + " x")[0], "sse:")
			if !ok || !contains(events, name) {
				continue
			}
			get, _ := s.Attr("hx-get")
			resp, body := getAs(t, p.client, w.URL+get, map[string]string{"HX-Request": "true"})
			if resp.StatusCode != http.StatusOK {
				t.Errorf("%s: GET %s: %d", p.name, get, resp.StatusCode)
			}
			r.requests, r.bodies = append(r.requests, get), append(r.bodies, body)
			r.bytes += len(body)
			return // one request per element, however many of its events came
		}
	})
	return r
}

func contains(list []string, s string) bool { return countOf(list, s) > 0 }

func indexOf(list []string, s string) int {
	for i, x := range list {
		if x == s {
			return i
		}
	}
	return -1
}

func countOf(list []string, s string) int {
	n := 0
	for _, x := range list {
		if x == s {
			n++
		}
	}
	return n
}

// A live fragment route answers its section alone, with the page's access
// checks: another airline's staff do not find it, and it is never cached.
func TestLiveFragmentsAreTheSectionAlone(t *testing.T) {
	w := newMatrixWorld(t, embedded)
	a := w.airlines["A"]
	pilot, staff := w.actors[1], w.actors[2]
	for _, ac := range []*actor{pilot, staff} {
		w.session(t, ac)
	}
	base := "/airlines/" + a.id
	for _, c := range []struct {
		who     *actor
		path    string
		section string
	}{
		{pilot, base + "/dashboard/live", "#dashboard"},
		{pilot, base + "/pireps/live", "#my-pireps"},
		{pilot, base + "/pireps/" + a.pirep + "/live", "#pirep-detail"},
		{staff, base + "/pireps/queue/live", "#pirep-queue"},
		{staff, base + "/pireps/all/live?state=pending", "#pirep-list"},
		{pilot, base + "/roster/live", "#roster"},
		{pilot, base + "/stats/live", "#airline-stats"},
	} {
		resp, body := getAs(t, c.who.client, w.URL+c.path, nil)
		d := doc(t, body)
		// Not the page: no document, no stream of its own.
		if resp.StatusCode != http.StatusOK || d.Find(c.section).Length() != 1 ||
			strings.Contains(body, "<html") || strings.Contains(body, "sse-connect") {
			t.Errorf("GET %s: %d, %d of %s, or more than the section: %.200s", c.path, resp.StatusCode, d.Find(c.section).Length(), c.section, body)
		}
		if cc := resp.Header.Get("Cache-Control"); cc != "no-store" {
			t.Errorf("GET %s: Cache-Control %q", c.path, cc)
		}
	}
	// The PIREP's fragment carries its comment thread, which htmx swaps
	// out of band.
	if _, body := getAs(t, pilot.client, w.URL+base+"/pireps/"+a.pirep+"/live", nil); doc(t, body).Find("#pirep-thread").Length() != 1 {
		t.Errorf("the PIREP's fragment lacks its comment thread")
	}
}
