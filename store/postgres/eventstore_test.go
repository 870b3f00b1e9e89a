package postgres_test

import (
	"context"
	"log/slog"
	"strings"
	"testing"
	"time"

	"github.com/albatross-va/albatross/domain"
	"github.com/albatross-va/albatross/store/eventstoretest"
	"github.com/albatross-va/albatross/store/pgtest"
	"github.com/albatross-va/albatross/store/postgres"
)

func newStore(t *testing.T) *postgres.EventStore {
	t.Helper()
	s := postgres.NewEventStore(pgtest.NewPool(t), slog.New(slog.DiscardHandler))
	t.Cleanup(func() { _ = s.Close() })
	return s
}

func TestEventStoreConformance(t *testing.T) {
	eventstoretest.Run(t, eventstoretest.Harness{
		New: func(t *testing.T) domain.EventStore { return newStore(t) },
		SetBeforeCommit: func(s domain.EventStore, fn func(context.Context, domain.AppendRequest) error) {
			s.(*postgres.EventStore).SetBeforeCommit(fn)
		},
		RollbackLeavesGap: true,
	})
}

// TestEventsAreAppendOnly: the schema itself refuses to change history, even
// to a program that bypasses the event store.
func TestEventsAreAppendOnly(t *testing.T) {
	t.Parallel()
	pool := pgtest.NewPool(t)
	s := postgres.NewEventStore(pool, nil)
	t.Cleanup(func() { _ = s.Close() })
	ctx := context.Background()
	if _, err := s.Append(ctx, domain.AppendRequest{StreamID: "s", TenantID: "t",
		Events: []domain.NewEvent{{Type: "x", Data: []byte("original")}}}); err != nil {
		t.Fatal(err)
	}
	for _, stmt := range []string{
		`UPDATE events SET data = 'forged'`,
		`DELETE FROM events`,
		`TRUNCATE events`,
	} {
		if _, err := pool.Exec(ctx, stmt); err == nil {
			t.Errorf("%s succeeded on the event log", stmt)
		}
	}
	evs, err := s.ReadStream(ctx, "s", 0)
	if err != nil || len(evs) != 1 || string(evs[0].Data) != "original" {
		t.Errorf("after the refused changes the stream is %+v, %v", evs, err)
	}
}

// TestReadAllWaitsForOpenTransactions: a follower stops below the oldest
// open writing transaction, wherever it is in the cluster, and goes on
// once it ends.
func TestReadAllWaitsForOpenTransactions(t *testing.T) {
	t.Parallel()
	pool := pgtest.NewPool(t)
	s := postgres.NewEventStore(pool, nil)
	t.Cleanup(func() { _ = s.Close() })
	ctx := context.Background()
	other := pgtest.NewPool(t) // another database on the same server
	tx, err := other.Begin(ctx)
	if err != nil {
		t.Fatal(err)
	}
	defer func() { _ = tx.Rollback(ctx) }()
	if _, err := tx.Exec(ctx, `SELECT pg_current_xact_id()`); err != nil { // takes a transaction id
		t.Fatal(err)
	}
	res, err := s.Append(ctx, domain.AppendRequest{StreamID: "s", TenantID: "t",
		Events: []domain.NewEvent{{Type: "x", Data: []byte("a")}}})
	if err != nil {
		t.Fatal(err)
	}
	if evs, err := s.ReadAll(ctx, domain.Start, 10); err != nil || len(evs) != 0 {
		t.Fatalf("read all while another database's transaction is open = %d events, %v; want none", len(evs), err)
	}
	if err := tx.Rollback(ctx); err != nil {
		t.Fatal(err)
	}
	// Other tests on the server may hold transactions too: poll.
	deadline := time.Now().Add(time.Minute)
	for {
		evs, err := s.ReadAll(ctx, domain.Start, 10)
		if err != nil {
			t.Fatal(err)
		}
		if len(evs) == 1 {
			if evs[0].Position != res.Position {
				t.Errorf("read %s, append reported %s", evs[0].Position, res.Position)
			}
			return
		}
		if len(evs) > 1 {
			t.Fatalf("read %d events, want 1", len(evs))
		}
		if time.Now().After(deadline) {
			t.Fatal("event never became readable")
		}
		time.Sleep(5 * time.Millisecond)
	}
}

func TestVerifyRefusesALogFromAnotherCluster(t *testing.T) {
	ctx := context.Background()
	pool := pgtest.NewPool(t)
	es := postgres.NewEventStore(pool, nil)
	t.Cleanup(func() { es.Close() })
	if _, err := es.Append(ctx, domain.AppendRequest{StreamID: "s", TenantID: "t", Expected: domain.NoStream,
		Events: []domain.NewEvent{{Type: "t", SchemaVersion: 1, Data: []byte("x")}}}); err != nil {
		t.Fatal(err)
	}
	if err := es.Verify(ctx); err != nil {
		t.Fatalf("a log written here: %v", err)
	}
	// What a restored dump looks like: an event whose transaction id this
	// cluster has not reached.
	if _, err := pool.Exec(ctx, `INSERT INTO events (commit_tx, stream_id, version, tenant_id, type, schema_version, data, actor, command_id, correlation_id, causation_id, recorded_at)
VALUES ($1, 'restored', 1, 't', 't', 1, '', '', '', '', '', now())`, int64(1)<<50); err != nil {
		t.Fatal(err)
	}
	if err := es.Verify(ctx); err == nil || !strings.Contains(err.Error(), "physical copy") {
		t.Errorf("a log from another cluster: %v, want a refusal that says what to do", err)
	}
}
