package relay_test

import (
	"context"
	"fmt"
	"net"
	"os"
	"os/exec"
	"path/filepath"
	"strings"
	"syscall"
	"testing"
	"time"

	amqp "github.com/rabbitmq/amqp091-go"

	"github.com/albatross-va/albatross/store/pgtest"
)

// rabbitBin is where Debian's rabbitmq-server package puts the broker and
// its control tool (the /usr/sbin wrappers switch to the rabbitmq user).
const rabbitBin = "/usr/lib/rabbitmq/bin"

// ownRabbit is a RabbitMQ node of the test's own, on free ports and in a
// temporary folder, so that stopping it disturbs no other test.
type ownRabbit struct {
	URL  string
	node string
	env  []string
}

// freePort asks the kernel for a port no one listens on.
func freePort(t *testing.T) int {
	t.Helper()
	ln, err := net.Listen("tcp", "127.0.0.1:0")
	if err != nil {
		t.Fatal(err)
	}
	defer ln.Close()
	return ln.Addr().(*net.TCPAddr).Port
}

// startOwnRabbit starts a RabbitMQ node and waits until it takes
// connections; it is stopped and removed when the test ends.
func startOwnRabbit(t *testing.T) *ownRabbit {
	t.Helper()
	if _, err := os.Stat(filepath.Join(rabbitBin, "rabbitmq-server")); err != nil {
		pgtest.Unavailable(t, "rabbitmq-server (apt-get install rabbitmq-server)", err)
	}
	dir := t.TempDir()
	port, dist := freePort(t), freePort(t)
	name := uniqueName("relaytest")
	r := &ownRabbit{URL: fmt.Sprintf("amqp://guest:guest@127.0.0.1:%d/", port), node: name + "@localhost"}
	conf := fmt.Sprintf("listeners.tcp.local = 127.0.0.1:%d\n", port)
	if err := os.WriteFile(filepath.Join(dir, "rabbitmq.conf"), []byte(conf), 0o600); err != nil {
		t.Fatal(err)
	}
	if err := os.WriteFile(filepath.Join(dir, "enabled_plugins"), []byte("[].\n"), 0o600); err != nil {
		t.Fatal(err)
	}
	r.env = append(os.Environ(), "HOME="+dir, "RABBITMQ_NODENAME="+r.node,
		fmt.Sprintf("RABBITMQ_NODE_PORT=%d", port), fmt.Sprintf("RABBITMQ_DIST_PORT=%d", dist),
		"RABBITMQ_MNESIA_BASE="+filepath.Join(dir, "mnesia"), "RABBITMQ_LOG_BASE="+filepath.Join(dir, "log"),
		"RABBITMQ_PID_FILE="+filepath.Join(dir, "pid"), "RABBITMQ_ENABLED_PLUGINS_FILE="+filepath.Join(dir, "enabled_plugins"),
		"RABBITMQ_CONFIG_FILE="+filepath.Join(dir, "rabbitmq"))
	server := exec.Command(filepath.Join(rabbitBin, "rabbitmq-server"))
	server.Env, server.Dir = r.env, dir
	server.SysProcAttr = &syscall.SysProcAttr{Setsid: true}
	out, err := os.Create(filepath.Join(dir, "server.out"))
	if err != nil {
		t.Fatal(err)
	}
	server.Stdout, server.Stderr = out, out
	if err := server.Start(); err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() {
		if err := r.ctl("stop"); err != nil {
			_ = server.Process.Kill()
		}
		_ = server.Wait()
		_ = out.Close()
	})
	// The node answers the control tool only once it has registered.
	for deadline := time.Now().Add(2 * time.Minute); ; {
		err := r.ctl("await_startup", "--timeout", "120")
		if err == nil {
			break
		}
		if time.Now().After(deadline) {
			log, _ := os.ReadFile(filepath.Join(dir, "server.out"))
			t.Fatalf("own RabbitMQ did not start: %v\n%s", err, log)
		}
		time.Sleep(500 * time.Millisecond)
	}
	return r
}

// ctl runs rabbitmqctl against the node.
func (r *ownRabbit) ctl(args ...string) error {
	cmd := exec.Command(filepath.Join(rabbitBin, "rabbitmqctl"), append([]string{"-n", r.node}, args...)...)
	cmd.Env = r.env
	if out, err := cmd.CombinedOutput(); err != nil {
		return fmt.Errorf("rabbitmqctl %s: %v: %s", strings.Join(args, " "), err, out)
	}
	return nil
}

// consumeAcross collects queue's messages, acknowledging each once kept,
// and connects again whenever the broker goes away, until the test ends.
func consumeAcross(t *testing.T, url, queue string) *binding {
	b := &binding{more: make(chan struct{}, 1)}
	ctx, cancel := context.WithCancel(context.Background())
	done := make(chan struct{})
	t.Cleanup(func() { cancel(); <-done })
	go func() {
		defer close(done)
		for ctx.Err() == nil {
			conn, err := amqp.Dial(url)
			if err != nil {
				time.Sleep(100 * time.Millisecond)
				continue
			}
			ch, err := conn.Channel()
			var deliveries <-chan amqp.Delivery
			if err == nil {
				deliveries, err = ch.Consume(queue, "", false, false, false, false, nil)
			}
			if err != nil {
				_ = conn.Close()
				time.Sleep(100 * time.Millisecond)
				continue
			}
		consume:
			for {
				select {
				case <-ctx.Done():
					break consume
				case d, ok := <-deliveries:
					if !ok {
						break consume
					}
					b.mu.Lock()
					b.got = append(b.got, d)
					b.mu.Unlock()
					_ = d.Ack(false)
					select {
					case b.more <- struct{}{}:
					default:
					}
				}
			}
			_ = conn.Close()
		}
	}()
	return b
}

// TestRelayLosesNothingWhenRabbitMQRestarts stops and starts the broker
// (rabbitmqctl stop_app and start_app, on a node of the test's own) twice
// while events are appended: the relay reconnects with backoff, what
// RabbitMQ had confirmed is still in the durable queue, and the consumer
// gets every event in order.
func TestRelayLosesNothingWhenRabbitMQRestarts(t *testing.T) {
	rabbit := startOwnRabbit(t)
	eachMode(t, func(t *testing.T, m mode) {
		exchange, queue := uniqueName("relay-test"), uniqueName("relay-test-queue")
		setup, err := amqp.Dial(rabbit.URL)
		if err != nil {
			t.Fatal(err)
		}
		ch, err := setup.Channel()
		if err == nil {
			err = ch.ExchangeDeclare(exchange, amqp.ExchangeTopic, true, false, false, false, nil)
		}
		if err == nil {
			_, err = ch.QueueDeclare(queue, true, false, false, false, nil)
		}
		if err == nil {
			err = ch.QueueBind(queue, "#", exchange, false, nil)
		}
		_ = setup.Close()
		if err != nil {
			t.Fatal(err)
		}
		q := consumeAcross(t, rabbit.URL, queue)
		log := newAirlineLog(t, m.events)
		log.more(100)
		cfg := testConfig(exchange)
		cfg.URL, cfg.BatchSize = rabbit.URL, 20
		runRelay(t, m, cfg)
		writing := make(chan struct{})
		t.Cleanup(func() { <-writing })
		go func() {
			defer close(writing)
			for range 40 {
				log.more(20)
				time.Sleep(100 * time.Millisecond)
			}
		}()
		for _, after := range []int{50, 400} {
			q.waitCount(t, after, 60*time.Second)
			if err := rabbit.ctl("stop_app"); err != nil {
				t.Fatal(err)
			}
			time.Sleep(500 * time.Millisecond) // appends go on while the broker is down
			if err := rabbit.ctl("start_app"); err != nil {
				t.Fatal(err)
			}
		}
		<-writing
		q.waitAll(t, m.events, log.keysCopy(), 90*time.Second)
	})
}
