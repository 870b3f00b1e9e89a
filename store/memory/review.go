package memory

import (
	"bytes"
	"context"
	"slices"
	"strings"
	"time"

	"github.com/google/uuid"

	"github.com/albatross-va/albatross/store/readmodel"
)

// The read models of a PIREP's review extras in memory
// (queries/pirep_comments.sql and queries/notices.sql): comments keyed by
// (tenant_id, pirep_id) and then id, what the notices projection knows of
// each PIREP by (tenant_id, pirep_id), and notices by (tenant_id, user_id)
// and then id. The two levels are the queries' indexes: a PIREP's thread
// or a member's notices read only their own rows, not every airline's (at
// 100,000 accepted PIREPs an airline has as many notices).

type reviewTables struct {
	comments     map[rowKey]map[uuid.UUID]readmodel.PirepComment // (tenant, pirep) → id →
	noticePireps map[rowKey]readmodel.NoticePirep
	notices      map[rowKey]map[string]readmodel.Notice // (tenant, user) → id →
	// noticesOf indexes notices by the PIREP they name: putting a PIREP's
	// notices away on each decision read every notice of its pilot, which
	// made the embedded start quadratic in a pilot's PIREPs (6 of 10 s
	// replaying 100,000 PIREPs of 200 pilots).
	noticesOf map[pirepNoticesKey][]string // (tenant, user, pirep) → notice ids
}

type pirepNoticesKey struct {
	tenant string
	user   uuid.UUID
	pirep  string
}

func newReviewTables() *reviewTables {
	return &reviewTables{
		comments:     map[rowKey]map[uuid.UUID]readmodel.PirepComment{},
		noticePireps: map[rowKey]readmodel.NoticePirep{},
		notices:      map[rowKey]map[string]readmodel.Notice{},
		noticesOf:    map[pirepNoticesKey][]string{},
	}
}

// putRow sets m[k][id], making the inner map when it is the first.
func putRow[K, I comparable, V any](m map[K]map[I]V, k K, id I, v V) {
	in := m[k]
	if in == nil {
		in = map[I]V{}
		m[k] = in
	}
	in[id] = v
}

// deleteRow removes m[k][id], and the inner map when it was the last.
func deleteRow[K, I comparable, V any](m map[K]map[I]V, k K, id I) {
	delete(m[k], id)
	if len(m[k]) == 0 {
		delete(m, k)
	}
}

// DeleteAllPirepComments implements readmodel.Querier.
func (m *ReadModels) DeleteAllPirepComments(ctx context.Context) error {
	return m.write(func(t *tx) error { return t.DeleteAllPirepComments(ctx) })
}

// UpsertPirepComment implements readmodel.Querier.
func (m *ReadModels) UpsertPirepComment(ctx context.Context, arg readmodel.UpsertPirepCommentParams) error {
	return m.write(func(t *tx) error { return t.UpsertPirepComment(ctx, arg) })
}

// ListPirepComments implements readmodel.Querier.
func (m *ReadModels) ListPirepComments(ctx context.Context, arg readmodel.ListPirepCommentsParams) ([]readmodel.PirepComment, error) {
	m.mu.RLock()
	defer m.mu.RUnlock()
	return m.st.listPirepComments(ctx, arg)
}

// DeleteAllNoticePireps implements readmodel.Querier.
func (m *ReadModels) DeleteAllNoticePireps(ctx context.Context) error {
	return m.write(func(t *tx) error { return t.DeleteAllNoticePireps(ctx) })
}

// UpsertNoticePirep implements readmodel.Querier.
func (m *ReadModels) UpsertNoticePirep(ctx context.Context, arg readmodel.UpsertNoticePirepParams) error {
	return m.write(func(t *tx) error { return t.UpsertNoticePirep(ctx, arg) })
}

// GetNoticePirep implements readmodel.Querier.
func (m *ReadModels) GetNoticePirep(ctx context.Context, arg readmodel.GetNoticePirepParams) (readmodel.NoticePirep, error) {
	m.mu.RLock()
	defer m.mu.RUnlock()
	return m.st.getNoticePirep(ctx, arg)
}

// DeleteAllNotices implements readmodel.Querier.
func (m *ReadModels) DeleteAllNotices(ctx context.Context) error {
	return m.write(func(t *tx) error { return t.DeleteAllNotices(ctx) })
}

// InsertNotice implements readmodel.Querier.
func (m *ReadModels) InsertNotice(ctx context.Context, arg readmodel.InsertNoticeParams) error {
	return m.write(func(t *tx) error { return t.InsertNotice(ctx, arg) })
}

// MarkNoticeRead implements readmodel.Querier.
func (m *ReadModels) MarkNoticeRead(ctx context.Context, arg readmodel.MarkNoticeReadParams) error {
	return m.write(func(t *tx) error { return t.MarkNoticeRead(ctx, arg) })
}

// PutAwayPirepNotices implements readmodel.Querier.
func (m *ReadModels) PutAwayPirepNotices(ctx context.Context, arg readmodel.PutAwayPirepNoticesParams) error {
	return m.write(func(t *tx) error { return t.PutAwayPirepNotices(ctx, arg) })
}

// ListUnreadNotices implements readmodel.Querier.
func (m *ReadModels) ListUnreadNotices(ctx context.Context, arg readmodel.ListUnreadNoticesParams) ([]readmodel.Notice, error) {
	m.mu.RLock()
	defer m.mu.RUnlock()
	return m.st.listUnreadNotices(ctx, arg)
}

// GetLastNoticeOfKind implements readmodel.Querier.
func (m *ReadModels) GetLastNoticeOfKind(ctx context.Context, arg readmodel.GetLastNoticeOfKindParams) (readmodel.Notice, error) {
	m.mu.RLock()
	defer m.mu.RUnlock()
	return m.st.getLastNoticeOfKind(ctx, arg)
}

// listPirepComments orders like ORDER BY created_at, id and returns nil
// for no rows.
func (s *state) listPirepComments(ctx context.Context, arg readmodel.ListPirepCommentsParams) ([]readmodel.PirepComment, error) {
	if err := ctx.Err(); err != nil {
		return nil, err
	}
	var out []readmodel.PirepComment
	for _, c := range s.review.comments[rowKey{arg.TenantID, arg.PirepID}] {
		out = append(out, c)
	}
	slices.SortFunc(out, func(a, b readmodel.PirepComment) int {
		if c := a.CreatedAt.Compare(b.CreatedAt); c != 0 {
			return c
		}
		return bytes.Compare(a.ID[:], b.ID[:])
	})
	return out, nil
}

func (s *state) getNoticePirep(ctx context.Context, arg readmodel.GetNoticePirepParams) (readmodel.NoticePirep, error) {
	if err := ctx.Err(); err != nil {
		return readmodel.NoticePirep{}, err
	}
	p, ok := s.review.noticePireps[rowKey{arg.TenantID, arg.PirepID}]
	if !ok {
		return readmodel.NoticePirep{}, readmodel.NotFound("GetNoticePirep")
	}
	return p, nil
}

// newestNoticeFirst orders like ORDER BY created_at DESC, id COLLATE "C" DESC.
func newestNoticeFirst(a, b readmodel.Notice) int {
	if c := b.CreatedAt.Compare(a.CreatedAt); c != 0 {
		return c
	}
	return strings.Compare(b.ID, a.ID)
}

func (s *state) listUnreadNotices(ctx context.Context, arg readmodel.ListUnreadNoticesParams) ([]readmodel.Notice, error) {
	if err := ctx.Err(); err != nil {
		return nil, err
	}
	if arg.Limit < 0 {
		return nil, negativeLimit()
	}
	var out []readmodel.Notice
	for _, n := range s.review.notices[rowKey{arg.TenantID, arg.UserID}] {
		if n.ReadAt == nil {
			out = append(out, n)
		}
	}
	slices.SortFunc(out, newestNoticeFirst)
	if len(out) > int(arg.Limit) {
		out = out[:arg.Limit]
	}
	if len(out) == 0 {
		return nil, nil
	}
	return out, nil
}

func (s *state) getLastNoticeOfKind(ctx context.Context, arg readmodel.GetLastNoticeOfKindParams) (readmodel.Notice, error) {
	if err := ctx.Err(); err != nil {
		return readmodel.Notice{}, err
	}
	var best *readmodel.Notice
	for _, n := range s.review.notices[rowKey{arg.TenantID, arg.UserID}] {
		if n.Kind == arg.Kind {
			if best == nil || newestNoticeFirst(n, *best) < 0 {
				best = &n
			}
		}
	}
	if best == nil {
		return readmodel.Notice{}, readmodel.NotFound("GetLastNoticeOfKind")
	}
	return *best, nil
}

func (t *tx) DeleteAllPirepComments(ctx context.Context) error {
	if err := t.check(ctx); err != nil {
		return err
	}
	old := t.st.review.comments
	t.st.review.comments = map[rowKey]map[uuid.UUID]readmodel.PirepComment{}
	t.undo = append(t.undo, func() { t.st.review.comments = old })
	return nil
}

// UpsertPirepComment inserts or replaces the row with (tenant_id, pirep_id, id).
func (t *tx) UpsertPirepComment(ctx context.Context, arg readmodel.UpsertPirepCommentParams) error {
	if err := t.check(ctx); err != nil {
		return err
	}
	k := rowKey{arg.TenantID, arg.PirepID}
	old, existed := t.st.review.comments[k][arg.ID]
	putRow(t.st.review.comments, k, arg.ID, readmodel.PirepComment{TenantID: arg.TenantID, PirepID: arg.PirepID, ID: arg.ID,
		AuthorID: arg.AuthorID, Text: arg.Text, CreatedAt: timestamptz(arg.CreatedAt)})
	t.undo = append(t.undo, func() {
		if existed {
			putRow(t.st.review.comments, k, arg.ID, old)
		} else {
			deleteRow(t.st.review.comments, k, arg.ID)
		}
	})
	return nil
}

func (t *tx) ListPirepComments(ctx context.Context, arg readmodel.ListPirepCommentsParams) ([]readmodel.PirepComment, error) {
	if err := t.check(ctx); err != nil {
		return nil, err
	}
	return t.st.listPirepComments(ctx, arg)
}

func (t *tx) DeleteAllNoticePireps(ctx context.Context) error {
	if err := t.check(ctx); err != nil {
		return err
	}
	old := t.st.review.noticePireps
	t.st.review.noticePireps = map[rowKey]readmodel.NoticePirep{}
	t.undo = append(t.undo, func() { t.st.review.noticePireps = old })
	return nil
}

// UpsertNoticePirep inserts or replaces the row with (tenant_id, pirep_id).
func (t *tx) UpsertNoticePirep(ctx context.Context, arg readmodel.UpsertNoticePirepParams) error {
	if err := t.check(ctx); err != nil {
		return err
	}
	k := rowKey{arg.TenantID, arg.PirepID}
	old, existed := t.st.review.noticePireps[k]
	t.st.review.noticePireps[k] = readmodel.NoticePirep(arg)
	t.undo = append(t.undo, func() {
		if existed {
			t.st.review.noticePireps[k] = old
		} else {
			delete(t.st.review.noticePireps, k)
		}
	})
	return nil
}

func (t *tx) GetNoticePirep(ctx context.Context, arg readmodel.GetNoticePirepParams) (readmodel.NoticePirep, error) {
	if err := t.check(ctx); err != nil {
		return readmodel.NoticePirep{}, err
	}
	return t.st.getNoticePirep(ctx, arg)
}

func (t *tx) DeleteAllNotices(ctx context.Context) error {
	if err := t.check(ctx); err != nil {
		return err
	}
	old, oldOf := t.st.review.notices, t.st.review.noticesOf
	t.st.review.notices, t.st.review.noticesOf = map[rowKey]map[string]readmodel.Notice{}, map[pirepNoticesKey][]string{}
	t.undo = append(t.undo, func() { t.st.review.notices, t.st.review.noticesOf = old, oldOf })
	return nil
}

// InsertNotice adds the row with (tenant_id, user_id, id) unless it is
// there (ON CONFLICT DO NOTHING).
func (t *tx) InsertNotice(ctx context.Context, arg readmodel.InsertNoticeParams) error {
	if err := t.check(ctx); err != nil {
		return err
	}
	k := rowKey{arg.TenantID, arg.UserID}
	if _, ok := t.st.review.notices[k][arg.ID]; ok {
		return nil
	}
	putRow(t.st.review.notices, k, arg.ID, readmodel.Notice{TenantID: arg.TenantID, UserID: arg.UserID, ID: arg.ID, Kind: arg.Kind,
		PirepID: arg.PirepID, FlightNumber: arg.FlightNumber, DptAirport: arg.DptAirport, ArrAirport: arg.ArrAirport,
		Reason: arg.Reason, RankID: arg.RankID, PrevRankID: arg.PrevRankID, CreatedAt: timestamptz(arg.CreatedAt)})
	t.undo = append(t.undo, func() { deleteRow(t.st.review.notices, k, arg.ID) })
	if arg.PirepID != "" {
		pk := pirepNoticesKey{arg.TenantID, arg.UserID, arg.PirepID}
		t.st.review.noticesOf[pk] = append(t.st.review.noticesOf[pk], arg.ID)
		// Undone in reverse order, so the id to take back is the last.
		t.undo = append(t.undo, func() {
			if ids := t.st.review.noticesOf[pk]; len(ids) > 1 {
				t.st.review.noticesOf[pk] = ids[:len(ids)-1]
			} else {
				delete(t.st.review.noticesOf, pk)
			}
		})
	}
	return nil
}

// MarkNoticeRead sets read_at of the row with (tenant_id, user_id, id)
// when it has none.
func (t *tx) MarkNoticeRead(ctx context.Context, arg readmodel.MarkNoticeReadParams) error {
	if err := t.check(ctx); err != nil {
		return err
	}
	t.markRead(rowKey{arg.TenantID, arg.UserID}, arg.ID, arg.ReadAt)
	return nil
}

// markRead sets read_at of a member's notice when it has none.
func (t *tx) markRead(k rowKey, id string, at *time.Time) {
	old, ok := t.st.review.notices[k][id]
	if !ok || old.ReadAt != nil {
		return
	}
	n := old
	if at != nil {
		n.ReadAt = timestamptzPtr(*at)
	}
	t.st.review.notices[k][id] = n
	t.undo = append(t.undo, func() { t.st.review.notices[k][id] = old })
}

// PutAwayPirepNotices sets read_at of a member's unread notices of a PIREP.
func (t *tx) PutAwayPirepNotices(ctx context.Context, arg readmodel.PutAwayPirepNoticesParams) error {
	if err := t.check(ctx); err != nil {
		return err
	}
	k := rowKey{arg.TenantID, arg.UserID}
	for _, id := range t.st.review.noticesOf[pirepNoticesKey{arg.TenantID, arg.UserID, arg.PirepID}] {
		t.markRead(k, id, arg.ReadAt)
	}
	return nil
}

func (t *tx) ListUnreadNotices(ctx context.Context, arg readmodel.ListUnreadNoticesParams) ([]readmodel.Notice, error) {
	if err := t.check(ctx); err != nil {
		return nil, err
	}
	out, err := t.st.listUnreadNotices(ctx, arg)
	return out, t.fail(err)
}

func (t *tx) GetLastNoticeOfKind(ctx context.Context, arg readmodel.GetLastNoticeOfKindParams) (readmodel.Notice, error) {
	if err := t.check(ctx); err != nil {
		return readmodel.Notice{}, err
	}
	return t.st.getLastNoticeOfKind(ctx, arg)
}
