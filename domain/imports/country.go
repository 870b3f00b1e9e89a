package imports

import (
	"strings"
	"sync"

	"golang.org/x/text/language"
	"golang.org/x/text/language/display"
)

// countryAliases are country names phpVMS files and their admins write that
// are not the names of the CLDR's English list: short forms and the names
// of older lists. Keys are folded as countryKey folds them.
var countryAliases = map[string]string{
	"usa": "US", "united states of america": "US", "america": "US",
	"uk": "GB", "great britain": "GB", "england": "GB", "scotland": "GB", "wales": "GB", "northern ireland": "GB",
	"uae": "AE", "cayman": "KY", "russian federation": "RU", "south korea": "KR", "korea": "KR",
	"republic of korea": "KR", "north korea": "KP", "czech republic": "CZ", "holland": "NL",
	"ivory coast": "CI", "cote d'ivoire": "CI", "macedonia": "MK", "burma": "MM", "swaziland": "SZ",
	"cape verde": "CV", "east timor": "TL", "vatican": "VA", "vatican city": "VA", "turkey": "TR",
	"hong kong": "HK", "macau": "MO", "macao": "MO", "taiwan": "TW", "iran": "IR", "syria": "SY",
	"laos": "LA", "vietnam": "VN", "viet nam": "VN", "bolivia": "BO", "venezuela": "VE", "tanzania": "TZ",
	"moldova": "MD", "brunei": "BN", "palestine": "PS", "micronesia": "FM", "congo": "CG",
	"democratic republic of the congo": "CD", "dr congo": "CD", "bosnia": "BA", "bosnia and herzegovina": "BA",
	"st. lucia": "LC", "saint lucia": "LC", "st. kitts and nevis": "KN", "saint kitts and nevis": "KN",
	"st. vincent and the grenadines": "VC", "saint vincent and the grenadines": "VC", "virgin islands": "VI",
	"british virgin islands": "VG", "us virgin islands": "VI", "falkland islands": "FK", "faroe islands": "FO",
}

var (
	countriesOnce sync.Once
	countries     map[string]string // folded English name → ISO 3166-1 alpha-2
)

// countryKey folds a country name for lookup: lower case, single spaces,
// "&" as "and".
func countryKey(name string) string {
	name = strings.ReplaceAll(strings.ToLower(name), "&", " and ")
	return strings.Join(strings.Fields(name), " ")
}

// loadCountries builds the name list from the CLDR's English region names
// (golang.org/x/text), for every ISO 3166-1 country code.
func loadCountries() {
	countries = map[string]string{}
	names := display.English.Regions()
	for a := 'A'; a <= 'Z'; a++ {
		for b := 'A'; b <= 'Z'; b++ {
			code := string([]rune{a, b})
			r, err := language.ParseRegion(code)
			if err != nil || !r.IsCountry() || r.String() != code {
				continue
			}
			// The first code of a name is its own: GB before UK, which
			// the list keeps as a reserved alias.
			if n := names.Name(r); n != "" && countries[countryKey(n)] == "" {
				countries[countryKey(n)] = code
			}
		}
	}
	for k, v := range countryAliases {
		countries[k] = v
	}
}

// CountryCode reads a country as phpVMS files and people write it: a
// two-letter code (returned upper case), a three-letter ISO 3166-1 alpha-3
// code ("PRT") or an English name ("Canada", "United States"), mapped to
// its ISO 3166-1 alpha-2 code. ok is false for a name it does not know; ""
// is "", ok.
func CountryCode(v string) (code string, ok bool) {
	v = strings.TrimSpace(v)
	if v == "" {
		return "", true
	}
	if len(v) == 2 {
		return strings.ToUpper(v), true
	}
	if len(v) == 3 {
		if r, err := language.ParseRegion(strings.ToUpper(v)); err == nil && r.IsCountry() && len(r.String()) == 2 {
			return r.String(), true
		}
	}
	countriesOnce.Do(loadCountries)
	code, ok = countries[countryKey(v)]
	return code, ok
}
