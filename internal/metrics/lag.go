package metrics

import (
	"context"
	"log/slog"
	"sync"
	"time"

	"github.com/prometheus/client_golang/prometheus"

	"github.com/albatross-va/albatross/domain"
	"github.com/albatross-va/albatross/store/projector"
)

// LagCap bounds the events counted behind one checkpoint at a scrape: a
// follower that far behind is already an alarm, and counting more would
// read that much more of the log at every scrape.
const LagCap = 1000

// Checkpoints lists followers of the log and where they are: the
// projector's Status, or the relay's checkpoint.
type Checkpoints func(ctx context.Context) ([]projector.Status, error)

// LogReader reads the log after a position (domain.EventStore).
type LogReader interface {
	ReadAll(ctx context.Context, after domain.Position, limit int) ([]domain.RecordedEvent, error)
}

// WatchLag exports, at each scrape, how far each follower cps lists is
// behind the log's head: in events (up to LagCap) and in seconds (the age
// of the oldest event it has not applied; 0 when caught up). kind labels
// the followers that are not a projector's reactors ("projection" for the
// projector, "relay" for the relay).
func (m *Metrics) WatchLag(kind string, cps Checkpoints, log LogReader, logger *slog.Logger) {
	m.lagOnce.Do(func() {
		m.lag = &lagCollector{now: time.Now}
		m.reg.MustRegister(m.lag)
	})
	m.lag.mu.Lock()
	defer m.lag.mu.Unlock()
	m.lag.sources = append(m.lag.sources, lagSource{kind: kind, cps: cps, log: log, logger: logger})
}

var (
	lagEventsDesc = prometheus.NewDesc("albatross_projection_lag_events",
		"Events in the log after a projection's, reactor's or the relay's checkpoint (counted up to 1000).",
		[]string{"name", "kind"}, nil)
	lagSecondsDesc = prometheus.NewDesc("albatross_projection_lag_seconds",
		"Age of the oldest event a projection, reactor or the relay has not applied yet; 0 when caught up.",
		[]string{"name", "kind"}, nil)
)

// lagCollector is the one collector of every follower's lag: the
// registry takes one collector per set of series.
type lagCollector struct {
	now     func() time.Time
	mu      sync.Mutex
	sources []lagSource
}

type lagSource struct {
	kind   string
	cps    Checkpoints
	log    LogReader
	logger *slog.Logger
}

func (c *lagCollector) Describe(ch chan<- *prometheus.Desc) {
	ch <- lagEventsDesc
	ch <- lagSecondsDesc
}

// behind is what was found after one checkpoint.
type behind struct {
	events int
	oldest time.Time
}

func (c *lagCollector) Collect(ch chan<- prometheus.Metric) {
	ctx, cancel := context.WithTimeout(context.Background(), 5*time.Second)
	defer cancel()
	c.mu.Lock()
	sources := c.sources
	c.mu.Unlock()
	now := c.now()
	for _, s := range sources {
		s.collect(ctx, now, ch)
	}
}

func (c lagSource) collect(ctx context.Context, now time.Time, ch chan<- prometheus.Metric) {
	statuses, err := c.cps(ctx)
	if err != nil {
		// Nothing is reported rather than a made-up lag; /readyz says why.
		c.logger.Warn("metrics: cannot read the checkpoints", "kind", c.kind, "err", err)
		return
	}
	seen := map[domain.Position]behind{} // projections often share a checkpoint
	for _, st := range statuses {
		kind := c.kind
		if st.Reactor {
			kind = "reactor"
		}
		var b behind
		if !st.CaughtUp {
			var ok bool
			if b, ok = seen[st.Checkpoint]; !ok {
				evs, err := c.log.ReadAll(ctx, st.Checkpoint, LagCap)
				if err != nil {
					c.logger.Warn("metrics: cannot read the log after a checkpoint", "name", st.Name, "err", err)
					continue
				}
				b.events = len(evs)
				if len(evs) > 0 {
					b.oldest = evs[0].Meta.RecordedAt
				}
				seen[st.Checkpoint] = b
			}
		}
		var secs float64
		if !b.oldest.IsZero() {
			secs = max(0, now.Sub(b.oldest).Seconds())
		}
		ch <- prometheus.MustNewConstMetric(lagEventsDesc, prometheus.GaugeValue, float64(b.events), st.Name, kind)
		ch <- prometheus.MustNewConstMetric(lagSecondsDesc, prometheus.GaugeValue, secs, st.Name, kind)
	}
}
