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

// TopicRanks is the notice topic of an airline's ranks and its pilots'
// ranks; a pilot's page shows a promotion from it.
const TopicRanks = live.TopicRanks

// Ranks projects the rank and career streams into the ranks and
// pilot_ranks tables.
type Ranks struct{}

// Name implements Projection.
func (Ranks) Name() string { return "ranks" }

// Handles implements Projection.
func (Ranks) Handles(eventType string) bool { return rankEvents[eventType] }

var rankEvents = typeSet(&eventsv1.RankSaved{}, &eventsv1.PilotRankSet{})

// Apply implements Projection.
func (Ranks) Apply(ctx context.Context, q readmodel.Querier, ev domain.RecordedEvent, msg proto.Message) ([]notify.Notice, error) {
	var rawID string
	var err error
	switch e := msg.(type) {
	case *eventsv1.RankSaved:
		rawID = e.RankId
		err = withID(rawID, func(id uuid.UUID) error {
			return q.UpsertRank(ctx, readmodel.UpsertRankParams{TenantID: ev.TenantID, ID: id, Name: e.Name,
				MinMinutes: e.MinMinutes, AutoPromote: e.AutoPromote, AutoAccept: e.AutoAccept, UpdatedAt: e.SavedAt.AsTime(),
				AutoAcceptAcars: e.AutoAcceptAcars})
		})
	case *eventsv1.PilotRankSet:
		rawID = e.UserId
		err = withID(rawID, func(id uuid.UUID) error {
			row := readmodel.UpsertPilotRankParams{TenantID: ev.TenantID, PilotID: id, RankID: e.RankId, SetAt: e.SetAt.AsTime()}
			cur, err := q.GetPilotRank(ctx, readmodel.GetPilotRankParams{TenantID: ev.TenantID, PilotID: id})
			if err == nil {
				row.FloorID = cur.FloorID
			}
			if e.ByHand {
				row.FloorID = e.RankId
			}
			return q.UpsertPilotRank(ctx, row)
		})
	default:
		return nil, nil
	}
	if err != nil {
		return nil, fmt.Errorf("ranks %s %s: %w", ev.Type, rawID, err)
	}
	return []notify.Notice{{TenantID: ev.TenantID, Topic: TopicRanks, IDs: []string{rawID}, Position: ev.Position.String()}}, nil
}

// Reset implements Projection.
func (Ranks) Reset(ctx context.Context, q readmodel.Querier) error {
	if err := q.DeleteAllPilotRanks(ctx); err != nil {
		return err
	}
	return q.DeleteAllRanks(ctx)
}
