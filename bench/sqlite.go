package main

import (
	"context"
	"database/sql"
	"fmt"
	"log/slog"
	"os"
	"path/filepath"
	"runtime"
	"time"

	_ "modernc.org/sqlite" // the driver store/sqlite uses, for the baselines

	"github.com/albatross-va/albatross/domain/events"
	"github.com/albatross-va/albatross/store/memory"
	"github.com/albatross-va/albatross/store/notify"
	"github.com/albatross-va/albatross/store/projector"
	"github.com/albatross-va/albatross/store/sqlite"
)

// The DSNs of store/sqlite's writer and reader connections, so the
// baselines run with the same pragmas.
const (
	sqliteCommon    = "_pragma=busy_timeout(10000)&_pragma=foreign_keys(1)"
	sqliteWriterDSN = "?" + sqliteCommon + "&_pragma=journal_mode(WAL)&_pragma=synchronous(NORMAL)&_txlock=immediate"
	sqliteReaderDSN = "?" + sqliteCommon + "&_pragma=query_only(1)"
	// sqliteLoadDSN is for the untimed bulk load only.
	sqliteLoadDSN = "?" + sqliteCommon + "&_pragma=journal_mode(WAL)&_pragma=synchronous(OFF)&_txlock=immediate"

	sqliteInsertEvent = `
INSERT INTO events (stream_id, version, tenant_id, type, schema_version, data,
                    actor, command_id, correlation_id, causation_id, recorded_at)
VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)`
	sqliteInsertCommand = `
INSERT INTO event_commands (command_id, stream_id, from_version, to_version) VALUES (?, ?, ?, ?)`

	sqliteSelectEvents = `SELECT seq, stream_id, version, tenant_id, type, schema_version, data,
       actor, command_id, correlation_id, causation_id, recorded_at
FROM events ORDER BY seq`

	// sqliteLoadTx is how many events one bulk-load transaction writes.
	sqliteLoadTx = 20_000
)

// createSQLiteLog creates an empty event log file with the store's schema,
// by opening it with the store itself.
func createSQLiteLog(ctx context.Context, path string) error {
	es, err := sqlite.Open(ctx, path, nil)
	if err != nil {
		return err
	}
	return es.Close()
}

func openSQLite(ctx context.Context, path, dsn string, conns int) (*sql.DB, error) {
	db, err := sql.Open("sqlite", path+dsn)
	if err != nil {
		return nil, err
	}
	db.SetMaxOpenConns(conns)
	db.SetMaxIdleConns(conns)
	if err := db.PingContext(ctx); err != nil {
		_ = db.Close()
		return nil, err
	}
	return db, nil
}

// benchSQLiteAppend compares the embedded store's Append with a raw
// database/sql loop of the same two-row transactions, each case on a fresh
// file, over several rounds in alternating order.
func benchSQLiteAppend(ctx context.Context, c config, log *slog.Logger, t *table) error {
	dir, err := os.MkdirTemp("", "albatross-bench-sqlite-")
	if err != nil {
		return err
	}
	defer os.RemoveAll(dir)
	g := newGen(events.NewRegistry())
	files := 0
	fresh := func() string {
		files++
		return filepath.Join(dir, fmt.Sprintf("log-%d.db", files))
	}
	removeDB := func(path string) {
		for _, suffix := range []string{"", "-wal", "-shm"} {
			_ = os.Remove(path + suffix)
		}
	}

	storeCase := func(ctx context.Context, work [][]eventRow) (time.Duration, error) {
		path := fresh()
		defer removeDB(path)
		es, err := sqlite.Open(ctx, path, log)
		if err != nil {
			return 0, err
		}
		defer es.Close()
		return runWriters(ctx, work, func(ctx context.Context, r eventRow) error {
			res, err := es.Append(ctx, r.request())
			if err != nil {
				return err
			}
			if res.Duplicate || res.ToVersion != r.version {
				return fmt.Errorf("append to %s: got version %d, want %d", r.streamID, res.ToVersion, r.version)
			}
			return nil
		})
	}
	rawCase := func(ctx context.Context, work [][]eventRow) (time.Duration, error) {
		path := fresh()
		defer removeDB(path)
		if err := createSQLiteLog(ctx, path); err != nil {
			return 0, err
		}
		db, err := openSQLite(ctx, path, sqliteWriterDSN, 1)
		if err != nil {
			return 0, err
		}
		defer db.Close()
		return runWriters(ctx, work, func(ctx context.Context, r eventRow) error {
			tx, err := db.BeginTx(ctx, nil)
			if err != nil {
				return err
			}
			defer func() { _ = tx.Rollback() }()
			m := r.meta
			if _, err := tx.ExecContext(ctx, sqliteInsertEvent, r.streamID, r.version, r.tenantID, r.typ, r.schema, r.data,
				m.Actor, m.CommandID, m.CorrelationID, m.CausationID, m.RecordedAt.UnixMicro()); err != nil {
				return err
			}
			if _, err := tx.ExecContext(ctx, sqliteInsertCommand, m.CommandID, r.streamID, r.version, r.version); err != nil {
				return err
			}
			return tx.Commit()
		})
	}
	cases := []appendCase{{"event store", storeCase}, {"raw database/sql", rawCase}}
	rates, err := g.measureAppends(ctx, log, "sqlite append", c.rounds, c.sqlAppends, c.sqlWriters, cases)
	if err != nil {
		return err
	}
	for _, w := range c.sqlWriters {
		t.add(row{
			what:     fmt.Sprintf("SQLite Append, %d writer(s)", w),
			unit:     "events/s",
			measured: median(rates[[2]int{w, 0}]),
			baseline: median(rates[[2]int{w, 1}]),
			baseWhat: "database/sql BEGIN IMMEDIATE; 2 INSERTs; COMMIT",
		})
	}
	t.note("SQLite Append: %d one-event appends per case and round, rows as for PostgreSQL, each case on a fresh file; "+
		"the baseline inserts the same rows into a file with the store's schema, with the store writer's pragmas "+
		"(WAL, synchronous=NORMAL) and one connection.", c.sqlAppends)
	return nil
}

// benchSQLiteReplay bulk-loads c.replayCount events into a SQLite log and
// times what `albatross serve` does at start in embedded mode, against a raw
// scan of the events table with protobuf decoding only.
func benchSQLiteReplay(ctx context.Context, c config, log *slog.Logger, t *table) error {
	dir, err := os.MkdirTemp("", "albatross-bench-replay-")
	if err != nil {
		return err
	}
	defer os.RemoveAll(dir)
	path := filepath.Join(dir, "events.db")
	reg := events.NewRegistry()
	g := newGen(reg)

	t0 := time.Now()
	if err := bulkLoadSQLite(ctx, path, g, c.replayCount); err != nil {
		return fmt.Errorf("bulk load: %w", err)
	}
	st, err := os.Stat(path)
	if err != nil {
		return err
	}
	log.Info("sqlite replay: log written", "events", c.replayCount, "bytes", st.Size(), "took", time.Since(t0).Round(time.Millisecond))

	var (
		startup, catchUp, raw []float64 // seconds
		heapNow, heapLive     []float64 // MiB
		heapBefore            uint64
		fromSnap, snapLive    []float64 // the start from a snapshot: seconds, MiB
		snapWrite             []float64 // seconds
		snapBytes             int64
		cpuFull, cpuSnap      []float64 // CPU seconds of the two starts
		cpuRaw                []float64
	)
	snapPath := filepath.Join(dir, memory.SnapshotFile)
	for round := range c.rounds {
		order := []int{0, 1, 2}
		if round%2 == 1 {
			order = []int{1, 0, 2}
		}
		for _, k := range order {
			runtime.GC()
			if k == 2 {
				// What serve does at start with the snapshot its last
				// shutdown wrote (cmd/albatross: loadSnapshot, then CatchUp,
				// which finds nothing after the snapshot's checkpoints).
				start, cpu0 := time.Now(), cpuSeconds()
				es, err := sqlite.Open(ctx, path, log)
				if err != nil {
					return err
				}
				head, err := es.Head(ctx)
				if err != nil {
					return err
				}
				mem, _, err := memory.LoadSnapshot(snapPath, head)
				if err != nil {
					return fmt.Errorf("load snapshot: %w", err)
				}
				local := notify.NewLocal()
				p := projector.New(es, mem, reg, local, log, projector.All()...)
				if err := p.CatchUp(ctx); err != nil {
					return fmt.Errorf("catch up after the snapshot: %w", err)
				}
				d := time.Since(start)
				cpuSnap = append(cpuSnap, cpuSeconds()-cpu0)
				runtime.GC()
				var ms runtime.MemStats
				runtime.ReadMemStats(&ms)
				snapLive = append(snapLive, float64(ms.HeapAlloc)/(1<<20))
				fromSnap = append(fromSnap, d.Seconds())
				list, err := mem.ListAirlines(ctx)
				if err != nil {
					return err
				}
				if len(list) != c.replayCount {
					return fmt.Errorf("the start from the snapshot has %d airlines, want %d", len(list), c.replayCount)
				}
				list = nil
				_ = local.Close()
				if err := es.Close(); err != nil {
					return err
				}
				log.Info("sqlite replay", "round", round+1, "kind", "embedded start from a snapshot", "events", c.replayCount,
					"took", d.Round(time.Millisecond), "heap_live_mib", int(snapLive[len(snapLive)-1]))
				runtime.KeepAlive(mem)
				continue
			}
			if k == 1 {
				start, cpu0 := time.Now(), cpuSeconds()
				n, err := rawScanDecode(ctx, path, reg)
				if err != nil {
					return fmt.Errorf("raw scan: %w", err)
				}
				d := time.Since(start)
				if n != c.replayCount {
					return fmt.Errorf("raw scan read %d events, want %d", n, c.replayCount)
				}
				raw = append(raw, d.Seconds())
				cpuRaw = append(cpuRaw, cpuSeconds()-cpu0)
				log.Info("sqlite replay", "round", round+1, "kind", "raw scan+decode", "events", n,
					"took", d.Round(time.Millisecond), "events_per_s", int(float64(n)/d.Seconds()))
				continue
			}
			var ms runtime.MemStats
			runtime.ReadMemStats(&ms)
			heapBefore = ms.HeapAlloc

			// What serve does at start in embedded mode (cmd/albatross:
			// openBackend, then CatchUp).
			start, cpu0 := time.Now(), cpuSeconds()
			es, err := sqlite.Open(ctx, path, log)
			if err != nil {
				return err
			}
			mem := memory.New()
			local := notify.NewLocal()
			p := projector.New(es, mem, reg, local, log, projector.All()...)
			opened := time.Now()
			if err := p.CatchUp(ctx); err != nil {
				return fmt.Errorf("catch up: %w", err)
			}
			end := time.Now()
			cpuFull = append(cpuFull, cpuSeconds()-cpu0)

			runtime.ReadMemStats(&ms)
			heapNow = append(heapNow, float64(ms.HeapAlloc)/(1<<20))
			runtime.GC()
			runtime.ReadMemStats(&ms)
			heapLive = append(heapLive, float64(ms.HeapAlloc)/(1<<20))

			list, err := mem.ListAirlines(ctx)
			if err != nil {
				return err
			}
			if len(list) != c.replayCount {
				return fmt.Errorf("replay built %d airlines, want %d", len(list), c.replayCount)
			}
			list = nil
			_ = local.Close()
			if err := es.Close(); err != nil {
				return err
			}
			startup = append(startup, end.Sub(start).Seconds())
			catchUp = append(catchUp, end.Sub(opened).Seconds())
			// The snapshot a shutdown after this start would write (serve
			// writes it at shutdown and in the background).
			ws := time.Now()
			snap, err := mem.WriteSnapshot(ctx, snapPath, p.Names())
			if err != nil {
				return fmt.Errorf("write snapshot: %w", err)
			}
			snapWrite = append(snapWrite, time.Since(ws).Seconds())
			snapBytes = snap.Bytes
			log.Info("sqlite replay", "round", round+1, "kind", "embedded start", "events", c.replayCount,
				"open", opened.Sub(start).Round(time.Millisecond), "catch_up", end.Sub(opened).Round(time.Millisecond),
				"events_per_s", int(float64(c.replayCount)/end.Sub(opened).Seconds()),
				"heap_live_mib", int(heapLive[len(heapLive)-1]))
			runtime.KeepAlive(mem)
		}
	}
	n := float64(c.replayCount)
	label := fmt.Sprintf("%dk", c.replayCount/1000)
	if c.replayCount >= 1_000_000 && c.replayCount%1_000_000 == 0 {
		label = fmt.Sprintf("%dM", c.replayCount/1_000_000)
	}
	t.add(row{what: "SQLite replay at start (CatchUp into memory.New), " + label + " events", unit: "events/s",
		measured: n / median(catchUp), baseline: n / median(raw), baseWhat: "raw SELECT of events + proto decode"})
	t.add(row{what: "Embedded start (sqlite.Open+memory.New+projector.New+CatchUp), " + label + " events", unit: "s",
		measured: median(startup), baseline: median(raw), baseWhat: "raw SELECT of events + proto decode"})
	t.add(row{what: "Heap after replay of " + label + " events (HeapAlloc, before GC)", unit: "MiB", measured: median(heapNow)})
	t.add(row{what: "Heap after replay of " + label + " events (HeapAlloc, after GC: live)", unit: "MiB", measured: median(heapLive)})
	t.add(row{what: "Embedded start from a snapshot, " + label + " events", unit: "s",
		measured: median(fromSnap), baseline: median(raw), baseWhat: "raw SELECT of events + proto decode"})
	t.add(row{what: "Heap after a start from a snapshot of " + label + " events (HeapAlloc, after GC: live)", unit: "MiB", measured: median(snapLive)})
	t.add(row{what: "Snapshot write of the read models after " + label + " events", unit: "s", measured: median(snapWrite)})
	if median(cpuRaw) > 0 {
		t.add(row{what: "Embedded start, " + label + " events (CPU time, user+sys)", unit: "s",
			measured: median(cpuFull), baseline: median(cpuRaw), baseWhat: "CPU time of the raw SELECT + proto decode"})
		t.add(row{what: "Embedded start from a snapshot, " + label + " events (CPU time, user+sys)", unit: "s",
			measured: median(cpuSnap), baseline: median(cpuRaw), baseWhat: "CPU time of the raw SELECT + proto decode"})
	}
	t.note("SQLite replay: %d AirlineCreated events (one-event streams, unique slugs, with event_commands rows, no unique claims) "+
		"bulk-loaded directly into a file with the store's schema (created by sqlite.Open) with plain INSERTs, %d per "+
		"transaction, not through Append; file %.0f MiB, in the OS page cache. Start = sqlite.Open + memory.New + "+
		"projector.New + CatchUp (batch %d), as serve does; the replay rate counts CatchUp alone. HeapAlloc before the "+
		"start, after GC: %.1f MiB. Start from a snapshot = sqlite.Open + Head + memory.LoadSnapshot (the "+
		"snapshot written after the full start, %.0f MiB, in the OS page cache) + projector.New + CatchUp (nothing after it), as serve "+
		"does after a clean shutdown; the snapshot write (memory.WriteSnapshot: encode under the read lock, temp file, fsync, "+
		"rename) is timed after each full start.", c.replayCount, sqliteLoadTx, float64(st.Size())/(1<<20), projector.DefaultBatchSize,
		float64(heapBefore)/(1<<20), float64(snapBytes)/(1<<20))
	return nil
}

// bulkLoadSQLite writes n one-event airline streams into a new log file.
func bulkLoadSQLite(ctx context.Context, path string, g *gen, n int) error {
	if err := createSQLiteLog(ctx, path); err != nil {
		return err
	}
	db, err := openSQLite(ctx, path, sqliteLoadDSN, 1)
	if err != nil {
		return err
	}
	defer db.Close()
	for done := 0; done < n; {
		size := min(sqliteLoadTx, n-done)
		err := func() error {
			tx, err := db.BeginTx(ctx, nil)
			if err != nil {
				return err
			}
			defer func() { _ = tx.Rollback() }()
			insEvent, err := tx.PrepareContext(ctx, sqliteInsertEvent)
			if err != nil {
				return err
			}
			defer insEvent.Close()
			insCmd, err := tx.PrepareContext(ctx, sqliteInsertCommand)
			if err != nil {
				return err
			}
			defer insCmd.Close()
			for range size {
				r, err := g.newRow(g.id(), 1)
				if err != nil {
					return err
				}
				m := r.meta
				if _, err := insEvent.ExecContext(ctx, r.streamID, r.version, r.tenantID, r.typ, r.schema, r.data,
					m.Actor, m.CommandID, m.CorrelationID, m.CausationID, m.RecordedAt.UnixMicro()); err != nil {
					return err
				}
				if _, err := insCmd.ExecContext(ctx, m.CommandID, r.streamID, r.version, r.version); err != nil {
					return err
				}
			}
			return tx.Commit()
		}()
		if err != nil {
			return err
		}
		done += size
	}
	_, err = db.ExecContext(ctx, "PRAGMA wal_checkpoint(TRUNCATE)")
	return err
}

// rawScanDecode is the replay baseline: one query over the whole log,
// scanning the columns ReadAll scans and decoding each payload, nothing else.
func rawScanDecode(ctx context.Context, path string, reg *events.Registry) (int, error) {
	db, err := openSQLite(ctx, path, sqliteReaderDSN, 1)
	if err != nil {
		return 0, err
	}
	defer db.Close()
	rows, err := db.QueryContext(ctx, sqliteSelectEvents)
	if err != nil {
		return 0, err
	}
	defer rows.Close()
	n := 0
	for rows.Next() {
		var (
			seq, version, at                                        int64
			schema                                                  int32
			stream, tenant, typ, actor, cmd, correlation, causation string
			data                                                    []byte
		)
		if err := rows.Scan(&seq, &stream, &version, &tenant, &typ, &schema, &data,
			&actor, &cmd, &correlation, &causation, &at); err != nil {
			return n, err
		}
		if _, err := reg.Decode(typ, data); err != nil {
			return n, err
		}
		n++
	}
	return n, rows.Err()
}
