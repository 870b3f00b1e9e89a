package reads

import (
	"context"

	"github.com/google/uuid"

	"github.com/albatross-va/albatross/domain"
	"github.com/albatross-va/albatross/store/readmodel"
)

// FindSubfleet reads one subfleet of an airline by the id a link gives; an
// id that is not one, or a subfleet of another airline, is not found.
func (q Querier) FindSubfleet(ctx context.Context, airlineID, subfleetID string) (readmodel.Subfleet, error) {
	id, err := uuid.Parse(subfleetID)
	if err != nil {
		return readmodel.Subfleet{}, domain.Errorf(domain.ENotFound, "There is no such subfleet in this airline.")
	}
	return q.GetSubfleet(ctx, readmodel.GetSubfleetParams{TenantID: airlineID, ID: id})
}

// FindAircraft reads one aircraft of an airline by the id a link gives; an
// id that is not one, or an aircraft of another airline, is not found.
func (q Querier) FindAircraft(ctx context.Context, airlineID, aircraftID string) (readmodel.Aircraft, error) {
	id, err := uuid.Parse(aircraftID)
	if err != nil {
		return readmodel.Aircraft{}, domain.Errorf(domain.ENotFound, "There is no such aircraft in this airline.")
	}
	return q.GetAircraft(ctx, readmodel.GetAircraftParams{TenantID: airlineID, ID: id})
}
