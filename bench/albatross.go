package main

import (
	"bufio"
	"context"
	"errors"
	"fmt"
	"io"
	"log/slog"
	"net/http"
	"net/http/cookiejar"
	"net/url"
	"os"
	"os/exec"
	"path/filepath"
	"strings"
	"syscall"
	"time"
)

// The PIREP benchmarks drive the real `albatross serve`: the binary the
// Makefile builds (or one built here), started as a child process on a
// free port with the mode's settings, so every request crosses the wiring
// of cmd/albatross (sessions, CSRF, broker, projector, read-your-writes)
// exactly as in production, and the bench duplicates none of it.

// buildAlbatross builds cmd/albatross into dir and returns its path.
func buildAlbatross(ctx context.Context, dir string, log *slog.Logger) (string, error) {
	bin := filepath.Join(dir, "albatross")
	t0 := time.Now()
	cmd := exec.CommandContext(ctx, "go", "build", "-o", bin, "./cmd/albatross")
	if out, err := cmd.CombinedOutput(); err != nil {
		return "", fmt.Errorf("go build ./cmd/albatross (run the bench from the module root): %w\n%s", err, out)
	}
	log.Info("built albatross", "bin", bin, "took", time.Since(t0).Round(time.Millisecond))
	return bin, nil
}

// server is one `albatross serve` child process.
type server struct {
	url     string
	cmd     *exec.Cmd
	logPath string
	exited  chan error
	started time.Duration // from exec to the first answered /healthz
}

// startServer runs `bin serve` with env (ALBATROSS_DATA_DIR or
// DATABASE_URL) on a free port, waits until it answers /healthz and
// returns it. Its log (level warn) goes to a file in logDir.
func startServer(ctx context.Context, bin, logDir string, env []string) (*server, error) {
	env = append([]string{"ALBATROSS_ADDR=127.0.0.1:0", "ALBATROSS_LOG_LEVEL=warn", "ALBATROSS_SHUTDOWN_TIMEOUT=30s"}, env...)
	return startChild(ctx, logDir, env, bin, "serve")
}

// startChild runs a program that prints "… is running at <url> …" once it
// listens and answers GET /healthz (albatross serve, the load baseline),
// and waits until it answers.
func startChild(ctx context.Context, logDir string, env []string, bin string, args ...string) (*server, error) {
	logFile, err := os.CreateTemp(logDir, "albatross-*.log")
	if err != nil {
		return nil, err
	}
	defer logFile.Close()
	cmd := exec.Command(bin, args...)
	cmd.Env = append(os.Environ(), env...)
	cmd.Stderr = logFile
	stdout, err := cmd.StdoutPipe()
	if err != nil {
		return nil, err
	}
	s := &server{cmd: cmd, logPath: logFile.Name(), exited: make(chan error, 1)}
	t0 := time.Now()
	if err := cmd.Start(); err != nil {
		return nil, fmt.Errorf("start albatross: %w", err)
	}
	urls := make(chan string, 1)
	go func() {
		sc := bufio.NewScanner(stdout)
		for sc.Scan() {
			// "Albatross is running at http://127.0.0.1:N (embedded mode)."
			if _, rest, ok := strings.Cut(sc.Text(), "is running at "); ok {
				u, _, _ := strings.Cut(rest, " ")
				select {
				case urls <- u:
				default:
				}
			}
		}
		_, _ = io.Copy(io.Discard, stdout)
	}()
	go func() { s.exited <- cmd.Wait() }()
	select {
	case s.url = <-urls:
	case err := <-s.exited:
		defer os.Remove(s.logPath)
		return nil, fmt.Errorf("%s exited at start (%v): %s", filepath.Base(bin), err, s.logTail())
	case <-ctx.Done():
		s.stop()
		return nil, ctx.Err()
	case <-time.After(10 * time.Minute):
		s.stop()
		return nil, fmt.Errorf("%s did not start within 10 minutes: %s", filepath.Base(bin), s.logTail())
	}
	for {
		resp, err := http.Get(s.url + "/healthz")
		if err == nil {
			resp.Body.Close()
			if resp.StatusCode == http.StatusOK {
				break
			}
		}
		if ctx.Err() != nil {
			s.stop()
			return nil, ctx.Err()
		}
		time.Sleep(10 * time.Millisecond)
	}
	s.started = time.Since(t0)
	return s, nil
}

// stop shuts the server down gracefully (SIGTERM), killing it if it
// hangs, and removes its log.
func (s *server) stop() {
	_ = s.cmd.Process.Signal(syscall.SIGTERM)
	select {
	case <-s.exited:
	case <-time.After(45 * time.Second):
		_ = s.cmd.Process.Kill()
		<-s.exited
	}
	s.exited <- errors.New("stopped")
	_ = os.Remove(s.logPath)
}

// logTail is the end of the server's log, for error messages.
func (s *server) logTail() string {
	b, _ := os.ReadFile(s.logPath)
	if len(b) > 2000 {
		b = b[len(b)-2000:]
	}
	return string(b)
}

// browser is one person's browser: its own cookies (session and CSRF),
// redirects not followed, so each request is timed on its own.
type browser struct {
	base string
	c    *http.Client
}

// benchTransport is shared by every browser of a run: connections are
// reused as a browser's would be.
var benchTransport = &http.Transport{MaxIdleConns: 4096, MaxIdleConnsPerHost: 4096, IdleConnTimeout: time.Minute}

func newBrowser(base string) *browser { return newBrowserOn(base, benchTransport) }

// newBrowserOneConn is a browser with a keep-alive connection of its own,
// as the load generator's 32 connections each are.
func newBrowserOneConn(base string) *browser {
	return newBrowserOn(base, &http.Transport{MaxConnsPerHost: 1, MaxIdleConnsPerHost: 1, IdleConnTimeout: time.Minute})
}

func newBrowserOn(base string, rt http.RoundTripper) *browser {
	jar, _ := cookiejar.New(nil)
	return &browser{base: base, c: &http.Client{Jar: jar, Transport: rt,
		CheckRedirect: func(*http.Request, []*http.Request) error { return http.ErrUseLastResponse }}}
}

// csrf is the browser's CSRF token: the value of its _csrf cookie.
func (b *browser) csrf() string {
	u, _ := url.Parse(b.base)
	for _, ck := range b.c.Jar.Cookies(u) {
		if ck.Name == "_csrf" {
			return ck.Value
		}
	}
	return ""
}

// logIn opens the login page (for the CSRF cookie) and logs in.
func (b *browser) logIn(ctx context.Context, email, password string) error {
	if _, _, err := b.get(ctx, "/login"); err != nil {
		return err
	}
	status, loc, err := b.post(ctx, "/login", url.Values{"email": {email}, "password": {password}})
	if err != nil {
		return fmt.Errorf("log in as %s: %w", email, err)
	}
	if status != http.StatusSeeOther || loc == "/login" || strings.HasPrefix(loc, "/account/password") {
		return fmt.Errorf("log in as %s: status %d, to %q", email, status, loc)
	}
	return nil
}

// get fetches a page, reads its whole body, and returns the status and
// the body's length.
func (b *browser) get(ctx context.Context, path string) (int, int64, error) {
	req, err := http.NewRequestWithContext(ctx, http.MethodGet, b.base+path, nil)
	if err != nil {
		return 0, 0, err
	}
	resp, err := b.c.Do(req)
	if err != nil {
		return 0, 0, err
	}
	defer resp.Body.Close()
	n, err := io.Copy(io.Discard, resp.Body)
	return resp.StatusCode, n, err
}

// fetch returns a page's body, wanting a 200.
func (b *browser) fetch(ctx context.Context, path string) ([]byte, error) {
	req, err := http.NewRequestWithContext(ctx, http.MethodGet, b.base+path, nil)
	if err != nil {
		return nil, err
	}
	resp, err := b.c.Do(req)
	if err != nil {
		return nil, err
	}
	defer resp.Body.Close()
	body, err := io.ReadAll(resp.Body)
	if err == nil && resp.StatusCode != http.StatusOK {
		err = fmt.Errorf("GET %s: status %d", path, resp.StatusCode)
	}
	return body, err
}

// getOK is get that wants a 200.
func (b *browser) getOK(ctx context.Context, path string) (int64, error) {
	status, n, err := b.get(ctx, path)
	if err == nil && status != http.StatusOK {
		err = fmt.Errorf("GET %s: status %d", path, status)
	}
	return n, err
}

// post sends a form with the browser's CSRF token and returns the status
// and the redirect's target.
func (b *browser) post(ctx context.Context, path string, form url.Values) (int, string, error) {
	form.Set("_csrf", b.csrf())
	req, err := http.NewRequestWithContext(ctx, http.MethodPost, b.base+path, strings.NewReader(form.Encode()))
	if err != nil {
		return 0, "", err
	}
	req.Header.Set("Content-Type", "application/x-www-form-urlencoded")
	resp, err := b.c.Do(req)
	if err != nil {
		return 0, "", err
	}
	defer resp.Body.Close()
	body, _ := io.ReadAll(resp.Body)
	if resp.StatusCode >= 400 {
		return resp.StatusCode, "", fmt.Errorf("POST %s: status %d: %.300s", path, resp.StatusCode, body)
	}
	return resp.StatusCode, resp.Header.Get("Location"), nil
}

// raiseFileLimit makes sure the process may hold need open files (each
// connection is one), raising the soft limit up to the hard one.
func raiseFileLimit(need uint64) error {
	var lim syscall.Rlimit
	if err := syscall.Getrlimit(syscall.RLIMIT_NOFILE, &lim); err != nil {
		return err
	}
	if lim.Cur >= need {
		return nil
	}
	if lim.Max < need {
		return fmt.Errorf("the open-file limit is %d (hard %d); %d are needed: raise it (ulimit -Hn)", lim.Cur, lim.Max, need)
	}
	lim.Cur = need
	return syscall.Setrlimit(syscall.RLIMIT_NOFILE, &lim)
}

// wrap adds a request error with the server's log tail.
func (s *server) wrap(err error) error {
	if err == nil {
		return nil
	}
	select {
	case exitErr := <-s.exited:
		s.exited <- exitErr
		return fmt.Errorf("%w (albatross exited: %v): %s", err, exitErr, s.logTail())
	default:
		return err
	}
}
