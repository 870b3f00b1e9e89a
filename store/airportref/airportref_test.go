package airportref_test

import (
	"os"
	"strings"
	"testing"

	"github.com/albatross-va/albatross/store/airportref"
)

const sample = "EGLL\tLHR\tLondon Heathrow Airport\tLondon\tGB\t51.470748\t-0.459909\t83\n" +
	"EGKK\tLGW\tLondon Gatwick Airport\tLondon\tGB\t51.148102\t-0.190278\t202\n" +
	"LPPT\tLIS\tLisbon Humberto Delgado Airport\tLisbon\tPT\t38.7813\t-9.13592\t374\n" +
	"CYLD\t\tChapleau Airport\tChapleau\tCA\t47.82\t-83.34\t1470\n" +
	"KXLO\t\tXLondon Field\tNowhere\tUS\t1\t2\t3\n"

func icaos(as []airportref.Airport) string {
	var s []string
	for _, a := range as {
		s = append(s, a.ICAO)
	}
	return strings.Join(s, ",")
}

func TestLookupAndSearch(t *testing.T) {
	ix, err := airportref.New(strings.NewReader(sample))
	if err != nil {
		t.Fatal(err)
	}
	a, ok := ix.Lookup("egll")
	if !ok || a.Name != "London Heathrow Airport" || a.IATA != "LHR" || a.Country != "GB" || a.Elevation != 83 || a.Latitude != 51.470748 {
		t.Errorf("Lookup(egll) = %+v, %v", a, ok)
	}
	if _, ok := ix.Lookup("KXYZ"); ok {
		t.Error("Lookup(KXYZ) found an airport the reference does not have")
	}
	for q, want := range map[string]string{
		"LIS":    "LPPT",           // IATA
		"eg":     "EGKK,EGLL",      // ICAO prefix, in order
		"london": "EGKK,EGLL,KXLO", // word starts first, then inside a word
		"lisbon": "LPPT",           // city
		"EGLL":   "EGLL",
		"zzzz":   "",
	} {
		if got := icaos(ix.Search(q, 10)); got != want {
			t.Errorf("Search(%q) = %s, want %s", q, got, want)
		}
	}
	if got := ix.Search("london", 1); len(got) != 1 {
		t.Errorf("Search with limit 1 gave %d", len(got))
	}
}

// TestEmbeddedReference checks the data `make` builds: it skips when the
// file was not built (plain `go test`), and fails in CI, which builds it.
func TestEmbeddedReference(t *testing.T) {
	ix, err := airportref.Default()
	if err != nil {
		t.Fatal(err)
	}
	if ix.Len() == 0 {
		if os.Getenv("CI") != "" {
			t.Fatal("the airport reference is not built; run make")
		}
		t.Skip("the airport reference is not built; run make to build it")
	}
	if ix.Len() < 10000 {
		t.Errorf("%d airports, want every airport with an ICAO code (over 10,000)", ix.Len())
	}
	for _, icao := range []string{"EGLL", "LPPT", "KJFK", "RJTT"} {
		if _, ok := ix.Lookup(icao); !ok {
			t.Errorf("%s is missing from the reference", icao)
		}
	}
	if got := ix.Search("heathrow", 5); len(got) == 0 || got[0].ICAO != "EGLL" {
		t.Errorf("Search(heathrow) = %v", got)
	}
}

func BenchmarkSearch(b *testing.B) {
	ix, _ := airportref.Default()
	if ix.Len() == 0 {
		b.Skip("reference not built")
	}
	for b.Loop() {
		ix.Search("inter", 10)
	}
}
