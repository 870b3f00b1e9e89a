package handlers

import (
	"bytes"

	"github.com/a-h/templ"
	"github.com/labstack/echo/v4"
)

// liveFragmentKey holds, on a fragment route's request, the templ fragments
// of the page that the response is made of.
const liveFragmentKey = "live-fragments"

// liveFragment serves one live section of a page: the page's own handler,
// with its access checks and reads, whose render writes only the fragments
// named (views.Live...), never the layout and the rest of the page. Routes
// get it as the page's path with "/live", which is what the sections'
// hx-get names.
func liveFragment(page echo.HandlerFunc, fragments ...string) echo.HandlerFunc {
	ids := make([]any, len(fragments))
	for i, f := range fragments {
		ids[i] = f
	}
	return func(c echo.Context) error {
		c.Set(liveFragmentKey, ids)
		// A live section is the signed-in person's view of changing data:
		// never cached, whatever the page says.
		c.Response().Header().Set("Cache-Control", "no-store")
		return page(c)
	}
}

// renderLive writes the live fragments a fragment route asked for; ok is
// false on other requests.
func renderLive(c echo.Context, status int, page templ.Component) (ok bool, err error) {
	ids, _ := c.Get(liveFragmentKey).([]any)
	if len(ids) == 0 {
		return false, nil
	}
	c.Response().Header().Set("Cache-Control", "no-store")
	return true, renderBuffered(c, status, func(buf *bytes.Buffer) error {
		return templ.RenderFragments(c.Request().Context(), buf, page, ids...)
	})
}
