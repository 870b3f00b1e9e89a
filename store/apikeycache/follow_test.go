package apikeycache_test

import (
	"context"
	"log/slog"
	"testing"
	"time"

	"github.com/google/uuid"

	"github.com/albatross-va/albatross/store/apikeycache"
	"github.com/albatross-va/albatross/store/memory"
	"github.com/albatross-va/albatross/store/notify"
	"github.com/albatross-va/albatross/store/projector"
	"github.com/albatross-va/albatross/store/readmodel"
)

// Follow forgets the keys that api_keys notices name, and every key on a
// notice that names none (a rebuild's) or names one it cannot find.
func TestFollowForgetsTheKeysNoticesName(t *testing.T) {
	ctx, cancel := context.WithTimeout(context.Background(), 30*time.Second)
	defer cancel()
	rm := memory.New()
	id := uuid.New()
	if err := rm.UpsertApiKey(ctx, readmodel.UpsertApiKeyParams{ID: id, UserID: uuid.New(), Name: "k", Prefix: "alb_", Hash: "h1", CreatedAt: time.Now()}); err != nil {
		t.Fatal(err)
	}
	n := notify.NewLocal()
	defer n.Close()
	c := apikeycache.NewLocal(time.Hour)
	followCtx, stop := context.WithCancel(ctx)
	done := make(chan error, 1)
	go func() { done <- apikeycache.Follow(followCtx, n, c, rm, slog.Default()) }()
	defer func() { stop(); <-done }()
	// Follow subscribes on its own goroutine: until it has, a notice is
	// not delivered, so each case publishes until the key is forgotten.

	d := newDB(pilotKey)
	get(t, c, "h1", d.load)
	for _, tc := range []struct {
		name   string
		notice notify.Notice
	}{
		{"a notice naming the key", notify.Notice{Topic: projector.TopicApiKeys, IDs: []string{id.String()}}},
		{"a notice naming no key", notify.Notice{Topic: projector.TopicApiKeys}},
		{"a notice naming an unknown key", notify.Notice{Topic: projector.TopicApiKeys, IDs: []string{uuid.NewString()}}},
	} {
		before := d.reads.Load()
		for d.reads.Load() == before {
			if ctx.Err() != nil {
				t.Fatalf("%s: the key was never forgotten", tc.name)
			}
			_ = n.Publish(ctx, tc.notice)
			time.Sleep(5 * time.Millisecond)
			get(t, c, "h1", d.load)
		}
	}
}
