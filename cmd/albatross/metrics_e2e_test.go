package main

import (
	"context"
	"fmt"
	"io"
	"maps"
	"net/http"
	"regexp"
	"slices"
	"strings"
	"testing"
	"time"

	dto "github.com/prometheus/client_model/go"
	"github.com/prometheus/common/expfmt"
	"github.com/prometheus/common/model"

	"github.com/albatross-va/albatross/handlers/phpvmstest"
	"github.com/albatross-va/albatross/store/pgtest"
)

// metricsLine is the log line that says where /metrics is served.
var metricsLine = regexp.MustCompile(`"metrics listening" url=(http://\S+/metrics)`)

// metricsURL is where srv serves /metrics, from its log.
func metricsURL(t *testing.T, srv *testServer) string {
	t.Helper()
	m := metricsLine.FindStringSubmatch(srv.logs.String())
	if m == nil {
		t.Fatalf("the server logged no metrics address; logs:\n%s", srv.logs)
	}
	return m[1]
}

// scrape is one read of /metrics, as Prometheus would take it.
type metricsScrape struct {
	body string
	fams map[string]*dto.MetricFamily
}

func scrapeMetrics(t *testing.T, u string) metricsScrape {
	t.Helper()
	resp, err := http.Get(u)
	if err != nil {
		t.Fatal(err)
	}
	defer resp.Body.Close()
	body, _ := io.ReadAll(resp.Body)
	if resp.StatusCode != http.StatusOK || !strings.HasPrefix(resp.Header.Get("Content-Type"), "text/plain") {
		t.Fatalf("GET %s: %d %q", u, resp.StatusCode, resp.Header.Get("Content-Type"))
	}
	p := expfmt.NewTextParser(model.LegacyValidation)
	fams, err := p.TextToMetricFamilies(strings.NewReader(string(body)))
	if err != nil {
		t.Fatalf("/metrics is not Prometheus's text format: %v", err)
	}
	return metricsScrape{body: string(body), fams: fams}
}

// value sums the series of name whose labels include want: a counter's or
// gauge's value, a histogram's count of observations.
func (s metricsScrape) value(name string, want map[string]string) float64 {
	f := s.fams[name]
	if f == nil {
		return 0
	}
	var sum float64
	for _, m := range f.GetMetric() {
		if !hasLabels(m, want) {
			continue
		}
		switch {
		case m.Counter != nil:
			sum += m.Counter.GetValue()
		case m.Gauge != nil:
			sum += m.Gauge.GetValue()
		case m.Histogram != nil:
			sum += float64(m.Histogram.GetSampleCount())
		case m.Untyped != nil:
			sum += m.Untyped.GetValue()
		}
	}
	return sum
}

// labelValues are the values label takes in name's series.
func (s metricsScrape) labelValues(name, label string) []string {
	var out []string
	for _, m := range s.fams[name].GetMetric() {
		for _, l := range m.GetLabel() {
			if l.GetName() == label {
				out = append(out, l.GetValue())
			}
		}
	}
	return out
}

func hasLabels(m *dto.Metric, want map[string]string) bool {
	found := 0
	for _, l := range m.GetLabel() {
		if v, ok := want[l.GetName()]; ok {
			if v != l.GetValue() {
				return false
			}
			found++
		}
	}
	return found == len(want)
}

// Prometheus reads the server's numbers at the metrics address, and only
// there: after a page, API calls with a pilot's key, ACARS positions, a
// live stream and imports, each series has moved by what was done, in
// both modes, under the same metric names, and no label carries a key, a
// tenant's slug or a URL.
func TestMetricsCountWhatTheServerDid(t *testing.T) {
	names := map[string][]string{}
	t.Run("embedded", func(t *testing.T) {
		names["embedded"] = checkMetrics(t, startServer(t, map[string]string{"ALBATROSS_DATA_DIR": t.TempDir(),
			"ALBATROSS_METRICS_ADDR": "127.0.0.1:0", "ALBATROSS_WAIT_BOUND": slowMachineWait}))
	})
	t.Run("postgres", func(t *testing.T) {
		pgtest.RequireRedis(t, pgtest.RedisURL())
		names["postgres"] = checkMetrics(t, startServer(t, map[string]string{"DATABASE_URL": pgtest.NewDatabase(t), "REDIS_URL": pgtest.RedisURL(),
			"ALBATROSS_METRICS_ADDR": "127.0.0.1:0", "ALBATROSS_WAIT_BOUND": slowMachineWait}))
	})
	if e, p := names["embedded"], names["postgres"]; e != nil && p != nil && !slices.Equal(e, p) {
		t.Errorf("the modes export different metrics:\nembedded %v\npostgres %v", e, p)
	}
}

// checkMetrics does what the test says on srv and returns the names of
// the albatross_ metrics it exports.
func checkMetrics(t *testing.T, srv *testServer) []string {
	at := metricsURL(t, srv)
	platform := loginAsAdmin(t, srv)
	// The site's own listener has no /metrics: the platform admin is told
	// there is no such page, a visitor is sent to log in as for any.
	if resp, doc := platform.get("/metrics"); resp.StatusCode != http.StatusNotFound || strings.Contains(doc.Text(), "albatross_") {
		t.Errorf("the platform admin's GET /metrics on the site's address: %d, want 404", resp.StatusCode)
	}
	anonymous := &http.Client{CheckRedirect: func(*http.Request, []*http.Request) error { return http.ErrUseLastResponse }}
	if resp, err := anonymous.Get(srv.URL + "/metrics"); err != nil || resp.StatusCode == http.StatusOK {
		t.Errorf("a visitor's GET /metrics on the site's address: %v, want no page", err)
	} else {
		resp.Body.Close()
	}
	airline := createAirline(t, platform, "Petrel Virtual", "PTV", "petrel")
	allowCharters(t, platform, airline)
	before := scrapeMetrics(t, at)
	for _, kind := range []string{"airports", "subfleets", "aircraft"} {
		importSample(t, platform, airline, kind)
	}
	key := pilotWithKey(t, srv, platform, airline, "Pia Pilot", "pia@petrel.example")
	site := phpvmstest.Site{URL: srv.URL + "/a/petrel", Key: key}

	// The airline's public live map stream is open while a pilot flies.
	events, closeStream := openMetricsStream(t, srv.URL+"/a/petrel/events")
	waitMetrics(t, "the live stream to count as open", func() bool {
		return scrapeMetrics(t, at).value("albatross_sse_streams_open", nil) == before.value("albatross_sse_streams_open", nil)+1
	})
	mid := scrapeMetrics(t, at)

	// Two reads with the key, a prefile and one report of three positions.
	for range 2 {
		site.OK(t, http.MethodGet, "/api/user", key, nil)
	}
	var aircraft any
	for _, sf := range site.OK(t, http.MethodGet, "/api/user/fleet", key, nil)["data"].([]any) {
		for _, ac := range sf.(map[string]any)["aircraft"].([]any) {
			if a := ac.(map[string]any); a["airport_id"] == "EGLL" && aircraft == nil {
				aircraft = a["id"]
			}
		}
	}
	airlines := site.OK(t, http.MethodGet, "/api/airlines", key, nil)["data"].([]any)
	pirep := site.OK(t, http.MethodPost, "/api/pireps/prefile", key, map[string]any{"airline_id": airlines[0].(map[string]any)["id"],
		"aircraft_id": aircraft, "flight_number": "100", "dpt_airport_id": "EGLL", "arr_airport_id": "EDDF", "source_name": "PXP"})["data"].(map[string]any)
	id := pirep["id"].(string)
	var positions []any
	for i := range 3 {
		positions = append(positions, map[string]any{"id": fmt.Sprintf("%s-%d", id, i), "lat": 51.47 + float64(i)/10, "lon": -0.46,
			"altitude": 1000 * i, "heading": 95, "gs": 150, "status": "TKO"})
	}
	if doc := site.OK(t, http.MethodPost, "/api/pireps/"+id+"/acars/position", key, map[string]any{"positions": positions}); doc["count"] != float64(3) {
		t.Fatalf("the positions: %v", doc)
	}
	waitEvent(t, events, "live-flights", "")
	// A URL no route answers, with the key and the slug in it.
	if resp, _ := site.Send(t, http.MethodGet, "/api/no-such-thing/petrel?api_key="+key, "", nil); resp.StatusCode != http.StatusNotFound {
		t.Errorf("an unknown API path: %d, want 404", resp.StatusCode)
	}
	// And a page.
	if resp, _ := platform.get("/airlines/" + airline); resp.StatusCode != http.StatusOK {
		t.Fatalf("the airline's page: %d", resp.StatusCode)
	}

	after := scrapeMetrics(t, at)
	moved := func(name string, labels map[string]string, from metricsScrape) float64 {
		return after.value(name, labels) - from.value(name, labels)
	}
	for _, c := range []struct {
		name   string
		labels map[string]string
		from   metricsScrape
		want   float64
	}{
		{"albatross_http_requests_total", map[string]string{"route": "/a/:slug/api/user", "method": "GET", "status": "200"}, mid, 2},
		{"albatross_http_request_duration_seconds", map[string]string{"route": "/a/:slug/api/user", "method": "GET", "status": "200"}, mid, 2},
		{"albatross_http_requests_total", map[string]string{"route": "/a/:slug/api/pireps/:pirep/acars/position", "method": "POST", "status": "200"}, mid, 1},
		{"albatross_http_requests_total", map[string]string{"route": "unmatched", "method": "GET", "status": "404"}, mid, 1},
		{"albatross_http_requests_total", map[string]string{"route": "/airlines/:id", "method": "GET", "status": "200"}, mid, 1},
		{"albatross_acars_positions_total", nil, mid, 3},
		{"albatross_import_jobs_started_total", map[string]string{"kind": "airports"}, before, 1},
		{"albatross_import_jobs_finished_total", map[string]string{"kind": "aircraft", "state": "done"}, before, 1},
	} {
		if got := moved(c.name, c.labels, c.from); got != c.want {
			t.Errorf("%s%v moved by %v, want %v", c.name, c.labels, got, c.want)
		}
	}
	for _, c := range []struct {
		name   string
		labels map[string]string
	}{
		{"albatross_events_appended_total", nil},
		{"albatross_event_appends_total", map[string]string{"result": "ok"}},
		{"albatross_event_append_duration_seconds", nil},
		{"albatross_sse_notices_sent_total", nil},
		{"albatross_projection_batch_duration_seconds", map[string]string{"kind": "projection"}},
		{"albatross_projection_batch_events_total", map[string]string{"kind": "reactor"}},
	} {
		if got := moved(c.name, c.labels, mid); got <= 0 {
			t.Errorf("%s%v did not move (%v)", c.name, c.labels, got)
		}
	}
	// The stream closed, the gauge is back.
	srvStreams := after.value("albatross_sse_streams_open", nil)
	closeStream()
	waitMetrics(t, "the closed stream to be counted out", func() bool {
		return scrapeMetrics(t, at).value("albatross_sse_streams_open", nil) == srvStreams-1
	})

	// Every projection and reactor reports its lag, caught up after the
	// writes settled.
	waitMetrics(t, "every projection to catch up", func() bool {
		s := scrapeMetrics(t, at)
		return len(s.labelValues("albatross_projection_lag_events", "name")) > 5 && s.value("albatross_projection_lag_events", nil) == 0
	})
	final := scrapeMetrics(t, at)
	kinds := map[string]bool{}
	for _, k := range final.labelValues("albatross_projection_lag_seconds", "kind") {
		kinds[k] = true
	}
	if !kinds["projection"] || !kinds["reactor"] {
		t.Errorf("the lag is reported for kinds %v, want projection and reactor", kinds)
	}
	for _, name := range []string{"go_goroutines", "go_memstats_heap_alloc_bytes", "process_resident_memory_bytes", "albatross_build_info"} {
		if final.fams[name] == nil {
			t.Errorf("/metrics has no %s", name)
		}
	}

	// No label holds what a URL may: the key, a tenant's slug, an id.
	for _, secret := range []string{key, "petrel", airline, id, "no-such-thing", "api_key="} {
		if strings.Contains(final.body, secret) {
			i := strings.Index(final.body, secret)
			t.Errorf("/metrics shows %q: %s", secret, final.body[max(0, i-300):i+50])
		}
	}
	var out []string
	for name := range maps.Keys(final.fams) {
		if strings.HasPrefix(name, "albatross_") {
			out = append(out, name)
		}
	}
	slices.Sort(out)
	return out
}

// openMetricsStream opens a live stream at u and returns its events and
// the function that closes it.
func openMetricsStream(t *testing.T, u string) (<-chan sseEvent, func()) {
	t.Helper()
	ctx, cancel := context.WithCancel(context.Background())
	t.Cleanup(cancel)
	req, _ := http.NewRequestWithContext(ctx, http.MethodGet, u, nil)
	resp, err := http.DefaultClient.Do(req)
	if err != nil {
		t.Fatalf("open event stream: %v", err)
	}
	if resp.StatusCode != http.StatusOK {
		t.Fatalf("event stream answered %d", resp.StatusCode)
	}
	ch := make(chan sseEvent, 64)
	go func() {
		defer resp.Body.Close()
		defer close(ch)
		readEvents(resp.Body, ch)
	}()
	return ch, cancel
}

// waitMetrics polls cond for up to 15 seconds.
func waitMetrics(t *testing.T, what string, cond func() bool) {
	t.Helper()
	deadline := time.Now().Add(15 * time.Second)
	for !cond() {
		if time.Now().After(deadline) {
			t.Fatalf("timed out waiting for %s", what)
		}
		time.Sleep(20 * time.Millisecond)
	}
}
