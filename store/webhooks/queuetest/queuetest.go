// Package queuetest is the suite every webhooks.Queue adapter runs from its
// own tests, so the PostgreSQL and the embedded queues keep one contract.
package queuetest

import (
	"context"
	"slices"
	"strings"
	"testing"
	"time"

	"github.com/albatross-va/albatross/store/webhooks"
)

// Run checks the queue that newQueue returns (an empty one of its own per
// call). sharedClaims is true when Claim keeps one sender per webhook
// across processes (PostgreSQL); the embedded mode is one process.
func Run(t *testing.T, newQueue func(t *testing.T) webhooks.Queue, sharedClaims bool) {
	ctx := context.Background()
	at := time.Date(2026, 12, 6, 12, 0, 0, 0, time.UTC)
	delivery := func(tenant, hook, key string) webhooks.Delivery {
		return webhooks.Delivery{TenantID: tenant, WebhookID: hook, Key: key, Topic: "pirep.filed", Body: []byte(`{"k":"` + key + `"}`), CreatedAt: at}
	}

	t.Run("a key is queued once, in order, within its airline", func(t *testing.T) {
		q := newQueue(t)
		for _, d := range []webhooks.Delivery{delivery("A", "h1", "event@1"), delivery("A", "h1", "event@2"), delivery("A", "h1", "event@1"),
			delivery("B", "h2", "event@1")} {
			if _, err := q.Enqueue(ctx, d); err != nil {
				t.Fatal(err)
			}
		}
		if added, err := q.Enqueue(ctx, delivery("A", "h1", "event@2")); err != nil || added {
			t.Errorf("a key queued again: added %v, %v", added, err)
		}
		list, err := q.List(ctx, "A", "h1", 10)
		if err != nil || len(list) != 2 || string(list[0].Body) != `{"k":"event@2"}` || string(list[1].Body) != `{"k":"event@1"}` {
			t.Fatalf("A's log, newest first: %v %v", list, err)
		}
		if d := list[1]; d.Status != webhooks.Pending || d.Attempts != 0 || !d.CreatedAt.Equal(at) || !d.NextAttemptAt.Equal(at) || !d.LastAttemptAt.IsZero() || d.Topic != "pirep.filed" {
			t.Errorf("a new delivery: %+v", d)
		}
		if other, err := q.List(ctx, "B", "h1", 10); err != nil || len(other) != 0 {
			t.Errorf("another airline lists A's webhook's deliveries: %v %v", other, err)
		}
		if _, ok, err := q.Get(ctx, "B", "h1", list[0].ID); err != nil || ok {
			t.Errorf("another airline reads A's delivery: %v %v", ok, err)
		}
		if d, ok, err := q.Get(ctx, "A", "h1", list[0].ID); err != nil || !ok || d.Key != "event@2" {
			t.Errorf("A reads its delivery: %+v %v %v", d, ok, err)
		}
		pending, err := q.PendingWebhooks(ctx)
		slices.SortFunc(pending, func(a, b [2]string) int { return compare(a[1], b[1]) })
		if err != nil || len(pending) != 2 || pending[0] != [2]string{"A", "h1"} || pending[1] != [2]string{"B", "h2"} {
			t.Errorf("pending webhooks: %v %v", pending, err)
		}
	})

	t.Run("the head waits for its attempts; then the next goes", func(t *testing.T) {
		q := newQueue(t)
		for _, k := range []string{"event@1", "event@2"} {
			if _, err := q.Enqueue(ctx, delivery("A", "h1", k)); err != nil {
				t.Fatal(err)
			}
		}
		head, ok, err := q.Head(ctx, "h1")
		if err != nil || !ok || head.Key != "event@1" {
			t.Fatalf("head: %+v %v %v", head, ok, err)
		}
		retry := webhooks.Attempt{At: at.Add(time.Second), Status: webhooks.Pending, NextAt: at.Add(11 * time.Second), ResponseCode: 503, Response: "busy"}
		if err := q.Record(ctx, head.ID, retry); err != nil {
			t.Fatal(err)
		}
		again, _, _ := q.Head(ctx, "h1")
		if again.ID != head.ID || again.Attempts != 1 || !again.NextAttemptAt.Equal(retry.NextAt) || again.ResponseCode != 503 ||
			again.Response != "busy" || !again.LastAttemptAt.Equal(retry.At) {
			t.Errorf("after a failed attempt the head is %+v", again)
		}
		if err := q.Record(ctx, head.ID, webhooks.Attempt{At: at.Add(12 * time.Second), Status: webhooks.Delivered, ResponseCode: 204}); err != nil {
			t.Fatal(err)
		}
		next, ok, _ := q.Head(ctx, "h1")
		if !ok || next.Key != "event@2" {
			t.Errorf("after the delivery the head is %+v", next)
		}
		if err := q.Record(ctx, next.ID, webhooks.Attempt{At: at.Add(13 * time.Second), Status: webhooks.Failed, ResponseCode: 500}); err != nil {
			t.Fatal(err)
		}
		if _, ok, _ := q.Head(ctx, "h1"); ok {
			t.Error("a queue whose deliveries are done still has a head")
		}
		if pending, _ := q.PendingWebhooks(ctx); len(pending) != 0 {
			t.Errorf("pending after all done: %v", pending)
		}
	})

	t.Run("done deliveries are pruned after their time, pending ones never", func(t *testing.T) {
		q := newQueue(t)
		for _, k := range []string{"event@1", "event@2", "event@3", "event@4"} {
			if _, err := q.Enqueue(ctx, delivery("A", "h1", k)); err != nil {
				t.Fatal(err)
			}
		}
		// event@1 delivered long ago, event@2 given up long ago, event@3
		// delivered lately, event@4 still pending.
		for i, a := range []webhooks.Attempt{
			{At: at.Add(time.Minute), Status: webhooks.Delivered, ResponseCode: 204},
			{At: at.Add(2 * time.Minute), Status: webhooks.Failed, ResponseCode: 500},
			{At: at.Add(time.Hour), Status: webhooks.Delivered, ResponseCode: 200},
		} {
			head, ok, err := q.Head(ctx, "h1")
			if err != nil || !ok {
				t.Fatalf("head %d: %v %v", i, ok, err)
			}
			if err := q.Record(ctx, head.ID, a); err != nil {
				t.Fatal(err)
			}
		}
		if err := q.Prune(ctx, at.Add(30*time.Minute)); err != nil {
			t.Fatal(err)
		}
		list, err := q.List(ctx, "A", "h1", 10)
		if err != nil {
			t.Fatal(err)
		}
		var keys []string
		for _, d := range list {
			keys = append(keys, d.Key)
		}
		if strings.Join(keys, " ") != "event@4 event@3" {
			t.Errorf("after pruning the log holds %v, want the pending and the recent one", keys)
		}
		if added, _ := q.Enqueue(ctx, delivery("A", "h1", "event@3")); added {
			t.Error("a kept delivery's key was queued again")
		}
	})

	t.Run("claims and the signing key", func(t *testing.T) {
		q := newQueue(t)
		if ok, err := q.Claim(ctx, "h1", "one", time.Minute); err != nil || !ok {
			t.Fatalf("first claim: %v %v", ok, err)
		}
		if ok, err := q.Claim(ctx, "h1", "one", time.Minute); err != nil || !ok {
			t.Errorf("its holder renews a claim: %v %v", ok, err)
		}
		if ok, _ := q.Claim(ctx, "h1", "two", time.Minute); sharedClaims && ok {
			t.Error("another process claims a webhook that is held")
		}
		if ok, _ := q.Claim(ctx, "h2", "two", time.Minute); !ok {
			t.Error("another webhook cannot be claimed")
		}
		if sharedClaims {
			if ok, _ := q.Claim(ctx, "h3", "one", time.Millisecond); !ok {
				t.Fatal("claim h3")
			}
			time.Sleep(20 * time.Millisecond)
			if ok, _ := q.Claim(ctx, "h3", "two", time.Minute); !ok {
				t.Error("a claim that ran out cannot be taken")
			}
		}
		k1, err := q.SigningKey(ctx)
		if err != nil || len(k1) < 32 {
			t.Fatalf("signing key: %d bytes, %v", len(k1), err)
		}
		if k2, _ := q.SigningKey(ctx); string(k2) != string(k1) {
			t.Error("the signing key changed")
		}
		if k3, _ := newQueue(t).SigningKey(ctx); string(k3) == string(k1) {
			t.Error("two deployments have one signing key")
		}
	})
}

func compare(a, b string) int {
	switch {
	case a < b:
		return -1
	case a > b:
		return 1
	}
	return 0
}
