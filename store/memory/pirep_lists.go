package memory

import (
	"bytes"
	"cmp"
	"container/heap"
	"context"
	"slices"
	"time"

	"github.com/google/uuid"

	"github.com/albatross-va/albatross/store/readmodel"
)

// The airline-wide read pages (queries/pirep_lists.sql) in memory: the
// staff's PIREP list in its other orders and its count, the roster, and the
// airline's statistics.

// CountPirepsByAirline implements readmodel.Querier.
func (m *ReadModels) CountPirepsByAirline(ctx context.Context, arg readmodel.CountPirepsByAirlineParams) (int64, error) {
	m.mu.RLock()
	defer m.mu.RUnlock()
	return m.st.countPirepsByAirline(ctx, arg)
}

// SumAirlineFlights implements readmodel.Querier.
func (m *ReadModels) SumAirlineFlights(ctx context.Context, tenantID string) (readmodel.SumAirlineFlightsRow, error) {
	m.mu.RLock()
	defer m.mu.RUnlock()
	return m.st.sumAirlineFlights(ctx, tenantID)
}

// SumAirlineFlightsBetween implements readmodel.Querier.
func (m *ReadModels) SumAirlineFlightsBetween(ctx context.Context, arg readmodel.SumAirlineFlightsBetweenParams) (readmodel.SumAirlineFlightsBetweenRow, error) {
	m.mu.RLock()
	defer m.mu.RUnlock()
	return m.st.sumAirlineFlightsBetween(ctx, arg)
}

// ListPirepsByAirlineLongest implements readmodel.Querier.
func (m *ReadModels) ListPirepsByAirlineLongest(ctx context.Context, arg readmodel.ListPirepsByAirlineLongestParams) ([]readmodel.Pirep, error) {
	m.mu.RLock()
	defer m.mu.RUnlock()
	return m.st.listPirepsSorted(ctx, readmodel.ListPirepsByAirlineParams(arg), orderLongest)
}

// ListPirepsByAirlineOldest implements readmodel.Querier.
func (m *ReadModels) ListPirepsByAirlineOldest(ctx context.Context, arg readmodel.ListPirepsByAirlineOldestParams) ([]readmodel.Pirep, error) {
	m.mu.RLock()
	defer m.mu.RUnlock()
	return m.st.listPirepsSorted(ctx, readmodel.ListPirepsByAirlineParams(arg), orderOldest)
}

// ListTopPilotsBetween implements readmodel.Querier.
func (m *ReadModels) ListTopPilotsBetween(ctx context.Context, arg readmodel.ListTopPilotsBetweenParams) ([]readmodel.ListTopPilotsBetweenRow, error) {
	m.mu.RLock()
	defer m.mu.RUnlock()
	return m.st.listTopPilotsBetween(ctx, arg)
}

// airlineFilter is the WHERE clause the list queries share.
func airlineFilter(arg readmodel.ListPirepsByAirlineParams) func(p *readmodel.Pirep) bool {
	// pgx sends times to the microsecond, as they are stored.
	from, to := timestamptz(arg.FromTime), timestamptz(arg.ToTime)
	return func(p *readmodel.Pirep) bool {
		return (arg.State == "" || p.State == arg.State) &&
			(arg.PilotID == uuid.Nil || p.PilotID == arg.PilotID) &&
			(arg.Airport == "" || p.DptAirport == arg.Airport || p.ArrAirport == arg.Airport) &&
			(arg.AircraftID == uuid.Nil || p.AircraftID == arg.AircraftID) &&
			!p.BlockOff.Before(from) && p.BlockOff.Before(to)
	}
}

func (s *state) listPirepsSorted(ctx context.Context, arg readmodel.ListPirepsByAirlineParams, order listOrder) ([]readmodel.Pirep, error) {
	if err := ctx.Err(); err != nil {
		return nil, err
	}
	if arg.RowLimit < 0 {
		return nil, negativeLimit()
	}
	if arg.RowOffset < 0 {
		return nil, negativeOffset()
	}
	return s.firstPireps(arg, order, int(arg.RowOffset), int(arg.RowLimit)), nil
}

// firstPireps returns rows [offset, offset+limit) in order of the tenant's
// PIREPs that the list's filter keeps, nil for none. A filter of a pilot
// or an aircraft reads that index bucket (hundreds of rows) and keeps only
// the first offset+limit in a heap rather than sorting every row; any
// other reads the tenant's or the state's rows already in order and stops
// at the page's last row, so a first page costs the same at 100,000
// PIREPs as at 1,000 unless the filter keeps few of them.
func (s *state) firstPireps(arg readmodel.ListPirepsByAirlineParams, order listOrder, offset, limit int) []readmodel.Pirep {
	k := offset + limit
	if k <= 0 {
		return nil
	}
	keep := airlineFilter(arg)
	if arg.PilotID == uuid.Nil && arg.AircraftID == uuid.Nil {
		o := s.orders(arg.TenantID, arg.State)
		if o == nil {
			return nil
		}
		var out []readmodel.Pirep
		skip := offset
		o.in(order).Ascend(func(p *readmodel.Pirep) bool {
			s.visited(1)
			if !keep(p) {
				return true
			}
			if skip > 0 {
				skip--
				return true
			}
			out = append(out, *p)
			return len(out) < limit
		})
		return out
	}
	h := &pirepHeap{order: order}
	for _, p := range s.candidates(arg) {
		s.visited(1)
		if !keep(p) {
			continue
		}
		if len(h.rows) < k {
			heap.Push(h, p)
		} else if order.compare(p, h.rows[0]) < 0 {
			h.rows[0] = p
			heap.Fix(h, 0)
		}
	}
	if len(h.rows) <= offset {
		return nil
	}
	slices.SortFunc(h.rows, order.compare)
	out := make([]readmodel.Pirep, 0, len(h.rows)-offset)
	for _, p := range h.rows[offset:] {
		out = append(out, *p)
	}
	return out
}

// pirepHeap holds the rows that come first so far, the last of them on
// top, so a row that comes before it replaces it.
type pirepHeap struct {
	rows  []*readmodel.Pirep
	order listOrder
}

func (h *pirepHeap) Len() int           { return len(h.rows) }
func (h *pirepHeap) Less(i, j int) bool { return h.order.compare(h.rows[i], h.rows[j]) > 0 }
func (h *pirepHeap) Swap(i, j int)      { h.rows[i], h.rows[j] = h.rows[j], h.rows[i] }
func (h *pirepHeap) Push(x any)         { h.rows = append(h.rows, x.(*readmodel.Pirep)) }
func (h *pirepHeap) Pop() any {
	last := h.rows[len(h.rows)-1]
	h.rows = h.rows[:len(h.rows)-1]
	return last
}

// countPirepsByAirline counts as the statement does. A filter of the
// state alone, or of nothing, over dates that every such row's block-off
// is within (the list without dates asks for years 1000 to 3000) is the
// size of the state's or the tenant's rows; any other filter counts the
// rows it keeps.
func (s *state) countPirepsByAirline(ctx context.Context, arg readmodel.CountPirepsByAirlineParams) (int64, error) {
	if err := ctx.Err(); err != nil {
		return 0, err
	}
	list := readmodel.ListPirepsByAirlineParams{TenantID: arg.TenantID, State: arg.State, PilotID: arg.PilotID,
		Airport: arg.Airport, AircraftID: arg.AircraftID, FromTime: arg.FromTime, ToTime: arg.ToTime}
	if arg.PilotID == uuid.Nil && arg.AircraftID == uuid.Nil && arg.Airport == "" {
		o := s.orders(arg.TenantID, arg.State)
		if o == nil {
			return 0, nil
		}
		if o.within(timestamptz(arg.FromTime), timestamptz(arg.ToTime)) {
			return int64(o.newest.Len()), nil
		}
	}
	keep := airlineFilter(list)
	var n int64
	for _, p := range s.candidates(list) {
		s.visited(1)
		if keep(p) {
			n++
		}
	}
	return n, nil
}

func (s *state) sumAirlineFlights(ctx context.Context, tenantID string) (readmodel.SumAirlineFlightsRow, error) {
	if err := ctx.Err(); err != nil {
		return readmodel.SumAirlineFlightsRow{}, err
	}
	var out readmodel.SumAirlineFlightsRow
	for k, st := range s.pilotStats {
		if k.tenant == tenantID {
			out.Flights += st.Flights
			out.Minutes += st.Minutes
		}
	}
	return out, nil
}

// eachAcceptedBetween calls fn with each of the tenant's accepted PIREPs
// with block-on in [from, to), in block-on order: a walk of that range of
// the accepted rows' block-on tree, whatever the airline's other months
// hold.
func (s *state) eachAcceptedBetween(tenantID string, from, to time.Time, fn func(p *readmodel.Pirep)) {
	o := s.pirepIdx.stateOrders[stateKey{tenantID, "accepted"}]
	if o == nil {
		return
	}
	// Pivots: the first possible row at each bound (the smallest id).
	first, end := &readmodel.Pirep{BlockOn: timestamptz(from)}, &readmodel.Pirep{BlockOn: timestamptz(to)}
	o.blockOn.AscendRange(first, end, func(p *readmodel.Pirep) bool {
		fn(p)
		return true
	})
}

func (s *state) sumAirlineFlightsBetween(ctx context.Context, arg readmodel.SumAirlineFlightsBetweenParams) (readmodel.SumAirlineFlightsBetweenRow, error) {
	if err := ctx.Err(); err != nil {
		return readmodel.SumAirlineFlightsBetweenRow{}, err
	}
	var out readmodel.SumAirlineFlightsBetweenRow
	s.eachAcceptedBetween(arg.TenantID, arg.FromTime, arg.ToTime, func(p *readmodel.Pirep) {
		out.Flights++
		out.Minutes += int64(p.FlightTime)
	})
	return out, nil
}

func (s *state) listTopPilotsBetween(ctx context.Context, arg readmodel.ListTopPilotsBetweenParams) ([]readmodel.ListTopPilotsBetweenRow, error) {
	if err := ctx.Err(); err != nil {
		return nil, err
	}
	if arg.RowLimit < 0 {
		return nil, negativeLimit()
	}
	byPilot := map[uuid.UUID]*readmodel.ListTopPilotsBetweenRow{}
	s.eachAcceptedBetween(arg.TenantID, arg.FromTime, arg.ToTime, func(p *readmodel.Pirep) {
		r := byPilot[p.PilotID]
		if r == nil {
			r = &readmodel.ListTopPilotsBetweenRow{UserID: p.PilotID}
			if u, ok := s.users[p.PilotID]; ok && u.TenantID == arg.TenantID {
				r.PilotIdent, r.Name = u.PilotID, u.Name
			}
			byPilot[p.PilotID] = r
		}
		r.Flights++
		r.Minutes += int64(p.FlightTime)
	})
	var out []readmodel.ListTopPilotsBetweenRow
	for _, r := range byPilot {
		out = append(out, *r)
	}
	slices.SortFunc(out, func(a, b readmodel.ListTopPilotsBetweenRow) int {
		if c := cmp.Compare(b.Minutes, a.Minutes); c != 0 {
			return c
		}
		if c := cmp.Compare(b.Flights, a.Flights); c != 0 {
			return c
		}
		return bytes.Compare(a.UserID[:], b.UserID[:])
	})
	if int(arg.RowLimit) < len(out) {
		out = out[:arg.RowLimit]
	}
	if len(out) == 0 {
		return nil, nil
	}
	return out, nil
}

func (t *tx) CountPirepsByAirline(ctx context.Context, arg readmodel.CountPirepsByAirlineParams) (int64, error) {
	if err := t.check(ctx); err != nil {
		return 0, err
	}
	return t.st.countPirepsByAirline(ctx, arg)
}

func (t *tx) SumAirlineFlights(ctx context.Context, tenantID string) (readmodel.SumAirlineFlightsRow, error) {
	if err := t.check(ctx); err != nil {
		return readmodel.SumAirlineFlightsRow{}, err
	}
	return t.st.sumAirlineFlights(ctx, tenantID)
}

func (t *tx) SumAirlineFlightsBetween(ctx context.Context, arg readmodel.SumAirlineFlightsBetweenParams) (readmodel.SumAirlineFlightsBetweenRow, error) {
	if err := t.check(ctx); err != nil {
		return readmodel.SumAirlineFlightsBetweenRow{}, err
	}
	return t.st.sumAirlineFlightsBetween(ctx, arg)
}

func (t *tx) ListPirepsByAirlineLongest(ctx context.Context, arg readmodel.ListPirepsByAirlineLongestParams) ([]readmodel.Pirep, error) {
	if err := t.check(ctx); err != nil {
		return nil, err
	}
	out, err := t.st.listPirepsSorted(ctx, readmodel.ListPirepsByAirlineParams(arg), orderLongest)
	return out, t.fail(err)
}

func (t *tx) ListPirepsByAirlineOldest(ctx context.Context, arg readmodel.ListPirepsByAirlineOldestParams) ([]readmodel.Pirep, error) {
	if err := t.check(ctx); err != nil {
		return nil, err
	}
	out, err := t.st.listPirepsSorted(ctx, readmodel.ListPirepsByAirlineParams(arg), orderOldest)
	return out, t.fail(err)
}

func (t *tx) ListTopPilotsBetween(ctx context.Context, arg readmodel.ListTopPilotsBetweenParams) ([]readmodel.ListTopPilotsBetweenRow, error) {
	if err := t.check(ctx); err != nil {
		return nil, err
	}
	out, err := t.st.listTopPilotsBetween(ctx, arg)
	return out, t.fail(err)
}
