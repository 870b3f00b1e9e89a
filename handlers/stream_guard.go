package handlers

import (
	"context"
	"log/slog"
	"sync"
	"time"

	"github.com/alexedwards/scs/v2"
	"github.com/labstack/echo/v4"

	"github.com/albatross-va/albatross/domain"
	"github.com/albatross-va/albatross/store/reads"
	"github.com/albatross-va/albatross/store/sessions"
)

// streamRecheck is how often the open streams are rechecked, so a member
// suspended or logged out stops receiving notices within a second.
const streamRecheck = time.Second

// streamSession is who an open stream was opened for: the session's token
// and the person and role it showed then.
type streamSession struct {
	token, user, role string
}

// streamCheck says, for many sessions at once, which may still see their
// streams; a session left out may not.
type streamCheck func(ctx context.Context, ss []streamSession) (map[streamSession]bool, error)

// streamGuard rechecks every open stream of this process once a
// streamRecheck, all of them in one check: with a thousand open pages
// that is a few reads a second (PostgreSQL: one for the sessions, one for
// the people), not three per page. Streams of one session (a person's
// tabs) are checked once. Its goroutine runs only while streams are open.
type streamGuard struct {
	check streamCheck
	log   *slog.Logger

	mu      sync.Mutex
	streams map[*guardedStream]struct{}
	running bool
}

type guardedStream struct {
	streamSession
	ended chan struct{} // closed when the stream's person may no longer see it
}

func newStreamGuard(check streamCheck, log *slog.Logger) *streamGuard {
	return &streamGuard{check: check, log: log, streams: map[*guardedStream]struct{}{}}
}

// watch guards the stream of s until stop; ended is closed when s may no
// longer see it.
func (g *streamGuard) watch(s streamSession) (ended <-chan struct{}, stop func()) {
	gs := &guardedStream{streamSession: s, ended: make(chan struct{})}
	g.mu.Lock()
	defer g.mu.Unlock()
	g.streams[gs] = struct{}{}
	if !g.running {
		g.running = true
		go g.loop()
	}
	return gs.ended, func() {
		g.mu.Lock()
		defer g.mu.Unlock()
		delete(g.streams, gs)
	}
}

func (g *streamGuard) loop() {
	t := time.NewTicker(streamRecheck)
	defer t.Stop()
	for range t.C {
		g.mu.Lock()
		if len(g.streams) == 0 {
			g.running = false
			g.mu.Unlock()
			return
		}
		bySession := map[streamSession][]*guardedStream{}
		for gs := range g.streams {
			bySession[gs.streamSession] = append(bySession[gs.streamSession], gs)
		}
		g.mu.Unlock()
		g.recheck(bySession)
	}
}

// recheck ends the streams whose sessions may no longer see them. A check
// that fails (the database away a moment) ends none: it is tried again at
// the next tick, and a stream carries nothing new while the store is away.
func (g *streamGuard) recheck(bySession map[streamSession][]*guardedStream) {
	ss := make([]streamSession, 0, len(bySession))
	for s := range bySession {
		ss = append(ss, s)
	}
	ctx, cancel := context.WithTimeout(context.Background(), streamRecheck)
	defer cancel()
	still, err := g.check(ctx, ss)
	if err != nil {
		g.log.Warn("recheck the live streams' sessions", "streams", len(ss), "err", err)
		return
	}
	g.mu.Lock()
	defer g.mu.Unlock()
	for s, streams := range bySession {
		if still[s] {
			continue
		}
		for _, gs := range streams {
			if _, open := g.streams[gs]; open {
				delete(g.streams, gs)
				close(gs.ended)
			}
		}
	}
}

// sessionOf is who the stream of request c is for, or false when nobody is
// signed in on it.
func sessionOf(sm *scs.SessionManager, c echo.Context) (streamSession, bool) {
	u, ok := currentUser(c)
	if !ok {
		return streamSession{}, false
	}
	token := sm.Token(c.Request().Context())
	if token == "" {
		return streamSession{}, false
	}
	return streamSession{token: token, user: u.ID, role: u.Role}, true
}

// stillSignedIn is the check of the open streams: each session is read
// again from the store (a logout destroys it there), and its person again
// from the read models, as loadUser would on a next request: same person,
// same password, same role (the broker chose what the stream shows by the
// role it opened with), and neither they nor their airline suspended. All
// sessions in one read of the store and one of the read models.
func stillSignedIn(sm *scs.SessionManager, rm reads.Querier) streamCheck {
	return func(ctx context.Context, ss []streamSession) (map[streamSession]bool, error) {
		tokens := make([]string, 0, len(ss))
		ids := make([]string, 0, len(ss))
		for _, s := range ss {
			tokens = append(tokens, s.token)
			ids = append(ids, s.user)
		}
		found, err := sessions.FindMany(ctx, sm.Store, tokens)
		if err != nil {
			return nil, err
		}
		people, err := rm.FindSignInStates(ctx, ids)
		if err != nil {
			return nil, err
		}
		now := time.Now()
		out := make(map[streamSession]bool, len(ss))
		for _, s := range ss {
			b, ok := found[s.token]
			if !ok {
				continue
			}
			deadline, values, err := sm.Codec.Decode(b)
			if err != nil || !now.Before(deadline) {
				continue
			}
			id, _ := values[sessionUserKey].(string)
			stamp, _ := values[sessionPasswordKey].(string)
			previous, _ := values[sessionPreviousPasswordKey].(string)
			p, ok := people[s.user]
			if !ok || id != s.user || !stampMatches(stamp, previous, p.PasswordHash) || p.Role != s.role {
				continue
			}
			out[s] = domain.LoginRefusal(p.Status, p.StatusReason, p.AirlineSuspended) == ""
		}
		return out, nil
	}
}
