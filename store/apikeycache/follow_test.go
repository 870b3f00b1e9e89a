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
	if err := rm.UpsertAPIKey(ctx, readmodel.UpsertAPIKeyParams{ID: id, UserID: uuid.New(), Name: "k", Prefix: "alb_", Hash: "h1", CreatedAt: time.Now()}); err != nil {
		t.Fatal(err)
	}
	n := notify.NewLocal()
	defer n.Close()
	c := apikeycache.NewLocal(time.Hour)
	followCtx, stop := context.WithCancel(ctx)
	notices, err := n.Subscribe(followCtx)
	if err != nil {
		t.Fatal(err)
	}
	done := make(chan struct{})
	go func() { apikeycache.Follow(followCtx, notices, c, rm, slog.Default()); close(done) }()
	defer func() { stop(); <-done }()

	d := newDB(pilotKey)
	get(t, c, "h1", d.load)
	for _, tc := range []struct {
		name   string
		notice notify.Notice
	}{
		{"a notice naming the key", notify.Notice{Topic: projector.TopicAPIKeys, IDs: []string{id.String()}}},
		{"a notice naming no key", notify.Notice{Topic: projector.TopicAPIKeys}},
		{"a notice naming an unknown key", notify.Notice{Topic: projector.TopicAPIKeys, IDs: []string{uuid.NewString()}}},
	} {
		before := d.reads.Load()
		if err := n.Publish(ctx, tc.notice); err != nil {
			t.Fatal(err)
		}
		for d.reads.Load() == before {
			if ctx.Err() != nil {
				t.Fatalf("%s: the key was never forgotten", tc.name)
			}
			time.Sleep(5 * time.Millisecond)
			get(t, c, "h1", d.load)
		}
	}
}
