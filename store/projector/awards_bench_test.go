package projector_test

import (
	"context"
	"os"
	"path/filepath"
	"strconv"
	"testing"
	"time"

	"github.com/google/uuid"

	"github.com/albatross-va/albatross/domain"
	"github.com/albatross-va/albatross/reactors"
	"github.com/albatross-va/albatross/store/memory"
	"github.com/albatross-va/albatross/store/projector"
	"github.com/albatross-va/albatross/store/reads"
	"github.com/albatross-va/albatross/store/sqlite"
)

// BenchmarkAcceptToNotice is the time from staff's acceptance of a PIREP
// to the last notice it causes being projected (the acceptance's, and
// with awards the award reaction's), in the embedded mode, in an airline
// of AWARDS_BENCH_PILOTS pilots (500 unless set; 5000 as issue 17 asks
// takes minutes to set up) who each flew once: with no awards, and with 50
// rule awards of every kind, which the reactor weighs on every acceptance.
func BenchmarkAcceptToNotice(b *testing.B) {
	pilots := 500
	if n, err := strconv.Atoi(os.Getenv("AWARDS_BENCH_PILOTS")); err == nil && n > 0 {
		pilots = n
	}
	for _, awards := range []int{0, 50} {
		b.Run("awards="+strconv.Itoa(awards), func(b *testing.B) { benchAccept(b, pilots, awards) })
	}
}

func benchAccept(b *testing.B, pilots, awards int) {
	ctx := context.Background()
	es, err := sqlite.Open(ctx, filepath.Join(b.TempDir(), "events.db"), nil)
	if err != nil {
		b.Fatal(err)
	}
	b.Cleanup(func() { _ = es.Close() })
	e := env{es: es, backend: memory.New()}
	r := &domain.Runner{Store: es, Registry: reg, MaxAttempts: 20}
	check := func(err error) {
		if err != nil {
			b.Fatal(err)
		}
	}
	airline, _, err := (&domain.Airlines{Runner: r, IDs: domain.RandomIDs{}}).Create(ctx, domain.CommandMeta{Who: domain.System},
		domain.CreateAirline{Name: "Bench Air", ICAO: "BEN", Slug: "bench-air"})
	check(err)
	aircraft := uuid.NewString()
	pireps := &domain.Pireps{Runner: r, IDs: domain.RandomIDs{}, Aircraft: oneAircraft(aircraft), Settings: domain.NoPirepRules{},
		Airports: domain.AirportTable{"EGLL": {Lat: 51.4706, Lon: -0.461941}, "KJFK": {Lat: 40.6398, Lon: -73.7789}}}
	staff := domain.Actor{UserID: uuid.NewString(), Role: domain.RoleAirlineAdmin, TenantID: airline}
	meta := func(a domain.Actor) domain.CommandMeta { return domain.CommandMeta{ID: uuid.NewString(), Who: a} }
	off := time.Date(2026, 11, 2, 9, 0, 0, 0, time.UTC)
	fly := func(pilot domain.Actor, n int) string {
		id, _, err := pireps.File(ctx, meta(pilot), airline, domain.PirepDetails{FlightNumber: strconv.Itoa(n%9000 + 1), DptAirport: "EGLL", ArrAirport: "KJFK",
			AircraftID: aircraft, BlockOff: off, BlockOn: off.Add(time.Hour), FlightTime: 60, LandingRate: -180}, true)
		check(err)
		return id
	}
	for i := range pilots {
		p := domain.Actor{UserID: uuid.NewString(), Role: domain.RolePilot, TenantID: airline}
		_, err := pireps.Accept(ctx, meta(staff), airline, fly(p, i))
		check(err)
	}
	aw := &domain.Awards{Runner: r, IDs: domain.RandomIDs{}}
	kinds := []domain.AwardForm{
		{Rule: domain.AwardRuleHours, Number: "1000"}, {Rule: domain.AwardRuleFlights, Number: "500"},
		{Rule: domain.AwardRuleLandingRate, Number: "50"}, {Rule: domain.AwardRuleAirport, Code: "LPPT"},
		{Rule: domain.AwardRuleCountry, Code: "PT"}, {Rule: domain.AwardRuleRoute, Code: "KJFK", Code2: "EGLL"},
		{Rule: domain.AwardRuleYears, Number: "5"},
	}
	for i := range awards {
		f := kinds[i%len(kinds)]
		f.Name = "Award " + strconv.Itoa(i)
		_, _, err := aw.Define(ctx, meta(staff), airline, f)
		check(err)
	}
	q := e.backend.Reader()
	p := projector.New(es, e.backend, reg, nil, nil, projector.All()...).
		WithReactors(reactorCheckpoints(e), reactors.Awards{ReadModels: reads.New(q), Awards: aw})
	check(p.CatchUp(ctx))
	check(p.CatchUp(ctx))
	pilot := domain.Actor{UserID: uuid.NewString(), Role: domain.RolePilot, TenantID: airline}
	ids := make([]string, b.N)
	for i := range ids {
		ids[i] = fly(pilot, i)
	}
	check(p.CatchUp(ctx))
	b.ResetTimer()
	for i := range b.N {
		_, err := pireps.Accept(ctx, meta(staff), airline, ids[i])
		check(err)
		check(p.CatchUp(ctx)) // the acceptance's projections (its notice), the reactor, its grants' notices
	}
}
