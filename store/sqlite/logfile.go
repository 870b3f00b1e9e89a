package sqlite

import (
	"context"
	"database/sql"
	"fmt"
	"os"
	"path/filepath"
	"time"

	"github.com/albatross-va/albatross/domain"
	"github.com/albatross-va/albatross/store/logfile"
)

// ExportLog writes the whole log to w from one read transaction, a
// consistent snapshot while appends go on: every event in seq order (the
// global order), the unique claims and the reactors' checkpoints.
func (s *EventStore) ExportLog(ctx context.Context, w *logfile.Writer) error {
	tx, err := s.reader.BeginTx(ctx, &sql.TxOptions{ReadOnly: true})
	if err != nil {
		return fmt.Errorf("export the log: %w", err)
	}
	defer func() { _ = tx.Rollback() }()
	rows, err := tx.QueryContext(ctx, `SELECT `+eventColumns+` FROM events ORDER BY seq`)
	if err != nil {
		return fmt.Errorf("export the log: %w", err)
	}
	defer rows.Close()
	for rows.Next() {
		var (
			e  domain.RecordedEvent
			at int64
		)
		if err := rows.Scan(&e.Position.Seq, &e.StreamID, &e.Version, &e.TenantID, &e.Type, &e.SchemaVersion,
			&e.Data, &e.Meta.Actor, &e.Meta.CommandID, &e.Meta.CorrelationID, &e.Meta.CausationID, &at); err != nil {
			return fmt.Errorf("export the log: %w", err)
		}
		e.Meta.RecordedAt = time.UnixMicro(at).UTC()
		if err := w.Event(e); err != nil {
			return err
		}
	}
	if err := rows.Err(); err != nil {
		return fmt.Errorf("export the log: %w", err)
	}
	claims, err := tx.QueryContext(ctx, `SELECT scope, field, value, stream_id FROM unique_claims ORDER BY scope, field, value`)
	if err != nil {
		return fmt.Errorf("export the claims: %w", err)
	}
	defer claims.Close()
	for claims.Next() {
		var c logfile.Claim
		if err := claims.Scan(&c.Scope, &c.Field, &c.Value, &c.StreamID); err != nil {
			return fmt.Errorf("export the claims: %w", err)
		}
		if err := w.Claim(c); err != nil {
			return err
		}
	}
	if err := claims.Err(); err != nil {
		return fmt.Errorf("export the claims: %w", err)
	}
	cps, err := tx.QueryContext(ctx, `SELECT name, commit_tx, seq, caused_commit_tx, caused_seq FROM reactor_checkpoints ORDER BY name`)
	if err != nil {
		return fmt.Errorf("export the reactor checkpoints: %w", err)
	}
	defer cps.Close()
	for cps.Next() {
		var r logfile.Reactor
		if err := cps.Scan(&r.Name, &r.At.Commit, &r.At.Seq, &r.Caused.Commit, &r.Caused.Seq); err != nil {
			return fmt.Errorf("export the reactor checkpoints: %w", err)
		}
		if err := w.Reactor(r); err != nil {
			return err
		}
	}
	if err := cps.Err(); err != nil {
		return fmt.Errorf("export the reactor checkpoints: %w", err)
	}
	return w.Close()
}

// ImportLog reads the log file at path into this store, which must have no
// event, no claim and no reactor checkpoint, in one transaction: a damaged
// file, or any other failure, leaves the store as it was. The idempotency
// records are derived from the events' command ids.
func (s *EventStore) ImportLog(ctx context.Context, path string) (logfile.Summary, error) {
	tx, err := s.writer.BeginTx(ctx, nil) // BEGIN IMMEDIATE: no append runs meanwhile
	if err != nil {
		return logfile.Summary{}, fmt.Errorf("import the log: %w", err)
	}
	defer func() { _ = tx.Rollback() }()
	var events, others int64
	if err := tx.QueryRowContext(ctx, `SELECT (SELECT count(*) FROM events),
       (SELECT count(*) FROM unique_claims) + (SELECT count(*) FROM reactor_checkpoints)`).Scan(&events, &others); err != nil {
		return logfile.Summary{}, fmt.Errorf("import the log: %w", err)
	}
	if events > 0 || others > 0 {
		return logfile.Summary{}, domain.Errorf(domain.EConflict,
			"the embedded event log already has %d event(s): a log is imported only into a new data folder", events)
	}
	sink := &sqliteSink{tx: tx}
	defer sink.close()
	sum, err := logfile.Load(ctx, path, sink)
	if err != nil {
		return logfile.Summary{}, err
	}
	if _, err := tx.ExecContext(ctx, `
INSERT INTO event_commands (command_id, stream_id, from_version, to_version)
SELECT command_id, stream_id, min(version), max(version) FROM events
WHERE command_id <> '' GROUP BY command_id, stream_id`); err != nil {
		return logfile.Summary{}, fmt.Errorf("import the log: derive the command ids: %w", err)
	}
	if err := tx.Commit(); err != nil {
		return logfile.Summary{}, fmt.Errorf("import the log: commit: %w", err)
	}
	s.wake.Wake()
	return sum, nil
}

type sqliteSink struct {
	tx     *sql.Tx
	insert *sql.Stmt
}

func (k *sqliteSink) close() {
	if k.insert != nil {
		_ = k.insert.Close()
	}
}

func (k *sqliteSink) Event(ctx context.Context, e domain.RecordedEvent) error {
	if k.insert == nil {
		st, err := k.tx.PrepareContext(ctx, `
INSERT INTO events (seq, stream_id, version, tenant_id, type, schema_version, data,
                    actor, command_id, correlation_id, causation_id, recorded_at)
VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)`)
		if err != nil {
			return fmt.Errorf("import the log: %w", err)
		}
		k.insert = st
	}
	data := e.Data
	if data == nil {
		data = []byte{}
	}
	m := e.Meta
	if _, err := k.insert.ExecContext(ctx, e.Position.Seq, e.StreamID, e.Version, e.TenantID, e.Type, e.SchemaVersion,
		data, m.Actor, m.CommandID, m.CorrelationID, m.CausationID, m.RecordedAt.UnixMicro()); err != nil {
		return fmt.Errorf("import the log: event %d of stream %s: %w", e.Version, e.StreamID, err)
	}
	return nil
}

func (k *sqliteSink) Claim(ctx context.Context, c logfile.Claim) error {
	if _, err := k.tx.ExecContext(ctx, `INSERT INTO unique_claims (scope, field, value, stream_id) VALUES (?, ?, ?, ?)`,
		c.Scope, c.Field, c.Value, c.StreamID); err != nil {
		return fmt.Errorf("import the log: claim %s %s: %w", c.Scope, c.Field, err)
	}
	return nil
}

func (k *sqliteSink) Reactor(ctx context.Context, r logfile.Reactor) error {
	if _, err := k.tx.ExecContext(ctx, `
INSERT INTO reactor_checkpoints (name, commit_tx, seq, caused_commit_tx, caused_seq, updated_at)
VALUES (?, ?, ?, ?, ?, strftime('%s', 'now') * 1000000)`,
		r.Name, r.At.Commit, r.At.Seq, r.Caused.Commit, r.Caused.Seq); err != nil {
		return fmt.Errorf("import the log: reactor %s: %w", r.Name, err)
	}
	return nil
}

// Backup writes a consistent copy of the log's file (events, claims,
// reactor checkpoints and sessions) to dest with VACUUM INTO, which reads
// one snapshot and does not stop appends. dest must not exist; the copy is
// written beside it under a temporary name and renamed into place, so a
// failed backup leaves no file that looks whole.
func (s *EventStore) Backup(ctx context.Context, dest string) error {
	if _, err := os.Stat(dest); err == nil {
		return fmt.Errorf("back up the log: %s exists already", dest)
	}
	tmp := filepath.Join(filepath.Dir(dest), "."+filepath.Base(dest)+".partial")
	_ = os.Remove(tmp)
	// A connection of its own: the readers are query_only, and VACUUM
	// INTO, which writes only the new file, is refused there.
	db, err := sql.Open("sqlite", s.path+"?_pragma=busy_timeout(10000)")
	if err != nil {
		return fmt.Errorf("back up the log: %w", err)
	}
	defer db.Close()
	if _, err := db.ExecContext(ctx, `VACUUM INTO ?`, tmp); err != nil {
		_ = os.Remove(tmp)
		return fmt.Errorf("back up the log into %s: %w", dest, err)
	}
	if err := syncFile(tmp); err != nil {
		_ = os.Remove(tmp)
		return fmt.Errorf("back up the log into %s: %w", dest, err)
	}
	if err := os.Rename(tmp, dest); err != nil {
		_ = os.Remove(tmp)
		return fmt.Errorf("back up the log into %s: %w", dest, err)
	}
	return nil
}

func syncFile(path string) error {
	f, err := os.Open(path)
	if err != nil {
		return err
	}
	defer f.Close()
	return f.Sync()
}
