package projector_test

import (
	"context"
	"reflect"
	"testing"
	"time"

	"github.com/google/uuid"

	"github.com/albatross-va/albatross/domain"
	"github.com/albatross-va/albatross/reactors"
	"github.com/albatross-va/albatross/store/passwords"
	"github.com/albatross-va/albatross/store/projector"
	"github.com/albatross-va/albatross/store/readmodel"
	"github.com/albatross-va/albatross/store/reads"
)

// leaveWorld is a careerWorld whose pilot is an approved person of the
// airline, with the leave commands and a projector running the leave and
// promotion reactors.
type leaveWorld struct {
	careerWorld
	e       env
	r       *domain.Runner
	leave   *domain.Leave
	ratings *domain.TypeRatings
	p       *projector.Projector
	q       readmodel.Querier
}

func newLeaveWorld(t *testing.T, e env, icao string) *leaveWorld {
	t.Helper()
	w := &leaveWorld{careerWorld: newCareerWorld(t, e, "Leave Air "+icao, icao, "leave-"+icao), e: e}
	w.r = &domain.Runner{Store: e.es, Registry: reg, MaxAttempts: 20}
	users := &domain.Users{Runner: w.r, IDs: domain.RandomIDs{}, Passwords: passwords.New()}
	id, _, _, err := users.CreatePerson(context.Background(), domain.CommandMeta{ID: uuid.NewString(), Who: domain.System}, w.airline,
		domain.Person{Name: "Ana Pilot", Email: "ana-" + icao + "@example.com", Country: "PT", Role: domain.RolePilot})
	must(t, err)
	w.pilot.UserID = id
	w.leave = &domain.Leave{Runner: w.r, IDs: domain.RandomIDs{}}
	w.ratings = &domain.TypeRatings{Runner: w.r, IDs: domain.RandomIDs{}}
	w.q = e.backend.Reader()
	w.p = projector.New(e.es, e.backend, reg, nil, nil, projector.All()...).
		WithReactors(reactorCheckpoints(e), reactors.LeaveReturns{Leave: w.leave},
			reactors.Promotions{ReadModels: reads.New(w.q), Ranks: w.ranks})
	return w
}

// settle catches up after pos: the projections, the reactors, and the
// projections of what they sent.
func (w *leaveWorld) settle(t *testing.T, pos domain.Position) {
	t.Helper()
	waitVisible(t, w.e.es, pos)
	must(t, w.p.CatchUp(context.Background()))
	must(t, w.p.CatchUp(context.Background()))
}

func (w *leaveWorld) activity(t *testing.T) readmodel.PilotActivity {
	t.Helper()
	a, err := w.q.GetPilotActivity(context.Background(), readmodel.GetPilotActivityParams{TenantID: w.airline, UserID: uuid.MustParse(w.pilot.UserID)})
	must(t, err)
	return a
}

// TestActivityRulePutsIdlePilotOnLeaveOnceAndFilingBringsThemBack sets a
// 30-day activity rule and sweeps on a fixed clock: 29 days after joining
// nothing happens; 31 days after, the pilot goes on leave with a notice;
// a second sweep, and a sweep by a second process the next day, add
// nothing; their next filed flight brings them back; a sweep days after
// that flight leaves them flying.
func TestActivityRulePutsIdlePilotOnLeaveOnceAndFilingBringsThemBack(t *testing.T) {
	forEachEnv(t, func(t *testing.T, e env) {
		ctx := context.Background()
		w := newLeaveWorld(t, e, "LVA")
		res, err := w.leave.SetRules(ctx, as(w.staff), w.airline, domain.LeaveRules{AutoLeaveDays: 30})
		must(t, err)
		w.settle(t, res.Position)
		joined := w.activity(t).JoinedAt
		sweep := func(at time.Time) int {
			t.Helper()
			rec := &recordingLeave{Leave: w.leave}
			s := &reactors.ActivityLeave{Reads: reads.New(w.q), Leave: rec, Now: func() time.Time { return at }}
			n, err := s.Sweep(ctx)
			must(t, err)
			w.settle(t, rec.last) // what the sweep appended, visible in PostgreSQL too
			return n
		}
		if n := sweep(joined.AddDate(0, 0, 29)); n != 0 || w.activity(t).Away {
			t.Fatalf("29 days idle of 30: %d put on leave", n)
		}
		if n := sweep(joined.AddDate(0, 0, 31)); n != 1 || !w.activity(t).Away {
			t.Fatalf("31 days idle: %d put on leave, away %v; want 1", n, w.activity(t).Away)
		}
		if n := sweep(joined.AddDate(0, 0, 31).Add(time.Hour)); n != 0 {
			t.Errorf("a second sweep: %d more", n)
		}
		if n := sweep(joined.AddDate(0, 0, 32)); n != 0 {
			t.Errorf("the next day's sweep: %d more", n)
		}
		recs, err := e.es.ReadStream(ctx, domain.LeaveStream(w.pilot.UserID), 0)
		must(t, err)
		if len(recs) != 1 {
			t.Errorf("the pilot's leave stream holds %d events, want the one", len(recs))
		}
		notices, err := w.q.ListUnreadNotices(ctx, readmodel.ListUnreadNoticesParams{TenantID: w.airline, UserID: uuid.MustParse(w.pilot.UserID), Limit: 10})
		must(t, err)
		if len(notices) != 1 || notices[0].Kind != projector.NoticeOnLeave || notices[0].Reason != "31" {
			t.Errorf("the pilot's notices: %+v, want one that they were put on leave after 31 days", notices)
		}

		off := time.Now().UTC().Add(-2 * time.Hour).Truncate(time.Minute)
		_, filed, err := w.pireps.File(ctx, as(w.pilot), w.airline, domain.PirepDetails{FlightNumber: "7", DptAirport: "EGLL", ArrAirport: "KJFK",
			AircraftID: w.aircraft, BlockOff: off, BlockOn: off.Add(time.Hour), FlightTime: 60}, true)
		must(t, err)
		w.settle(t, filed.Position)
		var a readmodel.PilotActivity
		for deadline := time.Now().Add(10 * time.Second); ; {
			// The return the reactor appended, once visible and projected.
			head, err := e.es.Head(ctx)
			must(t, err)
			w.settle(t, head)
			if a = w.activity(t); !a.Away || time.Now().After(deadline) {
				break
			}
			time.Sleep(20 * time.Millisecond)
		}
		if a.Away || a.LastFlightAt == nil {
			t.Fatalf("after filing a flight: %+v, want back and the flight noted", a)
		}
		if n := sweep(a.LastFlightAt.AddDate(0, 0, 5)); n != 0 || w.activity(t).Away {
			t.Errorf("5 days after the flight: %d put on leave", n)
		}
		// A rebuild gives the same activity, and puts nobody on leave:
		// the leave is an event.
		before := w.activity(t)
		must(t, w.p.Rebuild(ctx, "leave"))
		if after := w.activity(t); !reflect.DeepEqual(after, before) {
			t.Errorf("rebuilt activity %+v, want %+v", after, before)
		}
	})
}

// recordingLeave notes where the last command it passed on appended.
type recordingLeave struct {
	*domain.Leave
	last domain.Position
}

func (r *recordingLeave) PutOnLeaveIdle(ctx context.Context, meta domain.CommandMeta, airlineID, userID string, lastFlight, asOf time.Time) (domain.AppendResult, error) {
	res, err := r.Leave.PutOnLeaveIdle(ctx, meta, airlineID, userID, lastFlight, asOf)
	if res.Position.After(r.last) {
		r.last = res.Position
	}
	return res, err
}

// TestCountTransferHoursToggleReranksThePilots: a pilot with 120 transfer
// hours and none flown holds the first rank while they do not count;
// turning the airline's count_transfer_hours on makes them a captain, and
// turning it off takes them back, with no other command.
func TestCountTransferHoursToggleReranksThePilots(t *testing.T) {
	forEachEnv(t, func(t *testing.T, e env) {
		ctx := context.Background()
		w := newLeaveWorld(t, e, "LVB")
		cadet := w.saveRank(t, domain.RankForm{Name: "Cadet", MinHours: "0", AutoPromote: true})
		captain := w.saveRank(t, domain.RankForm{Name: "Captain", MinHours: "100", AutoPromote: true})
		res, err := w.ratings.SetTransferHours(ctx, as(w.staff), w.airline, w.pilot.UserID, "120", "From Virtual Skies")
		must(t, err)
		w.settle(t, res.Position)
		rank := func() string {
			t.Helper()
			pr, err := w.q.GetPilotRank(ctx, readmodel.GetPilotRankParams{TenantID: w.airline, PilotID: uuid.MustParse(w.pilot.UserID)})
			must(t, err)
			return pr.RankID
		}
		if got := rank(); got != cadet {
			t.Fatalf("transfer hours not counted: rank %s, want Cadet %s", got, cadet)
		}
		airlines := &domain.Airlines{Runner: w.r, IDs: domain.RandomIDs{}}
		res, err = airlines.SetFlyingRules(ctx, as(w.staff), w.airline, domain.FlyingRules{CountTransferHours: true})
		must(t, err)
		w.settle(t, res.Position)
		if got := rank(); got != captain {
			t.Errorf("transfer hours counted: rank %s, want Captain %s", got, captain)
		}
		res, err = airlines.SetFlyingRules(ctx, as(w.staff), w.airline, domain.FlyingRules{})
		must(t, err)
		w.settle(t, res.Position)
		if got := rank(); got != cadet {
			t.Errorf("transfer hours no longer counted: rank %s, want Cadet %s", got, cadet)
		}
	})
}
