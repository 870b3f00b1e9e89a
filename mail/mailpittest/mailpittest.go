// Package mailpittest starts a real SMTP server for tests: Mailpit
// (github.com/axllent/mailpit, pinned as a tool of the small module
// internal/tools/mailpit so that its dependencies stay out of
// Albatross's go.mod), built once per machine and started on random
// ports; messages are read back through its HTTP API.
package mailpittest

import (
	"bytes"
	"context"
	"encoding/json"
	"fmt"
	"io"
	"net"
	"net/http"
	"net/url"
	"os"
	"os/exec"
	"path/filepath"
	"strconv"
	"strings"
	"sync"
	"syscall"
	"testing"
	"time"

	"github.com/albatross-va/albatross/mail"
)

// version is the Mailpit the tool module pins; the binary is cached under
// this name.
const version = "v1.33.1"

// Server is one running Mailpit.
type Server struct {
	SMTPHost string
	SMTPPort int
	API      string // http://127.0.0.1:port
}

// Settings are SMTP settings that send to this server without TLS.
func (s *Server) Settings(from string) mail.Settings {
	return mail.Settings{Host: s.SMTPHost, Port: s.SMTPPort, TLS: mail.TLSNone, From: from}
}

var (
	buildOnce sync.Once
	binary    string
	buildErr  error
)

// moduleDir finds internal/tools/mailpit from the working directory (a
// package's folder when go test runs).
func moduleDir() (string, error) {
	dir, err := os.Getwd()
	if err != nil {
		return "", err
	}
	for {
		p := filepath.Join(dir, "internal", "tools", "mailpit", "go.mod")
		if _, err := os.Stat(p); err == nil {
			return filepath.Dir(p), nil
		}
		parent := filepath.Dir(dir)
		if parent == dir {
			return "", fmt.Errorf("internal/tools/mailpit/go.mod not found above the working directory")
		}
		dir = parent
	}
}

// build compiles Mailpit once into the user cache; a second package's
// tests find it there. The binary is written beside and renamed, so two
// packages building at once never run half a file.
func build() (string, error) {
	buildOnce.Do(func() {
		cache, err := os.UserCacheDir()
		if err != nil {
			cache = os.TempDir()
		}
		binary = filepath.Join(cache, "albatross-test", "mailpit-"+version)
		if _, err := os.Stat(binary); err == nil {
			return
		}
		dir, err := moduleDir()
		if err != nil {
			buildErr = err
			return
		}
		if err := os.MkdirAll(filepath.Dir(binary), 0o755); err != nil {
			buildErr = err
			return
		}
		// The test binaries of several packages start at once: one builds,
		// the others wait on the lock and find the binary.
		lock, err := os.OpenFile(binary+".lock", os.O_CREATE|os.O_RDWR, 0o644)
		if err != nil {
			buildErr = err
			return
		}
		defer lock.Close()
		if err := syscall.Flock(int(lock.Fd()), syscall.LOCK_EX); err != nil {
			buildErr = err
			return
		}
		defer func() { _ = syscall.Flock(int(lock.Fd()), syscall.LOCK_UN) }()
		if _, err := os.Stat(binary); err == nil {
			return
		}
		tmp := fmt.Sprintf("%s.%d.tmp", binary, os.Getpid())
		cmd := exec.Command("go", "build", "-o", tmp, "github.com/axllent/mailpit")
		cmd.Dir = dir
		if out, err := cmd.CombinedOutput(); err != nil {
			buildErr = fmt.Errorf("build mailpit: %v\n%s", err, out)
			return
		}
		buildErr = os.Rename(tmp, binary)
	})
	return binary, buildErr
}

// freePort asks the kernel for a free port on the loopback.
func freePort(t testing.TB) int {
	t.Helper()
	ln, err := net.Listen("tcp", "127.0.0.1:0")
	if err != nil {
		t.Fatal(err)
	}
	defer ln.Close()
	return ln.Addr().(*net.TCPAddr).Port
}

// Start builds (once) and starts a Mailpit for the test, stopped when it
// ends. extra are more of Mailpit's flags (--enable-chaos, …).
func Start(t testing.TB, extra ...string) *Server {
	t.Helper()
	bin, err := build()
	if err != nil {
		t.Fatal(err)
	}
	for attempt := 0; ; attempt++ {
		smtpPort, httpPort := freePort(t), freePort(t)
		args := append([]string{
			"--smtp", "127.0.0.1:" + strconv.Itoa(smtpPort),
			"--listen", "127.0.0.1:" + strconv.Itoa(httpPort),
			"--database", filepath.Join(t.TempDir(), "mailpit.db"),
			"--disable-version-check", "--smtp-disable-rdns", "--quiet",
		}, extra...)
		ctx, cancel := context.WithCancel(context.Background())
		cmd := exec.CommandContext(ctx, bin, args...)
		var logs bytes.Buffer
		cmd.Stdout, cmd.Stderr = &logs, &logs
		if err := cmd.Start(); err != nil {
			cancel()
			t.Fatalf("start mailpit: %v", err)
		}
		exited := make(chan struct{})
		go func() { _ = cmd.Wait(); close(exited) }()
		s := &Server{SMTPHost: "127.0.0.1", SMTPPort: smtpPort, API: "http://127.0.0.1:" + strconv.Itoa(httpPort)}
		if s.waitUp(exited) {
			t.Cleanup(func() { cancel(); <-exited })
			return s
		}
		cancel()
		<-exited
		if attempt == 2 { // a port taken between freePort and the start
			t.Fatalf("mailpit did not start:\n%s", logs.String())
		}
	}
}

// waitUp polls the API until it answers, or the process exits.
func (s *Server) waitUp(exited <-chan struct{}) bool {
	deadline := time.Now().Add(20 * time.Second)
	for time.Now().Before(deadline) {
		select {
		case <-exited:
			return false
		default:
		}
		resp, err := http.Get(s.API + "/api/v1/messages")
		if err == nil {
			resp.Body.Close()
			if resp.StatusCode == http.StatusOK {
				if c, err := net.DialTimeout("tcp", net.JoinHostPort(s.SMTPHost, strconv.Itoa(s.SMTPPort)), time.Second); err == nil {
					c.Close()
					return true
				}
			}
		}
		time.Sleep(50 * time.Millisecond)
	}
	return false
}

// Address is a sender or recipient as the API reports it.
type Address struct {
	Name    string
	Address string
}

// Summary is a message in the API's list.
type Summary struct {
	ID      string
	From    Address
	To      []Address
	Subject string
}

// Message is one message with its parts and headers.
type Message struct {
	Summary
	Text    string
	HTML    string
	Headers map[string][]string
}

func (s *Server) getJSON(t testing.TB, path string, v any) {
	t.Helper()
	resp, err := http.Get(s.API + path)
	if err != nil {
		t.Fatal(err)
	}
	defer resp.Body.Close()
	body, _ := io.ReadAll(resp.Body)
	if resp.StatusCode != http.StatusOK {
		t.Fatalf("mailpit GET %s: %d %s", path, resp.StatusCode, body)
	}
	if err := json.Unmarshal(body, v); err != nil {
		t.Fatalf("mailpit GET %s: %v", path, err)
	}
}

// Messages lists the messages sent to to (all when empty), newest first.
func (s *Server) Messages(t testing.TB, to string) []Summary {
	t.Helper()
	var list struct{ Messages []Summary }
	if to == "" {
		s.getJSON(t, "/api/v1/messages", &list)
	} else {
		s.getJSON(t, "/api/v1/search?query="+url.QueryEscape("to:"+to), &list)
	}
	return list.Messages
}

// Message reads one message with its parts and headers.
func (s *Server) Message(t testing.TB, id string) Message {
	t.Helper()
	var m Message
	s.getJSON(t, "/api/v1/message/"+url.PathEscape(id), &m)
	s.getJSON(t, "/api/v1/message/"+url.PathEscape(id)+"/headers", &m.Headers)
	return m
}

// WaitFor waits until n messages to to have arrived whose subject holds
// subject, and returns the newest in full.
func (s *Server) WaitFor(t testing.TB, to, subject string, n int) Message {
	t.Helper()
	deadline := time.Now().Add(20 * time.Second)
	for {
		var found []Summary
		for _, m := range s.Messages(t, to) {
			if strings.Contains(m.Subject, subject) {
				found = append(found, m)
			}
		}
		if len(found) >= n {
			return s.Message(t, found[0].ID)
		}
		if time.Now().After(deadline) {
			t.Fatalf("no %d message(s) to %s about %q within 20s (found %d)", n, to, subject, len(found))
		}
		time.Sleep(50 * time.Millisecond)
	}
}

// Count is how many messages to to have subject in theirs.
func (s *Server) Count(t testing.TB, to, subject string) int {
	t.Helper()
	n := 0
	for _, m := range s.Messages(t, to) {
		if strings.Contains(m.Subject, subject) {
			n++
		}
	}
	return n
}

// FailSenders has the SMTP server refuse every MAIL FROM with code (a 4xx
// is temporary), or accept them again with code 0. The server must have
// been started with --enable-chaos.
func (s *Server) FailSenders(t testing.TB, code int) {
	t.Helper()
	prob := 100
	if code == 0 {
		code, prob = 451, 0
	}
	body := fmt.Sprintf(`{"Sender":{"ErrorCode":%d,"Probability":%d}}`, code, prob)
	req, _ := http.NewRequest(http.MethodPut, s.API+"/api/v1/chaos", strings.NewReader(body))
	req.Header.Set("Content-Type", "application/json")
	resp, err := http.DefaultClient.Do(req)
	if err != nil {
		t.Fatal(err)
	}
	defer resp.Body.Close()
	if resp.StatusCode != http.StatusOK {
		b, _ := io.ReadAll(resp.Body)
		t.Fatalf("mailpit chaos: %d %s", resp.StatusCode, b)
	}
}
