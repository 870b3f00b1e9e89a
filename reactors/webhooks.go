package reactors

import (
	"context"
	"time"

	"github.com/google/uuid"
	"google.golang.org/protobuf/proto"

	"github.com/albatross-va/albatross/domain"
	"github.com/albatross-va/albatross/domain/events"
	eventsv1 "github.com/albatross-va/albatross/domain/events/v1"
	"github.com/albatross-va/albatross/store/readmodel"
	"github.com/albatross-va/albatross/store/reads"
	"github.com/albatross-va/albatross/store/webhooks"
)

// Webhooks turns each event an airline's webhooks follow into a queued
// delivery per webhook (store/webhooks' worker sends them). A delivery's
// key is the event's position, so a reaction run again (a crash, another
// process) queues nothing twice; a flight's departure and arrival are
// keyed by the PIREP, so an ACARS client that reports the phase twice
// sends one message. A webhook added after an event gets none of it.
type Webhooks struct {
	ReadModels reads.Querier // the PIREP, its pilot, the airline, the ranks
	Hooks      *domain.Webhooks
	Queue      webhooks.Queue
	// PublicURL is the site's address the messages link to ("" for none).
	PublicURL string
	// Wake tells the worker there is something to send (nil: it polls).
	Wake func()
}

// Name implements projector.Reactor.
func (Webhooks) Name() string { return "webhooks" }

var webhookEvents = map[string]bool{
	events.TypeName(&eventsv1.PirepFiled{}):            true,
	events.TypeName(&eventsv1.PirepSubmitted{}):        true,
	events.TypeName(&eventsv1.PirepProgressed{}):       true,
	events.TypeName(&eventsv1.PirepAccepted{}):         true,
	events.TypeName(&eventsv1.PirepRejected{}):         true,
	events.TypeName(&eventsv1.PilotRegistered{}):       true,
	events.TypeName(&eventsv1.PilotApproved{}):         true,
	events.TypeName(&eventsv1.PilotRankSet{}):          true,
	events.TypeName(&eventsv1.WebhookDeliveryResent{}): true,
	events.TypeName(&eventsv1.NewsPosted{}):            true,
	events.TypeName(&eventsv1.AwardGranted{}):          true,
}

// Handles implements projector.Reactor.
func (Webhooks) Handles(eventType string) bool { return webhookEvents[eventType] }

// Reads implements projector.Reactor.
func (Webhooks) Reads() []string { return []string{"airlines", "users", "pireps", "ranks"} }

// departure and arrival phases of phpVMS's ACARS (domain/pirep_acars.go):
// the first of each a flight reports sends its message.
var (
	departedPhases = map[string]bool{"TOF": true, "TKO": true, "ICL": true, "ENR": true}
	arrivedPhases  = map[string]bool{"LDG": true, "LAN": true, "ONB": true, "ARR": true}
)

// React implements projector.Reactor.
func (r Webhooks) React(ctx context.Context, _ domain.CommandMeta, ev domain.RecordedEvent, msg proto.Message) (domain.Position, error) {
	if resent, ok := msg.(*eventsv1.WebhookDeliveryResent); ok {
		return domain.Start, r.resend(ctx, ev, resent)
	}
	topic, key, pirepID, userID := "", "event@"+ev.Position.String(), "", ""
	var reason, rankID string
	var news *newsInfo
	var award *awardInfo
	switch m := msg.(type) {
	case *eventsv1.PirepFiled:
		if !m.Submitted || m.InProgress {
			return domain.Start, nil
		}
		topic, pirepID = domain.TopicPirepFiled, m.PirepId
	case *eventsv1.PirepSubmitted:
		topic, pirepID = domain.TopicPirepFiled, m.PirepId
	case *eventsv1.PirepProgressed:
		if m.PhaseChanged != nil && !*m.PhaseChanged {
			return domain.Start, nil
		}
		switch {
		case departedPhases[m.Phase]:
			topic, key = domain.TopicFlightDeparted, "departed@"+m.PirepId
		case arrivedPhases[m.Phase]:
			topic, key = domain.TopicFlightArrived, "arrived@"+m.PirepId
		default:
			return domain.Start, nil
		}
		pirepID = m.PirepId
	case *eventsv1.PirepAccepted:
		topic, pirepID = domain.TopicPirepAccepted, m.PirepId
	case *eventsv1.PirepRejected:
		topic, pirepID, reason = domain.TopicPirepRejected, m.PirepId, m.Reason
	case *eventsv1.PilotRegistered:
		topic, userID = domain.TopicPilotRegistered, m.UserId
	case *eventsv1.PilotApproved:
		topic, userID = domain.TopicPilotApproved, m.UserId
	case *eventsv1.PilotRankSet:
		topic, userID, rankID = domain.TopicPilotPromoted, m.UserId, m.RankId
	case *eventsv1.AwardGranted:
		topic, userID = domain.TopicAwardGranted, m.UserId
		award = &awardInfo{ID: m.AwardId, Name: m.AwardName, Reason: m.Reason, ByHand: m.ByHand}
	case *eventsv1.NewsPosted:
		topic, userID = domain.TopicNewsPosted, m.AuthorId
		news = &newsInfo{ID: m.NewsId, Title: m.Title, Body: m.Body}
	default:
		return domain.Start, nil
	}
	hooks, err := r.Hooks.Load(ctx, ev.TenantID)
	if err != nil {
		return domain.Start, err
	}
	var targets []domain.Webhook
	for _, w := range hooks.List() {
		if w.Follows(topic) && !w.AddedAt.After(ev.Meta.RecordedAt) {
			targets = append(targets, w)
		}
	}
	if len(targets) == 0 {
		return domain.Start, nil
	}
	m, ok, err := r.describe(ctx, ev, topic, pirepID, userID, rankID, reason)
	if err != nil || !ok {
		return domain.Start, err
	}
	m.News, m.Award = news, award
	queued := false
	for _, w := range targets {
		body, err := m.body(w.Kind)
		if err != nil {
			return domain.Start, err
		}
		added, err := r.Queue.Enqueue(ctx, webhooks.Delivery{TenantID: ev.TenantID, WebhookID: w.ID, Key: key,
			Topic: topic, Body: body, CreatedAt: time.Now().UTC()})
		if err != nil {
			return domain.Start, domain.Errorf(domain.EUnavailable, "queue a webhook delivery: %v", err)
		}
		queued = queued || added
	}
	if queued && r.Wake != nil {
		r.Wake()
	}
	return domain.Start, nil
}

// resend queues a copy of a delivery's body, keyed by the resend's event.
func (r Webhooks) resend(ctx context.Context, ev domain.RecordedEvent, m *eventsv1.WebhookDeliveryResent) error {
	d, ok, err := r.Queue.Get(ctx, ev.TenantID, m.WebhookId, m.DeliveryId)
	if err != nil {
		return domain.Errorf(domain.EUnavailable, "read a webhook delivery: %v", err)
	}
	if !ok {
		return domain.Errorf(domain.ENotFound, "There is no such delivery.")
	}
	added, err := r.Queue.Enqueue(ctx, webhooks.Delivery{TenantID: ev.TenantID, WebhookID: m.WebhookId,
		Key: "resent@" + ev.Position.String(), Topic: d.Topic, Body: d.Body, CreatedAt: time.Now().UTC()})
	if err != nil {
		return domain.Errorf(domain.EUnavailable, "queue a webhook delivery: %v", err)
	}
	if added && r.Wake != nil {
		r.Wake()
	}
	return nil
}

// describe reads what a message says about the event. ok is false when
// what it names is gone (nothing to tell).
func (r Webhooks) describe(ctx context.Context, ev domain.RecordedEvent, topic, pirepID, userID, rankID, reason string) (message, bool, error) {
	m := message{Topic: topic, At: ev.Meta.RecordedAt.UTC(), Reason: reason, base: r.PublicURL}
	aid, err := uuid.Parse(ev.TenantID)
	if err != nil {
		return m, false, nil
	}
	a, err := r.ReadModels.GetAirline(ctx, aid)
	if err != nil {
		return m, false, ignoreMissing(err)
	}
	m.Airline = airlineInfo{ID: a.ID.String(), Name: a.Name, ICAO: a.Icao, Slug: a.Slug}
	if pirepID != "" {
		id, err := uuid.Parse(pirepID)
		if err != nil {
			return m, false, nil
		}
		p, err := r.ReadModels.GetPirep(ctx, readmodel.GetPirepParams{TenantID: ev.TenantID, ID: id})
		if err != nil {
			return m, false, ignoreMissing(err)
		}
		m.Pirep = &p
		userID = p.PilotID.String()
	}
	if userID != "" {
		id, err := uuid.Parse(userID)
		if err != nil {
			return m, false, nil
		}
		u, err := r.ReadModels.GetUser(ctx, id)
		if err != nil {
			return m, false, ignoreMissing(err)
		}
		if u.TenantID != ev.TenantID {
			return m, false, nil
		}
		m.Pilot = &u
	}
	if rankID != "" {
		ranks, err := r.ReadModels.ListRanks(ctx, ev.TenantID)
		if err != nil {
			return m, false, err
		}
		for _, rk := range ranks {
			if rk.ID.String() == rankID {
				m.Rank = &rk
			}
		}
		// The starting rank an approval gives is no promotion.
		if m.Rank == nil || m.Rank.MinMinutes == 0 {
			return m, false, nil
		}
	}
	return m, true, nil
}

// ignoreMissing makes a record that is gone no error: there is nothing to
// tell about it.
func ignoreMissing(err error) error {
	if domain.ErrorCode(err) == domain.ENotFound {
		return nil
	}
	return err
}
