package reads

import (
	"context"
	"time"

	"github.com/google/uuid"

	"github.com/albatross-va/albatross/domain"
	"github.com/albatross-va/albatross/store/readmodel"
)

// NewsItem is one news item of an airline as the pages and the API show
// it: the Markdown as posted and the author's name.
type NewsItem struct {
	ID, Title, Body string // Body: Markdown
	Number          int32  // its number in the airline, phpVMS's id
	AuthorID        string
	AuthorName      string // "" when the author is no longer one of the airline's people
	PostedAt        time.Time
	UpdatedAt       time.Time
}

// NewsPage is up to limit of an airline's news items after skip, newest
// first, with their authors' names in one more read.
func (q Querier) NewsPage(ctx context.Context, airlineID string, skip, limit int) ([]NewsItem, error) {
	rows, err := q.ListNews(ctx, readmodel.ListNewsParams{TenantID: airlineID, SkipRows: int32(max(skip, 0)), MaxRows: int32(max(limit, 0))})
	if err != nil || len(rows) == 0 {
		return nil, err
	}
	ids := make([]uuid.UUID, 0, len(rows))
	for _, r := range rows {
		ids = append(ids, r.AuthorID)
	}
	names, err := q.ListUserNames(ctx, readmodel.ListUserNamesParams{TenantID: airlineID, Ids: ids})
	if err != nil {
		return nil, err
	}
	byID := make(map[uuid.UUID]string, len(names))
	for _, n := range names {
		byID[n.ID] = n.Name
	}
	out := make([]NewsItem, 0, len(rows))
	for _, r := range rows {
		out = append(out, newsItem(r, byID[r.AuthorID]))
	}
	return out, nil
}

// FindNews reads one news item of an airline; an id that is not one of its
// items is ENotFound.
func (q Querier) FindNews(ctx context.Context, airlineID, newsID string) (NewsItem, error) {
	id, err := uuid.Parse(newsID)
	if err != nil {
		return NewsItem{}, domain.Errorf(domain.ENotFound, "There is no such news item in this airline.")
	}
	r, err := q.GetNews(ctx, readmodel.GetNewsParams{TenantID: airlineID, ID: id})
	if err != nil {
		return NewsItem{}, err
	}
	return newsItem(r, ""), nil
}

func newsItem(r readmodel.News, author string) NewsItem {
	return NewsItem{ID: r.ID.String(), Number: r.Number, Title: r.Title, Body: r.Body, AuthorID: r.AuthorID.String(), AuthorName: author,
		PostedAt: r.PostedAt, UpdatedAt: r.UpdatedAt}
}

// NewsPaging places the wanted page of an airline's news in pages of size.
func (q Querier) NewsPaging(ctx context.Context, airlineID string, want, size int) (Paging, error) {
	n, err := q.CountNews(ctx, airlineID)
	if err != nil {
		return Paging{}, err
	}
	return pagingOf(n, want, size), nil
}
