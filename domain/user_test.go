package domain_test

import (
	"bytes"
	"context"
	"testing"

	"github.com/albatross-va/albatross/domain"
	eventsv1 "github.com/albatross-va/albatross/domain/events/v1"
	"github.com/albatross-va/albatross/store/passwords"
)

func TestFirstAdminIsCreatedOnceWithAOneTimePassword(t *testing.T) {
	r := newRunner(t)
	users := &domain.Users{Runner: r, IDs: domain.RandomIDs{}, Passwords: passwords.New()}
	ctx := context.Background()

	id, otp, _, err := users.CreateFirstAdmin(ctx, domain.CommandMeta{ID: domain.NewUUID(), Actor: "system"})
	if err != nil {
		t.Fatal(err)
	}
	if len(otp) < domain.MinPasswordLength {
		t.Errorf("one-time password %q is shorter than a password may be", otp)
	}
	if _, _, _, err := users.CreateFirstAdmin(ctx, domain.CommandMeta{ID: domain.NewUUID(), Actor: "system"}); domain.ErrorCode(err) != domain.EConflict {
		t.Errorf("a second first admin: %v, want a conflict", err)
	}

	recs, err := r.Store.ReadStream(ctx, domain.UserStream(id), 0)
	if err != nil || len(recs) != 1 {
		t.Fatalf("admin stream: %d events, %v", len(recs), err)
	}
	if bytes.Contains(recs[0].Data, []byte(otp)) {
		t.Errorf("the plain one-time password is in the event")
	}
	m, _ := r.Registry.Decode(recs[0].Type, recs[0].Data)
	created := m.(*eventsv1.UserCreated)
	if created.Email != domain.FirstAdminLogin || created.Role != domain.RolePlatformAdmin || !created.MustChangePassword {
		t.Errorf("admin created as %+v", created)
	}
	if ok, err := passwords.New().Verify(created.PasswordHash, otp); !ok || err != nil {
		t.Errorf("the stored hash does not verify the one-time password: %v %v", ok, err)
	}

	again, _, err := users.IssueOneTimePassword(ctx, domain.CommandMeta{Actor: "cli"}, id)
	if err != nil {
		t.Fatal(err)
	}
	if again == otp {
		t.Errorf("a reset issued the same one-time password")
	}
	recs, _ = r.Store.ReadStream(ctx, domain.UserStream(id), 1)
	m, _ = r.Registry.Decode(recs[0].Type, recs[0].Data)
	changed := m.(*eventsv1.PasswordChanged)
	if ok, _ := passwords.New().Verify(changed.PasswordHash, again); !ok || !changed.OneTime {
		t.Errorf("the reset stored %+v, want a one-time hash of the new password", changed)
	}
	if _, _, err := users.IssueOneTimePassword(ctx, domain.CommandMeta{}, domain.NewUUID()); domain.ErrorCode(err) != domain.ENotFound {
		t.Errorf("a reset of an unknown user: %v, want not found", err)
	}
}

func TestPasswordRules(t *testing.T) {
	cases := []struct {
		password, email string
		ok              bool
	}{
		{"short", "a@b.c", false},
		{"exactly10!", "a@b.c", true},
		{"Pilot@Example.com", "pilot@example.com", false},
		{"ünïcödé-ök", "a@b.c", true},
	}
	for _, c := range cases {
		err := domain.ValidatePassword(c.password, c.email)
		if (err == nil) != c.ok || (err != nil && domain.ErrorFields(err)["password"] == "") {
			t.Errorf("ValidatePassword(%q, %q) = %v, want ok=%v with a message beside the password", c.password, c.email, err, c.ok)
		}
	}
	seen := map[string]bool{}
	for range 100 {
		p := domain.NewOneTimePassword()
		if seen[p] || len(p) != 20 {
			t.Fatalf("one-time password %q repeats or has the wrong length", p)
		}
		seen[p] = true
	}
}

func TestChangePasswordChecksTheCurrentOneAndTheRules(t *testing.T) {
	r := newRunner(t)
	users := &domain.Users{Runner: r, IDs: domain.RandomIDs{}, Passwords: passwords.New()}
	ctx := context.Background()
	id, otp, _, err := users.CreateFirstAdmin(ctx, domain.CommandMeta{})
	if err != nil {
		t.Fatal(err)
	}
	bad := []struct{ current, next, field string }{
		{"wrong-password", "a good new password", "current"},
		{otp, "short", "password"},
		{otp, otp, "password"},
	}
	for _, b := range bad {
		if _, err := users.ChangePassword(ctx, domain.CommandMeta{}, id, b.current, b.next); domain.ErrorFields(err)[b.field] == "" {
			t.Errorf("ChangePassword(%q, %q) = %v, want a message beside %s", b.current, b.next, err, b.field)
		}
	}
	if _, err := users.ChangePassword(ctx, domain.CommandMeta{}, id, otp, "a good new password"); err != nil {
		t.Fatal(err)
	}
	recs, _ := r.Store.ReadStream(ctx, domain.UserStream(id), 1)
	if len(recs) != 1 {
		t.Fatalf("%d events after one successful change, want 1 (failed tries append nothing)", len(recs))
	}
	m, _ := r.Registry.Decode(recs[0].Type, recs[0].Data)
	changed := m.(*eventsv1.PasswordChanged)
	if changed.OneTime || !verifies(changed.PasswordHash, "a good new password") {
		t.Errorf("stored %+v, want a chosen (not one-time) hash of the new password", changed)
	}
}

// A one-time password is replaced without typing it again, by the session
// that logged in against its hash; never by another hash, nor twice.
func TestChooseOwnPasswordReplacesOnlyTheOneTimePasswordLoggedInWith(t *testing.T) {
	r := newRunner(t)
	users := &domain.Users{Runner: r, IDs: domain.RandomIDs{}, Passwords: passwords.New()}
	ctx := context.Background()
	id, otp, _, err := users.CreateFirstAdmin(ctx, domain.CommandMeta{})
	if err != nil {
		t.Fatal(err)
	}
	oneTime, err := users.PasswordHash(ctx, id)
	if err != nil {
		t.Fatal(err)
	}
	for _, b := range []struct{ hash, next, field string }{
		{"another hash", "a good new password", "password"},
		{oneTime, "short", "password"},
		{oneTime, otp, "password"},
	} {
		if _, err := users.ChooseOwnPassword(ctx, domain.CommandMeta{}, id, b.hash, b.next); domain.ErrorFields(err)[b.field] == "" {
			t.Errorf("ChooseOwnPassword(%q, %q) = %v, want a message beside %s", b.hash, b.next, err, b.field)
		}
	}
	if _, err := users.ChooseOwnPassword(ctx, domain.CommandMeta{}, id, oneTime, "a good new password"); err != nil {
		t.Fatal(err)
	}
	if _, err := users.ChooseOwnPassword(ctx, domain.CommandMeta{}, id, oneTime, "a second new password"); domain.ErrorCode(err) != domain.EConflict {
		t.Errorf("a second replacement of the one-time password: %v, want a conflict", err)
	}
	recs, _ := r.Store.ReadStream(ctx, domain.UserStream(id), 1)
	if len(recs) != 1 {
		t.Fatalf("%d events after one replacement, want 1", len(recs))
	}
	m, _ := r.Registry.Decode(recs[0].Type, recs[0].Data)
	if changed := m.(*eventsv1.PasswordChanged); changed.OneTime || !verifies(changed.PasswordHash, "a good new password") {
		t.Errorf("stored %+v, want the chosen password", changed)
	}
}

func verifies(hash, plain string) bool {
	ok, err := passwords.New().Verify(hash, plain)
	return err == nil && ok
}
