package reads

import (
	"context"
	"time"

	"github.com/google/uuid"

	"github.com/albatross-va/albatross/store/readmodel"
)

// The reads of API keys: a person's list of theirs, and the key a request
// presents.

// APIKey is an API key as stored: never the key itself, only its hash and
// the prefix that names it.
type APIKey struct {
	ID, UserID string
	TenantID   string // "" for a platform admin's
	Name       string
	Prefix     string
	CreatedAt  time.Time
	// LastUsedAt and RevokedAt are nil for a key never used, or not
	// revoked.
	LastUsedAt, RevokedAt *time.Time
}

func apiKey(k readmodel.APIKey) APIKey {
	return APIKey{ID: k.ID.String(), UserID: k.UserID.String(), TenantID: k.TenantID, Name: k.Name, Prefix: k.Prefix,
		CreatedAt: k.CreatedAt, LastUsedAt: k.LastUsedAt, RevokedAt: k.RevokedAt}
}

// APIKeysOf are a person's keys within their airline ("" for a platform
// admin), revoked ones too; an id that is not one has none.
func (q Querier) APIKeysOf(ctx context.Context, airlineID, userID string) ([]APIKey, error) {
	id, err := uuid.Parse(userID)
	if err != nil {
		return nil, nil
	}
	rows, err := q.ListAPIKeysByUser(ctx, readmodel.ListAPIKeysByUserParams{TenantID: airlineID, UserID: id})
	if err != nil {
		return nil, err
	}
	out := make([]APIKey, 0, len(rows))
	for _, k := range rows {
		out = append(out, apiKey(k))
	}
	return out, nil
}

// FindAPIKeyByHash reads the key with the hash (domain.HashAPIKey), revoked
// or not.
func (q Querier) FindAPIKeyByHash(ctx context.Context, hash string) (APIKey, error) {
	k, err := q.GetAPIKeyByHash(ctx, hash)
	if err != nil {
		return APIKey{}, err
	}
	return apiKey(k), nil
}

// RecordAPIKeyUse notes that a key was used at a time, for its owner's
// list; the read model writes only when the time it holds is more than a
// minute old. An id that is not one names no key.
func (q Querier) RecordAPIKeyUse(ctx context.Context, keyID string, at time.Time) error {
	id, err := uuid.Parse(keyID)
	if err != nil {
		return nil
	}
	return q.TouchAPIKeyLastUsed(ctx, readmodel.TouchAPIKeyLastUsedParams{ID: id, UsedAt: at})
}
