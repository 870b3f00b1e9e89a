package handlers_test

import (
	"bufio"
	"context"
	"net/http"
	"net/url"
	"strings"
	"testing"
	"time"

	"github.com/albatross-va/albatross/domain"
)

// openStream opens /events as a client; the channel gets each SSE event
// name and is closed when the server ends the stream.
func openStream(t *testing.T, client *http.Client, u string) <-chan string {
	t.Helper()
	ctx, cancel := context.WithCancel(context.Background())
	t.Cleanup(cancel)
	req, _ := http.NewRequestWithContext(ctx, http.MethodGet, u, nil)
	resp, err := client.Do(req)
	if err != nil {
		t.Fatal(err)
	}
	if resp.StatusCode != http.StatusOK {
		t.Fatalf("%s: %d", u, resp.StatusCode)
	}
	names := make(chan string, 1024)
	go func() {
		defer close(names)
		defer resp.Body.Close()
		sc := bufio.NewScanner(resp.Body)
		for sc.Scan() {
			if name, ok := strings.CutPrefix(sc.Text(), "event: "); ok {
				names <- name
			}
		}
	}()
	return names
}

// ended says whether the server ends a stream within a bound: the stream
// rechecks every second, so a few seconds is ample even on a busy machine.
func ended(lines <-chan string) bool {
	timeout := time.After(5 * time.Second)
	for {
		select {
		case _, ok := <-lines:
			if !ok {
				return true
			}
		case <-timeout:
			return false
		}
	}
}

// closed says whether a stream has ended by now, without waiting.
func closed(lines <-chan string) bool {
	for {
		select {
		case _, ok := <-lines:
			if !ok {
				return true
			}
		default:
			return false
		}
	}
}

// A member's open /events stream ends when the member is suspended, when
// their airline is, and when their session ends: it no longer receives the
// airline's notices. A colleague's stream carries on.
func TestAStreamEndsWhenItsPersonMayNoLongerSeeIt(t *testing.T) {
	for _, m := range []mode{embedded, postgres} {
		t.Run(string(m), func(t *testing.T) { testAStreamEnds(t, m) })
	}
}

func testAStreamEnds(t *testing.T, m mode) {
	w := newMatrixWorld(t, m)
	a := w.airlines["A"]
	pilot, staff := w.actors[1], w.actors[2]
	ctx, sys := context.Background(), domain.CommandMeta{Who: domain.System}
	pilotID := func() string {
		u, err := w.rm.GetUserByEmail(ctx, pilot.login)
		if err != nil {
			t.Fatal(err)
		}
		return u.ID.String()
	}()

	for _, c := range []struct {
		name string
		end  func(t *testing.T)
		undo func(t *testing.T)
	}{
		{"the member logs out", func(t *testing.T) {
			resp, _ := post(t, pilot.client, w.URL+"/logout", url.Values{"_csrf": {w.csrfToken(t, pilot.client)}})
			if resp.StatusCode != http.StatusSeeOther {
				t.Fatalf("logout: %d", resp.StatusCode)
			}
		}, func(*testing.T) {}},
		{"the member is suspended", func(t *testing.T) {
			if _, err := w.users.Suspend(ctx, sys, a.id, pilotID, "Inactive"); err != nil {
				t.Fatal(err)
			}
		}, func(t *testing.T) {
			if _, err := w.users.Reactivate(ctx, sys, a.id, pilotID); err != nil {
				t.Fatal(err)
			}
		}},
		{"the airline is suspended", func(t *testing.T) {
			if _, err := w.app.airlines.Suspend(ctx, sys, a.id, "Unpaid"); err != nil {
				t.Fatal(err)
			}
		}, func(t *testing.T) {
			if _, err := w.app.airlines.Reactivate(ctx, sys, a.id); err != nil {
				t.Fatal(err)
			}
		}},
	} {
		t.Run(c.name, func(t *testing.T) {
			w.session(t, pilot)
			w.session(t, staff)
			mine := openStream(t, pilot.client, w.URL+"/events")
			colleague := openStream(t, staff.client, w.URL+"/events")
			c.end(t)
			w.settle(t)
			if !ended(mine) {
				t.Errorf("the pilot's stream is still open after %s", c.name)
			}
			// The colleague's stream was rechecked as often and is open
			// still, unless their airline is the one suspended.
			if c.name != "the airline is suspended" && closed(colleague) {
				t.Errorf("a colleague's stream ended when %s", c.name)
			}
			c.undo(t)
			w.settle(t)
		})
	}
}
