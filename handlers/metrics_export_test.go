package handlers

import "github.com/labstack/echo/v4"

// CountRequests adds the request counter New adds when Deps.Metrics is
// set, outside every middleware used after it, to a bare Echo; call the
// returned function once the routes are added.
func CountRequests(e *echo.Echo, m RequestMetrics) (learn func()) {
	rc := newRequestCounter(m)
	e.Use(rc.middleware)
	return func() { rc.learn(e.Routes()) }
}
