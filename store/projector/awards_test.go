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
	"github.com/albatross-va/albatross/store/passwords"
	"github.com/albatross-va/albatross/store/projector"
	"github.com/albatross-va/albatross/store/readmodel"
	"github.com/albatross-va/albatross/store/reads"
)

// awardWorld is a careerWorld whose pilot is a person of the airline (the
// new-award reaction grants to the airline's active pilots), with the
// award commands and a projector running the awards reactor.
type awardWorld struct {
	careerWorld
	e      env
	awards *domain.Awards
	p      *projector.Projector
	q      readmodel.Querier
	last   domain.Position
}

func newAwardWorld(t *testing.T, e env, icao string) *awardWorld {
	t.Helper()
	w := &awardWorld{careerWorld: newCareerWorld(t, e, "Award Air "+icao, icao, "award-"+icao), e: e}
	r := &domain.Runner{Store: e.es, Registry: reg, MaxAttempts: 20}
	users := &domain.Users{Runner: r, IDs: domain.RandomIDs{}, Passwords: passwords.New()}
	id, _, _, err := users.CreatePerson(context.Background(), domain.CommandMeta{ID: uuid.NewString(), Who: domain.System}, w.airline,
		domain.Person{Name: "Ana Pilot", Email: "ana-" + icao + "@example.com", Country: "PT", Role: domain.RolePilot})
	must(t, err)
	w.pilot.UserID = id
	w.awards = &domain.Awards{Runner: r, IDs: domain.RandomIDs{}}
	w.q = e.backend.Reader()
	w.p = projector.New(e.es, e.backend, reg, nil, nil, projector.All()...).
		WithReactors(reactorCheckpoints(e), reactors.Awards{ReadModels: reads.New(w.q), Awards: w.awards})
	return w
}

// define adds an award and notes its position.
func (w *awardWorld) define(t *testing.T, f domain.AwardForm) string {
	t.Helper()
	id, res, err := w.awards.Define(context.Background(), as(w.staff), w.airline, f)
	must(t, err)
	w.last = res.Position
	return id
}

// held catches up (the projections, the reactor, and the projections of
// what it granted) and returns the names of the pilot's awards.
func (w *awardWorld) held(t *testing.T) []string {
	t.Helper()
	waitVisible(t, w.e.es, w.last)
	must(t, w.p.CatchUp(context.Background()))
	must(t, w.p.CatchUp(context.Background()))
	list, err := w.q.ListPilotAwards(context.Background(), readmodel.ListPilotAwardsParams{TenantID: w.airline, UserID: uuid.MustParse(w.pilot.UserID)})
	must(t, err)
	var names []string
	for _, a := range list {
		names = append(names, a.AwardName)
	}
	return names
}

// TestAwardRulesGrantOnAcceptanceAndTakeBackOnRejection defines an award
// of each kind the flights decide, accepts 6:30 flights EGLL→KJFK, and
// checks what the pilot holds: after one flight, after the second, after
// a rejection after acceptance (what depended on it is taken back, a
// by-hand award stays), and after a rebuild (the same, nothing granted
// again: grants are events). A notice tells the pilot of each grant.
func TestAwardRulesGrantOnAcceptanceAndTakeBackOnRejection(t *testing.T) {
	forEachEnv(t, func(t *testing.T, e env) {
		ctx := context.Background()
		w := newAwardWorld(t, e, "AWD")
		w.define(t, domain.AwardForm{Name: "Ten hours", Rule: domain.AwardRuleHours, Number: "10"})
		w.define(t, domain.AwardForm{Name: "Two flights", Rule: domain.AwardRuleFlights, Number: "2"})
		w.define(t, domain.AwardForm{Name: "New York", Rule: domain.AwardRuleAirport, Code: "KJFK"})
		w.define(t, domain.AwardForm{Name: "Transatlantic", Rule: domain.AwardRuleRoute, Code: "EGLL", Code2: "KJFK"})
		w.define(t, domain.AwardForm{Name: "Lisbon", Rule: domain.AwardRuleAirport, Code: "LPPT"})
		hand := w.define(t, domain.AwardForm{Name: "Helper", Rule: domain.AwardRuleNone})
		if got := w.held(t); len(got) != 0 {
			t.Fatalf("before any flight: %v", got)
		}
		first, at := w.flyAccepted(t, "1")
		w.last = at
		if got := w.held(t); !sameSet(got, "New York", "Transatlantic") {
			t.Errorf("after one 6:30 flight: %v, want New York and Transatlantic", got)
		}
		_, at = w.flyAccepted(t, "2")
		w.last = at
		if got := w.held(t); !sameSet(got, "New York", "Transatlantic", "Ten hours", "Two flights") {
			t.Errorf("after two flights: %v", got)
		}
		res, err := w.awards.GrantByHand(ctx, as(w.staff), w.airline, w.pilot.UserID, hand, "Ran the group flight")
		must(t, err)
		w.last = res.Position
		res, err = w.pireps.Reject(ctx, as(w.staff), w.airline, first, "Not flown")
		must(t, err)
		w.last = res.Position
		if got := w.held(t); !sameSet(got, "New York", "Transatlantic", "Helper") {
			t.Errorf("after rejecting one of two: %v, want the one-flight awards (the other still meets them) and the by-hand one", got)
		}
		notices, err := w.q.ListUnreadNotices(ctx, readmodel.ListUnreadNoticesParams{TenantID: w.airline, UserID: uuid.MustParse(w.pilot.UserID), Limit: 50})
		must(t, err)
		kinds := map[string]int{}
		for _, n := range notices {
			if n.Kind == projector.NoticeAward || n.Kind == projector.NoticeAwardRevoked {
				kinds[n.Kind+":"+n.Reason]++
			}
		}
		if kinds["award:Ten hours"] != 1 || kinds["award_revoked:Ten hours"] != 1 || kinds["award_revoked:Two flights"] != 1 || kinds["award:Helper"] != 1 {
			t.Errorf("award notices %v", kinds)
		}
		before, err := w.q.ListPilotAwards(ctx, readmodel.ListPilotAwardsParams{TenantID: w.airline, UserID: uuid.MustParse(w.pilot.UserID)})
		must(t, err)
		must(t, w.p.Rebuild(ctx, "awards"))
		after, err := w.q.ListPilotAwards(ctx, readmodel.ListPilotAwardsParams{TenantID: w.airline, UserID: uuid.MustParse(w.pilot.UserID)})
		must(t, err)
		if !reflect.DeepEqual(before, after) {
			t.Errorf("rebuild differs: %+v, want %+v", after, before)
		}
		recs, err := e.es.ReadStream(ctx, domain.PilotAwardsStream(w.pilot.UserID), 0)
		must(t, err)
		if len(recs) != 7 { // 4 grants, 2 revocations, 1 by hand
			t.Errorf("the pilot's award stream has %d events, want 7", len(recs))
		}
	})
}

// TestNewRuleAwardGoesToWhoMeetsItAlready: an award defined after the
// flights is granted at once to the pilot who flew them, once, however
// often the reaction runs.
func TestNewRuleAwardGoesToWhoMeetsItAlready(t *testing.T) {
	forEachEnv(t, func(t *testing.T, e env) {
		w := newAwardWorld(t, e, "AWN")
		_, at := w.flyAccepted(t, "1")
		w.last = at
		w.held(t)
		w.define(t, domain.AwardForm{Name: "New York", Rule: domain.AwardRuleAirport, Code: "KJFK"})
		w.define(t, domain.AwardForm{Name: "Six hours", Rule: domain.AwardRuleHours, Number: "6"})
		w.define(t, domain.AwardForm{Name: "A year", Rule: domain.AwardRuleYears, Number: "1"})
		if got := w.held(t); !sameSet(got, "New York", "Six hours") {
			t.Errorf("after the new awards: %v, want New York and Six hours", got)
		}
	})
}

// TestConcurrentAcceptancesGrantOnce: two PIREPs accepted at once, both
// meeting one award, grant it once, whichever reactor process (two here,
// racing) reacts first.
func TestConcurrentAcceptancesGrantOnce(t *testing.T) {
	forEachEnv(t, func(t *testing.T, e env) {
		ctx := context.Background()
		w := newAwardWorld(t, e, "AWC")
		w.define(t, domain.AwardForm{Name: "New York", Rule: domain.AwardRuleAirport, Code: "KJFK"})
		w.held(t)
		off := time.Date(2026, 11, 2, 9, 0, 0, 0, time.UTC)
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
			wg.Add(1)
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
		}
		wg.Wait()
		// The two acceptances' reactions, sent straight to the domain at
		// once as two processes would, and the reactor's own.
		for range 2 {
			wg.Add(1)
			go func() {
				defer wg.Done()
				if _, err := w.awards.Settle(ctx, domain.CommandMeta{ID: uuid.NewString(), Who: domain.System}, w.airline, w.pilot.UserID,
					[]domain.AwardChange{{AwardID: awardID(t, w, "New York"), AwardName: "New York", Grant: true}}); err != nil {
					t.Error(err)
				}
			}()
		}
		wg.Wait()
		if got := w.held(t); !sameSet(got, "New York") {
			t.Errorf("held %v", got)
		}
		recs, err := e.es.ReadStream(ctx, domain.PilotAwardsStream(w.pilot.UserID), 0)
		must(t, err)
		if len(recs) != 1 {
			t.Errorf("the pilot's award stream has %d events, want one grant", len(recs))
		}
	})
}

func awardID(t *testing.T, w *awardWorld, name string) string {
	t.Helper()
	list, err := w.q.ListAwards(context.Background(), w.airline)
	must(t, err)
	for _, a := range list {
		if a.Name == name {
			return a.ID.String()
		}
	}
	t.Fatalf("no award %s", name)
	return ""
}

// sameSet says whether got holds exactly want, in any order.
func sameSet(got []string, want ...string) bool {
	if len(got) != len(want) {
		return false
	}
	seen := map[string]int{}
	for _, g := range got {
		seen[g]++
	}
	for _, w := range want {
		if seen[w]--; seen[w] < 0 {
			return false
		}
	}
	return true
}
