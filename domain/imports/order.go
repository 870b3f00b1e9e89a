package imports

import (
	"fmt"
	"slices"
	"strings"
)

// Order is the order an airline imports its files in: each names records
// of the ones before it (subfleets have hub airports, aircraft are in
// subfleets at airports, flights fly between airports); fares and
// expenses, kept for the finances to come, name none of them.
var Order = []string{"airports", "subfleets", "aircraft", "flights", "fares", "expenses"}

// Next is the kind to import after kind in Order, or "" after the last.
func Next(kind string) string {
	i := slices.Index(Order, kind)
	if i < 0 || i+1 >= len(Order) {
		return ""
	}
	return Order[i+1]
}

// signatures are, for each file phpVMS writes, the columns that tell it
// from the others: a header with all of a signature's columns is that
// file.
var signatures = []struct {
	kind, title string
	columns     []string
}{
	{"flights", "a flights file", []string{"flight_number", "dpt_airport", "arr_airport"}},
	{"aircraft", "an aircraft file", []string{"subfleet", "registration"}},
	{"subfleets", "a subfleets file", []string{"type", "fuel_type"}},
	{"airports", "an airports file", []string{"icao", "lat", "lon"}},
	{"expenses", "an expenses file", []string{"amount", "charge_to_user"}},
	{"fares", "a fares file", []string{"code", "price", "capacity"}},
}

// titles name the kinds in sentences.
var titles = map[string]string{"airports": "airports", "subfleets": "subfleets", "aircraft": "aircraft", "flights": "flights",
	"fares": "fares", "expenses": "expenses"}

// wrongKind says what a file whose header lacks kind's required columns
// looks like instead, or "" when its header is none of phpVMS's files.
func wrongKind(kind string, header []string) string {
	has := map[string]bool{}
	for _, h := range header {
		has[strings.ToLower(strings.TrimSpace(strings.TrimPrefix(h, "\ufeff")))] = true
	}
	for _, s := range signatures {
		if s.kind == kind {
			continue
		}
		all := true
		for _, c := range s.columns {
			all = all && has[c]
		}
		if !all {
			continue
		}
		msg := "This looks like " + s.title + ", not " + article(kind) + " file"
		if _, ok := titles[s.kind]; ok {
			msg += ": choose " + strings.ToUpper(s.kind[:1]) + s.kind[1:] + " and upload it again"
		}
		return msg + "."
	}
	return ""
}

func article(kind string) string {
	if kind == "aircraft" || kind == "airports" || kind == "expenses" {
		return "an " + kind
	}
	return "a " + kind
}

// missingRef is a record a row named that the airline does not have and
// the file cannot create: what kind it is and its name.
type missingRef struct{ kind, name string }

// noteMissing remembers that msg, a row's problem, is a reference to a
// record of kind the airline lacks, so that Summarize can say it once.
func (a *Airline) noteMissing(msg, kind, name string) {
	if a.missing == nil {
		a.missing = map[string]missingRef{}
	}
	a.missing[msg] = missingRef{kind, name}
}

// Summarize replaces the rows' problems that say the airline lacks what
// they name, when it has none of that kind at all (an aircraft file
// uploaded before any subfleet: one problem a row), by one problem a
// kind, at the top, naming the file to import first and a few of what is
// missing. An airline that has some keeps each row's problem: a row
// naming one it lacks is that row's mistake.
func (a *Airline) Summarize(c *Checked) {
	if len(a.missing) == 0 {
		return
	}
	none := map[string]bool{
		"airports":  len(a.Airports) == len(a.NewAirports),
		"subfleets": len(a.Subfleets) == len(a.NewSubfleets),
	}
	names := map[string][]string{}
	rows := map[string]map[int]bool{}
	kept := c.Problems[:0]
	for _, p := range c.Problems {
		ref, ok := a.missing[p.Message]
		if !ok || !none[ref.kind] {
			kept = append(kept, p)
			continue
		}
		if !slices.Contains(names[ref.kind], ref.name) {
			names[ref.kind] = append(names[ref.kind], ref.name)
		}
		if rows[ref.kind] == nil {
			rows[ref.kind] = map[int]bool{}
		}
		rows[ref.kind][p.Line] = true
	}
	var first []Problem
	for _, kind := range Order {
		list := names[kind]
		if len(list) == 0 {
			continue
		}
		shown := list
		if len(shown) > 5 {
			shown = shown[:5]
		}
		more := ""
		if len(list) > len(shown) {
			more = fmt.Sprintf(" and %d more", len(list)-len(shown))
		}
		first = append(first, Problem{Message: fmt.Sprintf("Import the %s file first: %s %s the airline does not have yet (%s%s).",
			titles[kind], plural(len(rows[kind]), "a row names", fmt.Sprintf("%d rows name", len(rows[kind]))),
			plural(len(list), singular(kind), titles[kind]), strings.Join(shown, ", "), more)})
	}
	c.Problems = append(first, kept...)
}

func singular(kind string) string {
	switch kind {
	case "airports":
		return "an airport"
	case "subfleets":
		return "a subfleet"
	}
	return kind
}
