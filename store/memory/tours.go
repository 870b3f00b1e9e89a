package memory

import (
	"bytes"
	"context"
	"slices"
	"strings"

	"github.com/albatross-va/albatross/store/readmodel"
)

// The tours projection (queries/tours.sql) in memory: each airline's tours
// in ListTours' order, each tour's legs in their order, each pilot's legs
// flown by tour and leg, and each tour's completions first finished first.
// Lists are replaced, never changed in place, so a read's copy stays as it
// was.

// setRows replaces the list of k in m (none when empty), with its undo.
func setRows[K comparable, V any](t *tx, m map[K][]V, k K, list []V) {
	old, had := m[k]
	if len(list) == 0 {
		delete(m, k)
	} else {
		m[k] = list
	}
	t.undo = append(t.undo, func() {
		if had {
			m[k] = old
		} else {
			delete(m, k)
		}
	})
}

// resetRows empties a whole table, with its undo.
func resetRows[K comparable, V any](t *tx, table *map[K][]V) {
	old := *table
	*table = map[K][]V{}
	t.undo = append(t.undo, func() { *table = old })
}

func tourOrder(a, b readmodel.Tour) int {
	if c := strings.Compare(a.Name, b.Name); c != 0 {
		return c
	}
	return bytes.Compare(a.ID[:], b.ID[:])
}

func tourLegFlownOrder(a, b readmodel.TourLegsFlown) int {
	if c := bytes.Compare(a.TourID[:], b.TourID[:]); c != 0 {
		return c
	}
	return int(a.N) - int(b.N)
}

func tourCompletionOrder(a, b readmodel.TourCompletion) int {
	if c := a.CompletedAt.Compare(b.CompletedAt); c != 0 {
		return c
	}
	return bytes.Compare(a.UserID[:], b.UserID[:])
}

func (s *state) listTours(ctx context.Context, tenantID string) ([]readmodel.Tour, error) {
	if err := ctx.Err(); err != nil {
		return nil, err
	}
	list := slices.Clone(s.tours[tenantID])
	s.visited(len(list))
	return list, nil
}

func (s *state) getTour(ctx context.Context, arg readmodel.GetTourParams) (readmodel.Tour, error) {
	if err := ctx.Err(); err != nil {
		return readmodel.Tour{}, err
	}
	for _, t := range s.tours[arg.TenantID] {
		if t.ID == arg.ID {
			s.visited(1)
			return t, nil
		}
	}
	return readmodel.Tour{}, readmodel.NotFound("GetTour")
}

func (s *state) listTourLegs(ctx context.Context, arg readmodel.ListTourLegsParams) ([]readmodel.TourLeg, error) {
	if err := ctx.Err(); err != nil {
		return nil, err
	}
	list := slices.Clone(s.tourLegs[rowKey{arg.TenantID, arg.TourID}])
	s.visited(len(list))
	return list, nil
}

func (s *state) listPilotTourLegsFlown(ctx context.Context, arg readmodel.ListPilotTourLegsFlownParams) ([]readmodel.TourLegsFlown, error) {
	if err := ctx.Err(); err != nil {
		return nil, err
	}
	list := slices.Clone(s.tourLegsFlown[rowKey{arg.TenantID, arg.UserID}])
	s.visited(len(list))
	return list, nil
}

func (s *state) listTourCompletions(ctx context.Context, arg readmodel.ListTourCompletionsParams) ([]readmodel.TourCompletion, error) {
	if err := ctx.Err(); err != nil {
		return nil, err
	}
	list := slices.Clone(s.tourCompletions[rowKey{arg.TenantID, arg.TourID}])
	s.visited(len(list))
	return list, nil
}

func (t *tx) UpsertTour(ctx context.Context, arg readmodel.UpsertTourParams) error {
	if err := t.check(ctx); err != nil {
		return err
	}
	row := readmodel.Tour{TenantID: arg.TenantID, ID: arg.ID, Name: arg.Name, Description: arg.Description, AnyOrder: arg.AnyOrder,
		StartsOn: arg.StartsOn, EndsOn: arg.EndsOn, Legs: arg.Legs, UpdatedAt: timestamptz(arg.UpdatedAt)}
	list := slices.DeleteFunc(slices.Clone(t.st.tours[arg.TenantID]), func(r readmodel.Tour) bool { return r.ID == arg.ID })
	list = append(list, row)
	slices.SortFunc(list, tourOrder)
	setRows(t, t.st.tours, arg.TenantID, list)
	return nil
}

func (t *tx) DeleteTour(ctx context.Context, arg readmodel.DeleteTourParams) error {
	if err := t.check(ctx); err != nil {
		return err
	}
	old := t.st.tours[arg.TenantID]
	if !slices.ContainsFunc(old, func(r readmodel.Tour) bool { return r.ID == arg.ID }) {
		return nil
	}
	setRows(t, t.st.tours, arg.TenantID, slices.DeleteFunc(slices.Clone(old), func(r readmodel.Tour) bool { return r.ID == arg.ID }))
	return nil
}

func (t *tx) DeleteAllTours(ctx context.Context) error {
	if err := t.check(ctx); err != nil {
		return err
	}
	resetRows(t, &t.st.tours)
	return nil
}

func (t *tx) InsertTourLeg(ctx context.Context, arg readmodel.InsertTourLegParams) error {
	if err := t.check(ctx); err != nil {
		return err
	}
	k := rowKey{arg.TenantID, arg.TourID}
	list := slices.DeleteFunc(slices.Clone(t.st.tourLegs[k]), func(r readmodel.TourLeg) bool { return r.N == arg.N })
	list = append(list, readmodel.TourLeg(arg))
	slices.SortFunc(list, func(a, b readmodel.TourLeg) int { return int(a.N) - int(b.N) })
	setRows(t, t.st.tourLegs, k, list)
	return nil
}

func (t *tx) DeleteTourLegs(ctx context.Context, arg readmodel.DeleteTourLegsParams) error {
	if err := t.check(ctx); err != nil {
		return err
	}
	setRows(t, t.st.tourLegs, rowKey{arg.TenantID, arg.TourID}, nil)
	return nil
}

func (t *tx) DeleteAllTourLegs(ctx context.Context) error {
	if err := t.check(ctx); err != nil {
		return err
	}
	resetRows(t, &t.st.tourLegs)
	return nil
}

func (t *tx) InsertTourLegFlown(ctx context.Context, arg readmodel.InsertTourLegFlownParams) error {
	if err := t.check(ctx); err != nil {
		return err
	}
	k := rowKey{arg.TenantID, arg.UserID}
	old := t.st.tourLegsFlown[k]
	if slices.ContainsFunc(old, func(r readmodel.TourLegsFlown) bool { return r.TourID == arg.TourID && r.N == arg.N }) {
		return nil
	}
	row := readmodel.TourLegsFlown(arg)
	row.FlownAt = timestamptz(row.FlownAt)
	list := append(slices.Clone(old), row)
	slices.SortFunc(list, tourLegFlownOrder)
	setRows(t, t.st.tourLegsFlown, k, list)
	return nil
}

func (t *tx) DeleteTourLegFlown(ctx context.Context, arg readmodel.DeleteTourLegFlownParams) error {
	if err := t.check(ctx); err != nil {
		return err
	}
	k := rowKey{arg.TenantID, arg.UserID}
	old := t.st.tourLegsFlown[k]
	match := func(r readmodel.TourLegsFlown) bool { return r.TourID == arg.TourID && r.N == arg.N }
	if !slices.ContainsFunc(old, match) {
		return nil
	}
	setRows(t, t.st.tourLegsFlown, k, slices.DeleteFunc(slices.Clone(old), match))
	return nil
}

func (t *tx) DeleteAllTourLegsFlown(ctx context.Context) error {
	if err := t.check(ctx); err != nil {
		return err
	}
	resetRows(t, &t.st.tourLegsFlown)
	return nil
}

func (t *tx) InsertTourCompletion(ctx context.Context, arg readmodel.InsertTourCompletionParams) error {
	if err := t.check(ctx); err != nil {
		return err
	}
	k := rowKey{arg.TenantID, arg.TourID}
	old := t.st.tourCompletions[k]
	if slices.ContainsFunc(old, func(r readmodel.TourCompletion) bool { return r.UserID == arg.UserID }) {
		return nil
	}
	row := readmodel.TourCompletion(arg)
	row.CompletedAt = timestamptz(row.CompletedAt)
	list := append(slices.Clone(old), row)
	slices.SortFunc(list, tourCompletionOrder)
	setRows(t, t.st.tourCompletions, k, list)
	return nil
}

func (t *tx) DeleteTourCompletion(ctx context.Context, arg readmodel.DeleteTourCompletionParams) error {
	if err := t.check(ctx); err != nil {
		return err
	}
	k := rowKey{arg.TenantID, arg.TourID}
	old := t.st.tourCompletions[k]
	match := func(r readmodel.TourCompletion) bool { return r.UserID == arg.UserID }
	if !slices.ContainsFunc(old, match) {
		return nil
	}
	setRows(t, t.st.tourCompletions, k, slices.DeleteFunc(slices.Clone(old), match))
	return nil
}

func (t *tx) DeleteAllTourCompletions(ctx context.Context) error {
	if err := t.check(ctx); err != nil {
		return err
	}
	resetRows(t, &t.st.tourCompletions)
	return nil
}

// ListTours implements readmodel.Querier.
func (m *ReadModels) ListTours(ctx context.Context, tenantID string) ([]readmodel.Tour, error) {
	m.mu.RLock()
	defer m.mu.RUnlock()
	return m.st.listTours(ctx, tenantID)
}

func (t *tx) ListTours(ctx context.Context, tenantID string) ([]readmodel.Tour, error) {
	if err := t.check(ctx); err != nil {
		return nil, err
	}
	return t.st.listTours(ctx, tenantID)
}

// GetTour implements readmodel.Querier.
func (m *ReadModels) GetTour(ctx context.Context, arg readmodel.GetTourParams) (readmodel.Tour, error) {
	m.mu.RLock()
	defer m.mu.RUnlock()
	return m.st.getTour(ctx, arg)
}

func (t *tx) GetTour(ctx context.Context, arg readmodel.GetTourParams) (readmodel.Tour, error) {
	if err := t.check(ctx); err != nil {
		return readmodel.Tour{}, err
	}
	return t.st.getTour(ctx, arg)
}

// ListTourLegs implements readmodel.Querier.
func (m *ReadModels) ListTourLegs(ctx context.Context, arg readmodel.ListTourLegsParams) ([]readmodel.TourLeg, error) {
	m.mu.RLock()
	defer m.mu.RUnlock()
	return m.st.listTourLegs(ctx, arg)
}

func (t *tx) ListTourLegs(ctx context.Context, arg readmodel.ListTourLegsParams) ([]readmodel.TourLeg, error) {
	if err := t.check(ctx); err != nil {
		return nil, err
	}
	return t.st.listTourLegs(ctx, arg)
}

// ListPilotTourLegsFlown implements readmodel.Querier.
func (m *ReadModels) ListPilotTourLegsFlown(ctx context.Context, arg readmodel.ListPilotTourLegsFlownParams) ([]readmodel.TourLegsFlown, error) {
	m.mu.RLock()
	defer m.mu.RUnlock()
	return m.st.listPilotTourLegsFlown(ctx, arg)
}

func (t *tx) ListPilotTourLegsFlown(ctx context.Context, arg readmodel.ListPilotTourLegsFlownParams) ([]readmodel.TourLegsFlown, error) {
	if err := t.check(ctx); err != nil {
		return nil, err
	}
	return t.st.listPilotTourLegsFlown(ctx, arg)
}

// ListTourCompletions implements readmodel.Querier.
func (m *ReadModels) ListTourCompletions(ctx context.Context, arg readmodel.ListTourCompletionsParams) ([]readmodel.TourCompletion, error) {
	m.mu.RLock()
	defer m.mu.RUnlock()
	return m.st.listTourCompletions(ctx, arg)
}

func (t *tx) ListTourCompletions(ctx context.Context, arg readmodel.ListTourCompletionsParams) ([]readmodel.TourCompletion, error) {
	if err := t.check(ctx); err != nil {
		return nil, err
	}
	return t.st.listTourCompletions(ctx, arg)
}

// UpsertTour implements readmodel.Querier.
func (m *ReadModels) UpsertTour(ctx context.Context, arg readmodel.UpsertTourParams) error {
	return m.write(func(t *tx) error { return t.UpsertTour(ctx, arg) })
}

// DeleteTour implements readmodel.Querier.
func (m *ReadModels) DeleteTour(ctx context.Context, arg readmodel.DeleteTourParams) error {
	return m.write(func(t *tx) error { return t.DeleteTour(ctx, arg) })
}

// DeleteAllTours implements readmodel.Querier.
func (m *ReadModels) DeleteAllTours(ctx context.Context) error {
	return m.write(func(t *tx) error { return t.DeleteAllTours(ctx) })
}

// InsertTourLeg implements readmodel.Querier.
func (m *ReadModels) InsertTourLeg(ctx context.Context, arg readmodel.InsertTourLegParams) error {
	return m.write(func(t *tx) error { return t.InsertTourLeg(ctx, arg) })
}

// DeleteTourLegs implements readmodel.Querier.
func (m *ReadModels) DeleteTourLegs(ctx context.Context, arg readmodel.DeleteTourLegsParams) error {
	return m.write(func(t *tx) error { return t.DeleteTourLegs(ctx, arg) })
}

// DeleteAllTourLegs implements readmodel.Querier.
func (m *ReadModels) DeleteAllTourLegs(ctx context.Context) error {
	return m.write(func(t *tx) error { return t.DeleteAllTourLegs(ctx) })
}

// InsertTourLegFlown implements readmodel.Querier.
func (m *ReadModels) InsertTourLegFlown(ctx context.Context, arg readmodel.InsertTourLegFlownParams) error {
	return m.write(func(t *tx) error { return t.InsertTourLegFlown(ctx, arg) })
}

// DeleteTourLegFlown implements readmodel.Querier.
func (m *ReadModels) DeleteTourLegFlown(ctx context.Context, arg readmodel.DeleteTourLegFlownParams) error {
	return m.write(func(t *tx) error { return t.DeleteTourLegFlown(ctx, arg) })
}

// DeleteAllTourLegsFlown implements readmodel.Querier.
func (m *ReadModels) DeleteAllTourLegsFlown(ctx context.Context) error {
	return m.write(func(t *tx) error { return t.DeleteAllTourLegsFlown(ctx) })
}

// InsertTourCompletion implements readmodel.Querier.
func (m *ReadModels) InsertTourCompletion(ctx context.Context, arg readmodel.InsertTourCompletionParams) error {
	return m.write(func(t *tx) error { return t.InsertTourCompletion(ctx, arg) })
}

// DeleteTourCompletion implements readmodel.Querier.
func (m *ReadModels) DeleteTourCompletion(ctx context.Context, arg readmodel.DeleteTourCompletionParams) error {
	return m.write(func(t *tx) error { return t.DeleteTourCompletion(ctx, arg) })
}

// DeleteAllTourCompletions implements readmodel.Querier.
func (m *ReadModels) DeleteAllTourCompletions(ctx context.Context) error {
	return m.write(func(t *tx) error { return t.DeleteAllTourCompletions(ctx) })
}
