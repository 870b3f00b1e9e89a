package handlers

import (
	"unicode/utf8"

	"github.com/labstack/echo/v4"
	"google.golang.org/protobuf/proto"

	"github.com/albatross-va/albatross/domain"
	eventsv1 "github.com/albatross-va/albatross/domain/events/v1"
	"github.com/albatross-va/albatross/store/reads"
	"github.com/albatross-va/albatross/views"
)

// commentFormKey carries a failed comment form, with its text and message,
// to the PIREP page that shows it again.
const commentFormKey = "pirep-comment-form"

// commentPirep adds the viewer's comment to a PIREP's thread. loadPirep
// lets only the PIREP's pilot and the airline's staff this far; the domain
// checks again.
func (h *pirepHandlers) commentPirep(c echo.Context) error {
	tabs, p, err := h.loadPirep(c)
	if err != nil {
		return err
	}
	var f views.CommentForm
	readForm(c, &f)
	_, res, err := h.cmds.Comment(c.Request().Context(), commandMeta(c, f.CommandID), tabs.ID, p.ID, f.Text)
	if status, ok := formFailed(nil, err, formSlots{Errors: &f.Errors}); ok {
		c.Set(commentFormKey, f)
		return h.renderPirep(c, status, tabs, p, pirepEditForm(p), "", nil)
	}
	if err != nil {
		return err
	}
	return h.finish(c, h.sessions, res, pirepsURL(tabs.ID)+"/"+p.ID+"#comments-heading", "Your comment is added.")
}

// fillComments puts the PIREP's thread and the comment form on its page; a
// failed comment form comes back as it was sent.
func (h *pirepHandlers) fillComments(c echo.Context, p reads.Pirep, names map[string]string, v *views.PirepPage) error {
	ctx := c.Request().Context()
	list, err := h.rm.PirepComments(ctx, p.AirlineID, p.ID)
	if err != nil {
		return err
	}
	authors := make([]string, 0, len(list))
	for _, cm := range list {
		authors = append(authors, cm.AuthorID)
	}
	if err := learnNames(ctx, h.rm, p.AirlineID, names, authors...); err != nil {
		return err
	}
	for _, cm := range list {
		v.Comments = append(v.Comments, views.CommentRow{ID: cm.ID, Author: nameActor(ctx, h.rm, names, cm.AuthorID, ""),
			Staff: cm.AuthorID != p.PilotID, When: cm.CreatedAt.UTC().Format("2 Jan 2006 15:04 UTC"), Text: cm.Text})
	}
	f, _ := c.Get(commentFormKey).(views.CommentForm)
	if f.CommandID == "" {
		f.CommandID = domain.NewUUID()
	}
	f.Action, f.CSRFToken = v.Pirep.URL+"/comments", v.CSRFToken
	v.CommentForm = f
	return nil
}

// describeComment is a comment as the PIREP's history says it: the start
// of its text.
func describeComment(msg proto.Message) string {
	e, ok := msg.(*eventsv1.PirepCommentAdded)
	if !ok {
		return ""
	}
	text := e.Text
	if utf8.RuneCountInString(text) > 80 {
		text = string([]rune(text)[:80]) + "…"
	}
	return "Commented: " + text
}
