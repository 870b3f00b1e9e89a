// Package sessiontest is the behaviour every session store shares, run
// against each one through real scs.SessionManagers.
package sessiontest

import (
	"bytes"
	"testing"
	"time"

	"github.com/alexedwards/scs/v2"

	"github.com/albatross-va/albatross/store/sessions"
)

// Check runs a session through real scs.SessionManagers on store and
// returns its token:
// a value committed by one manager is found by a second one, an expired
// session is not found, and Destroy deletes it.
func Check(t *testing.T, store scs.Store) string {
	t.Helper()
	ctx := t.Context()
	newManager := func() *scs.SessionManager {
		sm := scs.New()
		sm.Store = store
		sm.Lifetime = time.Hour
		return sm
	}

	sm1 := newManager()
	c1, err := sm1.Load(ctx, "")
	if err != nil {
		t.Fatalf("load new session: %v", err)
	}
	sm1.Put(c1, "user", "alice")
	token, expiry, err := sm1.Commit(c1)
	if err != nil {
		t.Fatalf("commit: %v", err)
	}
	if token == "" || time.Until(expiry) < 59*time.Minute {
		t.Fatalf("commit: token %q expiry %v", token, expiry)
	}

	sm2 := newManager()
	c2, err := sm2.Load(ctx, token)
	if err != nil {
		t.Fatalf("load committed session: %v", err)
	}
	if got := sm2.GetString(c2, "user"); got != "alice" {
		t.Fatalf("second manager read user %q, want alice", got)
	}
	if b, found, err := store.Find(token); err != nil || !found || len(b) == 0 {
		t.Fatalf("Find(committed) = %d bytes, %v, %v", len(b), found, err)
	}

	// Update in place (upsert).
	sm2.Put(c2, "user", "bob")
	if _, _, err := sm2.Commit(c2); err != nil {
		t.Fatalf("commit update: %v", err)
	}
	sm3 := newManager()
	c3, err := sm3.Load(ctx, token)
	if err != nil {
		t.Fatalf("load updated session: %v", err)
	}
	if got := sm3.GetString(c3, "user"); got != "bob" {
		t.Fatalf("after update user %q, want bob", got)
	}

	// An expired session is not found.
	c4, err := sm1.Load(ctx, "")
	if err != nil {
		t.Fatal(err)
	}
	sm1.Put(c4, "user", "carol")
	expired, _, err := sm1.Commit(c4)
	if err != nil {
		t.Fatal(err)
	}
	b, _, err := store.Find(expired)
	if err != nil {
		t.Fatal(err)
	}
	if err := store.Commit(expired, b, time.Now().Add(-time.Second)); err != nil {
		t.Fatalf("commit expired: %v", err)
	}
	if _, found, err := store.Find(expired); err != nil || found {
		t.Fatalf("Find(expired) found=%v err=%v, want not found", found, err)
	}
	sm5 := newManager()
	c5, err := sm5.Load(ctx, expired)
	if err != nil {
		t.Fatalf("load expired: %v", err)
	}
	if got := sm5.GetString(c5, "user"); got != "" {
		t.Fatalf("expired session read user %q, want none", got)
	}

	// A session that is only briefly alive expires by itself.
	short := newManager()
	short.Lifetime = 1500 * time.Millisecond
	c6, err := short.Load(ctx, "")
	if err != nil {
		t.Fatal(err)
	}
	short.Put(c6, "user", "dave")
	brief, _, err := short.Commit(c6)
	if err != nil {
		t.Fatal(err)
	}
	if _, found, err := store.Find(brief); err != nil || !found {
		t.Fatalf("Find(brief) before expiry found=%v err=%v", found, err)
	}
	time.Sleep(2 * time.Second)
	if _, found, err := store.Find(brief); err != nil || found {
		t.Fatalf("Find(brief) after expiry found=%v err=%v, want not found", found, err)
	}

	// Many at once, as the live streams' recheck reads them: the live
	// session alone, byte for byte as Find has it.
	live, _, err := store.Find(token)
	if err != nil {
		t.Fatal(err)
	}
	many, err := sessions.FindMany(ctx, store, []string{expired, token, brief, "no-such-token", token})
	if err != nil {
		t.Fatalf("FindMany: %v", err)
	}
	if len(many) != 1 || !bytes.Equal(many[token], live) {
		t.Fatalf("FindMany(expired, live, brief, unknown, live again) = %d sessions, want the live one as Find has it", len(many))
	}
	if many, err := sessions.FindMany(ctx, store, nil); err != nil || len(many) != 0 {
		t.Fatalf("FindMany(no tokens) = %v, %v; want none", many, err)
	}

	// Destroy deletes the session from the store; Delete of a missing token
	// is not an error.
	c7, err := sm1.Load(ctx, "")
	if err != nil {
		t.Fatal(err)
	}
	sm1.Put(c7, "user", "erin")
	other, _, err := sm1.Commit(c7) // a second live session, kept
	if err != nil {
		t.Fatal(err)
	}
	if err := sm3.Destroy(c3); err != nil {
		t.Fatalf("destroy: %v", err)
	}
	if _, found, err := store.Find(token); err != nil || found {
		t.Fatalf("Find(destroyed) found=%v err=%v, want not found", found, err)
	}
	if err := store.Delete(token); err != nil {
		t.Fatalf("delete missing: %v", err)
	}
	if _, found, err := store.Find(other); err != nil || !found {
		t.Fatalf("Find(other) found=%v err=%v", found, err)
	}
	return other
}
