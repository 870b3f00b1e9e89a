package reads

import (
	"context"

	"github.com/google/uuid"

	"github.com/albatross-va/albatross/store/readmodel"
)

// GetApiKey finds an API key, revoked or not, by id.
func (q Querier) GetApiKey(ctx context.Context, id uuid.UUID) (readmodel.ApiKey, error) {
	k, err := q.Querier.GetApiKey(ctx, id)
	return k, notFound(err, "The API key")
}

// GetApiKeyByHash finds an API key, revoked or not, by the hash of the key.
func (q Querier) GetApiKeyByHash(ctx context.Context, hash string) (readmodel.ApiKey, error) {
	k, err := q.Querier.GetApiKeyByHash(ctx, hash)
	return k, notFound(err, "The API key")
}
