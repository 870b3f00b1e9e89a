package throttle

import (
	"context"
	"sync"
	"time"
)

// Local counts attempts in this process. Behind a load balancer each process
// counts its own; use Redis there.
type Local struct {
	limit  int
	window time.Duration
	now    func() time.Time

	mu    sync.Mutex
	tries map[string][]time.Time // at most limit entries a key
	swept time.Time
}

var _ Limiter = (*Local)(nil)

// NewLocal returns a limiter of limit attempts per key in a sliding window.
func NewLocal(limit int, window time.Duration) *Local {
	return &Local{limit: limit, window: window, now: time.Now, tries: map[string][]time.Time{}}
}

// Attempt implements Limiter.
func (t *Local) Attempt(_ context.Context, key string) (time.Duration, error) {
	t.mu.Lock()
	defer t.mu.Unlock()
	now := t.now()
	t.sweep(now)
	recent := t.recent(key, now)
	if len(recent) >= t.limit {
		return recent[0].Add(t.window).Sub(now), nil
	}
	t.tries[key] = append(recent, now)
	return 0, nil
}

// Forgive implements Limiter.
func (t *Local) Forgive(_ context.Context, key string) error {
	t.mu.Lock()
	defer t.mu.Unlock()
	delete(t.tries, key)
	return nil
}

// Refund implements Limiter.
func (t *Local) Refund(_ context.Context, key string) error {
	t.mu.Lock()
	defer t.mu.Unlock()
	if fs := t.tries[key]; len(fs) > 1 {
		t.tries[key] = fs[:len(fs)-1]
	} else {
		delete(t.tries, key)
	}
	return nil
}

// recent returns key's attempts inside the window; the caller holds mu.
func (t *Local) recent(key string, now time.Time) []time.Time {
	fs := t.tries[key]
	cut := now.Add(-t.window)
	i := 0
	for i < len(fs) && !fs[i].After(cut) {
		i++
	}
	if i == len(fs) {
		delete(t.tries, key)
		return nil
	}
	return fs[i:]
}

// sweep drops every key whose attempts have all left the window, once a
// window, so keys from made-up logins or addresses do not pile up.
func (t *Local) sweep(now time.Time) {
	if now.Sub(t.swept) < t.window {
		return
	}
	t.swept = now
	for key := range t.tries {
		t.recent(key, now)
	}
}
