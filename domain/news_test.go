package domain_test

import (
	"context"
	"strings"
	"testing"

	"github.com/albatross-va/albatross/domain"
	eventsv1 "github.com/albatross-va/albatross/domain/events/v1"
)

func newsWorld(t *testing.T) (*membership, *domain.News) {
	t.Helper()
	r := newRunner(t)
	return newMembership(t, r), &domain.News{Runner: r, IDs: domain.RandomIDs{}}
}

func newsMeta(a domain.Actor) domain.CommandMeta {
	return domain.CommandMeta{ID: domain.NewUUID(), Who: a}
}

// TestStaffPostEditAndDeleteNews follows a news item through its life: the
// posted event carries the Markdown as typed (trimmed, line breaks as \n)
// and the author, an edit changes it, and a deleted item can be changed no
// more.
func TestStaffPostEditAndDeleteNews(t *testing.T) {
	m, news := newsWorld(t)
	ctx := context.Background()
	id, _, err := news.Post(ctx, newsMeta(m.admin), m.airline, domain.NewsForm{Title: "  New routes ", Body: "We fly to **Lisbon**.\r\n\r\n- daily\r\n"})
	if err != nil {
		t.Fatal(err)
	}
	recs, err := m.r.Store.ReadStream(ctx, domain.NewsStream(id), 0)
	if err != nil || len(recs) != 1 {
		t.Fatalf("stream: %v, %v", recs, err)
	}
	msg, _ := m.r.Registry.Decode(recs[0].Type, recs[0].Data)
	p, ok := msg.(*eventsv1.NewsPosted)
	if !ok || p.NewsId != id || p.TenantId != m.airline || p.Title != "New routes" || p.Body != "We fly to **Lisbon**.\n\n- daily" ||
		p.AuthorId != m.admin.UserID || p.PostedAt == nil {
		t.Fatalf("posted = %v", msg)
	}
	if _, err := news.Edit(ctx, newsMeta(m.admin), m.airline, id, domain.NewsForm{Title: "New routes and more", Body: "Faro too."}); err != nil {
		t.Fatal(err)
	}
	n := &domain.NewsItem{}
	replay(t, m.r, domain.NewsStream(id), n)
	if n.Title != "New routes and more" || n.Body != "Faro too." || n.AuthorID != m.admin.UserID {
		t.Errorf("after edit: %+v", n)
	}
	if _, err := news.Delete(ctx, newsMeta(m.admin), m.airline, id); err != nil {
		t.Fatal(err)
	}
	if _, err := news.Edit(ctx, newsMeta(m.admin), m.airline, id, domain.NewsForm{Title: "Back", Body: "Again"}); domain.ErrorCode(err) != domain.ENotFound {
		t.Errorf("edit after delete: %v, want not found", err)
	}
	if _, err := news.Delete(ctx, newsMeta(m.admin), m.airline, id); domain.ErrorCode(err) != domain.ENotFound {
		t.Errorf("delete twice: %v, want not found", err)
	}
}

// TestNewsIsStaffsAndTheirAirlinesOnly: a pilot cannot post, and staff of
// another airline can neither post in it nor edit or delete its news.
func TestNewsIsStaffsAndTheirAirlinesOnly(t *testing.T) {
	m, news := newsWorld(t)
	other := newMembership(t, m.r)
	ctx := context.Background()
	pilot := domain.Actor{UserID: domain.NewUUID(), Role: domain.RolePilot, TenantID: m.airline}
	f := domain.NewsForm{Title: "Hello", Body: "World"}
	if _, _, err := news.Post(ctx, newsMeta(pilot), m.airline, f); domain.ErrorCode(err) != domain.EForbidden {
		t.Errorf("pilot posts: %v, want forbidden", err)
	}
	if _, _, err := news.Post(ctx, newsMeta(other.admin), m.airline, f); domain.ErrorCode(err) != domain.ENotFound {
		t.Errorf("another airline's admin posts: %v, want not found (another airline's pages do not exist for them)", err)
	}
	id, _, err := news.Post(ctx, newsMeta(m.admin), m.airline, f)
	if err != nil {
		t.Fatal(err)
	}
	// Staff of the other airline naming their own airline and this item.
	if _, err := news.Edit(ctx, newsMeta(other.admin), other.airline, id, f); domain.ErrorCode(err) != domain.ENotFound {
		t.Errorf("edit from another airline: %v, want not found", err)
	}
	if _, err := news.Delete(ctx, newsMeta(other.admin), other.airline, id); domain.ErrorCode(err) != domain.ENotFound {
		t.Errorf("delete from another airline: %v, want not found", err)
	}
	if _, err := news.Edit(ctx, newsMeta(m.admin), m.airline, "no-such", f); domain.ErrorCode(err) != domain.ENotFound {
		t.Errorf("edit of no item: %v, want not found", err)
	}
}

// TestNewsTextIsChecked: hostile or oversized text is refused with the
// field named, and nothing is appended.
func TestNewsTextIsChecked(t *testing.T) {
	m, news := newsWorld(t)
	ctx := context.Background()
	cases := []struct {
		name  string
		f     domain.NewsForm
		field string
	}{
		{"empty title", domain.NewsForm{Title: "  ", Body: "x"}, "title"},
		{"empty body", domain.NewsForm{Title: "x", Body: "\n \n"}, "body"},
		{"NUL in the body", domain.NewsForm{Title: "x", Body: "a\x00b"}, "body"},
		{"invalid UTF-8 in the title", domain.NewsForm{Title: "a\xffb", Body: "x"}, "title"},
		{"line break in the title", domain.NewsForm{Title: "a\nb", Body: "x"}, "title"},
		{"control character in the body", domain.NewsForm{Title: "x", Body: "a\x1bb"}, "body"},
		{"title too long", domain.NewsForm{Title: strings.Repeat("t", domain.NewsTitleMax+1), Body: "x"}, "title"},
		{"body too long", domain.NewsForm{Title: "x", Body: strings.Repeat("é", domain.NewsBodyMax+1)}, "body"},
	}
	before, _ := m.r.Store.Head(ctx)
	for _, c := range cases {
		_, _, err := news.Post(ctx, newsMeta(m.admin), m.airline, c.f)
		if domain.ErrorCode(err) != domain.EInvalid || domain.ErrorFields(err)[c.field] == "" {
			t.Errorf("%s: %v, want invalid naming %s", c.name, err, c.field)
		}
	}
	after, _ := m.r.Store.Head(ctx)
	if after != before {
		t.Errorf("refused posts appended: head %v, was %v", after, before)
	}
	if _, _, err := news.Post(ctx, newsMeta(m.admin), m.airline, domain.NewsForm{Title: "x", Body: strings.Repeat("é", domain.NewsBodyMax)}); err != nil {
		t.Errorf("a body of exactly the limit: %v", err)
	}
}

// TestARepeatedPostIsOnePost: a double submit of the form (one command
// id) posts one item.
func TestARepeatedPostIsOnePost(t *testing.T) {
	m, news := newsWorld(t)
	ctx := context.Background()
	meta := newsMeta(m.admin)
	f := domain.NewsForm{Title: "Once", Body: "Only once"}
	if _, _, err := news.Post(ctx, meta, m.airline, f); err != nil {
		t.Fatal(err)
	}
	before, _ := m.r.Store.Head(ctx)
	if _, _, err := news.Post(ctx, meta, m.airline, f); err != nil {
		t.Fatal(err)
	}
	if after, _ := m.r.Store.Head(ctx); after != before {
		t.Errorf("the repeated post appended: head %v, was %v", after, before)
	}
}
