package main

import (
	"fmt"
	"io"
	"net"
	"net/http"
	"net/url"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/albatross-va/albatross/store/pgtest"
)

// pgProxy stands between Albatross and PostgreSQL so that a test can cut
// every connection and refuse new ones, as a PostgreSQL restart does,
// without stopping the shared server.
type pgProxy struct {
	ln     net.Listener
	target string
	mu     sync.Mutex
	down   bool
	conns  map[net.Conn]struct{}
}

// newPGProxy proxies to the host and port of dbURL and returns the proxy
// and dbURL pointed at it.
func newPGProxy(t *testing.T, dbURL string) (*pgProxy, string) {
	t.Helper()
	u, err := url.Parse(dbURL)
	if err != nil {
		t.Fatal(err)
	}
	ln, err := net.Listen("tcp", "127.0.0.1:0")
	if err != nil {
		t.Fatal(err)
	}
	p := &pgProxy{ln: ln, target: u.Host, conns: map[net.Conn]struct{}{}}
	t.Cleanup(func() { ln.Close(); p.cut() })
	go p.serve()
	u.Host = ln.Addr().String()
	return p, u.String()
}

func (p *pgProxy) serve() {
	for {
		c, err := p.ln.Accept()
		if err != nil {
			return
		}
		p.mu.Lock()
		down := p.down
		if !down {
			p.conns[c] = struct{}{}
		}
		p.mu.Unlock()
		if down {
			c.Close() // the server is not there
			continue
		}
		go p.pipe(c)
	}
}

func (p *pgProxy) pipe(c net.Conn) {
	s, err := net.Dial("tcp", p.target)
	if err != nil {
		c.Close()
		return
	}
	p.mu.Lock()
	p.conns[s] = struct{}{}
	p.mu.Unlock()
	go func() { _, _ = io.Copy(s, c); s.Close(); c.Close() }()
	_, _ = io.Copy(c, s)
	s.Close()
	c.Close()
}

// cut drops every open connection and refuses new ones until restore.
func (p *pgProxy) cut() {
	p.mu.Lock()
	defer p.mu.Unlock()
	p.down = true
	for c := range p.conns {
		c.Close()
	}
	clear(p.conns)
}

func (p *pgProxy) restore() {
	p.mu.Lock()
	defer p.mu.Unlock()
	p.down = false
}

// While PostgreSQL is gone (its connections cut mid-request, new ones
// refused) writers get 503 with Retry-After, never 500; once it is back
// everything works without a restart, and every write that was
// acknowledged is there.
func TestPostgresRestartUnderLoadAnswersServiceUnavailableAndLosesNoAcknowledgedWrite(t *testing.T) {
	redisURL := pgtest.RedisURL()
	pgtest.RequireRedis(t, redisURL) // the shared one: only PostgreSQL goes away here
	proxy, dbURL := newPGProxy(t, pgtest.NewDatabase(t))
	srv := startServer(t, map[string]string{"DATABASE_URL": dbURL, "REDIS_URL": redisURL, "ALBATROSS_WAIT_BOUND": "2s"})
	admin := loginAsAdmin(t, srv)

	// Forms fetched beforehand: each carries its own command id.
	const writers, each = 4, 16
	forms := make([][]url.Values, writers)
	for w := range writers {
		for i := range each {
			n := w*each + i
			forms[w] = append(forms[w], admin.airlineForm(fmt.Sprintf("Outage Air %d", n),
				fmt.Sprintf("W%c%c", 'A'+n/26, 'A'+n%26), "", fmt.Sprintf("outage-%d", n)))
		}
	}

	type outcome struct {
		form       url.Values
		name       string
		status     int
		retryAfter string
		err        error
	}
	results := make(chan outcome, writers*each)
	var wg sync.WaitGroup
	for w := range writers {
		wg.Add(1)
		go func() {
			defer wg.Done()
			for _, form := range forms[w] {
				req, _ := http.NewRequest(http.MethodPost, srv.URL+"/airlines", strings.NewReader(form.Encode()))
				req.Header.Set("Content-Type", "application/x-www-form-urlencoded")
				resp, err := admin.client.Do(req)
				o := outcome{form: form, name: form.Get("name"), err: err}
				if err == nil {
					o.status, o.retryAfter = resp.StatusCode, resp.Header.Get("Retry-After")
					resp.Body.Close()
				}
				results <- o
				time.Sleep(100 * time.Millisecond)
			}
		}()
	}
	time.Sleep(150 * time.Millisecond)
	proxy.cut()
	time.Sleep(500 * time.Millisecond)
	if status, body := readyz(t, srv); status != http.StatusServiceUnavailable || !strings.Contains(body, "event store") {
		t.Errorf("/readyz with PostgreSQL gone: %d %s, want 503 naming the event store", status, body)
	}
	time.Sleep(500 * time.Millisecond)
	proxy.restore()
	wg.Wait()
	close(results)

	var acknowledged []string
	var refused []url.Values
	for o := range results {
		switch {
		case o.err != nil:
			t.Errorf("%s: %v", o.name, o.err)
		case o.status == http.StatusSeeOther:
			acknowledged = append(acknowledged, o.name)
		case o.status == http.StatusServiceUnavailable && o.retryAfter != "":
			refused = append(refused, o.form)
		default:
			t.Errorf("%s while PostgreSQL restarted: status %d (Retry-After %q), want 303 or 503 with Retry-After", o.name, o.status, o.retryAfter)
		}
	}
	if len(refused) == 0 {
		t.Errorf("no write was refused: the outage did not happen while they were made")
	}
	t.Logf("%d writes acknowledged, %d refused with 503", len(acknowledged), len(refused))

	// Once it is back, a refused write sent again (same command id) goes in.
	srv.waitReady(t)
	for _, form := range refused {
		if resp, _ := admin.post("/airlines", form, nil); resp.StatusCode != http.StatusSeeOther {
			t.Errorf("%s sent again after PostgreSQL came back: status %d, want 303", form.Get("name"), resp.StatusCode)
			continue
		}
		acknowledged = append(acknowledged, form.Get("name"))
	}
	deadline := time.Now().Add(20 * time.Second)
	for {
		resp, doc := admin.get("/airlines")
		listed := map[string]bool{}
		for _, n := range airlineNames(doc) {
			listed[n] = true
		}
		var missing []string
		for _, n := range acknowledged {
			if !listed[n] {
				missing = append(missing, n)
			}
		}
		if resp.StatusCode == http.StatusOK && len(missing) == 0 {
			break
		}
		if time.Now().After(deadline) {
			t.Fatalf("after PostgreSQL came back: /airlines %d, acknowledged airlines missing: %v", resp.StatusCode, missing)
		}
		time.Sleep(200 * time.Millisecond)
	}
}
