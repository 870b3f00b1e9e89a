package handlers

import (
	"net/http"

	"github.com/google/uuid"
	"github.com/labstack/echo/v4"

	"github.com/albatross-va/albatross/domain"
	"github.com/albatross-va/albatross/domain/imports"
	"github.com/albatross-va/albatross/store/reads"
	"github.com/albatross-va/albatross/views"
)

// showHome sends a platform admin to the airlines, shows a pilot their
// dashboard, and greets an airline admin with what waits for them and
// their airline's first steps.
func showHome(rm reads.Querier, jobs *imports.Jobs) echo.HandlerFunc {
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
		return renderAdminHome(c, rm, jobs, id)
	}
}

// renderAdminHome is the home of the signed-in staff member of an airline;
// its live route renders only the waiting counts and the checklist.
func renderAdminHome(c echo.Context, rm reads.Querier, jobs *imports.Jobs, airlineID uuid.UUID) error {
	u, _ := currentUser(c)
	ctx := c.Request().Context()
	a, err := rm.FindAirline(ctx, airlineID.String())
	if err != nil {
		return err
	}
	p := views.HomePage{Page: page(c, "Home"), Name: u.Name, PilotID: u.PilotID, Role: "Pilot",
		AirlineName: a.Name, AirlineSlug: a.Slug}
	if u.Role == domain.RoleAirlineAdmin {
		p.Role, p.ManageURL, p.DashboardURL = "Airline admin", "/airlines/"+u.TenantID, dashboardURL(u.TenantID)
		if p.Admin, err = adminHome(ctx, rm, jobs, a); err != nil {
			return err
		}
	}
	// Counts of the airline's registrations and PIREPs: private.
	c.Response().Header().Set("Cache-Control", "no-store")
	return render(c, http.StatusOK, views.HomeView(p), nil)
}
