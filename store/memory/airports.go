package memory

import (
	"context"
	"slices"
	"strings"

	"github.com/albatross-va/albatross/store/readmodel"
)

// The airports read model (queries/airports.sql) in memory: rows by tenant,
// then by ICAO code, like the table's primary key, so that a list or a
// search reads only its own airline's airports, never every airline's.

// airportTable is the airports of every airline: tenant → ICAO → row.
type airportTable map[string]map[string]readmodel.Airport

func (at airportTable) get(tenant, icao string) (readmodel.Airport, bool) {
	a, ok := at[tenant][icao]
	return a, ok
}

func (at airportTable) put(a readmodel.Airport) {
	rows := at[a.TenantID]
	if rows == nil {
		rows = map[string]readmodel.Airport{}
		at[a.TenantID] = rows
	}
	rows[a.Icao] = a
}

func (at airportTable) remove(tenant, icao string) {
	delete(at[tenant], icao)
	if len(at[tenant]) == 0 {
		delete(at, tenant)
	}
}

// DeleteAllAirports implements readmodel.Querier.
func (m *ReadModels) DeleteAllAirports(ctx context.Context) error {
	return m.write(func(t *tx) error { return t.DeleteAllAirports(ctx) })
}

// GetAirport implements readmodel.Querier.
func (m *ReadModels) GetAirport(ctx context.Context, arg readmodel.GetAirportParams) (readmodel.Airport, error) {
	m.mu.RLock()
	defer m.mu.RUnlock()
	return m.st.getAirport(ctx, arg)
}

// ListAirports implements readmodel.Querier.
func (m *ReadModels) ListAirports(ctx context.Context, tenantID string) ([]readmodel.Airport, error) {
	m.mu.RLock()
	defer m.mu.RUnlock()
	return m.st.listAirports(ctx, tenantID)
}

// SearchAirports implements readmodel.Querier.
func (m *ReadModels) SearchAirports(ctx context.Context, arg readmodel.SearchAirportsParams) ([]readmodel.Airport, error) {
	m.mu.RLock()
	defer m.mu.RUnlock()
	return m.st.searchAirports(ctx, arg)
}

// UpsertAirport implements readmodel.Querier.
func (m *ReadModels) UpsertAirport(ctx context.Context, arg readmodel.UpsertAirportParams) error {
	return m.write(func(t *tx) error { return t.UpsertAirport(ctx, arg) })
}

func (s *state) getAirport(ctx context.Context, arg readmodel.GetAirportParams) (readmodel.Airport, error) {
	if err := ctx.Err(); err != nil {
		return readmodel.Airport{}, err
	}
	a, ok := s.airports.get(arg.TenantID, arg.Icao)
	if !ok {
		return readmodel.Airport{}, readmodel.NotFound("GetAirport")
	}
	return a, nil
}

// listAirports orders like ORDER BY icao COLLATE "C" and returns nil for no
// rows, as the sqlc code does.
func (s *state) listAirports(ctx context.Context, tenantID string) ([]readmodel.Airport, error) {
	if err := ctx.Err(); err != nil {
		return nil, err
	}
	var out []readmodel.Airport
	for _, a := range s.airports[tenantID] {
		s.visited(1)
		out = append(out, a)
	}
	slices.SortFunc(out, func(a, b readmodel.Airport) int { return strings.Compare(a.Icao, b.Icao) })
	return out, nil
}

// searchAirports is strpos(search, term) > 0, ordered by whether search
// starts with term, then by ICAO code, cut at max_rows; a negative limit is
// the error PostgreSQL gives.
func (s *state) searchAirports(ctx context.Context, arg readmodel.SearchAirportsParams) ([]readmodel.Airport, error) {
	if err := ctx.Err(); err != nil {
		return nil, err
	}
	if arg.MaxRows < 0 {
		return nil, negativeLimit()
	}
	var out []readmodel.Airport
	for _, a := range s.airports[arg.TenantID] {
		s.visited(1)
		if strings.Contains(a.Search, arg.Term) {
			out = append(out, a)
		}
	}
	slices.SortFunc(out, func(a, b readmodel.Airport) int {
		pa, pb := strings.HasPrefix(a.Search, arg.Term), strings.HasPrefix(b.Search, arg.Term)
		if pa != pb {
			if pa {
				return -1
			}
			return 1
		}
		return strings.Compare(a.Icao, b.Icao)
	})
	if len(out) > int(arg.MaxRows) {
		out = out[:arg.MaxRows]
	}
	if len(out) == 0 {
		return nil, nil
	}
	return out, nil
}

func (t *tx) DeleteAllAirports(ctx context.Context) error {
	if err := t.check(ctx); err != nil {
		return err
	}
	old := t.st.airports
	t.st.airports = airportTable{}
	t.undo = append(t.undo, func() { t.st.airports = old })
	return nil
}

func (t *tx) GetAirport(ctx context.Context, arg readmodel.GetAirportParams) (readmodel.Airport, error) {
	if err := t.check(ctx); err != nil {
		return readmodel.Airport{}, err
	}
	return t.st.getAirport(ctx, arg)
}

func (t *tx) ListAirports(ctx context.Context, tenantID string) ([]readmodel.Airport, error) {
	if err := t.check(ctx); err != nil {
		return nil, err
	}
	return t.st.listAirports(ctx, tenantID)
}

func (t *tx) SearchAirports(ctx context.Context, arg readmodel.SearchAirportsParams) ([]readmodel.Airport, error) {
	if err := t.check(ctx); err != nil {
		return nil, err
	}
	out, err := t.st.searchAirports(ctx, arg)
	if err != nil {
		return nil, t.fail(err)
	}
	return out, nil
}

// UpsertAirport inserts or replaces the row of (tenant, ICAO).
func (t *tx) UpsertAirport(ctx context.Context, arg readmodel.UpsertAirportParams) error {
	if err := t.check(ctx); err != nil {
		return err
	}
	old, existed := t.st.airports.get(arg.TenantID, arg.Icao)
	row := readmodel.Airport(arg)
	row.UpdatedAt = timestamptz(arg.UpdatedAt)
	t.st.airports.put(row)
	t.undo = append(t.undo, func() {
		if existed {
			t.st.airports.put(old)
		} else {
			t.st.airports.remove(arg.TenantID, arg.Icao)
		}
	})
	return nil
}
