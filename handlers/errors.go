package handlers

import (
	"errors"
	"log/slog"
	"net/http"

	"github.com/labstack/echo/v4"

	"github.com/albatross-va/albatross/domain"
	"github.com/albatross-va/albatross/views"
)

// statusOf maps a domain error code to its HTTP status.
var statusOf = map[string]int{
	domain.ENotFound:     http.StatusNotFound,
	domain.EConflict:     http.StatusConflict,
	domain.EInvalid:      http.StatusUnprocessableEntity,
	domain.EForbidden:    http.StatusForbidden,
	domain.EUnauthorized: http.StatusUnauthorized,
	domain.EInternal:     http.StatusInternalServerError,
}

// errorHandler is the one place errors become responses. Only internal
// errors are logged; their details never reach the client.
func errorHandler(log *slog.Logger) echo.HTTPErrorHandler {
	return func(err error, c echo.Context) {
		if c.Response().Committed {
			return
		}
		status, message := http.StatusInternalServerError, "Something went wrong on our side. Please try again."
		var he *echo.HTTPError
		switch {
		case errors.As(err, &he):
			status = he.Code
			message = http.StatusText(status)
			if m, ok := he.Message.(string); ok && status < 500 {
				message = m
			}
		case domain.ErrorCode(err) != domain.EInternal:
			status = statusOf[domain.ErrorCode(err)]
			message = domain.ErrorMessage(err)
		}
		if status >= 500 {
			requestLogger(c, log).Error("request failed", "err", err, "status", status)
		}
		if c.Request().Method == http.MethodHead {
			_ = c.NoContent(status)
			return
		}
		e := views.ErrorPage{Page: page(c, http.StatusText(status)), Status: status, Message: message}
		if rerr := render(c, status, views.ErrorView(e), views.ErrorFragment(e)); rerr != nil {
			requestLogger(c, log).Error("render error page", "err", rerr)
			_ = c.String(status, message)
		}
	}
}
