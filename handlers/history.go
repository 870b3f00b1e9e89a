package handlers

import (
	"context"
	"slices"

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
	case *eventsv1.EmailVerified:
		return "Email address verified"
	case *eventsv1.RoleChanged:
		if e.Role == domain.RoleAirlineAdmin {
			return "Made an airline admin"
		}
		return "Made a pilot"
	}
	return ""
}

// readHistory reads a record's streams and says what each event did, when
// and by whom: describe turns an event into words ("" leaves it out), in
// the order they happened. subject is the person whose history it is ("" for
// a record that is not a person); names caches who is who across calls.
func readHistory(ctx context.Context, eventLog StreamReader, registry *events.Registry, rm reads.Querier,
	streamIDs []string, subject string, names map[string]string, describe func(proto.Message) (string, error)) ([]views.HistoryEntry, error) {
	var recs []domain.RecordedEvent
	for _, id := range streamIDs {
		more, err := eventLog.ReadStream(ctx, id, 0)
		if err != nil {
			return nil, err
		}
		recs = append(recs, more...)
	}
	if len(streamIDs) > 1 {
		// A record kept in several streams: one history, in the order the
		// log recorded it.
		slices.SortStableFunc(recs, func(a, b domain.RecordedEvent) int {
			switch {
			case a.Position.After(b.Position):
				return 1
			case b.Position.After(a.Position):
				return -1
			}
			return 0
		})
	}
	// Name the history's people in one read per airline (a record's events
	// are of one), not one per person.
	actors := map[string][]string{}
	for _, rec := range recs {
		if rec.Meta.Actor != subject {
			actors[rec.TenantID] = append(actors[rec.TenantID], rec.Meta.Actor)
		}
	}
	for airlineID, ids := range actors {
		if err := learnNames(ctx, rm, airlineID, names, ids...); err != nil {
			return nil, err
		}
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

// learnNames puts in names, in one read, the names of the airline's
// people among ids that names lacks; nameActor then names them without a
// read each. Who is not of the airline (a platform admin, a user no longer
// known, the system) is left for nameActor to name.
func learnNames(ctx context.Context, rm reads.Querier, airlineID string, names map[string]string, ids ...string) error {
	var unknown []string
	for _, id := range ids {
		if _, ok := names[id]; !ok && !slices.Contains(unknown, id) && id != "system" && id != "cli" {
			unknown = append(unknown, id)
		}
	}
	if len(unknown) == 0 {
		return nil
	}
	found, err := rm.UserNames(ctx, airlineID, unknown)
	if err != nil {
		return err
	}
	for id, name := range found {
		names[id] = name
	}
	return nil
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
	n, err := rm.UserName(ctx, actor)
	if err != nil {
		n = "someone no longer known"
	}
	names[actor] = n
	return n
}
