package domain_test

import (
	"bytes"
	"context"
	"strings"
	"testing"

	"google.golang.org/protobuf/proto"

	"github.com/albatross-va/albatross/domain"
	eventsv1 "github.com/albatross-va/albatross/domain/events/v1"
)

// newPilot appends a user of an airline, as the user commands will.
func newPilot(t *testing.T, r *domain.Runner, tenant string) string {
	t.Helper()
	id := domain.NewUUID()
	_, err := domain.Execute(context.Background(), r, domain.StreamRef{StreamID: domain.UserStream(id), TenantID: tenant},
		domain.CommandMeta{}, func() *domain.User { return &domain.User{} },
		func(*domain.User, int64) (domain.Decision, error) {
			return domain.Decision{Events: []proto.Message{&eventsv1.UserCreated{
				UserId: id, TenantId: tenant, Email: id + "@example.com", Name: "Pilot", Role: domain.RolePilot,
			}}}, nil
		})
	if err != nil {
		t.Fatal(err)
	}
	return id
}

// keyEvents returns the decoded events of a key's stream and their raw bytes.
func keyEvents(t *testing.T, r *domain.Runner, keyID string) ([]proto.Message, []domain.RecordedEvent) {
	t.Helper()
	recs, err := r.Store.ReadStream(context.Background(), domain.APIKeyStream(keyID), 0)
	if err != nil {
		t.Fatal(err)
	}
	out := make([]proto.Message, len(recs))
	for i, rec := range recs {
		if out[i], err = r.Registry.Decode(rec.Type, rec.Data); err != nil {
			t.Fatal(err)
		}
	}
	return out, recs
}

func TestCreateAPIKeyReturnsTheSecretOnceAndStoresOnlyItsHash(t *testing.T) {
	r := newRunner(t)
	keys := &domain.APIKeys{Runner: r, IDs: domain.RandomIDs{}}
	ctx := context.Background()
	tenant := domain.NewUUID()
	pilot := newPilot(t, r, tenant)

	k, res, err := keys.Create(ctx, domain.CommandMeta{ID: domain.NewUUID(), Actor: pilot}, pilot, domain.CreateAPIKey{Name: "  ACARS laptop "})
	if err != nil {
		t.Fatal(err)
	}
	if !domain.LooksLikeAPIKey(k.Key) || k.Prefix != k.Key[:domain.APIKeyPrefixLength] || k.Name != "ACARS laptop" {
		t.Errorf("created %+v: want a well-formed key, its prefix, and the trimmed name", k)
	}
	msgs, recs := keyEvents(t, r, k.ID)
	if len(recs) != 1 || recs[0].TenantID != tenant || res.StreamID != domain.APIKeyStream(k.ID) {
		t.Fatalf("key stream: %d events in tenant %q, want 1 in the pilot's tenant %q", len(recs), recs[0].TenantID, tenant)
	}
	for _, secret := range []string{k.Key, k.Key[len(domain.APIKeyTag):], k.Key[domain.APIKeyPrefixLength:]} {
		if bytes.Contains(recs[0].Data, []byte(secret)) {
			t.Errorf("the event bytes hold the secret %q", secret)
		}
	}
	created := msgs[0].(*eventsv1.ApiKeyCreated)
	if created.Hash != domain.HashAPIKey(k.Key) || created.UserId != pilot || created.TenantId != tenant ||
		created.Prefix != k.Prefix || created.KeyId != k.ID {
		t.Errorf("event %+v does not describe the key %+v of %s", created, k, pilot)
	}

	other, _, err := keys.Create(ctx, domain.CommandMeta{ID: domain.NewUUID()}, pilot, domain.CreateAPIKey{Name: "ACARS laptop"})
	if err != nil {
		t.Fatal(err)
	}
	if other.Key == k.Key || other.ID == k.ID {
		t.Errorf("two keys share a secret or an id")
	}
}

func TestCreateAPIKeyRules(t *testing.T) {
	r := newRunner(t)
	keys := &domain.APIKeys{Runner: r, IDs: domain.RandomIDs{}}
	pilot := newPilot(t, r, domain.NewUUID())
	for _, name := range []string{"", "   ", strings.Repeat("é", domain.MaxAPIKeyName+1)} {
		if _, _, err := keys.Create(context.Background(), domain.CommandMeta{}, pilot, domain.CreateAPIKey{Name: name}); domain.ErrorFields(err)["name"] == "" {
			t.Errorf("name %q: %v, want a message beside the name", name, err)
		}
	}
	if _, _, err := keys.Create(context.Background(), domain.CommandMeta{}, pilot, domain.CreateAPIKey{Name: strings.Repeat("é", domain.MaxAPIKeyName)}); err != nil {
		t.Errorf("a name of the longest length: %v", err)
	}
	if _, _, err := keys.Create(context.Background(), domain.CommandMeta{}, domain.NewUUID(), domain.CreateAPIKey{Name: "x"}); domain.ErrorCode(err) != domain.ENotFound {
		t.Errorf("a key for an unknown user: %v, want not found", err)
	}
}

// A double submit must not create a second key, nor pretend to: the first
// secret cannot be shown again.
func TestCreateAPIKeyWithARepeatedCommandIsAConflict(t *testing.T) {
	r := newRunner(t)
	keys := &domain.APIKeys{Runner: r, IDs: domain.RandomIDs{}}
	pilot := newPilot(t, r, domain.NewUUID())
	meta := domain.CommandMeta{ID: domain.NewUUID(), Actor: pilot}
	first, _, err := keys.Create(context.Background(), meta, pilot, domain.CreateAPIKey{Name: "Tablet"})
	if err != nil {
		t.Fatal(err)
	}
	again, _, err := keys.Create(context.Background(), meta, pilot, domain.CreateAPIKey{Name: "Tablet"})
	if domain.ErrorCode(err) != domain.EConflict || !strings.Contains(domain.ErrorMessage(err), "Tablet") || again.Key != "" {
		t.Errorf("repeated command: %+v, %v; want a conflict naming the first key and no secret", again, err)
	}
	if msgs, _ := keyEvents(t, r, first.ID); len(msgs) != 1 {
		t.Errorf("the first key's stream has %d events, want 1", len(msgs))
	}
}

func TestOnlyTheOwnerRevokesAKey(t *testing.T) {
	r := newRunner(t)
	keys := &domain.APIKeys{Runner: r, IDs: domain.RandomIDs{}}
	ctx := context.Background()
	tenant := domain.NewUUID()
	owner, colleague := newPilot(t, r, tenant), newPilot(t, r, tenant)
	k, _, err := keys.Create(ctx, domain.CommandMeta{}, owner, domain.CreateAPIKey{Name: "Tablet"})
	if err != nil {
		t.Fatal(err)
	}

	if _, err := keys.Revoke(ctx, domain.CommandMeta{Actor: colleague}, colleague, k.ID); domain.ErrorCode(err) != domain.ENotFound {
		t.Errorf("another user's revoke: %v, want not found", err)
	}
	if _, err := keys.Revoke(ctx, domain.CommandMeta{}, owner, domain.NewUUID()); domain.ErrorCode(err) != domain.ENotFound {
		t.Errorf("revoke of an unknown key: %v, want not found", err)
	}
	if msgs, _ := keyEvents(t, r, k.ID); len(msgs) != 1 {
		t.Fatalf("refused revokes appended: %d events", len(msgs))
	}

	if _, err := keys.Revoke(ctx, domain.CommandMeta{Actor: owner}, owner, k.ID); err != nil {
		t.Fatal(err)
	}
	msgs, recs := keyEvents(t, r, k.ID)
	if len(msgs) != 2 || recs[1].TenantID != tenant {
		t.Fatalf("after the owner's revoke: %d events, want 2 in the key's tenant", len(msgs))
	}
	if rev := msgs[1].(*eventsv1.ApiKeyRevoked); rev.KeyId != k.ID || rev.UserId != owner {
		t.Errorf("revoked event %+v", rev)
	}
	if _, err := keys.Revoke(ctx, domain.CommandMeta{}, owner, k.ID); err != nil {
		t.Errorf("revoking a revoked key: %v, want nothing to do", err)
	}
	if msgs, _ := keyEvents(t, r, k.ID); len(msgs) != 2 {
		t.Errorf("a second revoke appended: %d events", len(msgs))
	}
}

func TestAPIKeyShape(t *testing.T) {
	k := domain.NewAPIKeySecret()
	if len(k) != domain.APIKeyLength || !domain.LooksLikeAPIKey(k) {
		t.Fatalf("new key %q does not look like a key", k)
	}
	for _, bad := range []string{"", "alb_", k[:len(k)-1], k + "A", "xyz_" + k[4:], k[:10] + "!" + k[11:], k[:10] + "+" + k[11:]} {
		if domain.LooksLikeAPIKey(bad) {
			t.Errorf("%q passes as a key", bad)
		}
	}
	if h := domain.HashAPIKey(k); len(h) != 64 || h == domain.HashAPIKey(domain.NewAPIKeySecret()) {
		t.Errorf("hash %q is not a hex SHA-256 of the key alone", h)
	}
}
