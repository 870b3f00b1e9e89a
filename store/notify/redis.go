package notify

import (
	"context"
	"fmt"
	"log/slog"
	"sync"

	"github.com/redis/go-redis/v9"
)

// Redis publishes notices on a Redis channel and fans out what it receives
// to this process's subscribers, including notices this process published.
type Redis struct {
	client  *redis.Client
	channel string
	pubsub  *redis.PubSub
	f       *fanout
	log     *slog.Logger
	done    chan struct{}
	once    sync.Once
}

// NewRedis subscribes to the notice channel and returns once Redis has
// confirmed the subscription, so no notice published afterwards is missed.
// The channel is named per database (see ChannelFor), so deployments that
// share one Redis do not see each other's notices.
func NewRedis(ctx context.Context, client *redis.Client, channel string, log *slog.Logger) (*Redis, error) {
	ps := client.Subscribe(ctx, channel)
	if _, err := ps.Receive(ctx); err != nil {
		_ = ps.Close()
		return nil, fmt.Errorf("subscribe to redis channel %s: %w", channel, err)
	}
	r := &Redis{client: client, channel: channel, pubsub: ps, f: newFanout(), log: log, done: make(chan struct{})}
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

// Publish sends notices to every process subscribed to the channel, in one
// pipelined round trip.
func (r *Redis) Publish(ctx context.Context, notices ...Notice) error {
	_, err := r.client.Pipelined(ctx, func(p redis.Pipeliner) error {
		for _, n := range notices {
			b, err := n.Encode()
			if err != nil {
				return err
			}
			p.Publish(ctx, r.channel, b)
		}
		return nil
	})
	if err != nil {
		return fmt.Errorf("publish %d notice(s): %w", len(notices), err)
	}
	return nil
}

// Subscribe returns a channel of notices until ctx ends.
func (r *Redis) Subscribe(ctx context.Context) (<-chan Notice, error) { return r.f.add(ctx), nil }

// ChannelFor names the notice channel of one deployment (one database).
func ChannelFor(deploymentID string) string {
	return "albatross:notices:" + deploymentID
}

// Client returns the Redis client the notifier uses; its owner closes it.
func (r *Redis) Client() *redis.Client { return r.client }

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
