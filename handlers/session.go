package handlers

import (
	"context"
	"crypto/sha256"
	"encoding/hex"
	"fmt"
	"log/slog"
	"maps"
	"net/http"
	"net/url"
	"strings"
	"sync"
	"time"

	"github.com/alexedwards/scs/v2"
	"github.com/labstack/echo/v4"

	"github.com/albatross-va/albatross/domain"
	"github.com/albatross-va/albatross/store/reads"
)

const (
	sessionUserKey     = "user_id"
	sessionPasswordKey = "password_stamp"
	// sessionPreviousPasswordKey is the stamp of the password a session
	// changed from, accepted only until the read model shows the new one.
	sessionPreviousPasswordKey = "password_stamp_previous"
	sessionRoleKey             = "role"
	userKey                    = "user"
	userAirlineKey             = "user_airline"
)

// passwordStamp identifies the password a session logged in with, without
// holding the hash itself: a session whose stamp no longer matches the
// user's password ends, so a password change or reset logs out every
// other session.
func passwordStamp(hash string) string {
	sum := sha256.Sum256([]byte(hash))
	return hex.EncodeToString(sum[:8])
}

// stampMatches says whether a session's password stamps let it on with the
// password hash the read model shows: its own stamp, or, while the read
// model has not yet caught up with a change this session made, the stamp of
// the password it changed from.
func stampMatches(stamp, previous, hash string) bool {
	s := passwordStamp(hash)
	return s == stamp || (previous != "" && s == previous)
}

// NewSessions returns the session manager for a store: HttpOnly,
// SameSite=Lax cookies, Secure when served over TLS or behind a TLS proxy.
func NewSessions(store scs.Store, secure bool) *scs.SessionManager {
	sm := scs.New()
	sm.Store = store
	sm.Codec = newSessionCodec()
	// An absolute lifetime and no idle timeout: with an idle timeout scs
	// writes the whole session back on every request, so a request that
	// only read it would overwrite, with what it read, a change a
	// concurrent request made (a confirmation line, a logout).
	sm.Lifetime = 14 * 24 * time.Hour
	sm.Cookie.Name = "albatross_session"
	sm.Cookie.HttpOnly = true
	sm.Cookie.SameSite = http.SameSiteLaxMode
	sm.Cookie.Secure = secure
	sm.Cookie.Persist = true
	return sm
}

// sessionCodec is scs's gob encoding with the sessions it decoded kept by
// their bytes: a session is read on every request but changes rarely, and
// gob compiles its decoder afresh for each one (a tenth of what a busy
// embedded server allocated). Each Decode returns a copy of the values,
// which a request may change; the values are strings, shared safely.
type sessionCodec struct {
	scs.GobCodec

	mu      sync.Mutex
	decoded map[string]decodedSession
}

type decodedSession struct {
	deadline time.Time
	values   map[string]any
}

// maxDecodedSessions bounds the codec's memory (a session's bytes are a
// few hundred); past it the kept sessions are dropped and kept afresh.
const maxDecodedSessions = 10_000

func newSessionCodec() *sessionCodec {
	return &sessionCodec{decoded: map[string]decodedSession{}}
}

// Decode implements scs.Codec.
func (c *sessionCodec) Decode(b []byte) (time.Time, map[string]any, error) {
	c.mu.Lock()
	d, ok := c.decoded[string(b)]
	c.mu.Unlock()
	if ok {
		return d.deadline, maps.Clone(d.values), nil
	}
	deadline, values, err := c.GobCodec.Decode(b)
	if err != nil {
		return deadline, values, err
	}
	c.mu.Lock()
	if len(c.decoded) >= maxDecodedSessions {
		clear(c.decoded)
	}
	c.decoded[string(b)] = decodedSession{deadline: deadline, values: maps.Clone(values)}
	c.mu.Unlock()
	return deadline, values, nil
}

// withSession loads the session named by the cookie into the request's
// context and, just before the response's header goes out, saves it and
// sets the cookie: the echo counterpart of scs's LoadAndSave.
func withSession(sm *scs.SessionManager, log *slog.Logger) echo.MiddlewareFunc {
	return func(next echo.HandlerFunc) echo.HandlerFunc {
		return func(c echo.Context) error {
			var token string
			if cookie, err := c.Cookie(sm.Cookie.Name); err == nil {
				token = cookie.Value
			}
			ctx, err := sm.Load(c.Request().Context(), token)
			if err != nil {
				return err
			}
			c.SetRequest(c.Request().WithContext(ctx))
			w := c.Response()
			w.Header().Add("Vary", "Cookie")
			lost := false // a redirect turned into a 503: its session was not saved
			w.Before(func() {
				switch sm.Status(ctx) {
				case scs.Modified:
					token, expiry, err := sm.Commit(ctx)
					if err != nil {
						requestLogger(c, log).Warn("save session", "err", err)
						// A form's redirect would say it worked (a login,
						// say) when the session that records it is lost: a
						// 503, to be sent again, tells the truth. A page
						// keeps its status; only a confirmation line is lost.
						if h := w.Header(); w.Status/100 == 3 || h.Get("HX-Redirect") != "" {
							h.Del("Location")
							h.Del("HX-Redirect")
							h.Set("Retry-After", retryAfter)
							h.Set(echo.HeaderContentType, echo.MIMETextPlainCharsetUTF8)
							w.Status, lost = http.StatusServiceUnavailable, true
						}
						return
					}
					w.Header().Add("Cache-Control", `no-cache="Set-Cookie"`)
					sm.WriteSessionCookie(ctx, w, token, expiry)
				case scs.Destroyed:
					sm.WriteSessionCookie(ctx, w, "", time.Time{})
				}
			})
			err = next(c)
			if lost && w.Size == 0 {
				_, _ = w.Write([]byte(unavailableMessage))
			}
			return err
		}
	}
}

// pageNoticeKey holds, in the session, a one-line confirmation for the next
// page the person opens ("Password changed."), whichever it is; the layout
// shows it.
const pageNoticeKey = "page_notice"

// loadUser puts the logged-in user, if any, on the request. A session whose
// user no longer exists is treated as logged out.
func loadUser(sm *scs.SessionManager, rm reads.Querier) echo.MiddlewareFunc {
	return func(next echo.HandlerFunc) echo.HandlerFunc {
		return func(c echo.Context) error {
			ctx := c.Request().Context()
			if id := sm.GetString(ctx, sessionUserKey); id != "" {
				u, airline, err := rm.FindUserWithAirline(ctx, id)
				switch {
				case err == nil && stampMatches(sm.GetString(ctx, sessionPasswordKey), sm.GetString(ctx, sessionPreviousPasswordKey), u.PasswordHash):
					if sm.GetString(ctx, sessionPreviousPasswordKey) != "" && passwordStamp(u.PasswordHash) == sm.GetString(ctx, sessionPasswordKey) {
						sm.Remove(ctx, sessionPreviousPasswordKey) // caught up: the old password is over
					}
					if u.TenantID != "" && airline.ID != u.TenantID {
						return fmt.Errorf("airline of user %s: %w", u.ID, domain.Errorf(domain.ENotFound, "There is no such airline."))
					}
					// A person suspended, or of a suspended airline, since
					// they logged in is logged out on their next request.
					if refusal := domain.LoginRefusal(u.Status, u.StatusReason, airline.Suspended); refusal != "" {
						if err := sm.Destroy(ctx); err != nil {
							return err
						}
						break
					}
					// A role changed since the last request is a change of
					// privilege: the session gets a new token, so a token
					// seen before the change cannot carry the new role.
					if sm.GetString(ctx, sessionRoleKey) != u.Role {
						if err := sm.RenewToken(ctx); err != nil {
							return err
						}
						sm.Put(ctx, sessionRoleKey, u.Role)
					}
					c.Set(userKey, u)
					if airline.ID != "" {
						c.Set(userAirlineKey, airline)
					}
					// A confirmation left for the next page is said by the
					// page itself, not by its fragments or live stream.
					if req := c.Request(); req.Method == http.MethodGet && req.Header.Get("HX-Request") == "" && req.URL.Path != "/events" {
						if said := sm.PopString(ctx, pageNoticeKey); said != "" {
							c.Set(pageNoticeKey, said)
						}
					}
					// Whatever a logged-in person is shown (people, API
					// keys, exports) is theirs alone: no cache keeps it.
					c.Response().Header().Set("Cache-Control", "no-store")
				case err == nil: // the password changed since this session logged in
					if err := sm.Destroy(ctx); err != nil {
						return err
					}
				case domain.ErrorCode(err) != domain.ENotFound:
					return err
				}
			}
			return next(c)
		}
	}
}

// loginRefusal says why a user whose password is right may not be logged
// in (their status, or their airline's suspension), or "".
func loginRefusal(ctx context.Context, rm reads.Querier, u reads.User) (string, error) {
	suspended := false
	if u.TenantID != "" {
		a, err := rm.FindAirline(ctx, u.TenantID)
		if err != nil {
			return "", fmt.Errorf("airline of user %s: %w", u.ID, err)
		}
		suspended = a.Suspended
	}
	return domain.LoginRefusal(u.Status, u.StatusReason, suspended), nil
}

// userAirline is the signed-in person's airline as loadUser read it, so
// the same request's tab bar does not read it again; false when there is
// none or the request is another airline's.
func userAirline(c echo.Context, id string) (reads.Airline, bool) {
	a, ok := c.Get(userAirlineKey).(reads.Airline)
	return a, ok && a.ID == id
}

// actorOf is the user as the domain's access rules see them.
func actorOf(u reads.User) domain.Actor {
	return domain.Actor{UserID: u.ID, Role: u.Role, TenantID: u.TenantID}
}

// currentActor is the logged-in user as an actor; nobody when logged out.
func currentActor(c echo.Context) domain.Actor {
	if u, ok := currentUser(c); ok {
		return actorOf(u)
	}
	return domain.Actor{}
}

// currentUser returns the logged-in user.
func currentUser(c echo.Context) (reads.User, bool) {
	u, ok := c.Get(userKey).(reads.User)
	return u, ok
}

// redirectTo sends a browser elsewhere: htmx follows HX-Redirect, a plain
// request a 303.
func redirectTo(c echo.Context, url string) error {
	if c.Request().Header.Get("HX-Request") == "true" {
		c.Response().Header().Set("HX-Redirect", url)
		return c.NoContent(http.StatusNoContent)
	}
	return c.Redirect(http.StatusSeeOther, url)
}

// requireLogin sends a visitor without a session to the login page, and
// brings them back afterwards.
func requireLogin(next echo.HandlerFunc) echo.HandlerFunc {
	return func(c echo.Context) error {
		if _, ok := currentUser(c); !ok {
			// Come back only to a page: not to a fragment or a form's target.
			next := "/"
			if r := c.Request(); r.Method == http.MethodGet && !isFragmentRequest(r) {
				next = safeNext(r.URL.RequestURI())
			}
			return redirectTo(c, "/login?next="+url.QueryEscape(next))
		}
		return next(c)
	}
}

// requireChosenPassword keeps a user with a one-time password on the
// change-password page: it cannot be skipped.
func requireChosenPassword(next echo.HandlerFunc) echo.HandlerFunc {
	return func(c echo.Context) error {
		if u, ok := currentUser(c); ok && u.MustChangePassword {
			return redirectTo(c, "/account/password")
		}
		return next(c)
	}
}

// safeNext keeps a post-login redirect on this site: a path with a single
// leading slash, no scheme, no host, and nothing a browser would strip or
// turn around (control characters, backslashes).
func safeNext(next string) string {
	for _, r := range next {
		if r < 0x20 || r == 0x7f || r == '\\' {
			return "/"
		}
	}
	u, err := url.Parse(next)
	if err != nil || u.Scheme != "" || u.Host != "" || u.User != nil ||
		!strings.HasPrefix(next, "/") || strings.HasPrefix(next, "//") {
		return "/"
	}
	return next
}
