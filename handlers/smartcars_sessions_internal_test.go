package handlers

import (
	"context"
	"strings"
	"testing"
	"time"

	"github.com/alexedwards/scs/v2"

	"github.com/albatross-va/albatross/store/reads"
)

// recordingStore is an scs store that keeps what it is given, so a test
// can read what a leaked store would reveal.
type recordingStore struct {
	rows map[string][]byte
}

func (s *recordingStore) Find(token string) ([]byte, bool, error) {
	b, ok := s.rows[token]
	return b, ok, nil
}

func (s *recordingStore) Commit(token string, b []byte, _ time.Time) error {
	s.rows[token] = b
	return nil
}

func (s *recordingStore) Delete(token string) error {
	delete(s.rows, token)
	return nil
}

// A smartCARS session is found by its token until it expires, 7 days on,
// and no longer once ended; the store holds neither the token nor
// anything a web session would take for a signed-in user.
func TestSmartcarsSessionsExpireAndKeepOnlyAHash(t *testing.T) {
	ctx := context.Background()
	now := time.Date(2026, 12, 3, 12, 0, 0, 0, time.UTC)
	store := &recordingStore{rows: map[string][]byte{}}
	s := smartcarsSessions{store: store, codec: scs.GobCodec{}, now: func() time.Time { return now }}
	u := reads.User{ID: "user-1", TenantID: "airline-1", PasswordHash: "$argon2id$v=19$m=65536,t=1,p=2$c2FsdA$aGFzaA"}
	token, expiry, err := s.issue(ctx, u)
	if err != nil {
		t.Fatal(err)
	}
	if !expiry.Equal(now.Add(7*24*time.Hour)) || !smartcarsSessionPattern.MatchString(token) {
		t.Errorf("issued %q expiring %v, want the contract's shape and 7 days", token, expiry)
	}
	for key, row := range store.rows {
		if strings.Contains(key, token) || strings.Contains(string(row), token) || !strings.HasPrefix(key, "smartcars:") {
			t.Errorf("the store holds %q: %q, which gives the token away or could be a web session's key", key, row)
		}
		if _, values, err := (scs.GobCodec{}).Decode(row); err != nil || values[sessionUserKey] != nil {
			t.Errorf("a web session reading the row finds %v, %v; want no signed-in user", values, err)
		}
	}
	now = now.Add(6 * 24 * time.Hour)
	if got, ok, err := s.find(ctx, token); err != nil || !ok || got.UserID != u.ID || got.TenantID != u.TenantID || got.PasswordStamp != passwordStamp(u.PasswordHash) {
		t.Errorf("find after 6 days = %+v, %v, %v; want the session", got, ok, err)
	}
	if _, ok, _ := s.find(ctx, token+"x"); ok {
		t.Error("another token finds the session")
	}
	now = now.Add(25 * time.Hour)
	if _, ok, err := s.find(ctx, token); ok || err != nil {
		t.Errorf("find after 7 days and an hour = %v, %v; want it expired", ok, err)
	}
	now = now.Add(-25 * time.Hour)
	if err := s.end(ctx, token); err != nil {
		t.Fatal(err)
	}
	if _, ok, _ := s.find(ctx, token); ok || len(store.rows) != 0 {
		t.Errorf("the session after its end: found %v, %d rows left", ok, len(store.rows))
	}
}
