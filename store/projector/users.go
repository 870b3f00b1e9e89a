package projector

import (
	"context"
	"errors"
	"fmt"

	"github.com/google/uuid"
	"github.com/jackc/pgx/v5"
	"google.golang.org/protobuf/proto"

	"github.com/albatross-va/albatross/domain"
	"github.com/albatross-va/albatross/domain/events"
	eventsv1 "github.com/albatross-va/albatross/domain/events/v1"
	"github.com/albatross-va/albatross/store/notify"
	"github.com/albatross-va/albatross/store/readmodel"
)

// TopicUsers is the notice topic of a tenant's users; platform admins are
// the tenant "".
const TopicUsers = "users"

// Users projects the user streams into the users table.
type Users struct{}

// Name implements Projection.
func (Users) Name() string { return "users" }

// Handles implements Projection.
func (Users) Handles(eventType string) bool {
	return eventType == events.TypeName(&eventsv1.UserCreated{}) || eventType == events.TypeName(&eventsv1.PasswordChanged{})
}

// Apply implements Projection.
func (Users) Apply(ctx context.Context, q readmodel.Querier, ev domain.RecordedEvent, msg proto.Message) ([]notify.Notice, error) {
	switch e := msg.(type) {
	case *eventsv1.UserCreated:
		id, err := uuid.Parse(e.UserId)
		if err != nil {
			return nil, fmt.Errorf("user id %q: %w", e.UserId, err)
		}
		at := e.CreatedAt.AsTime()
		err = q.UpsertUser(ctx, readmodel.UpsertUserParams{
			TenantID: e.TenantId, ID: id, Email: e.Email, Name: e.Name, Role: e.Role,
			PasswordHash: e.PasswordHash, MustChangePassword: e.MustChangePassword,
			CreatedAt: at, UpdatedAt: at,
		})
		if err != nil {
			return nil, fmt.Errorf("upsert user %s: %w", id, err)
		}
		return []notify.Notice{{TenantID: e.TenantId, Topic: TopicUsers, IDs: []string{id.String()}, Position: ev.Position.String()}}, nil

	case *eventsv1.PasswordChanged:
		id, err := uuid.Parse(e.UserId)
		if err != nil {
			return nil, fmt.Errorf("user id %q: %w", e.UserId, err)
		}
		// The event does not carry the tenant the notice goes to; the row
		// does. Read in the batch, it sees the batch's own writes.
		u, err := q.GetUser(ctx, id)
		if errors.Is(err, pgx.ErrNoRows) {
			// A user's stream starts with UserCreated, so this cannot happen;
			// the UPDATE would change nothing anyway, and stopping the
			// projection here would stop every login.
			return nil, nil
		}
		if err != nil {
			return nil, fmt.Errorf("get user %s: %w", id, err)
		}
		err = q.SetUserPassword(ctx, readmodel.SetUserPasswordParams{
			ID: id, PasswordHash: e.PasswordHash, MustChangePassword: e.OneTime,
			UpdatedAt: e.ChangedAt.AsTime(),
		})
		if err != nil {
			return nil, fmt.Errorf("set password of user %s: %w", id, err)
		}
		return []notify.Notice{{TenantID: u.TenantID, Topic: TopicUsers, IDs: []string{id.String()}, Position: ev.Position.String()}}, nil
	}
	return nil, nil
}

// Reset implements Projection.
func (Users) Reset(ctx context.Context, q readmodel.Querier) error {
	return q.DeleteAllUsers(ctx)
}
