package memory

import (
	"context"

	"github.com/albatross-va/albatross/domain"
	"github.com/albatross-va/albatross/store/readmodel"
)

// ReadAirlineSetup implements readmodel.Querier.
func (m *ReadModels) ReadAirlineSetup(ctx context.Context, tenantID string) (readmodel.ReadAirlineSetupRow, error) {
	m.mu.RLock()
	defer m.mu.RUnlock()
	return m.st.readAirlineSetup(ctx, tenantID)
}

// readAirlineSetup answers from the airline's own groups of each table, as
// the PostgreSQL probes of (tenant_id, ...) indexes do: it never walks
// another airline's rows. The people are walked to count the pending ones
// (an airline's people, as users_tenant_email reads them).
func (s *state) readAirlineSetup(ctx context.Context, tenantID string) (readmodel.ReadAirlineSetupRow, error) {
	if err := ctx.Err(); err != nil {
		return readmodel.ReadAirlineSetupRow{}, err
	}
	var out readmodel.ReadAirlineSetupRow
	if t := s.usersByTenant.trees[tenantID]; t != nil {
		t.Ascend(func(u *readmodel.User) bool {
			if u.Status == domain.StatusPending {
				out.PendingRegistrations++
			}
			if u.Role == domain.RolePilot {
				out.HasPilot = true
			}
			return true
		})
		s.visited(t.Len())
	}
	out.HasAirport = s.airports[tenantID] != nil && s.airports[tenantID].Len() > 0
	out.HasSubfleet = s.fleet.subfleets.trees[tenantID] != nil
	out.HasAircraft = s.fleet.aircraft.trees[tenantID] != nil
	if f := s.flights.airlines[tenantID]; f != nil {
		out.HasFlight = f.all.len() > 0
	}
	out.HasRank = s.ranksInOrder.trees[tenantID] != nil
	return out, nil
}

// ReadAirlineSetup implements readmodel.Querier inside a batch.
func (t *tx) ReadAirlineSetup(ctx context.Context, tenantID string) (readmodel.ReadAirlineSetupRow, error) {
	if err := t.check(ctx); err != nil {
		return readmodel.ReadAirlineSetupRow{}, err
	}
	return t.st.readAirlineSetup(ctx, tenantID)
}
