package apikeycache_test

import (
	"context"
	"errors"
	"log/slog"
	"sync/atomic"
	"testing"
	"time"

	"github.com/google/uuid"
	"github.com/redis/go-redis/v9"

	"github.com/albatross-va/albatross/store/apikeycache"
	"github.com/albatross-va/albatross/store/pgtest"
)

// newCaches returns a constructor of caches that share one store: for
// Redis, caches on one prefix, as the processes of one deployment are.
type newCaches func(t *testing.T, ttl time.Duration) func() apikeycache.Cache

var impls = []struct {
	name string
	new  newCaches
}{
	{"local", func(t *testing.T, ttl time.Duration) func() apikeycache.Cache {
		c := apikeycache.NewLocal(ttl)
		return func() apikeycache.Cache { return c }
	}},
	{"redis", func(t *testing.T, ttl time.Duration) func() apikeycache.Cache {
		client := redisClient(t)
		prefix := apikeycache.KeyPrefixFor(uuid.NewString())
		return func() apikeycache.Cache { return apikeycache.NewRedis(client, prefix, ttl, slog.Default()) }
	}},
}

func redisClient(t *testing.T) *redis.Client {
	t.Helper()
	pgtest.RequireRedis(t, pgtest.RedisURL())
	opts, err := redis.ParseURL(pgtest.RedisURL())
	if err != nil {
		t.Fatal(err)
	}
	client := redis.NewClient(opts)
	t.Cleanup(func() { client.Close() })
	return client
}

func forEachImpl(t *testing.T, f func(t *testing.T, caches func() apikeycache.Cache)) {
	for _, impl := range impls {
		t.Run(impl.name, func(t *testing.T) { f(t, impl.new(t, time.Minute)) })
	}
}

// db is a stand-in read model that counts its reads.
type db struct {
	key   atomic.Pointer[apikeycache.Key]
	reads atomic.Int32
}

func newDB(k apikeycache.Key) *db {
	d := &db{}
	d.key.Store(&k)
	return d
}

func (d *db) load(context.Context) (apikeycache.Key, error) {
	d.reads.Add(1)
	return *d.key.Load(), nil
}

func get(t *testing.T, c apikeycache.Cache, hash string, load apikeycache.Loader) apikeycache.Key {
	t.Helper()
	k, err := c.Get(context.Background(), hash, load)
	if err != nil {
		t.Fatalf("Get: %v", err)
	}
	return k
}

var pilotKey = apikeycache.Key{ID: "k1", UserID: "u1", TenantID: "t1"}

func TestGetKeepsWhatItLoaded(t *testing.T) {
	forEachImpl(t, func(t *testing.T, caches func() apikeycache.Cache) {
		c, d := caches(), newDB(pilotKey)
		for range 3 {
			if k := get(t, c, "h1", d.load); k != pilotKey {
				t.Fatalf("Get = %+v, want %+v", k, pilotKey)
			}
		}
		if n := d.reads.Load(); n != 1 {
			t.Errorf("three lookups read the database %d times, want 1", n)
		}
		// Another process sharing the cache finds it too (Local: the same one).
		get(t, caches(), "h1", d.load)
		if n := d.reads.Load(); n != 1 {
			t.Errorf("a lookup through another handle read the database again")
		}
		// Other hashes are other keys.
		other := newDB(apikeycache.Key{ID: "k2"})
		if k := get(t, c, "h2", other.load); k.ID != "k2" {
			t.Errorf("Get(h2) = %+v", k)
		}
	})
}

func TestErrorsAreNotCached(t *testing.T) {
	forEachImpl(t, func(t *testing.T, caches func() apikeycache.Cache) {
		c := caches()
		missing := errors.New("no such key")
		var reads int
		load := func(context.Context) (apikeycache.Key, error) { reads++; return apikeycache.Key{}, missing }
		for range 2 {
			if _, err := c.Get(context.Background(), "h1", load); !errors.Is(err, missing) {
				t.Fatalf("Get = %v, want the loader's error", err)
			}
		}
		if reads != 2 {
			t.Errorf("an unknown key was read %d times in two lookups, want 2 (not cached)", reads)
		}
	})
}

func TestForgetMakesEveryHolderReadAgain(t *testing.T) {
	forEachImpl(t, func(t *testing.T, caches func() apikeycache.Cache) {
		a, b, d := caches(), caches(), newDB(pilotKey)
		get(t, a, "h1", d.load)
		get(t, a, "h2", newDB(apikeycache.Key{ID: "k2"}).load)
		revoked := pilotKey
		revoked.Revoked = true
		d.key.Store(&revoked)
		if err := b.Forget(context.Background(), "h1"); err != nil {
			t.Fatal(err)
		}
		if k := get(t, a, "h1", d.load); !k.Revoked {
			t.Errorf("after Forget the cache still serves %+v", k)
		}
		if n := d.reads.Load(); n != 2 {
			t.Errorf("database read %d times, want 2", n)
		}
		// Forgetting one key leaves the others.
		if k := get(t, a, "h2", func(context.Context) (apikeycache.Key, error) {
			t.Error("a key that was not forgotten was read again")
			return apikeycache.Key{}, nil
		}); k.ID != "k2" {
			t.Errorf("Get(h2) = %+v", k)
		}

		if err := b.ForgetAll(context.Background()); err != nil {
			t.Fatal(err)
		}
		get(t, a, "h1", d.load)
		if n := d.reads.Load(); n != 3 {
			t.Errorf("after ForgetAll: database read %d times, want 3", n)
		}
	})
}

// The race a generation prevents: a lookup reads the key's row just before
// a revoke commits, the revoke's Forget runs, and only then does the lookup
// store what it read. The stale row must not be served afterwards.
func TestForgetDuringALoadWins(t *testing.T) {
	forEachImpl(t, func(t *testing.T, caches func() apikeycache.Cache) {
		for _, forgetAll := range []bool{false, true} {
			c := caches()
			hash := uuid.NewString()
			loading, finish := make(chan struct{}), make(chan struct{})
			done := make(chan apikeycache.Key)
			go func() {
				k, _ := c.Get(context.Background(), hash, func(context.Context) (apikeycache.Key, error) {
					close(loading)
					<-finish
					return pilotKey, nil // read before the revoke
				})
				done <- k
			}()
			<-loading
			var err error
			if forgetAll {
				err = caches().ForgetAll(context.Background())
			} else {
				err = caches().Forget(context.Background(), hash)
			}
			if err != nil {
				t.Fatal(err)
			}
			close(finish)
			<-done

			revoked := pilotKey
			revoked.Revoked = true
			if k := get(t, c, hash, newDB(revoked).load); !k.Revoked {
				t.Errorf("forgetAll=%v: a load overtaken by the forget was served afterwards: %+v", forgetAll, k)
			}
		}
	})
}

func TestEntriesExpire(t *testing.T) {
	for _, impl := range impls {
		t.Run(impl.name, func(t *testing.T) {
			c, d := impl.new(t, 50*time.Millisecond)(), newDB(pilotKey)
			get(t, c, "h1", d.load)
			time.Sleep(150 * time.Millisecond)
			get(t, c, "h1", d.load)
			if n := d.reads.Load(); n != 2 {
				t.Errorf("database read %d times across an expiry, want 2", n)
			}
		})
	}
}

func TestClaimTouchOncePerInterval(t *testing.T) {
	forEachImpl(t, func(t *testing.T, caches func() apikeycache.Cache) {
		a, b := caches(), caches()
		claim := func(c apikeycache.Cache, id string) bool {
			ok, err := c.ClaimTouch(context.Background(), id)
			if err != nil {
				t.Fatal(err)
			}
			return ok
		}
		if !claim(a, "k1") {
			t.Fatal("the first touch of a key was not claimed")
		}
		if claim(a, "k1") || claim(b, "k1") {
			t.Error("a second touch within the interval was claimed")
		}
		if !claim(b, "k2") {
			t.Error("another key's first touch was not claimed")
		}
	})
}

// Deployments sharing one Redis do not share keys.
func TestRedisPrefixesSeparateDeployments(t *testing.T) {
	client := redisClient(t)
	a := apikeycache.NewRedis(client, apikeycache.KeyPrefixFor(uuid.NewString()), time.Minute, slog.Default())
	b := apikeycache.NewRedis(client, apikeycache.KeyPrefixFor(uuid.NewString()), time.Minute, slog.Default())
	get(t, a, "h1", newDB(pilotKey).load)
	d := newDB(apikeycache.Key{ID: "other"})
	if k := get(t, b, "h1", d.load); k.ID != "other" || d.reads.Load() != 1 {
		t.Errorf("another deployment got %+v from the cache", k)
	}
}

// Without Redis the cache still answers, from the database.
func TestRedisDownReadsTheDatabase(t *testing.T) {
	client := redis.NewClient(&redis.Options{Addr: "127.0.0.1:1", MaxRetries: -1})
	defer client.Close()
	c := apikeycache.NewRedis(client, "x:", time.Minute, slog.New(slog.DiscardHandler))
	d := newDB(pilotKey)
	if k := get(t, c, "h1", d.load); k != pilotKey || d.reads.Load() != 1 {
		t.Errorf("Get with Redis down = %+v after %d reads", k, d.reads.Load())
	}
}
