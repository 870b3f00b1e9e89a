package memory

import (
	"bytes"
	"context"
	"slices"
	"strings"
	"time"

	"github.com/google/uuid"

	"github.com/albatross-va/albatross/domain"
	"github.com/albatross-va/albatross/store/readmodel"
)

// The membership queries: an airline by id, and an airline's people.

// GetAirline implements readmodel.Querier.
func (m *ReadModels) GetAirline(ctx context.Context, id uuid.UUID) (readmodel.Airline, error) {
	m.mu.RLock()
	defer m.mu.RUnlock()
	return m.st.getAirline(ctx, id)
}

// GetTenantUser implements readmodel.Querier.
func (m *ReadModels) GetTenantUser(ctx context.Context, arg readmodel.GetTenantUserParams) (readmodel.User, error) {
	m.mu.RLock()
	defer m.mu.RUnlock()
	return m.st.getTenantUser(ctx, arg)
}

// ListUserNames implements readmodel.Querier.
func (m *ReadModels) ListUserNames(ctx context.Context, arg readmodel.ListUserNamesParams) ([]readmodel.ListUserNamesRow, error) {
	m.mu.RLock()
	defer m.mu.RUnlock()
	return m.st.listUserNames(ctx, arg)
}

// GetUserWithAirline implements readmodel.Querier.
func (m *ReadModels) GetUserWithAirline(ctx context.Context, id uuid.UUID) (readmodel.GetUserWithAirlineRow, error) {
	m.mu.RLock()
	defer m.mu.RUnlock()
	return m.st.getUserWithAirline(ctx, id)
}

// SearchMembers implements readmodel.Querier.
func (m *ReadModels) SearchMembers(ctx context.Context, arg readmodel.SearchMembersParams) ([]readmodel.SearchMembersRow, error) {
	m.mu.RLock()
	defer m.mu.RUnlock()
	return m.st.searchMembers(ctx, arg)
}

// ListSignInStates implements readmodel.Querier.
func (m *ReadModels) ListSignInStates(ctx context.Context, ids []uuid.UUID) ([]readmodel.ListSignInStatesRow, error) {
	m.mu.RLock()
	defer m.mu.RUnlock()
	return m.st.listSignInStates(ctx, ids)
}

// ListUsersByTenant implements readmodel.Querier.
func (m *ReadModels) ListUsersByTenant(ctx context.Context, tenantID string) ([]readmodel.User, error) {
	m.mu.RLock()
	defer m.mu.RUnlock()
	return m.st.listUsersByTenant(ctx, tenantID)
}

func (t *tx) GetAirline(ctx context.Context, id uuid.UUID) (readmodel.Airline, error) {
	if err := t.check(ctx); err != nil {
		return readmodel.Airline{}, err
	}
	return t.st.getAirline(ctx, id)
}

func (t *tx) GetTenantUser(ctx context.Context, arg readmodel.GetTenantUserParams) (readmodel.User, error) {
	if err := t.check(ctx); err != nil {
		return readmodel.User{}, err
	}
	return t.st.getTenantUser(ctx, arg)
}

func (t *tx) GetUserWithAirline(ctx context.Context, id uuid.UUID) (readmodel.GetUserWithAirlineRow, error) {
	if err := t.check(ctx); err != nil {
		return readmodel.GetUserWithAirlineRow{}, err
	}
	return t.st.getUserWithAirline(ctx, id)
}

func (t *tx) SearchMembers(ctx context.Context, arg readmodel.SearchMembersParams) ([]readmodel.SearchMembersRow, error) {
	if err := t.check(ctx); err != nil {
		return nil, err
	}
	return t.st.searchMembers(ctx, arg)
}

func (t *tx) ListSignInStates(ctx context.Context, ids []uuid.UUID) ([]readmodel.ListSignInStatesRow, error) {
	if err := t.check(ctx); err != nil {
		return nil, err
	}
	return t.st.listSignInStates(ctx, ids)
}

func (t *tx) ListUserNames(ctx context.Context, arg readmodel.ListUserNamesParams) ([]readmodel.ListUserNamesRow, error) {
	if err := t.check(ctx); err != nil {
		return nil, err
	}
	return t.st.listUserNames(ctx, arg)
}

func (t *tx) ListUsersByTenant(ctx context.Context, tenantID string) ([]readmodel.User, error) {
	if err := t.check(ctx); err != nil {
		return nil, err
	}
	return t.st.listUsersByTenant(ctx, tenantID)
}

func (s *state) getAirline(ctx context.Context, id uuid.UUID) (readmodel.Airline, error) {
	if err := ctx.Err(); err != nil {
		return readmodel.Airline{}, err
	}
	a, ok := s.airlines[id]
	if !ok {
		return readmodel.Airline{}, readmodel.NotFound("GetAirline")
	}
	return a, nil
}

func (s *state) getTenantUser(ctx context.Context, arg readmodel.GetTenantUserParams) (readmodel.User, error) {
	u, err := s.getUser(ctx, arg.ID)
	switch {
	case domain.ErrorCode(err) == domain.ENotFound || err == nil && u.TenantID != arg.TenantID:
		return readmodel.User{}, readmodel.NotFound("GetTenantUser")
	case err != nil:
		return readmodel.User{}, err
	}
	return u, nil
}

// listUserNames looks each id up: an id given twice is one row, a person
// of another airline (or of none) is left out, and the rows come in id
// order, as PostgreSQL compares uuids (byte by byte).
func (s *state) listUserNames(ctx context.Context, arg readmodel.ListUserNamesParams) ([]readmodel.ListUserNamesRow, error) {
	if err := ctx.Err(); err != nil {
		return nil, err
	}
	var out []readmodel.ListUserNamesRow
	seen := make(map[uuid.UUID]bool, len(arg.Ids))
	for _, id := range arg.Ids {
		if seen[id] {
			continue
		}
		seen[id] = true
		if u, ok := s.users[id]; ok && u.TenantID == arg.TenantID {
			out = append(out, readmodel.ListUserNamesRow{ID: u.ID, Name: u.Name, PilotID: u.PilotID})
		}
	}
	s.visited(len(out))
	slices.SortFunc(out, func(a, b readmodel.ListUserNamesRow) int { return bytes.Compare(a.ID[:], b.ID[:]) })
	return out, nil
}

// getUserWithAirline is the user and, as the LEFT JOIN gives it, their
// airline or zero values (created at the epoch) when they have none.
func (s *state) getUserWithAirline(ctx context.Context, id uuid.UUID) (readmodel.GetUserWithAirlineRow, error) {
	if err := ctx.Err(); err != nil {
		return readmodel.GetUserWithAirlineRow{}, err
	}
	u, ok := s.users[id]
	if !ok {
		return readmodel.GetUserWithAirlineRow{}, readmodel.NotFound("GetUserWithAirline")
	}
	s.visited(1)
	row := readmodel.GetUserWithAirlineRow{User: u, AirlineCreatedAt: time.Unix(0, 0)}
	if tid, err := uuid.Parse(u.TenantID); err == nil {
		if a, ok := s.airlines[tid]; ok {
			s.visited(1)
			row.AirlineID, row.AirlineName, row.AirlineIcao, row.AirlineIata, row.AirlineSlug = a.ID, a.Name, a.Icao, a.Iata, a.Slug
			row.AirlineCreatedAt, row.AirlinePilotIDPrefix, row.AirlineRegistration, row.AirlineSuspended = a.CreatedAt, a.PilotIDPrefix, a.Registration, a.Suspended
			row.AirlineNumber = a.Number
		}
	}
	return row, nil
}

// searchMembers walks the airline's people in name order, as
// PostgreSQL's filter does its rows, and puts the exact matches first.
func (s *state) searchMembers(ctx context.Context, arg readmodel.SearchMembersParams) ([]readmodel.SearchMembersRow, error) {
	if err := ctx.Err(); err != nil {
		return nil, err
	}
	upper, lower := strings.ToUpper(arg.Query), strings.ToLower(arg.Query)
	type match struct {
		row                readmodel.SearchMembersRow
		exactID, exactName bool
	}
	var found []match
	if t := s.usersByTenant.trees[arg.TenantID]; t != nil {
		read := 0
		t.Ascend(func(u *readmodel.User) bool {
			read++
			if u.Status == domain.StatusPending || u.Status == domain.StatusRejected || u.PilotID == "" {
				return true
			}
			if strings.HasPrefix(strings.ToUpper(u.PilotID), upper) || strings.Contains(strings.ToLower(u.Name), lower) {
				found = append(found, match{readmodel.SearchMembersRow{ID: u.ID, PilotID: u.PilotID, Name: u.Name},
					strings.ToUpper(u.PilotID) == upper, strings.ToLower(u.Name) == lower})
			}
			return true
		})
		s.visited(read)
	}
	first := func(a, b bool) int { // true before false, as ORDER BY … DESC
		switch {
		case a == b:
			return 0
		case a:
			return -1
		}
		return 1
	}
	slices.SortStableFunc(found, func(a, b match) int { // already by name, id
		if c := first(a.exactID, b.exactID); c != 0 {
			return c
		}
		return first(a.exactName, b.exactName)
	})
	var out []readmodel.SearchMembersRow
	for _, m := range found {
		if int32(len(out)) >= arg.MaxRows {
			break
		}
		out = append(out, m.row)
	}
	return out, nil
}

// listSignInStates looks each id up, as listUserNames does, with the
// suspension of the person's airline.
func (s *state) listSignInStates(ctx context.Context, ids []uuid.UUID) ([]readmodel.ListSignInStatesRow, error) {
	if err := ctx.Err(); err != nil {
		return nil, err
	}
	var out []readmodel.ListSignInStatesRow
	seen := make(map[uuid.UUID]bool, len(ids))
	for _, id := range ids {
		u, ok := s.users[id]
		if !ok || seen[id] {
			continue
		}
		seen[id] = true
		row := readmodel.ListSignInStatesRow{ID: u.ID, Role: u.Role, PasswordHash: u.PasswordHash, Status: u.Status, StatusReason: u.StatusReason}
		if tid, err := uuid.Parse(u.TenantID); err == nil {
			row.AirlineSuspended = s.airlines[tid].Suspended
		}
		out = append(out, row)
	}
	s.visited(len(out))
	slices.SortFunc(out, func(a, b readmodel.ListSignInStatesRow) int { return bytes.Compare(a.ID[:], b.ID[:]) })
	return out, nil
}

// listUsersByTenant orders like ORDER BY name COLLATE "C", id and returns
// nil for no rows, as the sqlc code does: the tenant's users, already in
// that order.
func (s *state) listUsersByTenant(ctx context.Context, tenantID string) ([]readmodel.User, error) {
	if err := ctx.Err(); err != nil {
		return nil, err
	}
	return s.usersByTenant.list(s, tenantID, same), nil
}
