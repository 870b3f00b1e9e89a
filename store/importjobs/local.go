// Package importjobs keeps the statuses of CSV import jobs (and a refused
// job's file) for domain/imports: in the process, or in Redis so that every
// process of a deployment reads the same jobs.
package importjobs

import (
	"cmp"
	"context"
	"slices"
	"sync"
	"time"

	"github.com/albatross-va/albatross/domain/imports"
)

// Local keeps jobs in this process: the embedded mode's, and any single
// process without Redis.
type Local struct {
	r   imports.Retention
	now func() time.Time

	mu    sync.Mutex
	jobs  map[string]localEntry[imports.Status] // by airline and id
	files map[string]localEntry[[]byte]
	swept time.Time
	saves uint64 // counts saves, to order finished jobs by when they finished
}

type localEntry[T any] struct {
	v       T
	expires time.Time
	save    uint64 // which save wrote it
}

var _ imports.JobStore = (*Local)(nil)

// NewLocal returns an empty store that keeps jobs as r says.
func NewLocal(r imports.Retention) *Local {
	return &Local{r: r, now: time.Now, jobs: map[string]localEntry[imports.Status]{}, files: map[string]localEntry[[]byte]{}}
}

func localKey(airlineID, id string) string { return airlineID + "/" + id }

// Save implements imports.JobStore.
func (l *Local) Save(_ context.Context, s imports.Status) error {
	s.Problems = slices.Clone(s.Problems)
	l.mu.Lock()
	defer l.mu.Unlock()
	now := l.now()
	l.sweep(now)
	l.saves++
	l.jobs[localKey(s.AirlineID, s.ID)] = localEntry[imports.Status]{s, now.Add(l.r.Finished), l.saves}
	if s.Finished() {
		l.prune(s.AirlineID, now)
	}
	return nil
}

// prune forgets the airline's earliest finished jobs beyond Keep. A
// finished job is saved no more, so its last save orders it by when it
// finished, and the job that has just finished is never forgotten, however
// long ago it started. The caller holds mu.
func (l *Local) prune(airlineID string, now time.Time) {
	var finished []localEntry[imports.Status]
	for _, e := range l.jobs {
		if e.v.AirlineID == airlineID && e.v.Finished() && now.Before(e.expires) {
			finished = append(finished, e)
		}
	}
	if len(finished) <= l.r.Keep {
		return
	}
	slices.SortFunc(finished, func(a, b localEntry[imports.Status]) int { return cmp.Compare(b.save, a.save) })
	for _, e := range finished[l.r.Keep:] {
		delete(l.jobs, localKey(e.v.AirlineID, e.v.ID))
	}
}

func newestFirst(a, b imports.Status) int { return b.Started.Compare(a.Started) }

// sweep forgets what expired, once a minute at most; the caller holds mu.
func (l *Local) sweep(now time.Time) {
	if now.Sub(l.swept) < time.Minute {
		return
	}
	l.swept = now
	for k, e := range l.jobs {
		if !now.Before(e.expires) {
			delete(l.jobs, k)
		}
	}
	for k, e := range l.files {
		if !now.Before(e.expires) {
			delete(l.files, k)
		}
	}
}

// Get implements imports.JobStore.
func (l *Local) Get(_ context.Context, airlineID, id string) (imports.Status, error) {
	l.mu.Lock()
	defer l.mu.Unlock()
	e, ok := l.jobs[localKey(airlineID, id)]
	if !ok || !l.now().Before(e.expires) {
		return imports.Status{}, imports.ErrNoSuchJob
	}
	s := e.v
	s.Problems = slices.Clone(s.Problems)
	return s, nil
}

// List implements imports.JobStore.
func (l *Local) List(_ context.Context, airlineID string) ([]imports.Status, error) {
	l.mu.Lock()
	now := l.now()
	var out []imports.Status
	for _, e := range l.jobs {
		if e.v.AirlineID == airlineID && now.Before(e.expires) {
			s := e.v
			s.Problems = slices.Clone(s.Problems)
			out = append(out, s)
		}
	}
	l.mu.Unlock()
	slices.SortFunc(out, newestFirst)
	return out, nil
}

// KeepFile implements imports.JobStore.
func (l *Local) KeepFile(_ context.Context, airlineID, id string, file []byte) error {
	l.mu.Lock()
	defer l.mu.Unlock()
	l.files[localKey(airlineID, id)] = localEntry[[]byte]{v: slices.Clone(file), expires: l.now().Add(l.r.File)}
	return nil
}

// TakeFile implements imports.JobStore.
func (l *Local) TakeFile(_ context.Context, airlineID, id string) ([]byte, error) {
	l.mu.Lock()
	defer l.mu.Unlock()
	k := localKey(airlineID, id)
	e, ok := l.files[k]
	delete(l.files, k)
	if !ok || !l.now().Before(e.expires) {
		return nil, imports.ErrNoValidRows
	}
	return e.v, nil
}
