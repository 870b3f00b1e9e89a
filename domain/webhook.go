package domain

import (
	"context"
	"net/url"
	"slices"
	"strings"
	"time"

	"google.golang.org/protobuf/proto"
	"google.golang.org/protobuf/types/known/timestamppb"

	eventsv1 "github.com/albatross-va/albatross/domain/events/v1"
)

// WebhooksStreamPrefix starts the stream id of an airline's webhooks.
const WebhooksStreamPrefix = "webhooks-"

// WebhooksStream returns the stream id of an airline's webhooks: one
// stream holds them all, so an airline's few webhooks load in one read.
func WebhooksStream(airlineID string) string { return WebhooksStreamPrefix + airlineID }

// The kinds of webhook: Discord's (the body is Discord's embeds) or a
// generic one (Albatross's JSON, signed).
const (
	WebhookDiscord = "discord"
	WebhookGeneric = "generic"
)

// The topics a webhook may follow. News and awards have a topic already:
// their events are wired by the features that bring them.
const (
	TopicPirepFiled      = "pirep.filed"
	TopicPirepAccepted   = "pirep.accepted"
	TopicPirepRejected   = "pirep.rejected"
	TopicFlightDeparted  = "flight.departed"
	TopicFlightArrived   = "flight.arrived"
	TopicPilotRegistered = "pilot.registered"
	TopicPilotApproved   = "pilot.approved"
	TopicPilotPromoted   = "pilot.promoted"
	TopicAwardGranted    = "award.granted"
	TopicNewsPosted      = "news.posted"
)

// WebhookTopic is a topic with the label the form shows.
type WebhookTopic struct {
	Topic string
	Label string
}

// WebhookTopics lists every topic in the order the form shows them.
var WebhookTopics = []WebhookTopic{
	{TopicPirepFiled, "PIREP filed"},
	{TopicPirepAccepted, "PIREP accepted"},
	{TopicPirepRejected, "PIREP rejected"},
	{TopicFlightDeparted, "Flight departed (ACARS)"},
	{TopicFlightArrived, "Flight arrived (ACARS)"},
	{TopicPilotRegistered, "New registration"},
	{TopicPilotApproved, "Pilot approved"},
	{TopicPilotPromoted, "Promotion"},
	{TopicAwardGranted, "Award granted"},
	{TopicNewsPosted, "News posted"},
}

func knownTopic(t string) bool {
	return slices.ContainsFunc(WebhookTopics, func(w WebhookTopic) bool { return w.Topic == t })
}

// Limits of a webhook's fields.
const (
	MaxWebhookName = 80
	MaxWebhookURL  = 2000
	// MaxWebhooks is how many webhooks an airline may have at once.
	MaxWebhooks = 50
)

// Webhook is one webhook of an airline.
type Webhook struct {
	ID            string
	Name          string
	Kind          string
	URL           string
	Events        []string
	SecretVersion int32
	AddedAt       time.Time
	Removed       bool
}

// Follows reports whether the webhook follows topic.
func (w Webhook) Follows(topic string) bool { return !w.Removed && slices.Contains(w.Events, topic) }

// AirlineWebhooks is the webhooks aggregate: every webhook of one airline.
type AirlineWebhooks struct {
	AirlineID string
	order     []string
	hooks     map[string]*Webhook
}

// Apply folds one stored event into the airline's webhooks.
func (a *AirlineWebhooks) Apply(ev proto.Message) error {
	if a.hooks == nil {
		a.hooks = map[string]*Webhook{}
	}
	switch e := ev.(type) {
	case *eventsv1.WebhookAdded:
		a.AirlineID = e.AirlineId
		a.hooks[e.WebhookId] = &Webhook{ID: e.WebhookId, Name: e.Name, Kind: e.Kind, URL: e.Url,
			Events: slices.Clone(e.Events), SecretVersion: e.SecretVersion, AddedAt: e.AddedAt.AsTime()}
		a.order = append(a.order, e.WebhookId)
	case *eventsv1.WebhookChanged:
		if w := a.hooks[e.WebhookId]; w != nil {
			w.Name, w.Kind, w.URL, w.Events = e.Name, e.Kind, e.Url, slices.Clone(e.Events)
		}
	case *eventsv1.WebhookRemoved:
		if w := a.hooks[e.WebhookId]; w != nil {
			w.Removed = true
		}
	case *eventsv1.WebhookSecretRotated:
		if w := a.hooks[e.WebhookId]; w != nil {
			w.SecretVersion = e.SecretVersion
		}
	case *eventsv1.WebhookDeliveryResent:
	default:
		return Errorf(EInternal, "webhooks: unexpected event %T", ev)
	}
	return nil
}

// List returns the webhooks not removed, in the order they were added.
func (a *AirlineWebhooks) List() []Webhook {
	var out []Webhook
	for _, id := range a.order {
		if w := a.hooks[id]; !w.Removed {
			c := *w
			c.Events = slices.Clone(w.Events)
			out = append(out, c)
		}
	}
	return out
}

// Get returns a webhook not removed; ENotFound otherwise.
func (a *AirlineWebhooks) Get(id string) (Webhook, error) {
	w := a.hooks[id]
	if w == nil || w.Removed {
		return Webhook{}, Errorf(ENotFound, "There is no such webhook.")
	}
	c := *w
	c.Events = slices.Clone(w.Events)
	return c, nil
}

// WebhookForm is what staff type for a webhook.
type WebhookForm struct {
	Name   string
	Kind   string
	URL    string
	Events []string
}

// Normalize trims the text and drops repeated topics.
func (f *WebhookForm) Normalize() {
	f.Name, f.URL, f.Kind = strings.TrimSpace(f.Name), strings.TrimSpace(f.URL), strings.TrimSpace(f.Kind)
	var evs []string
	for _, e := range f.Events {
		if e = strings.TrimSpace(e); e != "" && !slices.Contains(evs, e) {
			evs = append(evs, e)
		}
	}
	f.Events = evs
}

// Validate returns an EInvalid error naming each bad field, or nil. The
// URL's address is checked apart (WebhookURLChecker), as it needs the
// network.
func (f *WebhookForm) Validate() error {
	m := map[string]string{}
	checkRequiredLine(m, "name", &f.Name, MaxWebhookName, "Give the webhook a name, such as the channel it posts to.")
	if f.Kind != WebhookDiscord && f.Kind != WebhookGeneric {
		m["kind"] = "Choose Discord or generic (JSON)."
	}
	if checkRequiredLine(m, "url", &f.URL, MaxWebhookURL, "Enter the address deliveries are posted to.") {
		u, err := url.Parse(f.URL)
		switch {
		case err != nil || u.Host == "" || (u.Scheme != "https" && u.Scheme != "http"):
			m["url"] = "Enter a full http:// or https:// address, such as https://discord.com/api/webhooks/…"
		case u.User != nil:
			m["url"] = "The address must not carry a user name or password."
		case u.Fragment != "":
			m["url"] = "The address must not carry a #fragment."
		}
	}
	if len(f.Events) == 0 {
		m["events"] = "Choose at least one event to send."
	}
	for _, e := range f.Events {
		if !knownTopic(e) {
			m["events"] = "Choose among the events listed."
		}
	}
	return Invalid(m)
}

// WebhookURLChecker refuses addresses a webhook may not post to (loopback,
// private and link-local ones, unless the operator allows them). It returns
// a message for the form, or "" when the address may be used.
type WebhookURLChecker interface {
	CheckWebhookURL(ctx context.Context, rawURL string) (string, error)
}

// Webhooks runs the webhook commands.
type Webhooks struct {
	Runner *Runner
	IDs    IDs
	URLs   WebhookURLChecker // nil: only the URL's form is checked
}

// Of reads an airline's webhooks from their stream, for staff.
func (s *Webhooks) Of(ctx context.Context, meta CommandMeta, airlineID string) (*AirlineWebhooks, error) {
	if err := Authorize(meta.Who, ManageWebhooks, airlineID); err != nil {
		return nil, err
	}
	return s.Load(ctx, airlineID)
}

// Load reads an airline's webhooks without an access check: the reactor
// and the delivery worker, which act for the system.
func (s *Webhooks) Load(ctx context.Context, airlineID string) (*AirlineWebhooks, error) {
	a := &AirlineWebhooks{AirlineID: airlineID}
	if _, err := s.Runner.load(ctx, WebhooksStream(airlineID), a); err != nil {
		return nil, err
	}
	return a, nil
}

func (s *Webhooks) check(ctx context.Context, f *WebhookForm) error {
	f.Normalize()
	if err := f.Validate(); err != nil {
		return err
	}
	if s.URLs != nil {
		msg, err := s.URLs.CheckWebhookURL(ctx, f.URL)
		if err != nil {
			return err
		}
		if msg != "" {
			return FieldError(EInvalid, "url", msg)
		}
	}
	return nil
}

func (s *Webhooks) command(ctx context.Context, meta CommandMeta, airlineID string,
	decide func(a *AirlineWebhooks, now time.Time) ([]proto.Message, error)) (AppendResult, error) {
	if err := Authorize(meta.Who, ManageWebhooks, airlineID); err != nil {
		return AppendResult{}, err
	}
	if _, err := s.Runner.loadAirline(ctx, airlineID); err != nil {
		return AppendResult{}, err
	}
	now := s.Runner.now()
	return Execute(ctx, s.Runner, StreamRef{StreamID: WebhooksStream(airlineID), TenantID: airlineID}, meta,
		func() *AirlineWebhooks { return &AirlineWebhooks{AirlineID: airlineID} },
		func(a *AirlineWebhooks, _ int64) (Decision, error) {
			evs, err := decide(a, now)
			return Decision{Events: evs}, err
		})
}

// Add adds a webhook to an airline and returns its id. A repeated command
// id adds nothing and returns the first one's webhook.
func (s *Webhooks) Add(ctx context.Context, meta CommandMeta, airlineID string, f WebhookForm) (string, AppendResult, error) {
	if err := Authorize(meta.Who, ManageWebhooks, airlineID); err != nil {
		return "", AppendResult{}, err
	}
	if err := s.check(ctx, &f); err != nil {
		return "", AppendResult{}, err
	}
	id := s.IDs.NewID()
	res, err := s.command(ctx, meta, airlineID, func(a *AirlineWebhooks, now time.Time) ([]proto.Message, error) {
		if len(a.List()) >= MaxWebhooks {
			return nil, Errorf(EConflict, "An airline may have at most %d webhooks: remove one first.", MaxWebhooks)
		}
		return []proto.Message{&eventsv1.WebhookAdded{WebhookId: id, AirlineId: airlineID, Name: f.Name, Kind: f.Kind,
			Url: f.URL, Events: f.Events, SecretVersion: 1, AddedAt: timestamppb.New(now)}}, nil
	})
	if err != nil {
		return "", res, err
	}
	if res.Duplicate {
		a, err := s.Load(ctx, airlineID)
		if err != nil {
			return "", res, err
		}
		if l := a.List(); len(l) > 0 {
			id = l[len(l)-1].ID
		}
	}
	return id, res, nil
}

// Change replaces a webhook's name, kind, URL and topics; an unchanged one
// appends nothing.
func (s *Webhooks) Change(ctx context.Context, meta CommandMeta, airlineID, webhookID string, f WebhookForm) (AppendResult, error) {
	if err := Authorize(meta.Who, ManageWebhooks, airlineID); err != nil {
		return AppendResult{}, err
	}
	if err := s.check(ctx, &f); err != nil {
		return AppendResult{}, err
	}
	return s.command(ctx, meta, airlineID, func(a *AirlineWebhooks, now time.Time) ([]proto.Message, error) {
		w, err := a.Get(webhookID)
		if err != nil {
			return nil, err
		}
		if w.Name == f.Name && w.Kind == f.Kind && w.URL == f.URL && slices.Equal(w.Events, f.Events) {
			return nil, nil
		}
		return []proto.Message{&eventsv1.WebhookChanged{WebhookId: webhookID, Name: f.Name, Kind: f.Kind, Url: f.URL,
			Events: f.Events, ChangedAt: timestamppb.New(now)}}, nil
	})
}

// Remove ends a webhook; nothing more is sent to it.
func (s *Webhooks) Remove(ctx context.Context, meta CommandMeta, airlineID, webhookID string) (AppendResult, error) {
	return s.command(ctx, meta, airlineID, func(a *AirlineWebhooks, now time.Time) ([]proto.Message, error) {
		if _, err := a.Get(webhookID); err != nil {
			return nil, err
		}
		return []proto.Message{&eventsv1.WebhookRemoved{WebhookId: webhookID, RemovedAt: timestamppb.New(now)}}, nil
	})
}

// RotateSecret gives a webhook its next signing secret version and returns
// it.
func (s *Webhooks) RotateSecret(ctx context.Context, meta CommandMeta, airlineID, webhookID string) (int32, AppendResult, error) {
	var version int32
	res, err := s.command(ctx, meta, airlineID, func(a *AirlineWebhooks, now time.Time) ([]proto.Message, error) {
		w, err := a.Get(webhookID)
		if err != nil {
			return nil, err
		}
		version = w.SecretVersion + 1
		return []proto.Message{&eventsv1.WebhookSecretRotated{WebhookId: webhookID, SecretVersion: version,
			RotatedAt: timestamppb.New(now)}}, nil
	})
	if err == nil && res.Duplicate {
		return 0, res, Errorf(EConflict, "This form already made a new secret, which was shown only once. Make another if you did not copy it.")
	}
	return version, res, err
}

// Resend asks for one of a webhook's deliveries to be sent again; the
// webhooks reactor queues it.
func (s *Webhooks) Resend(ctx context.Context, meta CommandMeta, airlineID, webhookID string, deliveryID int64) (AppendResult, error) {
	return s.command(ctx, meta, airlineID, func(a *AirlineWebhooks, now time.Time) ([]proto.Message, error) {
		if _, err := a.Get(webhookID); err != nil {
			return nil, err
		}
		return []proto.Message{&eventsv1.WebhookDeliveryResent{WebhookId: webhookID, DeliveryId: deliveryID,
			ResentAt: timestamppb.New(now)}}, nil
	})
}
