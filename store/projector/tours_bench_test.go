package projector_test

import (
	"context"
	"os"
	"path/filepath"
	"strconv"
	"testing"
	"time"

	"github.com/google/uuid"
	"google.golang.org/protobuf/proto"
	"google.golang.org/protobuf/types/known/timestamppb"

	"github.com/albatross-va/albatross/domain"
	eventsv1 "github.com/albatross-va/albatross/domain/events/v1"
	"github.com/albatross-va/albatross/reactors"
	"github.com/albatross-va/albatross/store/memory"
	"github.com/albatross-va/albatross/store/projector"
	"github.com/albatross-va/albatross/store/readmodel"
	"github.com/albatross-va/albatross/store/reads"
	"github.com/albatross-va/albatross/store/sqlite"
)

// BenchmarkAcceptToNoticeCareer is issue 17's benchmark: the time from
// staff's acceptance of a PIREP to the last notice it causes being
// projected (the acceptance's, the tour legs the tours reactor counts, the
// awards reactor's grants), in the embedded mode, in an airline of
// TOURS_BENCH_PILOTS pilots (5000 unless set) who each flew once: with no
// awards or tours ("none"), and with 50 rule awards (10 of them for
// finishing a tour) and 10 tours ("career"). The two airlines are set up
// side by side and their acceptances alternate, so a busy machine weighs
// on both alike; each is reported in ms/accept, with their ratio. The
// pilots' flights are appended in bulk (one append of the filing and its
// acceptance each, no command), so the setup takes seconds; the timed
// acceptances go through the commands.
func BenchmarkAcceptToNoticeCareer(b *testing.B) {
	pilots := 5000
	if n, err := strconv.Atoi(os.Getenv("TOURS_BENCH_PILOTS")); err == nil && n > 0 {
		pilots = n
	}
	none := benchCareerAccept(b, pilots, 0, 0)
	career := benchCareerAccept(b, pilots, 50, 10)
	var tNone, tCareer time.Duration
	b.ResetTimer()
	for i := range b.N {
		start := time.Now()
		none.accept(i)
		tNone += time.Since(start)
		start = time.Now()
		career.accept(i)
		tCareer += time.Since(start)
	}
	b.StopTimer()
	none.done()
	career.done()
	b.ReportMetric(float64(tNone.Microseconds())/1000/float64(b.N), "ms/accept-none")
	b.ReportMetric(float64(tCareer.Microseconds())/1000/float64(b.N), "ms/accept-career")
	b.ReportMetric(float64(tCareer)/float64(tNone), "ratio")
}

// careerBench is one benchmark airline: accept(i) accepts the pilot's i-th
// PIREP and catches the read models and reactors up; done checks that the
// reactors did their work.
type careerBench struct {
	accept func(i int)
	done   func()
}

func benchCareerAccept(b *testing.B, pilots, awards, tours int) careerBench {
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
	off := time.Date(2026, 12, 10, 9, 0, 0, 0, time.UTC)
	fly := func(pilot domain.Actor, n int) string {
		id, _, err := pireps.File(ctx, meta(pilot), airline, domain.PirepDetails{FlightNumber: strconv.Itoa(n%9000 + 1), DptAirport: "EGLL", ArrAirport: "KJFK",
			AircraftID: aircraft, BlockOff: off, BlockOn: off.Add(time.Hour), FlightTime: 60, LandingRate: -180}, true)
		check(err)
		return id
	}

	// One flight filed and accepted through the commands is the template
	// of the pilots' flights, appended in bulk.
	first := fly(domain.Actor{UserID: uuid.NewString(), Role: domain.RolePilot, TenantID: airline}, 0)
	_, err = pireps.Accept(ctx, meta(staff), airline, first)
	check(err)
	recs, err := es.ReadStream(ctx, domain.PirepStream(first), 0)
	check(err)
	var filed *eventsv1.PirepFiled
	var acceptedEv *eventsv1.PirepAccepted
	for _, rec := range recs {
		m, err := reg.Decode(rec.Type, rec.Data)
		check(err)
		switch m := m.(type) {
		case *eventsv1.PirepFiled:
			filed = m
		case *eventsv1.PirepAccepted:
			acceptedEv = m
		}
	}
	if filed == nil || acceptedEv == nil {
		b.Fatalf("the template PIREP's stream: %d events", len(recs))
	}
	encode := func(m proto.Message) domain.NewEvent {
		name, data, err := reg.Encode(m)
		check(err)
		return domain.NewEvent{Type: name, SchemaVersion: 1, Data: data}
	}
	for i := range pilots {
		id := uuid.NewString()
		f := proto.Clone(filed).(*eventsv1.PirepFiled)
		f.PirepId, f.PilotId = id, uuid.NewString()
		f.Details.FlightNumber = strconv.Itoa(i%9000 + 1)
		a := proto.Clone(acceptedEv).(*eventsv1.PirepAccepted)
		a.PirepId, a.AcceptedAt = id, timestamppb.New(off.Add(2*time.Hour))
		_, err := es.Append(ctx, domain.AppendRequest{StreamID: domain.PirepStream(id), TenantID: airline, Expected: 0,
			Events: []domain.NewEvent{encode(f), encode(a)}, Meta: domain.Metadata{Actor: staff.UserID}})
		check(err)
	}

	tr := &domain.Tours{Runner: r, IDs: domain.RandomIDs{}}
	var tourIDs []string
	for i := range tours {
		id, _, err := tr.Save(ctx, meta(staff), airline, "", domain.TourForm{Name: "Tour " + strconv.Itoa(i),
			Legs: "EGLL KJFK\nKJFK EGLL\nEGLL LPPT\nLPPT EGLL", AnyOrder: i%2 == 1})
		check(err)
		tourIDs = append(tourIDs, id)
	}
	aw := &domain.Awards{Runner: r, IDs: domain.RandomIDs{}}
	kinds := []domain.AwardForm{
		{Rule: domain.AwardRuleHours, Number: "1000"}, {Rule: domain.AwardRuleFlights, Number: "500"},
		{Rule: domain.AwardRuleLandingRate, Number: "50"}, {Rule: domain.AwardRuleAirport, Code: "LPPT"},
		{Rule: domain.AwardRuleCountry, Code: "PT"}, {Rule: domain.AwardRuleRoute, Code: "KJFK", Code2: "EGLL"},
		{Rule: domain.AwardRuleYears, Number: "5"},
	}
	for i := range awards {
		var f domain.AwardForm
		if i < len(tourIDs) {
			f = domain.AwardForm{Rule: domain.AwardRuleTour, Tour: tourIDs[i]}
		} else {
			f = kinds[i%len(kinds)]
		}
		f.Name = "Award " + strconv.Itoa(i)
		_, _, err := aw.Define(ctx, meta(staff), airline, f)
		check(err)
	}
	q := e.backend.Reader()
	p := projector.New(es, e.backend, reg, nil, nil, projector.All()...).
		WithReactors(reactorCheckpoints(e), reactors.Awards{ReadModels: reads.New(q), Awards: aw}, reactors.Tours{ReadModels: reads.New(q), Tours: tr})
	check(p.CatchUp(ctx))
	check(p.CatchUp(ctx))
	pilot := domain.Actor{UserID: uuid.NewString(), Role: domain.RolePilot, TenantID: airline}
	ids := make([]string, b.N)
	for i := range ids {
		ids[i] = fly(pilot, i+1)
	}
	check(p.CatchUp(ctx))
	return careerBench{
		accept: func(i int) {
			_, err := pireps.Accept(ctx, meta(staff), airline, ids[i])
			check(err)
			check(p.CatchUp(ctx)) // the acceptance's projections, both reactors, their events' projections and notices
		},
		done: func() {
			// The first acceptance counted the first leg of every tour.
			flown, err := q.ListPilotTourLegsFlown(ctx, readmodel.ListPilotTourLegsFlownParams{TenantID: airline, UserID: uuid.MustParse(pilot.UserID)})
			check(err)
			if len(flown) != tours {
				b.Fatalf("the pilot has %d tour legs counted, want one on each of %d tours", len(flown), tours)
			}
		},
	}
}
