package handlers_test

import (
	"testing"
)

// TestRequiredFieldsAreMarked: the fields a form cannot do without carry
// required and aria-required and an asterisk beside their label, the
// optional ones neither, and the airline form's slug box names the box it
// is suggested from.
func TestRequiredFieldsAreMarked(t *testing.T) {
	a := newApp(t, nil)
	c, _ := a.staffAirline(t, "REQ")
	check := func(page, form string, required, optional []string) {
		t.Helper()
		_, body := getAs(t, c, a.URL+page, nil)
		d := doc(t, body)
		for _, f := range required {
			in := d.Find(`#` + form + `-` + f)
			if _, ok := in.Attr("required"); !ok || in.AttrOr("aria-required", "") != "true" ||
				d.Find(`label[for="`+form+`-`+f+`"] [data-testid="required-mark"]`).Length() != 1 {
				t.Errorf("%s: %s is not marked required", page, f)
			}
		}
		for _, f := range optional {
			in := d.Find(`#` + form + `-` + f)
			if _, ok := in.Attr("required"); ok || in.Length() != 1 || d.Find(`label[for="`+form+`-`+f+`"] [data-testid="required-mark"]`).Length() != 0 {
				t.Errorf("%s: the optional %s is marked required (or missing)", page, f)
			}
		}
	}
	check("/airlines", "airline", []string{"name", "icao", "slug"}, []string{"iata", "pilot_id_prefix"})
	check("/a/req-air/register", "register", []string{"name", "email", "password", "password_confirm"}, nil)

	_, body := getAs(t, c, a.URL+"/airlines", nil)
	if from := doc(t, body).Find(`#airline-slug`).AttrOr("data-slug-from", ""); from != "airline-name" {
		t.Errorf("the slug box is suggested from %q, want airline-name", from)
	}
}
