package sqlite

import (
	"sync"
	"time"
)

// sessionCache keeps the sessions this process has read or written, so a
// request's session costs a map lookup instead of a query of the log's
// file (about a seventh of the embedded server's CPU under load before it).
// It is right because the embedded mode is one process: every write of
// the sessions table goes through this store, which updates the cache with
// it. A read fills the cache only when no write happened while it read
// (the generation), so an old row never overwrites a newer write.
type sessionCache struct {
	mu      sync.Mutex
	gen     uint64
	entries map[string]cachedSession
}

type cachedSession struct {
	data   []byte
	expiry time.Time
}

// sessionCacheMax bounds the cache; beyond it, sessions are read from the
// file as before.
const sessionCacheMax = 100_000

func (c *sessionCache) find(token string, now time.Time) ([]byte, bool) {
	c.mu.Lock()
	defer c.mu.Unlock()
	e, ok := c.entries[token]
	if !ok {
		return nil, false
	}
	if !e.expiry.After(now) {
		delete(c.entries, token)
		return nil, false
	}
	return e.data, true
}

func (c *sessionCache) generation() uint64 {
	c.mu.Lock()
	defer c.mu.Unlock()
	return c.gen
}

// fill caches what a read found, unless a write came after the read began.
func (c *sessionCache) fill(gen uint64, token string, data []byte, expiry time.Time) {
	c.mu.Lock()
	defer c.mu.Unlock()
	if c.gen == gen {
		c.store(token, data, expiry)
	}
}

func (c *sessionCache) put(token string, data []byte, expiry time.Time) {
	c.mu.Lock()
	defer c.mu.Unlock()
	c.gen++
	c.store(token, data, expiry)
}

func (c *sessionCache) store(token string, data []byte, expiry time.Time) {
	if c.entries == nil {
		c.entries = map[string]cachedSession{}
	}
	if _, ok := c.entries[token]; !ok && len(c.entries) >= sessionCacheMax {
		return
	}
	c.entries[token] = cachedSession{data: data, expiry: expiry}
}

func (c *sessionCache) forget(token string) {
	c.mu.Lock()
	defer c.mu.Unlock()
	c.gen++
	delete(c.entries, token)
}

func (c *sessionCache) clear() {
	c.mu.Lock()
	defer c.mu.Unlock()
	c.gen++
	c.entries = nil
}
