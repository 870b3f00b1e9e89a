package domain_test

import (
	"context"
	"sync"
	"testing"

	"github.com/albatross-va/albatross/domain"
)

func heathrow() domain.AirportDetails {
	return domain.AirportDetails{ICAO: "egll", IATA: "lhr", Name: "London Heathrow Airport", City: "London",
		Country: "gb", Latitude: 51.470748, Longitude: -0.459909, Elevation: 83}
}

func loadAirport(t *testing.T, r *domain.Runner, airline, icao string) *domain.Airport {
	t.Helper()
	a := &domain.Airport{}
	recs, err := r.Store.ReadStream(context.Background(), domain.AirportStream(airline, icao), 0)
	if err != nil {
		t.Fatal(err)
	}
	for _, rec := range recs {
		msg, err := r.Registry.Decode(rec.Type, rec.Data)
		if err != nil {
			t.Fatal(err)
		}
		if err := a.Apply(msg); err != nil {
			t.Fatal(err)
		}
	}
	return a
}

func streamLen(t *testing.T, r *domain.Runner, airline, icao string) int {
	t.Helper()
	recs, err := r.Store.ReadStream(context.Background(), domain.AirportStream(airline, icao), 0)
	if err != nil {
		t.Fatal(err)
	}
	return len(recs)
}

func TestAirportAddOverrideAndHub(t *testing.T) {
	r := newRunner(t)
	m := newMembership(t, r)
	s := &domain.Airports{Runner: r}
	ctx := context.Background()
	meta := domain.CommandMeta{Who: m.admin}
	if _, err := s.Add(ctx, meta, m.airline, heathrow()); err != nil {
		t.Fatal(err)
	}
	a := loadAirport(t, r, m.airline, "EGLL")
	if !a.Added || a.ICAO != "EGLL" || a.IATA != "LHR" || a.Country != "GB" || a.Name != "London Heathrow Airport" || a.Hub {
		t.Errorf("after add: %+v (codes upper-cased, not a hub)", a)
	}

	// Adding it again is refused, on the ICAO field.
	_, err := s.Add(ctx, meta, m.airline, heathrow())
	if domain.ErrorCode(err) != domain.EConflict || domain.ErrorFields(err)["icao"] == "" {
		t.Errorf("second add: %v, want a conflict on icao", err)
	}

	// An override changes the field and keeps the rest.
	d := heathrow()
	d.Name, d.Elevation = "Heathrow", 80
	if _, err := s.Change(ctx, meta, m.airline, d); err != nil {
		t.Fatal(err)
	}
	if a := loadAirport(t, r, m.airline, "EGLL"); a.Name != "Heathrow" || a.Elevation != 80 || a.IATA != "LHR" {
		t.Errorf("after override: %+v", a)
	}
	// The same details again append nothing.
	before := streamLen(t, r, m.airline, "EGLL")
	if res, err := s.Change(ctx, meta, m.airline, d); err != nil || res.ToVersion != res.FromVersion {
		t.Errorf("unchanged save: %+v, %v", res, err)
	}
	if streamLen(t, r, m.airline, "EGLL") != before {
		t.Error("an unchanged save appended an event")
	}

	if _, err := s.SetHub(ctx, meta, m.airline, "egll", true); err != nil {
		t.Fatal(err)
	}
	if a := loadAirport(t, r, m.airline, "EGLL"); !a.Hub || a.Name != "Heathrow" {
		t.Errorf("after hub: %+v", a)
	}
	// A change without the hub flag clears it: events carry the whole state.
	if _, err := s.Change(ctx, meta, m.airline, d); err != nil {
		t.Fatal(err)
	}
	if a := loadAirport(t, r, m.airline, "EGLL"); a.Hub {
		t.Error("a change with hub false left it a hub")
	}

	// Validation names the fields.
	bad := domain.AirportDetails{ICAO: "E1", IATA: "LONG", Latitude: 91, Longitude: 200, Country: "GBR"}
	fields := domain.ErrorFields(func() error { _, err := s.Add(ctx, meta, m.airline, bad); return err }())
	for _, f := range []string{"icao", "iata", "name", "lat", "lon", "country"} {
		if fields[f] == "" {
			t.Errorf("invalid airport: no message for %s (%v)", f, fields)
		}
	}
	if _, err := s.Change(ctx, meta, m.airline, domain.AirportDetails{ICAO: "LPPT", Name: "Lisbon"}); domain.ErrorCode(err) != domain.ENotFound {
		t.Errorf("change of an airport not added: %v, want not found", err)
	}
	if _, err := s.SetHub(ctx, meta, m.airline, "LPPT", true); domain.ErrorCode(err) != domain.ENotFound {
		t.Errorf("hub of an airport not added: %v, want not found", err)
	}
}

func TestAirportSaveCountsOutcomes(t *testing.T) {
	r := newRunner(t)
	m := newMembership(t, r)
	s := &domain.Airports{Runner: r}
	ctx := context.Background()
	meta := domain.CommandMeta{Who: m.admin}
	for i, want := range []domain.Outcome{domain.Created, domain.Unchanged} {
		if got, _, err := s.Save(ctx, meta, m.airline, heathrow()); err != nil || got != want {
			t.Errorf("save %d: %v, %v; want %v", i, got, err, want)
		}
	}
	d := heathrow()
	d.Hub = true
	if got, _, err := s.Save(ctx, meta, m.airline, d); err != nil || got != domain.Updated {
		t.Errorf("changed save: %v, %v; want updated", got, err)
	}
	if n := streamLen(t, r, m.airline, "EGLL"); n != 2 {
		t.Errorf("%d events, want 2 (added, changed)", n)
	}
	if _, _, err := s.Save(ctx, meta, domain.NewUUID(), heathrow()); domain.ErrorCode(err) == "" {
		t.Error("saved an airport in an airline that does not exist")
	}
}

func TestAirportAuthorization(t *testing.T) {
	r := newRunner(t)
	m := newMembership(t, r)
	other := newMembership(t, r)
	s := &domain.Airports{Runner: r}
	ctx := context.Background()
	pilot := domain.Actor{UserID: domain.NewUUID(), Role: domain.RolePilot, TenantID: m.airline}
	for name, c := range map[string]struct {
		who  domain.Actor
		want string
	}{
		"pilot":                    {pilot, domain.EForbidden},
		"admin of another airline": {other.admin, domain.ENotFound},
		"nobody":                   {domain.Actor{}, domain.EForbidden},
	} {
		_, err := s.Add(ctx, domain.CommandMeta{Who: c.who}, m.airline, heathrow())
		if domain.ErrorCode(err) != c.want {
			t.Errorf("%s adds: %v, want %s", name, err, c.want)
		}
	}
	if streamLen(t, r, m.airline, "EGLL") != 0 {
		t.Fatal("a refused add appended an event")
	}
	platform := domain.Actor{UserID: domain.NewUUID(), Role: domain.RolePlatformAdmin}
	if _, err := s.Add(ctx, domain.CommandMeta{Who: platform}, m.airline, heathrow()); err != nil {
		t.Errorf("platform admin adds: %v", err)
	}
	if _, err := s.SetHub(ctx, domain.CommandMeta{Who: pilot}, m.airline, "EGLL", true); domain.ErrorCode(err) != domain.EForbidden {
		t.Errorf("pilot sets a hub: %v, want forbidden", err)
	}
}

func TestConcurrentAddsOfOneAirportAddItOnce(t *testing.T) {
	for name, r := range concurrentRunners(t) {
		t.Run(name, func(t *testing.T) {
			m := newMembership(t, r)
			s := &domain.Airports{Runner: r}
			var wg sync.WaitGroup
			var mu sync.Mutex
			ok, conflicts := 0, 0
			for range 4 {
				wg.Go(func() {
					_, err := s.Add(context.Background(), domain.CommandMeta{ID: domain.NewUUID(), Who: m.admin}, m.airline, heathrow())
					mu.Lock()
					defer mu.Unlock()
					switch domain.ErrorCode(err) {
					case "":
						ok++
					case domain.EConflict:
						conflicts++
					default:
						t.Errorf("add: %v", err)
					}
				})
			}
			wg.Wait()
			if ok != 1 || conflicts != 3 || streamLen(t, r, m.airline, "EGLL") != 1 {
				t.Errorf("%d adds succeeded, %d conflicts, %d events; want 1, 3, 1", ok, conflicts, streamLen(t, r, m.airline, "EGLL"))
			}
		})
	}
}
