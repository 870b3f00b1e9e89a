package handlers

import (
	"context"
	"log/slog"
	"net/http"
	"time"

	"github.com/alexedwards/scs/v2"
	"github.com/labstack/echo/v4"

	"github.com/albatross-va/albatross/domain"
	"github.com/albatross-va/albatross/store/reads"
	"github.com/albatross-va/albatross/views"
)

// NewsCommands runs the commands on an airline's news (domain.News).
type NewsCommands interface {
	Post(ctx context.Context, meta domain.CommandMeta, airlineID string, f domain.NewsForm) (string, domain.AppendResult, error)
	Edit(ctx context.Context, meta domain.CommandMeta, airlineID, newsID string, f domain.NewsForm) (domain.AppendResult, error)
	Delete(ctx context.Context, meta domain.CommandMeta, airlineID, newsID string) (domain.AppendResult, error)
}

// newsHandlers are the staff's news pages: the list with the post form,
// an item's edit form, and the confirmed delete.
type newsHandlers struct {
	cmds     NewsCommands
	rm       reads.Querier
	sessions *scs.SessionManager
	readYourWrites
	log *slog.Logger
}

// How many news items the dashboard, the public page and a page of the
// staff's list show.
const (
	dashboardNews = 3
	publicNews    = 5
	newsPageSize  = 20
)

// newsMarkdown renders every news body; it holds no state that changes
// after it is built, and goldmark and bluemonday are safe to share.
var newsMarkdown = newMarkdown()

func newsURL(airlineID string) string { return "/airlines/" + airlineID + "/news" }

// newsCards reads up to limit of the airline's latest news items after
// skip and renders them for a page; editURL, when set, gives each its
// edit link.
func newsCards(ctx context.Context, rm reads.Querier, airlineID string, skip, limit int, withEdit bool) ([]views.NewsCard, error) {
	items, err := rm.NewsPage(ctx, airlineID, skip, limit)
	if err != nil {
		return nil, err
	}
	out := make([]views.NewsCard, 0, len(items))
	for _, n := range items {
		card := newsCard(n)
		if withEdit {
			card.EditURL = newsURL(airlineID) + "/" + n.ID
		}
		out = append(out, card)
	}
	return out, nil
}

func newsCard(n reads.NewsItem) views.NewsCard {
	return views.NewsCard{ID: n.ID, Title: n.Title, BodyHTML: string(newsMarkdown.HTML(n.Body)), Author: n.AuthorName,
		Posted: n.PostedAt.UTC().Format("2 Jan 2006 15:04 UTC"), PostedAt: n.PostedAt.UTC().Format(time.RFC3339),
		Edited: n.UpdatedAt.After(n.PostedAt)}
}

// listNews is the airline's news with the post form.
func (h *newsHandlers) listNews(c echo.Context) error {
	return h.renderNews(c, http.StatusOK, views.NewsForm{})
}

func (h *newsHandlers) renderNews(c echo.Context, status int, f views.NewsForm) error {
	tabs, _, err := airlineTabs(c, h.rm, "news")
	if err != nil {
		return err
	}
	ctx := c.Request().Context()
	paging, err := h.rm.NewsPaging(ctx, tabs.ID, pageParam(c), newsPageSize)
	if err != nil {
		return err
	}
	p := views.NewsListPage{Page: page(c, tabs.Name+" · News"), Tabs: tabs, Notice: popFlash(c, h.sessions),
		Pager: pagerOf("News pages", newsURL(tabs.ID), paging)}
	if p.Rows, err = newsCards(ctx, h.rm, tabs.ID, paging.Offset, newsPageSize, true); err != nil {
		return err
	}
	f.CSRFToken, f.Action, f.MaxBody = p.CSRFToken, newsURL(tabs.ID), domain.NewsBodyMax
	if f.CommandID == "" {
		f.CommandID = domain.NewUUID()
	}
	p.Form = f
	c.Response().Header().Set("Cache-Control", "no-store")
	return render(c, status, views.NewsListView(p), nil)
}

// newsForm reads the post or edit form.
func newsForm(c echo.Context) (views.NewsForm, domain.NewsForm) {
	var f views.NewsForm
	readForm(c, &f)
	return f, domain.NewsForm{Title: f.Title, Body: f.Body}
}

// postNews posts a news item from the form.
func (h *newsHandlers) postNews(c echo.Context) error {
	f, d := newsForm(c)
	airlineID := c.Param("id")
	id, res, err := h.cmds.Post(c.Request().Context(), commandMeta(c, f.CommandID), airlineID, d)
	if status, ok := formFailed(nil, err, formSlots{Errors: &f.Errors}); ok {
		return h.renderNews(c, status, f)
	}
	if err != nil {
		return err
	}
	requestLogger(c, h.log).Info("news posted", "airline", airlineID, "news", id)
	return h.finish(c, h.sessions, res, newsURL(airlineID), "Posted the news.")
}

// loadNews finds the news item the route names among the airline's.
func (h *newsHandlers) loadNews(c echo.Context) (views.AirlineTabs, reads.NewsItem, error) {
	tabs, _, err := airlineTabs(c, h.rm, "news")
	if err != nil {
		return tabs, reads.NewsItem{}, err
	}
	n, err := h.rm.FindNews(c.Request().Context(), tabs.ID, c.Param("news"))
	return tabs, n, err
}

// showNewsItem is a news item's edit form.
func (h *newsHandlers) showNewsItem(c echo.Context) error {
	tabs, n, err := h.loadNews(c)
	if err != nil {
		return err
	}
	return h.renderNewsItem(c, http.StatusOK, tabs, n, views.NewsForm{Title: n.Title, Body: n.Body})
}

func (h *newsHandlers) renderNewsItem(c echo.Context, status int, tabs views.AirlineTabs, n reads.NewsItem, f views.NewsForm) error {
	itemURL := newsURL(tabs.ID) + "/" + n.ID
	p := views.NewsEditPage{Page: page(c, tabs.Name+" · "+n.Title), Tabs: tabs, DeleteURL: itemURL + "/delete"}
	f.CSRFToken, f.Action, f.Edit, f.MaxBody = p.CSRFToken, itemURL, true, domain.NewsBodyMax
	if f.CommandID == "" {
		f.CommandID = domain.NewUUID()
	}
	p.Form = f
	c.Response().Header().Set("Cache-Control", "no-store")
	return render(c, status, views.NewsEditView(p), nil)
}

// editNews saves a news item from its edit form.
func (h *newsHandlers) editNews(c echo.Context) error {
	tabs, n, err := h.loadNews(c)
	if err != nil {
		return err
	}
	f, d := newsForm(c)
	res, err := h.cmds.Edit(c.Request().Context(), commandMeta(c, f.CommandID), tabs.ID, n.ID, d)
	if status, ok := formFailed(nil, err, formSlots{Errors: &f.Errors}); ok {
		return h.renderNewsItem(c, status, tabs, n, f)
	}
	if err != nil {
		return err
	}
	return h.finish(c, h.sessions, res, newsURL(tabs.ID), "Saved the news.")
}

// confirmDeleteNews asks whether to delete a news item.
func (h *newsHandlers) confirmDeleteNews(c echo.Context) error {
	tabs, n, err := h.loadNews(c)
	if err != nil {
		return err
	}
	itemURL := newsURL(tabs.ID) + "/" + n.ID
	p := views.NewsDeletePage{Page: page(c, tabs.Name+" · Delete news"), Tabs: tabs, Item: newsCard(n), Action: itemURL + "/delete",
		CommandID: domain.NewUUID(), BackURL: itemURL}
	c.Response().Header().Set("Cache-Control", "no-store")
	return render(c, http.StatusOK, views.NewsDeleteView(p), nil)
}

// deleteNews deletes a news item once confirmed.
func (h *newsHandlers) deleteNews(c echo.Context) error {
	tabs, n, err := h.loadNews(c)
	if err != nil {
		return err
	}
	res, err := h.cmds.Delete(c.Request().Context(), commandMeta(c, c.FormValue("command_id")), tabs.ID, n.ID)
	if err != nil {
		return err
	}
	requestLogger(c, h.log).Info("news deleted", "airline", tabs.ID, "news", n.ID)
	return h.finish(c, h.sessions, res, newsURL(tabs.ID), "Deleted the news “"+n.Title+"”.")
}
