package projector_test

import (
	"context"
	"reflect"
	"testing"
	"time"

	"github.com/google/uuid"

	"github.com/albatross-va/albatross/domain"
	"github.com/albatross-va/albatross/reactors"
	"github.com/albatross-va/albatross/store/projector"
	"github.com/albatross-va/albatross/store/readmodel"
	"github.com/albatross-va/albatross/store/reads"
)

// careerWorld is an airline with a staff member and a pilot who flies
// EGLL→KJFK in its one aircraft, with the rank and PIREP commands: the
// setting of the rank tests and of the reactor tests.
type careerWorld struct {
	airline      string
	staff, pilot domain.Actor
	ranks        *domain.Ranks
	pireps       *domain.Pireps
	aircraft     string
}

func newCareerWorld(t *testing.T, e env, name, icao, slug string) careerWorld {
	t.Helper()
	r := &domain.Runner{Store: e.es, Registry: reg, MaxAttempts: 20}
	airline, _, err := (&domain.Airlines{Runner: r, IDs: domain.RandomIDs{}}).Create(context.Background(), domain.CommandMeta{Who: domain.System},
		domain.CreateAirline{Name: name, ICAO: icao, Slug: slug})
	must(t, err)
	aircraft := uuid.NewString()
	return careerWorld{
		airline:  airline,
		staff:    domain.Actor{UserID: uuid.NewString(), Role: domain.RoleAirlineAdmin, TenantID: airline},
		pilot:    domain.Actor{UserID: uuid.NewString(), Role: domain.RolePilot, TenantID: airline},
		ranks:    &domain.Ranks{Runner: r, IDs: domain.RandomIDs{}},
		aircraft: aircraft,
		pireps: &domain.Pireps{Runner: r, IDs: domain.RandomIDs{}, Aircraft: oneAircraft(aircraft), Settings: domain.NoPirepRules{},
			Airports: domain.AirportTable{"EGLL": {Lat: 51.4706, Lon: -0.461941}, "KJFK": {Lat: 40.6398, Lon: -73.7789}}},
	}
}

// as is the metadata of a new command sent by a.
func as(a domain.Actor) domain.CommandMeta { return domain.CommandMeta{ID: uuid.NewString(), Who: a} }

// saveRank adds a rank and returns its id.
func (w careerWorld) saveRank(t *testing.T, f domain.RankForm) string {
	t.Helper()
	id, _, err := w.ranks.Save(context.Background(), as(w.staff), w.airline, "", f)
	must(t, err)
	return id
}

// flyAccepted files a 6:30 flight and has staff accept it; it returns the
// PIREP's id and the acceptance's position.
func (w careerWorld) flyAccepted(t *testing.T, number string) (string, domain.Position) {
	t.Helper()
	ctx := context.Background()
	off := time.Date(2026, 11, 2, 9, 0, 0, 0, time.UTC)
	id, _, err := w.pireps.File(ctx, as(w.pilot), w.airline, domain.PirepDetails{FlightNumber: number, DptAirport: "EGLL", ArrAirport: "KJFK",
		AircraftID: w.aircraft, BlockOff: off, BlockOn: off.Add(6*time.Hour + 30*time.Minute), FlightTime: 360}, true)
	must(t, err)
	res, err := w.pireps.Accept(ctx, as(w.staff), w.airline, id)
	must(t, err)
	return id, res.Position
}

// TestRanksAndPromotionsReachTheReadModels saves an airline's ranks,
// accepts two 6-hour PIREPs, lets the promotions reactor apply the rule to
// the pilot's projected hours, and checks the pilot's rank row before and
// after a rejection and a rank set by hand; a rebuild gives the same rows.
func TestRanksAndPromotionsReachTheReadModels(t *testing.T) {
	forEachEnv(t, func(t *testing.T, e env) {
		ctx := context.Background()
		w := newCareerWorld(t, e, "Rank Air", "RNK", "rank-air")
		cadet := w.saveRank(t, domain.RankForm{Name: "Cadet", MinHours: "0", AutoPromote: true})
		fo := w.saveRank(t, domain.RankForm{Name: "First Officer", MinHours: "10", AutoPromote: true})
		captain := w.saveRank(t, domain.RankForm{Name: "Captain", MinHours: "20:30"})
		var ids []string
		var last domain.Position // the latest append; the log's head may not show it yet in PostgreSQL
		for _, num := range []string{"1", "2"} {
			id, at := w.flyAccepted(t, num)
			ids, last = append(ids, id), at
		}
		q := e.backend.Reader()
		p := projector.New(e.es, e.backend, reg, nil, nil, projector.All()...).
			WithReactors(reactorCheckpoints(e), reactors.Promotions{ReadModels: reads.New(q), Ranks: w.ranks})
		pilotRank := func() readmodel.PilotRank {
			t.Helper()
			waitVisible(t, e.es, last)
			must(t, p.CatchUp(ctx)) // the projections, the reactor, and the projections of its promotion
			pr, err := q.GetPilotRank(ctx, readmodel.GetPilotRankParams{TenantID: w.airline, PilotID: uuid.MustParse(w.pilot.UserID)})
			must(t, err)
			return pr
		}
		if pr := pilotRank(); pr.RankID != fo || pr.FloorID != "" {
			t.Errorf("after two accepted 6-hour PIREPs: %+v, want First Officer %s", pr, fo)
		}
		res, err := w.pireps.Reject(ctx, as(w.staff), w.airline, ids[1], "Duplicate of flight 1")
		must(t, err)
		last = res.Position
		if pr := pilotRank(); pr.RankID != cadet {
			t.Errorf("after rejecting one: %+v, want Cadet %s", pr, cadet)
		}
		res, err = w.ranks.SetByHand(ctx, as(w.staff), w.airline, w.pilot.UserID, captain)
		must(t, err)
		last = res.Position
		before := pilotRank()
		if before.RankID != captain || before.FloorID != captain {
			t.Errorf("set by hand to Captain: %+v", before)
		}
		ranks, err := q.ListRanks(ctx, w.airline)
		must(t, err)
		if len(ranks) != 3 || ranks[0].Name != "Cadet" || ranks[1].Name != "First Officer" || ranks[2].Name != "Captain" || ranks[2].MinMinutes != 1230 {
			t.Errorf("ranks %+v", ranks)
		}
		must(t, p.Rebuild(ctx, "ranks"))
		after, err := q.GetPilotRank(ctx, readmodel.GetPilotRankParams{TenantID: w.airline, PilotID: uuid.MustParse(w.pilot.UserID)})
		must(t, err)
		rebuilt, err := q.ListRanks(ctx, w.airline)
		must(t, err)
		if !reflect.DeepEqual(after, before) || !reflect.DeepEqual(rebuilt, ranks) {
			t.Errorf("rebuild differs: %+v %+v, want %+v %+v", after, rebuilt, before, ranks)
		}
	})
}
