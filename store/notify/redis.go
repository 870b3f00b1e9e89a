package notify

import (
	"context"
	"fmt"
	"log/slog"
	"sync"

	"github.com/redis/go-redis/v9"
)

// Channel is the Redis pub/sub channel the notices travel on.
const Channel = "albatross:notices"

// Redis publishes notices on a Redis channel and fans out what it receives
// to this process's subscribers, including notices this process published.
type Redis struct {
	client *redis.Client
	pubsub *redis.PubSub
	f      *fanout
	log    *slog.Logger
	done   chan struct{}
	once   sync.Once
}

// NewRedis subscribes to the notice channel and returns once Redis has
// confirmed the subscription, so no notice published afterwards is missed.
func NewRedis(ctx context.Context, client *redis.Client, log *slog.Logger) (*Redis, error) {
	ps := client.Subscribe(ctx, Channel)
	if _, err := ps.Receive(ctx); err != nil {
		_ = ps.Close()
		return nil, fmt.Errorf("subscribe to redis channel %s: %w", Channel, err)
	}
	r := &Redis{client: client, pubsub: ps, f: newFanout(), log: log, done: make(chan struct{})}
	go r.receive()
	return r, nil
}

func (r *Redis) receive() {
	defer close(r.done)
	for msg := range r.pubsub.Channel() {
		n, err := Decode([]byte(msg.Payload))
		if err != nil {
			r.log.Warn("dropping malformed notice", "err", err)
			continue
		}
		r.f.send(n)
	}
}

// Publish sends notices to every process subscribed to the channel.
func (r *Redis) Publish(ctx context.Context, notices ...Notice) error {
	for _, n := range notices {
		b, err := n.Encode()
		if err != nil {
			return err
		}
		if err := r.client.Publish(ctx, Channel, b).Err(); err != nil {
			return fmt.Errorf("publish notice: %w", err)
		}
	}
	return nil
}

// Subscribe returns a channel of notices until ctx ends.
func (r *Redis) Subscribe(ctx context.Context) (<-chan Notice, error) { return r.f.add(ctx), nil }

// Close unsubscribes from Redis and ends every local subscription.
func (r *Redis) Close() error {
	var err error
	r.once.Do(func() {
		err = r.pubsub.Close()
		<-r.done
		r.f.closeAll()
	})
	return err
}
