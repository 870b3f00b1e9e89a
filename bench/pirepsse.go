package main

import (
	"bufio"
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"log/slog"
	"net/http"
	"net/url"
	"os"
	"slices"
	"strconv"
	"strings"
	"sync"
	"time"

	"github.com/albatross-va/albatross/domain"
	"github.com/albatross-va/albatross/domain/live"
)

// Accept → SSE: browsers of one airline hold its live-update stream
// (/events) open; a staff member accepts a pending PIREP (POST
// …/accept, through the form as the queue's button does) and every browser
// waits for the `fleet` event that names it (every member's stream gets it). The time from the start of
// the POST to each browser's receipt is one sample. The baseline is the
// same with one browser, in the same round.

const (
	sseBrowsers   = 1000 // streams open at once in the measured case
	sseSessions   = 10   // logged-in members the streams share (sseBrowsers/sseSessions each)
	sseAccepts    = 20   // accepts per case and round
	sseOpenAtOnce = 50   // streams being opened at once
	sseWait       = 10 * time.Second
)

// sseHub collects, for the PIREP being accepted, when each stream got it.
type sseHub struct {
	mu      sync.Mutex
	target  string
	t0      time.Time
	samples []float64 // µs
	want    int
	done    chan struct{}
	lost    int // streams the server closed
}

// expect arms the hub for one accept heard by want streams.
func (h *sseHub) expect(pirepID string, want int) <-chan struct{} {
	h.mu.Lock()
	defer h.mu.Unlock()
	h.target, h.want, h.samples, h.done = pirepID, want, h.samples[:0], make(chan struct{})
	h.t0 = time.Now()
	return h.done
}

func (h *sseHub) got(ids []string, at time.Time) {
	h.mu.Lock()
	defer h.mu.Unlock()
	if h.target == "" || !slices.Contains(ids, h.target) {
		return
	}
	h.samples = append(h.samples, float64(at.Sub(h.t0).Nanoseconds())/1000)
	if len(h.samples) == h.want {
		close(h.done)
	}
}

// take returns the samples of the last accept and disarms the hub.
func (h *sseHub) take() []float64 {
	h.mu.Lock()
	defer h.mu.Unlock()
	h.target = ""
	return slices.Clone(h.samples)
}

// acceptHeardBy is the notice of an accept that every member's stream of
// the airline gets (the fleet's flown totals moved, named by the PIREP's
// id); the pilot's own and the staff's notices reach only some of them.
const acceptHeardBy = live.TopicFleet

// openStream opens /events as b and feeds its acceptHeardBy events to the hub
// until ctx ends; it returns once the server has subscribed the stream.
func openStream(ctx context.Context, b *browser, h *sseHub) error {
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
	r := bufio.NewReader(resp.Body)
	for { // the server writes ": connected" once the broker holds the stream
		line, err := r.ReadString('\n')
		if err != nil {
			resp.Body.Close()
			return fmt.Errorf("GET /events: %w", err)
		}
		if strings.HasPrefix(line, ": connected") {
			break
		}
	}
	go func() {
		defer resp.Body.Close()
		var event string
		for {
			line, err := r.ReadString('\n')
			if err != nil {
				if ctx.Err() == nil {
					h.mu.Lock()
					h.lost++
					h.mu.Unlock()
				}
				return
			}
			line = strings.TrimRight(line, "\n")
			switch {
			case strings.HasPrefix(line, "event: "):
				event = line[len("event: "):]
			case strings.HasPrefix(line, "data: ") && event == string(acceptHeardBy):
				at := time.Now()
				var n struct {
					IDs []string `json:"ids"`
				}
				if json.Unmarshal([]byte(line[len("data: "):]), &n) == nil {
					h.got(n.IDs, at)
				}
			case line == "":
				event = ""
			}
		}
	}()
	return nil
}

// benchPirepSSE measures the accept → SSE latency in both modes.
func benchPirepSSE(ctx context.Context, c config, log *slog.Logger, t *table) error {
	browsers, accepts := sseBrowsers, sseAccepts
	if c.quick {
		browsers, accepts = 100, 5
	}
	if err := raiseFileLimit(uint64(browsers) + 512); err != nil {
		return err
	}
	for _, open := range c.pirepModes() {
		st, err := open(ctx, c, log)
		if err != nil {
			return err
		}
		err = measurePirepSSE(ctx, c, log, t, st, browsers, accepts)
		st.release()
		st.remove()
		if err != nil {
			return fmt.Errorf("%s: %w", st.mode, err)
		}
	}
	t.note("Accept to SSE: the real `albatross serve`; %d browsers of one airline hold GET /events open (members' sessions, %d browsers to each of %d pilots' sessions), "+
		"opened %d at a time and counted once the server has subscribed them; a logged-in airline admin accepts a pending PIREP (seeded through the event store) "+
		"with POST /airlines/:id/pireps/:pirep/accept and its CSRF token, and every browser waits for the `fleet` event naming that PIREP (every member's stream gets it on an accept) (the next accept starts "+
		"when all have it). A sample is the time from the start of the POST to one browser's receipt, read by the bench's own goroutines on the same 2 cores; "+
		"median and p99 over all browsers and the %d accepts of a round, median of the rounds. Baseline: 1 browser, same round, same server. "+
		"Server CPU per accept: utime+stime of the server process (/proc/<pid>/stat, 10 ms ticks) over a round's accepts, divided by them; the streams only "+
		"read the events (no page re-fetches), so it is the projection, the broker's fan-out and the writes to the streams.",
		browsers, browsers/sseSessions, sseSessions, sseOpenAtOnce, accepts)
	return nil
}

func measurePirepSSE(ctx context.Context, c config, log *slog.Logger, t *table, st *pirepStore, browsers, accepts int) error {
	sd := newSeeder(st.es)
	a, err := sd.airline(ctx, "SSE", sseSessions, 10)
	if err != nil {
		return err
	}
	warm := 3
	pending, err := sd.seedPireps(ctx, a, (2*accepts)*c.rounds+warm, st.writers, pirepLast,
		func(int) string { return domain.PirepPending })
	if err != nil {
		return err
	}
	if err := st.catchUp(ctx); err != nil {
		return err
	}
	srv, err := st.serve(ctx, c)
	if err != nil {
		return err
	}
	defer srv.stop()
	log.Info("pirep sse: server started", "mode", st.mode, "url", srv.url, "took", srv.started.Round(time.Millisecond))
	staff := newBrowser(srv.url)
	if err := staff.logIn(ctx, a.staffEmail, pirepPassword); err != nil {
		return srv.wrap(err)
	}
	sessions := make([]*browser, sseSessions)
	for i := range sessions {
		sessions[i] = newBrowser(srv.url)
		if err := sessions[i].logIn(ctx, a.pilotEmails[i], pirepPassword); err != nil {
			return srv.wrap(err)
		}
	}
	h := &sseHub{}
	// accept accepts the next pending PIREP and returns each stream's
	// latency; listening is how many streams are open.
	accept := func(listening int) ([]float64, error) {
		id := pending[0]
		pending = pending[1:]
		done := h.expect(id, listening)
		status, _, err := staff.post(ctx, "/airlines/"+a.id+"/pireps/"+id+"/accept", url.Values{})
		if err == nil && status != http.StatusSeeOther {
			err = fmt.Errorf("accept: status %d", status)
		}
		if err != nil {
			h.take()
			return nil, srv.wrap(err)
		}
		select {
		case <-done:
		case <-time.After(sseWait):
			got := h.take()
			return nil, fmt.Errorf("after %s only %d of %d browsers had the event of accepting %s (%d streams closed by the server)", sseWait, len(got), listening, id, h.lost)
		}
		return h.take(), nil
	}
	// open adds streams until n are open; they close when ctx ends.
	open := func(ctx context.Context, from, n int) error {
		work := make([][]int, sseOpenAtOnce)
		for i := from; i < n; i++ {
			work[i%sseOpenAtOnce] = append(work[i%sseOpenAtOnce], i)
		}
		_, err := runWriters(ctx, work, func(ctx context.Context, i int) error { return openStream(ctx, sessions[i%sseSessions], h) })
		return err
	}
	{ // warm up: a stream, a few accepts
		sctx, stop := context.WithCancel(ctx)
		err := open(sctx, 0, 1)
		for range warm {
			if err == nil {
				_, err = accept(1)
			}
		}
		stop()
		if err != nil {
			return srv.wrap(err)
		}
	}
	var med1, p991, medN, p99N, cpu1, cpuN []float64
	pid := srv.cmd.Process.Pid
	for round := range c.rounds {
		sctx, stop := context.WithCancel(ctx)
		var one, many []float64
		err := open(sctx, 0, 1)
		cpu0, cerr := processCPU(pid)
		for range accepts {
			if err != nil {
				break
			}
			var s []float64
			s, err = accept(1)
			one = append(one, s...)
		}
		cpuOne, cerr1 := processCPU(pid)
		t0 := time.Now()
		if err == nil {
			err = open(sctx, 1, browsers)
		}
		opened := time.Since(t0)
		time.Sleep(200 * time.Millisecond) // the opening's own work settles
		cpuMany0, cerr2 := processCPU(pid)
		for range accepts {
			if err != nil {
				break
			}
			var s []float64
			s, err = accept(browsers)
			many = append(many, s...)
		}
		cpuMany, cerr3 := processCPU(pid)
		stop()
		if err == nil {
			err = errors.Join(cerr, cerr1, cerr2, cerr3)
		}
		if err != nil {
			return srv.wrap(err)
		}
		cpu1 = append(cpu1, (cpuOne-cpu0).Seconds()*1000/float64(accepts))
		cpuN = append(cpuN, (cpuMany-cpuMany0).Seconds()*1000/float64(accepts))
		med1, p991 = append(med1, percentile(one, 0.5)), append(p991, percentile(one, 0.99))
		medN, p99N = append(medN, percentile(many, 0.5)), append(p99N, percentile(many, 0.99))
		log.Info("pirep sse", "mode", st.mode, "round", round, "opened", browsers, "open_took", opened.Round(time.Millisecond),
			"p50_1_us", int(med1[round]), "p50_n_us", int(medN[round]), "p99_n_us", int(p99N[round]))
		time.Sleep(200 * time.Millisecond) // let the server drop the closed streams
	}
	label := fmt.Sprintf("%s accept → SSE fleet event, %d browsers of the airline", st.mode, browsers)
	t.add(row{what: label + " (median)", unit: "µs", measured: median(medN), baseline: median(med1), baseWhat: "the same with 1 browser"})
	t.add(row{what: label + " (p99)", unit: "µs", measured: median(p99N), baseline: median(p991), baseWhat: "the same with 1 browser (p99)"})
	t.add(row{what: fmt.Sprintf("%s server CPU per accept, %d browsers of the airline", st.mode, browsers), unit: "ms",
		measured: median(cpuN), baseline: median(cpu1), baseWhat: "the same with 1 browser (goal under 20 ms)"})
	return nil
}

// processCPU is the CPU time (user + system) a process has used so far,
// from /proc/<pid>/stat, in clock ticks of 10 ms (USER_HZ is 100 on Linux).
func processCPU(pid int) (time.Duration, error) {
	b, err := os.ReadFile(fmt.Sprintf("/proc/%d/stat", pid))
	if err != nil {
		return 0, err
	}
	// The command name (field 2) is in parentheses and may hold spaces:
	// count the fields after its closing one. utime and stime are fields 14
	// and 15, so the 12th and 13th after it.
	_, rest, ok := strings.Cut(string(b), ") ")
	f := strings.Fields(rest)
	if !ok || len(f) < 13 {
		return 0, fmt.Errorf("/proc/%d/stat: unexpected %q", pid, b)
	}
	utime, err1 := strconv.ParseInt(f[11], 10, 64)
	stime, err2 := strconv.ParseInt(f[12], 10, 64)
	if err := errors.Join(err1, err2); err != nil {
		return 0, fmt.Errorf("/proc/%d/stat: %w", pid, err)
	}
	return time.Duration(utime+stime) * 10 * time.Millisecond, nil
}
