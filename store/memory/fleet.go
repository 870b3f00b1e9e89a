package memory

import (
	"bytes"
	"context"
	"slices"
	"strings"

	"github.com/google/uuid"

	"github.com/albatross-va/albatross/store/readmodel"
)

// The fleet read models (queries/fleet.sql) in memory: subfleets and
// aircraft, keyed like their primary keys (tenant_id, id).

// rowKey is a primary key (tenant_id, id).
type rowKey struct {
	tenant string
	id     uuid.UUID
}

// DeleteAllAircraft implements readmodel.Querier.
func (m *ReadModels) DeleteAllAircraft(ctx context.Context) error {
	return m.write(func(t *tx) error { return t.DeleteAllAircraft(ctx) })
}

// DeleteAllSubfleets implements readmodel.Querier.
func (m *ReadModels) DeleteAllSubfleets(ctx context.Context) error {
	return m.write(func(t *tx) error { return t.DeleteAllSubfleets(ctx) })
}

// GetAircraft implements readmodel.Querier.
func (m *ReadModels) GetAircraft(ctx context.Context, arg readmodel.GetAircraftParams) (readmodel.Aircraft, error) {
	m.mu.RLock()
	defer m.mu.RUnlock()
	return m.st.getAircraft(ctx, arg)
}

// GetSubfleet implements readmodel.Querier.
func (m *ReadModels) GetSubfleet(ctx context.Context, arg readmodel.GetSubfleetParams) (readmodel.Subfleet, error) {
	m.mu.RLock()
	defer m.mu.RUnlock()
	return m.st.getSubfleet(ctx, arg)
}

// ListAircraft implements readmodel.Querier.
func (m *ReadModels) ListAircraft(ctx context.Context, tenantID string) ([]readmodel.Aircraft, error) {
	m.mu.RLock()
	defer m.mu.RUnlock()
	return m.st.listAircraft(ctx, tenantID, nil)
}

// ListAircraftBySubfleet implements readmodel.Querier.
func (m *ReadModels) ListAircraftBySubfleet(ctx context.Context, arg readmodel.ListAircraftBySubfleetParams) ([]readmodel.Aircraft, error) {
	m.mu.RLock()
	defer m.mu.RUnlock()
	return m.st.listAircraft(ctx, arg.TenantID, &arg.SubfleetID)
}

// ListSubfleets implements readmodel.Querier.
func (m *ReadModels) ListSubfleets(ctx context.Context, tenantID string) ([]readmodel.Subfleet, error) {
	m.mu.RLock()
	defer m.mu.RUnlock()
	return m.st.listSubfleets(ctx, tenantID)
}

// UpsertAircraft implements readmodel.Querier.
func (m *ReadModels) UpsertAircraft(ctx context.Context, arg readmodel.UpsertAircraftParams) error {
	return m.write(func(t *tx) error { return t.UpsertAircraft(ctx, arg) })
}

// UpsertSubfleet implements readmodel.Querier.
func (m *ReadModels) UpsertSubfleet(ctx context.Context, arg readmodel.UpsertSubfleetParams) error {
	return m.write(func(t *tx) error { return t.UpsertSubfleet(ctx, arg) })
}

func (s *state) getAircraft(ctx context.Context, arg readmodel.GetAircraftParams) (readmodel.Aircraft, error) {
	if err := ctx.Err(); err != nil {
		return readmodel.Aircraft{}, err
	}
	a, ok := s.aircraft[rowKey{arg.TenantID, arg.ID}]
	if !ok {
		return readmodel.Aircraft{}, readmodel.NotFound("GetAircraft")
	}
	return a, nil
}

func (s *state) getSubfleet(ctx context.Context, arg readmodel.GetSubfleetParams) (readmodel.Subfleet, error) {
	if err := ctx.Err(); err != nil {
		return readmodel.Subfleet{}, err
	}
	sf, ok := s.subfleets[rowKey{arg.TenantID, arg.ID}]
	if !ok {
		return readmodel.Subfleet{}, readmodel.NotFound("GetSubfleet")
	}
	return sf, nil
}

// listAircraft orders like ORDER BY registration COLLATE "C", id, keeps
// one subfleet's when subfleet is not nil, and returns nil for no rows, as
// the sqlc code does.
func (s *state) listAircraft(ctx context.Context, tenantID string, subfleet *uuid.UUID) ([]readmodel.Aircraft, error) {
	if err := ctx.Err(); err != nil {
		return nil, err
	}
	var out []readmodel.Aircraft
	for k, a := range s.aircraft {
		if k.tenant == tenantID && (subfleet == nil || a.SubfleetID == *subfleet) {
			out = append(out, a)
		}
	}
	slices.SortFunc(out, func(a, b readmodel.Aircraft) int {
		if c := strings.Compare(a.Registration, b.Registration); c != 0 {
			return c
		}
		return bytes.Compare(a.ID[:], b.ID[:])
	})
	return out, nil
}

// listSubfleets orders like ORDER BY type COLLATE "C", id and returns nil
// for no rows.
func (s *state) listSubfleets(ctx context.Context, tenantID string) ([]readmodel.Subfleet, error) {
	if err := ctx.Err(); err != nil {
		return nil, err
	}
	var out []readmodel.Subfleet
	for k, sf := range s.subfleets {
		if k.tenant == tenantID {
			out = append(out, sf)
		}
	}
	slices.SortFunc(out, func(a, b readmodel.Subfleet) int {
		if c := strings.Compare(a.Type, b.Type); c != 0 {
			return c
		}
		return bytes.Compare(a.ID[:], b.ID[:])
	})
	return out, nil
}

func (t *tx) DeleteAllAircraft(ctx context.Context) error {
	if err := t.check(ctx); err != nil {
		return err
	}
	old := t.st.aircraft
	t.st.aircraft = map[rowKey]readmodel.Aircraft{}
	t.undo = append(t.undo, func() { t.st.aircraft = old })
	return nil
}

func (t *tx) DeleteAllSubfleets(ctx context.Context) error {
	if err := t.check(ctx); err != nil {
		return err
	}
	old := t.st.subfleets
	t.st.subfleets = map[rowKey]readmodel.Subfleet{}
	t.undo = append(t.undo, func() { t.st.subfleets = old })
	return nil
}

func (t *tx) GetAircraft(ctx context.Context, arg readmodel.GetAircraftParams) (readmodel.Aircraft, error) {
	if err := t.check(ctx); err != nil {
		return readmodel.Aircraft{}, err
	}
	return t.st.getAircraft(ctx, arg)
}

func (t *tx) GetSubfleet(ctx context.Context, arg readmodel.GetSubfleetParams) (readmodel.Subfleet, error) {
	if err := t.check(ctx); err != nil {
		return readmodel.Subfleet{}, err
	}
	return t.st.getSubfleet(ctx, arg)
}

func (t *tx) ListAircraft(ctx context.Context, tenantID string) ([]readmodel.Aircraft, error) {
	if err := t.check(ctx); err != nil {
		return nil, err
	}
	return t.st.listAircraft(ctx, tenantID, nil)
}

func (t *tx) ListAircraftBySubfleet(ctx context.Context, arg readmodel.ListAircraftBySubfleetParams) ([]readmodel.Aircraft, error) {
	if err := t.check(ctx); err != nil {
		return nil, err
	}
	return t.st.listAircraft(ctx, arg.TenantID, &arg.SubfleetID)
}

func (t *tx) ListSubfleets(ctx context.Context, tenantID string) ([]readmodel.Subfleet, error) {
	if err := t.check(ctx); err != nil {
		return nil, err
	}
	return t.st.listSubfleets(ctx, tenantID)
}

// UpsertAircraft inserts or replaces the row with (tenant_id, id).
func (t *tx) UpsertAircraft(ctx context.Context, arg readmodel.UpsertAircraftParams) error {
	if err := t.check(ctx); err != nil {
		return err
	}
	k := rowKey{arg.TenantID, arg.ID}
	old, existed := t.st.aircraft[k]
	t.st.aircraft[k] = readmodel.Aircraft{
		TenantID: arg.TenantID, ID: arg.ID, SubfleetID: arg.SubfleetID, Registration: arg.Registration,
		Name: arg.Name, Status: arg.Status, AirportID: arg.AirportID, FlightTime: arg.FlightTime,
		CreatedAt: timestamptz(arg.CreatedAt), UpdatedAt: timestamptz(arg.UpdatedAt),
	}
	t.undo = append(t.undo, func() {
		if existed {
			t.st.aircraft[k] = old
		} else {
			delete(t.st.aircraft, k)
		}
	})
	return nil
}

// UpsertSubfleet inserts or replaces the row with (tenant_id, id).
func (t *tx) UpsertSubfleet(ctx context.Context, arg readmodel.UpsertSubfleetParams) error {
	if err := t.check(ctx); err != nil {
		return err
	}
	var cost *int64 // a copy, so the caller's later changes do not reach the row
	if c := arg.CostBlockHourCents; c != nil {
		cost = new(int64)
		*cost = *c
	}
	k := rowKey{arg.TenantID, arg.ID}
	old, existed := t.st.subfleets[k]
	t.st.subfleets[k] = readmodel.Subfleet{
		TenantID: arg.TenantID, ID: arg.ID, Type: arg.Type, Icao: arg.Icao, Name: arg.Name, HubID: arg.HubID,
		CostBlockHourCents: cost,
		CreatedAt:          timestamptz(arg.CreatedAt), UpdatedAt: timestamptz(arg.UpdatedAt),
	}
	t.undo = append(t.undo, func() {
		if existed {
			t.st.subfleets[k] = old
		} else {
			delete(t.st.subfleets, k)
		}
	})
	return nil
}
