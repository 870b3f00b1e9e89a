package handlers

import (
	"net/http"
	"strconv"
	"strings"
	"time"

	"github.com/labstack/echo/v4"

	"github.com/albatross-va/albatross/domain"
	"github.com/albatross-va/albatross/store/reads"
)

// smartCARS's pilot routes: login, verify and resume a session, and the
// pilot's statistics.

// smartcarsWrongLogin is the one 401 for an unknown pilot, a wrong
// password and a key that is not theirs, so the login does not tell who has
// an account (the web's login says one thing too; the contract's 404 for
// an unknown pilot would).
const smartcarsWrongLogin = "The username or password is incorrect."

// pilotResource is the contract's Pilot, with the session token given.
func (h *smartcarsAPI) pilotResource(c echo.Context, a reads.Airline, u reads.User, token string, expiry time.Time) (map[string]any, error) {
	ctx := c.Request().Context()
	career, err := h.php.rm.PilotCareer(ctx, a.ID, u.ID)
	if err != nil {
		return nil, err
	}
	rank, level := "", 0
	if career.RankID != "" {
		ranks, err := h.php.rm.AirlineRanks(ctx, a.ID)
		if err != nil {
			return nil, err
		}
		for i, r := range ranks { // lowest first: the level counts from 1
			if r.ID == career.RankID {
				rank, level = r.Name, i+1
			}
		}
	}
	first, last, _ := strings.Cut(strings.Join(strings.Fields(u.Name), " "), " ")
	return map[string]any{
		"dbID": u.PilotNumber, "pilotID": u.PilotID, "firstName": first, "lastName": last, "email": u.Email,
		"rank": rank, "rankLevel": level, "rankImage": nil, "avatar": nil, "session": token, "expiry": expiry.Unix(),
	}, nil
}

// logIn is POST /pilot/login?username=...: the username is the pilot's
// email or pilot id (ABC0001), the body's password their password or one
// of their API keys. Attempts are throttled as the web's login's are.
func (h *smartcarsAPI) logIn(c echo.Context) error {
	a, err := h.airline(c)
	if err != nil {
		return err
	}
	b, err := readPhpvmsBody(c)
	if err != nil {
		return smartcarsRefusal(http.StatusBadRequest, "password: The body must be a JSON object with the password.")
	}
	username := strings.TrimSpace(c.QueryParam("username"))
	password := b.str("password")
	missing := map[string]string{}
	if username == "" || domain.TextProblem(username, domain.SingleLine) != "" || len(username) > 254 {
		missing["username"] = "username: Send the pilot's email or pilot id as ?username=."
	}
	if password == "" || b.errs["password"] != "" {
		missing["password"] = "password: Send the password (or an API key) as a string."
	}
	if len(missing) > 0 {
		return smartcarsInvalid(missing)
	}
	ctx := c.Request().Context()
	u, found, err := h.findLogin(c, a, username)
	if err != nil {
		return err
	}
	// One count per account, the web login's, whether it is named by its
	// email or its pilot id.
	accountKey, addressKey := "account:"+strings.ToLower(username), "address:"+c.RealIP()
	if found {
		accountKey = "account:" + u.Email
	}
	wait, err := h.account.throttled(ctx, accountKey, addressKey)
	if err != nil {
		return err
	}
	if wait > 0 {
		c.Response().Header().Set("Retry-After", strconv.Itoa(int(wait.Seconds())+1))
		return smartcarsRefusal(http.StatusTooManyRequests, "Too many failed attempts: try again later.")
	}
	// A key is tried first: it costs no password hashing, and a pilot who
	// logs in with one may never have chosen a password.
	byKey := false
	if found && domain.LooksLikeAPIKey(password) {
		if byKey, err = h.keyOf(c, u, password); err != nil {
			return err
		}
	}
	ok := byKey
	if !byKey {
		if ok, err = h.account.passwordMatches(u, found, password); err != nil {
			return err
		}
	}
	if !ok {
		requestLogger(c, h.account.log).Info("failed smartCARS login")
		return smartcarsRefusal(http.StatusUnauthorized, smartcarsWrongLogin)
	}
	h.account.loggedIn(c, accountKey, addressKey)
	// Only a person who knows the password (or a key) learns their status.
	switch {
	case u.Status == domain.StatusPending:
		return smartcarsRefusal(http.StatusConflict, "The pilot has not been confirmed into the airline yet.")
	case domain.LoginRefusal(u.Status, u.StatusReason, a.Suspended) != "":
		return smartcarsRefusal(http.StatusUnauthorized, domain.LoginRefusal(u.Status, u.StatusReason, a.Suspended))
	case u.MustChangePassword && !byKey:
		return smartcarsRefusal(http.StatusUnauthorized, "This password is a one-time password: choose your own on the website first.")
	}
	token, expiry, err := h.sessions.issue(ctx, u)
	if err != nil {
		return err
	}
	requestLogger(c, h.account.log).Info("smartCARS login", "user", u.ID)
	out, err := h.pilotResource(c, a, u, token, expiry)
	if err != nil {
		return err
	}
	return smartcarsAnswer(c, out)
}

// keyOf says whether key is one of u's API keys, not revoked. A suspended
// owner's key is theirs too: the login then says why it refuses them.
func (h *smartcarsAPI) keyOf(c echo.Context, u reads.User, key string) (bool, error) {
	k, err := h.php.rm.FindAPIKeyByHash(c.Request().Context(), domain.HashAPIKey(key))
	switch {
	case domain.ErrorCode(err) == domain.ENotFound:
		return false, nil
	case err != nil:
		return false, err
	}
	return k.UserID == u.ID && k.TenantID == u.TenantID && k.RevokedAt == nil, nil
}

// findLogin finds the airline's person a username names: an email, or a
// pilot id of the airline.
func (h *smartcarsAPI) findLogin(c echo.Context, a reads.Airline, username string) (reads.User, bool, error) {
	ctx := c.Request().Context()
	if strings.Contains(username, "@") {
		u, err := h.php.rm.FindUserByEmail(ctx, domain.NormalizeEmail(username))
		switch {
		case domain.ErrorCode(err) == domain.ENotFound:
			return u, false, nil
		case err != nil:
			return u, false, err
		}
		return u, u.TenantID == a.ID, nil
	}
	ident := strings.ToUpper(username)
	found, err := h.php.rm.FindMembers(ctx, a.ID, ident, 1)
	if err != nil || len(found) == 0 || found[0].PilotID != ident {
		return reads.User{}, false, err
	}
	u, err := h.php.rm.FindPerson(ctx, a.ID, found[0].ID)
	if domain.ErrorCode(err) == domain.ENotFound {
		return u, false, nil
	}
	return u, err == nil, err
}

// sessionOf reads the body's session of verify and resume: 400 when it is
// missing or not the token's shape, 401 when it is no valid session.
func (h *smartcarsAPI) sessionOf(c echo.Context) (reads.Airline, apiPrincipal, smartcarsSession, string, error) {
	a, err := h.airline(c)
	if err != nil {
		return a, apiPrincipal{}, smartcarsSession{}, "", err
	}
	b, err := readPhpvmsBody(c)
	if err != nil {
		return a, apiPrincipal{}, smartcarsSession{}, "", smartcarsFieldError("session", "The body must be a JSON object with the session.")
	}
	token := b.str("session")
	if b.errs["session"] != "" || token == "" || len(token) > 512 || !smartcarsSessionPattern.MatchString(token) {
		return a, apiPrincipal{}, smartcarsSession{}, "", smartcarsFieldError("session", "Send the session the login returned, as a string.")
	}
	p, sess, err := h.principal(c, a, token)
	return a, p, sess, token, err
}

// verifySession is POST /pilot/verify: the session's pilot, the session
// unchanged.
func (h *smartcarsAPI) verifySession(c echo.Context) error {
	a, p, sess, token, err := h.sessionOf(c)
	if err != nil {
		return err
	}
	out, err := h.pilotResource(c, a, p.user, token, sess.Expiry)
	if err != nil {
		return err
	}
	return smartcarsAnswer(c, out)
}

// resumeSession is POST /pilot/resume: the session's pilot with a new
// session, the old one ended ("the session ID will be reset").
func (h *smartcarsAPI) resumeSession(c echo.Context) error {
	a, p, _, token, err := h.sessionOf(c)
	if err != nil {
		return err
	}
	ctx := c.Request().Context()
	next, expiry, err := h.sessions.issue(ctx, p.user)
	if err != nil {
		return err
	}
	if err := h.sessions.end(ctx, token); err != nil {
		return err
	}
	out, err := h.pilotResource(c, a, p.user, next, expiry)
	if err != nil {
		return err
	}
	return smartcarsAnswer(c, out)
}

// showStatistics is GET /pilot/statistics: hours and flights of the
// pilot's accepted PIREPs (their career, as the dashboard counts it), their
// average landing rate, and how many PIREPs they filed (pending, accepted
// or rejected).
func (h *smartcarsAPI) showStatistics(c echo.Context) error {
	p, _ := currentAPIPrincipal(c)
	ctx := c.Request().Context()
	career, err := h.php.rm.PilotCareer(ctx, p.airline.ID, p.user.ID)
	if err != nil {
		return err
	}
	var filed int64
	for _, state := range []string{domain.PirepPending, domain.PirepAccepted, domain.PirepRejected} {
		res, err := h.php.rm.FindPireps(ctx, p.airline.ID, reads.PirepFilter{PilotID: p.user.ID, State: state}, 1)
		if err != nil {
			return err
		}
		filed += res.Total
	}
	return smartcarsAnswer(c, map[string]any{
		"hoursFlown": hours(int32(career.Minutes)), "flightsFlown": career.Flights,
		"averageLandingRate": float64(career.LandingRate), "pirepsFiled": filed,
	})
}

// hours is minutes in hours, to two places, as the contract's times are.
func hours(minutes int32) float64 { return units(float64(minutes) / 60) }
