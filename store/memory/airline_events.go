package memory

import (
	"bytes"
	"context"
	"slices"

	"github.com/albatross-va/albatross/store/readmodel"
)

// The airline_events projection (queries/airline_events.sql) in memory:
// each airline's events in ListAirlineEvents' order, each event's sign-ups
// and counted flights in their lists' orders, and each PIREP's counted
// flights by PIREP (ListAirlineEventFlightsByPirep reads one airline's
// PIREP only). Lists are replaced, never changed in place, so a read's copy
// stays as it was.

// eventTables are the airline_events projection's rows.
type eventTables struct {
	Events  map[string][]readmodel.AirlineEvent       // by tenant, by start then id
	Signups map[rowKey][]readmodel.AirlineEventSignup // by tenant and event, first first
	Flights map[rowKey][]readmodel.AirlineEventFlight // by tenant and event, first counted first
	ByPirep map[rowKey][]readmodel.AirlineEventFlight // by tenant and PIREP, by event id
}

func newEventTables() *eventTables {
	return &eventTables{Events: map[string][]readmodel.AirlineEvent{}, Signups: map[rowKey][]readmodel.AirlineEventSignup{},
		Flights: map[rowKey][]readmodel.AirlineEventFlight{}, ByPirep: map[rowKey][]readmodel.AirlineEventFlight{}}
}

func airlineEventOrder(a, b readmodel.AirlineEvent) int {
	if c := a.StartsAt.Compare(b.StartsAt); c != 0 {
		return c
	}
	return bytes.Compare(a.ID[:], b.ID[:])
}

func eventSignupOrder(a, b readmodel.AirlineEventSignup) int {
	if c := a.SignedUpAt.Compare(b.SignedUpAt); c != 0 {
		return c
	}
	return bytes.Compare(a.UserID[:], b.UserID[:])
}

func eventFlightOrder(a, b readmodel.AirlineEventFlight) int {
	if c := a.CountedAt.Compare(b.CountedAt); c != 0 {
		return c
	}
	return bytes.Compare(a.PirepID[:], b.PirepID[:])
}

func eventFlightByEvent(a, b readmodel.AirlineEventFlight) int {
	return bytes.Compare(a.EventID[:], b.EventID[:])
}

// setList replaces m[k] with list (deleting it when empty), with its undo.
func setList[K comparable, V any](t *tx, m map[K][]V, k K, list []V) {
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

// UpsertAirlineEvent implements readmodel.Querier.
func (m *ReadModels) UpsertAirlineEvent(ctx context.Context, arg readmodel.UpsertAirlineEventParams) error {
	return m.write(func(t *tx) error { return t.UpsertAirlineEvent(ctx, arg) })
}

// CancelAirlineEvent implements readmodel.Querier.
func (m *ReadModels) CancelAirlineEvent(ctx context.Context, arg readmodel.CancelAirlineEventParams) error {
	return m.write(func(t *tx) error { return t.CancelAirlineEvent(ctx, arg) })
}

// ListAirlineEvents implements readmodel.Querier.
func (m *ReadModels) ListAirlineEvents(ctx context.Context, tenantID string) ([]readmodel.AirlineEvent, error) {
	m.mu.RLock()
	defer m.mu.RUnlock()
	return m.st.listAirlineEvents(ctx, tenantID)
}

// GetAirlineEvent implements readmodel.Querier.
func (m *ReadModels) GetAirlineEvent(ctx context.Context, arg readmodel.GetAirlineEventParams) (readmodel.AirlineEvent, error) {
	m.mu.RLock()
	defer m.mu.RUnlock()
	return m.st.getAirlineEvent(ctx, arg)
}

// DeleteAllAirlineEvents implements readmodel.Querier.
func (m *ReadModels) DeleteAllAirlineEvents(ctx context.Context) error {
	return m.write(func(t *tx) error { return t.DeleteAllAirlineEvents(ctx) })
}

// InsertAirlineEventSignup implements readmodel.Querier.
func (m *ReadModels) InsertAirlineEventSignup(ctx context.Context, arg readmodel.InsertAirlineEventSignupParams) error {
	return m.write(func(t *tx) error { return t.InsertAirlineEventSignup(ctx, arg) })
}

// DeleteAirlineEventSignup implements readmodel.Querier.
func (m *ReadModels) DeleteAirlineEventSignup(ctx context.Context, arg readmodel.DeleteAirlineEventSignupParams) error {
	return m.write(func(t *tx) error { return t.DeleteAirlineEventSignup(ctx, arg) })
}

// ListAirlineEventSignups implements readmodel.Querier.
func (m *ReadModels) ListAirlineEventSignups(ctx context.Context, arg readmodel.ListAirlineEventSignupsParams) ([]readmodel.AirlineEventSignup, error) {
	m.mu.RLock()
	defer m.mu.RUnlock()
	return m.st.listAirlineEventSignups(ctx, arg)
}

// DeleteAllAirlineEventSignups implements readmodel.Querier.
func (m *ReadModels) DeleteAllAirlineEventSignups(ctx context.Context) error {
	return m.write(func(t *tx) error { return t.DeleteAllAirlineEventSignups(ctx) })
}

// InsertAirlineEventFlight implements readmodel.Querier.
func (m *ReadModels) InsertAirlineEventFlight(ctx context.Context, arg readmodel.InsertAirlineEventFlightParams) error {
	return m.write(func(t *tx) error { return t.InsertAirlineEventFlight(ctx, arg) })
}

// DeleteAirlineEventFlight implements readmodel.Querier.
func (m *ReadModels) DeleteAirlineEventFlight(ctx context.Context, arg readmodel.DeleteAirlineEventFlightParams) error {
	return m.write(func(t *tx) error { return t.DeleteAirlineEventFlight(ctx, arg) })
}

// ListAirlineEventFlights implements readmodel.Querier.
func (m *ReadModels) ListAirlineEventFlights(ctx context.Context, arg readmodel.ListAirlineEventFlightsParams) ([]readmodel.AirlineEventFlight, error) {
	m.mu.RLock()
	defer m.mu.RUnlock()
	return m.st.listAirlineEventFlights(ctx, arg)
}

// ListAirlineEventFlightsByPirep implements readmodel.Querier.
func (m *ReadModels) ListAirlineEventFlightsByPirep(ctx context.Context, arg readmodel.ListAirlineEventFlightsByPirepParams) ([]readmodel.AirlineEventFlight, error) {
	m.mu.RLock()
	defer m.mu.RUnlock()
	return m.st.listAirlineEventFlightsByPirep(ctx, arg)
}

// DeleteAllAirlineEventFlights implements readmodel.Querier.
func (m *ReadModels) DeleteAllAirlineEventFlights(ctx context.Context) error {
	return m.write(func(t *tx) error { return t.DeleteAllAirlineEventFlights(ctx) })
}

func (s *state) listAirlineEvents(ctx context.Context, tenantID string) ([]readmodel.AirlineEvent, error) {
	if err := ctx.Err(); err != nil {
		return nil, err
	}
	list := s.events.Events[tenantID]
	out := make([]readmodel.AirlineEvent, len(list))
	for i, e := range list {
		e.FlightNumbers = slices.Clone(e.FlightNumbers)
		out[i] = e
	}
	s.visited(len(out))
	return out, nil
}

func (s *state) getAirlineEvent(ctx context.Context, arg readmodel.GetAirlineEventParams) (readmodel.AirlineEvent, error) {
	if err := ctx.Err(); err != nil {
		return readmodel.AirlineEvent{}, err
	}
	for _, e := range s.events.Events[arg.TenantID] {
		if e.ID == arg.ID {
			s.visited(1)
			e.FlightNumbers = slices.Clone(e.FlightNumbers)
			return e, nil
		}
	}
	return readmodel.AirlineEvent{}, readmodel.NotFound("GetAirlineEvent")
}

func (s *state) listAirlineEventSignups(ctx context.Context, arg readmodel.ListAirlineEventSignupsParams) ([]readmodel.AirlineEventSignup, error) {
	if err := ctx.Err(); err != nil {
		return nil, err
	}
	list := slices.Clone(s.events.Signups[rowKey{arg.TenantID, arg.EventID}])
	s.visited(len(list))
	return list, nil
}

func (s *state) listAirlineEventFlights(ctx context.Context, arg readmodel.ListAirlineEventFlightsParams) ([]readmodel.AirlineEventFlight, error) {
	if err := ctx.Err(); err != nil {
		return nil, err
	}
	list := slices.Clone(s.events.Flights[rowKey{arg.TenantID, arg.EventID}])
	s.visited(len(list))
	return list, nil
}

func (s *state) listAirlineEventFlightsByPirep(ctx context.Context, arg readmodel.ListAirlineEventFlightsByPirepParams) ([]readmodel.AirlineEventFlight, error) {
	if err := ctx.Err(); err != nil {
		return nil, err
	}
	list := slices.Clone(s.events.ByPirep[rowKey{arg.TenantID, arg.PirepID}])
	s.visited(len(list))
	return list, nil
}

func (t *tx) UpsertAirlineEvent(ctx context.Context, arg readmodel.UpsertAirlineEventParams) error {
	if err := t.check(ctx); err != nil {
		return err
	}
	old := t.st.events.Events[arg.TenantID]
	row := readmodel.AirlineEvent{TenantID: arg.TenantID, ID: arg.ID, Name: arg.Name, Description: arg.Description,
		StartsAt: timestamptz(arg.StartsAt), EndsAt: timestamptz(arg.EndsAt), MatchKind: arg.MatchKind,
		FlightNumbers: slices.Clone(arg.FlightNumbers), Airport: arg.Airport, CreatedAt: timestamptz(arg.CreatedAt), UpdatedAt: timestamptz(arg.CreatedAt)}
	if row.FlightNumbers == nil {
		row.FlightNumbers = []string{}
	}
	list := slices.Clone(old)
	if i := slices.IndexFunc(list, func(e readmodel.AirlineEvent) bool { return e.ID == arg.ID }); i >= 0 {
		row.Cancelled, row.CreatedAt = list[i].Cancelled, list[i].CreatedAt
		list[i] = row
	} else {
		list = append(list, row)
	}
	slices.SortFunc(list, airlineEventOrder)
	setList(t, t.st.events.Events, arg.TenantID, list)
	return nil
}

func (t *tx) CancelAirlineEvent(ctx context.Context, arg readmodel.CancelAirlineEventParams) error {
	if err := t.check(ctx); err != nil {
		return err
	}
	old := t.st.events.Events[arg.TenantID]
	i := slices.IndexFunc(old, func(e readmodel.AirlineEvent) bool { return e.ID == arg.ID })
	if i < 0 {
		return nil
	}
	list := slices.Clone(old)
	list[i].Cancelled, list[i].UpdatedAt = true, timestamptz(arg.UpdatedAt)
	setList(t, t.st.events.Events, arg.TenantID, list)
	return nil
}

func (t *tx) ListAirlineEvents(ctx context.Context, tenantID string) ([]readmodel.AirlineEvent, error) {
	if err := t.check(ctx); err != nil {
		return nil, err
	}
	return t.st.listAirlineEvents(ctx, tenantID)
}

func (t *tx) GetAirlineEvent(ctx context.Context, arg readmodel.GetAirlineEventParams) (readmodel.AirlineEvent, error) {
	if err := t.check(ctx); err != nil {
		return readmodel.AirlineEvent{}, err
	}
	return t.st.getAirlineEvent(ctx, arg)
}

func (t *tx) DeleteAllAirlineEvents(ctx context.Context) error {
	if err := t.check(ctx); err != nil {
		return err
	}
	old := t.st.events.Events
	t.st.events.Events = map[string][]readmodel.AirlineEvent{}
	t.undo = append(t.undo, func() { t.st.events.Events = old })
	return nil
}

func (t *tx) InsertAirlineEventSignup(ctx context.Context, arg readmodel.InsertAirlineEventSignupParams) error {
	if err := t.check(ctx); err != nil {
		return err
	}
	k := rowKey{arg.TenantID, arg.EventID}
	old := t.st.events.Signups[k]
	if slices.ContainsFunc(old, func(s readmodel.AirlineEventSignup) bool { return s.UserID == arg.UserID }) {
		return nil
	}
	list := append(slices.Clone(old), readmodel.AirlineEventSignup{TenantID: arg.TenantID, EventID: arg.EventID, UserID: arg.UserID,
		SignedUpAt: timestamptz(arg.SignedUpAt)})
	slices.SortFunc(list, eventSignupOrder)
	setList(t, t.st.events.Signups, k, list)
	return nil
}

func (t *tx) DeleteAirlineEventSignup(ctx context.Context, arg readmodel.DeleteAirlineEventSignupParams) error {
	if err := t.check(ctx); err != nil {
		return err
	}
	k := rowKey{arg.TenantID, arg.EventID}
	old := t.st.events.Signups[k]
	i := slices.IndexFunc(old, func(s readmodel.AirlineEventSignup) bool { return s.UserID == arg.UserID })
	if i < 0 {
		return nil
	}
	setList(t, t.st.events.Signups, k, slices.Delete(slices.Clone(old), i, i+1))
	return nil
}

func (t *tx) ListAirlineEventSignups(ctx context.Context, arg readmodel.ListAirlineEventSignupsParams) ([]readmodel.AirlineEventSignup, error) {
	if err := t.check(ctx); err != nil {
		return nil, err
	}
	return t.st.listAirlineEventSignups(ctx, arg)
}

func (t *tx) DeleteAllAirlineEventSignups(ctx context.Context) error {
	if err := t.check(ctx); err != nil {
		return err
	}
	old := t.st.events.Signups
	t.st.events.Signups = map[rowKey][]readmodel.AirlineEventSignup{}
	t.undo = append(t.undo, func() { t.st.events.Signups = old })
	return nil
}

func (t *tx) InsertAirlineEventFlight(ctx context.Context, arg readmodel.InsertAirlineEventFlightParams) error {
	if err := t.check(ctx); err != nil {
		return err
	}
	k := rowKey{arg.TenantID, arg.EventID}
	old := t.st.events.Flights[k]
	if slices.ContainsFunc(old, func(f readmodel.AirlineEventFlight) bool { return f.PirepID == arg.PirepID }) {
		return nil
	}
	row := readmodel.AirlineEventFlight{TenantID: arg.TenantID, EventID: arg.EventID, PirepID: arg.PirepID, UserID: arg.UserID,
		FlightNumber: arg.FlightNumber, DptAirport: arg.DptAirport, ArrAirport: arg.ArrAirport, BlockOn: timestamptz(arg.BlockOn),
		CountedAt: timestamptz(arg.CountedAt)}
	list := append(slices.Clone(old), row)
	slices.SortFunc(list, eventFlightOrder)
	setList(t, t.st.events.Flights, k, list)
	pk := rowKey{arg.TenantID, arg.PirepID}
	byPirep := append(slices.Clone(t.st.events.ByPirep[pk]), row)
	slices.SortFunc(byPirep, eventFlightByEvent)
	setList(t, t.st.events.ByPirep, pk, byPirep)
	return nil
}

func (t *tx) DeleteAirlineEventFlight(ctx context.Context, arg readmodel.DeleteAirlineEventFlightParams) error {
	if err := t.check(ctx); err != nil {
		return err
	}
	k := rowKey{arg.TenantID, arg.EventID}
	old := t.st.events.Flights[k]
	i := slices.IndexFunc(old, func(f readmodel.AirlineEventFlight) bool { return f.PirepID == arg.PirepID })
	if i < 0 {
		return nil
	}
	setList(t, t.st.events.Flights, k, slices.Delete(slices.Clone(old), i, i+1))
	pk := rowKey{arg.TenantID, arg.PirepID}
	byPirep := slices.DeleteFunc(slices.Clone(t.st.events.ByPirep[pk]), func(f readmodel.AirlineEventFlight) bool { return f.EventID == arg.EventID })
	setList(t, t.st.events.ByPirep, pk, byPirep)
	return nil
}

func (t *tx) ListAirlineEventFlights(ctx context.Context, arg readmodel.ListAirlineEventFlightsParams) ([]readmodel.AirlineEventFlight, error) {
	if err := t.check(ctx); err != nil {
		return nil, err
	}
	return t.st.listAirlineEventFlights(ctx, arg)
}

func (t *tx) ListAirlineEventFlightsByPirep(ctx context.Context, arg readmodel.ListAirlineEventFlightsByPirepParams) ([]readmodel.AirlineEventFlight, error) {
	if err := t.check(ctx); err != nil {
		return nil, err
	}
	return t.st.listAirlineEventFlightsByPirep(ctx, arg)
}

func (t *tx) DeleteAllAirlineEventFlights(ctx context.Context) error {
	if err := t.check(ctx); err != nil {
		return err
	}
	oldFlights, oldByPirep := t.st.events.Flights, t.st.events.ByPirep
	t.st.events.Flights, t.st.events.ByPirep = map[rowKey][]readmodel.AirlineEventFlight{}, map[rowKey][]readmodel.AirlineEventFlight{}
	t.undo = append(t.undo, func() { t.st.events.Flights, t.st.events.ByPirep = oldFlights, oldByPirep })
	return nil
}
