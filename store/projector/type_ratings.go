package projector

import (
	"context"
	"fmt"

	"github.com/google/uuid"
	"google.golang.org/protobuf/proto"

	"github.com/albatross-va/albatross/domain"
	eventsv1 "github.com/albatross-va/albatross/domain/events/v1"
	"github.com/albatross-va/albatross/store/notify"
	"github.com/albatross-va/albatross/store/readmodel"
)

// TypeRatings projects who may fly what: the type-rating streams, the
// pilots' ratings streams, the ranks' allowance streams and the airlines'
// flying rules and the pilots' transfer hours, into the tables of queries/type_ratings.sql. Its notices
// are the ranks' topic: the pages that show a pilot's rank show their
// ratings beside it.
type TypeRatings struct{}

// Name implements Projection.
func (TypeRatings) Name() string { return "type_ratings" }

var typeRatingEvents = typeSet(&eventsv1.TypeRatingSaved{}, &eventsv1.PilotTypeRatingGranted{}, &eventsv1.PilotTypeRatingRevoked{},
	&eventsv1.RankAllowancesSet{}, &eventsv1.FlyingRulesChanged{}, &eventsv1.PilotTransferHoursSet{})

// Handles implements Projection.
func (TypeRatings) Handles(eventType string) bool { return typeRatingEvents[eventType] }

// Apply implements Projection.
func (TypeRatings) Apply(ctx context.Context, q readmodel.Querier, ev domain.RecordedEvent, msg proto.Message) ([]notify.Notice, error) {
	var rawID string
	var err error
	switch e := msg.(type) {
	case *eventsv1.TypeRatingSaved:
		rawID = e.RatingId
		err = withID(rawID, func(id uuid.UUID) error {
			return q.UpsertTypeRating(ctx, readmodel.UpsertTypeRatingParams{TenantID: ev.TenantID, ID: id, Name: e.Name, Code: e.Code,
				SubfleetIds: nonNil(e.SubfleetIds), UpdatedAt: e.SavedAt.AsTime()})
		})
	case *eventsv1.PilotTypeRatingGranted:
		rawID = e.UserId
		err = withIDs(e.UserId, e.RatingId, func(pilot, rating uuid.UUID) error {
			return q.GrantPilotTypeRating(ctx, readmodel.GrantPilotTypeRatingParams{TenantID: ev.TenantID, PilotID: pilot, RatingID: rating,
				GrantedAt: e.GrantedAt.AsTime()})
		})
	case *eventsv1.PilotTypeRatingRevoked:
		rawID = e.UserId
		err = withIDs(e.UserId, e.RatingId, func(pilot, rating uuid.UUID) error {
			return q.RevokePilotTypeRating(ctx, readmodel.RevokePilotTypeRatingParams{TenantID: ev.TenantID, PilotID: pilot, RatingID: rating})
		})
	case *eventsv1.RankAllowancesSet:
		rawID = e.RankId
		err = withID(rawID, func(id uuid.UUID) error {
			return q.UpsertRankAllowances(ctx, readmodel.UpsertRankAllowancesParams{TenantID: ev.TenantID, RankID: id,
				SubfleetIds: nonNil(e.SubfleetIds), RatingIds: nonNil(e.RatingIds), UpdatedAt: e.SetAt.AsTime()})
		})
	case *eventsv1.FlyingRulesChanged:
		rawID = e.AirlineId
		err = q.UpsertAirlineFlyingRules(ctx, readmodel.UpsertAirlineFlyingRulesParams{TenantID: ev.TenantID,
			RestrictToRank: e.RestrictToRank, RestrictToTypeRating: e.RestrictToTypeRating, UpdatedAt: e.ChangedAt.AsTime(),
			CountTransferHours: e.CountTransferHours})
	case *eventsv1.PilotTransferHoursSet:
		rawID = e.UserId
		err = withID(rawID, func(id uuid.UUID) error {
			return q.UpsertPilotTransferHours(ctx, readmodel.UpsertPilotTransferHoursParams{TenantID: ev.TenantID, PilotID: id,
				Minutes: e.Minutes, UpdatedAt: e.SetAt.AsTime()})
		})
	default:
		return nil, nil
	}
	if err != nil {
		return nil, fmt.Errorf("type ratings %s %s: %w", ev.Type, rawID, err)
	}
	return []notify.Notice{{TenantID: ev.TenantID, Topic: TopicRanks, IDs: []string{rawID}, Position: ev.Position.String()}}, nil
}

// withIDs parses two ids, then calls f.
func withIDs(a, b string, f func(a, b uuid.UUID) error) error {
	return withID(a, func(x uuid.UUID) error { return withID(b, func(y uuid.UUID) error { return f(x, y) }) })
}

// nonNil is list, or an empty list: a text[] column is NOT NULL.
func nonNil(list []string) []string {
	if list == nil {
		return []string{}
	}
	return list
}

// Reset implements Projection.
func (TypeRatings) Reset(ctx context.Context, q readmodel.Querier) error {
	for _, del := range []func(context.Context) error{q.DeleteAllTypeRatings, q.DeleteAllPilotTypeRatings, q.DeleteAllRankAllowances,
		q.DeleteAllAirlineFlyingRules, q.DeleteAllPilotTransferHours} {
		if err := del(ctx); err != nil {
			return err
		}
	}
	return nil
}
