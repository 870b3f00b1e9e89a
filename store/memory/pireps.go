package memory

import (
	"bytes"
	"container/heap"
	"context"
	"slices"
	"time"

	"github.com/albatross-va/albatross/domain"
	"github.com/albatross-va/albatross/store/readmodel"
)

// The PIREP read models (queries/pireps.sql) in memory: the reports keyed
// by (tenant_id, id), and the pilots' and aircraft's totals from accepted
// reports keyed by (tenant_id, pilot_id) and (tenant_id, aircraft_id).

// DeleteAllAircraftPirepTotals implements readmodel.Querier.
func (m *ReadModels) DeleteAllAircraftPirepTotals(ctx context.Context) error {
	return m.write(func(t *tx) error { return t.DeleteAllAircraftPirepTotals(ctx) })
}

// DeleteAllPilotStats implements readmodel.Querier.
func (m *ReadModels) DeleteAllPilotStats(ctx context.Context) error {
	return m.write(func(t *tx) error { return t.DeleteAllPilotStats(ctx) })
}

// DeleteAllPireps implements readmodel.Querier.
func (m *ReadModels) DeleteAllPireps(ctx context.Context) error {
	return m.write(func(t *tx) error { return t.DeleteAllPireps(ctx) })
}

// GetAircraftPirepTotals implements readmodel.Querier.
func (m *ReadModels) GetAircraftPirepTotals(ctx context.Context, arg readmodel.GetAircraftPirepTotalsParams) (readmodel.AircraftPirepTotal, error) {
	m.mu.RLock()
	defer m.mu.RUnlock()
	return m.st.getAircraftPirepTotals(ctx, arg)
}

// GetPilotStats implements readmodel.Querier.
func (m *ReadModels) GetPilotStats(ctx context.Context, arg readmodel.GetPilotStatsParams) (readmodel.PilotStat, error) {
	m.mu.RLock()
	defer m.mu.RUnlock()
	return m.st.getPilotStats(ctx, arg)
}

// GetPirep implements readmodel.Querier.
func (m *ReadModels) GetPirep(ctx context.Context, arg readmodel.GetPirepParams) (readmodel.Pirep, error) {
	m.mu.RLock()
	defer m.mu.RUnlock()
	return m.st.getPirep(ctx, arg)
}

// ListPendingPireps implements readmodel.Querier.
func (m *ReadModels) ListPendingPireps(ctx context.Context, arg readmodel.ListPendingPirepsParams) ([]readmodel.Pirep, error) {
	m.mu.RLock()
	defer m.mu.RUnlock()
	return m.st.listPendingPireps(ctx, arg)
}

// ListPirepsByAirline implements readmodel.Querier.
func (m *ReadModels) ListPirepsByAirline(ctx context.Context, arg readmodel.ListPirepsByAirlineParams) ([]readmodel.Pirep, error) {
	m.mu.RLock()
	defer m.mu.RUnlock()
	return m.st.listPirepsByAirline(ctx, arg)
}

// ListPirepsByPilot implements readmodel.Querier.
func (m *ReadModels) ListPirepsByPilot(ctx context.Context, arg readmodel.ListPirepsByPilotParams) ([]readmodel.Pirep, error) {
	m.mu.RLock()
	defer m.mu.RUnlock()
	return m.st.listPirepsByPilot(ctx, arg)
}

// RecalculateAircraftPirepTotals implements readmodel.Querier.
func (m *ReadModels) RecalculateAircraftPirepTotals(ctx context.Context, arg readmodel.RecalculateAircraftPirepTotalsParams) error {
	return m.write(func(t *tx) error { return t.RecalculateAircraftPirepTotals(ctx, arg) })
}

// RecalculatePilotStats implements readmodel.Querier.
func (m *ReadModels) RecalculatePilotStats(ctx context.Context, arg readmodel.RecalculatePilotStatsParams) error {
	return m.write(func(t *tx) error { return t.RecalculatePilotStats(ctx, arg) })
}

// UpsertPirep implements readmodel.Querier.
func (m *ReadModels) UpsertPirep(ctx context.Context, arg readmodel.UpsertPirepParams) error {
	return m.write(func(t *tx) error { return t.UpsertPirep(ctx, arg) })
}

// ListAircraftPirepTotals implements readmodel.Querier.
func (m *ReadModels) ListAircraftPirepTotals(ctx context.Context, tenantID string) ([]readmodel.AircraftPirepTotal, error) {
	m.mu.RLock()
	defer m.mu.RUnlock()
	return m.st.listAircraftPirepTotals(ctx, tenantID)
}

func (t *tx) ListAircraftPirepTotals(ctx context.Context, tenantID string) ([]readmodel.AircraftPirepTotal, error) {
	if err := t.check(ctx); err != nil {
		return nil, err
	}
	return t.st.listAircraftPirepTotals(ctx, tenantID)
}

func (s *state) listAircraftPirepTotals(ctx context.Context, tenantID string) ([]readmodel.AircraftPirepTotal, error) {
	if err := ctx.Err(); err != nil {
		return nil, err
	}
	var out []readmodel.AircraftPirepTotal
	for k, a := range s.aircraftTotals {
		if k.tenant == tenantID {
			out = append(out, a)
		}
	}
	slices.SortFunc(out, func(a, b readmodel.AircraftPirepTotal) int { return bytes.Compare(a.AircraftID[:], b.AircraftID[:]) })
	return out, nil
}

func (s *state) getAircraftPirepTotals(ctx context.Context, arg readmodel.GetAircraftPirepTotalsParams) (readmodel.AircraftPirepTotal, error) {
	if err := ctx.Err(); err != nil {
		return readmodel.AircraftPirepTotal{}, err
	}
	a, ok := s.aircraftTotals[rowKey{arg.TenantID, arg.AircraftID}]
	if !ok {
		return readmodel.AircraftPirepTotal{}, readmodel.NotFound("GetAircraftPirepTotals")
	}
	return a, nil
}

func (s *state) getPilotStats(ctx context.Context, arg readmodel.GetPilotStatsParams) (readmodel.PilotStat, error) {
	if err := ctx.Err(); err != nil {
		return readmodel.PilotStat{}, err
	}
	p, ok := s.pilotStats[rowKey{arg.TenantID, arg.PilotID}]
	if !ok {
		return readmodel.PilotStat{}, readmodel.NotFound("GetPilotStats")
	}
	if p.LastFlight != nil {
		c := *p.LastFlight
		p.LastFlight = &c
	}
	return p, nil
}

func (s *state) getPirep(ctx context.Context, arg readmodel.GetPirepParams) (readmodel.Pirep, error) {
	if err := ctx.Err(); err != nil {
		return readmodel.Pirep{}, err
	}
	p, ok := s.pireps[rowKey{arg.TenantID, arg.ID}]
	if !ok {
		return readmodel.Pirep{}, readmodel.NotFound("GetPirep")
	}
	return *p, nil
}

// listPendingPireps reads the airline's pending rows only (the (tenant,
// state) index) and keeps the first offset+limit by queued_at, id in a
// heap rather than copying and sorting them all.
func (s *state) listPendingPireps(ctx context.Context, arg readmodel.ListPendingPirepsParams) ([]readmodel.Pirep, error) {
	if err := ctx.Err(); err != nil {
		return nil, err
	}
	if arg.Limit < 0 {
		return nil, negativeLimit()
	}
	if arg.Offset < 0 {
		return nil, negativeOffset()
	}
	k := int(arg.Offset) + int(arg.Limit)
	if k <= 0 {
		return nil, nil
	}
	h := &queueHeap{}
	for _, p := range s.pirepIdx.byState[stateKey{arg.TenantID, "pending"}] {
		if len(h.rows) < k {
			heap.Push(h, p)
		} else if queuedBefore(p, h.rows[0]) {
			h.rows[0] = p
			heap.Fix(h, 0)
		}
	}
	if len(h.rows) <= int(arg.Offset) {
		return nil, nil
	}
	slices.SortFunc(h.rows, func(a, b *readmodel.Pirep) int {
		if queuedBefore(a, b) {
			return -1
		}
		return 1
	})
	out := make([]readmodel.Pirep, 0, len(h.rows)-int(arg.Offset))
	for _, p := range h.rows[arg.Offset:] {
		out = append(out, *p)
	}
	return out, nil
}

// queuedBefore is the queue's ORDER BY queued_at, id.
func queuedBefore(a, b *readmodel.Pirep) bool {
	if c := a.QueuedAt.Compare(b.QueuedAt); c != 0 {
		return c < 0
	}
	return bytes.Compare(a.ID[:], b.ID[:]) < 0
}

// queueHeap holds the rows that come first in the queue so far, the last
// of them on top.
type queueHeap struct{ rows []*readmodel.Pirep }

func (h *queueHeap) Len() int           { return len(h.rows) }
func (h *queueHeap) Less(i, j int) bool { return queuedBefore(h.rows[j], h.rows[i]) }
func (h *queueHeap) Swap(i, j int)      { h.rows[i], h.rows[j] = h.rows[j], h.rows[i] }
func (h *queueHeap) Push(x any)         { h.rows = append(h.rows, x.(*readmodel.Pirep)) }
func (h *queueHeap) Pop() any {
	last := h.rows[len(h.rows)-1]
	h.rows = h.rows[:len(h.rows)-1]
	return last
}

func (s *state) listPirepsByPilot(ctx context.Context, arg readmodel.ListPirepsByPilotParams) ([]readmodel.Pirep, error) {
	if err := ctx.Err(); err != nil {
		return nil, err
	}
	if arg.Limit < 0 {
		return nil, negativeLimit()
	}
	t := s.pirepIdx.pilotNewest[rowKey{arg.TenantID, arg.PilotID}]
	if t == nil || arg.Limit == 0 {
		return nil, nil
	}
	out := make([]readmodel.Pirep, 0, min(int(arg.Limit), t.Len()))
	t.Ascend(func(p *readmodel.Pirep) bool {
		out = append(out, *p)
		return len(out) < int(arg.Limit)
	})
	s.visited(len(out))
	return out, nil
}

func (s *state) listPirepsByAirline(ctx context.Context, arg readmodel.ListPirepsByAirlineParams) ([]readmodel.Pirep, error) {
	return s.listPirepsSorted(ctx, arg, orderNewest)
}

// page applies OFFSET and LIMIT, and returns nil for no rows.
func page(rows []readmodel.Pirep, offset, limit int32) []readmodel.Pirep {
	if int(offset) >= len(rows) {
		return nil
	}
	rows = rows[offset:]
	if int(limit) < len(rows) {
		rows = rows[:limit]
	}
	if len(rows) == 0 {
		return nil
	}
	return rows
}

func (t *tx) DeleteAllAircraftPirepTotals(ctx context.Context) error {
	if err := t.check(ctx); err != nil {
		return err
	}
	old := t.st.aircraftTotals
	t.st.aircraftTotals = map[rowKey]readmodel.AircraftPirepTotal{}
	t.undo = append(t.undo, func() { t.st.aircraftTotals = old })
	return nil
}

func (t *tx) DeleteAllPilotStats(ctx context.Context) error {
	if err := t.check(ctx); err != nil {
		return err
	}
	old := t.st.pilotStats
	t.st.pilotStats = map[rowKey]readmodel.PilotStat{}
	t.undo = append(t.undo, func() { t.st.pilotStats = old })
	return nil
}

func (t *tx) DeleteAllPireps(ctx context.Context) error {
	if err := t.check(ctx); err != nil {
		return err
	}
	old, oldIdx := t.st.pireps, t.st.pirepIdx
	t.st.pireps, t.st.pirepIdx = map[rowKey]*readmodel.Pirep{}, newPirepIndex()
	t.undo = append(t.undo, func() { t.st.pireps, t.st.pirepIdx = old, oldIdx })
	return nil
}

func (t *tx) GetAircraftPirepTotals(ctx context.Context, arg readmodel.GetAircraftPirepTotalsParams) (readmodel.AircraftPirepTotal, error) {
	if err := t.check(ctx); err != nil {
		return readmodel.AircraftPirepTotal{}, err
	}
	return t.st.getAircraftPirepTotals(ctx, arg)
}

func (t *tx) GetPilotStats(ctx context.Context, arg readmodel.GetPilotStatsParams) (readmodel.PilotStat, error) {
	if err := t.check(ctx); err != nil {
		return readmodel.PilotStat{}, err
	}
	return t.st.getPilotStats(ctx, arg)
}

func (t *tx) GetPirep(ctx context.Context, arg readmodel.GetPirepParams) (readmodel.Pirep, error) {
	if err := t.check(ctx); err != nil {
		return readmodel.Pirep{}, err
	}
	return t.st.getPirep(ctx, arg)
}

func (t *tx) ListPendingPireps(ctx context.Context, arg readmodel.ListPendingPirepsParams) ([]readmodel.Pirep, error) {
	if err := t.check(ctx); err != nil {
		return nil, err
	}
	return t.st.listPendingPireps(ctx, arg)
}

func (t *tx) ListPirepsByAirline(ctx context.Context, arg readmodel.ListPirepsByAirlineParams) ([]readmodel.Pirep, error) {
	if err := t.check(ctx); err != nil {
		return nil, err
	}
	out, err := t.st.listPirepsByAirline(ctx, arg)
	return out, t.fail(err)
}

func (t *tx) ListPirepsByPilot(ctx context.Context, arg readmodel.ListPirepsByPilotParams) ([]readmodel.Pirep, error) {
	if err := t.check(ctx); err != nil {
		return nil, err
	}
	out, err := t.st.listPirepsByPilot(ctx, arg)
	return out, t.fail(err)
}

// RecalculateAircraftPirepTotals sets the aircraft's row from its
// accepted PIREPs, as the INSERT … SELECT … ON CONFLICT statement does.
func (t *tx) RecalculateAircraftPirepTotals(ctx context.Context, arg readmodel.RecalculateAircraftPirepTotalsParams) error {
	if err := t.check(ctx); err != nil {
		return err
	}
	acc := t.st.acceptedOf(arg.TenantID, t.st.pirepIdx.byAircraft[rowKey{arg.TenantID, arg.AircraftID}])
	row := readmodel.AircraftPirepTotal{TenantID: arg.TenantID, AircraftID: arg.AircraftID, Flights: acc.flights, Minutes: acc.minutes}
	if acc.flights > 0 {
		row.Location = acc.latest.arrAirport
	}
	k := rowKey{arg.TenantID, arg.AircraftID}
	old, existed := t.st.aircraftTotals[k]
	t.st.aircraftTotals[k] = row
	t.undo = append(t.undo, func() {
		if existed {
			t.st.aircraftTotals[k] = old
		} else {
			delete(t.st.aircraftTotals, k)
		}
	})
	return nil
}

// RecalculatePilotStats sets the pilot's row from their accepted PIREPs,
// as the INSERT … SELECT … ON CONFLICT statement does.
func (t *tx) RecalculatePilotStats(ctx context.Context, arg readmodel.RecalculatePilotStatsParams) error {
	if err := t.check(ctx); err != nil {
		return err
	}
	acc := t.st.acceptedOf(arg.TenantID, t.st.pirepIdx.byPilot[rowKey{arg.TenantID, arg.PilotID}])
	row := readmodel.PilotStat{TenantID: arg.TenantID, PilotID: arg.PilotID, Flights: acc.flights, Minutes: acc.minutes, LandingRate: acc.landingRate()}
	if acc.flights > 0 {
		last := acc.latest.blockOn
		row.LastFlight, row.Location = &last, acc.latest.arrAirport
	}
	k := rowKey{arg.TenantID, arg.PilotID}
	old, existed := t.st.pilotStats[k]
	t.st.pilotStats[k] = row
	t.undo = append(t.undo, func() {
		if existed {
			t.st.pilotStats[k] = old
		} else {
			delete(t.st.pilotStats, k)
		}
	})
	return nil
}

// UpsertPirep inserts or replaces the row with (tenant_id, id).
func (t *tx) UpsertPirep(ctx context.Context, arg readmodel.UpsertPirepParams) error {
	if err := t.check(ctx); err != nil {
		return err
	}
	row := readmodel.Pirep(arg)
	for _, ts := range []*time.Time{&row.BlockOff, &row.BlockOn, &row.FiledAt, &row.QueuedAt, &row.UpdatedAt} {
		*ts = timestamptz(*ts)
	}
	k := rowKey{arg.TenantID, arg.ID}
	old, existed := t.st.pireps[k]
	t.st.setPirep(&row)
	t.undo = append(t.undo, func() {
		if existed {
			t.st.setPirep(old)
		} else {
			t.st.deletePirep(k)
		}
	})
	return nil
}

// negativeLimit and negativeOffset refuse what PostgreSQL refuses (SQLSTATE
// 2201W and 2201X); like PostgreSQL's, they abort a batch.
func negativeLimit() error {
	return domain.Errorf(domain.EInvalid, "The page size must not be negative.")
}

func negativeOffset() error {
	return domain.Errorf(domain.EInvalid, "The page offset must not be negative.")
}
