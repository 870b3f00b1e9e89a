package domain_test

import (
	"testing"
	"time"

	"github.com/albatross-va/albatross/domain"
)

// TestTourLegForInOrderAndAnyOrder: an in-order tour counts only its next
// leg; an any-order tour counts the first unflown leg a flight matches; a
// PIREP already counted counts for nothing more.
func TestTourLegForInOrderAndAnyOrder(t *testing.T) {
	legs := []domain.TourLeg{{Dpt: "EGLL", Arr: "LPPT"}, {Dpt: "LPPT", Arr: "LEMD"}, {Dpt: "LEMD", Arr: "EGLL"}}
	day := time.Date(2026, 12, 10, 9, 0, 0, 0, time.UTC)
	fl := func(id, dpt, arr string) domain.TourFlight {
		return domain.TourFlight{PirepID: id, Dpt: dpt, Arr: arr, BlockOff: day}
	}
	inOrder := domain.Tour{Legs: legs}
	anyOrder := domain.Tour{Legs: legs, AnyOrder: true}
	for _, tc := range []struct {
		name  string
		tour  domain.Tour
		flown map[int]string
		f     domain.TourFlight
		want  int
	}{
		{"in order: the first leg first", inOrder, nil, fl("p1", "EGLL", "LPPT"), 0},
		{"in order: a later leg before its turn", inOrder, nil, fl("p1", "LPPT", "LEMD"), -1},
		{"in order: the second after the first", inOrder, map[int]string{0: "p0"}, fl("p1", "lppt", "lemd"), 1},
		{"in order: the first again after it", inOrder, map[int]string{0: "p0"}, fl("p1", "EGLL", "LPPT"), -1},
		{"in order: a leg taken back is next again", inOrder, map[int]string{1: "p1"}, fl("p2", "EGLL", "LPPT"), 0},
		{"any order: a later leg first", anyOrder, nil, fl("p1", "LEMD", "EGLL"), 2},
		{"any order: a flown leg again", anyOrder, map[int]string{2: "p0"}, fl("p1", "LEMD", "EGLL"), -1},
		{"any order: no leg of the tour", anyOrder, nil, fl("p1", "EGLL", "KJFK"), -1},
		{"a PIREP counted already", anyOrder, map[int]string{0: "p1"}, fl("p1", "LPPT", "LEMD"), -1},
		{"all flown", inOrder, map[int]string{0: "a", 1: "b", 2: "c"}, fl("p1", "EGLL", "LPPT"), -1},
	} {
		if got := tc.tour.LegFor(tc.flown, tc.f); got != tc.want {
			t.Errorf("%s: leg %d, want %d", tc.name, got, tc.want)
		}
	}
}

// TestTourDatesBoundTheFlights: a flight counts from the start day to the
// end day inclusive (UTC days of block off), and an open end has no bound.
func TestTourDatesBoundTheFlights(t *testing.T) {
	tour := domain.Tour{Legs: []domain.TourLeg{{Dpt: "EGLL", Arr: "LPPT"}}, StartsOn: "2026-12-01", EndsOn: "2026-12-31"}
	for _, tc := range []struct {
		at   time.Time
		want int
	}{
		{time.Date(2026, 11, 30, 23, 59, 0, 0, time.UTC), -1},
		{time.Date(2026, 12, 1, 0, 0, 0, 0, time.UTC), 0},
		{time.Date(2026, 12, 31, 23, 59, 0, 0, time.UTC), 0},
		{time.Date(2027, 1, 1, 0, 0, 0, 0, time.UTC), -1},
		// 23:30 in New York on the 31st is the 1st in UTC: outside.
		{time.Date(2026, 12, 31, 23, 30, 0, 0, time.FixedZone("EST", -5*3600)), -1},
	} {
		if got := tour.LegFor(nil, domain.TourFlight{PirepID: "p", Dpt: "EGLL", Arr: "LPPT", BlockOff: tc.at}); got != tc.want {
			t.Errorf("flown %s: leg %d, want %d", tc.at, got, tc.want)
		}
	}
	open := domain.Tour{Legs: tour.Legs, StartsOn: "2026-12-01"}
	if got := open.LegFor(nil, domain.TourFlight{PirepID: "p", Dpt: "EGLL", Arr: "LPPT", BlockOff: time.Date(2030, 1, 1, 0, 0, 0, 0, time.UTC)}); got != 0 {
		t.Errorf("a tour with no end refused a flight years later: %d", got)
	}
}

// TestTourLegFlightAndAircraftConstraints: a leg that names a flight
// number or an aircraft type counts only a flight with them (the flight
// number with or without the airline's code).
func TestTourLegFlightAndAircraftConstraints(t *testing.T) {
	leg := domain.TourLeg{Dpt: "EGLL", Arr: "KJFK", FlightNumber: "117", AircraftICAO: "B744"}
	for _, tc := range []struct {
		fn, ac string
		want   bool
	}{
		{"117", "B744", true},
		{"BAW117", "b744", true},
		{"118", "B744", false},
		{"1170", "B744", false},
		{"117", "A388", false},
		{"117", "", false},
	} {
		f := domain.TourFlight{Dpt: "EGLL", Arr: "KJFK", FlightNumber: tc.fn, AircraftICAO: tc.ac}
		if got := leg.Matches(f); got != tc.want {
			t.Errorf("flight %q in %q: %v, want %v", tc.fn, tc.ac, got, tc.want)
		}
	}
	if !(domain.TourLeg{Dpt: "EGLL", Arr: "KJFK"}).Matches(domain.TourFlight{Dpt: "EGLL", Arr: "KJFK", FlightNumber: "9", AircraftICAO: "A320"}) {
		t.Error("a leg with no constraints refused a flight on its airports")
	}
}

// TestTourFormNamesEachBadField: each bad part of the form is named beside
// its field, the bad leg by its line.
func TestTourFormNamesEachBadField(t *testing.T) {
	for _, tc := range []struct {
		form  domain.TourForm
		field string
	}{
		{domain.TourForm{Name: " ", Legs: "EGLL KJFK"}, "name"},
		{domain.TourForm{Name: "T", Legs: ""}, "legs"},
		{domain.TourForm{Name: "T", Legs: "EGLL KJFK\nEGLL"}, "legs"},
		{domain.TourForm{Name: "T", Legs: "EGLL LHR"}, "legs"},
		{domain.TourForm{Name: "T", Legs: "EGLL EGLL"}, "legs"},
		{domain.TourForm{Name: "T", Legs: "EGLL KJFK 1-1"}, "legs"},
		{domain.TourForm{Name: "T", Legs: "EGLL KJFK - 7"}, "legs"},
		{domain.TourForm{Name: "T", Legs: "EGLL KJFK", StartsOn: "1 Dec"}, "starts_on"},
		{domain.TourForm{Name: "T", Legs: "EGLL KJFK", StartsOn: "2026-12-02", EndsOn: "2026-12-01"}, "ends_on"},
	} {
		f := tc.form
		_, err := f.Validate()
		if domain.ErrorCode(err) != domain.EInvalid || domain.ErrorFields(err)[tc.field] == "" {
			t.Errorf("%+v: %v, want a message on %s", tc.form, err, tc.field)
		}
	}
	f := domain.TourForm{Name: " Iberian hop ", Legs: " egll  lppt 117 a320\r\n\r\nlppt lemd - \nLEMD EGLL - B738"}
	legs, err := f.Validate()
	if err != nil || len(legs) != 3 || legs[0] != (domain.TourLeg{Dpt: "EGLL", Arr: "LPPT", FlightNumber: "117", AircraftICAO: "A320"}) ||
		legs[1] != (domain.TourLeg{Dpt: "LPPT", Arr: "LEMD"}) || legs[2].AircraftICAO != "B738" || legs[2].FlightNumber != "" || f.Name != "Iberian hop" {
		t.Errorf("legs %+v, %v (name %q)", legs, err, f.Name)
	}
}
