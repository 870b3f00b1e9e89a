package projector_test

import (
	"context"
	"reflect"
	"testing"
	"time"

	"github.com/google/uuid"

	"github.com/albatross-va/albatross/domain"
	"github.com/albatross-va/albatross/store/projector"
	"github.com/albatross-va/albatross/store/readmodel"
)

// TestRanksAndPromotionsReachTheReadModels saves an airline's ranks,
// accepts two 6-hour PIREPs, applies the promotion rule to the pilot's
// projected hours, and checks the pilot's rank row before and after a
// rejection and a rank set by hand; a rebuild gives the same rows.
func TestRanksAndPromotionsReachTheReadModels(t *testing.T) {
	forEachEnv(t, func(t *testing.T, e env) {
		ctx := context.Background()
		r := &domain.Runner{Store: e.es, Registry: reg, MaxAttempts: 20}
		airline, _, err := (&domain.Airlines{Runner: r, IDs: domain.RandomIDs{}}).Create(ctx, domain.CommandMeta{Who: domain.System},
			domain.CreateAirline{Name: "Rank Air", ICAO: "RNK", Slug: "rank-air"})
		must(t, err)
		staff := domain.Actor{UserID: uuid.NewString(), Role: domain.RoleAirlineAdmin, TenantID: airline}
		pilot := domain.Actor{UserID: uuid.NewString(), Role: domain.RolePilot, TenantID: airline}
		meta := func(a domain.Actor) domain.CommandMeta { return domain.CommandMeta{ID: uuid.NewString(), Who: a} }
		rk := &domain.Ranks{Runner: r, IDs: domain.RandomIDs{}}
		cadet, _, err := rk.Save(ctx, meta(staff), airline, "", domain.RankForm{Name: "Cadet", MinHours: "0", AutoPromote: true})
		must(t, err)
		fo, _, err := rk.Save(ctx, meta(staff), airline, "", domain.RankForm{Name: "First Officer", MinHours: "10", AutoPromote: true})
		must(t, err)
		captain, _, err := rk.Save(ctx, meta(staff), airline, "", domain.RankForm{Name: "Captain", MinHours: "20:30"})
		must(t, err)

		aircraft := uuid.NewString()
		pireps := &domain.Pireps{Runner: r, IDs: domain.RandomIDs{}, Aircraft: oneAircraft(aircraft), Settings: domain.NoPirepRules{},
			Airports: domain.AirportTable{"EGLL": {Lat: 51.4706, Lon: -0.461941}, "KJFK": {Lat: 40.6398, Lon: -73.7789}}}
		off := time.Date(2026, 11, 2, 9, 0, 0, 0, time.UTC)
		var ids []string
		var last domain.Position // the latest append; the log's head may not show it yet in PostgreSQL
		for _, num := range []string{"1", "2"} {
			id, _, err := pireps.File(ctx, meta(pilot), airline, domain.PirepDetails{FlightNumber: num, DptAirport: "EGLL", ArrAirport: "KJFK",
				AircraftID: aircraft, BlockOff: off, BlockOn: off.Add(6*time.Hour + 30*time.Minute), FlightTime: 360}, true)
			must(t, err)
			res, err := pireps.Accept(ctx, meta(staff), airline, id)
			must(t, err)
			if res.Position.After(last) {
				last = res.Position
			}
			ids = append(ids, id)
		}
		p := projector.New(e.es, e.backend, reg, nil, nil, projector.All()...)
		q := e.backend.Reader()
		// promote does what the PIREP reactor will: the rule on the
		// projected hours and the airline's ranks.
		promote := func() readmodel.PilotRank {
			t.Helper()
			waitVisible(t, e.es, last)
			must(t, p.CatchUp(ctx))
			stats, err := q.GetPilotStats(ctx, readmodel.GetPilotStatsParams{TenantID: airline, PilotID: uuid.MustParse(pilot.UserID)})
			must(t, err)
			rows, err := q.ListRanks(ctx, airline)
			must(t, err)
			var ranks []domain.Rank
			for _, r := range rows {
				ranks = append(ranks, domain.Rank{ID: r.ID.String(), Name: r.Name, MinMinutes: r.MinMinutes, AutoPromote: r.AutoPromote, AutoAccept: r.AutoAccept})
			}
			res, err := rk.Recalculate(ctx, meta(domain.System), airline, pilot.UserID, ranks, stats.Minutes)
			must(t, err)
			if res.Position.After(last) {
				last = res.Position
			}
			waitVisible(t, e.es, last)
			must(t, p.CatchUp(ctx))
			pr, err := q.GetPilotRank(ctx, readmodel.GetPilotRankParams{TenantID: airline, PilotID: uuid.MustParse(pilot.UserID)})
			must(t, err)
			return pr
		}
		if pr := promote(); pr.RankID != fo || pr.FloorID != "" {
			t.Errorf("after two accepted 6-hour PIREPs: %+v, want First Officer %s", pr, fo)
		}
		res, err := pireps.Reject(ctx, meta(staff), airline, ids[1], "Duplicate of flight 1")
		must(t, err)
		last = res.Position
		if pr := promote(); pr.RankID != cadet {
			t.Errorf("after rejecting one: %+v, want Cadet %s", pr, cadet)
		}
		res, err = rk.SetByHand(ctx, meta(staff), airline, pilot.UserID, captain)
		must(t, err)
		last = res.Position
		before := promote()
		if before.RankID != captain || before.FloorID != captain {
			t.Errorf("set by hand to Captain: %+v", before)
		}
		ranks, err := q.ListRanks(ctx, airline)
		must(t, err)
		if len(ranks) != 3 || ranks[0].Name != "Cadet" || ranks[1].Name != "First Officer" || ranks[2].Name != "Captain" || ranks[2].MinMinutes != 1230 {
			t.Errorf("ranks %+v", ranks)
		}
		must(t, p.Rebuild(ctx, "ranks"))
		after, err := q.GetPilotRank(ctx, readmodel.GetPilotRankParams{TenantID: airline, PilotID: uuid.MustParse(pilot.UserID)})
		must(t, err)
		rebuilt, err := q.ListRanks(ctx, airline)
		must(t, err)
		if !reflect.DeepEqual(after, before) || !reflect.DeepEqual(rebuilt, ranks) {
			t.Errorf("rebuild differs: %+v %+v, want %+v %+v", after, rebuilt, before, ranks)
		}
	})
}
