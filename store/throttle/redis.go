package throttle

import (
	"context"
	"crypto/rand"
	"encoding/hex"
	"fmt"
	"time"

	"github.com/redis/go-redis/v9"
)

// Redis counts attempts in Redis, shared by every process of a deployment:
// a sorted set per key holds the attempts' times, trimmed to the window.
type Redis struct {
	client *redis.Client
	prefix string
	limit  int
	window time.Duration
}

var _ Limiter = (*Redis)(nil)

// KeyPrefixFor names a deployment's throttle keys; name tells the limiters
// of one deployment apart (per account, per address).
func KeyPrefixFor(deploymentID, name string) string {
	return "albatross:throttle:" + deploymentID + ":" + name + ":"
}

// NewRedis returns a limiter of limit attempts per key in a sliding window,
// its keys under prefix. The caller owns the client.
func NewRedis(client *redis.Client, prefix string, limit int, window time.Duration) *Redis {
	return &Redis{client: client, prefix: prefix, limit: limit, window: window}
}

// attemptScript trims the key's attempts to the window, then either adds
// this one and answers 0, or answers the milliseconds until the oldest
// leaves the window. One script, so the check and the count are one step
// for every process.
var attemptScript = redis.NewScript(`
local now = tonumber(ARGV[1])
local window = tonumber(ARGV[2])
local limit = tonumber(ARGV[3])
redis.call('ZREMRANGEBYSCORE', KEYS[1], '-inf', now - window)
if redis.call('ZCARD', KEYS[1]) >= limit then
  local oldest = redis.call('ZRANGE', KEYS[1], 0, 0, 'WITHSCORES')
  return math.max(1, tonumber(oldest[2]) + window - now)
end
redis.call('ZADD', KEYS[1], now, ARGV[4])
redis.call('PEXPIRE', KEYS[1], window)
return 0
`)

// Attempt implements Limiter. The time is Redis's own, so processes with
// skewed clocks agree.
func (r *Redis) Attempt(ctx context.Context, key string) (time.Duration, error) {
	now, err := r.client.Time(ctx).Result()
	if err != nil {
		return 0, fmt.Errorf("throttle: redis time: %w", err)
	}
	id := make([]byte, 8)
	_, _ = rand.Read(id)
	ms, err := attemptScript.Run(ctx, r.client, []string{r.prefix + key},
		now.UnixMilli(), r.window.Milliseconds(), r.limit, hex.EncodeToString(id)).Int64()
	if err != nil {
		return 0, fmt.Errorf("throttle: count an attempt: %w", err)
	}
	return time.Duration(ms) * time.Millisecond, nil
}

// Forgive implements Limiter.
func (r *Redis) Forgive(ctx context.Context, key string) error {
	if err := r.client.Del(ctx, r.prefix+key).Err(); err != nil {
		return fmt.Errorf("throttle: forgive: %w", err)
	}
	return nil
}

// Refund implements Limiter. The newest attempt goes; when two attempts of
// the key run at once it may be the other one, which leaves the count the
// same.
func (r *Redis) Refund(ctx context.Context, key string) error {
	if err := r.client.ZPopMax(ctx, r.prefix+key, 1).Err(); err != nil {
		return fmt.Errorf("throttle: refund: %w", err)
	}
	return nil
}
