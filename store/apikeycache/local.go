package apikeycache

import (
	"context"
	"sync"
	"time"
)

// Local is the cache of one process: the embedded mode, and PostgreSQL
// without Redis.
type Local struct {
	ttl time.Duration

	mu        sync.Mutex
	seq       uint64                // the last generation handed out
	epoch     uint64                // moved by ForgetAll
	gens      map[string]generation // by hash; no entry is generation 0
	entries   map[string]localEntry // by hash
	touched   map[string]time.Time  // by key id: the last claimed touch
	lastSweep time.Time
}

// tag is what an entry was loaded under.
type tag struct{ epoch, gen uint64 }

type generation struct {
	gen uint64
	set time.Time
}

type localEntry struct {
	key     Key
	tag     tag
	expires time.Time
}

var _ Cache = (*Local)(nil)

// NewLocal returns an empty cache whose entries live ttl (DefaultTTL when 0).
func NewLocal(ttl time.Duration) *Local {
	if ttl <= 0 {
		ttl = DefaultTTL
	}
	return &Local{ttl: ttl, gens: map[string]generation{}, entries: map[string]localEntry{},
		touched: map[string]time.Time{}, lastSweep: time.Now()}
}

// Get implements Cache.
func (c *Local) Get(ctx context.Context, hash string, load Loader) (Key, error) {
	start := time.Now()
	c.mu.Lock()
	current := tag{c.epoch, c.gens[hash].gen}
	e, ok := c.entries[hash]
	c.mu.Unlock()
	if ok && e.tag == current && start.Before(e.expires) {
		return e.key, nil
	}
	k, err := load(ctx)
	if err != nil || tooSlow(start, c.ttl) {
		return k, err
	}
	c.mu.Lock()
	defer c.mu.Unlock()
	c.entries[hash] = localEntry{key: k, tag: current, expires: time.Now().Add(c.ttl)}
	c.sweep()
	return k, nil
}

// Forget implements Cache.
func (c *Local) Forget(_ context.Context, hash string) error {
	c.mu.Lock()
	defer c.mu.Unlock()
	c.seq++
	c.gens[hash] = generation{gen: c.seq, set: time.Now()}
	delete(c.entries, hash)
	c.sweep()
	return nil
}

// ForgetAll implements Cache.
func (c *Local) ForgetAll(context.Context) error {
	c.mu.Lock()
	defer c.mu.Unlock()
	c.epoch++
	clear(c.entries)
	return nil
}

// ClaimTouch implements Cache.
func (c *Local) ClaimTouch(_ context.Context, keyID string) (bool, error) {
	now := time.Now()
	c.mu.Lock()
	defer c.mu.Unlock()
	if last, ok := c.touched[keyID]; ok && now.Sub(last) < TouchInterval {
		return false, nil
	}
	c.touched[keyID] = now
	c.sweep()
	return true, nil
}

// sweep drops, once a TTL, what can no longer matter: expired entries,
// touches older than TouchInterval, and generations older than 3 TTLs. An
// entry is stored within a TTL of reading its generation and lives a TTL,
// so none tagged before a generation was set outlives the generation. The
// caller holds the lock.
func (c *Local) sweep() {
	now := time.Now()
	if now.Sub(c.lastSweep) < c.ttl {
		return
	}
	c.lastSweep = now
	for h, e := range c.entries {
		if !now.Before(e.expires) {
			delete(c.entries, h)
		}
	}
	for id, at := range c.touched {
		if now.Sub(at) >= TouchInterval {
			delete(c.touched, id)
		}
	}
	for h, g := range c.gens {
		if now.Sub(g.set) >= 3*c.ttl {
			delete(c.gens, h)
		}
	}
}
