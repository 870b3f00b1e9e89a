package handlers

import (
	"bytes"
	"net/http"
	"sync"

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

// renderBuffers are the buffers pages render into, kept for the next
// page: a 200 KB list rendered into a new buffer grows it a dozen times,
// garbage the collector then scans the whole read-model heap to reclaim.
var renderBuffers = sync.Pool{New: func() any { return new(bytes.Buffer) }}

// maxPooledBuffer bounds what the pool keeps, so one huge page (an export)
// does not pin its memory.
const maxPooledBuffer = 1 << 20

// renderComponent writes one component, buffered.
func renderComponent(c echo.Context, status int, comp templ.Component) error {
	return renderBuffered(c, status, func(buf *bytes.Buffer) error { return comp.Render(c.Request().Context(), buf) })
}

// renderBuffered writes what write puts in a pooled buffer, once it has
// all been written without an error.
func renderBuffered(c echo.Context, status int, write func(buf *bytes.Buffer) error) error {
	buf := renderBuffers.Get().(*bytes.Buffer)
	defer func() {
		if buf.Cap() <= maxPooledBuffer {
			buf.Reset()
			renderBuffers.Put(buf)
		}
	}()
	if err := write(buf); err != nil {
		return err
	}
	return c.HTMLBlob(status, buf.Bytes())
}
