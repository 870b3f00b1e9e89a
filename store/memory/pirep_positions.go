package memory

import (
	"bytes"
	"context"
	"slices"
	"strings"

	"github.com/google/uuid"

	"github.com/albatross-va/albatross/store/readmodel"
)

// The tracks of ACARS flights (queries/pireps.sql's pirep_positions) and
// the flights in progress, in memory.

// AddPirepPosition implements readmodel.Querier.
func (m *ReadModels) AddPirepPosition(ctx context.Context, arg readmodel.AddPirepPositionParams) error {
	return m.write(func(t *tx) error { return t.AddPirepPosition(ctx, arg) })
}

// ProgressPirep implements readmodel.Querier.
func (m *ReadModels) ProgressPirep(ctx context.Context, arg readmodel.ProgressPirepParams) error {
	return m.write(func(t *tx) error { return t.ProgressPirep(ctx, arg) })
}

// DeleteAllPirepPositions implements readmodel.Querier.
func (m *ReadModels) DeleteAllPirepPositions(ctx context.Context) error {
	return m.write(func(t *tx) error { return t.DeleteAllPirepPositions(ctx) })
}

// ListPirepPositions implements readmodel.Querier.
func (m *ReadModels) ListPirepPositions(ctx context.Context, arg readmodel.ListPirepPositionsParams) ([]readmodel.PirepPosition, error) {
	m.mu.RLock()
	defer m.mu.RUnlock()
	return m.st.listPirepPositions(ctx, arg)
}

// ListPirepsInProgress implements readmodel.Querier.
func (m *ReadModels) ListPirepsInProgress(ctx context.Context, arg readmodel.ListPirepsInProgressParams) ([]readmodel.Pirep, error) {
	m.mu.RLock()
	defer m.mu.RUnlock()
	return m.st.listPirepsInProgress(ctx, arg)
}

func (t *tx) ProgressPirep(ctx context.Context, arg readmodel.ProgressPirepParams) error {
	if err := t.check(ctx); err != nil {
		return err
	}
	old, ok := t.st.pireps[rowKey{arg.TenantID, arg.ID}]
	if !ok {
		return nil // as the query's UPDATE finds no row
	}
	row := readmodel.UpsertPirepParams(*old)
	row.FlightNumber, row.RouteCode, row.RouteLeg, row.FlightID = arg.FlightNumber, arg.RouteCode, arg.RouteLeg, arg.FlightID
	row.DptAirport, row.ArrAirport, row.AltAirport, row.AircraftID = arg.DptAirport, arg.ArrAirport, arg.AltAirport, arg.AircraftID
	row.BlockOff, row.BlockOn, row.FlightTime, row.Distance = arg.BlockOff, arg.BlockOn, arg.FlightTime, arg.Distance
	row.Level, row.FuelUsed, row.LandingRate = arg.Level, arg.FuelUsed, arg.LandingRate
	row.Route, row.Remarks, row.Source, row.SourceName = arg.Route, arg.Remarks, arg.Source, arg.SourceName
	row.Phase, row.UpdatedAt = arg.Phase, arg.UpdatedAt
	return t.UpsertPirep(ctx, row)
}

func (t *tx) AddPirepPosition(ctx context.Context, arg readmodel.AddPirepPositionParams) error {
	if err := t.check(ctx); err != nil {
		return err
	}
	k := rowKey{arg.TenantID, arg.PirepID}
	old, ok := t.st.pireps[k]
	if !ok {
		return nil // as the query's UPDATE finds no flight and inserts nothing
	}
	flight := readmodel.UpsertPirepParams(*old)
	at := arg.At
	flight.Positions++
	flight.LastLat, flight.LastLon, flight.LastAltitude, flight.LastHeading, flight.LastGs = arg.Lat, arg.Lon, arg.AltitudeMsl, arg.Heading, arg.Gs
	flight.LastPositionAt, flight.UpdatedAt = &at, arg.UpdatedAt
	if err := t.UpsertPirep(ctx, flight); err != nil {
		return err
	}
	track := t.st.positions[k]
	row := readmodel.PirepPosition{TenantID: arg.TenantID, PirepID: arg.PirepID, N: flight.Positions, ClientID: arg.ClientID,
		Lat: arg.Lat, Lon: arg.Lon, AltitudeMsl: arg.AltitudeMsl, AltitudeAgl: arg.AltitudeAgl, Heading: arg.Heading, Gs: arg.Gs,
		Ias: arg.Ias, Vs: arg.Vs, Distance: arg.Distance, FuelFlow: arg.FuelFlow, Status: arg.Status, Log: arg.Log,
		Transponder: arg.Transponder, Autopilot: arg.Autopilot, At: timestamptz(arg.At)}
	if arg.SimTime != nil {
		st := timestamptz(*arg.SimTime)
		row.SimTime = &st
	}
	if n := len(track); n > 0 && track[n-1].N >= row.N {
		// The count and the track disagree (rows from before a rebuild).
		return t.fail(readmodel.UniqueViolation("pirep_positions_pkey"))
	}
	t.st.positions[k] = append(slices.Clip(track), row)
	t.undo = append(t.undo, func() {
		if len(track) == 0 {
			delete(t.st.positions, k)
		} else {
			t.st.positions[k] = track
		}
	})
	return nil
}

func (t *tx) DeleteAllPirepPositions(ctx context.Context) error {
	if err := t.check(ctx); err != nil {
		return err
	}
	old := t.st.positions
	t.st.positions = map[rowKey][]readmodel.PirepPosition{}
	t.undo = append(t.undo, func() { t.st.positions = old })
	return nil
}

func (t *tx) ListPirepPositions(ctx context.Context, arg readmodel.ListPirepPositionsParams) ([]readmodel.PirepPosition, error) {
	if err := t.check(ctx); err != nil {
		return nil, err
	}
	return t.st.listPirepPositions(ctx, arg)
}

func (t *tx) ListPirepsInProgress(ctx context.Context, arg readmodel.ListPirepsInProgressParams) ([]readmodel.Pirep, error) {
	if err := t.check(ctx); err != nil {
		return nil, err
	}
	return t.st.listPirepsInProgress(ctx, arg)
}

func (s *state) listPirepPositions(ctx context.Context, arg readmodel.ListPirepPositionsParams) ([]readmodel.PirepPosition, error) {
	if err := ctx.Err(); err != nil {
		return nil, err
	}
	track := s.positions[rowKey{arg.TenantID, arg.PirepID}]
	s.visited(len(track))
	if len(track) == 0 {
		return nil, nil
	}
	return slices.Clone(track), nil
}

// listPirepsInProgress reads the tenant's in-progress rows (a few: the
// flights under way) and orders them as the query does.
func (s *state) listPirepsInProgress(ctx context.Context, arg readmodel.ListPirepsInProgressParams) ([]readmodel.Pirep, error) {
	if err := ctx.Err(); err != nil {
		return nil, err
	}
	if arg.Limit < 0 {
		return nil, negativeLimit()
	}
	rows := s.pirepIdx.byState[stateKey{arg.TenantID, "in_progress"}]
	s.visited(len(rows))
	var out []readmodel.Pirep
	for _, p := range rows {
		out = append(out, *p)
	}
	slices.SortFunc(out, func(a, b readmodel.Pirep) int {
		if c := b.UpdatedAt.Compare(a.UpdatedAt); c != 0 {
			return c
		}
		return strings.Compare(a.ID.String(), b.ID.String())
	})
	if len(out) > int(arg.Limit) {
		out = out[:arg.Limit]
	}
	return out, nil
}

// ListIdlePireps implements readmodel.Querier.
func (m *ReadModels) ListIdlePireps(ctx context.Context, arg readmodel.ListIdlePirepsParams) ([]readmodel.ListIdlePirepsRow, error) {
	m.mu.RLock()
	defer m.mu.RUnlock()
	return m.st.listIdlePireps(ctx, arg)
}

func (t *tx) ListIdlePireps(ctx context.Context, arg readmodel.ListIdlePirepsParams) ([]readmodel.ListIdlePirepsRow, error) {
	if err := t.check(ctx); err != nil {
		return nil, err
	}
	return t.st.listIdlePireps(ctx, arg)
}

// listIdlePireps walks every airline's flights in progress (the flights
// under way on the platform, not its PIREPs).
func (s *state) listIdlePireps(ctx context.Context, arg readmodel.ListIdlePirepsParams) ([]readmodel.ListIdlePirepsRow, error) {
	if err := ctx.Err(); err != nil {
		return nil, err
	}
	if arg.Limit < 0 {
		return nil, negativeLimit()
	}
	before := timestamptz(arg.UpdatedAt) // PostgreSQL compares microseconds
	var idle []*readmodel.Pirep
	for k, rows := range s.pirepIdx.byState {
		if k.state != "in_progress" {
			continue
		}
		s.visited(len(rows))
		for _, p := range rows {
			if p.UpdatedAt.Before(before) {
				idle = append(idle, p)
			}
		}
	}
	slices.SortFunc(idle, func(a, b *readmodel.Pirep) int {
		if c := a.UpdatedAt.Compare(b.UpdatedAt); c != 0 {
			return c
		}
		if c := strings.Compare(a.TenantID, b.TenantID); c != 0 {
			return c
		}
		return strings.Compare(a.ID.String(), b.ID.String())
	})
	out := make([]readmodel.ListIdlePirepsRow, 0, min(len(idle), int(arg.Limit)))
	for _, p := range idle[:min(len(idle), int(arg.Limit))] {
		out = append(out, readmodel.ListIdlePirepsRow{TenantID: p.TenantID, ID: p.ID})
	}
	return out, nil
}

// ListAircraftInFlight implements readmodel.Querier.
func (m *ReadModels) ListAircraftInFlight(ctx context.Context, tenantID string) ([]uuid.UUID, error) {
	m.mu.RLock()
	defer m.mu.RUnlock()
	return m.st.listAircraftInFlight(ctx, tenantID)
}

func (t *tx) ListAircraftInFlight(ctx context.Context, tenantID string) ([]uuid.UUID, error) {
	if err := t.check(ctx); err != nil {
		return nil, err
	}
	return t.st.listAircraftInFlight(ctx, tenantID)
}

// listAircraftInFlight reads the tenant's in-progress rows, each aircraft
// once, ordered as uuid's byte order (PostgreSQL's for uuid); nil for none.
func (s *state) listAircraftInFlight(ctx context.Context, tenantID string) ([]uuid.UUID, error) {
	if err := ctx.Err(); err != nil {
		return nil, err
	}
	rows := s.pirepIdx.byState[stateKey{tenantID, "in_progress"}]
	s.visited(len(rows))
	var out []uuid.UUID
	for _, p := range rows {
		if !slices.Contains(out, p.AircraftID) {
			out = append(out, p.AircraftID)
		}
	}
	slices.SortFunc(out, func(a, b uuid.UUID) int { return bytes.Compare(a[:], b[:]) })
	return out, nil
}
