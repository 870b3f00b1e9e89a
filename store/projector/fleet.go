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

// TopicFleet is the notice topic of an airline's subfleets and aircraft;
// the notices go to the airline's pages only.
const TopicFleet = live.TopicFleet

// Fleet projects the subfleet and aircraft streams into the subfleets and
// aircraft tables.
type Fleet struct{}

// Name implements Projection.
func (Fleet) Name() string { return "fleet" }

// Handles implements Projection.
func (Fleet) Handles(eventType string) bool { return fleetEvents[eventType] }

var fleetEvents = typeSet(&eventsv1.SubfleetCreated{}, &eventsv1.SubfleetChanged{},
	&eventsv1.AircraftAdded{}, &eventsv1.AircraftChanged{})

// Apply implements Projection. Every event of a fleet stream is appended
// under the airline's tenant id, which keys the rows.
func (Fleet) Apply(ctx context.Context, q readmodel.Querier, ev domain.RecordedEvent, msg proto.Message) ([]notify.Notice, error) {
	var rawID string
	var err error
	switch e := msg.(type) {
	case *eventsv1.SubfleetCreated:
		rawID = e.SubfleetId
		err = withID(rawID, func(id uuid.UUID) error {
			at := e.CreatedAt.AsTime()
			return q.UpsertSubfleet(ctx, readmodel.UpsertSubfleetParams{
				TenantID: ev.TenantID, ID: id, Type: e.Type, Icao: e.Icao, Name: e.Name, HubID: e.HubId,
				CostBlockHourCents: e.CostBlockHourCents, CreatedAt: at, UpdatedAt: at, Fares: e.Fares,
			})
		})
	case *eventsv1.SubfleetChanged:
		rawID = e.SubfleetId
		err = withID(rawID, func(id uuid.UUID) error {
			s, err := q.GetSubfleet(ctx, readmodel.GetSubfleetParams{TenantID: ev.TenantID, ID: id})
			if err != nil {
				return err
			}
			row := subfleetParams(s)
			row.Type, row.Icao, row.Name, row.HubID = e.Type, e.Icao, e.Name, e.HubId
			row.CostBlockHourCents, row.UpdatedAt, row.Fares = e.CostBlockHourCents, e.ChangedAt.AsTime(), e.Fares
			return q.UpsertSubfleet(ctx, row)
		})
	case *eventsv1.AircraftAdded:
		rawID = e.AircraftId
		err = withID(rawID, func(id uuid.UUID) error {
			sf, err := uuid.Parse(e.SubfleetId)
			if err != nil {
				return fmt.Errorf("subfleet id %q: %w", e.SubfleetId, err)
			}
			at := e.AddedAt.AsTime()
			return q.UpsertAircraft(ctx, readmodel.UpsertAircraftParams{
				TenantID: ev.TenantID, ID: id, SubfleetID: sf, Registration: e.Registration, Name: e.Name,
				Status: e.Status, AirportID: e.AirportId, FlightTime: e.FlightTime, CreatedAt: at, UpdatedAt: at,
			})
		})
	case *eventsv1.AircraftChanged:
		rawID = e.AircraftId
		err = withID(rawID, func(id uuid.UUID) error {
			sf, err := uuid.Parse(e.SubfleetId)
			if err != nil {
				return fmt.Errorf("subfleet id %q: %w", e.SubfleetId, err)
			}
			a, err := q.GetAircraft(ctx, readmodel.GetAircraftParams{TenantID: ev.TenantID, ID: id})
			if err != nil {
				return err
			}
			row := aircraftParams(a)
			row.SubfleetID, row.Name, row.Status, row.UpdatedAt = sf, e.Name, e.Status, e.ChangedAt.AsTime()
			return q.UpsertAircraft(ctx, row)
		})
	default:
		return nil, nil
	}
	if err != nil {
		return nil, fmt.Errorf("fleet %s %s: %w", ev.Type, rawID, err)
	}
	return []notify.Notice{{TenantID: ev.TenantID, Topic: TopicFleet, IDs: []string{rawID}, Position: ev.Position.String()}}, nil
}

// subfleetParams is the upsert that writes s back as it is. The number is
// not among them: the read model gave it on insert and an update keeps it.
func subfleetParams(s readmodel.Subfleet) readmodel.UpsertSubfleetParams {
	return readmodel.UpsertSubfleetParams{
		TenantID: s.TenantID, ID: s.ID, Type: s.Type, Icao: s.Icao, Name: s.Name, HubID: s.HubID,
		CostBlockHourCents: s.CostBlockHourCents, CreatedAt: s.CreatedAt, UpdatedAt: s.UpdatedAt, Fares: s.Fares,
	}
}

// aircraftParams is the upsert that writes a back as it is, number aside,
// as for subfleetParams.
func aircraftParams(a readmodel.Aircraft) readmodel.UpsertAircraftParams {
	return readmodel.UpsertAircraftParams{
		TenantID: a.TenantID, ID: a.ID, SubfleetID: a.SubfleetID, Registration: a.Registration, Name: a.Name,
		Status: a.Status, AirportID: a.AirportID, FlightTime: a.FlightTime, CreatedAt: a.CreatedAt, UpdatedAt: a.UpdatedAt,
	}
}

// withID parses a record's id and runs f with it.
func withID(raw string, f func(id uuid.UUID) error) error {
	id, err := uuid.Parse(raw)
	if err != nil {
		return fmt.Errorf("id %q: %w", raw, err)
	}
	return f(id)
}

// Reset implements Projection.
func (Fleet) Reset(ctx context.Context, q readmodel.Querier) error {
	if err := q.DeleteAllAircraft(ctx); err != nil {
		return err
	}
	return q.DeleteAllSubfleets(ctx)
}
