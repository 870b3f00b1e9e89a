package handlers

import (
	"errors"
	"maps"
	"net/http"
	"regexp"
	"slices"
	"strings"

	"github.com/labstack/echo/v4"

	"github.com/albatross-va/albatross/domain"
	"github.com/albatross-va/albatross/store/reads"
)

// smartCARS 3's handler API (../shared/smartcars3/openapi.json, version
// 1.0.2, from the MIT-licensed phpVMS 7 module): the routes the smartCARS 3
// client calls under /api/smartcars, translated onto the same commands and
// read models as phpVMS's API, whose helpers it shares.
//
// The airline comes from the URL, since the login comes before any key:
// /a/{slug}/api/smartcars, or /api/smartcars on a platform with one
// airline (phpvms.go chooses the same way for a request without a key).
// Every route but the version and the three session routes needs the
// session token the login returns, as a bearer token.

// smartcarsAPIVersion is the version of the contract answered.
const smartcarsAPIVersion = "1.0.2"

// smartcarsSourceName is the ACARS client a smartCARS PIREP names.
const smartcarsSourceName = "smartCARS 3"

// smartcarsError is a refusal in the contract's terms: a status and its
// Error body, {"message": ...}.
type smartcarsError struct {
	Status  int
	Message string
}

func (e *smartcarsError) Error() string { return e.Message }

// smartcarsRefusal is a smartcarsError.
func smartcarsRefusal(status int, message string) *smartcarsError {
	return &smartcarsError{Status: status, Message: message}
}

// smartcarsInvalid is the contract's 400 naming each field wrong, in one
// message (the Error schema has no room for more).
func smartcarsInvalid(fields map[string]string) *smartcarsError {
	var msgs []string
	for _, f := range slices.Sorted(maps.Keys(fields)) {
		msgs = append(msgs, fields[f])
	}
	return smartcarsRefusal(http.StatusBadRequest, strings.Join(msgs, " "))
}

// smartcarsFieldError is a 400 naming one field.
func smartcarsFieldError(field, message string) *smartcarsError {
	return smartcarsRefusal(http.StatusBadRequest, field+": "+message)
}

// isSmartcarsRequest is true for /api/smartcars and /a/{slug}/api/smartcars
// and below them.
func isSmartcarsRequest(r *http.Request) bool {
	p, ok := withoutAirlineBase(r.URL.Path)
	return ok && (p == "/api/smartcars" || strings.HasPrefix(p, "/api/smartcars/"))
}

// writeSmartcarsError answers an error with the contract's Error body:
// the message, with each field of a domain refusal named; a 422 is the
// contract's 400. A 401 says the bearer scheme.
func writeSmartcarsError(c echo.Context, err error, status int, message string) error {
	var pe *phpvmsError
	fields := domain.ErrorFields(err)
	if errors.As(err, &pe) {
		fields = pe.Fields
	}
	if status < 500 && len(fields) > 0 {
		var msgs []string
		for _, f := range slices.Sorted(maps.Keys(fields)) {
			msgs = append(msgs, smartcarsFieldName(f)+": "+fields[f])
		}
		message = strings.Join(msgs, " ")
	}
	switch status {
	case http.StatusUnprocessableEntity:
		status = http.StatusBadRequest
	case http.StatusUnauthorized:
		c.Response().Header().Set(echo.HeaderWWWAuthenticate, `Bearer realm="smartcars"`)
	}
	return writePhpvmsJSON(c, status, echo.MIMEApplicationJSON, map[string]any{"message": message})
}

// smartcarsFieldNames are the contract's names of the domain's fields a
// refusal may name.
var smartcarsFieldNames = map[string]string{
	"flight_id": "flightID", "aircraft_id": "aircraftID", "flight_time": "flightTime", "fuel_used": "fuelUsed",
	"landing_rate": "landingRate", "remarks": "comments", "dpt_airport": "departureAirport", "arr_airport": "arrivalAirport",
}

func smartcarsFieldName(f string) string {
	if n, ok := smartcarsFieldNames[f]; ok {
		return n
	}
	return f
}

// smartcarsAPI serves the contract's routes.
type smartcarsAPI struct {
	e        *echo.Echo // its routes, for the 405s
	php      *phpvmsAPI
	account  *accountHandlers // the login's passwords and throttles
	sessions smartcarsSessions
}

// scope finds the request's airline from its address (see the top of this
// file); a slug that names none is 404.
//
// smartCARS's client calls from its own web view, so every answer allows
// any origin, as the module does, and a preflight (OPTIONS) is answered
// here: no cookie is ever read, only the bearer token a login returned, so
// another site's page can do nothing its user could not.
func (h *smartcarsAPI) scope(next echo.HandlerFunc) echo.HandlerFunc {
	return func(c echo.Context) error {
		hd := c.Response().Header()
		hd.Set("Cache-Control", "no-store")
		hd.Add("Vary", "Authorization")
		hd.Set("Access-Control-Allow-Origin", "*")
		hd.Set("Access-Control-Allow-Methods", "GET, POST, OPTIONS")
		hd.Set("Access-Control-Allow-Headers", "Authorization, Content-Type, X-Requested-With")
		if c.Request().Method == http.MethodOptions {
			return c.NoContent(http.StatusNoContent)
		}
		var airline *reads.Airline
		if slug := c.Param("slug"); slug != "" {
			a, err := h.php.rm.FindAirlineBySlug(c.Request().Context(), slug)
			if domain.ErrorCode(err) == domain.ENotFound || err == nil && a.Suspended {
				return smartcarsRefusal(http.StatusNotFound, "There is no airline at this address.")
			}
			if err != nil {
				return err
			}
			airline = &a
		} else {
			a, err := h.php.onlyAirline(c)
			if err != nil {
				return err
			}
			airline = a
		}
		if airline != nil {
			c.Set(phpvmsAirlineKey, *airline)
		}
		return next(c)
	}
}

// airline is the request's airline; none is a 404 naming the address that
// chooses one.
func (h *smartcarsAPI) airline(c echo.Context) (reads.Airline, error) {
	a, ok := c.Get(phpvmsAirlineKey).(reads.Airline)
	if !ok {
		return a, smartcarsRefusal(http.StatusNotFound,
			"This platform hosts several airlines: point smartCARS at the airline's address, /a/{slug}/api/smartcars.")
	}
	return a, nil
}

// The 401s of a session.
const (
	smartcarsNoSession      = "Send the session the login returned as a bearer token."
	smartcarsInvalidSession = "The session is invalid or has expired: log in again."
)

// requireSession lets through a request with a valid session of one of the
// airline's active pilots, and puts the pilot on the request as phpVMS's
// routes find a key's owner (so their helpers serve both APIs).
func (h *smartcarsAPI) requireSession(next echo.HandlerFunc) echo.HandlerFunc {
	return func(c echo.Context) error {
		a, err := h.airline(c)
		if err != nil {
			return err
		}
		token, ok := bearerToken(c.Request())
		if !ok {
			return smartcarsRefusal(http.StatusUnauthorized, smartcarsNoSession)
		}
		p, _, err := h.principal(c, a, token)
		if err != nil {
			return err
		}
		c.Set(apiPrincipalKey, p)
		h.php.owed.settle(c, p.user.ID)
		return next(c)
	}
}

// bearerToken reads Authorization: Bearer TOKEN.
func bearerToken(r *http.Request) (string, bool) {
	scheme, token, ok := strings.Cut(strings.TrimSpace(r.Header.Get(echo.HeaderAuthorization)), " ")
	token = strings.TrimSpace(token)
	return token, ok && strings.EqualFold(scheme, "Bearer") && token != ""
}

// principal is the pilot a token's session stands for, in airline a: a
// session of another airline, of a person gone or moved, or from before a
// password change is invalid; a person suspended (or of a suspended
// airline) is refused as a login is.
func (h *smartcarsAPI) principal(c echo.Context, a reads.Airline, token string) (apiPrincipal, smartcarsSession, error) {
	ctx := c.Request().Context()
	invalid := smartcarsRefusal(http.StatusUnauthorized, smartcarsInvalidSession)
	sess, ok, err := h.sessions.find(ctx, token)
	if err != nil {
		return apiPrincipal{}, sess, err
	}
	if !ok || sess.TenantID != a.ID {
		return apiPrincipal{}, sess, invalid
	}
	u, al, err := h.php.rm.FindUserWithAirline(ctx, sess.UserID)
	switch {
	case domain.ErrorCode(err) == domain.ENotFound:
		return apiPrincipal{}, sess, invalid
	case err != nil:
		return apiPrincipal{}, sess, err
	case u.TenantID != a.ID || al.ID != a.ID || passwordStamp(u.PasswordHash) != sess.PasswordStamp:
		return apiPrincipal{}, sess, invalid
	}
	if why := domain.LoginRefusal(u.Status, u.StatusReason, al.Suspended); why != "" {
		return apiPrincipal{}, sess, smartcarsRefusal(http.StatusUnauthorized, why)
	}
	return apiPrincipal{user: u, airline: &al}, sess, nil
}

// showVersion is GET /api/smartcars: the contract's version and who
// answers it.
func (h *smartcarsAPI) showVersion(c echo.Context) error {
	return writePhpvmsJSON(c, http.StatusOK, echo.MIMEApplicationJSON,
		map[string]any{"apiVersion": smartcarsAPIVersion, "handler": "Albatross"})
}

// smartcarsAnswer answers 200 with a JSON body.
func smartcarsAnswer(c echo.Context, body any) error {
	return writePhpvmsJSON(c, http.StatusOK, echo.MIMEApplicationJSON, body)
}

// The contract's patterns of what smartCARS sends.
var (
	smartcarsICAOPattern    = regexp.MustCompile(`^[A-Z]{4}$`)
	smartcarsTypePattern    = regexp.MustCompile(`^[A-Z][A-Z0-9]{1,3}$`)
	smartcarsSessionPattern = regexp.MustCompile(`^[A-Za-z0-9_-]*\.[A-Za-z0-9_-]*\.[A-Za-z0-9_-]*$`)
)

// notFound answers a request no route takes: the contract's 405 when the
// path has routes for other methods (echo's catch-all routes win over its
// own 405), 404 otherwise.
func (h *smartcarsAPI) notFound(c echo.Context) error {
	path := c.Request().URL.Path
	if slug := c.Param("slug"); slug != "" {
		path = "/a/:slug" + strings.TrimPrefix(path, "/a/"+slug)
	}
	var allow []string
	for _, r := range h.e.Routes() {
		if r.Path == path && r.Method != echo.RouteNotFound && !slices.Contains(allow, r.Method) {
			allow = append(allow, r.Method)
		}
	}
	if len(allow) == 0 {
		return smartcarsRefusal(http.StatusNotFound, "smartCARS's API has no such route.")
	}
	slices.Sort(allow)
	c.Response().Header().Set(echo.HeaderAllow, strings.Join(allow, ", "))
	return smartcarsRefusal(http.StatusMethodNotAllowed, "This route takes "+strings.Join(allow, ", ")+", not "+c.Request().Method+".")
}
