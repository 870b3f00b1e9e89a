package projector_test

import (
	"context"
	"fmt"
	"reflect"
	"testing"

	"github.com/google/uuid"

	"github.com/albatross-va/albatross/domain"
	"github.com/albatross-va/albatross/store/memory"
	"github.com/albatross-va/albatross/store/projector"
	"github.com/albatross-va/albatross/store/readmodel"
)

// runFlights adds, edits, deactivates and reactivates flights of a new
// airline with the domain's commands, and returns the airline and the last
// position.
func runFlights(t *testing.T, es domain.EventStore) (string, domain.Position) {
	t.Helper()
	ctx := context.Background()
	r := &domain.Runner{Store: es, Registry: reg, MaxAttempts: 20}
	airlines := &domain.Airlines{Runner: r, IDs: domain.RandomIDs{}}
	flights := &domain.Flights{Runner: r,
		Airports:  domain.AirportTable{"EGLL": {Lat: 51.4706, Lon: -0.461941}, "KJFK": {Lat: 40.639751, Lon: -73.778925}, "LFPG": {Lat: 49.012779, Lon: 2.55}},
		Subfleets: domain.SubfleetTable{"sf-1": "B738", "sf-2": "A320"}}
	sys := domain.CommandMeta{Who: domain.System}
	id, _, err := airlines.Create(ctx, sys, domain.CreateAirline{Name: "Flight Air", ICAO: "FLA", Slug: "flight-air"})
	must(t, err)
	var ids []string
	for i := range 8 {
		fid, _, err := flights.Add(ctx, sys, id, domain.FlightSchedule{
			FlightNumber: fmt.Sprint(100 + i), RouteLeg: int32(i % 2), DptAirport: []string{"EGLL", "LFPG"}[i%2], ArrAirport: "KJFK",
			DptTime: fmt.Sprintf("%02d:15", 6+i), Days: domain.EveryDay, FlightTime: 400, FlightType: "J",
			SubfleetIDs: []string{"sf-1", "sf-2"}[:1+i%2], Active: true})
		must(t, err)
		ids = append(ids, fid)
	}
	_, err = flights.Edit(ctx, sys, id, ids[0], domain.FlightSchedule{DptAirport: "KJFK", ArrAirport: "EGLL", DptTime: "22:00",
		ArrTime: "06:00", Days: domain.Saturday, Distance: 3000, FlightTime: 410, FlightType: "C", Notes: "Night"})
	must(t, err)
	_, err = flights.Deactivate(ctx, sys, id, ids[1])
	must(t, err)
	_, err = flights.Deactivate(ctx, sys, id, ids[2])
	must(t, err)
	res, err := flights.Activate(ctx, sys, id, ids[2])
	must(t, err)
	return id, res.Position
}

func flightRows(t *testing.T, q readmodel.Querier, airlineID string) []readmodel.Flight {
	t.Helper()
	rows, err := q.SearchFlights(context.Background(), readmodel.SearchFlightsParams{TenantID: airlineID, IncludeInactive: true, PageSize: 100})
	must(t, err)
	return rows
}

func TestFlightsIncrementalEqualsRebuildAndMemoryMatchesPostgres(t *testing.T) {
	forEachEnv(t, func(t *testing.T, e env) {
		ctx := context.Background()
		p := projector.New(e.es, e.backend, reg, nil, nil, projector.All()...)
		p.BatchSize = 3
		id, last := runFlights(t, e.es)
		waitVisible(t, e.es, last)
		must(t, p.CatchUp(ctx))
		rows := flightRows(t, e.backend.Reader(), id)
		if len(rows) != 8 {
			t.Fatalf("%d flights, want 8", len(rows))
		}
		active := 0
		for _, f := range rows {
			if f.Active {
				active++
			}
			if f.ID == uuid.MustParse(domain.FlightID(id, "100", "", 0)) &&
				(f.DptAirport != "KJFK" || f.Notes != "Night" || f.Distance != 3000 || f.DptTime != "22:00" || !f.UpdatedAt.After(f.CreatedAt)) {
				t.Errorf("edited flight row %+v", f)
			}
		}
		if active != 7 || rows[len(rows)-1].DptTime != "22:00" {
			t.Errorf("%d active (want 7); last row at %s (want the edited 22:00 flight last)", active, rows[len(rows)-1].DptTime)
		}
		must(t, p.Rebuild(ctx, ""))
		if rebuilt := flightRows(t, e.backend.Reader(), id); !reflect.DeepEqual(rebuilt, rows) {
			t.Errorf("rebuild differs from incremental:\n got %+v\nwant %+v", rebuilt, rows)
		}
		if e.pool != nil {
			mem := memory.New()
			must(t, projector.New(e.es, mem, reg, nil, nil, projector.All()...).CatchUp(ctx))
			if got := flightRows(t, mem, id); !reflect.DeepEqual(got, rows) {
				t.Errorf("memory differs from PostgreSQL:\n got %+v\nwant %+v", got, rows)
			}
		}
	})
}
