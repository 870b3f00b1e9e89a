package handlers_test

import (
	"net/http"
	"net/url"
	"strings"
	"testing"
)

// TestPrivateAirfieldsAndCountryNames: an airfield the world list does not
// have is added by hand with its name and position, one without them is
// refused beside the fields it lacks, and a country is taken as two or
// three letters or a name, in the add form and the edit form.
func TestPrivateAirfieldsAndCountryNames(t *testing.T) {
	a := newApp(t, nil)
	c, id := a.staffAirline(t, "PVT")
	base := a.URL + "/airlines/" + id + "/airports"
	token := formToken(t, c, base, "add-airport")

	// Without a position the unknown code is refused, and the message says
	// how to add it by hand.
	resp, body := post(t, c, base, url.Values{"_csrf": {token}, "icao": {"ZZZZ"}, "name": {"Hidden Strip"}})
	if d := doc(t, body); resp.StatusCode != http.StatusUnprocessableEntity || !strings.Contains(text(d, "error-icao"), "private or fictional airfield") {
		t.Errorf("an unknown code without a position: %d %q", resp.StatusCode, text(d, "error-icao"))
	}
	// A position without a name: the name is asked for, the typed values kept.
	resp, body = post(t, c, base, url.Values{"_csrf": {token}, "icao": {"ZZZZ"}, "lat": {"38.5"}, "lon": {"-9.1"}})
	d := doc(t, body)
	if resp.StatusCode != http.StatusUnprocessableEntity || text(d, "error-name") == "" || d.Find(`#airport-lat`).AttrOr("value", "") != "38.5" {
		t.Errorf("a private airfield without a name: %d name error %q", resp.StatusCode, text(d, "error-name"))
	}
	resp, body = post(t, c, base, url.Values{"_csrf": {token}, "icao": {"ZZZZ"}, "name": {"Hidden Strip"}, "lat": {"38.5"}, "lon": {"-9.1"}, "country": {"PRT"}})
	if resp.StatusCode != http.StatusSeeOther {
		t.Fatalf("a private airfield with its name and position: %d %s", resp.StatusCode, body)
	}
	_, body = getAs(t, c, base+"/ZZZZ", nil)
	d = doc(t, body)
	if d.Find(`#airport-country`).AttrOr("value", "") != "PT" || d.Find(`#airport-lat`).AttrOr("value", "") != "38.5" {
		t.Errorf("the private airfield was saved with country %q, latitude %q", d.Find(`#airport-country`).AttrOr("value", ""), d.Find(`#airport-lat`).AttrOr("value", ""))
	}

	// The edit form takes a country's name, and refuses one it does not know.
	edit := base + "/ZZZZ"
	etoken := formToken(t, c, edit, "airport-form")
	form := url.Values{"_csrf": {etoken}, "name": {"Hidden Strip"}, "country": {"Spain"}, "lat": {"38.5"}, "lon": {"-9.1"}}
	if resp, _ := post(t, c, edit, form); resp.StatusCode != http.StatusSeeOther {
		t.Fatalf("save with a country's name: %d", resp.StatusCode)
	}
	_, body = getAs(t, c, edit, nil)
	if got := doc(t, body).Find(`#airport-country`).AttrOr("value", ""); got != "ES" {
		t.Errorf("Spain saved as %q, want ES", got)
	}
	form.Set("country", "Atlantis")
	resp, body = post(t, c, edit, form)
	if d := doc(t, body); resp.StatusCode != http.StatusUnprocessableEntity || !strings.Contains(text(d, "error-country"), "Atlantis") ||
		d.Find(`#airport-country`).AttrOr("value", "") != "Atlantis" {
		t.Errorf("an unknown country: %d %q", resp.StatusCode, text(d, "error-country"))
	}
}
