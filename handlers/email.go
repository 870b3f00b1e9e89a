package handlers

import (
	"context"
	"log/slog"
	"net/http"
	"strings"
	"time"

	"github.com/a-h/templ"
	"github.com/labstack/echo/v4"

	"github.com/albatross-va/albatross/domain"
	"github.com/albatross-va/albatross/mail"
	"github.com/albatross-va/albatross/store/reads"
	"github.com/albatross-va/albatross/store/throttle"
	"github.com/albatross-va/albatross/views"
)

// EmailCommands are the user commands an emailed link sends: a password
// chosen through a reset link, an address verified.
type EmailCommands interface {
	ResetForgottenPassword(ctx context.Context, meta domain.CommandMeta, userID, next string) (domain.AppendResult, error)
	VerifyEmail(ctx context.Context, meta domain.CommandMeta, userID, email string) (domain.AppendResult, error)
}

// ResetLinkLifetime is how long a password reset link works.
const ResetLinkLifetime = time.Hour

// platformSender is the sender's name of the emails of a person without an
// airline (the platform admin).
const platformSender = "Albatross"

// emailHandlers are the pages of email: "Forgot your password?", the reset
// link's page, unsubscribe links, a person's choices and the platform
// admin's list of failed sends. Without SMTP settings they are not found.
type emailHandlers struct {
	mailer    *mail.Mailer
	signer    *mail.Signer
	rm        reads.Querier
	resets    EmailCommands
	publicURL string
	readYourWrites
	log *slog.Logger
	// Reset requests are throttled as logins are, per address and per
	// client, but with keys of their own.
	perAccount, perAddress throttle.Limiter
	now                    func() time.Time
}

// emailOnKey marks a request of a deployment that sends email, for the
// navigation (page).
const emailOnKey = "albatross.email"

// offerEmail marks every request when the deployment sends email.
func offerEmail(on bool) echo.MiddlewareFunc {
	return func(next echo.HandlerFunc) echo.HandlerFunc {
		return func(c echo.Context) error {
			if on {
				c.Set(emailOnKey, true)
			}
			return next(c)
		}
	}
}

// enabled answers 404 when the deployment sends no email.
func (h *emailHandlers) enabled() error {
	if !h.mailer.Enabled() || h.signer == nil {
		return domain.Errorf(domain.ENotFound, "This deployment sends no email.")
	}
	return nil
}

// showForgot is the "Forgot your password?" page.
func (h *emailHandlers) showForgot(c echo.Context) error {
	if err := h.enabled(); err != nil {
		return err
	}
	return render(c, http.StatusOK, views.ForgotView(views.ForgotForm{Page: page(c, "Forgot your password?")}), nil)
}

// sendResetLink queues a reset link to the address if it has an account,
// and answers the same whether or not it does.
func (h *emailHandlers) sendResetLink(c echo.Context) error {
	if err := h.enabled(); err != nil {
		return err
	}
	f := views.ForgotForm{Page: page(c, "Forgot your password?"), Email: c.FormValue("email")}
	email := domain.NormalizeEmail(f.Email)
	switch {
	case email == "":
		f.Errors = map[string]string{"email": "Enter the email address of your account."}
	case domain.TextProblem(email, domain.SingleLine) != "" || !strings.Contains(email, "@") || len(email) > 254:
		f.Errors = map[string]string{"email": "This is not an email address."}
	}
	if f.Errors != nil {
		return render(c, http.StatusUnprocessableEntity, views.ForgotView(f), nil)
	}
	ctx := c.Request().Context()
	wait, err := h.perAddress.Attempt(ctx, "reset-address:"+c.RealIP())
	if err == nil && wait == 0 {
		wait, err = h.perAccount.Attempt(ctx, "reset:"+email)
	}
	if err != nil {
		return err
	}
	if wait > 0 {
		return (&accountHandlers{}).tooMany(c, wait, func(msg string) templ.Component { f.Message = msg; return views.ForgotView(f) })
	}
	u, err := h.rm.FindUserByEmail(ctx, email)
	switch domain.ErrorCode(err) {
	case "":
		if err := h.queueReset(ctx, u); err != nil {
			return err
		}
	case domain.ENotFound: // the same answer: nobody learns who has an account
	default:
		return err
	}
	f.Sent = true
	return render(c, http.StatusOK, views.ForgotView(f), nil)
}

// queueReset stores a new token's hash and queues the link to u.
func (h *emailHandlers) queueReset(ctx context.Context, u reads.User) error {
	token := mail.NewToken()
	hash := mail.HashToken(token)
	if err := h.mailer.Store.IssueToken(ctx, mail.Token{Hash: hash, Kind: mail.TokenPasswordReset, UserID: u.ID,
		Email: u.Email, ExpiresAt: h.now().Add(ResetLinkLifetime)}); err != nil {
		return err
	}
	sender, err := h.senderName(ctx, u.TenantID)
	if err != nil {
		return err
	}
	msg := mail.Content{Airline: sender, To: u.Email, Name: u.Name, Subject: "Choose a new password for " + sender,
		Paragraphs: []string{
			"Someone, probably you, asked to choose a new password for your account at " + sender + ".",
			"The link below works once, for an hour. If you did not ask, ignore this email: your password stays as it is.",
		},
		LinkText: "Choose a new password", Link: h.publicURL + "/password/reset?token=" + token,
	}.Message()
	_, err = h.mailer.Queue(ctx, "reset:"+hash, u.TenantID, mail.KindPasswordReset, msg)
	return err
}

// senderName is the airline's name, or the platform's.
func (h *emailHandlers) senderName(ctx context.Context, tenantID string) (string, error) {
	if tenantID == "" {
		return platformSender, nil
	}
	a, err := h.rm.FindAirline(ctx, tenantID)
	if err != nil {
		return "", err
	}
	return a.Name, nil
}

// privatePage keeps a page that carries a token out of caches and out of
// the Referer of the links it has.
func privatePage(c echo.Context) {
	h := c.Response().Header()
	h.Set("Cache-Control", "no-store")
	h.Set("Referrer-Policy", "no-referrer")
}

// invalidLink is the answer to a used, expired or made-up reset link.
const invalidLink = "This link does not work any more: it was used, it expired (links work for an hour), or it was not sent by us."

// showReset is the page a reset link opens.
func (h *emailHandlers) showReset(c echo.Context) error {
	if err := h.enabled(); err != nil {
		return err
	}
	privatePage(c)
	f := views.ResetForm{Page: page(c, "Choose a new password"), Token: c.QueryParam("token")}
	if _, err := h.mailer.Store.PeekToken(c.Request().Context(), mail.TokenPasswordReset, mail.HashToken(f.Token), h.now()); err != nil {
		if domain.ErrorCode(err) != domain.ENotFound {
			return err
		}
		f.Token, f.Message = "", invalidLink
		return render(c, http.StatusGone, views.ResetView(f), nil)
	}
	return render(c, http.StatusOK, views.ResetView(f), nil)
}

// resetPassword sets the new password: the token is used up only once the
// password is acceptable, then the users' command records it, which ends
// every session that had the old one.
func (h *emailHandlers) resetPassword(c echo.Context) error {
	if err := h.enabled(); err != nil {
		return err
	}
	privatePage(c)
	ctx := c.Request().Context()
	f := views.ResetForm{Page: page(c, "Choose a new password"), Token: c.FormValue("token")}
	hash := mail.HashToken(f.Token)
	tok, err := h.mailer.Store.PeekToken(ctx, mail.TokenPasswordReset, hash, h.now())
	if domain.ErrorCode(err) == domain.ENotFound {
		f.Token, f.Message = "", invalidLink
		return render(c, http.StatusGone, views.ResetView(f), nil)
	}
	if err != nil {
		return err
	}
	password := c.FormValue("password")
	if password != c.FormValue("confirm") {
		f.Errors = map[string]string{"confirm": "The two new passwords are not the same."}
		return render(c, http.StatusUnprocessableEntity, views.ResetView(f), nil)
	}
	if err := domain.ValidatePassword(password, tok.Email); err != nil {
		f.Errors = domain.ErrorFields(err)
		return render(c, http.StatusUnprocessableEntity, views.ResetView(f), nil)
	}
	if _, err := h.mailer.Store.UseToken(ctx, mail.TokenPasswordReset, hash, h.now()); err != nil {
		if domain.ErrorCode(err) != domain.ENotFound {
			return err
		}
		f.Token, f.Message = "", invalidLink // used by a second request meanwhile
		return render(c, http.StatusGone, views.ResetView(f), nil)
	}
	// The command's id is the token's: a retried request appends once.
	res, err := h.resets.ResetForgottenPassword(ctx, domain.CommandMeta{ID: "password-reset-" + hash,
		Actor: tok.UserID, CorrelationID: requestID(c)}, tok.UserID, password)
	if err != nil {
		return err
	}
	h.waitFor(c, res)
	requestLogger(c, h.log).Info("password reset by email", "user", tok.UserID)
	f.Done = true
	return render(c, http.StatusOK, views.ResetView(f), nil)
}

// kindLabel is what the account page calls an optional kind.
func kindLabel(kind string) string {
	for _, o := range mail.Optional {
		if o.Kind == kind {
			return o.Label
		}
	}
	return ""
}

// signedUnsubscribe reads an unsubscribe link's person and kind, and
// whether its signature is this deployment's.
func (h *emailHandlers) signedUnsubscribe(c echo.Context) (userID, kind string, ok bool) {
	userID, kind = c.QueryParam("u"), c.QueryParam("k")
	return userID, kind, mail.IsOptional(kind) && h.signer.Valid(userID, kind, c.QueryParam("s"))
}

// badUnsubscribe is the answer to a link that was not signed here.
var badUnsubscribe = domain.Errorf(domain.EInvalid, "This unsubscribe link is not one we sent: open the latest email's link, or choose on your account's email page.")

// showUnsubscribe confirms an unsubscribe link opened in a browser (a
// link checker or a preview that opens it unsubscribes nobody).
func (h *emailHandlers) showUnsubscribe(c echo.Context) error {
	if err := h.enabled(); err != nil {
		return err
	}
	privatePage(c)
	_, kind, ok := h.signedUnsubscribe(c)
	if !ok {
		return badUnsubscribe
	}
	return render(c, http.StatusOK, views.UnsubscribeView(views.UnsubscribePage{Page: page(c, "Unsubscribe"),
		Query: c.QueryString(), Label: kindLabel(kind)}), nil)
}

// unsubscribe turns a kind off from a signed link, without a login: a mail
// program posts "List-Unsubscribe=One-Click" here (RFC 8058), a browser
// the confirmation page's button. The signature stands for the CSRF token.
func (h *emailHandlers) unsubscribe(c echo.Context) error {
	if err := h.enabled(); err != nil {
		return err
	}
	privatePage(c)
	userID, kind, ok := h.signedUnsubscribe(c)
	if !ok {
		return badUnsubscribe
	}
	if err := h.mailer.Store.SetChoice(c.Request().Context(), userID, kind, false); err != nil {
		return err
	}
	requestLogger(c, h.log).Info("unsubscribed", "user", userID, "kind", kind)
	return render(c, http.StatusOK, views.UnsubscribeView(views.UnsubscribePage{Page: page(c, "Unsubscribe"),
		Label: kindLabel(kind), Done: true}), nil)
}

// showChoices is the account's email page: which kinds the person gets.
func (h *emailHandlers) showChoices(c echo.Context) error {
	if err := h.enabled(); err != nil {
		return err
	}
	return h.renderChoices(c, false)
}

func (h *emailHandlers) renderChoices(c echo.Context, saved bool) error {
	c.Response().Header().Set("Cache-Control", "no-store")
	u, _ := currentUser(c)
	out, err := h.mailer.Store.OptedOut(c.Request().Context(), u.ID)
	if err != nil {
		return err
	}
	p := views.EmailChoicesPage{Page: page(c, "Emails"), Email: u.Email, Saved: saved}
	for _, o := range mail.Optional {
		p.Choices = append(p.Choices, views.EmailChoice{Kind: o.Kind, Label: o.Label, On: !out[o.Kind]})
	}
	return render(c, http.StatusOK, views.EmailChoicesView(p), nil)
}

// saveChoices records the kinds checked as on, the others as off.
func (h *emailHandlers) saveChoices(c echo.Context) error {
	if err := h.enabled(); err != nil {
		return err
	}
	u, _ := currentUser(c)
	form, err := c.FormParams()
	if err != nil {
		return domain.Errorf(domain.EInvalid, "The form could not be read.")
	}
	on := map[string]bool{}
	for _, k := range form["on"] {
		if !mail.IsOptional(k) {
			return domain.Errorf(domain.EInvalid, "There is no such kind of email.")
		}
		on[k] = true
	}
	for _, o := range mail.Optional {
		if err := h.mailer.Store.SetChoice(c.Request().Context(), u.ID, o.Kind, on[o.Kind]); err != nil {
			return err
		}
	}
	return h.renderChoices(c, true)
}

// showOutbox is the platform admin's page of the emails not sent.
func (h *emailHandlers) showOutbox(c echo.Context) error {
	c.Response().Header().Set("Cache-Control", "no-store")
	p := views.OutboxPage{Page: page(c, "Emails not sent")}
	if h.mailer.Enabled() {
		qs, err := h.mailer.Store.Troubled(c.Request().Context(), 200)
		if err != nil {
			return err
		}
		for _, q := range qs {
			r := views.OutboxRow{ID: q.ID, Kind: q.Kind, To: q.To, Subject: q.Subject, Status: q.Status, Error: q.LastError,
				Attempts: q.Attempts, Created: q.CreatedAt.UTC().Format("2006-01-02 15:04 UTC")}
			if q.Status == mail.StatusPending {
				r.Next = q.NextAt.UTC().Format("2006-01-02 15:04:05 UTC")
			}
			p.Rows = append(p.Rows, r)
		}
	}
	return render(c, http.StatusOK, views.OutboxView(p), nil)
}

// invalidVerification answers a used, expired or made-up verification link.
const invalidVerification = "This link does not work: it was used already, it expired (links work for a week), or it was not sent by us."

// showVerify is the page a verification link opens: a button confirms, so
// a mail scanner that follows the link verifies nothing.
func (h *emailHandlers) showVerify(c echo.Context) error {
	if err := h.enabled(); err != nil {
		return err
	}
	privatePage(c)
	p := views.VerifyPage{Page: page(c, "Confirm your email address"), Token: c.QueryParam("token")}
	if _, err := h.mailer.Store.PeekToken(c.Request().Context(), mail.TokenEmailVerification, mail.HashToken(p.Token), h.now()); err != nil {
		if domain.ErrorCode(err) != domain.ENotFound {
			return err
		}
		p.Token, p.Message = "", invalidVerification
		return render(c, http.StatusGone, views.VerifyView(p), nil)
	}
	return render(c, http.StatusOK, views.VerifyView(p), nil)
}

// verifyEmail uses up the link's token and records the verification as
// the user's event.
func (h *emailHandlers) verifyEmail(c echo.Context) error {
	if err := h.enabled(); err != nil {
		return err
	}
	privatePage(c)
	ctx := c.Request().Context()
	p := views.VerifyPage{Page: page(c, "Confirm your email address")}
	hash := mail.HashToken(c.FormValue("token"))
	tok, err := h.mailer.Store.UseToken(ctx, mail.TokenEmailVerification, hash, h.now())
	if domain.ErrorCode(err) == domain.ENotFound {
		p.Message = invalidVerification
		return render(c, http.StatusGone, views.VerifyView(p), nil)
	}
	if err != nil {
		return err
	}
	res, err := h.resets.VerifyEmail(ctx, domain.CommandMeta{ID: "email-verification-" + hash, Actor: tok.UserID,
		CorrelationID: requestID(c)}, tok.UserID, tok.Email)
	if err != nil {
		return err
	}
	h.waitFor(c, res)
	p.Done = true
	return render(c, http.StatusOK, views.VerifyView(p), nil)
}
