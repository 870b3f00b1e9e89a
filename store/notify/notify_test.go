package notify_test

import (
	"context"
	"log/slog"
	"testing"
	"time"

	"github.com/redis/go-redis/v9"

	"github.com/albatross-va/albatross/domain"
	"github.com/albatross-va/albatross/store/notify"
	"github.com/albatross-va/albatross/store/pgtest"
)

func receive(t *testing.T, ch <-chan notify.Notice, want notify.Notice) {
	t.Helper()
	select {
	case got := <-ch:
		if got.Topic != want.Topic || got.TenantID != want.TenantID || got.Position != want.Position || len(got.IDs) != len(want.IDs) || got.IDs[0] != want.IDs[0] {
			t.Fatalf("got notice %+v, want %+v", got, want)
		}
	case <-time.After(5 * time.Second):
		t.Fatalf("notice %+v never arrived", want)
	}
}

func notice(id string) notify.Notice {
	return notify.Notice{TenantID: "t1", Topic: "airlines", IDs: []string{id}, Position: "0.1"}
}

func TestLocalDeliversToEverySubscriberWithoutBlocking(t *testing.T) {
	ctx, cancel := context.WithCancel(context.Background())
	defer cancel()
	n := notify.NewLocal()
	defer n.Close()
	a, _ := n.Subscribe(ctx)
	slow, _ := n.Subscribe(ctx) // never read: must not hold up the others
	for i := 0; i < 1000; i++ {
		if err := n.Publish(ctx, notice("x")); err != nil {
			t.Fatal(err)
		}
		receive(t, a, notice("x"))
	}
	if len(slow) != cap(slow) {
		t.Errorf("the slow subscriber holds %d of the %d notices it can buffer; it should hold a full buffer and have missed the rest", len(slow), cap(slow))
	}
	_ = n.Publish(ctx, notice("last"))
	receive(t, a, notice("last"))
}

func newRedisNotifier(t *testing.T, channel string) *notify.Redis {
	t.Helper()
	url := pgtest.RedisURL()
	pgtest.RequireRedis(t, url)
	opts, _ := redis.ParseURL(url)
	client := redis.NewClient(opts)
	t.Cleanup(func() { client.Close() })
	n, err := notify.NewRedis(context.Background(), client, channel, slog.Default())
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { n.Close() })
	return n
}

func TestRedisCarriesNoticesBetweenProcesses(t *testing.T) {
	channel := notify.ChannelFor(domain.NewUUID())
	web1 := newRedisNotifier(t, channel)
	web2 := newRedisNotifier(t, channel)
	other := newRedisNotifier(t, notify.ChannelFor(domain.NewUUID()))
	ctx, cancel := context.WithCancel(context.Background())
	defer cancel()
	sub1, _ := web1.Subscribe(ctx)
	sub2, _ := web2.Subscribe(ctx)
	subOther, _ := other.Subscribe(ctx)

	id := domain.NewUUID()
	if err := web1.Publish(ctx, notice(id)); err != nil {
		t.Fatal(err)
	}
	receive(t, sub2, notice(id)) // the other process
	receive(t, sub1, notice(id)) // and the publisher's own pages
	select {
	case n := <-subOther:
		t.Errorf("a deployment on another channel received %+v", n)
	case <-time.After(200 * time.Millisecond):
	}
}
