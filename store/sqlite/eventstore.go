// Package sqlite holds the embedded event store: the event log in one SQLite
// file, for the single-binary deployment. It uses modernc.org/sqlite, a pure
// Go SQLite, so the binary needs no C toolchain.
package sqlite

import (
	"context"
	"database/sql"
	"errors"
	"fmt"
	"log/slog"
	"runtime"
	"strings"
	"sync"
	"time"

	_ "modernc.org/sqlite" // registers the "sqlite" driver

	"github.com/albatross-va/albatross/domain"
	"github.com/albatross-va/albatross/store/commithook"
	"github.com/albatross-va/albatross/store/wake"
)

// schemaVersion is stored in PRAGMA user_version; Open refuses a file that a
// newer Albatross has written.
const schemaVersion = 1

// defaultReadLimit is the batch ReadAll uses when asked for limit <= 0.
const defaultReadLimit = 1000

// schema has the meaning of migrations/20261128000100_event_store.sql.
// recorded_at holds microseconds since the Unix epoch, UTC. The sessions
// table (sessions.go) is not part of the log and not append-only; its expiry
// is also in Unix microseconds. Nor is reactor_checkpoints (reactors.go):
// how far each reactor has reacted, kept beside the log so that a restart,
// which rebuilds the in-memory read models, sends no reaction again.
const schema = `
CREATE TABLE IF NOT EXISTS events (
    seq            INTEGER PRIMARY KEY AUTOINCREMENT,
    stream_id      TEXT NOT NULL,
    version        INTEGER NOT NULL CHECK (version > 0),
    tenant_id      TEXT NOT NULL,
    type           TEXT NOT NULL,
    schema_version INTEGER NOT NULL,
    data           BLOB NOT NULL,
    actor          TEXT NOT NULL,
    command_id     TEXT NOT NULL,
    correlation_id TEXT NOT NULL,
    causation_id   TEXT NOT NULL,
    recorded_at    INTEGER NOT NULL,
    CONSTRAINT events_stream_version UNIQUE (stream_id, version)
);
CREATE TABLE IF NOT EXISTS event_commands (
    command_id   TEXT PRIMARY KEY,
    stream_id    TEXT NOT NULL,
    from_version INTEGER NOT NULL,
    to_version   INTEGER NOT NULL
) WITHOUT ROWID;
CREATE TABLE IF NOT EXISTS unique_claims (
    scope     TEXT NOT NULL,
    field     TEXT NOT NULL,
    value     TEXT NOT NULL,
    stream_id TEXT NOT NULL,
    PRIMARY KEY (scope, field, value)
) WITHOUT ROWID;
CREATE TABLE IF NOT EXISTS sessions (
    token  TEXT PRIMARY KEY,
    data   BLOB NOT NULL,
    expiry INTEGER NOT NULL
);
CREATE INDEX IF NOT EXISTS sessions_expiry ON sessions (expiry);
CREATE TABLE IF NOT EXISTS reactor_checkpoints (
    name             TEXT PRIMARY KEY,
    commit_tx        INTEGER NOT NULL,
    seq              INTEGER NOT NULL,
    caused_commit_tx INTEGER NOT NULL,
    caused_seq       INTEGER NOT NULL,
    updated_at       INTEGER NOT NULL
) WITHOUT ROWID;
CREATE TRIGGER IF NOT EXISTS events_no_update BEFORE UPDATE ON events
BEGIN
    SELECT RAISE(ABORT, 'events are append-only: UPDATE refused');
END;
CREATE TRIGGER IF NOT EXISTS events_no_delete BEFORE DELETE ON events
BEGIN
    SELECT RAISE(ABORT, 'events are append-only: DELETE refused');
END;
`

// EventStore is the embedded event log (domain.EventStore).
//
// Appends go through one writer connection and start with BEGIN IMMEDIATE,
// so they commit one at a time (other processes wait on busy_timeout), and
// seq, assigned inside the writing transaction, grows in commit order. So
// the global order is plain seq, Position.Commit is always 0, and a reader
// in WAL mode, which sees a consistent committed snapshot, can never skip an
// event. Reads use a separate pool and do not wait for the writer.
type EventStore struct {
	path   string // the log's file, for Backup
	writer *sql.DB
	reader *sql.DB
	log    *slog.Logger

	commithook.Hook // SetBeforeCommit: the tests' seam into an append

	mu       sync.Mutex
	wake     wake.Signal
	closed   bool
	sessions *SessionStore // created by Sessions; its cleanup stops at Close
	reactors *ReactorCheckpoints
}

var _ domain.EventStore = (*EventStore)(nil)

// Open opens or creates the event log at path, a file name (not ":memory:":
// the writer and the readers must share the file).
func Open(ctx context.Context, path string, log *slog.Logger) (*EventStore, error) {
	if path == "" || strings.HasPrefix(path, ":memory:") || strings.ContainsAny(path, "?#") {
		return nil, fmt.Errorf("open event log: unsupported path %q", path)
	}
	if log == nil {
		log = slog.New(slog.DiscardHandler)
	}
	const common = "_pragma=busy_timeout(10000)&_pragma=foreign_keys(1)"
	writer, err := sql.Open("sqlite", path+"?"+common+
		"&_pragma=journal_mode(WAL)&_pragma=synchronous(NORMAL)&_txlock=immediate")
	if err != nil {
		return nil, fmt.Errorf("open event log %s: %w", path, err)
	}
	writer.SetMaxOpenConns(1)
	writer.SetMaxIdleConns(1)
	writer.SetConnMaxLifetime(0)
	writer.SetConnMaxIdleTime(0)
	if err := migrate(ctx, writer); err != nil {
		_ = writer.Close()
		return nil, fmt.Errorf("open event log %s: %w", path, err)
	}
	reader, err := sql.Open("sqlite", path+"?"+common+"&_pragma=query_only(1)")
	if err != nil {
		_ = writer.Close()
		return nil, fmt.Errorf("open event log %s: %w", path, err)
	}
	n := max(4, runtime.NumCPU())
	reader.SetMaxOpenConns(n)
	reader.SetMaxIdleConns(n)
	if err := reader.PingContext(ctx); err != nil {
		_ = writer.Close()
		_ = reader.Close()
		return nil, fmt.Errorf("open event log %s: %w", path, err)
	}
	return &EventStore{path: path, writer: writer, reader: reader, log: log}, nil
}

func migrate(ctx context.Context, db *sql.DB) error {
	tx, err := db.BeginTx(ctx, nil)
	if err != nil {
		return fmt.Errorf("begin: %w", err)
	}
	defer func() { _ = tx.Rollback() }()
	var v int
	if err := tx.QueryRowContext(ctx, "PRAGMA user_version").Scan(&v); err != nil {
		return fmt.Errorf("read schema version: %w", err)
	}
	if v > schemaVersion {
		return fmt.Errorf("schema version %d is newer than this program's %d", v, schemaVersion)
	}
	if _, err := tx.ExecContext(ctx, schema); err != nil {
		return fmt.Errorf("create schema: %w", err)
	}
	if _, err := tx.ExecContext(ctx, fmt.Sprintf("PRAGMA user_version = %d", schemaVersion)); err != nil {
		return fmt.Errorf("write schema version: %w", err)
	}
	return tx.Commit()
}

// Append implements domain.EventStore.
func (s *EventStore) Append(ctx context.Context, req domain.AppendRequest) (domain.AppendResult, error) {
	req, err := domain.PrepareAppend(req)
	if err != nil {
		return domain.AppendResult{}, err
	}
	res, err := s.append(ctx, req)
	if err != nil {
		return domain.AppendResult{}, err
	}
	if !res.Duplicate {
		s.wake.Wake()
	}
	return res, nil
}

func (s *EventStore) append(ctx context.Context, req domain.AppendRequest) (domain.AppendResult, error) {
	wrap := func(what string, err error) error {
		return fmt.Errorf("append to %s: %s: %w", req.StreamID, what, err)
	}
	tx, err := s.writer.BeginTx(ctx, nil) // BEGIN IMMEDIATE: takes the write lock now
	if err != nil {
		return domain.AppendResult{}, wrap("begin", err)
	}
	defer func() { _ = tx.Rollback() }() // no-op after commit

	cmd := req.Meta.CommandID
	if cmd != "" {
		r := domain.AppendResult{Duplicate: true}
		err := tx.QueryRowContext(ctx, `
SELECT c.stream_id, c.from_version, c.to_version, e.seq
FROM event_commands c
JOIN events e ON e.stream_id = c.stream_id AND e.version = c.to_version
WHERE c.command_id = ?`, cmd).Scan(&r.StreamID, &r.FromVersion, &r.ToVersion, &r.Position.Seq)
		switch {
		case err == nil:
			return r, nil
		case !errors.Is(err, sql.ErrNoRows):
			return domain.AppendResult{}, wrap("look up command", err)
		}
	}
	var current int64
	if err := tx.QueryRowContext(ctx, `SELECT coalesce(max(version), 0) FROM events WHERE stream_id = ?`,
		req.StreamID).Scan(&current); err != nil {
		return domain.AppendResult{}, wrap("read stream version", err)
	}
	if err := domain.CheckExpected(req.StreamID, req.Expected, current); err != nil {
		return domain.AppendResult{}, err
	}

	for _, c := range req.Releases {
		if _, err := tx.ExecContext(ctx, `DELETE FROM unique_claims WHERE scope = ? AND field = ? AND value = ? AND stream_id = ?`,
			c.Scope, c.Field, c.Value, req.StreamID); err != nil {
			return domain.AppendResult{}, wrap("release "+c.Field, err)
		}
	}
	for _, c := range req.Claims {
		var holder string
		err := tx.QueryRowContext(ctx, `
INSERT INTO unique_claims (scope, field, value, stream_id) VALUES (?, ?, ?, ?)
ON CONFLICT DO UPDATE SET stream_id = stream_id
RETURNING stream_id`, c.Scope, c.Field, c.Value, req.StreamID).Scan(&holder)
		if err != nil {
			return domain.AppendResult{}, wrap("claim "+c.Field, err)
		}
		if holder != req.StreamID {
			return domain.AppendResult{}, domain.ClaimConflict(c)
		}
	}

	ins, err := tx.PrepareContext(ctx, `
INSERT INTO events (stream_id, version, tenant_id, type, schema_version, data,
                    actor, command_id, correlation_id, causation_id, recorded_at)
VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)
RETURNING seq`)
	if err != nil {
		return domain.AppendResult{}, wrap("prepare insert", err)
	}
	defer ins.Close()
	m := req.Meta
	res := domain.AppendResult{
		StreamID:    req.StreamID,
		FromVersion: current + 1,
		ToVersion:   current + int64(len(req.Events)),
	}
	for i, e := range req.Events {
		data := e.Data
		if data == nil {
			data = []byte{}
		}
		if err := ins.QueryRowContext(ctx, req.StreamID, current+int64(i)+1, req.TenantID, e.Type, e.SchemaVersion,
			data, m.Actor, m.CommandID, m.CorrelationID, m.CausationID, m.RecordedAt.UnixMicro(),
		).Scan(&res.Position.Seq); err != nil {
			return domain.AppendResult{}, wrap("insert event", err)
		}
	}
	if cmd != "" {
		if _, err := tx.ExecContext(ctx, `
INSERT INTO event_commands (command_id, stream_id, from_version, to_version) VALUES (?, ?, ?, ?)`,
			cmd, req.StreamID, res.FromVersion, res.ToVersion); err != nil {
			return domain.AppendResult{}, wrap("record command", err)
		}
	}
	if err := s.BeforeCommit(ctx, req); err != nil {
		return domain.AppendResult{}, err
	}
	if err := tx.Commit(); err != nil {
		return domain.AppendResult{}, wrap("commit", err)
	}
	return res, nil
}

const eventColumns = `seq, stream_id, version, tenant_id, type, schema_version, data,
       actor, command_id, correlation_id, causation_id, recorded_at`

// ReadStream implements domain.EventStore.
func (s *EventStore) ReadStream(ctx context.Context, streamID string, afterVersion int64) ([]domain.RecordedEvent, error) {
	rows, err := s.reader.QueryContext(ctx, `SELECT `+eventColumns+`
FROM events WHERE stream_id = ? AND version > ? ORDER BY version`, streamID, afterVersion)
	if err != nil {
		return nil, fmt.Errorf("read stream %s: %w", streamID, err)
	}
	evs, err := collectEvents(rows)
	if err != nil {
		return nil, fmt.Errorf("read stream %s: %w", streamID, err)
	}
	return evs, nil
}

// ReadAll implements domain.EventStore. A limit <= 0 reads a default batch.
func (s *EventStore) ReadAll(ctx context.Context, after domain.Position, limit int) ([]domain.RecordedEvent, error) {
	if limit <= 0 {
		limit = defaultReadLimit
	}
	if after.Commit > 0 {
		return nil, nil // every event here is at Commit 0, so none comes after
	}
	afterSeq := after.Seq
	if after.Commit < 0 {
		afterSeq = -1
	}
	rows, err := s.reader.QueryContext(ctx, `SELECT `+eventColumns+`
FROM events WHERE seq > ? ORDER BY seq LIMIT ?`, afterSeq, limit)
	if err != nil {
		return nil, fmt.Errorf("read events after %s: %w", after, err)
	}
	evs, err := collectEvents(rows)
	if err != nil {
		return nil, fmt.Errorf("read events after %s: %w", after, err)
	}
	return evs, nil
}

// Head implements domain.EventStore.
func (s *EventStore) Head(ctx context.Context) (domain.Position, error) {
	var seq int64
	if err := s.reader.QueryRowContext(ctx, `SELECT coalesce(max(seq), 0) FROM events`).Scan(&seq); err != nil {
		return domain.Position{}, fmt.Errorf("read head: %w", err)
	}
	return domain.Position{Seq: seq}, nil
}

func collectEvents(rows *sql.Rows) ([]domain.RecordedEvent, error) {
	defer rows.Close()
	var out []domain.RecordedEvent
	for rows.Next() {
		var (
			e  domain.RecordedEvent
			at int64
		)
		if err := rows.Scan(&e.Position.Seq, &e.StreamID, &e.Version, &e.TenantID, &e.Type, &e.SchemaVersion,
			&e.Data, &e.Meta.Actor, &e.Meta.CommandID, &e.Meta.CorrelationID, &e.Meta.CausationID, &at); err != nil {
			return nil, err
		}
		if e.Data == nil {
			e.Data = []byte{}
		}
		e.Meta.RecordedAt = time.UnixMicro(at).UTC()
		out = append(out, e)
	}
	return out, rows.Err()
}

// Subscribe implements domain.EventStore with an in-process signal sent
// after each commit. The channel is closed when ctx ends or the store is
// closed.
func (s *EventStore) Subscribe(ctx context.Context) <-chan struct{} {
	return s.wake.Subscribe(ctx)
}

// Close closes every subscription and the database.
func (s *EventStore) Close() error {
	if !s.wake.Close() {
		return nil
	}
	s.mu.Lock()
	s.closed = true
	sessions := s.sessions
	s.mu.Unlock()
	if sessions != nil {
		sessions.stopCleanup()
	}
	return errors.Join(s.reader.Close(), s.writer.Close())
}
