package handlers_test

import (
	"context"
	"net/http"
	"net/url"
	"strings"
	"testing"
	"time"

	"github.com/PuerkitoBio/goquery"

	"github.com/albatross-va/albatross/domain"
)

// TestPublicAirlinePageShowsHubsFleetRoutesAndLatestFlights: anyone sees an
// airline's hubs, its fleet in service, its route count, its figures and
// its latest accepted flights, which an acceptance updates live over the
// public stream; pilots are named as the public map names them, never by
// an email, and another airline's records never show.
func TestPublicAirlinePageShowsHubsFleetRoutesAndLatestFlights(t *testing.T) {
	for _, m := range []mode{embedded, postgres} {
		t.Run(string(m), func(t *testing.T) {
			w := newMatrixWorld(t, m)
			ctx := context.Background()
			a, b := w.airlines["A"], w.airlines["B"]
			staff := w.actors[2]
			w.session(t, staff)
			sys := domain.CommandMeta{Who: domain.System}
			if _, err := (&domain.Airports{Runner: w.runner}).SetHub(ctx, sys, a.id, "EGLL", true); err != nil {
				t.Fatal(err)
			}
			if _, err := (&domain.Airports{Runner: w.runner}).Add(ctx, sys, b.id, domain.AirportDetails{ICAO: "LPPT", Name: "Lisbon", Hub: true, Latitude: 38.78, Longitude: -9.13}); err != nil {
				t.Fatal(err)
			}
			w.settle(t)

			visitor := newClient()
			_, body := getAs(t, visitor, w.URL+"/a/"+a.slug, nil)
			d := doc(t, body)
			if hubs := strings.Join(strings.Fields(d.Find(`[data-testid="public-hub"]`).Text()), " "); hubs != "EGLL Heathrow" {
				t.Errorf("hubs: %q, want EGLL Heathrow alone", hubs)
			}
			if fleet := strings.Join(strings.Fields(d.Find(`[data-testid="public-subfleet"]`).Text()), " "); fleet != "737 B738 · 2 aircraft" {
				t.Errorf("fleet: %q", fleet)
			}
			if got := text(d, "public-routes"); got != "1" {
				t.Errorf("routes: %q, want 1", got)
			}
			if text(d, "public-flights") != "0" || text(d, "no-public-recent") == "" {
				t.Errorf("a new airline's flights: %q, %q", text(d, "public-flights"), text(d, "no-public-recent"))
			}
			if sec := d.Find(`#public-summary`); sec.AttrOr("hx-get", "") != "/a/"+a.slug+"/summary" ||
				!strings.Contains(sec.AttrOr("hx-trigger", ""), "sse:pilot-totals") || sec.ParentsFiltered(`[sse-connect="/a/`+a.slug+`/events"]`).Length() != 1 {
				t.Errorf("the figures do not re-fetch themselves over the public stream")
			}

			// A pilot with a real name flies too.
			jane, otp, _, err := w.users.CreatePerson(ctx, sys, a.id, domain.Person{Name: "Jane Doe", Email: "jane.doe@example.com", Country: "GB", Role: domain.RolePilot})
			must(t, err)
			_ = otp
			who := domain.CommandMeta{Who: domain.Actor{UserID: jane, Role: domain.RolePilot, TenantID: a.id}}
			off := time.Date(2026, 11, 3, 9, 0, 0, 0, time.UTC)
			janes, _, err := w.pireps.File(ctx, who, a.id, domain.PirepDetails{FlightNumber: "77", DptAirport: "EGLL", ArrAirport: "EGLL",
				AircraftID: a.aircraft, BlockOff: off, BlockOn: off.Add(2 * time.Hour), FlightTime: 115, Distance: 300}, true)
			must(t, err)
			w.settle(t)

			public := eventStream(t, visitor, w.URL+"/a/"+a.slug+"/events")
			for _, id := range []string{a.pirep, janes} {
				if resp, body := w.sendForm(t, staff, "/airlines/"+a.id+"/pireps/"+id+"/accept", url.Values{}); resp.StatusCode != http.StatusSeeOther {
					t.Fatalf("accept %s: %d %s", id, resp.StatusCode, body)
				}
			}
			waitEvent(t, "a visitor", public, "pilot-totals")
			resp, frag := getAs(t, visitor, w.URL+"/a/"+a.slug+"/summary", map[string]string{"HX-Request": "true"})
			fd := doc(t, frag)
			var recent []string
			fd.Find(`[data-testid="public-recent-flight"]`).Each(func(_ int, s *goquery.Selection) {
				recent = append(recent, strings.Join(strings.Fields(s.Text()), " "))
			})
			if resp.StatusCode != http.StatusOK || strings.Contains(frag, "<html") || len(recent) != 2 ||
				!strings.HasPrefix(recent[0], "ALA77 EGLL → EGLL Jane D · 3 Nov 2026 · 1:55") || !strings.HasPrefix(recent[1], "ALA1 EGLL → EGLL") {
				t.Errorf("the latest flights after two acceptances: %d %q", resp.StatusCode, recent)
			}
			if text(fd, "public-flights") != "2" || text(fd, "public-hours") != "2" {
				t.Errorf("figures after two acceptances: %q flights, %q hours", text(fd, "public-flights"), text(fd, "public-hours"))
			}
			if resp.Header.Get("Cache-Control") != "no-store" {
				t.Errorf("the live fragment is cacheable: %q", resp.Header.Get("Cache-Control"))
			}
			_, body = getAs(t, visitor, w.URL+"/a/"+a.slug, nil)
			for _, private := range []string{"@example.com", "Doe", "Lisbon", "LPPT"} {
				if strings.Contains(body, private) {
					t.Errorf("the public page shows %q", private)
				}
			}
			// B's page has its own hub and none of A's flights.
			_, body = getAs(t, visitor, w.URL+"/a/"+b.slug, nil)
			if d := doc(t, body); !strings.Contains(d.Find(`[data-testid="public-hubs"]`).Text(), "LPPT") ||
				d.Find(`[data-testid="public-recent-flight"]`).Length() != 0 || strings.Contains(body, "Heathrow") {
				t.Errorf("airline B's public page shows A's records, or not its own hub")
			}
		})
	}
}
