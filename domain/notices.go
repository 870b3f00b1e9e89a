package domain

import (
	"context"

	"google.golang.org/protobuf/proto"
	"google.golang.org/protobuf/types/known/timestamppb"

	eventsv1 "github.com/albatross-va/albatross/domain/events/v1"
)

// MaxDismissAll bounds how many notices one "dismiss all" puts away: the
// notices area never shows more, and one append stays small.
const MaxDismissAll = 100

// DismissAll puts away several of the actor's notices at once, in one
// append on their career stream: all of them are dismissed or, on any
// failure, none is. Ids that are not theirs are left to the read model,
// as Dismiss does.
func (s *Notices) DismissAll(ctx context.Context, meta CommandMeta, airlineID string, noticeIDs []string) (AppendResult, error) {
	if err := Authorize(meta.Who, ViewOwnAirline, airlineID); err != nil {
		return AppendResult{}, err
	}
	if len(noticeIDs) == 0 || len(noticeIDs) > MaxDismissAll {
		return AppendResult{}, Errorf(EInvalid, "Choose the notices to dismiss.")
	}
	for _, id := range noticeIDs {
		if id == "" || TextError("notice", id, SingleLine, 200) != nil {
			return AppendResult{}, Errorf(ENotFound, "There is no such notice.")
		}
	}
	userID := meta.Who.UserID
	return Execute(ctx, s.Runner, StreamRef{StreamID: CareerStream(userID), TenantID: airlineID}, meta,
		func() *Career { return &Career{} },
		func(c *Career, version int64) (Decision, error) {
			if version > 0 && c.TenantID != airlineID {
				return Decision{}, Errorf(ENotFound, "There is no such notice.")
			}
			at := timestamppb.New(s.Runner.now())
			events := make([]proto.Message, 0, len(noticeIDs))
			for _, id := range noticeIDs {
				events = append(events, &eventsv1.NoticeDismissed{UserId: userID, TenantId: airlineID, NoticeId: id, DismissedAt: at})
			}
			return Decision{Events: events}, nil
		})
}
