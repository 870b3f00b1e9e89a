package metrics_test

import (
	"context"
	"errors"
	"log/slog"
	"net/http"
	"net/http/httptest"
	"path/filepath"
	"strings"
	"testing"
	"time"

	"github.com/albatross-va/albatross/domain"
	"github.com/albatross-va/albatross/internal/metrics"
	"github.com/albatross-va/albatross/store/pgtest"
	"github.com/albatross-va/albatross/store/postgres"
	"github.com/albatross-va/albatross/store/sqlite"
)

// The one wrapper of the event store port counts appends alike over both
// adapters: events written, a repeated command id, a version conflict
// (which the command runner retries), a unique value another stream
// holds.
func TestAppendsAndConflictsAreCountedInBothStores(t *testing.T) {
	t.Run("embedded", func(t *testing.T) {
		es, err := sqlite.Open(context.Background(), filepath.Join(t.TempDir(), "events.db"), slog.New(slog.DiscardHandler))
		if err != nil {
			t.Fatal(err)
		}
		t.Cleanup(func() { _ = es.Close() })
		checkAppendsCounted(t, es)
	})
	t.Run("postgres", func(t *testing.T) {
		es := postgres.NewEventStore(pgtest.NewPool(t), slog.New(slog.DiscardHandler))
		t.Cleanup(func() { _ = es.Close() })
		checkAppendsCounted(t, es)
	})
}

func checkAppendsCounted(t *testing.T, raw domain.EventStore) {
	ctx := context.Background()
	m := metrics.New("test")
	es := m.EventStore(raw)
	ev := domain.NewEvent{Type: "albatross.events.v1.Test", SchemaVersion: 1, Data: []byte{}}
	claim := domain.UniqueClaim{Field: "slug", Value: "petrel"}
	appendOK := func(req domain.AppendRequest) {
		t.Helper()
		if _, err := es.Append(ctx, req); err != nil {
			t.Fatal(err)
		}
	}
	appendOK(domain.AppendRequest{StreamID: "a-1", TenantID: "t", Expected: domain.NoStream, Events: []domain.NewEvent{ev, ev},
		Claims: []domain.UniqueClaim{claim}, Meta: domain.Metadata{CommandID: "c-1"}})
	if res, err := es.Append(ctx, domain.AppendRequest{StreamID: "a-1", TenantID: "t", Expected: domain.NoStream,
		Events: []domain.NewEvent{ev, ev}, Meta: domain.Metadata{CommandID: "c-1"}}); err != nil || !res.Duplicate {
		t.Fatalf("the repeated command: %+v %v", res, err)
	}
	for range 2 {
		if _, err := es.Append(ctx, domain.AppendRequest{StreamID: "a-1", TenantID: "t", Expected: domain.NoStream, Events: []domain.NewEvent{ev}}); !errors.Is(err, domain.ErrVersionConflict) {
			t.Fatalf("an append at a stale version: %v, want a conflict", err)
		}
	}
	if _, err := es.Append(ctx, domain.AppendRequest{StreamID: "a-2", TenantID: "t", Expected: domain.NoStream, Events: []domain.NewEvent{ev},
		Claims: []domain.UniqueClaim{claim}}); domain.ErrorCode(err) != domain.EConflict {
		t.Fatalf("a taken slug: %v", err)
	}
	appendOK(domain.AppendRequest{StreamID: "a-1", TenantID: "t", Expected: 2, Events: []domain.NewEvent{ev}})

	body := scrape(t, m)
	for _, want := range []string{
		`albatross_events_appended_total 3`,
		`albatross_event_append_conflicts_total 2`,
		`albatross_event_appends_total{result="ok"} 2`,
		`albatross_event_appends_total{result="duplicate"} 1`,
		`albatross_event_appends_total{result="conflict"} 2`,
		`albatross_event_appends_total{result="taken"} 1`,
		`albatross_event_append_duration_seconds_count 6`,
	} {
		if !strings.Contains(body, want+"\n") {
			t.Errorf("/metrics has no line %q", want)
		}
	}
}

// Two Metrics never share a series: each owns its registry, so servers
// started side by side in one test binary count apart.
func TestEachMetricsCountsApart(t *testing.T) {
	a, b := metrics.New("a"), metrics.New("b")
	a.Request("/login", "GET", 200, time.Millisecond)
	a.Positions(3)
	if !strings.Contains(scrape(t, a), `albatross_http_requests_total{method="GET",route="/login",status="200"} 1`+"\n") ||
		!strings.Contains(scrape(t, a), "albatross_acars_positions_total 3\n") {
		t.Errorf("a's request and positions are not counted:\n%s", scrape(t, a))
	}
	if body := scrape(t, b); strings.Contains(body, `route="/login"`) || !strings.Contains(body, "albatross_acars_positions_total 0\n") {
		t.Errorf("b shows a's request or positions")
	}
}

// scrape reads m's handler as Prometheus would.
func scrape(t *testing.T, m *metrics.Metrics) string {
	t.Helper()
	rec := httptest.NewRecorder()
	m.Handler().ServeHTTP(rec, httptest.NewRequest(http.MethodGet, "/metrics", nil))
	if rec.Code != http.StatusOK {
		t.Fatalf("/metrics: %d", rec.Code)
	}
	return rec.Body.String()
}

// The cost of counting one request once its series exists: go test
// -bench Request ./internal/metrics/ (no allocation).
func BenchmarkRequest(b *testing.B) {
	m := metrics.New("bench")
	b.ReportAllocs()
	for b.Loop() {
		m.Request("/a/:slug/api/user", "GET", 200, 3*time.Millisecond)
	}
}
