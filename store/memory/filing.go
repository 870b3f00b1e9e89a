package memory

import (
	"context"
	"slices"

	"github.com/albatross-va/albatross/store/readmodel"
)

// The facts a PIREP filing checks (queries/filing.sql), read from the
// rows of the other read models under one lock.

// CollectFilingFacts implements readmodel.Querier.
func (m *ReadModels) CollectFilingFacts(ctx context.Context, arg readmodel.CollectFilingFactsParams) (readmodel.CollectFilingFactsRow, error) {
	m.mu.RLock()
	defer m.mu.RUnlock()
	return m.st.collectFilingFacts(ctx, arg)
}

// CollectFilingFacts implements readmodel.Querier inside a batch.
func (t *tx) CollectFilingFacts(ctx context.Context, arg readmodel.CollectFilingFactsParams) (readmodel.CollectFilingFactsRow, error) {
	if err := t.check(ctx); err != nil {
		return readmodel.CollectFilingFactsRow{}, err
	}
	return t.st.collectFilingFacts(ctx, arg)
}

func (s *state) collectFilingFacts(ctx context.Context, arg readmodel.CollectFilingFactsParams) (readmodel.CollectFilingFactsRow, error) {
	if err := ctx.Err(); err != nil {
		return readmodel.CollectFilingFactsRow{}, err
	}
	row := readmodel.CollectFilingFactsRow{AirportIcaos: []string{}, AirportLatitudes: []float64{}, AirportLongitudes: []float64{}}
	if r, ok := s.pirepRules[arg.TenantID]; ok {
		row.RulesSet, row.AircraftAtDeparture, row.PilotAtDeparture = true, r.AircraftAtDeparture, r.PilotAtDeparture
		row.AllowCharters = r.AllowCharters
	}
	row.PilotLocation = s.pilotLocation(rowKey{arg.TenantID, arg.PilotID})
	icaos := slices.Clone(arg.Icaos)
	slices.Sort(icaos)
	for _, icao := range slices.Compact(icaos) {
		if a, ok := s.airports.get(arg.TenantID, icao); ok {
			row.AirportIcaos = append(row.AirportIcaos, icao)
			row.AirportLatitudes = append(row.AirportLatitudes, a.Latitude)
			row.AirportLongitudes = append(row.AirportLongitudes, a.Longitude)
		}
	}
	if a, ok := s.aircraft[rowKey{arg.TenantID, arg.AircraftID}]; ok {
		row.AircraftFound, row.AircraftRegistration, row.AircraftStatus, row.AircraftAirport = true, a.Registration, a.Status, a.AirportID
		row.AircraftSubfleetID = a.SubfleetID.String()
		if loc := s.aircraftTotals[rowKey{arg.TenantID, arg.AircraftID}].Location; loc != "" {
			row.AircraftAirport = loc
		}
	}
	return row, nil
}

// pilotLocation is where a pilot is: their latest accepted arrival or,
// when later, their latest jumpseat's airport; else their home hub.
func (s *state) pilotLocation(key rowKey) string {
	st := s.pilotStats[key]
	if j, ok := s.latestJumpseat(key); ok && (st.LastFlight == nil || j.MovedAt.After(*st.LastFlight)) {
		return j.ToAirport
	}
	if st.Location != "" {
		return st.Location
	}
	if u, ok := s.users[key.id]; ok && u.TenantID == key.tenant {
		return u.HomeAirport
	}
	return ""
}
