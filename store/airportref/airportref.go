// Package airportref is the world airport reference: every open airport
// with an ICAO code, from OurAirports (see the README for the source and
// licence). Adding an airport by ICAO fills its details from here, and the
// airport search box searches it. The data is built by `make assets` into
// data/, committed (so `go install` and a plain `go build` embed it) and
// checked by CI to be what `make assets` makes, byte for byte.
package airportref

import (
	"bufio"
	"cmp"
	"compress/gzip"
	"embed"
	"fmt"
	"io"
	"slices"
	"strconv"
	"strings"
	"sync"
)

//go:embed all:data
var data embed.FS

// File is where `make` writes the reference, relative to this package.
const File = "data/airports.tsv.gz"

// Airport is one airport of the reference.
type Airport struct {
	ICAO      string
	IATA      string
	Name      string
	City      string
	Country   string // ISO 3166-1 alpha-2
	Latitude  float64
	Longitude float64
	Elevation int32 // feet
}

// Index looks airports up by code and searches them by code, name or city.
// It is read-only once built and safe for concurrent use.
type Index struct {
	airports []Airport      // sorted by ICAO
	byICAO   map[string]int // index into airports
	byIATA   map[string][]int
	keys     []string // lower-cased "name city" of each airport, for search
}

// New builds an index from tab-separated lines: ICAO, IATA, name, city,
// country, latitude, longitude, elevation.
func New(r io.Reader) (*Index, error) {
	ix := &Index{byICAO: map[string]int{}, byIATA: map[string][]int{}}
	sc := bufio.NewScanner(r)
	line := 0
	for sc.Scan() {
		line++
		f := strings.Split(sc.Text(), "\t")
		if len(f) != 8 {
			return nil, fmt.Errorf("airportref line %d: %d fields, want 8", line, len(f))
		}
		lat, err1 := strconv.ParseFloat(f[5], 64)
		lon, err2 := strconv.ParseFloat(f[6], 64)
		elev, err3 := strconv.ParseInt(f[7], 10, 32)
		if err1 != nil || err2 != nil || err3 != nil {
			return nil, fmt.Errorf("airportref line %d: bad number", line)
		}
		ix.airports = append(ix.airports, Airport{ICAO: f[0], IATA: f[1], Name: f[2], City: f[3], Country: f[4],
			Latitude: lat, Longitude: lon, Elevation: int32(elev)})
	}
	if err := sc.Err(); err != nil {
		return nil, err
	}
	slices.SortFunc(ix.airports, func(a, b Airport) int { return cmp.Compare(a.ICAO, b.ICAO) })
	ix.keys = make([]string, len(ix.airports))
	for i, a := range ix.airports {
		ix.byICAO[a.ICAO] = i
		if a.IATA != "" {
			ix.byIATA[a.IATA] = append(ix.byIATA[a.IATA], i)
		}
		ix.keys[i] = strings.ToLower(a.Name + " " + a.City)
	}
	return ix, nil
}

var (
	defaultOnce  sync.Once
	defaultIndex *Index
	defaultErr   error
)

// Default returns the embedded reference, built once. Without the data file
// (a build that skipped `make`) it is empty and Built reports false.
func Default() (*Index, error) {
	defaultOnce.Do(func() {
		f, err := data.Open(File)
		if err != nil {
			defaultIndex = &Index{byICAO: map[string]int{}, byIATA: map[string][]int{}}
			return
		}
		defer f.Close()
		zr, err := gzip.NewReader(f)
		if err != nil {
			defaultErr = fmt.Errorf("airportref: %w", err)
			return
		}
		defaultIndex, defaultErr = New(zr)
	})
	return defaultIndex, defaultErr
}

// Len is how many airports the reference holds.
func (ix *Index) Len() int { return len(ix.airports) }

// Lookup finds an airport by its ICAO code, in any case.
func (ix *Index) Lookup(icao string) (Airport, bool) {
	i, ok := ix.byICAO[strings.ToUpper(strings.TrimSpace(icao))]
	if !ok {
		return Airport{}, false
	}
	return ix.airports[i], true
}

// Search returns up to limit airports matching q, best first: the airport
// whose ICAO or IATA code is q, then ICAO codes starting with q, then names
// and cities containing q (those where a word starts with q first).
func (ix *Index) Search(q string, limit int) []Airport {
	q = strings.TrimSpace(q)
	if q == "" || limit <= 0 {
		return nil
	}
	upper, lower := strings.ToUpper(q), strings.ToLower(q)
	seen := map[int]bool{}
	var out []Airport
	add := func(i int) bool {
		if !seen[i] {
			seen[i] = true
			out = append(out, ix.airports[i])
		}
		return len(out) >= limit
	}
	if i, ok := ix.byICAO[upper]; ok && add(i) {
		return out
	}
	for _, i := range ix.byIATA[upper] {
		if add(i) {
			return out
		}
	}
	// ICAO prefixes: a binary search finds the first, the rest follow.
	start, _ := slices.BinarySearchFunc(ix.airports, upper, func(a Airport, t string) int { return cmp.Compare(a.ICAO, t) })
	for i := start; i < len(ix.airports) && strings.HasPrefix(ix.airports[i].ICAO, upper); i++ {
		if add(i) {
			return out
		}
	}
	var later []int
	for i, k := range ix.keys {
		at := strings.Index(k, lower)
		if at < 0 || seen[i] {
			continue
		}
		if at == 0 || k[at-1] == ' ' {
			if add(i) {
				return out
			}
		} else {
			later = append(later, i)
		}
	}
	for _, i := range later {
		if add(i) {
			return out
		}
	}
	return out
}
