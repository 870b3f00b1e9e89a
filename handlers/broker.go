package handlers

import (
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"log/slog"
	"net/http"
	"slices"
	"sync"
	"sync/atomic"
	"time"

	"github.com/alexedwards/scs/v2"
	"github.com/labstack/echo/v4"

	"github.com/albatross-va/albatross/domain"
	"github.com/albatross-va/albatross/domain/live"
	"github.com/albatross-va/albatross/store/notify"
)

// Broker turns change notices into server-sent events for the open pages.
// Each browser gets a buffered channel; a client that falls behind is cut
// off instead of slowing the others, and its browser reconnects with
// Last-Event-ID and is replayed what it missed from a short history.
//
// Clients are indexed by tenant, person and role, so a notice visits only
// the streams that may see it; the recipients are picked under the lock
// and handed the event after it is released, so one accept with a
// thousand open pages does not hold up subscribers and other notices.
type Broker struct {
	log       *slog.Logger
	heartbeat time.Duration

	mu      sync.Mutex
	tenants map[string]*tenantClients // by tenant id ("" for the platform)
	every   map[*sseClient]struct{}   // platform admins: every tenant's notices
	count   int
	history []sseEvent // the most recent events, oldest first
	closed  bool

	// sent and dropped count the notices handed to streams and those a
	// stream had no room for, for /metrics.
	sent, dropped atomic.Uint64
}

// tenantClients are one tenant's open streams, by who may see what.
type tenantClients struct {
	all    map[*sseClient]struct{}
	staff  map[*sseClient]struct{}
	byUser map[string]map[*sseClient]struct{}
}

// sseEvent is one notice as sent: its id is the log position, which is
// global, so a browser can resume on any process behind a load balancer.
type sseEvent struct {
	pos    domain.Position
	tenant string
	user   string // the one person the event is for; "" for everyone of tenant
	staff  bool   // for staff (and user, if set) only
	topic  live.Topic
	data   []byte
	ids    []string // the notice's ids, for merging live-flights events
}

// sseViewer is who a stream shows notices to.
type sseViewer struct {
	tenant string // the tenant whose notices the client may see; "" for the platform
	user   string // the signed-in person; "" for a visitor
	staff  bool   // the tenant's staff: the review side's notices too
	every  bool   // a platform admin: every tenant's notices, staff's included
	// topics, when set, are the only topics the stream carries: a public
	// page's stream hears of what it shows and nothing else of the airline.
	topics map[live.Topic]bool
}

type sseClient struct {
	sseViewer
	events chan sseEvent

	sendMu sync.Mutex // orders a send after the broker's lock against closing events
	done   bool       // events is closed
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
	return &Broker{log: log, heartbeat: heartbeat, tenants: map[string]*tenantClients{}, every: map[*sseClient]struct{}{}}
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
	ev := sseEvent{pos: pos, tenant: n.TenantID, user: n.UserID, staff: n.Staff, topic: n.Topic, data: data, ids: n.IDs}
	b.mu.Lock()
	if n.Position != "" {
		b.history = append(b.history, ev)
		if len(b.history) > historySize {
			b.history = b.history[len(b.history)-historySize:]
		}
	}
	recipients := b.recipients(ev)
	b.mu.Unlock()
	b.fanOut(ev, recipients)
}

// recipients are the streams that may see ev, looked up by tenant, person
// and role rather than by asking every stream. The caller holds mu.
func (b *Broker) recipients(ev sseEvent) []*sseClient {
	var out []*sseClient
	add := func(set map[*sseClient]struct{}) {
		for c := range set {
			if c.allowed(ev) {
				out = append(out, c)
			}
		}
	}
	if tc := b.tenants[ev.tenant]; tc != nil {
		switch {
		case ev.user == "" && !ev.staff:
			add(tc.all)
		case ev.staff:
			add(tc.staff)
			if ev.user != "" {
				for c := range tc.byUser[ev.user] {
					if !c.staff && c.allowed(ev) {
						out = append(out, c)
					}
				}
			}
		default:
			add(tc.byUser[ev.user])
		}
	}
	for c := range b.every {
		if c.tenant != ev.tenant && c.allowed(ev) { // those of ev's tenant were added above
			out = append(out, c)
		}
	}
	return out
}

// fanOut hands ev to its recipients, never waiting: a client too slow to
// take it is dropped, and its browser reconnects and resumes. It runs
// without mu, so a slow fan-out never blocks subscribing or publishing.
func (b *Broker) fanOut(ev sseEvent, recipients []*sseClient) {
	var slow []*sseClient
	var sent, dropped uint64
	for _, c := range recipients {
		queued, keep := c.offer(ev)
		if queued {
			sent++
		} else {
			dropped++
		}
		if !keep {
			slow = append(slow, c)
		}
	}
	b.sent.Add(sent)
	b.dropped.Add(dropped)
	if len(slow) == 0 {
		return
	}
	b.mu.Lock()
	defer b.mu.Unlock()
	for _, c := range slow {
		b.remove(c)
	}
}

// offer sends ev if the client has room (queued); keep false means it is
// too slow. A client already closed takes nothing and is not reported
// (neither queued nor dropped: keep, and queued true). A live-flights
// notice that finds no room is dropped instead: the live map re-reads all
// its flights on any of them, the next report of any flight brings it up
// to date, and a busy sky (hundreds of ACARS clients, a projector batch
// of their positions at once) must not cut every map's stream.
func (c *sseClient) offer(ev sseEvent) (queued, keep bool) {
	c.sendMu.Lock()
	defer c.sendMu.Unlock()
	if c.done {
		return true, true
	}
	select {
	case c.events <- ev:
		return true, true
	default:
		return false, ev.topic == live.TopicLiveFlights
	}
}

// finish closes the client's channel once.
func (c *sseClient) finish() {
	c.sendMu.Lock()
	defer c.sendMu.Unlock()
	if !c.done {
		c.done = true
		close(c.events)
	}
}

// allowed keeps one tenant's notices from another tenant's pages, a
// person's own notices from everybody else's, and the review side's from
// pilots: an airline's open pages are not all woken for one member's
// notice. A platform-wide notice (the airline list, the platform admin's
// own record) names other airlines and the platform admin: only the
// platform admin sees it. The platform admin, who may open any airline's
// staff pages, counts as staff; a person's own notice is theirs alone.
func (c *sseClient) allowed(ev sseEvent) bool {
	if ev.tenant != c.tenant && !c.every || c.topics != nil && !c.topics[ev.topic] {
		return false
	}
	mine := ev.user != "" && ev.user == c.user
	switch {
	case ev.staff:
		return mine || c.staff || c.every
	case ev.user != "":
		return mine
	}
	return true
}

// add indexes a client. The caller holds mu.
func (b *Broker) add(c *sseClient) {
	b.count++
	if c.every {
		b.every[c] = struct{}{}
	}
	tc := b.tenants[c.tenant]
	if tc == nil {
		tc = &tenantClients{all: map[*sseClient]struct{}{}, staff: map[*sseClient]struct{}{}, byUser: map[string]map[*sseClient]struct{}{}}
		b.tenants[c.tenant] = tc
	}
	tc.all[c] = struct{}{}
	if c.staff || c.every {
		tc.staff[c] = struct{}{}
	}
	if c.user != "" {
		if tc.byUser[c.user] == nil {
			tc.byUser[c.user] = map[*sseClient]struct{}{}
		}
		tc.byUser[c.user][c] = struct{}{}
	}
}

// remove unindexes and closes a client, once. The caller holds mu.
func (b *Broker) remove(c *sseClient) {
	tc := b.tenants[c.tenant]
	if tc == nil {
		return
	}
	if _, ok := tc.all[c]; !ok {
		return
	}
	b.count--
	delete(b.every, c)
	delete(tc.all, c)
	delete(tc.staff, c)
	if c.user != "" {
		delete(tc.byUser[c.user], c)
		if len(tc.byUser[c.user]) == 0 {
			delete(tc.byUser, c.user)
		}
	}
	if len(tc.all) == 0 {
		delete(b.tenants, c.tenant)
	}
	c.finish()
}

// subscribe registers a client and returns the events it missed after
// lastID; resync is true when the history no longer reaches back that far.
func (b *Broker) subscribe(v sseViewer, lastID *domain.Position) (c *sseClient, missed []sseEvent, resync bool) {
	c = &sseClient{sseViewer: v, events: make(chan sseEvent, clientBuffer)}
	b.mu.Lock()
	defer b.mu.Unlock()
	if b.closed {
		c.finish()
		return c, nil, false
	}
	b.add(c)
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
	b.remove(c)
}

// Close ends every stream, for a graceful shutdown; later subscribers get
// a closed stream at once.
func (b *Broker) Close() {
	b.mu.Lock()
	defer b.mu.Unlock()
	b.closed = true
	for _, tc := range b.tenants {
		for c := range tc.all {
			b.remove(c)
		}
	}
}

// viewerOf is who a stream opened by a person of role shows notices to:
// staff are those who may review their airline's PIREPs, as the access
// matrix says.
func viewerOf(tenant, user, role string) sseViewer {
	return sseViewer{tenant: tenant, user: user,
		staff: domain.ScopeOf(role, domain.ReviewPireps) != domain.No,
		every: role == domain.RolePlatformAdmin}
}

// NoticesSent returns how many notices were queued to open streams.
func (b *Broker) NoticesSent() uint64 { return b.sent.Load() }

// NoticesDropped returns how many notices found no room in a stream: the
// stream was closed as too slow, or a live-map notice was skipped.
func (b *Broker) NoticesDropped() uint64 { return b.dropped.Load() }

// Clients returns how many streams are open.
func (b *Broker) Clients() int {
	b.mu.Lock()
	defer b.mu.Unlock()
	return b.count
}

// streamEvents is the one SSE endpoint of a browser session; unless guard
// is nil, it ends a stream when its person may no longer see it.
func (b *Broker) streamEvents(sm *scs.SessionManager, guard *streamGuard) echo.HandlerFunc {
	return func(c echo.Context) error {
		// A person sees their airline's notices and their own; the platform
		// admin, who may open any airline's pages, sees every airline's.
		u, signedIn := currentUser(c)
		var user string
		if signedIn {
			user = u.ID
		}
		watch := func() (<-chan struct{}, func(), bool) {
			if guard == nil {
				return nil, func() {}, true
			}
			s, ok := sessionOf(sm, c)
			if !ok {
				return nil, nil, false
			}
			ended, stop := guard.watch(s)
			return ended, stop, true
		}
		return b.stream(c, viewerOf(u.TenantID, user, u.Role), watch)
	}
}

// stream sends v's notices until the request ends, or until the channel
// watch returns is closed (nil: never); watch runs once the stream is
// open, and ok false from it ends the stream at once.
func (b *Broker) stream(c echo.Context, v sseViewer, watch func() (ended <-chan struct{}, stop func(), ok bool)) error {
	w, r := c.Response(), c.Request()
	var lastID *domain.Position
	if s := r.Header.Get("Last-Event-ID"); s != "" {
		if p, err := domain.ParsePosition(s); err == nil {
			lastID = &p
		}
	}
	client, missed, resync := b.subscribe(v, lastID)
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
	ended, stop, ok := watch()
	if !ok {
		return nil
	}
	defer stop()
	for {
		select {
		case <-ended:
			return nil
		case <-r.Context().Done():
			return nil
		case ev, ok := <-client.events:
			if !ok {
				return nil
			}
			// What else is queued goes out with it, in one flush, and the
			// live map's notices in one event: 500 ACARS clients make 500
			// a second, each a write and a flush to every open map.
			batch, open := drain(ev, client.events)
			for _, ev := range mergeLiveFlights(batch) {
				if err := writeEvent(w, ev); err != nil {
					return nil
				}
			}
			if !open {
				_ = rc.Flush()
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

// maxStreamBatch bounds the events a stream writes between two flushes.
const maxStreamBatch = 256

// drain returns first and the events already queued after it, and whether
// the queue is still open.
func drain(first sseEvent, queue <-chan sseEvent) ([]sseEvent, bool) {
	batch := []sseEvent{first}
	for len(batch) < maxStreamBatch {
		select {
		case ev, ok := <-queue:
			if !ok {
				return batch, false
			}
			batch = append(batch, ev)
		default:
			return batch, true
		}
	}
	return batch, true
}

// mergeLiveFlights merges each run of live-flights events into one that
// names every flight of the run, in log order, once per change, with the
// last one's position to resume from: the live map re-reads its flights
// once for the run rather than once per position.
func mergeLiveFlights(batch []sseEvent) []sseEvent {
	out := make([]sseEvent, 0, len(batch))
	merged := map[int]bool{}
	for _, ev := range batch {
		if n := len(out); n > 0 && ev.topic == live.TopicLiveFlights && out[n-1].topic == live.TopicLiveFlights &&
			ev.pos != (domain.Position{}) && out[n-1].pos != (domain.Position{}) &&
			out[n-1].tenant == ev.tenant && out[n-1].user == ev.user && out[n-1].staff == ev.staff {
			last := &out[n-1]
			// A new slice: the events' own are shared by every stream.
			last.ids, last.pos = slices.Concat(last.ids, ev.ids), ev.pos
			merged[n-1] = true
			continue
		}
		out = append(out, ev)
	}
	for i := range merged {
		ev := &out[i]
		ev.data, _ = json.Marshal(notify.Notice{TenantID: ev.tenant, UserID: ev.user, Staff: ev.staff, Topic: ev.topic,
			IDs: ev.ids, Position: ev.pos.String()})
	}
	return out
}

func writeEvent(w http.ResponseWriter, ev sseEvent) error {
	if ev.pos == (domain.Position{}) { // a passing update: no id to resume from
		_, err := fmt.Fprintf(w, "event: %s\ndata: %s\n\n", string(ev.topic), ev.data)
		return err
	}
	_, err := fmt.Fprintf(w, "id: %s\nevent: %s\ndata: %s\n\n", ev.pos, ev.topic, ev.data)
	return err
}
