package handlers

import (
	"errors"
	"fmt"
	"log/slog"
	"mime"
	"net/http"
	"net/url"
	"regexp"
	"time"

	"github.com/labstack/echo/v4"
	"github.com/labstack/echo/v4/middleware"

	"github.com/albatross-va/albatross/domain"
	"github.com/albatross-va/albatross/views"
)

const (
	loggerKey    = "logger"
	requestIDKey = "request_id"
	csrfKey      = "csrf"
)

var requestIDPattern = regexp.MustCompile(`^[A-Za-z0-9._-]{1,64}$`)

// withRequestLog gives each request an id (kept from X-Request-Id when it is
// sane, so a proxy's id carries through), a logger that prints it on every
// line, and one line when the request ends.
func withRequestLog(log *slog.Logger) echo.MiddlewareFunc {
	return func(next echo.HandlerFunc) echo.HandlerFunc {
		return func(c echo.Context) error {
			id := c.Request().Header.Get(echo.HeaderXRequestID)
			if !requestIDPattern.MatchString(id) {
				id = domain.NewUUID()
			}
			c.Response().Header().Set(echo.HeaderXRequestID, id)
			l := log.With("request_id", id)
			c.Set(requestIDKey, id)
			c.Set(loggerKey, l)
			start := time.Now()
			err := next(c)
			if err != nil {
				c.Error(err)
			}
			l.Info("request", "method", c.Request().Method, "path", c.Request().URL.Path,
				"status", c.Response().Status, "bytes", c.Response().Size, "duration", time.Since(start))
			return nil
		}
	}
}

// requestLogger returns the request's logger, or the base logger.
func requestLogger(c echo.Context, base *slog.Logger) *slog.Logger {
	if l, ok := c.Get(loggerKey).(*slog.Logger); ok {
		return l
	}
	return base
}

// requestID returns the id withRequestLog gave the request.
func requestID(c echo.Context) string {
	id, _ := c.Get(requestIDKey).(string)
	return id
}

// securityHeaders forbids inline script and framing and keeps the referrer
// on this site. With a tile server set, pages may load images from its
// origin, and send it their origin (never a page's path) as the referrer,
// which tile servers such as OpenStreetMap's require.
func securityHeaders(tiles views.MapTiles) echo.MiddlewareFunc {
	imgSrc, referrer := "img-src 'self' data:", "same-origin"
	if origin := tileOrigin(tiles); origin != "" {
		imgSrc, referrer = imgSrc+" "+origin, "strict-origin-when-cross-origin"
	}
	csp := "default-src 'self'; script-src 'self'; style-src 'self'; " + imgSrc + "; connect-src 'self'; frame-ancestors 'none'; base-uri 'self'; form-action 'self'"
	return func(next echo.HandlerFunc) echo.HandlerFunc {
		return func(c echo.Context) error {
			h := c.Response().Header()
			h.Set("Content-Security-Policy", csp)
			h.Set("X-Content-Type-Options", "nosniff")
			h.Set("Referrer-Policy", referrer)
			h.Set("X-Frame-Options", "DENY")
			return next(c)
		}
	}
}

// tileOrigin is the scheme, host and port of the tile server, as a
// Content-Security-Policy source; empty with none. The URL was checked at
// start (cmd/albatross), so one that does not parse is none.
func tileOrigin(tiles views.MapTiles) string {
	if !tiles.On() {
		return ""
	}
	u, err := url.Parse(tiles.URL)
	if err != nil || u.Host == "" {
		return ""
	}
	return u.Scheme + "://" + u.Host
}

// csrf protects every unsafe method: a browser's Sec-Fetch-Site header is
// honoured where sent; otherwise the token from the _csrf cookie must come
// back in the X-CSRF-Token header (htmx, through hx-headers) or the _csrf
// form field. A missing or wrong token is a 403 that changes nothing.
func csrf(secure bool) echo.MiddlewareFunc {
	return middleware.CSRFWithConfig(middleware.CSRFConfig{
		TokenLookup:    "header:X-CSRF-Token,form:_csrf",
		ContextKey:     csrfKey,
		CookieName:     "_csrf",
		CookiePath:     "/",
		CookieHTTPOnly: true,
		CookieSecure:   secure,
		CookieSameSite: http.SameSiteLaxMode,
		ErrorHandler: func(err error, c echo.Context) error {
			return echo.NewHTTPError(http.StatusForbidden, "This form has expired or did not come from this site. Reload the page and try again.")
		},
	})
}

// page returns the common view model of a full page.
func page(c echo.Context, title string) views.Page {
	token, _ := c.Get(csrfKey).(string)
	p := views.Page{Title: title, CSRFToken: token}
	p.Email, _ = c.Get(emailOnKey).(bool)
	p.Said, _ = c.Get(pageNoticeKey).(string)
	if u, ok := currentUser(c); ok {
		p.UserName, p.Admin = u.Name, u.Role == domain.RolePlatformAdmin
		if u.PilotID != "" {
			p.UserName = u.PilotID + " " + u.Name // a pilot is named with their pilot id
		}
		if u.MustChangePassword {
			// Every other page sends them back to the password form.
			p.Admin, p.Email, p.ChoosingPassword = false, false, true
			return p
		}
		if u.Role == domain.RoleAirlineAdmin {
			p.Manage = "/airlines/" + u.TenantID
		}
		// Not before the user chose a password: the notices route would
		// send the fragment to the password form.
		if u.TenantID != "" && !u.MustChangePassword && domain.ScopeOf(u.Role, domain.ViewOwnAirline) == domain.Own {
			p.Notices = noticesURL(u.TenantID)
		}
	}
	return p
}

// recoverPanics turns a panic into an internal error with the stack logged.
func recoverPanics(log *slog.Logger) echo.MiddlewareFunc {
	return middleware.RecoverWithConfig(middleware.RecoverConfig{
		LogErrorFunc: func(c echo.Context, err error, stack []byte) error {
			requestLogger(c, log).Error("panic", "err", err, "stack", string(stack))
			return errors.New("panic recovered")
		},
	})
}

// Request bodies are bounded per route before anything reads them (the
// CSRF check parses every form): a form or a JSON body is a few KB, a CSV
// upload the file's limit and its multipart envelope.
const (
	maxFormBody   = 64 << 10
	maxNewsBody   = 192 << 10
	maxUploadBody = maxUpload + 1<<20
	// multipartMemory is what a parsed upload keeps in memory, as echo's
	// FormFile would; the rest goes to a temporary file.
	multipartMemory = 32 << 20
)

// bodyLimit is the most a route takes in a request body.
func bodyLimit(route string) int64 {
	switch route {
	case "/airlines/:id/imports":
		return maxUploadBody
	case "/airlines/:id/awards", "/airlines/:id/awards/:award":
		return maxAwardBody
	case "/airlines/:id/news", "/airlines/:id/news/:news":
		// A news body at its limit of characters, each percent-encoded.
		return maxNewsBody
	}
	return maxFormBody
}

// limitBodies answers 413 to a body larger than its route takes: at once
// when Content-Length says so, without reading it. A body of unknown
// length is read only up to the limit; a form of that kind is parsed here,
// where going over the limit can still be told apart from a form without
// its CSRF token.
func limitBodies(next echo.HandlerFunc) echo.HandlerFunc {
	return func(c echo.Context) error {
		r := c.Request()
		limit := bodyLimit(c.Path())
		if r.ContentLength > limit {
			return tooLarge(limit)
		}
		r.Body = http.MaxBytesReader(c.Response(), r.Body, limit)
		if r.ContentLength < 0 {
			var err error
			switch mt, _, _ := mime.ParseMediaType(r.Header.Get(echo.HeaderContentType)); mt {
			case echo.MIMEMultipartForm:
				err = r.ParseMultipartForm(multipartMemory)
			case echo.MIMEApplicationForm:
				err = r.ParseForm()
			}
			if mbe := (*http.MaxBytesError)(nil); errors.As(err, &mbe) {
				return tooLarge(limit)
			}
		}
		return next(c)
	}
}

func tooLarge(limit int64) error {
	return echo.NewHTTPError(http.StatusRequestEntityTooLarge,
		fmt.Sprintf("This request is too large: at most %d KB.", limit>>10))
}
