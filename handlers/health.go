package handlers

import (
	"context"
	"log/slog"
	"net/http"
	"time"

	"github.com/labstack/echo/v4"

	"github.com/albatross-va/albatross/domain"
)

type healthHandlers struct {
	ready ReadinessCheck
	log   *slog.Logger
}

// showHealth answers 200 while the process is up.
func (h *healthHandlers) showHealth(c echo.Context) error {
	return c.JSON(http.StatusOK, map[string]string{"status": "ok"})
}

// showReadiness answers 200 when the event store and read models answer and
// the projections are caught up within a bound, 503 otherwise.
func (h *healthHandlers) showReadiness(c echo.Context) error {
	ctx, cancel := context.WithTimeout(c.Request().Context(), 2*time.Second)
	defer cancel()
	detail, err := h.ready(ctx)
	if err != nil {
		// The cause may name hosts and users: it goes to the log, not to
		// whoever asks, who reads the check's safe message as the reason.
		requestLogger(c, h.log).Warn("not ready", "err", err)
		reason := "not ready"
		if domain.ErrorCode(err) != domain.EInternal {
			reason = domain.ErrorMessage(err)
		}
		c.Response().Header().Set("Retry-After", retryAfter)
		return c.JSON(http.StatusServiceUnavailable, map[string]any{"status": "unavailable", "reason": reason, "detail": detail})
	}
	// Degraded still serves: a load balancer that took the process out
	// would only turn a set-aside event into an outage.
	if d, ok := detail.(Degraded); ok {
		if reason := d.DegradedReason(); reason != "" {
			return c.JSON(http.StatusOK, map[string]any{"status": "degraded", "reason": reason, "detail": detail})
		}
	}
	return c.JSON(http.StatusOK, map[string]any{"status": "ready", "detail": detail})
}

// Degraded is a readiness detail that can say the process serves with a
// fault an operator should see, such as quarantined events; "" when none.
type Degraded interface {
	DegradedReason() string
}
