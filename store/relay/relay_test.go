package relay_test

import (
	"context"
	"fmt"
	"os"
	"os/exec"
	"path/filepath"
	"strings"
	"sync"
	"syscall"
	"testing"
	"time"

	"github.com/jackc/pgx/v5/pgxpool"
	amqp "github.com/rabbitmq/amqp091-go"
	"google.golang.org/protobuf/proto"

	"github.com/albatross-va/albatross/domain"
	eventsv1 "github.com/albatross-va/albatross/domain/events/v1"
	"github.com/albatross-va/albatross/store/pgtest"
	"github.com/albatross-va/albatross/store/postgres"
	"github.com/albatross-va/albatross/store/projector"
	"github.com/albatross-va/albatross/store/relay"
	"github.com/albatross-va/albatross/store/sqlite"
)

// rabbitURL is the RabbitMQ the tests publish to; override it with
// ALBATROSS_TEST_AMQP_URL.
func rabbitURL() string {
	if u := os.Getenv("ALBATROSS_TEST_AMQP_URL"); u != "" {
		return u
	}
	return "amqp://guest:guest@127.0.0.1:5672/"
}

// dialRabbit connects the test's own consumer, skipping (or failing under
// CI) when RabbitMQ does not answer.
func dialRabbit(t testing.TB, url string) *amqp.Connection {
	t.Helper()
	conn, err := amqp.Dial(url)
	if err != nil {
		pgtest.Unavailable(t, "RabbitMQ", err)
	}
	t.Cleanup(func() { _ = conn.Close() })
	return conn
}

// uniqueName is a name no other test uses.
func uniqueName(prefix string) string {
	return prefix + "-" + strings.ReplaceAll(domain.NewUUID(), "-", "")[:12]
}

// mode is one event store with its reactor checkpoints, and how a second
// process opens the same log.
type mode struct {
	name   string
	events domain.EventStore
	cps    projector.ReactorCheckpoints
	env    []string // tells a child process where the log is
	lock   string   // the embedded data folder's lock file
}

// openMode opens an empty log in the mode named: "embedded" (the SQLite
// file) or "postgres".
func openMode(t testing.TB, name string) mode {
	t.Helper()
	if name == "embedded" {
		path := filepath.Join(t.TempDir(), "events.db")
		es, err := sqlite.Open(context.Background(), path, nil)
		if err != nil {
			t.Fatal(err)
		}
		t.Cleanup(func() { _ = es.Close() })
		return mode{name: "embedded", events: es, cps: es.ReactorCheckpoints(),
			env: []string{"RELAY_TEST_SQLITE=" + path}, lock: filepath.Join(filepath.Dir(path), "relay.lock")}
	}
	dbURL := pgtest.NewDatabase(t)
	pool, err := pgxpool.New(context.Background(), dbURL)
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(pool.Close)
	es := postgres.NewEventStore(pool, nil)
	return mode{name: "postgres", events: es, cps: postgres.NewReactorCheckpoints(pool),
		env: []string{"RELAY_TEST_DATABASE_URL=" + dbURL}}
}

// eachMode runs fn in the embedded mode and on PostgreSQL.
func eachMode(t *testing.T, fn func(t *testing.T, m mode)) {
	for _, name := range []string{"embedded", "postgres"} {
		t.Run(name, func(t *testing.T) { fn(t, openMode(t, name)) })
	}
}

// binding is a durable queue of the test's own, bound to everything the
// exchange gets, with what arrived there.
type binding struct {
	mu   sync.Mutex
	got  []amqp.Delivery
	more chan struct{}
}

// bind declares exchange (as the relay does) and a durable queue bound to
// "#", and collects what it receives until the test ends.
func bind(t *testing.T, conn *amqp.Connection, exchange string) *binding {
	t.Helper()
	ch, err := conn.Channel()
	if err != nil {
		t.Fatal(err)
	}
	if err := ch.ExchangeDeclare(exchange, amqp.ExchangeTopic, true, false, false, false, nil); err != nil {
		t.Fatal(err)
	}
	queue := uniqueName("relay-test-queue")
	if _, err := ch.QueueDeclare(queue, true, false, false, false, nil); err != nil {
		t.Fatal(err)
	}
	if err := ch.QueueBind(queue, "#", exchange, false, nil); err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() {
		if c, err := conn.Channel(); err == nil {
			_, _ = c.QueueDelete(queue, false, false, false)
			_ = c.ExchangeDelete(exchange, false, false)
			_ = c.Close()
		}
	})
	return consume(t, conn, queue)
}

// consume collects the deliveries of queue.
func consume(t *testing.T, conn *amqp.Connection, queue string) *binding {
	t.Helper()
	ch, err := conn.Channel()
	if err != nil {
		t.Fatal(err)
	}
	deliveries, err := ch.Consume(queue, "", true, false, false, false, nil)
	if err != nil {
		t.Fatal(err)
	}
	b := &binding{more: make(chan struct{}, 1)}
	go func() {
		for d := range deliveries {
			b.mu.Lock()
			b.got = append(b.got, d)
			b.mu.Unlock()
			select {
			case b.more <- struct{}{}:
			default:
			}
		}
	}()
	return b
}

// count is how many messages arrived, repeats included.
func (b *binding) count() int {
	b.mu.Lock()
	defer b.mu.Unlock()
	return len(b.got)
}

// waitCount waits until at least n messages have arrived.
func (b *binding) waitCount(t *testing.T, n int, within time.Duration) {
	t.Helper()
	deadline := time.After(within)
	for b.count() < n {
		select {
		case <-b.more:
		case <-time.After(100 * time.Millisecond):
		case <-deadline:
			t.Fatalf("%d messages arrived within %s, want at least %d", b.count(), within, n)
		}
	}
}

// deduplicated is what a consumer that drops repeats by the position
// header sees: each message whose position comes after the last one kept.
// It fails the test when a message arrived out of order other than as a
// repeat of one already seen.
func (b *binding) deduplicated(t *testing.T) []amqp.Delivery {
	t.Helper()
	b.mu.Lock()
	defer b.mu.Unlock()
	var kept []amqp.Delivery
	var last domain.Position
	first := true
	seen := map[domain.Position][]byte{}
	for _, d := range b.got {
		p := position(t, d)
		if !first && !p.After(last) {
			body, ok := seen[p]
			if !ok {
				t.Fatalf("message at %s arrived after %s and was never sent before: the order is broken", p, last)
			}
			if string(body) != string(d.Body) {
				t.Fatalf("the repeat of %s has another body", p)
			}
			continue
		}
		first, last = false, p
		seen[p] = d.Body
		kept = append(kept, d)
	}
	return kept
}

// position reads a message's position header.
func position(t *testing.T, d amqp.Delivery) domain.Position {
	t.Helper()
	s, _ := d.Headers["position"].(string)
	p, err := domain.ParsePosition(s)
	if err != nil {
		t.Fatalf("message without a position header: %v", d.Headers)
	}
	return p
}

// waitAll waits until the deduplicated messages are the whole log, and
// checks each against its event: order, routing key, body and headers.
func (b *binding) waitAll(t *testing.T, es domain.EventStore, keys map[domain.Position]string, within time.Duration) []amqp.Delivery {
	t.Helper()
	deadline := time.Now().Add(within)
	// PostgreSQL's log shows an event once no older transaction of the
	// cluster is still running: wait until it shows every event appended.
	var all []domain.RecordedEvent
	for {
		var err error
		if all, err = es.ReadAll(context.Background(), domain.Start, 1_000_000); err != nil {
			t.Fatal(err)
		}
		if len(all) >= len(keys) {
			break
		}
		if time.Now().After(deadline) {
			t.Fatalf("the log shows %d of the %d events appended within %s", len(all), len(keys), within)
		}
		time.Sleep(50 * time.Millisecond)
	}
	for len(b.deduplicated(t)) < len(all) {
		if time.Now().After(deadline) {
			t.Fatalf("%d of the log's %d events arrived within %s", len(b.deduplicated(t)), len(all), within)
		}
		select {
		case <-b.more:
		case <-time.After(100 * time.Millisecond):
		}
	}
	got := b.deduplicated(t)
	if len(got) != len(all) {
		t.Fatalf("%d distinct events arrived, the log has %d", len(got), len(all))
	}
	for i, ev := range all {
		d := got[i]
		if p := position(t, d); p != ev.Position {
			t.Fatalf("message %d is the event at %s, want %s: not in the log's order", i, p, ev.Position)
		}
		if want, ok := keys[ev.Position]; ok && d.RoutingKey != want {
			t.Errorf("event %s (%s) went out as %q, want %q", ev.Position, ev.Type, d.RoutingKey, want)
		}
		if ev.Type == "albatross.events.v1.UserCreated" {
			// A password's hash never leaves: the rest of the event does.
			var sent, stored eventsv1.UserCreated
			if err := proto.Unmarshal(d.Body, &sent); err != nil || proto.Unmarshal(ev.Data, &stored) != nil {
				t.Fatalf("message %d does not decode as a UserCreated: %v", i, err)
			}
			if sent.PasswordHash != "" || strings.Contains(string(d.Body), "argon2id") || sent.Email != stored.Email ||
				sent.UserId != stored.UserId || d.Headers["redacted"] != "password_hash" {
				t.Fatalf("UserCreated went out as %v (headers %v), want it without the password hash only", &sent, d.Headers)
			}
		} else if string(d.Body) != string(ev.Data) || d.Headers["redacted"] != nil {
			t.Fatalf("message %d's body is not its event %s's payload", i, ev.Position)
		}
		if d.Type != ev.Type || d.Headers["type"] != ev.Type ||
			d.Headers["stream"] != ev.StreamID || d.Headers["tenant"] != ev.TenantID ||
			d.Headers["correlation_id"] != ev.Meta.CorrelationID || d.ContentType != relay.ContentType ||
			d.DeliveryMode != amqp.Persistent {
			t.Fatalf("message %d does not carry its event %s: %+v", i, ev.Position, d.Headers)
		}
		if at, err := time.Parse(time.RFC3339Nano, fmt.Sprint(d.Headers["time"])); err != nil || !at.Equal(ev.Meta.RecordedAt) {
			t.Fatalf("message %d's time is %v, want %s", i, d.Headers["time"], ev.Meta.RecordedAt)
		}
	}
	return got
}

// airlineLog writes events as the domain does: airlines created, one of
// them given another slug on the way, people of no airline, and many
// events of each airline; it keeps the routing key each event must go out
// with.
type airlineLog struct {
	t       testing.TB
	es      domain.EventStore
	mu      sync.Mutex
	keys    map[domain.Position]string
	slugs   map[string]string
	ids     []string
	appendN int
}

func newAirlineLog(t testing.TB, es domain.EventStore) *airlineLog {
	l := &airlineLog{t: t, es: es, keys: map[domain.Position]string{}, slugs: map[string]string{}}
	for i, slug := range []string{"speedbird", "clipper"} {
		id := domain.NewUUID()
		l.ids = append(l.ids, id)
		l.add(domain.AirlineStream(id), id, &eventsv1.AirlineCreated{AirlineId: id, Name: slug, Icao: fmt.Sprintf("AB%d", i), Slug: slug}, slug)
		l.slugs[id] = slug
	}
	return l
}

// add appends one event and records the routing key it must go out with.
func (l *airlineLog) add(stream, tenant string, msg proto.Message, prefix string) {
	l.t.Helper()
	data, err := proto.Marshal(msg)
	if err != nil {
		l.t.Fatal(err)
	}
	typ := string(msg.ProtoReflect().Descriptor().FullName())
	res, err := l.es.Append(context.Background(), domain.AppendRequest{StreamID: stream, TenantID: tenant, Expected: domain.AnyVersion,
		Events: []domain.NewEvent{{Type: typ, SchemaVersion: 1, Data: data}},
		Meta:   domain.Metadata{Actor: "system", CorrelationID: domain.NewUUID()}})
	if err != nil {
		l.t.Error(err)
		return
	}
	l.mu.Lock()
	l.keys[res.Position] = prefix + "." + typ
	l.mu.Unlock()
}

// more appends n events: of each airline in turn and of no airline, and
// at the 50th a slug change of the first airline.
func (l *airlineLog) more(n int) {
	for range n {
		l.appendN++
		k := l.appendN
		switch {
		case k%7 == 0:
			id := domain.NewUUID()
			l.add(domain.UserStreamPrefix+id, "", &eventsv1.UserCreated{UserId: id, Email: fmt.Sprintf("user%d@example.com", k),
				PasswordHash: "$argon2id$v=19$m=65536,t=1,p=2$c2VjcmV0$aGFzaA"}, relay.PlatformPrefix)
		case k == 50:
			id := l.ids[0]
			// The change itself goes out under the old slug.
			l.add(domain.AirlineStream(id), id, &eventsv1.AirlineProfileChanged{AirlineId: id, Name: "Speedbird", Slug: "speedbird-new"}, l.slugs[id])
			l.slugs[id] = "speedbird-new"
		default:
			id := l.ids[k%2]
			l.add("airline-notes-"+id, id, &eventsv1.AirlineReactivated{AirlineId: id}, l.slugs[id])
		}
	}
}

// keysCopy returns the routing keys so far.
func (l *airlineLog) keysCopy() map[domain.Position]string {
	l.mu.Lock()
	defer l.mu.Unlock()
	out := make(map[domain.Position]string, len(l.keys))
	for k, v := range l.keys {
		out[k] = v
	}
	return out
}

// runRelay runs a relay in this process until the test ends or stop is
// called.
func runRelay(t *testing.T, m mode, cfg relay.Config) (stop func()) {
	t.Helper()
	ctx, cancel := context.WithCancel(context.Background())
	done := make(chan error, 1)
	go func() { done <- relay.New(m.events, m.cps, nil, cfg).Run(ctx) }()
	var once sync.Once
	stop = func() {
		once.Do(func() {
			cancel()
			if err := <-done; err != nil {
				t.Errorf("relay: %v", err)
			}
		})
	}
	t.Cleanup(stop)
	return stop
}

// testConfig is a relay of the test's own exchange and checkpoint, quick
// to poll and to reconnect.
func testConfig(exchange string) relay.Config {
	return relay.Config{URL: rabbitURL(), Exchange: exchange, Name: "relay-test", ConnectionName: uniqueName("relay-test"),
		BatchSize: 100, PollInterval: 50 * time.Millisecond, MinBackoff: 50 * time.Millisecond, MaxBackoff: time.Second}
}

// TestRelayPublishesEveryEventInOrderWithItsAirlinesSlug checks the
// messages a consumer gets: every event once, in the log's order, under
// "{slug}.{type}" (platform. for no airline, the new slug after a change),
// with the payload and headers of the event; and a restarted relay goes
// on from its checkpoint without sending the log again.
func TestRelayPublishesEveryEventInOrderWithItsAirlinesSlug(t *testing.T) {
	conn := dialRabbit(t, rabbitURL())
	eachMode(t, func(t *testing.T, m mode) {
		exchange := uniqueName("relay-test")
		q := bind(t, conn, exchange)
		log := newAirlineLog(t, m.events)
		log.more(120)
		cfg := testConfig(exchange)
		stop := runRelay(t, m, cfg)
		log.more(80)
		q.waitAll(t, m.events, log.keysCopy(), 30*time.Second)
		stop()
		if n := q.count(); n != 202 {
			t.Errorf("%d messages arrived for 202 events: a clean run sends each once", n)
		}
		log.more(30)
		runRelay(t, m, cfg)
		q.waitAll(t, m.events, log.keysCopy(), 30*time.Second)
		time.Sleep(300 * time.Millisecond) // time for any repeat to show
		if n := q.count(); n != 232 {
			t.Errorf("%d messages arrived after a restart for 232 events: the restart sent the log again", n)
		}
	})
}

// TestRelayChildProcess is the relay of a child process that the kill
// test starts and kills; it does nothing in a normal run.
func TestRelayChildProcess(t *testing.T) {
	if os.Getenv("RELAY_TEST_CHILD") == "" {
		t.Skip("run by TestRelayKilledMidStreamLosesNothing")
	}
	ctx := context.Background()
	var (
		es   domain.EventStore
		cps  projector.ReactorCheckpoints
		lock string
	)
	if path := os.Getenv("RELAY_TEST_SQLITE"); path != "" {
		s, err := sqlite.Open(ctx, path, nil)
		if err != nil {
			t.Fatal(err)
		}
		es, cps, lock = s, s.ReactorCheckpoints(), filepath.Join(filepath.Dir(path), "relay.lock")
	} else {
		pool, err := pgxpool.New(ctx, os.Getenv("RELAY_TEST_DATABASE_URL"))
		if err != nil {
			t.Fatal(err)
		}
		es, cps = postgres.NewEventStore(pool, nil), postgres.NewReactorCheckpoints(pool)
	}
	cfg := testConfig(os.Getenv("RELAY_TEST_EXCHANGE"))
	cfg.LockFile = lock
	cfg.BatchSize = 20 // many batches, so a kill lands between a publish and its checkpoint
	if err := relay.New(es, cps, nil, cfg).Run(ctx); err != nil {
		t.Fatal(err)
	}
}

// startChild starts a relay in another process.
func startChild(t *testing.T, m mode, exchange string) *exec.Cmd {
	t.Helper()
	cmd := exec.Command(os.Args[0], "-test.run=^TestRelayChildProcess$", "-test.count=1")
	cmd.Env = append(os.Environ(), append(m.env, "RELAY_TEST_CHILD=1", "RELAY_TEST_EXCHANGE="+exchange)...)
	if err := cmd.Start(); err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { _ = cmd.Process.Kill(); _ = cmd.Wait() })
	return cmd
}

// TestRelayKilledMidStreamLosesNothing kills the relay's process (SIGKILL,
// no chance to finish a batch) twice while events are being appended and
// published; after each restart it goes on from its checkpoint, and the
// consumer, dropping repeats by position, gets every event in order.
func TestRelayKilledMidStreamLosesNothing(t *testing.T) {
	conn := dialRabbit(t, rabbitURL())
	eachMode(t, func(t *testing.T, m mode) {
		exchange := uniqueName("relay-test")
		q := bind(t, conn, exchange)
		log := newAirlineLog(t, m.events)
		log.more(100)
		writing := make(chan struct{})
		t.Cleanup(func() { <-writing }) // before the log closes
		go func() {
			defer close(writing)
			for range 30 {
				log.more(20)
				time.Sleep(20 * time.Millisecond)
			}
		}()
		child := startChild(t, m, exchange)
		for _, after := range []int{60, 300} {
			q.waitCount(t, after, 60*time.Second)
			if err := child.Process.Signal(syscall.SIGKILL); err != nil {
				t.Fatal(err)
			}
			_ = child.Wait()
			child = startChild(t, m, exchange)
		}
		<-writing
		q.waitAll(t, m.events, log.keysCopy(), 60*time.Second)
		t.Logf("%s: %d messages arrived for %d events", m.name, q.count(), len(q.deduplicated(t)))
	})
}

// rabbitmqctl is the control tool of the shared broker: on PATH, or where
// Debian puts it (/usr/sbin, not on every user's PATH).
func rabbitmqctl() string {
	if p, err := exec.LookPath("rabbitmqctl"); err == nil {
		return p
	}
	return "/usr/sbin/rabbitmqctl"
}

// relayConnection returns the RabbitMQ id of the connection named name.
func relayConnection(t *testing.T, name string) string {
	t.Helper()
	out, err := exec.Command(rabbitmqctl(), "--quiet", "list_connections", "--no-table-headers", "pid", "client_properties").Output()
	if err != nil {
		t.Fatalf("rabbitmqctl list_connections: %v", err)
	}
	for _, line := range strings.Split(string(out), "\n") {
		pid, props, ok := strings.Cut(line, "\t")
		if ok && strings.Contains(props, `{"connection_name","`+name+`"}`) {
			return pid
		}
	}
	return ""
}

// TestRelayReconnectsAfterTheServerClosesItsConnection closes the relay's
// connection from RabbitMQ's side (rabbitmqctl close_connection, only the
// relay's, so other tests on the broker go on) twice while events are
// published: the relay reconnects and every event arrives, in order.
func TestRelayReconnectsAfterTheServerClosesItsConnection(t *testing.T) {
	conn := dialRabbit(t, rabbitURL())
	if _, err := exec.LookPath(rabbitmqctl()); err != nil {
		pgtest.Unavailable(t, "rabbitmqctl", err)
	}
	eachMode(t, func(t *testing.T, m mode) {
		exchange := uniqueName("relay-test")
		q := bind(t, conn, exchange)
		log := newAirlineLog(t, m.events)
		log.more(100)
		cfg := testConfig(exchange)
		cfg.BatchSize = 20
		runRelay(t, m, cfg)
		writing := make(chan struct{})
		t.Cleanup(func() { <-writing }) // before the log closes
		go func() {
			defer close(writing)
			for range 30 {
				log.more(20)
				time.Sleep(30 * time.Millisecond)
			}
		}()
		for _, after := range []int{50, 300} {
			q.waitCount(t, after, 60*time.Second)
			var pid string
			for deadline := time.Now().Add(20 * time.Second); pid == "" && time.Now().Before(deadline); {
				pid = relayConnection(t, cfg.ConnectionName)
			}
			if pid == "" {
				t.Fatalf("the relay's connection %q is not listed", cfg.ConnectionName)
			}
			if out, err := exec.Command(rabbitmqctl(), "--quiet", "close_connection", pid, "relay test").CombinedOutput(); err != nil {
				t.Fatalf("rabbitmqctl close_connection: %v: %s", err, out)
			}
		}
		<-writing
		q.waitAll(t, m.events, log.keysCopy(), 60*time.Second)
	})
}

// TestRelaySendsAgainWhatRabbitMQRefuses fills a queue that refuses
// publishes when full (x-overflow reject-publish): RabbitMQ nacks the
// messages it cannot take, the relay's checkpoint stays before them, and
// once the consumer makes room they are sent again, so every event
// arrives, in order, none skipped.
func TestRelaySendsAgainWhatRabbitMQRefuses(t *testing.T) {
	conn := dialRabbit(t, rabbitURL())
	eachMode(t, func(t *testing.T, m mode) {
		exchange, queue := uniqueName("relay-test"), uniqueName("relay-test-queue")
		ch, err := conn.Channel()
		if err != nil {
			t.Fatal(err)
		}
		if err := ch.ExchangeDeclare(exchange, amqp.ExchangeTopic, true, false, false, false, nil); err != nil {
			t.Fatal(err)
		}
		args := amqp.Table{"x-max-length": int32(30), "x-overflow": "reject-publish"}
		if _, err := ch.QueueDeclare(queue, true, false, false, false, args); err != nil {
			t.Fatal(err)
		}
		if err := ch.QueueBind(queue, "#", exchange, false, nil); err != nil {
			t.Fatal(err)
		}
		t.Cleanup(func() {
			if c, err := conn.Channel(); err == nil {
				_, _ = c.QueueDelete(queue, false, false, false)
				_ = c.ExchangeDelete(exchange, false, false)
			}
		})
		log := newAirlineLog(t, m.events)
		log.more(150)
		cfg := testConfig(exchange)
		cfg.BatchSize = 50
		runRelay(t, m, cfg)
		// Full: 30 messages in, the rest refused for now.
		deadline := time.Now().Add(30 * time.Second)
		for {
			info, err := ch.QueueDeclarePassive(queue, true, false, false, false, args)
			if err != nil {
				t.Fatal(err)
			}
			if info.Messages == 30 {
				break
			}
			if time.Now().After(deadline) {
				t.Fatalf("the queue holds %d messages, want it full at 30", info.Messages)
			}
			time.Sleep(50 * time.Millisecond)
		}
		time.Sleep(500 * time.Millisecond) // the relay retries against the full queue meanwhile
		q := consume(t, conn, queue)
		log.more(20)
		q.waitAll(t, m.events, log.keysCopy(), 60*time.Second)
	})
}

// TestOneRelayIsActivePerDeployment runs three relays of one log at once
// (the embedded ones share the data folder's lock file): every event goes
// out once, in order, as from a single relay.
func TestOneRelayIsActivePerDeployment(t *testing.T) {
	conn := dialRabbit(t, rabbitURL())
	eachMode(t, func(t *testing.T, m mode) {
		exchange := uniqueName("relay-test")
		q := bind(t, conn, exchange)
		log := newAirlineLog(t, m.events)
		log.more(100)
		for range 3 {
			cfg := testConfig(exchange)
			cfg.BatchSize, cfg.LockFile = 10, m.lock
			runRelay(t, m, cfg)
		}
		writing := make(chan struct{})
		t.Cleanup(func() { <-writing })
		go func() {
			defer close(writing)
			for range 20 {
				log.more(10)
				time.Sleep(20 * time.Millisecond)
			}
		}()
		<-writing
		got := q.waitAll(t, m.events, log.keysCopy(), 60*time.Second)
		time.Sleep(300 * time.Millisecond) // time for any repeat to show
		if n := q.count(); n != len(got) {
			t.Errorf("%d messages arrived for %d events: more than one relay published", n, len(got))
		}
	})
}
