package mail

import (
	"context"
	"log/slog"
	"time"

	"github.com/albatross-va/albatross/internal/backoff"
)

// The states of a queued email.
const (
	StatusPending = "pending" // waiting for its first or next attempt
	StatusSent    = "sent"
	StatusFailed  = "failed" // every attempt failed; shown to the platform admin
)

// Queued is one email of the outbox.
type Queued struct {
	ID        string
	Key       string // unique: the same key is queued once (an event's position, a request)
	TenantID  string // the airline, or "" for the platform
	Kind      string // KindPasswordReset, KindPirepReviewed, …
	To        string
	Subject   string
	Raw       []byte // the encoded message; emptied once sent
	Status    string
	Attempts  int
	NextAt    time.Time
	LastError string
	CreatedAt time.Time
	SentAt    time.Time
}

// Outbox is the durable queue of emails: the data folder's SQLite file in
// the embedded mode, a PostgreSQL table otherwise.
type Outbox interface {
	// Enqueue adds q unless an email with its key is queued already, and
	// says whether it added it.
	Enqueue(ctx context.Context, q Queued) (bool, error)
	// Claim returns up to limit pending emails due at now, and holds each
	// until lease, so that another worker does not send it meanwhile.
	Claim(ctx context.Context, now, lease time.Time, limit int) ([]Queued, error)
	// Sent records a delivery (and drops the message's body).
	Sent(ctx context.Context, id string, at time.Time) error
	// Retry records a failed attempt: pending again at next, or failed for
	// good when final.
	Retry(ctx context.Context, id string, attempts int, next time.Time, lastError string, final bool) error
	// Troubled lists the emails that failed for good or whose last attempt
	// failed, newest first.
	Troubled(ctx context.Context, limit int) ([]Queued, error)
	// ByKey is the email queued with key.
	ByKey(ctx context.Context, key string) (Queued, error)
	// Prune deletes the emails sent before before (their keys with them:
	// by then no reaction runs again for their events).
	Prune(ctx context.Context, before time.Time) error
}

// Retention is how long a sent email's row (its recipient, subject and
// key, not its body) is kept.
const Retention = 30 * 24 * time.Hour

// Sender delivers one encoded message (SMTP in production).
type Sender interface {
	Send(ctx context.Context, to string, raw []byte) error
}

// Worker sends the outbox's emails, retrying a failure with exponential
// backoff: 30 s, 1 min, 2 min, … up to an hour, and gives up after
// MaxAttempts.
type Worker struct {
	Outbox Outbox
	Sender Sender
	Log    *slog.Logger
	// Every is how often it looks for due emails without being woken;
	// Wake makes it look at once (an enqueue in this process).
	Every time.Duration
	Wake  <-chan struct{}
	// FirstRetry and MaxAttempts: defaults 30 s and 10.
	FirstRetry  time.Duration
	MaxAttempts int
	Now         func() time.Time
}

// lease is how long a claimed email is held by its worker.
const lease = 2 * time.Minute

// maxRetry caps the wait between attempts.
const maxRetry = time.Hour

// Run sends until ctx ends.
func (w *Worker) Run(ctx context.Context) {
	every := w.Every
	if every <= 0 {
		every = 5 * time.Second
	}
	t := time.NewTicker(every)
	defer t.Stop()
	var pruned time.Time
	for {
		if now := w.now(); now.Sub(pruned) > time.Hour {
			if err := w.Outbox.Prune(ctx, now.Add(-Retention)); err != nil {
				w.Log.Warn("prune the email outbox", "err", err)
			}
			pruned = now
		}
		w.SendDue(ctx)
		select {
		case <-ctx.Done():
			return
		case <-t.C:
		case <-w.Wake:
		}
	}
}

// SendDue sends every email due now, a batch at a time.
func (w *Worker) SendDue(ctx context.Context) {
	for ctx.Err() == nil {
		now := w.now()
		batch, err := w.Outbox.Claim(ctx, now, now.Add(lease), 20)
		if err != nil {
			w.Log.Warn("read the email outbox", "err", err)
			return
		}
		for _, q := range batch {
			w.send(ctx, q)
		}
		if len(batch) < 20 {
			return
		}
	}
}

// send attempts one email and records the outcome.
func (w *Worker) send(ctx context.Context, q Queued) {
	sctx, cancel := context.WithTimeout(ctx, time.Minute)
	err := w.Sender.Send(sctx, q.To, q.Raw)
	cancel()
	rctx := context.WithoutCancel(ctx)
	if err == nil {
		if err := w.Outbox.Sent(rctx, q.ID, w.now()); err != nil {
			w.Log.Warn("record a sent email", "email", q.ID, "err", err)
		}
		w.Log.Info("email sent", "email", q.ID, "kind", q.Kind)
		return
	}
	attempts := q.Attempts + 1
	maxAttempts := w.MaxAttempts
	if maxAttempts <= 0 {
		maxAttempts = 10
	}
	final := attempts >= maxAttempts
	next := w.now().Add(Backoff(w.FirstRetry, attempts))
	msg := err.Error()
	if len(msg) > 500 {
		msg = msg[:500]
	}
	if err := w.Outbox.Retry(rctx, q.ID, attempts, next, msg, final); err != nil {
		w.Log.Warn("record a failed email", "email", q.ID, "err", err)
	}
	w.Log.Warn("email not sent", "email", q.ID, "kind", q.Kind, "attempts", attempts, "final", final, "err", msg)
}

// Backoff is the wait after the attempts-th failure: first, doubled each
// time, at most an hour.
func Backoff(first time.Duration, attempts int) time.Duration {
	if first <= 0 {
		first = 30 * time.Second
	}
	return backoff.Doubling(first, maxRetry, attempts-1)
}

func (w *Worker) now() time.Time {
	if w.Now != nil {
		return w.Now()
	}
	return time.Now()
}
