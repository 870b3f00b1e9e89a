package memory

import (
	"bytes"
	"context"
	"math"
	"time"

	"github.com/google/uuid"

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

// AddPirepToAircraftTotals implements readmodel.Querier.
func (m *ReadModels) AddPirepToAircraftTotals(ctx context.Context, arg readmodel.AddPirepToAircraftTotalsParams) error {
	return m.write(func(t *tx) error { return t.AddPirepToAircraftTotals(ctx, arg) })
}

// AddPirepToPilotStats implements readmodel.Querier.
func (m *ReadModels) AddPirepToPilotStats(ctx context.Context, arg readmodel.AddPirepToPilotStatsParams) error {
	return m.write(func(t *tx) error { return t.AddPirepToPilotStats(ctx, arg) })
}

// SubtractPirepFromAircraftTotals implements readmodel.Querier.
func (m *ReadModels) SubtractPirepFromAircraftTotals(ctx context.Context, arg readmodel.SubtractPirepFromAircraftTotalsParams) error {
	return m.write(func(t *tx) error { return t.SubtractPirepFromAircraftTotals(ctx, arg) })
}

// SubtractPirepFromPilotStats implements readmodel.Querier.
func (m *ReadModels) SubtractPirepFromPilotStats(ctx context.Context, arg readmodel.SubtractPirepFromPilotStatsParams) error {
	return m.write(func(t *tx) error { return t.SubtractPirepFromPilotStats(ctx, arg) })
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
	return s.totalsInOrder.list(s, tenantID, same), nil
}

// byAircraftID is ListAircraftPirepTotals' ORDER BY aircraft_id, unique
// within an airline.
func byAircraftID(a, b *readmodel.AircraftPirepTotal) bool {
	return bytes.Compare(a.AircraftID[:], b.AircraftID[:]) < 0
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
	if p.LastPirepID != nil {
		c := *p.LastPirepID
		p.LastPirepID = &c
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

// listPendingPireps reads the airline's pending rows in the queue's order
// (pirepIndex.queued, like PostgreSQL's pireps_tenant_state on (tenant_id,
// state, queued_at)) and stops at the page's last, so a page reads its
// offset and its own rows, not every pending row of the airline.
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
	queue := s.pirepIdx.queued[arg.TenantID]
	if queue == nil || arg.Limit == 0 {
		return nil, nil
	}
	if int(arg.Offset) >= queue.Len() {
		return nil, nil
	}
	out := make([]readmodel.Pirep, 0, min(int(arg.Limit), queue.Len()-int(arg.Offset)))
	skip, read := int(arg.Offset), 0
	queue.Ascend(func(p *readmodel.Pirep) bool {
		read++
		if skip > 0 {
			skip--
			return true
		}
		out = append(out, *p)
		return len(out) < int(arg.Limit)
	})
	s.visited(read)
	return out, nil
}

// queuedBefore is the queue's ORDER BY queued_at, id.
func queuedBefore(a, b *readmodel.Pirep) bool {
	if c := a.QueuedAt.Compare(b.QueuedAt); c != 0 {
		return c < 0
	}
	return bytes.Compare(a.ID[:], b.ID[:]) < 0
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

func (t *tx) DeleteAllAircraftPirepTotals(ctx context.Context) error {
	if err := t.check(ctx); err != nil {
		return err
	}
	old, oldOrder := t.st.aircraftTotals, t.st.totalsInOrder
	t.st.aircraftTotals, t.st.totalsInOrder = map[rowKey]readmodel.AircraftPirepTotal{}, oldOrder.empty()
	t.undo = append(t.undo, func() { t.st.aircraftTotals, t.st.totalsInOrder = old, oldOrder })
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

// The running totals, as the statements of queries/pireps.sql: an Add
// adds one accepted PIREP and takes the latest flight when it is later by
// block_on DESC, id; a Subtract takes one out and, when it held the latest
// flight, finds the next among the accepted rows as PostgreSQL does through
// its index (here the pilot's or aircraft's bucket).

// laterThan reports whether (on, id) comes before the held (heldOn, heldID)
// in ORDER BY block_on DESC, id; nothing held is beaten by anything.
func laterThan(on time.Time, id uuid.UUID, heldOn *time.Time, heldID *uuid.UUID) bool {
	if heldID == nil || heldOn == nil {
		return true
	}
	return on.After(*heldOn) || on.Equal(*heldOn) && bytes.Compare(id[:], heldID[:]) < 0
}

// roundedAverage is round(sum::numeric / count), 0 for no count.
func roundedAverage(sum, n int64) int32 {
	if n == 0 {
		return 0
	}
	return int32(math.Round(float64(sum) / float64(n)))
}

// nonZero counts a landing rate that the average takes in.
func nonZero(rate int32) int64 {
	if rate != 0 {
		return 1
	}
	return 0
}

// nextLatest is the accepted row of the bucket latest by block_on DESC,
// id, as the Subtract statements' WITH next; ok is false when none is left.
func (s *state) nextLatest(tenantID string, b *pirepBucket) (l latestRow, ok bool) {
	acc := s.acceptedOf(tenantID, b)
	return acc.latest, acc.flights > 0
}

func (t *tx) AddPirepToPilotStats(ctx context.Context, arg readmodel.AddPirepToPilotStatsParams) error {
	if err := t.check(ctx); err != nil {
		return err
	}
	k := rowKey{arg.TenantID, arg.PilotID}
	old, existed := t.st.pilotStats[k]
	row := old
	if !existed {
		row = readmodel.PilotStat{TenantID: arg.TenantID, PilotID: arg.PilotID}
	}
	t.setPilotStat(k, withPirepInPilotStat(row, arg.FlightTime, arg.LandingRate, arg.BlockOn, arg.PirepID, arg.ArrAirport), old, existed)
	return nil
}

// withPirepInPilotStat is row with one more accepted PIREP added.
func withPirepInPilotStat(row readmodel.PilotStat, flightTime, landingRate int32, blockOn time.Time, pirep uuid.UUID, arr string) readmodel.PilotStat {
	row.Flights++
	row.Minutes += int64(flightTime)
	row.LandingRateSum += int64(landingRate)
	row.LandingRates += nonZero(landingRate)
	row.LandingRate = roundedAverage(row.LandingRateSum, row.LandingRates)
	on := timestamptz(blockOn)
	if laterThan(on, pirep, row.LastFlight, row.LastPirepID) {
		row.LastFlight, row.Location, row.LastPirepID = &on, arr, &pirep
	}
	return row
}

func (t *tx) SubtractPirepFromPilotStats(ctx context.Context, arg readmodel.SubtractPirepFromPilotStatsParams) error {
	if err := t.check(ctx); err != nil {
		return err
	}
	k := rowKey{arg.TenantID, arg.PilotID}
	old, existed := t.st.pilotStats[k]
	if !existed {
		return nil // an UPDATE of no row
	}
	row := old
	row.Flights--
	row.Minutes -= int64(arg.FlightTime)
	row.LandingRateSum -= int64(arg.LandingRate)
	row.LandingRates -= nonZero(arg.LandingRate)
	row.LandingRate = roundedAverage(row.LandingRateSum, row.LandingRates)
	if row.LastPirepID != nil && *row.LastPirepID == arg.PirepID {
		row.LastFlight, row.Location, row.LastPirepID = nil, "", nil
		if l, ok := t.st.nextLatest(arg.TenantID, t.st.pirepIdx.byPilot[k]); ok {
			on, id := l.blockOn, l.id
			row.LastFlight, row.Location, row.LastPirepID = &on, l.arrAirport, &id
		}
	}
	t.setPilotStat(k, row, old, existed)
	return nil
}

func (t *tx) setPilotStat(k rowKey, row, old readmodel.PilotStat, existed bool) {
	t.st.pilotStats[k] = row
	t.undo = append(t.undo, func() {
		if existed {
			t.st.pilotStats[k] = old
		} else {
			delete(t.st.pilotStats, k)
		}
	})
}

func (t *tx) AddPirepToAircraftTotals(ctx context.Context, arg readmodel.AddPirepToAircraftTotalsParams) error {
	if err := t.check(ctx); err != nil {
		return err
	}
	k := rowKey{arg.TenantID, arg.AircraftID}
	old, existed := t.st.aircraftTotals[k]
	row := old
	if !existed {
		row = readmodel.AircraftPirepTotal{TenantID: arg.TenantID, AircraftID: arg.AircraftID}
	}
	t.setAircraftTotal(k, withPirepInAircraftTotal(row, arg.FlightTime, arg.BlockOn, arg.PirepID, arg.ArrAirport), old, existed)
	return nil
}

// withPirepInAircraftTotal is row with one more accepted PIREP added.
func withPirepInAircraftTotal(row readmodel.AircraftPirepTotal, flightTime int32, blockOn time.Time, pirep uuid.UUID, arr string) readmodel.AircraftPirepTotal {
	row.Flights++
	row.Minutes += int64(flightTime)
	on := timestamptz(blockOn)
	if laterThan(on, pirep, row.LastBlockOn, row.LastPirepID) {
		row.LastBlockOn, row.Location, row.LastPirepID = &on, arr, &pirep
	}
	return row
}

// recountTotals sets every pilot's and aircraft's totals from the accepted
// rows, as RecountPireps does on PostgreSQL after a rebuild; the totals
// kept PIREP by PIREP come out the same.
func (t *tx) recountTotals() {
	pilots := map[rowKey]readmodel.PilotStat{}
	aircraft := map[rowKey]readmodel.AircraftPirepTotal{}
	for _, p := range t.st.pireps {
		if p.State != domain.PirepAccepted {
			continue
		}
		pk, ak := rowKey{p.TenantID, p.PilotID}, rowKey{p.TenantID, p.AircraftID}
		ps, ok := pilots[pk]
		if !ok {
			ps = readmodel.PilotStat{TenantID: p.TenantID, PilotID: p.PilotID}
		}
		pilots[pk] = withPirepInPilotStat(ps, p.FlightTime, p.LandingRate, p.BlockOn, p.ID, p.ArrAirport)
		at, ok := aircraft[ak]
		if !ok {
			at = readmodel.AircraftPirepTotal{TenantID: p.TenantID, AircraftID: p.AircraftID}
		}
		aircraft[ak] = withPirepInAircraftTotal(at, p.FlightTime, p.BlockOn, p.ID, p.ArrAirport)
	}
	t.st.visited(len(t.st.pireps))
	for k, row := range pilots {
		old, existed := t.st.pilotStats[k]
		t.setPilotStat(k, row, old, existed)
	}
	for k, row := range aircraft {
		old, existed := t.st.aircraftTotals[k]
		t.setAircraftTotal(k, row, old, existed)
	}
}

func (t *tx) SubtractPirepFromAircraftTotals(ctx context.Context, arg readmodel.SubtractPirepFromAircraftTotalsParams) error {
	if err := t.check(ctx); err != nil {
		return err
	}
	k := rowKey{arg.TenantID, arg.AircraftID}
	old, existed := t.st.aircraftTotals[k]
	if !existed {
		return nil
	}
	row := old
	row.Flights--
	row.Minutes -= int64(arg.FlightTime)
	if row.LastPirepID != nil && *row.LastPirepID == arg.PirepID {
		row.LastBlockOn, row.Location, row.LastPirepID = nil, "", nil
		if l, ok := t.st.nextLatest(arg.TenantID, t.st.pirepIdx.byAircraft[k]); ok {
			on, id := l.blockOn, l.id
			row.LastBlockOn, row.Location, row.LastPirepID = &on, l.arrAirport, &id
		}
	}
	t.setAircraftTotal(k, row, old, existed)
	return nil
}

func (t *tx) setAircraftTotal(k rowKey, row, old readmodel.AircraftPirepTotal, existed bool) {
	t.st.putAircraftTotal(k, row)
	t.undo = append(t.undo, func() {
		if existed {
			t.st.putAircraftTotal(k, old)
		} else {
			t.st.dropAircraftTotal(k)
		}
	})
}

// putAircraftTotal stores the row and keeps totalsInOrder; every write of
// s.aircraftTotals goes through it and dropAircraftTotal.
func (s *state) putAircraftTotal(k rowKey, row readmodel.AircraftPirepTotal) {
	s.dropAircraftTotal(k)
	s.aircraftTotals[k] = row
	s.totalsInOrder.put(k.tenant, row)
}

func (s *state) dropAircraftTotal(k rowKey) {
	if old, ok := s.aircraftTotals[k]; ok {
		s.totalsInOrder.remove(k.tenant, old)
		delete(s.aircraftTotals, k)
	}
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
	if row.LastPositionAt != nil {
		at := timestamptz(*row.LastPositionAt)
		row.LastPositionAt = &at
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
