package readmodeltest

import (
	"context"
	"testing"
	"time"

	"github.com/google/uuid"

	"github.com/albatross-va/albatross/domain"
	"github.com/albatross-va/albatross/store/readmodel"
)

// newsCases are the suite's cases of queries/news.sql.
var newsCases = map[string]func(t *testing.T, q readmodel.Querier){
	"InsertNews":    testNews,
	"UpdateNews":    testNews,
	"DeleteNews":    testNews,
	"GetNews":       testNews,
	"ListNews":      testNews,
	"CountNews":     testNews,
	"DeleteAllNews": testNews,
}

// testNews checks that an airline's news lists newest first, a page at a
// time, within the airline only, numbered 1, 2, 3... within the airline
// in insert order; an edit changes title and body and keeps the posting
// time; a delete takes the item out and its number is not given again; a
// repeated insert adds nothing.
func testNews(t *testing.T, q readmodel.Querier) {
	ctx := context.Background()
	ids := []uuid.UUID{uuid.MustParse("9c000000-0000-4000-8000-000000000001"), uuid.MustParse("9c000000-0000-4000-8000-000000000002"),
		uuid.MustParse("9c000000-0000-4000-8000-000000000003"), uuid.MustParse("9c000000-0000-4000-8000-000000000004")}
	rows := []readmodel.InsertNewsParams{
		{TenantID: tenantA, ID: ids[0], AuthorID: pilotA, Title: "First", Body: "one", PostedAt: at},
		{TenantID: tenantA, ID: ids[1], AuthorID: pilotA, Title: "Second", Body: "**two**\n\nlines", PostedAt: at.Add(time.Hour)},
		{TenantID: tenantA, ID: ids[2], AuthorID: pilotA, Title: "Third", Body: "three", PostedAt: at.Add(2 * time.Hour)},
		{TenantID: tenantB, ID: ids[3], AuthorID: pilotA, Title: "Other airline", Body: "b", PostedAt: at.Add(3 * time.Hour)},
	}
	for _, r := range append(rows, rows[0]) {
		if err := q.InsertNews(ctx, r); err != nil {
			t.Fatal(err)
		}
	}
	titles := func(list []readmodel.News) []string {
		var out []string
		for _, n := range list {
			out = append(out, n.Title)
		}
		return out
	}
	list, err := q.ListNews(ctx, readmodel.ListNewsParams{TenantID: tenantA, MaxRows: 10})
	if err != nil || len(list) != 3 || list[0].ID != ids[2] || list[2].ID != ids[0] || list[1].Body != "**two**\n\nlines" ||
		list[1].AuthorID != pilotA || !list[1].PostedAt.Equal(at.Add(time.Hour).Truncate(time.Microsecond)) {
		t.Errorf("ListNews = %v, %v; want airline A's three, newest first", titles(list), err)
	}
	if list, err := q.ListNews(ctx, readmodel.ListNewsParams{TenantID: tenantA, SkipRows: 1, MaxRows: 1}); err != nil || len(list) != 1 || list[0].ID != ids[1] {
		t.Errorf("second page of one: %v, %v; want Second", titles(list), err)
	}
	if list, err := q.ListNews(ctx, readmodel.ListNewsParams{TenantID: tenantA, SkipRows: 3, MaxRows: 5}); err != nil || len(list) != 0 {
		t.Errorf("past the end: %v, %v", titles(list), err)
	}
	for i, want := range []int32{3, 2, 1} {
		if list[i].Number != want {
			t.Errorf("%s is number %d, want %d", list[i].Title, list[i].Number, want)
		}
	}
	if b, err := q.ListNews(ctx, readmodel.ListNewsParams{TenantID: tenantB, MaxRows: 10}); err != nil || len(b) != 1 || b[0].Number != 1 || b[0].DeletedAt != nil {
		t.Errorf("airline B's news: %+v, %v; want its one, number 1", b, err)
	}
	if n, err := q.CountNews(ctx, tenantA); err != nil || n != 3 {
		t.Errorf("CountNews(A) = %d, %v; want 3", n, err)
	}
	if _, err := q.GetNews(ctx, readmodel.GetNewsParams{TenantID: tenantB, ID: ids[0]}); domain.ErrorCode(err) != domain.ENotFound {
		t.Errorf("GetNews of A's item in B: %v, want not found", err)
	}
	later := at.Add(5 * time.Hour)
	if err := q.UpdateNews(ctx, readmodel.UpdateNewsParams{TenantID: tenantA, ID: ids[0], Title: "First, edited", Body: "uno", UpdatedAt: later}); err != nil {
		t.Fatal(err)
	}
	// An update naming another airline changes nothing.
	if err := q.UpdateNews(ctx, readmodel.UpdateNewsParams{TenantID: tenantB, ID: ids[1], Title: "Hijacked", Body: "x", UpdatedAt: later}); err != nil {
		t.Fatal(err)
	}
	if n, err := q.GetNews(ctx, readmodel.GetNewsParams{TenantID: tenantA, ID: ids[0]}); err != nil || n.Title != "First, edited" || n.Body != "uno" ||
		!n.PostedAt.Equal(at.Truncate(time.Microsecond)) || !n.UpdatedAt.Equal(later.Truncate(time.Microsecond)) {
		t.Errorf("after UpdateNews: %+v, %v", n, err)
	}
	if n, err := q.GetNews(ctx, readmodel.GetNewsParams{TenantID: tenantA, ID: ids[1]}); err != nil || n.Title != "Second" {
		t.Errorf("another airline's update changed it: %+v, %v", n, err)
	}
	gone := at.Add(6 * time.Hour)
	if err := q.DeleteNews(ctx, readmodel.DeleteNewsParams{TenantID: tenantB, ID: ids[1], DeletedAt: &gone}); err != nil {
		t.Fatal(err)
	}
	if err := q.DeleteNews(ctx, readmodel.DeleteNewsParams{TenantID: tenantA, ID: ids[2], DeletedAt: &gone}); err != nil {
		t.Fatal(err)
	}
	if list, err := q.ListNews(ctx, readmodel.ListNewsParams{TenantID: tenantA, MaxRows: 10}); err != nil || len(list) != 2 || list[0].ID != ids[1] {
		t.Errorf("after DeleteNews: %v, %v; want Second and First", titles(list), err)
	}
	if list, err := q.ListNews(ctx, readmodel.ListNewsParams{TenantID: tenantA, SkipRows: 1, MaxRows: 1}); err != nil || len(list) != 1 || list[0].ID != ids[0] {
		t.Errorf("after DeleteNews, the second of one a page: %v, %v; want First", titles(list), err)
	}
	if n, err := q.CountNews(ctx, tenantA); err != nil || n != 2 {
		t.Errorf("CountNews(A) after a delete = %d, %v; want 2", n, err)
	}
	if _, err := q.GetNews(ctx, readmodel.GetNewsParams{TenantID: tenantA, ID: ids[2]}); domain.ErrorCode(err) != domain.ENotFound {
		t.Errorf("GetNews of a deleted item: %v, want not found", err)
	}
	// A deleted item stays deleted: an edit and its insert again change
	// nothing, and the next item does not take its number.
	if err := q.UpdateNews(ctx, readmodel.UpdateNewsParams{TenantID: tenantA, ID: ids[2], Title: "Back", Body: "x", UpdatedAt: later}); err != nil {
		t.Fatal(err)
	}
	next := uuid.MustParse("9c000000-0000-4000-8000-000000000005")
	for _, r := range []readmodel.InsertNewsParams{rows[2], {TenantID: tenantA, ID: next, AuthorID: pilotA, Title: "Fourth", Body: "four", PostedAt: at.Add(4 * time.Hour)}} {
		if err := q.InsertNews(ctx, r); err != nil {
			t.Fatal(err)
		}
	}
	if list, err := q.ListNews(ctx, readmodel.ListNewsParams{TenantID: tenantA, MaxRows: 10}); err != nil || len(list) != 3 || list[0].ID != next || list[0].Number != 4 {
		t.Errorf("after a delete and a new post: %v, %v; want Fourth (number 4), Second, First", titles(list), err)
	}
	if err := q.DeleteAllNews(ctx); err != nil {
		t.Fatal(err)
	}
	if n, err := q.CountNews(ctx, tenantB); err != nil || n != 0 {
		t.Errorf("after DeleteAllNews: %d, %v", n, err)
	}
}
