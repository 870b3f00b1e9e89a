package handlers

import (
	"context"
	"crypto/rand"
	"crypto/sha256"
	"encoding/base64"
	"encoding/hex"
	"fmt"
	"time"

	"github.com/alexedwards/scs/v2"

	"github.com/albatross-va/albatross/store/reads"
)

// smartCARS 3's sessions: the token its login returns and every later
// request sends as a bearer token. They are not domain facts, so they live
// where the web's sessions live (DESIGN.md, "Identity and access"): the
// scs store of the deployment (PostgreSQL's sessions table, Redis, or the
// embedded event log's file), which sweeps expired rows. The store holds
// only a hash of the token, under a key no web session token can have.

// smartcarsSessionLifetime is how long a token lasts without a resume.
const smartcarsSessionLifetime = 7 * 24 * time.Hour

// smartcarsSession is what a token stands for: a pilot of an airline, the
// password they logged in with (a changed password ends the session, as it
// ends the web's), and when it expires.
type smartcarsSession struct {
	UserID, TenantID, PasswordStamp string
	Expiry                          time.Time
}

// smartcarsSessions keeps the tokens in an scs store, encoded with the scs
// codec: a web cookie forged to name a smartCARS key decodes as a session
// with no user in it, which signs in no one.
type smartcarsSessions struct {
	store scs.Store
	codec scs.Codec
	now   func() time.Time
}

// smartcarsStoreKey is the store's key of a token: a SHA-256 hash, so a
// leaked store reveals no token.
func smartcarsStoreKey(token string) string {
	sum := sha256.Sum256([]byte(token))
	return "smartcars:" + hex.EncodeToString(sum[:])
}

// newSmartcarsToken is a random token in the three dot-separated parts of
// base64url the contract's Pilot.session pattern describes.
func newSmartcarsToken() (string, error) {
	var b [32]byte
	if _, err := rand.Read(b[:]); err != nil {
		return "", err
	}
	enc := base64.RawURLEncoding
	return "sc3." + enc.EncodeToString(b[:16]) + "." + enc.EncodeToString(b[16:]), nil
}

// issue starts a session for a pilot and returns its token and expiry.
func (s smartcarsSessions) issue(ctx context.Context, u reads.User) (string, time.Time, error) {
	token, err := newSmartcarsToken()
	if err != nil {
		return "", time.Time{}, err
	}
	expiry := s.now().Add(smartcarsSessionLifetime).UTC().Truncate(time.Second)
	b, err := s.codec.Encode(expiry, map[string]any{
		"smartcars_user": u.ID, "smartcars_tenant": u.TenantID, "smartcars_password": passwordStamp(u.PasswordHash)})
	if err != nil {
		return "", time.Time{}, err
	}
	key := smartcarsStoreKey(token)
	if cs, ok := s.store.(scs.CtxStore); ok {
		err = cs.CommitCtx(ctx, key, b, expiry)
	} else {
		err = s.store.Commit(key, b, expiry)
	}
	if err != nil {
		return "", time.Time{}, fmt.Errorf("smartcars: store a session: %w", err)
	}
	return token, expiry, nil
}

// find reads a token's session; false when there is none or it expired.
func (s smartcarsSessions) find(ctx context.Context, token string) (smartcarsSession, bool, error) {
	key := smartcarsStoreKey(token)
	var b []byte
	var found bool
	var err error
	if cs, ok := s.store.(scs.CtxStore); ok {
		b, found, err = cs.FindCtx(ctx, key)
	} else {
		b, found, err = s.store.Find(key)
	}
	if err != nil || !found {
		return smartcarsSession{}, false, err
	}
	expiry, values, err := s.codec.Decode(b)
	if err != nil {
		return smartcarsSession{}, false, fmt.Errorf("smartcars: read a session: %w", err)
	}
	str := func(k string) string { v, _ := values[k].(string); return v }
	sess := smartcarsSession{UserID: str("smartcars_user"), TenantID: str("smartcars_tenant"),
		PasswordStamp: str("smartcars_password"), Expiry: expiry}
	if sess.UserID == "" || !s.now().Before(expiry) {
		return smartcarsSession{}, false, nil
	}
	return sess, true, nil
}

// end deletes a token's session.
func (s smartcarsSessions) end(ctx context.Context, token string) error {
	key := smartcarsStoreKey(token)
	if cs, ok := s.store.(scs.CtxStore); ok {
		return cs.DeleteCtx(ctx, key)
	}
	return s.store.Delete(key)
}
