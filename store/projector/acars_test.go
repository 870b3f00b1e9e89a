package projector_test

import (
	"context"
	"fmt"
	"reflect"
	"slices"
	"testing"
	"time"

	"github.com/google/uuid"

	"github.com/albatross-va/albatross/domain"
	eventsv1 "github.com/albatross-va/albatross/domain/events/v1"
	"github.com/albatross-va/albatross/domain/live"
	"github.com/albatross-va/albatross/store/memory"
	"github.com/albatross-va/albatross/store/notify"
	"github.com/albatross-va/albatross/store/projector"
	"github.com/albatross-va/albatross/store/readmodel"
)

// activeAircraft is an AircraftDirectory of active aircraft at EGLL.
type activeAircraft map[string]bool

func (a activeAircraft) LookupAircraft(_ context.Context, _, id string) (domain.AircraftInfo, error) {
	if !a[id] {
		return domain.AircraftInfo{}, domain.Errorf(domain.ENotFound, "no aircraft")
	}
	return domain.AircraftInfo{Registration: "G-" + id[:4], Status: domain.AircraftActive, AirportID: "EGLL"}, nil
}

// acarsRows are what the read models hold of an airline's ACARS flights:
// the flights in progress, and each flight's row and track.
type acarsRows struct {
	InProgress []readmodel.Pirep
	Rows       []readmodel.Pirep
	Tracks     [][]readmodel.PirepPosition
}

func readACARSFlights(t *testing.T, q readmodel.Querier, airline string, ids []string) acarsRows {
	t.Helper()
	ctx := context.Background()
	var out acarsRows
	var err error
	out.InProgress, err = q.ListPirepsInProgress(ctx, readmodel.ListPirepsInProgressParams{TenantID: airline, Limit: 10})
	must(t, err)
	for _, id := range ids {
		row, err := q.GetPirep(ctx, readmodel.GetPirepParams{TenantID: airline, ID: uuid.MustParse(id)})
		must(t, err)
		track, err := q.ListPirepPositions(ctx, readmodel.ListPirepPositionsParams{TenantID: airline, PirepID: uuid.MustParse(id)})
		must(t, err)
		out.Rows, out.Tracks = append(out.Rows, row), append(out.Tracks, track)
	}
	return out
}

// Two ACARS flights, their positions in batches of several sizes, reports
// and one filing, give the same rows and tracks projected event by event,
// rebuilt from the log, and in memory as in PostgreSQL.
func TestACARSFlightsIncrementalEqualsRebuildAndMemoryMatchesPostgres(t *testing.T) {
	forEachEnv(t, func(t *testing.T, e env) {
		ctx := context.Background()
		r := &domain.Runner{Store: e.es, Registry: reg, MaxAttempts: 20}
		airline, _, err := (&domain.Airlines{Runner: r, IDs: domain.RandomIDs{}}).Create(ctx, domain.CommandMeta{Who: domain.System},
			domain.CreateAirline{Name: "Track Air", ICAO: "TRK", Slug: "track-air"})
		must(t, err)
		planes := []string{uuid.NewString(), uuid.NewString()}
		pireps := &domain.Pireps{Runner: r, IDs: domain.RandomIDs{}, Aircraft: activeAircraft{planes[0]: true, planes[1]: true},
			Settings: domain.NoPirepRules{}, Airports: domain.AirportTable{"EGLL": {Lat: 51.4706, Lon: -0.461941}, "LPPT": {Lat: 38.7813, Lon: -9.13592}}}
		pilot := domain.Actor{UserID: uuid.NewString(), Role: domain.RolePilot, TenantID: airline}
		meta := func() domain.CommandMeta { return domain.CommandMeta{ID: uuid.NewString(), Who: pilot} }
		var ids []string
		for i, plane := range planes {
			id, _, err := pireps.Prefile(ctx, meta(), airline, domain.PirepDetails{FlightNumber: fmt.Sprint(10 + i), DptAirport: "EGLL",
				ArrAirport: "LPPT", AircraftID: plane, SourceName: "vmsACARS"})
			must(t, err)
			ids = append(ids, id)
		}
		n := 0
		for _, size := range []int{1, 3, 2, 1} {
			for _, id := range ids {
				var batch []domain.AircraftPosition
				for range size {
					n++
					batch = append(batch, domain.AircraftPosition{ID: fmt.Sprint("p", n), Lat: 51 - float64(n)/10, Lon: -1 - float64(n)/10,
						AltitudeMSL: int32(1000 * n), Heading: 200, GroundSpeed: int32(200 + n), Status: "ENR"})
				}
				_, _, err := pireps.AddPositions(ctx, meta(), airline, id, batch)
				must(t, err)
			}
			_, err := pireps.Report(ctx, meta(), airline, ids[0], domain.FlightReport{Phase: "ENR", Apply: func(d *domain.PirepDetails) { d.FuelUsed += 100 }})
			must(t, err)
		}
		res, err := pireps.FileFlight(ctx, meta(), airline, ids[1], func(d *domain.PirepDetails) { d.FlightTime = 125 })
		must(t, err)
		waitVisible(t, e.es, res.Position)

		p := projector.New(e.es, e.backend, reg, nil, nil, projector.All()...)
		p.BatchSize = 2
		must(t, p.CatchUp(ctx))
		incremental := readACARSFlights(t, e.backend.Reader(), airline, ids)
		if len(incremental.InProgress) != 1 || incremental.InProgress[0].ID.String() != ids[0] || incremental.Rows[1].State != domain.PirepPending {
			t.Fatalf("in progress %+v, want only the first flight; the second filed", incremental.InProgress)
		}
		for i, track := range incremental.Tracks {
			last := track[len(track)-1]
			if len(track) != 7 || incremental.Rows[i].Positions != 7 || track[0].N != 1 || last.N != 7 ||
				incremental.Rows[i].LastLat != last.Lat || incremental.Rows[i].LastGs != last.Gs {
				t.Errorf("flight %d: %d positions (row says %d), last %+v, row's last %v/%d", i, len(track), incremental.Rows[i].Positions,
					last, incremental.Rows[i].LastLat, incremental.Rows[i].LastGs)
			}
		}

		must(t, p.Rebuild(ctx, ""))
		if rebuilt := readACARSFlights(t, e.backend.Reader(), airline, ids); !reflect.DeepEqual(rebuilt, incremental) {
			t.Errorf("rebuild differs from incremental:\n got %+v\nwant %+v", rebuilt, incremental)
		}
		if e.pool != nil {
			mem := memory.New()
			must(t, projector.New(e.es, mem, reg, nil, nil, projector.All()...).CatchUp(ctx))
			if inMemory := readACARSFlights(t, mem, airline, ids); !reflect.DeepEqual(inMemory, incremental) {
				t.Errorf("memory differs from PostgreSQL:\n got %+v\nwant %+v", inMemory, incremental)
			}
		}
	})
}

// liveFlightIDs catches a fresh read model up on the log in batches of
// size and returns the live-flights notices it publishes, as the flights
// each names.
func liveFlightIDs(t *testing.T, es domain.EventStore, size int) [][]string {
	t.Helper()
	ctx := context.Background()
	n := notify.NewLocal()
	defer n.Close()
	sub, err := n.Subscribe(ctx)
	must(t, err)
	p := projector.New(es, memory.New(), reg, n, nil, projector.All()...)
	p.BatchSize = size
	must(t, p.CatchUp(ctx))
	var out [][]string
	for {
		select {
		case no := <-sub:
			if no.Topic == live.TopicLiveFlights {
				out = append(out, no.IDs)
			}
		case <-time.After(200 * time.Millisecond):
			return out
		}
	}
}

// A batch's live-flights notices go out as one naming every flight once
// per change, in log order: 500 clients' positions in one batch were 500
// notices at once to every open map, more than a stream holds.
func TestABatchTellsTheLiveMapOnce(t *testing.T) {
	e := newEmbedded(t)
	ctx := context.Background()
	r := &domain.Runner{Store: e.es, Registry: reg}
	airline, _, err := (&domain.Airlines{Runner: r, IDs: domain.RandomIDs{}}).Create(ctx, domain.CommandMeta{Who: domain.System},
		domain.CreateAirline{Name: "Live Air", ICAO: "LVA", Slug: "live-air"})
	must(t, err)
	planes := []string{uuid.NewString(), uuid.NewString()}
	pireps := &domain.Pireps{Runner: r, IDs: domain.RandomIDs{}, Aircraft: activeAircraft{planes[0]: true, planes[1]: true},
		Settings: domain.NoPirepRules{}, Airports: domain.AirportTable{"EGLL": {Lat: 51.4706, Lon: -0.461941}, "LPPT": {Lat: 38.7813, Lon: -9.13592}}}
	pilot := domain.Actor{UserID: uuid.NewString(), Role: domain.RolePilot, TenantID: airline}
	var ids []string
	for i, plane := range planes {
		id, _, err := pireps.Prefile(ctx, domain.CommandMeta{ID: uuid.NewString(), Who: pilot}, airline,
			domain.PirepDetails{FlightNumber: fmt.Sprint(20 + i), DptAirport: "EGLL", ArrAirport: "LPPT", AircraftID: plane})
		must(t, err)
		ids = append(ids, id)
	}
	for i := range 5 {
		for _, id := range ids {
			_, _, err := pireps.AddPositions(ctx, domain.CommandMeta{ID: uuid.NewString(), Who: pilot}, airline, id,
				[]domain.AircraftPosition{{ID: fmt.Sprint(i), Lat: 50, Lon: float64(-i)}})
			must(t, err)
		}
	}
	one := liveFlightIDs(t, e.es, 1)
	var want []string
	for _, n := range one {
		want = append(want, n...)
	}
	if len(one) != 12 { // two starts, ten positions
		t.Fatalf("event by event, %d live-flights notices, want 12", len(one))
	}
	batched := liveFlightIDs(t, e.es, 500)
	if len(batched) != 1 || !slices.Equal(batched[0], want) {
		t.Errorf("the whole log in one batch told the live map %v, want once: %v", batched, want)
	}
}

// A report tells the live map only when it moves the flight's phase,
// whether the event says so (phase_changed) or is from before it did and
// the flight's row tells; both kinds give the same row.
func TestAReportTellsTheLiveMapOfANewPhaseWithOrWithoutSayingSo(t *testing.T) {
	ctx := context.Background()
	e := newEmbedded(t)
	r := &domain.Runner{Store: e.es, Registry: reg}
	airline, _, err := (&domain.Airlines{Runner: r, IDs: domain.RandomIDs{}}).Create(ctx, domain.CommandMeta{Who: domain.System},
		domain.CreateAirline{Name: "Live Air", ICAO: "LVA", Slug: "live-air"})
	must(t, err)
	plane := uuid.NewString()
	pireps := &domain.Pireps{Runner: r, IDs: domain.RandomIDs{}, Aircraft: activeAircraft{plane: true},
		Settings: domain.NoPirepRules{}, Airports: domain.AirportTable{"EGLL": {Lat: 51.4706, Lon: -0.461941}, "LPPT": {Lat: 38.7813, Lon: -9.13592}}}
	pilot := domain.Actor{UserID: uuid.NewString(), Role: domain.RolePilot, TenantID: airline}
	id, _, err := pireps.Prefile(ctx, domain.CommandMeta{ID: uuid.NewString(), Who: pilot}, airline,
		domain.PirepDetails{FlightNumber: "20", DptAirport: "EGLL", ArrAirport: "LPPT", AircraftID: plane})
	must(t, err)
	for i, phase := range []string{"TXI", "TXI", "TKO"} { // a new phase, the same with more fuel used, a new phase
		fuel := int32(100 * (i + 1))
		_, err := pireps.Report(ctx, domain.CommandMeta{ID: uuid.NewString(), Who: pilot}, airline, id,
			domain.FlightReport{Phase: phase, Apply: func(d *domain.PirepDetails) { d.FuelUsed = fuel }})
		must(t, err)
	}
	// The same log as the version before phase_changed wrote it.
	old := newEmbedded(t)
	evs, err := e.es.ReadAll(ctx, domain.Position{}, 1000)
	must(t, err)
	stripped := 0
	for _, ev := range evs {
		data := ev.Data
		if ev.Type == "albatross.events.v1.PirepProgressed" {
			m, err := reg.Decode(ev.Type, ev.Data)
			must(t, err)
			pe := m.(*eventsv1.PirepProgressed)
			pe.PhaseChanged = nil
			_, data, err = reg.Encode(pe)
			must(t, err)
			stripped++
		}
		_, err := old.es.Append(ctx, domain.AppendRequest{StreamID: ev.StreamID, TenantID: ev.TenantID, Expected: domain.ExpectedVersion(ev.Version - 1),
			Events: []domain.NewEvent{{Type: ev.Type, SchemaVersion: ev.SchemaVersion, Data: data}}})
		must(t, err)
	}
	if stripped != 3 {
		t.Fatalf("%d reports in the log, want 3", stripped)
	}
	rows := map[string]readmodel.Pirep{}
	for name, es := range map[string]domain.EventStore{"new": e.es, "old": old.es} {
		notices := liveFlightIDs(t, es, 1)
		if len(notices) != 3 { // the start, TXI, TKO
			t.Errorf("%s events: %d live-flights notices %v, want 3: the start and the two new phases", name, len(notices), notices)
		}
		q := memory.New()
		p := projector.New(es, q, reg, notify.NewLocal(), nil, projector.All()...)
		must(t, p.CatchUp(ctx))
		row, err := q.GetPirep(ctx, readmodel.GetPirepParams{TenantID: airline, ID: uuid.MustParse(id)})
		must(t, err)
		if row.Phase != "TKO" || row.FuelUsed != 300 {
			t.Errorf("%s events: the flight's row has phase %s and fuel %d, want TKO and 300", name, row.Phase, row.FuelUsed)
		}
		rows[name] = row
	}
	if !reflect.DeepEqual(rows["new"], rows["old"]) {
		t.Errorf("the same reports as old events give another row:\n new %+v\n old %+v", rows["new"], rows["old"])
	}
}
