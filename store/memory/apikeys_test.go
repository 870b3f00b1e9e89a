package memory_test

import (
	"context"
	"errors"
	"reflect"
	"testing"

	"github.com/google/uuid"

	"github.com/albatross-va/albatross/domain"
	"github.com/albatross-va/albatross/store/memory"
	"github.com/albatross-va/albatross/store/readmodel"
)

// The API key writes of batchQuerier (memory_test.go), each in its own Batch.

func (b batchQuerier) UpsertAPIKey(ctx context.Context, arg readmodel.UpsertAPIKeyParams) error {
	return b.in(ctx, func(q readmodel.Querier) error { return q.UpsertAPIKey(ctx, arg) })
}

func (b batchQuerier) RevokeAPIKey(ctx context.Context, arg readmodel.RevokeAPIKeyParams) error {
	return b.in(ctx, func(q readmodel.Querier) error { return q.RevokeAPIKey(ctx, arg) })
}

func (b batchQuerier) TouchAPIKeyLastUsed(ctx context.Context, arg readmodel.TouchAPIKeyLastUsedParams) error {
	return b.in(ctx, func(q readmodel.Querier) error { return q.TouchAPIKeyLastUsed(ctx, arg) })
}

func (b batchQuerier) DeleteAllAPIKeys(ctx context.Context) error {
	return b.in(ctx, func(q readmodel.Querier) error { return q.DeleteAllAPIKeys(ctx) })
}

// A failing batch undoes every API key change it made.
func TestBatchRollsBackAPIKeys(t *testing.T) {
	ctx := context.Background()
	m := memory.New()
	kept := readmodel.UpsertAPIKeyParams{ID: uuid.New(), UserID: uuid.New(), Name: "kept", Prefix: "alb_kept0000", Hash: "kept", CreatedAt: when}
	if err := m.UpsertAPIKey(ctx, kept); err != nil {
		t.Fatal(err)
	}
	before, _ := m.GetAPIKeyByHash(ctx, "kept")
	boom := errors.New("boom")
	ran, err := m.Batch(ctx, "api_keys", func(q readmodel.Querier) error {
		changed := kept
		changed.Hash = "changed"
		fresh := kept
		fresh.ID, fresh.Hash = uuid.New(), "fresh"
		for _, step := range []error{
			q.RevokeAPIKey(ctx, readmodel.RevokeAPIKeyParams{ID: kept.ID, RevokedAt: when}),
			q.TouchAPIKeyLastUsed(ctx, readmodel.TouchAPIKeyLastUsedParams{ID: kept.ID, UsedAt: when}),
			q.UpsertAPIKey(ctx, changed),
			q.DeleteAllAPIKeys(ctx),
			q.UpsertAPIKey(ctx, fresh),
		} {
			if step != nil {
				t.Fatalf("step in batch: %v", step)
			}
		}
		return boom
	})
	if !ran || !errors.Is(err, boom) {
		t.Fatalf("Batch = %v, %v; want ran and boom", ran, err)
	}
	after, err := m.GetAPIKeyByHash(ctx, "kept")
	if err != nil || !reflect.DeepEqual(after, before) {
		t.Errorf("key after a failed batch = %+v, %v; want %+v", after, err, before)
	}
	for _, gone := range []string{"changed", "fresh"} {
		if _, err := m.GetAPIKeyByHash(ctx, gone); domain.ErrorCode(err) != domain.ENotFound {
			t.Errorf("hash %q of a failed batch is visible: %v", gone, err)
		}
	}
}
