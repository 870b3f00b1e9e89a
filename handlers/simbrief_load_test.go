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

// dispatchFields prepares the pilot's SimBrief dispatch of a flight and
// returns the fields its link sends SimBrief.
func (w *simbriefWorld) dispatchFields(t *testing.T, flightID string) url.Values {
	t.Helper()
	plan := "/airlines/" + w.a.id + "/flights/" + flightID + "/simbrief"
	req, _ := http.NewRequest(http.MethodPost, w.URL+plan, strings.NewReader(url.Values{"_csrf": {w.csrfToken(t, w.pilot.client)}}.Encode()))
	req.Header.Set("Content-Type", "application/x-www-form-urlencoded")
	resp, err := w.pilot.client.Do(req)
	if err != nil {
		t.Fatal(err)
	}
	defer resp.Body.Close()
	d, _ := goquery.NewDocumentFromReader(resp.Body)
	link, _ := d.Find(`[data-testid="simbrief-dispatch"]`).Attr("href")
	u, err := url.Parse(link)
	if err != nil || resp.StatusCode != http.StatusOK || link == "" {
		t.Fatalf("prepare the dispatch: %d, link %q", resp.StatusCode, link)
	}
	return u.Query()
}

// SimBrief's passengers and cargo come from the subfleet's fares at the
// flight's load factor, as phpVMS's SimBrief form sends them (pax, and
// cargo in thousands): the flight's override of a capacity first, then the
// subfleet's, then the fare's own; inactive fares and fares neither names
// carry nothing. Without fares SimBrief keeps its own load. The variance
// is drawn at its top (90% for 80 ± 10).
func TestSimbriefLoadFromFares(t *testing.T) {
	for _, m := range []mode{embedded, postgres} {
		t.Run(string(m), func(t *testing.T) {
			w := newSimbriefWorld(t, m, simbriefPick(func(n int) int { return n - 1 }))
			ctx := context.Background()
			sys := domain.CommandMeta{Who: domain.System}
			base := "/airlines/" + w.a.id
			if resp := w.matrixWorld.send(t, w.staff, http.MethodPost, base+"/settings/simbrief", url.Values{"api_key": {"KEY"}, "expire_hours": {""}}); resp.StatusCode != http.StatusSeeOther {
				t.Fatalf("save the key: %d", resp.StatusCode)
			}
			flight, _, err := w.flights.Add(ctx, sys, w.a.id, domain.FlightSchedule{FlightNumber: "900", DptAirport: "EGLL", ArrAirport: "KJFK",
				DptTime: "10:00", FlightTime: 420, FlightType: "J", Active: true, LoadFactor: 80, LoadFactorVariance: 10, Fares: "B?capacity=30"})
			if err != nil {
				t.Fatal(err)
			}
			w.settle(t)

			// No fares yet (the flight's names one the airline lacks):
			// SimBrief's own load.
			if q := w.dispatchFields(t, flight); q.Has("pax") || q.Has("cargo") {
				t.Errorf("without fares: pax %q cargo %q, want neither sent", q.Get("pax"), q.Get("cargo"))
			}

			fares := &domain.Fares{Runner: w.runner}
			for _, f := range []domain.Fare{
				{Code: "Y", Name: "Economy", Capacity: 200, Active: true},
				{Code: "B", Name: "Business", Capacity: 10, Active: true},
				{Code: "F", Name: "First", Capacity: 8, Active: false},
				{Code: "C", Name: "Cargo", Type: domain.FareCargo, Capacity: 10000, Active: true},
				{Code: "X", Name: "Not carried", Capacity: 500, Active: true},
			} {
				if _, _, err := fares.Save(ctx, sys, w.a.id, f); err != nil {
					t.Fatal(err)
				}
			}
			if _, err := w.fleet.ChangeSubfleet(ctx, sys, w.a.id, w.a.subfleet, domain.Subfleet{Type: "B738", ICAO: "B738", Name: "737",
				HubID: "EGLL", Fares: "Y?capacity=150;B?capacity=20;F;C", SetFares: true}); err != nil {
				t.Fatal(err)
			}
			w.settle(t)

			// Y 150 (the subfleet's) and B 30 (the flight's) at 90%: 135 +
			// 27 passengers; C 10000 lb at 90%: 9.0 thousand.
			q := w.dispatchFields(t, flight)
			if q.Get("pax") != "162" || q.Get("cargo") != "9.0" {
				t.Errorf("with fares: pax %q cargo %q, want 162 and 9.0", q.Get("pax"), q.Get("cargo"))
			}
			if q.Get("type") != "B738" {
				t.Errorf("type %q, want B738", q.Get("type"))
			}
		})
	}
}
