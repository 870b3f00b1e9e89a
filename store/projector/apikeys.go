package projector

import (
	"context"
	"fmt"

	"github.com/google/uuid"
	"google.golang.org/protobuf/proto"

	"github.com/albatross-va/albatross/domain"
	"github.com/albatross-va/albatross/domain/events"
	eventsv1 "github.com/albatross-va/albatross/domain/events/v1"
	"github.com/albatross-va/albatross/domain/live"
	"github.com/albatross-va/albatross/store/notify"
	"github.com/albatross-va/albatross/store/readmodel"
)

// TopicAPIKeys is the notice topic of API keys. Besides pages, the API key
// caches of every process listen to it and forget the keys it names, which
// is how a revoke reaches them.
const TopicAPIKeys = live.TopicAPIKeys

// APIKeys projects the API key streams into the api_keys table. It never
// writes last_used_at, which the API updates in place.
type APIKeys struct{}

// Name implements Projection.
func (APIKeys) Name() string { return "api_keys" }

// Handles implements Projection.
func (APIKeys) Handles(eventType string) bool {
	return eventType == events.TypeName(&eventsv1.ApiKeyCreated{}) || eventType == events.TypeName(&eventsv1.ApiKeyRevoked{})
}

// Apply implements Projection. The notice goes to the key's tenant, which
// the domain appends every event of a key under.
func (APIKeys) Apply(ctx context.Context, q readmodel.Querier, ev domain.RecordedEvent, msg proto.Message) ([]notify.Notice, error) {
	var id uuid.UUID
	switch e := msg.(type) {
	case *eventsv1.ApiKeyCreated:
		var err error
		if id, err = uuid.Parse(e.KeyId); err != nil {
			return nil, fmt.Errorf("api key id %q: %w", e.KeyId, err)
		}
		userID, err := uuid.Parse(e.UserId)
		if err != nil {
			return nil, fmt.Errorf("api key %s: user id %q: %w", id, e.UserId, err)
		}
		err = q.UpsertAPIKey(ctx, readmodel.UpsertAPIKeyParams{
			TenantID: e.TenantId, ID: id, UserID: userID, Name: e.Name, Prefix: e.Prefix, Hash: e.Hash,
			CreatedAt: e.CreatedAt.AsTime(),
		})
		if err != nil {
			return nil, fmt.Errorf("upsert api key %s: %w", id, err)
		}

	case *eventsv1.ApiKeyRevoked:
		var err error
		if id, err = uuid.Parse(e.KeyId); err != nil {
			return nil, fmt.Errorf("api key id %q: %w", e.KeyId, err)
		}
		if err := q.RevokeAPIKey(ctx, readmodel.RevokeAPIKeyParams{ID: id, RevokedAt: e.RevokedAt.AsTime()}); err != nil {
			return nil, fmt.Errorf("revoke api key %s: %w", id, err)
		}

	default:
		return nil, nil
	}
	return []notify.Notice{{TenantID: ev.TenantID, Topic: TopicAPIKeys, IDs: []string{id.String()}, Position: ev.Position.String()}}, nil
}

// Reset implements Projection. The last-used times go with the rows: they
// are not in the log, so a rebuild cannot bring them back.
func (APIKeys) Reset(ctx context.Context, q readmodel.Querier) error {
	return q.DeleteAllAPIKeys(ctx)
}
