package sessions_test

import (
	"testing"
	"time"

	"github.com/alexedwards/scs/v2"
	"github.com/redis/go-redis/v9"

	"github.com/albatross-va/albatross/store/pgtest"
	"github.com/albatross-va/albatross/store/sessions"
	"github.com/albatross-va/albatross/store/sessions/sessiontest"
)

func TestRedis(t *testing.T) {
	url := pgtest.RedisURL()
	pgtest.RequireRedis(t, url)
	opts, err := redis.ParseURL(url)
	if err != nil {
		t.Fatal(err)
	}
	client := redis.NewClient(opts)
	t.Cleanup(func() { _ = client.Close() })
	store := sessions.Redis(client)
	if _, ok := store.(scs.CtxStore); !ok {
		t.Fatal("the Redis store is not an scs.CtxStore")
	}
	token := sessiontest.Check(t, store)

	n, err := client.Exists(t.Context(), "albatross:session:"+token).Result()
	if err != nil || n != 1 {
		t.Fatalf("key albatross:session:%s exists=%d err=%v", token, n, err)
	}
	ttl, err := client.PTTL(t.Context(), "albatross:session:"+token).Result()
	if err != nil || ttl <= 59*time.Minute {
		t.Fatalf("key TTL %v err %v, want about an hour", ttl, err)
	}
	t.Cleanup(func() { _ = store.Delete(token) })
}
