package memory

import (
	"context"
	"slices"
	"strings"

	"github.com/google/btree"

	"github.com/albatross-va/albatross/store/readmodel"
)

// The airports read model (queries/airports.sql) in memory: rows by tenant,
// then sorted by ICAO code, like the table's primary key, so that a list or
// a search reads only its own airline's airports, never every airline's,
// already in ICAO order.

// airportTable is the airports of every airline: tenant → rows by ICAO.
type airportTable map[string]*btree.BTreeG[readmodel.Airport]

func byIcao(a, b readmodel.Airport) bool { return a.Icao < b.Icao }

func (at airportTable) get(tenant, icao string) (readmodel.Airport, bool) {
	rows := at[tenant]
	if rows == nil {
		return readmodel.Airport{}, false
	}
	return rows.Get(readmodel.Airport{Icao: icao})
}

func (at airportTable) put(a readmodel.Airport) {
	rows := at[a.TenantID]
	if rows == nil {
		rows = btree.NewG(orderDegree, byIcao)
		at[a.TenantID] = rows
	}
	rows.ReplaceOrInsert(a)
}

func (at airportTable) remove(tenant, icao string) {
	rows := at[tenant]
	if rows == nil {
		return
	}
	rows.Delete(readmodel.Airport{Icao: icao})
	if rows.Len() == 0 {
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

// ListHubs implements readmodel.Querier.
func (m *ReadModels) ListHubs(ctx context.Context, tenantID string) ([]readmodel.Airport, error) {
	m.mu.RLock()
	defer m.mu.RUnlock()
	return m.st.listHubs(ctx, tenantID)
}

// ListAirportsByIcao implements readmodel.Querier.
func (m *ReadModels) ListAirportsByIcao(ctx context.Context, arg readmodel.ListAirportsByIcaoParams) ([]readmodel.Airport, error) {
	m.mu.RLock()
	defer m.mu.RUnlock()
	return m.st.listAirportsByIcao(ctx, arg)
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
	rows := s.airports[tenantID]
	if rows == nil {
		return nil, nil
	}
	out := make([]readmodel.Airport, 0, rows.Len())
	rows.Ascend(func(a readmodel.Airport) bool {
		out = append(out, a)
		return true
	})
	s.visited(len(out))
	return out, nil
}

// listAirportsByIcao looks each code up in the airline's airports: a code
// given twice is one row, and the rows come in ICAO order (COLLATE "C").
// listHubs is listAirports with the hubs only.
func (s *state) listHubs(ctx context.Context, tenantID string) ([]readmodel.Airport, error) {
	if err := ctx.Err(); err != nil {
		return nil, err
	}
	rows := s.airports[tenantID]
	if rows == nil {
		return nil, nil
	}
	var out []readmodel.Airport
	rows.Ascend(func(a readmodel.Airport) bool {
		if a.Hub {
			out = append(out, a)
		}
		return true
	})
	s.visited(rows.Len())
	return out, nil
}

func (s *state) listAirportsByIcao(ctx context.Context, arg readmodel.ListAirportsByIcaoParams) ([]readmodel.Airport, error) {
	if err := ctx.Err(); err != nil {
		return nil, err
	}
	rows := s.airports[arg.TenantID]
	if rows == nil {
		return nil, nil
	}
	var out []readmodel.Airport
	seen := make(map[string]bool, len(arg.Icaos))
	for _, icao := range arg.Icaos {
		if seen[icao] {
			continue
		}
		seen[icao] = true
		if a, ok := rows.Get(readmodel.Airport{Icao: icao}); ok {
			out = append(out, a)
		}
	}
	s.visited(len(out))
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
	rows := s.airports[arg.TenantID]
	if rows == nil || arg.MaxRows == 0 {
		return nil, nil
	}
	// The rows that start with the term come first, then the others that
	// hold it, each in ICAO order: two passes over the sorted rows that
	// stop at the page's last, and no sort.
	var out []readmodel.Airport
	for _, prefix := range []bool{true, false} {
		rows.Ascend(func(a readmodel.Airport) bool {
			s.visited(1)
			if strings.HasPrefix(a.Search, arg.Term) == prefix && strings.Contains(a.Search, arg.Term) {
				out = append(out, a)
			}
			return len(out) < int(arg.MaxRows)
		})
		if len(out) == int(arg.MaxRows) {
			break
		}
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

func (t *tx) ListHubs(ctx context.Context, tenantID string) ([]readmodel.Airport, error) {
	if err := t.check(ctx); err != nil {
		return nil, err
	}
	return t.st.listHubs(ctx, tenantID)
}

func (t *tx) ListAirportsByIcao(ctx context.Context, arg readmodel.ListAirportsByIcaoParams) ([]readmodel.Airport, error) {
	if err := t.check(ctx); err != nil {
		return nil, err
	}
	return t.st.listAirportsByIcao(ctx, arg)
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
