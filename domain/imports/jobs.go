package imports

import (
	"bytes"
	"context"
	"log/slog"
	"slices"
	"strconv"
	"strings"
	"sync"
	"time"

	"github.com/albatross-va/albatross/domain"
)

// Job states.
const (
	Checking = "checking" // the file is being read and every row checked
	Refused  = "refused"  // the file has problems: nothing was applied
	Applying = "applying" // records are being saved
	Done     = "done"     // every checked record was applied
	Partial  = "partial"  // some checked records were applied, others failed: Applied and NotApplied say which
	Failed   = "failed"   // the file could not be read, the process stopped, or no record could be applied
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
	// Encoding is how the file was read (UTF8 or Windows1252); "" until
	// it is checked.
	Encoding string
	// Applied and NotApplied are the rows of a job that did not apply
	// all its checked records, as ranges ("2-40, 42"): those saved, and
	// those that failed or were never tried. Problems say why each failed.
	Applied, NotApplied string
	// Problems are the first MaxKeptProblems problems found and records
	// that failed to apply; ProblemCount counts them all. A file of 200,000
	// bad rows would otherwise be a status of megabytes, saved ten times a
	// second and read by every page that shows it.
	Problems     []Problem
	ProblemCount int
	// Notes are what the admin should know that is no problem: columns
	// ignored, airports added from the world reference, subfleets created.
	Notes     []string
	OnlyValid bool
	Started   time.Time
	// Heartbeat is when the worker last saved the job. A running job whose
	// heartbeat is older than Jobs.Lease was left by a process that stopped.
	Heartbeat time.Time
}

// job is one import as the process that works on it holds it: the file
// and its checked records stay here, the status goes to the JobStore.
type job struct {
	kind    Kind
	meta    domain.CommandMeta
	file    []byte
	records []Record
	before  func(context.Context, domain.CommandMeta, func(context.Context, domain.Position) error) ([]string, error)
	// failed holds the lines of the records that failed to apply; guarded
	// by mu.
	failed map[int]bool

	mu sync.Mutex
	st Status
	// saving orders the saves of one job: each takes its snapshot while
	// holding it, so a late save never overwrites a newer status.
	saving sync.Mutex
}

// MaxKeptProblems is how many of a job's problems its status keeps.
const MaxKeptProblems = 500

// addProblems counts problems and keeps them while there is room.
func (s *Status) addProblems(ps ...Problem) {
	s.ProblemCount += len(ps)
	if room := MaxKeptProblems - len(s.Problems); room > 0 {
		s.Problems = append(s.Problems, ps[:min(room, len(ps))]...)
	}
}

// Status returns a copy of the job's status.
func (j *job) Status() Status {
	j.mu.Lock()
	defer j.mu.Unlock()
	s := j.st
	s.Problems = append([]Problem(nil), j.st.Problems...)
	s.Notes = append([]string(nil), j.st.Notes...)
	return s
}

// Jobs runs import jobs in the background. A job's worker runs in the
// process that started it; its status is in Store, so any process of the
// deployment can show it and apply a refused job's valid rows.
type Jobs struct {
	Store JobStore
	// Progress is told about a job whenever its status changes visibly,
	// after the change is in Store: the caller turns it into a live update
	// of the job's page, which re-reads the status.
	Progress func(s Status)
	Log      *slog.Logger
	// Settle, when set, waits until the read models include a log position.
	// A job waits for its last event before it reports done, so the next
	// file (aircraft after subfleets, flights after both) is checked
	// against every record the previous one saved.
	Settle func(ctx context.Context, pos domain.Position) error
	// Lease is how long a running job may go unsaved before it is shown
	// as failed (DefaultLease when 0). Its worker saves at least every
	// quarter lease, so only a process that stopped misses it.
	Lease time.Duration
	// Watcher, when set, is told when a worker of this process starts on
	// a job and when it ends (for /metrics). Set it before Start.
	Watcher JobWatcher

	wg   sync.WaitGroup
	ctx  context.Context
	stop context.CancelFunc
}

// JobWatcher is told of the jobs a process works on: the kind's name when
// a worker starts on one, and the job's last status when it ends.
type JobWatcher interface {
	JobStarted(kind string)
	JobEnded(s Status)
}

// DefaultLease is how long a job's page waits, without a word from the
// job's process, before it says the import failed.
const DefaultLease = time.Minute

// Messages a job's page shows for a job that cannot go on.
const (
	stoppedMessage = "The server stopped during the import; import the file again to finish it."
	leftMessage    = "The server running this import stopped; import the file again to finish it."
)

// ErrNoValidRows is the answer to "import only the valid rows" when there
// are none waiting: another click took them first, or the file expired.
var ErrNoValidRows = domain.Errorf(domain.EConflict, "This import has no valid rows waiting to be applied: they are being applied already, or the file is no longer kept (upload it again).")

// ErrNoSuchJob answers for a job of another airline, one forgotten, or
// none.
var ErrNoSuchJob = domain.Errorf(domain.ENotFound, "There is no such import: finished imports are kept for a while, then forgotten.")

// NewJobs returns a job runner on store whose jobs stop when Close is
// called.
func NewJobs(store JobStore, progress func(Status), log *slog.Logger) *Jobs {
	ctx, stop := context.WithCancel(context.Background())
	return &Jobs{Store: store, Progress: progress, Log: log, ctx: ctx, stop: stop}
}

func (js *Jobs) lease() time.Duration {
	if js.Lease > 0 {
		return js.Lease
	}
	return DefaultLease
}

// Start saves a new job and checks file in the background and, when it has
// no problems (or onlyValid is set), applies its records. It returns once
// the job is saved, so its page can be read on any process.
func (js *Jobs) Start(ctx context.Context, k Kind, meta domain.CommandMeta, airlineID, fileName string, file []byte, onlyValid bool) (Status, error) {
	now := time.Now()
	j := &job{kind: k, meta: meta, file: file, st: Status{ID: domain.NewUUID(), AirlineID: airlineID, Kind: k.Name,
		FileName: fileName, State: Checking, OnlyValid: onlyValid, Started: now, Heartbeat: now}}
	s := j.Status()
	if err := js.Store.Save(ctx, s); err != nil {
		return Status{}, err
	}
	js.run(j)
	return s, nil
}

// Get returns a job of the airline; another airline's job is not found.
func (js *Jobs) Get(ctx context.Context, airlineID, id string) (Status, error) {
	s, err := js.Store.Get(ctx, airlineID, id)
	if err != nil {
		return Status{}, err
	}
	return js.judge(s), nil
}

// List returns the airline's jobs, newest first.
func (js *Jobs) List(ctx context.Context, airlineID string) ([]Status, error) {
	list, err := js.Store.List(ctx, airlineID)
	for i := range list {
		list[i] = js.judge(list[i])
	}
	return list, err
}

// judge shows a running job whose process has not saved it for a lease
// as failed: that process stopped without finishing it (a crash, a kill),
// and nobody else will. The stored status is left as it is; it expires
// with the job.
func (js *Jobs) judge(s Status) Status {
	if s.Running() && time.Since(s.Heartbeat) > js.lease() {
		s.State, s.Message = Failed, leftMessage
	}
	return s
}

// ApplyValid applies the valid rows of a refused job of kind k: the admin
// saw the problems and chose to import the rest. It may run on any process:
// the file is taken from the store in one step, so of two clicks (on two
// processes) one applies and the other gets ErrNoValidRows.
func (js *Jobs) ApplyValid(ctx context.Context, k Kind, airlineID, id string, meta domain.CommandMeta) error {
	s, err := js.Get(ctx, airlineID, id)
	if err != nil {
		return err
	}
	if s.State != Refused || s.Valid == 0 || s.Kind != k.Name {
		return ErrNoValidRows
	}
	file, err := js.Store.TakeFile(ctx, airlineID, id)
	if err != nil {
		return err
	}
	// The file is checked again, against the airline as it is now.
	s.State, s.OnlyValid, s.Heartbeat = Applying, true, time.Now()
	if err := js.Store.Save(ctx, s); err != nil {
		if kerr := js.Store.KeepFile(ctx, airlineID, id, file); kerr != nil && js.Log != nil {
			js.Log.Error("import: the file of a refused job is lost", "job", id, "err", kerr)
		}
		return err
	}
	js.run(&job{kind: k, meta: meta, file: file, st: s})
	return nil
}

// Close stops the running jobs and waits for them.
func (js *Jobs) Close() {
	js.stop()
	js.wg.Wait()
}

// Wait waits until every job started here so far has finished (tests).
func (js *Jobs) Wait() { js.wg.Wait() }

// run works on a job in the background, saving it every quarter lease while
// it runs so other processes know it is alive.
func (js *Jobs) run(j *job) {
	js.wg.Add(1)
	if js.Watcher != nil {
		js.Watcher.JobStarted(j.kind.Name)
	}
	go func() {
		defer js.wg.Done()
		if js.Watcher != nil {
			defer func() { js.Watcher.JobEnded(j.Status()) }()
		}
		done := make(chan struct{})
		defer close(done)
		go func() {
			tick := time.NewTicker(js.lease() / 4)
			defer tick.Stop()
			for {
				select {
				case <-done:
					return
				case <-tick.C:
					if j.Status().Running() {
						js.save(j, false)
					}
				}
			}
		}()
		js.check(j)
	}()
}

// save writes the job's status with a fresh heartbeat, then, when tell is
// set, tells Progress. A running job's status that cannot be saved is
// logged: the worker goes on, and its page catches up with the next save.
// A status the worker will not save again (refused, done, failed) is tried
// again for up to lastWordsTimeout: lost, it would leave the job looking
// alive until its lease ran out, and then failed although it is done.
func (js *Jobs) save(j *job, tell bool) {
	j.saving.Lock()
	defer j.saving.Unlock()
	j.mu.Lock()
	j.st.Heartbeat = time.Now()
	j.mu.Unlock()
	s := j.Status()
	timeout, wait := 10*time.Second, time.Duration(0)
	if !s.Running() {
		timeout, wait = lastWordsTimeout, lastWordsRetry
	}
	// The job's last words are saved during a shutdown too.
	ctx, cancel := context.WithTimeout(context.WithoutCancel(js.ctx), timeout)
	defer cancel()
	for {
		err := js.Store.Save(ctx, s)
		if err == nil {
			break
		}
		if js.Log != nil {
			js.Log.Warn("import: cannot save the job's status", "job", s.ID, "state", s.State, "err", err)
		}
		if wait == 0 || sleepCtx(ctx, wait) != nil {
			return
		}
		wait = min(2*wait, 5*time.Second)
	}
	if tell && js.Progress != nil {
		js.Progress(s)
	}
}

// How long a job's last status is tried, and the first pause between tries.
var (
	lastWordsTimeout = time.Minute
	lastWordsRetry   = 100 * time.Millisecond
)

func sleepCtx(ctx context.Context, d time.Duration) error {
	t := time.NewTimer(d)
	defer t.Stop()
	select {
	case <-ctx.Done():
		return ctx.Err()
	case <-t.C:
		return nil
	}
}

func (js *Jobs) update(j *job, f func(s *Status)) {
	j.mu.Lock()
	f(&j.st)
	j.mu.Unlock()
	js.save(j, true)
}

func (js *Jobs) check(j *job) {
	c, err := CheckFor(js.ctx, j.kind, j.st.AirlineID, bytes.NewReader(j.file))
	file := j.file
	j.file = nil // the records are all the worker needs from now on
	if err != nil {
		js.update(j, func(s *Status) { s.State, s.Message = Failed, domain.ErrorMessage(err) })
		return
	}
	j.records, j.before = c.Records, c.Before
	refused := len(c.Problems) > 0 && !j.Status().OnlyValid
	if refused && len(c.Records) > 0 {
		// Kept before the refusal is shown, so the button it shows works
		// at once, on any process.
		ctx, cancel := context.WithTimeout(js.ctx, 10*time.Second)
		if err := js.Store.KeepFile(ctx, j.st.AirlineID, j.st.ID, file); err != nil && js.Log != nil {
			js.Log.Error("import: cannot keep the refused file; its valid rows cannot be applied", "job", j.st.ID, "err", err)
		}
		cancel()
	}
	js.update(j, func(s *Status) {
		s.Encoding = c.Encoding
		s.Rows, s.Valid, s.Total = c.Rows, len(c.Records), len(c.Records)
		s.Problems, s.ProblemCount = nil, 0
		s.addProblems(c.Problems...)
		s.Notes = c.Notes
		if refused {
			s.State = Refused
		} else {
			s.State = Applying
		}
	})
	if !refused {
		js.apply(j)
	}
}

// apply saves the records through the domain, kind.Workers at a time,
// telling about progress at most every 100 ms and at the end.
func (js *Jobs) apply(j *job) {
	if j.before != nil && len(j.records) > 0 {
		meta := j.meta
		meta.ID = ""
		notes, err := j.before(js.ctx, meta, js.settle)
		if err != nil {
			if domain.ErrorCode(err) == domain.EInternal && js.Log != nil {
				js.Log.Error("import: cannot add what the file names", "job", j.st.ID, "err", err)
			}
			js.update(j, func(s *Status) {
				s.Notes = append(s.Notes, notes...)
				s.State, s.Message = Failed, "What the file names could not be added, so none of its rows were imported: "+domain.ErrorMessage(err)
			})
			return
		}
		if len(notes) > 0 {
			js.update(j, func(s *Status) { s.Notes = append(s.Notes, notes...) })
		}
	}
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
	sent := 0
	for _, r := range j.records {
		if js.ctx.Err() != nil {
			break
		}
		next <- r
		sent++
	}
	close(next)
	wg.Wait()
	if sent < len(j.records) {
		js.update(j, func(s *Status) {
			s.State, s.Message = Failed, stoppedMessage
			js.account(j, s, sent)
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
		if len(j.failed) > 0 {
			s.State, s.Message = Partial, partialMessage
			if len(j.failed) == len(j.records) {
				s.State, s.Message = Failed, noneAppliedMessage
			}
			js.account(j, s, sent)
		}
		slices.SortStableFunc(s.Problems, func(a, b Problem) int { return a.Line - b.Line })
	})
}

// settle waits, bounded, until the read models include pos (nothing to
// wait for without Settle).
func (js *Jobs) settle(ctx context.Context, pos domain.Position) error {
	if js.Settle == nil || pos == domain.Start {
		return nil
	}
	ctx, cancel := context.WithTimeout(ctx, time.Minute)
	defer cancel()
	return js.Settle(ctx, pos)
}

// Messages of a job some of whose checked records failed to apply.
const (
	partialMessage     = "Some rows could not be imported: fix them and import the file again (rows already imported stay as they are)."
	noneAppliedMessage = "No row could be imported: fix the rows and import the file again."
)

// account writes into s which of the job's records were applied: those of
// the first sent that did not fail. Called under the job's lock.
func (js *Jobs) account(j *job, s *Status, sent int) {
	var applied, notApplied []int
	for i, r := range j.records {
		if i < sent && !j.failed[r.Line] {
			applied = append(applied, r.Line)
		} else {
			notApplied = append(notApplied, r.Line)
		}
	}
	s.Applied, s.NotApplied = Ranges(applied), Ranges(notApplied)
}

// Ranges writes ascending row numbers as ranges: "2-40, 42".
func Ranges(lines []int) string {
	slices.Sort(lines)
	var b strings.Builder
	for i := 0; i < len(lines); {
		j := i
		for j+1 < len(lines) && lines[j+1] == lines[j]+1 {
			j++
		}
		if b.Len() > 0 {
			b.WriteString(", ")
		}
		b.WriteString(strconv.Itoa(lines[i]))
		if j > i {
			b.WriteString("-" + strconv.Itoa(lines[j]))
		}
		i = j + 1
	}
	return b.String()
}

// applyOne saves one record and counts it; lastPos and last are guarded by
// the job's lock.
func (js *Jobs) applyOne(j *job, r Record, lastPos *domain.Position, last *time.Time) {
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
		p.Column, p.Message = cutRunes(p.Column, maxQuoted), cutMessage(p.Message)
		j.st.addProblems(p)
		if j.failed == nil {
			j.failed = map[int]bool{}
		}
		j.failed[r.Line] = true
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
	if tell {
		js.save(j, true)
	}
}
