package projector_test

import (
	"context"
	"reflect"
	"sync"
	"testing"
	"time"

	"github.com/google/uuid"

	"github.com/albatross-va/albatross/domain"
	"github.com/albatross-va/albatross/reactors"
	"github.com/albatross-va/albatross/store/projector"
	"github.com/albatross-va/albatross/store/readmodel"
	"github.com/albatross-va/albatross/store/reads"
)

// eventClock is the time the events' commands run at: the day before the
// careerWorld's flights (2 Nov 2026, off blocks 09:00).
type eventClock struct{}

func (eventClock) Now() time.Time { return time.Date(2026, 11, 1, 12, 0, 0, 0, time.UTC) }

// eventWorld is an awardWorld with the airline events' commands and a
// projector running both the awards and the airline events reactors, and
// one event on 2 Nov 08:00–12:00 on flight 1 that the pilot signed up for.
type eventWorld struct {
	*awardWorld
	events *domain.AirlineEvents
	id     string
}

func newEventWorld(t *testing.T, e env, icao string) *eventWorld {
	t.Helper()
	w := &eventWorld{awardWorld: newAwardWorld(t, e, icao)}
	r := &domain.Runner{Store: e.es, Registry: reg, MaxAttempts: 20, Clock: eventClock{}}
	w.events = &domain.AirlineEvents{Runner: r, IDs: domain.RandomIDs{}}
	w.p = projector.New(e.es, e.backend, reg, nil, nil, projector.All()...).
		WithReactors(reactorCheckpoints(e), reactors.Awards{ReadModels: reads.New(w.q), Awards: w.awards},
			reactors.AirlineEvents{ReadModels: reads.New(w.q), Events: w.events})
	ctx := context.Background()
	id, _, err := w.events.Schedule(ctx, as(w.staff), w.airline, domain.AirlineEventForm{Name: "Monday rush", StartsAt: "2026-11-02T08:00",
		EndsAt: "2026-11-02T12:00", Match: domain.EventMatchFlights, FlightNumbers: "1"})
	must(t, err)
	w.id = id
	res, err := w.events.SignUp(ctx, as(w.pilot), w.airline, id)
	must(t, err)
	w.last = res.Position
	return w
}

// settle catches the projections and both reactors up, and what their
// reactions appended, and returns the PIREPs that count for the event.
func (w *eventWorld) settle(t *testing.T) []string {
	t.Helper()
	waitVisible(t, w.e.es, w.last)
	for range 4 {
		must(t, w.p.CatchUp(context.Background()))
	}
	list, err := w.q.ListAirlineEventFlights(context.Background(), readmodel.ListAirlineEventFlightsParams{TenantID: w.airline, EventID: uuid.MustParse(w.id)})
	must(t, err)
	var out []string
	for _, f := range list {
		out = append(out, f.PirepID.String())
	}
	return out
}

// countedEvents is how many AirlineEventFlightCounted the event's stream
// holds.
func (w *eventWorld) countedEvents(t *testing.T) int {
	t.Helper()
	recs, err := w.e.es.ReadStream(context.Background(), domain.AirlineEventStream(w.id), 0)
	must(t, err)
	n := 0
	for _, r := range recs {
		if r.Type == "albatross.events.v1.AirlineEventFlightCounted" {
			n++
		}
	}
	return n
}

// TestEventFlightsCountOnAcceptanceAndAwardFollows: a signed-up pilot's
// accepted flight 1 in the window counts for the event (flight 2 does
// not) and earns the event's award; a rejection after acceptance takes
// both back; the next one counts again; an award defined afterwards goes
// to who already qualifies; and a rebuild repeats nothing.
func TestEventFlightsCountOnAcceptanceAndAwardFollows(t *testing.T) {
	forEachEnv(t, func(t *testing.T, e env) {
		ctx := context.Background()
		w := newEventWorld(t, e, "EVA")
		w.define(t, domain.AwardForm{Name: "Rush flown", Rule: domain.AwardRuleEvent, Event: w.id})
		if got := w.settle(t); len(got) != 0 {
			t.Fatalf("before any flight: %v", got)
		}
		_, at := w.flyAccepted(t, "2")
		w.last = at
		first, at := w.flyAccepted(t, "1")
		w.last = at
		if got := w.settle(t); !reflect.DeepEqual(got, []string{first}) {
			t.Errorf("counted %v, want the flight 1 only", got)
		}
		if got := w.held(t); !sameSet(got, "Rush flown") {
			t.Errorf("held %v after the counted flight", got)
		}
		res, err := w.pireps.Reject(ctx, as(w.staff), w.airline, first, "Not flown")
		must(t, err)
		w.last = res.Position
		if got := w.settle(t); len(got) != 0 {
			t.Errorf("after the rejection counted %v", got)
		}
		if got := w.held(t); len(got) != 0 {
			t.Errorf("after the rejection held %v", got)
		}
		second, at := w.flyAccepted(t, "1")
		w.last = at
		if got := w.settle(t); !reflect.DeepEqual(got, []string{second}) {
			t.Errorf("counted %v, want the second flight 1", got)
		}
		w.define(t, domain.AwardForm{Name: "Rush again", Rule: domain.AwardRuleEvent, Event: w.id})
		if got := w.held(t); !sameSet(got, "Rush flown", "Rush again") {
			t.Errorf("held %v, want the new event award too", got)
		}
		before, err := w.q.ListAirlineEventFlights(ctx, readmodel.ListAirlineEventFlightsParams{TenantID: w.airline, EventID: uuid.MustParse(w.id)})
		must(t, err)
		streamBefore := w.countedEvents(t)
		must(t, w.p.Rebuild(ctx, "airline_events"))
		must(t, w.p.Rebuild(ctx, "awards"))
		w.settle(t)
		after, err := w.q.ListAirlineEventFlights(ctx, readmodel.ListAirlineEventFlightsParams{TenantID: w.airline, EventID: uuid.MustParse(w.id)})
		must(t, err)
		if !reflect.DeepEqual(before, after) {
			t.Errorf("rebuild differs: %+v, want %+v", after, before)
		}
		if n := w.countedEvents(t); n != streamBefore || n != 2 {
			t.Errorf("the event's stream counts %d flights after the rebuild, %d before; want 2", n, streamBefore)
		}
		if got := w.held(t); !sameSet(got, "Rush flown", "Rush again") {
			t.Errorf("after the rebuild held %v", got)
		}
		signups, err := w.q.ListAirlineEventSignups(ctx, readmodel.ListAirlineEventSignupsParams{TenantID: w.airline, EventID: uuid.MustParse(w.id)})
		must(t, err)
		if len(signups) != 1 || signups[0].UserID.String() != w.pilot.UserID {
			t.Errorf("sign-ups %+v", signups)
		}
	})
}

// TestEventFlightNeedsASignUp: the same flight by a pilot who did not sign
// up counts for nothing.
func TestEventFlightNeedsASignUp(t *testing.T) {
	forEachEnv(t, func(t *testing.T, e env) {
		w := newEventWorld(t, e, "EVS")
		res, err := w.events.Withdraw(context.Background(), as(w.pilot), w.airline, w.id)
		must(t, err)
		w.last = res.Position
		_, at := w.flyAccepted(t, "1")
		w.last = at
		if got := w.settle(t); len(got) != 0 {
			t.Errorf("a pilot who withdrew had %v counted", got)
		}
	})
}

// TestConcurrentCountingCountsOnce: the reactor and two other processes
// counting one accepted PIREP at once count it once, and the award is
// granted once.
func TestConcurrentCountingCountsOnce(t *testing.T) {
	forEachEnv(t, func(t *testing.T, e env) {
		ctx := context.Background()
		w := newEventWorld(t, e, "EVC")
		w.define(t, domain.AwardForm{Name: "Rush flown", Rule: domain.AwardRuleEvent, Event: w.id})
		w.settle(t)
		id, at := w.flyAccepted(t, "1")
		w.last = at
		f := domain.EventFlight{PirepID: id, PilotID: w.pilot.UserID, FlightNumber: "1", Dpt: "EGLL", Arr: "KJFK",
			BlockOff: time.Date(2026, 11, 2, 9, 0, 0, 0, time.UTC)}
		var wg sync.WaitGroup
		var mu sync.Mutex
		var counted []domain.Position
		for range 2 {
			wg.Add(1)
			go func() {
				defer wg.Done()
				res, err := w.events.CountFlight(ctx, domain.CommandMeta{ID: uuid.NewString(), Who: domain.System}, w.airline, w.id, f)
				if err != nil {
					t.Error(err)
				}
				mu.Lock()
				counted = append(counted, res.Position)
				mu.Unlock()
			}()
		}
		wg.Add(1)
		go func() {
			defer wg.Done()
			for range 4 {
				if err := w.p.CatchUp(ctx); err != nil {
					t.Error(err)
				}
			}
		}()
		wg.Wait()
		// The log's head may not show the counts yet in PostgreSQL: wait
		// for the latest before the last catch-up.
		for _, p := range counted {
			if p.After(w.last) {
				w.last = p
			}
		}
		if got := w.settle(t); !reflect.DeepEqual(got, []string{id}) {
			t.Errorf("counted %v", got)
		}
		if n := w.countedEvents(t); n != 1 {
			t.Errorf("the event's stream counts the flight %d times", n)
		}
		if got := w.held(t); !sameSet(got, "Rush flown") {
			t.Errorf("held %v", got)
		}
		recs, err := e.es.ReadStream(ctx, domain.PilotAwardsStream(w.pilot.UserID), 0)
		must(t, err)
		if len(recs) != 1 {
			t.Errorf("the pilot's award stream has %d events, want one grant", len(recs))
		}
	})
}
