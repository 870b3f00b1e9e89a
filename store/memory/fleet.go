package memory

import (
	"bytes"
	"context"
	"slices"

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

// ListAircraftRegistrations implements readmodel.Querier.
func (m *ReadModels) ListAircraftRegistrations(ctx context.Context, arg readmodel.ListAircraftRegistrationsParams) ([]readmodel.ListAircraftRegistrationsRow, error) {
	m.mu.RLock()
	defer m.mu.RUnlock()
	return m.st.listAircraftRegistrations(ctx, arg)
}

// GetSubfleet implements readmodel.Querier.
func (m *ReadModels) GetSubfleet(ctx context.Context, arg readmodel.GetSubfleetParams) (readmodel.Subfleet, error) {
	m.mu.RLock()
	defer m.mu.RUnlock()
	return m.st.getSubfleet(ctx, arg)
}

// GetAircraftByNumber implements readmodel.Querier.
func (m *ReadModels) GetAircraftByNumber(ctx context.Context, arg readmodel.GetAircraftByNumberParams) (readmodel.Aircraft, error) {
	m.mu.RLock()
	defer m.mu.RUnlock()
	return m.st.getAircraftByNumber(ctx, arg)
}

// GetSubfleetByNumber implements readmodel.Querier.
func (m *ReadModels) GetSubfleetByNumber(ctx context.Context, arg readmodel.GetSubfleetByNumberParams) (readmodel.Subfleet, error) {
	m.mu.RLock()
	defer m.mu.RUnlock()
	return m.st.getSubfleetByNumber(ctx, arg)
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

func (s *state) getAircraftByNumber(ctx context.Context, arg readmodel.GetAircraftByNumberParams) (readmodel.Aircraft, error) {
	if err := ctx.Err(); err != nil {
		return readmodel.Aircraft{}, err
	}
	id, ok := s.aircraftNumbers.find(arg.TenantID, arg.Number)
	if !ok {
		return readmodel.Aircraft{}, readmodel.NotFound("GetAircraftByNumber")
	}
	return s.aircraft[rowKey{arg.TenantID, id}], nil
}

// listAircraftRegistrations looks each id up in the airline's aircraft,
// each once, and answers them by id as PostgreSQL's ORDER BY does.
func (s *state) listAircraftRegistrations(ctx context.Context, arg readmodel.ListAircraftRegistrationsParams) ([]readmodel.ListAircraftRegistrationsRow, error) {
	if err := ctx.Err(); err != nil {
		return nil, err
	}
	var out []readmodel.ListAircraftRegistrationsRow
	seen := make(map[uuid.UUID]bool, len(arg.Ids))
	for _, id := range arg.Ids {
		if seen[id] {
			continue
		}
		seen[id] = true
		if a, ok := s.aircraft[rowKey{arg.TenantID, id}]; ok {
			out = append(out, readmodel.ListAircraftRegistrationsRow{ID: a.ID, Registration: a.Registration})
		}
	}
	s.visited(len(out))
	slices.SortFunc(out, func(a, b readmodel.ListAircraftRegistrationsRow) int { return bytes.Compare(a.ID[:], b.ID[:]) })
	return out, nil
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

func (s *state) getSubfleetByNumber(ctx context.Context, arg readmodel.GetSubfleetByNumberParams) (readmodel.Subfleet, error) {
	if err := ctx.Err(); err != nil {
		return readmodel.Subfleet{}, err
	}
	id, ok := s.subfleetNumbers.find(arg.TenantID, arg.Number)
	if !ok {
		return readmodel.Subfleet{}, readmodel.NotFound("GetSubfleetByNumber")
	}
	return copySubfleet(s.subfleets[rowKey{arg.TenantID, id}]), nil
}

// fleetOrders are the fleet's rows in the list queries' orders, like the
// indexes on (tenant_id, registration), (tenant_id, subfleet_id,
// registration) and (tenant_id, type): every write of s.aircraft and
// s.subfleets goes through putAircraft, dropAircraft and putSubfleet,
// dropSubfleet, which keep them, and the numbers beside them
// (s.aircraftNumbers, s.subfleetNumbers).
type fleetOrders struct {
	aircraft   *sortedRows[string, readmodel.Aircraft] // ORDER BY registration COLLATE "C", id
	bySubfleet *sortedRows[rowKey, readmodel.Aircraft] // the same, per (tenant, subfleet)
	subfleets  *sortedRows[string, readmodel.Subfleet] // ORDER BY type COLLATE "C", id
}

func newFleetOrders() fleetOrders {
	byRegistration := func(a, b *readmodel.Aircraft) bool { return byNameThenID(a.Registration, a.ID, b.Registration, b.ID) }
	return fleetOrders{
		aircraft:   newSortedRows[string](byRegistration),
		bySubfleet: newSortedRows[rowKey](byRegistration),
		subfleets:  newSortedRows[string](func(a, b *readmodel.Subfleet) bool { return byNameThenID(a.Type, a.ID, b.Type, b.ID) }),
	}
}

func (s *state) putAircraft(a readmodel.Aircraft) {
	k := rowKey{a.TenantID, a.ID}
	s.dropAircraft(k)
	s.aircraft[k] = a
	s.fleet.aircraft.put(a.TenantID, a)
	s.fleet.bySubfleet.put(rowKey{a.TenantID, a.SubfleetID}, a)
	s.aircraftNumbers.put(a.TenantID, a.Number, a.ID)
}

func (s *state) dropAircraft(k rowKey) {
	if old, ok := s.aircraft[k]; ok {
		s.fleet.aircraft.remove(old.TenantID, old)
		s.fleet.bySubfleet.remove(rowKey{old.TenantID, old.SubfleetID}, old)
		s.aircraftNumbers.drop(old.TenantID, old.Number)
		delete(s.aircraft, k)
	}
}

func (s *state) putSubfleet(sf readmodel.Subfleet) {
	k := rowKey{sf.TenantID, sf.ID}
	s.dropSubfleet(k)
	s.subfleets[k] = sf
	s.fleet.subfleets.put(sf.TenantID, sf)
	s.subfleetNumbers.put(sf.TenantID, sf.Number, sf.ID)
}

func (s *state) dropSubfleet(k rowKey) {
	if old, ok := s.subfleets[k]; ok {
		s.fleet.subfleets.remove(old.TenantID, old)
		s.subfleetNumbers.drop(old.TenantID, old.Number)
		delete(s.subfleets, k)
	}
}

// listAircraft orders like ORDER BY registration COLLATE "C", id, keeps
// one subfleet's when subfleet is not nil, and returns nil for no rows, as
// the sqlc code does.
func (s *state) listAircraft(ctx context.Context, tenantID string, subfleet *uuid.UUID) ([]readmodel.Aircraft, error) {
	if err := ctx.Err(); err != nil {
		return nil, err
	}
	if subfleet != nil {
		return s.fleet.bySubfleet.list(s, rowKey{tenantID, *subfleet}, same), nil
	}
	return s.fleet.aircraft.list(s, tenantID, same), nil
}

// listSubfleets orders like ORDER BY type COLLATE "C", id and returns nil
// for no rows.
func (s *state) listSubfleets(ctx context.Context, tenantID string) ([]readmodel.Subfleet, error) {
	if err := ctx.Err(); err != nil {
		return nil, err
	}
	return s.fleet.subfleets.list(s, tenantID, copySubfleet), nil
}

// copySubfleet hands out a row with a cost pointer of its own.
func copySubfleet(sf readmodel.Subfleet) readmodel.Subfleet {
	if c := sf.CostBlockHourCents; c != nil {
		sf.CostBlockHourCents = new(int64)
		*sf.CostBlockHourCents = *c
	}
	return sf
}

func (t *tx) DeleteAllAircraft(ctx context.Context) error {
	if err := t.check(ctx); err != nil {
		return err
	}
	old, oldAircraft, oldBySubfleet, oldNumbers := t.st.aircraft, t.st.fleet.aircraft, t.st.fleet.bySubfleet, t.st.aircraftNumbers
	// Every airline's numbers start again at 1, as max(number) of an empty
	// table does.
	t.st.aircraft, t.st.fleet.aircraft, t.st.fleet.bySubfleet, t.st.aircraftNumbers = map[rowKey]readmodel.Aircraft{}, oldAircraft.empty(), oldBySubfleet.empty(), newNumbers()
	t.undo = append(t.undo, func() {
		t.st.aircraft, t.st.fleet.aircraft, t.st.fleet.bySubfleet, t.st.aircraftNumbers = old, oldAircraft, oldBySubfleet, oldNumbers
	})
	return nil
}

func (t *tx) DeleteAllSubfleets(ctx context.Context) error {
	if err := t.check(ctx); err != nil {
		return err
	}
	old, oldOrder, oldNumbers := t.st.subfleets, t.st.fleet.subfleets, t.st.subfleetNumbers
	t.st.subfleets, t.st.fleet.subfleets, t.st.subfleetNumbers = map[rowKey]readmodel.Subfleet{}, oldOrder.empty(), newNumbers()
	t.undo = append(t.undo, func() { t.st.subfleets, t.st.fleet.subfleets, t.st.subfleetNumbers = old, oldOrder, oldNumbers })
	return nil
}

func (t *tx) GetAircraft(ctx context.Context, arg readmodel.GetAircraftParams) (readmodel.Aircraft, error) {
	if err := t.check(ctx); err != nil {
		return readmodel.Aircraft{}, err
	}
	return t.st.getAircraft(ctx, arg)
}

func (t *tx) GetAircraftByNumber(ctx context.Context, arg readmodel.GetAircraftByNumberParams) (readmodel.Aircraft, error) {
	if err := t.check(ctx); err != nil {
		return readmodel.Aircraft{}, err
	}
	return t.st.getAircraftByNumber(ctx, arg)
}

func (t *tx) GetSubfleetByNumber(ctx context.Context, arg readmodel.GetSubfleetByNumberParams) (readmodel.Subfleet, error) {
	if err := t.check(ctx); err != nil {
		return readmodel.Subfleet{}, err
	}
	return t.st.getSubfleetByNumber(ctx, arg)
}

func (t *tx) ListAircraftRegistrations(ctx context.Context, arg readmodel.ListAircraftRegistrationsParams) ([]readmodel.ListAircraftRegistrationsRow, error) {
	if err := t.check(ctx); err != nil {
		return nil, err
	}
	return t.st.listAircraftRegistrations(ctx, arg)
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

// UpsertAircraft inserts or replaces the row with (tenant_id, id). A new
// row takes its airline's next number; a replaced one keeps its own.
func (t *tx) UpsertAircraft(ctx context.Context, arg readmodel.UpsertAircraftParams) error {
	if err := t.check(ctx); err != nil {
		return err
	}
	k := rowKey{arg.TenantID, arg.ID}
	old, existed := t.st.aircraft[k]
	number, giveBack := old.Number, func() {}
	if !existed {
		number, giveBack = t.st.aircraftNumbers.next(arg.TenantID)
	}
	t.st.putAircraft(readmodel.Aircraft{
		TenantID: arg.TenantID, ID: arg.ID, SubfleetID: arg.SubfleetID, Registration: arg.Registration,
		Name: arg.Name, Status: arg.Status, AirportID: arg.AirportID, FlightTime: arg.FlightTime,
		CreatedAt: timestamptz(arg.CreatedAt), UpdatedAt: timestamptz(arg.UpdatedAt), Number: number,
	})
	t.undo = append(t.undo, func() {
		if existed {
			t.st.putAircraft(old)
		} else {
			t.st.dropAircraft(k)
			giveBack()
		}
	})
	return nil
}

// UpsertSubfleet inserts or replaces the row with (tenant_id, id). A new
// row takes its airline's next number; a replaced one keeps its own.
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
	number, giveBack := old.Number, func() {}
	if !existed {
		number, giveBack = t.st.subfleetNumbers.next(arg.TenantID)
	}
	t.st.putSubfleet(readmodel.Subfleet{
		TenantID: arg.TenantID, ID: arg.ID, Type: arg.Type, Icao: arg.Icao, Name: arg.Name, HubID: arg.HubID,
		CostBlockHourCents: cost, Fares: arg.Fares,
		CreatedAt: timestamptz(arg.CreatedAt), UpdatedAt: timestamptz(arg.UpdatedAt), Number: number,
	})
	t.undo = append(t.undo, func() {
		if existed {
			t.st.putSubfleet(old)
		} else {
			t.st.dropSubfleet(k)
			giveBack()
		}
	})
	return nil
}
