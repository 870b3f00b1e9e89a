package memory

import (
	"cmp"
	"context"
	"slices"
	"strings"

	"github.com/albatross-va/albatross/store/readmodel"
)

// Who may fly what (queries/type_ratings.sql) in memory: per airline its
// type ratings, its pilots' granted ratings, its ranks' allowances and its
// flying rules. A write replaces the airline's list (copy on write), so its
// undo puts the old list back.

// ratingTables are the read models of queries/type_ratings.sql.
type ratingTables struct {
	ratings    map[string][]readmodel.TypeRating      // by tenant, in ListTypeRatings order
	granted    map[rowKey][]readmodel.PilotTypeRating // by tenant and pilot, oldest grant first
	allowances map[string][]readmodel.RankAllowance   // by tenant, by rank id
	rules      map[string]readmodel.AirlineFlyingRule // by tenant
	transfer   map[rowKey]readmodel.PilotTransferHour // by tenant and pilot
}

func newRatingTables() *ratingTables {
	return &ratingTables{ratings: map[string][]readmodel.TypeRating{}, granted: map[rowKey][]readmodel.PilotTypeRating{},
		allowances: map[string][]readmodel.RankAllowance{}, rules: map[string]readmodel.AirlineFlyingRule{},
		transfer: map[rowKey]readmodel.PilotTransferHour{}}
}

// setEntry sets m[k] to v (deleting it for an empty v), with the undo.
func setEntry[K comparable, V any](t *tx, m map[K]V, k K, v V, empty bool) {
	old, had := m[k]
	if empty {
		delete(m, k)
	} else {
		m[k] = v
	}
	t.undo = append(t.undo, func() {
		if had {
			m[k] = old
		} else {
			delete(m, k)
		}
	})
}

// ids clones a list of ids as PostgreSQL returns a text[]: never nil.
func ids(list []string) []string {
	return append([]string{}, list...)
}

func byCodeThenName(a, b readmodel.TypeRating) int {
	return cmp.Or(strings.Compare(a.Code, b.Code), strings.Compare(a.Name, b.Name), slices.Compare(a.ID[:], b.ID[:]))
}

// UpsertTypeRating implements readmodel.Querier.
func (m *ReadModels) UpsertTypeRating(ctx context.Context, arg readmodel.UpsertTypeRatingParams) error {
	return m.write(func(t *tx) error { return t.UpsertTypeRating(ctx, arg) })
}

// ListTypeRatings implements readmodel.Querier.
func (m *ReadModels) ListTypeRatings(ctx context.Context, tenantID string) ([]readmodel.TypeRating, error) {
	m.mu.RLock()
	defer m.mu.RUnlock()
	return m.st.listTypeRatings(ctx, tenantID)
}

// DeleteAllTypeRatings implements readmodel.Querier.
func (m *ReadModels) DeleteAllTypeRatings(ctx context.Context) error {
	return m.write(func(t *tx) error { return t.DeleteAllTypeRatings(ctx) })
}

// GrantPilotTypeRating implements readmodel.Querier.
func (m *ReadModels) GrantPilotTypeRating(ctx context.Context, arg readmodel.GrantPilotTypeRatingParams) error {
	return m.write(func(t *tx) error { return t.GrantPilotTypeRating(ctx, arg) })
}

// RevokePilotTypeRating implements readmodel.Querier.
func (m *ReadModels) RevokePilotTypeRating(ctx context.Context, arg readmodel.RevokePilotTypeRatingParams) error {
	return m.write(func(t *tx) error { return t.RevokePilotTypeRating(ctx, arg) })
}

// ListPilotTypeRatings implements readmodel.Querier.
func (m *ReadModels) ListPilotTypeRatings(ctx context.Context, arg readmodel.ListPilotTypeRatingsParams) ([]readmodel.PilotTypeRating, error) {
	m.mu.RLock()
	defer m.mu.RUnlock()
	return m.st.listPilotTypeRatings(ctx, arg)
}

// DeleteAllPilotTypeRatings implements readmodel.Querier.
func (m *ReadModels) DeleteAllPilotTypeRatings(ctx context.Context) error {
	return m.write(func(t *tx) error { return t.DeleteAllPilotTypeRatings(ctx) })
}

// UpsertRankAllowances implements readmodel.Querier.
func (m *ReadModels) UpsertRankAllowances(ctx context.Context, arg readmodel.UpsertRankAllowancesParams) error {
	return m.write(func(t *tx) error { return t.UpsertRankAllowances(ctx, arg) })
}

// ListRankAllowances implements readmodel.Querier.
func (m *ReadModels) ListRankAllowances(ctx context.Context, tenantID string) ([]readmodel.RankAllowance, error) {
	m.mu.RLock()
	defer m.mu.RUnlock()
	return m.st.listRankAllowances(ctx, tenantID)
}

// DeleteAllRankAllowances implements readmodel.Querier.
func (m *ReadModels) DeleteAllRankAllowances(ctx context.Context) error {
	return m.write(func(t *tx) error { return t.DeleteAllRankAllowances(ctx) })
}

// GetAirlineFlyingRules implements readmodel.Querier.
func (m *ReadModels) GetAirlineFlyingRules(ctx context.Context, tenantID string) (readmodel.AirlineFlyingRule, error) {
	m.mu.RLock()
	defer m.mu.RUnlock()
	return m.st.getAirlineFlyingRules(ctx, tenantID)
}

// UpsertAirlineFlyingRules implements readmodel.Querier.
func (m *ReadModels) UpsertAirlineFlyingRules(ctx context.Context, arg readmodel.UpsertAirlineFlyingRulesParams) error {
	return m.write(func(t *tx) error { return t.UpsertAirlineFlyingRules(ctx, arg) })
}

// DeleteAllAirlineFlyingRules implements readmodel.Querier.
func (m *ReadModels) DeleteAllAirlineFlyingRules(ctx context.Context) error {
	return m.write(func(t *tx) error { return t.DeleteAllAirlineFlyingRules(ctx) })
}

func (s *state) listTypeRatings(ctx context.Context, tenantID string) ([]readmodel.TypeRating, error) {
	if err := ctx.Err(); err != nil {
		return nil, err
	}
	list := s.ratings.ratings[tenantID]
	s.visited(len(list))
	out := make([]readmodel.TypeRating, len(list))
	for i, r := range list {
		r.SubfleetIds = ids(r.SubfleetIds)
		out[i] = r
	}
	return out, nil
}

func (s *state) listPilotTypeRatings(ctx context.Context, arg readmodel.ListPilotTypeRatingsParams) ([]readmodel.PilotTypeRating, error) {
	if err := ctx.Err(); err != nil {
		return nil, err
	}
	list := s.ratings.granted[rowKey{arg.TenantID, arg.PilotID}]
	s.visited(len(list))
	return slices.Clone(list), nil
}

func (s *state) listRankAllowances(ctx context.Context, tenantID string) ([]readmodel.RankAllowance, error) {
	if err := ctx.Err(); err != nil {
		return nil, err
	}
	list := s.ratings.allowances[tenantID]
	s.visited(len(list))
	out := make([]readmodel.RankAllowance, len(list))
	for i, r := range list {
		r.SubfleetIds, r.RatingIds = ids(r.SubfleetIds), ids(r.RatingIds)
		out[i] = r
	}
	return out, nil
}

func (s *state) getAirlineFlyingRules(ctx context.Context, tenantID string) (readmodel.AirlineFlyingRule, error) {
	if err := ctx.Err(); err != nil {
		return readmodel.AirlineFlyingRule{}, err
	}
	r, ok := s.ratings.rules[tenantID]
	if !ok {
		return readmodel.AirlineFlyingRule{}, readmodel.NotFound("GetAirlineFlyingRules")
	}
	return r, nil
}

func (t *tx) UpsertTypeRating(ctx context.Context, arg readmodel.UpsertTypeRatingParams) error {
	if err := t.check(ctx); err != nil {
		return err
	}
	row := readmodel.TypeRating{TenantID: arg.TenantID, ID: arg.ID, Name: arg.Name, Code: arg.Code,
		SubfleetIds: ids(arg.SubfleetIds), UpdatedAt: timestamptz(arg.UpdatedAt)}
	list := slices.DeleteFunc(slices.Clone(t.st.ratings.ratings[arg.TenantID]), func(r readmodel.TypeRating) bool { return r.ID == arg.ID })
	list = append(list, row)
	slices.SortFunc(list, byCodeThenName)
	setEntry(t, t.st.ratings.ratings, arg.TenantID, list, false)
	return nil
}

func (t *tx) ListTypeRatings(ctx context.Context, tenantID string) ([]readmodel.TypeRating, error) {
	if err := t.check(ctx); err != nil {
		return nil, err
	}
	return t.st.listTypeRatings(ctx, tenantID)
}

func (t *tx) DeleteAllTypeRatings(ctx context.Context) error {
	if err := t.check(ctx); err != nil {
		return err
	}
	old := t.st.ratings.ratings
	t.st.ratings.ratings = map[string][]readmodel.TypeRating{}
	t.undo = append(t.undo, func() { t.st.ratings.ratings = old })
	return nil
}

func (t *tx) GrantPilotTypeRating(ctx context.Context, arg readmodel.GrantPilotTypeRatingParams) error {
	if err := t.check(ctx); err != nil {
		return err
	}
	k := rowKey{arg.TenantID, arg.PilotID}
	old := t.st.ratings.granted[k]
	if slices.ContainsFunc(old, func(g readmodel.PilotTypeRating) bool { return g.RatingID == arg.RatingID }) {
		return nil
	}
	list := append(slices.Clone(old), readmodel.PilotTypeRating{TenantID: arg.TenantID, PilotID: arg.PilotID, RatingID: arg.RatingID,
		GrantedAt: timestamptz(arg.GrantedAt)})
	slices.SortFunc(list, func(a, b readmodel.PilotTypeRating) int {
		return cmp.Or(a.GrantedAt.Compare(b.GrantedAt), slices.Compare(a.RatingID[:], b.RatingID[:]))
	})
	setEntry(t, t.st.ratings.granted, k, list, false)
	return nil
}

func (t *tx) RevokePilotTypeRating(ctx context.Context, arg readmodel.RevokePilotTypeRatingParams) error {
	if err := t.check(ctx); err != nil {
		return err
	}
	k := rowKey{arg.TenantID, arg.PilotID}
	list := slices.DeleteFunc(slices.Clone(t.st.ratings.granted[k]), func(g readmodel.PilotTypeRating) bool { return g.RatingID == arg.RatingID })
	setEntry(t, t.st.ratings.granted, k, list, len(list) == 0)
	return nil
}

func (t *tx) ListPilotTypeRatings(ctx context.Context, arg readmodel.ListPilotTypeRatingsParams) ([]readmodel.PilotTypeRating, error) {
	if err := t.check(ctx); err != nil {
		return nil, err
	}
	return t.st.listPilotTypeRatings(ctx, arg)
}

func (t *tx) DeleteAllPilotTypeRatings(ctx context.Context) error {
	if err := t.check(ctx); err != nil {
		return err
	}
	old := t.st.ratings.granted
	t.st.ratings.granted = map[rowKey][]readmodel.PilotTypeRating{}
	t.undo = append(t.undo, func() { t.st.ratings.granted = old })
	return nil
}

func (t *tx) UpsertRankAllowances(ctx context.Context, arg readmodel.UpsertRankAllowancesParams) error {
	if err := t.check(ctx); err != nil {
		return err
	}
	row := readmodel.RankAllowance{TenantID: arg.TenantID, RankID: arg.RankID, SubfleetIds: ids(arg.SubfleetIds),
		RatingIds: ids(arg.RatingIds), UpdatedAt: timestamptz(arg.UpdatedAt)}
	list := slices.DeleteFunc(slices.Clone(t.st.ratings.allowances[arg.TenantID]), func(r readmodel.RankAllowance) bool { return r.RankID == arg.RankID })
	list = append(list, row)
	slices.SortFunc(list, func(a, b readmodel.RankAllowance) int { return slices.Compare(a.RankID[:], b.RankID[:]) })
	setEntry(t, t.st.ratings.allowances, arg.TenantID, list, false)
	return nil
}

func (t *tx) ListRankAllowances(ctx context.Context, tenantID string) ([]readmodel.RankAllowance, error) {
	if err := t.check(ctx); err != nil {
		return nil, err
	}
	return t.st.listRankAllowances(ctx, tenantID)
}

func (t *tx) DeleteAllRankAllowances(ctx context.Context) error {
	if err := t.check(ctx); err != nil {
		return err
	}
	old := t.st.ratings.allowances
	t.st.ratings.allowances = map[string][]readmodel.RankAllowance{}
	t.undo = append(t.undo, func() { t.st.ratings.allowances = old })
	return nil
}

func (t *tx) GetAirlineFlyingRules(ctx context.Context, tenantID string) (readmodel.AirlineFlyingRule, error) {
	if err := t.check(ctx); err != nil {
		return readmodel.AirlineFlyingRule{}, err
	}
	return t.st.getAirlineFlyingRules(ctx, tenantID)
}

func (t *tx) UpsertAirlineFlyingRules(ctx context.Context, arg readmodel.UpsertAirlineFlyingRulesParams) error {
	if err := t.check(ctx); err != nil {
		return err
	}
	setEntry(t, t.st.ratings.rules, arg.TenantID, readmodel.AirlineFlyingRule{TenantID: arg.TenantID, RestrictToRank: arg.RestrictToRank,
		RestrictToTypeRating: arg.RestrictToTypeRating, UpdatedAt: timestamptz(arg.UpdatedAt), CountTransferHours: arg.CountTransferHours}, false)
	return nil
}

func (t *tx) DeleteAllAirlineFlyingRules(ctx context.Context) error {
	if err := t.check(ctx); err != nil {
		return err
	}
	old := t.st.ratings.rules
	t.st.ratings.rules = map[string]readmodel.AirlineFlyingRule{}
	t.undo = append(t.undo, func() { t.st.ratings.rules = old })
	return nil
}

// UpsertPilotTransferHours implements readmodel.Querier.
func (m *ReadModels) UpsertPilotTransferHours(ctx context.Context, arg readmodel.UpsertPilotTransferHoursParams) error {
	return m.write(func(t *tx) error { return t.UpsertPilotTransferHours(ctx, arg) })
}

// GetPilotTransferHours implements readmodel.Querier.
func (m *ReadModels) GetPilotTransferHours(ctx context.Context, arg readmodel.GetPilotTransferHoursParams) (readmodel.PilotTransferHour, error) {
	m.mu.RLock()
	defer m.mu.RUnlock()
	return m.st.getPilotTransferHours(ctx, arg)
}

// DeleteAllPilotTransferHours implements readmodel.Querier.
func (m *ReadModels) DeleteAllPilotTransferHours(ctx context.Context) error {
	return m.write(func(t *tx) error { return t.DeleteAllPilotTransferHours(ctx) })
}

func (s *state) getPilotTransferHours(ctx context.Context, arg readmodel.GetPilotTransferHoursParams) (readmodel.PilotTransferHour, error) {
	if err := ctx.Err(); err != nil {
		return readmodel.PilotTransferHour{}, err
	}
	r, ok := s.ratings.transfer[rowKey{arg.TenantID, arg.PilotID}]
	if !ok {
		return readmodel.PilotTransferHour{}, readmodel.NotFound("GetPilotTransferHours")
	}
	return r, nil
}

func (t *tx) UpsertPilotTransferHours(ctx context.Context, arg readmodel.UpsertPilotTransferHoursParams) error {
	if err := t.check(ctx); err != nil {
		return err
	}
	setEntry(t, t.st.ratings.transfer, rowKey{arg.TenantID, arg.PilotID}, readmodel.PilotTransferHour{TenantID: arg.TenantID,
		PilotID: arg.PilotID, Minutes: arg.Minutes, UpdatedAt: timestamptz(arg.UpdatedAt)}, false)
	return nil
}

func (t *tx) GetPilotTransferHours(ctx context.Context, arg readmodel.GetPilotTransferHoursParams) (readmodel.PilotTransferHour, error) {
	if err := t.check(ctx); err != nil {
		return readmodel.PilotTransferHour{}, err
	}
	return t.st.getPilotTransferHours(ctx, arg)
}

func (t *tx) DeleteAllPilotTransferHours(ctx context.Context) error {
	if err := t.check(ctx); err != nil {
		return err
	}
	old := t.st.ratings.transfer
	t.st.ratings.transfer = map[rowKey]readmodel.PilotTransferHour{}
	t.undo = append(t.undo, func() { t.st.ratings.transfer = old })
	return nil
}
