package projector

import (
	"context"
	"fmt"

	"github.com/google/uuid"
	"google.golang.org/protobuf/proto"

	"github.com/albatross-va/albatross/domain"
	eventsv1 "github.com/albatross-va/albatross/domain/events/v1"
	"github.com/albatross-va/albatross/domain/live"
	"github.com/albatross-va/albatross/store/notify"
	"github.com/albatross-va/albatross/store/readmodel"
)

// News projects the airlines' news streams into the news table. The body
// is stored as the Markdown the event carries; pages render it when they
// show it. Every change is news for the whole airline: its members'
// dashboards refresh their news section.
type News struct{}

// Name implements Projection.
func (News) Name() string { return "news" }

var newsEvents = typeSet(&eventsv1.NewsPosted{}, &eventsv1.NewsEdited{}, &eventsv1.NewsDeleted{})

// Handles implements Projection.
func (News) Handles(eventType string) bool { return newsEvents[eventType] }

// Apply implements Projection.
func (News) Apply(ctx context.Context, q readmodel.Querier, ev domain.RecordedEvent, msg proto.Message) ([]notify.Notice, error) {
	var rawID string
	var err error
	switch e := msg.(type) {
	case *eventsv1.NewsPosted:
		rawID = e.NewsId
		id, author, perr := parseNewsIDs(e.NewsId, e.AuthorId)
		if perr != nil {
			return nil, perr
		}
		err = q.InsertNews(ctx, readmodel.InsertNewsParams{TenantID: ev.TenantID, ID: id, AuthorID: author, Title: e.Title,
			Body: e.Body, PostedAt: e.PostedAt.AsTime()})
	case *eventsv1.NewsEdited:
		rawID = e.NewsId
		id, _, perr := parseNewsIDs(e.NewsId, "")
		if perr != nil {
			return nil, perr
		}
		err = q.UpdateNews(ctx, readmodel.UpdateNewsParams{TenantID: ev.TenantID, ID: id, Title: e.Title, Body: e.Body,
			UpdatedAt: e.EditedAt.AsTime()})
	case *eventsv1.NewsDeleted:
		rawID = e.NewsId
		id, _, perr := parseNewsIDs(e.NewsId, "")
		if perr != nil {
			return nil, perr
		}
		at := e.DeletedAt.AsTime()
		err = q.DeleteNews(ctx, readmodel.DeleteNewsParams{TenantID: ev.TenantID, ID: id, DeletedAt: &at})
	default:
		return nil, nil
	}
	if err != nil {
		return nil, fmt.Errorf("news %s: %w", rawID, err)
	}
	return []notify.Notice{{TenantID: ev.TenantID, Topic: live.TopicNews, IDs: []string{rawID}, Position: ev.Position.String()}}, nil
}

// parseNewsIDs parses a news item's id and its author's; an author id
// that is no user's is the zero id.
func parseNewsIDs(newsID, authorID string) (uuid.UUID, uuid.UUID, error) {
	id, err := uuid.Parse(newsID)
	if err != nil {
		return uuid.UUID{}, uuid.UUID{}, fmt.Errorf("news id %q: %w", newsID, err)
	}
	// An author that is not a person (the system, the CLI) is recorded as
	// none: the item is still the airline's news.
	author, err := uuid.Parse(authorID)
	if err != nil {
		author = uuid.Nil
	}
	return id, author, nil
}

// Reset implements Projection.
func (News) Reset(ctx context.Context, q readmodel.Querier) error {
	return q.DeleteAllNews(ctx)
}
