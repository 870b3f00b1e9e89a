package handlers

import (
	"net/http"

	"github.com/labstack/echo/v4"

	"github.com/albatross-va/albatross/static"
)

// serveStatic serves the embedded, built assets. They change only with the
// binary, so browsers may cache them for an hour.
func serveStatic() echo.HandlerFunc {
	files := http.StripPrefix("/static/", http.FileServerFS(static.FS()))
	return func(c echo.Context) error {
		c.Response().Header().Set("Cache-Control", "public, max-age=3600")
		files.ServeHTTP(c.Response(), c.Request())
		return nil
	}
}
