package projector_test

import (
	"context"
	"reflect"
	"strconv"
	"sync"
	"testing"
	"time"

	"github.com/google/uuid"

	"github.com/albatross-va/albatross/domain"
	"github.com/albatross-va/albatross/reactors"
	"github.com/albatross-va/albatross/store/readmodel"
	"github.com/albatross-va/albatross/store/reads"
)

// tourWorld is an awardWorld whose projector runs the tours reactor beside
// the awards one, with the tour commands.
type tourWorld struct {
	*awardWorld
	tours   *domain.Tours
	flights int // flown so far, for distinct flight numbers (the same report twice is one)
}

func newTourWorld(t *testing.T, e env, icao string) *tourWorld {
	t.Helper()
	w := &tourWorld{awardWorld: newAwardWorld(t, e, icao)}
	r := &domain.Runner{Store: e.es, Registry: reg, MaxAttempts: 20}
	w.tours = &domain.Tours{Runner: r, IDs: domain.RandomIDs{}}
	w.p = w.p.WithReactors(reactorCheckpoints(e), reactors.Tours{ReadModels: reads.New(w.q), Tours: w.tours})
	return w
}

// saveTour adds a tour and notes its position.
func (w *tourWorld) saveTour(t *testing.T, f domain.TourForm) string {
	t.Helper()
	id, res, err := w.tours.Save(context.Background(), as(w.staff), w.airline, "", f)
	must(t, err)
	w.last = res.Position
	return id
}

// fly files a one-hour flight dpt→arr and has staff accept it.
func (w *tourWorld) fly(t *testing.T, dpt, arr string) string {
	t.Helper()
	ctx := context.Background()
	off := time.Date(2026, 12, 10, 9, 0, 0, 0, time.UTC)
	w.flights++
	id, _, err := w.pireps.File(ctx, as(w.pilot), w.airline, domain.PirepDetails{FlightNumber: strconv.Itoa(100 + w.flights), DptAirport: dpt, ArrAirport: arr,
		AircraftID: w.aircraft, BlockOff: off, BlockOn: off.Add(time.Hour), FlightTime: 60}, true)
	must(t, err)
	res, err := w.pireps.Accept(ctx, as(w.staff), w.airline, id)
	must(t, err)
	w.last = res.Position
	return id
}

// progress catches up and returns the legs the pilot has flown on the tour
// and whether the leaderboard shows them as finished.
func (w *tourWorld) progress(t *testing.T, tourID string) ([]int32, bool) {
	t.Helper()
	w.held(t) // catches up twice
	must(t, w.p.CatchUp(context.Background()))
	ctx := context.Background()
	flown, err := w.q.ListPilotTourLegsFlown(ctx, readmodel.ListPilotTourLegsFlownParams{TenantID: w.airline, UserID: uuid.MustParse(w.pilot.UserID)})
	must(t, err)
	var legs []int32
	for _, f := range flown {
		if f.TourID.String() == tourID {
			legs = append(legs, f.N)
		}
	}
	board, err := w.q.ListTourCompletions(ctx, readmodel.ListTourCompletionsParams{TenantID: w.airline, TourID: uuid.MustParse(tourID)})
	must(t, err)
	return legs, len(board) == 1 && board[0].UserID.String() == w.pilot.UserID
}

// TestTourLegCountedAwardGrantedAndTakenBack: a two-leg in-order tour
// with an award. The second leg flown first counts nothing; the first
// counts; the second then completes the tour and grants its award. A
// rejection of the second's PIREP after acceptance takes back the leg,
// the completion and the award; a rebuild of the read models shows the
// same and appends nothing.
func TestTourLegCountedAwardGrantedAndTakenBack(t *testing.T) {
	forEachEnv(t, func(t *testing.T, e env) {
		ctx := context.Background()
		w := newTourWorld(t, e, "TRA")
		tour := w.saveTour(t, domain.TourForm{Name: "Atlantic", Legs: "EGLL KJFK\nKJFK EGLL"})
		w.define(t, domain.AwardForm{Name: "Atlantic done", Rule: domain.AwardRuleTour, Tour: tour})
		w.fly(t, "KJFK", "EGLL")
		if legs, done := w.progress(t, tour); len(legs) != 0 || done {
			t.Fatalf("the second leg before the first: legs %v, done %v; want nothing counted", legs, done)
		}
		w.fly(t, "EGLL", "KJFK")
		if legs, done := w.progress(t, tour); !reflect.DeepEqual(legs, []int32{0}) || done {
			t.Fatalf("after the first leg: legs %v, done %v", legs, done)
		}
		if got := w.held(t); len(got) != 0 {
			t.Errorf("award held before the tour is done: %v", got)
		}
		last := w.fly(t, "KJFK", "EGLL")
		if legs, done := w.progress(t, tour); !reflect.DeepEqual(legs, []int32{0, 1}) || !done {
			t.Fatalf("after both legs: legs %v, done %v", legs, done)
		}
		if got := w.held(t); !sameSet(got, "Atlantic done") {
			t.Errorf("after the tour: awards %v, want Atlantic done", got)
		}
		res, err := w.pireps.Reject(ctx, as(w.staff), w.airline, last, "Not flown")
		must(t, err)
		w.last = res.Position
		if legs, done := w.progress(t, tour); !reflect.DeepEqual(legs, []int32{0}) || done {
			t.Errorf("after rejecting the last leg: legs %v, done %v; want leg 0 only, not done", legs, done)
		}
		if got := w.held(t); len(got) != 0 {
			t.Errorf("after the rejection: awards %v, want none", got)
		}
		stream := domain.TourProgressStream(tour, w.pilot.UserID)
		before, err := e.es.ReadStream(ctx, stream, 0)
		must(t, err)
		if len(before) != 5 { // leg 0, leg 1, completed, leg 1 back, completion back
			t.Errorf("the progress stream has %d events, want 5", len(before))
		}
		flownBefore, _ := w.q.ListPilotTourLegsFlown(ctx, readmodel.ListPilotTourLegsFlownParams{TenantID: w.airline, UserID: uuid.MustParse(w.pilot.UserID)})
		must(t, w.p.Rebuild(ctx, "tours"))
		must(t, w.p.Rebuild(ctx, "awards"))
		must(t, w.p.CatchUp(ctx))
		flownAfter, _ := w.q.ListPilotTourLegsFlown(ctx, readmodel.ListPilotTourLegsFlownParams{TenantID: w.airline, UserID: uuid.MustParse(w.pilot.UserID)})
		if !reflect.DeepEqual(flownBefore, flownAfter) {
			t.Errorf("rebuild differs: %+v, want %+v", flownAfter, flownBefore)
		}
		after, err := e.es.ReadStream(ctx, stream, 0)
		must(t, err)
		if len(after) != len(before) {
			t.Errorf("the rebuild appended to the progress stream: %d events, want %d", len(after), len(before))
		}
	})
}

// TestAnyOrderTourAndNewTourAward: an any-order tour counts its legs in
// any order; an award defined after the pilot finished goes to them.
func TestAnyOrderTourAndNewTourAward(t *testing.T) {
	forEachEnv(t, func(t *testing.T, e env) {
		w := newTourWorld(t, e, "TRB")
		tour := w.saveTour(t, domain.TourForm{Name: "Either way", Legs: "EGLL KJFK\nKJFK EGLL", AnyOrder: true})
		w.fly(t, "KJFK", "EGLL")
		if legs, _ := w.progress(t, tour); !reflect.DeepEqual(legs, []int32{1}) {
			t.Fatalf("any order, second leg first: legs %v, want [1]", legs)
		}
		w.fly(t, "EGLL", "KJFK")
		if legs, done := w.progress(t, tour); len(legs) != 2 || !done {
			t.Fatalf("any order, both: legs %v, done %v", legs, done)
		}
		w.define(t, domain.AwardForm{Name: "Either way done", Rule: domain.AwardRuleTour, Tour: tour})
		if got := w.held(t); !sameSet(got, "Either way done") {
			t.Errorf("a tour award defined after the finish: %v", got)
		}
	})
}

// TestConcurrentAcceptancesCountATourLegOnce: two PIREPs of a one-leg
// tour's leg accepted at once, and their reactions sent at once as two
// processes would, count the leg once and complete the tour once.
func TestConcurrentAcceptancesCountATourLegOnce(t *testing.T) {
	forEachEnv(t, func(t *testing.T, e env) {
		ctx := context.Background()
		w := newTourWorld(t, e, "TRC")
		tour := w.saveTour(t, domain.TourForm{Name: "Hop", Legs: "EGLL KJFK"})
		w.progress(t, tour)
		off := time.Date(2026, 12, 10, 9, 0, 0, 0, time.UTC)
		var ids []string
		for _, n := range []string{"1", "2"} {
			id, _, err := w.pireps.File(ctx, as(w.pilot), w.airline, domain.PirepDetails{FlightNumber: n, DptAirport: "EGLL", ArrAirport: "KJFK",
				AircraftID: w.aircraft, BlockOff: off, BlockOn: off.Add(time.Hour), FlightTime: 60}, true)
			must(t, err)
			ids = append(ids, id)
		}
		var wg sync.WaitGroup
		var mu sync.Mutex
		for _, id := range ids {
			wg.Add(2)
			go func() {
				defer wg.Done()
				res, err := w.pireps.Accept(ctx, as(w.staff), w.airline, id)
				if err != nil {
					t.Error(err)
					return
				}
				mu.Lock()
				if res.Position.After(w.last) {
					w.last = res.Position
				}
				mu.Unlock()
			}()
			go func() {
				defer wg.Done()
				if _, err := w.tours.Fly(ctx, domain.CommandMeta{ID: uuid.NewString(), Who: domain.System}, w.airline, tour, w.pilot.UserID,
					domain.TourFlight{PirepID: id, Dpt: "EGLL", Arr: "KJFK", BlockOff: off}); err != nil {
					t.Error(err)
				}
			}()
		}
		wg.Wait()
		if legs, done := w.progress(t, tour); len(legs) != 1 || !done {
			t.Errorf("legs %v, done %v; want one leg and done", legs, done)
		}
		recs, err := e.es.ReadStream(ctx, domain.TourProgressStream(tour, w.pilot.UserID), 0)
		must(t, err)
		if len(recs) != 2 {
			t.Errorf("the progress stream has %d events, want one leg and one completion", len(recs))
		}
	})
}
