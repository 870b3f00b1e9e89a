package main

import (
	"context"
	"crypto/rand"
	"database/sql"
	"encoding/hex"
	"fmt"
	"log/slog"
	"os"
	"path/filepath"
	"regexp"
	"strings"
	"time"

	"github.com/go-sql-driver/mysql"

	"github.com/albatross-va/albatross/domain"
	"github.com/albatross-va/albatross/domain/events"
	"github.com/albatross-va/albatross/domain/imports/phpvmsdb"
	phpvmsstore "github.com/albatross-va/albatross/store/phpvmsdb"
	"github.com/albatross-va/albatross/store/phpvmsdb/phpvmstest"
	"github.com/albatross-va/albatross/store/sqlite"
)

// The database import of `albatross import phpvms`: a generated phpVMS 7
// database in MariaDB (one airline, c.phpvmsPilots pilots and
// c.phpvmsPireps PIREPs) read and imported in-process as the command does
// (phpvmsstore.Read, then phpvmsdb.Importer.Run on a fresh store), against
// appending the very events the import appended, read back from its log,
// straight into another fresh store in the same streams and batches.

const phpvmsBcrypt = "$2y$10$92IXUNpkjO0rOQ5byMi.Ye4oKoEa3Ro9llC/.og/at2.uheWG/igi"

// phpvmsMySQL connects to the MariaDB server (db empty: no database).
func phpvmsMySQL(db string) (*sql.DB, error) {
	cfg := mysql.NewConfig()
	cfg.User, cfg.Net, cfg.Addr, cfg.DBName, cfg.MultiStatements = "root", "tcp", "127.0.0.1:3306", db, true
	if a := os.Getenv("ALBATROSS_TEST_MYSQL_ADDR"); a != "" {
		cfg.Addr = a
	}
	return sql.Open("mysql", cfg.FormatDSN())
}

var createTable = regexp.MustCompile(`(?s)CREATE TABLE .*?\n\)[^;\n]*;`)

// phpvmsGenerate creates albatross_bench_phpvms_<random> with the
// fixture's tables and fills it in multi-row INSERTs; drop drops it.
func phpvmsGenerate(ctx context.Context, pilots, pireps int, log *slog.Logger) (url string, drop func(), err error) {
	admin, err := phpvmsMySQL("")
	if err != nil {
		return "", nil, err
	}
	if err := admin.PingContext(ctx); err != nil {
		admin.Close()
		return "", nil, fmt.Errorf("connect to MariaDB at 127.0.0.1:3306 (is it running?): %w", err)
	}
	var b [6]byte
	_, _ = rand.Read(b[:])
	name := "albatross_bench_phpvms_" + hex.EncodeToString(b[:])
	if _, err := admin.ExecContext(ctx, "CREATE DATABASE "+name+" CHARACTER SET utf8mb4 COLLATE utf8mb4_unicode_ci"); err != nil {
		admin.Close()
		return "", nil, err
	}
	dropDB := func() {
		_, _ = admin.ExecContext(context.WithoutCancel(ctx), "DROP DATABASE IF EXISTS "+name)
		admin.Close()
	}
	defer func() {
		if err != nil {
			dropDB()
		}
	}()
	fixture, err := os.ReadFile(phpvmstest.Fixture())
	if err != nil {
		return "", nil, err
	}
	db, err := phpvmsMySQL(name)
	if err != nil {
		return "", nil, err
	}
	defer db.Close()
	db.SetMaxOpenConns(1)
	tables := createTable.FindAll(fixture, -1)
	if len(tables) == 0 {
		return "", nil, fmt.Errorf("no CREATE TABLE in %s", phpvmstest.Fixture())
	}
	for _, t := range tables {
		if _, err := db.ExecContext(ctx, string(t)); err != nil {
			return "", nil, fmt.Errorf("schema: %w", err)
		}
	}
	t0 := time.Now()
	fixed := []string{
		"INSERT INTO settings (id, `key`, name, value, `default`, `group`, type) VALUES ('pilots_id_length', 'pilots.id_length', 'Pilot ID Length', '4', '4', 'pilots', 'int'), ('pilots_id_code', 'pilots.id_code', 'Pilot ID Code', '', '', 'pilots', 'text')",
		"INSERT INTO airlines (id, icao, iata, name, callsign, country, active) VALUES (1, 'BNC', 'BN', 'Bench Air', 'BENCH', 'US', 1)",
		`INSERT INTO airports (id, icao, iata, name, location, country, timezone, hub, lat, lon, elevation, deleted_at) VALUES
 ('KAUS', 'KAUS', 'AUS', 'Austin-Bergstrom International', 'Austin', 'US', 'America/Chicago', 1, 30.19453, -97.66987, 542, NULL),
 ('KJFK', 'KJFK', 'JFK', 'John F. Kennedy International', 'New York', 'US', 'America/New_York', 0, 40.63975, -73.77893, 13, NULL),
 ('KDFW', 'KDFW', 'DFW', 'Dallas/Fort Worth International', 'Dallas', 'US', 'America/Chicago', 0, 32.89680, -97.03800, 607, NULL)`,
		`INSERT INTO ranks (id, name, hours, acars_base_pay_rate, manual_base_pay_rate, auto_approve_acars, auto_approve_manual, auto_promote, created_at) VALUES
 (1, 'New Pilot', 0, 50, 25, 0, 0, 1, '2020-01-01 00:00:00'), (2, 'Captain', 100, 60, 30, 1, 0, 0, '2020-01-01 00:00:00')`,
		`INSERT INTO subfleets (id, airline_id, hub_id, type, simbrief_type, name, fuel_type, created_at, deleted_at) VALUES
 (1, 1, 'KAUS', 'B738-BNC', 'B738', 'Boeing 737-800', 1, '2020-01-02 00:00:00', NULL)`,
		`INSERT INTO aircraft (id, subfleet_id, icao, airport_id, hub_id, name, registration, flight_time, status, created_at, deleted_at) VALUES
 (1, 1, 'B738', 'KAUS', 'KAUS', 'Boeing 737-800 N738BN', 'N738BN', 0, 'A', '2020-01-03 00:00:00', NULL),
 (2, 1, 'B738', 'KAUS', 'KAUS', 'Boeing 737-800 N739BN', 'N739BN', 0, 'A', '2020-01-03 00:00:00', NULL)`,
	}
	for _, s := range fixed {
		if _, err := db.ExecContext(ctx, s); err != nil {
			return "", nil, fmt.Errorf("generate: %w", err)
		}
	}
	airports := []string{"KAUS", "KJFK", "KDFW"}
	base := time.Date(2021, 1, 1, 0, 0, 0, 0, time.UTC)
	ts := func(t time.Time) string { return "'" + t.Format("2006-01-02 15:04:05") + "'" }
	// Each pilot's flights and minutes, as phpVMS keeps them on users.
	flights, minutes := make([]int, pilots), make([]int, pilots)
	pirepState := func(i int) int {
		switch i % 20 {
		case 18:
			return 1 // pending
		case 19:
			return 6 // rejected
		}
		return 2 // accepted
	}
	for i := range pireps {
		if pirepState(i) == 2 {
			flights[i%pilots]++
			minutes[i%pilots] += 60 + i%240
		}
	}
	insert := func(head string, n int, value func(i int) string) error {
		const batch = 1000
		var sb strings.Builder
		for from := 0; from < n; from += batch {
			sb.Reset()
			sb.WriteString(head)
			for i := from; i < min(n, from+batch); i++ {
				if i > from {
					sb.WriteString(",\n")
				}
				sb.WriteString(value(i))
			}
			if _, err := db.ExecContext(ctx, sb.String()); err != nil {
				return err
			}
		}
		return nil
	}
	err = insert("INSERT INTO users (id, pilot_id, name, email, password, api_key, airline_id, rank_id, country, home_airport_id, curr_airport_id, flights, flight_time, transfer_time, state, created_at, deleted_at) VALUES\n",
		pilots, func(i int) string {
			return fmt.Sprintf("(%d, %d, 'Pilot %d', 'pilot%d@example.com', '%s', '%020x', 1, %d, 'US', 'KAUS', '%s', %d, %d, 0, 1, %s, NULL)",
				i+1, i+1, i+1, i+1, phpvmsBcrypt, i+1, 1+i%2, airports[i%3], flights[i], minutes[i], ts(base.Add(time.Duration(i)*time.Minute)))
		})
	if err != nil {
		return "", nil, fmt.Errorf("generate users: %w", err)
	}
	err = insert("INSERT INTO pireps (id, user_id, airline_id, aircraft_id, flight_id, flight_number, flight_type, dpt_airport_id, arr_airport_id, level, distance, flight_time, fuel_used, landing_rate, source, source_name, state, status, submitted_at, block_off_time, block_on_time, created_at, updated_at, deleted_at) VALUES\n",
		pireps, func(i int) string {
			ft := 60 + i%240
			off := base.Add(24*time.Hour + time.Duration(i)*5*time.Minute)
			on := off.Add(time.Duration(ft) * time.Minute)
			dpt, arr := airports[i%3], airports[(i+1)%3]
			return fmt.Sprintf("('P%015d', %d, 1, %d, NULL, '%d', 'J', '%s', '%s', 350, %d, %d, %d, %d, %d, %s, %d, 'ARR', %s, %s, %s, %s, %s, NULL)",
				i, i%pilots+1, 1+i%2, 100+i%900, dpt, arr, 100+i%1500, ft, 2000+i%9000, -100-i%400, i%2, map[bool]string{true: "'vmsACARS'", false: "NULL"}[i%2 == 1],
				pirepState(i), ts(on.Add(5*time.Minute)), ts(off), ts(on), ts(off.Add(-10*time.Minute)), ts(on.Add(time.Hour)))
		})
	if err != nil {
		return "", nil, fmt.Errorf("generate pireps: %w", err)
	}
	log.Info("phpvms database generated", "name", name, "pilots", pilots, "pireps", pireps, "took", time.Since(t0).Round(time.Millisecond))
	return phpvmstest.ServerURL() + "/" + name, dropDB, nil
}

// phpvmsStore is a fresh event store of one mode.
type phpvmsStore struct {
	es    domain.EventStore
	close func()
}

// measurePhpvmsImport imports the database into one fresh store and
// appends its events into another, and returns the rows read, the
// events appended and both durations.
func measurePhpvmsImport(ctx context.Context, from string, open func() (phpvmsStore, error), log *slog.Logger) (rows, evs int, imp, base time.Duration, err error) {
	st, err := open()
	if err != nil {
		return 0, 0, 0, 0, err
	}
	defer st.close()
	reg := events.NewRegistry()
	clock := &phpvmsdb.Clock{}
	runner := &domain.Runner{Store: st.es, Registry: reg, Clock: clock}
	// The airline, created as the command creates a new one (untimed).
	tenant, _, err := (&domain.Airlines{Runner: &domain.Runner{Store: st.es, Registry: reg, Clock: domain.SystemClock{}}, IDs: domain.RandomIDs{}}).Create(ctx,
		domain.CommandMeta{ID: domain.NewUUID(), Who: domain.System, Actor: phpvmsdb.Actor}, domain.CreateAirline{Name: "Bench Air", ICAO: "BNC", IATA: "BN", Slug: "bnc"})
	if err != nil {
		return 0, 0, 0, 0, err
	}
	before, err := st.es.Head(ctx)
	if err != nil {
		return 0, 0, 0, 0, err
	}

	t0 := time.Now()
	db, source, err := phpvmsstore.Open(ctx, from)
	if err != nil {
		return 0, 0, 0, 0, err
	}
	defer db.Close()
	data, err := phpvmsstore.Read(ctx, db, "")
	if err != nil {
		return 0, 0, 0, 0, err
	}
	read := time.Since(t0)
	im := &phpvmsdb.Importer{Runner: runner, Clock: clock, Source: source,
		Airline: func(context.Context, phpvmsdb.Airline, bool) (phpvmsdb.Target, bool, error) {
			return phpvmsdb.Target{TenantID: tenant, PilotIDPrefix: "BNC"}, true, nil
		}}
	rep, err := im.Run(ctx, data, "BNC")
	if err != nil {
		return 0, 0, 0, 0, err
	}
	imp = time.Since(t0)
	for _, c := range rep.Counts {
		rows += c.Read
	}
	if len(rep.Problems) > 0 {
		log.Info("phpvms import problems", "count", len(rep.Problems), "first", rep.Problems[0])
	}

	// The baseline: the import's events, in its appends, into a fresh store.
	var recs []domain.RecordedEvent
	for pos := before; ; {
		page, err := st.es.ReadAll(ctx, pos, 10_000)
		if err != nil {
			return 0, 0, 0, 0, err
		}
		if len(page) == 0 {
			break
		}
		recs = append(recs, page...)
		pos = page[len(page)-1].Position
	}
	var reqs []domain.AppendRequest
	for _, r := range recs {
		if n := len(reqs); n > 0 && reqs[n-1].StreamID == r.StreamID && reqs[n-1].Meta.CommandID == r.Meta.CommandID {
			reqs[n-1].Events = append(reqs[n-1].Events, domain.NewEvent{Type: r.Type, SchemaVersion: r.SchemaVersion, Data: r.Data})
			continue
		}
		reqs = append(reqs, domain.AppendRequest{StreamID: r.StreamID, TenantID: r.TenantID, Expected: domain.AnyVersion, Meta: r.Meta,
			Events: []domain.NewEvent{{Type: r.Type, SchemaVersion: r.SchemaVersion, Data: r.Data}}})
	}
	other, err := open()
	if err != nil {
		return 0, 0, 0, 0, err
	}
	defer other.close()
	t1 := time.Now()
	for _, req := range reqs {
		if _, err := other.es.Append(ctx, req); err != nil {
			return 0, 0, 0, 0, fmt.Errorf("baseline append: %w", err)
		}
	}
	base = time.Since(t1)
	log.Info("phpvms import", "rows", rows, "events", len(recs), "appends", len(reqs), "import_appends", rep.Appended,
		"read", read.Round(time.Millisecond), "import", imp.Round(time.Millisecond), "baseline", base.Round(time.Millisecond))
	return rows, len(recs), imp, base, nil
}

// benchPhpvmsImport measures the phpVMS database import in both modes.
func benchPhpvmsImport(ctx context.Context, c config, log *slog.Logger, t *table) error {
	from, drop, err := phpvmsGenerate(ctx, c.phpvmsPilots, c.phpvmsPireps, log)
	if err != nil {
		return err
	}
	defer drop()
	modes := []struct {
		name string
		open func() (phpvmsStore, error)
	}{
		{"Embedded", func() (phpvmsStore, error) {
			dir, err := os.MkdirTemp("", "albatross-bench-phpvms-")
			if err != nil {
				return phpvmsStore{}, err
			}
			sq, err := sqlite.Open(ctx, filepath.Join(dir, "events.db"), log)
			if err != nil {
				os.RemoveAll(dir)
				return phpvmsStore{}, err
			}
			return phpvmsStore{es: sq, close: func() { sq.Close(); os.RemoveAll(dir) }}, nil
		}},
		{"PostgreSQL", func() (phpvmsStore, error) {
			st, err := openPGStore(ctx, c.adminURL, 8, log)
			if err != nil {
				return phpvmsStore{}, err
			}
			return phpvmsStore{es: st.es, close: st.close}, nil
		}},
	}
	var evs int
	for _, m := range modes {
		var measured, baseline []float64
		var rows int
		for round := range c.rounds {
			r, e, imp, base, err := measurePhpvmsImport(ctx, from, m.open, log)
			if err != nil {
				return fmt.Errorf("%s: %w", m.name, err)
			}
			rows, evs = r, e
			measured = append(measured, float64(rows)/imp.Seconds())
			baseline = append(baseline, float64(rows)/base.Seconds())
			log.Info("phpvms import round", "mode", m.name, "round", round, "rows_per_s", int(measured[round]), "baseline_rows_per_s", int(baseline[round]),
				"events_per_s", int(float64(e)/base.Seconds()))
		}
		t.add(row{what: fmt.Sprintf("%s phpVMS DB import, %d pilots %dk PIREPs (%d rows)", m.name, c.phpvmsPilots, c.phpvmsPireps/1000, rows), unit: "rows/s",
			measured: median(measured), baseline: median(baseline), baseWhat: "its events appended directly"})
	}
	t.note("phpVMS DB import: a generated phpVMS 7.0.10 database in MariaDB (the fixture's tables; one airline, 3 airports, 1 subfleet, 2 aircraft, "+
		"%d pilots with bcrypt passwords and API keys, %d PIREPs: 90%% accepted, 5%% pending, 5%% rejected), read with store/phpvmsdb and imported by "+
		"phpvmsdb.Importer.Run into a fresh store as `albatross import phpvms` does (timed from opening the MariaDB connection to the last append; "+
		"read models are not caught up). Rows are every phpVMS row the import read. Baseline: the %d events the import appended, read back from its log "+
		"and appended into another fresh store of the same mode in the same streams and batches (one append per stream and command id, any version, "+
		"without the import's unique claims), reported as the same rows over its time. Embedded: SQLite log; PostgreSQL: a new database.",
		c.phpvmsPilots, c.phpvmsPireps, evs)
	return nil
}
