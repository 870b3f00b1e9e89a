package projector_test

import (
	"context"
	"testing"
	"time"

	"github.com/google/uuid"
	"google.golang.org/protobuf/proto"
	"google.golang.org/protobuf/types/known/timestamppb"

	"github.com/albatross-va/albatross/domain"
	eventsv1 "github.com/albatross-va/albatross/domain/events/v1"
	"github.com/albatross-va/albatross/store/projector"
	"github.com/albatross-va/albatross/store/readmodel"
)

// appendNews appends events to a news item's stream, as the domain would.
func appendNews(t *testing.T, es domain.EventStore, newsID, tenant string, msgs ...proto.Message) domain.Position {
	t.Helper()
	evs := make([]domain.NewEvent, len(msgs))
	for i, m := range msgs {
		name, data, err := reg.Encode(m)
		if err != nil {
			t.Fatal(err)
		}
		evs[i] = domain.NewEvent{Type: name, SchemaVersion: 1, Data: data}
	}
	res, err := es.Append(context.Background(), domain.AppendRequest{
		StreamID: domain.NewsStream(newsID), TenantID: tenant, Expected: domain.AnyVersion, Events: evs,
		Meta: domain.Metadata{Actor: "test", CommandID: uuid.NewString()},
	})
	if err != nil {
		t.Fatalf("append to news %s: %v", newsID, err)
	}
	return res.Position
}

// An airline's news projects as posted, edited and deleted, with an author
// that is no user (the system) kept as none rather than quarantined, and a
// rebuild gives the same rows.
func TestNewsProjectsAndRebuilds(t *testing.T) {
	forEachEnv(t, func(t *testing.T, e env) {
		ctx := context.Background()
		p := projector.New(e.es, e.backend, reg, nil, nil, projector.All()...)
		tenant, author := uuid.NewString(), uuid.NewString()
		ids := []string{uuid.NewString(), uuid.NewString(), uuid.NewString()}
		at := time.Date(2026, 12, 6, 9, 0, 0, 0, time.UTC)
		appendNews(t, e.es, ids[0], tenant, &eventsv1.NewsPosted{NewsId: ids[0], TenantId: tenant, Title: "One", Body: "**one**", AuthorId: author, PostedAt: timestamppb.New(at)},
			&eventsv1.NewsEdited{NewsId: ids[0], TenantId: tenant, Title: "One, edited", Body: "uno", EditorId: author, EditedAt: timestamppb.New(at.Add(time.Hour))})
		appendNews(t, e.es, ids[1], tenant, &eventsv1.NewsPosted{NewsId: ids[1], TenantId: tenant, Title: "By the system", Body: "x", AuthorId: "system", PostedAt: timestamppb.New(at.Add(time.Minute))})
		appendNews(t, e.es, ids[2], tenant, &eventsv1.NewsPosted{NewsId: ids[2], TenantId: tenant, Title: "Gone", Body: "y", AuthorId: author, PostedAt: timestamppb.New(at.Add(2 * time.Minute))})
		last := appendNews(t, e.es, ids[2], tenant, &eventsv1.NewsDeleted{NewsId: ids[2], TenantId: tenant, DeletedBy: author, DeletedAt: timestamppb.New(at.Add(3 * time.Minute))})
		waitVisible(t, e.es, last)
		if err := p.CatchUp(ctx); err != nil {
			t.Fatal(err)
		}
		list := func() []readmodel.News {
			t.Helper()
			rows, err := e.backend.Reader().ListNews(ctx, readmodel.ListNewsParams{TenantID: tenant, MaxRows: 10})
			if err != nil {
				t.Fatal(err)
			}
			return rows
		}
		got := list()
		if len(got) != 2 || got[0].Title != "By the system" || got[0].AuthorID != uuid.Nil || got[1].Title != "One, edited" || got[1].Body != "uno" ||
			got[1].AuthorID.String() != author || !got[1].UpdatedAt.Equal(at.Add(time.Hour)) {
			t.Fatalf("news after catching up: %+v", got)
		}
		if q, err := e.backend.Reader().ListQuarantinedEvents(ctx); err == nil && len(q) != 0 {
			t.Errorf("quarantined: %+v", q)
		}
		if err := p.Rebuild(ctx, "news"); err != nil {
			t.Fatal(err)
		}
		if again := list(); len(again) != 2 || again[0] != got[0] || again[1] != got[1] {
			t.Errorf("rebuilt %+v, incremental %+v", again, got)
		}
	})
}
