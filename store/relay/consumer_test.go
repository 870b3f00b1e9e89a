package relay_test

import (
	"bufio"
	"encoding/json"
	"os"
	"os/exec"
	"path/filepath"
	"strings"
	"testing"
	"time"

	"github.com/albatross-va/albatross/domain"
	"github.com/albatross-va/albatross/store/pgtest"
)

// python is Debian's Python, where python3-pika and python3-protobuf
// install.
const python = "/usr/bin/python3"

// TestPythonConsumerReadsTheEvents runs the README's consumer
// (example/consumer.py, Python with pika and classes protoc generates
// from domain/events/v1/*.proto) against the relay: it gets every event,
// in order, decoded, the airline's under its slug.
func TestPythonConsumerReadsTheEvents(t *testing.T) {
	dialRabbit(t, rabbitURL())
	if err := exec.Command(python, "-c", "import pika, google.protobuf").Run(); err != nil {
		pgtest.Unavailable(t, "Python with pika and protobuf (apt-get install python3-pika python3-protobuf)", err)
	}
	if _, err := exec.LookPath("protoc"); err != nil {
		pgtest.Unavailable(t, "protoc (apt-get install protobuf-compiler)", err)
	}
	gen := t.TempDir()
	protos, _ := filepath.Glob("../../domain/events/v1/*.proto")
	args := []string{"-I", "../..", "--python_out=" + gen}
	for _, p := range protos {
		args = append(args, strings.TrimPrefix(p, "../../"))
	}
	if out, err := exec.Command("protoc", args...).CombinedOutput(); err != nil {
		t.Fatalf("protoc: %v: %s", err, out)
	}
	m := openMode(t, "embedded")
	log := newAirlineLog(t, m.events)
	log.more(60)
	want, err := m.events.ReadAll(t.Context(), domain.Start, 1000)
	if err != nil {
		t.Fatal(err)
	}
	exchange, queue := uniqueName("relay-test"), uniqueName("relay-test-queue")
	t.Cleanup(func() {
		if c, err := dialRabbit(t, rabbitURL()).Channel(); err == nil {
			_, _ = c.QueueDelete(queue, false, false, false)
			_ = c.ExchangeDelete(exchange, false, false)
		}
	})
	cmd := exec.Command(python, "example/consumer.py", rabbitURL(), exchange, queue, "#", "62")
	cmd.Env = append(os.Environ(), "PYTHONPATH="+gen)
	cmd.Stderr = os.Stderr
	stdout, err := cmd.StdoutPipe()
	if err != nil {
		t.Fatal(err)
	}
	if err := cmd.Start(); err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { _ = cmd.Process.Kill(); _ = cmd.Wait() })
	lines := make(chan string)
	go func() {
		sc := bufio.NewScanner(stdout)
		for sc.Scan() {
			lines <- sc.Text()
		}
		close(lines)
	}()
	next := func() string {
		select {
		case l, ok := <-lines:
			if !ok {
				t.Fatal("the consumer stopped early")
			}
			return l
		case <-time.After(30 * time.Second):
			t.Fatal("the consumer printed nothing for 30 s")
		}
		return ""
	}
	if l := next(); !strings.Contains(l, `"ready"`) {
		t.Fatalf("the consumer started with %q", l)
	}
	runRelay(t, m, testConfig(exchange))
	keys := log.keysCopy()
	for i, ev := range want {
		var got struct {
			Position, RoutingKey, Type, Tenant string
			Event                              map[string]any
		}
		l := next()
		if err := json.Unmarshal([]byte(strings.NewReplacer(`"routing_key"`, `"RoutingKey"`).Replace(l)), &got); err != nil {
			t.Fatalf("line %d: %v: %s", i, err, l)
		}
		if got.Position != ev.Position.String() || got.Type != ev.Type || got.RoutingKey != keys[ev.Position] || got.Tenant != ev.TenantID {
			t.Fatalf("event %d is %+v, want %s %s under %s", i, got, ev.Position, ev.Type, keys[ev.Position])
		}
		switch ev.Type {
		case "albatross.events.v1.AirlineCreated":
			if got.Event["slug"] == "" || got.Event["airlineId"] != ev.TenantID {
				t.Errorf("AirlineCreated decoded as %v", got.Event)
			}
		case "albatross.events.v1.UserCreated":
			if got.Event["email"] == nil || got.Event["passwordHash"] != nil {
				t.Errorf("UserCreated decoded as %v: want its email and no password hash", got.Event)
			}
		}
	}
	if err := cmd.Wait(); err != nil {
		t.Errorf("the consumer exited with %v", err)
	}
}
