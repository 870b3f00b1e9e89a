package handlers

import (
	"net/http"
	"net/url"

	"github.com/labstack/echo/v4"

	"github.com/albatross-va/albatross/domain"
)

// refuseUnstorableText answers before any handler runs when the address of
// a request holds text no query can take: a NUL, a control character or
// invalid UTF-8, in the path (which reaches queries as path parameters) or
// in any query parameter (search boxes, filters, cursors). PostgreSQL
// refuses such a value with an error that would otherwise be a 500. A bad
// query parameter is a 422 naming the parameter, as a refused form field
// is; a bad path is a 400.
func refuseUnstorableText(next echo.HandlerFunc) echo.HandlerFunc {
	return func(c echo.Context) error {
		r := c.Request()
		if domain.TextProblem(r.URL.Path, domain.SingleLine) != "" {
			return echo.NewHTTPError(http.StatusBadRequest,
				"This address holds a character that no page can have (a NUL, a control character or invalid UTF-8). Check the link.")
		}
		if r.URL.RawQuery != "" {
			if err := queryTextError(r.URL.RawQuery); err != nil {
				return err
			}
		}
		return next(c)
	}
}

// queryTextError checks each name and value of a raw query string and
// returns an EInvalid error naming the first bad parameter, or nil.
func queryTextError(raw string) error {
	q, _ := url.ParseQuery(raw) // what could be parsed is what handlers see
	for name, values := range q {
		if domain.TextProblem(name, domain.SingleLine) != "" {
			return domain.TextError("query", name, domain.SingleLine, 0)
		}
		for _, v := range values {
			if err := domain.TextError(name, v, domain.SingleLine, 0); err != nil {
				return err
			}
		}
	}
	return nil
}
