package passwords

import (
	"errors"
	"strings"

	"golang.org/x/crypto/bcrypt"
)

// isBcrypt says whether a stored hash is a bcrypt hash, as phpVMS (PHP's
// password_hash, "$2y$") and most other bcrypt libraries ("$2a$", "$2b$")
// write them.
func isBcrypt(encoded string) bool {
	return strings.HasPrefix(encoded, "$2y$") || strings.HasPrefix(encoded, "$2a$") || strings.HasPrefix(encoded, "$2b$")
}

// verifyBcrypt checks plain against a bcrypt hash. PHP's "$2y$" is the same
// algorithm as "$2a$" (the letter only says PHP's own implementation had
// its 8-bit bug fixed), so it is read as "$2a$".
func verifyBcrypt(encoded, plain string) (bool, error) {
	if strings.HasPrefix(encoded, "$2y$") {
		encoded = "$2a$" + encoded[len("$2y$"):]
	}
	err := bcrypt.CompareHashAndPassword([]byte(encoded), []byte(plain))
	switch {
	case err == nil:
		return true, nil
	case errors.Is(err, bcrypt.ErrMismatchedHashAndPassword):
		return false, nil
	default:
		return false, ErrMalformedHash
	}
}

// NeedsRehash reports whether a stored hash should be replaced by an
// argon2id hash the next time its password is known (at login): a bcrypt
// hash brought over from phpVMS. Argon2id hashes of other parameters are
// left as they are: Verify reads each with its own.
func (Argon2id) NeedsRehash(encoded string) bool { return isBcrypt(encoded) }
