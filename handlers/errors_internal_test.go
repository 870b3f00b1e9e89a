package handlers

import (
	"errors"
	"io"
	"log/slog"
	"net/http"
	"net/http/httptest"
	"strings"
	"testing"

	"github.com/labstack/echo/v4"
)

// An outage is a 503 with Retry-After and a page that says so, on pages,
// fragments and the API alike; any other error stays a 500.
func TestOutagesAnswerServiceUnavailableWithRetryAfter(t *testing.T) {
	down := errors.New("dial tcp 127.0.0.1:6379: connect: connection refused")
	e := echo.New()
	e.HTTPErrorHandler = errorHandler(slog.New(slog.NewTextHandler(io.Discard, nil)), func(err error) bool { return errors.Is(err, down) })
	e.GET("/down", func(echo.Context) error { return down })
	e.GET("/api/v1/down", func(echo.Context) error { return down })
	e.GET("/bug", func(echo.Context) error { return errors.New("bug") })
	for _, c := range []struct {
		path, hx   string
		status     int
		retryAfter bool
		says       string
	}{
		{"/down", "", http.StatusServiceUnavailable, true, "briefly unavailable"},
		{"/down", "true", http.StatusServiceUnavailable, true, "briefly unavailable"},
		{"/api/v1/down", "", http.StatusServiceUnavailable, true, "briefly unavailable"},
		{"/bug", "", http.StatusInternalServerError, false, "went wrong"},
	} {
		r := httptest.NewRequest(http.MethodGet, c.path, nil)
		if c.hx != "" {
			r.Header.Set("HX-Request", c.hx)
		}
		w := httptest.NewRecorder()
		e.ServeHTTP(w, r)
		if w.Code != c.status || (w.Header().Get("Retry-After") != "") != c.retryAfter || !strings.Contains(w.Body.String(), c.says) {
			t.Errorf("%s (HX-Request %q): %d Retry-After %q, want %d, Retry-After %v, saying %q; body %.300s",
				c.path, c.hx, w.Code, w.Header().Get("Retry-After"), c.status, c.retryAfter, c.says, w.Body.String())
		}
	}
}
