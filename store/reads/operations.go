package reads

import (
	"context"
	"strings"

	"github.com/google/uuid"

	"github.com/albatross-va/albatross/domain"
	"github.com/albatross-va/albatross/store/readmodel"
)

// Operations answers the domain's questions about an airline's airports and
// subfleets from the read models: whether the airline has an airport (the
// fleet's hubs and locations), where it is (a flight's distance), and a
// subfleet's aircraft type (a flight's allowed subfleets).
type Operations struct{ Q Querier }

var (
	_ domain.AirportChecker    = Operations{}
	_ domain.AirportDirectory  = Operations{}
	_ domain.SubfleetDirectory = Operations{}
	_ domain.AircraftDirectory = Operations{}
	_ domain.HubLister         = Operations{}
)

// Hubs implements domain.HubLister.
func (o Operations) Hubs(ctx context.Context, tenantID string) ([]string, error) {
	rows, err := o.Q.ListHubs(ctx, tenantID)
	if err != nil {
		return nil, err
	}
	out := make([]string, len(rows))
	for i, a := range rows {
		out[i] = a.Icao
	}
	return out, nil
}

// AirportExists implements domain.AirportChecker.
func (o Operations) AirportExists(ctx context.Context, tenantID, icao string) (bool, error) {
	_, err := o.Q.GetAirport(ctx, readmodel.GetAirportParams{TenantID: tenantID, Icao: icao})
	switch domain.ErrorCode(err) {
	case "":
		return true, nil
	case domain.ENotFound:
		return false, nil
	}
	return false, err
}

// LocateAirport implements domain.AirportDirectory. An airport whose
// coordinates are both zero is taken as one whose position is not known.
func (o Operations) LocateAirport(ctx context.Context, tenantID, icao string) (domain.AirportPosition, error) {
	a, err := o.Q.GetAirport(ctx, readmodel.GetAirportParams{TenantID: tenantID, Icao: icao})
	if domain.ErrorCode(err) == domain.ENotFound {
		return domain.AirportPosition{}, domain.Errorf(domain.ENotFound, "There is no airport %s in this airline.", icao)
	}
	if err != nil {
		return domain.AirportPosition{}, err
	}
	return airportPosition(a.Latitude, a.Longitude), nil
}

// airportPosition is an airport's position; both coordinates zero is taken
// as a position not known.
func airportPosition(lat, lon float64) domain.AirportPosition {
	return domain.AirportPosition{Coordinates: domain.Coordinates{Lat: lat, Lon: lon}, Known: lat != 0 || lon != 0}
}

// SubfleetType implements domain.SubfleetDirectory.
func (o Operations) SubfleetType(ctx context.Context, tenantID, subfleetID string) (string, error) {
	notFound := domain.Errorf(domain.ENotFound, "There is no subfleet %s in this airline.", subfleetID)
	id, err := uuid.Parse(subfleetID)
	if err != nil {
		return "", notFound
	}
	s, err := o.Q.GetSubfleet(ctx, readmodel.GetSubfleetParams{TenantID: tenantID, ID: id})
	if domain.ErrorCode(err) == domain.ENotFound {
		return "", notFound
	}
	if err != nil {
		return "", err
	}
	return s.Icao, nil
}

// LookupAircraft implements domain.AircraftDirectory: a PIREP's aircraft,
// its status and where it is, from the fleet read model.
func (o Operations) LookupAircraft(ctx context.Context, tenantID, aircraftID string) (domain.AircraftInfo, error) {
	notFound := domain.Errorf(domain.ENotFound, "There is no such aircraft in this airline.")
	id, err := uuid.Parse(aircraftID)
	if err != nil {
		return domain.AircraftInfo{}, notFound
	}
	a, err := o.Q.GetAircraft(ctx, readmodel.GetAircraftParams{TenantID: tenantID, ID: id})
	if domain.ErrorCode(err) == domain.ENotFound {
		return domain.AircraftInfo{}, notFound
	}
	if err != nil {
		return domain.AircraftInfo{}, err
	}
	// Accepted PIREPs move the aircraft to their latest arrival.
	flown, err := oneAsFlown(ctx, o.Q, a)
	if err != nil {
		return domain.AircraftInfo{}, err
	}
	return domain.AircraftInfo{Registration: a.Registration, Status: a.Status, AirportID: flown.AirportID, SubfleetID: a.SubfleetID.String()}, nil
}

// PirepSettings answers domain.PirepSettings from the read models: each
// airline's filing rules as its admins set them (Rules for an airline that
// never did), and the pilot's location, their latest accepted flight's
// arrival.
type PirepSettings struct {
	Q     Querier
	Rules domain.PirepRules
}

var (
	_ domain.PirepSettings     = PirepSettings{}
	_ domain.FilingFactsReader = PirepSettings{}
)

// FilingFacts implements domain.FilingFactsReader in one query: the
// airline's rules (Rules when it never set them), the pilot's location,
// the airports the airline has among those asked, and the aircraft as its
// accepted PIREPs left it. An id that is no UUID names nobody.
func (s PirepSettings) FilingFacts(ctx context.Context, q domain.FilingQuery) (domain.FilingFacts, error) {
	pilotID, _ := uuid.Parse(q.PilotID)
	aircraftID, err := uuid.Parse(q.AircraftID)
	if err != nil {
		aircraftID = uuid.Nil
	}
	icaos := q.Airports
	if icaos == nil {
		icaos = []string{}
	}
	row, err := s.Q.CollectFilingFacts(ctx, readmodel.CollectFilingFactsParams{TenantID: q.TenantID, PilotID: pilotID, Icaos: icaos, AircraftID: aircraftID})
	if err != nil {
		return domain.FilingFacts{}, err
	}
	f := domain.FilingFacts{Rules: s.Rules, PilotLocation: row.PilotLocation, Airports: make(map[string]domain.AirportPosition, len(row.AirportIcaos))}
	if row.RulesSet {
		f.Rules = domain.PirepRules{AircraftAtDeparture: row.AircraftAtDeparture, PilotAtDeparture: row.PilotAtDeparture,
			AllowCharters: row.AllowCharters}
	}
	for i, icao := range row.AirportIcaos {
		f.Airports[icao] = airportPosition(row.AirportLatitudes[i], row.AirportLongitudes[i])
	}
	if q.AircraftID != "" && row.AircraftFound {
		f.AircraftFound = true
		f.Aircraft = domain.AircraftInfo{Registration: row.AircraftRegistration, Status: row.AircraftStatus, AirportID: row.AircraftAirport, SubfleetID: row.AircraftSubfleetID}
	}
	return f, nil
}

// PirepRules implements domain.PirepSettings.
func (s PirepSettings) PirepRules(ctx context.Context, tenantID string) (domain.PirepRules, error) {
	r, err := s.Q.GetAirlinePirepRules(ctx, tenantID)
	if domain.ErrorCode(err) == domain.ENotFound {
		return s.Rules, nil
	}
	if err != nil {
		return domain.PirepRules{}, err
	}
	return domain.PirepRules{AircraftAtDeparture: r.AircraftAtDeparture, PilotAtDeparture: r.PilotAtDeparture,
		AbandonAfterMinutes: r.AbandonAfterMinutes, PublicLiveMapOff: r.PublicLiveMapOff, AllowCharters: r.AllowCharters,
		Jumpseats: domain.JumpseatRules{Allowed: r.AllowJumpseats, PerMonth: r.JumpseatsPerMonth, HubsOnly: r.JumpseatHubsOnly}}, nil
}

// PilotLocation implements domain.PirepSettings: the pilot's latest
// accepted arrival or, when later, their latest jumpseat's airport; else
// their home hub; "" for a pilot with none of these.
func (s PirepSettings) PilotLocation(ctx context.Context, tenantID, pilotID string) (string, error) {
	id, err := uuid.Parse(pilotID)
	if err != nil {
		return "", nil
	}
	st, err := s.Q.GetPilotStats(ctx, readmodel.GetPilotStatsParams{TenantID: tenantID, PilotID: id})
	if err != nil && domain.ErrorCode(err) != domain.ENotFound {
		return "", err
	}
	jumps, err := s.Q.ListPilotJumpseats(ctx, readmodel.ListPilotJumpseatsParams{TenantID: tenantID, PilotID: id, MaxRows: 1})
	if err != nil {
		return "", err
	}
	if len(jumps) == 1 && (st.LastFlight == nil || jumps[0].MovedAt.After(*st.LastFlight)) {
		return jumps[0].ToAirport, nil
	}
	if st.Location != "" {
		return st.Location, nil
	}
	u, err := s.Q.GetTenantUser(ctx, readmodel.GetTenantUserParams{TenantID: tenantID, ID: id})
	if domain.ErrorCode(err) == domain.ENotFound {
		return "", nil
	}
	if err != nil {
		return "", err
	}
	return u.HomeAirport, nil
}

// asFlown returns an airline's aircraft as its accepted PIREPs left them:
// at their latest arrival, with the PIREPs' minutes added to the hours
// they came with. The fleet's own rows keep what staff entered; this is
// what pages and the filing rules show.
func asFlown(ctx context.Context, q Querier, tenantID string, planes []readmodel.Aircraft) ([]readmodel.Aircraft, error) {
	if len(planes) == 0 {
		return planes, nil
	}
	totals, err := q.ListAircraftPirepTotals(ctx, tenantID)
	if err != nil {
		return nil, err
	}
	flown := make(map[uuid.UUID]readmodel.AircraftPirepTotal, len(totals))
	for _, t := range totals {
		flown[t.AircraftID] = t
	}
	out := make([]readmodel.Aircraft, len(planes))
	for i, a := range planes {
		out[i] = flownBy(a, flown[a.ID])
	}
	return out, nil
}

// oneAsFlown is asFlown for one aircraft, reading only its own totals.
func oneAsFlown(ctx context.Context, q Querier, a readmodel.Aircraft) (readmodel.Aircraft, error) {
	t, err := q.GetAircraftPirepTotals(ctx, readmodel.GetAircraftPirepTotalsParams{TenantID: a.TenantID, AircraftID: a.ID})
	if err != nil && domain.ErrorCode(err) != domain.ENotFound {
		return a, err
	}
	return flownBy(a, t), nil
}

// flownBy adds what accepted PIREPs did to an aircraft (none: the zero
// totals) to its row.
func flownBy(a readmodel.Aircraft, t readmodel.AircraftPirepTotal) readmodel.Aircraft {
	a.FlightTime += t.Minutes
	if t.Location != "" {
		a.AirportID = t.Location
	}
	return a
}

// UnknownFlightNumbers implements domain.FlightNumberChecker: the numbers
// no flight of the airline's schedule (active or not) carries.
func (o Operations) UnknownFlightNumbers(ctx context.Context, tenantID string, numbers []string) ([]string, error) {
	want := map[string]bool{}
	for _, n := range numbers {
		want[n] = true
	}
	arg := readmodel.SearchFlightsParams{TenantID: tenantID, IncludeInactive: true, PageSize: 1000}
	for len(want) > 0 {
		rows, err := o.Q.SearchFlights(ctx, arg)
		if err != nil {
			return nil, err
		}
		for _, f := range rows {
			delete(want, strings.ToUpper(f.FlightNumber))
		}
		if len(rows) < int(arg.PageSize) {
			break
		}
		l := rows[len(rows)-1]
		arg.AfterTime, arg.AfterNumber, arg.AfterCode, arg.AfterLeg = l.DptTime, l.FlightNumber, l.RouteCode, l.RouteLeg
	}
	var missing []string
	for _, n := range numbers {
		if want[n] {
			missing = append(missing, n)
		}
	}
	return missing, nil
}
