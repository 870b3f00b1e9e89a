package handlers

import (
	"fmt"
	"net/http"

	"github.com/labstack/echo/v4"

	"github.com/albatross-va/albatross/store/reads"
	"github.com/albatross-va/albatross/views"
)

// quarantineHandlers show the platform admin the events the projections set
// aside because they could not apply them.
type quarantineHandlers struct {
	rm reads.Querier
}

// showQuarantine lists the quarantined events, oldest first.
func (h *quarantineHandlers) showQuarantine(c echo.Context) error {
	qs, err := h.rm.ListQuarantinedEvents(c.Request().Context())
	if err != nil {
		return fmt.Errorf("list quarantined events: %w", err)
	}
	p := views.QuarantinePage{Page: page(c, "Quarantined events")}
	for _, q := range qs {
		p.Rows = append(p.Rows, views.QuarantineRow{
			Position: fmt.Sprintf("%d/%d", q.CommitTx, q.Seq), Projection: q.Projection,
			Stream: q.StreamID, Version: q.Version, Type: q.EventType, Error: q.Error,
			At: q.QuarantinedAt.UTC().Format("2006-01-02 15:04:05 UTC"),
		})
	}
	c.Response().Header().Set("Cache-Control", "no-store")
	return render(c, http.StatusOK, views.QuarantineView(p), nil)
}
