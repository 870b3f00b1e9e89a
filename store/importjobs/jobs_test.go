package importjobs_test

import (
	"context"
	"errors"
	"strings"
	"sync"
	"sync/atomic"
	"testing"
	"time"

	"github.com/google/uuid"

	"github.com/albatross-va/albatross/domain"
	"github.com/albatross-va/albatross/domain/imports"
)

// things is a file kind for these tests: a key per row, and a row whose
// value is "bad" has a problem. Applying counts the records and, when hold
// is set, waits for it to close first.
func things(applied *atomic.Int32, hold <-chan struct{}) imports.Kind {
	return imports.Kind{Name: "things", Columns: []imports.Column{{Name: "key", Required: true}, {Name: "value"}},
		Check: func(r imports.Row) (any, map[string]string) {
			if r.Get("value") == "bad" {
				return nil, map[string]string{"value": "This value is bad."}
			}
			return r.Get("key"), nil
		},
		Key: func(rec any) string { return rec.(string) },
		Apply: func(ctx context.Context, _ domain.CommandMeta, _ string, _ any) (domain.Outcome, domain.AppendResult, error) {
			if hold != nil {
				select {
				case <-hold:
				case <-ctx.Done():
				}
			}
			applied.Add(1)
			return domain.Created, domain.AppendResult{}, nil
		},
	}
}

// processes returns two job runners on a pair of stores: two processes.
func processes(t *testing.T, pair [2]imports.JobStore, lease time.Duration) [2]*imports.Jobs {
	var out [2]*imports.Jobs
	for i, s := range pair {
		out[i] = imports.NewJobs(s, nil, nil)
		out[i].Lease = lease
		t.Cleanup(out[i].Close)
	}
	return out
}

func TestImportOnlyTheValidRowsRunsOnceWhoeverClicks(t *testing.T) {
	for name, pair := range stores(t, imports.DefaultRetention) {
		t.Run(name, func(t *testing.T) {
			var applied atomic.Int32
			kind := things(&applied, nil)
			procs := processes(t, pair, 0)
			airline := uuid.NewString()
			st, err := procs[0].Start(ctx, kind, domain.CommandMeta{}, airline, "things.csv", []byte("key,value\na,1\nb,bad\nc,3\n"), false)
			if err != nil {
				t.Fatal(err)
			}
			procs[0].Wait()
			got, err := procs[1].Get(ctx, airline, st.ID)
			if err != nil || got.State != imports.Refused || got.Valid != 2 || len(got.Problems) != 1 {
				t.Fatalf("the other process reads %+v (%v), want refused with 2 valid rows and 1 problem", got, err)
			}
			if _, err := procs[1].Get(ctx, uuid.NewString(), st.ID); domain.ErrorCode(err) != domain.ENotFound {
				t.Errorf("another airline reads the job: %v", err)
			}
			if err := procs[1].ApplyValid(ctx, kind, uuid.NewString(), st.ID, domain.CommandMeta{}); domain.ErrorCode(err) != domain.ENotFound {
				t.Errorf("another airline applies the job: %v, want not found", err)
			}

			const clicks = 8
			var (
				wg        sync.WaitGroup
				ok        atomic.Int32
				conflicts atomic.Int32
			)
			for i := range clicks {
				wg.Add(1)
				go func() {
					defer wg.Done()
					err := procs[i%2].ApplyValid(ctx, kind, airline, st.ID, domain.CommandMeta{})
					switch {
					case err == nil:
						ok.Add(1)
					case domain.ErrorCode(err) == domain.EConflict:
						conflicts.Add(1)
					default:
						t.Errorf("apply: %v", err)
					}
				}()
			}
			wg.Wait()
			procs[0].Wait()
			procs[1].Wait()
			if ok.Load() != 1 || conflicts.Load() != clicks-1 {
				t.Errorf("%d clicks applied and %d got a conflict, want 1 and %d", ok.Load(), conflicts.Load(), clicks-1)
			}
			got, err = procs[0].Get(ctx, airline, st.ID)
			if err != nil || got.State != imports.Done || got.Created != 2 || applied.Load() != 2 {
				t.Errorf("after the clicks: %s with %d created, %d records applied (%v); want done, 2 and 2", got.State, got.Created, applied.Load(), err)
			}
			if list, _ := procs[1].List(ctx, airline); len(list) != 1 || list[0].State != imports.Done {
				t.Errorf("the other process lists %+v", list)
			}
		})
	}
}

func TestAJobWhoseProcessStoppedIsShownFailed(t *testing.T) {
	// Long enough that a stall of a loaded machine is not taken for a
	// dead process: the heartbeat comes every quarter lease.
	const lease = time.Second
	for name, pair := range stores(t, imports.DefaultRetention) {
		t.Run(name, func(t *testing.T) {
			procs := processes(t, pair, lease)
			airline := uuid.NewString()

			// A job its process left applying: nobody saved it for longer than a lease.
			left := status(airline, imports.Applying, time.Now().Add(-time.Minute))
			left.Heartbeat = time.Now().Add(-2 * lease)
			if err := pair[0].Save(ctx, left); err != nil {
				t.Fatal(err)
			}
			got, err := procs[1].Get(ctx, airline, left.ID)
			if err != nil || got.State != imports.Failed || !strings.Contains(got.Message, "import the file again") {
				t.Errorf("a job left by a stopped process reads %s %q (%v), want failed, to import again", got.State, got.Message, err)
			}
			if list, _ := procs[1].List(ctx, airline); len(list) != 1 || list[0].State != imports.Failed {
				t.Errorf("the list shows the left job as %+v, want failed", list)
			}

			// A job that runs longer than a lease, on a live process, is alive.
			var applied atomic.Int32
			hold := make(chan struct{})
			st, err := procs[0].Start(ctx, things(&applied, hold), domain.CommandMeta{}, airline, "slow.csv", []byte("key\na\n"), false)
			if err != nil {
				t.Fatal(err)
			}
			time.Sleep(2 * lease) // the lease itself, not a timing assertion
			got, err = procs[1].Get(ctx, airline, st.ID)
			close(hold)
			if err != nil || got.State != imports.Applying {
				t.Errorf("a job still running after %s reads %s %q (%v), want applying", 2*lease, got.State, got.Message, err)
			}
			procs[0].Wait()
			if got, _ := procs[1].Get(ctx, airline, st.ID); got.State != imports.Done {
				t.Errorf("after it finished: %s", got.State)
			}
		})
	}
}

// failingSaves is a store whose first saves of a finished job fail, as a
// Redis that blips at the wrong moment.
type failingSaves struct {
	imports.JobStore
	failures atomic.Int32
}

func (f *failingSaves) Save(ctx context.Context, s imports.Status) error {
	if s.Finished() && f.failures.Add(-1) >= 0 {
		return errors.New("connection reset by peer")
	}
	return f.JobStore.Save(ctx, s)
}

// A job whose last status fails to save a few times still ends done, not
// applying until its lease runs out and then failed.
func TestAJobsLastStatusIsSavedDespiteFailures(t *testing.T) {
	for name, pair := range stores(t, imports.DefaultRetention) {
		t.Run(name, func(t *testing.T) {
			store := &failingSaves{JobStore: pair[0]}
			store.failures.Store(3)
			jobs := imports.NewJobs(store, nil, nil)
			t.Cleanup(jobs.Close)
			var applied atomic.Int32
			airline := uuid.NewString()
			st, err := jobs.Start(ctx, things(&applied, nil), domain.CommandMeta{}, airline, "things.csv", []byte("key\na\nb\n"), false)
			if err != nil {
				t.Fatal(err)
			}
			jobs.Wait()
			if got, err := pair[1].Get(ctx, airline, st.ID); err != nil || got.State != imports.Done || got.Created != 2 {
				t.Errorf("the job reads %s with %d created (%v), want done with 2", got.State, got.Created, err)
			}
		})
	}
}
