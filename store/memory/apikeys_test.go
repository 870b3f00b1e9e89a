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

func (b batchQuerier) UpsertApiKey(ctx context.Context, arg readmodel.UpsertApiKeyParams) error {
	return b.in(ctx, func(q readmodel.Querier) error { return q.UpsertApiKey(ctx, arg) })
}

func (b batchQuerier) RevokeApiKey(ctx context.Context, arg readmodel.RevokeApiKeyParams) error {
	return b.in(ctx, func(q readmodel.Querier) error { return q.RevokeApiKey(ctx, arg) })
}

func (b batchQuerier) TouchApiKeyLastUsed(ctx context.Context, arg readmodel.TouchApiKeyLastUsedParams) error {
	return b.in(ctx, func(q readmodel.Querier) error { return q.TouchApiKeyLastUsed(ctx, arg) })
}

func (b batchQuerier) DeleteAllApiKeys(ctx context.Context) error {
	return b.in(ctx, func(q readmodel.Querier) error { return q.DeleteAllApiKeys(ctx) })
}

// A failing batch undoes every API key change it made.
func TestBatchRollsBackApiKeys(t *testing.T) {
	ctx := context.Background()
	m := memory.New()
	kept := readmodel.UpsertApiKeyParams{ID: uuid.New(), UserID: uuid.New(), Name: "kept", Prefix: "alb_kept0000", Hash: "kept", CreatedAt: when}
	if err := m.UpsertApiKey(ctx, kept); err != nil {
		t.Fatal(err)
	}
	before, _ := m.GetApiKeyByHash(ctx, "kept")
	boom := errors.New("boom")
	ran, err := m.Batch(ctx, "api_keys", func(q readmodel.Querier) error {
		changed := kept
		changed.Hash = "changed"
		fresh := kept
		fresh.ID, fresh.Hash = uuid.New(), "fresh"
		for _, step := range []error{
			q.RevokeApiKey(ctx, readmodel.RevokeApiKeyParams{ID: kept.ID, RevokedAt: when}),
			q.TouchApiKeyLastUsed(ctx, readmodel.TouchApiKeyLastUsedParams{ID: kept.ID, UsedAt: when}),
			q.UpsertApiKey(ctx, changed),
			q.DeleteAllApiKeys(ctx),
			q.UpsertApiKey(ctx, fresh),
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
	after, err := m.GetApiKeyByHash(ctx, "kept")
	if err != nil || !reflect.DeepEqual(after, before) {
		t.Errorf("key after a failed batch = %+v, %v; want %+v", after, err, before)
	}
	for _, gone := range []string{"changed", "fresh"} {
		if _, err := m.GetApiKeyByHash(ctx, gone); domain.ErrorCode(err) != domain.ENotFound {
			t.Errorf("hash %q of a failed batch is visible: %v", gone, err)
		}
	}
}
