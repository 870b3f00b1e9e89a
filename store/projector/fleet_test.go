package projector_test

import (
	"context"
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
