package domain_test

import (
	"context"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/albatross-va/albatross/domain"
)

// TestAirlineEventWindowAndMatching: a flight counts when it blocked off
// at or after the start and before the end, and matches by flight number
// or by airport (departure or arrival), whatever its case.
func TestAirlineEventWindowAndMatching(t *testing.T) {
	start := time.Date(2026, 12, 24, 18, 0, 0, 0, time.UTC)
	e := domain.AirlineEvent{StartsAt: start, EndsAt: start.Add(4 * time.Hour)}
	for _, tc := range []struct {
		at time.Time
		in bool
	}{
		{start.Add(-time.Minute), false}, {start, true}, {start.Add(3*time.Hour + 59*time.Minute), true}, {start.Add(4 * time.Hour), false}, {time.Time{}, false},
	} {
		if got := e.InWindow(tc.at); got != tc.in {
			t.Errorf("InWindow(%v) = %v, want %v", tc.at, got, tc.in)
		}
	}
	flights := domain.EventMatch{Kind: domain.EventMatchFlights, FlightNumbers: []string{"100", "1A"}}
	airport := domain.EventMatch{Kind: domain.EventMatchAirport, Airport: "LPPT"}
	for _, tc := range []struct {
		m    domain.EventMatch
		f    domain.EventFlight
		want bool
	}{
		{flights, domain.EventFlight{FlightNumber: "100"}, true},
		{flights, domain.EventFlight{FlightNumber: " 1a"}, true},
		{flights, domain.EventFlight{FlightNumber: "1000"}, false},
		{flights, domain.EventFlight{FlightNumber: ""}, false},
		{airport, domain.EventFlight{Dpt: "LPPT", Arr: "EGLL"}, true},
		{airport, domain.EventFlight{Dpt: "EGLL", Arr: "lppt"}, true},
		{airport, domain.EventFlight{Dpt: "EGLL", Arr: "LPPR"}, false},
		{domain.EventMatch{Kind: "tour"}, domain.EventFlight{FlightNumber: "100", Dpt: "LPPT"}, false},
	} {
		if got := tc.m.Matches(tc.f); got != tc.want {
			t.Errorf("%s matches %+v: %v, want %v", tc.m.Describe(), tc.f, got, tc.want)
		}
	}
	for _, tc := range []struct {
		now  time.Time
		want string
	}{{start.Add(-time.Second), domain.EventUpcoming}, {start, domain.EventLive}, {start.Add(4 * time.Hour), domain.EventPast}} {
		if got := e.Phase(tc.now); got != tc.want {
			t.Errorf("Phase at %v = %s, want %s", tc.now, got, tc.want)
		}
	}
	e.Cancelled = true
	if got := e.Phase(start); got != domain.EventCancelled {
		t.Errorf("a cancelled event's phase is %s", got)
	}
}

// TestAirlineEventFormNamesEachBadField: each bad value is named beside
// its field, an end before (or at) the start is refused, and a good form
// gives the event with its flight numbers cleaned.
func TestAirlineEventFormNamesEachBadField(t *testing.T) {
	good := domain.AirlineEventForm{Name: "Christmas Eve", StartsAt: "2026-12-24T18:00", EndsAt: "2026-12-24T22:00", Match: domain.EventMatchFlights,
		FlightNumbers: "100, 101 100;1a"}
	for _, tc := range []struct {
		change func(f *domain.AirlineEventForm)
		field  string
	}{
		{func(f *domain.AirlineEventForm) { f.Name = " " }, "name"},
		{func(f *domain.AirlineEventForm) { f.Name = "A\x00" }, "name"},
		{func(f *domain.AirlineEventForm) { f.StartsAt = "tomorrow" }, "starts_at"},
		{func(f *domain.AirlineEventForm) { f.EndsAt = "" }, "ends_at"},
		{func(f *domain.AirlineEventForm) { f.EndsAt = "2026-12-24T17:00" }, "ends_at"},
		{func(f *domain.AirlineEventForm) { f.EndsAt = f.StartsAt }, "ends_at"},
		{func(f *domain.AirlineEventForm) { f.EndsAt = "2027-02-24T17:00" }, "ends_at"},
		{func(f *domain.AirlineEventForm) { f.Match = "" }, "match"},
		{func(f *domain.AirlineEventForm) { f.FlightNumbers = " , " }, "flight_numbers"},
		{func(f *domain.AirlineEventForm) { f.FlightNumbers = "100, AB-1" }, "flight_numbers"},
		{func(f *domain.AirlineEventForm) { f.Match, f.Airport = domain.EventMatchAirport, "LIS" }, "airport"},
	} {
		f := good
		tc.change(&f)
		_, err := f.Validate()
		if msg := domain.ErrorFields(err)[tc.field]; msg == "" || domain.ErrorCode(err) != domain.EInvalid {
			t.Errorf("%+v: %v, want a message for %s", f, err, tc.field)
		}
	}
	f := good
	spec, err := f.Validate()
	if err != nil {
		t.Fatal(err)
	}
	if got := strings.Join(spec.Match.FlightNumbers, ","); got != "100,101,1A" || !spec.EndsAt.Equal(time.Date(2026, 12, 24, 22, 0, 0, 0, time.UTC)) {
		t.Errorf("spec %+v", spec)
	}
}

// eventsWorld is an airline with two pilots, its events' commands on a
// clock the test sets, and one event tomorrow 18:00–22:00 on flight 100.
type eventsWorld struct {
	m        *membership
	events   *domain.AirlineEvents
	clock    *fixedClock
	ana, bea domain.Actor
	id       string
	start    time.Time
}

func newEventsWorld(t *testing.T) *eventsWorld {
	t.Helper()
	r := newRunner(t)
	clock := &fixedClock{t: time.Date(2026, 12, 20, 12, 0, 0, 0, time.UTC)}
	r.Clock = clock
	w := &eventsWorld{m: newMembership(t, r), events: &domain.AirlineEvents{Runner: r, IDs: domain.RandomIDs{}}, clock: clock,
		start: time.Date(2026, 12, 24, 18, 0, 0, 0, time.UTC)}
	w.ana = domain.Actor{UserID: domain.NewUUID(), Role: domain.RolePilot, TenantID: w.m.airline}
	w.bea = domain.Actor{UserID: domain.NewUUID(), Role: domain.RolePilot, TenantID: w.m.airline}
	id, _, err := w.events.Schedule(context.Background(), domain.CommandMeta{ID: domain.NewUUID(), Who: w.m.admin}, w.m.airline,
		domain.AirlineEventForm{Name: "Christmas Eve", StartsAt: "2026-12-24T18:00", EndsAt: "2026-12-24T22:00", Match: domain.EventMatchFlights, FlightNumbers: "100"})
	if err != nil {
		t.Fatal(err)
	}
	w.id = id
	return w
}

func (w *eventsWorld) as(a domain.Actor) domain.CommandMeta {
	return domain.CommandMeta{ID: domain.NewUUID(), Who: a}
}

func (w *eventsWorld) load(t *testing.T) *domain.AirlineEvent {
	t.Helper()
	e, err := w.events.Find(context.Background(), w.m.airline, w.id)
	if err != nil {
		t.Fatal(err)
	}
	return e
}

// TestAirlineEventSignUpRules: staff only create events; a pilot signs up
// once and withdraws until the end; only a signed-up pilot's matching
// flight in the window counts, once; a pilot whose flight counted cannot
// withdraw; after the end nobody signs up; another airline's pilot finds
// no such event.
func TestAirlineEventSignUpRules(t *testing.T) {
	ctx := context.Background()
	w := newEventsWorld(t)
	if _, _, err := w.events.Schedule(ctx, w.as(w.ana), w.m.airline, domain.AirlineEventForm{Name: "Mine", StartsAt: "2026-12-24T18:00",
		EndsAt: "2026-12-24T22:00", Match: domain.EventMatchAirport, Airport: "LPPT"}); domain.ErrorCode(err) != domain.EForbidden {
		t.Errorf("a pilot created an event: %v", err)
	}
	if _, _, err := w.events.Schedule(ctx, w.as(w.m.admin), w.m.airline, domain.AirlineEventForm{Name: "Gone", StartsAt: "2026-12-01T18:00",
		EndsAt: "2026-12-01T22:00", Match: domain.EventMatchAirport, Airport: "LPPT"}); domain.ErrorFields(err)["ends_at"] == "" {
		t.Errorf("an event that has ended was scheduled: %v", err)
	}
	if _, err := w.events.SignUp(ctx, w.as(w.ana), w.m.airline, w.id); err != nil {
		t.Fatal(err)
	}
	if _, err := w.events.SignUp(ctx, w.as(w.ana), w.m.airline, w.id); domain.ErrorCode(err) != domain.EConflict {
		t.Errorf("a second sign-up: %v, want a conflict", err)
	}
	stranger := domain.Actor{UserID: domain.NewUUID(), Role: domain.RolePilot, TenantID: domain.NewUUID()}
	if _, err := w.events.SignUp(ctx, w.as(stranger), stranger.TenantID, w.id); domain.ErrorCode(err) != domain.ENotFound {
		t.Errorf("another airline's pilot signed up: %v, want not found", err)
	}
	in := w.start.Add(time.Hour)
	flight := func(pirep string, pilot domain.Actor, number string, off time.Time) domain.EventFlight {
		return domain.EventFlight{PirepID: pirep, PilotID: pilot.UserID, FlightNumber: number, Dpt: "EGLL", Arr: "LPPT", BlockOff: off, BlockOn: off.Add(time.Hour)}
	}
	count := func(f domain.EventFlight) {
		t.Helper()
		if _, err := w.events.CountFlight(ctx, w.as(domain.System), w.m.airline, w.id, f); err != nil {
			t.Fatal(err)
		}
	}
	count(flight("p-bea", w.bea, "100", in))                          // not signed up
	count(flight("p-early", w.ana, "100", w.start.Add(-time.Minute))) // before the start
	count(flight("p-other", w.ana, "200", in))                        // another flight
	if e := w.load(t); len(e.Counted) != 0 {
		t.Fatalf("counted %v, want nothing", e.Counted)
	}
	if _, err := w.events.Withdraw(ctx, w.as(w.ana), w.m.airline, w.id); err != nil {
		t.Fatalf("withdraw before any flight counted: %v", err)
	}
	if _, err := w.events.SignUp(ctx, w.as(w.ana), w.m.airline, w.id); err != nil {
		t.Fatal(err)
	}
	count(flight("p1", w.ana, "100", in))
	count(flight("p1", w.ana, "100", in)) // the same PIREP again
	if e := w.load(t); len(e.Counted) != 1 || e.PilotFlights(w.ana.UserID) != 1 {
		t.Fatalf("counted %v, want p1 once", e.Counted)
	}
	if _, err := w.events.Withdraw(ctx, w.as(w.ana), w.m.airline, w.id); domain.ErrorCode(err) != domain.EConflict {
		t.Errorf("withdrew after a flight counted: %v", err)
	}
	if _, err := w.events.UncountFlight(ctx, w.as(domain.System), w.m.airline, w.id, "p1"); err != nil {
		t.Fatal(err)
	}
	if e := w.load(t); len(e.Counted) != 0 {
		t.Errorf("after uncounting: %v", e.Counted)
	}
	w.clock.add(5 * 24 * time.Hour) // past the end
	if _, err := w.events.SignUp(ctx, w.as(w.bea), w.m.airline, w.id); domain.ErrorCode(err) != domain.EConflict {
		t.Errorf("signed up after the end: %v", err)
	}
	if _, err := w.events.Withdraw(ctx, w.as(w.ana), w.m.airline, w.id); domain.ErrorCode(err) != domain.EConflict {
		t.Errorf("withdrew after the end: %v", err)
	}
	// A cancelled event counts nothing more, and cannot be edited.
	if _, err := w.events.Cancel(ctx, w.as(w.m.admin), w.m.airline, w.id, "Servers down"); err != nil {
		t.Fatal(err)
	}
	count(flight("p2", w.ana, "100", in))
	if e := w.load(t); len(e.Counted) != 0 || !e.Cancelled {
		t.Errorf("a cancelled event counted %v", e.Counted)
	}
	if _, err := w.events.Change(ctx, w.as(w.m.admin), w.m.airline, w.id, domain.AirlineEventForm{Name: "Again", StartsAt: "2026-12-24T18:00",
		EndsAt: "2026-12-24T22:00", Match: domain.EventMatchFlights, FlightNumbers: "100"}); domain.ErrorCode(err) != domain.EConflict {
		t.Errorf("a cancelled event was changed: %v", err)
	}
}

// TestConcurrentCountsCountOnce: many reactions counting one PIREP at once
// (two reactor processes, a replay) count it once.
func TestConcurrentCountsCountOnce(t *testing.T) {
	ctx := context.Background()
	w := newEventsWorld(t)
	if _, err := w.events.SignUp(ctx, w.as(w.ana), w.m.airline, w.id); err != nil {
		t.Fatal(err)
	}
	f := domain.EventFlight{PirepID: "p1", PilotID: w.ana.UserID, FlightNumber: "100", Dpt: "EGLL", Arr: "LPPT", BlockOff: w.start.Add(time.Hour)}
	var wg sync.WaitGroup
	for range 8 {
		wg.Add(1)
		go func() {
			defer wg.Done()
			if _, err := w.events.CountFlight(ctx, w.as(domain.System), w.m.airline, w.id, f); err != nil {
				t.Error(err)
			}
		}()
	}
	wg.Wait()
	recs, err := w.m.r.Store.ReadStream(ctx, domain.AirlineEventStream(w.id), 0)
	if err != nil {
		t.Fatal(err)
	}
	if len(recs) != 3 { // scheduled, signed up, counted once
		t.Errorf("the event's stream has %d events, want 3", len(recs))
	}
}

// TestEventAwardRule: an event award is met by a flight that counted for
// that event only, the form asks for the event, and an award cannot name
// another airline's event.
func TestEventAwardRule(t *testing.T) {
	r := domain.AwardRule{Kind: domain.AwardRuleEvent, Code: "e1"}
	if !r.Automatic() {
		t.Errorf("an event award does not grant by itself")
	}
	if met, _ := r.Meets(domain.AwardRecord{Events: map[string]bool{"e1": true}}, time.Now()); !met {
		t.Errorf("a flight counted for e1 does not meet its award")
	}
	if met, _ := r.Meets(domain.AwardRecord{Events: map[string]bool{"e2": true}}, time.Now()); met {
		t.Errorf("a flight counted for e2 meets e1's award")
	}
	f := domain.AwardForm{Name: "Flew it", Rule: domain.AwardRuleEvent}
	if _, err := f.Validate(); domain.ErrorFields(err)["event"] == "" {
		t.Errorf("an event award without its event: %v", err)
	}
	w := newEventsWorld(t)
	awards := &domain.Awards{Runner: w.events.Runner, IDs: domain.RandomIDs{}}
	other := newMembership(t, w.events.Runner)
	if _, _, err := awards.Define(context.Background(), w.as(other.admin), other.airline, domain.AwardForm{Name: "Theirs", Rule: domain.AwardRuleEvent,
		Event: w.id}); domain.ErrorFields(err)["event"] == "" {
		t.Errorf("an award of another airline's event: %v", err)
	}
	if _, _, err := awards.Define(context.Background(), w.as(w.m.admin), w.m.airline, domain.AwardForm{Name: "Ours", Rule: domain.AwardRuleEvent,
		Event: strings.ToUpper(w.id)}); err != nil {
		t.Errorf("an award of the airline's own event: %v", err)
	}
}
