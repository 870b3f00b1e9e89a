package sqlite

import (
	"context"
	"database/sql"
	"errors"
	"time"

	"github.com/alexedwards/scs/v2"

	"github.com/albatross-va/albatross/store/sessions"
)

// sessionCleanupInterval is how often the session store deletes expired
// sessions.
const sessionCleanupInterval = 5 * time.Minute

// SessionStore is the scs session store of the embedded deployment: the
// sessions table in the event log's file, so sessions survive a restart.
// Writes go through the event store's writer connection, reads through its
// readers. Expiry is kept in Unix microseconds.
type SessionStore struct {
	writer *sql.DB
	reader *sql.DB
	cache  sessionCache

	stop context.CancelFunc
	done chan struct{}
}

var (
	_ scs.Store    = (*SessionStore)(nil)
	_ scs.CtxStore = (*SessionStore)(nil)
)

// Sessions returns the session store in the event log's file. The first call
// starts a goroutine that deletes expired sessions every 5 minutes; Close
// stops it. Every call returns the same store.
func (s *EventStore) Sessions() *SessionStore {
	s.mu.Lock()
	defer s.mu.Unlock()
	if s.sessions == nil {
		ss := &SessionStore{writer: s.writer, reader: s.reader, done: make(chan struct{})}
		if s.closed {
			close(ss.done)
			ss.stop = func() {}
		} else {
			var ctx context.Context
			ctx, ss.stop = context.WithCancel(context.Background())
			go ss.cleanup(ctx, sessionCleanupInterval, s)
		}
		s.sessions = ss
	}
	return s.sessions
}

// Find implements scs.Store.
func (s *SessionStore) Find(token string) ([]byte, bool, error) {
	return s.FindCtx(context.Background(), token)
}

// Commit implements scs.Store.
func (s *SessionStore) Commit(token string, b []byte, expiry time.Time) error {
	return s.CommitCtx(context.Background(), token, b, expiry)
}

// Delete implements scs.Store.
func (s *SessionStore) Delete(token string) error {
	return s.DeleteCtx(context.Background(), token)
}

// FindCtx implements scs.CtxStore: the data of an unexpired session,
// from the cache when this process has read or written it.
func (s *SessionStore) FindCtx(ctx context.Context, token string) ([]byte, bool, error) {
	now := time.Now()
	if b, ok := s.cache.find(token, now); ok {
		return b, true, nil
	}
	gen := s.cache.generation()
	var b []byte
	var expiry int64
	err := s.reader.QueryRowContext(ctx, `SELECT data, expiry FROM sessions WHERE token = ? AND expiry > ?`,
		token, now.UnixMicro()).Scan(&b, &expiry)
	switch {
	case errors.Is(err, sql.ErrNoRows):
		return nil, false, nil
	case err != nil:
		return nil, false, err
	}
	if b == nil {
		b = []byte{}
	}
	s.cache.fill(gen, token, b, time.UnixMicro(expiry))
	return b, true, nil
}

// CommitCtx implements scs.CtxStore: inserts or replaces a session.
func (s *SessionStore) CommitCtx(ctx context.Context, token string, b []byte, expiry time.Time) error {
	if b == nil {
		b = []byte{}
	}
	_, err := s.writer.ExecContext(ctx, `
INSERT INTO sessions (token, data, expiry) VALUES (?, ?, ?)
ON CONFLICT (token) DO UPDATE SET data = excluded.data, expiry = excluded.expiry`,
		token, b, expiry.UnixMicro())
	if err != nil {
		s.cache.forget(token) // the row may or may not hold b: read it again
		return err
	}
	s.cache.put(token, b, expiry)
	return nil
}

// DeleteCtx implements scs.CtxStore.
func (s *SessionStore) DeleteCtx(ctx context.Context, token string) error {
	s.cache.forget(token)
	_, err := s.writer.ExecContext(ctx, `DELETE FROM sessions WHERE token = ?`, token)
	s.cache.forget(token) // a Find between the two may have read the row
	return err
}

// DeleteExpired deletes every expired session; the cleanup goroutine calls it.
func (s *SessionStore) DeleteExpired(ctx context.Context) error {
	_, err := s.writer.ExecContext(ctx, `DELETE FROM sessions WHERE expiry <= ?`, time.Now().UnixMicro())
	return err
}

func (s *SessionStore) cleanup(ctx context.Context, every time.Duration, es *EventStore) {
	defer close(s.done)
	sessions.Sweep(ctx, every, s.DeleteExpired, es.log)
}

// stopCleanup stops the cleanup goroutine and waits for it to end.
func (s *SessionStore) stopCleanup() {
	s.stop()
	<-s.done
	s.cache.clear() // a closed store finds nothing
}
