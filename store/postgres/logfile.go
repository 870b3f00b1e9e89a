package postgres

import (
	"context"
	"errors"
	"fmt"

	"github.com/jackc/pgx/v5"

	"github.com/albatross-va/albatross/domain"
	"github.com/albatross-va/albatross/store/logfile"
)

// ExportLog writes the whole log to w from one REPEATABLE READ snapshot:
// every event committed before it, in (commit_tx, seq) order, the unique
// claims and the reactors' checkpoints. The snapshot is taken while the
// export holds every reactor's lock (those in reactor_checkpoints and
// those named), so no reactor is between appending its reactions and
// recording its checkpoint: an import sends none of them again. The locks
// are let go as soon as the snapshot is taken.
func (s *EventStore) ExportLog(ctx context.Context, w *logfile.Writer, reactors []string) error {
	conn, err := s.pool.Acquire(ctx)
	if err != nil {
		return fmt.Errorf("export the log: %w", err)
	}
	defer conn.Release()
	known, err := conn.Query(ctx, `SELECT name FROM reactor_checkpoints`)
	if err != nil {
		return fmt.Errorf("export the log: %w", err)
	}
	names, err := pgx.CollectRows(known, pgx.RowTo[string])
	if err != nil {
		return fmt.Errorf("export the log: %w", err)
	}
	names = append(names, reactors...)
	// Session locks conflict with the reactors' transaction locks on the
	// same keys; they are released below, or with the connection.
	if _, err := conn.Exec(ctx, `SELECT pg_advisory_lock(hashtextextended('reactor:' || n, 0))
FROM (SELECT DISTINCT unnest($1::text[]) AS n ORDER BY 1) r`, names); err != nil {
		return fmt.Errorf("export the log: wait for the reactors: %w", err)
	}
	unlocked := false
	unlock := func() error {
		if unlocked {
			return nil
		}
		unlocked = true
		_, err := conn.Exec(context.WithoutCancel(ctx), `SELECT pg_advisory_unlock_all()`)
		return err
	}
	defer func() {
		if unlock() != nil {
			_ = conn.Conn().Close(context.Background()) // the pool drops it, and its locks go
		}
	}()
	tx, err := conn.BeginTx(ctx, pgx.TxOptions{IsoLevel: pgx.RepeatableRead, AccessMode: pgx.ReadOnly})
	if err != nil {
		return fmt.Errorf("export the log: %w", err)
	}
	defer func() { _ = tx.Rollback(context.WithoutCancel(ctx)) }()
	var n int64
	if err := tx.QueryRow(ctx, `SELECT count(*) FROM reactor_checkpoints`).Scan(&n); err != nil { // takes the snapshot
		return fmt.Errorf("export the log: %w", err)
	}
	if err := unlock(); err != nil {
		return fmt.Errorf("export the log: release the reactors: %w", err)
	}
	rows, err := tx.Query(ctx, `SELECT `+eventColumns+` FROM events ORDER BY commit_tx, seq`)
	if err != nil {
		return fmt.Errorf("export the log: %w", err)
	}
	defer rows.Close()
	for rows.Next() {
		var e domain.RecordedEvent
		if err := rows.Scan(&e.Position.Seq, &e.Position.Commit, &e.StreamID, &e.Version, &e.TenantID,
			&e.Type, &e.SchemaVersion, &e.Data, &e.Meta.Actor, &e.Meta.CommandID,
			&e.Meta.CorrelationID, &e.Meta.CausationID, &e.Meta.RecordedAt); err != nil {
			return fmt.Errorf("export the log: %w", err)
		}
		e.Meta.RecordedAt = e.Meta.RecordedAt.UTC()
		if err := w.Event(e); err != nil {
			return err
		}
	}
	if err := rows.Err(); err != nil {
		return fmt.Errorf("export the log: %w", err)
	}
	claims, err := tx.Query(ctx, `SELECT scope, field, value, stream_id FROM unique_claims ORDER BY scope COLLATE "C", field COLLATE "C", value COLLATE "C"`)
	if err != nil {
		return fmt.Errorf("export the claims: %w", err)
	}
	cs, err := pgx.CollectRows(claims, func(r pgx.CollectableRow) (logfile.Claim, error) {
		var c logfile.Claim
		err := r.Scan(&c.Scope, &c.Field, &c.Value, &c.StreamID)
		return c, err
	})
	if err != nil {
		return fmt.Errorf("export the claims: %w", err)
	}
	for _, c := range cs {
		if err := w.Claim(c); err != nil {
			return err
		}
	}
	cps, err := tx.Query(ctx, `SELECT name, commit_tx, seq, caused_commit_tx, caused_seq FROM reactor_checkpoints ORDER BY name COLLATE "C"`)
	if err != nil {
		return fmt.Errorf("export the reactor checkpoints: %w", err)
	}
	rs, err := pgx.CollectRows(cps, func(r pgx.CollectableRow) (logfile.Reactor, error) {
		var c logfile.Reactor
		err := r.Scan(&c.Name, &c.At.Commit, &c.At.Seq, &c.Caused.Commit, &c.Caused.Seq)
		return c, err
	})
	if err != nil {
		return fmt.Errorf("export the reactor checkpoints: %w", err)
	}
	for _, r := range rs {
		if err := w.Reactor(r); err != nil {
			return err
		}
	}
	return w.Close()
}

// importBatch is how many events go into one COPY.
const importBatch = 5000

// ImportLog reads the log file at path into this database, which must have
// no event, claim or reactor checkpoint, in one transaction: a damaged
// file, or any other failure, leaves the database as it was. Every event
// lands at commit_tx 0 (see package logfile), below every transaction id
// of this cluster, so Verify passes and new appends sort after the
// imported log; the seq counter moves past the last imported event. The
// idempotency records are derived from the events' command ids. The read
// models are the caller's to rebuild.
func (s *EventStore) ImportLog(ctx context.Context, path string) (logfile.Summary, error) {
	tx, err := s.pool.BeginTx(ctx, pgx.TxOptions{})
	if err != nil {
		return logfile.Summary{}, fmt.Errorf("import the log: %w", err)
	}
	defer func() { _ = tx.Rollback(context.WithoutCancel(ctx)) }()
	// No append may start meanwhile: it would see an empty stream.
	if _, err := tx.Exec(ctx, `LOCK TABLE events, event_commands, unique_claims, reactor_checkpoints IN EXCLUSIVE MODE`); err != nil {
		return logfile.Summary{}, fmt.Errorf("import the log: %w", err)
	}
	var events, others int64
	if err := tx.QueryRow(ctx, `SELECT (SELECT count(*) FROM events),
       (SELECT count(*) FROM unique_claims) + (SELECT count(*) FROM reactor_checkpoints)`).Scan(&events, &others); err != nil {
		return logfile.Summary{}, fmt.Errorf("import the log: %w", err)
	}
	if events > 0 || others > 0 {
		return logfile.Summary{}, domain.Errorf(domain.EConflict,
			"the PostgreSQL database already has %d event(s): a log is imported only into a new database", events)
	}
	sink := &pgSink{tx: tx}
	sum, err := logfile.Load(ctx, path, sink)
	if err == nil {
		err = sink.flush(ctx)
	}
	if err != nil {
		return logfile.Summary{}, err
	}
	if _, err := tx.Exec(ctx, `
INSERT INTO event_commands (command_id, stream_id, from_version, to_version)
SELECT command_id, stream_id, min(version), max(version) FROM events
WHERE command_id <> '' GROUP BY command_id, stream_id`); err != nil {
		return logfile.Summary{}, fmt.Errorf("import the log: derive the command ids: %w", err)
	}
	if _, err := tx.Exec(ctx, `SELECT setval(pg_get_serial_sequence('events', 'seq'), greatest(max(seq), 1), max(seq) IS NOT NULL) FROM events`); err != nil {
		return logfile.Summary{}, fmt.Errorf("import the log: move the seq counter: %w", err)
	}
	if err := tx.Commit(ctx); err != nil {
		return logfile.Summary{}, fmt.Errorf("import the log: commit: %w", err)
	}
	s.wake.Wake()
	s.requestNotify()
	return sum, nil
}

type pgSink struct {
	tx   pgx.Tx
	rows [][]any
}

var importColumns = []string{"seq", "commit_tx", "stream_id", "version", "tenant_id", "type", "schema_version", "data",
	"actor", "command_id", "correlation_id", "causation_id", "recorded_at"}

func (k *pgSink) Event(ctx context.Context, e domain.RecordedEvent) error {
	data := e.Data
	if data == nil {
		data = []byte{}
	}
	m := e.Meta
	k.rows = append(k.rows, []any{e.Position.Seq, e.Position.Commit, e.StreamID, e.Version, e.TenantID, e.Type,
		e.SchemaVersion, data, m.Actor, m.CommandID, m.CorrelationID, m.CausationID, m.RecordedAt})
	if len(k.rows) >= importBatch {
		return k.flush(ctx)
	}
	return nil
}

func (k *pgSink) flush(ctx context.Context) error {
	if len(k.rows) == 0 {
		return nil
	}
	_, err := k.tx.CopyFrom(ctx, pgx.Identifier{"events"}, importColumns, pgx.CopyFromRows(k.rows))
	k.rows = k.rows[:0]
	if err != nil {
		return fmt.Errorf("import the log: copy events: %w", mapImportError(err))
	}
	return nil
}

func (k *pgSink) Claim(ctx context.Context, c logfile.Claim) error {
	if err := k.flush(ctx); err != nil {
		return err
	}
	if _, err := k.tx.Exec(ctx, `INSERT INTO unique_claims (scope, field, value, stream_id) VALUES ($1, $2, $3, $4)`,
		c.Scope, c.Field, c.Value, c.StreamID); err != nil {
		return fmt.Errorf("import the log: claim %s %s: %w", c.Scope, c.Field, mapImportError(err))
	}
	return nil
}

func (k *pgSink) Reactor(ctx context.Context, r logfile.Reactor) error {
	if err := k.flush(ctx); err != nil {
		return err
	}
	if _, err := k.tx.Exec(ctx, `
INSERT INTO reactor_checkpoints (name, commit_tx, seq, caused_commit_tx, caused_seq, updated_at)
VALUES ($1, $2, $3, $4, $5, now())`, r.Name, r.At.Commit, r.At.Seq, r.Caused.Commit, r.Caused.Seq); err != nil {
		return fmt.Errorf("import the log: reactor %s: %w", r.Name, mapImportError(err))
	}
	return nil
}

// mapImportError names text PostgreSQL cannot store (a NUL or invalid
// UTF-8 that SQLite kept) instead of passing the driver's SQLSTATE on.
func mapImportError(err error) error {
	var pgErr interface{ SQLState() string }
	if errors.As(err, &pgErr) && (pgErr.SQLState() == "22021" || pgErr.SQLState() == "22P05") {
		return fmt.Errorf("the file holds text PostgreSQL cannot store (a NUL or invalid UTF-8): %w", err)
	}
	return err
}
