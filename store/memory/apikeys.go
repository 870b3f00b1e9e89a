package memory

import (
	"bytes"
	"context"
	"time"

	"github.com/google/uuid"

	"github.com/albatross-va/albatross/store/readmodel"
)

// The api_keys read model (queries/apikeys.sql) in memory. Its nullable
// columns are pointers: rows go in and out as copies with pointers of their
// own, so no caller can change a stored row through one.

// DeleteAllAPIKeys implements readmodel.Querier.
func (m *ReadModels) DeleteAllAPIKeys(ctx context.Context) error {
	return m.write(func(t *tx) error { return t.DeleteAllAPIKeys(ctx) })
}

// GetAPIKey implements readmodel.Querier.
func (m *ReadModels) GetAPIKey(ctx context.Context, id uuid.UUID) (readmodel.APIKey, error) {
	m.mu.RLock()
	defer m.mu.RUnlock()
	return m.st.getAPIKey(ctx, id)
}

// GetAPIKeyByHash implements readmodel.Querier.
func (m *ReadModels) GetAPIKeyByHash(ctx context.Context, hash string) (readmodel.APIKey, error) {
	m.mu.RLock()
	defer m.mu.RUnlock()
	return m.st.getAPIKeyByHash(ctx, hash)
}

// ListAPIKeysByUser implements readmodel.Querier.
func (m *ReadModels) ListAPIKeysByUser(ctx context.Context, arg readmodel.ListAPIKeysByUserParams) ([]readmodel.APIKey, error) {
	m.mu.RLock()
	defer m.mu.RUnlock()
	return m.st.listAPIKeysByUser(ctx, arg)
}

// RevokeAPIKey implements readmodel.Querier.
func (m *ReadModels) RevokeAPIKey(ctx context.Context, arg readmodel.RevokeAPIKeyParams) error {
	return m.write(func(t *tx) error { return t.RevokeAPIKey(ctx, arg) })
}

// TouchAPIKeyLastUsed implements readmodel.Querier.
func (m *ReadModels) TouchAPIKeyLastUsed(ctx context.Context, arg readmodel.TouchAPIKeyLastUsedParams) error {
	return m.write(func(t *tx) error { return t.TouchAPIKeyLastUsed(ctx, arg) })
}

// UpsertAPIKey implements readmodel.Querier.
func (m *ReadModels) UpsertAPIKey(ctx context.Context, arg readmodel.UpsertAPIKeyParams) error {
	return m.write(func(t *tx) error { return t.UpsertAPIKey(ctx, arg) })
}

func (s *state) getAPIKey(ctx context.Context, id uuid.UUID) (readmodel.APIKey, error) {
	if err := ctx.Err(); err != nil {
		return readmodel.APIKey{}, err
	}
	k, ok := s.apiKeys[id]
	if !ok {
		return readmodel.APIKey{}, readmodel.NotFound("GetAPIKey")
	}
	return copyAPIKey(k), nil
}

func (s *state) getAPIKeyByHash(ctx context.Context, hash string) (readmodel.APIKey, error) {
	if err := ctx.Err(); err != nil {
		return readmodel.APIKey{}, err
	}
	id, ok := s.apiKeyHashes[hash]
	if !ok {
		return readmodel.APIKey{}, readmodel.NotFound("GetAPIKeyByHash")
	}
	return copyAPIKey(s.apiKeys[id]), nil
}

// listAPIKeysByUser orders like ORDER BY created_at DESC, id: newest first,
// ties by the uuid's bytes. Like the sqlc code it returns nil when there
// are no rows.
func (s *state) listAPIKeysByUser(ctx context.Context, arg readmodel.ListAPIKeysByUserParams) ([]readmodel.APIKey, error) {
	if err := ctx.Err(); err != nil {
		return nil, err
	}
	return s.keysByUser.list(s, rowKey{arg.TenantID, arg.UserID}, copyAPIKey), nil
}

// newestKeyFirst is ListAPIKeysByUser's ORDER BY created_at DESC, id.
func newestKeyFirst(a, b *readmodel.APIKey) bool {
	if c := b.CreatedAt.Compare(a.CreatedAt); c != 0 {
		return c < 0
	}
	return bytes.Compare(a.ID[:], b.ID[:]) < 0
}

// putAPIKey stores the row and keeps keysByUser, by (tenant, user); every
// write of s.apiKeys goes through it and dropAPIKey. The caller keeps the
// hashes.
func (s *state) putAPIKey(k readmodel.APIKey) {
	s.dropAPIKey(k.ID)
	s.apiKeys[k.ID] = k
	s.keysByUser.put(rowKey{k.TenantID, k.UserID}, k)
}

func (s *state) dropAPIKey(id uuid.UUID) {
	if old, ok := s.apiKeys[id]; ok {
		s.keysByUser.remove(rowKey{old.TenantID, old.UserID}, old)
		delete(s.apiKeys, id)
	}
}

func (t *tx) DeleteAllAPIKeys(ctx context.Context) error {
	if err := t.check(ctx); err != nil {
		return err
	}
	old, oldHashes, oldOrder := t.st.apiKeys, t.st.apiKeyHashes, t.st.keysByUser
	t.st.apiKeys, t.st.apiKeyHashes, t.st.keysByUser = map[uuid.UUID]readmodel.APIKey{}, map[string]uuid.UUID{}, oldOrder.empty()
	t.undo = append(t.undo, func() { t.st.apiKeys, t.st.apiKeyHashes, t.st.keysByUser = old, oldHashes, oldOrder })
	return nil
}

func (t *tx) GetAPIKey(ctx context.Context, id uuid.UUID) (readmodel.APIKey, error) {
	if err := t.check(ctx); err != nil {
		return readmodel.APIKey{}, err
	}
	return t.st.getAPIKey(ctx, id)
}

func (t *tx) GetAPIKeyByHash(ctx context.Context, hash string) (readmodel.APIKey, error) {
	if err := t.check(ctx); err != nil {
		return readmodel.APIKey{}, err
	}
	return t.st.getAPIKeyByHash(ctx, hash)
}

func (t *tx) ListAPIKeysByUser(ctx context.Context, arg readmodel.ListAPIKeysByUserParams) ([]readmodel.APIKey, error) {
	if err := t.check(ctx); err != nil {
		return nil, err
	}
	return t.st.listAPIKeysByUser(ctx, arg)
}

// UpsertAPIKey inserts or replaces the row with arg.ID, not revoked and
// with the last-used time it had. Like the unique index api_keys_hash, it
// refuses a hash another key holds.
func (t *tx) UpsertAPIKey(ctx context.Context, arg readmodel.UpsertAPIKeyParams) error {
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
	t.st.putAPIKey(readmodel.APIKey{
		TenantID: arg.TenantID, ID: arg.ID, UserID: arg.UserID, Name: arg.Name, Prefix: arg.Prefix,
		Hash: arg.Hash, CreatedAt: timestamptz(arg.CreatedAt), LastUsedAt: copyTime(old.LastUsedAt),
	})
	t.st.apiKeyHashes[arg.Hash] = arg.ID
	t.undo = append(t.undo, func() {
		delete(t.st.apiKeyHashes, arg.Hash)
		if existed {
			t.st.putAPIKey(old)
			t.st.apiKeyHashes[old.Hash] = arg.ID
		} else {
			t.st.dropAPIKey(arg.ID)
		}
	})
	return nil
}

// RevokeAPIKey sets revoked_at on a key not revoked yet; like an UPDATE
// that matches no row, it does nothing otherwise.
func (t *tx) RevokeAPIKey(ctx context.Context, arg readmodel.RevokeAPIKeyParams) error {
	if err := t.check(ctx); err != nil {
		return err
	}
	old, ok := t.st.apiKeys[arg.ID]
	if !ok || old.RevokedAt != nil {
		return nil
	}
	t.updateAPIKey(old, func(k *readmodel.APIKey) { k.RevokedAt = timestamptzPtr(arg.RevokedAt) })
	return nil
}

// TouchAPIKeyLastUsed sets last_used_at when it is empty or more than a
// minute before arg.UsedAt, compared at the microsecond, as PostgreSQL
// compares timestamptz values.
func (t *tx) TouchAPIKeyLastUsed(ctx context.Context, arg readmodel.TouchAPIKeyLastUsedParams) error {
	if err := t.check(ctx); err != nil {
		return err
	}
	old, ok := t.st.apiKeys[arg.ID]
	used := timestamptz(arg.UsedAt)
	if !ok || (old.LastUsedAt != nil && !old.LastUsedAt.Before(used.Add(-time.Minute))) {
		return nil
	}
	t.updateAPIKey(old, func(k *readmodel.APIKey) { k.LastUsedAt = &used })
	return nil
}

// updateAPIKey replaces an existing key's row by a changed copy; the hash,
// and so its index entry, stays.
func (t *tx) updateAPIKey(old readmodel.APIKey, change func(k *readmodel.APIKey)) {
	k := copyAPIKey(old)
	change(&k)
	t.st.putAPIKey(k)
	t.undo = append(t.undo, func() { t.st.putAPIKey(old) })
}

// copyAPIKey returns k with pointers of its own.
func copyAPIKey(k readmodel.APIKey) readmodel.APIKey {
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
