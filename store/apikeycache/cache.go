// Package apikeycache keeps the API keys that programs send close at hand,
// so that a request need not read the database for its key, and forgets a
// key in every process as soon as the projector announces a change to it.
// Local serves one process; Redis is shared by every process of a
// deployment.
//
// Forgetting has no window for a stale entry to slip back in. Every key
// hash has a generation, which Forget replaces by a value never used
// before. Get reads the generation with the cached entry, so before it
// reads the database on a miss, and stores the answer tagged with the
// generation it read; an entry whose tag is not the current generation is a
// miss. A lookup that read a key's row just before its revoke committed,
// and stores it just after the revoke's Forget, so stores it under a
// generation that is already old, and it is never served. ForgetAll moves
// an epoch that is part of every tag. Entries also expire after a TTL,
// which bounds the harm of a lost notice.
package apikeycache

import (
	"context"
	"fmt"
	"log/slog"
	"time"

	"github.com/google/uuid"

	"github.com/albatross-va/albatross/store/notify"
	"github.com/albatross-va/albatross/store/projector"
	"github.com/albatross-va/albatross/store/readmodel"
)

// Key is what the API needs of a key to authenticate a request.
type Key struct {
	ID       string `json:"id"`
	UserID   string `json:"user_id"`
	TenantID string `json:"tenant_id"`
	Revoked  bool   `json:"revoked"`
}

// Loader reads a key from the read model on a miss. Its errors are passed
// on and nothing is cached, so an unknown key is asked for every time.
type Loader func(ctx context.Context) (Key, error)

// Cache is an API key cache.
type Cache interface {
	// Get returns the key with the hash, from the cache or from load.
	Get(ctx context.Context, hash string, load Loader) (Key, error)
	// Forget makes the cached key with the hash a miss from now on, in
	// every process that shares the cache, and also for a Get that is
	// loading it right now.
	Forget(ctx context.Context, hash string) error
	// ForgetAll is Forget of every key.
	ForgetAll(ctx context.Context) error
	// ClaimTouch reports whether the caller should record a use of the key
	// now: true at most once per TouchInterval and key among the processes
	// that share the cache.
	ClaimTouch(ctx context.Context, keyID string) (bool, error)
}

const (
	// DefaultTTL is how long an entry lives when no notice forgets it.
	DefaultTTL = time.Minute
	// TouchInterval is how often a key's last-used time is written at most.
	TouchInterval = time.Minute
)

// tooSlow reports whether a load that started at start took so long that
// its answer must not be stored. Generations are kept for a few TTLs only;
// bounding the time between reading a generation and storing an entry
// under it keeps a forgotten generation from ever coming back as current.
func tooSlow(start time.Time, ttl time.Duration) bool { return time.Since(start) >= ttl }

// KeyFinder finds a key by id in the read model.
type KeyFinder interface {
	GetAPIKey(ctx context.Context, id uuid.UUID) (readmodel.APIKey, error)
}

// Follow forgets every key that a notice on the api_keys topic names, until
// notices closes. The caller subscribes before it serves any request, so
// that no key is cached before the notices that would forget it flow. keys
// finds the hash of a named key; when it cannot, or the notice names no
// keys (after a rebuild any key may have changed), every key is forgotten,
// the safe way to be wrong.
func Follow(ctx context.Context, notices <-chan notify.Notice, c Cache, keys KeyFinder, log *slog.Logger) {
	for no := range notices {
		if no.Topic != projector.TopicAPIKeys {
			continue
		}
		if err := ForgetKeys(ctx, c, keys, no.IDs); err != nil && ctx.Err() == nil {
			log.Error("api key cache: forget changed keys; they stay cached until they expire", "err", err, "keys", no.IDs)
		}
	}
}

// ForgetKeys forgets the keys with the ids; no ids, or an id whose hash
// cannot be found, forgets every key.
func ForgetKeys(ctx context.Context, c Cache, keys KeyFinder, ids []string) error {
	if len(ids) == 0 {
		return c.ForgetAll(ctx)
	}
	for _, id := range ids {
		hash, err := hashOf(ctx, keys, id)
		if err != nil {
			// Whatever the reason (the database is down, a malformed
			// notice), forgetting too much only costs some reads.
			return c.ForgetAll(ctx)
		}
		if err := c.Forget(ctx, hash); err != nil {
			return err
		}
	}
	return nil
}

func hashOf(ctx context.Context, keys KeyFinder, id string) (string, error) {
	u, err := uuid.Parse(id)
	if err != nil {
		return "", fmt.Errorf("notice names key %q: %w", id, err)
	}
	k, err := keys.GetAPIKey(ctx, u)
	if err != nil {
		return "", fmt.Errorf("find key %s: %w", id, err)
	}
	return k.Hash, nil
}
