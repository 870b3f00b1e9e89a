// Package sessions holds the Redis session store, used for HTTP sessions
// when REDIS_URL is set. The PostgreSQL store is postgres.NewSessionStore and
// the embedded one (*sqlite.EventStore).Sessions.
package sessions

import (
	"context"
	"time"

	"github.com/alexedwards/scs/goredisstore"
	"github.com/alexedwards/scs/v2"
	"github.com/redis/go-redis/v9"
)

// RedisPrefix starts every session key in Redis.
const RedisPrefix = "albatross:session:"

// Redis returns the session store on client, keys prefixed RedisPrefix.
// Redis expires the keys itself, so there is no cleanup to stop. The store
// also implements scs.CtxStore, which scs.SessionManager prefers.
func Redis(client *redis.Client) scs.Store {
	return redisStore{goredisstore.NewWithPrefix(client, RedisPrefix), client}
}

// redisStore is goredisstore's store with two fixes: working non-context
// methods (upstream's Find, Commit and Delete panic "missing context arg"),
// and CommitCtx with an expiry already past deletes the key (upstream passes
// the negative TTL to SET, which go-redis sends without any expiry, so the
// session would live forever).
type redisStore struct {
	*goredisstore.RedisStore // FindCtx, DeleteCtx, AllCtx
	client                   *redis.Client
}

// FindMany implements ManyFinder with one MGET; Redis has dropped the
// expired keys itself.
func (r redisStore) FindMany(ctx context.Context, tokens []string) (map[string][]byte, error) {
	out := make(map[string][]byte, len(tokens))
	if len(tokens) == 0 {
		return out, nil
	}
	keys := make([]string, len(tokens))
	for i, token := range tokens {
		keys[i] = RedisPrefix + token
	}
	vals, err := r.client.MGet(ctx, keys...).Result()
	if err != nil {
		return nil, err
	}
	for i, v := range vals {
		if s, ok := v.(string); ok {
			out[tokens[i]] = []byte(s)
		}
	}
	return out, nil
}

// CommitCtx implements scs.CtxStore.
func (r redisStore) CommitCtx(ctx context.Context, token string, b []byte, expiry time.Time) error {
	if time.Until(expiry) < time.Millisecond { // PX's resolution
		return r.DeleteCtx(ctx, token)
	}
	return r.RedisStore.CommitCtx(ctx, token, b, expiry)
}

var (
	_ scs.CtxStore = redisStore{}
	_ ManyFinder   = redisStore{}
)

func (r redisStore) Find(token string) ([]byte, bool, error) {
	return r.FindCtx(context.Background(), token)
}

func (r redisStore) Commit(token string, b []byte, expiry time.Time) error {
	return r.CommitCtx(context.Background(), token, b, expiry)
}

func (r redisStore) Delete(token string) error {
	return r.DeleteCtx(context.Background(), token)
}
