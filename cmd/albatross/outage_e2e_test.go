package main

import (
	"context"
	"io"
	"net"
	"net/http"
	"net/url"
	"os/exec"
	"strings"
	"testing"
	"time"

	"github.com/redis/go-redis/v9"

	"github.com/albatross-va/albatross/store/pgtest"
)

// ownRedis is a redis-server of the test's own, without persistence, that
// the test may stop and start again on the same port: the shared one is
// never stopped.
type ownRedis struct {
	t    *testing.T
	port string
	cmd  *exec.Cmd
}

// startOwnRedis starts a redis-server on a free port, or skips when there
// is none on PATH (and fails in CI).
func startOwnRedis(t *testing.T) *ownRedis {
	t.Helper()
	if _, err := exec.LookPath("redis-server"); err != nil {
		pgtest.Unavailable(t, "redis-server", err)
	}
	ln, err := net.Listen("tcp", "127.0.0.1:0")
	if err != nil {
		t.Fatal(err)
	}
	_, port, _ := net.SplitHostPort(ln.Addr().String())
	ln.Close()
	r := &ownRedis{t: t, port: port}
	r.start()
	t.Cleanup(r.stop)
	return r
}

func (r *ownRedis) URL() string { return "redis://127.0.0.1:" + r.port + "/0" }

// start runs the server and waits until it answers PING.
func (r *ownRedis) start() {
	r.t.Helper()
	r.cmd = exec.Command("redis-server", "--port", r.port, "--bind", "127.0.0.1", "--save", "", "--appendonly", "no")
	if err := r.cmd.Start(); err != nil {
		r.t.Fatalf("start redis-server: %v", err)
	}
	client := redis.NewClient(&redis.Options{Addr: "127.0.0.1:" + r.port})
	defer client.Close()
	deadline := time.Now().Add(10 * time.Second)
	for client.Ping(context.Background()).Err() != nil {
		if time.Now().After(deadline) {
			r.t.Fatalf("redis-server on port %s never answered PING", r.port)
		}
		time.Sleep(20 * time.Millisecond)
	}
}

// stop kills the server, as a crash would, and waits until it is gone.
func (r *ownRedis) stop() {
	if r.cmd == nil {
		return
	}
	_ = r.cmd.Process.Kill()
	_ = r.cmd.Wait()
	r.cmd = nil
}

// readyz returns /readyz's status and body.
func readyz(t *testing.T, s *testServer) (int, string) {
	t.Helper()
	resp, err := http.Get(s.URL + "/readyz")
	if err != nil {
		t.Fatalf("GET /readyz: %v", err)
	}
	defer resp.Body.Close()
	body, _ := io.ReadAll(resp.Body)
	return resp.StatusCode, string(body)
}

// While the session store is down the pages say the service is briefly
// unavailable (503, Retry-After) and /readyz fails with the reason; when
// Redis is back everything works again without a restart. Sessions were
// only in that Redis, so the user logs in again.
func TestRedisDownAnswersServiceUnavailableAndRecovers(t *testing.T) {
	rds := startOwnRedis(t)
	srv := startServer(t, map[string]string{"DATABASE_URL": pgtest.NewDatabase(t), "REDIS_URL": rds.URL()})
	b := loginAsAdmin(t, srv)
	if resp, _ := b.get("/airlines"); resp.StatusCode != http.StatusOK {
		t.Fatalf("logged-in page before the outage: %d", resp.StatusCode)
	}

	rds.stop()
	unavailable := func(what string, resp *http.Response, text string) {
		t.Helper()
		if resp.StatusCode != http.StatusServiceUnavailable || resp.Header.Get("Retry-After") == "" || !strings.Contains(text, "briefly unavailable") {
			t.Errorf("%s with Redis down: %d, Retry-After %q, want 503 with Retry-After saying the service is briefly unavailable; page %.300q\nlogs:\n%s",
				what, resp.StatusCode, resp.Header.Get("Retry-After"), text, srv.logs)
		}
	}
	began := time.Now()
	resp, doc := b.get("/airlines")
	t.Logf("a page took %s to answer %d with Redis down", time.Since(began), resp.StatusCode)
	unavailable("a logged-in page", resp, doc.Text())
	resp, doc = b.get("/airlines/rows")
	unavailable("a fragment", resp, doc.Text())

	// A new visitor's login: the login throttle counts in Redis.
	visitor := newBrowser(t, srv)
	_, doc = visitor.get("/login")
	csrf, _ := doc.Find(`[data-testid="login-form"] input[name="_csrf"]`).Attr("value")
	resp, doc = visitor.post("/login", url.Values{"_csrf": {csrf}, "email": {"admin"}, "password": {adminPassword}, "next": {"/airlines"}}, nil)
	unavailable("logging in", resp, doc.Text())

	req, _ := http.NewRequest(http.MethodGet, srv.URL+"/events", nil)
	for k, v := range b.cookieHeader() {
		req.Header.Set(k, v)
	}
	if resp, err := http.DefaultClient.Do(req); err != nil || resp.StatusCode != http.StatusServiceUnavailable {
		t.Errorf("/events with Redis down: %v %v, want 503", err, resp)
	} else {
		resp.Body.Close()
	}

	if status, body := readyz(t, srv); status != http.StatusServiceUnavailable || !strings.Contains(body, "session store") {
		t.Errorf("/readyz with Redis down: %d %s, want 503 naming the session store", status, body)
	}

	rds.start()
	deadline := time.Now().Add(15 * time.Second)
	for {
		status, body := readyz(t, srv)
		if status == http.StatusOK {
			break
		}
		if time.Now().After(deadline) {
			t.Fatalf("/readyz still %d %s 15s after Redis came back", status, body)
		}
		time.Sleep(100 * time.Millisecond)
	}
	// The restarted Redis has no sessions: the old cookie means logged out.
	resp, _ = b.get("/airlines")
	if resp.StatusCode != http.StatusSeeOther || !strings.HasPrefix(resp.Header.Get("Location"), "/login") {
		t.Errorf("the old session after Redis came back: %d to %q, want 303 to the login page", resp.StatusCode, resp.Header.Get("Location"))
	}
	b.logIn(t, "admin", adminPassword, "/airlines")
	if resp, _ := b.get("/airlines"); resp.StatusCode != http.StatusOK {
		t.Errorf("logged in again after Redis came back: %d, want 200", resp.StatusCode)
	}
	// Change notices travel over Redis again: a live page hears of a write.
	watcher := openStream(t, srv.URL, b.cookieHeader())
	id := createAirline(t, b, "After The Outage Air", "AFT", "after-the-outage")
	waitEvent(t, watcher, "airlines", id)
}
