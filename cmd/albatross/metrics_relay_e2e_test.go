package main

import (
	"context"
	"strings"
	"testing"
	"time"

	"github.com/albatross-va/albatross/domain"
)

// The relay's place in the log is on /metrics beside the projections',
// where it runs inside serve and as `albatross relay` on its own: caught
// up (0) once RabbitMQ has the events (internal/metrics tests the lag of
// a follower behind).
func TestMetricsShowTheRelaysLag(t *testing.T) {
	relayLag := map[string]string{"kind": "relay", "name": "relay.amqp"}
	caughtUp := func(t *testing.T, at string) {
		t.Helper()
		waitMetrics(t, "the relay to catch up", func() bool {
			s := scrapeMetrics(t, at)
			return hasSeries(s, "albatross_projection_lag_events", relayLag) && s.value("albatross_projection_lag_events", relayLag) == 0 &&
				hasSeries(s, "albatross_projection_lag_seconds", relayLag)
		})
	}
	t.Run("serve", func(t *testing.T) {
		exchange := "relay-metrics-" + strings.ReplaceAll(domain.NewUUID(), "-", "")[:12]
		q := bindRelayQueue(t, exchange)
		srv := startServer(t, map[string]string{"ALBATROSS_DATA_DIR": t.TempDir(), "ALBATROSS_RELAY": "true",
			"ALBATROSS_AMQP_URL": testAMQPURL(), "ALBATROSS_AMQP_EXCHANGE": exchange})
		admin := loginAsAdmin(t, srv)
		createAirline(t, admin, "Gauge Air", "GAU", "gauge-air")
		q.waitKey(t, "gauge-air.albatross.events.v1.AirlineCreated")
		caughtUp(t, metricsURL(t, srv))
	})
	t.Run("relay command", func(t *testing.T) {
		exchange := "relay-metrics-" + strings.ReplaceAll(domain.NewUUID(), "-", "")[:12]
		q := bindRelayQueue(t, exchange)
		dir := t.TempDir()
		srv := startServer(t, map[string]string{"ALBATROSS_DATA_DIR": dir})
		createAirline(t, loginAsAdmin(t, srv), "Gauge Air", "GAU", "gauge-air")
		srv.stop(t)

		ctx, cancel := context.WithCancel(context.Background())
		defer cancel()
		done := make(chan error, 1)
		relay := &testServer{out: &syncBuffer{}, logs: &syncBuffer{}}
		env := map[string]string{"ALBATROSS_DATA_DIR": dir, "ALBATROSS_AMQP_URL": testAMQPURL(), "ALBATROSS_AMQP_EXCHANGE": exchange,
			"ALBATROSS_METRICS_ADDR": "127.0.0.1:0"}
		go func() {
			done <- run(ctx, []string{"relay"}, func(k string) string { return env[k] }, relay.out, relay.logs)
		}()
		q.waitKey(t, "gauge-air.albatross.events.v1.AirlineCreated")
		waitMetrics(t, "the relay to log its metrics address", func() bool { return metricsLine.MatchString(relay.logs.String()) })
		at := metricsURL(t, relay)
		caughtUp(t, at)
		if s := scrapeMetrics(t, at); s.fams["go_goroutines"] == nil || s.fams["process_resident_memory_bytes"] == nil {
			t.Errorf("the relay's /metrics has no Go runtime or process metrics")
		}
		cancel()
		select {
		case err := <-done:
			if err != nil {
				t.Errorf("relay returned %v after its stop", err)
			}
		case <-time.After(30 * time.Second):
			t.Fatal("the relay did not stop")
		}
	})
}

// hasSeries says whether name has a series with the labels.
func hasSeries(s metricsScrape, name string, labels map[string]string) bool {
	for _, m := range s.fams[name].GetMetric() {
		if hasLabels(m, labels) {
			return true
		}
	}
	return false
}
