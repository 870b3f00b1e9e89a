package webhooks

import (
	"bytes"
	"context"
	"fmt"
	"io"
	"log/slog"
	"net/http"
	"strconv"
	"strings"
	"sync"
	"time"
	"unicode/utf8"

	"github.com/albatross-va/albatross/domain"

	"github.com/albatross-va/albatross/internal/backoff"
)

// Defaults of the worker.
const (
	DefaultPoll       = time.Second
	DefaultBackoff    = 10 * time.Second
	DefaultMaxBackoff = time.Hour
	DefaultMaxAge     = 24 * time.Hour
	DefaultTimeout    = 10 * time.Second
	// ResponseBytes is how much of an answer the delivery log keeps.
	ResponseBytes = 512
)

// WebhookLoader reads an airline's webhooks as they are now (a changed
// URL applies to deliveries still queued; a removed webhook gets none).
type WebhookLoader interface {
	Load(ctx context.Context, airlineID string) (*domain.AirlineWebhooks, error)
}

// Worker sends the queued deliveries: one goroutine per webhook with
// something pending, each sending its webhook's deliveries one at a time
// in the order they were queued, the oldest first, so a receiver sees
// events in order and a dead one holds up only its own queue. A failed
// attempt is tried again after Backoff, doubling up to MaxBackoff, until
// MaxAge after the delivery was queued; then it is marked failed and the
// next one goes.
type Worker struct {
	Queue  Queue
	Hooks  WebhookLoader
	Client *http.Client
	Log    *slog.Logger
	// Holder names this worker in a webhook's claim; unique per process.
	Holder     string
	Poll       time.Duration
	Backoff    time.Duration
	MaxBackoff time.Duration
	MaxAge     time.Duration
	// Now is the worker's clock (time.Now when nil).
	Now func() time.Time

	once    sync.Once
	wake    chan struct{}
	mu      sync.Mutex
	running map[string]bool
	key     []byte
}

func (w *Worker) init() {
	w.once.Do(func() {
		w.wake = make(chan struct{}, 1)
		w.running = map[string]bool{}
		if w.Poll <= 0 {
			w.Poll = DefaultPoll
		}
		if w.Backoff <= 0 {
			w.Backoff = DefaultBackoff
		}
		if w.MaxBackoff <= 0 {
			w.MaxBackoff = DefaultMaxBackoff
		}
		if w.MaxAge <= 0 {
			w.MaxAge = DefaultMaxAge
		}
		if w.Holder == "" {
			w.Holder = domain.NewUUID()
		}
		if w.Log == nil {
			w.Log = slog.Default()
		}
		if w.Client == nil {
			w.Client = Guard{}.Client(DefaultTimeout)
		}
	})
}

func (w *Worker) now() time.Time {
	if w.Now != nil {
		return w.Now()
	}
	return time.Now()
}

// Wake makes the worker look for pending deliveries now rather than at its
// next poll; it never blocks.
func (w *Worker) Wake() {
	w.init()
	select {
	case w.wake <- struct{}{}:
	default:
	}
}

// Run sends deliveries until ctx ends, and waits for the queues it started.
func (w *Worker) Run(ctx context.Context) {
	w.init()
	var wg sync.WaitGroup
	defer wg.Wait()
	t := time.NewTicker(w.Poll)
	defer t.Stop()
	var pruned time.Time
	for {
		if now := w.now(); now.Sub(pruned) > time.Hour {
			if err := w.Queue.Prune(ctx, now.Add(-Retention)); err != nil && ctx.Err() == nil {
				w.Log.WarnContext(ctx, "webhooks: prune the delivery log", "err", err)
			}
			pruned = now
		}
		hooks, err := w.Queue.PendingWebhooks(ctx)
		if err != nil && ctx.Err() == nil {
			w.Log.WarnContext(ctx, "webhooks: list pending deliveries", "err", err)
		}
		for _, h := range hooks {
			w.mu.Lock()
			busy := w.running[h[1]]
			w.running[h[1]] = true
			w.mu.Unlock()
			if busy {
				continue
			}
			wg.Add(1)
			go func(tenantID, webhookID string) {
				defer wg.Done()
				defer func() {
					w.mu.Lock()
					delete(w.running, webhookID)
					w.mu.Unlock()
				}()
				w.drain(ctx, tenantID, webhookID)
			}(h[0], h[1])
		}
		select {
		case <-ctx.Done():
			return
		case <-t.C:
		case <-w.wake:
		}
	}
}

// claimTTL is how long a claim on a webhook lasts: longer than an attempt
// and a poll, renewed before each attempt.
func (w *Worker) claimTTL() time.Duration {
	return 2*w.Client.Timeout + w.Poll + 30*time.Second
}

// drain sends a webhook's deliveries in order until none is due, then
// returns; the next poll starts it again.
func (w *Worker) drain(ctx context.Context, tenantID, webhookID string) {
	for ctx.Err() == nil {
		d, ok := w.head(ctx, webhookID)
		if !ok || d.NextAttemptAt.Sub(w.now()) > w.Poll {
			return // nothing due: a later poll comes back for it
		}
		// Claimed only when something is due, so a queue that waits an
		// hour between attempts costs a read a poll, not a write.
		claimed, err := w.Queue.Claim(ctx, webhookID, w.Holder, w.claimTTL())
		if err != nil || !claimed {
			if err != nil && ctx.Err() == nil {
				w.Log.WarnContext(ctx, "webhooks: claim a webhook", "webhook", webhookID, "err", err)
			}
			return
		}
		// Read again under the claim: another process may have sent it.
		if d, ok = w.head(ctx, webhookID); !ok {
			return
		}
		if wait := d.NextAttemptAt.Sub(w.now()); wait > 0 {
			if wait > w.Poll {
				return
			}
			select {
			case <-ctx.Done():
				return
			case <-time.After(wait):
			}
		}
		a := w.attempt(ctx, tenantID, d)
		if ctx.Err() != nil {
			return // cut short by a shutdown: tried again at the next start
		}
		if err := w.Queue.Record(context.WithoutCancel(ctx), d.ID, a); err != nil {
			w.Log.WarnContext(ctx, "webhooks: record an attempt", "webhook", webhookID, "delivery", d.ID, "err", err)
			return
		}
		if a.Status == Pending {
			continue // its next attempt is later: the head waits for it
		}
	}
}

// head reads a webhook's next delivery; ok is false when it has none or
// the read failed (logged).
func (w *Worker) head(ctx context.Context, webhookID string) (Delivery, bool) {
	d, ok, err := w.Queue.Head(ctx, webhookID)
	if err != nil && ctx.Err() == nil {
		w.Log.WarnContext(ctx, "webhooks: read the next delivery", "webhook", webhookID, "err", err)
	}
	return d, ok && err == nil
}

// attempt posts one delivery and says what came of it.
func (w *Worker) attempt(ctx context.Context, tenantID string, d Delivery) Attempt {
	now := w.now()
	hooks, err := w.Hooks.Load(ctx, tenantID)
	if err != nil {
		return w.retry(d, now, 0, "Could not read the webhook: "+domain.ErrorMessage(err))
	}
	hook, err := hooks.Get(d.WebhookID)
	if err != nil {
		return Attempt{At: now, Status: Failed, Response: "The webhook was removed: not sent."}
	}
	req, err := http.NewRequestWithContext(ctx, http.MethodPost, hook.URL, bytes.NewReader(d.Body))
	if err != nil {
		return Attempt{At: now, Status: Failed, Response: "The webhook's address is not usable: " + err.Error()}
	}
	req.Header.Set("Content-Type", "application/json")
	req.Header.Set("User-Agent", "Albatross-Webhooks/1")
	req.Header.Set("X-Albatross-Event", d.Topic)
	req.Header.Set("X-Albatross-Delivery", strconv.FormatInt(d.ID, 10))
	if hook.Kind == domain.WebhookGeneric {
		key, err := w.signingKey(ctx)
		if err != nil {
			return w.retry(d, now, 0, "Could not sign the delivery.")
		}
		req.Header.Set(SignatureHeader, Sign(Secret(key, hook.ID, hook.SecretVersion), d.Body))
	}
	resp, err := w.Client.Do(req)
	if err != nil {
		return w.retry(d, now, 0, "No answer: "+trimError(err))
	}
	defer resp.Body.Close()
	head, _ := io.ReadAll(io.LimitReader(resp.Body, ResponseBytes))
	_, _ = io.Copy(io.Discard, io.LimitReader(resp.Body, 64<<10)) // lets the connection be reused
	text := printable(head)
	code := int32(resp.StatusCode)
	if resp.StatusCode >= 200 && resp.StatusCode < 300 {
		return Attempt{At: now, Status: Delivered, ResponseCode: code, Response: text}
	}
	if resp.StatusCode >= 300 && resp.StatusCode < 400 {
		text = "Redirected to " + printable([]byte(resp.Header.Get("Location"))) + " (redirects are not followed). " + text
	}
	return w.retry(d, now, code, text)
}

// retry schedules the next attempt after a failed one, or gives up when
// the delivery is older than MaxAge.
func (w *Worker) retry(d Delivery, now time.Time, code int32, text string) Attempt {
	next := now.Add(backoff.Doubling(w.Backoff, w.MaxBackoff, int(d.Attempts)))
	if !next.Before(d.CreatedAt.Add(w.MaxAge)) {
		return Attempt{At: now, Status: Failed, ResponseCode: code, Response: text}
	}
	return Attempt{At: now, Status: Pending, NextAt: next, ResponseCode: code, Response: text}
}

func (w *Worker) signingKey(ctx context.Context) ([]byte, error) {
	w.mu.Lock()
	key := w.key
	w.mu.Unlock()
	if key != nil {
		return key, nil
	}
	key, err := w.Queue.SigningKey(ctx)
	if err != nil {
		return nil, err
	}
	w.mu.Lock()
	w.key = key
	w.mu.Unlock()
	return key, nil
}

// printable keeps the first bytes of an answer as text the log page and
// both databases can hold: valid UTF-8 without NUL or control characters.
func printable(b []byte) string {
	s := strings.ToValidUTF8(string(b), "\uFFFD")
	s = strings.Map(func(r rune) rune {
		if r == '\n' || r == '\t' {
			return ' '
		}
		if r < 0x20 || r == 0x7f {
			return -1
		}
		return r
	}, s)
	for len(s) > ResponseBytes {
		_, size := utf8.DecodeLastRuneInString(s)
		s = s[:len(s)-size]
	}
	return strings.TrimSpace(s)
}

func trimError(err error) string {
	return printable([]byte(fmt.Sprint(err)))
}
