package handlers

import (
	"context"
	"log/slog"
	"net/http"
	"net/url"
	"strconv"
	"strings"
	"time"

	"github.com/alexedwards/scs/v2"
	"github.com/labstack/echo/v4"

	"github.com/albatross-va/albatross/domain"
	"github.com/albatross-va/albatross/store/reads"
	"github.com/albatross-va/albatross/store/webhooks"
	"github.com/albatross-va/albatross/views"
)

// WebhookCommands runs the webhook commands (domain.Webhooks).
type WebhookCommands interface {
	Of(ctx context.Context, meta domain.CommandMeta, airlineID string) (*domain.AirlineWebhooks, error)
	Add(ctx context.Context, meta domain.CommandMeta, airlineID string, f domain.WebhookForm) (string, domain.AppendResult, error)
	Change(ctx context.Context, meta domain.CommandMeta, airlineID, webhookID string, f domain.WebhookForm) (domain.AppendResult, error)
	Remove(ctx context.Context, meta domain.CommandMeta, airlineID, webhookID string) (domain.AppendResult, error)
	RotateSecret(ctx context.Context, meta domain.CommandMeta, airlineID, webhookID string) (int32, domain.AppendResult, error)
	Resend(ctx context.Context, meta domain.CommandMeta, airlineID, webhookID string, deliveryID int64) (domain.AppendResult, error)
}

// webhookHandlers are an airline's webhook pages, for its staff.
type webhookHandlers struct {
	cmds     WebhookCommands
	queue    webhooks.Queue // the delivery log; nil when none is wired
	rm       reads.Querier
	sessions *scs.SessionManager
	readYourWrites
	log *slog.Logger
}

// deliveryLogLength is how many deliveries a webhook's page lists.
const deliveryLogLength = 50

func webhooksURL(airlineID string) string { return "/airlines/" + airlineID + "/webhooks" }

func webhookURL(airlineID, webhookID string) string { return webhooksURL(airlineID) + "/" + webhookID }

// webhookTabs reads the airline for the tabs and sets no-store: these
// pages show addresses that are secrets of their own (a Discord webhook's
// URL posts to its channel).
func (h *webhookHandlers) webhookTabs(c echo.Context) (views.AirlineTabs, error) {
	tabs, _, err := airlineTabs(c, h.rm, "webhooks")
	c.Response().Header().Set("Cache-Control", "no-store")
	return tabs, err
}

// listWebhooks is the airline's webhooks.
func (h *webhookHandlers) listWebhooks(c echo.Context) error {
	tabs, err := h.webhookTabs(c)
	if err != nil {
		return err
	}
	hooks, err := h.cmds.Of(c.Request().Context(), commandMeta(c, ""), tabs.ID)
	if err != nil {
		return err
	}
	p := views.WebhooksPage{Page: page(c, tabs.Name+" · Webhooks"), Tabs: tabs, Notice: popFlash(c, h.sessions),
		NewURL: webhooksURL(tabs.ID) + "/new"}
	labels := map[string]string{}
	for _, t := range domain.WebhookTopics {
		labels[t.Topic] = t.Label
	}
	for _, w := range hooks.List() {
		kind := "Generic"
		if w.Kind == domain.WebhookDiscord {
			kind = "Discord"
		}
		host := w.URL
		if u, err := url.Parse(w.URL); err == nil {
			host = u.Host
		}
		var evs []string
		for _, e := range w.Events {
			evs = append(evs, labels[e])
		}
		p.Hooks = append(p.Hooks, views.WebhookRow{Name: w.Name, Kind: kind, Host: host, Events: strings.Join(evs, ", "),
			URL: webhookURL(tabs.ID, w.ID)})
	}
	return render(c, http.StatusOK, views.WebhooksView(p), nil)
}

// webhookForm reads the form as typed.
func webhookForm(c echo.Context) (views.WebhookForm, domain.WebhookForm) {
	d := domain.WebhookForm{Name: c.FormValue("name"), Kind: c.FormValue("kind"), URL: c.FormValue("url")}
	if form, err := c.FormParams(); err == nil {
		d.Events = form["events"]
	}
	f := views.WebhookForm{CommandID: c.FormValue("command_id"), Name: d.Name, Kind: d.Kind, URL: d.URL}
	return withTopics(f, d.Events), d
}

// withTopics sets the form's checkboxes, the chosen ones ticked.
func withTopics(f views.WebhookForm, chosen []string) views.WebhookForm {
	f.Topics = nil
	for _, t := range domain.WebhookTopics {
		on := false
		for _, e := range chosen {
			on = on || e == t.Topic
		}
		f.Topics = append(f.Topics, views.WebhookTopicChoice{Value: t.Topic, Label: t.Label, Chosen: on})
	}
	return f
}

// showNewWebhook is the form that adds a webhook.
func (h *webhookHandlers) showNewWebhook(c echo.Context) error {
	tabs, err := h.webhookTabs(c)
	if err != nil {
		return err
	}
	f := withTopics(views.WebhookForm{Kind: domain.WebhookDiscord}, []string{domain.TopicPirepAccepted})
	return h.renderNew(c, http.StatusOK, tabs, f)
}

func (h *webhookHandlers) renderNew(c echo.Context, status int, tabs views.AirlineTabs, f views.WebhookForm) error {
	p := views.WebhookNewPage{Page: page(c, tabs.Name+" · Add a webhook"), Tabs: tabs}
	f.CSRFToken, f.Action, f.Submit = p.CSRFToken, webhooksURL(tabs.ID), "Add the webhook"
	if f.CommandID == "" {
		f.CommandID = domain.NewUUID()
	}
	p.Form = f
	return render(c, status, views.WebhookNewView(p), nil)
}

// addWebhook adds a webhook. A generic one's page then shows its signing
// secret, this once.
func (h *webhookHandlers) addWebhook(c echo.Context) error {
	f, d := webhookForm(c)
	airlineID := c.Param("id")
	meta := commandMeta(c, f.CommandID)
	id, res, err := h.cmds.Add(c.Request().Context(), meta, airlineID, d)
	if status, ok := formFailed(nil, err, formSlots{Errors: &f.Errors, Message: &f.Message, CommandID: &f.CommandID}); ok {
		tabs, terr := h.webhookTabs(c)
		if terr != nil {
			return terr
		}
		return h.renderNew(c, status, tabs, f)
	}
	if err != nil {
		return err
	}
	if d.Kind != domain.WebhookGeneric || res.Duplicate {
		return h.finish(c, h.sessions, res, webhookURL(airlineID, id), "Added the webhook "+strings.TrimSpace(d.Name)+".")
	}
	h.waitFor(c, res)
	return h.renderWebhook(c, http.StatusOK, id, nil, "Added the webhook "+strings.TrimSpace(d.Name)+".", 1)
}

// showWebhook is a webhook's form and delivery log.
func (h *webhookHandlers) showWebhook(c echo.Context) error {
	return h.renderWebhook(c, http.StatusOK, c.Param("hook"), nil, popFlash(c, h.sessions), 0)
}

// renderWebhook renders a webhook's page: with the form typed (nil: as the
// webhook is), and its secret when showSecret is the version just made.
func (h *webhookHandlers) renderWebhook(c echo.Context, status int, webhookID string, typed *views.WebhookForm, notice string, showSecret int32) error {
	tabs, err := h.webhookTabs(c)
	if err != nil {
		return err
	}
	ctx := c.Request().Context()
	hooks, err := h.cmds.Of(ctx, commandMeta(c, ""), tabs.ID)
	if err != nil {
		return err
	}
	w, err := hooks.Get(webhookID)
	if err != nil {
		return err
	}
	p := views.WebhookPage{Page: page(c, tabs.Name+" · "+w.Name), Tabs: tabs, Name: w.Name, Generic: w.Kind == domain.WebhookGeneric,
		Notice: notice, ListURL: webhooksURL(tabs.ID), SecretURL: webhookURL(tabs.ID, w.ID) + "/secret",
		RemoveURL: webhookURL(tabs.ID, w.ID) + "/remove"}
	f := withTopics(views.WebhookForm{Name: w.Name, Kind: w.Kind, URL: w.URL}, w.Events)
	if typed != nil {
		f = *typed
	}
	f.CSRFToken, f.Action, f.Submit = p.CSRFToken, webhookURL(tabs.ID, w.ID), "Save"
	if f.CommandID == "" {
		f.CommandID = domain.NewUUID()
	}
	p.Form = f
	if h.queue != nil {
		if showSecret > 0 && showSecret == w.SecretVersion && p.Generic {
			key, err := h.queue.SigningKey(ctx)
			if err != nil {
				return err
			}
			p.Secret = webhooks.Secret(key, w.ID, w.SecretVersion)
		}
		list, err := h.queue.List(ctx, tabs.ID, w.ID, deliveryLogLength)
		if err != nil {
			return err
		}
		for _, d := range list {
			p.Deliveries = append(p.Deliveries, deliveryRow(tabs.ID, d))
		}
	}
	return render(c, status, views.WebhookView(p), nil)
}

var deliveryStatus = map[string]string{
	webhooks.Pending:   "Waiting",
	webhooks.Delivered: "Delivered",
	webhooks.Failed:    "Failed",
}

func deliveryRow(airlineID string, d webhooks.Delivery) views.DeliveryRow {
	const when = "2006-01-02 15:04:05"
	r := views.DeliveryRow{ID: strconv.FormatInt(d.ID, 10), Event: d.Topic, Status: deliveryStatus[d.Status],
		Queued: d.CreatedAt.UTC().Format(when), Attempts: strconv.Itoa(int(d.Attempts)), Response: d.Response,
		ResendURL: webhookURL(airlineID, d.WebhookID) + "/deliveries/" + strconv.FormatInt(d.ID, 10) + "/resend"}
	if !d.LastAttemptAt.IsZero() {
		r.LastTry = d.LastAttemptAt.UTC().Format(when)
	}
	if d.ResponseCode != 0 {
		r.Code = strconv.Itoa(int(d.ResponseCode))
	}
	if d.Status == webhooks.Pending && d.Attempts > 0 {
		r.Status = "Retrying"
		r.NextAttempt = d.NextAttemptAt.UTC().Format(time.TimeOnly)
	}
	return r
}

// changeWebhook saves a webhook's form.
func (h *webhookHandlers) changeWebhook(c echo.Context) error {
	f, d := webhookForm(c)
	airlineID, webhookID := c.Param("id"), c.Param("hook")
	ctx := c.Request().Context()
	before, err := h.cmds.Of(ctx, commandMeta(c, ""), airlineID)
	if err != nil {
		return err
	}
	was, err := before.Get(webhookID)
	if err != nil {
		return err
	}
	res, err := h.cmds.Change(ctx, commandMeta(c, f.CommandID), airlineID, webhookID, d)
	if status, ok := formFailed(nil, err, formSlots{Errors: &f.Errors, Message: &f.Message, CommandID: &f.CommandID}); ok {
		return h.renderWebhook(c, status, webhookID, &f, "", 0)
	}
	if err != nil {
		return err
	}
	if was.Kind != domain.WebhookGeneric && d.Kind == domain.WebhookGeneric && !res.Duplicate {
		// A webhook that becomes generic is signed from now on: its
		// secret is shown now, once.
		h.waitFor(c, res)
		return h.renderWebhook(c, http.StatusOK, webhookID, nil, "The webhook is saved.", was.SecretVersion)
	}
	return h.finish(c, h.sessions, res, webhookURL(airlineID, webhookID), "The webhook is saved.")
}

// removeWebhook removes a webhook.
func (h *webhookHandlers) removeWebhook(c echo.Context) error {
	airlineID := c.Param("id")
	res, err := h.cmds.Remove(c.Request().Context(), commandMeta(c, ""), airlineID, c.Param("hook"))
	if err != nil {
		return err
	}
	return h.finish(c, h.sessions, res, webhooksURL(airlineID), "The webhook is removed.")
}

// rotateWebhookSecret makes a webhook's next secret and shows it, once.
func (h *webhookHandlers) rotateWebhookSecret(c echo.Context) error {
	webhookID := c.Param("hook")
	version, res, err := h.cmds.RotateSecret(c.Request().Context(), commandMeta(c, ""), c.Param("id"), webhookID)
	if err != nil {
		return err
	}
	h.waitFor(c, res)
	return h.renderWebhook(c, http.StatusOK, webhookID, nil, "A new secret is made: the former one no longer signs.", version)
}

// resendDelivery queues a delivery again ("send again").
func (h *webhookHandlers) resendDelivery(c echo.Context) error {
	airlineID, webhookID := c.Param("id"), c.Param("hook")
	id, err := strconv.ParseInt(c.Param("delivery"), 10, 64)
	if err != nil || id <= 0 {
		return domain.Errorf(domain.ENotFound, "There is no such delivery.")
	}
	if h.queue == nil {
		return domain.Errorf(domain.ENotFound, "There is no such delivery.")
	}
	if _, ok, err := h.queue.Get(c.Request().Context(), airlineID, webhookID, id); err != nil {
		return err
	} else if !ok {
		return domain.Errorf(domain.ENotFound, "There is no such delivery.")
	}
	res, err := h.cmds.Resend(c.Request().Context(), commandMeta(c, ""), airlineID, webhookID, id)
	if err != nil {
		return err
	}
	return h.finish(c, h.sessions, res, webhookURL(airlineID, webhookID), "The delivery is queued to be sent again.")
}
