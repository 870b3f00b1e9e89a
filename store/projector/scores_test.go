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
)

// scoreWorld is a careerWorld with the scoring commands and a projector
// running the scores reactor.
type scoreWorld struct {
	careerWorld
	e      env
	scores *domain.Scores
	p      *projector.Projector
	q      readmodel.Querier
	last   domain.Position
}

func newScoreWorld(t *testing.T, e env, icao string) *scoreWorld {
	t.Helper()
	w := &scoreWorld{careerWorld: newCareerWorld(t, e, "Score Air "+icao, icao, "score-"+icao), e: e}
	w.scores = &domain.Scores{Runner: &domain.Runner{Store: e.es, Registry: reg, MaxAttempts: 20}}
	w.q = e.backend.Reader()
	w.p = projector.New(e.es, e.backend, reg, nil, nil, projector.All()...).
		WithReactors(reactorCheckpoints(e), reactors.Scores{Scores: w.scores})
	return w
}

func (w *scoreWorld) setBands(t *testing.T, bands ...domain.ScoreBandInput) {
	t.Helper()
	res, err := w.scores.SetBands(context.Background(), as(w.staff), w.airline, domain.ScoringForm{Bands: bands})
	must(t, err)
	w.last = res.Position
}

// fly files and accepts a PIREP landed at rate.
func (w *scoreWorld) fly(t *testing.T, number string, rate int32) string {
	t.Helper()
	ctx := context.Background()
	off := time.Date(2026, 11, 2, 9, 0, 0, 0, time.UTC)
	id, _, err := w.pireps.File(ctx, as(w.pilot), w.airline, domain.PirepDetails{FlightNumber: number, DptAirport: "EGLL", ArrAirport: "KJFK",
		AircraftID: w.aircraft, BlockOff: off, BlockOn: off.Add(7 * time.Hour), FlightTime: 400, LandingRate: rate}, true)
	must(t, err)
	res, err := w.pireps.Accept(ctx, as(w.staff), w.airline, id)
	must(t, err)
	w.last = res.Position
	return id
}

// settle catches up the projections, the reactor, and the projections of
// what it appended.
func (w *scoreWorld) settle(t *testing.T) {
	t.Helper()
	waitVisible(t, w.e.es, w.last)
	must(t, w.p.CatchUp(context.Background()))
	must(t, w.p.CatchUp(context.Background()))
}

func (w *scoreWorld) score(t *testing.T, pirep string) (int32, int64) {
	t.Helper()
	s, err := w.q.GetPirepScore(context.Background(), readmodel.GetPirepScoreParams{TenantID: w.airline, PirepID: uuid.MustParse(pirep)})
	must(t, err)
	return s.Score, s.BandsVersion
}

func (w *scoreWorld) points(t *testing.T) (flights, points int64) {
	t.Helper()
	s, err := w.q.SumPilotScores(context.Background(), readmodel.SumPilotScoresParams{TenantID: w.airline, PilotID: uuid.MustParse(w.pilot.UserID)})
	must(t, err)
	return s.Flights, s.Points
}

// allEvents counts the log's events.
func allEvents(t *testing.T, es domain.EventStore) int {
	t.Helper()
	all, err := es.ReadAll(context.Background(), domain.Start, 1<<20)
	must(t, err)
	return len(all)
}

func (w *scoreWorld) scoreEvents(t *testing.T, pirep string) int {
	t.Helper()
	recs, err := w.e.es.ReadStream(context.Background(), domain.PirepScoreStream(pirep), 0)
	must(t, err)
	return len(recs)
}

// TestScoresFollowAcceptanceOnceAndKeepTheirBands: an accepted PIREP is
// scored with the bands of its acceptance; new bands score the next one and
// leave the first; a rejection takes a score off the pilot's points and a
// second acceptance puts it back without scoring again; concurrent
// reactions score once; a rebuild gives the same rows and scores nothing.
func TestScoresFollowAcceptanceOnceAndKeepTheirBands(t *testing.T) {
	forEachEnv(t, func(t *testing.T, e env) {
		ctx := context.Background()
		w := newScoreWorld(t, e, "SCR")
		w.setBands(t, domain.ScoreBandInput{From: "0", To: "200", Points: "90"}, domain.ScoreBandInput{From: "200", Points: "10"})
		soft := w.fly(t, "1", -150)
		hard := w.fly(t, "2", -350)
		// Two reactions at once, as two processes would send them, before
		// the reactor's own.
		var wg sync.WaitGroup
		for range 4 {
			wg.Add(1)
			go func() {
				defer wg.Done()
				if _, err := w.scores.ScorePirep(ctx, domain.CommandMeta{ID: uuid.NewString(), Who: domain.System}, w.airline, soft, time.Now()); err != nil {
					t.Error(err)
				}
			}()
		}
		wg.Wait()
		w.settle(t)
		if s, v := w.score(t, soft); s != 90 || v != 1 {
			t.Errorf("the soft landing scored %d with bands v%d, want 90 with v1", s, v)
		}
		if s, _ := w.score(t, hard); s != 10 {
			t.Errorf("the hard landing scored %d, want 10", s)
		}
		if n := w.scoreEvents(t, soft); n != 1 {
			t.Errorf("the soft landing's score stream has %d events, want 1", n)
		}
		w.setBands(t, domain.ScoreBandInput{From: "0", Points: "5"})
		later := w.fly(t, "3", -150)
		w.settle(t)
		if s, v := w.score(t, later); s != 5 || v != 2 {
			t.Errorf("the flight after new bands scored %d with v%d, want 5 with v2", s, v)
		}
		if s, _ := w.score(t, soft); s != 90 {
			t.Errorf("new bands rescored the first flight: %d", s)
		}
		if f, p := w.points(t); f != 3 || p != 105 {
			t.Errorf("points %d over %d flights, want 105 over 3", p, f)
		}
		res, err := w.pireps.Reject(ctx, as(w.staff), w.airline, soft, "Not flown")
		must(t, err)
		w.last = res.Position
		w.settle(t)
		if f, p := w.points(t); f != 2 || p != 15 {
			t.Errorf("after the rejection: %d points over %d flights, want 15 over 2", p, f)
		}
		board, err := w.q.ListPointsLeadersBetween(ctx, readmodel.ListPointsLeadersBetweenParams{TenantID: w.airline,
			FromTime: time.Date(2026, 11, 1, 0, 0, 0, 0, time.UTC), ToTime: time.Date(2026, 12, 1, 0, 0, 0, 0, time.UTC), RowLimit: 10})
		must(t, err)
		if len(board) != 1 || board[0].Points != 15 {
			t.Errorf("the month's board after the rejection: %+v", board)
		}
		res, err = w.pireps.Accept(ctx, as(w.staff), w.airline, soft)
		must(t, err)
		w.last = res.Position
		w.settle(t)
		if n := w.scoreEvents(t, soft); n != 1 {
			t.Errorf("a second acceptance scored again: %d events", n)
		}
		if s, _ := w.score(t, soft); s != 90 {
			t.Errorf("after the second acceptance the score is %d, want the first, 90", s)
		}
		head := allEvents(t, e.es)
		before, err := w.q.GetPirepScore(ctx, readmodel.GetPirepScoreParams{TenantID: w.airline, PirepID: uuid.MustParse(hard)})
		must(t, err)
		must(t, w.p.Rebuild(ctx, "scores"))
		must(t, w.p.CatchUp(ctx))
		after, err := w.q.GetPirepScore(ctx, readmodel.GetPirepScoreParams{TenantID: w.airline, PirepID: uuid.MustParse(hard)})
		must(t, err)
		if !reflect.DeepEqual(before, after) {
			t.Errorf("rebuild differs: %+v, want %+v", after, before)
		}
		if n := allEvents(t, e.es); n != head {
			t.Errorf("the rebuild appended %d events", n-head)
		}
		if f, p := w.points(t); f != 3 || p != 105 {
			t.Errorf("after the rebuild: %d points over %d flights, want 105 over 3", p, f)
		}
	})
}
