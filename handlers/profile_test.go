package handlers_test

import (
	"context"
	"net/http"
	"net/url"
	"slices"
	"strings"
	"testing"
	"time"

	"github.com/PuerkitoBio/goquery"
	"github.com/google/uuid"

	"github.com/albatross-va/albatross/domain"
)

func TestPilotPublicProfile(t *testing.T) {
	for _, m := range []mode{embedded, postgres} {
		t.Run(string(m), func(t *testing.T) { checkPilotProfile(t, newMatrixWorld(t, m)) })
	}
}

func checkPilotProfile(t *testing.T, w *matrixWorld) {
	ctx := context.Background()
	a, b := w.airlines["A"], w.airlines["B"]
	anon, pilot, staff, staffB := w.actors[0], w.actors[1], w.actors[2], w.actors[3]
	for _, ac := range []*actor{pilot, staff, staffB} {
		w.session(t, ac)
	}
	sys := domain.CommandMeta{Who: domain.System}
	for _, ap := range []domain.AirportDetails{
		{ICAO: "LPPT", Name: "Lisbon", Latitude: 38.77, Longitude: -9.13},
		{ICAO: "KJFK", Name: "John F Kennedy", Latitude: 40.64, Longitude: -73.78},
	} {
		_, err := (&domain.Airports{Runner: w.runner}).Add(ctx, sys, a.id, ap)
		must(t, err)
	}
	w.settle(t)
	// The pilot's accepted flights: EGLL–LPPT twice, back once, and to
	// KJFK from LPPT once: three routes. A rejected one draws nothing.
	off := time.Date(2026, 11, 10, 9, 0, 0, 0, time.UTC)
	fly := func(n int, dpt, arr string, accept bool) {
		t.Helper()
		o := off.Add(time.Duration(n) * 24 * time.Hour)
		id := w.fileAs(t, a, a.pirepPilotID, domain.PirepDetails{FlightNumber: "9" + string(rune('0'+n)), DptAirport: dpt, ArrAirport: arr,
			AircraftID: a.flown, BlockOff: o, BlockOn: o.Add(2 * time.Hour), FlightTime: 110, Distance: 800})
		var err error
		if accept {
			_, err = w.pireps.Accept(ctx, sys, a.id, id)
		} else {
			_, err = w.pireps.Reject(ctx, sys, a.id, id, "No.")
		}
		must(t, err)
		w.settle(t)
	}
	// Two tours: the first flown whole by the flights below, the second
	// under way (one leg of two).
	tours := &domain.Tours{Runner: w.runner, IDs: domain.RandomIDs{}}
	_, _, err := tours.Save(ctx, sys, a.id, "", domain.TourForm{Name: "Lisbon and back", Legs: "EGLL LPPT\nLPPT EGLL"})
	must(t, err)
	_, _, err = tours.Save(ctx, sys, a.id, "", domain.TourForm{Name: "Atlantic", Legs: "LPPT KJFK\nKJFK LPPT"})
	must(t, err)
	w.settle(t)
	fly(1, "EGLL", "LPPT", true)
	fly(2, "LPPT", "EGLL", true)
	fly(3, "EGLL", "LPPT", true)
	fly(4, "LPPT", "KJFK", true)
	fly(5, "KJFK", "LPPT", false)
	_, err = (&domain.Awards{Runner: w.runner, IDs: domain.RandomIDs{}}).GrantByHand(ctx, domain.CommandMeta{Who: domain.System}, a.id, a.pirepPilotID, a.award, "Secret staff note")
	must(t, err)
	w.settle(t)
	u, err := w.rm.GetUser(ctx, uuid.MustParse(a.pirepPilotID))
	must(t, err)
	profile := w.URL + "/a/" + a.slug + "/pilots/" + u.PilotID

	// Anyone sees a pilot who never chose: rank, hours, flights, the
	// award with its public image, the latest flights and one path per
	// route, with the routes as a list.
	resp, body := getAs(t, anon.client, profile, nil)
	d := doc(t, body)
	if resp.StatusCode != http.StatusOK {
		t.Fatalf("the profile: %d %.300s", resp.StatusCode, body)
	}
	if text(d, "profile-ident") != u.PilotID || text(d, "profile-flights") != "4" || text(d, "profile-hours") != domain.FormatFlightTime(4*110) {
		t.Errorf("the profile's figures: %q %q %q", text(d, "profile-ident"), text(d, "profile-flights"), text(d, "profile-hours"))
	}
	if strings.Contains(body, "Secret staff note") || strings.Contains(body, u.Email) {
		t.Error("the public profile shows staff's reason or the pilot's email")
	}
	var tourLines []string
	d.Find(`[data-testid="profile-tour"]`).Each(func(_ int, s *goquery.Selection) {
		tourLines = append(tourLines, strings.Join(strings.Fields(s.Text()), " "))
	})
	slices.Sort(tourLines)
	if !slices.Equal(tourLines, []string{"Atlantic · 1 of 2 legs", "Lisbon and back · finished"}) {
		t.Errorf("the profile's tours: %q, want Atlantic under way and Lisbon and back finished", tourLines)
	}
	if n := d.Find(`[data-testid="profile-recent-flight"]`).Length(); n != 4 {
		t.Errorf("latest flights: %d, want the 4 accepted", n)
	}
	var routes []string
	d.Find(`svg[data-testid="route-map"] path[data-testid="route-line"]`).Each(func(_ int, s *goquery.Selection) {
		routes = append(routes, s.AttrOr("data-route", ""))
	})
	slices.Sort(routes)
	if !slices.Equal(routes, []string{"EGLL-LPPT", "LPPT-EGLL", "LPPT-KJFK"}) {
		t.Errorf("the map draws %v, want one path per route flown", routes)
	}
	if d.Find(`svg[data-testid="route-map"] circle[data-testid="route-airport"]`).Length() != 3 ||
		strings.TrimSpace(d.Find(`svg[data-testid="route-map"] > title`).Text()) == "" || d.Find(`svg[role="img"][aria-labelledby]`).Length() != 1 {
		t.Errorf("the map's airports or its title are missing")
	}
	if first := strings.Join(strings.Fields(d.Find(`[data-testid="route-item"]`).First().Text()), " "); !strings.HasPrefix(first, "EGLL → LPPT") || !strings.Contains(first, "2 flights") {
		t.Errorf("the route list starts with %q, want the most flown, EGLL → LPPT, 2 flights", first)
	}
	img := d.Find(`[data-testid="award"] [data-testid="award-image"]`).AttrOr("src", "")
	if !strings.HasPrefix(img, "/a/"+a.slug+"/awards/") {
		t.Fatalf("the award's image is at %q, want the public route", img)
	}
	if r, body := getAs(t, anon.client, w.URL+img, nil); r.StatusCode != http.StatusOK || r.Header.Get("Content-Type") != domain.ImageSVG ||
		!strings.Contains(r.Header.Get("Content-Security-Policy"), "default-src 'none'") || !strings.Contains(body, "<circle") {
		t.Errorf("the public award image: %d %q", r.StatusCode, r.Header.Get("Content-Type"))
	}
	if r, _ := getAs(t, anon.client, w.URL+"/a/"+b.slug+"/awards/"+a.award+"/image", nil); r.StatusCode != http.StatusNotFound {
		t.Errorf("A's award image under B's address: %d, want 404", r.StatusCode)
	}
	// The live fragment is the section alone.
	if r, body := getAs(t, anon.client, profile+"/live", map[string]string{"HX-Request": "true"}); r.StatusCode != http.StatusOK || strings.Contains(body, "<html") || !strings.Contains(body, `data-testid="route-map"`) {
		t.Errorf("the live section: %d %.200s", r.StatusCode, body)
	}

	// Unknown idents, another airline's pilot, and a pilot id typed in
	// another case.
	for _, path := range []string{"/a/" + b.slug + "/pilots/" + u.PilotID, "/a/" + a.slug + "/pilots/ZZZ9999", "/a/no-such-airline/pilots/" + u.PilotID} {
		if r, _ := getAs(t, anon.client, w.URL+path, nil); r.StatusCode != http.StatusNotFound {
			t.Errorf("%s: %d, want 404", path, r.StatusCode)
		}
	}
	if r, _ := getAs(t, anon.client, w.URL+"/a/"+a.slug+"/pilots/"+strings.ToLower(u.PilotID), nil); r.StatusCode != http.StatusOK {
		t.Errorf("the ident in lower case: %d", r.StatusCode)
	}
	// The public page links the pilot of its latest flights.
	_, body = getAs(t, anon.client, w.URL+"/a/"+a.slug, nil)
	if href := doc(t, body).Find(`[data-testid="public-pilot-link"]`).First().AttrOr("href", ""); href != "/a/"+a.slug+"/pilots/"+u.PilotID {
		t.Errorf("the public page links %q, want the pilot's profile", href)
	}

	// The setting: a post without the CSRF token is refused and changes
	// nothing; the pilot turns it off.
	settings := w.URL + "/account/profile"
	_, body = getAs(t, pilot.client, settings, nil)
	d = doc(t, body)
	if _, on := d.Find(`#profile-public`).Attr("checked"); !on || d.Find(`label[for="profile-public"]`).Length() != 1 {
		t.Errorf("the setting starts unchecked or unlabelled")
	}
	if d.Find(`nav a[data-testid="nav-profile"][href="/account/profile"]`).Length() != 1 {
		t.Error("the navigation does not lead a pilot to their profile setting")
	}
	before := w.countEvents(t)
	if r, _ := post(t, pilot.client, settings, url.Values{"command_id": {domain.NewUUID()}}); r.StatusCode != http.StatusForbidden {
		t.Errorf("a post without the CSRF token: %d, want 403", r.StatusCode)
	}
	if w.countEvents(t) != before {
		t.Error("a refused post appended an event")
	}
	if r, body := w.sendForm(t, pilot, "/account/profile", url.Values{"command_id": {domain.NewUUID()}}); r.StatusCode != http.StatusSeeOther {
		t.Fatalf("turn it off: %d %.300s", r.StatusCode, body)
	}
	_, body = getAs(t, pilot.client, settings, nil)
	d = doc(t, body)
	if _, on := d.Find(`#profile-public`).Attr("checked"); on || text(d, "profile-saved") == "" {
		t.Errorf("after turning it off the box is checked, or no confirmation")
	}
	// Hidden: 404 to anyone and to another airline's staff, as an unknown
	// pilot; the pilot and their staff still see it, marked.
	for _, ac := range []*actor{anon, staffB} {
		if r, _ := getAs(t, ac.client, profile, nil); r.StatusCode != http.StatusNotFound {
			t.Errorf("%s opens a hidden profile: %d, want 404", ac.name, r.StatusCode)
		}
	}
	for _, ac := range []*actor{pilot, staff} {
		r, body := getAs(t, ac.client, profile, nil)
		if d := doc(t, body); r.StatusCode != http.StatusOK || text(d, "profile-hidden") == "" {
			t.Errorf("%s opens their hidden profile: %d, marked %q", ac.name, r.StatusCode, text(d, "profile-hidden"))
		}
	}
	_, body = getAs(t, anon.client, w.URL+"/a/"+a.slug, nil)
	if doc(t, body).Find(`[data-testid="public-pilot-link"]`).Length() != 0 {
		t.Error("the public page links a hidden profile")
	}
	// On again: public again.
	if r, _ := w.sendForm(t, pilot, "/account/profile", url.Values{"command_id": {domain.NewUUID()}, "public": {"on"}}); r.StatusCode != http.StatusSeeOther {
		t.Fatalf("turn it on: %d", r.StatusCode)
	}
	if r, _ := getAs(t, anon.client, profile, nil); r.StatusCode != http.StatusOK {
		t.Errorf("the profile turned on again: %d", r.StatusCode)
	}
}
