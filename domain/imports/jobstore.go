package imports

import (
	"context"
	"time"
)

// JobStore keeps import jobs' statuses where every process of a deployment
// can read them, so that a job's page, the airline's recent imports and
// "import only the valid rows" work on whichever process a request reaches.
// A job's worker runs in one process and writes each visible change here.
type JobStore interface {
	// Save writes a job's status, creating the job on its first save. Each
	// save keeps the job for Retention.Finished from now; a save that
	// finishes a job (done, partial or failed) forgets the airline's oldest finished
	// jobs beyond Retention.Keep.
	Save(ctx context.Context, s Status) error
	// Get returns a job of the airline. A job of another airline, or one
	// forgotten, is not found (domain.ENotFound).
	Get(ctx context.Context, airlineID, id string) (Status, error)
	// List returns the airline's jobs, newest first.
	List(ctx context.Context, airlineID string) ([]Status, error)
	// KeepFile keeps a refused job's uploaded file for Retention.File, so
	// that any process can apply its valid rows.
	KeepFile(ctx context.Context, airlineID, id string, file []byte) error
	// TakeFile returns a job's kept file and forgets it in one step: of
	// callers racing on any processes, one gets the file and the others a
	// domain.EConflict, as does a caller of another airline, or one after
	// the file expired.
	TakeFile(ctx context.Context, airlineID, id string) ([]byte, error)
}

// Retention says how long a JobStore keeps what.
type Retention struct {
	// Keep is how many finished (done, partial or failed) jobs are kept per airline;
	// those that finished earliest are forgotten first, never the job
	// finishing now.
	Keep int
	// Finished is how long a job is kept after its last save: a finished
	// job for that long, and one whose process died without a word too.
	Finished time.Duration
	// File is how long a refused job's file waits for "import only the
	// valid rows": files reach 32 MB, so less long than the status.
	File time.Duration
}

// DefaultRetention keeps the last 20 finished jobs of an airline for a
// week, and a refused file for a day.
var DefaultRetention = Retention{Keep: 20, Finished: 7 * 24 * time.Hour, File: 24 * time.Hour}

// Finished reports whether a job's worker is done with it: its status no
// longer changes.
func (s Status) Finished() bool { return s.State == Done || s.State == Partial || s.State == Failed }

// Running reports whether a worker is (or was, until its process stopped)
// checking or applying the job.
func (s Status) Running() bool { return s.State == Checking || s.State == Applying }
