package domain_test

import (
	"context"
	"fmt"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/albatross-va/albatross/domain"
)

// TestEveryPirepTransitionFollowsTheTable asks NextPirepState about every
// (state, action, role) and checks the answer against what the issue says
// pilots and staff may do, written out here independently of the table.
func TestEveryPirepTransitionFollowsTheTable(t *testing.T) {
	allowed := map[string]string{
		"draft/edit/pilot":      domain.PirepDraft,
		"draft/submit/pilot":    domain.PirepPending,
		"draft/cancel/pilot":    domain.PirepCancelled,
		"pending/edit/pilot":    domain.PirepPending,
		"pending/cancel/pilot":  domain.PirepCancelled,
		"pending/accept/staff":  domain.PirepAccepted,
		"pending/reject/staff":  domain.PirepRejected,
		"accepted/reject/staff": domain.PirepRejected,
		"rejected/accept/staff": domain.PirepAccepted,
		// ACARS (issue 13): the client reports and files or cancels its
		// flight; staff cancel one left behind.
		"in_progress/report/pilot": domain.PirepInProgress,
		"in_progress/submit/pilot": domain.PirepPending,
		"in_progress/cancel/pilot": domain.PirepCancelled,
		"in_progress/cancel/staff": domain.PirepCancelled,
	}
	seen := 0
	for _, state := range domain.PirepStates {
		for _, action := range domain.PirepActions {
			for _, role := range domain.PirepRoles {
				key := fmt.Sprintf("%s/%s/%s", state, action, role)
				next, err := domain.NextPirepState(state, action, role)
				want, ok := allowed[key]
				switch {
				case ok && err != nil:
					t.Errorf("%s: refused (%v), want %s", key, err, want)
				case ok && next != want:
					t.Errorf("%s: goes to %s, want %s", key, next, want)
				case !ok && err == nil:
					t.Errorf("%s: allowed to %s, want refused", key, next)
				case !ok:
					code, msg := domain.ErrorCode(err), domain.ErrorMessage(err)
					if code != domain.EConflict && code != domain.EForbidden || !strings.Contains(msg, string(action)) {
						t.Errorf("%s: refused with %s %q, want a conflict or forbidden naming the action", key, code, msg)
					}
				}
				seen++
			}
		}
	}
	if want := len(domain.PirepStates) * len(domain.PirepActions) * len(domain.PirepRoles); seen != want || seen != 72 {
		t.Fatalf("checked %d combinations, want %d", seen, want)
	}
	if got := len(domain.PirepTransitions()); got != len(allowed) {
		t.Errorf("the table has %d rows, the issue allows %d transitions", got, len(allowed))
	}
	_, err := domain.NextPirepState(domain.PirepPending, domain.PirepAccept, domain.PirepOwner)
	if got := domain.ErrorMessage(err); got != "Only the airline's staff can accept a PIREP." {
		t.Errorf("pilot accepting: %q", got)
	}
	_, err = domain.NextPirepState(domain.PirepAccepted, domain.PirepEdit, domain.PirepOwner)
	if got := domain.ErrorMessage(err); got != "You cannot edit an accepted PIREP." {
		t.Errorf("pilot editing an accepted PIREP: %q", got)
	}
}

// fixedClock is a Clock the test moves.
type fixedClock struct {
	mu sync.Mutex
	t  time.Time
}

func (c *fixedClock) Now() time.Time { c.mu.Lock(); defer c.mu.Unlock(); return c.t }
func (c *fixedClock) add(d time.Duration) {
	c.mu.Lock()
	defer c.mu.Unlock()
	c.t = c.t.Add(d)
}

// fleetTable is an AircraftDirectory over fixed aircraft, the same in
// every airline but "other".
type fleetTable map[string]domain.AircraftInfo

func (f fleetTable) LookupAircraft(_ context.Context, tenant, id string) (domain.AircraftInfo, error) {
	a, ok := f[id]
	if !ok || tenant == "other" {
		return domain.AircraftInfo{}, domain.Errorf(domain.ENotFound, "no aircraft")
	}
	return a, nil
}

// rulesOf is a PirepSettings with fixed rules and a pilot location;
// charters are allowed unless chartersOff.
type rulesOf struct {
	rules       domain.PirepRules
	location    string
	chartersOff bool
}

func (r rulesOf) PirepRules(context.Context, string) (domain.PirepRules, error) {
	rules := r.rules
	rules.AllowCharters = !r.chartersOff
	return rules, nil
}
func (r rulesOf) PilotLocation(context.Context, string, string) (string, error) {
	return r.location, nil
}

type pirepWorld struct {
	*membership
	pireps *domain.Pireps
	clock  *fixedClock
	pilot  domain.Actor
}

func newPirepWorld(t *testing.T) *pirepWorld {
	t.Helper()
	r := newRunner(t)
	clock := &fixedClock{t: time.Date(2026, 11, 28, 21, 5, 0, 0, time.UTC)}
	r.Clock = clock
	m := newMembership(t, r)
	return &pirepWorld{
		membership: m,
		clock:      clock,
		pilot:      domain.Actor{UserID: domain.NewUUID(), Role: domain.RolePilot, TenantID: m.airline},
		pireps: &domain.Pireps{
			Runner: r, IDs: domain.RandomIDs{},
			Airports: domain.AirportTable{"EGLL": {Lat: 51.4706, Lon: -0.461941}, "LPPT": {Lat: 38.7813, Lon: -9.13592}, "LPFR": {Lat: 37.0144, Lon: -7.96591}},
			Aircraft: fleetTable{
				"ac-1": {Registration: "G-ABCD", Status: domain.AircraftActive, AirportID: "EGLL"},
				"ac-2": {Registration: "G-STOR", Status: domain.AircraftStored, AirportID: "EGLL"},
			},
			Settings: domain.NoPirepRules{},
		},
	}
}

func heathrowLisbon() domain.PirepDetails {
	off := time.Date(2026, 11, 28, 18, 0, 0, 0, time.UTC)
	return domain.PirepDetails{
		FlightNumber: "1234", DptAirport: " egll", ArrAirport: "lppt ", AircraftID: "ac-1",
		BlockOff: off, BlockOn: off.Add(2*time.Hour + 45*time.Minute), FlightTime: 150, Level: 37000,
		FuelUsed: domain.KilogramsToPounds(5000), LandingRate: -142, Route: "  det  l6 dvr ",
	}
}

func TestAFiledPirepIsNormalizedAndGetsItsGreatCircleDistance(t *testing.T) {
	w := newPirepWorld(t)
	ctx := context.Background()
	id, _, err := w.pireps.File(ctx, domain.CommandMeta{ID: domain.NewUUID(), Who: w.pilot}, w.airline, heathrowLisbon(), true)
	if err != nil {
		t.Fatal(err)
	}
	p := &domain.Pirep{}
	replay(t, w.r, domain.PirepStream(id), p)
	d := p.Details
	if p.State != domain.PirepPending || p.PilotID != w.pilot.UserID || p.TenantID != w.airline {
		t.Fatalf("pirep %+v", p)
	}
	if d.DptAirport != "EGLL" || d.ArrAirport != "LPPT" || d.Route != "DET L6 DVR" || d.Source != domain.PirepSourceManual {
		t.Errorf("not normalized: %+v", d)
	}
	if d.Distance < 830 || d.Distance > 850 { // EGLL–LPPT is about 840 nm
		t.Errorf("distance %d nm, want the great circle of about 840", d.Distance)
	}
	if d.FuelUsed != 11023 {
		t.Errorf("5000 kg is %d lb, want 11023", d.FuelUsed)
	}
}

func TestFilingRulesEachHaveAClearMessage(t *testing.T) {
	base := heathrowLisbon()
	cases := []struct {
		name   string
		change func(d *domain.PirepDetails)
		rules  rulesOf
		tenant string
		field  string
		msg    string
	}{
		{"unknown airport", func(d *domain.PirepDetails) { d.ArrAirport = "KJFK" }, rulesOf{}, "", "arr_airport", "KJFK is not one of this airline's airports; add it first."},
		{"bad airport code", func(d *domain.PirepDetails) { d.DptAirport = "LHR" }, rulesOf{}, "", "dpt_airport", "Enter the airport's 4-character ICAO code, for example EGLL."},
		{"no aircraft", func(d *domain.PirepDetails) { d.AircraftID = "ac-9" }, rulesOf{}, "", "aircraft_id", "Choose one of this airline's aircraft."},
		{"stored aircraft", func(d *domain.PirepDetails) { d.AircraftID = "ac-2" }, rulesOf{}, "", "aircraft_id", "G-STOR is stored, not active: choose an active aircraft."},
		{"block-on before block-off", func(d *domain.PirepDetails) { d.BlockOn = d.BlockOff.Add(-time.Minute) }, rulesOf{}, "", "block_on", "The block-on time must be after the block-off time."},
		{"flight longer than block", func(d *domain.PirepDetails) { d.FlightTime = 171 }, rulesOf{}, "", "flight_time", "The flight time (2:51) cannot be longer than the block time (2:45)."},
		{"flight far shorter than block", func(d *domain.PirepDetails) { d.FlightTime = 60 }, rulesOf{}, "", "flight_time", "The flight time (1:00) is more than 90 minutes shorter than the block time (2:45); check the times."},
		{"aircraft elsewhere", func(d *domain.PirepDetails) { d.DptAirport, d.ArrAirport = "LPFR", "LPPT" },
			rulesOf{rules: domain.PirepRules{AircraftAtDeparture: true}}, "", "aircraft_id", "G-ABCD is at EGLL, not at the departure airport LPFR."},
		{"pilot elsewhere", func(*domain.PirepDetails) {}, rulesOf{rules: domain.PirepRules{PilotAtDeparture: true}, location: "LPFR"},
			"", "dpt_airport", "You are at LPFR: this airline's flights depart from where its pilots are."},
	}
	for _, c := range cases {
		t.Run(c.name, func(t *testing.T) {
			w := newPirepWorld(t)
			w.pireps.Settings = c.rules
			d := base
			c.change(&d)
			_, _, err := w.pireps.File(context.Background(), domain.CommandMeta{ID: domain.NewUUID(), Who: w.pilot}, w.airline, d, true)
			if got := domain.ErrorFields(err)[c.field]; got != c.msg || domain.ErrorCode(err) != domain.EInvalid {
				t.Errorf("error %v; %s says %q, want %q", err, c.field, got, c.msg)
			}
		})
	}
	t.Run("within the tolerance", func(t *testing.T) {
		w := newPirepWorld(t)
		w.pireps.Settings = rulesOf{rules: domain.PirepRules{AircraftAtDeparture: true, PilotAtDeparture: true}, location: "EGLL"}
		d := base
		d.FlightTime = 170 // five minutes over the block time: clocks a little apart
		if _, _, err := w.pireps.File(context.Background(), domain.CommandMeta{ID: domain.NewUUID(), Who: w.pilot}, w.airline, d, true); err != nil {
			t.Fatal(err)
		}
	})
}

func TestFilingTheSameFlightTwiceWithinTenMinutesReturnsTheFirst(t *testing.T) {
	w := newPirepWorld(t)
	ctx := context.Background()
	file := func() string {
		t.Helper()
		id, _, err := w.pireps.File(ctx, domain.CommandMeta{ID: domain.NewUUID(), Who: w.pilot}, w.airline, heathrowLisbon(), true)
		if err != nil {
			t.Fatal(err)
		}
		return id
	}
	// A double click: both at once, with their own command ids.
	ids := make(chan string, 2)
	var wg sync.WaitGroup
	for range 2 {
		wg.Add(1)
		go func() { defer wg.Done(); ids <- file() }()
	}
	wg.Wait()
	first, second := <-ids, <-ids
	if first != second {
		t.Fatalf("a double click filed %s and %s", first, second)
	}
	w.clock.add(9 * time.Minute) // across a slot boundary: 21:05 + 9 = 21:14
	if got := file(); got != first {
		t.Errorf("9 minutes later: filed %s, want the first %s", got, first)
	}
	w.clock.add(2 * time.Minute)
	third := file()
	if third == first {
		t.Errorf("11 minutes later the same flight is a new PIREP")
	}
	if _, err := w.pireps.Cancel(ctx, domain.CommandMeta{ID: domain.NewUUID(), Who: w.pilot}, w.airline, third); err != nil {
		t.Fatal(err)
	}
	if got := file(); got == third {
		t.Errorf("filing again after cancelling returned the cancelled PIREP")
	}
	// The same command id twice is one filing, even past the window.
	meta := domain.CommandMeta{ID: domain.NewUUID(), Who: w.pilot}
	d := heathrowLisbon()
	d.FlightNumber = "99"
	a, _, err := w.pireps.File(ctx, meta, w.airline, d, false)
	if err != nil {
		t.Fatal(err)
	}
	b, _, err := w.pireps.File(ctx, meta, w.airline, d, false)
	if err != nil || a != b {
		t.Errorf("a repeated command id: %s then %s (%v)", a, b, err)
	}
}

func TestPilotsAndStaffMoveAPirepThroughItsStates(t *testing.T) {
	w := newPirepWorld(t)
	ctx := context.Background()
	meta := func(a domain.Actor) domain.CommandMeta { return domain.CommandMeta{ID: domain.NewUUID(), Who: a} }
	id, _, err := w.pireps.File(ctx, meta(w.pilot), w.airline, heathrowLisbon(), false)
	if err != nil {
		t.Fatal(err)
	}
	state := func() *domain.Pirep {
		p := &domain.Pirep{}
		replay(t, w.r, domain.PirepStream(id), p)
		return p
	}
	if state().State != domain.PirepDraft {
		t.Fatal("a saved PIREP is not a draft")
	}
	if _, err := w.pireps.Accept(ctx, meta(w.admin), w.airline, id); domain.ErrorMessage(err) != "You cannot accept a draft PIREP." {
		t.Errorf("accepting a draft: %v", err)
	}
	other := domain.Actor{UserID: domain.NewUUID(), Role: domain.RolePilot, TenantID: w.airline}
	if _, err := w.pireps.Submit(ctx, meta(other), w.airline, id); domain.ErrorCode(err) != domain.EForbidden {
		t.Errorf("another pilot submitting: %v", err)
	}
	stranger := domain.Actor{UserID: domain.NewUUID(), Role: domain.RoleAirlineAdmin, TenantID: "other"}
	if _, err := w.pireps.Accept(ctx, meta(stranger), w.airline, id); domain.ErrorCode(err) != domain.ENotFound {
		t.Errorf("another airline's admin accepting: %v", err)
	}
	if _, err := w.pireps.Submit(ctx, meta(w.pilot), w.airline, id); err != nil {
		t.Fatal(err)
	}
	d := heathrowLisbon()
	d.Remarks = "Turbulence over Biscay"
	if _, err := w.pireps.Edit(ctx, meta(w.pilot), w.airline, id, d); err != nil {
		t.Fatal(err)
	}
	if _, err := w.pireps.Accept(ctx, meta(w.pilot), w.airline, id); domain.ErrorMessage(err) != "Only the airline's staff can accept a PIREP." {
		t.Errorf("pilot accepting own PIREP: %v", err)
	}
	if _, err := w.pireps.Reject(ctx, meta(w.admin), w.airline, id, " "); domain.ErrorFields(err)["reason"] == "" {
		t.Errorf("rejecting without a reason: %v", err)
	}
	if _, err := w.pireps.Accept(ctx, meta(w.admin), w.airline, id); err != nil {
		t.Fatal(err)
	}
	if _, err := w.pireps.Edit(ctx, meta(w.pilot), w.airline, id, heathrowLisbon()); domain.ErrorMessage(err) != "You cannot edit an accepted PIREP." {
		t.Errorf("editing an accepted PIREP: %v", err)
	}
	platform := domain.Actor{UserID: domain.NewUUID(), Role: domain.RolePlatformAdmin}
	if _, err := w.pireps.Reject(ctx, meta(platform), w.airline, id, "Wrong aircraft"); err != nil {
		t.Fatal(err)
	}
	if p := state(); p.State != domain.PirepRejected || p.RejectReason != "Wrong aircraft" || p.Details.Remarks != "Turbulence over Biscay" {
		t.Errorf("after reject: %+v", p)
	}
	if _, err := w.pireps.Cancel(ctx, meta(w.pilot), w.airline, id); domain.ErrorMessage(err) != "You cannot cancel a rejected PIREP." {
		t.Errorf("cancelling a rejected PIREP: %v", err)
	}
	if _, _, err := w.pireps.File(ctx, meta(platform), w.airline, heathrowLisbon(), true); domain.ErrorCode(err) != domain.EForbidden {
		t.Errorf("a platform admin filing: %v", err)
	}
}

func TestPirepFromFlightPrefillsTheSchedule(t *testing.T) {
	f := domain.FlightSchedule{FlightNumber: "1234", RouteCode: "A", RouteLeg: 2, DptAirport: "EGLL", ArrAirport: "LPPT",
		AltAirport: "LPFR", FlightTime: 150, Distance: 840, Level: 37000, Route: "DET L6 DVR"}
	d := domain.PirepFromFlight("fl-1", f)
	want := domain.PirepDetails{FlightNumber: "1234", RouteCode: "A", RouteLeg: 2, FlightID: "fl-1", DptAirport: "EGLL",
		ArrAirport: "LPPT", AltAirport: "LPFR", FlightTime: 150, Distance: 840, Level: 37000, Route: "DET L6 DVR", Source: "manual"}
	if d != want {
		t.Errorf("got %+v\nwant %+v", d, want)
	}
}

func TestFilingFromAScheduleFlightAndEditing(t *testing.T) {
	w := newPirepWorld(t)
	ctx := context.Background()
	meta := func(a domain.Actor) domain.CommandMeta { return domain.CommandMeta{ID: domain.NewUUID(), Who: a} }
	flights := &domain.Flights{Runner: w.r, Airports: w.pireps.Airports, Subfleets: domain.SubfleetTable{}}
	f := domain.FlightSchedule{FlightNumber: "1234", DptAirport: "EGLL", ArrAirport: "LPPT", FlightTime: 150, FlightType: "J", Active: true}
	flightID, _, err := flights.Add(ctx, meta(w.admin), w.airline, f)
	if err != nil {
		t.Fatal(err)
	}
	d := domain.PirepFromFlight(flightID, f)
	d.AircraftID, d.BlockOff = "ac-1", time.Date(2026, 11, 28, 18, 0, 0, 0, time.UTC)
	d.BlockOn = d.BlockOff.Add(170 * time.Minute)
	id, _, err := w.pireps.File(ctx, meta(w.pilot), w.airline, d, false)
	if err != nil {
		t.Fatal(err)
	}
	bogus := d
	bogus.FlightNumber, bogus.FlightID = "9", domain.NewUUID()
	if _, _, err := w.pireps.File(ctx, meta(w.pilot), w.airline, bogus, false); domain.ErrorFields(err)["flight_id"] == "" {
		t.Errorf("filing from a flight that is not the airline's: %v", err)
	}
	res, err := w.pireps.Edit(ctx, meta(w.pilot), w.airline, id, d)
	if err != nil || res.ToVersion != res.FromVersion {
		t.Errorf("an edit that changes nothing appended %+v (%v)", res, err)
	}
	d.AircraftID = "ac-2"
	if _, err := w.pireps.Edit(ctx, meta(w.pilot), w.airline, id, d); domain.ErrorFields(err)["aircraft_id"] == "" {
		t.Errorf("editing to a stored aircraft: %v", err)
	}
	if _, err := w.pireps.Edit(ctx, meta(w.admin), w.airline, id, heathrowLisbon()); domain.ErrorMessage(err) != "Only the pilot who filed a PIREP can edit it." {
		t.Errorf("staff editing a pilot's PIREP: %v", err)
	}
}

// A schedule flight that names subfleets is flown by their aircraft only:
// filing, saving a draft or editing with another aircraft is refused with
// a message naming the flight's types, and the phpVMS API's reason.
func TestAFlightOfSubfleetsIsFiledWithTheirAircraftOnly(t *testing.T) {
	w := newPirepWorld(t)
	ctx := context.Background()
	meta := func(a domain.Actor) domain.CommandMeta { return domain.CommandMeta{ID: domain.NewUUID(), Who: a} }
	w.pireps.Aircraft = fleetTable{
		"ac-1": {Registration: "G-ABCD", Status: domain.AircraftActive, AirportID: "EGLL", SubfleetID: "sf-b77w"},
		"ac-3": {Registration: "G-EUPT", Status: domain.AircraftActive, AirportID: "EGLL", SubfleetID: "sf-a320"},
	}
	flights := &domain.Flights{Runner: w.r, Airports: w.pireps.Airports, Subfleets: domain.SubfleetTable{"sf-a320": "A320", "sf-a321": "A321", "sf-b77w": "B77W"}}
	f := domain.FlightSchedule{FlightNumber: "1234", DptAirport: "EGLL", ArrAirport: "LPPT", FlightTime: 150, FlightType: "J", Active: true,
		SubfleetIDs: []string{"sf-a320", "sf-a321"}}
	flightID, _, err := flights.Add(ctx, meta(w.admin), w.airline, f)
	if err != nil {
		t.Fatal(err)
	}
	d := domain.PirepFromFlight(flightID, f)
	d.AircraftID, d.BlockOff = "ac-1", time.Date(2026, 11, 28, 18, 0, 0, 0, time.UTC)
	d.BlockOn = d.BlockOff.Add(170 * time.Minute)
	for _, submit := range []bool{false, true} {
		_, _, err := w.pireps.File(ctx, meta(w.pilot), w.airline, d, submit)
		want := "G-ABCD is not of the subfleets this flight is flown with (A320, A321): choose one of theirs."
		if got := domain.ErrorFields(err)["aircraft_id"]; got != want || domain.ErrorReasons(err)["aircraft_id"] != domain.ReasonAircraftNotOnFlight {
			t.Errorf("filing (submit %v) with a B77W: %q (%v), want %q", submit, got, domain.ErrorReasons(err), want)
		}
	}
	d.AircraftID = "ac-3"
	id, _, err := w.pireps.File(ctx, meta(w.pilot), w.airline, d, false)
	if err != nil {
		t.Fatalf("filing with an A320: %v", err)
	}
	d.AircraftID = "ac-1"
	if _, err := w.pireps.Edit(ctx, meta(w.pilot), w.airline, id, d); domain.ErrorReasons(err)["aircraft_id"] != domain.ReasonAircraftNotOnFlight {
		t.Errorf("editing the draft to a B77W: %v", err)
	}
	// A flight that names no subfleet is flown by any aircraft.
	free := domain.FlightSchedule{FlightNumber: "1235", DptAirport: "EGLL", ArrAirport: "LPPT", FlightTime: 150, FlightType: "J", Active: true}
	freeID, _, err := flights.Add(ctx, meta(w.admin), w.airline, free)
	if err != nil {
		t.Fatal(err)
	}
	d2 := domain.PirepFromFlight(freeID, free)
	d2.AircraftID, d2.BlockOff, d2.BlockOn = "ac-1", d.BlockOff, d.BlockOn
	if _, _, err := w.pireps.File(ctx, meta(w.pilot), w.airline, d2, false); err != nil {
		t.Errorf("a flight of no subfleet with a B77W: %v", err)
	}
}
