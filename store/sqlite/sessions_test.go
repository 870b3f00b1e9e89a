package sqlite_test

import (
	"path/filepath"
	"testing"
	"time"

	"github.com/albatross-va/albatross/store/sessions/sessiontest"
	"github.com/alexedwards/scs/v2"
)

func TestSessionStore(t *testing.T) {
	path := filepath.Join(t.TempDir(), "events.db")
	s := openStore(t, path)
	if a, b := s.Sessions(), s.Sessions(); a != b {
		t.Fatal("Sessions returned two stores")
	}
	token := sessiontest.Check(t, s.Sessions())

	// An expired row is swept by DeleteExpired; a live one is kept.
	if err := s.Sessions().Commit("stale", []byte("x"), time.Now().Add(-time.Minute)); err != nil {
		t.Fatal(err)
	}
	if err := s.Sessions().DeleteExpired(t.Context()); err != nil {
		t.Fatal(err)
	}
	if _, found, err := s.Sessions().Find(token); err != nil || !found {
		t.Fatalf("after DeleteExpired live session found=%v err=%v", found, err)
	}

	// The session survives closing and reopening the file.
	if err := s.Close(); err != nil {
		t.Fatalf("close: %v", err)
	}
	if err := s.Close(); err != nil {
		t.Fatalf("second close: %v", err)
	}
	s2 := openStore(t, path)
	sm := scs.New()
	sm.Store = s2.Sessions()
	ctx, err := sm.Load(t.Context(), token)
	if err != nil {
		t.Fatalf("load after reopen: %v", err)
	}
	if got := sm.GetString(ctx, "user"); got != "erin" {
		t.Fatalf("after reopen user %q, want erin", got)
	}
}

func TestSessionsAfterClose(t *testing.T) {
	s := openStore(t, filepath.Join(t.TempDir(), "events.db"))
	if err := s.Close(); err != nil {
		t.Fatal(err)
	}
	if _, _, err := s.Sessions().Find("x"); err == nil {
		t.Fatal("Find on a closed store: no error")
	}
}

// The store answers from its cache; a write or a delete made through it is
// what the next find gives, at once, and an expired session is not found
// even while cached.
func TestSessionCacheFollowsWrites(t *testing.T) {
	s := openStore(t, filepath.Join(t.TempDir(), "events.db")).Sessions()
	later := time.Now().Add(time.Hour)
	if err := s.Commit("tok", []byte("one"), later); err != nil {
		t.Fatal(err)
	}
	for range 2 { // the second find is the cache's
		if b, ok, err := s.Find("tok"); err != nil || !ok || string(b) != "one" {
			t.Fatalf("find after commit: %q %v %v", b, ok, err)
		}
	}
	if err := s.Commit("tok", []byte("two"), later); err != nil {
		t.Fatal(err)
	}
	if b, ok, err := s.Find("tok"); err != nil || !ok || string(b) != "two" {
		t.Fatalf("find after a second commit: %q %v %v, want two", b, ok, err)
	}
	if err := s.Delete("tok"); err != nil {
		t.Fatal(err)
	}
	if _, ok, err := s.Find("tok"); err != nil || ok {
		t.Fatalf("find after delete: found=%v err=%v", ok, err)
	}
	if err := s.Commit("short", []byte("x"), time.Now().Add(50*time.Millisecond)); err != nil {
		t.Fatal(err)
	}
	time.Sleep(60 * time.Millisecond)
	if _, ok, err := s.Find("short"); err != nil || ok {
		t.Fatalf("find of an expired cached session: found=%v err=%v", ok, err)
	}
}
