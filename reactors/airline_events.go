package reactors

import (
	"context"

	"github.com/google/uuid"
	"google.golang.org/protobuf/proto"

	"github.com/albatross-va/albatross/domain"
	"github.com/albatross-va/albatross/domain/events"
	eventsv1 "github.com/albatross-va/albatross/domain/events/v1"
	"github.com/albatross-va/albatross/store/readmodel"
	"github.com/albatross-va/albatross/store/reads"
)

// EventFlightCounter counts accepted PIREPs for airline events and takes
// them back (domain.AirlineEvents).
type EventFlightCounter interface {
	CountFlight(ctx context.Context, meta domain.CommandMeta, airlineID, eventID string, f domain.EventFlight) (domain.AppendResult, error)
	UncountFlight(ctx context.Context, meta domain.CommandMeta, airlineID, eventID, pirepID string) (domain.AppendResult, error)
}

// AirlineEvents counts an accepted PIREP for each of the airline's events
// it flew in and matches, and takes it back when the PIREP is rejected
// after its acceptance. It only asks: the event's stream decides (the
// pilot signed up, the window, the match) and counts a PIREP once however
// often it is asked.
type AirlineEvents struct {
	ReadModels reads.Querier // the PIREPs, the airline's events and what counted
	Events     EventFlightCounter
}

// Name implements projector.Reactor.
func (AirlineEvents) Name() string { return "airline_events" }

var airlineEventReactorEvents = map[string]bool{
	events.TypeName(&eventsv1.PirepAccepted{}): true,
	events.TypeName(&eventsv1.PirepRejected{}): true,
}

// Handles implements projector.Reactor.
func (AirlineEvents) Handles(eventType string) bool { return airlineEventReactorEvents[eventType] }

// Reads implements projector.Reactor.
func (AirlineEvents) Reads() []string { return []string{"pireps", "airline_events"} }

// React implements projector.Reactor.
func (a AirlineEvents) React(ctx context.Context, meta domain.CommandMeta, ev domain.RecordedEvent, msg proto.Message) (domain.Position, error) {
	switch m := msg.(type) {
	case *eventsv1.PirepAccepted:
		return a.accepted(ctx, meta, ev.TenantID, m.PirepId)
	case *eventsv1.PirepRejected:
		return a.rejected(ctx, meta, ev.TenantID, m.PirepId)
	}
	return domain.Start, nil
}

// eventMeta is meta for the command on one event: one reaction may count
// a PIREP for several.
func eventMeta(meta domain.CommandMeta, eventID string) domain.CommandMeta {
	meta.ID = meta.ID + "/event:" + eventID
	return meta
}

func (a AirlineEvents) accepted(ctx context.Context, meta domain.CommandMeta, airlineID, pirepID string) (domain.Position, error) {
	list, err := a.ReadModels.ListAirlineEvents(ctx, airlineID)
	if err != nil || len(list) == 0 {
		return domain.Start, err
	}
	id, err := uuid.Parse(pirepID)
	if err != nil {
		return domain.Start, domain.Errorf(domain.EInvalid, "the PIREP id %q is not a UUID", pirepID)
	}
	p, err := a.ReadModels.GetPirep(ctx, readmodel.GetPirepParams{TenantID: airlineID, ID: id})
	if err != nil {
		return domain.Start, err
	}
	f := domain.EventFlight{PirepID: pirepID, PilotID: p.PilotID.String(), FlightNumber: p.FlightNumber, Dpt: p.DptAirport, Arr: p.ArrAirport,
		BlockOff: p.BlockOff, BlockOn: p.BlockOn}
	last := domain.Start
	for _, e := range list {
		// The read model only picks the candidates; the event's stream
		// decides, with the sign-ups as they stand.
		match := domain.EventMatch{Kind: e.MatchKind, FlightNumbers: e.FlightNumbers, Airport: e.Airport}
		window := domain.AirlineEvent{StartsAt: e.StartsAt, EndsAt: e.EndsAt}
		if e.Cancelled || !window.InWindow(f.BlockOff) || !match.Matches(f) {
			continue
		}
		res, err := a.Events.CountFlight(ctx, eventMeta(meta, e.ID.String()), airlineID, e.ID.String(), f)
		if err != nil {
			return last, err
		}
		if res.Position.After(last) {
			last = res.Position
		}
	}
	return last, nil
}

func (a AirlineEvents) rejected(ctx context.Context, meta domain.CommandMeta, airlineID, pirepID string) (domain.Position, error) {
	id, err := uuid.Parse(pirepID)
	if err != nil {
		return domain.Start, domain.Errorf(domain.EInvalid, "the PIREP id %q is not a UUID", pirepID)
	}
	counted, err := a.ReadModels.ListAirlineEventFlightsByPirep(ctx, readmodel.ListAirlineEventFlightsByPirepParams{TenantID: airlineID, PirepID: id})
	if err != nil {
		return domain.Start, err
	}
	last := domain.Start
	for _, c := range counted {
		res, err := a.Events.UncountFlight(ctx, eventMeta(meta, c.EventID.String()), airlineID, c.EventID.String(), pirepID)
		if err != nil {
			return last, err
		}
		if res.Position.After(last) {
			last = res.Position
		}
	}
	return last, nil
}
