package projector

import (
	"context"
	"fmt"

	"github.com/google/uuid"
	"google.golang.org/protobuf/proto"

	"github.com/albatross-va/albatross/domain"
	eventsv1 "github.com/albatross-va/albatross/domain/events/v1"
	"github.com/albatross-va/albatross/domain/live"
	"github.com/albatross-va/albatross/store/notify"
	"github.com/albatross-va/albatross/store/readmodel"
)

// TopicTours is the notice topic of an airline's tours and leaderboards
// (the whole airline) and of a pilot's progress (to that pilot only).
const TopicTours = live.TopicTours

// Tours projects the tour streams into tours and tour_legs, and the
// pilots' progress streams into tour_legs_flown and tour_completions.
// Legs counted and completions are events, so a rebuild puts back exactly
// the progress there was, and counts nothing again.
type Tours struct{}

// Name implements Projection.
func (Tours) Name() string { return "tours" }

var tourEvents = typeSet(&eventsv1.TourSaved{}, &eventsv1.TourDeleted{}, &eventsv1.TourLegFlown{}, &eventsv1.TourLegTakenBack{},
	&eventsv1.TourCompleted{}, &eventsv1.TourCompletionTakenBack{})

// Handles implements Projection.
func (Tours) Handles(eventType string) bool { return tourEvents[eventType] }

// Apply implements Projection.
func (Tours) Apply(ctx context.Context, q readmodel.Querier, ev domain.RecordedEvent, msg proto.Message) ([]notify.Notice, error) {
	var err error
	n := notify.Notice{TenantID: ev.TenantID, Topic: TopicTours, Position: ev.Position.String()}
	switch e := msg.(type) {
	case *eventsv1.TourSaved:
		n.IDs = []string{e.TourId}
		err = withID(e.TourId, func(id uuid.UUID) error {
			if err := q.UpsertTour(ctx, readmodel.UpsertTourParams{TenantID: ev.TenantID, ID: id, Name: e.Name, Description: e.Description,
				AnyOrder: e.AnyOrder, StartsOn: e.StartsOn, EndsOn: e.EndsOn, Legs: int32(len(e.Legs)), UpdatedAt: e.SavedAt.AsTime()}); err != nil {
				return err
			}
			if err := q.DeleteTourLegs(ctx, readmodel.DeleteTourLegsParams{TenantID: ev.TenantID, TourID: id}); err != nil {
				return err
			}
			for i, l := range e.Legs {
				if err := q.InsertTourLeg(ctx, readmodel.InsertTourLegParams{TenantID: ev.TenantID, TourID: id, N: int32(i), Dpt: l.Dpt, Arr: l.Arr,
					FlightNumber: l.FlightNumber, AircraftIcao: l.AircraftIcao}); err != nil {
					return err
				}
			}
			return nil
		})
	case *eventsv1.TourDeleted:
		n.IDs = []string{e.TourId}
		err = withID(e.TourId, func(id uuid.UUID) error {
			if err := q.DeleteTour(ctx, readmodel.DeleteTourParams{TenantID: ev.TenantID, ID: id}); err != nil {
				return err
			}
			return q.DeleteTourLegs(ctx, readmodel.DeleteTourLegsParams{TenantID: ev.TenantID, TourID: id})
		})
	case *eventsv1.TourLegFlown:
		n.UserID, n.IDs = e.UserId, []string{e.TourId}
		err = withIDs(e.UserId, e.TourId, func(user, tour uuid.UUID) error {
			return q.InsertTourLegFlown(ctx, readmodel.InsertTourLegFlownParams{TenantID: ev.TenantID, UserID: user, TourID: tour, N: e.Leg,
				PirepID: e.PirepId, FlownAt: e.FlownAt.AsTime()})
		})
	case *eventsv1.TourLegTakenBack:
		n.UserID, n.IDs = e.UserId, []string{e.TourId}
		err = withIDs(e.UserId, e.TourId, func(user, tour uuid.UUID) error {
			return q.DeleteTourLegFlown(ctx, readmodel.DeleteTourLegFlownParams{TenantID: ev.TenantID, UserID: user, TourID: tour, N: e.Leg})
		})
	case *eventsv1.TourCompleted:
		n.IDs = []string{e.TourId} // the leaderboard: the whole airline
		err = withIDs(e.UserId, e.TourId, func(user, tour uuid.UUID) error {
			return q.InsertTourCompletion(ctx, readmodel.InsertTourCompletionParams{TenantID: ev.TenantID, TourID: tour, UserID: user,
				CompletedAt: e.CompletedAt.AsTime()})
		})
	case *eventsv1.TourCompletionTakenBack:
		n.IDs = []string{e.TourId}
		err = withIDs(e.UserId, e.TourId, func(user, tour uuid.UUID) error {
			return q.DeleteTourCompletion(ctx, readmodel.DeleteTourCompletionParams{TenantID: ev.TenantID, TourID: tour, UserID: user})
		})
	default:
		return nil, nil
	}
	if err != nil {
		return nil, fmt.Errorf("tours %s %s: %w", ev.Type, ev.StreamID, err)
	}
	return []notify.Notice{n}, nil
}

// Reset implements Projection.
func (Tours) Reset(ctx context.Context, q readmodel.Querier) error {
	for _, f := range []func(context.Context) error{q.DeleteAllTours, q.DeleteAllTourLegs, q.DeleteAllTourLegsFlown, q.DeleteAllTourCompletions} {
		if err := f(ctx); err != nil {
			return err
		}
	}
	return nil
}
