package domain

import (
	"context"
	"fmt"
	"time"

	"google.golang.org/protobuf/proto"
	"google.golang.org/protobuf/types/known/timestamppb"

	eventsv1 "github.com/albatross-va/albatross/domain/events/v1"
)

// This file holds an airline's news: items its staff post, edit and delete,
// each a title and a Markdown body.

// NewsStreamPrefix starts the stream id of every news item.
const NewsStreamPrefix = "news-"

// NewsStream returns the stream id of a news item.
func NewsStream(id string) string { return NewsStreamPrefix + id }

// The longest title and body of a news item, in characters. A body is an
// article, not a book: 15000 characters is seven pages of text, and fits
// the news form's request limit however it is encoded.
const (
	NewsTitleMax = 150
	NewsBodyMax  = 15000
)

// NewsForm is what the news form gives.
type NewsForm struct {
	Title string
	Body  string // Markdown
}

// Validate trims the form's text and returns an EInvalid error naming each
// bad field, or nil.
func (f *NewsForm) Validate() error {
	m := map[string]string{}
	checkRequiredLine(m, "title", &f.Title, NewsTitleMax, "Enter the news item's title.")
	checkRequired(m, "body", &f.Body, MultiLine, NewsBodyMax, "Write the news item's text.")
	return Invalid(m)
}

// NewsItem is the news aggregate.
type NewsItem struct {
	ID, TenantID string
	Title, Body  string
	AuthorID     string
	Posted       bool
	Deleted      bool
}

// Apply folds one stored event into the news item.
func (n *NewsItem) Apply(ev proto.Message) error {
	switch e := ev.(type) {
	case *eventsv1.NewsPosted:
		n.ID, n.TenantID, n.Title, n.Body, n.AuthorID, n.Posted = e.NewsId, e.TenantId, e.Title, e.Body, e.AuthorId, true
	case *eventsv1.NewsEdited:
		n.Title, n.Body = e.Title, e.Body
	case *eventsv1.NewsDeleted:
		n.Deleted = true
	default:
		return fmt.Errorf("news: unexpected event %T", ev)
	}
	return nil
}

// News runs the commands on an airline's news.
type News struct {
	Runner *Runner
	IDs    IDs
}

// Post posts a news item in the airline and returns its id; the author is
// the actor. A repeated command id (a double submit) appends nothing.
func (s *News) Post(ctx context.Context, meta CommandMeta, airlineID string, f NewsForm) (string, AppendResult, error) {
	if err := Authorize(meta.Who, ManageNews, airlineID); err != nil {
		return "", AppendResult{}, err
	}
	if err := f.Validate(); err != nil {
		return "", AppendResult{}, err
	}
	if _, err := s.Runner.loadAirline(ctx, airlineID); err != nil {
		return "", AppendResult{}, err
	}
	id := s.IDs.NewID()
	res, err := Execute(ctx, s.Runner, StreamRef{StreamID: NewsStream(id), TenantID: airlineID}, meta,
		func() *NewsItem { return &NewsItem{} },
		func(n *NewsItem, _ int64) (Decision, error) {
			return Decision{Events: []proto.Message{&eventsv1.NewsPosted{NewsId: id, TenantId: airlineID, Title: f.Title,
				Body: f.Body, AuthorId: meta.Who.UserID, PostedAt: timestamppb.New(s.Runner.now().UTC().Truncate(time.Microsecond))}}}, nil
		})
	return id, res, err
}

// Edit gives a news item of the airline a new title and body. An item of
// another airline, or a deleted one, is not found.
func (s *News) Edit(ctx context.Context, meta CommandMeta, airlineID, newsID string, f NewsForm) (AppendResult, error) {
	if err := Authorize(meta.Who, ManageNews, airlineID); err != nil {
		return AppendResult{}, err
	}
	if err := f.Validate(); err != nil {
		return AppendResult{}, err
	}
	return s.change(ctx, meta, airlineID, newsID, func(n *NewsItem) []proto.Message {
		if n.Title == f.Title && n.Body == f.Body {
			return nil
		}
		return []proto.Message{&eventsv1.NewsEdited{NewsId: newsID, TenantId: airlineID, Title: f.Title, Body: f.Body,
			EditorId: meta.Who.UserID, EditedAt: timestamppb.New(s.Runner.now().UTC().Truncate(time.Microsecond))}}
	})
}

// Delete takes a news item of the airline down.
func (s *News) Delete(ctx context.Context, meta CommandMeta, airlineID, newsID string) (AppendResult, error) {
	if err := Authorize(meta.Who, ManageNews, airlineID); err != nil {
		return AppendResult{}, err
	}
	return s.change(ctx, meta, airlineID, newsID, func(n *NewsItem) []proto.Message {
		return []proto.Message{&eventsv1.NewsDeleted{NewsId: newsID, TenantId: airlineID, DeletedBy: meta.Who.UserID,
			DeletedAt: timestamppb.New(s.Runner.now().UTC().Truncate(time.Microsecond))}}
	})
}

// change decides on an existing news item of the airline.
func (s *News) change(ctx context.Context, meta CommandMeta, airlineID, newsID string, decide func(*NewsItem) []proto.Message) (AppendResult, error) {
	if err := TextError("news", newsID, SingleLine, 64); err != nil {
		return AppendResult{}, Errorf(ENotFound, "No such news item.")
	}
	return Execute(ctx, s.Runner, StreamRef{StreamID: NewsStream(newsID), TenantID: airlineID}, meta,
		func() *NewsItem { return &NewsItem{} },
		func(n *NewsItem, _ int64) (Decision, error) {
			if !n.Posted || n.Deleted || n.TenantID != airlineID {
				return Decision{}, Errorf(ENotFound, "No such news item.")
			}
			return Decision{Events: decide(n)}, nil
		})
}
