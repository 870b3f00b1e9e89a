package relay_test

import (
	"context"
	"testing"
	"time"

	amqp "github.com/rabbitmq/amqp091-go"

	"github.com/albatross-va/albatross/domain"
	"github.com/albatross-va/albatross/store/relay"
)

// benchEvents is how many events each round relays.
const benchEvents = 5000

// BenchmarkRelay measures the relay's throughput, from its checkpoint to
// RabbitMQ's confirms, against a plain publish loop of the same messages
// (the same bodies, headers and routing keys, in batches of the relay's
// size, each waited for) in the same run, with a durable queue bound to
// the exchange in both. It reports events/s of each and their ratio
// (relay/plain: 1 would mean the log, the checkpoints and the routing cost
// nothing).
func BenchmarkRelay(b *testing.B) {
	for _, name := range []string{"embedded", "postgres"} {
		b.Run(name, func(b *testing.B) { benchmarkRelay(b, name) })
	}
}

func benchmarkRelay(b *testing.B, name string) {
	b.StopTimer() // the rounds are timed one part at a time, below
	m := openMode(b, name)
	conn := dialRabbit(b, rabbitURL())
	exchange, queue := uniqueName("relay-bench"), uniqueName("relay-bench-queue")
	ch, err := conn.Channel()
	if err != nil {
		b.Fatal(err)
	}
	if err := ch.ExchangeDeclare(exchange, amqp.ExchangeTopic, true, false, false, false, nil); err != nil {
		b.Fatal(err)
	}
	if _, err := ch.QueueDeclare(queue, true, false, false, false, nil); err != nil {
		b.Fatal(err)
	}
	if err := ch.QueueBind(queue, "#", exchange, false, nil); err != nil {
		b.Fatal(err)
	}
	b.Cleanup(func() {
		_, _ = ch.QueueDelete(queue, false, false, false)
		_ = ch.ExchangeDelete(exchange, false, false)
	})
	log := newAirlineLog(b, m.events)
	log.more(benchEvents - 2)
	ctx := context.Background()
	var evs []domain.RecordedEvent
	for len(evs) < benchEvents {
		if evs, err = m.events.ReadAll(ctx, domain.Start, benchEvents); err != nil {
			b.Fatal(err)
		}
		time.Sleep(10 * time.Millisecond) // PostgreSQL: until no older transaction hides one
	}
	keys := log.keysCopy()
	const batch = 500

	// A connection of its own, as the relay has.
	pub, err := dialRabbit(b, rabbitURL()).Channel()
	if err != nil {
		b.Fatal(err)
	}
	if err := pub.Confirm(false); err != nil {
		b.Fatal(err)
	}
	var plain, relayed time.Duration
	for range b.N {
		if _, err := ch.QueuePurge(queue, false); err != nil {
			b.Fatal(err)
		}
		// The plain loop: the messages, already built, published and
		// confirmed a batch at a time.
		msgs := make([]amqp.Publishing, len(evs))
		for i, ev := range evs {
			msgs[i] = relay.Message(ev)
		}
		start := time.Now()
		for from := 0; from < len(msgs); from += batch {
			var pending []*amqp.DeferredConfirmation
			for i := from; i < min(from+batch, len(msgs)); i++ {
				dc, err := pub.PublishWithDeferredConfirm(exchange, keys[evs[i].Position], false, false, msgs[i])
				if err != nil {
					b.Fatal(err)
				}
				pending = append(pending, dc)
			}
			for _, dc := range pending {
				if !dc.Wait() {
					b.Fatal("plain loop: a message was not confirmed")
				}
			}
		}
		plain += time.Since(start)
		if _, err := ch.QueuePurge(queue, false); err != nil {
			b.Fatal(err)
		}

		// The relay, from a checkpoint of its own, to the log's end.
		cfg := relay.Config{URL: rabbitURL(), Exchange: exchange, Name: uniqueName("relay-bench"), BatchSize: batch,
			PollInterval: time.Millisecond}
		rctx, cancel := context.WithCancel(ctx)
		done := make(chan error, 1)
		last := evs[len(evs)-1].Position
		start = time.Now()
		go func() { done <- relay.New(m.events, m.cps, nil, cfg).Run(rctx) }()
		for {
			cp, err := m.cps.Get(ctx, cfg.Name)
			if err != nil {
				b.Fatal(err)
			}
			if cp.At == last {
				break
			}
			time.Sleep(time.Millisecond)
		}
		relayed += time.Since(start)
		cancel()
		if err := <-done; err != nil {
			b.Fatal(err)
		}
	}
	n := float64(b.N * len(evs))
	b.ReportMetric(n/plain.Seconds(), "plain-events/s")
	b.ReportMetric(n/relayed.Seconds(), "relay-events/s")
	b.ReportMetric(plain.Seconds()/relayed.Seconds(), "relay/plain")
}
