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

// Scores projects the PIREPs' score streams into pirep_scores. A score is
// an event, so a rebuild puts back exactly the scores made, with the bands
// they were made with, and scores nothing again. A rejection needs no
// write here: the leaderboards count only the PIREPs accepted now.
type Scores struct{}

// Name implements Projection.
func (Scores) Name() string { return "scores" }

var scoreEvents = typeSet(&eventsv1.PirepScored{})

// Handles implements Projection.
func (Scores) Handles(eventType string) bool { return scoreEvents[eventType] }

// Apply implements Projection.
func (Scores) Apply(ctx context.Context, q readmodel.Querier, ev domain.RecordedEvent, msg proto.Message) ([]notify.Notice, error) {
	e, ok := msg.(*eventsv1.PirepScored)
	if !ok {
		return nil, nil
	}
	err := withID(e.PirepId, func(pirep uuid.UUID) error {
		return withID(e.PilotId, func(pilot uuid.UUID) error {
			return q.InsertPirepScore(ctx, readmodel.InsertPirepScoreParams{TenantID: ev.TenantID, PirepID: pirep, PilotID: pilot,
				Score: e.Score, BandsVersion: e.BandsVersion, LandingRate: e.LandingRate, Breakdown: e.Breakdown, ScoredAt: e.ScoredAt.AsTime()})
		})
	})
	if err != nil {
		return nil, fmt.Errorf("scores %s %s: %w", ev.Type, ev.StreamID, err)
	}
	at, ids := ev.Position.String(), []string{e.PirepId}
	return []notify.Notice{
		{TenantID: ev.TenantID, Topic: live.TopicScores, IDs: ids, Position: at},
		{TenantID: ev.TenantID, UserID: e.PilotId, Topic: live.TopicOwnPireps, IDs: ids, Position: at},
		{TenantID: ev.TenantID, UserID: e.PilotId, Staff: true, Topic: live.PirepTopic(e.PirepId), IDs: ids, Position: at},
	}, nil
}

// Reset implements Projection.
func (Scores) Reset(ctx context.Context, q readmodel.Querier) error {
	return q.DeleteAllPirepScores(ctx)
}
