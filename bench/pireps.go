package main

import (
	"context"
	"errors"
	"fmt"
	"log/slog"
	"os"
	"path/filepath"
	"sync"
	"time"

	"github.com/jackc/pgx/v5/pgxpool"

	"github.com/albatross-va/albatross/domain"
	"github.com/albatross-va/albatross/domain/events"
	"github.com/albatross-va/albatross/store/postgres"
	"github.com/albatross-va/albatross/store/projector"
	"github.com/albatross-va/albatross/store/sqlite"
)

// pirepStore is one mode's event store, opened by the bench to seed it,
// and the settings that start `albatross serve` on the same data.
type pirepStore struct {
	mode    string // as the table names it: "Embedded" or "PostgreSQL"
	es      domain.EventStore
	writers int      // concurrent seeding writers, as the other groups use
	env     []string // what serve needs to open the same data
	// proj projects the seeded events into PostgreSQL's read models before
	// the server starts; the embedded server rebuilds its own at start.
	proj    *projector.Projector
	pool    *pgxpool.Pool // PostgreSQL only
	release func()        // closes the bench's handles, before the server opens the data
	reopen  func(ctx context.Context) error
	remove  func() // drops the data, after the server stopped
}

// pirepModes are the two deployment models, each opened fresh, by the
// name -modes selects them with.
var pirepModes = []struct {
	name string
	open func(ctx context.Context, c config, log *slog.Logger) (*pirepStore, error)
}{{"embedded", openEmbeddedPireps}, {"postgres", openPostgresPireps}}

// pirepModes are the modes -modes selected.
func (c config) pirepModes() []func(ctx context.Context, c config, log *slog.Logger) (*pirepStore, error) {
	var out []func(ctx context.Context, c config, log *slog.Logger) (*pirepStore, error)
	for _, m := range pirepModes {
		if c.modes[m.name] {
			out = append(out, m.open)
		}
	}
	return out
}

func openEmbeddedPireps(ctx context.Context, _ config, log *slog.Logger) (*pirepStore, error) {
	dir, err := os.MkdirTemp("", "albatross-bench-pireps-")
	if err != nil {
		return nil, err
	}
	s := &pirepStore{mode: "Embedded", writers: 4, env: []string{"ALBATROSS_DATA_DIR=" + dir, "DATABASE_URL="},
		remove: func() { os.RemoveAll(dir) }}
	s.reopen = func(ctx context.Context) error {
		sq, err := sqlite.Open(ctx, filepath.Join(dir, "events.db"), log)
		if err != nil {
			return err
		}
		s.es, s.release = sq, func() { _ = sq.Close() }
		return nil
	}
	if err := s.reopen(ctx); err != nil {
		os.RemoveAll(dir)
		return nil, err
	}
	return s, nil
}

func openPostgresPireps(ctx context.Context, c config, log *slog.Logger) (*pirepStore, error) {
	st, err := openPGStore(ctx, c.adminURL, 16, log)
	if err != nil {
		return nil, err
	}
	return &pirepStore{mode: "PostgreSQL", es: &trackedStore{EventStore: st.es}, writers: 16, pool: st.pool,
		proj:    projector.New(st.es, postgres.NewReadModels(st.pool), events.NewRegistry(), nil, log, projector.All()...),
		env:     []string{"DATABASE_URL=" + st.db.url, "REDIS_URL="},
		release: func() { _ = st.es.Close(); st.pool.Close() },
		reopen:  func(context.Context) error { return errors.New("the PostgreSQL store is not reopened") },
		remove:  st.db.drop,
	}, nil
}

// catchUp projects what was seeded, in PostgreSQL; the embedded server
// replays the log at start instead. PostgreSQL's log shows an event only
// once every older transaction of the server has ended (any database's:
// transaction ids are the cluster's), so one CatchUp may stop short of the
// last append while someone else's transaction is open; it goes on until
// the projection holds everything the bench appended.
func (s *pirepStore) catchUp(ctx context.Context) error {
	if s.proj == nil {
		return nil
	}
	last := s.es.(*trackedStore).last()
	deadline := time.Now().Add(5 * time.Minute)
	for {
		head, err := s.es.Head(ctx)
		if err != nil {
			return err
		}
		if err := s.proj.CatchUp(ctx); err != nil {
			return err
		}
		if !last.After(head) {
			return nil
		}
		if time.Now().After(deadline) {
			return fmt.Errorf("the log still shows %v of the %v appended after 5 minutes: a transaction of the PostgreSQL server stays open", head, last)
		}
		time.Sleep(20 * time.Millisecond)
	}
}

// trackedStore remembers the position of the last event appended through
// it, for catchUp.
type trackedStore struct {
	domain.EventStore
	mu  sync.Mutex
	end domain.Position
}

func (t *trackedStore) Append(ctx context.Context, req domain.AppendRequest) (domain.AppendResult, error) {
	res, err := t.EventStore.Append(ctx, req)
	if err == nil {
		t.mu.Lock()
		if res.Position.After(t.end) {
			t.end = res.Position
		}
		t.mu.Unlock()
	}
	return res, err
}

func (t *trackedStore) last() domain.Position {
	t.mu.Lock()
	defer t.mu.Unlock()
	return t.end
}

// serve releases the bench's handles and starts the server on the data.
func (s *pirepStore) serve(ctx context.Context, c config) (*server, error) {
	s.release()
	s.release = func() {}
	return startServer(ctx, c.albatross, os.TempDir(), s.env)
}

// pirepLast is the newest seeded block-off time: seeded PIREPs are in the
// past, the form's filings in the bench's own days.
var pirepLast = time.Date(2026, 10, 1, 0, 0, 0, 0, time.UTC)
