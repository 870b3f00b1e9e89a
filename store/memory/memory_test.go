package memory_test

import (
	"context"
	"errors"
	"sync"
	"testing"
	"time"

	"github.com/google/uuid"

	"github.com/albatross-va/albatross/domain"
	"github.com/albatross-va/albatross/store/memory"
	"github.com/albatross-va/albatross/store/projector"
	"github.com/albatross-va/albatross/store/readmodel"
	"github.com/albatross-va/albatross/store/readmodeltest"
)

var _ projector.Backend = (*memory.ReadModels)(nil)

func TestQueries(t *testing.T) {
	readmodeltest.Run(t, func(t *testing.T) readmodel.Querier { return memory.New() })
}

// The suite again, with every query run inside a batch, as the projector
// runs them.
func TestQueriesInBatch(t *testing.T) {
	readmodeltest.Run(t, func(t *testing.T) readmodel.Querier { return batchQuerier{memory.New()} })
}

// batchQuerier runs each call in its own Batch.
type batchQuerier struct{ *memory.ReadModels }

func (b batchQuerier) UpsertAirline(ctx context.Context, arg readmodel.UpsertAirlineParams) error {
	return b.in(ctx, func(q readmodel.Querier) error { return q.UpsertAirline(ctx, arg) })
}

func (b batchQuerier) SetCheckpoint(ctx context.Context, arg readmodel.SetCheckpointParams) error {
	return b.in(ctx, func(q readmodel.Querier) error { return q.SetCheckpoint(ctx, arg) })
}

func (b batchQuerier) DeleteCheckpoint(ctx context.Context, name string) error {
	return b.in(ctx, func(q readmodel.Querier) error { return q.DeleteCheckpoint(ctx, name) })
}

func (b batchQuerier) DeleteAllAirlines(ctx context.Context) error {
	return b.in(ctx, func(q readmodel.Querier) error { return q.DeleteAllAirlines(ctx) })
}

func (b batchQuerier) UpsertUser(ctx context.Context, arg readmodel.UpsertUserParams) error {
	return b.in(ctx, func(q readmodel.Querier) error { return q.UpsertUser(ctx, arg) })
}

func (b batchQuerier) SetUserPassword(ctx context.Context, arg readmodel.SetUserPasswordParams) error {
	return b.in(ctx, func(q readmodel.Querier) error { return q.SetUserPassword(ctx, arg) })
}

func (b batchQuerier) DeleteAllUsers(ctx context.Context) error {
	return b.in(ctx, func(q readmodel.Querier) error { return q.DeleteAllUsers(ctx) })
}

func (b batchQuerier) in(ctx context.Context, fn func(q readmodel.Querier) error) error {
	ran, err := b.Batch(ctx, "suite", fn)
	if !ran && err == nil {
		return errors.New("batch did not run")
	}
	return err
}

var when = time.Date(2026, 11, 28, 12, 0, 0, 0, time.UTC)

func params(id uuid.UUID, slug string) readmodel.UpsertAirlineParams {
	return readmodel.UpsertAirlineParams{ID: id, Name: slug, Icao: "BAW", Slug: slug, CreatedAt: when}
}

// A failing batch leaves nothing behind, whatever it had done: inserts,
// updates, a delete of every row, checkpoints.
func TestBatchRollsBackOnError(t *testing.T) {
	ctx := context.Background()
	m := memory.New()
	kept := params(uuid.New(), "kept")
	if err := m.UpsertAirline(ctx, kept); err != nil {
		t.Fatal(err)
	}
	if err := m.SetCheckpoint(ctx, readmodel.SetCheckpointParams{Name: "airlines", CommitTx: 1, Seq: 1, UpdatedAt: when}); err != nil {
		t.Fatal(err)
	}
	before, _ := m.ListAirlines(ctx)
	boom := errors.New("boom")
	for _, tc := range []struct {
		name string
		end  func() error
	}{
		{"error", func() error { return boom }},
		{"panic", func() error { panic(boom) }},
	} {
		t.Run(tc.name, func(t *testing.T) {
			func() {
				defer func() { _ = recover() }()
				ran, err := m.Batch(ctx, "airlines", func(q readmodel.Querier) error {
					changed := kept
					changed.Slug = "renamed"
					for _, step := range []error{
						q.UpsertAirline(ctx, params(uuid.New(), "new-1")),
						q.UpsertAirline(ctx, changed),
						q.DeleteAllAirlines(ctx),
						q.UpsertAirline(ctx, params(uuid.New(), "kept")),
						q.SetCheckpoint(ctx, readmodel.SetCheckpointParams{Name: "airlines", CommitTx: 9, Seq: 9, UpdatedAt: when}),
						q.SetCheckpoint(ctx, readmodel.SetCheckpointParams{Name: "other", CommitTx: 9, Seq: 9, UpdatedAt: when}),
						q.DeleteCheckpoint(ctx, "airlines"),
					} {
						if step != nil {
							t.Fatalf("step in batch: %v", step)
						}
					}
					return tc.end()
				})
				if !ran || !errors.Is(err, boom) {
					t.Errorf("Batch = %v, %v; want ran and boom", ran, err)
				}
			}()
			after, _ := m.ListAirlines(ctx)
			if len(after) != 1 || after[0] != before[0] {
				t.Errorf("airlines after a failed batch = %+v, want %+v", after, before)
			}
			if c, err := m.GetCheckpoint(ctx, "airlines"); err != nil || c.Seq != 1 {
				t.Errorf("checkpoint after a failed batch = %+v, %v; want seq 1", c, err)
			}
			if _, err := m.GetCheckpoint(ctx, "other"); domain.ErrorCode(err) != domain.ENotFound {
				t.Errorf("checkpoint set by a failed batch is visible: %v", err)
			}
			if got, err := m.GetAirlineBySlug(ctx, "kept"); err != nil || got.ID != kept.ID {
				t.Errorf("slug index after a failed batch: %+v, %v", got, err)
			}
		})
	}
}

// After a failed statement the batch is aborted, as in PostgreSQL: later
// statements fail and the batch does not commit even if fn returns nil.
func TestBatchAbortsAfterFailedStatement(t *testing.T) {
	ctx := context.Background()
	m := memory.New()
	if err := m.UpsertAirline(ctx, params(uuid.New(), "taken")); err != nil {
		t.Fatal(err)
	}
	ran, err := m.Batch(ctx, "airlines", func(q readmodel.Querier) error {
		_ = q.UpsertAirline(ctx, params(uuid.New(), "fresh"))
		if err := q.UpsertAirline(ctx, params(uuid.New(), "taken")); err == nil {
			t.Error("upsert of a taken slug succeeded")
		}
		if err := q.UpsertAirline(ctx, params(uuid.New(), "later")); err == nil {
			t.Error("a statement after a failed one succeeded")
		}
		return nil // ignores the failure
	})
	if !ran || err == nil {
		t.Errorf("Batch = %v, %v; want ran and a commit error", ran, err)
	}
	if _, err := m.GetAirlineBySlug(ctx, "fresh"); domain.ErrorCode(err) != domain.ENotFound {
		t.Errorf("a row of the aborted batch is visible: %v", err)
	}
}

// Only one batch of a projection runs at a time; the second returns at once.
func TestBatchOfBusyProjectionDoesNotRun(t *testing.T) {
	ctx := context.Background()
	m := memory.New()
	inside, release := make(chan struct{}), make(chan struct{})
	var wg sync.WaitGroup
	wg.Add(1)
	go func() {
		defer wg.Done()
		_, _ = m.Batch(ctx, "airlines", func(readmodel.Querier) error {
			close(inside)
			<-release
			return nil
		})
	}()
	<-inside
	ran, err := m.Batch(ctx, "airlines", func(readmodel.Querier) error {
		t.Error("a second batch of a busy projection ran")
		return nil
	})
	if ran || err != nil {
		t.Errorf("Batch of a busy projection = %v, %v; want false, nil", ran, err)
	}
	close(release)
	wg.Wait()
	ran, err = m.Batch(ctx, "airlines", func(readmodel.Querier) error { return nil })
	if !ran || err != nil {
		t.Errorf("Batch after the first ended = %v, %v; want ran", ran, err)
	}
}

// Readers never see a batch half done: they wait for it to commit.
func TestReadersSeeWholeBatches(t *testing.T) {
	ctx := context.Background()
	m := memory.New()
	const n = 50
	done := make(chan struct{})
	go func() {
		defer close(done)
		for i := 0; i < 20; i++ {
			_, _ = m.Batch(ctx, "airlines", func(q readmodel.Querier) error {
				if err := q.DeleteAllAirlines(ctx); err != nil {
					return err
				}
				for j := 0; j < n; j++ {
					if err := q.UpsertAirline(ctx, params(uuid.New(), uuid.NewString())); err != nil {
						return err
					}
				}
				return nil
			})
		}
	}()
	for {
		select {
		case <-done:
			return
		default:
		}
		got, err := m.ListAirlines(ctx)
		if err != nil {
			t.Fatal(err)
		}
		if len(got) != 0 && len(got) != n {
			t.Fatalf("a reader saw %d rows, a batch half done", len(got))
		}
	}
}

// A querier kept after its batch ended refuses to be used.
func TestBatchQuerierEndsWithBatch(t *testing.T) {
	ctx := context.Background()
	m := memory.New()
	var leaked readmodel.Querier
	if _, err := m.Batch(ctx, "airlines", func(q readmodel.Querier) error { leaked = q; return nil }); err != nil {
		t.Fatal(err)
	}
	if err := leaked.UpsertAirline(ctx, params(uuid.New(), "late")); !errors.Is(err, memory.ErrBatchEnded) {
		t.Errorf("write through a finished batch: err = %v, want memory.ErrBatchEnded", err)
	}
}
