package reads

import (
	"context"
	"math"

	"github.com/google/uuid"

	"github.com/albatross-va/albatross/domain"
	"github.com/albatross-va/albatross/store/readmodel"
)

// The reads of an airline's fleet pages: the overview by subfleet, a
// subfleet with its aircraft, and an aircraft. Aircraft are read as their
// accepted PIREPs left them (asFlown).

// Subfleet is a subfleet of an airline as the fleet pages show it.
type Subfleet struct {
	ID, Type, ICAO, Name, HubID string
	// CostBlockHourCents is its cost per block hour; nil when not set.
	CostBlockHourCents *int64
	// Number is the small integer (1, 2, 3... within the airline, in the
	// order they were created) that phpVMS's API names it by.
	Number int
	// Fares is phpVMS's fares cell of the subfleet (Y;B?capacity=100), as
	// a subfleets file gave it; "" for none.
	Fares string
}

func subfleet(s readmodel.Subfleet) Subfleet {
	return Subfleet{ID: s.ID.String(), Type: s.Type, ICAO: s.Icao, Name: s.Name, HubID: s.HubID,
		CostBlockHourCents: s.CostBlockHourCents, Number: int(s.Number), Fares: s.Fares}
}

// Aircraft is an aircraft of an airline as flown: at its latest accepted
// arrival, with the PIREPs' minutes added to its hours.
type Aircraft struct {
	ID, SubfleetID             string
	Registration, Name, Status string
	AirportID                  string
	FlightTime                 int64 // minutes
	// Number is the small integer (1, 2, 3... within the airline, in the
	// order they were added) that phpVMS's API names it by.
	Number int
}

func aircraft(a readmodel.Aircraft) Aircraft {
	return Aircraft{ID: a.ID.String(), SubfleetID: a.SubfleetID.String(), Registration: a.Registration,
		Name: a.Name, Status: a.Status, AirportID: a.AirportID, FlightTime: a.FlightTime, Number: int(a.Number)}
}

func aircraftList(rows []readmodel.Aircraft) []Aircraft {
	out := make([]Aircraft, 0, len(rows))
	for _, a := range rows {
		out = append(out, aircraft(a))
	}
	return out
}

// aircraftAsFlown converts rows, adding what accepted PIREPs did to them.
func (q Querier) aircraftAsFlown(ctx context.Context, airlineID string, rows []readmodel.Aircraft) ([]Aircraft, error) {
	rows, err := asFlown(ctx, q, airlineID, rows)
	if err != nil {
		return nil, err
	}
	return aircraftList(rows), nil
}

// Subfleets are an airline's subfleets.
func (q Querier) Subfleets(ctx context.Context, airlineID string) ([]Subfleet, error) {
	rows, err := q.ListSubfleets(ctx, airlineID)
	if err != nil {
		return nil, err
	}
	out := make([]Subfleet, 0, len(rows))
	for _, s := range rows {
		out = append(out, subfleet(s))
	}
	return out, nil
}

// FleetAircraft are all of an airline's aircraft, as flown.
func (q Querier) FleetAircraft(ctx context.Context, airlineID string) ([]Aircraft, error) {
	rows, err := q.ListAircraft(ctx, airlineID)
	if err != nil {
		return nil, err
	}
	return q.aircraftAsFlown(ctx, airlineID, rows)
}

// AircraftAsEntered are all of an airline's aircraft as staff entered
// them, without what accepted PIREPs did (the export gives these back to
// the import).
func (q Querier) AircraftAsEntered(ctx context.Context, airlineID string) ([]Aircraft, error) {
	rows, err := q.ListAircraft(ctx, airlineID)
	if err != nil {
		return nil, err
	}
	return aircraftList(rows), nil
}

// SubfleetAircraft are the aircraft of one subfleet of an airline, as
// flown; an id that is not one has none.
func (q Querier) SubfleetAircraft(ctx context.Context, airlineID, subfleetID string) ([]Aircraft, error) {
	id, err := uuid.Parse(subfleetID)
	if err != nil {
		return nil, nil
	}
	rows, err := q.ListAircraftBySubfleet(ctx, readmodel.ListAircraftBySubfleetParams{TenantID: airlineID, SubfleetID: id})
	if err != nil {
		return nil, err
	}
	return q.aircraftAsFlown(ctx, airlineID, rows)
}

// FindSubfleet reads one subfleet of an airline by the id a link gives; an
// id that is not one, or a subfleet of another airline, is not found.
func (q Querier) FindSubfleet(ctx context.Context, airlineID, subfleetID string) (Subfleet, error) {
	id, err := uuid.Parse(subfleetID)
	if err != nil {
		return Subfleet{}, domain.Errorf(domain.ENotFound, "There is no such subfleet in this airline.")
	}
	s, err := q.GetSubfleet(ctx, readmodel.GetSubfleetParams{TenantID: airlineID, ID: id})
	if err != nil {
		return Subfleet{}, err
	}
	return subfleet(s), nil
}

// FindSubfleetByNumber reads one subfleet of an airline by the number
// phpVMS's API names it by; a number the airline has not given (another
// airline's, say) is not found.
func (q Querier) FindSubfleetByNumber(ctx context.Context, airlineID string, n int) (Subfleet, error) {
	number, ok := asNumber(n)
	if !ok {
		return Subfleet{}, domain.Errorf(domain.ENotFound, "There is no such subfleet in this airline.")
	}
	s, err := q.GetSubfleetByNumber(ctx, readmodel.GetSubfleetByNumberParams{TenantID: airlineID, Number: number})
	if err != nil {
		return Subfleet{}, err
	}
	return subfleet(s), nil
}

// FindAircraft reads one aircraft of an airline, as flown, by the id a
// link gives; an id that is not one, or an aircraft of another airline, is
// not found.
func (q Querier) FindAircraft(ctx context.Context, airlineID, aircraftID string) (Aircraft, error) {
	id, err := uuid.Parse(aircraftID)
	if err != nil {
		return Aircraft{}, domain.Errorf(domain.ENotFound, "There is no such aircraft in this airline.")
	}
	a, err := q.GetAircraft(ctx, readmodel.GetAircraftParams{TenantID: airlineID, ID: id})
	if err != nil {
		return Aircraft{}, err
	}
	if a, err = oneAsFlown(ctx, q, a); err != nil {
		return Aircraft{}, err
	}
	return aircraft(a), nil
}

// FindAircraftByNumber reads one aircraft of an airline, as flown, by the
// number phpVMS's API names it by; a number the airline has not given
// (another airline's, say) is not found.
func (q Querier) FindAircraftByNumber(ctx context.Context, airlineID string, n int) (Aircraft, error) {
	number, ok := asNumber(n)
	if !ok {
		return Aircraft{}, domain.Errorf(domain.ENotFound, "There is no such aircraft in this airline.")
	}
	a, err := q.GetAircraftByNumber(ctx, readmodel.GetAircraftByNumberParams{TenantID: airlineID, Number: number})
	if err != nil {
		return Aircraft{}, err
	}
	if a, err = oneAsFlown(ctx, q, a); err != nil {
		return Aircraft{}, err
	}
	return aircraft(a), nil
}

// asNumber is n as the read models' integer column holds it; no row has a
// number below 1 or beyond int32, so such an n finds nothing rather than
// wrapping round to another row's number.
func asNumber(n int) (int32, bool) {
	if n < 1 || n > math.MaxInt32 {
		return 0, false
	}
	return int32(n), true
}
