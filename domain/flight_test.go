package domain_test

import (
	"context"
	"math"
	"testing"
	"time"

	"github.com/albatross-va/albatross/domain"
)

// testAirports are real airports with their published coordinates.
var testAirports = domain.AirportTable{
	"EGLL": {Lat: 51.4706, Lon: -0.461941},
	"KJFK": {Lat: 40.639751, Lon: -73.778925},
	"LFPG": {Lat: 49.012779, Lon: 2.55},
	"EDDF": {Lat: 50.033333, Lon: 8.570556},
	"KBOS": {Lat: 42.3643, Lon: -71.005203},
}

var testSubfleets = domain.SubfleetTable{"sf-738": "B738", "sf-320": "A320"}

func newFlights(t *testing.T) (*domain.Flights, *membership) {
	t.Helper()
	r := newRunner(t)
	return &domain.Flights{Runner: r, Airports: testAirports, Subfleets: testSubfleets}, newMembership(t, r)
}

func londonNewYork() domain.FlightSchedule {
	return domain.FlightSchedule{FlightNumber: "0117", DptAirport: "egll", ArrAirport: "KJFK", DptTime: "09:30",
		ArrTime: "17:25", Days: domain.Monday | domain.Friday, FlightTime: 475, FlightType: "J",
		SubfleetIDs: []string{"sf-738"}, Active: true}
}

func loadFlight(t *testing.T, fs *domain.Flights, id string) (*domain.Flight, int) {
	t.Helper()
	recs, err := fs.Runner.Store.ReadStream(context.Background(), domain.FlightStream(id), 0)
	if err != nil {
		t.Fatal(err)
	}
	fl := &domain.Flight{}
	for _, rec := range recs {
		m, err := fs.Runner.Registry.Decode(rec.Type, rec.Data)
		if err != nil {
			t.Fatal(err)
		}
		if err := fl.Apply(m); err != nil {
			t.Fatal(err)
		}
	}
	return fl, len(recs)
}

func TestGreatCircleDistance(t *testing.T) {
	for _, c := range []struct {
		a, b string
		nm   float64 // published great-circle distances
	}{{"EGLL", "KJFK", 2999}, {"LFPG", "EDDF", 243}, {"EGLL", "EGLL", 0}} {
		got := domain.GreatCircleNM(testAirports[c.a], testAirports[c.b])
		if math.Abs(got-c.nm) > c.nm*0.005+0.5 {
			t.Errorf("%s-%s = %.1f nm, want about %.0f", c.a, c.b, got, c.nm)
		}
	}
}

func TestAddFlightComputesTheDistanceAndKeepsTheGivenOne(t *testing.T) {
	fs, m := newFlights(t)
	ctx := context.Background()
	id, _, err := fs.Add(ctx, domain.CommandMeta{Who: m.admin}, m.airline, londonNewYork())
	if err != nil {
		t.Fatal(err)
	}
	if id != domain.FlightID(m.airline, "117", "", 0) {
		t.Errorf("id %s is not the id of the key (airline, 117, no code, no leg)", id)
	}
	fl, _ := loadFlight(t, fs, id)
	s := fl.Schedule
	if s.FlightNumber != "117" || s.DptAirport != "EGLL" || s.Distance < 2990 || s.Distance > 3010 {
		t.Errorf("stored %+v; want number 117 (phpVMS stores an integer), EGLL and the great circle ~2999 nm", s)
	}
	if len(fl.SubfleetTypes) != 1 || fl.SubfleetTypes[0] != "B738" {
		t.Errorf("subfleet types %v, want [B738]", fl.SubfleetTypes)
	}
	given := domain.FlightSchedule{FlightNumber: "118", RouteCode: "EU", RouteLeg: 2, DptAirport: "LFPG",
		ArrAirport: "EDDF", Distance: 260, FlightTime: 70, FlightType: "F"}
	id2, _, err := fs.Add(ctx, domain.CommandMeta{Who: m.admin}, m.airline, given)
	if err != nil {
		t.Fatal(err)
	}
	if fl, _ := loadFlight(t, fs, id2); fl.Schedule.Distance != 260 || fl.Schedule.Active {
		t.Errorf("given distance: %+v, want 260 and inactive as asked", fl.Schedule)
	}
}

func TestAddFlightValidation(t *testing.T) {
	fs, m := newFlights(t)
	ctx := context.Background()
	cases := []struct {
		field string
		edit  func(f *domain.FlightSchedule)
	}{
		{"flight_number", func(f *domain.FlightSchedule) { f.FlightNumber = "" }},
		{"flight_number", func(f *domain.FlightSchedule) { f.FlightNumber = "ABC123" }},
		{"flight_number", func(f *domain.FlightSchedule) { f.FlightNumber = "12-4" }},
		{"route_code", func(f *domain.FlightSchedule) { f.RouteCode = "TOOLONG" }},
		{"route_leg", func(f *domain.FlightSchedule) { f.RouteLeg = -1 }},
		{"dpt_airport", func(f *domain.FlightSchedule) { f.DptAirport = "LHR" }},
		{"arr_airport", func(f *domain.FlightSchedule) { f.ArrAirport = "EGLL" }},
		{"arr_airport", func(f *domain.FlightSchedule) { f.ArrAirport = "ZZZZ" }}, // not the airline's
		{"alt_airport", func(f *domain.FlightSchedule) { f.AltAirport = "YYYY" }},
		{"dpt_time", func(f *domain.FlightSchedule) { f.DptTime = "24:00" }},
		{"arr_time", func(f *domain.FlightSchedule) { f.ArrTime = "9:30" }},
		{"days", func(f *domain.FlightSchedule) { f.Days = 128 }},
		{"start_date", func(f *domain.FlightSchedule) { f.StartDate = "2026-02-30" }},
		{"end_date", func(f *domain.FlightSchedule) { f.StartDate, f.EndDate = "2026-12-01", "2026-11-01" }},
		{"distance", func(f *domain.FlightSchedule) { f.Distance = -5 }},
		{"flight_time", func(f *domain.FlightSchedule) { f.FlightTime = 0 }},
		{"flight_type", func(f *domain.FlightSchedule) { f.FlightType = "V" }},
		{"subfleets", func(f *domain.FlightSchedule) { f.SubfleetIDs = []string{"sf-747"} }},
	}
	for _, c := range cases {
		f := londonNewYork()
		c.edit(&f)
		_, _, err := fs.Add(ctx, domain.CommandMeta{Who: m.admin}, m.airline, f)
		if domain.ErrorCode(err) != domain.EInvalid || domain.ErrorFields(err)[c.field] == "" {
			t.Errorf("%+v: err = %v, want EInvalid naming %s", f, err, c.field)
		}
	}
	// Airports whose coordinates are unknown need a distance.
	unknown := &domain.Flights{Runner: fs.Runner, Airports: domain.AnyAirport{}, Subfleets: testSubfleets}
	_, _, err := unknown.Add(ctx, domain.CommandMeta{Who: m.admin}, m.airline, londonNewYork())
	if domain.ErrorFields(err)["distance"] == "" {
		t.Errorf("no coordinates and no distance: err = %v, want a distance message", err)
	}
	f := londonNewYork()
	f.Distance = 3000
	if _, _, err := unknown.Add(ctx, domain.CommandMeta{Who: m.admin}, m.airline, f); err != nil {
		t.Errorf("no coordinates, distance given: %v", err)
	}
}

func TestFlightCommandsAuthorize(t *testing.T) {
	fs, m := newFlights(t)
	other := newMembership(t, fs.Runner)
	ctx := context.Background()
	pilot := domain.Actor{UserID: domain.NewUUID(), Role: domain.RolePilot, TenantID: m.airline}
	otherAdmin := other.admin
	id, _, err := fs.Add(ctx, domain.CommandMeta{Who: m.admin}, m.airline, londonNewYork())
	if err != nil {
		t.Fatal(err)
	}
	checks := []struct {
		who  domain.Actor
		code string
	}{{pilot, domain.EForbidden}, {otherAdmin, domain.ENotFound}, {domain.Actor{}, domain.EForbidden}}
	for _, c := range checks {
		meta := domain.CommandMeta{Who: c.who}
		f := londonNewYork()
		f.FlightNumber = "999"
		if _, _, err := fs.Add(ctx, meta, m.airline, f); domain.ErrorCode(err) != c.code {
			t.Errorf("%s adds: %v, want %s", c.who.Role, err, c.code)
		}
		if _, err := fs.Edit(ctx, meta, m.airline, id, londonNewYork()); domain.ErrorCode(err) != c.code {
			t.Errorf("%s edits: %v, want %s", c.who.Role, err, c.code)
		}
		if _, err := fs.Deactivate(ctx, meta, m.airline, id); domain.ErrorCode(err) != c.code {
			t.Errorf("%s deactivates: %v, want %s", c.who.Role, err, c.code)
		}
	}
	// Another airline's admin naming their own airline still cannot reach
	// this flight: it is not found there.
	if _, err := fs.Deactivate(ctx, domain.CommandMeta{Who: otherAdmin}, other.airline, id); domain.ErrorCode(err) != domain.ENotFound {
		t.Errorf("other airline's admin through their airline: %v, want not found", err)
	}
	if _, n := loadFlight(t, fs, id); n != 1 {
		t.Errorf("refused commands appended: %d events, want 1", n)
	}
	// A platform admin may, in an airline that exists.
	if _, err := fs.Deactivate(ctx, domain.CommandMeta{Who: domain.Actor{UserID: "p", Role: domain.RolePlatformAdmin}}, m.airline, id); err != nil {
		t.Errorf("platform admin deactivates: %v", err)
	}
	if _, _, err := fs.Add(ctx, domain.CommandMeta{Who: domain.System}, domain.NewUUID(), londonNewYork()); domain.ErrorCode(err) != domain.ENotFound {
		t.Errorf("add to an airline that does not exist: %v, want not found", err)
	}
}

func TestAddFlightIsIdempotent(t *testing.T) {
	fs, m := newFlights(t)
	ctx := context.Background()
	meta := domain.CommandMeta{ID: domain.NewUUID(), Who: m.admin}
	id, _, err := fs.Add(ctx, meta, m.airline, londonNewYork())
	if err != nil {
		t.Fatal(err)
	}
	// A double submit: the same command id.
	if id2, _, err := fs.Add(ctx, meta, m.airline, londonNewYork()); err != nil || id2 != id {
		t.Errorf("double submit: %s %v; want the first flight", id2, err)
	}
	// An import run again: a new command id, the same flight.
	if id3, _, err := fs.Add(ctx, domain.CommandMeta{ID: domain.NewUUID(), Who: m.admin}, m.airline, londonNewYork()); err != nil || id3 != id {
		t.Errorf("same flight again: %s %v; want the same id and no error", id3, err)
	}
	// The same key with another schedule is a conflict, not a second flight.
	f := londonNewYork()
	f.FlightNumber, f.ArrAirport = "117", "KBOS"
	if _, _, err := fs.Add(ctx, domain.CommandMeta{Who: m.admin}, m.airline, f); domain.ErrorCode(err) != domain.EConflict || domain.ErrorFields(err)["flight_number"] == "" {
		t.Errorf("same key, other schedule: %v, want a conflict on flight_number", err)
	}
	if _, n := loadFlight(t, fs, id); n != 1 {
		t.Errorf("%d events in the flight's stream, want 1", n)
	}
	// Another leg is another flight.
	f.RouteLeg = 2
	if id4, _, err := fs.Add(ctx, domain.CommandMeta{Who: m.admin}, m.airline, f); err != nil || id4 == id {
		t.Errorf("another leg: %s %v, want a new flight", id4, err)
	}
}

func TestEditActivateDeactivateFlight(t *testing.T) {
	fs, m := newFlights(t)
	ctx := context.Background()
	meta := domain.CommandMeta{Who: m.admin}
	id, _, err := fs.Add(ctx, meta, m.airline, londonNewYork())
	if err != nil {
		t.Fatal(err)
	}
	f := londonNewYork()
	f.FlightNumber = "999" // the key cannot change by an edit
	f.ArrAirport, f.Distance, f.SubfleetIDs = "KBOS", 0, []string{"sf-320", "sf-738", "sf-320"}
	if _, err := fs.Edit(ctx, meta, m.airline, id, f); err != nil {
		t.Fatal(err)
	}
	fl, n := loadFlight(t, fs, id)
	if fl.Schedule.FlightNumber != "117" || fl.Schedule.ArrAirport != "KBOS" || fl.Schedule.Distance < 2800 || fl.Schedule.Distance > 2870 {
		t.Errorf("after edit: %+v", fl.Schedule)
	}
	if len(fl.SubfleetTypes) != 2 || fl.SubfleetTypes[0] != "A320" || fl.SubfleetTypes[1] != "B738" {
		t.Errorf("subfleet types %v, want [A320 B738] without repeats", fl.SubfleetTypes)
	}
	if _, err := fs.Edit(ctx, meta, m.airline, id, f); err != nil {
		t.Fatal(err)
	}
	for _, step := range []func() (domain.AppendResult, error){
		func() (domain.AppendResult, error) { return fs.Deactivate(ctx, meta, m.airline, id) },
		func() (domain.AppendResult, error) { return fs.Deactivate(ctx, meta, m.airline, id) },
		func() (domain.AppendResult, error) { return fs.Activate(ctx, meta, m.airline, id) },
	} {
		if _, err := step(); err != nil {
			t.Fatal(err)
		}
	}
	fl, after := loadFlight(t, fs, id)
	if after-n != 2 || !fl.Schedule.Active {
		t.Errorf("an unchanged edit and a repeated deactivate appended: %d events after the edit, want 2; active %v", after-n, fl.Schedule.Active)
	}
	if _, err := fs.Edit(ctx, meta, m.airline, domain.NewUUID(), f); domain.ErrorCode(err) != domain.ENotFound {
		t.Errorf("edit a flight that does not exist: %v", err)
	}
}

func TestDayBits(t *testing.T) {
	if domain.DayOf(time.Monday) != 1 || domain.DayOf(time.Sunday) != 64 || domain.DayOf(time.Saturday) != 32 {
		t.Error("the day bits are not phpVMS's (Monday 1 … Sunday 64)")
	}
}
