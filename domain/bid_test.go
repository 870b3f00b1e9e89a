package domain_test

import (
	"context"
	"sync"
	"testing"
	"time"

	"github.com/albatross-va/albatross/domain"
)

// bidFacts is a BidFactsReader over fixed facts.
type bidFacts struct {
	rules    domain.BidRules
	flights  map[string]domain.BidFlight
	aircraft map[string]domain.BidAircraft
}

func (f *bidFacts) BidFacts(_ context.Context, _, flightID, aircraftID string) (domain.BidFacts, error) {
	return domain.BidFacts{Rules: f.rules, Flight: f.flights[flightID], Aircraft: f.aircraft[aircraftID]}, nil
}

func (f *bidFacts) BidRules(context.Context, string) (domain.BidRules, error) { return f.rules, nil }

type bidWorld struct {
	bids    *domain.Bids
	facts   *bidFacts
	airline string
	clock   *stepClock
}

// stepClock is a clock a test moves on.
type stepClock struct {
	mu  sync.Mutex
	now time.Time
}

func (c *stepClock) Now() time.Time      { c.mu.Lock(); defer c.mu.Unlock(); return c.now }
func (c *stepClock) add(d time.Duration) { c.mu.Lock(); c.now = c.now.Add(d); c.mu.Unlock() }

func newBidWorld(t *testing.T, rules domain.BidRules) *bidWorld {
	t.Helper()
	r := newRunner(t)
	clock := &stepClock{now: time.Date(2026, 12, 1, 8, 0, 0, 0, time.UTC)}
	r.Clock = clock
	facts := &bidFacts{rules: rules,
		flights: map[string]domain.BidFlight{
			"f1": {Found: true, Active: true, FlightNumber: "1", DptAirport: "EGLL", ArrAirport: "KJFK", SubfleetIDs: []string{"sf1"}},
			"f2": {Found: true, Active: true, FlightNumber: "2", DptAirport: "KJFK", ArrAirport: "EGLL"},
			"f3": {Found: true, FlightNumber: "3", DptAirport: "EGLL", ArrAirport: "LFPG"},
		},
		aircraft: map[string]domain.BidAircraft{
			"ac1": {Found: true, SubfleetID: "sf1", Status: domain.AircraftActive},
			"ac2": {Found: true, SubfleetID: "sf2", Status: domain.AircraftActive},
			"ac3": {Found: true, SubfleetID: "sf1", Status: domain.AircraftMaintenance},
		}}
	m := newMembership(t, r)
	return &bidWorld{bids: &domain.Bids{Runner: r, IDs: domain.RandomIDs{}, Facts: facts}, facts: facts, airline: m.airline, clock: clock}
}

func (w *bidWorld) pilot() domain.CommandMeta {
	return domain.CommandMeta{Who: domain.Actor{UserID: domain.NewUUID(), Role: domain.RolePilot, TenantID: w.airline}}
}

func TestBidLimitOfOneUnlessTheAirlineAllowsSeveral(t *testing.T) {
	ctx := context.Background()
	w := newBidWorld(t, domain.BidRules{})
	p := w.pilot()
	first, _, err := w.bids.Place(ctx, p, w.airline, "f1", "")
	if err != nil || first.ID == "" || first.FlightNumber != "1" {
		t.Fatalf("first bid = %+v, %v", first, err)
	}
	again, res, err := w.bids.Place(ctx, p, w.airline, "f1", "")
	if err != nil || again.ID != first.ID || res.Position != domain.Start {
		t.Errorf("the same flight again = %+v, %+v, %v; want the first bid, nothing appended", again, res, err)
	}
	_, _, err = w.bids.Place(ctx, p, w.airline, "f2", "")
	if domain.ErrorCode(err) != domain.EConflict || domain.ErrorFields(err)["bids"] == "" {
		t.Errorf("a second flight with one bid allowed: %v, want a conflict on bids (user-bid-limit)", err)
	}
	w.facts.rules.AllowMultiple = true
	if _, _, err := w.bids.Place(ctx, p, w.airline, "f2", ""); err != nil {
		t.Errorf("a second flight with several allowed: %v", err)
	}
}

func TestBidRefusesWhatCannotBeFlown(t *testing.T) {
	ctx := context.Background()
	w := newBidWorld(t, domain.BidRules{AllowMultiple: true})
	p := w.pilot()
	for _, c := range []struct{ flight, aircraft, code, field string }{
		{"nope", "", domain.ENotFound, "flight_id"},
		{"f3", "", domain.EInvalid, "flight_id"},
		{"f1", "nope", domain.EInvalid, "aircraft_id"},
		{"f1", "ac2", domain.EInvalid, "aircraft_id"},
		{"f1", "ac3", domain.EInvalid, "aircraft_id"},
		{"", "", domain.EInvalid, "flight_id"},
	} {
		_, _, err := w.bids.Place(ctx, p, w.airline, c.flight, c.aircraft)
		if domain.ErrorCode(err) != c.code || domain.ErrorFields(err)[c.field] == "" {
			t.Errorf("bid on %q with %q: %v, want %s on %s", c.flight, c.aircraft, err, c.code, c.field)
		}
	}
	other := domain.CommandMeta{Who: domain.Actor{UserID: domain.NewUUID(), Role: domain.RolePilot, TenantID: domain.NewUUID()}}
	if _, _, err := w.bids.Place(ctx, other, w.airline, "f1", ""); domain.ErrorCode(err) != domain.ENotFound {
		t.Errorf("a pilot of another airline: %v, want not found", err)
	}
}

func TestOnePilotPerFlightAndReservedAircraftAreFreedWhenTheBidEnds(t *testing.T) {
	ctx := context.Background()
	w := newBidWorld(t, domain.BidRules{AllowMultiple: true, OnePilotPerFlight: true, BlockAircraft: true})
	a, b := w.pilot(), w.pilot()
	bidA, _, err := w.bids.Place(ctx, a, w.airline, "f1", "ac1")
	if err != nil {
		t.Fatal(err)
	}
	if _, _, err := w.bids.Place(ctx, b, w.airline, "f1", ""); domain.ErrorCode(err) != domain.EConflict || domain.ErrorFields(err)["flight_id"] == "" {
		t.Errorf("another pilot on a taken flight: %v, want a conflict on flight_id (bid-exists)", err)
	}
	if _, _, err := w.bids.Place(ctx, b, w.airline, "f2", "ac1"); domain.ErrorCode(err) != domain.EConflict || domain.ErrorFields(err)["aircraft_id"] == "" {
		t.Errorf("another pilot with a reserved aircraft: %v, want a conflict on aircraft_id (bid-exists)", err)
	}
	if _, err := w.bids.Remove(ctx, b, w.airline, bidA.ID); domain.ErrorCode(err) != domain.ENotFound {
		t.Errorf("another pilot removing the bid: %v, want not found", err)
	}
	if _, err := w.bids.Remove(ctx, a, w.airline, bidA.ID); err != nil {
		t.Fatal(err)
	}
	if _, err := w.bids.Remove(ctx, a, w.airline, bidA.ID); domain.ErrorCode(err) != domain.ENotFound {
		t.Errorf("removing it twice: %v, want not found", err)
	}
	if _, _, err := w.bids.Place(ctx, b, w.airline, "f1", "ac1"); err != nil {
		t.Errorf("the flight and aircraft after the bid ended: %v, want them free", err)
	}
	// A bid placed before the setting holds no claim; the read models' bidders still take the flight.
	w.facts.flights["f2"] = domain.BidFlight{Found: true, Active: true, FlightNumber: "2", Bidders: []string{domain.NewUUID()}}
	if _, _, err := w.bids.Place(ctx, a, w.airline, "f2", ""); domain.ErrorCode(err) != domain.EConflict {
		t.Errorf("a flight another pilot holds without a claim: %v, want a conflict", err)
	}
}

func TestConcurrentBidsOnOneFlightGiveOneBid(t *testing.T) {
	ctx := context.Background()
	w := newBidWorld(t, domain.BidRules{OnePilotPerFlight: true})
	const n = 8
	errs := make([]error, n)
	var wg sync.WaitGroup
	for i := range n {
		wg.Add(1)
		go func() {
			defer wg.Done()
			_, _, errs[i] = w.bids.Place(ctx, w.pilot(), w.airline, "f1", "")
		}()
	}
	wg.Wait()
	won := 0
	for _, err := range errs {
		switch {
		case err == nil:
			won++
		case domain.ErrorFields(err)["flight_id"] == "":
			t.Errorf("a losing bid: %v, want a conflict on flight_id", err)
		}
	}
	if won != 1 {
		t.Errorf("%d bids won, want exactly 1", won)
	}
}

func TestBidEndsForItsPirepAndExpires(t *testing.T) {
	ctx := context.Background()
	w := newBidWorld(t, domain.BidRules{AllowMultiple: true, OnePilotPerFlight: true, ExpireAfterHours: 24})
	p := w.pilot()
	sys := domain.CommandMeta{Who: domain.System}
	bid1, _, err := w.bids.Place(ctx, p, w.airline, "f1", "")
	if err != nil {
		t.Fatal(err)
	}
	if _, err := w.bids.EndForPirep(ctx, p, w.airline, p.Who.UserID, "f1", "pirep-1", domain.BidFiled); domain.ErrorCode(err) == "" {
		t.Errorf("a pilot sending the system's command: no error")
	}
	res, err := w.bids.EndForPirep(ctx, sys, w.airline, p.Who.UserID, "f2", "pirep-1", domain.BidFiled)
	if err != nil || res.Position != domain.Start {
		t.Errorf("a PIREP of a flight without a bid = %+v, %v; want nothing appended", res, err)
	}
	if res, err := w.bids.EndForPirep(ctx, sys, w.airline, p.Who.UserID, "f1", "pirep-1", domain.BidFiled); err != nil || res.Position == domain.Start {
		t.Errorf("the bid's PIREP filed = %+v, %v; want the bid removed", res, err)
	}
	if _, _, err := w.bids.Place(ctx, w.pilot(), w.airline, "f1", ""); err != nil {
		t.Errorf("the flight after its bid was filed: %v, want it free", err)
	}

	bid2, _, err := w.bids.Place(ctx, p, w.airline, "f2", "")
	if err != nil || bid2.ID == bid1.ID {
		t.Fatal(err)
	}
	w.clock.add(23 * time.Hour)
	if res, err := w.bids.Expire(ctx, sys, w.airline, p.Who.UserID, bid2.ID, w.clock.Now()); err != nil || res.Position != domain.Start {
		t.Errorf("expire at 23 of 24 hours = %+v, %v; want nothing", res, err)
	}
	w.clock.add(time.Hour)
	if res, err := w.bids.Expire(ctx, sys, w.airline, p.Who.UserID, bid2.ID, w.clock.Now()); err != nil || res.Position == domain.Start {
		t.Errorf("expire at 24 hours = %+v, %v; want it removed", res, err)
	}
	if res, err := w.bids.Expire(ctx, sys, w.airline, p.Who.UserID, bid2.ID, w.clock.Now()); err != nil || res.Position != domain.Start {
		t.Errorf("expire again = %+v, %v; want nothing", res, err)
	}
}

func TestSetBidRules(t *testing.T) {
	ctx := context.Background()
	m := newMembership(t, newRunner(t))
	admin := domain.CommandMeta{Who: m.admin}
	if _, err := m.airlines.SetBidRules(ctx, admin, m.airline, domain.BidRules{ExpireAfterHours: -1}); domain.ErrorFields(err)["expire_after_hours"] == "" {
		t.Errorf("negative hours: %v", err)
	}
	r := domain.BidRules{AllowMultiple: true, OnePilotPerFlight: true, ExpireAfterHours: 48}
	if res, err := m.airlines.SetBidRules(ctx, admin, m.airline, r); err != nil || res.Position == domain.Start {
		t.Fatalf("SetBidRules = %+v, %v", res, err)
	}
	if res, err := m.airlines.SetBidRules(ctx, admin, m.airline, r); err != nil || res.Position != domain.Start {
		t.Errorf("the same rules again = %+v, %v; want nothing appended", res, err)
	}
	pilot := domain.CommandMeta{Who: domain.Actor{UserID: domain.NewUUID(), Role: domain.RolePilot, TenantID: m.airline}}
	if _, err := m.airlines.SetBidRules(ctx, pilot, m.airline, r); domain.ErrorCode(err) != domain.EForbidden {
		t.Errorf("a pilot setting the rules: %v, want forbidden", err)
	}
}

// A rebook (smartCARS's) moves a bid to another aircraft of its flight:
// the flight stays the pilot's throughout, the old aircraft is freed, the
// new one reserved, and an aircraft that cannot fly it is refused.
func TestRebookMovesTheBidToAnotherAircraft(t *testing.T) {
	ctx := context.Background()
	w := newBidWorld(t, domain.BidRules{AllowMultiple: true, OnePilotPerFlight: true, BlockAircraft: true})
	w.facts.aircraft["ac4"] = domain.BidAircraft{Found: true, SubfleetID: "sf1", Status: domain.AircraftActive}
	a, b := w.pilot(), w.pilot()
	first, _, err := w.bids.Place(ctx, a, w.airline, "f1", "ac1")
	if err != nil {
		t.Fatal(err)
	}
	moved, _, err := w.bids.Rebook(ctx, a, w.airline, first.ID, "ac4")
	if err != nil || moved.ID == first.ID || moved.FlightID != "f1" || moved.AircraftID != "ac4" {
		t.Fatalf("rebook onto ac4 = %+v, %v; want a new bid on f1 with ac4", moved, err)
	}
	same, res, err := w.bids.Rebook(ctx, a, w.airline, moved.ID, "ac4")
	if err != nil || same.ID != moved.ID || res.Position != domain.Start {
		t.Errorf("rebook onto its own aircraft = %+v, %+v, %v; want the bid, nothing appended", same, res, err)
	}
	if _, _, err := w.bids.Place(ctx, b, w.airline, "f1", ""); domain.ErrorCode(err) != domain.EConflict {
		t.Errorf("another pilot on the rebooked flight: %v, want the flight still taken", err)
	}
	if _, _, err := w.bids.Place(ctx, b, w.airline, "f2", "ac4"); domain.ErrorCode(err) != domain.EConflict {
		t.Errorf("another pilot with the new aircraft: %v, want it reserved", err)
	}
	if _, _, err := w.bids.Place(ctx, b, w.airline, "f2", "ac1"); err != nil {
		t.Errorf("another pilot with the old aircraft: %v, want it freed", err)
	}
	for _, c := range []struct{ bid, aircraft, code string }{
		{moved.ID, "ac2", domain.EInvalid}, {moved.ID, "ac3", domain.EInvalid}, {moved.ID, "", domain.EInvalid},
		{moved.ID, "ac1", domain.EConflict}, {first.ID, "ac4", domain.ENotFound}, {"nope", "ac4", domain.ENotFound},
	} {
		if _, _, err := w.bids.Rebook(ctx, a, w.airline, c.bid, c.aircraft); domain.ErrorCode(err) != c.code {
			t.Errorf("rebook %q onto %q: %v, want %s", c.bid, c.aircraft, err, c.code)
		}
	}
	if _, _, err := w.bids.Rebook(ctx, b, w.airline, moved.ID, "ac4"); domain.ErrorCode(err) != domain.ENotFound {
		t.Errorf("another pilot rebooking the bid: %v, want not found", err)
	}
}
