package handlers

import (
	"net/http"
	"time"

	"github.com/labstack/echo/v4"
)

// RequestMetrics counts answered requests for /metrics (internal/metrics).
// route is the pattern of the route that answered (c.Path()), or
// UnmatchedRoute: never the URL, whose path may hold anything, a tenant's
// slug or a key included. method is one some route uses, or OtherMethod.
type RequestMetrics interface {
	Request(route, method string, status int, took time.Duration)
}

// The labels of requests no route pattern describes.
const (
	UnmatchedRoute = "unmatched"
	OtherMethod    = "OTHER"
)

// requestCounter is the middleware that tells RequestMetrics of every
// request. It runs outside every other middleware, so it sees the status
// the error handler chose, and a panic's 500.
type requestCounter struct {
	m      RequestMetrics
	routes map[routeKey]struct{} // every method and pattern registered, set before serving
}

type routeKey struct{ method, path string }

func newRequestCounter(m RequestMetrics) *requestCounter {
	return &requestCounter{m: m, routes: map[routeKey]struct{}{}}
}

// learn records the routes e serves; a request that matched none of them
// is counted as UnmatchedRoute. It is called once, before serving.
func (rc *requestCounter) learn(routes []*echo.Route) {
	for _, r := range routes {
		if r.Method == echo.RouteNotFound {
			continue
		}
		rc.routes[routeKey{r.Method, r.Path}] = struct{}{}
	}
}

func (rc *requestCounter) middleware(next echo.HandlerFunc) echo.HandlerFunc {
	return func(c echo.Context) error {
		start := time.Now()
		err := next(c)
		if err != nil {
			// Answered here, as the outermost middleware would have it
			// answered, so the count has the status the client got.
			c.Error(err)
		}
		rc.count(c, time.Since(start))
		return nil
	}
}

// count tells the metrics of the request c answered; the labels come from
// the routes table, so the map lookup is the only work beyond the metric.
func (rc *requestCounter) count(c echo.Context, took time.Duration) {
	method, route := c.Request().Method, c.Path()
	if _, ok := rc.routes[routeKey{method, route}]; !ok {
		route = UnmatchedRoute
		if !knownMethod(method) {
			method = OtherMethod
		}
	}
	rc.m.Request(route, method, c.Response().Status, took)
}

// knownMethod is true for the methods of RFC 9110 and PATCH.
func knownMethod(m string) bool {
	switch m {
	case http.MethodGet, http.MethodHead, http.MethodPost, http.MethodPut, http.MethodPatch,
		http.MethodDelete, http.MethodOptions, http.MethodConnect, http.MethodTrace:
		return true
	}
	return false
}
