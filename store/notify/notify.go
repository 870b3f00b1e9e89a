// Package notify carries change notices from the projector to the web
// processes: in-process in the embedded mode, over Redis pub/sub when several
// processes share one database.
package notify

import (
	"context"
	"encoding/json"
	"sync"

	"github.com/albatross-va/albatross/domain/live"
)

// Notice says that a read model changed: which tenant, which topic (the
// fragment a page re-fetches), which records, and up to which log position.
// A notice without a position is a passing update that is not a change of
// the log, such as an import job's progress: pages hear it, and nobody
// replays it.
type Notice struct {
	TenantID string `json:"tenant_id"` // "" for platform-wide records such as the airline list
	// UserID names the one person a notice is for, such as a member's own
	// notices; only that person's pages are told. "" tells the tenant.
	UserID string `json:"user_id,omitempty"`
	// Staff says the notice is for the airline's staff (and the platform
	// admin): the review side of PIREPs. With UserID, that person is told
	// besides staff.
	Staff    bool       `json:"staff,omitempty"`
	Topic    live.Topic `json:"topic"`
	IDs      []string   `json:"ids"`
	Position string     `json:"position"`
}

// Encode renders a notice as JSON for the wire.
func (n Notice) Encode() ([]byte, error) { return json.Marshal(n) }

// Decode reads a notice written by Encode.
func Decode(b []byte) (Notice, error) {
	var n Notice
	err := json.Unmarshal(b, &n)
	return n, err
}

// Notifier publishes notices to every subscriber in every process that shares
// the same transport.
type Notifier interface {
	// Publish sends notices; it does not wait for subscribers.
	Publish(ctx context.Context, notices ...Notice) error
	// Subscribe delivers every notice published after it returns until ctx
	// ends. A subscriber that does not keep up loses notices rather than
	// slowing the publisher.
	Subscribe(ctx context.Context) (<-chan Notice, error)
	// Close stops the notifier and ends all subscriptions.
	Close() error
}

// subscriberBuffer is how many notices a subscriber may fall behind by.
const subscriberBuffer = 256

// fanout delivers to local subscribers without blocking the sender.
type fanout struct {
	mu   sync.Mutex
	subs map[chan Notice]struct{}
}

func newFanout() *fanout { return &fanout{subs: map[chan Notice]struct{}{}} }

func (f *fanout) add(ctx context.Context) <-chan Notice {
	ch := make(chan Notice, subscriberBuffer)
	f.mu.Lock()
	f.subs[ch] = struct{}{}
	f.mu.Unlock()
	go func() {
		<-ctx.Done()
		f.remove(ch)
	}()
	return ch
}

func (f *fanout) remove(ch chan Notice) {
	f.mu.Lock()
	defer f.mu.Unlock()
	if _, ok := f.subs[ch]; ok {
		delete(f.subs, ch)
		close(ch)
	}
}

func (f *fanout) send(n Notice) {
	f.mu.Lock()
	defer f.mu.Unlock()
	for ch := range f.subs {
		select {
		case ch <- n:
		default: // a slow subscriber misses this notice; it re-fetches on the next one
		}
	}
}

func (f *fanout) closeAll() {
	f.mu.Lock()
	defer f.mu.Unlock()
	for ch := range f.subs {
		delete(f.subs, ch)
		close(ch)
	}
}

// Local is the in-process notifier of the embedded mode.
type Local struct{ f *fanout }

// NewLocal returns an in-process notifier.
func NewLocal() *Local { return &Local{f: newFanout()} }

// Publish delivers notices to this process's subscribers.
func (l *Local) Publish(_ context.Context, notices ...Notice) error {
	for _, n := range notices {
		l.f.send(n)
	}
	return nil
}

// Subscribe returns a channel of notices until ctx ends.
func (l *Local) Subscribe(ctx context.Context) (<-chan Notice, error) { return l.f.add(ctx), nil }

// Close ends every subscription.
func (l *Local) Close() error { l.f.closeAll(); return nil }
