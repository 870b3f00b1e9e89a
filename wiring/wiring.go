// Package wiring builds Albatross's write side once from its adapters: one
// event registry and command runner, every command service over them, the
// reactors that follow their events, and the command fields of the
// handlers' dependencies. cmd/albatross and the tests wire through it, so
// a new command or reactor is added in one place.
package wiring

import (
	"github.com/albatross-va/albatross/domain"
	"github.com/albatross-va/albatross/domain/events"
	"github.com/albatross-va/albatross/handlers"
	"github.com/albatross-va/albatross/mail"
	"github.com/albatross-va/albatross/reactors"
	"github.com/albatross-va/albatross/store/passwords"
	"github.com/albatross-va/albatross/store/projector"
	"github.com/albatross-va/albatross/store/readmodel"
	"github.com/albatross-va/albatross/store/reads"
	"github.com/albatross-va/albatross/store/webhooks"
)

// Commands are the command services of one deployment, sharing one runner
// and one view of the read models.
type Commands struct {
	Runner   *domain.Runner
	Reads    reads.Querier // the read models the lookups, reactors and pages read
	Users    *domain.Users
	Airlines *domain.Airlines // also sets the airlines' PIREP rules
	Airports *domain.Airports
	Fleet    *domain.Fleet
	Flights  *domain.Flights
	Pireps   *domain.Pireps
	Ranks    *domain.Ranks
	APIKeys  *domain.APIKeys
	Notices  *domain.Notices
	Bids     *domain.Bids
	Simbrief *domain.Simbrief
	// Jumpseats moves pilots without flying; where they are comes from the
	// read models.
	Jumpseats *domain.Jumpseats
	// Webhooks are the airlines' webhooks; WithWebhooks connects their
	// delivery queue, without which nothing is queued or sent.
	Webhooks     *domain.Webhooks
	WebhookQueue webhooks.Queue
	webhookWake  func()

	// Mailer and MailSigner, set by the caller before Reactors when the
	// deployment sends email, add the emails reactor.
	Mailer     *mail.Mailer
	MailSigner *mail.Signer
	// PublicURL is the deployment's address, which the links in emails and
	// webhook messages start with ("" sends webhook messages without links).
	PublicURL string
	// News posts, edits and deletes an airline's news.
	News *domain.News
	// Awards defines an airline's awards and grants and revokes them.
	Awards *domain.Awards
	// Tours defines an airline's tours and counts the legs pilots fly.
	Tours *domain.Tours
	// TypeRatings manage type ratings, pilots' ratings and ranks' allowances.
	TypeRatings *domain.TypeRatings
	// Fares and Expenses keep an airline's fares and expenses (phpVMS's
	// files), for SimBrief's load and the finances to come.
	Fares    *domain.Fares
	Expenses *domain.Expenses
	// AirlineEvents schedule an airline's events, sign pilots up and count
	// their flights.
	AirlineEvents *domain.AirlineEvents
	// Leave is pilots' leave, the airlines' leave rules and the activity rule.
	Leave *domain.Leave
	// Scores sets the airlines' landing-score bands and scores PIREPs.
	Scores *domain.Scores
	// Profiles records whether each pilot's public profile shows.
	Profiles *domain.Profiles
}

// NewCommands returns the command services over the event store es, with
// reg as the event registry. Their lookups of airline data (the airports,
// subfleets and aircraft a command names, the filing rules) read the read
// models rm.
func NewCommands(es domain.EventStore, reg *events.Registry, rm readmodel.Querier) Commands {
	runner := &domain.Runner{Store: es, Registry: reg, Clock: domain.SystemClock{}, States: domain.NewStates(0)}
	q := reads.New(rm)
	ops := reads.Operations{Q: q}
	settings := reads.PirepSettings{Q: q} // and every fact a filing checks, in one read
	ids := domain.RandomIDs{}
	return Commands{
		Runner: runner,
		Reads:  q,
		// A registration's home hub is one of the airline's hubs.
		Users:    &domain.Users{Runner: runner, IDs: ids, Passwords: passwords.New(), Hubs: ops},
		Airlines: &domain.Airlines{Runner: runner, IDs: ids},
		Airports: &domain.Airports{Runner: runner},
		// The fleet's hubs and locations must be airports of the airline.
		Fleet: &domain.Fleet{Runner: runner, IDs: ids, Airports: ops},
		// A flight's airports and subfleets are the airline's own.
		Flights: &domain.Flights{Runner: runner, Airports: ops, Subfleets: ops},
		// A PIREP's airports and aircraft are the airline's own; its
		// optional filing rules and the pilot's location come from the
		// read models.
		Pireps: &domain.Pireps{Runner: runner, IDs: ids, Airports: ops, Aircraft: ops,
			Settings: settings, Facts: settings, Qualifications: reads.Qualifications{Q: q}},
		Ranks:   &domain.Ranks{Runner: runner, IDs: ids},
		APIKeys: &domain.APIKeys{Runner: runner, IDs: ids},
		Notices: &domain.Notices{Runner: runner},
		// A bid follows the airline's "pilot at the departure airport" rule.
		Bids: &domain.Bids{Runner: runner, IDs: ids, Facts: reads.Bids{Q: q}, Location: settings,
			Qualifications: reads.Qualifications{Q: q}},
		Simbrief:  &domain.Simbrief{Runner: runner},
		Jumpseats: &domain.Jumpseats{Runner: runner, IDs: ids, Settings: settings},
		// Until WithWebhooks sets the operator's choice, no private address.
		Webhooks: &domain.Webhooks{Runner: runner, IDs: ids, URLs: webhooks.Guard{}},
		News:     &domain.News{Runner: runner, IDs: ids},
		Awards:   &domain.Awards{Runner: runner, IDs: ids},
		Tours:    &domain.Tours{Runner: runner, IDs: ids},
		// A type rating covers subfleets of the airline.
		TypeRatings: &domain.TypeRatings{Runner: runner, IDs: ids, Subfleets: ops},
		Fares:       &domain.Fares{Runner: runner},
		Expenses:    &domain.Expenses{Runner: runner},
		// An event's airport and flight numbers are the airline's own.
		AirlineEvents: &domain.AirlineEvents{Runner: runner, IDs: ids, Airports: ops, Timetable: ops},
		Leave:         &domain.Leave{Runner: runner, IDs: ids},
		Scores:        &domain.Scores{Runner: runner},
		Profiles:      &domain.Profiles{Runner: runner},
	}
}

// WithWebhooks connects the webhooks to their delivery queue q, checks
// their addresses with guard (at save and at each dial), links their
// messages to publicURL, and returns the worker that sends them, for the
// caller to run where the reactors run. Call it before Reactors and Deps.
func (c *Commands) WithWebhooks(q webhooks.Queue, guard webhooks.Guard, publicURL string) *webhooks.Worker {
	c.WebhookQueue, c.PublicURL = q, publicURL
	c.Webhooks.URLs = guard
	w := &webhooks.Worker{Queue: q, Hooks: c.Webhooks, Client: guard.Client(webhooks.DefaultTimeout)}
	c.webhookWake = w.Wake
	return w
}

// Reactors are everything that follows an event. A new reactor is added
// here.
func (c Commands) Reactors() []projector.Reactor {
	rs := []projector.Reactor{
		reactors.Promotions{ReadModels: c.Reads, Ranks: c.Ranks},
		reactors.BidsEnd{ReadModels: c.Reads, Bids: c.Bids},
		reactors.SimbriefRoutes{ReadModels: c.Reads, Pireps: c.Pireps},
		reactors.SimbriefBids{ReadModels: c.Reads, Simbrief: c.Simbrief},
		reactors.Awards{ReadModels: c.Reads, Awards: c.Awards},
		reactors.Tours{ReadModels: c.Reads, Tours: c.Tours},
		reactors.AirlineEvents{ReadModels: c.Reads, Events: c.AirlineEvents},
		reactors.LeaveReturns{Leave: c.Leave},
		reactors.Scores{Scores: c.Scores},
	}
	if c.WebhookQueue != nil {
		rs = append(rs, reactors.Webhooks{ReadModels: c.Reads, Hooks: c.Webhooks, Queue: c.WebhookQueue,
			PublicURL: c.PublicURL, Wake: c.webhookWake})
	}
	if c.Mailer.Enabled() && c.MailSigner != nil {
		rs = append(rs, reactors.Emails{ReadModels: c.Reads, Streams: c.Runner.Store, Mailer: c.Mailer, Signer: c.MailSigner, PublicURL: c.PublicURL})
	}
	return rs
}

// Deps returns the handlers' dependencies with every command service and
// the read models set; the caller adds the adapters (sessions, the waiter,
// the broker, …).
func (c Commands) Deps() handlers.Deps {
	return handlers.Deps{
		ReadModels: c.Reads,
		Users:      c.Users,
		Airlines:   c.Airlines,
		Flights:    c.Flights,
		Registry:   c.Runner.Registry,
		Passwords:  c.Users.Passwords,
		APIKeys:    c.APIKeys,
		Fleet:      c.Fleet,
		Airports:   c.Airports,
		Pireps:     c.Pireps,
		Ranks:      c.Ranks,
		PirepRules: c.Airlines,
		Notices:    c.Notices,
		Bids:       c.Bids,
		BidRules:   c.Airlines,
		// SimBrief: the OFPs; the airline's settings are in its stream.
		Simbrief:         c.Simbrief,
		SimbriefSettings: c.Airlines,
		Jumpseats:        c.Jumpseats,
		Webhooks:         c.Webhooks,
		WebhookQueue:     c.WebhookQueue,
		EmailCommands:    c.Users,
		News:             c.News,
		Awards:           c.Awards,
		Tours:            c.Tours,
		TypeRatings:      c.TypeRatings,
		Leave:            c.Leave,
		FlyingRules:      c.Airlines,
		Fares:            c.Fares,
		Expenses:         c.Expenses,
		AirlineEvents:    c.AirlineEvents,
		Scores:           c.Scores,
		Profiles:         c.Profiles,
	}
}
