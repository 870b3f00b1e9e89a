// Package passwords hashes passwords with argon2id (the domain.Passwords
// port). Each hash carries its own salt and parameters in the PHC string
// format, so the parameters can be raised later without breaking old hashes.
package passwords

import (
	"crypto/rand"
	"crypto/subtle"
	"encoding/base64"
	"errors"
	"fmt"
	"strings"

	"golang.org/x/crypto/argon2"
)

// Params are argon2id's cost parameters.
type Params struct {
	Memory  uint32 // KiB
	Time    uint32 // passes
	Threads uint8
	SaltLen int
	KeyLen  uint32
}

// DefaultParams follow OWASP's recommendation for argon2id: 19 MiB, 2
// passes, one thread.
func DefaultParams() Params {
	return Params{Memory: 19 * 1024, Time: 2, Threads: 1, SaltLen: 16, KeyLen: 32}
}

// Argon2id implements domain.Passwords.
type Argon2id struct{ Params Params }

// New returns a hasher with the default parameters.
func New() Argon2id { return Argon2id{Params: DefaultParams()} }

var b64 = base64.RawStdEncoding

// Hash returns "$argon2id$v=19$m=…,t=…,p=…$salt$key" for a fresh random salt.
func (a Argon2id) Hash(plain string) (string, error) {
	p := a.Params
	salt := make([]byte, p.SaltLen)
	if _, err := rand.Read(salt); err != nil {
		return "", fmt.Errorf("salt: %w", err)
	}
	key := argon2.IDKey([]byte(plain), salt, p.Time, p.Memory, p.Threads, p.KeyLen)
	return fmt.Sprintf("$argon2id$v=%d$m=%d,t=%d,p=%d$%s$%s",
		argon2.Version, p.Memory, p.Time, p.Threads, b64.EncodeToString(salt), b64.EncodeToString(key)), nil
}

// ErrMalformedHash is returned for a stored hash that is not one of ours.
var ErrMalformedHash = errors.New("malformed argon2id hash")

// Verify recomputes the key with the hash's own salt and parameters and
// compares in constant time. A bcrypt hash (imported from phpVMS) is
// verified as bcrypt, so an imported pilot's password keeps working; the
// login then replaces it (NeedsRehash).
func (Argon2id) Verify(encoded, plain string) (bool, error) {
	if isBcrypt(encoded) {
		return verifyBcrypt(encoded, plain)
	}
	parts := strings.Split(encoded, "$")
	if len(parts) != 6 || parts[1] != "argon2id" {
		return false, ErrMalformedHash
	}
	var version int
	if _, err := fmt.Sscanf(parts[2], "v=%d", &version); err != nil || version != argon2.Version {
		return false, ErrMalformedHash
	}
	var m, t uint32
	var p uint8
	if _, err := fmtSscanf(parts[3], &m, &t, &p); err != nil || m == 0 || t == 0 || p == 0 {
		return false, ErrMalformedHash
	}
	salt, err := b64.DecodeString(parts[4])
	if err != nil {
		return false, ErrMalformedHash
	}
	want, err := b64.DecodeString(parts[5])
	if err != nil || len(want) == 0 {
		return false, ErrMalformedHash
	}
	got := argon2.IDKey([]byte(plain), salt, t, m, p, uint32(len(want)))
	return subtle.ConstantTimeCompare(got, want) == 1, nil
}

// fmtSscanf reads an argon2id hash's "m=…,t=…,p=…" part.
func fmtSscanf(params string, m, t *uint32, p *uint8) (int, error) {
	return fmt.Sscanf(params, "m=%d,t=%d,p=%d", m, t, p)
}
