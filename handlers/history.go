package handlers

import (
	"context"
	"slices"
	"strings"

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
		because, err := reactedTo(ctx, eventLog, registry, rm, names, rec, subject)
		if err != nil {
			return nil, err
		}
		out = append(out, views.HistoryEntry{
			When:    rec.Meta.RecordedAt.UTC().Format("2 Jan 2006 15:04 UTC"),
			Who:     nameActor(ctx, rm, names, rec.Meta.Actor, subject),
			Because: because,
			What:    what,
		})
	}
	return out, nil
}

// cause says what a person did that Albatross followed with a reaction
// (a reactor's command): "accepted a PIREP".
func cause(msg proto.Message) string {
	switch m := msg.(type) {
	case *eventsv1.PirepAccepted:
		if m.Automatic {
			return "filed a PIREP their rank accepts at once"
		}
		return "accepted a PIREP"
	case *eventsv1.PirepRejected:
		return "rejected a PIREP"
	case *eventsv1.PirepFiled, *eventsv1.PirepSubmitted:
		return "filed a PIREP"
	case *eventsv1.PirepCancelled:
		return "cancelled a PIREP"
	case *eventsv1.PilotApproved:
		return "approved the pilot"
	}
	return "made a change"
}

// reactedTo says, for an event Albatross appended in reaction to
// another (an automatic promotion after an acceptance), whose change that
// was: "when Alice Admin accepted a PIREP", or "when they filed a PIREP"
// in the subject's own history. It is "" for any other event, and for a
// reaction to the system's own change.
func reactedTo(ctx context.Context, eventLog StreamReader, registry *events.Registry, rm reads.Querier, names map[string]string, rec domain.RecordedEvent, subject string) (string, error) {
	at, ok := strings.CutPrefix(rec.Meta.CausationID, "event ")
	if !ok || rec.Meta.Actor != domain.System.UserID {
		return "", nil
	}
	pos, err := domain.ParsePosition(at)
	if err != nil || pos.Seq < 1 {
		return "", nil
	}
	// Sequence numbers are unique across the log: the first event after
	// the one just below is the cause.
	found, err := eventLog.ReadAll(ctx, domain.Position{Commit: pos.Commit, Seq: pos.Seq - 1}, 1)
	if err != nil || len(found) == 0 || found[0].Position != pos {
		return "", err
	}
	caused := found[0]
	if caused.Meta.Actor == domain.System.UserID || caused.Meta.Actor == "" {
		return "", nil
	}
	msg, err := registry.Decode(caused.Type, caused.Data)
	if err != nil {
		return "", err
	}
	who := nameActor(ctx, rm, names, caused.Meta.Actor, subject)
	if who == "themselves" {
		who = "they"
	}
	return "when " + who + " " + cause(msg), nil
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
