package handlers

import (
	"context"
	"fmt"
	"strings"

	"github.com/google/uuid"
	"github.com/labstack/echo/v4"

	"github.com/albatross-va/albatross/domain"
)

// maxBulkAccept bounds how many PIREPs one "Accept selected" takes.
const maxBulkAccept = 200

// reviewPireps accepts the PIREPs ticked in the staff's queue, each through
// the same command as a single accept, then applies the promotion rule
// once to each pilot whose PIREP it accepted. A PIREP that cannot be
// accepted (decided meanwhile, cancelled) is named in the notice and the
// others are accepted all the same; an id that is not one of this airline's
// PIREPs is only counted, so nothing of another airline is told or touched.
func (h *pirepHandlers) reviewPireps(c echo.Context) error {
	tabs, err := pirepTabs(c, h.rm)
	if err != nil {
		return err
	}
	queue := pirepsURL(tabs.ID) + "/queue"
	params, err := c.FormParams()
	if err != nil {
		return domain.Errorf(domain.EInvalid, "The form could not be read.")
	}
	var ids []uuid.UUID
	seen := map[uuid.UUID]bool{}
	unknown := 0
	for _, raw := range params["pirep"] {
		id, err := uuid.Parse(raw)
		switch {
		case err != nil:
			unknown++
		case !seen[id]:
			seen[id] = true
			ids = append(ids, id)
		}
	}
	if len(ids) > maxBulkAccept {
		return domain.Errorf(domain.EInvalid, "Select at most %d PIREPs at once.", maxBulkAccept)
	}
	if len(ids) == 0 && unknown == 0 {
		return h.finish(c, h.sessions, domain.AppendResult{}, queue, "Select the PIREPs to accept first.")
	}
	// Once begun, the run is not cut short by the user leaving the page.
	c.SetRequest(c.Request().WithContext(context.WithoutCancel(c.Request().Context())))
	ctx := c.Request().Context()
	var accepted, refused []string
	var last domain.AppendResult
	var failed error
	for _, id := range ids {
		p, err := h.rm.FindPirep(ctx, tabs.ID, id.String())
		if domain.ErrorCode(err) == domain.ENotFound {
			unknown++
			continue
		}
		if err != nil {
			failed = err
			break
		}
		ident := tabs.ICAO + p.FlightNumber
		res, err := h.cmds.Accept(ctx, commandMeta(c, ""), tabs.ID, p.ID)
		switch domain.ErrorCode(err) {
		case "":
		case domain.EConflict, domain.EForbidden, domain.ENotFound:
			refused = append(refused, fmt.Sprintf("%s (%s)", ident, strings.TrimSuffix(domain.ErrorMessage(err), ".")))
			continue
		default:
			failed = err
		}
		if failed != nil {
			break
		}
		accepted = append(accepted, ident)
		if res.Position.After(last.Position) {
			last = res
		}
	}
	notice := bulkAcceptNotice(accepted, refused, unknown)
	if failed != nil {
		if len(accepted) == 0 {
			return failed
		}
		// What was accepted stands; the user learns where it stopped.
		requestLogger(c, h.log).Error("bulk accept stopped", "accepted", len(accepted), "err", failed)
		notice += " Then something went wrong and the rest were not accepted; try them again."
	}
	return h.finish(c, h.sessions, last, queue, notice)
}

// bulkAcceptNotice says what an "Accept selected" did.
func bulkAcceptNotice(accepted, refused []string, unknown int) string {
	var parts []string
	if len(accepted) > 0 {
		parts = append(parts, "Accepted "+strings.Join(accepted, ", ")+".")
	}
	if len(refused) > 0 {
		parts = append(parts, "Not accepted: "+strings.Join(refused, "; ")+".")
	}
	switch unknown {
	case 0:
	case 1:
		parts = append(parts, "One selected PIREP is not one of this airline's.")
	default:
		parts = append(parts, fmt.Sprintf("%d selected PIREPs are not this airline's.", unknown))
	}
	if len(parts) == 0 {
		return "Nothing was accepted."
	}
	return strings.Join(parts, " ")
}
