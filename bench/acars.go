package main

import (
	"bufio"
	"bytes"
	"context"
	"database/sql"
	"encoding/json"
	"errors"
	"fmt"
	"io"
	"log/slog"
	"maps"
	"math"
	"net/http"
	"os"
	"path/filepath"
	"slices"
	"strings"
	"sync"
	"sync/atomic"
	"time"

	"github.com/jackc/pgx/v5"

	"github.com/albatross-va/albatross/domain"
	eventsv1 "github.com/albatross-va/albatross/domain/events/v1"
	"github.com/albatross-va/albatross/domain/live"
)

// ACARS (issue 13): simulated ACARS clients fly through phpVMS's API
// against the real `albatross serve` while browsers of the airline hold
// its live-update stream (/events) open. Each client is a pilot of its own
// with an API key and an aircraft of its own (one aircraft flies one flight
// at a time); it prefiles at its first tick, then every interval posts an
// update, a position and a GET /api/status, and files when the run ends.
// Every position batch sends `live-flights`, naming the PIREP, to every
// member's stream, so one post is heard by every browser.
//
// The run has phases, each post belonging to the phase it started in:
// a warm-up (the clients' first posts are spread over the interval, so
// the load is steady after one), the measured phase with every browser
// open, a pause in the reports while those browsers close and a fresh one
// opens, then the baseline phase with that one browser. The pause is what
// lets the fresh stream start matching exactly: no post is under way and
// every event is out when it opens.

// acarsSizes are the sizes of the acars group.
type acarsSizes struct {
	clients, browsers  int
	duration, interval time.Duration
}

// The phases of a run.
const (
	acarsWarm     = iota // discarded: the clients' ramp
	acarsMeasured        // every browser open: the rows
	acarsPaused          // no reports: the browsers change
	acarsBaseline        // one browser: the baselines of the SSE rows
	acarsEnd             // discarded: the last ticks before the clients file
	acarsPhases
)

// acarsSessions is how many watching pilots the browsers share (each
// stream is still its own connection), as in the accept → SSE group.
const acarsSessions = 10

// acarsPost is one position POST as its browsers match it: when it
// started and in which phase.
type acarsPost struct {
	at    time.Time
	phase int32
}

// acarsHub holds, for each client, the start of every position POST it
// made, in order. A browser's nth live-flights event naming a client's
// PIREP is that client's nth post: the events of one PIREP reach each
// stream in the log's order, every post adds a position (its ids are new),
// and every stream is open before the first post (the baseline's opens in
// the pause, its counts set to the posts so far, all of whose events are
// out).
type acarsHub struct {
	index sync.Map // PIREP id → client, written once per client at its prefile
	mu    []sync.Mutex
	posts [][]acarsPost
	phase atomic.Int32
	// inflight is the position POSTs under way.
	inflight atomic.Int32
}

func (h *acarsHub) started(client int, at time.Time) int32 {
	p := h.phase.Load()
	h.mu[client].Lock()
	h.posts[client] = append(h.posts[client], acarsPost{at: at, phase: p})
	h.mu[client].Unlock()
	return p
}

func (h *acarsHub) post(client, n int) (acarsPost, bool) {
	h.mu[client].Lock()
	defer h.mu[client].Unlock()
	if n >= len(h.posts[client]) {
		return acarsPost{}, false
	}
	return h.posts[client][n], true
}

// total is how many posts have started.
func (h *acarsHub) total() int {
	n := 0
	for c := range h.posts {
		h.mu[c].Lock()
		n += len(h.posts[c])
		h.mu[c].Unlock()
	}
	return n
}

// count is how many posts started in phase.
func (h *acarsHub) count(phase int32) int {
	n := 0
	for c := range h.posts {
		h.mu[c].Lock()
		for _, p := range h.posts[c] {
			if p.phase == phase {
				n++
			}
		}
		h.mu[c].Unlock()
	}
	return n
}

// acarsWatcher is one browser's stream: how many live-flights events it
// has had per client, and its samples (µs) by the post's phase.
type acarsWatcher struct {
	mu        sync.Mutex
	received  []int
	samples   [acarsPhases][]float64
	cut       bool      // the server closed the stream (it fell behind)
	cutAt     time.Time // when
	unmatched int       // events for a post the hub does not know: a bug
}

func (w *acarsWatcher) got(phase int32) int {
	w.mu.Lock()
	defer w.mu.Unlock()
	return len(w.samples[phase])
}

// behind is true while the stream, still open, lacks an event of a post.
func (w *acarsWatcher) behind(total int) bool {
	w.mu.Lock()
	defer w.mu.Unlock()
	n := 0
	for _, r := range w.received {
		n += r
	}
	return !w.cut && n < total
}

func (w *acarsWatcher) wasCut() bool {
	w.mu.Lock()
	defer w.mu.Unlock()
	return w.cut
}

// watchLiveFlights opens /events as b and matches its live-flights events
// to the hub's posts until ctx ends; it returns once the server holds the
// stream. The reading is kept cheap (no JSON decoding): with hundreds of
// clients each stream carries a few hundred events a second.
func watchLiveFlights(ctx context.Context, b *browser, h *acarsHub, w *acarsWatcher) error {
	req, err := http.NewRequestWithContext(ctx, http.MethodGet, b.base+"/events", nil)
	if err != nil {
		return err
	}
	req.Header.Set("Accept", "text/event-stream")
	resp, err := b.c.Do(req)
	if err != nil {
		return err
	}
	if resp.StatusCode != http.StatusOK {
		resp.Body.Close()
		return fmt.Errorf("GET /events: status %d", resp.StatusCode)
	}
	r := bufio.NewReaderSize(resp.Body, 64<<10)
	for {
		line, err := r.ReadString('\n')
		if err != nil {
			resp.Body.Close()
			return fmt.Errorf("GET /events: %w", err)
		}
		if strings.HasPrefix(line, ": connected") {
			break
		}
	}
	var (
		eventPrefix = []byte("event: ")
		dataPrefix  = []byte("data: ")
		topic       = []byte(live.TopicLiveFlights)
		idsKey      = []byte(`"ids":["`)
	)
	go func() {
		defer resp.Body.Close()
		ours := false
		for {
			// A line longer than the buffer comes in pieces; an event's
			// lines are a few hundred bytes.
			line, err := r.ReadSlice('\n')
			if err != nil && !errors.Is(err, bufio.ErrBufferFull) {
				if ctx.Err() == nil {
					w.mu.Lock()
					w.cut, w.cutAt = true, time.Now()
					w.mu.Unlock()
				}
				return
			}
			at := time.Now()
			line = bytes.TrimRight(line, "\n")
			switch {
			case bytes.HasPrefix(line, eventPrefix):
				ours = bytes.Equal(line[len(eventPrefix):], topic)
			case ours && bytes.HasPrefix(line, dataPrefix):
				// A stream that falls behind gets a run of notices as one
				// event naming each flight once per change, in log order.
				i := bytes.Index(line, idsKey)
				if i < 0 {
					continue
				}
				ids := line[i+len(idsKey)-1:]
				if j := bytes.IndexByte(ids, ']'); j >= 0 {
					ids = ids[:j]
				}
				for _, quoted := range bytes.Split(ids, []byte(",")) {
					id := bytes.Trim(quoted, `"`)
					v, known := h.index.Load(string(id))
					if !known {
						continue
					}
					client := v.(int)
					w.mu.Lock()
					p, ok := h.post(client, w.received[client])
					if ok {
						w.received[client]++
						w.samples[p.phase] = append(w.samples[p.phase], float64(at.Sub(p.at).Nanoseconds())/1000)
					} else {
						w.unmatched++
					}
					w.mu.Unlock()
				}
			case len(line) == 0:
				ours = false
			}
		}
	}()
	return nil
}

// acarsClient is one simulated ACARS client: its pilot's API key, its
// aircraft, a keep-alive connection of its own and what it measured.
type acarsClient struct {
	base     string
	key      string
	c        *http.Client
	aircraft int // the aircraft's number in phpVMS's API
	pirepID  string

	prefiled, filed    time.Time
	postLat            []float64 // µs, measured phase
	postAt             []time.Time
	statusLat          []float64 // µs, measured phase
	updateLat          []float64 // µs, measured phase
	ticks, late, pause int       // ticks reported, of them late, and skipped in the pause
	prefileRetries     int       // prefiles asked again after a 404
}

func newACARSClient(base, key string) *acarsClient {
	return &acarsClient{base: base, key: key, c: &http.Client{
		Transport: &http.Transport{MaxConnsPerHost: 1, MaxIdleConnsPerHost: 1, IdleConnTimeout: time.Minute}}}
}

// call sends a request with the key, as the clients written for phpVMS do,
// and returns the body of a 2xx answer.
func (a *acarsClient) call(ctx context.Context, method, path string, body any) ([]byte, error) {
	var r io.Reader
	if body != nil {
		b, err := json.Marshal(body)
		if err != nil {
			return nil, err
		}
		r = bytes.NewReader(b)
	}
	req, err := http.NewRequestWithContext(ctx, method, a.base+path, r)
	if err != nil {
		return nil, err
	}
	req.Header.Set("X-API-Key", a.key)
	req.Header.Set("Accept", "application/json")
	if body != nil {
		req.Header.Set("Content-Type", "application/json")
	}
	resp, err := a.c.Do(req)
	if err != nil {
		return nil, err
	}
	defer resp.Body.Close()
	raw, err := io.ReadAll(resp.Body)
	if err == nil && resp.StatusCode/100 != 2 {
		err = &statusError{status: resp.StatusCode, msg: fmt.Sprintf("%s %s: status %d: %.300s", method, path, resp.StatusCode, raw)}
	}
	return raw, err
}

// statusError is an answer other than 2xx.
type statusError struct {
	status int
	msg    string
}

func (e *statusError) Error() string { return e.msg }

// isStatus is true when err is an answer with that status.
func isStatus(err error, status int) bool {
	var se *statusError
	return errors.As(err, &se) && se.status == status
}

// fly runs one client's flight: prefile at its first tick (offset into
// the interval), an update, a position and a status request every
// interval until stop, then file.
func (a *acarsClient) fly(ctx context.Context, i int, h *acarsHub, airline int, offset, interval time.Duration, stop *atomic.Bool) error {
	next := time.Now().Add(offset)
	time.Sleep(time.Until(next))
	prefile := map[string]any{"airline_id": airline, "aircraft_id": a.aircraft,
		"flight_number": fmt.Sprint(1000 + i), "dpt_airport_id": "EGLL", "arr_airport_id": "EDDF", "source_name": "bench"}
	body, err := a.call(ctx, http.MethodPost, "/api/pireps/prefile", prefile)
	// Under the ramp's burst a prefile can be made and still answer 404,
	// when the read model has not caught up within the server's wait
	// bound; the client asks again, as one would, and phpVMS's duplicate
	// detection (the same flight within 10 minutes) answers with the same
	// PIREP. The retries are counted.
	for tries := 0; isStatus(err, http.StatusNotFound) && tries < 10; tries++ {
		a.prefileRetries++
		time.Sleep(time.Second)
		body, err = a.call(ctx, http.MethodPost, "/api/pireps/prefile", prefile)
	}
	if err != nil {
		return fmt.Errorf("prefile: %w", err)
	}
	var doc struct {
		Data struct {
			ID    string `json:"id"`
			State int    `json:"state"`
		} `json:"data"`
	}
	if err := json.Unmarshal(body, &doc); err != nil || doc.Data.ID == "" {
		return fmt.Errorf("prefile: no PIREP id in %.300s", body)
	}
	a.pirepID, a.prefiled = doc.Data.ID, time.Now()
	h.index.Store(a.pirepID, i) // before its first position, so every event finds it
	for k := 0; !stop.Load() && ctx.Err() == nil; {
		if h.phase.Load() == acarsPaused {
			a.pause++
		} else {
			if err := a.tick(ctx, i, k, h); err != nil {
				return err
			}
			k++
		}
		next = next.Add(interval)
		if time.Until(next) < 0 {
			// Behind schedule: the next tick goes at once, and is counted.
			a.late++
			next = time.Now()
		}
		time.Sleep(time.Until(next))
	}
	if ctx.Err() != nil {
		return ctx.Err()
	}
	minutes := max(1, int(math.Round(time.Since(a.prefiled).Minutes())))
	body, err = a.call(ctx, http.MethodPost, "/api/pireps/"+a.pirepID+"/file", map[string]any{"flight_time": minutes, "distance": 353})
	if err != nil {
		return fmt.Errorf("file: %w", err)
	}
	a.filed = time.Now()
	if err := json.Unmarshal(body, &doc); err != nil || (doc.Data.State != 1 && doc.Data.State != 2) {
		return fmt.Errorf("file: not pending or accepted: %.300s", body)
	}
	return nil
}

// tick is one report of client i: its kth update, position and status
// request.
func (a *acarsClient) tick(ctx context.Context, i, k int, h *acarsHub) error {
	from, to := csvAirports["EGLL"], csvAirports["EDDF"]
	minutes := int(time.Since(a.prefiled).Minutes())
	f := math.Min(1, float64(k)/200) // at EDDF after 200 reports
	phase := "ENR"
	if k == 0 {
		phase = "TXI"
	}
	tu := time.Now()
	if _, err := a.call(ctx, http.MethodPost, "/api/pireps/"+a.pirepID+"/update", map[string]any{"status": phase,
		"distance": 353 * f, "flight_time": minutes, "fuel_used": 20 * k}); err != nil {
		return fmt.Errorf("update: %w", err)
	}
	updated := time.Since(tu)
	h.inflight.Add(1)
	t0 := time.Now()
	p := h.started(i, t0)
	body, err := a.call(ctx, http.MethodPost, "/api/pireps/"+a.pirepID+"/acars/position", map[string]any{"positions": []any{map[string]any{
		"id": fmt.Sprint(k), "lat": from.Lat + (to.Lat-from.Lat)*f, "lon": from.Lon + (to.Lon-from.Lon)*f,
		"altitude": 28000, "heading": 95, "gs": 450, "status": phase, "distance": 353 * f}}})
	took := time.Since(t0)
	h.inflight.Add(-1)
	if err == nil && !bytes.Contains(body, []byte(`"count":1`)) {
		err = fmt.Errorf("the position was not added: %.300s", body)
	}
	if err != nil {
		return fmt.Errorf("position: %w", err)
	}
	t1 := time.Now()
	if _, err := a.call(ctx, http.MethodGet, "/api/status", nil); err != nil {
		return fmt.Errorf("status: %w", err)
	}
	if p == acarsMeasured {
		a.postLat, a.postAt = append(a.postLat, float64(took.Nanoseconds())/1000), append(a.postAt, t0)
		a.statusLat = append(a.statusLat, float64(time.Since(t1).Nanoseconds())/1000)
		a.updateLat = append(a.updateLat, float64(updated.Nanoseconds())/1000)
	}
	a.ticks++
	return nil
}

// benchACARS runs the acars group in each mode.
func benchACARS(ctx context.Context, c config, log *slog.Logger, t *table) error {
	sz := c.acars
	if err := raiseFileLimit(uint64(sz.clients+sz.browsers) + 1024); err != nil {
		return err
	}
	var details []string
	for _, open := range c.pirepModes() {
		st, err := open(ctx, c, log)
		if err != nil {
			return err
		}
		d, err := measureACARS(ctx, c, log, t, st)
		st.release()
		st.remove()
		if err != nil {
			return fmt.Errorf("%s: %w", st.mode, err)
		}
		details = append(details, d)
	}
	t.note("ACARS (issue 13): the real `albatross serve`; one airline seeded through the domain commands (the 12 airports, one subfleet, one aircraft per client at EGLL, "+
		"one pilot per client with an API key from domain.APIKeys.Create, %d more pilots whose sessions the browsers share). %d ACARS clients, each its own pilot, key, aircraft "+
		"and keep-alive connection, speak phpVMS's API with X-API-Key: the airline's and the aircraft's numbers from GET /api/airlines and /api/user/fleet, then at its first tick "+
		"POST /api/pireps/prefile, and every %s POST …/update {status, distance, flight_time, fuel_used}, POST …/acars/position with one position (a new id each time), "+
		"and GET /api/status, one after another, the first ticks spread evenly over the interval (a tick that falls behind goes at once and is counted late); at the end POST …/file. "+
		"%d browsers (GET /events, each its own connection) are open before the first post. Phases: a warm-up of 2 intervals (discarded), %s measured with every browser, "+
		"a pause in the reports (the clients skip their ticks until no post is under way and every open stream has every event, at most 10 s, then one interval more; "+
		"the browsers close, a cut stream counts as missing its events), then %s with one freshly opened browser (the SSE baselines). "+
		"Rows: position POST latency over the measured phase's posts, against GET /api/status by the same clients in the same ticks (the position answers with its count once its event is in the log; "+
		"the key's next request, the next tick's update, waits for the read models instead); update POST latency likewise (it answers with the PIREP from the read models, so it waits for the projector); position → browser: from the start of the "+
		"POST to a browser's reading of the `live-flights` event naming that PIREP (a stream's nth event for a PIREP is its nth post: each reaches every stream in log order), "+
		"p50/p99 over every post and browser of the phase, one run per mode (no rounds); events and payload bytes (length of the data column) in the log's events table "+
		"for the run's PIREP streams and their aircraft-use streams, counted after the run, per flight hour = the sum over flights of prefile to file less the pause (the simulated flight is "+
		"that wall time, reporting every interval), against the same flights' events without PirepPositionsAdded; embedded start: exec to the first /healthz 200 on the "+
		"run's data dir, against a copy of it with the PirepPositionsAdded rows deleted and VACUUMed (the same airline and flights, prefiled, updated and filed, no positions), "+
		"alternating, %d rounds, median. Growth rows: position POST latency in the last stretch of the measured phase (as long as the baseline) against its first, "+
		"the same clients (the track and the log grow two events a tick; the server keeps each flight's state with its own last events applied, and reads the stream only when an append finds another writer came first); the one-browser baseline runs after the measured phase, on longer "+
		"flights, so it carries more of that growth than the measured rows do. The load generator (clients and browsers, the bench's own goroutines) shares the machine's 2 cores with the server, so "+
		"latencies include waiting for a core. %s",
		acarsSessions, sz.clients, sz.interval, sz.browsers, sz.duration, acarsBaselineFor(sz), c.rounds, strings.Join(details, " "))
	return nil
}

// acarsBaselineFor is how long the one-browser baseline runs.
func acarsBaselineFor(sz acarsSizes) time.Duration {
	return max(5*sz.interval, sz.duration/6)
}

// envValue is the value of name in a list of NAME=value settings.
func envValue(env []string, name string) string {
	for _, kv := range env {
		if v, ok := strings.CutPrefix(kv, name+"="); ok {
			return v
		}
	}
	return ""
}

// measureACARS runs the group in one mode and returns what the note
// should say about it (late ticks, cut streams, the log's contents).
func measureACARS(ctx context.Context, c config, log *slog.Logger, t *table, st *pirepStore) (string, error) {
	sz := c.acars
	t0 := time.Now()
	sd := newSeeder(st.es)
	a, err := sd.airline(ctx, "ACR", 0, sz.clients)
	if err != nil {
		return "", err
	}
	if err := sd.pilots(ctx, a, sz.clients+acarsSessions, min(st.writers, 4)); err != nil {
		return "", err
	}
	keys := &domain.APIKeys{Runner: sd.runner, IDs: domain.RandomIDs{}}
	secrets := make([]string, sz.clients)
	work := make([][]int, st.writers)
	for i := range sz.clients {
		work[i%st.writers] = append(work[i%st.writers], i)
	}
	if _, err := runWriters(ctx, work, func(ctx context.Context, i int) error {
		k, _, err := keys.Create(ctx, domain.CommandMeta{Who: domain.System}, a.pilotIDs[i], domain.CreateAPIKey{Name: "bench ACARS"})
		secrets[i] = k.Key
		return err
	}); err != nil {
		return "", fmt.Errorf("create API keys: %w", err)
	}
	if err := st.catchUp(ctx); err != nil {
		return "", err
	}
	log.Info("acars: seeded", "mode", st.mode, "clients", sz.clients, "took", time.Since(t0).Round(time.Millisecond))
	srv, err := st.serve(ctx, c)
	if err != nil {
		return "", err
	}
	stopped := false
	defer func() {
		if !stopped {
			srv.stop()
		}
	}()

	// The numbers every client sends: the airline's, and each aircraft's
	// by its registration (client i has the airline's aircraft i).
	clients := make([]*acarsClient, sz.clients)
	for i := range clients {
		clients[i] = newACARSClient(srv.url, secrets[i])
	}
	airline, numbers, err := acarsNumbers(ctx, clients[0])
	if err != nil {
		return "", srv.wrap(err)
	}
	for i, cl := range clients {
		reg := "G-" + letters(uint64(i), 4)
		n, ok := numbers[reg]
		if !ok {
			return "", fmt.Errorf("GET /api/user/fleet does not list %s", reg)
		}
		cl.aircraft = n
	}

	// The browsers, all open before the first post, sharing the watching
	// pilots' sessions.
	sessions := make([]*browser, acarsSessions)
	for i := range sessions {
		sessions[i] = newBrowser(srv.url)
		if err := sessions[i].logIn(ctx, a.pilotEmails[sz.clients+i], pirepPassword); err != nil {
			return "", srv.wrap(err)
		}
	}
	h := &acarsHub{mu: make([]sync.Mutex, sz.clients), posts: make([][]acarsPost, sz.clients)}
	watchers := make([]*acarsWatcher, sz.browsers)
	streamCtx := make([]context.Context, sz.browsers)
	cancels := make([]context.CancelFunc, sz.browsers)
	for i := range watchers {
		watchers[i] = &acarsWatcher{received: make([]int, sz.clients)}
		streamCtx[i], cancels[i] = context.WithCancel(ctx)
	}
	defer func() {
		for _, cancel := range cancels {
			cancel()
		}
	}()
	{
		work := make([][]int, sseOpenAtOnce)
		for i := range sz.browsers {
			work[i%sseOpenAtOnce] = append(work[i%sseOpenAtOnce], i)
		}
		if _, err := runWriters(ctx, work, func(_ context.Context, i int) error {
			return watchLiveFlights(streamCtx[i], sessions[i%acarsSessions], h, watchers[i])
		}); err != nil {
			return "", srv.wrap(err)
		}
	}

	log.Info("acars: flying", "mode", st.mode, "clients", sz.clients, "browsers", sz.browsers)
	var (
		stop atomic.Bool
		errs = make([]error, sz.clients)
		wg   sync.WaitGroup
		done = make(chan struct{})
	)
	h.phase.Store(acarsWarm)
	for i, cl := range clients {
		wg.Add(1)
		go func() {
			defer wg.Done()
			offset := time.Duration(int64(sz.interval) * int64(i) / int64(sz.clients))
			if err := cl.fly(ctx, i, h, airline, offset, sz.interval, &stop); err != nil {
				errs[i] = fmt.Errorf("client %d: %w", i, err)
				stop.Store(true)
			}
		}()
	}
	go func() { wg.Wait(); close(done) }()
	// wait sleeps for d, or less if a client failed (or ctx ended).
	wait := func(d time.Duration) bool {
		select {
		case <-done:
			return false
		case <-ctx.Done():
			return false
		case <-time.After(d):
			return true
		}
	}
	// drain waits, for up to 10 s, until no post is under way and every
	// open stream of ws has the event of every post.
	drain := func(ws []*acarsWatcher) {
		deadline := time.Now().Add(10 * time.Second)
		for time.Now().Before(deadline) {
			behind, total := h.inflight.Load() > 0, h.total()
			for _, w := range ws {
				behind = behind || w.behind(total)
			}
			if !behind {
				return
			}
			time.Sleep(50 * time.Millisecond)
		}
	}
	// missed is how many events of the phase's posts ws never read.
	missed := func(phase int32, ws []*acarsWatcher) int {
		n := h.count(phase) * len(ws)
		for _, w := range ws {
			n -= w.got(phase)
		}
		return n
	}
	var missedN, missed1, cut int
	var cutAfter []float64 // s into the measured phase, of each cut stream
	base := &acarsWatcher{received: make([]int, sz.clients)}
	baseCtx, baseCancel := context.WithCancel(ctx)
	defer baseCancel()
	ok := wait(2 * sz.interval)
	measuredFrom := time.Now()
	if ok {
		h.phase.Store(acarsMeasured)
		ok = wait(sz.duration)
	}
	if ok {
		h.phase.Store(acarsPaused)
		drain(watchers)
		missedN = missed(acarsMeasured, watchers)
		for i, w := range watchers {
			if w.wasCut() {
				cut++
				cutAfter = append(cutAfter, w.cutAt.Sub(measuredFrom).Seconds())
			}
			cancels[i]()
		}
		// The closed streams leave the broker, and an event a cut stream
		// could not tell us about is out, before the fresh one opens.
		ok = wait(sz.interval)
	}
	if ok && h.inflight.Load() > 0 {
		return "", srv.wrap(errors.New("a position POST is still under way after the pause: the server is stuck"))
	}
	if ok {
		for c := range base.received {
			h.mu[c].Lock()
			base.received[c] = len(h.posts[c])
			h.mu[c].Unlock()
		}
		if err := watchLiveFlights(baseCtx, sessions[0], h, base); err != nil {
			return "", srv.wrap(err)
		}
		h.phase.Store(acarsBaseline)
		wait(acarsBaselineFor(sz)) // a cancelled run still reports what it has
	}
	h.phase.Store(acarsEnd)
	stop.Store(true)
	<-done
	if err := errors.Join(errs...); err != nil {
		return "", srv.wrap(err)
	}
	if err := ctx.Err(); err != nil {
		return "", err
	}
	drain([]*acarsWatcher{base})
	missed1 = missed(acarsBaseline, []*acarsWatcher{base})
	baseCancel()

	// The rows of the latencies.
	var postLat, statusLat, updateLat, firstLat, lastLat []float64
	var allTicks, lateTicks, unmatched, retries int
	window := acarsBaselineFor(sz) // the growth rows' first and last stretch of the measured phase
	measuredTo := measuredFrom.Add(sz.duration)
	for _, cl := range clients {
		postLat, statusLat = append(postLat, cl.postLat...), append(statusLat, cl.statusLat...)
		updateLat = append(updateLat, cl.updateLat...)
		for k, at := range cl.postAt {
			switch {
			case at.Before(measuredFrom.Add(window)):
				firstLat = append(firstLat, cl.postLat[k])
			case !at.Before(measuredTo.Add(-window)):
				lastLat = append(lastLat, cl.postLat[k])
			}
		}
		allTicks, lateTicks, retries = allTicks+cl.ticks, lateTicks+cl.late, retries+cl.prefileRetries
	}
	var sseAll [][]float64
	for _, w := range watchers {
		w.mu.Lock()
		sseAll = append(sseAll, w.samples[acarsMeasured])
		unmatched += w.unmatched
		w.mu.Unlock()
	}
	sseMany := slices.Concat(sseAll...)
	sseN := len(sseMany)
	base.mu.Lock()
	sseOne := slices.Clone(base.samples[acarsBaseline])
	unmatched += base.unmatched
	base.mu.Unlock()
	if len(postLat) == 0 {
		return "", errors.New("no position POST in the measured phase: the run was too short for its interval")
	}
	if unmatched > 0 {
		// The live map is also told of a flight's start, its phase changes
		// and its filing, not only of its positions, and the notices do not
		// say which: those beyond a client's posts are counted here, and
		// the ones before its last post shift the matching (the note says).
		log.Warn("acars: live-flights notices beyond the position posts", "mode", st.mode, "notices", unmatched)
	}
	if len(firstLat) == 0 || len(lastLat) == 0 {
		return "", errors.New("no posts in the first or last stretch of the measured phase")
	}
	post, status, update := percentiles(postLat, 0.5, 0.99), percentiles(statusLat, 0.5, 0.99), percentiles(updateLat, 0.5, 0.99)
	first, last := percentiles(firstLat, 0.5, 0.99), percentiles(lastLat, 0.5, 0.99)
	// Streams the server cut before the phase read none of its events:
	// the rows are left out then, and the missed row and the note say so.
	many, one := []float64{0, 0}, []float64{0, 0}
	if len(sseMany) > 0 {
		many = percentiles(sseMany, 0.5, 0.99)
	}
	if len(sseOne) > 0 {
		one = percentiles(sseOne, 0.5, 0.99)
	}
	log.Info("acars: flown", "mode", st.mode, "ticks", allTicks, "late", lateTicks, "post_p99_ms", post[1]/1000,
		"sse_p99_ms", many[1]/1000, "sse_samples", sseN, "missed", missedN, "cut", cut)
	label := fmt.Sprintf("%s ACARS position POST, %d clients every %s, %d browsers", st.mode, sz.clients, sz.interval, sz.browsers)
	t.add(row{what: label + " (p50)", unit: "ms", measured: post[0] / 1000, baseline: status[0] / 1000, baseWhat: "GET /api/status, same clients and ticks"})
	t.add(row{what: label + " (p99)", unit: "ms", measured: post[1] / 1000, baseline: status[1] / 1000, baseWhat: "GET /api/status, same clients and ticks (p99; goal under 50 ms)"})
	// The update answers with the PIREP as the read models have it, so it
	// waits for the projector; the position answers with its count, and
	// the key's next request waits instead (handlers/owed_writes.go).
	label = fmt.Sprintf("%s ACARS update POST (answered with the PIREP), %d clients every %s, %d browsers", st.mode, sz.clients, sz.interval, sz.browsers)
	t.add(row{what: label + " (p50)", unit: "ms", measured: update[0] / 1000, baseline: status[0] / 1000, baseWhat: "GET /api/status, same clients and ticks"})
	t.add(row{what: label + " (p99)", unit: "ms", measured: update[1] / 1000, baseline: status[1] / 1000, baseWhat: "GET /api/status, same clients and ticks (p99)"})
	// Every command on a PIREP replays its stream, which grows by two
	// events a tick: these rows show whether the flights' length shows.
	label = fmt.Sprintf("%s ACARS position POST in the last %s of the measured phase", st.mode, window)
	t.add(row{what: label + " (p50)", unit: "ms", measured: last[0] / 1000, baseline: first[0] / 1000, baseWhat: fmt.Sprintf("the same in its first %s", window)})
	t.add(row{what: label + " (p99)", unit: "ms", measured: last[1] / 1000, baseline: first[1] / 1000, baseWhat: fmt.Sprintf("the same in its first %s (p99)", window)})
	label = fmt.Sprintf("%s ACARS position → live-flights event in a browser, %d clients, %d browsers", st.mode, sz.clients, sz.browsers)
	if len(sseMany) > 0 {
		t.add(row{what: label + " (p50)", unit: "ms", measured: many[0] / 1000, baseline: one[0] / 1000, baseWhat: "the same with 1 browser"})
		t.add(row{what: label + " (p99)", unit: "ms", measured: many[1] / 1000, baseline: one[1] / 1000, baseWhat: "the same with 1 browser (p99; goal under 1 s)"})
	}
	baseCut := "not cut"
	if base.wasCut() {
		baseCut = "cut by the server"
	}
	t.add(row{what: fmt.Sprintf("%s ACARS live-flights events the browsers never read (%d of %d streams cut)", st.mode, cut, sz.browsers), unit: "events",
		measured: float64(missedN), baseline: float64(missed1), baseWhat: fmt.Sprintf("the 1 browser's, of %d (its stream %s)", h.count(acarsBaseline), baseCut)})

	// The log: the server stops first, so the SQLite file is whole.
	srv.stop()
	stopped = true
	positions, _, err := sd.reg.Encode(&eventsv1.PirepPositionsAdded{})
	if err != nil {
		return "", err
	}
	var streams []string
	var flightHours float64
	for i, cl := range clients {
		streams = append(streams, domain.PirepStream(cl.pirepID), domain.AircraftUseStream(a.aircraft[i]))
		flightHours += (cl.filed.Sub(cl.prefiled) - time.Duration(cl.pause)*sz.interval).Hours()
	}
	counts, err := countACARSEvents(ctx, st, streams)
	if err != nil {
		return "", fmt.Errorf("count the flights' events: %w", err)
	}
	var all, rest eventCount
	var kinds []string
	for _, typ := range slices.Sorted(maps.Keys(counts)) {
		n := counts[typ]
		all.events, all.bytes = all.events+n.events, all.bytes+n.bytes
		if typ != positions {
			rest.events, rest.bytes = rest.events+n.events, rest.bytes+n.bytes
		}
		kinds = append(kinds, fmt.Sprintf("%s %d (%d B)", typ, n.events, n.bytes))
	}
	t.add(row{what: fmt.Sprintf("%s ACARS events added to the log per flight hour (a report every %s)", st.mode, sz.interval), unit: "events/h",
		measured: float64(all.events) / flightHours, baseline: float64(rest.events) / flightHours, baseWhat: "the same flights without their PirepPositionsAdded"})
	t.add(row{what: fmt.Sprintf("%s ACARS event payload bytes added per flight hour (a report every %s)", st.mode, sz.interval), unit: "B/h",
		measured: float64(all.bytes) / flightHours, baseline: float64(rest.bytes) / flightHours, baseWhat: "the same flights without their PirepPositionsAdded"})
	cuts := ""
	if cut > 0 {
		// A cut stream's samples are those it read before the cut.
		cuts = fmt.Sprintf(" (%s s into the measured phase, median %.1f s, negative for before it; a cut stream is not reopened, its samples are those before the cut)",
			spread(cutAfter, "s"), median(cutAfter))
	}
	detail := fmt.Sprintf("%s: %d ticks, %d late; %d prefiles asked again after a 404; %d browser samples, %d streams cut by the server%s, %d events missed; "+
		"%.2f flight hours over %d flights, their events by type: %s.",
		st.mode, allTicks, lateTicks, retries, sseN, cut, cuts, missedN, flightHours, len(clients), strings.Join(kinds, ", "))

	if st.pool == nil {
		start, err := measureACARSStart(ctx, c, log, t, st, positions)
		if err != nil {
			return "", fmt.Errorf("start time: %w", err)
		}
		detail += " " + start
	}
	return detail, nil
}

// eventCount is a number of events and the sum of their payloads.
type eventCount struct{ events, bytes int64 }

// countACARSEvents counts, by type, the events of streams and their
// payload bytes, in the mode's log (the server stopped).
func countACARSEvents(ctx context.Context, st *pirepStore, streams []string) (map[string]eventCount, error) {
	out := map[string]eventCount{}
	if st.pool == nil {
		db, err := sql.Open("sqlite", filepath.Join(envValue(st.env, "ALBATROSS_DATA_DIR"), "events.db"))
		if err != nil {
			return nil, err
		}
		defer db.Close()
		args := make([]any, len(streams))
		for i, s := range streams {
			args[i] = s
		}
		rows, err := db.QueryContext(ctx, "SELECT type, count(*), coalesce(sum(length(data)), 0) FROM events WHERE stream_id IN (?"+
			strings.Repeat(",?", len(streams)-1)+") GROUP BY type", args...)
		if err != nil {
			return nil, err
		}
		defer rows.Close()
		for rows.Next() {
			var typ string
			var n eventCount
			if err := rows.Scan(&typ, &n.events, &n.bytes); err != nil {
				return nil, err
			}
			out[typ] = n
		}
		return out, rows.Err()
	}
	conn, err := pgx.Connect(ctx, envValue(st.env, "DATABASE_URL"))
	if err != nil {
		return nil, err
	}
	defer conn.Close(context.WithoutCancel(ctx))
	rows, err := conn.Query(ctx, "SELECT type, count(*), coalesce(sum(length(data)), 0) FROM events WHERE stream_id = ANY($1) GROUP BY type", streams)
	if err != nil {
		return nil, err
	}
	defer rows.Close()
	for rows.Next() {
		var typ string
		var n eventCount
		if err := rows.Scan(&typ, &n.events, &n.bytes); err != nil {
			return nil, err
		}
		out[typ] = n
	}
	return out, rows.Err()
}

// measureACARSStart times the embedded start on the run's data dir against
// a copy of it without the positions, and returns what the note says.
func measureACARSStart(ctx context.Context, c config, log *slog.Logger, t *table, st *pirepStore, positions string) (string, error) {
	dir := envValue(st.env, "ALBATROSS_DATA_DIR")
	bare, err := os.MkdirTemp("", "albatross-bench-acars-bare-")
	if err != nil {
		return "", err
	}
	defer os.RemoveAll(bare)
	entries, err := os.ReadDir(dir)
	if err != nil {
		return "", err
	}
	var size int64
	for _, e := range entries {
		if e.IsDir() {
			continue
		}
		b, err := os.ReadFile(filepath.Join(dir, e.Name()))
		if err != nil {
			return "", err
		}
		if strings.HasPrefix(e.Name(), "events.db") {
			size += int64(len(b))
		}
		if err := os.WriteFile(filepath.Join(bare, e.Name()), b, 0o600); err != nil {
			return "", err
		}
	}
	db, err := sql.Open("sqlite", filepath.Join(bare, "events.db"))
	if err != nil {
		return "", err
	}
	var total int64
	err = db.QueryRowContext(ctx, "SELECT count(*) FROM events").Scan(&total)
	var res sql.Result
	// The log is append-only (a trigger refuses a DELETE); this copy is
	// the bench's own, and serve creates the trigger again when it opens it.
	if err == nil {
		_, err = db.ExecContext(ctx, "DROP TRIGGER events_no_delete")
	}
	if err == nil {
		res, err = db.ExecContext(ctx, "DELETE FROM events WHERE type = ?", positions)
	}
	if err == nil {
		_, err = db.ExecContext(ctx, "VACUUM")
	}
	db.Close()
	if err != nil {
		return "", fmt.Errorf("the copy without positions: %w", err)
	}
	deleted, _ := res.RowsAffected()
	var bareSize int64
	if fi, err := os.Stat(filepath.Join(bare, "events.db")); err == nil {
		bareSize = fi.Size()
	}
	envBare := slices.Clone(st.env)
	for i, kv := range envBare {
		if strings.HasPrefix(kv, "ALBATROSS_DATA_DIR=") {
			envBare[i] = "ALBATROSS_DATA_DIR=" + bare
		}
	}
	var with, without []float64
	for round := range c.rounds {
		for k := range 2 {
			env, into := st.env, &with
			if (k+round)%2 == 1 {
				env, into = envBare, &without
			}
			srv, err := startServer(ctx, c.albatross, os.TempDir(), env)
			if err != nil {
				return "", err
			}
			*into = append(*into, srv.started.Seconds())
			srv.stop()
		}
	}
	log.Info("acars: embedded start", "events", total, "with_s", median(with), "without_s", median(without))
	t.add(row{what: fmt.Sprintf("Embedded start with the ACARS run's log (%d events, %.1f MiB)", total, float64(size)/(1<<20)), unit: "s",
		measured: median(with), baseline: median(without),
		baseWhat: fmt.Sprintf("the same log without its %d PirepPositionsAdded (%.1f MiB)", deleted, float64(bareSize)/(1<<20))})
	return fmt.Sprintf("Embedded start: %d events in the log, %d of them positions; rounds %s s with, %s s without.",
		total, deleted, spread(with, "s"), spread(without, "s")), nil
}

// percentiles sorts xs in place and returns its p-quantiles.
func percentiles(xs []float64, ps ...float64) []float64 {
	slices.Sort(xs)
	out := make([]float64, len(ps))
	for i, p := range ps {
		out[i] = xs[min(len(xs)-1, int(float64(len(xs))*p))]
	}
	return out
}

// acarsNumbers reads the airline's number and its aircraft's numbers by
// registration, as a client does before its first flight.
func acarsNumbers(ctx context.Context, cl *acarsClient) (int, map[string]int, error) {
	body, err := cl.call(ctx, http.MethodGet, "/api/airlines", nil)
	if err != nil {
		return 0, nil, err
	}
	var airlines struct {
		Data []struct {
			ID int `json:"id"`
		} `json:"data"`
	}
	if err := json.Unmarshal(body, &airlines); err != nil || len(airlines.Data) != 1 {
		return 0, nil, fmt.Errorf("GET /api/airlines: want one airline: %.300s", body)
	}
	body, err = cl.call(ctx, http.MethodGet, "/api/user/fleet", nil)
	if err != nil {
		return 0, nil, err
	}
	var fleet struct {
		Data []struct {
			Aircraft []struct {
				ID           int    `json:"id"`
				Registration string `json:"registration"`
			} `json:"aircraft"`
		} `json:"data"`
	}
	if err := json.Unmarshal(body, &fleet); err != nil {
		return 0, nil, fmt.Errorf("GET /api/user/fleet: %w", err)
	}
	numbers := map[string]int{}
	for _, sf := range fleet.Data {
		for _, ac := range sf.Aircraft {
			numbers[ac.Registration] = ac.ID
		}
	}
	return airlines.Data[0].ID, numbers, nil
}
