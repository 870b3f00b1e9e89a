package sqlite_test

import (
	"context"
	"database/sql"
	"log/slog"
	"path/filepath"
	"testing"

	"github.com/albatross-va/albatross/domain"
	"github.com/albatross-va/albatross/store/eventstoretest"
	"github.com/albatross-va/albatross/store/sqlite"
)

func openStore(t *testing.T, path string) *sqlite.EventStore {
	t.Helper()
	s, err := sqlite.Open(t.Context(), path, slog.New(slog.DiscardHandler))
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { _ = s.Close() })
	return s
}

func TestEventStoreConformance(t *testing.T) {
	eventstoretest.Run(t, eventstoretest.Harness{
		New: func(t *testing.T) domain.EventStore {
			return openStore(t, filepath.Join(t.TempDir(), "events.db"))
		},
		SetBeforeCommit: func(s domain.EventStore, fn func(context.Context, domain.AppendRequest) error) {
			s.(*sqlite.EventStore).SetBeforeCommit(fn)
		},
		SerialWriters: true,
	})
}

func appendOne(t *testing.T, s domain.EventStore, stream, data string) domain.AppendResult {
	t.Helper()
	res, err := s.Append(t.Context(), domain.AppendRequest{StreamID: stream, TenantID: "t", Expected: domain.AnyVersion,
		Events: []domain.NewEvent{{Type: "x", Data: []byte(data)}}})
	if err != nil {
		t.Fatal(err)
	}
	return res
}

// TestEventsAreAppendOnly: the file itself refuses to change history, even to
// a program that bypasses the event store.
func TestEventsAreAppendOnly(t *testing.T) {
	t.Parallel()
	path := filepath.Join(t.TempDir(), "events.db")
	s := openStore(t, path)
	appendOne(t, s, "s", "original")

	raw, err := sql.Open("sqlite", path)
	if err != nil {
		t.Fatal(err)
	}
	defer raw.Close()
	for _, stmt := range []string{`UPDATE events SET data = 'forged'`, `DELETE FROM events`} {
		if _, err := raw.Exec(stmt); err == nil {
			t.Errorf("%s succeeded on the event log", stmt)
		}
	}
	evs, err := s.ReadStream(t.Context(), "s", 0)
	if err != nil || len(evs) != 1 || string(evs[0].Data) != "original" {
		t.Errorf("after the refused changes the stream is %+v, %v", evs, err)
	}
}

// TestReopen: the log survives closing, and reopening neither recreates nor
// reorders it.
func TestReopen(t *testing.T) {
	t.Parallel()
	path := filepath.Join(t.TempDir(), "events.db")
	s, err := sqlite.Open(t.Context(), path, nil)
	if err != nil {
		t.Fatal(err)
	}
	first := appendOne(t, s, "s", "a")
	if err := s.Close(); err != nil {
		t.Fatal(err)
	}
	s = openStore(t, path)
	second := appendOne(t, s, "s", "b")
	if second.FromVersion != 2 || !second.Position.After(first.Position) || second.Position.Commit != 0 {
		t.Errorf("after reopening, append landed at %+v; first was %+v", second, first)
	}
	evs, err := s.ReadAll(t.Context(), domain.Start, 10)
	if err != nil || len(evs) != 2 {
		t.Fatalf("read all = %d events, %v", len(evs), err)
	}
}

func TestOpenRefusesMemoryAndNewerSchema(t *testing.T) {
	t.Parallel()
	if _, err := sqlite.Open(t.Context(), ":memory:", nil); err == nil {
		t.Error("opened :memory:, whose readers cannot see the writer's data")
	}
	path := filepath.Join(t.TempDir(), "events.db")
	raw, err := sql.Open("sqlite", path)
	if err != nil {
		t.Fatal(err)
	}
	if _, err := raw.Exec(`PRAGMA user_version = 99`); err != nil {
		t.Fatal(err)
	}
	raw.Close()
	if _, err := sqlite.Open(t.Context(), path, nil); err == nil {
		t.Error("opened a file written by a newer schema")
	}
}
