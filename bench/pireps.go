package main

import (
	"context"
	"log/slog"
	"os"
	"path/filepath"
	"time"

	"github.com/albatross-va/albatross/domain"
	"github.com/albatross-va/albatross/domain/events"
	"github.com/albatross-va/albatross/store/memory"
	"github.com/albatross-va/albatross/store/postgres"
	"github.com/albatross-va/albatross/store/projector"
	"github.com/albatross-va/albatross/store/sqlite"
)

// pirepStore is one mode's event store, opened by the bench to seed it,
// and the settings that start `albatross serve` on the same data.
type pirepStore struct {
	mode    string // as the table names it: "Embedded" or "PostgreSQL"
	es      domain.EventStore
	proj    *projector.Projector // the bench's own, to time the seeding's projection
	writers int                  // concurrent seeding writers, as the other groups use
	env     []string             // what serve needs to open the same data
	release func()               // closes the bench's handles, before the server opens the data
	remove  func()               // drops the data, after the server stopped
}

// pirepModes are the two deployment models, each opened fresh.
var pirepModes = []func(ctx context.Context, c config, log *slog.Logger) (*pirepStore, error){openEmbeddedPireps, openPostgresPireps}

func openEmbeddedPireps(ctx context.Context, _ config, log *slog.Logger) (*pirepStore, error) {
	dir, err := os.MkdirTemp("", "albatross-bench-pireps-")
	if err != nil {
		return nil, err
	}
	sq, err := sqlite.Open(ctx, filepath.Join(dir, "events.db"), log)
	if err != nil {
		os.RemoveAll(dir)
		return nil, err
	}
	mem := memory.New()
	return &pirepStore{mode: "Embedded", es: sq, writers: 4,
		proj:    projector.New(sq, mem, events.NewRegistry(), nil, log, projector.All()...),
		env:     []string{"ALBATROSS_DATA_DIR=" + dir, "DATABASE_URL="},
		release: func() { _ = sq.Close() },
		remove:  func() { os.RemoveAll(dir) },
	}, nil
}

func openPostgresPireps(ctx context.Context, c config, log *slog.Logger) (*pirepStore, error) {
	st, err := openPGStore(ctx, c.adminURL, 16, log)
	if err != nil {
		return nil, err
	}
	return &pirepStore{mode: "PostgreSQL", es: st.es, writers: 16,
		proj:    projector.New(st.es, postgres.NewReadModels(st.pool), events.NewRegistry(), nil, log, projector.All()...),
		env:     []string{"DATABASE_URL=" + st.db.url, "REDIS_URL="},
		release: func() { _ = st.es.Close(); st.pool.Close() },
		remove:  st.db.drop,
	}, nil
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
