// Package metrics is what Albatross tells Prometheus: requests by route
// pattern and status, open live streams and their notices, the event
// store's appends and conflicts, how far each projection, reactor and the
// relay are behind the log, import jobs, ACARS positions, and Go's runtime.
//
// A Metrics owns its own prometheus.Registry rather than the global one,
// so tests (and two servers in one process) never see each other's
// series. The parts of Albatross it counts know nothing of Prometheus:
// each exposes a plain hook (an interface or an atomic counter) that this
// package adapts.
package metrics

import (
	"context"
	"errors"
	"fmt"
	"log/slog"
	"net"
	"net/http"
	"strconv"
	"sync"
	"time"

	"github.com/prometheus/client_golang/prometheus"
	"github.com/prometheus/client_golang/prometheus/collectors"
	"github.com/prometheus/client_golang/prometheus/promhttp"

	"github.com/albatross-va/albatross/domain"
	"github.com/albatross-va/albatross/domain/imports"
	"github.com/albatross-va/albatross/handlers"
)

// Label values for series whose label would otherwise be unbounded.
const (
	// Unmatched is the route of a request no route answers (a 404 or
	// 405): its URL is never a label, it may hold anything.
	Unmatched = "unmatched"
	// OtherMethod is the method label of a method no route uses.
	OtherMethod = "OTHER"
)

// Metrics is one process's metrics and the registry that serves them.
type Metrics struct {
	reg *prometheus.Registry

	requests        *prometheus.CounterVec
	requestDuration *prometheus.HistogramVec
	reqMu           sync.RWMutex
	reqSeries       map[requestKey]requestSeries

	appends         *prometheus.CounterVec
	appendedEvents  prometheus.Counter
	appendConflicts prometheus.Counter
	appendDuration  prometheus.Histogram

	batchDuration *prometheus.HistogramVec
	batchEvents   *prometheus.CounterVec

	importsStarted  *prometheus.CounterVec
	importsFinished *prometheus.CounterVec

	positions prometheus.Counter

	lagOnce sync.Once
	lag     *lagCollector
}

// requestKey is one series of the request metrics.
type requestKey struct {
	route, method string
	status        int
}

// requestSeries are a requestKey's counter and histogram, looked up once.
type requestSeries struct {
	count    prometheus.Counter
	duration prometheus.Observer
}

// RequestBuckets are the latency histogram's upper bounds in seconds:
// pages and API answers take milliseconds, a wait for the read models up
// to the wait bound (2 s).
var RequestBuckets = []float64{.001, .0025, .005, .01, .025, .05, .1, .25, .5, 1, 2.5, 5, 10}

// BatchBuckets are the projector batch histogram's bounds in seconds.
var BatchBuckets = []float64{.0005, .001, .0025, .005, .01, .025, .05, .1, .25, .5, 1, 2.5, 5, 10, 30}

// New returns the metrics of one process, with Go's runtime and the
// process's own collectors registered, and the build's version.
func New(version string) *Metrics {
	m := &Metrics{reg: prometheus.NewRegistry(), reqSeries: map[requestKey]requestSeries{}}
	f := factory{m.reg}
	m.requests = f.counterVec("albatross_http_requests_total",
		"HTTP requests answered, by route pattern (never the URL), method and status.", "route", "method", "status")
	m.requestDuration = f.histogramVec("albatross_http_request_duration_seconds",
		"Time to answer an HTTP request, by route pattern, method and status. Live streams count when they close.",
		RequestBuckets, "route", "method", "status")
	m.appends = f.counterVec("albatross_event_appends_total",
		"Appends to the event log, by result: ok, duplicate (a repeated command id), conflict (stream version), taken (a unique value another stream holds), invalid or error.",
		"result")
	m.appendedEvents = f.counter("albatross_events_appended_total", "Events written to the log by successful appends.")
	m.appendConflicts = f.counter("albatross_event_append_conflicts_total",
		"Appends refused because the stream's version had moved (the command runner retries them).")
	m.appendDuration = f.histogram("albatross_event_append_duration_seconds", "Time an append to the event log takes.", RequestBuckets)
	m.batchDuration = f.histogramVec("albatross_projection_batch_duration_seconds",
		"Time a projection or reactor takes to apply one batch of events, by name and kind (projection, reactor).",
		BatchBuckets, "name", "kind")
	m.batchEvents = f.counterVec("albatross_projection_batch_events_total",
		"Events a projection or reactor went past in its committed batches.", "name", "kind")
	m.importsStarted = f.counterVec("albatross_import_jobs_started_total",
		"Import jobs this process started working on (a new upload, or applying a refused file's valid rows), by kind.", "kind")
	m.importsFinished = f.counterVec("albatross_import_jobs_finished_total",
		"Import jobs this process finished, by kind and state: done, partial, refused or failed.", "kind", "state")
	m.positions = f.counter("albatross_acars_positions_total",
		"Aircraft positions ACARS clients reported (phpVMS and smartCARS APIs) and the log kept.")
	build := f.gaugeVec("albatross_build_info", "The running binary's version (always 1).", "version")
	build.WithLabelValues(version).Set(1)
	m.reg.MustRegister(collectors.NewGoCollector(), collectors.NewProcessCollector(collectors.ProcessCollectorOpts{}))
	return m
}

// Registry is where the metrics are registered, for a caller's own
// collectors and for tests that gather.
func (m *Metrics) Registry() *prometheus.Registry { return m.reg }

// Handler serves the registry in Prometheus's text (or OpenMetrics) format.
func (m *Metrics) Handler() http.Handler {
	return promhttp.HandlerFor(m.reg, promhttp.HandlerOpts{Registry: m.reg, MaxRequestsInFlight: 4, Timeout: 10 * time.Second})
}

// Request counts one answered request (handlers.RequestMetrics). route
// must be a route pattern or Unmatched, method a method some route uses
// or OtherMethod: the caller bounds the labels. After a series' first
// request, a request costs a map lookup under a read lock and no
// allocation.
func (m *Metrics) Request(route, method string, status int, took time.Duration) {
	k := requestKey{route, method, status}
	m.reqMu.RLock()
	s, ok := m.reqSeries[k]
	m.reqMu.RUnlock()
	if !ok {
		s = m.requestSeriesOf(k)
	}
	s.count.Inc()
	s.duration.Observe(took.Seconds())
}

func (m *Metrics) requestSeriesOf(k requestKey) requestSeries {
	m.reqMu.Lock()
	defer m.reqMu.Unlock()
	if s, ok := m.reqSeries[k]; ok {
		return s
	}
	code := strconv.Itoa(k.status)
	s := requestSeries{
		count:    m.requests.WithLabelValues(k.route, k.method, code),
		duration: m.requestDuration.WithLabelValues(k.route, k.method, code),
	}
	m.reqSeries[k] = s
	return s
}

// Positions counts n aircraft positions an ACARS client reported.
func (m *Metrics) Positions(n int) {
	if n > 0 {
		m.positions.Add(float64(n))
	}
}

// ObserveBatch records one committed batch of a projection or reactor
// (projector.BatchObserver).
func (m *Metrics) ObserveBatch(name string, reactor bool, events int, took time.Duration) {
	kind := "projection"
	if reactor {
		kind = "reactor"
	}
	m.batchDuration.WithLabelValues(name, kind).Observe(took.Seconds())
	m.batchEvents.WithLabelValues(name, kind).Add(float64(events))
}

// JobStarted counts an import job a worker of this process starts
// (imports.JobWatcher).
func (m *Metrics) JobStarted(kind string) { m.importsStarted.WithLabelValues(kind).Inc() }

// JobEnded counts an import job a worker of this process finished, by its
// last state (imports.JobWatcher).
func (m *Metrics) JobEnded(s imports.Status) {
	state := s.State
	switch state {
	case imports.Done, imports.Partial, imports.Refused, imports.Failed:
	default: // a worker stopped by a shutdown mid-way
		state = imports.Failed
	}
	m.importsFinished.WithLabelValues(s.Kind, state).Inc()
}

// Broker is what the live-update broker tells of its streams
// (handlers.Broker).
type Broker interface {
	Clients() int
	NoticesSent() uint64
	NoticesDropped() uint64
}

// WatchBroker exports b's open streams and the notices it handed to them
// or dropped, read when Prometheus scrapes.
func (m *Metrics) WatchBroker(b Broker) {
	m.reg.MustRegister(
		prometheus.NewGaugeFunc(prometheus.GaugeOpts{Name: "albatross_sse_streams_open",
			Help: "Live-update (server-sent events) streams open on this process."},
			func() float64 { return float64(b.Clients()) }),
		prometheus.NewCounterFunc(prometheus.CounterOpts{Name: "albatross_sse_notices_sent_total",
			Help: "Change notices queued to an open live-update stream."},
			func() float64 { return float64(b.NoticesSent()) }),
		prometheus.NewCounterFunc(prometheus.CounterOpts{Name: "albatross_sse_notices_dropped_total",
			Help: "Change notices a stream had no room for: a slow stream is closed (its browser resumes), a live-map notice is skipped."},
			func() float64 { return float64(b.NoticesDropped()) }),
	)
}

// EventStore returns es with its appends counted: one wrapper for both
// adapters, so both modes report alike.
func (m *Metrics) EventStore(es domain.EventStore) domain.EventStore {
	return countedStore{EventStore: es, m: m}
}

type countedStore struct {
	domain.EventStore
	m *Metrics
}

func (s countedStore) Append(ctx context.Context, req domain.AppendRequest) (domain.AppendResult, error) {
	start := time.Now()
	res, err := s.EventStore.Append(ctx, req)
	s.m.appendDuration.Observe(time.Since(start).Seconds())
	result := "ok"
	switch {
	case err == nil && res.Duplicate:
		result = "duplicate"
	case err == nil:
		s.m.appendedEvents.Add(float64(len(req.Events)))
	case errors.Is(err, domain.ErrVersionConflict):
		result = "conflict"
		s.m.appendConflicts.Inc()
	case domain.ErrorCode(err) == domain.EConflict:
		result = "taken"
	case domain.ErrorCode(err) == domain.EInvalid:
		result = "invalid"
	default:
		result = "error"
	}
	s.m.appends.WithLabelValues(result).Inc()
	return res, err
}

// Serve listens on addr and serves /metrics there, apart from the site's
// routes and middleware; it returns the address it listens on and the
// function that stops it. setting names the address's setting in errors.
func (m *Metrics) Serve(addr, setting string, log *slog.Logger) (at net.Addr, stop func(), err error) {
	ln, err := net.Listen("tcp", addr)
	if err != nil {
		return nil, nil, fmt.Errorf("%s: cannot listen on %s: %w", setting, addr, err)
	}
	mux := http.NewServeMux()
	mux.Handle("GET /metrics", m.Handler())
	srv := &http.Server{Handler: mux, ReadHeaderTimeout: 10 * time.Second, WriteTimeout: 30 * time.Second,
		ErrorLog: slog.NewLogLogger(log.Handler(), slog.LevelWarn)}
	go func() {
		if err := srv.Serve(ln); err != nil && !errors.Is(err, http.ErrServerClosed) {
			log.Warn("metrics listener stopped", "err", err)
		}
	}()
	log.Info("metrics listening", "url", "http://"+ln.Addr().String()+"/metrics")
	return ln.Addr(), func() { _ = srv.Close() }, nil
}

// factory registers each metric as it is made.
type factory struct{ reg *prometheus.Registry }

func (f factory) counter(name, help string) prometheus.Counter {
	c := prometheus.NewCounter(prometheus.CounterOpts{Name: name, Help: help})
	f.reg.MustRegister(c)
	return c
}

func (f factory) counterVec(name, help string, labels ...string) *prometheus.CounterVec {
	c := prometheus.NewCounterVec(prometheus.CounterOpts{Name: name, Help: help}, labels)
	f.reg.MustRegister(c)
	return c
}

func (f factory) gaugeVec(name, help string, labels ...string) *prometheus.GaugeVec {
	g := prometheus.NewGaugeVec(prometheus.GaugeOpts{Name: name, Help: help}, labels)
	f.reg.MustRegister(g)
	return g
}

func (f factory) histogram(name, help string, buckets []float64) prometheus.Histogram {
	h := prometheus.NewHistogram(prometheus.HistogramOpts{Name: name, Help: help, Buckets: buckets})
	f.reg.MustRegister(h)
	return h
}

func (f factory) histogramVec(name, help string, buckets []float64, labels ...string) *prometheus.HistogramVec {
	h := prometheus.NewHistogramVec(prometheus.HistogramOpts{Name: name, Help: help, Buckets: buckets}, labels)
	f.reg.MustRegister(h)
	return h
}

// Pireps returns p with the positions its AddPositions keeps counted: the
// phpVMS and smartCARS APIs both report positions through it.
func (m *Metrics) Pireps(p handlers.PirepCommands) handlers.PirepCommands {
	return countedPireps{PirepCommands: p, m: m}
}

type countedPireps struct {
	handlers.PirepCommands
	m *Metrics
}

func (p countedPireps) AddPositions(ctx context.Context, meta domain.CommandMeta, airlineID, pirepID string, list []domain.AircraftPosition) (int, domain.AppendResult, error) {
	n, res, err := p.PirepCommands.AddPositions(ctx, meta, airlineID, pirepID, list)
	if err == nil {
		p.m.Positions(n)
	}
	return n, res, err
}
