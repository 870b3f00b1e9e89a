package memory

import (
	"cmp"
	"context"
	"slices"
	"time"

	"github.com/google/uuid"

	"github.com/albatross-va/albatross/store/readmodel"
)

// The airlines' bid settings and the pilots' bids (queries/bids.sql) in
// memory: settings by tenant, bids by tenant and id. An ended bid keeps
// its row, as in PostgreSQL, so its number is never reused.

// DeleteAllAirlineBidRules implements readmodel.Querier.
func (m *ReadModels) DeleteAllAirlineBidRules(ctx context.Context) error {
	return m.write(func(t *tx) error { return t.DeleteAllAirlineBidRules(ctx) })
}

// GetAirlineBidRules implements readmodel.Querier.
func (m *ReadModels) GetAirlineBidRules(ctx context.Context, tenantID string) (readmodel.AirlineBidRule, error) {
	m.mu.RLock()
	defer m.mu.RUnlock()
	return m.st.getAirlineBidRules(ctx, tenantID)
}

// UpsertAirlineBidRules implements readmodel.Querier.
func (m *ReadModels) UpsertAirlineBidRules(ctx context.Context, arg readmodel.UpsertAirlineBidRulesParams) error {
	return m.write(func(t *tx) error { return t.UpsertAirlineBidRules(ctx, arg) })
}

// DeleteAllBids implements readmodel.Querier.
func (m *ReadModels) DeleteAllBids(ctx context.Context) error {
	return m.write(func(t *tx) error { return t.DeleteAllBids(ctx) })
}

// InsertBid implements readmodel.Querier.
func (m *ReadModels) InsertBid(ctx context.Context, arg readmodel.InsertBidParams) error {
	return m.write(func(t *tx) error { return t.InsertBid(ctx, arg) })
}

// EndBid implements readmodel.Querier.
func (m *ReadModels) EndBid(ctx context.Context, arg readmodel.EndBidParams) error {
	return m.write(func(t *tx) error { return t.EndBid(ctx, arg) })
}

// GetBid implements readmodel.Querier.
func (m *ReadModels) GetBid(ctx context.Context, arg readmodel.GetBidParams) (readmodel.Bid, error) {
	m.mu.RLock()
	defer m.mu.RUnlock()
	return m.st.getBid(ctx, arg)
}

// GetBidByNumber implements readmodel.Querier.
func (m *ReadModels) GetBidByNumber(ctx context.Context, arg readmodel.GetBidByNumberParams) (readmodel.Bid, error) {
	m.mu.RLock()
	defer m.mu.RUnlock()
	return m.st.getBidByNumber(ctx, arg)
}

// ListPilotBids implements readmodel.Querier.
func (m *ReadModels) ListPilotBids(ctx context.Context, arg readmodel.ListPilotBidsParams) ([]readmodel.Bid, error) {
	m.mu.RLock()
	defer m.mu.RUnlock()
	return m.st.listPilotBids(ctx, arg)
}

// ListFlightBids implements readmodel.Querier.
func (m *ReadModels) ListFlightBids(ctx context.Context, arg readmodel.ListFlightBidsParams) ([]readmodel.Bid, error) {
	m.mu.RLock()
	defer m.mu.RUnlock()
	return m.st.listFlightBids(ctx, arg)
}

// ListAircraftBids implements readmodel.Querier.
func (m *ReadModels) ListAircraftBids(ctx context.Context, tenantID string) ([]readmodel.Bid, error) {
	m.mu.RLock()
	defer m.mu.RUnlock()
	return m.st.listAircraftBids(ctx, tenantID)
}

// ListExpiredBids implements readmodel.Querier.
func (m *ReadModels) ListExpiredBids(ctx context.Context, arg readmodel.ListExpiredBidsParams) ([]readmodel.Bid, error) {
	m.mu.RLock()
	defer m.mu.RUnlock()
	return m.st.listExpiredBids(ctx, arg)
}

func (s *state) getAirlineBidRules(ctx context.Context, tenantID string) (readmodel.AirlineBidRule, error) {
	if err := ctx.Err(); err != nil {
		return readmodel.AirlineBidRule{}, err
	}
	r, ok := s.bidRules[tenantID]
	if !ok {
		return readmodel.AirlineBidRule{}, readmodel.NotFound("GetAirlineBidRules")
	}
	return r, nil
}

func (s *state) getBid(ctx context.Context, arg readmodel.GetBidParams) (readmodel.Bid, error) {
	if err := ctx.Err(); err != nil {
		return readmodel.Bid{}, err
	}
	b, ok := s.bids[arg.TenantID][arg.ID]
	if !ok || b.EndedAt != nil {
		return readmodel.Bid{}, readmodel.NotFound("GetBid")
	}
	return b, nil
}

func (s *state) getBidByNumber(ctx context.Context, arg readmodel.GetBidByNumberParams) (readmodel.Bid, error) {
	if err := ctx.Err(); err != nil {
		return readmodel.Bid{}, err
	}
	for _, b := range s.bids[arg.TenantID] {
		if b.Number == arg.Number && b.EndedAt == nil {
			return b, nil
		}
	}
	return readmodel.Bid{}, readmodel.NotFound("GetBidByNumber")
}

// standingBids returns a tenant's standing bids that keep says to, in
// no order, as copies.
func (s *state) standingBids(tenantID string, keep func(b *readmodel.Bid) bool) []readmodel.Bid {
	var out []readmodel.Bid
	for _, b := range s.bids[tenantID] {
		if b.EndedAt == nil && keep(&b) {
			out = append(out, b)
		}
	}
	return out
}

// listPilotBids orders like ORDER BY placed_at, number.
func (s *state) listPilotBids(ctx context.Context, arg readmodel.ListPilotBidsParams) ([]readmodel.Bid, error) {
	if err := ctx.Err(); err != nil {
		return nil, err
	}
	out := s.standingBids(arg.TenantID, func(b *readmodel.Bid) bool { return b.PilotID == arg.PilotID })
	slices.SortFunc(out, func(a, b readmodel.Bid) int {
		return cmp.Or(a.PlacedAt.Compare(b.PlacedAt), cmp.Compare(a.Number, b.Number))
	})
	return out, nil
}

// listFlightBids orders like ORDER BY flight_id, number.
func (s *state) listFlightBids(ctx context.Context, arg readmodel.ListFlightBidsParams) ([]readmodel.Bid, error) {
	if err := ctx.Err(); err != nil {
		return nil, err
	}
	out := s.standingBids(arg.TenantID, func(b *readmodel.Bid) bool { return slices.Contains(arg.FlightIds, b.FlightID) })
	slices.SortFunc(out, func(a, b readmodel.Bid) int {
		return cmp.Or(cmp.Compare(a.FlightID, b.FlightID), cmp.Compare(a.Number, b.Number))
	})
	return out, nil
}

// listAircraftBids orders like ORDER BY aircraft_id, number.
func (s *state) listAircraftBids(ctx context.Context, tenantID string) ([]readmodel.Bid, error) {
	if err := ctx.Err(); err != nil {
		return nil, err
	}
	out := s.standingBids(tenantID, func(b *readmodel.Bid) bool { return b.AircraftID != "" })
	slices.SortFunc(out, func(a, b readmodel.Bid) int {
		return cmp.Or(cmp.Compare(a.AircraftID, b.AircraftID), cmp.Compare(a.Number, b.Number))
	})
	return out, nil
}

// listExpiredBids orders like ORDER BY placed_at, tenant_id, number.
func (s *state) listExpiredBids(ctx context.Context, arg readmodel.ListExpiredBidsParams) ([]readmodel.Bid, error) {
	if err := ctx.Err(); err != nil {
		return nil, err
	}
	now := timestamptz(arg.Now)
	var out []readmodel.Bid
	for tenant, r := range s.bidRules {
		if r.ExpireAfterHours <= 0 {
			continue
		}
		after := time.Duration(r.ExpireAfterHours) * time.Hour
		out = append(out, s.standingBids(tenant, func(b *readmodel.Bid) bool { return !b.PlacedAt.Add(after).After(now) })...)
	}
	slices.SortFunc(out, func(a, b readmodel.Bid) int {
		return cmp.Or(a.PlacedAt.Compare(b.PlacedAt), cmp.Compare(a.TenantID, b.TenantID), cmp.Compare(a.Number, b.Number))
	})
	if int(arg.MaxRows) < len(out) {
		out = out[:max(arg.MaxRows, 0)]
	}
	return out, nil
}

func (t *tx) DeleteAllAirlineBidRules(ctx context.Context) error {
	if err := t.check(ctx); err != nil {
		return err
	}
	old := t.st.bidRules
	t.st.bidRules = map[string]readmodel.AirlineBidRule{}
	t.undo = append(t.undo, func() { t.st.bidRules = old })
	return nil
}

func (t *tx) GetAirlineBidRules(ctx context.Context, tenantID string) (readmodel.AirlineBidRule, error) {
	if err := t.check(ctx); err != nil {
		return readmodel.AirlineBidRule{}, err
	}
	return t.st.getAirlineBidRules(ctx, tenantID)
}

// UpsertAirlineBidRules inserts or replaces the row of arg.TenantID.
func (t *tx) UpsertAirlineBidRules(ctx context.Context, arg readmodel.UpsertAirlineBidRulesParams) error {
	if err := t.check(ctx); err != nil {
		return err
	}
	old, existed := t.st.bidRules[arg.TenantID]
	t.st.bidRules[arg.TenantID] = readmodel.AirlineBidRule{TenantID: arg.TenantID, AllowMultiple: arg.AllowMultiple,
		OnePilotPerFlight: arg.OnePilotPerFlight, BlockAircraft: arg.BlockAircraft, ExpireAfterHours: arg.ExpireAfterHours,
		UpdatedAt: timestamptz(arg.UpdatedAt)}
	t.undo = append(t.undo, func() {
		if existed {
			t.st.bidRules[arg.TenantID] = old
		} else {
			delete(t.st.bidRules, arg.TenantID)
		}
	})
	return nil
}

func (t *tx) DeleteAllBids(ctx context.Context) error {
	if err := t.check(ctx); err != nil {
		return err
	}
	old := t.st.bids
	t.st.bids = map[string]map[uuid.UUID]readmodel.Bid{}
	t.undo = append(t.undo, func() { t.st.bids = old })
	return nil
}

// InsertBid adds the row with the tenant's next number, unless the id is
// there already (ON CONFLICT DO NOTHING).
func (t *tx) InsertBid(ctx context.Context, arg readmodel.InsertBidParams) error {
	if err := t.check(ctx); err != nil {
		return err
	}
	rows := t.st.bids[arg.TenantID]
	if _, ok := rows[arg.ID]; ok {
		return nil
	}
	if rows == nil {
		rows = map[uuid.UUID]readmodel.Bid{}
		t.st.bids[arg.TenantID] = rows
	}
	var last int32
	for _, b := range rows {
		last = max(last, b.Number)
	}
	rows[arg.ID] = readmodel.Bid{TenantID: arg.TenantID, ID: arg.ID, Number: last + 1, PilotID: arg.PilotID,
		FlightID: arg.FlightID, AircraftID: arg.AircraftID, FlightNumber: arg.FlightNumber, DptAirport: arg.DptAirport,
		ArrAirport: arg.ArrAirport, PlacedAt: timestamptz(arg.PlacedAt), Charter: arg.Charter, Route: arg.Route, Level: arg.Level,
		Distance: arg.Distance, Cargo: arg.Cargo, DptTime: arg.DptTime, ArrTime: arg.ArrTime, FlightTime: arg.FlightTime}
	t.undo = append(t.undo, func() { delete(rows, arg.ID) })
	return nil
}

// EndBid sets ended_at and end_reason of a standing bid.
func (t *tx) EndBid(ctx context.Context, arg readmodel.EndBidParams) error {
	if err := t.check(ctx); err != nil {
		return err
	}
	rows := t.st.bids[arg.TenantID]
	old, ok := rows[arg.ID]
	if !ok || old.EndedAt != nil {
		return nil
	}
	b := old
	b.EndedAt, b.EndReason = timestamptzPtr(arg.EndedAt), arg.EndReason
	rows[arg.ID] = b
	t.undo = append(t.undo, func() { rows[arg.ID] = old })
	return nil
}

func (t *tx) GetBid(ctx context.Context, arg readmodel.GetBidParams) (readmodel.Bid, error) {
	if err := t.check(ctx); err != nil {
		return readmodel.Bid{}, err
	}
	return t.st.getBid(ctx, arg)
}

func (t *tx) GetBidByNumber(ctx context.Context, arg readmodel.GetBidByNumberParams) (readmodel.Bid, error) {
	if err := t.check(ctx); err != nil {
		return readmodel.Bid{}, err
	}
	return t.st.getBidByNumber(ctx, arg)
}

func (t *tx) ListPilotBids(ctx context.Context, arg readmodel.ListPilotBidsParams) ([]readmodel.Bid, error) {
	if err := t.check(ctx); err != nil {
		return nil, err
	}
	return t.st.listPilotBids(ctx, arg)
}

func (t *tx) ListFlightBids(ctx context.Context, arg readmodel.ListFlightBidsParams) ([]readmodel.Bid, error) {
	if err := t.check(ctx); err != nil {
		return nil, err
	}
	return t.st.listFlightBids(ctx, arg)
}

func (t *tx) ListAircraftBids(ctx context.Context, tenantID string) ([]readmodel.Bid, error) {
	if err := t.check(ctx); err != nil {
		return nil, err
	}
	return t.st.listAircraftBids(ctx, tenantID)
}

func (t *tx) ListExpiredBids(ctx context.Context, arg readmodel.ListExpiredBidsParams) ([]readmodel.Bid, error) {
	if err := t.check(ctx); err != nil {
		return nil, err
	}
	return t.st.listExpiredBids(ctx, arg)
}
