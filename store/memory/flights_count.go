package memory

import "context"

// CountActiveFlights implements readmodel.Querier.
func (m *ReadModels) CountActiveFlights(ctx context.Context, tenantID string) (int64, error) {
	m.mu.RLock()
	defer m.mu.RUnlock()
	return m.st.countActiveFlights(ctx, tenantID)
}

// CountActiveFlights implements readmodel.Querier inside a batch.
func (t *tx) CountActiveFlights(ctx context.Context, tenantID string) (int64, error) {
	if err := t.check(ctx); err != nil {
		return 0, err
	}
	return t.st.countActiveFlights(ctx, tenantID)
}

// countActiveFlights walks the airline's own flights only, as the
// PostgreSQL count walks its (tenant_id, ...) index.
func (s *state) countActiveFlights(ctx context.Context, tenantID string) (int64, error) {
	if err := ctx.Err(); err != nil {
		return 0, err
	}
	a := s.flights.airlines[tenantID]
	if a == nil {
		return 0, nil
	}
	var n int64
	a.all.refs.Ascend(func(r flightRef) bool {
		if s.flights.rows[flightKey{tenantID, r.id}].Active {
			n++
		}
		return true
	})
	s.visited(a.all.len())
	return n, nil
}
