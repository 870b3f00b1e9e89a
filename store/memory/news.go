package memory

import (
	"context"
	"slices"

	"github.com/albatross-va/albatross/store/readmodel"
)

// The airlines' news (queries/news.sql) in memory: each airline's, newest
// first, deleted items kept (DeletedAt set) so that their numbers are never
// given again, as PostgreSQL keeps their rows.

// InsertNews implements readmodel.Querier.
func (m *ReadModels) InsertNews(ctx context.Context, arg readmodel.InsertNewsParams) error {
	return m.write(func(t *tx) error { return t.InsertNews(ctx, arg) })
}

// UpdateNews implements readmodel.Querier.
func (m *ReadModels) UpdateNews(ctx context.Context, arg readmodel.UpdateNewsParams) error {
	return m.write(func(t *tx) error { return t.UpdateNews(ctx, arg) })
}

// DeleteNews implements readmodel.Querier.
func (m *ReadModels) DeleteNews(ctx context.Context, arg readmodel.DeleteNewsParams) error {
	return m.write(func(t *tx) error { return t.DeleteNews(ctx, arg) })
}

// GetNews implements readmodel.Querier.
func (m *ReadModels) GetNews(ctx context.Context, arg readmodel.GetNewsParams) (readmodel.News, error) {
	m.mu.RLock()
	defer m.mu.RUnlock()
	return m.st.getNews(ctx, arg)
}

// ListNews implements readmodel.Querier.
func (m *ReadModels) ListNews(ctx context.Context, arg readmodel.ListNewsParams) ([]readmodel.News, error) {
	m.mu.RLock()
	defer m.mu.RUnlock()
	return m.st.listNews(ctx, arg)
}

// CountNews implements readmodel.Querier.
func (m *ReadModels) CountNews(ctx context.Context, tenantID string) (int64, error) {
	m.mu.RLock()
	defer m.mu.RUnlock()
	return m.st.countNews(ctx, tenantID)
}

// DeleteAllNews implements readmodel.Querier.
func (m *ReadModels) DeleteAllNews(ctx context.Context) error {
	return m.write(func(t *tx) error { return t.DeleteAllNews(ctx) })
}

// newestFirst orders news as ListNews returns it.
func newestFirst(a, b readmodel.News) int {
	if c := b.PostedAt.Compare(a.PostedAt); c != 0 {
		return c
	}
	return slices.Compare(b.ID[:], a.ID[:])
}

func (s *state) getNews(ctx context.Context, arg readmodel.GetNewsParams) (readmodel.News, error) {
	if err := ctx.Err(); err != nil {
		return readmodel.News{}, err
	}
	list := s.news[arg.TenantID]
	i := slices.IndexFunc(list, func(n readmodel.News) bool { return n.ID == arg.ID })
	if i < 0 || list[i].DeletedAt != nil {
		return readmodel.News{}, readmodel.NotFound("GetNews")
	}
	s.visited(1)
	return list[i], nil
}

func (s *state) listNews(ctx context.Context, arg readmodel.ListNewsParams) ([]readmodel.News, error) {
	if err := ctx.Err(); err != nil {
		return nil, err
	}
	skip, limit := max(int(arg.SkipRows), 0), max(int(arg.MaxRows), 0)
	var out []readmodel.News
	for _, n := range s.news[arg.TenantID] {
		if len(out) == limit {
			break
		}
		if n.DeletedAt != nil {
			continue
		}
		if skip > 0 {
			skip--
			continue
		}
		out = append(out, n)
	}
	s.visited(len(out))
	return out, nil
}

func (s *state) countNews(ctx context.Context, tenantID string) (int64, error) {
	if err := ctx.Err(); err != nil {
		return 0, err
	}
	n := int64(0)
	for _, r := range s.news[tenantID] {
		if r.DeletedAt == nil {
			n++
		}
	}
	return n, nil
}

// setNews replaces an airline's news list, with its undo.
func (t *tx) setNews(tenant string, list []readmodel.News) {
	old, had := t.st.news[tenant]
	if len(list) == 0 {
		delete(t.st.news, tenant)
	} else {
		t.st.news[tenant] = list
	}
	t.undo = append(t.undo, func() {
		if had {
			t.st.news[tenant] = old
		} else {
			delete(t.st.news, tenant)
		}
	})
}

func (t *tx) InsertNews(ctx context.Context, arg readmodel.InsertNewsParams) error {
	if err := t.check(ctx); err != nil {
		return err
	}
	old := t.st.news[arg.TenantID]
	if slices.ContainsFunc(old, func(n readmodel.News) bool { return n.ID == arg.ID }) {
		return nil
	}
	number := int32(0)
	for _, n := range old {
		number = max(number, n.Number)
	}
	row := readmodel.News{TenantID: arg.TenantID, ID: arg.ID, Number: number + 1, AuthorID: arg.AuthorID, Title: arg.Title, Body: arg.Body,
		PostedAt: timestamptz(arg.PostedAt), UpdatedAt: timestamptz(arg.PostedAt)}
	list := append(slices.Clone(old), row)
	slices.SortFunc(list, newestFirst)
	t.setNews(arg.TenantID, list)
	return nil
}

func (t *tx) UpdateNews(ctx context.Context, arg readmodel.UpdateNewsParams) error {
	if err := t.check(ctx); err != nil {
		return err
	}
	old := t.st.news[arg.TenantID]
	i := slices.IndexFunc(old, func(n readmodel.News) bool { return n.ID == arg.ID })
	if i < 0 || old[i].DeletedAt != nil {
		return nil
	}
	list := slices.Clone(old)
	list[i].Title, list[i].Body, list[i].UpdatedAt = arg.Title, arg.Body, timestamptz(arg.UpdatedAt)
	t.setNews(arg.TenantID, list)
	return nil
}

func (t *tx) DeleteNews(ctx context.Context, arg readmodel.DeleteNewsParams) error {
	if err := t.check(ctx); err != nil {
		return err
	}
	old := t.st.news[arg.TenantID]
	i := slices.IndexFunc(old, func(n readmodel.News) bool { return n.ID == arg.ID })
	if i < 0 || old[i].DeletedAt != nil {
		return nil
	}
	list := slices.Clone(old)
	list[i].DeletedAt = nil
	if arg.DeletedAt != nil {
		list[i].DeletedAt = timestamptzPtr(*arg.DeletedAt)
	}
	t.setNews(arg.TenantID, list)
	return nil
}

func (t *tx) GetNews(ctx context.Context, arg readmodel.GetNewsParams) (readmodel.News, error) {
	if err := t.check(ctx); err != nil {
		return readmodel.News{}, err
	}
	return t.st.getNews(ctx, arg)
}

func (t *tx) ListNews(ctx context.Context, arg readmodel.ListNewsParams) ([]readmodel.News, error) {
	if err := t.check(ctx); err != nil {
		return nil, err
	}
	return t.st.listNews(ctx, arg)
}

func (t *tx) CountNews(ctx context.Context, tenantID string) (int64, error) {
	if err := t.check(ctx); err != nil {
		return 0, err
	}
	return t.st.countNews(ctx, tenantID)
}

func (t *tx) DeleteAllNews(ctx context.Context) error {
	if err := t.check(ctx); err != nil {
		return err
	}
	old := t.st.news
	t.st.news = map[string][]readmodel.News{}
	t.undo = append(t.undo, func() { t.st.news = old })
	return nil
}
