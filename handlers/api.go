package handlers

import (
	"net/http"
	"slices"
	"strings"

	"github.com/labstack/echo/v4"
)

// apiHandlers serve the JSON API for programs. Every route but the
// not-found one runs behind requireAPIKey.
type apiHandlers struct {
	e *echo.Echo // to tell a wrong method from a wrong path
}

// meResponse is GET /api/v1/me: the key's owner.
type meResponse struct {
	ID      string       `json:"id"`
	Email   string       `json:"email"`
	Name    string       `json:"name"`
	Role    string       `json:"role"`
	Airline *airlineJSON `json:"airline"` // null for a platform admin
}

type airlineJSON struct {
	ID   string `json:"id"`
	Name string `json:"name"`
	ICAO string `json:"icao"`
	Slug string `json:"slug"`
}

// showMe tells a program whose key it is using.
func (h *apiHandlers) showMe(c echo.Context) error {
	p, ok := currentAPIPrincipal(c)
	if !ok {
		return echo.ErrUnauthorized
	}
	u := p.user
	me := meResponse{ID: u.ID, Email: u.Email, Name: u.Name, Role: u.Role}
	if a := p.airline; a != nil {
		me.Airline = &airlineJSON{ID: a.ID, Name: a.Name, ICAO: a.ICAO, Slug: a.Slug}
	}
	c.Response().Header().Set("Cache-Control", "no-store")
	return c.JSON(http.StatusOK, me)
}

// notFound answers an API request that no route takes: 405 with Allow when
// the path has routes for other methods, 404 otherwise. Echo's router would
// send both here, as its catch-all routes win over its own 405.
func (h *apiHandlers) notFound(c echo.Context) error {
	path := c.Request().URL.Path
	var allow []string
	for _, r := range h.e.Routes() {
		if r.Path == path && r.Method != echo.RouteNotFound && !slices.Contains(allow, r.Method) {
			allow = append(allow, r.Method)
		}
	}
	if len(allow) == 0 {
		return echo.NewHTTPError(http.StatusNotFound, "There is no API endpoint at this address.")
	}
	slices.Sort(allow)
	c.Response().Header().Set(echo.HeaderAllow, strings.Join(allow, ", "))
	return echo.NewHTTPError(http.StatusMethodNotAllowed, "This endpoint does not accept "+c.Request().Method+"; it accepts "+strings.Join(allow, ", ")+".")
}
