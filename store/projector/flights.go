package projector

import (
	"context"
	"fmt"
	"time"

	"github.com/google/uuid"
	"google.golang.org/protobuf/proto"

	"github.com/albatross-va/albatross/domain"
	eventsv1 "github.com/albatross-va/albatross/domain/events/v1"
	"github.com/albatross-va/albatross/domain/live"
	"github.com/albatross-va/albatross/store/notify"
	"github.com/albatross-va/albatross/store/readmodel"
)

// TopicFlights is the notice topic of an airline's flights; the flight
// search and a flight's page re-fetch on it.
const TopicFlights = live.TopicFlights

// Flights projects the flight streams into the flights table.
type Flights struct{}

// Name implements Projection.
func (Flights) Name() string { return "flights" }

var flightEvents = typeSet(&eventsv1.FlightAdded{}, &eventsv1.FlightChanged{},
	&eventsv1.FlightActivated{}, &eventsv1.FlightDeactivated{})

// Handles implements Projection.
func (Flights) Handles(eventType string) bool { return flightEvents[eventType] }

// Apply implements Projection. Every event of a flight is appended under
// the flight's airline, which is the row's tenant.
func (Flights) Apply(ctx context.Context, q readmodel.Querier, ev domain.RecordedEvent, msg proto.Message) ([]notify.Notice, error) {
	var row readmodel.UpsertFlightParams
	if e, ok := msg.(*eventsv1.FlightAdded); ok {
		id, err := uuid.Parse(e.FlightId)
		if err != nil {
			return nil, fmt.Errorf("flight id %q: %w", e.FlightId, err)
		}
		row = readmodel.UpsertFlightParams{
			TenantID: ev.TenantID, ID: id, FlightNumber: e.FlightNumber, RouteCode: e.RouteCode, RouteLeg: e.RouteLeg,
			Callsign: e.Callsign, DptAirport: e.DptAirport, ArrAirport: e.ArrAirport, AltAirport: e.AltAirport,
			DptTime: e.DptTime, ArrTime: e.ArrTime, Days: e.Days, StartDate: e.StartDate, EndDate: e.EndDate,
			Distance: e.Distance, FlightTime: e.FlightTime, Level: e.Level, FlightType: e.FlightType, Route: e.Route,
			Notes: e.Notes, SubfleetIds: textArray(e.SubfleetIds), SubfleetTypes: textArray(e.SubfleetTypes), Active: e.Active,
			CreatedAt: e.AddedAt.AsTime(), UpdatedAt: e.AddedAt.AsTime(),
			LoadFactor: e.LoadFactor, LoadFactorVariance: e.LoadFactorVariance, Fares: e.Fares,
		}
		row.FieldNames, row.FieldValues = fieldColumns(e.Fields)
	} else {
		var flightID string
		var at time.Time
		switch e := msg.(type) {
		case *eventsv1.FlightChanged:
			flightID, at = e.FlightId, e.ChangedAt.AsTime()
		case *eventsv1.FlightActivated:
			flightID, at = e.FlightId, e.ActivatedAt.AsTime()
		case *eventsv1.FlightDeactivated:
			flightID, at = e.FlightId, e.DeactivatedAt.AsTime()
		default:
			return nil, nil
		}
		id, err := uuid.Parse(flightID)
		if err != nil {
			return nil, fmt.Errorf("flight id %q: %w", flightID, err)
		}
		f, err := q.GetFlight(ctx, readmodel.GetFlightParams{TenantID: ev.TenantID, ID: id})
		if err != nil {
			return nil, fmt.Errorf("get flight %s: %w", id, err)
		}
		row = readmodel.UpsertFlightParams(f)
		row.UpdatedAt = at
		switch e := msg.(type) {
		case *eventsv1.FlightChanged:
			row.Callsign, row.DptAirport, row.ArrAirport, row.AltAirport = e.Callsign, e.DptAirport, e.ArrAirport, e.AltAirport
			row.DptTime, row.ArrTime, row.Days, row.StartDate, row.EndDate = e.DptTime, e.ArrTime, e.Days, e.StartDate, e.EndDate
			row.Distance, row.FlightTime, row.Level, row.FlightType = e.Distance, e.FlightTime, e.Level, e.FlightType
			row.Route, row.Notes = e.Route, e.Notes
			row.SubfleetIds, row.SubfleetTypes = textArray(e.SubfleetIds), textArray(e.SubfleetTypes)
			row.LoadFactor, row.LoadFactorVariance = e.LoadFactor, e.LoadFactorVariance
			row.FieldNames, row.FieldValues = fieldColumns(e.Fields)
			row.Fares = e.Fares
		case *eventsv1.FlightActivated:
			row.Active = true
		case *eventsv1.FlightDeactivated:
			row.Active = false
		}
	}
	if err := q.UpsertFlight(ctx, row); err != nil {
		return nil, fmt.Errorf("upsert flight %s: %w", row.ID, err)
	}
	return []notify.Notice{{TenantID: ev.TenantID, Topic: TopicFlights, IDs: []string{row.ID.String()}, Position: ev.Position.String()}}, nil
}

// fieldColumns are a flight's custom fields as its two text[] columns.
func fieldColumns(fs []*eventsv1.FlightAdded_Field) (names, values []string) {
	names, values = []string{}, []string{}
	for _, f := range fs {
		names, values = append(names, f.GetName()), append(values, f.GetValue())
	}
	return names, values
}

// textArray is a list as a NOT NULL text[] column takes it: empty, not nil.
func textArray(xs []string) []string {
	if xs == nil {
		return []string{}
	}
	return xs
}

// Reset implements Projection.
func (Flights) Reset(ctx context.Context, q readmodel.Querier) error {
	return q.DeleteAllFlights(ctx)
}
