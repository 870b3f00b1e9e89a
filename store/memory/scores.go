package memory

import (
	"bytes"
	"cmp"
	"context"
	"math"
	"slices"
	"strings"
	"time"

	"github.com/google/uuid"

	"github.com/albatross-va/albatross/store/readmodel"
)

// The scores projection (queries/scores.sql) in memory: each airline's
// PIREP scores by PIREP. The leaderboards and charts read the PIREPs of the
// pireps projection as the PostgreSQL queries join them: only the PIREPs
// accepted now count.

// InsertPirepScore implements readmodel.Querier.
func (m *ReadModels) InsertPirepScore(ctx context.Context, arg readmodel.InsertPirepScoreParams) error {
	return m.write(func(t *tx) error { return t.InsertPirepScore(ctx, arg) })
}

// GetPirepScore implements readmodel.Querier.
func (m *ReadModels) GetPirepScore(ctx context.Context, arg readmodel.GetPirepScoreParams) (readmodel.PirepScore, error) {
	m.mu.RLock()
	defer m.mu.RUnlock()
	return m.st.getPirepScore(ctx, arg)
}

// DeleteAllPirepScores implements readmodel.Querier.
func (m *ReadModels) DeleteAllPirepScores(ctx context.Context) error {
	return m.write(func(t *tx) error { return t.DeleteAllPirepScores(ctx) })
}

// SumPilotScores implements readmodel.Querier.
func (m *ReadModels) SumPilotScores(ctx context.Context, arg readmodel.SumPilotScoresParams) (readmodel.SumPilotScoresRow, error) {
	m.mu.RLock()
	defer m.mu.RUnlock()
	return m.st.sumPilotScores(ctx, arg)
}

// ListPointsLeadersBetween implements readmodel.Querier.
func (m *ReadModels) ListPointsLeadersBetween(ctx context.Context, arg readmodel.ListPointsLeadersBetweenParams) ([]readmodel.ListPointsLeadersBetweenRow, error) {
	m.mu.RLock()
	defer m.mu.RUnlock()
	return m.st.listPointsLeadersBetween(ctx, arg)
}

// ListBestLandingsBetween implements readmodel.Querier.
func (m *ReadModels) ListBestLandingsBetween(ctx context.Context, arg readmodel.ListBestLandingsBetweenParams) ([]readmodel.ListBestLandingsBetweenRow, error) {
	m.mu.RLock()
	defer m.mu.RUnlock()
	return m.st.listBestLandingsBetween(ctx, arg)
}

// ListDailyFlightsBetween implements readmodel.Querier.
func (m *ReadModels) ListDailyFlightsBetween(ctx context.Context, arg readmodel.ListDailyFlightsBetweenParams) ([]readmodel.ListDailyFlightsBetweenRow, error) {
	m.mu.RLock()
	defer m.mu.RUnlock()
	return m.st.listDailyFlightsBetween(ctx, arg)
}

// ListTopRoutesBetween implements readmodel.Querier.
func (m *ReadModels) ListTopRoutesBetween(ctx context.Context, arg readmodel.ListTopRoutesBetweenParams) ([]readmodel.ListTopRoutesBetweenRow, error) {
	m.mu.RLock()
	defer m.mu.RUnlock()
	return m.st.listTopRoutesBetween(ctx, arg)
}

// ListAircraftTypesFlownBetween implements readmodel.Querier.
func (m *ReadModels) ListAircraftTypesFlownBetween(ctx context.Context, arg readmodel.ListAircraftTypesFlownBetweenParams) ([]readmodel.ListAircraftTypesFlownBetweenRow, error) {
	m.mu.RLock()
	defer m.mu.RUnlock()
	return m.st.listAircraftTypesFlownBetween(ctx, arg)
}

func (s *state) getPirepScore(ctx context.Context, arg readmodel.GetPirepScoreParams) (readmodel.PirepScore, error) {
	if err := ctx.Err(); err != nil {
		return readmodel.PirepScore{}, err
	}
	sc, ok := s.pirepScores[arg.TenantID][arg.PirepID]
	if !ok {
		return readmodel.PirepScore{}, readmodel.NotFound("GetPirepScore")
	}
	s.visited(1)
	return sc, nil
}

// acceptedNow tells whether the tenant's PIREP id is accepted now, and
// returns it.
func (s *state) acceptedNow(tenantID string, id uuid.UUID) (*readmodel.Pirep, bool) {
	p, ok := s.pireps[rowKey{tenantID, id}]
	return p, ok && p.State == "accepted"
}

func (s *state) sumPilotScores(ctx context.Context, arg readmodel.SumPilotScoresParams) (readmodel.SumPilotScoresRow, error) {
	if err := ctx.Err(); err != nil {
		return readmodel.SumPilotScoresRow{}, err
	}
	var out readmodel.SumPilotScoresRow
	for id, sc := range s.pirepScores[arg.TenantID] {
		if sc.PilotID != arg.PilotID {
			continue
		}
		if _, ok := s.acceptedNow(arg.TenantID, id); ok {
			out.Flights++
			out.Points += int64(sc.Score)
		}
	}
	return out, nil
}

func (s *state) listPointsLeadersBetween(ctx context.Context, arg readmodel.ListPointsLeadersBetweenParams) ([]readmodel.ListPointsLeadersBetweenRow, error) {
	if err := ctx.Err(); err != nil {
		return nil, err
	}
	if arg.RowLimit < 0 {
		return nil, negativeLimit()
	}
	from, to := timestamptz(arg.FromTime), timestamptz(arg.ToTime)
	byPilot := map[uuid.UUID]*readmodel.ListPointsLeadersBetweenRow{}
	for id, sc := range s.pirepScores[arg.TenantID] {
		p, ok := s.acceptedNow(arg.TenantID, id)
		if !ok || p.BlockOn.Before(from) || !p.BlockOn.Before(to) {
			continue
		}
		r := byPilot[sc.PilotID]
		if r == nil {
			r = &readmodel.ListPointsLeadersBetweenRow{UserID: sc.PilotID}
			if u, ok := s.users[sc.PilotID]; ok && u.TenantID == arg.TenantID {
				r.PilotIdent, r.Name = u.PilotID, u.Name
			}
			byPilot[sc.PilotID] = r
		}
		r.Flights++
		r.Points += int64(sc.Score)
	}
	out := make([]readmodel.ListPointsLeadersBetweenRow, 0, len(byPilot))
	for _, r := range byPilot {
		out = append(out, *r)
	}
	slices.SortFunc(out, func(a, b readmodel.ListPointsLeadersBetweenRow) int {
		if c := cmp.Compare(b.Points, a.Points); c != 0 {
			return c
		}
		if c := cmp.Compare(b.Flights, a.Flights); c != 0 {
			return c
		}
		return bytes.Compare(a.UserID[:], b.UserID[:])
	})
	return limitRows(out, arg.RowLimit), nil
}

// limitRows keeps the first limit rows; none is nil, as pgx returns.
func limitRows[T any](out []T, limit int32) []T {
	if int(limit) < len(out) {
		out = out[:limit]
	}
	if len(out) == 0 {
		return nil
	}
	return out
}

// aircraftOf is a PIREP's aircraft's registration and ICAO type, ” when
// it is not known, as the queries' LEFT JOINs give them.
func (s *state) aircraftOf(tenantID string, id uuid.UUID) (registration, icao string) {
	a, ok := s.aircraft[rowKey{tenantID, id}]
	if !ok {
		return "", ""
	}
	if sf, ok := s.subfleets[rowKey{tenantID, a.SubfleetID}]; ok {
		icao = sf.Icao
	}
	return a.Registration, icao
}

func abs32(n int32) int64 { return int64(math.Abs(float64(n))) }

func (s *state) listBestLandingsBetween(ctx context.Context, arg readmodel.ListBestLandingsBetweenParams) ([]readmodel.ListBestLandingsBetweenRow, error) {
	if err := ctx.Err(); err != nil {
		return nil, err
	}
	if arg.RowLimit < 0 {
		return nil, negativeLimit()
	}
	var out []readmodel.ListBestLandingsBetweenRow
	s.eachAcceptedBetween(arg.TenantID, arg.FromTime, arg.ToTime, func(p *readmodel.Pirep) {
		if p.LandingRate == 0 {
			return
		}
		r := readmodel.ListBestLandingsBetweenRow{ID: p.ID, UserID: p.PilotID, FlightNumber: p.FlightNumber, DptAirport: p.DptAirport,
			ArrAirport: p.ArrAirport, LandingRate: p.LandingRate, BlockOn: p.BlockOn}
		if u, ok := s.users[p.PilotID]; ok && u.TenantID == arg.TenantID {
			r.PilotIdent, r.Name = u.PilotID, u.Name
		}
		r.Registration, r.AircraftIcao = s.aircraftOf(arg.TenantID, p.AircraftID)
		out = append(out, r)
	})
	s.visited(len(out))
	slices.SortFunc(out, func(a, b readmodel.ListBestLandingsBetweenRow) int {
		if c := cmp.Compare(abs32(a.LandingRate), abs32(b.LandingRate)); c != 0 {
			return c
		}
		if c := a.BlockOn.Compare(b.BlockOn); c != 0 {
			return c
		}
		return bytes.Compare(a.ID[:], b.ID[:])
	})
	return limitRows(out, arg.RowLimit), nil
}

func (s *state) listDailyFlightsBetween(ctx context.Context, arg readmodel.ListDailyFlightsBetweenParams) ([]readmodel.ListDailyFlightsBetweenRow, error) {
	if err := ctx.Err(); err != nil {
		return nil, err
	}
	byDay := map[int64]*readmodel.ListDailyFlightsBetweenRow{}
	s.eachAcceptedBetween(arg.TenantID, arg.FromTime, arg.ToTime, func(p *readmodel.Pirep) {
		day := int64(math.Floor(float64(p.BlockOn.UnixMicro()) / float64(24*time.Hour/time.Microsecond)))
		r := byDay[day]
		if r == nil {
			r = &readmodel.ListDailyFlightsBetweenRow{Day: day}
			byDay[day] = r
		}
		r.Flights++
		r.Minutes += int64(p.FlightTime)
	})
	out := make([]readmodel.ListDailyFlightsBetweenRow, 0, len(byDay))
	for _, r := range byDay {
		out = append(out, *r)
	}
	slices.SortFunc(out, func(a, b readmodel.ListDailyFlightsBetweenRow) int { return cmp.Compare(a.Day, b.Day) })
	return limitRows(out, math.MaxInt32), nil
}

func (s *state) listTopRoutesBetween(ctx context.Context, arg readmodel.ListTopRoutesBetweenParams) ([]readmodel.ListTopRoutesBetweenRow, error) {
	if err := ctx.Err(); err != nil {
		return nil, err
	}
	if arg.RowLimit < 0 {
		return nil, negativeLimit()
	}
	type route struct{ dpt, arr string }
	byRoute := map[route]*readmodel.ListTopRoutesBetweenRow{}
	s.eachAcceptedBetween(arg.TenantID, arg.FromTime, arg.ToTime, func(p *readmodel.Pirep) {
		k := route{p.DptAirport, p.ArrAirport}
		r := byRoute[k]
		if r == nil {
			r = &readmodel.ListTopRoutesBetweenRow{DptAirport: k.dpt, ArrAirport: k.arr}
			byRoute[k] = r
		}
		r.Flights++
		r.Minutes += int64(p.FlightTime)
	})
	out := make([]readmodel.ListTopRoutesBetweenRow, 0, len(byRoute))
	for _, r := range byRoute {
		out = append(out, *r)
	}
	slices.SortFunc(out, func(a, b readmodel.ListTopRoutesBetweenRow) int {
		if c := cmp.Compare(b.Flights, a.Flights); c != 0 {
			return c
		}
		if c := strings.Compare(a.DptAirport, b.DptAirport); c != 0 {
			return c
		}
		return strings.Compare(a.ArrAirport, b.ArrAirport)
	})
	return limitRows(out, arg.RowLimit), nil
}

func (s *state) listAircraftTypesFlownBetween(ctx context.Context, arg readmodel.ListAircraftTypesFlownBetweenParams) ([]readmodel.ListAircraftTypesFlownBetweenRow, error) {
	if err := ctx.Err(); err != nil {
		return nil, err
	}
	if arg.RowLimit < 0 {
		return nil, negativeLimit()
	}
	byType := map[string]*readmodel.ListAircraftTypesFlownBetweenRow{}
	s.eachAcceptedBetween(arg.TenantID, arg.FromTime, arg.ToTime, func(p *readmodel.Pirep) {
		_, icao := s.aircraftOf(arg.TenantID, p.AircraftID)
		r := byType[icao]
		if r == nil {
			r = &readmodel.ListAircraftTypesFlownBetweenRow{AircraftIcao: icao}
			byType[icao] = r
		}
		r.Flights++
		r.Minutes += int64(p.FlightTime)
	})
	out := make([]readmodel.ListAircraftTypesFlownBetweenRow, 0, len(byType))
	for _, r := range byType {
		out = append(out, *r)
	}
	slices.SortFunc(out, func(a, b readmodel.ListAircraftTypesFlownBetweenRow) int {
		if c := cmp.Compare(b.Flights, a.Flights); c != 0 {
			return c
		}
		return strings.Compare(a.AircraftIcao, b.AircraftIcao)
	})
	return limitRows(out, arg.RowLimit), nil
}

func (t *tx) InsertPirepScore(ctx context.Context, arg readmodel.InsertPirepScoreParams) error {
	if err := t.check(ctx); err != nil {
		return err
	}
	byPirep := t.st.pirepScores[arg.TenantID]
	if _, ok := byPirep[arg.PirepID]; ok {
		return nil
	}
	if byPirep == nil {
		byPirep = map[uuid.UUID]readmodel.PirepScore{}
		t.st.pirepScores[arg.TenantID] = byPirep
	}
	byPirep[arg.PirepID] = readmodel.PirepScore{TenantID: arg.TenantID, PirepID: arg.PirepID, PilotID: arg.PilotID, Score: arg.Score,
		BandsVersion: arg.BandsVersion, LandingRate: arg.LandingRate, Breakdown: arg.Breakdown, ScoredAt: timestamptz(arg.ScoredAt)}
	t.undo = append(t.undo, func() { delete(t.st.pirepScores[arg.TenantID], arg.PirepID) })
	return nil
}

func (t *tx) GetPirepScore(ctx context.Context, arg readmodel.GetPirepScoreParams) (readmodel.PirepScore, error) {
	if err := t.check(ctx); err != nil {
		return readmodel.PirepScore{}, err
	}
	out, err := t.st.getPirepScore(ctx, arg)
	return out, err
}

func (t *tx) DeleteAllPirepScores(ctx context.Context) error {
	if err := t.check(ctx); err != nil {
		return err
	}
	old := t.st.pirepScores
	t.st.pirepScores = map[string]map[uuid.UUID]readmodel.PirepScore{}
	t.undo = append(t.undo, func() { t.st.pirepScores = old })
	return nil
}

func (t *tx) SumPilotScores(ctx context.Context, arg readmodel.SumPilotScoresParams) (readmodel.SumPilotScoresRow, error) {
	if err := t.check(ctx); err != nil {
		return readmodel.SumPilotScoresRow{}, err
	}
	return t.st.sumPilotScores(ctx, arg)
}

func (t *tx) ListPointsLeadersBetween(ctx context.Context, arg readmodel.ListPointsLeadersBetweenParams) ([]readmodel.ListPointsLeadersBetweenRow, error) {
	if err := t.check(ctx); err != nil {
		return nil, err
	}
	out, err := t.st.listPointsLeadersBetween(ctx, arg)
	return out, t.fail(err)
}

func (t *tx) ListBestLandingsBetween(ctx context.Context, arg readmodel.ListBestLandingsBetweenParams) ([]readmodel.ListBestLandingsBetweenRow, error) {
	if err := t.check(ctx); err != nil {
		return nil, err
	}
	out, err := t.st.listBestLandingsBetween(ctx, arg)
	return out, t.fail(err)
}

func (t *tx) ListDailyFlightsBetween(ctx context.Context, arg readmodel.ListDailyFlightsBetweenParams) ([]readmodel.ListDailyFlightsBetweenRow, error) {
	if err := t.check(ctx); err != nil {
		return nil, err
	}
	return t.st.listDailyFlightsBetween(ctx, arg)
}

func (t *tx) ListTopRoutesBetween(ctx context.Context, arg readmodel.ListTopRoutesBetweenParams) ([]readmodel.ListTopRoutesBetweenRow, error) {
	if err := t.check(ctx); err != nil {
		return nil, err
	}
	out, err := t.st.listTopRoutesBetween(ctx, arg)
	return out, t.fail(err)
}

func (t *tx) ListAircraftTypesFlownBetween(ctx context.Context, arg readmodel.ListAircraftTypesFlownBetweenParams) ([]readmodel.ListAircraftTypesFlownBetweenRow, error) {
	if err := t.check(ctx); err != nil {
		return nil, err
	}
	out, err := t.st.listAircraftTypesFlownBetween(ctx, arg)
	return out, t.fail(err)
}
