package handlers

import (
	"context"
	"log/slog"
	"net/http"
	"net/url"
	"slices"

	"github.com/labstack/echo/v4"

	"github.com/albatross-va/albatross/domain"
	"github.com/albatross-va/albatross/store/projector"
	"github.com/albatross-va/albatross/store/reads"
	"github.com/albatross-va/albatross/views"
)

// NoticeCommands runs the commands on a member's notices (domain.Notices).
type NoticeCommands interface {
	Dismiss(ctx context.Context, meta domain.CommandMeta, airlineID, noticeID string) (domain.AppendResult, error)
	DismissAll(ctx context.Context, meta domain.CommandMeta, airlineID string, noticeIDs []string) (domain.AppendResult, error)
}

// noticeHandlers are a member's notices: their PIREPs accepted or
// rejected and their new rank, on every page of theirs and on a page of
// their own, and dismissing one.
type noticeHandlers struct {
	cmds NoticeCommands
	rm   reads.Querier
	readYourWrites
	log *slog.Logger
}

// noticesLimit is how many notices the area shows at most.
const noticesLimit = 10

func noticesURL(airlineID string) string { return "/airlines/" + airlineID + "/notices" }

// showNotices is the viewer's own notices: the fragment every page of
// theirs loads, or a page. Only the viewer's own are ever read, whatever
// the address says: the route's airline is theirs (ViewOwnAirline).
func (h *noticeHandlers) showNotices(c echo.Context) error {
	c.Response().Header().Set("Cache-Control", "no-store")
	return h.renderNotices(c)
}

func (h *noticeHandlers) renderNotices(c echo.Context) error {
	p, err := h.notices(c)
	if err != nil {
		return err
	}
	full := p
	full.Page.Notices = "" // the page lists them itself
	full.Standalone = true
	// A fragment for the notices page itself (a dismissal there, or its
	// refresh) says when none are left, as the page does.
	if u, err := url.Parse(c.Request().Header.Get("HX-Current-URL")); err == nil && u.Path == p.URL {
		p.Standalone = true
	}
	return render(c, http.StatusOK, views.NoticesView(full), views.NoticesFragment(p))
}

// unread is the viewer's own unread notices in the route's airline, newest
// first, as many as the area shows.
func (h *noticeHandlers) unread(c echo.Context) ([]reads.Notice, error) {
	return h.rm.UnreadNotices(c.Request().Context(), c.Param("id"), currentActor(c).UserID, noticesLimit)
}

// notices reads the viewer's unread notices and says them in words.
func (h *noticeHandlers) notices(c echo.Context) (views.NoticesPage, error) {
	airlineID := c.Param("id")
	p := views.NoticesPage{Page: page(c, "Notices"), URL: noticesURL(airlineID), DismissURL: noticesURL(airlineID) + "/dismiss",
		DismissAllURL: noticesURL(airlineID) + "/dismiss-all"}
	ctx := c.Request().Context()
	rows, err := h.unread(c)
	if err != nil || len(rows) == 0 {
		return p, err
	}
	icao := ""
	if a, err := h.rm.FindAirline(ctx, airlineID); err == nil {
		icao = a.ICAO
	}
	var ranks map[string]reads.Rank
	for _, n := range rows {
		row := views.NoticeRow{ID: n.ID, Kind: n.Kind}
		switch n.Kind {
		case projector.NoticeAccepted, projector.NoticeRejected:
			row.URL = pirepsURL(airlineID) + "/" + n.PirepID
			row.Link = icao + n.FlightNumber + " " + n.DptAirport + "–" + n.ArrAirport
			row.Text = "was accepted."
			if n.Kind == projector.NoticeRejected {
				row.Text, row.Reason = "was rejected.", n.Reason
			}
		case projector.NoticeRank:
			if ranks == nil {
				if ranks, err = h.rm.RankNames(ctx, airlineID); err != nil {
					return p, err
				}
			}
			row.Text = rankNoticeText(ranks, n.RankID, n.PrevRankID)
		case projector.NoticeAward:
			row.URL = dashboardURL(airlineID)
			row.Link = n.Reason
			row.Text = "You were granted this award."
		case projector.NoticeAwardRevoked:
			row.URL = dashboardURL(airlineID)
			row.Link = n.Reason
			row.Text = "This award was taken back: what earned it no longer holds."
		case projector.NoticeOnLeave:
			row.URL = myLeaveURL(airlineID)
			row.Link = "Your leave"
			row.Text = "You were put on leave after " + n.Reason + " days without a flight. Your next filed flight brings you back."
		case projector.NoticeLeaveApproved:
			row.URL = myLeaveURL(airlineID)
			row.Link = "Your leave request"
			row.Text = "was approved."
		case projector.NoticeLeaveDeclined:
			row.URL = myLeaveURL(airlineID)
			row.Link = "Your leave request"
			row.Text = "was declined."
			row.Reason = n.Reason
		case projector.NoticeBidExpired:
			row.URL = bidsURL(airlineID)
			row.Link = icao + n.FlightNumber + " " + n.DptAirport + "–" + n.ArrAirport
			row.Text = "Your bid on this flight expired and was removed."
		default:
			continue
		}
		p.Rows = append(p.Rows, row)
	}
	return p, nil
}

// rankNoticeText says a change of rank: a promotion when the new rank
// asks more hours than the one before.
func rankNoticeText(ranks map[string]reads.Rank, rankID, prevID string) string {
	to, ok := ranks[rankID]
	switch {
	case rankID == "":
		return "You no longer hold a rank."
	case !ok:
		return "Your rank changed."
	}
	if from, had := ranks[prevID]; prevID == "" || had && to.MinMinutes > from.MinMinutes {
		return "Promoted to " + to.Name + "."
	}
	return "Your rank is now " + to.Name + "."
}

// dismissNotice puts one of the viewer's notices away; htmx gets the
// notices back without it, a plain form goes home.
func (h *noticeHandlers) dismissNotice(c echo.Context) error {
	// Only a notice the viewer has unread is put away: another dismissal
	// (a double click, a stale page, a made-up id) records nothing and
	// sends no live update to the airline's open pages.
	open, err := h.unread(c)
	if err != nil {
		return err
	}
	notice := c.FormValue("notice")
	if slices.ContainsFunc(open, func(n reads.Notice) bool { return n.ID == notice }) {
		res, err := h.cmds.Dismiss(c.Request().Context(), commandMeta(c, ""), c.Param("id"), notice)
		if err != nil {
			return err
		}
		h.waitFor(c, res)
	}
	if isFragmentRequest(c.Request()) {
		return h.renderNotices(c)
	}
	return c.Redirect(http.StatusSeeOther, noticesURL(c.Param("id")))
}

// dismissAllNotices puts away, in one command, the notices the viewer's
// page showed (the form names them) that are still unread: a notice that
// arrived after the page was drawn is not dismissed unseen, and nothing is
// recorded when none is left.
func (h *noticeHandlers) dismissAllNotices(c echo.Context) error {
	open, err := h.unread(c)
	if err != nil {
		return err
	}
	if err := c.Request().ParseForm(); err != nil {
		return domain.Errorf(domain.EInvalid, "The form could not be read.")
	}
	shown := c.Request().PostForm["notice"]
	var ids []string
	for _, n := range open {
		if slices.Contains(shown, n.ID) {
			ids = append(ids, n.ID)
		}
	}
	if len(ids) > 0 {
		res, err := h.cmds.DismissAll(c.Request().Context(), commandMeta(c, ""), c.Param("id"), ids)
		if err != nil {
			return err
		}
		h.waitFor(c, res)
	}
	if isFragmentRequest(c.Request()) {
		return h.renderNotices(c)
	}
	return c.Redirect(http.StatusSeeOther, noticesURL(c.Param("id")))
}
