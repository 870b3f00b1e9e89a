package postgres_test

import (
	"context"
	"errors"
	"testing"
	"time"

	"github.com/google/uuid"
	"github.com/jackc/pgx/v5/pgconn"
	"github.com/jackc/pgx/v5/pgxpool"

	"github.com/albatross-va/albatross/domain"
	"github.com/albatross-va/albatross/store/pgtest"
	"github.com/albatross-va/albatross/store/postgres"
	"github.com/albatross-va/albatross/store/projector"
	"github.com/albatross-va/albatross/store/readmodel"
	"github.com/albatross-va/albatross/store/readmodeltest"
)

var _ projector.Backend = (*postgres.ReadModels)(nil)

func TestReadModelQueries(t *testing.T) {
	readmodeltest.Run(t, func(t *testing.T) readmodel.Querier {
		return postgres.NewReadModels(pgtest.NewPool(t)).Reader()
	})
}

var when = time.Date(2026, 11, 28, 12, 0, 0, 0, time.UTC)

func params(slug string) readmodel.UpsertAirlineParams {
	return readmodel.UpsertAirlineParams{ID: uuid.New(), Name: slug, Icao: "BAW", Slug: slug, CreatedAt: when}
}

func TestReadModelsBatch(t *testing.T) {
	ctx := context.Background()
	pool := pgtest.NewPool(t)
	rm := postgres.NewReadModels(pool)

	t.Run("commits", func(t *testing.T) {
		ran, err := rm.Batch(ctx, "airlines", func(q readmodel.Querier) error {
			return q.UpsertAirline(ctx, params("committed"))
		})
		if !ran || err != nil {
			t.Fatalf("Batch = %v, %v", ran, err)
		}
		if _, err := rm.Reader().GetAirlineBySlug(ctx, "committed"); err != nil {
			t.Errorf("row of a committed batch: %v", err)
		}
	})

	t.Run("rolls back on error", func(t *testing.T) {
		boom := errors.New("boom")
		ran, err := rm.Batch(ctx, "airlines", func(q readmodel.Querier) error {
			if err := q.UpsertAirline(ctx, params("rolled-back")); err != nil {
				return err
			}
			if err := q.SetCheckpoint(ctx, readmodel.SetCheckpointParams{Name: "airlines", CommitTx: 1, Seq: 1, UpdatedAt: when}); err != nil {
				return err
			}
			return boom
		})
		if !ran || !errors.Is(err, boom) {
			t.Fatalf("Batch = %v, %v; want ran and boom", ran, err)
		}
		if _, err := rm.Reader().GetAirlineBySlug(ctx, "rolled-back"); domain.ErrorCode(err) != domain.ENotFound {
			t.Errorf("row of a failed batch: err = %v, want not found", err)
		}
		if _, err := rm.Reader().GetCheckpoint(ctx, "airlines"); domain.ErrorCode(err) != domain.ENotFound {
			t.Errorf("checkpoint of a failed batch: err = %v, want not found", err)
		}
	})

	t.Run("a failed batch leaves the PIREP counts", func(t *testing.T) {
		// The staff list's count of a state reads pirep_counts, which
		// triggers keep in the batch's transaction.
		count := func() int64 {
			t.Helper()
			n, err := rm.Reader().CountPirepsByAirline(ctx, readmodel.CountPirepsByAirlineParams{TenantID: "counts", State: "accepted",
				FromTime: when.AddDate(-1, 0, 0), ToTime: when.AddDate(1, 0, 0)})
			if err != nil {
				t.Fatalf("CountPirepsByAirline: %v", err)
			}
			return n
		}
		p := readmodel.UpsertPirepParams{TenantID: "counts", ID: uuid.New(), PilotID: uuid.New(), AircraftID: uuid.New(), State: "accepted",
			BlockOff: when, BlockOn: when.Add(time.Hour), FlightTime: 60, FiledAt: when, QueuedAt: when, UpdatedAt: when}
		if err := rm.Reader().UpsertPirep(ctx, p); err != nil {
			t.Fatal(err)
		}
		boom := errors.New("boom")
		ran, err := rm.Batch(ctx, "pireps", func(q readmodel.Querier) error {
			moved := p
			moved.State = "rejected"
			if err := q.UpsertPirep(ctx, moved); err != nil {
				return err
			}
			added := p
			added.ID = uuid.New()
			if err := q.UpsertPirep(ctx, added); err != nil {
				return err
			}
			return boom
		})
		if !ran || !errors.Is(err, boom) {
			t.Fatalf("Batch = %v, %v; want ran and boom", ran, err)
		}
		if n := count(); n != 1 {
			t.Errorf("accepted PIREPs after a failed batch: %d, want 1", n)
		}
	})

	t.Run("one batch per projection at a time", func(t *testing.T) {
		ran, err := rm.Batch(ctx, "airlines", func(readmodel.Querier) error {
			// Another session asks for the same projection: refused at once.
			ran, err := rm.Batch(ctx, "airlines", func(readmodel.Querier) error {
				t.Error("second batch of a locked projection ran")
				return nil
			})
			if ran || err != nil {
				t.Errorf("Batch of a locked projection = %v, %v; want false, nil", ran, err)
			}
			// Another projection is not held up.
			ran, err = rm.Batch(ctx, "pireps", func(readmodel.Querier) error { return nil })
			if !ran || err != nil {
				t.Errorf("Batch of another projection = %v, %v; want ran", ran, err)
			}
			return nil
		})
		if !ran || err != nil {
			t.Fatalf("Batch = %v, %v", ran, err)
		}
		// The lock ended with the transaction.
		ran, err = rm.Batch(ctx, "airlines", func(readmodel.Querier) error { return nil })
		if !ran || err != nil {
			t.Errorf("Batch after the first ended = %v, %v; want ran", ran, err)
		}
	})

	// Until fn writes, a batch holds no transaction id: the event store's
	// readers stop below the oldest running one, so a batch that had one
	// could not read the events committed after it began.
	t.Run("lock takes no transaction id", func(t *testing.T) {
		ran, err := rm.Batch(ctx, "airlines", func(q readmodel.Querier) error {
			if _, err := q.GetCheckpoint(ctx, "airlines"); err != nil && domain.ErrorCode(err) != domain.ENotFound {
				return err
			}
			if n := sessionsWithXID(t, pool); n != 0 {
				t.Errorf("%d sessions of the database hold a transaction id after the lock; want 0", n)
			}
			return nil
		})
		if !ran || err != nil {
			t.Fatalf("Batch = %v, %v", ran, err)
		}
	})

	t.Run("cancelled context", func(t *testing.T) {
		cctx, cancel := context.WithCancel(ctx)
		ran, err := rm.Batch(cctx, "airlines", func(q readmodel.Querier) error {
			if err := q.UpsertAirline(cctx, params("cancelled")); err != nil {
				return err
			}
			cancel()
			return nil
		})
		if err == nil {
			t.Fatalf("Batch whose context ended before the commit = %v, nil; want an error", ran)
		}
		if _, err := rm.Reader().GetAirlineBySlug(ctx, "cancelled"); domain.ErrorCode(err) != domain.ENotFound {
			t.Errorf("row of a cancelled batch: err = %v, want not found", err)
		}
	})
}

func sessionsWithXID(t *testing.T, pool *pgxpool.Pool) int {
	t.Helper()
	var n int
	err := pool.QueryRow(context.Background(),
		`SELECT count(*) FROM pg_stat_activity WHERE datname = current_database() AND backend_xid IS NOT NULL`).Scan(&n)
	if err != nil {
		t.Fatalf("count sessions with a transaction id: %v", err)
	}
	return n
}

func TestReadModelsBatchSendsWritesTogetherButFailsWhole(t *testing.T) {
	ctx := context.Background()
	rm := postgres.NewReadModels(pgtest.NewPool(t))

	var seen []readmodel.Airline
	ran, err := rm.Batch(ctx, "airlines", func(q readmodel.Querier) error {
		for _, slug := range []string{"one", "two"} {
			if err := q.UpsertAirline(ctx, params(slug)); err != nil {
				return err
			}
		}
		var err error
		seen, err = q.ListAirlines(ctx) // a read inside the batch sees its writes
		return err
	})
	if !ran || err != nil || len(seen) != 2 {
		t.Fatalf("Batch = %v, %v; the batch saw %d of its 2 writes", ran, err, len(seen))
	}

	// Two airlines with one slug: the second write fails only when the
	// queued writes are sent, and the whole batch must go with it.
	ran, err = rm.Batch(ctx, "airlines", func(q readmodel.Querier) error {
		for _, slug := range []string{"three", "three"} {
			if err := q.UpsertAirline(ctx, params(slug)); err != nil {
				return err
			}
		}
		return q.SetCheckpoint(ctx, readmodel.SetCheckpointParams{Name: "airlines", CommitTx: 9, Seq: 9, UpdatedAt: when})
	})
	if !ran || err == nil {
		t.Fatalf("a batch with a failing write = %v, %v; want its error", ran, err)
	}
	if _, err := rm.Reader().GetAirlineBySlug(ctx, "three"); domain.ErrorCode(err) != domain.ENotFound {
		t.Errorf("a row of the failed batch was committed: %v", err)
	}
	if _, err := rm.Reader().GetCheckpoint(ctx, "airlines"); domain.ErrorCode(err) != domain.ENotFound {
		t.Errorf("the checkpoint of the failed batch was committed: %v", err)
	}
}

// A unique violation is the domain's conflict, from the pool and from a
// batch's queued writes alike, and still PostgreSQL's error underneath, so
// that the projector's quarantine and the outage checks classify it.
func TestUniqueViolationIsAConflict(t *testing.T) {
	ctx := context.Background()
	rm := postgres.NewReadModels(pgtest.NewPool(t))
	if err := rm.Reader().UpsertAirline(ctx, params("taken")); err != nil {
		t.Fatal(err)
	}
	check := func(what string, err error) {
		t.Helper()
		var pgErr *pgconn.PgError
		if domain.ErrorCode(err) != domain.EConflict || !errors.As(err, &pgErr) || pgErr.Code != "23505" {
			t.Errorf("%s: %v, want a conflict wrapping SQLSTATE 23505", what, err)
		}
		if want := readmodel.UniqueViolation("airlines_slug").Message; domain.ErrorMessage(err) != want {
			t.Errorf("%s: message %q, want %q", what, domain.ErrorMessage(err), want)
		}
		if !rm.IsDataError(err) || postgres.Unreachable(err) {
			t.Errorf("%s: IsDataError %v, Unreachable %v; want a data error, not an outage", what, rm.IsDataError(err), postgres.Unreachable(err))
		}
	}
	check("from the pool", rm.Reader().UpsertAirline(ctx, params("taken")))
	_, err := rm.Batch(ctx, "airlines", func(q readmodel.Querier) error {
		return q.UpsertAirline(ctx, params("taken")) // queued: refused at the flush
	})
	check("from a batch", err)
}
