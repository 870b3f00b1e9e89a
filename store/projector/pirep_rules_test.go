package projector_test

import (
	"context"
	"testing"

	"github.com/google/uuid"

	"github.com/albatross-va/albatross/domain"
	"github.com/albatross-va/albatross/store/projector"
	"github.com/albatross-va/albatross/store/reads"
)

// TestPirepRulesAreEachAirlinesOwn: one airline's admin turns its filing
// rules on; the filing side reads them for that airline only, and a
// rebuild gives the same answer.
func TestPirepRulesAreEachAirlinesOwn(t *testing.T) {
	forEachEnv(t, func(t *testing.T, e env) {
		ctx := context.Background()
		r := &domain.Runner{Store: e.es, Registry: reg, MaxAttempts: 20}
		airlines := &domain.Airlines{Runner: r, IDs: domain.RandomIDs{}}
		strict, _, err := airlines.Create(ctx, domain.CommandMeta{Who: domain.System}, domain.CreateAirline{Name: "Strict Air", ICAO: "STR", Slug: "strict-air"})
		must(t, err)
		lax, _, err := airlines.Create(ctx, domain.CommandMeta{Who: domain.System}, domain.CreateAirline{Name: "Lax Air", ICAO: "LAX", Slug: "lax-air"})
		must(t, err)
		staff := domain.Actor{UserID: uuid.NewString(), Role: domain.RoleAirlineAdmin, TenantID: strict}
		res, err := airlines.SetPirepRules(ctx, domain.CommandMeta{Who: staff}, strict, domain.PirepRules{AircraftAtDeparture: true, PilotAtDeparture: true})
		must(t, err)
		res2, err := airlines.SetPirepRules(ctx, domain.CommandMeta{Who: staff}, strict, domain.PirepRules{PilotAtDeparture: true})
		must(t, err)
		if res2.Position.After(res.Position) {
			res = res2
		}
		waitVisible(t, e.es, res.Position)
		p := projector.New(e.es, e.backend, reg, nil, nil, projector.All()...)
		must(t, p.CatchUp(ctx))
		settings := reads.PirepSettings{Q: reads.New(e.backend.Reader())}
		check := func(when string) {
			t.Helper()
			if got, err := settings.PirepRules(ctx, strict); err != nil || got != (domain.PirepRules{PilotAtDeparture: true}) {
				t.Errorf("%s: Strict Air's rules %+v, %v; want only the pilot's location", when, got, err)
			}
			if got, err := settings.PirepRules(ctx, lax); err != nil || got != (domain.PirepRules{}) {
				t.Errorf("%s: Lax Air's rules %+v, %v; want none", when, got, err)
			}
		}
		check("projected")
		must(t, p.Rebuild(ctx, "pirep_rules"))
		check("rebuilt")
	})
}
