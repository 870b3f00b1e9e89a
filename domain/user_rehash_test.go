package domain_test

import (
	"context"
	"strings"
	"testing"

	"google.golang.org/protobuf/proto"

	"github.com/albatross-va/albatross/domain"
	eventsv1 "github.com/albatross-va/albatross/domain/events/v1"
	"github.com/albatross-va/albatross/store/passwords"
)

// An imported phpVMS hash (bcrypt of "password") is replaced by argon2id
// once, by a PasswordChanged event; the old event stays readable.
func TestAnImportedBcryptHashIsReplacedAtLogin(t *testing.T) {
	const bcryptHash = "$2y$10$92IXUNpkjO0rOQ5byMi.Ye4oKoEa3Ro9llC/.og/at2.uheWG/igi"
	r := newRunner(t)
	users := &domain.Users{Runner: r, IDs: domain.RandomIDs{}, Passwords: passwords.New()}
	ctx := context.Background()
	id := domain.NewUUID()
	if _, err := domain.Execute(ctx, r, domain.StreamRef{StreamID: domain.UserStream(id)}, domain.CommandMeta{ID: domain.NewUUID(), Actor: "import"},
		func() *domain.User { return &domain.User{} },
		func(*domain.User, int64) (domain.Decision, error) {
			return domain.Decision{Events: []proto.Message{&eventsv1.UserCreated{UserId: id, Email: "pilot@example.com", Role: domain.RolePilot, PasswordHash: bcryptHash}}}, nil
		}); err != nil {
		t.Fatal(err)
	}
	if !users.NeedsRehash(bcryptHash) {
		t.Fatal("a bcrypt hash is not to be replaced")
	}
	meta := domain.CommandMeta{ID: domain.NewUUID(), Actor: id}
	if _, err := users.RehashPassword(ctx, meta, id, bcryptHash, "wrong password"); domain.ErrorCode(err) != domain.EUnauthorized {
		t.Errorf("a rehash with the wrong password: %v, want unauthorized", err)
	}
	res, err := users.RehashPassword(ctx, meta, id, bcryptHash, "password")
	if err != nil || len(res.EventTypes) != 1 {
		t.Fatalf("rehash: %+v, %v", res, err)
	}
	hash, err := users.PasswordHash(ctx, id)
	if err != nil || !strings.HasPrefix(hash, "$argon2id$") {
		t.Fatalf("the hash after the first login is %q (%v), want argon2id", hash, err)
	}
	if ok, _ := passwords.New().Verify(hash, "password"); !ok {
		t.Errorf("the new hash does not verify the same password")
	}
	res, err = users.RehashPassword(ctx, domain.CommandMeta{ID: domain.NewUUID(), Actor: id}, id, bcryptHash, "password")
	if err != nil || len(res.EventTypes) != 0 {
		t.Errorf("a second login's rehash appended %v (%v)", res.EventTypes, err)
	}
}
