package handlers_test

import (
	"net/http"
	"net/http/httptest"
	"strings"
	"testing"

	"github.com/labstack/echo/v4"

	"github.com/albatross-va/albatross/handlers"
	"github.com/albatross-va/albatross/internal/metrics"
)

// countedApp is a bare Echo with a few routes shaped like Albatross's,
// counted by m when m is set.
func countedApp(m handlers.RequestMetrics) *echo.Echo {
	e := echo.New()
	var learn func()
	if m != nil {
		learn = handlers.CountRequests(e, m)
	}
	ok := func(c echo.Context) error { return c.JSON(http.StatusOK, map[string]string{"name": "Pia"}) }
	e.GET("/a/:slug/api/user", ok)
	e.POST("/a/:slug/api/pireps/:pirep/acars/position", ok)
	e.GET("/airlines/:id", func(echo.Context) error { return echo.ErrNotFound })
	if learn != nil {
		learn()
	}
	return e
}

func serve(e *echo.Echo, method, target string) int {
	rec := httptest.NewRecorder()
	e.ServeHTTP(rec, httptest.NewRequest(method, target, nil))
	return rec.Code
}

// A request is counted under the pattern of the route that answered, with
// the status the client got (an error's too); one no route answers, under
// "unmatched", and a method no route uses under OTHER: the URL, which may
// hold a tenant's slug or a key, is never a label.
func TestRequestsAreCountedByRoutePattern(t *testing.T) {
	m := metrics.New("test")
	e := countedApp(m)
	serve(e, http.MethodGet, "/a/petrel/api/user")
	serve(e, http.MethodGet, "/a/gannet/api/user?api_key=alb_secret")
	serve(e, http.MethodPost, "/a/petrel/api/pireps/p1/acars/position")
	if code := serve(e, http.MethodGet, "/airlines/a1"); code != http.StatusNotFound {
		t.Fatalf("the route's error: %d", code)
	}
	serve(e, http.MethodGet, "/no/such/alb_secret")
	serve(e, "BREW", "/a/petrel/api/user")
	rec := httptest.NewRecorder()
	m.Handler().ServeHTTP(rec, httptest.NewRequest(http.MethodGet, "/metrics", nil))
	body := rec.Body.String()
	for _, want := range []string{
		`albatross_http_requests_total{method="GET",route="/a/:slug/api/user",status="200"} 2`,
		`albatross_http_requests_total{method="POST",route="/a/:slug/api/pireps/:pirep/acars/position",status="200"} 1`,
		`albatross_http_requests_total{method="GET",route="/airlines/:id",status="404"} 1`,
		`albatross_http_requests_total{method="GET",route="unmatched",status="404"} 1`,
		`albatross_http_requests_total{method="OTHER",route="unmatched",status="405"} 1`,
		`albatross_http_request_duration_seconds_count{method="GET",route="/a/:slug/api/user",status="200"} 2`,
	} {
		if !strings.Contains(body, want+"\n") {
			t.Errorf("/metrics has no line %s", want)
		}
	}
	for _, secret := range []string{"petrel", "gannet", "alb_secret", "p1", "a1", "BREW"} {
		if strings.Contains(body, secret) {
			t.Errorf("/metrics shows %q", secret)
		}
	}
}

// The request counter's cost: go test -bench RequestCounter ./handlers/
// compares a request through the counted app with one through the same
// app uncounted.
func BenchmarkRequestCounter(b *testing.B) {
	for _, c := range []struct {
		name string
		m    handlers.RequestMetrics
	}{{"without", nil}, {"with", metrics.New("bench")}} {
		b.Run(c.name, func(b *testing.B) {
			e := countedApp(c.m)
			req := httptest.NewRequest(http.MethodGet, "/a/petrel/api/user", nil)
			b.ReportAllocs()
			for b.Loop() {
				e.ServeHTTP(discard{}, req)
			}
		})
	}
}

// discard is a ResponseWriter that keeps nothing, so the benchmark measures
// the request, not a recorder's buffer.
type discard struct{}

func (discard) Header() http.Header         { return http.Header{} }
func (discard) Write(p []byte) (int, error) { return len(p), nil }
func (discard) WriteHeader(int)             {}
