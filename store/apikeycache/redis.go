package apikeycache

import (
	"context"
	"encoding/json"
	"fmt"
	"log/slog"
	"time"

	"github.com/redis/go-redis/v9"
)

// Redis is the cache every process of a deployment shares, so that a key
// forgotten by any of them is forgotten for all. Its keys start with a
// prefix per deployment (see KeyPrefixFor): deployments that share one
// Redis must not see each other's keys. Under the prefix:
//
//	entry:HASH  the cached key and its tag, expiring after the TTL
//	gen:HASH    the hash's generation, expiring a few TTLs after it was set
//	seq         the counter generations are drawn from
//	epoch       moved by ForgetAll
//	touch:ID    present while a use of the key was recorded less than TouchInterval ago
//
// When Redis fails, Get reads the database instead: slower, never wrong.
type Redis struct {
	client *redis.Client
	prefix string
	ttl    time.Duration
	log    *slog.Logger
}

var _ Cache = (*Redis)(nil)

// KeyPrefixFor returns the key prefix of one deployment.
func KeyPrefixFor(deploymentID string) string { return "albatross:apikeys:" + deploymentID + ":" }

// NewRedis returns the cache under prefix on client; entries live ttl
// (DefaultTTL when 0). The caller owns the client.
func NewRedis(client *redis.Client, prefix string, ttl time.Duration, log *slog.Logger) *Redis {
	if ttl <= 0 {
		ttl = DefaultTTL
	}
	return &Redis{client: client, prefix: prefix, ttl: ttl, log: log}
}

// redisEntry is an entry as stored; Tag is the generation and epoch it was
// loaded under, as read (empty parts for keys that did not exist).
type redisEntry struct {
	Key Key    `json:"key"`
	Tag string `json:"tag"`
}

// Get implements Cache: one round trip on a hit, two and the loader on a
// miss.
func (c *Redis) Get(ctx context.Context, hash string, load Loader) (Key, error) {
	start := time.Now()
	entryKey := c.prefix + "entry:" + hash
	vals, err := c.client.MGet(ctx, entryKey, c.prefix+"gen:"+hash, c.prefix+"epoch").Result()
	if err != nil {
		c.log.WarnContext(ctx, "api key cache: redis unavailable; reading the database", "err", err)
		return load(ctx)
	}
	current := text(vals[1]) + "/" + text(vals[2])
	if raw, ok := vals[0].(string); ok {
		var e redisEntry
		if err := json.Unmarshal([]byte(raw), &e); err == nil && e.Tag == current {
			return e.Key, nil
		}
	}
	k, err := load(ctx)
	if err != nil || tooSlow(start, c.ttl) {
		return k, err
	}
	raw, _ := json.Marshal(redisEntry{Key: k, Tag: current}) // plain strings and a bool always marshal
	if err := c.client.Set(ctx, entryKey, raw, c.ttl).Err(); err != nil {
		c.log.WarnContext(ctx, "api key cache: store an entry", "err", err)
	}
	return k, nil
}

// text is an MGET value as a string; a missing key is "".
func text(v any) string {
	s, _ := v.(string)
	return s
}

// forgetScript draws a new generation for a hash and drops its entry, in
// one step. The generation outlives, by a margin, every entry that could
// carry an older one (see tooSlow).
var forgetScript = redis.NewScript(`
local gen = redis.call('INCR', KEYS[1])
redis.call('SET', KEYS[2], gen, 'PX', ARGV[1])
redis.call('DEL', KEYS[3])
return gen`)

// Forget implements Cache.
func (c *Redis) Forget(ctx context.Context, hash string) error {
	keys := []string{c.prefix + "seq", c.prefix + "gen:" + hash, c.prefix + "entry:" + hash}
	if err := forgetScript.Run(ctx, c.client, keys, (3 * c.ttl).Milliseconds()).Err(); err != nil {
		return fmt.Errorf("api key cache: forget a key: %w", err)
	}
	return nil
}

// ForgetAll implements Cache.
func (c *Redis) ForgetAll(ctx context.Context) error {
	if err := c.client.Incr(ctx, c.prefix+"epoch").Err(); err != nil {
		return fmt.Errorf("api key cache: forget every key: %w", err)
	}
	return nil
}

// ClaimTouch implements Cache.
func (c *Redis) ClaimTouch(ctx context.Context, keyID string) (bool, error) {
	ok, err := c.client.SetNX(ctx, c.prefix+"touch:"+keyID, 1, TouchInterval).Result()
	if err != nil {
		return false, fmt.Errorf("api key cache: claim a touch: %w", err)
	}
	return ok, nil
}
