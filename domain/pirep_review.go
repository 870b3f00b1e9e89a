package domain

import (
	"context"

	"google.golang.org/protobuf/proto"
	"google.golang.org/protobuf/types/known/timestamppb"

	eventsv1 "github.com/albatross-va/albatross/domain/events/v1"
)

// This file holds what surrounds a PIREP's review without changing its
// state: the comment thread between its pilot and the airline's staff, and
// the pilot's notices about their PIREPs and rank, which they dismiss.

// MaxCommentLength is the longest comment, in characters.
const MaxCommentLength = 2000

// pirepComment is the action of commenting; it is in no transition of the
// table, since a comment is allowed in every state.
const pirepComment PirepAction = "comment"

// Comment adds a comment to a PIREP's thread, in any state. The PIREP's
// pilot and the airline's staff may; anyone else is refused as a page
// they may not see. It returns the comment's id.
func (s *Pireps) Comment(ctx context.Context, meta CommandMeta, airlineID, pirepID, text string) (string, AppendResult, error) {
	if err := textFieldError("text", &text, MultiLine, MaxCommentLength, "Write a comment first."); err != nil {
		return "", AppendResult{}, err
	}
	commentID := s.IDs.NewID()
	res, err := Execute(ctx, s.Runner, StreamRef{StreamID: PirepStream(pirepID), TenantID: airlineID}, meta,
		func() *Pirep { return &Pirep{} },
		func(p *Pirep, _ int64) (Decision, error) {
			if !p.Created || p.TenantID != airlineID || airlineID == "" {
				return Decision{}, Errorf(ENotFound, "There is no such PIREP.")
			}
			if _, err := roleOn(meta.Who, p, pirepComment); err != nil {
				return Decision{}, err
			}
			return Decision{Events: []proto.Message{&eventsv1.PirepCommentAdded{
				PirepId: pirepID, CommentId: commentID, AuthorId: meta.Who.UserID, Text: text,
				AddedAt: timestamppb.New(s.Runner.now()),
			}}}, nil
		})
	return commentID, res, err
}

// Notices runs the commands on a member's notices.
type Notices struct {
	Runner *Runner
}

// Dismiss records that the actor read and put away one of their notices.
// It is kept on their career stream, beside the rank changes the notices
// tell of. A notice that is not theirs, or no longer there, is left as it
// is: the read model marks only the actor's own.
func (s *Notices) Dismiss(ctx context.Context, meta CommandMeta, airlineID, noticeID string) (AppendResult, error) {
	if err := Authorize(meta.Who, ViewOwnAirline, airlineID); err != nil {
		return AppendResult{}, err
	}
	if noticeID == "" || TextError("notice", noticeID, SingleLine, 200) != nil {
		return AppendResult{}, Errorf(ENotFound, "There is no such notice.")
	}
	userID := meta.Who.UserID
	return Execute(ctx, s.Runner, StreamRef{StreamID: CareerStream(userID), TenantID: airlineID}, meta,
		func() *Career { return &Career{} },
		func(c *Career, version int64) (Decision, error) {
			if version > 0 && c.TenantID != airlineID {
				return Decision{}, Errorf(ENotFound, "There is no such notice.")
			}
			return Decision{Events: []proto.Message{&eventsv1.NoticeDismissed{
				UserId: userID, TenantId: airlineID, NoticeId: noticeID, DismissedAt: timestamppb.New(s.Runner.now()),
			}}}, nil
		})
}
