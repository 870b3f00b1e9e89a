package handlers

import (
	"github.com/labstack/echo/v4"
)

// registerRoutes lists every route of Albatross.
func registerRoutes(e *echo.Echo, d Deps) {
	e.Use(withRequestLog(d.Log), recoverPanics(d.Log), securityHeaders)

	health := &healthHandlers{ready: d.Ready, log: d.Log}
	e.GET("/healthz", health.showHealth)
	e.GET("/readyz", health.showReadiness)
	e.GET("/static/*", serveStatic())

	app := e.Group("", csrf(d.SecureCookies))
	app.GET("/", redirectHome)
	app.GET("/events", d.Broker.streamEvents)

	airlines := &airlineHandlers{cmds: d.Airlines, rm: d.ReadModels, waiter: d.Waiter, waitBound: d.WaitBound, log: d.Log}
	app.GET("/airlines", airlines.listAirlines)
	app.GET("/airlines/rows", airlines.listAirlineRows)
	app.POST("/airlines", airlines.createAirline)
}
