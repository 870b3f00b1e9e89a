package handlers

import (
	"context"

	"github.com/google/uuid"
	"google.golang.org/protobuf/proto"

	"github.com/albatross-va/albatross/domain"
	"github.com/albatross-va/albatross/domain/events"
	eventsv1 "github.com/albatross-va/albatross/domain/events/v1"
	"github.com/albatross-va/albatross/store/reads"
	"github.com/albatross-va/albatross/views"
)

// describeUserEvent says in words what an event of a person's stream did.
// No secret is ever part of it: a password change says only that it
// happened.
func describeUserEvent(msg proto.Message) string {
	switch e := msg.(type) {
	case *eventsv1.UserCreated:
		if e.Role == domain.RoleAirlineAdmin {
			return "Created as an airline admin"
		}
		if e.Role == domain.RolePlatformAdmin {
			return "Created as the platform admin"
		}
		return "Created as a pilot"
	case *eventsv1.PilotRegistered:
		return "Registered"
	case *eventsv1.PasswordChanged:
		if e.OneTime {
			return "Password reset to a one-time password"
		}
		return "Password changed"
	case *eventsv1.PilotApproved:
		return "Approved as " + e.PilotId
	case *eventsv1.RegistrationRejected:
		return "Registration rejected: " + e.Reason
	case *eventsv1.UserSuspended:
		if e.Reason != "" {
			return "Suspended: " + e.Reason
		}
		return "Suspended"
	case *eventsv1.UserReactivated:
		return "Reactivated"
	case *eventsv1.RoleChanged:
		if e.Role == domain.RoleAirlineAdmin {
			return "Made an airline admin"
		}
		return "Made a pilot"
	}
	return ""
}

// readHistory reads a record's stream and says what each event did, when
// and by whom: describe turns an event into words ("" leaves it out), in
// the order they happened. subject is the person whose history it is ("" for
// a record that is not a person); names caches who is who across calls.
func readHistory(ctx context.Context, log StreamReader, registry *events.Registry, rm reads.Querier,
	streamID, subject string, names map[string]string, describe func(proto.Message) (string, error)) ([]views.HistoryEntry, error) {
	recs, err := log.ReadStream(ctx, streamID, 0)
	if err != nil {
		return nil, err
	}
	out := make([]views.HistoryEntry, 0, len(recs))
	for _, rec := range recs {
		msg, err := registry.Decode(rec.Type, rec.Data)
		if err != nil {
			return nil, err
		}
		what, err := describe(msg)
		if err != nil {
			return nil, err
		}
		if what == "" {
			continue
		}
		out = append(out, views.HistoryEntry{
			When: rec.Meta.RecordedAt.UTC().Format("2 Jan 2006 15:04 UTC"),
			Who:  nameActor(ctx, rm, names, rec.Meta.Actor, subject),
			What: what,
		})
	}
	return out, nil
}

// nameActor names who caused an event of a record's history, looking each
// user up once in names; subject is the person whose history it is, who
// appears as "themselves" ("" for a record that is not a person).
func nameActor(ctx context.Context, rm reads.Querier, names map[string]string, actor, subject string) string {
	switch actor {
	case "system":
		return "Albatross"
	case "cli":
		return "the command line"
	}
	if subject != "" && actor == subject {
		return "themselves"
	}
	if n, ok := names[actor]; ok {
		return n
	}
	n := "someone no longer known"
	if id, err := uuid.Parse(actor); err == nil {
		if u, err := rm.GetUser(ctx, id); err == nil {
			n = u.Name
		}
	}
	names[actor] = n
	return n
}
