package handlers

import (
	"context"
	"fmt"
	"log/slog"
	"math"
	"net/http"
	"strconv"
	"time"

	"github.com/a-h/templ"
	"github.com/alexedwards/scs/v2"
	"github.com/labstack/echo/v4"

	"github.com/albatross-va/albatross/domain"
	"github.com/albatross-va/albatross/store/reads"
	"github.com/albatross-va/albatross/store/throttle"
	"github.com/albatross-va/albatross/views"
)

// UserCommands runs the user commands a person sends about their account.
type UserCommands interface {
	ChangePassword(ctx context.Context, meta domain.CommandMeta, userID, current, next string) (domain.AppendResult, error)
	ChooseOwnPassword(ctx context.Context, meta domain.CommandMeta, userID, oneTimeHash, next string) (domain.AppendResult, error)
	PasswordHash(ctx context.Context, userID string) (string, error)
	Register(ctx context.Context, meta domain.CommandMeta, airlineID string, p domain.Person) (string, domain.AppendResult, error)
	CheckRegistration(ctx context.Context, airlineID string, p domain.Person) error
	CreatePerson(ctx context.Context, meta domain.CommandMeta, airlineID string, p domain.Person) (string, string, domain.AppendResult, error)
	Approve(ctx context.Context, meta domain.CommandMeta, airlineID, userID string) (string, domain.AppendResult, error)
	Reject(ctx context.Context, meta domain.CommandMeta, airlineID, userID, reason string) (domain.AppendResult, error)
	Suspend(ctx context.Context, meta domain.CommandMeta, airlineID, userID, reason string) (domain.AppendResult, error)
	Reactivate(ctx context.Context, meta domain.CommandMeta, airlineID, userID string) (domain.AppendResult, error)
	ResetPassword(ctx context.Context, meta domain.CommandMeta, airlineID, userID string) (string, domain.AppendResult, error)
	ChangeRole(ctx context.Context, meta domain.CommandMeta, airlineID, userID, role string) (domain.AppendResult, error)
	NeedsRehash(encoded string) bool
	RehashPassword(ctx context.Context, meta domain.CommandMeta, userID, verifiedHash, plain string) (domain.AppendResult, error)
}

type accountHandlers struct {
	sessions  *scs.SessionManager
	rm        reads.Querier
	users     UserCommands
	passwords domain.Passwords
	readYourWrites
	log *slog.Logger
	// Login attempts are throttled per account and per client address.
	perAccount, perAddress throttle.Limiter
	// unknownHash is verified for a login that does not exist, so that
	// the answer takes as long as for a wrong password.
	unknownHash string
	// canReset offers "Forgot your password?" (emails are sent).
	canReset bool
}

// wrongLogin is the one message for an unknown login and a wrong password,
// so the form does not tell who has an account.
const wrongLogin = "The email or password is not right."

// showLogin is the login page.
func (h *accountHandlers) showLogin(c echo.Context) error {
	if _, ok := currentUser(c); ok {
		return c.Redirect(http.StatusSeeOther, "/")
	}
	f := views.LoginForm{Page: page(c, "Log in"), Next: safeNext(c.QueryParam("next")), CanReset: h.canReset}
	return render(c, http.StatusOK, views.LoginView(f), nil)
}

// logIn checks a login and password, renews the session token and sends the
// user on: to the change-password page after a one-time password.
func (h *accountHandlers) logIn(c echo.Context) error {
	email := domain.NormalizeEmail(c.FormValue("email"))
	password := c.FormValue("password")
	f := views.LoginForm{Page: page(c, "Log in"), Email: c.FormValue("email"), Next: safeNext(c.FormValue("next")), CanReset: h.canReset}
	// A field left empty is said so beside it, and is no try at anyone's
	// password: it counts against no limit.
	if f.Errors = emptyLoginFields(email, password); len(f.Errors) > 0 {
		return render(c, http.StatusUnprocessableEntity, views.LoginView(f), nil)
	}
	accountKey, addressKey := "account:"+email, "address:"+c.RealIP()
	wait, err := h.throttled(c.Request().Context(), accountKey, addressKey)
	if err != nil {
		return err
	}
	if wait > 0 {
		return h.tooMany(c, wait, func(msg string) templ.Component { f.Message = msg; return views.LoginView(f) })
	}
	ctx := c.Request().Context()
	if domain.TextProblem(email, domain.SingleLine) != "" {
		// No one's login holds a NUL or a control character, and the
		// database would refuse to look one up: it is an unknown login.
		email = ""
	}
	u, err := h.rm.FindUserByEmail(ctx, email)
	found := err == nil
	if err != nil && domain.ErrorCode(err) != domain.ENotFound {
		return err
	}
	ok, err := h.passwordMatches(u, found, password)
	if err != nil {
		return err
	}
	if !ok {
		// The login typed may be a password typed in the wrong field: it
		// is not logged.
		requestLogger(c, h.log).Info("failed login")
		f.Message = wrongLogin
		return render(c, http.StatusUnprocessableEntity, views.LoginView(f), nil)
	}
	h.loggedIn(c, accountKey, addressKey)
	// Only a person who knows the password learns their status.
	refusal, err := loginRefusal(ctx, h.rm, u)
	if err != nil {
		return err
	}
	if refusal != "" {
		f.Message = refusal
		return render(c, http.StatusForbidden, views.LoginView(f), nil)
	}
	if err := h.sessions.RenewToken(ctx); err != nil {
		return err
	}
	h.sessions.Put(ctx, sessionUserKey, u.ID)
	h.sessions.Put(ctx, sessionPasswordKey, passwordStamp(u.PasswordHash))
	h.sessions.Remove(ctx, sessionPreviousPasswordKey)
	if h.users.NeedsRehash(u.PasswordHash) {
		// A hash imported from phpVMS (bcrypt) is replaced now that the
		// password is known; this session carries on with the new one,
		// the old one accepted until the read model shows it.
		meta := domain.CommandMeta{ID: domain.NewUUID(), Actor: u.ID, CorrelationID: requestID(c)}
		res, err := h.users.RehashPassword(ctx, meta, u.ID, u.PasswordHash, password)
		if err != nil {
			return err
		}
		h.waitFor(c, res)
		hash, err := h.users.PasswordHash(ctx, u.ID)
		if err != nil {
			return err
		}
		h.sessions.Put(ctx, sessionPasswordKey, passwordStamp(hash))
		h.sessions.Put(ctx, sessionPreviousPasswordKey, passwordStamp(u.PasswordHash))
		requestLogger(c, h.log).Info("imported password hash replaced", "user", u.ID)
	}
	h.sessions.Put(ctx, sessionRoleKey, u.Role)
	requestLogger(c, h.log).Info("login", "user", u.ID)
	if u.MustChangePassword {
		return c.Redirect(http.StatusSeeOther, "/account/password")
	}
	return c.Redirect(http.StatusSeeOther, f.Next)
}

// emptyLoginFields names the login form's fields left empty, with what to
// do; nil when both are filled in.
func emptyLoginFields(login, password string) map[string]string {
	errs := map[string]string{}
	if login == "" {
		errs["email"] = "Enter your login: your email address."
	}
	if password == "" {
		errs["password"] = "Enter your password."
	}
	if len(errs) == 0 {
		return nil
	}
	return errs
}

// passwordMatches says whether password is the found user's. An unknown
// login, or one without a password, is verified against unknownHash all
// the same, so that it costs the same hashing as a known one and its
// answer's timing tells no one who has an account.
func (h *accountHandlers) passwordMatches(u reads.User, found bool, password string) (bool, error) {
	hash := h.unknownHash
	if found && u.PasswordHash != "" {
		hash = u.PasswordHash
	}
	if hash == "" {
		return false, nil
	}
	ok, err := h.passwords.Verify(hash, password)
	return ok && found && u.PasswordHash != "", err
}

// loggedIn takes a successful login's attempt back: the account's failures
// are forgiven, the address's are not (logging into one's own account
// between guesses at others must not reset the address's count), only this
// attempt is refunded.
func (h *accountHandlers) loggedIn(c echo.Context, accountKey, addressKey string) {
	h.forgive(c, h.perAccount, accountKey)
	if err := h.perAddress.Refund(c.Request().Context(), addressKey); err != nil {
		requestLogger(c, h.log).Warn("refund a login attempt", "err", err)
	}
}

// throttled counts an attempt against the account and the address and
// says how long to wait when either has used its attempts.
func (h *accountHandlers) throttled(ctx context.Context, accountKey, addressKey string) (time.Duration, error) {
	if wait, err := h.perAddress.Attempt(ctx, addressKey); wait > 0 || err != nil {
		return wait, err
	}
	return h.perAccount.Attempt(ctx, accountKey)
}

// forgive takes back a key's attempts after a success; a failure only
// leaves the attempts to expire, so it is logged, not returned.
func (h *accountHandlers) forgive(c echo.Context, l throttle.Limiter, key string) {
	if err := l.Forgive(c.Request().Context(), key); err != nil {
		requestLogger(c, h.log).Warn("forgive login attempts", "err", err)
	}
}

// tooMany answers 429 with Retry-After and the form with a message.
func (h *accountHandlers) tooMany(c echo.Context, wait time.Duration, form func(message string) templ.Component) error {
	c.Response().Header().Set("Retry-After", strconv.Itoa(int(math.Ceil(wait.Seconds()))))
	msg := fmt.Sprintf("Too many failed attempts. Try again in %d minute(s).", int(math.Ceil(wait.Minutes())))
	return render(c, http.StatusTooManyRequests, form(msg), nil)
}

// logOut destroys the session.
func (h *accountHandlers) logOut(c echo.Context) error {
	if err := h.sessions.Destroy(c.Request().Context()); err != nil {
		return err
	}
	return c.Redirect(http.StatusSeeOther, "/login")
}

// showPasswordForm is the change-password page.
func (h *accountHandlers) showPasswordForm(c echo.Context) error {
	u, _ := currentUser(c)
	f := views.PasswordForm{Page: page(c, "Choose a new password"), Forced: u.MustChangePassword}
	return render(c, http.StatusOK, views.PasswordView(f), nil)
}

// changePassword sets the password the user chose, waits until the read
// model has it, and renews the session token.
func (h *accountHandlers) changePassword(c echo.Context) error {
	u, _ := currentUser(c)
	f := views.PasswordForm{Page: page(c, "Choose a new password"), Forced: u.MustChangePassword}
	current, next := c.FormValue("current"), c.FormValue("password")
	if next != c.FormValue("confirm") {
		f.Errors = map[string]string{"confirm": "The two new passwords are not the same."}
		return render(c, http.StatusUnprocessableEntity, views.PasswordView(f), nil)
	}
	ctx := c.Request().Context()
	meta := domain.CommandMeta{ID: domain.NewUUID(), Actor: u.ID, CorrelationID: requestID(c)}
	var res domain.AppendResult
	var err error
	if u.MustChangePassword {
		// This session logged in with the one-time password just now (its
		// stamp is that password's): it is not asked for again.
		res, err = h.users.ChooseOwnPassword(ctx, meta, u.ID, u.PasswordHash, next)
	} else {
		accountKey := "account:" + u.Email
		wait, werr := h.perAccount.Attempt(ctx, accountKey)
		if werr != nil {
			return werr
		}
		if wait > 0 {
			return h.tooMany(c, wait, func(msg string) templ.Component { f.Message = msg; return views.PasswordView(f) })
		}
		res, err = h.users.ChangePassword(ctx, meta, u.ID, current, next)
		if domain.ErrorFields(err)["current"] == "" {
			h.forgive(c, h.perAccount, accountKey) // only wrong current passwords count
		}
	}
	if status, ok := formFailed(nil, err, formSlots{Errors: &f.Errors}); ok {
		return render(c, status, views.PasswordView(f), nil)
	}
	if err != nil {
		return err
	}
	h.waitFor(c, res)
	if err := h.sessions.RenewToken(ctx); err != nil {
		return err
	}
	// Every other session of this user ends with the old password; this one
	// carries on with the new one. Its stamp is the event's hash, not the
	// read model's, which may still be behind after the bounded wait: until
	// the read model shows the new hash, the old one is accepted for this
	// session (stampMatches).
	hash, err := h.users.PasswordHash(ctx, u.ID)
	if err != nil {
		return err
	}
	h.sessions.Put(ctx, sessionPasswordKey, passwordStamp(hash))
	h.sessions.Put(ctx, sessionPreviousPasswordKey, passwordStamp(u.PasswordHash))
	h.sessions.Put(ctx, pageNoticeKey, "Password changed.")
	home := "/"
	if u.Role == domain.RolePlatformAdmin {
		home = "/airlines" // where "/" would send them on, losing the confirmation
	}
	return c.Redirect(http.StatusSeeOther, home)
}

// unknownPasswordHash hashes a random password once, for logins that do not
// exist to be verified against.
func unknownPasswordHash(p domain.Passwords) string {
	h, err := p.Hash(domain.NewOneTimePassword())
	if err != nil {
		return ""
	}
	return h
}
