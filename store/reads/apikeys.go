package reads

import (
	"context"

	"github.com/albatross-va/albatross/store/readmodel"
)

// GetApiKeyByHash finds an API key, revoked or not, by the hash of the key.
func (q Querier) GetApiKeyByHash(ctx context.Context, hash string) (readmodel.ApiKey, error) {
	k, err := q.Querier.GetApiKeyByHash(ctx, hash)
	return k, notFound(err, "The API key")
}
