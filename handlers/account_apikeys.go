package handlers

import (
	"context"
	"fmt"
	"log/slog"
	"net/http"
	"net/url"
	"time"

	"github.com/google/uuid"
	"github.com/labstack/echo/v4"

	"github.com/albatross-va/albatross/domain"
	"github.com/albatross-va/albatross/store/apikeycache"
	"github.com/albatross-va/albatross/store/reads"
	"github.com/albatross-va/albatross/views"
)

// APIKeyCommands runs the API key commands (domain.APIKeys).
type APIKeyCommands interface {
	Create(ctx context.Context, meta domain.CommandMeta, userID string, c domain.CreateAPIKey) (domain.NewAPIKey, domain.AppendResult, error)
	Revoke(ctx context.Context, meta domain.CommandMeta, userID, keyID string) (domain.AppendResult, error)
}

// apiKeyHandlers serve a user's API keys page in the account area.
type apiKeyHandlers struct {
	cmds  APIKeyCommands
	rm    reads.Querier
	cache apikeycache.Cache
	readYourWrites
	log *slog.Logger
}

// apiKeyInput is the create-key form as posted.
type apiKeyInput struct {
	CommandID string `form:"command_id"`
	Name      string `form:"name"`
}

func (in apiKeyInput) command() domain.CreateAPIKey {
	c := domain.CreateAPIKey{Name: in.Name}
	c.Normalize()
	return c
}

// showAPIKeys is the list of the user's keys and the create form.
func (h *apiKeyHandlers) showAPIKeys(c echo.Context) error {
	panel, err := h.panel(c, views.APIKeyForm{CommandID: domain.NewUUID()})
	if err != nil {
		return err
	}
	if id := c.QueryParam("revoked"); id != "" { // after a revoke without htmx
		panel.Revoked = nameOf(panel.Rows, id)
	}
	return h.respond(c, http.StatusOK, panel)
}

// createAPIKey runs CreateAPIKey and shows the new key's secret, this once.
// The answer is a page (or the panel, to htmx), not a redirect: the secret
// must not travel in an address or be kept in the session to show later.
func (h *apiKeyHandlers) createAPIKey(c echo.Context) error {
	var in apiKeyInput
	readForm(c, &in)
	if !validCommandID(in.CommandID) {
		in.CommandID = domain.NewUUID()
	}
	form := views.APIKeyForm{CommandID: in.CommandID, Name: in.Name}
	if status, ok := formFailed(nil, in.command().Validate(), formSlots{Errors: &form.Errors}); ok {
		return h.respondForm(c, status, form)
	}
	u, _ := currentUser(c)
	meta := domain.CommandMeta{ID: in.CommandID, Actor: u.ID, CorrelationID: requestID(c)}
	key, res, err := h.cmds.Create(c.Request().Context(), meta, u.ID, in.command())
	// A conflict is a spent command id (a double submit, a reused form):
	// the next try gets a fresh one.
	if status, ok := formFailed(nil, err, formSlots{&form.Errors, &form.Message, &form.CommandID}); ok {
		return h.respondForm(c, status, form)
	}
	if err != nil {
		return err
	}
	requestLogger(c, h.log).Info("api key created", "key", key.ID, "user", u.ID)
	h.waitFor(c, res)
	panel, err := h.panel(c, views.APIKeyForm{CommandID: domain.NewUUID()})
	if err != nil {
		return err
	}
	panel.NewKey = &views.NewAPIKey{Name: key.Name, Key: key.Key}
	c.Response().Header().Set("Cache-Control", "no-store") // the page holds the secret
	return h.respond(c, http.StatusOK, panel)
}

// revokeAPIKey runs RevokeAPIKey on one of the user's keys. Someone else's
// key is not found, as the domain decides.
func (h *apiKeyHandlers) revokeAPIKey(c echo.Context) error {
	id := c.Param("id")
	if _, err := uuid.Parse(id); err != nil {
		return domain.Errorf(domain.ENotFound, "There is no such API key.")
	}
	u, _ := currentUser(c)
	meta := domain.CommandMeta{ID: domain.NewUUID(), Actor: u.ID, CorrelationID: requestID(c)}
	res, err := h.cmds.Revoke(c.Request().Context(), meta, u.ID, id)
	if err != nil {
		return err
	}
	requestLogger(c, h.log).Info("api key revoked", "key", id, "user", u.ID)
	h.waitFor(c, res)
	// The notice forgets the key in every process a moment later; this
	// process forgets it now, so the next request of the same person sees
	// it revoked.
	if err := apikeycache.ForgetKeys(c.Request().Context(), h.cache, h.rm, []string{id}); err != nil {
		requestLogger(c, h.log).Error("api key cache: forget a revoked key", "err", err, "key", id)
	}
	if !isFragmentRequest(c.Request()) {
		return c.Redirect(http.StatusSeeOther, "/account/api-keys?revoked="+url.QueryEscape(id))
	}
	panel, err := h.panel(c, views.APIKeyForm{CommandID: domain.NewUUID()})
	if err != nil {
		return err
	}
	panel.Revoked = nameOf(panel.Rows, id)
	return h.respond(c, http.StatusOK, panel)
}

// respondForm answers a failed create: the panel with the form as sent.
func (h *apiKeyHandlers) respondForm(c echo.Context, status int, form views.APIKeyForm) error {
	panel, err := h.panel(c, form)
	if err != nil {
		return err
	}
	return h.respond(c, status, panel)
}

// respond renders the panel to htmx and the page to everyone else.
func (h *apiKeyHandlers) respond(c echo.Context, status int, panel views.APIKeysPanel) error {
	p := views.APIKeysPage{Page: page(c, "API keys"), Panel: panel}
	return render(c, status, views.APIKeysView(p), views.APIKeysPanelView(panel))
}

// panel reads the user's keys, within their tenant, around a form.
func (h *apiKeyHandlers) panel(c echo.Context, form views.APIKeyForm) (views.APIKeysPanel, error) {
	u, _ := currentUser(c)
	keys, err := h.rm.APIKeysOf(c.Request().Context(), u.TenantID, u.ID)
	if err != nil {
		return views.APIKeysPanel{}, fmt.Errorf("list api keys: %w", err)
	}
	rows := make([]views.APIKeyRow, 0, len(keys))
	for _, k := range keys {
		rows = append(rows, views.APIKeyRow{
			ID: k.ID, Name: k.Name, Prefix: k.Prefix, Created: displayTime(&k.CreatedAt),
			LastUsed: displayTime(k.LastUsedAt), Revoked: displayTime(k.RevokedAt),
		})
	}
	return views.APIKeysPanel{CSRFToken: page(c, "").CSRFToken, Rows: rows, Form: form}, nil
}

// nameOf returns the name of the listed key with the id, or "".
func nameOf(rows []views.APIKeyRow, id string) string {
	for _, r := range rows {
		if r.ID == id {
			return r.Name
		}
	}
	return ""
}

// displayTime formats a time for a list, in UTC; nil is "".
func displayTime(t *time.Time) string {
	if t == nil {
		return ""
	}
	return t.UTC().Format("2 Jan 2006 15:04 UTC")
}
