// Package handlers is the HTTP side of Albatross: routes, middleware, the
// error handler, the server-sent-events broker, and one file per resource.
package handlers

import (
	"context"
	"log/slog"
	"net"
	"net/http"
	"time"

	"github.com/alexedwards/scs/v2"

	"github.com/labstack/echo/v4"

	"github.com/albatross-va/albatross/domain"
	"github.com/albatross-va/albatross/domain/events"
	"github.com/albatross-va/albatross/domain/imports"
	"github.com/albatross-va/albatross/mail"
	"github.com/albatross-va/albatross/store/airportref"
	"github.com/albatross-va/albatross/store/apikeycache"
	"github.com/albatross-va/albatross/store/reads"
	"github.com/albatross-va/albatross/store/throttle"
	"github.com/albatross-va/albatross/store/webhooks"
	"github.com/albatross-va/albatross/views"
)

// AirlineCommands runs the airline commands (domain.Airlines).
type AirlineCommands interface {
	Create(ctx context.Context, meta domain.CommandMeta, c domain.CreateAirline) (string, domain.AppendResult, error)
	ChangeProfile(ctx context.Context, meta domain.CommandMeta, airlineID string, p domain.AirlineProfile) (domain.AppendResult, error)
	Suspend(ctx context.Context, meta domain.CommandMeta, airlineID, reason string) (domain.AppendResult, error)
	Reactivate(ctx context.Context, meta domain.CommandMeta, airlineID string) (domain.AppendResult, error)
}

// AirportCommands runs the commands on an airline's airports (domain.Airports).
type AirportCommands interface {
	Add(ctx context.Context, meta domain.CommandMeta, airlineID string, d domain.AirportDetails) (domain.AppendResult, error)
	Change(ctx context.Context, meta domain.CommandMeta, airlineID string, d domain.AirportDetails) (domain.AppendResult, error)
	SetHub(ctx context.Context, meta domain.CommandMeta, airlineID, icao string, hub bool) (domain.AppendResult, error)
	Save(ctx context.Context, meta domain.CommandMeta, airlineID string, d domain.AirportDetails) (domain.Outcome, domain.AppendResult, error)
}

// StreamReader reads one stream of the event log, for a record's history,
// and the events after a position (the change an automatic one followed).
type StreamReader interface {
	ReadStream(ctx context.Context, streamID string, afterVersion int64) ([]domain.RecordedEvent, error)
	ReadAll(ctx context.Context, after domain.Position, limit int) ([]domain.RecordedEvent, error)
}

// ProjectionWaiter waits until the read models include a log position, so a
// user sees their own change on the next page: those that apply any of the
// event types (all of them when none is given), and what the reactors that
// follow those events did (projector.Projector).
type ProjectionWaiter interface {
	WaitFor(ctx context.Context, pos domain.Position, eventTypes ...string) error
}

// ReadinessCheck reports whether the process can serve: the event store and
// read models answer and the projections are caught up within a bound.
type ReadinessCheck func(ctx context.Context) (detail any, err error)

// Deps is everything the handlers need, passed in by cmd/albatross.
type Deps struct {
	// Mailer queues emails (nil, or without settings: none is sent and the
	// pages offer no email feature); MailSigner signs unsubscribe links;
	// PublicURL starts the links in emails; EmailCommands set a password
	// chosen through a reset link and verify an address.
	Mailer        *mail.Mailer
	MailSigner    *mail.Signer
	PublicURL     string
	EmailCommands EmailCommands

	Log        *slog.Logger
	Sessions   *scs.SessionManager
	Passwords  domain.Passwords
	Users      UserCommands
	Airlines   AirlineCommands
	Flights    FlightCommands
	ReadModels reads.Querier // driver errors already translated
	Events     StreamReader  // the event log, for history pages
	Registry   *events.Registry
	Waiter     ProjectionWaiter
	Broker     *Broker
	Ready      ReadinessCheck
	// Unavailable says whether an error means a part is unreachable (the
	// database, the session store), which is a 503 with Retry-After rather
	// than a 500; outage.Is in production. Nil treats none so.
	Unavailable func(error) bool
	// WaitBound caps how long a command waits for its projection before the
	// handler answers anyway; the live update brings the change later.
	WaitBound time.Duration
	// SecureCookies marks cookies Secure (served over TLS or behind a TLS proxy).
	SecureCookies bool
	// Throttles count failed logins (LocalThrottles in one process).
	Throttles LoginThrottles
	// TrustedProxies are the reverse proxies whose X-Forwarded-For names the
	// client; with none, the client is the connection's peer.
	TrustedProxies []*net.IPNet

	// APIKeys runs the API key commands. APIKeyCache holds the keys the API
	// was sent; the caller keeps it in step with the api_keys notices
	// (apikeycache.Follow), or a revoke would not reach it.
	APIKeys     APIKeyCommands
	APIKeyCache apikeycache.Cache

	// Fleet runs the fleet commands (subfleets and aircraft).
	Fleet FleetCommands
	// Airports runs the airport commands; AirportRef is the world airport
	// reference that adding by ICAO and the search box read.
	Airports   AirportCommands
	AirportRef *airportref.Index
	// Imports runs CSV import jobs; its Progress should reach every
	// process's Broker (ImportProgress on the notifier).
	Imports *imports.Jobs

	// Pireps runs the PIREP commands; the promotions reactor follows
	// their reviews.
	Pireps PirepCommands
	// Ranks runs the rank commands; PirepRules sets an airline's optional
	// filing rules.
	Ranks      RankCommands
	PirepRules PirepRuleCommands
	// News posts, edits and deletes an airline's news.
	News NewsCommands
	// Awards defines an airline's awards and grants one by hand.
	Awards AwardCommands
	// Tours creates, edits and deletes an airline's tours.
	Tours TourCommands
	// AirlineEvents schedules an airline's events and signs pilots up.
	AirlineEvents AirlineEventCommands
	// Profiles records whether a pilot's public profile shows.
	Profiles ProfileCommands
	// TypeRatings runs the type rating commands; FlyingRules sets an
	// airline's rules of who may fly what.
	TypeRatings TypeRatingCommands
	FlyingRules FlyingRuleCommands
	// Fares and Expenses save an airline's fares and expenses (their
	// import files); the fleet page shows the fares and SimBrief's load
	// comes from them.
	Fares    FareCommands
	Expenses ExpenseCommands
	// Leave runs pilots' leave requests, staff's decisions and the
	// airline's leave rules.
	Leave LeaveCommands
	// Scores sets an airline's landing-score bands and reads them.
	Scores ScoreCommands
	// Notices dismisses a member's notices.
	Notices NoticeCommands
	// Bids runs the bid commands; BidRules sets an airline's bid
	// settings. The bid reactor and sweep end bids.
	Bids     BidCommands
	BidRules BidRuleCommands

	// MapTiles is the tile server the maps draw under their aircraft
	// (checked at start); the zero value draws only the built-in basemap.
	// The Content-Security-Policy lets pages load images from its origin.
	MapTiles views.MapTiles

	// Simbrief keeps and attaches SimBrief OFPs; SimbriefSettings sets an
	// airline's key and OFP lifetime; SimbriefClient is SimBrief itself
	// (nil: https://www.simbrief.com).
	Simbrief         SimbriefCommands
	SimbriefSettings SimbriefSettingCommands
	SimbriefClient   SimbriefFetcher
	// SimbriefLoadPick draws the load factor's variance for SimBrief's
	// passengers and cargo: a number in [0, n); nil is math/rand's.
	// Tests fix it.
	SimbriefLoadPick func(n int) int

	// Jumpseats moves a pilot to another airport without flying.
	Jumpseats JumpseatCommands
	// Webhooks are the airlines' webhooks; WebhookQueue their deliveries
	// (nil: no log).
	Webhooks     WebhookCommands
	WebhookQueue webhooks.Queue

	// Metrics counts every request by route pattern and status (nil:
	// none is counted).
	Metrics RequestMetrics
}

// JumpseatCommands runs the jumpseat command (domain.Jumpseats).
type JumpseatCommands interface {
	Move(ctx context.Context, meta domain.CommandMeta, airlineID, to string) (domain.AppendResult, error)
}

// PirepCommands runs the PIREP commands (domain.Pireps).
type PirepCommands interface {
	File(ctx context.Context, meta domain.CommandMeta, airlineID string, d domain.PirepDetails, submit bool) (string, domain.AppendResult, error)
	Edit(ctx context.Context, meta domain.CommandMeta, airlineID, pirepID string, d domain.PirepDetails) (domain.AppendResult, error)
	Submit(ctx context.Context, meta domain.CommandMeta, airlineID, pirepID string) (domain.AppendResult, error)
	Cancel(ctx context.Context, meta domain.CommandMeta, airlineID, pirepID string) (domain.AppendResult, error)
	Accept(ctx context.Context, meta domain.CommandMeta, airlineID, pirepID string) (domain.AppendResult, error)
	Reject(ctx context.Context, meta domain.CommandMeta, airlineID, pirepID, reason string) (domain.AppendResult, error)
	Comment(ctx context.Context, meta domain.CommandMeta, airlineID, pirepID, text string) (string, domain.AppendResult, error)
	// The ACARS flights phpVMS's API reports (domain/pirep_acars.go).
	Prefile(ctx context.Context, meta domain.CommandMeta, airlineID string, d domain.PirepDetails) (string, domain.AppendResult, error)
	Report(ctx context.Context, meta domain.CommandMeta, airlineID, pirepID string, r domain.FlightReport) (domain.AppendResult, error)
	AddPositions(ctx context.Context, meta domain.CommandMeta, airlineID, pirepID string, list []domain.AircraftPosition) (int, domain.AppendResult, error)
	FileFlight(ctx context.Context, meta domain.CommandMeta, airlineID, pirepID string, apply func(d *domain.PirepDetails)) (domain.AppendResult, error)
	AddLogs(ctx context.Context, meta domain.CommandMeta, airlineID, pirepID string, lines []domain.AcarsLog) (int, domain.AppendResult, error)
	SetRoute(ctx context.Context, meta domain.CommandMeta, airlineID, pirepID string, points []domain.RoutePoint) (domain.AppendResult, error)
	SetFields(ctx context.Context, meta domain.CommandMeta, airlineID, pirepID string, fields map[string]string) (domain.AppendResult, error)
}

// LoginThrottles limit password attempts per account and per client
// address.
type LoginThrottles struct {
	PerAccount, PerAddress throttle.Limiter
}

// The login limits: 5 failures per account and 30 per address in 15 minutes.
const (
	AccountAttempts = 5
	AddressAttempts = 30
	AttemptWindow   = 15 * time.Minute
)

// LocalThrottles count in this process.
func LocalThrottles() LoginThrottles {
	return LoginThrottles{
		PerAccount: throttle.NewLocal(AccountAttempts, AttemptWindow),
		PerAddress: throttle.NewLocal(AddressAttempts, AttemptWindow),
	}
}

// New returns the Echo instance with every route and middleware.
//
// The caller builds every adapter (cmd/albatross, or a test through the
// same wiring): New builds none, and a missing one is a wiring mistake it
// reports at once rather than at the first request.
func New(d Deps) *echo.Echo {
	if d.Throttles.PerAccount == nil || d.Throttles.PerAddress == nil {
		panic("handlers.New: Deps.Throttles is not set (LocalThrottles counts in this process)")
	}
	if d.Imports == nil {
		panic("handlers.New: Deps.Imports is not set")
	}
	if d.WaitBound == 0 {
		d.WaitBound = 2 * time.Second
	}
	e := echo.New()
	e.HideBanner, e.HidePort = true, true
	e.IPExtractor = clientAddress(d.TrustedProxies)
	e.HTTPErrorHandler = errorHandler(d.Log, d.Unavailable)
	if d.Imports.Settle == nil && d.Waiter != nil {
		d.Imports.Settle = func(ctx context.Context, pos domain.Position) error { return d.Waiter.WaitFor(ctx, pos) }
	}
	var counter *requestCounter
	if d.Metrics != nil {
		// Used before the routes' middleware, so it runs outside them all.
		counter = newRequestCounter(d.Metrics)
		e.Use(counter.middleware)
	}
	registerRoutes(e, d)
	if counter != nil {
		counter.learn(e.Routes())
	}
	return e
}

// clientAddress picks the client's address: the connection's peer, or
// behind a trusted proxy the address that proxy saw. X-Forwarded-For is
// believed only from the proxies configured, so a client cannot pick its own
// address to dodge the login throttle.
func clientAddress(trusted []*net.IPNet) echo.IPExtractor {
	if len(trusted) == 0 {
		return echo.ExtractIPDirect()
	}
	opts := []echo.TrustOption{echo.TrustLoopback(false), echo.TrustLinkLocal(false), echo.TrustPrivateNet(false)}
	for _, n := range trusted {
		opts = append(opts, echo.TrustIPRange(n))
	}
	return echo.ExtractIPFromXFFHeader(opts...)
}

// readYourWrites makes a handler wait, bounded, until the read models
// include a command's events, so the next page shows the user's change.
type readYourWrites struct {
	waiter ProjectionWaiter
	bound  time.Duration
	log    *slog.Logger
}

// finish ends a form post: it waits for the read models to show the
// change, keeps the confirmation for the next page and redirects there.
func (r readYourWrites) finish(c echo.Context, sm *scs.SessionManager, res domain.AppendResult, to, flash string) error {
	r.waitFor(c, res)
	sm.Put(c.Request().Context(), flashKey, flash)
	return c.Redirect(http.StatusSeeOther, to)
}

// waitFor waits until the read models show what a command appended: the
// projections that apply its events, and the reactions that follow them
// (a promotion after an acceptance). A command that appended nothing
// waits for nothing. On timeout the page renders anyway and the live
// update brings the change a moment later.
func (r readYourWrites) waitFor(c echo.Context, res domain.AppendResult) {
	if res.Position == domain.Start {
		return
	}
	ctx, cancel := context.WithTimeout(c.Request().Context(), r.bound)
	defer cancel()
	if err := r.waiter.WaitFor(ctx, res.Position, res.EventTypes...); err != nil {
		requestLogger(c, r.log).Warn("projection did not reach the new event in time", "position", res.Position.String(), "err", err)
	}
}
