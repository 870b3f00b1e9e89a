package handlers

import (
	"context"
	"strings"

	"github.com/labstack/echo/v4"

	"github.com/albatross-va/albatross/domain/imports"
	"github.com/albatross-va/albatross/store/reads"
	"github.com/albatross-va/albatross/views"
)

// adminHomeURL is the live section of an airline admin's home: the home
// itself is "/", so its section lives under the airline, where the route's
// :id and the access table keep it to that airline's staff.
func adminHomeURL(airlineID string) string { return "/airlines/" + airlineID + "/home/live" }

// adminHome reads what waits for an airline's admin and how far its first
// steps are: one read of the read models (ReadAirlineSetup), the review
// queue's count (the pirep_counts row), and the import jobs kept.
func adminHome(ctx context.Context, rm reads.Querier, jobs *imports.Jobs, a reads.Airline) (*views.AdminHome, error) {
	id := a.ID
	setup, err := rm.ReadAirlineSetup(ctx, id)
	if err != nil {
		return nil, err
	}
	queue, err := rm.PendingPireps(ctx, id, 1, 1)
	if err != nil {
		return nil, err
	}
	list, err := jobs.List(ctx, id)
	if err != nil {
		return nil, err
	}
	failed := 0
	for _, s := range list {
		if importNeedsStaff(s.State) {
			failed++
		}
	}
	base := "/airlines/" + id
	h := &views.AdminHome{LiveURL: adminHomeURL(id),
		Needs: []views.AdminNeed{
			{Key: "registrations", Label: "Registrations to decide", Count: int(setup.PendingRegistrations), URL: base + "/people", Link: "People"},
			{Key: "pireps", Label: "PIREPs to review", Count: int(queue.Waiting()), URL: base + "/pireps/queue", Link: "Review queue"},
			{Key: "imports", Label: "Imports with problems", Count: failed, URL: base + "/imports", Link: "Imports"},
		},
		Steps: []views.SetupStep{
			{Key: "airports", Label: "Add your airports", Done: setup.HasAirport, URL: base + "/airports", Link: "Airports"},
			{Key: "fleet", Label: "Add a subfleet and an aircraft", Done: setup.HasSubfleet && setup.HasAircraft, URL: base + "/fleet", Link: "Fleet"},
			{Key: "flights", Label: "Add a flight", Done: setup.HasFlight, URL: base + "/flights", Link: "Flights"},
			{Key: "ranks", Label: "Add a rank", Done: setup.HasRank, URL: base + "/ranks", Link: "Ranks"},
			// The setting always has a value; the step shows it, so the
			// admin sees what they chose or left as it came.
			{Key: "registration", Label: "Choose how pilots register", Done: true, URL: base, Link: "Airline profile",
				Value: registrationLabel(a.Registration)},
			{Key: "pilots", Label: "Invite or register a pilot", Done: setup.HasPilot, URL: base + "/people", Link: "People"},
		}}
	return h, nil
}

// registrationLabel is the short name of a registration setting.
func registrationLabel(mode string) string {
	for _, m := range views.RegistrationModes {
		if m[0] == mode {
			name, _, _ := strings.Cut(m[1], ":")
			return name
		}
	}
	return mode
}

// showAdminHomeLive is the live section of an airline admin's home.
func showAdminHomeLive(rm reads.Querier, jobs *imports.Jobs) echo.HandlerFunc {
	return liveFragment(func(c echo.Context) error {
		id, err := airlineParam(c)
		if err != nil {
			return err
		}
		return renderAdminHome(c, rm, jobs, id)
	}, views.LiveAdminHome)
}
