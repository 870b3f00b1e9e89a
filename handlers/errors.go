package handlers

import (
	"errors"
	"log/slog"
	"net/http"

	"github.com/labstack/echo/v4"

	"github.com/albatross-va/albatross/domain"
	"github.com/albatross-va/albatross/views"
)

// statusFor maps a domain error code to its HTTP status.
func statusFor(code string) int {
	switch code {
	case domain.ENotFound:
		return http.StatusNotFound
	case domain.EConflict:
		return http.StatusConflict
	case domain.EInvalid:
		return http.StatusUnprocessableEntity
	case domain.EForbidden:
		return http.StatusForbidden
	case domain.EUnauthorized:
		return http.StatusUnauthorized
	case domain.EUnavailable:
		return http.StatusServiceUnavailable
	default:
		return http.StatusInternalServerError
	}
}

// retryAfter is the Retry-After of a 503: about how long a restarted
// Redis or PostgreSQL takes to answer again.
const retryAfter = "5"

// unavailableMessage is what a user reads while a part is unreachable.
const unavailableMessage = "Albatross is briefly unavailable. Please try again in a few seconds."

// errorHandler is the one place errors become responses: a page or a
// fragment, or under /api a problem document. Only internal errors are
// logged; their details never reach the client. An error that unavailable
// says is an outage (the database or the session store unreachable) is a
// 503 with Retry-After, logged as a warning: it is not a bug, and the
// request will work once the part is back.
func errorHandler(log *slog.Logger, unavailable func(error) bool) echo.HTTPErrorHandler {
	return func(err error, c echo.Context) {
		if c.Response().Committed {
			return
		}
		status, message := http.StatusInternalServerError, "Something went wrong on our side. Please try again."
		var he *echo.HTTPError
		var pe *phpvmsError
		var se *smartcarsError
		switch {
		case errors.As(err, &se):
			status, message = se.Status, se.Message
		case errors.As(err, &pe):
			status, message = pe.Status, pe.Message
		case errors.As(err, &he):
			status = he.Code
			message = http.StatusText(status)
			if m, ok := he.Message.(string); ok && status < 500 {
				message = m
			}
		case domain.ErrorCode(err) == domain.EUnavailable,
			domain.ErrorCode(err) == domain.EInternal && unavailable != nil && unavailable(err):
			status, message = http.StatusServiceUnavailable, unavailableMessage
		case domain.ErrorCode(err) != domain.EInternal:
			status = statusFor(domain.ErrorCode(err))
			message = domain.ErrorMessage(err)
		}
		switch {
		case status == http.StatusServiceUnavailable:
			c.Response().Header().Set("Retry-After", retryAfter)
			requestLogger(c, log).Warn("request failed: a part is unavailable", "err", err, "status", status)
		case status >= 500:
			requestLogger(c, log).Error("request failed", "err", err, "status", status)
		}
		if isSmartcarsRequest(c.Request()) {
			if serr := writeSmartcarsError(c, err, status, message); serr != nil {
				requestLogger(c, log).Error("write smartCARS error", "err", serr)
			}
			return
		}
		if isPhpvmsRequest(c.Request()) {
			if perr := writePhpvmsProblem(c, err, status, message); perr != nil {
				requestLogger(c, log).Error("write problem document", "err", perr)
			}
			return
		}
		if isAPIRequest(c.Request()) {
			var fields map[string]string
			if status < 500 {
				fields = domain.ErrorFields(err)
			}
			if perr := writeProblem(c, status, message, fields); perr != nil {
				requestLogger(c, log).Error("write problem document", "err", perr)
			}
			return
		}
		if c.Request().Method == http.MethodHead {
			_ = c.NoContent(status)
			return
		}
		h := c.Response().Header()
		switch r := c.Request(); {
		case isFragmentRequest(r):
			// The message goes to the page's error region, not in place of
			// the fragment that asked (static/js/app.js shows it).
			h.Set("HX-Retarget", "#request-error")
			h.Set("HX-Reswap", "innerHTML")
			h.Set("HX-Reselect", `[data-testid="error"]`)
		case r.Header.Get("HX-Boosted") != "" && r.Method != http.MethodGet:
			// A boosted form's error page keeps the address of the page
			// the form was on: a reload must not GET a POST-only route.
			h.Set("HX-Push-Url", "false")
		}
		e := views.ErrorPage{Page: page(c, http.StatusText(status)), Status: status, Message: message}
		if rerr := render(c, status, views.ErrorView(e), views.ErrorFragment(e)); rerr != nil {
			requestLogger(c, log).Error("render error page", "err", rerr)
			_ = c.String(status, message)
		}
	}
}
