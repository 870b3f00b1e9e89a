package reactors

import (
	"context"
	"time"

	"google.golang.org/protobuf/proto"

	"github.com/albatross-va/albatross/domain"
	"github.com/albatross-va/albatross/domain/events"
	eventsv1 "github.com/albatross-va/albatross/domain/events/v1"
)

// PirepScorer scores an accepted PIREP (domain.Scores.ScorePirep).
type PirepScorer interface {
	ScorePirep(ctx context.Context, meta domain.CommandMeta, airlineID, pirepID string, acceptedAt time.Time) (domain.AppendResult, error)
}

// Scores gives every accepted PIREP its landing score, with the airline's
// bands in force at the acceptance. It reads no read model: the PIREP and
// the bands come from their streams, and the PIREP's score stream decides,
// so a PIREP is scored once (a replay, a second acceptance after a
// rejection, two processes). A rejection needs no reaction: the
// leaderboards count only the PIREPs accepted now.
type Scores struct {
	Scores PirepScorer
}

// Name implements projector.Reactor.
func (Scores) Name() string { return "scores" }

var scoreReactorEvents = map[string]bool{events.TypeName(&eventsv1.PirepAccepted{}): true}

// Handles implements projector.Reactor.
func (Scores) Handles(eventType string) bool { return scoreReactorEvents[eventType] }

// Reads implements projector.Reactor.
func (Scores) Reads() []string { return nil }

// React implements projector.Reactor.
func (s Scores) React(ctx context.Context, meta domain.CommandMeta, ev domain.RecordedEvent, msg proto.Message) (domain.Position, error) {
	m, ok := msg.(*eventsv1.PirepAccepted)
	if !ok {
		return domain.Start, nil
	}
	at := ev.Meta.RecordedAt
	if m.AcceptedAt != nil {
		at = m.AcceptedAt.AsTime()
	}
	res, err := s.Scores.ScorePirep(ctx, meta, ev.TenantID, m.PirepId, at)
	return res.Position, err
}
