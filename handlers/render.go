package handlers

import (
	"bytes"
	"net/http"

	"github.com/a-h/templ"
	"github.com/labstack/echo/v4"
)

// isFragmentRequest is true for an htmx request that swaps part of a page:
// not a boosted navigation and not a history restore, which need the page.
func isFragmentRequest(r *http.Request) bool {
	return r.Header.Get("HX-Request") == "true" &&
		r.Header.Get("HX-Boosted") == "" &&
		r.Header.Get("HX-History-Restore-Request") == ""
}

// render writes the fragment to htmx and the page to everyone else. It renders
// into a buffer first so that a failed render is a clean 500.
func render(c echo.Context, status int, page, fragment templ.Component) error {
	c.Response().Header().Add("Vary", "HX-Request")
	if ok, err := renderLive(c, status, page); ok {
		return err
	}
	comp := page
	if fragment != nil && isFragmentRequest(c.Request()) {
		comp = fragment
	}
	return renderComponent(c, status, comp)
}

// renderComponent writes one component, buffered.
func renderComponent(c echo.Context, status int, comp templ.Component) error {
	var buf bytes.Buffer
	if err := comp.Render(c.Request().Context(), &buf); err != nil {
		return err
	}
	return c.HTMLBlob(status, buf.Bytes())
}
