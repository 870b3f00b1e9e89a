package main

import (
	"context"
	"fmt"
	"log/slog"
	"os"
	"path/filepath"
	"strings"
	"time"

	"github.com/albatross-va/albatross/domain"
	"github.com/albatross-va/albatross/domain/events"
	"github.com/albatross-va/albatross/domain/imports"
	"github.com/albatross-va/albatross/handlers"
	"github.com/albatross-va/albatross/store/importjobs"
	"github.com/albatross-va/albatross/store/memory"
	"github.com/albatross-va/albatross/store/postgres"
	"github.com/albatross-va/albatross/store/projector"
	"github.com/albatross-va/albatross/store/readmodel"
	"github.com/albatross-va/albatross/store/reads"
	"github.com/albatross-va/albatross/store/sqlite"
)

// The import of a phpVMS flights file of c.csvFlights rows into an airline
// with 12 airports and 2 subfleets: the whole job as the import page runs
// it (CSV parsing, every row checked against the airline's read models,
// each flight saved through domain.Flights.Save by the kind's workers),
// against the same flights added straight through domain.Flights.Add with
// as many writers, in the same run and store.

var csvAirports = map[string]domain.Coordinates{
	"EGLL": {Lat: 51.4706, Lon: -0.461941}, "LPPT": {Lat: 38.7813, Lon: -9.13592}, "KJFK": {Lat: 40.6398, Lon: -73.7789},
	"EDDF": {Lat: 50.0302, Lon: 8.5611}, "LFPG": {Lat: 49.0128, Lon: 2.55}, "LEMD": {Lat: 40.4719, Lon: -3.5626},
	"EHAM": {Lat: 52.3086, Lon: 4.7639}, "LIRF": {Lat: 41.8045, Lon: 12.252}, "EIDW": {Lat: 53.4213, Lon: -6.2701},
	"LPPR": {Lat: 41.2481, Lon: -8.6814}, "KBOS": {Lat: 42.3643, Lon: -71.0052}, "KORD": {Lat: 41.9786, Lon: -87.9048},
}

var csvAirportCodes = []string{"EGLL", "LPPT", "KJFK", "EDDF", "LFPG", "LEMD", "EHAM", "LIRF", "EIDW", "LPPR", "KBOS", "KORD"}

// csvFlight is flight i of the file and of the baseline.
func csvFlight(i int) domain.FlightSchedule {
	n := len(csvAirportCodes)
	dpt, arr := csvAirportCodes[i%n], csvAirportCodes[(i/n+i+1)%n]
	if dpt == arr {
		arr = csvAirportCodes[(i+5)%n]
	}
	return domain.FlightSchedule{FlightNumber: fmt.Sprint(i%9999 + 1), RouteLeg: int32(i / 9999), DptAirport: dpt, ArrAirport: arr,
		Days: 1 | 4 | 16 | 64, DptTime: fmt.Sprintf("%02d:%02d", i%24, i%60), FlightTime: int32(60 + i%300), FlightType: "J", Active: true}
}

// csvFlightsFile writes n flights in phpVMS's layout, each in both subfleets.
func csvFlightsFile(n int) []byte {
	var b strings.Builder
	cols := make([]string, len(imports.FlightColumns))
	for i, c := range imports.FlightColumns {
		cols[i] = c.Name
	}
	b.WriteString(strings.Join(cols, ",") + "\n")
	for i := range n {
		f := csvFlight(i)
		b.WriteString(strings.Join(imports.FlightRow("CSV", f, []string{"A320-LHR", "B738-LIS"}), ",") + "\n")
	}
	return []byte(b.String())
}

// csvAirline creates an airline with the airports and subfleets and
// returns its id and the subfleets' ids.
func csvAirline(ctx context.Context, r *domain.Runner, icao string) (string, []string, error) {
	sys := domain.CommandMeta{Who: domain.System}
	id, _, err := (&domain.Airlines{Runner: r, IDs: domain.RandomIDs{}}).Create(ctx, sys,
		domain.CreateAirline{Name: "Import " + icao, ICAO: icao, Slug: strings.ToLower(icao) + "-import"})
	if err != nil {
		return "", nil, err
	}
	for code, c := range csvAirports {
		if _, err := (&domain.Airports{Runner: r}).Add(ctx, sys, id, domain.AirportDetails{ICAO: code, Name: code, Latitude: c.Lat, Longitude: c.Lon}); err != nil {
			return "", nil, err
		}
	}
	fleet := &domain.Fleet{Runner: r, IDs: domain.RandomIDs{}, Airports: domain.AnyAirport{}}
	var subfleets []string
	for _, s := range []domain.Subfleet{{Type: "A320-LHR", ICAO: "A320", Name: "A320", HubID: "EGLL"}, {Type: "B738-LIS", ICAO: "B738", Name: "737", HubID: "LPPT"}} {
		sid, _, err := fleet.CreateSubfleet(ctx, sys, id, s)
		if err != nil {
			return "", nil, err
		}
		subfleets = append(subfleets, sid)
	}
	return id, subfleets, nil
}

// measureCSVImport runs the rounds in one mode's store and read models.
func measureCSVImport(ctx context.Context, c config, log *slog.Logger, t *table, mode string, es domain.EventStore,
	backend projector.Backend, rm readmodel.Querier) error {
	r := &domain.Runner{Store: es, Registry: events.NewRegistry(), Clock: domain.SystemClock{}}
	proj := projector.New(es, backend, events.NewRegistry(), nil, log, projector.All()...)
	file := csvFlightsFile(c.csvFlights)
	q := reads.New(rm)
	ops := reads.Operations{Q: q}
	fleet := &domain.Fleet{Runner: r, IDs: domain.RandomIDs{}, Airports: ops}
	flights := &domain.Flights{Runner: r, Airports: ops, Subfleets: ops}
	var kind imports.Kind
	for _, k := range handlers.ImportKinds(&domain.Airports{Runner: r}, fleet, flights, q, nil) {
		if k.Name == "flights" {
			kind = k
		}
	}
	var measured, baseline []float64
	for round := range c.rounds {
		// The baseline: the same flights through domain.Flights.Add, with the
		// import's number of writers and directories that ask nothing.
		base, subfleets, err := csvAirline(ctx, r, "B"+letters(uint64(round), 2))
		if err != nil {
			return err
		}
		direct := &domain.Flights{Runner: r, Airports: domain.AirportTable(csvAirports),
			Subfleets: domain.SubfleetTable{subfleets[0]: "A320", subfleets[1]: "B738"}}
		work := make([][]int, kind.Workers)
		for i := range c.csvFlights {
			work[i%kind.Workers] = append(work[i%kind.Workers], i)
		}
		took, err := runWriters(ctx, work, func(ctx context.Context, i int) error {
			f := csvFlight(i)
			f.SubfleetIDs = subfleets
			_, _, err := direct.Add(ctx, domain.CommandMeta{Who: domain.System}, base, f)
			return err
		})
		if err != nil {
			return fmt.Errorf("baseline: %w", err)
		}
		baseline = append(baseline, float64(c.csvFlights)/took.Seconds())

		// The import, into an airline of its own whose airports and
		// subfleets the read models know.
		target, _, err := csvAirline(ctx, r, "I"+letters(uint64(round), 2))
		if err != nil {
			return err
		}
		if err := proj.CatchUp(ctx); err != nil {
			return err
		}
		jobs := imports.NewJobs(importjobs.NewLocal(imports.DefaultRetention), nil, log)
		t0 := time.Now()
		job, err := jobs.Start(ctx, kind, domain.CommandMeta{Who: domain.System}, target, "flights.csv", file, false)
		if err != nil {
			return err
		}
		jobs.Wait()
		took = time.Since(t0)
		s, err := jobs.Get(ctx, target, job.ID)
		jobs.Close()
		if err != nil {
			return err
		}
		if s.State != imports.Done || s.Created != c.csvFlights {
			return fmt.Errorf("import: %s, %d created, problems %v", s.State, s.Created, s.Problems[:min(3, len(s.Problems))])
		}
		measured = append(measured, float64(c.csvFlights)/took.Seconds())
		log.Info("csv import", "mode", mode, "round", round, "rows_per_s", int(measured[round]), "baseline_per_s", int(baseline[round]))
		if err := proj.CatchUp(ctx); err != nil { // keep the next round's projection short
			return err
		}
	}
	t.add(row{what: fmt.Sprintf("%s CSV import of a %dk-row flights file", mode, c.csvFlights/1000), unit: "rows/s",
		measured: median(measured), baseline: median(baseline), baseWhat: "domain.Flights.Add, same writers"})
	return nil
}

// benchCSVImport measures the flights import in both modes.
func benchCSVImport(ctx context.Context, c config, log *slog.Logger, t *table) error {
	st, err := openPGStore(ctx, c.adminURL, 8, log)
	if err != nil {
		return err
	}
	defer st.close()
	pool, es := st.pool, st.es
	rms := postgres.NewReadModels(pool)
	if err := measureCSVImport(ctx, c, log, t, "PostgreSQL", es, rms, rms.Reader()); err != nil {
		return fmt.Errorf("postgres: %w", err)
	}

	dir, err := os.MkdirTemp("", "albatross-bench-csv-")
	if err != nil {
		return err
	}
	defer os.RemoveAll(dir)
	sq, err := sqlite.Open(ctx, filepath.Join(dir, "events.db"), log)
	if err != nil {
		return err
	}
	defer sq.Close()
	mem := memory.New()
	if err := measureCSVImport(ctx, c, log, t, "Embedded", sq, mem, mem); err != nil {
		return fmt.Errorf("embedded: %w", err)
	}
	t.note("CSV import: a phpVMS flights file of %d rows (28 columns, two subfleets a row) into an airline with 12 airports and 2 subfleets: "+
		"the whole job from upload to done (parse, check every row against the read models, save through domain.Flights.Save with the kind's %d workers), "+
		"against the same flights added through domain.Flights.Add with as many writers and in-memory directories. Each round uses new airlines.", c.csvFlights, 4)
	return nil
}
