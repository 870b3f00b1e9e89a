package handlers

import (
	"context"
	"errors"
	"fmt"
	"io"
	"log/slog"
	"net/http"
	"net/http/httptest"
	"strings"
	"testing"

	"github.com/labstack/echo/v4"

	"github.com/albatross-va/albatross/domain"
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

// /readyz names a failed check's safe reason, never its cause, which may
// name hosts and users.
func TestReadinessSaysWhyNotTheCause(t *testing.T) {
	cause := errors.New("dial tcp cache.internal:6379: connection refused")
	for _, c := range []struct {
		name   string
		err    error
		reason string
	}{
		{"a reason", fmt.Errorf("%w: %w", domain.Errorf(domain.EUnavailable, "the session store (Redis) is unreachable"), cause), "the session store (Redis) is unreachable"},
		{"no reason", cause, "not ready"},
	} {
		h := &healthHandlers{ready: func(context.Context) (any, error) { return nil, c.err }, log: slog.New(slog.NewTextHandler(io.Discard, nil))}
		e := echo.New()
		w := httptest.NewRecorder()
		if err := h.showReadiness(e.NewContext(httptest.NewRequest(http.MethodGet, "/readyz", nil), w)); err != nil {
			t.Fatal(err)
		}
		body := w.Body.String()
		if w.Code != http.StatusServiceUnavailable || w.Header().Get("Retry-After") == "" || !strings.Contains(body, c.reason) || strings.Contains(body, "cache.internal") {
			t.Errorf("%s: %d Retry-After %q %s, want 503 with Retry-After, the reason %q and not the cause", c.name, w.Code, w.Header().Get("Retry-After"), body, c.reason)
		}
	}
}
