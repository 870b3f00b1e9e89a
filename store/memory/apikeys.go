package memory

import (
	"bytes"
	"context"
	"slices"
	"time"

	"github.com/google/uuid"

	"github.com/albatross-va/albatross/store/readmodel"
)

// The api_keys read model (queries/apikeys.sql) in memory. Its nullable
// columns are pointers: rows go in and out as copies with pointers of their
// own, so no caller can change a stored row through one.

// DeleteAllApiKeys implements readmodel.Querier.
func (m *ReadModels) DeleteAllApiKeys(ctx context.Context) error {
	return m.write(func(t *tx) error { return t.DeleteAllApiKeys(ctx) })
}

// GetApiKey implements readmodel.Querier.
func (m *ReadModels) GetApiKey(ctx context.Context, id uuid.UUID) (readmodel.ApiKey, error) {
	m.mu.RLock()
	defer m.mu.RUnlock()
	return m.st.getApiKey(ctx, id)
}

// GetApiKeyByHash implements readmodel.Querier.
func (m *ReadModels) GetApiKeyByHash(ctx context.Context, hash string) (readmodel.ApiKey, error) {
	m.mu.RLock()
	defer m.mu.RUnlock()
	return m.st.getApiKeyByHash(ctx, hash)
}

// ListApiKeysByUser implements readmodel.Querier.
func (m *ReadModels) ListApiKeysByUser(ctx context.Context, arg readmodel.ListApiKeysByUserParams) ([]readmodel.ApiKey, error) {
	m.mu.RLock()
	defer m.mu.RUnlock()
	return m.st.listApiKeysByUser(ctx, arg)
}

// RevokeApiKey implements readmodel.Querier.
func (m *ReadModels) RevokeApiKey(ctx context.Context, arg readmodel.RevokeApiKeyParams) error {
	return m.write(func(t *tx) error { return t.RevokeApiKey(ctx, arg) })
}

// TouchApiKeyLastUsed implements readmodel.Querier.
func (m *ReadModels) TouchApiKeyLastUsed(ctx context.Context, arg readmodel.TouchApiKeyLastUsedParams) error {
	return m.write(func(t *tx) error { return t.TouchApiKeyLastUsed(ctx, arg) })
}

// UpsertApiKey implements readmodel.Querier.
func (m *ReadModels) UpsertApiKey(ctx context.Context, arg readmodel.UpsertApiKeyParams) error {
	return m.write(func(t *tx) error { return t.UpsertApiKey(ctx, arg) })
}

func (s *state) getApiKey(ctx context.Context, id uuid.UUID) (readmodel.ApiKey, error) {
	if err := ctx.Err(); err != nil {
		return readmodel.ApiKey{}, err
	}
	k, ok := s.apiKeys[id]
	if !ok {
		return readmodel.ApiKey{}, readmodel.NotFound("GetApiKey")
	}
	return copyApiKey(k), nil
}

func (s *state) getApiKeyByHash(ctx context.Context, hash string) (readmodel.ApiKey, error) {
	if err := ctx.Err(); err != nil {
		return readmodel.ApiKey{}, err
	}
	id, ok := s.apiKeyHashes[hash]
	if !ok {
		return readmodel.ApiKey{}, readmodel.NotFound("GetApiKeyByHash")
	}
	return copyApiKey(s.apiKeys[id]), nil
}

// listApiKeysByUser orders like ORDER BY created_at DESC, id: newest first,
// ties by the uuid's bytes. Like the sqlc code it returns nil when there
// are no rows.
func (s *state) listApiKeysByUser(ctx context.Context, arg readmodel.ListApiKeysByUserParams) ([]readmodel.ApiKey, error) {
	if err := ctx.Err(); err != nil {
		return nil, err
	}
	var out []readmodel.ApiKey
	for _, k := range s.apiKeys {
		if k.TenantID == arg.TenantID && k.UserID == arg.UserID {
			out = append(out, copyApiKey(k))
		}
	}
	slices.SortFunc(out, func(a, b readmodel.ApiKey) int {
		if c := b.CreatedAt.Compare(a.CreatedAt); c != 0 {
			return c
		}
		return bytes.Compare(a.ID[:], b.ID[:])
	})
	return out, nil
}

func (t *tx) DeleteAllApiKeys(ctx context.Context) error {
	if err := t.check(ctx); err != nil {
		return err
	}
	old, oldHashes := t.st.apiKeys, t.st.apiKeyHashes
	t.st.apiKeys, t.st.apiKeyHashes = map[uuid.UUID]readmodel.ApiKey{}, map[string]uuid.UUID{}
	t.undo = append(t.undo, func() { t.st.apiKeys, t.st.apiKeyHashes = old, oldHashes })
	return nil
}

func (t *tx) GetApiKey(ctx context.Context, id uuid.UUID) (readmodel.ApiKey, error) {
	if err := t.check(ctx); err != nil {
		return readmodel.ApiKey{}, err
	}
	return t.st.getApiKey(ctx, id)
}

func (t *tx) GetApiKeyByHash(ctx context.Context, hash string) (readmodel.ApiKey, error) {
	if err := t.check(ctx); err != nil {
		return readmodel.ApiKey{}, err
	}
	return t.st.getApiKeyByHash(ctx, hash)
}

func (t *tx) ListApiKeysByUser(ctx context.Context, arg readmodel.ListApiKeysByUserParams) ([]readmodel.ApiKey, error) {
	if err := t.check(ctx); err != nil {
		return nil, err
	}
	return t.st.listApiKeysByUser(ctx, arg)
}

// UpsertApiKey inserts or replaces the row with arg.ID, not revoked and
// with the last-used time it had. Like the unique index api_keys_hash, it
// refuses a hash another key holds.
func (t *tx) UpsertApiKey(ctx context.Context, arg readmodel.UpsertApiKeyParams) error {
	if err := t.check(ctx); err != nil {
		return err
	}
	if holder, ok := t.st.apiKeyHashes[arg.Hash]; ok && holder != arg.ID {
		return t.fail(readmodel.UniqueViolation("api_keys_hash"))
	}
	old, existed := t.st.apiKeys[arg.ID]
	if existed {
		delete(t.st.apiKeyHashes, old.Hash)
	}
	t.st.apiKeys[arg.ID] = readmodel.ApiKey{
		TenantID: arg.TenantID, ID: arg.ID, UserID: arg.UserID, Name: arg.Name, Prefix: arg.Prefix,
		Hash: arg.Hash, CreatedAt: timestamptz(arg.CreatedAt), LastUsedAt: copyTime(old.LastUsedAt),
	}
	t.st.apiKeyHashes[arg.Hash] = arg.ID
	t.undo = append(t.undo, func() {
		delete(t.st.apiKeyHashes, arg.Hash)
		if existed {
			t.st.apiKeys[arg.ID] = old
			t.st.apiKeyHashes[old.Hash] = arg.ID
		} else {
			delete(t.st.apiKeys, arg.ID)
		}
	})
	return nil
}

// RevokeApiKey sets revoked_at on a key not revoked yet; like an UPDATE
// that matches no row, it does nothing otherwise.
func (t *tx) RevokeApiKey(ctx context.Context, arg readmodel.RevokeApiKeyParams) error {
	if err := t.check(ctx); err != nil {
		return err
	}
	old, ok := t.st.apiKeys[arg.ID]
	if !ok || old.RevokedAt != nil {
		return nil
	}
	t.updateApiKey(old, func(k *readmodel.ApiKey) { k.RevokedAt = timestamptzPtr(arg.RevokedAt) })
	return nil
}

// TouchApiKeyLastUsed sets last_used_at when it is empty or more than a
// minute before arg.UsedAt, compared at the microsecond, as PostgreSQL
// compares timestamptz values.
func (t *tx) TouchApiKeyLastUsed(ctx context.Context, arg readmodel.TouchApiKeyLastUsedParams) error {
	if err := t.check(ctx); err != nil {
		return err
	}
	old, ok := t.st.apiKeys[arg.ID]
	used := timestamptz(arg.UsedAt)
	if !ok || (old.LastUsedAt != nil && !old.LastUsedAt.Before(used.Add(-time.Minute))) {
		return nil
	}
	t.updateApiKey(old, func(k *readmodel.ApiKey) { k.LastUsedAt = &used })
	return nil
}

// updateApiKey replaces an existing key's row by a changed copy; the hash,
// and so its index entry, stays.
func (t *tx) updateApiKey(old readmodel.ApiKey, change func(k *readmodel.ApiKey)) {
	k := copyApiKey(old)
	change(&k)
	t.st.apiKeys[k.ID] = k
	t.undo = append(t.undo, func() { t.st.apiKeys[old.ID] = old })
}

// copyApiKey returns k with pointers of its own.
func copyApiKey(k readmodel.ApiKey) readmodel.ApiKey {
	k.RevokedAt, k.LastUsedAt = copyTime(k.RevokedAt), copyTime(k.LastUsedAt)
	return k
}

func copyTime(t *time.Time) *time.Time {
	if t == nil {
		return nil
	}
	c := *t
	return &c
}

// timestamptzPtr is timestamptz for a nullable column.
func timestamptzPtr(t time.Time) *time.Time {
	c := timestamptz(t)
	return &c
}
