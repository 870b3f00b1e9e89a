package handlers

import (
	"net/http"

	"github.com/google/uuid"
	"github.com/labstack/echo/v4"

	"github.com/albatross-va/albatross/domain"
	"github.com/albatross-va/albatross/store/reads"
	"github.com/albatross-va/albatross/views"
)

// showHome sends a platform admin to the airlines, shows a pilot their
// dashboard, and greets an airline admin with their airline's pages.
func showHome(rm reads.Querier) echo.HandlerFunc {
	return func(c echo.Context) error {
		u, _ := currentUser(c)
		if u.Role == domain.RolePlatformAdmin {
			return c.Redirect(http.StatusSeeOther, "/airlines")
		}
		id, err := uuid.Parse(u.TenantID)
		if err != nil {
			return domain.Errorf(domain.ENotFound, "There is no such airline.")
		}
		if u.Role == domain.RolePilot {
			return renderDashboard(c, rm, id) // as phpVMS, a pilot lands on their dashboard
		}
		a, err := rm.GetAirline(c.Request().Context(), id)
		if err != nil {
			return err
		}
		p := views.HomePage{Page: page(c, "Home"), Name: u.Name, PilotID: u.PilotID, Role: "Pilot",
			AirlineName: a.Name, AirlineSlug: a.Slug}
		if u.Role == domain.RoleAirlineAdmin {
			p.Role, p.ManageURL, p.DashboardURL = "Airline admin", "/airlines/"+u.TenantID, dashboardURL(u.TenantID)
		}
		return render(c, http.StatusOK, views.HomeView(p), nil)
	}
}
