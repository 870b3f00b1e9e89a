package handlers

import (
	"github.com/google/uuid"
	"github.com/labstack/echo/v4"

	"github.com/albatross-va/albatross/domain"
)

// allow lets a request through only when the logged-in user may take the
// action in the airline named by the route's :id parameter, or platform-wide
// on a route without one. The decision is the domain's access matrix, so the
// routes and the commands cannot disagree: a role that may never take the
// action gets 403, a role that may in its own airline only gets 404 for
// another airline, which must not be seen to exist.
func allow(action domain.Action) echo.MiddlewareFunc {
	return func(next echo.HandlerFunc) echo.HandlerFunc {
		return func(c echo.Context) error {
			if err := domain.Authorize(currentActor(c), action, c.Param("id")); err != nil {
				return err
			}
			return next(c)
		}
	}
}

// airlineParam is the airline named by the route's :id, already allowed by
// allow; an id that is not a uuid names no airline.
func airlineParam(c echo.Context) (uuid.UUID, error) {
	id, err := uuid.Parse(c.Param("id"))
	if err != nil {
		return uuid.Nil, domain.Errorf(domain.ENotFound, "There is no such airline.")
	}
	return id, nil
}

// commandMeta is the metadata of a command sent from a request: who sends
// it and the request it belongs to. A form's command id makes it idempotent.
func commandMeta(c echo.Context, commandID string) domain.CommandMeta {
	if !validCommandID(commandID) {
		commandID = domain.NewUUID()
	}
	return domain.CommandMeta{ID: commandID, Who: currentActor(c), CorrelationID: requestID(c)}
}
