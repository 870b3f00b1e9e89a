package metrics_test

import (
	"context"
	"log/slog"
	"path/filepath"
	"strconv"
	"strings"
	"testing"
	"time"

	"github.com/albatross-va/albatross/domain"
	"github.com/albatross-va/albatross/domain/events"
	"github.com/albatross-va/albatross/internal/metrics"
	"github.com/albatross-va/albatross/store/memory"
	"github.com/albatross-va/albatross/store/projector"
	"github.com/albatross-va/albatross/store/sqlite"
)

// A projector that has not applied the log yet is shown behind by every
// event after its checkpoint, and by the age of the oldest; once it has
// caught up, by nothing.
func TestLagIsTheEventsAfterTheCheckpointAndTheOldestsAge(t *testing.T) {
	ctx := context.Background()
	es, err := sqlite.Open(ctx, filepath.Join(t.TempDir(), "events.db"), slog.New(slog.DiscardHandler))
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { _ = es.Close() })
	hourAgo := time.Now().Add(-time.Hour)
	for i := range 3 {
		if _, err := es.Append(ctx, domain.AppendRequest{StreamID: "s-" + strconv.Itoa(i), TenantID: "t", Expected: domain.NoStream,
			Events: []domain.NewEvent{{Type: "albatross.events.v1.Unknown", SchemaVersion: 1}},
			Meta:   domain.Metadata{RecordedAt: hourAgo.Add(time.Duration(i) * time.Minute)}}); err != nil {
			t.Fatal(err)
		}
	}
	p := projector.New(es, memory.New(), events.NewRegistry(), nil, nil, projector.All()...)
	m := metrics.New("test")
	m.WatchLag("projection", p.Status, es, slog.New(slog.DiscardHandler))
	body := scrape(t, m)
	for _, name := range p.Names() {
		if !strings.Contains(body, `albatross_projection_lag_events{kind="projection",name="`+name+`"} 3`+"\n") {
			t.Errorf("projection %s is not shown 3 events behind", name)
		}
		secs := lineValue(t, body, `albatross_projection_lag_seconds{kind="projection",name="`+name+`"} `)
		if secs < 3600 || secs > 3700 {
			t.Errorf("projection %s is shown %v s behind, want the oldest event's hour", name, secs)
		}
	}
	// A follower at the head (the relay's checkpoint here) is 0 behind.
	head, err := es.Head(ctx)
	if err != nil {
		t.Fatal(err)
	}
	done := metrics.New("test")
	done.WatchLag("relay", func(context.Context) ([]projector.Status, error) {
		return []projector.Status{{Name: "relay.amqp", Checkpoint: head, Head: head, CaughtUp: true}}, nil
	}, es, slog.New(slog.DiscardHandler))
	body = scrape(t, done)
	for _, want := range []string{`albatross_projection_lag_events{kind="relay",name="relay.amqp"} 0`, `albatross_projection_lag_seconds{kind="relay",name="relay.amqp"} 0`} {
		if !strings.Contains(body, want+"\n") {
			t.Errorf("/metrics has no line %s", want)
		}
	}
}

// lineValue is the number after prefix on its line of body.
func lineValue(t *testing.T, body, prefix string) float64 {
	t.Helper()
	i := strings.Index(body, prefix)
	if i < 0 {
		t.Fatalf("/metrics has no %s", prefix)
	}
	rest := body[i+len(prefix):]
	v, err := strconv.ParseFloat(rest[:strings.IndexByte(rest, '\n')], 64)
	if err != nil {
		t.Fatal(err)
	}
	return v
}
