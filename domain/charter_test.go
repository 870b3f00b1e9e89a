package domain_test

import (
	"context"
	"testing"

	"github.com/albatross-va/albatross/domain"
)

// charterWorld is an airline with two airports, an aircraft in service
// and one stored, whose pilots book charters.
type charterWorld struct {
	*membership
	icao           string
	bids           *domain.Bids
	pireps         *domain.Pireps
	active, stored string
}

func newCharterWorld(t *testing.T, rules domain.PirepRules, bidRules domain.BidRules) *charterWorld {
	t.Helper()
	ctx := context.Background()
	r := newRunner(t)
	m := newMembership(t, r)
	admin := domain.CommandMeta{Who: m.admin}
	airports := &domain.Airports{Runner: r}
	for _, a := range []domain.AirportDetails{
		{ICAO: "EGLL", Name: "Heathrow", Hub: true, Latitude: 51.4706, Longitude: -0.461941},
		{ICAO: "LPPT", Name: "Lisbon", Latitude: 38.7813, Longitude: -9.13592},
		{ICAO: "LPFR", Name: "Faro"},
	} {
		if _, err := airports.Add(ctx, admin, m.airline, a); err != nil {
			t.Fatal(err)
		}
	}
	if _, err := m.airlines.SetPirepRules(ctx, admin, m.airline, rules); err != nil {
		t.Fatal(err)
	}
	if _, err := m.airlines.SetBidRules(ctx, admin, m.airline, bidRules); err != nil {
		t.Fatal(err)
	}
	f := newFleet(m)
	sf, _, err := f.CreateSubfleet(ctx, admin, m.airline, b738)
	if err != nil {
		t.Fatal(err)
	}
	airline := &domain.Airline{}
	replay(t, r, domain.AirlineStream(m.airline), airline)
	w := &charterWorld{membership: m, icao: airline.ICAO}
	if w.active, _, err = f.AddAircraft(ctx, admin, m.airline, domain.NewAircraft{SubfleetID: sf, Registration: "G-CHTR", Name: "Charter", AirportID: "EGLL"}); err != nil {
		t.Fatal(err)
	}
	if w.stored, _, err = f.AddAircraft(ctx, admin, m.airline, domain.NewAircraft{SubfleetID: sf, Registration: "G-STOR", Name: "Stored", Status: domain.AircraftStored, AirportID: "EGLL"}); err != nil {
		t.Fatal(err)
	}
	w.bids = &domain.Bids{Runner: r, IDs: domain.RandomIDs{}}
	w.pireps = &domain.Pireps{Runner: r, IDs: domain.RandomIDs{},
		Airports: domain.AirportTable{"EGLL": {Lat: 51.4706, Lon: -0.461941}, "LPPT": {Lat: 38.7813, Lon: -9.13592}},
		Aircraft: fleetTable{w.active: {Registration: "G-CHTR", Status: domain.AircraftActive, AirportID: "EGLL"}},
		Settings: rulesOf{rules: rules, chartersOff: !rules.AllowCharters}}
	return w
}

func (w *charterWorld) pilot() domain.CommandMeta {
	return domain.CommandMeta{Who: domain.Actor{UserID: domain.NewUUID(), Role: domain.RolePilot, TenantID: w.airline}}
}

func (w *charterWorld) plan() domain.CharterFlight {
	return domain.CharterFlight{FlightNumber: w.icao + "0042", DptAirport: "egll", ArrAirport: "lppt", Route: "dct bomup dct",
		AircraftID: w.active, Level: 36000, Cargo: true, DptTime: "9:30", ArrTime: "12:05"}
}

func TestCharterBookingIsABidWithThePilotsPlan(t *testing.T) {
	ctx := context.Background()
	w := newCharterWorld(t, domain.PirepRules{AllowCharters: true}, domain.BidRules{BlockAircraft: true})
	p := w.pilot()
	b, res, err := w.bids.Charter(ctx, p, w.airline, w.plan())
	if err != nil {
		t.Fatal(err)
	}
	if b.ID == "" || b.FlightID != "" || b.Charter == nil || res.Position == domain.Start {
		t.Fatalf("booking = %+v, %+v: want a new bid with no schedule flight and the plan", b, res)
	}
	c := *b.Charter
	// The airline's code before the number is taken off; codes are upper
	// case; the distance is the great circle; the time is the planned one.
	if b.FlightNumber != "42" || b.DptAirport != "EGLL" || b.ArrAirport != "LPPT" || c.Route != "DCT BOMUP DCT" ||
		c.Distance < 830 || c.Distance > 850 || c.FlightTime() != 155 || c.FlightType() != "H" || c.DptTime != "09:30" {
		t.Errorf("booking = %+v with %+v", b, c)
	}
	// Replayed from its stream, the pilot's bids hold it with its plan.
	bids := &domain.PilotBids{}
	replay(t, w.r, domain.BidStream(p.Who.UserID), bids)
	if len(bids.Bids) != 1 || bids.Bids[0].Charter == nil || *bids.Bids[0].Charter != c {
		t.Errorf("replayed bids = %+v", bids.Bids)
	}
	// The aircraft is reserved with it: another pilot's charter cannot take it.
	if _, _, err := w.bids.Charter(ctx, w.pilot(), w.airline, w.plan()); domain.ErrorCode(err) != domain.EConflict || domain.ErrorFields(err)["aircraft_id"] == "" {
		t.Errorf("a second charter on the reserved aircraft: %v, want a conflict on aircraft_id", err)
	}
	// The aircraft is required.
	plan := w.plan()
	plan.AircraftID = ""
	if _, _, err := w.bids.Charter(ctx, p, w.airline, plan); domain.ErrorFields(err)["aircraft_id"] == "" {
		t.Errorf("a charter with no aircraft: %v, want aircraft_id named", err)
	}
}

func TestCharterBookingRefusals(t *testing.T) {
	ctx := context.Background()
	off := newCharterWorld(t, domain.PirepRules{}, domain.DefaultBidRules)
	_, _, err := off.bids.Charter(ctx, off.pilot(), off.airline, off.plan())
	if domain.ErrorCode(err) != domain.EForbidden || domain.ErrorFields(err)["charter"] == "" {
		t.Errorf("charters off: %v, want forbidden on charter", err)
	}
	w := newCharterWorld(t, domain.PirepRules{AllowCharters: true}, domain.DefaultBidRules)
	for _, c := range []struct {
		field  string
		change func(f *domain.CharterFlight)
	}{
		{"flight_number", func(f *domain.CharterFlight) { f.FlightNumber = "TOO-LONG-1" }},
		{"dpt_airport", func(f *domain.CharterFlight) { f.DptAirport = "KJFK" }},
		{"arr_airport", func(f *domain.CharterFlight) { f.ArrAirport = f.DptAirport }},
		{"aircraft_id", func(f *domain.CharterFlight) { f.AircraftID = w.stored }},
		{"aircraft_id", func(f *domain.CharterFlight) { f.AircraftID = domain.NewUUID() }},
		{"dpt_time", func(f *domain.CharterFlight) { f.DptTime = "25:00" }},
		{"arr_time", func(f *domain.CharterFlight) { f.ArrTime = "" }},
		{"route", func(f *domain.CharterFlight) { f.Route = "DCT\x00" }},
		{"level", func(f *domain.CharterFlight) { f.Level = -1 }},
		{"distance", func(f *domain.CharterFlight) { f.ArrAirport = "LPFR" }}, // no coordinates
	} {
		plan := w.plan()
		c.change(&plan)
		if _, _, err := w.bids.Charter(ctx, w.pilot(), w.airline, plan); domain.ErrorCode(err) != domain.EInvalid || domain.ErrorFields(err)[c.field] == "" {
			t.Errorf("%+v: %v, want invalid on %s", plan, err, c.field)
		}
	}
	other := domain.CommandMeta{Who: domain.Actor{UserID: domain.NewUUID(), Role: domain.RolePilot, TenantID: domain.NewUUID()}}
	if _, _, err := w.bids.Charter(ctx, other, w.airline, w.plan()); domain.ErrorCode(err) != domain.ENotFound {
		t.Errorf("a pilot of another airline: %v, want not found", err)
	}
	// The bid limit holds for charters too.
	p := w.pilot()
	one := newCharterWorld(t, domain.PirepRules{AllowCharters: true}, domain.BidRules{})
	p.Who.TenantID = one.airline
	if _, _, err := one.bids.Charter(ctx, p, one.airline, one.plan()); err != nil {
		t.Fatal(err)
	}
	if _, _, err := one.bids.Charter(ctx, p, one.airline, one.plan()); domain.ErrorCode(err) != domain.EConflict || domain.ErrorFields(err)["bids"] == "" {
		t.Errorf("a second charter with one bid allowed: %v, want the bid limit", err)
	}
}

func TestFilingFromACharterBookingFillsItInAndEndsIt(t *testing.T) {
	ctx := context.Background()
	w := newCharterWorld(t, domain.PirepRules{AllowCharters: true}, domain.DefaultBidRules)
	p := w.pilot()
	b, _, err := w.bids.Charter(ctx, p, w.airline, w.plan())
	if err != nil {
		t.Fatal(err)
	}
	// A prefile naming the booking alone gets its plan.
	id, _, err := w.pireps.Prefile(ctx, p, w.airline, domain.PirepDetails{BidID: b.ID, SourceName: "vmsACARS"})
	if err != nil {
		t.Fatal(err)
	}
	pirep := &domain.Pirep{}
	replay(t, w.r, domain.PirepStream(id), pirep)
	d := pirep.Details
	if !d.Charter() || d.BidID != b.ID || d.FlightNumber != "42" || d.DptAirport != "EGLL" || d.ArrAirport != "LPPT" ||
		d.AircraftID != w.active || d.Route != "DCT BOMUP DCT" || d.Level != 36000 || d.FlightType != "H" {
		t.Errorf("prefiled from the booking: %+v", d)
	}
	// Its end removes the booking (what the bids-end reactor sends).
	sys := domain.CommandMeta{Who: domain.System}
	if _, err := w.bids.EndCharterForPirep(ctx, sys, w.airline, id, domain.BidFiled); err != nil {
		t.Fatal(err)
	}
	bids := &domain.PilotBids{}
	replay(t, w.r, domain.BidStream(p.Who.UserID), bids)
	if len(bids.Bids) != 0 {
		t.Errorf("bids after the filing: %+v, want none", bids.Bids)
	}
	// A booking gone is refused on bid_id; another pilot cannot use one.
	if _, _, err := w.pireps.Prefile(ctx, p, w.airline, domain.PirepDetails{BidID: b.ID}); domain.ErrorFields(err)["bid_id"] == "" {
		t.Errorf("prefile from a removed booking: %v, want bid_id named", err)
	}
	b2, _, err := w.bids.Charter(ctx, p, w.airline, w.plan())
	if err != nil {
		t.Fatal(err)
	}
	if _, _, err := w.pireps.Prefile(ctx, w.pilot(), w.airline, domain.PirepDetails{BidID: b2.ID}); domain.ErrorFields(err)["bid_id"] == "" {
		t.Errorf("another pilot's booking: %v, want bid_id named", err)
	}
}

// A charter booking rebooked onto another aircraft (smartCARS's rebook)
// keeps the pilot's plan, now with that aircraft.
func TestRebookKeepsACharterBookingsPlan(t *testing.T) {
	ctx := context.Background()
	w := newCharterWorld(t, domain.PirepRules{AllowCharters: true}, domain.BidRules{})
	w.bids.Facts = &bidFacts{aircraft: map[string]domain.BidAircraft{"ac9": {Found: true, SubfleetID: "sf9", Status: domain.AircraftActive}}}
	p := w.pilot()
	b, _, err := w.bids.Charter(ctx, p, w.airline, w.plan())
	if err != nil {
		t.Fatal(err)
	}
	moved, _, err := w.bids.Rebook(ctx, p, w.airline, b.ID, "ac9")
	if err != nil || moved.Charter == nil || moved.Charter.AircraftID != "ac9" || moved.FlightID != "" {
		t.Fatalf("rebooked charter = %+v, %v", moved, err)
	}
	bids := &domain.PilotBids{}
	replay(t, w.bids.Runner, domain.BidStream(p.Who.UserID), bids)
	if len(bids.Bids) != 1 || bids.Bids[0].ID != moved.ID || bids.Bids[0].Charter == nil {
		t.Fatalf("the pilot's bids after the rebook: %+v", bids.Bids)
	}
	if got, want := *bids.Bids[0].Charter, *b.Charter; got.Route != want.Route || got.Level != want.Level || got.DptTime != want.DptTime ||
		got.ArrTime != want.ArrTime || !got.Cargo || got.AircraftID != "ac9" {
		t.Errorf("the plan after the rebook: %+v, want %+v with ac9", got, want)
	}
}

func TestChartersOffRefusesAFilingWithoutAScheduleFlight(t *testing.T) {
	ctx := context.Background()
	w := newCharterWorld(t, domain.PirepRules{}, domain.DefaultBidRules)
	d := domain.PirepDetails{FlightNumber: "7", DptAirport: "EGLL", ArrAirport: "LPPT", AircraftID: w.active, SourceName: "x"}
	_, _, err := w.pireps.Prefile(ctx, w.pilot(), w.airline, d)
	if domain.ErrorCode(err) != domain.EInvalid || domain.ErrorFields(err)["flight_id"] == "" ||
		domain.ErrorReasons(err)["flight_id"] != domain.ReasonChartersOff {
		t.Errorf("a free flight with charters off: %v, want flight_id named", err)
	}
	on := newCharterWorld(t, domain.PirepRules{AllowCharters: true}, domain.DefaultBidRules)
	d.AircraftID = on.active
	id, _, err := on.pireps.Prefile(ctx, on.pilot(), on.airline, d)
	if err != nil {
		t.Fatalf("a free flight with charters on: %v", err)
	}
	pirep := &domain.Pirep{}
	replay(t, on.r, domain.PirepStream(id), pirep)
	if !pirep.Details.Charter() || pirep.Details.FlightType != "C" {
		t.Errorf("free flight = %+v, want a passenger charter", pirep.Details)
	}
}
