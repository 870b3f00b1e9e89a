package handlers

import (
	"errors"
	"io"
	"log/slog"
	"net/http"
	"net/http/httptest"
	"strings"
	"testing"
	"time"

	"github.com/labstack/echo/v4"
)

// failingStore finds no session and cannot save one, like a session store
// that went away in the middle of a request.
type failingStore struct{}

func (failingStore) Find(string) ([]byte, bool, error)      { return nil, false, nil }
func (failingStore) Commit(string, []byte, time.Time) error { return errors.New("connection refused") }
func (failingStore) Delete(string) error                    { return nil }

// A redirect whose session could not be saved (a login that would not
// stick) is a 503 to send again, not a redirect that says it worked.
func TestARedirectWhoseSessionIsLostAnswersServiceUnavailable(t *testing.T) {
	sm := NewSessions(failingStore{}, false)
	e := echo.New()
	e.Use(withSession(sm, slog.New(slog.NewTextHandler(io.Discard, nil))))
	e.POST("/login", func(c echo.Context) error {
		sm.Put(c.Request().Context(), sessionUserKey, "someone")
		return c.Redirect(http.StatusSeeOther, "/airlines")
	})
	e.GET("/page", func(c echo.Context) error {
		sm.Put(c.Request().Context(), "flash", "seen")
		return c.String(http.StatusOK, "the page")
	})

	w := httptest.NewRecorder()
	e.ServeHTTP(w, httptest.NewRequest(http.MethodPost, "/login", nil))
	if w.Code != http.StatusServiceUnavailable || w.Header().Get("Retry-After") == "" || w.Header().Get("Location") != "" ||
		w.Header().Get("Set-Cookie") != "" || !strings.Contains(w.Body.String(), "briefly unavailable") {
		t.Errorf("login whose session was lost: %d Location %q Retry-After %q Set-Cookie %q body %q, want a 503 to send again",
			w.Code, w.Header().Get("Location"), w.Header().Get("Retry-After"), w.Header().Get("Set-Cookie"), w.Body.String())
	}

	w = httptest.NewRecorder()
	e.ServeHTTP(w, httptest.NewRequest(http.MethodGet, "/page", nil))
	if w.Code != http.StatusOK || w.Body.String() != "the page" {
		t.Errorf("a page whose session change was lost: %d %q, want the page", w.Code, w.Body.String())
	}
}
