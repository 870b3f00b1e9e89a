package handlers

import (
	"context"
	"testing"

	"github.com/alexedwards/scs/v2"
	"github.com/alexedwards/scs/v2/memstore"
)

func TestSafeNextKeepsRedirectsOnThisSite(t *testing.T) {
	for next, want := range map[string]string{
		"/airlines":          "/airlines",
		"/airlines?x=1":      "/airlines?x=1",
		"":                   "/",
		"//evil.example":     "/",
		"/\\evil.example":    "/",
		"/\t/evil.example":   "/",
		"https://evil":       "/",
		"javascript:alert()": "/",
		"airlines":           "/",
	} {
		if got := safeNext(next); got != want {
			t.Errorf("safeNext(%q) = %q, want %q", next, got, want)
		}
	}
}

// A request that only reads the session must not write it back: it would
// undo what a concurrent request changed (a live list re-fetched while a
// form is answered would drop the form's confirmation line; one in flight
// during a logout would bring the session back).
func TestAReadOnlyRequestDoesNotOverwriteAConcurrentChange(t *testing.T) {
	ctx := context.Background()
	sm := NewSessions(memstore.New(), false)
	start, _ := sm.Load(ctx, "")
	sm.Put(start, sessionUserKey, "someone")
	token, _, err := sm.Commit(start)
	if err != nil {
		t.Fatal(err)
	}
	reader, _ := sm.Load(ctx, token) // a live list's re-fetch begins
	writer, _ := sm.Load(ctx, token) // the form's answer begins
	sm.Put(writer, flashKey, "Pat Pilot is approved.")
	if _, _, err := sm.Commit(writer); err != nil {
		t.Fatal(err)
	}
	_ = sm.GetString(reader, sessionUserKey)
	if sm.Status(reader) != scs.Unmodified {
		// What withSession would do: save the reader's copy.
		if _, _, err := sm.Commit(reader); err != nil {
			t.Fatal(err)
		}
	}
	next, _ := sm.Load(ctx, token)
	if got := sm.GetString(next, flashKey); got != "Pat Pilot is approved." {
		t.Errorf("after a concurrent read-only request the flash is %q: the reader wrote its stale copy back", got)
	}
}
