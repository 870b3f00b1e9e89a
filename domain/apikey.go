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

// ApiKeyStreamPrefix starts every API key stream id.
const ApiKeyStreamPrefix = "apikey-"

// ApiKeyStream returns the stream id of an API key.
func ApiKeyStream(keyID string) string { return ApiKeyStreamPrefix + keyID }

// The shape of an API key: ApiKeyTag, then 32 random bytes in unpadded
// base64url. The tag lets people and secret scanners recognise a key.
const (
	ApiKeyTag = "alb_"
	// ApiKeyLength is the length of every key: the tag and 43 characters.
	ApiKeyLength = len(ApiKeyTag) + 43
	// ApiKeyPrefixLength is how much of a key is kept in the clear, to tell
	// a user's keys apart in lists: the tag and 8 characters (48 of the
	// secret's 256 bits).
	ApiKeyPrefixLength = len(ApiKeyTag) + 8
	// MaxApiKeyName is the longest name a key may have, in characters.
	MaxApiKeyName = 64
)

// NewApiKeySecret returns a new random key. It is shown to its owner once
// and never stored: only HashApiKey of it is.
func NewApiKeySecret() string {
	var b [32]byte
	_, _ = rand.Read(b[:]) // crypto/rand.Read never fails on supported platforms
	return ApiKeyTag + base64.RawURLEncoding.EncodeToString(b[:])
}

// HashApiKey returns the hex SHA-256 of a key, the form keys are stored and
// looked up in. A plain hash is enough: the secret has 256 random bits, so
// there is nothing to guess that a slow hash would protect.
func HashApiKey(key string) string {
	sum := sha256.Sum256([]byte(key))
	return hex.EncodeToString(sum[:])
}

// LooksLikeApiKey reports whether s has the shape of a key, so that garbage
// is turned away before any lookup.
func LooksLikeApiKey(s string) bool {
	if len(s) != ApiKeyLength || !strings.HasPrefix(s, ApiKeyTag) {
		return false
	}
	_, err := base64.RawURLEncoding.Strict().DecodeString(s[len(ApiKeyTag):])
	return err == nil
}

// ApiKey is the API key aggregate: a secret a program sends instead of a
// login, on behalf of the user who created it.
type ApiKey struct {
	ID       string
	UserID   string
	TenantID string
	Name     string
	Created  bool
	Revoked  bool
}

// Apply folds one stored event into the key.
func (k *ApiKey) Apply(ev proto.Message) error {
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

// CreateApiKey is the command a user sends to get a new key.
type CreateApiKey struct {
	Name string
}

// Normalize trims the name.
func (c *CreateApiKey) Normalize() { c.Name = strings.TrimSpace(c.Name) }

// Validate returns an EInvalid error naming each bad field, or nil.
func (c CreateApiKey) Validate() error {
	f := map[string]string{}
	checkRequiredLine(f, "name", &c.Name, MaxApiKeyName, "Give the key a name, such as the program that will use it.")
	return Invalid(f)
}

// create decides the creation of a key for owner; hash and prefix come from
// the secret, which the decision never sees.
func (k *ApiKey) create(id string, owner *User, c CreateApiKey, prefix, hash string, now time.Time) (Decision, error) {
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
func (k *ApiKey) revoke(userID string, now time.Time) (Decision, error) {
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

// NewApiKey is a key just created: the one moment its secret is known.
type NewApiKey struct {
	ID     string
	Name   string
	Prefix string
	Key    string // the secret itself; show it once, never store or log it
}

// ApiKeys runs the API key commands.
type ApiKeys struct {
	Runner *Runner
	IDs    IDs
}

// Create makes a new key for a user, in the user's tenant, and returns it
// with its secret. A repeated command id creates nothing and is a conflict:
// the first call's secret was shown once and cannot be shown again.
func (s *ApiKeys) Create(ctx context.Context, meta CommandMeta, userID string, c CreateApiKey) (NewApiKey, AppendResult, error) {
	c.Normalize()
	if err := c.Validate(); err != nil {
		return NewApiKey{}, AppendResult{}, err
	}
	owner := &User{}
	if _, err := s.Runner.load(ctx, UserStream(userID), owner); err != nil {
		return NewApiKey{}, AppendResult{}, err
	}
	if !owner.Created {
		return NewApiKey{}, AppendResult{}, Errorf(ENotFound, "There is no such user.")
	}
	secret := NewApiKeySecret()
	created := NewApiKey{ID: s.IDs.NewID(), Name: c.Name, Prefix: secret[:ApiKeyPrefixLength], Key: secret}
	hash := HashApiKey(secret)
	now := s.Runner.now()
	res, err := Execute(ctx, s.Runner, StreamRef{StreamID: ApiKeyStream(created.ID), TenantID: owner.TenantID}, meta,
		func() *ApiKey { return &ApiKey{} },
		func(k *ApiKey, _ int64) (Decision, error) {
			return k.create(created.ID, owner, c, created.Prefix, hash, now)
		})
	if err != nil {
		return NewApiKey{}, AppendResult{}, err
	}
	if res.Duplicate {
		first := &ApiKey{}
		if _, err := s.Runner.load(ctx, res.StreamID, first); err != nil {
			return NewApiKey{}, AppendResult{}, err
		}
		return NewApiKey{}, AppendResult{}, Errorf(EConflict,
			"This form already created the key %q, whose secret was shown only once. If you did not copy it, revoke that key and create a new one.", first.Name)
	}
	return created, res, nil
}

// Revoke ends a key of userID's. Another user's key, or an unknown one, is
// not found.
func (s *ApiKeys) Revoke(ctx context.Context, meta CommandMeta, userID, keyID string) (AppendResult, error) {
	// The revocation is appended in the key's tenant, which only its
	// stream knows; decide checks the owner again on what it loads.
	key := &ApiKey{}
	if _, err := s.Runner.load(ctx, ApiKeyStream(keyID), key); err != nil {
		return AppendResult{}, err
	}
	now := s.Runner.now()
	return Execute(ctx, s.Runner, StreamRef{StreamID: ApiKeyStream(keyID), TenantID: key.TenantID}, meta,
		func() *ApiKey { return &ApiKey{} },
		func(k *ApiKey, _ int64) (Decision, error) { return k.revoke(userID, now) })
}
