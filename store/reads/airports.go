package reads

import (
	"context"

	"github.com/albatross-va/albatross/domain"
	"github.com/albatross-va/albatross/store/readmodel"
)

// AirportChecker answers the domain's question whether an airline has an
// airport from the airline's airport list (the fleet's hubs and locations).
type AirportChecker struct{ Q Querier }

var _ domain.AirportChecker = AirportChecker{}

// AirportExists implements domain.AirportChecker.
func (c AirportChecker) AirportExists(ctx context.Context, tenantID, icao string) (bool, error) {
	_, err := c.Q.GetAirport(ctx, readmodel.GetAirportParams{TenantID: tenantID, Icao: icao})
	switch domain.ErrorCode(err) {
	case "":
		return true, nil
	case domain.ENotFound:
		return false, nil
	}
	return false, err
}
