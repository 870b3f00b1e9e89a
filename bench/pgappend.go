package main

import (
	"context"
	"fmt"
	"log/slog"
	"slices"
	"time"

	"github.com/jackc/pgx/v5/pgxpool"

	"github.com/albatross-va/albatross/domain/events"
	"github.com/albatross-va/albatross/store/postgres"
)

// The baseline tables are copies of the event store's (columns, defaults,
// identity, primary key, unique constraint, index), without its triggers,
// which only fire on UPDATE, DELETE and TRUNCATE.
const (
	createBaselineTables1 = `CREATE TABLE bench_events (LIKE events INCLUDING ALL)`
	createBaselineTables2 = `CREATE TABLE bench_event_commands (LIKE event_commands INCLUDING ALL)`

	insertBaselineEvent = `
INSERT INTO bench_events (stream_id, version, tenant_id, type, schema_version, data,
                          actor, command_id, correlation_id, causation_id, recorded_at)
VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9, $10, $11)`
	insertBaselineCommand = `
INSERT INTO bench_event_commands (command_id, stream_id, from_version, to_version)
VALUES ($1, $2, $3, $4)`
)

// benchPGAppend compares the event store's Append with raw two-row insert
// transactions, case by case (writer counts), over several rounds in
// alternating order, and reports the medians.
func benchPGAppend(ctx context.Context, c config, log *slog.Logger, t *table) error {
	maxWriters := slices.Max(c.pgWriters)
	st, err := openPGStore(ctx, c.adminURL, maxWriters+2, log)
	if err != nil {
		return err
	}
	defer st.close()
	pool, es := st.pool, st.es
	for _, q := range []string{createBaselineTables1, createBaselineTables2} {
		if _, err := pool.Exec(ctx, q); err != nil {
			return fmt.Errorf("create baseline tables: %w", err)
		}
	}
	var syncCommit string
	if err := pool.QueryRow(ctx, "SHOW synchronous_commit").Scan(&syncCommit); err != nil {
		return err
	}

	g := newGen(events.NewRegistry())
	storeAppend := func(ctx context.Context, r eventRow) error {
		res, err := es.Append(ctx, r.request())
		if err != nil {
			return err
		}
		if res.Duplicate || res.ToVersion != r.version {
			return fmt.Errorf("append to %s: got version %d (duplicate %v), want %d", r.streamID, res.ToVersion, res.Duplicate, r.version)
		}
		return nil
	}
	rawAppend := func(ctx context.Context, r eventRow) error { return rawTwoRowInsert(ctx, pool, r, false) }
	rawNotify := func(ctx context.Context, r eventRow) error { return rawTwoRowInsert(ctx, pool, r, true) }
	cases := []appendCase{}
	for _, k := range []struct {
		name string
		do   func(context.Context, eventRow) error
	}{{"event store", storeAppend}, {"raw pgx", rawAppend}, {"raw pgx + pg_notify", rawNotify}} {
		cases = append(cases, appendCase{name: k.name, do: func(ctx context.Context, work [][]eventRow) (time.Duration, error) {
			return runWriters(ctx, work, k.do)
		}})
	}

	// Warm up: open every connection and prepare the statements.
	for _, k := range cases {
		work, err := g.appendWork(20*maxWriters, maxWriters)
		if err != nil {
			return err
		}
		if _, err := k.do(ctx, work); err != nil {
			return fmt.Errorf("warm up %s: %w", k.name, err)
		}
	}

	rates, err := g.measureAppends(ctx, log, "pg append", c.rounds, c.pgAppends, c.pgWriters, cases)
	if err != nil {
		return err
	}
	for _, w := range c.pgWriters {
		t.add(row{
			what:     fmt.Sprintf("PostgreSQL Append, %d writer(s)", w),
			unit:     "events/s",
			measured: median(rates[[2]int{w, 0}]),
			baseline: median(rates[[2]int{w, 1}]),
			baseWhat: "pgx BEGIN; INSERT event; INSERT command; COMMIT",
		})
		t.add(row{
			what:     fmt.Sprintf("PostgreSQL Append, %d writer(s)", w),
			unit:     "events/s",
			measured: median(rates[[2]int{w, 0}]),
			baseline: median(rates[[2]int{w, 2}]),
			baseWhat: "the same + SELECT pg_notify (informative)",
		})
	}
	sample, err := g.newRow(g.id(), 1)
	if err != nil {
		return err
	}
	t.note("PostgreSQL Append: %d one-event appends per case and round (AirlineCreated, %d-byte protobuf payload, command id, "+
		"actor/correlation/causation metadata, exact expected version; each writer cycles over %d streams of its own; no unique claims). "+
		"The baseline inserts the same rows into copies of events and event_commands (LIKE ... INCLUDING ALL) with the same pool. "+
		"The informative baseline adds a pg_notify to every transaction, as the store did before it moved NOTIFY after the commit (at most one per 10 ms). synchronous_commit=%s.", c.pgAppends, len(sample.data), streamsPerWriter, syncCommit)
	return nil
}

// rawTwoRowInsert is the baseline append: the same two rows the store
// writes, in one transaction, through pgx with nothing else.
// With notify it also sends a pg_notify in the transaction, whose commit-time queue
// lock serializes committing transactions.
func rawTwoRowInsert(ctx context.Context, pool *pgxpool.Pool, r eventRow, notify bool) error {
	tx, err := pool.Begin(ctx)
	if err != nil {
		return err
	}
	defer func() { _ = tx.Rollback(context.WithoutCancel(ctx)) }()
	m := r.meta
	if _, err := tx.Exec(ctx, insertBaselineEvent, r.streamID, r.version, r.tenantID, r.typ, r.schema, r.data,
		m.Actor, m.CommandID, m.CorrelationID, m.CausationID, m.RecordedAt); err != nil {
		return err
	}
	if _, err := tx.Exec(ctx, insertBaselineCommand, m.CommandID, r.streamID, r.version, r.version); err != nil {
		return err
	}
	if notify {
		if _, err := tx.Exec(ctx, "SELECT pg_notify($1, '')", postgres.NotifyChannel); err != nil {
			return err
		}
	}
	return tx.Commit(ctx)
}
