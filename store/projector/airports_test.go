package projector_test

import (
	"context"
	"reflect"
	"testing"

	"github.com/albatross-va/albatross/domain"
	"github.com/albatross-va/albatross/store/memory"
	"github.com/albatross-va/albatross/store/notify"
	"github.com/albatross-va/albatross/store/projector"
)

func TestAirportsProjection(t *testing.T) {
	forEachEnv(t, func(t *testing.T, e env) {
		ctx := context.Background()
		r := &domain.Runner{Store: e.es, Registry: reg}
		airlines := &domain.Airlines{Runner: r, IDs: domain.RandomIDs{}}
		sys := domain.CommandMeta{Who: domain.System}
		id, _, err := airlines.Create(ctx, sys, domain.CreateAirline{Name: "Airport Air", ICAO: "APT", Slug: "airport-air"})
		must(t, err)
		s := &domain.Airports{Runner: r}
		_, err = s.Add(ctx, sys, id, domain.AirportDetails{ICAO: "EGLL", IATA: "LHR", Name: "London Heathrow", City: "London", Country: "GB", Latitude: 51.47, Longitude: -0.46, Elevation: 83})
		must(t, err)
		_, err = s.Add(ctx, sys, id, domain.AirportDetails{ICAO: "LPPT", Name: "Lisbon", Latitude: 38.78, Longitude: -9.13})
		must(t, err)
		last, err := s.SetHub(ctx, sys, id, "EGLL", true)
		must(t, err)
		waitVisible(t, e.es, last.Position)

		local := notify.NewLocal()
		notices, err := local.Subscribe(ctx)
		must(t, err)
		p := projector.New(e.es, e.backend, reg, local, nil, projector.All()...)
		must(t, p.CatchUp(ctx))
		rows, err := e.backend.Reader().ListAirports(ctx, id)
		must(t, err)
		if len(rows) != 2 || rows[0].Icao != "EGLL" || !rows[0].Hub || rows[0].Name != "London Heathrow" || rows[0].Search != "egll lhr london heathrow london" || rows[1].Icao != "LPPT" || rows[1].Hub {
			t.Fatalf("rows %+v", rows)
		}
		// The airline's pages are told, and only they.
		var seen bool
		for !seen {
			n := <-notices
			if n.Topic == projector.TopicAirports {
				seen = true
				if n.TenantID != id {
					t.Errorf("airports notice for tenant %q, want %q", n.TenantID, id)
				}
			}
		}
		must(t, p.Rebuild(ctx, "airports"))
		rebuilt, err := e.backend.Reader().ListAirports(ctx, id)
		must(t, err)
		if !reflect.DeepEqual(rebuilt, rows) {
			t.Errorf("rebuild differs:\n got %+v\nwant %+v", rebuilt, rows)
		}
		if e.pool != nil {
			mem := memory.New()
			must(t, projector.New(e.es, mem, reg, nil, nil, projector.All()...).CatchUp(ctx))
			memRows, err := mem.ListAirports(ctx, id)
			must(t, err)
			if !reflect.DeepEqual(memRows, rows) {
				t.Errorf("memory differs from PostgreSQL:\n got %+v\nwant %+v", memRows, rows)
			}
		}
	})
}
