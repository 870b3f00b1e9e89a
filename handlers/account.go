package handlers

import (
	"context"
	"fmt"
	"log/slog"
	"math"
	"net/http"
	"strconv"
	"time"

	"github.com/alexedwards/scs/v2"
	"github.com/labstack/echo/v4"

	"github.com/albatross-va/albatross/domain"
	"github.com/albatross-va/albatross/store/reads"
	"github.com/albatross-va/albatross/views"
)

// UserCommands runs the user commands a person sends about their account.
type UserCommands interface {
	ChangePassword(ctx context.Context, meta domain.CommandMeta, userID, current, next string) (domain.AppendResult, error)
}

type accountHandlers struct {
	sessions  *scs.SessionManager
	rm        reads.Querier
	users     UserCommands
	passwords domain.Passwords
	waiter    ProjectionWaiter
	waitBound time.Duration
	log       *slog.Logger
	// Failed logins are throttled per account and per client address.
	perAccount, perAddress *throttle
}

// wrongLogin is the one message for an unknown login and a wrong password,
// so the form does not tell who has an account.
const wrongLogin = "The email or password is not right."

// showLogin is the login page.
func (h *accountHandlers) showLogin(c echo.Context) error {
	if _, ok := currentUser(c); ok {
		return c.Redirect(http.StatusSeeOther, "/")
	}
	f := views.LoginForm{Page: page(c, "Log in"), Next: safeNext(c.QueryParam("next"))}
	return render(c, http.StatusOK, views.LoginView(f), nil)
}

// logIn checks a login and password, renews the session token and sends the
// user on: to the change-password page after a one-time password.
func (h *accountHandlers) logIn(c echo.Context) error {
	email := domain.NormalizeEmail(c.FormValue("email"))
	password := c.FormValue("password")
	f := views.LoginForm{Page: page(c, "Log in"), Email: c.FormValue("email"), Next: safeNext(c.FormValue("next"))}
	accountKey, addressKey := "account:"+email, "address:"+c.RealIP()
	if wait := max(h.perAccount.retryAfter(accountKey), h.perAddress.retryAfter(addressKey)); wait > 0 {
		minutes := int(math.Ceil(wait.Minutes()))
		c.Response().Header().Set("Retry-After", strconv.Itoa(int(math.Ceil(wait.Seconds()))))
		f.Message = fmt.Sprintf("Too many failed logins. Try again in %d minute(s).", minutes)
		return render(c, http.StatusTooManyRequests, views.LoginView(f), nil)
	}
	ctx := c.Request().Context()
	u, err := h.rm.GetUserByEmail(ctx, email)
	ok := false
	switch {
	case err == nil:
		if ok, err = h.passwords.Verify(u.PasswordHash, password); err != nil {
			return err
		}
	case domain.ErrorCode(err) != domain.ENotFound:
		return err
	}
	if !ok {
		h.perAccount.fail(accountKey)
		h.perAddress.fail(addressKey)
		requestLogger(c, h.log).Info("failed login", "login", email)
		f.Message = wrongLogin
		return render(c, http.StatusUnprocessableEntity, views.LoginView(f), nil)
	}
	h.perAccount.reset(accountKey)
	if err := h.sessions.RenewToken(ctx); err != nil {
		return err
	}
	h.sessions.Put(ctx, sessionUserKey, u.ID.String())
	requestLogger(c, h.log).Info("login", "user", u.ID.String())
	if u.MustChangePassword {
		return c.Redirect(http.StatusSeeOther, "/account/password")
	}
	return c.Redirect(http.StatusSeeOther, f.Next)
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
	res, err := h.users.ChangePassword(ctx, domain.CommandMeta{ID: domain.NewUUID(), Actor: u.ID.String(), CorrelationID: requestID(c)},
		u.ID.String(), current, next)
	if fields := domain.ErrorFields(err); len(fields) > 0 {
		f.Errors = fields
		return render(c, http.StatusUnprocessableEntity, views.PasswordView(f), nil)
	}
	if err != nil {
		return err
	}
	wctx, cancel := context.WithTimeout(ctx, h.waitBound)
	defer cancel()
	if err := h.waiter.WaitFor(wctx, res.Position); err != nil {
		requestLogger(c, h.log).Warn("projection did not reach the password change in time", "err", err)
	}
	if err := h.sessions.RenewToken(ctx); err != nil {
		return err
	}
	return c.Redirect(http.StatusSeeOther, "/")
}
