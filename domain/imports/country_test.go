package imports_test

import (
	"testing"

	"github.com/albatross-va/albatross/domain/imports"
)

// A three-letter ISO 3166-1 code is read as its two-letter one, beside
// the two-letter codes and the names.
func TestCountryCodeTakesThreeLetterCodes(t *testing.T) {
	for in, want := range map[string]string{"PRT": "PT", "gbr": "GB", "USA": "US", "Esp": "ES", "UAE": "AE", "pt": "PT", "Portugal": "PT"} {
		if got, ok := imports.CountryCode(in); !ok || got != want {
			t.Errorf("CountryCode(%q) = %q, %v; want %q", in, got, ok, want)
		}
	}
	for _, in := range []string{"XYZ", "ZZZ", "Atlantis"} {
		if got, ok := imports.CountryCode(in); ok {
			t.Errorf("CountryCode(%q) = %q, ok; want refused", in, got)
		}
	}
}
