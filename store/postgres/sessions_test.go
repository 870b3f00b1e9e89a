package postgres_test

import (
	"testing"
	"time"

	"github.com/albatross-va/albatross/store/pgtest"
	"github.com/albatross-va/albatross/store/postgres"
	"github.com/albatross-va/albatross/store/sessions/sessiontest"
)

func TestSessionStore(t *testing.T) {
	pool := pgtest.NewPool(t)
	s := postgres.NewSessionStore(pool)
	t.Cleanup(func() { _ = s.Close() })
	token := sessiontest.Check(t, s)

	// The non-context methods (pgxstore's) see the same rows.
	if _, found, err := s.PostgresStore.Find(token); err != nil || !found {
		t.Fatalf("pgxstore Find found=%v err=%v", found, err)
	}
	// An expired row is swept by DeleteExpired; a live one is kept.
	if err := s.Commit("stale", []byte("x"), time.Now().Add(-time.Minute)); err != nil {
		t.Fatal(err)
	}
	if err := s.DeleteExpired(t.Context()); err != nil {
		t.Fatal(err)
	}
	var n int
	if err := pool.QueryRow(t.Context(), "SELECT count(*) FROM sessions WHERE token = 'stale'").Scan(&n); err != nil || n != 0 {
		t.Fatalf("stale rows %d, err %v", n, err)
	}
	if _, found, err := s.Find(token); err != nil || !found {
		t.Fatalf("after DeleteExpired live session found=%v err=%v", found, err)
	}
	if err := s.Close(); err != nil {
		t.Fatal(err)
	}
	if err := s.Close(); err != nil {
		t.Fatal(err)
	}
}
