package projector_test

import (
	"context"
	"reflect"
	"strings"
	"testing"
	"time"

	"github.com/google/uuid"
	"google.golang.org/protobuf/types/known/timestamppb"

	"github.com/albatross-va/albatross/domain"
	eventsv1 "github.com/albatross-va/albatross/domain/events/v1"
	"github.com/albatross-va/albatross/store/notify"
	"github.com/albatross-va/albatross/store/projector"
	"github.com/albatross-va/albatross/store/readmodel"
)

// keysOf lists a user's keys from the read model.
func keysOf(t *testing.T, q readmodel.Querier, tenant, userID string) []readmodel.APIKey {
	t.Helper()
	got, err := q.ListAPIKeysByUser(context.Background(), readmodel.ListAPIKeysByUserParams{TenantID: tenant, UserID: uuid.MustParse(userID)})
	if err != nil {
		t.Fatalf("ListAPIKeysByUser: %v", err)
	}
	return got
}

// Keys created and revoked through the domain reach the read model, by
// hash and in their owner's list, without their secret; each event gives a
// notice on the key's tenant; and a rebuild gives the same rows, except the
// last-used times, which are not in the log.
func TestAPIKeysProjection(t *testing.T) {
	forEachEnv(t, func(t *testing.T, e env) {
		ctx, cancel := context.WithTimeout(context.Background(), 60*time.Second)
		defer cancel()
		tenant, owner, colleague := uuid.NewString(), uuid.NewString(), uuid.NewString()
		for _, u := range []string{owner, colleague} {
			appendUserEvent(t, e.es, u, tenant, domain.NoStream, &eventsv1.UserCreated{
				UserId: u, TenantId: tenant, Email: u + "@example.com", Name: "Pilot", Role: domain.RolePilot,
				CreatedAt: timestamppb.New(userEpoch),
			})
		}
		keys := &domain.APIKeys{Runner: &domain.Runner{Store: e.es, Registry: reg}, IDs: domain.RandomIDs{}}
		var created []domain.NewAPIKey
		for _, k := range []struct{ user, name string }{{owner, "Laptop"}, {owner, "Tablet"}, {colleague, "Desk"}} {
			nk, _, err := keys.Create(ctx, domain.CommandMeta{ID: uuid.NewString()}, k.user, domain.CreateAPIKey{Name: k.name})
			if err != nil {
				t.Fatal(err)
			}
			created = append(created, nk)
		}
		res, err := keys.Revoke(ctx, domain.CommandMeta{}, owner, created[0].ID)
		if err != nil {
			t.Fatal(err)
		}
		waitVisible(t, e.es, res.Position)

		n := notify.NewLocal()
		defer n.Close()
		sub, err := n.Subscribe(ctx)
		if err != nil {
			t.Fatal(err)
		}
		p := projector.New(e.es, e.backend, reg, n, nil, projector.APIKeys{})
		p.BatchSize = 2
		if err := p.CatchUp(ctx); err != nil {
			t.Fatalf("CatchUp: %v", err)
		}

		rows := keysOf(t, e.backend.Reader(), tenant, owner)
		if len(rows) != 2 || rows[0].ID.String() != created[1].ID || rows[1].ID.String() != created[0].ID {
			t.Fatalf("owner's keys = %+v, want Tablet then Laptop", rows)
		}
		if rows[0].RevokedAt != nil || rows[1].RevokedAt == nil {
			t.Errorf("revocations: Tablet %v, Laptop %v; want only Laptop revoked", rows[0].RevokedAt, rows[1].RevokedAt)
		}
		for i, nk := range created {
			row, err := e.backend.Reader().GetAPIKeyByHash(ctx, domain.HashAPIKey(nk.Key))
			if err != nil || row.ID.String() != nk.ID || row.Name != nk.Name || row.Prefix != nk.Prefix || row.TenantID != tenant {
				t.Errorf("key %d by its hash: %+v, %v; want %+v in tenant %s", i, row, err, nk, tenant)
			}
			if strings.Contains(row.Name+row.Prefix+row.Hash+row.TenantID, nk.Key[domain.APIKeyPrefixLength:]) {
				t.Errorf("key %d: the read model holds the secret", i)
			}
		}
		if got := keysOf(t, e.backend.Reader(), uuid.NewString(), owner); len(got) != 0 {
			t.Errorf("the owner's keys are listed under another tenant: %d", len(got))
		}

		want := map[string]int{created[0].ID: 2, created[1].ID: 1, created[2].ID: 1}
		got := map[string]int{}
		for i := 0; i < 4; i++ {
			select {
			case no := <-sub:
				if no.Topic != projector.TopicAPIKeys || no.TenantID != tenant || len(no.IDs) != 1 {
					t.Fatalf("notice %+v, want topic %s on tenant %s with one id", no, projector.TopicAPIKeys, tenant)
				}
				got[no.IDs[0]]++
			case <-ctx.Done():
				t.Fatalf("got %d notices, want 4", i)
			}
		}
		if !reflect.DeepEqual(got, want) {
			t.Errorf("notices per key = %v, want %v", got, want)
		}

		incremental := keysOf(t, e.backend.Reader(), tenant, owner)
		used := time.Date(2026, 11, 29, 8, 0, 0, 0, time.UTC)
		if err := e.backend.Reader().TouchAPIKeyLastUsed(ctx, readmodel.TouchAPIKeyLastUsedParams{ID: rows[0].ID, UsedAt: used}); err != nil {
			t.Fatal(err)
		}
		if got := keysOf(t, e.backend.Reader(), tenant, owner); got[0].LastUsedAt == nil || !got[0].LastUsedAt.Equal(used) {
			t.Fatalf("last used after a touch: %v", got[0].LastUsedAt)
		}
		if err := p.Rebuild(ctx, "api_keys"); err != nil {
			t.Fatalf("Rebuild: %v", err)
		}
		if got := keysOf(t, e.backend.Reader(), tenant, owner); !reflect.DeepEqual(got, incremental) {
			t.Errorf("after a rebuild:\n got %+v\nwant %+v (the incremental rows, without the last-used time)", got, incremental)
		}
	})
}
