package mail

import (
	"context"
	"crypto/hmac"
	"crypto/rand"
	"crypto/sha256"
	"encoding/base64"
	"net/url"
)

// Signer signs the one-click unsubscribe links (RFC 8058), which work
// without a login: the signature says the link was sent by this
// deployment for this person and kind.
type Signer struct{ key []byte }

// NewSigner loads the deployment's unsubscribe key, making it on first use.
func NewSigner(ctx context.Context, s Store) (*Signer, error) {
	fresh := make([]byte, 32)
	_, _ = rand.Read(fresh)
	key, err := s.SigningKey(ctx, "unsubscribe", fresh)
	if err != nil {
		return nil, err
	}
	return &Signer{key: key}, nil
}

func (s *Signer) mac(userID, kind string) []byte {
	m := hmac.New(sha256.New, s.key)
	m.Write([]byte("unsubscribe\n" + userID + "\n" + kind))
	return m.Sum(nil)
}

// Query is the link's query string for userID and kind.
func (s *Signer) Query(userID, kind string) string {
	return url.Values{"u": {userID}, "k": {kind}, "s": {base64.RawURLEncoding.EncodeToString(s.mac(userID, kind))}}.Encode()
}

// Valid says whether sig is this deployment's signature of userID and kind.
func (s *Signer) Valid(userID, kind, sig string) bool {
	got, err := base64.RawURLEncoding.DecodeString(sig)
	return err == nil && hmac.Equal(got, s.mac(userID, kind))
}
