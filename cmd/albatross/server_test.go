package main

import (
	"bufio"
	"bytes"
	"context"
	"errors"
	"fmt"
	"io"
	"net/http"
	"net/http/cookiejar"
	"net/url"
	"regexp"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/PuerkitoBio/goquery"
)

// testServer is one `albatross serve` started through run on port 0.
type testServer struct {
	URL    string
	cancel context.CancelFunc
	done   chan error
	out    *syncBuffer
	logs   *syncBuffer
}

// syncBuffer collects a process's output for the test to read while it runs.
type syncBuffer struct {
	mu  sync.Mutex
	buf bytes.Buffer
}

func (b *syncBuffer) Write(p []byte) (int, error) {
	b.mu.Lock()
	defer b.mu.Unlock()
	return b.buf.Write(p)
}

func (b *syncBuffer) String() string {
	b.mu.Lock()
	defer b.mu.Unlock()
	return b.buf.String()
}

var urlLine = regexp.MustCompile(`running at (http://\S+)`)

// startServer runs `albatross serve` with the given environment and waits
// until /healthz answers. The server is stopped, gracefully, at cleanup.
func startServer(t *testing.T, env map[string]string, args ...string) *testServer {
	t.Helper()
	s, err := launchServer(env, args...)
	if s != nil {
		t.Cleanup(func() { s.stop(t) })
	}
	if err != nil {
		t.Fatal(err)
	}
	return s
}

// startServers starts several servers at once, as processes that come up
// together on one database would.
func startServers(t *testing.T, n int, env map[string]string) []*testServer {
	t.Helper()
	type started struct {
		s   *testServer
		err error
	}
	ch := make(chan started, n)
	for range n {
		go func() {
			s, err := launchServer(env)
			ch <- started{s, err}
		}()
	}
	var out []*testServer
	var errs []error
	for range n {
		r := <-ch
		if r.s != nil {
			t.Cleanup(func() { r.s.stop(t) })
			out = append(out, r.s)
		}
		if r.err != nil {
			errs = append(errs, r.err)
		}
	}
	if len(errs) > 0 {
		t.Fatal(errors.Join(errs...))
	}
	return out
}

// launchServer does the work of startServer without a *testing.T, so that
// it can run on any goroutine. A server it returns must be stopped, also
// when it returns an error.
func launchServer(env map[string]string, args ...string) (*testServer, error) {
	ctx, cancel := context.WithCancel(context.Background())
	s := &testServer{cancel: cancel, done: make(chan error, 1), out: &syncBuffer{}, logs: &syncBuffer{}}
	// Every PostgreSQL test shares one server, and the log's readers wait
	// for the oldest transaction on the whole server: on a busy machine a
	// projection may take more than the production bound of 2s.
	// /metrics on a free port: tests never take the machine's 9090.
	withDefaults := map[string]string{"ALBATROSS_WAIT_BOUND": "15s", "ALBATROSS_READY_MAX_LAG": "10s", "ALBATROSS_METRICS_ADDR": "127.0.0.1:0"}
	for k, v := range env {
		withDefaults[k] = v
	}
	getenv := func(k string) string { return withDefaults[k] }
	go func() {
		s.done <- run(ctx, append([]string{"serve", "--addr", "127.0.0.1:0"}, args...), getenv, s.out, s.logs)
	}()
	deadline := time.Now().Add(60 * time.Second)
	for s.URL == "" {
		select {
		case err := <-s.done:
			s.cancel = nil // it has stopped already
			return nil, fmt.Errorf("serve exited before it listened: %v\nlogs:\n%s", err, s.logs)
		default:
		}
		if time.Now().After(deadline) {
			return s, fmt.Errorf("serve did not print its URL; logs:\n%s", s.logs)
		}
		if m := urlLine.FindStringSubmatch(s.out.String()); m != nil {
			s.URL = m[1]
		}
		time.Sleep(10 * time.Millisecond)
	}
	for {
		resp, err := http.Get(s.URL + "/healthz")
		if err == nil {
			resp.Body.Close()
			if resp.StatusCode == http.StatusOK {
				return s, nil
			}
		}
		if time.Now().After(deadline) {
			return s, fmt.Errorf("/healthz never answered 200: %v", err)
		}
		time.Sleep(10 * time.Millisecond)
	}
}

// stop cancels the server's context and checks it exits cleanly. Safe to
// call twice.
func (s *testServer) stop(t *testing.T) {
	t.Helper()
	if s.cancel == nil {
		return
	}
	s.cancel()
	s.cancel = nil
	select {
	case err := <-s.done:
		if err != nil {
			t.Errorf("serve returned %v after shutdown; logs:\n%s", err, s.logs)
		}
	case <-time.After(30 * time.Second):
		t.Errorf("serve did not stop within 30s of its shutdown signal")
	}
}

// browser is an HTTP client with cookies, like one browser profile.
type browser struct {
	t      *testing.T
	client *http.Client
	base   string
	srv    *testServer // whose logs a failure prints
}

func newBrowser(t *testing.T, srv *testServer) *browser {
	jar, _ := cookiejar.New(nil)
	return &browser{t: t, base: srv.URL, srv: srv, client: &http.Client{
		Jar:           jar,
		CheckRedirect: func(*http.Request, []*http.Request) error { return http.ErrUseLastResponse },
	}}
}

// cookieHeader returns the browser's cookies for the server, for a request
// made outside its client (the event stream).
func (b *browser) cookieHeader() map[string]string {
	u, _ := url.Parse(b.base)
	var parts []string
	for _, c := range b.client.Jar.Cookies(u) {
		parts = append(parts, c.Name+"="+c.Value)
	}
	return map[string]string{"Cookie": strings.Join(parts, "; ")}
}

// get fetches a page and parses it.
func (b *browser) get(path string) (*http.Response, *goquery.Document) {
	b.t.Helper()
	resp, err := b.client.Get(b.base + path)
	if err != nil {
		b.t.Fatalf("GET %s: %v", path, err)
	}
	defer resp.Body.Close()
	doc, err := goquery.NewDocumentFromReader(resp.Body)
	if err != nil {
		b.t.Fatalf("parse %s: %v", path, err)
	}
	return resp, doc
}

// getRows fetches the airline table body that a live page re-fetches. A
// lone <tbody> is valid only inside a table, so it is parsed in one.
func (b *browser) getRows() *goquery.Document {
	b.t.Helper()
	resp, err := b.client.Get(b.base + "/airlines/rows")
	if err != nil {
		b.t.Fatalf("GET rows: %v", err)
	}
	defer resp.Body.Close()
	body, err := io.ReadAll(resp.Body)
	if err != nil {
		b.t.Fatal(err)
	}
	doc, err := goquery.NewDocumentFromReader(strings.NewReader("<table>" + string(body) + "</table>"))
	if err != nil {
		b.t.Fatal(err)
	}
	return doc
}

// post submits a form the way a browser without JavaScript does.
func (b *browser) post(path string, form url.Values, header map[string]string) (*http.Response, *goquery.Document) {
	b.t.Helper()
	req, err := http.NewRequest(http.MethodPost, b.base+path, strings.NewReader(form.Encode()))
	if err != nil {
		b.t.Fatal(err)
	}
	req.Header.Set("Content-Type", "application/x-www-form-urlencoded")
	for k, v := range header {
		req.Header.Set(k, v)
	}
	resp, err := b.client.Do(req)
	if err != nil {
		b.t.Fatalf("POST %s: %v", path, err)
	}
	defer resp.Body.Close()
	doc, err := goquery.NewDocumentFromReader(resp.Body)
	if err != nil {
		b.t.Fatalf("parse %s: %v", path, err)
	}
	return resp, doc
}

// airlineForm loads the airline page and returns its form's hidden fields
// filled with the given values.
func (b *browser) airlineForm(name, icao, iata, slug string) url.Values {
	b.t.Helper()
	_, doc := b.get("/airlines")
	form := doc.Find(`[data-testid="airline-form"]`)
	csrf, _ := form.Find(`input[name="_csrf"]`).Attr("value")
	cmd, _ := form.Find(`input[name="command_id"]`).Attr("value")
	if csrf == "" || cmd == "" {
		b.t.Fatalf("airline form lacks its hidden fields (csrf %q, command id %q)", csrf, cmd)
	}
	return url.Values{"_csrf": {csrf}, "command_id": {cmd}, "name": {name}, "icao": {icao}, "iata": {iata}, "slug": {slug}}
}

// airlineNames lists the names in the airline table of a page.
func airlineNames(doc *goquery.Document) []string {
	var names []string
	doc.Find(`[data-testid="airline-row"] [data-testid="airline-name"]`).Each(func(_ int, s *goquery.Selection) {
		names = append(names, strings.TrimSpace(s.Text()))
	})
	return names
}

// sseEvent is one event read off the stream.
type sseEvent struct{ ID, Name, Data string }

// openStream connects to /events and delivers its events on a channel.
func openStream(t *testing.T, base string, header map[string]string) <-chan sseEvent {
	t.Helper()
	ctx, cancel := context.WithCancel(context.Background())
	t.Cleanup(cancel)
	req, _ := http.NewRequestWithContext(ctx, http.MethodGet, base+"/events", nil)
	for k, v := range header {
		req.Header.Set(k, v)
	}
	resp, err := http.DefaultClient.Do(req)
	if err != nil {
		t.Fatalf("open event stream: %v", err)
	}
	if ct := resp.Header.Get("Content-Type"); resp.StatusCode != http.StatusOK || !strings.HasPrefix(ct, "text/event-stream") {
		t.Fatalf("event stream answered %d %q", resp.StatusCode, ct)
	}
	ch := make(chan sseEvent, 64)
	go func() {
		defer resp.Body.Close()
		defer close(ch)
		readEvents(resp.Body, ch)
	}()
	return ch
}

func readEvents(r io.Reader, ch chan<- sseEvent) {
	sc := bufio.NewScanner(r)
	var ev sseEvent
	for sc.Scan() {
		line := sc.Text()
		switch {
		case line == "":
			if ev.Name != "" {
				ch <- ev
			}
			ev = sseEvent{}
		case strings.HasPrefix(line, "id: "):
			ev.ID = strings.TrimPrefix(line, "id: ")
		case strings.HasPrefix(line, "event: "):
			ev.Name = strings.TrimPrefix(line, "event: ")
		case strings.HasPrefix(line, "data: "):
			ev.Data = strings.TrimPrefix(line, "data: ")
		}
	}
}

// waitEvent returns the first event named name whose data contains want.
func waitEvent(t *testing.T, ch <-chan sseEvent, name, want string) sseEvent {
	t.Helper()
	timeout := time.After(10 * time.Second)
	for {
		select {
		case ev, ok := <-ch:
			if !ok {
				t.Fatalf("event stream closed before a %q event with %q", name, want)
			}
			if ev.Name == name && strings.Contains(ev.Data, want) {
				return ev
			}
		case <-timeout:
			t.Fatalf("no %q event with %q arrived", name, want)
		}
	}
}

// adminPassword is what loginAsAdmin sets the admin's password to.
const adminPassword = "a password the admin chose"

var oneTimeInLog = regexp.MustCompile(`one_time_password=(\S+)`)

// loginAsAdmin logs in as the platform admin that the first start created,
// with the one-time password from whichever server's log announced it,
// and chooses a password, as the first user of a new deployment does. It
// returns a browser on srv with that session.
func loginAsAdmin(t *testing.T, srv *testServer, others ...*testServer) *browser {
	t.Helper()
	var otp string
	for _, s := range append([]*testServer{srv}, others...) {
		if m := oneTimeInLog.FindStringSubmatch(s.logs.String()); m != nil {
			otp = m[1]
		}
	}
	srv.waitReady(t)
	b := newBrowser(t, srv)
	if otp == "" {
		// The admin exists from an earlier start of this deployment.
		b.logIn(t, "admin", adminPassword, "/airlines")
		return b
	}
	b.logIn(t, "admin", otp, "/account/password")
	_, doc := b.get("/account/password")
	csrf, _ := doc.Find(`[data-testid="password-form"] input[name="_csrf"]`).Attr("value")
	resp, _ := b.post("/account/password", url.Values{"_csrf": {csrf}, "current": {otp}, "password": {adminPassword}, "confirm": {adminPassword}}, nil)
	if resp.StatusCode != http.StatusSeeOther {
		t.Fatalf("choosing the admin's password: status %d", resp.StatusCode)
	}
	return b
}

// waitReady waits until /readyz answers 200: the read models have caught up,
// so the users created at start can log in.
func (s *testServer) waitReady(t *testing.T) {
	t.Helper()
	deadline := time.Now().Add(30 * time.Second)
	for {
		resp, err := http.Get(s.URL + "/readyz")
		if err == nil {
			resp.Body.Close()
			if resp.StatusCode == http.StatusOK {
				return
			}
		}
		if time.Now().After(deadline) {
			t.Fatalf("%s never became ready: %v", s.URL, err)
		}
		time.Sleep(20 * time.Millisecond)
	}
}

// logIn submits the login form and checks where it leads.
func (b *browser) logIn(t *testing.T, login, password, wantLocation string) {
	t.Helper()
	_, doc := b.get("/login")
	csrf, _ := doc.Find(`[data-testid="login-form"] input[name="_csrf"]`).Attr("value")
	resp, _ := b.post("/login", url.Values{"_csrf": {csrf}, "email": {login}, "password": {password}, "next": {"/airlines"}}, nil)
	if resp.StatusCode != http.StatusSeeOther || resp.Header.Get("Location") != wantLocation {
		t.Fatalf("log in as %s: status %d to %q, want 303 to %s", login, resp.StatusCode, resp.Header.Get("Location"), wantLocation)
	}
}
