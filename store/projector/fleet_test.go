package projector_test

import (
	"context"
	"fmt"
	"reflect"
	"testing"
	"time"

	"github.com/albatross-va/albatross/domain"
	"github.com/albatross-va/albatross/store/memory"
	"github.com/albatross-va/albatross/store/notify"
	"github.com/albatross-va/albatross/store/projector"
	"github.com/albatross-va/albatross/store/readmodel"
)

// runFleet gives an airline two subfleets and three aircraft through the
// domain's commands, edits one of each, and returns the airline's id, its
// subfleet ids and the position of the last event.
func runFleet(t *testing.T, es domain.EventStore) (string, [2]string, domain.Position) {
	t.Helper()
	ctx := context.Background()
	r := &domain.Runner{Store: es, Registry: reg, MaxAttempts: 20}
	sys := domain.CommandMeta{Who: domain.System}
	airline, _, err := (&domain.Airlines{Runner: r, IDs: domain.RandomIDs{}}).Create(ctx, sys,
		domain.CreateAirline{Name: "Fleet Air", ICAO: "FLT", Slug: "fleet-air"})
	must(t, err)
	f := &domain.Fleet{Runner: r, IDs: domain.RandomIDs{}, Airports: domain.AnyAirport{}}
	b738, _, err := f.CreateSubfleet(ctx, sys, airline, domain.Subfleet{Type: "B738", ICAO: "B738", Name: "737", HubID: "EGLL", CostBlockHour: "2500"})
	must(t, err)
	a320, _, err := f.CreateSubfleet(ctx, sys, airline, domain.Subfleet{Type: "A320", ICAO: "A320", Name: "A320", HubID: "LPPT"})
	must(t, err)
	var planes []string
	for _, reg := range []string{"G-AAAA", "G-BBBB", "CS-TNA"} {
		id, _, err := f.AddAircraft(ctx, sys, airline, domain.NewAircraft{SubfleetID: b738, Registration: reg, Name: reg, AirportID: "EGLL", FlightTime: "100:30"})
		must(t, err)
		planes = append(planes, id)
	}
	_, err = f.ChangeSubfleet(ctx, sys, airline, b738, domain.Subfleet{Type: "B738-SPB", ICAO: "B738", Name: "737-800", HubID: "EGKK"})
	must(t, err)
	res, err := f.ChangeAircraft(ctx, sys, airline, planes[2], domain.AircraftChange{SubfleetID: a320, Name: "Lisboa", Status: domain.AircraftStored})
	must(t, err)
	return airline, [2]string{b738, a320}, res.Position
}

func fleetRows(t *testing.T, q readmodel.Querier, airline string) ([]readmodel.Subfleet, []readmodel.Aircraft) {
	t.Helper()
	sfs, err := q.ListSubfleets(context.Background(), airline)
	must(t, err)
	planes, err := q.ListAircraft(context.Background(), airline)
	must(t, err)
	return sfs, planes
}

func TestFleetIncrementalEqualsRebuildAndMemoryMatchesPostgres(t *testing.T) {
	forEachEnv(t, func(t *testing.T, e env) {
		ctx := context.Background()
		n := notify.NewLocal()
		defer n.Close()
		sub, err := n.Subscribe(ctx)
		must(t, err)
		p := projector.New(e.es, e.backend, reg, n, nil, projector.All()...)
		p.BatchSize = 2
		airline, sfs, last := runFleet(t, e.es)
		waitVisible(t, e.es, last)
		must(t, p.CatchUp(ctx))

		subfleets, planes := fleetRows(t, e.backend.Reader(), airline)
		if len(subfleets) != 2 || subfleets[0].Type != "A320" || subfleets[1].Type != "B738-SPB" || subfleets[1].HubID != "EGKK" ||
			subfleets[1].CostBlockHourCents != nil || subfleets[1].ID.String() != sfs[0] {
			t.Errorf("subfleets %+v, want A320 and the edited B738-SPB at EGKK without a cost", subfleets)
		}
		if len(planes) != 3 || planes[0].Registration != "CS-TNA" || planes[0].Status != "stored" || planes[0].Name != "Lisboa" ||
			planes[0].SubfleetID.String() != sfs[1] || planes[1].FlightTime != 6030 || planes[1].AirportID != "EGLL" {
			t.Errorf("aircraft %+v, want CS-TNA moved to the A320s and stored, the others with 100:30 at EGLL", planes)
		}

		fleetNotices := 0
		for deadline := time.After(5 * time.Second); fleetNotices < 7; {
			select {
			case no := <-sub:
				if no.Topic == projector.TopicFleet {
					if no.TenantID != airline || len(no.IDs) != 1 {
						t.Fatalf("fleet notice %+v, want the airline's tenant and one id", no)
					}
					fleetNotices++
				}
			case <-deadline:
				t.Fatalf("%d fleet notices, want 7 (one per event)", fleetNotices)
			}
		}

		must(t, p.Rebuild(ctx, ""))
		rs, rp := fleetRows(t, e.backend.Reader(), airline)
		if !reflect.DeepEqual(rs, subfleets) || !reflect.DeepEqual(rp, planes) {
			t.Errorf("rebuild differs from incremental:\n got %+v %+v\nwant %+v %+v", rs, rp, subfleets, planes)
		}
		if e.pool != nil {
			mem := memory.New()
			must(t, projector.New(e.es, mem, reg, nil, nil, projector.All()...).CatchUp(ctx))
			ms, mp := fleetRows(t, mem, airline)
			if !reflect.DeepEqual(ms, subfleets) || !reflect.DeepEqual(mp, planes) {
				t.Errorf("memory differs from PostgreSQL:\n got %+v %+v\nwant %+v %+v", ms, mp, subfleets, planes)
			}
		}
	})
}

// numbered is what phpVMS's API names a row by: its number, with the row's
// id so a test sees which row holds which.
type numbered map[string]int32

// numbersOf reads the numbers of the airlines and of each airline's
// subfleets and aircraft.
func numbersOf(t *testing.T, q readmodel.Querier, airlines []string) (numbered, map[string]numbered, map[string]numbered) {
	t.Helper()
	ctx := context.Background()
	as, err := q.ListAirlines(ctx)
	must(t, err)
	airlineNumbers := numbered{}
	for _, a := range as {
		airlineNumbers[a.ID.String()] = a.Number
	}
	subfleets, aircraft := map[string]numbered{}, map[string]numbered{}
	for _, airline := range airlines {
		sfs, planes := fleetRows(t, q, airline)
		subfleets[airline], aircraft[airline] = numbered{}, numbered{}
		for _, s := range sfs {
			subfleets[airline][s.ID.String()] = s.Number
		}
		for _, a := range planes {
			aircraft[airline][a.ID.String()] = a.Number
		}
	}
	return airlineNumbers, subfleets, aircraft
}

// Airlines, subfleets and aircraft get their numbers in the order of the
// log (airlines across the platform, the fleet within each airline), edits
// keep them, and a rebuild from the log gives every row the number it had,
// as the embedded mode's in-memory read models do: a phpVMS client's saved
// ids stay good across a rebuild and a switch of deployment model.
func TestNumbersAreTheSameAfterRebuild(t *testing.T) {
	forEachEnv(t, func(t *testing.T, e env) {
		ctx := context.Background()
		r := &domain.Runner{Store: e.es, Registry: reg, MaxAttempts: 20}
		sys := domain.CommandMeta{Who: domain.System}
		airlines := &domain.Airlines{Runner: r, IDs: domain.RandomIDs{}}
		f := &domain.Fleet{Runner: r, IDs: domain.RandomIDs{}, Airports: domain.AnyAirport{}}
		first, _, err := airlines.Create(ctx, sys, domain.CreateAirline{Name: "Zulu Air", ICAO: "ZUL", Slug: "zulu-air"})
		must(t, err)
		second, _, err := airlines.Create(ctx, sys, domain.CreateAirline{Name: "Alpha Air", ICAO: "ALP", Slug: "alpha-air"})
		must(t, err)
		wantAirlines := numbered{first: 1, second: 2}
		wantSubfleets := map[string]numbered{first: {}, second: {}}
		wantAircraft := map[string]numbered{first: {}, second: {}}
		// The airlines take turns, so one airline's rows come between the
		// other's in the log; codes and registrations sort against the
		// order of creation.
		for i, airline := range []string{second, first, second, first, second} {
			n := int32(len(wantSubfleets[airline]) + 1)
			code := fmt.Sprintf("Z%02d", 9-i)
			sf, _, err := f.CreateSubfleet(ctx, sys, airline, domain.Subfleet{Type: code, ICAO: "B738", Name: code, HubID: "EGLL"})
			must(t, err)
			wantSubfleets[airline][sf] = n
			for j := range 2 {
				reg := fmt.Sprintf("G-%c%c%03d", 'Z'-i, 'Z'-j, i)
				plane, _, err := f.AddAircraft(ctx, sys, airline, domain.NewAircraft{SubfleetID: sf, Registration: reg, Name: reg, AirportID: "EGLL", FlightTime: "1:00"})
				must(t, err)
				wantAircraft[airline][plane] = int32(len(wantAircraft[airline]) + 1)
			}
		}
		// Edits of the first rows of each kind keep their numbers.
		_, err = airlines.ChangeProfile(ctx, sys, first, domain.AirlineProfile{Name: "Zulu Renamed", ICAO: "ZUL", Slug: "zulu-renamed", IATA: "ZU", PilotIDPrefix: "ZUL", Registration: domain.RegistrationOpen})
		must(t, err)
		var firstSubfleet, firstPlane string
		for id, n := range wantSubfleets[first] {
			if n == 1 {
				firstSubfleet = id
			}
		}
		for id, n := range wantAircraft[first] {
			if n == 1 {
				firstPlane = id
			}
		}
		_, err = f.ChangeSubfleet(ctx, sys, first, firstSubfleet, domain.Subfleet{Type: "AAA", ICAO: "A320", Name: "Renamed", HubID: "LPPT"})
		must(t, err)
		res, err := f.ChangeAircraft(ctx, sys, first, firstPlane, domain.AircraftChange{SubfleetID: firstSubfleet, Name: "Renamed", Status: domain.AircraftStored})
		must(t, err)
		waitVisible(t, e.es, res.Position)

		p := projector.New(e.es, e.backend, reg, nil, nil, projector.All()...)
		p.BatchSize = 3
		must(t, p.CatchUp(ctx))
		check := func(what string, q readmodel.Querier) {
			t.Helper()
			gotAirlines, gotSubfleets, gotAircraft := numbersOf(t, q, []string{first, second})
			if !reflect.DeepEqual(gotAirlines, wantAirlines) || !reflect.DeepEqual(gotSubfleets, wantSubfleets) || !reflect.DeepEqual(gotAircraft, wantAircraft) {
				t.Errorf("%s: numbers\n airlines %v\n subfleets %v\n aircraft %v\nwant\n airlines %v\n subfleets %v\n aircraft %v",
					what, gotAirlines, gotSubfleets, gotAircraft, wantAirlines, wantSubfleets, wantAircraft)
			}
			if a, err := q.GetAircraftByNumber(ctx, readmodel.GetAircraftByNumberParams{TenantID: first, Number: 1}); err != nil || a.ID.String() != firstPlane || a.Name != "Renamed" {
				t.Errorf("%s: GetAircraftByNumber(first, 1) = %+v, %v; want the renamed first aircraft", what, a, err)
			}
		}
		check("incremental", e.backend.Reader())
		must(t, p.Rebuild(ctx, ""))
		check("after a rebuild of every projection", e.backend.Reader())
		must(t, p.Rebuild(ctx, "fleet"))
		must(t, p.Rebuild(ctx, "airlines"))
		check("after rebuilding fleet and airlines by name", e.backend.Reader())
		if e.pool != nil {
			mem := memory.New()
			must(t, projector.New(e.es, mem, reg, nil, nil, projector.All()...).CatchUp(ctx))
			check("in memory from the same log", mem)
		}
	})
}
