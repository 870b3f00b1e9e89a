package handlers

import (
	"sync"
	"time"
)

// throttle counts attempts per key (an account, a client address) in a
// sliding window. An attempt is counted when it starts, in the same step
// as the check, so a burst of parallel requests cannot all slip past the
// check while the first ones are still hashing. It lives in one process:
// behind a load balancer each process counts its own.
type throttle struct {
	limit  int
	window time.Duration
	now    func() time.Time

	mu    sync.Mutex
	tries map[string][]time.Time // at most limit entries a key
	swept time.Time
}

func newThrottle(limit int, window time.Duration) *throttle {
	return &throttle{limit: limit, window: window, now: time.Now, tries: map[string][]time.Time{}}
}

// attempt records an attempt for key and returns 0, or, when key has used
// its attempts in the window, records nothing and says how long to wait.
func (t *throttle) attempt(key string) time.Duration {
	t.mu.Lock()
	defer t.mu.Unlock()
	now := t.now()
	t.sweep(now)
	recent := t.recent(key, now)
	if len(recent) >= t.limit {
		return recent[0].Add(t.window).Sub(now)
	}
	t.tries[key] = append(recent, now)
	return 0
}

// forgive takes back key's attempts after a success.
func (t *throttle) forgive(key string) {
	t.mu.Lock()
	defer t.mu.Unlock()
	delete(t.tries, key)
}

// recent returns key's attempts inside the window; the caller holds mu.
func (t *throttle) recent(key string, now time.Time) []time.Time {
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
func (t *throttle) sweep(now time.Time) {
	if now.Sub(t.swept) < t.window {
		return
	}
	t.swept = now
	for key := range t.tries {
		t.recent(key, now)
	}
}
