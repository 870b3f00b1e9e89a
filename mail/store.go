package mail

import (
	"context"
	"crypto/sha256"
	"encoding/hex"
	"time"
)

// Token is a single-use token sent by email (a password reset), stored
// only as its hash.
type Token struct {
	Hash      string // HashToken of the token sent
	Kind      string // TokenPasswordReset
	UserID    string
	Email     string
	ExpiresAt time.Time
}

// The kinds of token.
const (
	TokenPasswordReset     = "password_reset"     // a reset link, an hour long
	TokenEmailVerification = "email_verification" // a registration's verification link, a week long
)

// Tokens keeps the tokens that emails carry.
type Tokens interface {
	// IssueToken stores a new token.
	IssueToken(ctx context.Context, t Token) error
	// PeekToken is the unused, unexpired token with this hash, or a
	// not-found error; it leaves the token usable.
	PeekToken(ctx context.Context, kind, hash string, now time.Time) (Token, error)
	// UseToken uses up the token, once: a second use, or one after it
	// expired, is a not-found error.
	UseToken(ctx context.Context, kind, hash string, now time.Time) (Token, error)
}

// Choices keeps which kinds of email each person chose not to get.
type Choices interface {
	// SetChoice records that userID gets (on) or does not get kind.
	SetChoice(ctx context.Context, userID, kind string, on bool) error
	// OptedOut is the kinds userID chose not to get.
	OptedOut(ctx context.Context, userID string) (map[string]bool, error)
}

// Store is everything email keeps: the outbox, the tokens and the choices.
type Store interface {
	Outbox
	Tokens
	Choices
	// SigningKey is the key stored under name, storing fresh first when
	// there is none: every process of a deployment signs with one key.
	SigningKey(ctx context.Context, name string, fresh []byte) ([]byte, error)
}

// HashToken is how a token is stored: its SHA-256, so the table holds
// nothing that works as a link. A token has 256 random bits, so no salt
// or slow hash is needed.
func HashToken(token string) string {
	sum := sha256.Sum256([]byte(token))
	return hex.EncodeToString(sum[:])
}

// NewToken returns a random token for a link (256 bits, hex).
func NewToken() string { return randomToken(32) }
