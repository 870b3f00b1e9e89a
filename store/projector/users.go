package projector

import (
	"context"
	"fmt"
	"time"

	"github.com/google/uuid"
	"google.golang.org/protobuf/proto"

	"github.com/albatross-va/albatross/domain"
	"github.com/albatross-va/albatross/domain/events"
	eventsv1 "github.com/albatross-va/albatross/domain/events/v1"
	"github.com/albatross-va/albatross/domain/live"
	"github.com/albatross-va/albatross/store/notify"
	"github.com/albatross-va/albatross/store/readmodel"
)

// TopicUsers is the notice topic of a tenant's users; platform admins are
// the tenant "".
const TopicUsers = live.TopicUsers

// Users projects the user streams into the users table.
type Users struct{}

// Name implements Projection.
func (Users) Name() string { return "users" }

// Handles implements Projection.
func (Users) Handles(eventType string) bool { return userEvents[eventType] }

// userEvents are the events of a person's stream.
var userEvents = typeSet(&eventsv1.UserCreated{}, &eventsv1.PilotRegistered{}, &eventsv1.PasswordChanged{},
	&eventsv1.PilotApproved{}, &eventsv1.RegistrationRejected{}, &eventsv1.UserSuspended{}, &eventsv1.UserReactivated{},
	&eventsv1.RoleChanged{})

// typeSet returns the stored type names of messages, for Handles.
func typeSet(msgs ...proto.Message) map[string]bool {
	out := make(map[string]bool, len(msgs))
	for _, m := range msgs {
		out[events.TypeName(m)] = true
	}
	return out
}

// Apply implements Projection.
func (Users) Apply(ctx context.Context, q readmodel.Querier, ev domain.RecordedEvent, msg proto.Message) ([]notify.Notice, error) {
	var id string
	var row func() (readmodel.UpsertUserParams, error)
	switch e := msg.(type) {
	case *eventsv1.UserCreated:
		at := e.CreatedAt.AsTime()
		id, row = e.UserId, func() (readmodel.UpsertUserParams, error) {
			return readmodel.UpsertUserParams{
				TenantID: e.TenantId, Email: e.Email, Name: e.Name, Role: e.Role,
				PasswordHash: e.PasswordHash, MustChangePassword: e.MustChangePassword,
				CreatedAt: at, UpdatedAt: at, Country: e.Country, Status: domain.StatusActive,
			}, nil
		}
	case *eventsv1.PilotRegistered:
		at := e.RegisteredAt.AsTime()
		id, row = e.UserId, func() (readmodel.UpsertUserParams, error) {
			return readmodel.UpsertUserParams{
				TenantID: e.TenantId, Email: e.Email, Name: e.Name, Role: domain.RolePilot,
				PasswordHash: e.PasswordHash, CreatedAt: at, UpdatedAt: at, Country: e.Country,
				Status: domain.StatusPending, HomeAirport: e.GetHomeAirport(),
			}, nil
		}
	case *eventsv1.PasswordChanged:
		id, row = e.UserId, change(ctx, q, e.UserId, e.ChangedAt.AsTime(), func(u *readmodel.UpsertUserParams) {
			u.PasswordHash, u.MustChangePassword = e.PasswordHash, e.OneTime
		})
	case *eventsv1.PilotApproved:
		id, row = e.UserId, change(ctx, q, e.UserId, e.ApprovedAt.AsTime(), func(u *readmodel.UpsertUserParams) {
			u.PilotNumber, u.PilotID, u.Status, u.StatusReason = e.PilotNumber, e.PilotId, domain.StatusActive, ""
		})
	case *eventsv1.RegistrationRejected:
		id, row = e.UserId, change(ctx, q, e.UserId, e.RejectedAt.AsTime(), func(u *readmodel.UpsertUserParams) {
			u.Status, u.StatusReason = domain.StatusRejected, e.Reason
		})
	case *eventsv1.UserSuspended:
		id, row = e.UserId, change(ctx, q, e.UserId, e.SuspendedAt.AsTime(), func(u *readmodel.UpsertUserParams) {
			u.Status, u.StatusReason = domain.StatusSuspended, e.Reason
		})
	case *eventsv1.UserReactivated:
		id, row = e.UserId, change(ctx, q, e.UserId, e.ReactivatedAt.AsTime(), func(u *readmodel.UpsertUserParams) {
			u.Status, u.StatusReason = domain.StatusActive, ""
		})
	case *eventsv1.RoleChanged:
		id, row = e.UserId, change(ctx, q, e.UserId, e.ChangedAt.AsTime(), func(u *readmodel.UpsertUserParams) {
			u.Role = e.Role
		})
	default:
		return nil, nil
	}
	uid, err := uuid.Parse(id)
	if err != nil {
		return nil, fmt.Errorf("user id %q: %w", id, err)
	}
	p, err := row()
	if domain.ErrorCode(err) == domain.ENotFound {
		// A person's stream starts with their creation, so this cannot
		// happen; stopping the projection here would stop every login.
		return nil, nil
	}
	if err != nil {
		return nil, err
	}
	p.ID = uid
	if err := q.UpsertUser(ctx, p); err != nil {
		return nil, fmt.Errorf("upsert user %s: %w", uid, err)
	}
	return []notify.Notice{{TenantID: p.TenantID, Topic: TopicUsers, IDs: []string{id}, Position: ev.Position.String()}}, nil
}

// change returns the row of a user as it is, with edit applied and the time
// of the change. Read in the batch, the row includes the batch's own writes.
func change(ctx context.Context, q readmodel.Querier, id string, at time.Time, edit func(*readmodel.UpsertUserParams)) func() (readmodel.UpsertUserParams, error) {
	return func() (readmodel.UpsertUserParams, error) {
		uid, err := uuid.Parse(id)
		if err != nil {
			return readmodel.UpsertUserParams{}, fmt.Errorf("user id %q: %w", id, err)
		}
		u, err := q.GetUser(ctx, uid)
		if err != nil {
			return readmodel.UpsertUserParams{}, err
		}
		p := readmodel.UpsertUserParams(u)
		edit(&p)
		p.UpdatedAt = at
		return p, nil
	}
}

// Reset implements Projection.
func (Users) Reset(ctx context.Context, q readmodel.Querier) error {
	return q.DeleteAllUsers(ctx)
}
