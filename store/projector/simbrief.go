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

// TopicSimbrief is the notice topic of a pilot's SimBrief OFPs.
const TopicSimbrief = live.TopicSimbrief

// Simbrief projects the OFP streams into simbrief_ofps. The airline's
// SimBrief settings stay in its stream: the API key is in no read model.
type Simbrief struct{}

// Name implements Projection.
func (Simbrief) Name() string { return "simbrief" }

// Handles implements Projection.
func (Simbrief) Handles(eventType string) bool { return simbriefEvents[eventType] }

var simbriefEvents = typeSet(&eventsv1.SimbriefOfpFetched{}, &eventsv1.SimbriefOfpAttached{}, &eventsv1.SimbriefOfpExpired{})

// Apply implements Projection.
func (Simbrief) Apply(ctx context.Context, q readmodel.Querier, ev domain.RecordedEvent, msg proto.Message) ([]notify.Notice, error) {
	var ofpID string
	var err error
	switch e := msg.(type) {
	case *eventsv1.SimbriefOfpFetched:
		ofpID = e.OfpId
		var data []byte
		if data, err = proto.Marshal(e.Ofp); err == nil {
			err = withID(e.PilotId, func(pilot uuid.UUID) error {
				return q.UpsertSimbriefOfp(ctx, readmodel.UpsertSimbriefOfpParams{TenantID: ev.TenantID, ID: e.OfpId, PilotID: pilot,
					FlightID: e.FlightId, AircraftID: e.AircraftId, BidID: e.BidId, FetchedAt: e.FetchedAt.AsTime(),
					PlannedDistance: e.Ofp.GetAirDistance(), Ofp: data, AcarsXml: e.AcarsXml})
			})
		}
	case *eventsv1.SimbriefOfpAttached:
		ofpID = e.OfpId
		err = q.AttachSimbriefOfp(ctx, readmodel.AttachSimbriefOfpParams{TenantID: ev.TenantID, ID: e.OfpId, PirepID: e.PirepId})
	case *eventsv1.SimbriefOfpExpired:
		ofpID = e.OfpId
		err = q.DeleteSimbriefOfp(ctx, readmodel.DeleteSimbriefOfpParams{TenantID: ev.TenantID, ID: e.OfpId})
	default:
		return nil, nil
	}
	if err != nil {
		return nil, fmt.Errorf("simbrief %s %s: %w", ev.Type, ofpID, err)
	}
	return []notify.Notice{{TenantID: ev.TenantID, Topic: TopicSimbrief, IDs: []string{ofpID}, Position: ev.Position.String()}}, nil
}

// Reset implements Projection.
func (Simbrief) Reset(ctx context.Context, q readmodel.Querier) error {
	return q.DeleteAllSimbriefOfps(ctx)
}
