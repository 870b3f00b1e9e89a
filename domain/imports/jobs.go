package imports

import (
	"bytes"
	"context"
	"log/slog"
	"slices"
	"sync"
	"time"

	"github.com/albatross-va/albatross/domain"
)

// Job states.
const (
	Checking = "checking" // the file is being read and every row checked
	Refused  = "refused"  // the file has problems: nothing was applied
	Applying = "applying" // records are being saved
	Done     = "done"
	Failed   = "failed" // the file could not be read, or the process stopped
)

// Status is a job as its page shows it.
type Status struct {
	ID        string
	AirlineID string
	Kind      string
	FileName  string
	State     string
	Message   string
	Rows      int // data rows in the file
	Valid     int // rows without problems
	Total     int // records to apply
	Done      int // records applied so far
	Created   int
	Updated   int
	Unchanged int
	Problems  []Problem // every problem found, and records that failed to apply
	OnlyValid bool
	Started   time.Time
}

// Job is one import: a file of one kind for one airline.
type Job struct {
	kind    Kind
	meta    domain.CommandMeta
	file    []byte
	records []Record

	mu sync.Mutex
	st Status
}

// Status returns a copy of the job's status.
func (j *Job) Status() Status {
	j.mu.Lock()
	defer j.mu.Unlock()
	s := j.st
	s.Problems = append([]Problem(nil), j.st.Problems...)
	return s
}

// Jobs runs import jobs in the background and keeps them for their pages.
// Jobs live in this process: a page asks the process that took the upload.
type Jobs struct {
	// Progress is told about a job whenever its status changes visibly: the
	// caller turns it into a live update of the job's page.
	Progress func(s Status)
	Log      *slog.Logger
	// Keep is how many finished jobs are kept per airline.
	Keep int
	// Settle, when set, waits until the read models include a log position.
	// A job waits for its last event before it reports done, so the next
	// file (aircraft after subfleets, flights after both) is checked
	// against every record the previous one saved.
	Settle func(ctx context.Context, pos domain.Position) error

	mu   sync.Mutex
	jobs map[string]*Job
	wg   sync.WaitGroup
	ctx  context.Context
	stop context.CancelFunc
}

// NewJobs returns a job runner whose jobs stop when Close is called.
func NewJobs(progress func(Status), log *slog.Logger) *Jobs {
	ctx, stop := context.WithCancel(context.Background())
	return &Jobs{Progress: progress, Log: log, Keep: 20, jobs: map[string]*Job{}, ctx: ctx, stop: stop}
}

// Start checks file in the background and, when it has no problems (or
// onlyValid is set), applies its records. It returns at once.
func (js *Jobs) Start(k Kind, meta domain.CommandMeta, airlineID, fileName string, file []byte, onlyValid bool) *Job {
	j := &Job{kind: k, meta: meta, file: file, st: Status{ID: domain.NewUUID(), AirlineID: airlineID, Kind: k.Name,
		FileName: fileName, State: Checking, OnlyValid: onlyValid, Started: time.Now()}}
	js.mu.Lock()
	js.jobs[j.st.ID] = j
	js.prune(airlineID)
	js.mu.Unlock()
	js.wg.Add(1)
	go func() {
		defer js.wg.Done()
		js.check(j)
	}()
	return j
}

// Get returns a job of the airline; another airline's job is not found.
func (js *Jobs) Get(airlineID, id string) (*Job, error) {
	js.mu.Lock()
	defer js.mu.Unlock()
	j, ok := js.jobs[id]
	if !ok || j.st.AirlineID != airlineID {
		return nil, domain.Errorf(domain.ENotFound, "There is no such import. Imports are kept until the server restarts.")
	}
	return j, nil
}

// List returns the airline's jobs, newest first.
func (js *Jobs) List(airlineID string) []Status {
	js.mu.Lock()
	var out []Status
	for _, j := range js.jobs {
		if j.st.AirlineID == airlineID {
			out = append(out, j.Status())
		}
	}
	js.mu.Unlock()
	for i := 1; i < len(out); i++ {
		for k := i; k > 0 && out[k].Started.After(out[k-1].Started); k-- {
			out[k], out[k-1] = out[k-1], out[k]
		}
	}
	return out
}

// ApplyValid applies the valid rows of a refused job: the admin saw the
// problems and chose to import the rest.
func (js *Jobs) ApplyValid(airlineID, id string, meta domain.CommandMeta) (*Job, error) {
	j, err := js.Get(airlineID, id)
	if err != nil {
		return nil, err
	}
	j.mu.Lock()
	if j.st.State != Refused || len(j.records) == 0 {
		j.mu.Unlock()
		return nil, domain.Errorf(domain.EConflict, "This import has no valid rows waiting to be applied.")
	}
	j.st.State, j.st.OnlyValid, j.meta = Applying, true, meta
	j.mu.Unlock()
	js.wg.Add(1)
	go func() {
		defer js.wg.Done()
		js.apply(j)
	}()
	return j, nil
}

// Close stops the running jobs and waits for them.
func (js *Jobs) Close() {
	js.stop()
	js.wg.Wait()
}

// Wait waits until every job started so far has finished (tests).
func (js *Jobs) Wait() { js.wg.Wait() }

// prune forgets the oldest finished jobs of an airline past Keep.
func (js *Jobs) prune(airlineID string) {
	var finished []*Job
	for _, j := range js.jobs {
		if j.st.AirlineID == airlineID && (j.st.State == Done || j.st.State == Failed) {
			finished = append(finished, j)
		}
	}
	for len(finished) > js.Keep {
		oldest := 0
		for i, j := range finished {
			if j.st.Started.Before(finished[oldest].st.Started) {
				oldest = i
			}
		}
		delete(js.jobs, finished[oldest].st.ID)
		finished = append(finished[:oldest], finished[oldest+1:]...)
	}
}

func (js *Jobs) update(j *Job, f func(s *Status)) {
	j.mu.Lock()
	f(&j.st)
	j.mu.Unlock()
	if js.Progress != nil {
		js.Progress(j.Status())
	}
}

func (js *Jobs) check(j *Job) {
	c, err := CheckFor(js.ctx, j.kind, j.st.AirlineID, bytes.NewReader(j.file))
	j.file = nil // the records are all a job needs from now on
	if err != nil {
		js.update(j, func(s *Status) { s.State, s.Message = Failed, domain.ErrorMessage(err) })
		return
	}
	j.records = c.Records
	js.update(j, func(s *Status) {
		s.Rows, s.Valid, s.Total, s.Problems = c.Rows, len(c.Records), len(c.Records), c.Problems
		if len(c.Problems) > 0 && !s.OnlyValid {
			s.State = Refused
		} else {
			s.State = Applying
		}
	})
	if j.Status().State == Applying {
		js.apply(j)
	}
}

// apply saves the records through the domain, kind.Workers at a time,
// telling about progress at most every 100 ms and at the end.
func (js *Jobs) apply(j *Job) {
	workers := max(j.kind.Workers, 1)
	next := make(chan Record)
	var (
		wg      sync.WaitGroup
		lastPos domain.Position
		last    = time.Now()
	)
	for range workers {
		wg.Add(1)
		go func() {
			defer wg.Done()
			for r := range next {
				js.applyOne(j, r, &lastPos, &last)
			}
		}()
	}
	stopped := false
	for _, r := range j.records {
		if js.ctx.Err() != nil {
			stopped = true
			break
		}
		next <- r
	}
	close(next)
	wg.Wait()
	if stopped {
		js.update(j, func(s *Status) {
			s.State, s.Message = Failed, "The server stopped during the import; import the file again to finish it."
		})
		return
	}
	if js.Settle != nil && lastPos != domain.Start {
		ctx, cancel := context.WithTimeout(js.ctx, time.Minute)
		if err := js.Settle(ctx, lastPos); err != nil && js.Log != nil {
			js.Log.Warn("import: the read models did not reach the job's last event", "job", j.st.ID, "err", err)
		}
		cancel()
	}
	js.update(j, func(s *Status) {
		s.State = Done
		slices.SortStableFunc(s.Problems, func(a, b Problem) int { return a.Line - b.Line })
	})
}

// applyOne saves one record and counts it; lastPos and last are guarded by
// the job's lock.
func (js *Jobs) applyOne(j *Job, r Record, lastPos *domain.Position, last *time.Time) {
	meta := j.meta
	meta.ID = "" // each record its own command; a repeat of the file changes nothing anyway
	outcome, res, err := j.kind.Apply(js.ctx, meta, j.st.AirlineID, r.Value)
	j.mu.Lock()
	j.st.Done++
	switch {
	case err != nil:
		p := Problem{Line: r.Line, Column: j.kind.Columns[0].Name, Message: domain.ErrorMessage(err)}
		for col, msg := range domain.ErrorFields(err) {
			p.Column, p.Message = col, msg
		}
		j.st.Problems = append(j.st.Problems, p)
		if domain.ErrorCode(err) == domain.EInternal && js.Log != nil {
			js.Log.Error("import row failed", "job", j.st.ID, "row", r.Line, "err", err)
		}
	case outcome == domain.Created:
		j.st.Created++
	case outcome == domain.Updated:
		j.st.Updated++
	default:
		j.st.Unchanged++
	}
	if err == nil && res.Position.After(*lastPos) {
		*lastPos = res.Position
	}
	tell := time.Since(*last) > 100*time.Millisecond
	if tell {
		*last = time.Now()
	}
	j.mu.Unlock()
	if tell && js.Progress != nil {
		js.Progress(j.Status())
	}
}
