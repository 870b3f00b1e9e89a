package handlers

import (
	"encoding/json"
	"net/http"
	"strings"

	"github.com/labstack/echo/v4"
)

// problemContentType is the media type of an RFC 9457 problem document.
const problemContentType = "application/problem+json"

// problem is an RFC 9457 problem document, the body of every error of the
// API. Type is about:blank: the status says what kind of problem it is, and
// Title is then the status's text, as the RFC asks.
type problem struct {
	Type   string `json:"type"`
	Title  string `json:"title"`
	Status int    `json:"status"`
	Detail string `json:"detail,omitempty"`
	// Fields names each refused field of the request (a JSON member, a
	// form field or a query parameter) with what is wrong with it: an
	// extension member, as RFC 9457 allows.
	Fields map[string]string `json:"fields,omitempty"`
}

// isAPIRequest is true for the paths of the API, whose errors are problem
// documents rather than pages.
func isAPIRequest(r *http.Request) bool {
	return r.URL.Path == "/api" || strings.HasPrefix(r.URL.Path, "/api/")
}

// writeProblem answers an API request with a problem document, naming the
// refused fields when there are any. A 401 always
// says which scheme authenticates (RFC 9110 requires WWW-Authenticate).
func writeProblem(c echo.Context, status int, detail string, fields map[string]string) error {
	h := c.Response().Header()
	if status == http.StatusUnauthorized && h.Get(echo.HeaderWWWAuthenticate) == "" {
		h.Set(echo.HeaderWWWAuthenticate, bearerChallenge)
	}
	h.Set("Cache-Control", "no-store")
	if c.Request().Method == http.MethodHead {
		return c.NoContent(status)
	}
	body, err := json.Marshal(problem{Type: "about:blank", Title: http.StatusText(status), Status: status, Detail: detail, Fields: fields})
	if err != nil {
		return err
	}
	return c.Blob(status, problemContentType, body)
}
