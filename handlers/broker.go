package handlers

import (
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"log/slog"
	"net/http"
	"sync"
	"time"

	"github.com/labstack/echo/v4"

	"github.com/albatross-va/albatross/domain"
	"github.com/albatross-va/albatross/store/notify"
)

// Broker turns change notices into server-sent events for the open pages.
// Each browser gets a buffered channel; a client that falls behind is cut
// off instead of slowing the others, and its browser reconnects with
// Last-Event-ID and is replayed what it missed from a short history.
type Broker struct {
	log       *slog.Logger
	heartbeat time.Duration

	mu      sync.Mutex
	clients map[*sseClient]struct{}
	history []sseEvent // the most recent events, oldest first
	closed  bool
}

// sseEvent is one notice as sent: its id is the log position, which is
// global, so a browser can resume on any process behind a load balancer.
type sseEvent struct {
	pos    domain.Position
	tenant string
	user   string // the one person the event is for; "" for everyone of tenant
	topic  string
	data   []byte
}

type sseClient struct {
	tenant string // the tenant whose notices the client may see; "" for the platform
	user   string // the signed-in person; "" for a visitor
	every  bool   // a platform admin: every tenant's notices
	events chan sseEvent
}

const (
	historySize      = 512
	clientBuffer     = 64
	defaultHeartbeat = 15 * time.Second
)

// NewBroker returns a broker; Run feeds it.
func NewBroker(log *slog.Logger, heartbeat time.Duration) *Broker {
	if heartbeat <= 0 {
		heartbeat = defaultHeartbeat
	}
	return &Broker{log: log, heartbeat: heartbeat, clients: map[*sseClient]struct{}{}}
}

// Run forwards notices from the notifier to the clients until ctx ends.
func (b *Broker) Run(ctx context.Context, n notify.Notifier) error {
	notices, err := n.Subscribe(ctx)
	if err != nil {
		return err
	}
	for notice := range notices {
		b.publish(notice)
	}
	return nil
}

// publish hands a notice to the clients allowed to see it. A notice with
// a log position is also kept in the history for resuming streams; one
// without, such as an import job's progress, is a passing update: it is
// kept nowhere, and a reconnecting page re-fetches instead.
func (b *Broker) publish(n notify.Notice) {
	var pos domain.Position
	if n.Position != "" {
		p, err := domain.ParsePosition(n.Position)
		if err != nil {
			b.log.Warn("notice with a malformed position", "topic", n.Topic, "position", n.Position)
			return
		}
		pos = p
	}
	data, _ := json.Marshal(n) // a Notice always marshals
	ev := sseEvent{pos: pos, tenant: n.TenantID, user: n.UserID, topic: n.Topic, data: data}
	b.mu.Lock()
	defer b.mu.Unlock()
	if n.Position != "" {
		b.history = append(b.history, ev)
		if len(b.history) > historySize {
			b.history = b.history[len(b.history)-historySize:]
		}
	}
	b.fanOut(ev)
}

// fanOut hands ev to every client allowed to see it, never waiting: a
// client too slow to take it is dropped, and its browser reconnects and
// resumes. The caller holds mu.
func (b *Broker) fanOut(ev sseEvent) {
	for c := range b.clients {
		if !c.allowed(ev) {
			continue
		}
		select {
		case c.events <- ev:
		default:
			delete(b.clients, c)
			close(c.events)
		}
	}
}

// allowed keeps one tenant's notices from another tenant's pages, and a
// person's own notices from everybody else's, the platform admin's too: an
// airline's open pages are not all woken for one member's notice. A
// platform-wide notice (the airline list, the platform admin's own record)
// names other airlines and the platform admin: only the platform admin
// sees it.
func (c *sseClient) allowed(ev sseEvent) bool {
	if ev.user != "" && ev.user != c.user {
		return false
	}
	return ev.tenant == c.tenant || c.every
}

// subscribe registers a client and returns the events it missed after
// lastID; resync is true when the history no longer reaches back that far.
func (b *Broker) subscribe(tenant, user string, every bool, lastID *domain.Position) (c *sseClient, missed []sseEvent, resync bool) {
	c = &sseClient{tenant: tenant, user: user, every: every, events: make(chan sseEvent, clientBuffer)}
	b.mu.Lock()
	defer b.mu.Unlock()
	if b.closed {
		close(c.events)
		return c, nil, false
	}
	b.clients[c] = struct{}{}
	if lastID == nil {
		return c, nil, false
	}
	// Without an event at or before lastID in the history (it rolled over,
	// or this process started after the browser's last event) the client
	// cannot know what it missed, so it is told to re-fetch everything.
	resync = len(b.history) == 0 || b.history[0].pos.After(*lastID)
	for _, ev := range b.history {
		if ev.pos.After(*lastID) && c.allowed(ev) {
			missed = append(missed, ev)
		}
	}
	return c, missed, resync
}

func (b *Broker) unsubscribe(c *sseClient) {
	b.mu.Lock()
	defer b.mu.Unlock()
	if _, ok := b.clients[c]; ok {
		delete(b.clients, c)
		close(c.events)
	}
}

// Close ends every stream, for a graceful shutdown; later subscribers get
// a closed stream at once.
func (b *Broker) Close() {
	b.mu.Lock()
	defer b.mu.Unlock()
	b.closed = true
	for c := range b.clients {
		delete(b.clients, c)
		close(c.events)
	}
}

// Clients returns how many streams are open.
func (b *Broker) Clients() int {
	b.mu.Lock()
	defer b.mu.Unlock()
	return len(b.clients)
}

// streamCheck says whether the person of a stream may still see it: their
// session still holds them, with the same password, and neither they nor
// their airline are suspended. An error ends the stream too.
type streamCheck func(c echo.Context) (bool, error)

// streamRecheck is how often an open stream asks its streamCheck, so a
// member suspended or logged out stops receiving notices within a second.
const streamRecheck = time.Second

// streamEvents is the one SSE endpoint of a browser session; still, unless
// nil, is asked every streamRecheck and ends the stream when it says no.
func (b *Broker) streamEvents(still streamCheck) echo.HandlerFunc {
	return func(c echo.Context) error { return b.stream(c, still) }
}

func (b *Broker) stream(c echo.Context, still streamCheck) error {
	w, r := c.Response(), c.Request()
	var lastID *domain.Position
	if s := r.Header.Get("Last-Event-ID"); s != "" {
		if p, err := domain.ParsePosition(s); err == nil {
			lastID = &p
		}
	}
	// A person sees their airline's notices and their own; the platform
	// admin, who may open any airline's pages, sees every airline's.
	u, signedIn := currentUser(c)
	var user string
	if signedIn {
		user = u.ID
	}
	client, missed, resync := b.subscribe(u.TenantID, user, u.Role == domain.RolePlatformAdmin, lastID)
	defer b.unsubscribe(client)

	rc := http.NewResponseController(w)
	// SSE streams outlive the server's read and write timeouts: an expired
	// read deadline would cancel the request's context, a write deadline
	// would cut the stream.
	if err := errors.Join(rc.SetReadDeadline(time.Time{}), rc.SetWriteDeadline(time.Time{})); err != nil {
		b.log.Warn("cannot lift the deadlines of a live stream", "err", err)
	}
	h := w.Header()
	h.Set("Content-Type", "text/event-stream")
	h.Set("Cache-Control", "no-store")
	h.Set("X-Accel-Buffering", "no")
	w.WriteHeader(http.StatusOK)
	// Tell the browser how soon to reconnect, and open the stream at once.
	if _, err := fmt.Fprint(w, "retry: 1000\n: connected\n\n"); err != nil {
		return nil
	}
	if resync {
		if _, err := fmt.Fprint(w, "event: resync\ndata: {}\n\n"); err != nil {
			return nil
		}
	}
	for _, ev := range missed {
		if err := writeEvent(w, ev); err != nil {
			return nil
		}
	}
	if err := rc.Flush(); err != nil {
		return nil
	}
	ticker := time.NewTicker(b.heartbeat)
	defer ticker.Stop()
	var recheck <-chan time.Time
	if still != nil {
		t := time.NewTicker(streamRecheck)
		defer t.Stop()
		recheck = t.C
	}
	for {
		select {
		case <-recheck:
			ok, err := still(c)
			if err != nil {
				b.log.Warn("recheck a live stream's session", "err", err)
			}
			if !ok || err != nil {
				return nil
			}
			continue
		case <-r.Context().Done():
			return nil
		case ev, ok := <-client.events:
			if !ok {
				return nil
			}
			if err := writeEvent(w, ev); err != nil {
				return nil
			}
		case <-ticker.C:
			if _, err := fmt.Fprint(w, ": heartbeat\n\n"); err != nil {
				return nil
			}
		}
		if err := rc.Flush(); err != nil {
			return nil
		}
	}
}

func writeEvent(w http.ResponseWriter, ev sseEvent) error {
	if ev.pos == (domain.Position{}) { // a passing update: no id to resume from
		_, err := fmt.Fprintf(w, "event: %s\ndata: %s\n\n", ev.topic, ev.data)
		return err
	}
	_, err := fmt.Fprintf(w, "id: %s\nevent: %s\ndata: %s\n\n", ev.pos, ev.topic, ev.data)
	return err
}
