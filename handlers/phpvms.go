package handlers

import (
	"encoding/json"
	"errors"
	"maps"
	"math"
	"net/http"
	"net/url"
	"slices"
	"strconv"
	"strings"

	"github.com/labstack/echo/v4"

	"github.com/albatross-va/albatross/domain"
	"github.com/albatross-va/albatross/domain/events"
	"github.com/albatross-va/albatross/store/reads"
)

// phpVMS 7's API (../shared/phpvms-api.md) for the ACARS clients written
// for it: the same paths under /api, the same JSON, the same quirks. This
// file holds what every route shares: how a request finds its airline and
// its key, the envelopes, the pages and the problem documents.
//
// An airline is chosen as follows (the spec's §5, "public routes"):
//   - with an API key, by the key: its owner's airline, on every route;
//   - without one, by the base path /a/{slug}/api, which every route also
//     answers under (a client is pointed at https://host/a/{slug});
//   - without either, the platform's only airline, when it has exactly
//     one (a single-airline install answers at /api as phpVMS does);
//     otherwise a public route answers 404 naming /a/{slug}/api.
//
// A key sent under /a/{slug}/api must be one of that airline's people.

// phpvmsErrorBase prefixes a problem's type, as phpVMS writes it.
const phpvmsErrorBase = "https://phpvms.net/errors/"

// Keys of the request's context the phpVMS routes share.
const (
	phpvmsAirlineKey = "phpvms_airline"
)

// phpvmsError is a refusal in phpVMS's terms: its error type (the last
// part of the problem's type, such as "aircraft-not-available"), the
// status and message, and the extra members some types carry (pirep_id,
// aircraft_id...).
type phpvmsError struct {
	Status  int
	Type    string
	Message string
	Fields  map[string]string // validation-exception's errors, by field
	Extras  map[string]any
}

func (e *phpvmsError) Error() string { return e.Type + ": " + e.Message }

// phpvmsRefusal is a phpvmsError of a type and status.
func phpvmsRefusal(status int, errType, message string) *phpvmsError {
	return &phpvmsError{Status: status, Type: errType, Message: message}
}

// phpvmsNotFound is phpVMS's 404 for a thing that is not there (or is
// another airline's, which a caller must not tell apart).
func phpvmsNotFound(message string) *phpvmsError {
	return phpvmsRefusal(http.StatusNotFound, "not-found", message)
}

// isPhpvmsRequest is true for the paths of the phpVMS API: /api and
// /a/{slug}/api, and below them, except Albatross's own /api/v1.
func isPhpvmsRequest(r *http.Request) bool {
	p, ok := withoutAirlineBase(r.URL.Path)
	if !ok {
		return false
	}
	if p == "/api/v1" || strings.HasPrefix(p, "/api/v1/") {
		return false
	}
	return p == "/api" || strings.HasPrefix(p, "/api/")
}

// withoutAirlineBase is a path without its /a/{slug} base, if it has one;
// false for /a/{slug} itself, which is a page.
func withoutAirlineBase(p string) (string, bool) {
	rest, ok := strings.CutPrefix(p, "/a/")
	if !ok {
		return p, true
	}
	_, after, found := strings.Cut(rest, "/")
	return "/" + after, found
}

// writePhpvmsProblem answers with phpVMS's problem document: RFC 7807
// members (with phpVMS's "details", not "detail"), and "error" with the
// status and message, which clients read.
func writePhpvmsProblem(c echo.Context, err error, status int, message string) error {
	var pe *phpvmsError
	if !errors.As(err, &pe) {
		pe = &phpvmsError{Status: status, Message: message, Fields: domain.ErrorFields(err)}
		switch {
		case status == http.StatusNotFound:
			pe.Type = "not-found"
		case status == http.StatusUnauthorized:
			return writePhpvmsUnauthorized(c, message)
		case status == http.StatusForbidden:
			pe.Type = "unauthorized"
		case status == http.StatusUnprocessableEntity, status == http.StatusBadRequest:
			pe.Status, pe.Type = http.StatusBadRequest, "validation-exception"
		case status == http.StatusConflict:
			pe.Type = "conflict"
		case status == http.StatusMethodNotAllowed:
			pe.Type = "method-not-allowed"
		case status == http.StatusRequestEntityTooLarge:
			pe.Type = "payload-too-large"
		case status >= 500:
			// phpVMS answers every other exception 503 internal-error.
			pe.Status, pe.Type = http.StatusServiceUnavailable, "internal-error"
		default:
			pe.Type = "error"
		}
	}
	body := map[string]any{
		"type":    phpvmsErrorBase + pe.Type,
		"title":   pe.Message,
		"details": pe.Message,
		"status":  pe.Status,
		"error":   map[string]any{"status": pe.Status, "message": pe.Message},
	}
	if len(pe.Fields) > 0 {
		errs := make(map[string][]string, len(pe.Fields))
		var all []string
		for _, f := range slices.Sorted(maps.Keys(pe.Fields)) {
			errs[f] = []string{pe.Fields[f]}
			all = append(all, pe.Fields[f])
		}
		body["errors"] = errs
		body["details"] = strings.Join(all, ", ")
		body["error"] = map[string]any{"status": pe.Status, "message": body["details"]}
	}
	for k, v := range pe.Extras {
		body[k] = v
	}
	return writePhpvmsJSON(c, pe.Status, problemContentType, body)
}

// writePhpvmsUnauthorized is phpVMS's 401, which is not a problem
// document: {"error":{"code":"401","http_code":"Unauthorized","message":...}}.
func writePhpvmsUnauthorized(c echo.Context, detail string) error {
	body := map[string]any{"error": map[string]any{
		"code": "401", "http_code": "Unauthorized", "message": "Invalid or missing API key (" + detail + ")"}}
	return writePhpvmsJSON(c, http.StatusUnauthorized, echo.MIMEApplicationJSON, body)
}

func writePhpvmsJSON(c echo.Context, status int, contentType string, body any) error {
	c.Response().Header().Set("Cache-Control", "no-store")
	if c.Request().Method == http.MethodHead {
		return c.NoContent(status)
	}
	b, err := json.Marshal(body)
	if err != nil {
		return err
	}
	return c.Blob(status, contentType, b)
}

// The phpVMS 401's details, as phpVMS words them (it echoes no key back:
// 7.0.10 does, phpVMS's main branch no longer does, and a key has no place
// in a response a proxy may log).
const (
	phpvmsKeyMissing  = "X-API-KEY header missing"
	phpvmsKeyUnknown  = "User not found with this key"
	phpvmsUserBlocked = "User is not ACTIVE, please contact an administrator"
)

// phpvmsKey reads the key as phpVMS does: X-API-Key, else the raw
// Authorization value (F-ACARS sends the key alone), else, as phpVMS's
// next version and Albatross's own API, Authorization: Bearer KEY.
func phpvmsKey(r *http.Request) (string, bool) {
	if key := strings.TrimSpace(r.Header.Get(apiKeyHeader)); key != "" {
		return key, true
	}
	auth := strings.TrimSpace(r.Header.Get(echo.HeaderAuthorization))
	if scheme, token, ok := strings.Cut(auth, " "); ok && strings.EqualFold(scheme, "Bearer") {
		auth = strings.TrimSpace(token)
	}
	return auth, auth != ""
}

// phpvmsAPI serves phpVMS's routes from the read models (and, for the
// PIREP lifecycle, through the domain's commands).
type phpvmsAPI struct {
	auth *apiKeyAuth
	rm   reads.Querier
	cmds PirepCommands
	bids BidCommands
	wait readYourWrites
	// owed holds the writes a pilot's client made and has not read since.
	owed *owedWrites
	// log and registry read a PIREP's stream, for what only it holds.
	log      StreamReader
	registry *events.Registry
	// simbrief attaches an OFP sent as simbrief_id (nil: none is).
	simbrief SimbriefCommands
}

// scope finds the request's airline and, when a key is sent, its owner
// (see the top of this file). A key that is not valid is refused even on
// a public route, as phpVMS's middleware does on the routes it guards;
// on a public route phpVMS ignores it, but a client that sends a wrong key
// is better told.
func (h *phpvmsAPI) scope(next echo.HandlerFunc) echo.HandlerFunc {
	return func(c echo.Context) error {
		ctx := c.Request().Context()
		c.Response().Header().Add("Vary", "Authorization, "+apiKeyHeader)
		var airline *reads.Airline
		if slug := c.Param("slug"); slug != "" {
			a, err := h.rm.FindAirlineBySlug(ctx, slug)
			if domain.ErrorCode(err) == domain.ENotFound || err == nil && a.Suspended {
				return phpvmsNotFound("There is no airline at this address.")
			}
			if err != nil {
				return err
			}
			airline = &a
		}
		if key, ok := phpvmsKey(c.Request()); ok {
			p, err := h.auth.authenticate(ctx, key)
			switch domain.ErrorCode(err) {
			case "":
			case domain.EUnauthorized:
				return writePhpvmsUnauthorized(c, phpvmsKeyUnknown)
			case domain.EForbidden:
				return writePhpvmsUnauthorized(c, phpvmsUserBlocked)
			default:
				return err
			}
			if p.airline == nil || airline != nil && airline.ID != p.airline.ID {
				// A platform admin's key has no airline to answer for, and
				// a key of another airline is not one of this airline's.
				return writePhpvmsUnauthorized(c, phpvmsKeyUnknown)
			}
			c.Set(apiPrincipalKey, p)
			airline = p.airline
			h.owed.settle(c, p.user.ID)
		}
		if airline == nil {
			a, err := h.onlyAirline(c)
			if err != nil {
				return err
			}
			airline = a
		}
		if airline != nil {
			c.Set(phpvmsAirlineKey, *airline)
		}
		c.Response().Header().Set("Cache-Control", "no-store")
		return next(c)
	}
}

// onlyAirline is the platform's airline when it has exactly one, else nil.
func (h *phpvmsAPI) onlyAirline(c echo.Context) (*reads.Airline, error) {
	all, err := h.rm.ListAirlines(c.Request().Context())
	if err != nil || len(all) != 1 || all[0].Suspended {
		return nil, err
	}
	a, err := h.rm.FindAirline(c.Request().Context(), all[0].ID.String())
	if err != nil {
		return nil, err
	}
	return &a, nil
}

// requireKey guards the routes phpVMS guards with its API key.
func requirePhpvmsKey(next echo.HandlerFunc) echo.HandlerFunc {
	return func(c echo.Context) error {
		if _, ok := currentAPIPrincipal(c); !ok {
			return writePhpvmsUnauthorized(c, phpvmsKeyMissing)
		}
		return next(c)
	}
}

// phpvmsAirline is the request's airline; a public route without one
// answers 404 naming the address that chooses it.
func phpvmsAirline(c echo.Context) (reads.Airline, error) {
	a, ok := c.Get(phpvmsAirlineKey).(reads.Airline)
	if !ok {
		return reads.Airline{}, phpvmsNotFound("This platform hosts several airlines: use the airline's address, /a/{slug}/api, or send an API key.")
	}
	return a, nil
}

// phpvmsData answers {"data": v}.
func phpvmsData(c echo.Context, v any) error {
	return writePhpvmsJSON(c, http.StatusOK, echo.MIMEApplicationJSON, map[string]any{"data": v})
}

// phpvmsPage is a page of a list as phpVMS's paginated routes read it:
// ?page= (0 and 1 are the first) and ?limit= (20 by default).
type phpvmsPage struct {
	Number, Size int
}

// phpvmsDefaultPageSize is phpVMS's repository.pagination.limit.
const (
	phpvmsDefaultPageSize = 20
	phpvmsMaxPageSize     = 500
)

func readPhpvmsPage(c echo.Context) (phpvmsPage, error) {
	p := phpvmsPage{Number: 1, Size: phpvmsDefaultPageSize}
	if s := c.QueryParam("page"); s != "" {
		n, err := strconv.Atoi(s)
		if err != nil || n < 0 {
			return p, &phpvmsError{Status: http.StatusBadRequest, Type: "validation-exception",
				Message: "The page must be a whole number.", Fields: map[string]string{"page": "The page must be a whole number."}}
		}
		p.Number = max(n, 1)
	}
	if s := c.QueryParam("limit"); s != "" {
		n, err := strconv.Atoi(s)
		if err != nil || n < 1 || n > phpvmsMaxPageSize {
			msg := "The limit must be a whole number from 1 to " + strconv.Itoa(phpvmsMaxPageSize) + "."
			return p, &phpvmsError{Status: http.StatusBadRequest, Type: "validation-exception", Message: msg, Fields: map[string]string{"limit": msg}}
		}
		p.Size = n
	}
	return p, nil
}

// offset is the index of the page's first item.
func (p phpvmsPage) offset() int { return (p.Number - 1) * p.Size }

// phpvmsPaged answers a page of a list of total items: data, links all
// null (phpVMS blanks them), and meta with the page URLs clients follow.
func phpvmsPaged(c echo.Context, p phpvmsPage, items []any, total int) error {
	last := max(1, int(math.Ceil(float64(total)/float64(p.Size))))
	pageURL := func(n int) any {
		if n < 1 || n > last {
			return nil
		}
		u := *c.Request().URL
		q := u.Query()
		q.Set("page", strconv.Itoa(n))
		u.RawQuery = q.Encode()
		return absoluteURL(c, u)
	}
	from, to := any(nil), any(nil)
	if len(items) > 0 {
		from, to = p.offset()+1, p.offset()+len(items)
	}
	path := *c.Request().URL
	path.RawQuery = ""
	if items == nil {
		items = []any{}
	}
	body := map[string]any{
		"data":  items,
		"links": map[string]any{"first": nil, "last": nil, "prev": nil, "next": nil},
		"meta": map[string]any{
			"current_page": p.Number, "from": from, "last_page": last, "path": absoluteURL(c, path),
			"per_page": p.Size, "to": to, "total": total,
			"prev_page": pageURL(p.Number - 1), "next_page": pageURL(p.Number + 1),
		},
	}
	return writePhpvmsJSON(c, http.StatusOK, echo.MIMEApplicationJSON, body)
}

// pageOf cuts a page out of a whole list.
func pageOf[T any](list []T, p phpvmsPage) []T {
	from := min(p.offset(), len(list))
	return list[from:min(from+p.Size, len(list))]
}

// absoluteURL is u on the request's own scheme and host.
func absoluteURL(c echo.Context, u url.URL) string {
	u.Scheme, u.Host = c.Scheme(), c.Request().Host
	return u.String()
}
