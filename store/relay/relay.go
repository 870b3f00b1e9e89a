// Package relay publishes every event of the log, in global order, to a
// durable topic exchange on RabbitMQ, for programs outside Albatross. It
// follows the log like a reactor, from a checkpoint of its own that lives
// beside the log (so `albatross log export` and `log import` keep it), and
// moves that checkpoint only after RabbitMQ has confirmed every message
// before it: a crash sends the last messages again rather than losing
// them, and consumers drop repeats by the position header.
//
// A message's routing key is "{airline slug}.{event type}" ("platform."
// for the events of no airline), its body the event's protobuf payload as
// stored, and its headers name the type, position, stream, tenant,
// correlation id and time. The .proto files under domain/events/v1 are the
// published schema.
package relay

import (
	"context"
	"errors"
	"fmt"
	"log/slog"
	"math/rand/v2"
	"net"
	"os"
	"strconv"
	"strings"
	"time"

	amqp "github.com/rabbitmq/amqp091-go"
	"google.golang.org/protobuf/proto"
	"google.golang.org/protobuf/reflect/protoreflect"
	"google.golang.org/protobuf/reflect/protoregistry"

	"github.com/albatross-va/albatross/domain"
	eventsv1 "github.com/albatross-va/albatross/domain/events/v1"
	"github.com/albatross-va/albatross/internal/filelock"
	"github.com/albatross-va/albatross/store/projector"
)

// DefaultName is the relay's checkpoint (and lock) name among the
// reactors'. Never rename it: a new name starts again from the log's
// beginning.
const DefaultName = "relay.amqp"

// DefaultExchange is the exchange the relay publishes to by default.
const DefaultExchange = "albatross.events"

// PlatformPrefix starts the routing key of an event that belongs to no
// airline (the platform admin's users, for example).
const PlatformPrefix = "platform"

// ContentType is the content type of every message: the event's protobuf
// encoding, as domain/events/v1/*.proto describe it.
const ContentType = "application/x-protobuf"

// Config sets up a relay. Only URL is required.
type Config struct {
	URL      string // amqp://user:password@host:5672/vhost; never logged
	Exchange string // the durable topic exchange; DefaultExchange when empty
	// Name is the checkpoint's name; DefaultName when empty. Tests give
	// each relay its own.
	Name string
	// ConnectionName is the name RabbitMQ shows for the relay's connection
	// (rabbitmqctl list_connections client_properties); "albatross relay"
	// when empty.
	ConnectionName string
	// LockFile, when set, is a file the relay holds an exclusive lock on
	// while it runs, so that one relay is active among the processes that
	// share an embedded data folder; the others wait. PostgreSQL's relays
	// need none: each batch holds the checkpoint's advisory lock.
	LockFile       string
	BatchSize      int           // events per batch; 500 when 0
	PollInterval   time.Duration // how often the log is read without a wake-up; 1 s when 0
	ConfirmTimeout time.Duration // how long a batch waits for RabbitMQ's confirms; 30 s when 0
	MinBackoff     time.Duration // the first wait before reconnecting; 100 ms when 0
	MaxBackoff     time.Duration // the longest wait between reconnections; 30 s when 0
}

func (c Config) withDefaults() Config {
	if c.Exchange == "" {
		c.Exchange = DefaultExchange
	}
	if c.Name == "" {
		c.Name = DefaultName
	}
	if c.ConnectionName == "" {
		c.ConnectionName = "albatross relay"
	}
	if c.BatchSize <= 0 {
		c.BatchSize = 500
	}
	if c.PollInterval <= 0 {
		c.PollInterval = time.Second
	}
	if c.ConfirmTimeout <= 0 {
		c.ConfirmTimeout = 30 * time.Second
	}
	if c.MinBackoff <= 0 {
		c.MinBackoff = 100 * time.Millisecond
	}
	if c.MaxBackoff <= 0 {
		c.MaxBackoff = 30 * time.Second
	}
	return c
}

// CheckURL reports whether url is an AMQP URL the relay can dial. Its
// error never repeats the URL, which may hold a password.
func CheckURL(url string) error {
	if _, err := amqp.ParseURI(url); err != nil {
		return errors.New("not an AMQP URL such as amqp://guest:guest@localhost:5672/")
	}
	return nil
}

// Describe names the broker of url without its user name or password, for
// logs and messages.
func Describe(url string) string {
	u, err := amqp.ParseURI(url)
	if err != nil {
		return "(malformed AMQP URL)"
	}
	return u.Scheme + "://" + net.JoinHostPort(u.Host, strconv.Itoa(u.Port)) + "/" + u.Vhost
}

// Relay publishes the log to RabbitMQ. Run it once per process; one relay
// is active per deployment.
type Relay struct {
	events domain.EventStore
	cps    projector.ReactorCheckpoints
	log    *slog.Logger
	cfg    Config

	// slugs is each airline's slug as of cachedTo, the last event whose
	// routing key was computed. When a batch starts anywhere else (another
	// process relayed in between, or a batch failed part-way) it is
	// forgotten and read again from the airlines' streams.
	slugs    map[string]string
	cachedTo domain.Position
}

// New returns a relay of the log events, keeping its checkpoint in cps.
func New(events domain.EventStore, cps projector.ReactorCheckpoints, log *slog.Logger, cfg Config) *Relay {
	if log == nil {
		log = slog.New(slog.DiscardHandler)
	}
	return &Relay{events: events, cps: cps, log: log.With("component", "relay"), cfg: cfg.withDefaults(),
		slugs: map[string]string{}}
}

// Run publishes the log until ctx ends, reconnecting with backoff whenever
// RabbitMQ cannot be reached or closes the connection. It returns nil when
// ctx ends; an error only for a setting that cannot work.
func (r *Relay) Run(ctx context.Context) error {
	if err := CheckURL(r.cfg.URL); err != nil {
		return err
	}
	if r.cfg.LockFile != "" {
		unlock, err := lockFile(ctx, r.cfg.LockFile, r.log)
		if err != nil {
			if ctx.Err() != nil {
				return nil
			}
			return err
		}
		defer unlock()
	}
	backoff := r.cfg.MinBackoff
	for ctx.Err() == nil {
		conn, err := r.connect(ctx)
		if err == nil {
			var progressed bool
			progressed, err = r.follow(ctx, conn)
			_ = conn.close()
			if progressed {
				backoff = r.cfg.MinBackoff
			}
		}
		if ctx.Err() != nil {
			return nil
		}
		r.log.WarnContext(ctx, "relay: cannot publish (RabbitMQ or the event log failed); retrying", "broker", Describe(r.cfg.URL),
			"in", backoff.String(), "err", err)
		select {
		case <-ctx.Done():
			return nil
		case <-time.After(jitter(backoff)):
		}
		backoff = min(2*backoff, r.cfg.MaxBackoff)
	}
	return nil
}

// jitter spreads reconnections of several relays over ±20 %.
func jitter(d time.Duration) time.Duration {
	return d + time.Duration((rand.Float64()*0.4-0.2)*float64(d))
}

// connection is one AMQP connection with a channel in confirm mode.
type connection struct {
	conn   *amqp.Connection
	ch     *amqp.Channel
	closed chan *amqp.Error
}

func (c *connection) close() error {
	return c.conn.Close()
}

// connect dials RabbitMQ, declares the exchange and puts a channel in
// confirm mode.
func (r *Relay) connect(ctx context.Context) (*connection, error) {
	props := amqp.NewConnectionProperties()
	props.SetClientConnectionName(r.cfg.ConnectionName)
	conn, err := amqp.DialConfig(r.cfg.URL, amqp.Config{
		Properties: props,
		Heartbeat:  10 * time.Second,
		Dial:       dialer(ctx, 5*time.Second),
	})
	if err != nil {
		return nil, fmt.Errorf("connect: %w", err)
	}
	ch, err := conn.Channel()
	if err != nil {
		_ = conn.Close()
		return nil, fmt.Errorf("open a channel: %w", err)
	}
	if err := ch.ExchangeDeclare(r.cfg.Exchange, amqp.ExchangeTopic, true, false, false, false, nil); err != nil {
		_ = conn.Close()
		return nil, fmt.Errorf("declare the topic exchange %q: %w", r.cfg.Exchange, err)
	}
	if err := ch.Confirm(false); err != nil {
		_ = conn.Close()
		return nil, fmt.Errorf("put the channel in confirm mode: %w", err)
	}
	c := &connection{conn: conn, ch: ch, closed: make(chan *amqp.Error, 1)}
	ch.NotifyClose(c.closed)
	at, err := r.cps.Get(ctx, r.cfg.Name)
	if err != nil {
		_ = conn.Close()
		return nil, err
	}
	r.log.InfoContext(ctx, "relay: publishing the event log", "broker", Describe(r.cfg.URL),
		"exchange", r.cfg.Exchange, "after", at.At.String())
	return c, nil
}

// dialer connects to RabbitMQ within timeout, and gives up when ctx ends,
// so that a shutdown never waits for an unreachable broker. The deadline
// covers the AMQP handshake too; the library clears it afterwards.
func dialer(ctx context.Context, timeout time.Duration) func(network, addr string) (net.Conn, error) {
	return func(network, addr string) (net.Conn, error) {
		d := net.Dialer{Timeout: timeout}
		conn, err := d.DialContext(ctx, network, addr)
		if err != nil {
			return nil, err
		}
		if err := conn.SetDeadline(time.Now().Add(timeout)); err != nil {
			_ = conn.Close()
			return nil, err
		}
		return conn, nil
	}
}

// follow publishes batches until the connection fails or ctx ends. It
// reports whether any batch moved the checkpoint.
func (r *Relay) follow(ctx context.Context, c *connection) (progressed bool, err error) {
	fctx, cancel := context.WithCancel(ctx)
	defer cancel()
	wake := r.events.Subscribe(fctx)
	poll := time.NewTicker(r.cfg.PollInterval)
	defer poll.Stop()
	var behindSince, lastReport time.Time
	for {
		n, full, err := r.batch(ctx, c)
		if n > 0 {
			progressed = true
		}
		if err != nil {
			return progressed, err
		}
		if full {
			// More is waiting in the log: say how far behind, now and then.
			if behindSince.IsZero() {
				behindSince = time.Now()
			}
			if time.Since(lastReport) >= lagReportEvery {
				lastReport = time.Now()
				r.reportLag(ctx)
			}
			continue
		}
		if !behindSince.IsZero() {
			r.log.InfoContext(ctx, "relay: caught up with the log", "took", time.Since(behindSince).Round(time.Millisecond).String())
			behindSince, lastReport = time.Time{}, time.Time{}
		}
		select {
		case <-ctx.Done():
			return progressed, nil
		case e := <-c.closed:
			if e == nil {
				return progressed, errors.New("the channel was closed")
			}
			return progressed, e
		case <-wake:
		case <-poll.C:
		}
	}
}

// shutdownGrace is how long a stopping relay still waits for the confirms
// of a batch it has published.
const shutdownGrace = 2 * time.Second

// lagReportEvery is how often a relay that is behind logs its lag.
const lagReportEvery = 10 * time.Second

// reportLag logs the relay's checkpoint and the log's head.
func (r *Relay) reportLag(ctx context.Context) {
	cp, err := r.cps.Get(ctx, r.cfg.Name)
	if err != nil {
		return
	}
	head, err := r.events.Head(ctx)
	if err != nil {
		return
	}
	r.log.InfoContext(ctx, "relay: behind the log", "at", cp.At.String(), "head", head.String(),
		"events_behind", max(0, head.Seq-cp.At.Seq))
}

// batch publishes the events after the checkpoint, up to a batch, and
// moves the checkpoint past those RabbitMQ confirmed, in order. It returns
// how many it confirmed and whether the batch was full.
func (r *Relay) batch(ctx context.Context, c *connection) (int, bool, error) {
	confirmed, full := 0, false
	ran, err := r.cps.Hold(ctx, r.cfg.Name, func(from projector.ReactorCheckpoint) (projector.ReactorCheckpoint, error) {
		evs, err := r.events.ReadAll(ctx, from.At, r.cfg.BatchSize)
		if err != nil {
			return from, fmt.Errorf("read the log after %s: %w", from.At, err)
		}
		if len(evs) == 0 {
			return from, nil
		}
		full = len(evs) == r.cfg.BatchSize
		if from.At != r.cachedTo {
			clear(r.slugs)
		}
		pending := make([]*amqp.DeferredConfirmation, 0, len(evs))
		var pubErr error
		for _, ev := range evs {
			key, err := r.routingKey(ctx, ev)
			if err != nil {
				pubErr = err
				break
			}
			dc, err := c.ch.PublishWithDeferredConfirmWithContext(ctx, r.cfg.Exchange, key, false, false, Message(ev))
			if err != nil {
				pubErr = fmt.Errorf("publish %s: %w", ev.Position, err)
				break
			}
			pending = append(pending, dc)
		}
		cp := from
		// Confirms normally come within milliseconds. A shutdown waits for
		// them a little (what is confirmed is not sent again), then goes:
		// the rest is sent again by the next relay.
		wctx, cancel := context.WithTimeout(context.WithoutCancel(ctx), r.cfg.ConfirmTimeout)
		defer cancel()
		stopWaiting := context.AfterFunc(ctx, func() {
			time.AfterFunc(shutdownGrace, cancel)
		})
		defer stopWaiting()
		for i, dc := range pending {
			acked, err := dc.WaitContext(wctx)
			if err != nil || !acked {
				if err == nil {
					err = errors.New("RabbitMQ did not confirm it (the channel closed or the broker refused it)")
				}
				return cp, errors.Join(pubErr, fmt.Errorf("confirm %s: %w", evs[i].Position, err))
			}
			cp.At = evs[i].Position
			confirmed++
		}
		if pubErr == nil && confirmed == len(evs) {
			r.log.DebugContext(ctx, "relay: batch confirmed", "events", confirmed, "at", cp.At.String())
		}
		return cp, pubErr
	})
	if err != nil {
		return confirmed, false, err
	}
	if !ran {
		return 0, false, nil // another process relays now
	}
	return confirmed, full, nil
}

// Message is the AMQP message of one event: its payload as the body and
// its record in the properties and headers.
func Message(ev domain.RecordedEvent) amqp.Publishing {
	at := ev.Meta.RecordedAt.UTC()
	body, redacted := Body(ev)
	headers := amqp.Table{
		"type":            ev.Type,
		"schema_version":  ev.SchemaVersion,
		"position":        ev.Position.String(),
		"position_commit": ev.Position.Commit,
		"position_seq":    ev.Position.Seq,
		"stream":          ev.StreamID,
		"stream_version":  ev.Version,
		"tenant":          ev.TenantID,
		"correlation_id":  ev.Meta.CorrelationID,
		"causation_id":    ev.Meta.CausationID,
		"time":            at.Format(time.RFC3339Nano),
	}
	if len(redacted) > 0 {
		headers["redacted"] = strings.Join(redacted, ",")
	}
	return amqp.Publishing{
		ContentType:   ContentType,
		DeliveryMode:  amqp.Persistent,
		MessageId:     ev.Position.String(),
		CorrelationId: ev.Meta.CorrelationID,
		Timestamp:     at,
		Type:          ev.Type,
		AppId:         "albatross",
		Headers:       headers,
		Body:          body,
	}
}

// secretFields are the fields of events that hold a secret or what stands
// for one (a password's hash, an API key's hash, SimBrief's API key).
// Programs outside get these events with the fields empty, and the
// "redacted" header names them.
var secretFields = map[string][]protoreflect.Name{
	"albatross.events.v1.UserCreated":             {"password_hash"},
	"albatross.events.v1.PilotRegistered":         {"password_hash"},
	"albatross.events.v1.PasswordChanged":         {"password_hash"},
	"albatross.events.v1.ApiKeyCreated":           {"hash"},
	"albatross.events.v1.SimbriefSettingsChanged": {"api_key"},
}

// Body returns the payload that goes out for ev, and the names of the
// secret fields it leaves out: the payload as stored, unless its type has
// secret fields, which are cleared (or, should it not decode, the whole
// payload is left out).
func Body(ev domain.RecordedEvent) ([]byte, []string) {
	fields, ok := secretFields[ev.Type]
	if !ok {
		return ev.Data, nil
	}
	names := make([]string, len(fields))
	for i, f := range fields {
		names[i] = string(f)
	}
	mt, err := protoregistry.GlobalTypes.FindMessageByName(protoreflect.FullName(ev.Type))
	if err != nil {
		return nil, names
	}
	msg := mt.New().Interface()
	if err := proto.Unmarshal(ev.Data, msg); err != nil {
		return nil, names
	}
	m := msg.ProtoReflect()
	for _, f := range fields {
		if fd := m.Descriptor().Fields().ByName(f); fd != nil {
			m.Clear(fd)
		}
	}
	out, err := proto.MarshalOptions{Deterministic: true}.Marshal(msg)
	if err != nil {
		return nil, names
	}
	return out, names
}

// routingKey is "{airline slug}.{event type}", with the slug the airline
// had before ev: the event that changes a slug still goes out under the
// old one, so that its subscribers learn of the change, and the events
// after it under the new one.
func (r *Relay) routingKey(ctx context.Context, ev domain.RecordedEvent) (string, error) {
	r.cachedTo = ev.Position
	if ev.TenantID == "" {
		return PlatformPrefix + "." + ev.Type, nil
	}
	slug, ok := r.slugs[ev.TenantID]
	if !ok {
		var err error
		if slug, err = r.slugBefore(ctx, ev); err != nil {
			r.cachedTo = domain.Position{Commit: -1} // forget the cache
			return "", err
		}
	}
	if changed := slugOf(ev); changed != "" {
		if slug == "" {
			slug = changed // the airline's first event
		}
		r.slugs[ev.TenantID] = changed
	} else {
		r.slugs[ev.TenantID] = slug
	}
	if slug == "" {
		// A tenant without an airline stream: its id keeps its events apart.
		slug = ev.TenantID
	}
	return slug + "." + ev.Type, nil
}

// slugBefore reads ev's airline's slug from the airline's stream, as it
// was before ev.
func (r *Relay) slugBefore(ctx context.Context, ev domain.RecordedEvent) (string, error) {
	evs, err := r.events.ReadStream(ctx, domain.AirlineStream(ev.TenantID), 0)
	if err != nil {
		return "", fmt.Errorf("read the airline %s's stream: %w", ev.TenantID, err)
	}
	slug := ""
	for _, e := range evs {
		if !ev.Position.After(e.Position) {
			break
		}
		if s := slugOf(e); s != "" {
			slug = s
		}
	}
	return slug, nil
}

// slugOf returns the slug an airline event sets, or "".
func slugOf(ev domain.RecordedEvent) string {
	var msg interface {
		proto.Message
		GetSlug() string
	}
	switch ev.Type {
	case "albatross.events.v1.AirlineCreated":
		msg = &eventsv1.AirlineCreated{}
	case "albatross.events.v1.AirlineProfileChanged":
		msg = &eventsv1.AirlineProfileChanged{}
	default:
		return ""
	}
	if proto.Unmarshal(ev.Data, msg) != nil {
		return ""
	}
	return msg.GetSlug()
}

// lockFile takes an exclusive lock on path, waiting while another process
// holds it, and returns the function that lets it go.
func lockFile(ctx context.Context, path string, log *slog.Logger) (func(), error) {
	f, err := os.OpenFile(path, os.O_RDWR|os.O_CREATE, 0o600)
	if err != nil {
		return nil, fmt.Errorf("relay: open the lock file: %w", err)
	}
	waiting := false
	for {
		locked, err := filelock.TryLock(f)
		if err != nil {
			_ = f.Close()
			return nil, fmt.Errorf("relay: lock %s: %w", path, err)
		}
		if locked {
			return func() {
				filelock.Unlock(f)
				_ = f.Close()
			}, nil
		}
		if !waiting {
			waiting = true
			log.InfoContext(ctx, "relay: another process relays this data folder; standing by", "lock", path)
		}
		select {
		case <-ctx.Done():
			_ = f.Close()
			return nil, ctx.Err()
		case <-time.After(time.Second):
		}
	}
}
