package importjobs_test

import (
	"context"
	"os"
	"slices"
	"sync"
	"testing"
	"time"

	"github.com/google/uuid"
	"github.com/redis/go-redis/v9"

	"github.com/albatross-va/albatross/domain"
	"github.com/albatross-va/albatross/domain/imports"
	"github.com/albatross-va/albatross/store/importjobs"
	"github.com/albatross-va/albatross/store/pgtest"
)

// stores returns, per adapter, two stores that should hold the same jobs:
// the same Local twice, and two Redis stores on separate clients, as two
// processes of a deployment would have.
func stores(t *testing.T, r imports.Retention) map[string][2]imports.JobStore {
	t.Helper()
	local := importjobs.NewLocal(r)
	out := map[string][2]imports.JobStore{"local": {local, local}}
	url := pgtest.RedisURL()
	if os.Getenv("CI") == "" && !redisAnswers(url) {
		t.Logf("no Redis at %s: only the in-process store is tried", url)
		return out
	}
	pgtest.RequireRedis(t, url)
	opts, err := redis.ParseURL(url)
	if err != nil {
		t.Fatal(err)
	}
	prefix := importjobs.KeyPrefixFor(uuid.NewString())
	var pair [2]imports.JobStore
	for i := range pair {
		c := redis.NewClient(opts)
		t.Cleanup(func() { c.Close() })
		pair[i] = importjobs.NewRedis(c, prefix, r)
	}
	t.Cleanup(func() { forget(t, opts, prefix) })
	out["redis, two processes"] = pair
	return out
}

// redisAnswers says whether a Redis answers at url.
func redisAnswers(url string) bool {
	opts, err := redis.ParseURL(url)
	if err != nil {
		return false
	}
	c := redis.NewClient(opts)
	defer c.Close()
	ctx, cancel := context.WithTimeout(context.Background(), time.Second)
	defer cancel()
	return c.Ping(ctx).Err() == nil
}

// forget deletes a test's keys.
func forget(t *testing.T, opts *redis.Options, prefix string) {
	c := redis.NewClient(opts)
	defer c.Close()
	ctx := context.Background()
	keys, err := c.Keys(ctx, prefix+"*").Result()
	if err == nil && len(keys) > 0 {
		err = c.Del(ctx, keys...).Err()
	}
	if err != nil {
		t.Logf("leaving keys under %s: %v", prefix, err)
	}
}

var ctx = context.Background()

func status(airline, state string, started time.Time) imports.Status {
	return imports.Status{ID: uuid.NewString(), AirlineID: airline, Kind: "airports", FileName: "airports.csv",
		State: state, Started: started, Heartbeat: started}
}

func ids(list []imports.Status) []string {
	var out []string
	for _, s := range list {
		out = append(out, s.ID)
	}
	return out
}

func TestAJobIsReadOnEveryProcessAndOnlyByItsAirline(t *testing.T) {
	for name, pair := range stores(t, imports.DefaultRetention) {
		t.Run(name, func(t *testing.T) {
			airline, other := uuid.NewString(), uuid.NewString()
			start := time.Now().Add(-time.Minute).Round(time.Millisecond)
			older := status(airline, imports.Done, start)
			job := status(airline, imports.Refused, start.Add(time.Second))
			job.Rows, job.Valid, job.Total = 3, 2, 2
			job.Problems = []imports.Problem{{Line: 3, Column: "icao", Message: `"K1" is not an ICAO code.`}}
			theirs := status(other, imports.Applying, start.Add(2*time.Second))
			for _, s := range []imports.Status{older, job, theirs} {
				if err := pair[0].Save(ctx, s); err != nil {
					t.Fatal(err)
				}
			}

			got, err := pair[1].Get(ctx, airline, job.ID)
			if err != nil {
				t.Fatal(err)
			}
			if got.State != imports.Refused || got.Valid != 2 || len(got.Problems) != 1 || got.Problems[0] != job.Problems[0] || !got.Started.Equal(job.Started) {
				t.Errorf("the other process reads %+v, want %+v", got, job)
			}
			if _, err := pair[1].Get(ctx, other, job.ID); domain.ErrorCode(err) != domain.ENotFound {
				t.Errorf("another airline reads the job: %v, want not found", err)
			}
			if _, err := pair[1].Get(ctx, airline, theirs.ID); domain.ErrorCode(err) != domain.ENotFound {
				t.Errorf("the airline reads another airline's job: %v, want not found", err)
			}
			list, err := pair[1].List(ctx, airline)
			if err != nil {
				t.Fatal(err)
			}
			if want := []string{job.ID, older.ID}; !slices.Equal(ids(list), want) {
				t.Errorf("the airline's list is %v, want its own jobs newest first %v", ids(list), want)
			}

			// A later save replaces the status.
			job.State, job.Done, job.Created = imports.Done, 2, 2
			if err := pair[1].Save(ctx, job); err != nil {
				t.Fatal(err)
			}
			if got, _ := pair[0].Get(ctx, airline, job.ID); got.State != imports.Done || got.Created != 2 {
				t.Errorf("after the second save the first process reads %s with %d created", got.State, got.Created)
			}
		})
	}
}

func TestOnlyAnAirlinesLastFinishedJobsAreKept(t *testing.T) {
	for name, pair := range stores(t, imports.Retention{Keep: 3, Finished: time.Hour, File: time.Hour}) {
		t.Run(name, func(t *testing.T) {
			airline, other := uuid.NewString(), uuid.NewString()
			start := time.Now().Add(-time.Hour).Round(time.Millisecond)
			theirs := status(other, imports.Done, start.Add(-time.Minute)) // older than all: counts for its airline only
			running := status(airline, imports.Applying, start)
			refused := status(airline, imports.Refused, start.Add(time.Second))
			for _, s := range []imports.Status{theirs, running, refused} {
				if err := pair[0].Save(ctx, s); err != nil {
					t.Fatal(err)
				}
			}
			var finished []string
			for i := range 5 {
				state := imports.Done
				if i == 2 {
					state = imports.Failed
				}
				s := status(airline, state, start.Add(time.Duration(10+i)*time.Second))
				if err := pair[i%2].Save(ctx, s); err != nil {
					t.Fatal(err)
				}
				finished = append(finished, s.ID)
			}
			list, err := pair[1].List(ctx, airline)
			if err != nil {
				t.Fatal(err)
			}
			want := []string{finished[4], finished[3], finished[2], refused.ID, running.ID}
			if !slices.Equal(ids(list), want) {
				t.Errorf("kept %v, want the 3 newest finished jobs and those not finished %v", ids(list), want)
			}
			if _, err := pair[0].Get(ctx, airline, finished[0]); domain.ErrorCode(err) != domain.ENotFound {
				t.Errorf("the oldest finished job is still there: %v", err)
			}
			if _, err := pair[0].Get(ctx, other, theirs.ID); err != nil {
				t.Errorf("another airline's finished job was forgotten: %v", err)
			}
			// The job that started first finishes last (its valid rows were
			// applied a day later): it stays, and the earliest to finish goes.
			running.State = imports.Done
			if err := pair[1].Save(ctx, running); err != nil {
				t.Fatal(err)
			}
			if _, err := pair[0].Get(ctx, airline, running.ID); err != nil {
				t.Errorf("the job that has just finished was forgotten: %v", err)
			}
			if _, err := pair[0].Get(ctx, airline, finished[2]); domain.ErrorCode(err) != domain.ENotFound {
				t.Errorf("the earliest finished of the kept jobs is still there: %v", err)
			}
		})
	}
}

func TestARefusedFileIsTakenOnce(t *testing.T) {
	for name, pair := range stores(t, imports.DefaultRetention) {
		t.Run(name, func(t *testing.T) {
			airline, other := uuid.NewString(), uuid.NewString()
			job := status(airline, imports.Refused, time.Now())
			file := []byte("icao,name,lat,lon\nLPPT,Lisbon,38.78,-9.13\nK1,Nowhere,1,1\n")
			if err := pair[0].Save(ctx, job); err != nil {
				t.Fatal(err)
			}
			if err := pair[0].KeepFile(ctx, airline, job.ID, file); err != nil {
				t.Fatal(err)
			}
			if _, err := pair[1].TakeFile(ctx, other, job.ID); domain.ErrorCode(err) != domain.EConflict {
				t.Errorf("another airline takes the file: %v, want a conflict", err)
			}

			const clicks = 16
			var (
				wg        sync.WaitGroup
				mu        sync.Mutex
				got       [][]byte
				conflicts int
			)
			for i := range clicks {
				wg.Add(1)
				go func() {
					defer wg.Done()
					b, err := pair[i%2].TakeFile(ctx, airline, job.ID)
					mu.Lock()
					defer mu.Unlock()
					switch {
					case err == nil:
						got = append(got, b)
					case domain.ErrorCode(err) == domain.EConflict:
						conflicts++
					default:
						t.Errorf("take: %v", err)
					}
				}()
			}
			wg.Wait()
			if len(got) != 1 || conflicts != clicks-1 || string(got[0]) != string(file) {
				t.Fatalf("%d callers got the file (%d conflicts), want exactly one with the file as kept", len(got), conflicts)
			}
		})
	}
}

func TestJobsAndFilesExpire(t *testing.T) {
	for name, pair := range stores(t, imports.Retention{Keep: 20, Finished: 300 * time.Millisecond, File: 300 * time.Millisecond}) {
		t.Run(name, func(t *testing.T) {
			airline := uuid.NewString()
			job := status(airline, imports.Refused, time.Now())
			if err := pair[0].Save(ctx, job); err != nil {
				t.Fatal(err)
			}
			if err := pair[0].KeepFile(ctx, airline, job.ID, []byte("a,b\n1,2\n")); err != nil {
				t.Fatal(err)
			}
			if _, err := pair[1].Get(ctx, airline, job.ID); err != nil {
				t.Fatalf("before it expires: %v", err)
			}
			time.Sleep(500 * time.Millisecond) // the retention itself, not a timing assertion
			if _, err := pair[1].Get(ctx, airline, job.ID); domain.ErrorCode(err) != domain.ENotFound {
				t.Errorf("after it expired the job reads %v, want not found", err)
			}
			if list, err := pair[1].List(ctx, airline); err != nil || len(list) != 0 {
				t.Errorf("after it expired the list is %v (%v), want empty", ids(list), err)
			}
			if _, err := pair[1].TakeFile(ctx, airline, job.ID); domain.ErrorCode(err) != domain.EConflict {
				t.Errorf("after it expired the file is taken: %v, want a conflict", err)
			}
		})
	}
}
