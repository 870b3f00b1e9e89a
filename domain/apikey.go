package domain

import (
	"context"
	"crypto/rand"
	"crypto/sha256"
	"encoding/base64"
	"encoding/hex"
	"fmt"
	"strings"
	"time"

	"google.golang.org/protobuf/proto"
	"google.golang.org/protobuf/types/known/timestamppb"

	eventsv1 "github.com/albatross-va/albatross/domain/events/v1"
)

// APIKeyStreamPrefix starts every API key stream id.
const APIKeyStreamPrefix = "apikey-"

// APIKeyStream returns the stream id of an API key.
func APIKeyStream(keyID string) string { return APIKeyStreamPrefix + keyID }

// The shape of an API key: APIKeyTag, then 32 random bytes in unpadded
// base64url. The tag lets people and secret scanners recognise a key.
const (
	APIKeyTag = "alb_"
	// APIKeyLength is the length of every key: the tag and 43 characters.
	APIKeyLength = len(APIKeyTag) + 43
	// APIKeyPrefixLength is how much of a key is kept in the clear, to tell
	// a user's keys apart in lists: the tag and 8 characters (48 of the
	// secret's 256 bits).
	APIKeyPrefixLength = len(APIKeyTag) + 8
	// MaxAPIKeyName is the longest name a key may have, in characters.
	MaxAPIKeyName = 64
)

// NewAPIKeySecret returns a new random key. It is shown to its owner once
// and never stored: only HashAPIKey of it is.
func NewAPIKeySecret() string {
	var b [32]byte
	_, _ = rand.Read(b[:]) // crypto/rand.Read never fails on supported platforms
	return APIKeyTag + base64.RawURLEncoding.EncodeToString(b[:])
}

// HashAPIKey returns the hex SHA-256 of a key, the form keys are stored and
// looked up in. A plain hash is enough: the secret has 256 random bits, so
// there is nothing to guess that a slow hash would protect.
func HashAPIKey(key string) string {
	sum := sha256.Sum256([]byte(key))
	return hex.EncodeToString(sum[:])
}

// LooksLikeAPIKey reports whether s has the shape of a key, so that garbage
// is turned away before any lookup.
func LooksLikeAPIKey(s string) bool {
	if LooksLikePhpVMSAPIKey(s) {
		return true
	}
	if len(s) != APIKeyLength || !strings.HasPrefix(s, APIKeyTag) {
		return false
	}
	_, err := base64.RawURLEncoding.Strict().DecodeString(s[len(APIKeyTag):])
	return err == nil
}

// LooksLikePhpVMSAPIKey reports whether s has the shape of a key phpVMS
// made (users.api_key: 20 hexadecimal characters, at most 40): an imported
// pilot's ACARS client goes on sending it, and its hash was imported.
func LooksLikePhpVMSAPIKey(s string) bool {
	if len(s) < 20 || len(s) > 40 {
		return false
	}
	for _, r := range s {
		if !(r >= '0' && r <= '9' || r >= 'a' && r <= 'f' || r >= 'A' && r <= 'F') {
			return false
		}
	}
	return true
}

// APIKey is the API key aggregate: a secret a program sends instead of a
// login, on behalf of the user who created it.
type APIKey struct {
	ID       string
	UserID   string
	TenantID string
	Name     string
	Created  bool
	Revoked  bool
}

// Apply folds one stored event into the key.
func (k *APIKey) Apply(ev proto.Message) error {
	switch e := ev.(type) {
	case *eventsv1.ApiKeyCreated:
		k.ID, k.UserID, k.TenantID, k.Name, k.Created = e.KeyId, e.UserId, e.TenantId, e.Name, true
	case *eventsv1.ApiKeyRevoked:
		k.Revoked = true
	default:
		return fmt.Errorf("api key: unexpected event %T", ev)
	}
	return nil
}

// CreateAPIKey is the command a user sends to get a new key.
type CreateAPIKey struct {
	Name string
}

// Normalize trims the name.
func (c *CreateAPIKey) Normalize() { c.Name = strings.TrimSpace(c.Name) }

// Validate returns an EInvalid error naming each bad field, or nil.
func (c CreateAPIKey) Validate() error {
	f := map[string]string{}
	checkRequiredLine(f, "name", &c.Name, MaxAPIKeyName, "Give the key a name, such as the program that will use it.")
	return Invalid(f)
}

// create decides the creation of a key for owner; hash and prefix come from
// the secret, which the decision never sees.
func (k *APIKey) create(id string, owner *User, c CreateAPIKey, prefix, hash string, now time.Time) (Decision, error) {
	if k.Created {
		return Decision{}, Errorf(EConflict, "This API key already exists.")
	}
	return Decision{Events: []proto.Message{&eventsv1.ApiKeyCreated{
		KeyId: id, UserId: owner.ID, TenantId: owner.TenantID, Name: c.Name,
		Prefix: prefix, Hash: hash, CreatedAt: timestamppb.New(now),
	}}}, nil
}

// revoke decides a revocation by userID. Only the owner may revoke a key;
// to anyone else it does not exist, so a key id tells them nothing. A key
// revoked already stays revoked and nothing is appended.
func (k *APIKey) revoke(userID string, now time.Time) (Decision, error) {
	if !k.Created || k.UserID != userID {
		return Decision{}, Errorf(ENotFound, "There is no such API key.")
	}
	if k.Revoked {
		return Decision{}, nil
	}
	return Decision{Events: []proto.Message{&eventsv1.ApiKeyRevoked{
		KeyId: k.ID, UserId: userID, RevokedAt: timestamppb.New(now),
	}}}, nil
}

// NewAPIKey is a key just created: the one moment its secret is known.
type NewAPIKey struct {
	ID     string
	Name   string
	Prefix string
	Key    string // the secret itself; show it once, never store or log it
}

// APIKeys runs the API key commands.
type APIKeys struct {
	Runner *Runner
	IDs    IDs
}

// Create makes a new key for a user, in the user's tenant, and returns it
// with its secret. A repeated command id creates nothing and is a conflict:
// the first call's secret was shown once and cannot be shown again.
func (s *APIKeys) Create(ctx context.Context, meta CommandMeta, userID string, c CreateAPIKey) (NewAPIKey, AppendResult, error) {
	c.Normalize()
	if err := c.Validate(); err != nil {
		return NewAPIKey{}, AppendResult{}, err
	}
	owner := &User{}
	if _, err := s.Runner.load(ctx, UserStream(userID), owner); err != nil {
		return NewAPIKey{}, AppendResult{}, err
	}
	if !owner.Created {
		return NewAPIKey{}, AppendResult{}, Errorf(ENotFound, "There is no such user.")
	}
	secret := NewAPIKeySecret()
	created := NewAPIKey{ID: s.IDs.NewID(), Name: c.Name, Prefix: secret[:APIKeyPrefixLength], Key: secret}
	hash := HashAPIKey(secret)
	now := s.Runner.now()
	res, err := Execute(ctx, s.Runner, StreamRef{StreamID: APIKeyStream(created.ID), TenantID: owner.TenantID}, meta,
		func() *APIKey { return &APIKey{} },
		func(k *APIKey, _ int64) (Decision, error) {
			return k.create(created.ID, owner, c, created.Prefix, hash, now)
		})
	if err != nil {
		return NewAPIKey{}, AppendResult{}, err
	}
	if res.Duplicate {
		first := &APIKey{}
		if _, err := s.Runner.load(ctx, res.StreamID, first); err != nil {
			return NewAPIKey{}, AppendResult{}, err
		}
		return NewAPIKey{}, AppendResult{}, Errorf(EConflict,
			"This form already created the key %q, whose secret was shown only once. If you did not copy it, revoke that key and create a new one.", first.Name)
	}
	return created, res, nil
}

// Revoke ends a key of userID's. Another user's key, or an unknown one, is
// not found.
func (s *APIKeys) Revoke(ctx context.Context, meta CommandMeta, userID, keyID string) (AppendResult, error) {
	// The revocation is appended in the key's tenant, which only its
	// stream knows; decide checks the owner again on what it loads.
	key := &APIKey{}
	if _, err := s.Runner.load(ctx, APIKeyStream(keyID), key); err != nil {
		return AppendResult{}, err
	}
	now := s.Runner.now()
	return Execute(ctx, s.Runner, StreamRef{StreamID: APIKeyStream(keyID), TenantID: key.TenantID}, meta,
		func() *APIKey { return &APIKey{} },
		func(k *APIKey, _ int64) (Decision, error) { return k.revoke(userID, now) })
}
