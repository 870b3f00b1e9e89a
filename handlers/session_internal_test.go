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

	"github.com/alexedwards/scs/v2"
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

// A session decoded again from the same bytes comes from the codec's
// memory, and what one request changes in its values is not what the
// next request of that session reads.
func TestSessionCodecKeepsEachRequestsValuesItsOwn(t *testing.T) {
	c := newSessionCodec()
	deadline := time.Now().Add(time.Hour).Truncate(time.Second)
	b, err := c.Encode(deadline, map[string]any{sessionUserKey: "ana", flashKey: "Saved."})
	if err != nil {
		t.Fatal(err)
	}
	for i := range 3 {
		got, values, err := c.Decode(b)
		if err != nil {
			t.Fatal(err)
		}
		if !got.Equal(deadline) || values[sessionUserKey] != "ana" || values[flashKey] != "Saved." || len(values) != 2 {
			t.Fatalf("decode %d: %v %v, want the session as encoded", i, got, values)
		}
		values[sessionUserKey] = "mallory" // a request's own change
		delete(values, flashKey)           // the flash, shown once
	}
	if len(c.decoded) != 1 {
		t.Errorf("the codec kept %d sessions for one session's bytes, want 1", len(c.decoded))
	}
	if _, _, err := c.Decode([]byte("not gob")); err == nil {
		t.Error("decoding garbage gave no error")
	}
}

// BenchmarkSessionDecode is a request's session decode: scs's gob codec
// (the baseline) and the codec that keeps what it decoded.
func BenchmarkSessionDecode(b *testing.B) {
	values := map[string]any{sessionUserKey: "0b6f6c1e-2d0a-4c55-8a51-0e0a5c1b2f31", sessionPasswordKey: "0123456789abcdef", sessionRoleKey: "pilot"}
	for _, c := range []struct {
		name  string
		codec scs.Codec
	}{{"gob", scs.GobCodec{}}, {"kept", newSessionCodec()}} {
		b.Run(c.name, func(b *testing.B) {
			enc, err := c.codec.Encode(time.Now().Add(time.Hour), values)
			if err != nil {
				b.Fatal(err)
			}
			b.ReportAllocs()
			for b.Loop() {
				if _, _, err := c.codec.Decode(enc); err != nil {
					b.Fatal(err)
				}
			}
		})
	}
}
