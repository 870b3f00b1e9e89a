package postgres

import (
	"context"
	"errors"
	"fmt"
	"log/slog"
	"sync"
	"time"

	"github.com/jackc/pgx/v5"
	"github.com/jackc/pgx/v5/pgconn"
	"github.com/jackc/pgx/v5/pgxpool"

	"github.com/albatross-va/albatross/domain"
	"github.com/albatross-va/albatross/store/commithook"
	"github.com/albatross-va/albatross/store/wake"
)

// NotifyChannel is the LISTEN/NOTIFY channel appends signal after commit.
const NotifyChannel = "albatross_events"

// defaultReadLimit is the batch ReadAll uses when asked for limit <= 0.
const defaultReadLimit = 1000

// EventStore is the PostgreSQL event log (domain.EventStore).
//
// # The global order
//
// A follower reads the log in global order and checkpoints the last position
// it saw, so the order must never let an event appear behind a checkpoint
// after the checkpoint was taken. A plain bigserial cannot promise that: the
// sequence hands out numbers when a row is inserted, not when it commits, so
// transaction A may take seq 10, transaction B seq 11, B commits first, a
// follower reads 11 and checkpoints it, and when A commits, event 10 is behind
// the checkpoint and lost to that follower for ever. Waiting for gaps to fill
// does not work either: a rolled-back transaction leaves a gap that never
// fills.
//
// Instead each event records the id of the transaction that wrote it
// (events.commit_tx defaults to pg_current_xact_id()), the global order is
// (commit_tx, seq), and ReadAll returns only events whose commit_tx is below
// the xmin of the reading statement's snapshot: the oldest transaction id
// still running. Every transaction below xmin has ended, so the set of
// events below it is final: no later commit can add one there, and anything
// a later read returns sorts after what this one returned. A rolled-back
// transaction leaves a gap in (commit_tx, seq) but, once it has ended, no
// longer holds xmin back, so followers never stall on it.
//
// The price: xmin is cluster-wide. Any transaction that holds a transaction
// id (has written something), in any database of the cluster, including a
// forgotten "idle in transaction" session or a prepared transaction, holds
// every reader back until it ends. Appends themselves hold an id only from
// their first insert to their commit.
//
// # Why the per-stream lock comes first
//
// Within a stream, events must come out of ReadAll in version order, so
// commit_tx must grow with version. Each Append therefore takes the stream's
// transaction-scoped advisory lock as its first statement, before its first
// write. Taking the lock assigns no transaction id; the id is assigned at the
// first insert, after the lock is held, so it is larger than the id of the
// previous holder, which took its id before it committed and released the
// lock. Had the transaction written anything before waiting for the lock, it
// could carry a smaller id than the holder it waited for and place version
// n+1 before version n.
//
// # Unique claims and deadlocks
//
// An append inserts its command id first and its claims after it, in sorted
// order, so two appends that wait on each other's uncommitted rows always
// wait in the same order and cannot deadlock; and a repeated command id
// waits on the first one's command row, so it returns the first result
// rather than finding the claimed values taken.
type EventStore struct {
	pool *pgxpool.Pool
	log  *slog.Logger

	commithook.Hook // SetBeforeCommit: the tests' seam into an append

	wake    wake.Signal // OnFirst starts the LISTEN connection
	stop    context.CancelFunc
	stopCtx context.Context
	wg      sync.WaitGroup

	notifyRequests chan struct{} // capacity 1: requests coalesce
}

var _ domain.EventStore = (*EventStore)(nil)

// NewEventStore returns an event store on a pool migrated by Migrate. The
// pool stays the caller's: Close stops the listener but not the pool.
func NewEventStore(pool *pgxpool.Pool, log *slog.Logger) *EventStore {
	if log == nil {
		log = slog.New(slog.DiscardHandler)
	}
	ctx, cancel := context.WithCancel(context.Background())
	s := &EventStore{
		pool:           pool,
		log:            log,
		stop:           cancel,
		stopCtx:        ctx,
		notifyRequests: make(chan struct{}, 1),
	}
	s.wake.OnFirst = func() {
		s.wg.Add(1)
		go s.listen()
	}
	s.wg.Add(1)
	go s.sendNotifications()
	return s
}

const (
	beginAppendSQL = `SELECT current_version, cmd_stream, cmd_from, cmd_to, cmd_commit, cmd_seq FROM albatross_begin_append($1, $2)`

	lookupCommandSQL = `
SELECT c.stream_id, c.from_version, c.to_version, e.commit_tx, e.seq
FROM event_commands c
JOIN events e ON e.stream_id = c.stream_id AND e.version = c.to_version
WHERE c.command_id = $1`

	currentVersionSQL = `SELECT coalesce(max(version), 0) FROM events WHERE stream_id = $1`

	// releaseSQL gives back a claim the appending stream holds.
	releaseSQL = `DELETE FROM unique_claims WHERE scope = $1 AND field = $2 AND value = $3 AND stream_id = $4`

	// claimSQL returns the stream that holds the value: this one when the
	// insert went through, the holder when it did not. No row means the
	// holder committed after this statement's snapshot was taken, which can
	// only be another stream: appends to this stream wait for its lock.
	claimSQL = `
WITH ins AS (
    INSERT INTO unique_claims (scope, field, value, stream_id)
    VALUES ($1, $2, $3, $4)
    ON CONFLICT DO NOTHING
    RETURNING stream_id
)
SELECT stream_id FROM ins
UNION ALL
SELECT stream_id FROM unique_claims WHERE scope = $1 AND field = $2 AND value = $3
LIMIT 1`

	insertEventSQL = `
INSERT INTO events (stream_id, version, tenant_id, type, schema_version, data,
                    actor, command_id, correlation_id, causation_id, recorded_at)
VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9, $10, $11)
RETURNING commit_tx, seq`

	insertCommandSQL = `
INSERT INTO event_commands (command_id, stream_id, from_version, to_version)
VALUES ($1, $2, $3, $4)`

	// notifySQL commits asynchronously: NOTIFY gives its transaction an id
	// and so a commit record, and waiting for that record's WAL flush would
	// spend a disk flush per wake-up, a hint that is safe to lose.
	notifySQL = `SELECT set_config('synchronous_commit', 'off', true), pg_notify('` + NotifyChannel + `', '')`

	eventColumns = `seq, commit_tx, stream_id, version, tenant_id, type, schema_version, data,
       actor, command_id, correlation_id, causation_id, recorded_at`

	// safeHorizon is the oldest transaction id still running, from the
	// statement's own snapshot; every event below it has its final fate.
	safeHorizon = `pg_snapshot_xmin(pg_current_snapshot())::text::bigint`

	readAllSQL = `
SELECT ` + eventColumns + `
FROM events
WHERE (commit_tx, seq) > ($1, $2) AND commit_tx < ` + safeHorizon + `
ORDER BY commit_tx, seq
LIMIT $3`

	headSQL = `
SELECT commit_tx, seq FROM events
WHERE commit_tx < ` + safeHorizon + `
ORDER BY commit_tx DESC, seq DESC
LIMIT 1`

	readStreamSQL = `
SELECT ` + eventColumns + `
FROM events
WHERE stream_id = $1 AND version > $2
ORDER BY version`
)

// errDuplicateCommand reports that a concurrent append committed the same
// command id first; Append answers with that append's result.
var errDuplicateCommand = errors.New("command id appended concurrently")

// Append implements domain.EventStore. It takes two round trips: BEGIN with
// the stream lock and the look-ups; the inserts with COMMIT. An append with
// unique claims, or with a before-commit hook, commits in a third.
func (s *EventStore) Append(ctx context.Context, req domain.AppendRequest) (domain.AppendResult, error) {
	req, err := domain.PrepareAppend(req)
	if err != nil {
		return domain.AppendResult{}, err
	}

	res, err := s.append(ctx, req)
	if errors.Is(err, errDuplicateCommand) {
		first, found, lerr := s.lookupCommand(ctx, s.pool, req.Meta.CommandID)
		switch {
		case lerr != nil:
			return domain.AppendResult{}, fmt.Errorf("append to %s: look up command %s: %w", req.StreamID, req.Meta.CommandID, lerr)
		case !found:
			return domain.AppendResult{}, fmt.Errorf("append to %s: command %s conflicted but is not recorded", req.StreamID, req.Meta.CommandID)
		}
		return first, nil
	}
	return res, err
}

func (s *EventStore) append(ctx context.Context, req domain.AppendRequest) (res domain.AppendResult, err error) {
	conn, err := s.pool.Acquire(ctx)
	if err != nil {
		return domain.AppendResult{}, fmt.Errorf("append to %s: %w", req.StreamID, err)
	}
	defer func() {
		// An append that did not commit leaves its transaction open (or
		// failed); end it so the connection goes back to the pool clean.
		// The pool drops a connection still in a transaction.
		if conn.Conn().PgConn().TxStatus() != 'I' {
			_, _ = conn.Exec(context.WithoutCancel(ctx), "ROLLBACK")
		}
		conn.Release()
	}()

	// Round trip 1: BEGIN, then the stream lock and (each with a fresh
	// snapshot taken after the lock was granted) the current version and
	// the command id's first result, in one call
	// (migrations/*_begin_append.sql). BEGIN rides in the same pipeline: a
	// transaction block begun in a pipeline outlasts its Sync.
	cmd := req.Meta.CommandID
	var (
		current                           int64
		dupFrom, dupTo, dupCommit, dupSeq *int64
		dupStream                         *string
	)
	b := &pgx.Batch{}
	b.Queue("BEGIN ISOLATION LEVEL READ COMMITTED")
	b.Queue(beginAppendSQL, req.StreamID, cmd)
	err = func() error {
		br := conn.SendBatch(ctx, b)
		defer br.Close()
		if _, err := br.Exec(); err != nil {
			return fmt.Errorf("begin: %w", err)
		}
		if err := br.QueryRow().Scan(&current, &dupStream, &dupFrom, &dupTo, &dupCommit, &dupSeq); err != nil {
			return fmt.Errorf("lock stream and look up: %w", err)
		}
		return br.Close()
	}()
	if err != nil {
		return domain.AppendResult{}, fmt.Errorf("append to %s: %w", req.StreamID, err)
	}
	if st := conn.Conn().PgConn().TxStatus(); st != 'T' {
		// The lock would already be gone: refuse rather than write unguarded.
		return domain.AppendResult{}, fmt.Errorf("append to %s: BEGIN left the connection in state %q, not in a transaction", req.StreamID, st)
	}
	if cmd != "" && dupStream != nil && dupSeq != nil {
		return domain.AppendResult{
			StreamID: *dupStream, FromVersion: *dupFrom, ToVersion: *dupTo,
			Position: domain.Position{Commit: *dupCommit, Seq: *dupSeq}, Duplicate: true,
		}, nil
	}
	if err := domain.CheckExpected(req.StreamID, req.Expected, current); err != nil {
		return domain.AppendResult{}, err
	}

	// Round trip 2: command id, claims, events, and COMMIT when nothing
	// needs checking before it. The command id goes first: a concurrent
	// append with the same id (a double submit, which creates a different
	// stream with the same unique values) then waits on the command row and
	// returns the first result, rather than waiting on a claim and reporting
	// the value as taken. Claims are checked here before committing, so an
	// append with claims (a create, which is rare) commits in a third trip.
	claims := req.Claims
	res = domain.AppendResult{
		StreamID:    req.StreamID,
		FromVersion: current + 1,
		ToVersion:   current + int64(len(req.Events)),
	}
	commitInBatch := len(claims) == 0 && !s.HasBeforeCommit()
	b = &pgx.Batch{}
	if cmd != "" {
		b.Queue(insertCommandSQL, cmd, req.StreamID, res.FromVersion, res.ToVersion)
	}
	for _, c := range req.Releases {
		b.Queue(releaseSQL, c.Scope, c.Field, c.Value, req.StreamID)
	}
	for _, c := range claims {
		b.Queue(claimSQL, c.Scope, c.Field, c.Value, req.StreamID)
	}
	m := req.Meta
	for i, e := range req.Events {
		data := e.Data
		if data == nil {
			data = []byte{} // pgx sends a nil slice as NULL
		}
		b.Queue(insertEventSQL, req.StreamID, current+int64(i)+1, req.TenantID, e.Type, e.SchemaVersion, data,
			m.Actor, m.CommandID, m.CorrelationID, m.CausationID, m.RecordedAt)
	}
	if commitInBatch {
		b.Queue("COMMIT")
	}
	err = func() error {
		br := conn.SendBatch(ctx, b)
		defer br.Close()
		if cmd != "" {
			if _, err := br.Exec(); err != nil {
				return s.mapWriteError(ctx, req, err)
			}
		}
		for range req.Releases {
			if _, err := br.Exec(); err != nil {
				return s.mapWriteError(ctx, req, err)
			}
		}
		var conflict *domain.UniqueClaim
		for i := range claims {
			var holder string
			err := br.QueryRow().Scan(&holder)
			if err != nil && !errors.Is(err, pgx.ErrNoRows) {
				return s.mapWriteError(ctx, req, err)
			}
			if (err != nil || holder != req.StreamID) && conflict == nil {
				conflict = &claims[i]
			}
		}
		if conflict != nil {
			// The events below are queued already; the rollback drops them.
			return domain.ClaimConflict(*conflict)
		}
		for range req.Events {
			if err := br.QueryRow().Scan(&res.Position.Commit, &res.Position.Seq); err != nil {
				return s.mapWriteError(ctx, req, err)
			}
		}
		if commitInBatch {
			if _, err := br.Exec(); err != nil {
				return s.mapWriteError(ctx, req, fmt.Errorf("commit: %w", err))
			}
		}
		if err := br.Close(); err != nil {
			return s.mapWriteError(ctx, req, err)
		}
		return nil
	}()
	if err != nil {
		return domain.AppendResult{}, err
	}
	if !commitInBatch {
		if err := s.BeforeCommit(ctx, req); err != nil {
			return domain.AppendResult{}, err
		}
		if _, err := conn.Exec(ctx, "COMMIT"); err != nil {
			// The outcome is unknown if the connection broke during COMMIT;
			// retrying with the same command id is safe.
			return domain.AppendResult{}, s.mapWriteError(ctx, req, fmt.Errorf("commit: %w", err))
		}
	}
	if conn.Conn().PgConn().TxStatus() != 'I' {
		return domain.AppendResult{}, fmt.Errorf("append to %s: the transaction did not commit", req.StreamID)
	}
	s.wake.Wake()
	s.requestNotify()
	return res, nil
}

// requestNotify asks the notifier goroutine to send one NOTIFY for every
// append since its last one. NOTIFY is not part of the append transaction:
// it takes a cluster-wide queue lock at commit, which serialized concurrent
// appends and halved their throughput with 16 writers (bench/results.txt).
// A wake-up is only a hint: subscribers also poll, so a NOTIFY lost to a
// crash right after the commit delays a follower by one poll interval.
func (s *EventStore) requestNotify() {
	select {
	case s.notifyRequests <- struct{}{}:
	default: // one is pending already; it will cover this append too
	}
}

// sendNotifications sends the coalesced NOTIFYs until Close.
func (s *EventStore) sendNotifications() {
	defer s.wg.Done()
	for {
		select {
		case <-s.stopCtx.Done():
			return
		case <-s.notifyRequests:
		}
		ctx, cancel := context.WithTimeout(s.stopCtx, 5*time.Second)
		if _, err := s.pool.Exec(ctx, notifySQL); err != nil && s.stopCtx.Err() == nil {
			s.log.Warn("notify other processes of new events", "err", err)
		}
		cancel()
		// Appends that commit meanwhile share the next NOTIFY: at most one
		// per notifyInterval, which bounds what they cost the database
		// while adding at most that much to another process's wake-up.
		select {
		case <-s.stopCtx.Done():
			return
		case <-time.After(notifyInterval):
		}
	}
}

// notifyInterval is the least time between two NOTIFYs of one store.
const notifyInterval = 10 * time.Millisecond

// mapWriteError turns driver errors of the insert batch into domain errors.
func (s *EventStore) mapWriteError(ctx context.Context, req domain.AppendRequest, err error) error {
	var pgErr *pgconn.PgError
	if errors.As(err, &pgErr) && pgErr.Code == "23505" {
		switch pgErr.ConstraintName {
		case "event_commands_pkey":
			return errDuplicateCommand
		case "events_stream_version":
			// Only a writer that bypassed the stream lock gets here.
			var actual int64
			if qerr := s.pool.QueryRow(ctx, currentVersionSQL, req.StreamID).Scan(&actual); qerr != nil {
				s.log.WarnContext(ctx, "read version after conflict", "stream", req.StreamID, "err", qerr)
			}
			return fmt.Errorf("append to %s: %w", req.StreamID,
				&domain.VersionConflict{StreamID: req.StreamID, Expected: req.Expected, Actual: actual})
		}
	}
	return fmt.Errorf("append to %s: %w", req.StreamID, err)
}

type queryRower interface {
	QueryRow(ctx context.Context, sql string, args ...any) pgx.Row
}

func (s *EventStore) lookupCommand(ctx context.Context, q queryRower, cmd string) (domain.AppendResult, bool, error) {
	return scanCommand(q.QueryRow(ctx, lookupCommandSQL, cmd))
}

func scanCommand(row pgx.Row) (domain.AppendResult, bool, error) {
	r := domain.AppendResult{Duplicate: true}
	err := row.Scan(&r.StreamID, &r.FromVersion, &r.ToVersion, &r.Position.Commit, &r.Position.Seq)
	if errors.Is(err, pgx.ErrNoRows) {
		return domain.AppendResult{}, false, nil
	}
	if err != nil {
		return domain.AppendResult{}, false, err
	}
	return r, true, nil
}

// ReadStream implements domain.EventStore.
func (s *EventStore) ReadStream(ctx context.Context, streamID string, afterVersion int64) ([]domain.RecordedEvent, error) {
	rows, err := s.pool.Query(ctx, readStreamSQL, streamID, afterVersion)
	if err != nil {
		return nil, fmt.Errorf("read stream %s: %w", streamID, err)
	}
	evs, err := collectEvents(rows)
	if err != nil {
		return nil, fmt.Errorf("read stream %s: %w", streamID, err)
	}
	return evs, nil
}

// ReadAll implements domain.EventStore; see EventStore for why it never
// skips an event. A limit <= 0 reads a default batch.
func (s *EventStore) ReadAll(ctx context.Context, after domain.Position, limit int) ([]domain.RecordedEvent, error) {
	if limit <= 0 {
		limit = defaultReadLimit
	}
	rows, err := s.pool.Query(ctx, readAllSQL, after.Commit, after.Seq, limit)
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
	var p domain.Position
	err := s.pool.QueryRow(ctx, headSQL).Scan(&p.Commit, &p.Seq)
	if errors.Is(err, pgx.ErrNoRows) {
		return domain.Start, nil
	}
	if err != nil {
		return domain.Position{}, fmt.Errorf("read head: %w", err)
	}
	return p, nil
}

func collectEvents(rows pgx.Rows) ([]domain.RecordedEvent, error) {
	defer rows.Close()
	var out []domain.RecordedEvent
	for rows.Next() {
		var e domain.RecordedEvent
		if err := rows.Scan(&e.Position.Seq, &e.Position.Commit, &e.StreamID, &e.Version, &e.TenantID,
			&e.Type, &e.SchemaVersion, &e.Data, &e.Meta.Actor, &e.Meta.CommandID,
			&e.Meta.CorrelationID, &e.Meta.CausationID, &e.Meta.RecordedAt); err != nil {
			return nil, err
		}
		e.Meta.RecordedAt = e.Meta.RecordedAt.UTC()
		out = append(out, e)
	}
	return out, rows.Err()
}

// Subscribe implements domain.EventStore. The first call starts one
// listening connection, outside the pool, that all subscribers share; the
// channel is closed when ctx ends or the store is closed.
func (s *EventStore) Subscribe(ctx context.Context) <-chan struct{} {
	return s.wake.Subscribe(ctx)
}

// listen keeps a LISTEN connection open until Close, reconnecting with
// backoff. After each (re)connect it wakes the subscribers, since
// notifications sent while it was away are lost.
func (s *EventStore) listen() {
	defer s.wg.Done()
	ctx := s.stopCtx
	const maxBackoff = 5 * time.Second
	backoff := 100 * time.Millisecond
	for {
		connected, err := s.listenOnce(ctx)
		if ctx.Err() != nil {
			return
		}
		if connected {
			backoff = 100 * time.Millisecond
		}
		s.log.Warn("event listener disconnected; reconnecting", "err", err, "backoff", backoff)
		s.wake.Wake()
		select {
		case <-ctx.Done():
			return
		case <-time.After(backoff):
		}
		backoff = min(2*backoff, maxBackoff)
	}
}

func (s *EventStore) listenOnce(ctx context.Context) (connected bool, err error) {
	conn, err := pgx.ConnectConfig(ctx, s.pool.Config().ConnConfig.Copy())
	if err != nil {
		return false, fmt.Errorf("connect: %w", err)
	}
	defer func() {
		cctx, cancel := context.WithTimeout(context.Background(), 5*time.Second)
		defer cancel()
		_ = conn.Close(cctx)
	}()
	if _, err := conn.Exec(ctx, "LISTEN "+NotifyChannel); err != nil {
		return false, fmt.Errorf("listen: %w", err)
	}
	s.wake.Wake()
	for {
		if _, err := conn.WaitForNotification(ctx); err != nil {
			return true, fmt.Errorf("wait for notification: %w", err)
		}
		s.wake.Wake()
	}
}

// Close stops the listener and closes every subscription. It leaves the
// pool open: the pool belongs to the caller.
func (s *EventStore) Close() error {
	s.wake.Close()
	s.stop()
	s.wg.Wait()
	return nil
}

// Verify checks that the log was written by this PostgreSQL cluster. The
// global order uses the cluster's transaction ids; a logical dump restored
// into another cluster brings ids from ahead of its counter, and new events
// would then sort before old ones and be skipped by every follower. A
// physical copy (pg_basebackup, a promoted replica) keeps the counter and
// passes.
func (s *EventStore) Verify(ctx context.Context) error {
	var ok bool
	err := s.pool.QueryRow(ctx, `
SELECT coalesce((SELECT commit_tx FROM events ORDER BY commit_tx DESC, seq DESC LIMIT 1), 0)
       < pg_snapshot_xmax(pg_current_snapshot())::text::bigint`).Scan(&ok)
	if err != nil {
		return fmt.Errorf("verify the event log: %w", err)
	}
	if !ok {
		return errors.New("the event log's transaction ids are ahead of this PostgreSQL cluster, as after a logical dump restored into another cluster: new events would sort before old ones. Move the database with a physical copy (pg_basebackup or a promoted replica) instead")
	}
	return nil
}
