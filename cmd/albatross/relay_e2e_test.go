package main

import (
	"context"
	"fmt"
	"os"
	"path/filepath"
	"strings"
	"sync"
	"testing"
	"time"

	amqp "github.com/rabbitmq/amqp091-go"
	"google.golang.org/protobuf/proto"

	"github.com/albatross-va/albatross/domain"
	eventsv1 "github.com/albatross-va/albatross/domain/events/v1"
	"github.com/albatross-va/albatross/store/pgtest"
)

// testAMQPURL is the RabbitMQ of these machines; ALBATROSS_TEST_AMQP_URL
// overrides it.
func testAMQPURL() string {
	if u := os.Getenv("ALBATROSS_TEST_AMQP_URL"); u != "" {
		return u
	}
	return "amqp://guest:guest@127.0.0.1:5672/"
}

// relayQueue declares exchange and a queue of the test's own bound to all
// of it, and returns what arrives there.
type relayQueue struct {
	mu  sync.Mutex
	got []amqp.Delivery
}

func bindRelayQueue(t *testing.T, exchange string) *relayQueue {
	t.Helper()
	conn, err := amqp.Dial(testAMQPURL())
	if err != nil {
		pgtest.Unavailable(t, "RabbitMQ", err)
	}
	t.Cleanup(func() { _ = conn.Close() })
	ch, err := conn.Channel()
	if err != nil {
		t.Fatal(err)
	}
	if err := ch.ExchangeDeclare(exchange, amqp.ExchangeTopic, true, false, false, false, nil); err != nil {
		t.Fatal(err)
	}
	q, err := ch.QueueDeclare("", false, true, true, false, nil) // the server names it; gone with the connection
	if err != nil {
		t.Fatal(err)
	}
	if err := ch.QueueBind(q.Name, "#", exchange, false, nil); err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() {
		if c, err := conn.Channel(); err == nil {
			_ = c.ExchangeDelete(exchange, false, false)
		}
	})
	deliveries, err := ch.Consume(q.Name, "", true, true, false, false, nil)
	if err != nil {
		t.Fatal(err)
	}
	rq := &relayQueue{}
	go func() {
		for d := range deliveries {
			rq.mu.Lock()
			rq.got = append(rq.got, d)
			rq.mu.Unlock()
		}
	}()
	return rq
}

// waitKey waits for a message with the routing key and returns it.
func (q *relayQueue) waitKey(t *testing.T, key string) amqp.Delivery {
	t.Helper()
	deadline := time.Now().Add(30 * time.Second)
	for {
		q.mu.Lock()
		var keys []string
		for _, d := range q.got {
			if d.RoutingKey == key {
				q.mu.Unlock()
				return d
			}
			keys = append(keys, d.RoutingKey)
		}
		q.mu.Unlock()
		if time.Now().After(deadline) {
			t.Fatalf("no message %q arrived; got %v", key, keys)
		}
		time.Sleep(50 * time.Millisecond)
	}
}

// TestServeRelaysEveryEventToRabbitMQ runs serve with ALBATROSS_RELAY in
// both modes: the first admin's creation goes out under platform., without
// its password's hash, and an airline created on its page under its slug,
// with the event's payload for a consumer to decode.
func TestServeRelaysEveryEventToRabbitMQ(t *testing.T) {
	for _, mode := range []string{"embedded", "postgres"} {
		t.Run(mode, func(t *testing.T) {
			exchange := "relay-e2e-" + strings.ReplaceAll(domain.NewUUID(), "-", "")[:12]
			q := bindRelayQueue(t, exchange)
			env := map[string]string{"ALBATROSS_RELAY": "true", "ALBATROSS_AMQP_URL": testAMQPURL(), "ALBATROSS_AMQP_EXCHANGE": exchange}
			if mode == "postgres" {
				env["DATABASE_URL"] = pgtest.NewEmptyDatabase(t)
			} else {
				env["ALBATROSS_DATA_DIR"] = t.TempDir()
			}
			srv := startServer(t, env)
			admin := loginAsAdmin(t, srv)
			id := createAirline(t, admin, "Relay Air", "RLY", "relay-air")

			d := q.waitKey(t, "platform.albatross.events.v1.UserCreated")
			var user eventsv1.UserCreated
			if err := proto.Unmarshal(d.Body, &user); err != nil || user.Email != "admin" || user.PasswordHash != "" {
				t.Errorf("the admin's UserCreated went out as %v (%v), want it without the password's hash", &user, err)
			}
			d = q.waitKey(t, "relay-air.albatross.events.v1.AirlineCreated")
			var created eventsv1.AirlineCreated
			if err := proto.Unmarshal(d.Body, &created); err != nil || created.Name != "Relay Air" || created.AirlineId != id {
				t.Errorf("AirlineCreated went out as %v (%v)", &created, err)
			}
			if d.Headers["tenant"] != id || d.Headers["stream"] != domain.AirlineStream(id) {
				t.Errorf("AirlineCreated's headers are %v, want tenant %s", d.Headers, id)
			}
			if strings.Contains(srv.logs.String(), "guest:guest") {
				t.Errorf("the log shows RabbitMQ's password:\n%s", srv.logs)
			}
		})
	}
}

// TestRelayCommandPublishesTheLogOfAnEmbeddedDataFolder runs `albatross
// relay` beside a stopped embedded server's data folder: the events that
// serve wrote go out.
func TestRelayCommandPublishesTheLogOfAnEmbeddedDataFolder(t *testing.T) {
	exchange := "relay-cmd-" + strings.ReplaceAll(domain.NewUUID(), "-", "")[:12]
	q := bindRelayQueue(t, exchange)
	dir := t.TempDir()
	srv := startServer(t, map[string]string{"ALBATROSS_DATA_DIR": dir})
	admin := loginAsAdmin(t, srv)
	createAirline(t, admin, "Command Air", "CMD", "command-air")
	srv.stop(t)

	ctx, cancel := context.WithCancel(context.Background())
	defer cancel()
	done := make(chan error, 1)
	out, logs := &syncBuffer{}, &syncBuffer{}
	env := map[string]string{"ALBATROSS_DATA_DIR": dir, "ALBATROSS_AMQP_URL": testAMQPURL(), "ALBATROSS_AMQP_EXCHANGE": exchange}
	go func() { done <- run(ctx, []string{"relay"}, func(k string) string { return env[k] }, out, logs) }()
	q.waitKey(t, "command-air.albatross.events.v1.AirlineCreated")
	cancel()
	if err := <-done; err != nil {
		t.Errorf("relay returned %v after its stop; logs:\n%s", err, logs)
	}
	if _, err := os.Stat(filepath.Join(dir, "relay.lock")); err != nil {
		t.Errorf("the relay of a data folder holds no lock file there: %v", err)
	}
}

// TestRelaySettingsAreChecked: the relay needs a URL, and a bad one is
// named without its password.
func TestRelaySettingsAreChecked(t *testing.T) {
	checkRefusedStarts(t, []refusedStart{
		{map[string]string{"ALBATROSS_RELAY": "true"}, nil, []string{"ALBATROSS_RELAY", "ALBATROSS_AMQP_URL"}},
		{map[string]string{"ALBATROSS_RELAY": "yes please"}, nil, []string{"ALBATROSS_RELAY"}},
		{map[string]string{"ALBATROSS_AMQP_URL": "http://user:hunter2@rabbit/"}, nil, []string{"ALBATROSS_AMQP_URL", "not an AMQP URL"}},
		{nil, []string{"--amqp-exchange", "amq.topic"}, []string{"--amqp-exchange"}},
		{map[string]string{"ALBATROSS_AMQP_EXCHANGE": "events of mine"}, nil, []string{"ALBATROSS_AMQP_EXCHANGE"}},
	})
	if _, _, err := runCLI(t, map[string]string{"ALBATROSS_DATA_DIR": t.TempDir()}, "relay"); err == nil || !strings.Contains(err.Error(), "ALBATROSS_AMQP_URL") {
		t.Errorf("relay without a URL: %v, want an error naming ALBATROSS_AMQP_URL", err)
	}
	empty := t.TempDir()
	if _, _, err := runCLI(t, map[string]string{"ALBATROSS_DATA_DIR": empty, "ALBATROSS_AMQP_URL": testAMQPURL()}, "relay"); err == nil || !strings.Contains(err.Error(), "no event log") {
		t.Errorf("relay of a folder without a log: %v, want an error saying so", err)
	}
	if _, err := os.Stat(filepath.Join(empty, "events.db")); err == nil {
		t.Errorf("relay created an event log in a folder that had none")
	}
}

// runRelayCommand runs `albatross relay` until stop is called.
func runRelayCommand(t *testing.T, env map[string]string) (stop func()) {
	t.Helper()
	ctx, cancel := context.WithCancel(context.Background())
	done := make(chan error, 1)
	logs := &syncBuffer{}
	go func() {
		done <- run(ctx, []string{"relay"}, func(k string) string { return env[k] }, &syncBuffer{}, logs)
	}()
	stopped := false
	stop = func() {
		if stopped {
			return
		}
		stopped = true
		cancel()
		if err := <-done; err != nil {
			t.Errorf("relay returned %v after its stop; logs:\n%s", err, logs)
		}
	}
	t.Cleanup(stop)
	return stop
}

// TestLogExportAndImportKeepTheRelaysCheckpoint moves a deployment by
// log export and import, in both modes: the relay of the new one goes on
// after what the old one had sent, and sends none of it again.
func TestLogExportAndImportKeepTheRelaysCheckpoint(t *testing.T) {
	for _, mode := range []string{"embedded", "postgres"} {
		t.Run(mode, func(t *testing.T) {
			exchange := "relay-move-" + strings.ReplaceAll(domain.NewUUID(), "-", "")[:12]
			q := bindRelayQueue(t, exchange)
			place := func() map[string]string {
				if mode == "postgres" {
					return map[string]string{"DATABASE_URL": pgtest.NewEmptyDatabase(t)}
				}
				return map[string]string{"ALBATROSS_DATA_DIR": filepath.Join(t.TempDir(), "data")}
			}
			oldEnv, newEnv := place(), place()
			withAMQP := func(env map[string]string) map[string]string {
				out := map[string]string{"ALBATROSS_AMQP_URL": testAMQPURL(), "ALBATROSS_AMQP_EXCHANGE": exchange}
				for k, v := range env {
					out[k] = v
				}
				return out
			}
			srv := startServer(t, oldEnv)
			admin := loginAsAdmin(t, srv)
			createAirline(t, admin, "Before Air", "BFR", "before-air")
			srv.stop(t)
			stop := runRelayCommand(t, withAMQP(oldEnv))
			q.waitKey(t, "before-air.albatross.events.v1.AirlineCreated")
			time.Sleep(time.Second) // the rest of the old log
			stop()

			file := filepath.Join(t.TempDir(), "albatross.log")
			if _, _, err := runCLI(t, oldEnv, "log", "export", file); err != nil {
				t.Fatal(err)
			}
			if _, _, err := runCLI(t, newEnv, "log", "import", file); err != nil {
				t.Fatal(err)
			}
			srv = startServer(t, newEnv)
			admin = loginAsAdmin(t, srv)
			createAirline(t, admin, "After Air", "AFT", "after-air")
			srv.stop(t)

			runRelayCommand(t, withAMQP(newEnv))
			q.waitKey(t, "after-air.albatross.events.v1.AirlineCreated")
			time.Sleep(time.Second) // time for any repeat to show
			q.mu.Lock()
			defer q.mu.Unlock()
			// An event is its stream and version: positions are numbered
			// anew when a PostgreSQL log is imported.
			seen := map[string]bool{}
			for _, d := range q.got {
				key := fmt.Sprint(d.Headers["stream"], "@", d.Headers["stream_version"])
				if seen[key] {
					t.Fatalf("the event %s (%s) was sent again after the move: the relay's checkpoint was lost", key, d.RoutingKey)
				}
				seen[key] = true
			}
		})
	}
}
