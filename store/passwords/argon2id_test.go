package passwords_test

import (
	"strings"
	"testing"

	"github.com/albatross-va/albatross/store/passwords"
)

func TestHashAndVerify(t *testing.T) {
	h := passwords.New()
	a, err := h.Hash("correct horse battery")
	if err != nil {
		t.Fatal(err)
	}
	b, _ := h.Hash("correct horse battery")
	if a == b {
		t.Errorf("two hashes of one password are equal: the salt is not random")
	}
	if !strings.HasPrefix(a, "$argon2id$v=19$m=19456,t=2,p=1$") {
		t.Errorf("hash %q does not carry its algorithm and parameters", a)
	}
	if strings.Contains(a, "correct horse") {
		t.Errorf("the hash contains the password")
	}
	for _, c := range []struct {
		plain string
		want  bool
	}{{"correct horse battery", true}, {"correct horse batterY", false}, {"", false}} {
		ok, err := h.Verify(a, c.plain)
		if err != nil || ok != c.want {
			t.Errorf("Verify(%q) = %v, %v; want %v", c.plain, ok, err, c.want)
		}
	}
}

func TestVerifyUsesTheHashsOwnParameters(t *testing.T) {
	cheap := passwords.Argon2id{Params: passwords.Params{Memory: 1024, Time: 1, Threads: 1, SaltLen: 8, KeyLen: 16}}
	old, err := cheap.Hash("an older password")
	if err != nil {
		t.Fatal(err)
	}
	if ok, err := passwords.New().Verify(old, "an older password"); err != nil || !ok {
		t.Errorf("a hash made with other parameters no longer verifies: %v %v", ok, err)
	}
}

func TestVerifyRejectsMalformedHashes(t *testing.T) {
	for _, bad := range []string{"", "plain", "$argon2i$v=19$m=1,t=1,p=1$c2FsdA$a2V5", "$argon2id$v=18$m=1,t=1,p=1$c2FsdA$a2V5", "$argon2id$v=19$m=0,t=1,p=1$c2FsdA$a2V5", "$argon2id$v=19$m=1,t=1,p=1$!!$a2V5"} {
		if _, err := passwords.New().Verify(bad, "x"); err == nil {
			t.Errorf("Verify accepted %q", bad)
		}
	}
}

// phpVMS's users.password: Laravel's stock factory hash of "password"
// (bcrypt, cost 10, PHP's $2y$ prefix).
const phpvmsHash = "$2y$10$92IXUNpkjO0rOQ5byMi.Ye4oKoEa3Ro9llC/.og/at2.uheWG/igi"

func TestVerifyAcceptsPhpvmsBcryptHashes(t *testing.T) {
	h := passwords.New()
	for _, c := range []struct {
		hash, plain string
		want        bool
	}{
		{phpvmsHash, "password", true},
		{phpvmsHash, "Password", false},
		{"$2a$" + phpvmsHash[4:], "password", true}, // the same hash as Go and others write it
		{"$2b$" + phpvmsHash[4:], "password", true},
	} {
		ok, err := h.Verify(c.hash, c.plain)
		if err != nil || ok != c.want {
			t.Errorf("Verify(%.7s…, %q) = %v, %v; want %v", c.hash, c.plain, ok, err, c.want)
		}
	}
	if _, err := h.Verify("$2y$10$tooShort", "password"); err == nil {
		t.Errorf("a truncated bcrypt hash verified without an error")
	}
	if !h.NeedsRehash(phpvmsHash) {
		t.Errorf("a phpVMS bcrypt hash is not to be replaced at login")
	}
	fresh, _ := h.Hash("password")
	if h.NeedsRehash(fresh) {
		t.Errorf("a fresh argon2id hash is to be replaced at login")
	}
}
