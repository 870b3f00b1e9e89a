package memory

import (
	"bytes"
	"cmp"
	"context"
	"strings"

	"github.com/google/btree"
	"github.com/google/uuid"

	"github.com/albatross-va/albatross/store/readmodel"
)

// The roster's order, as PostgreSQL's index users_roster on the active
// users (tenant_id, pilot_id = '', pilot_number, name COLLATE "C", id):
// each airline's active people kept sorted by the user writes, so a page
// of the roster reads only its own rows and its count is a tree's size,
// whatever the airline's and the platform's other people.
//
// The roster also lists an active person without a pilot id who has flown
// (an airline admin who files PIREPs); whether they have flown is in the
// pilot stats, which other statements write. Those people sort after every
// pilot, so they are kept in a tree of their own and the roster's last
// pages read it, skipping the ones who have not flown: an airline's staff
// without pilot ids are few.

// rosterKey is a person's place in the roster.
type rosterKey struct {
	number int32
	name   string
	id     uuid.UUID
}

func rosterLess(a, b rosterKey) bool {
	if c := cmp.Compare(a.number, b.number); c != 0 {
		return c < 0
	}
	if c := strings.Compare(a.name, b.name); c != 0 {
		return c < 0
	}
	return bytes.Compare(a.id[:], b.id[:]) < 0
}

// airlineRoster is one airline's active people in roster order: those
// with a pilot id, and those without one.
type airlineRoster struct {
	pilots, others *btree.BTreeG[rosterKey]
}

func (r *airlineRoster) treeOf(u readmodel.User) *btree.BTreeG[rosterKey] {
	if u.PilotID == "" {
		return r.others
	}
	return r.pilots
}

// rosterIndex is every airline's roster order, by tenant.
type rosterIndex map[string]*airlineRoster

// onRoster says whether the user's row has a place in the roster's order.
func onRoster(u readmodel.User) bool { return u.Status == "active" }

func keyOf(u readmodel.User) rosterKey {
	return rosterKey{number: u.PilotNumber, name: u.Name, id: u.ID}
}

func (ix rosterIndex) add(u readmodel.User) {
	if !onRoster(u) {
		return
	}
	r := ix[u.TenantID]
	if r == nil {
		r = &airlineRoster{pilots: btree.NewG(orderDegree, rosterLess), others: btree.NewG(orderDegree, rosterLess)}
		ix[u.TenantID] = r
	}
	r.treeOf(u).ReplaceOrInsert(keyOf(u))
}

func (ix rosterIndex) remove(u readmodel.User) {
	if !onRoster(u) {
		return
	}
	r := ix[u.TenantID]
	if r == nil {
		return
	}
	r.treeOf(u).Delete(keyOf(u))
	if r.pilots.Len() == 0 && r.others.Len() == 0 {
		delete(ix, u.TenantID)
	}
}

// move takes a user's row from its old place (when it had one) to its new
// one, and logs the way back for a rollback.
func (t *tx) moveOnRoster(old readmodel.User, existed bool, now readmodel.User) {
	ix := t.st.roster
	if existed {
		ix.remove(old)
	}
	ix.add(now)
	t.undo = append(t.undo, func() {
		ix.remove(now)
		if existed {
			ix.add(old)
		}
	})
}

// hasFlown says whether a person without a pilot id is on the roster:
// coalesce(s.flights, 0) > 0.
func (s *state) hasFlown(tenantID string, id uuid.UUID) bool {
	return s.pilotStats[rowKey{tenantID, id}].Flights > 0
}

// rosterIDs are the ids of the roster's rows [offset, offset+limit), in
// its order.
func (s *state) rosterIDs(tenantID string, offset, limit int) []uuid.UUID {
	r := s.roster[tenantID]
	if r == nil || limit <= 0 {
		return nil
	}
	var out []uuid.UUID
	skip := offset
	take := func(k rosterKey) bool {
		if skip > 0 {
			skip--
			return true
		}
		out = append(out, k.id)
		return len(out) < limit
	}
	if skip < r.pilots.Len() {
		r.pilots.Ascend(take)
	} else {
		// No pilot comes on this page: skip them without a walk.
		skip -= r.pilots.Len()
	}
	if len(out) < limit {
		r.others.Ascend(func(k rosterKey) bool {
			if !s.hasFlown(tenantID, k.id) {
				return true
			}
			return take(k)
		})
	}
	return out
}

func (s *state) listRoster(ctx context.Context, arg readmodel.ListRosterParams) ([]readmodel.ListRosterRow, error) {
	if err := ctx.Err(); err != nil {
		return nil, err
	}
	if arg.RowLimit < 0 {
		return nil, negativeLimit()
	}
	if arg.RowOffset < 0 {
		return nil, negativeOffset()
	}
	ids := s.rosterIDs(arg.TenantID, int(arg.RowOffset), int(arg.RowLimit))
	s.visited(len(ids)) // the page's rows (a later page also walks the rows before it)
	if len(ids) == 0 {
		return nil, nil
	}
	rows := make([]readmodel.ListRosterRow, 0, len(ids))
	for _, id := range ids {
		rows = append(rows, s.rosterRow(arg.TenantID, s.users[id]))
	}
	return rows, nil
}

// rosterRow is a person's line of the roster, with their stats and rank.
func (s *state) rosterRow(tenantID string, u readmodel.User) readmodel.ListRosterRow {
	st := s.pilotStats[rowKey{tenantID, u.ID}]
	r := readmodel.ListRosterRow{ID: u.ID, PilotID: u.PilotID, Name: u.Name, Flights: st.Flights, Minutes: st.Minutes, Location: st.Location}
	if pr, ok := s.pilotRanks[rowKey{tenantID, u.ID}]; ok {
		// ranks.id::text = pilot_ranks.rank_id: the canonical lower-case form.
		if id, err := uuid.Parse(pr.RankID); err == nil && id.String() == pr.RankID {
			r.RankName = s.ranks[rowKey{tenantID, id}].Name
		}
	}
	return r
}

func (s *state) countRoster(ctx context.Context, tenantID string) (int64, error) {
	if err := ctx.Err(); err != nil {
		return 0, err
	}
	r := s.roster[tenantID]
	if r == nil {
		return 0, nil
	}
	n := int64(r.pilots.Len())
	r.others.Ascend(func(k rosterKey) bool {
		if s.hasFlown(tenantID, k.id) {
			n++
		}
		return true
	})
	return n, nil
}

// ListRoster implements readmodel.Querier.
func (m *ReadModels) ListRoster(ctx context.Context, arg readmodel.ListRosterParams) ([]readmodel.ListRosterRow, error) {
	m.mu.RLock()
	defer m.mu.RUnlock()
	return m.st.listRoster(ctx, arg)
}

// CountRoster implements readmodel.Querier.
func (m *ReadModels) CountRoster(ctx context.Context, tenantID string) (int64, error) {
	m.mu.RLock()
	defer m.mu.RUnlock()
	return m.st.countRoster(ctx, tenantID)
}

func (t *tx) ListRoster(ctx context.Context, arg readmodel.ListRosterParams) ([]readmodel.ListRosterRow, error) {
	if err := t.check(ctx); err != nil {
		return nil, err
	}
	out, err := t.st.listRoster(ctx, arg)
	return out, t.fail(err)
}

func (t *tx) CountRoster(ctx context.Context, tenantID string) (int64, error) {
	if err := t.check(ctx); err != nil {
		return 0, err
	}
	return t.st.countRoster(ctx, tenantID)
}
