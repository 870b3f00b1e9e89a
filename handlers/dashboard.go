package handlers

import (
	"net/http"
	"strconv"

	"github.com/google/uuid"
	"github.com/labstack/echo/v4"

	"github.com/albatross-va/albatross/domain"
	"github.com/albatross-va/albatross/store/reads"
	"github.com/albatross-va/albatross/views"
)

// dashboardHandlers are a pilot's dashboard: their career from the read
// models (pilot_stats, pilot_ranks, ranks, pireps, flights).
type dashboardHandlers struct {
	rm reads.Querier
}

// Limits of the dashboard's lists.
const (
	dashboardPireps     = 5
	dashboardDepartures = 10
)

func dashboardURL(airlineID string) string { return "/airlines/" + airlineID + "/dashboard" }

// showDashboard is the viewer's own dashboard in the airline of the route.
func (h *dashboardHandlers) showDashboard(c echo.Context) error {
	id, err := airlineParam(c)
	if err != nil {
		return err
	}
	return renderDashboard(c, h.rm, id)
}

// renderDashboard renders the signed-in member's dashboard in an airline;
// the home page shows it to a pilot too.
func renderDashboard(c echo.Context, rm reads.Querier, airlineID uuid.UUID) error {
	tabs, _, err := airlineTabsOf(c, rm, airlineID, "dashboard")
	if err != nil {
		return err
	}
	ctx := c.Request().Context()
	u, _ := currentUser(c)
	me, err := uuid.Parse(currentActor(c).UserID)
	if err != nil {
		return domain.Errorf(domain.EForbidden, "Only an airline's members have a dashboard.")
	}
	p := views.DashboardPage{Page: page(c, tabs.Name+" · Dashboard"), Tabs: tabs, URL: dashboardURL(tabs.ID),
		Name: u.Name, PilotID: u.PilotID, Hours: domain.FormatFlightTime(0), FileURL: pirepsURL(tabs.ID) + "/new"}

	career, err := rm.PilotCareer(ctx, tabs.ID, me.String())
	if err != nil {
		return err
	}
	p.Hours, p.Flights, p.Location = domain.FormatFlightTime(career.Minutes), career.Flights, career.Location
	if career.LandingRate != 0 {
		p.LandingRate = strconv.Itoa(int(career.LandingRate)) + " ft/min"
	}
	if p.Score, err = pilotAverageScore(ctx, rm, tabs.ID, me); err != nil {
		return err
	}
	ranks, err := rm.AirlineRanks(ctx, tabs.ID)
	if err != nil {
		return err
	}
	p.Rank = ranks.Name(career.RankID)
	transfer, err := rm.TransferMinutes(ctx, tabs.ID, me.String())
	if err != nil {
		return err
	}
	if transfer > 0 {
		p.TransferHours = domain.FormatFlightTime(transfer)
	}
	if p.OnLeave, err = rm.PilotOnLeave(ctx, tabs.ID, me.String(), today()); err != nil {
		return err
	}
	p.LeaveURL = myLeaveURL(tabs.ID)
	p.Progress = rankProgress(ranks, career.RankID, career.Minutes)

	recent, err := rm.PilotPireps(ctx, tabs.ID, me.String(), dashboardPireps)
	if err != nil {
		return err
	}
	for _, r := range recent {
		p.Recent = append(p.Recent, pirepRow(tabs, r, "", nil))
	}
	var departures []reads.ScheduledFlight
	if p.Location != "" {
		found, err := rm.FindFlights(ctx, tabs.ID, reads.FlightFilter{Dpt: p.Location}, dashboardDepartures)
		if err != nil {
			return err
		}
		departures = found.Flights
	}
	// The airports the page names, the pilot's and the departures'
	// arrivals, in one read.
	shown := []string{p.Location}
	for _, f := range departures {
		shown = append(shown, f.ArrAirport)
	}
	names, err := namedAirports(ctx, rm, tabs.ID, shown...)
	if err != nil {
		return err
	}
	p.LocationName = names[p.Location].Name
	bids, err := readFlightBids(ctx, rm, tabs.ID, me.String(), departures)
	if err != nil {
		return err
	}
	arrivals := map[string]views.AirportOption{} // a departure row names its arrival only
	for _, f := range departures {
		if bids.takenByOther(f) {
			continue // another pilot's bid takes it
		}
		arrivals[f.ArrAirport] = views.AirportOption{Name: names[f.ArrAirport].Name}
		r := flightRow(tabs, f, arrivals)
		r.Bid = bids.row(f)
		p.Departures = append(p.Departures, r)
	}
	if p.Awards, err = pilotAwardBadges(ctx, rm, tabs.ID, me); err != nil {
		return err
	}
	p.AwardsURL = dashboardURL(tabs.ID) + "/awards/live"
	if p.Tours, err = dashboardTourList(ctx, rm, tabs.ID, me); err != nil {
		return err
	}
	p.ToursURL = dashboardURL(tabs.ID) + "/tours/live"
	p.NewsURL = dashboardURL(tabs.ID) + "/news/live"
	if p.News, err = newsCards(ctx, rm, tabs.ID, 0, dashboardNews, false); err != nil {
		return err
	}
	c.Response().Header().Set("Cache-Control", "no-store")
	return render(c, http.StatusOK, views.DashboardView(p), nil)
}

// rankProgress is the way from minutes of flight time to the next rank the
// promotion rule gives: the lowest auto-promote rank above both the rank
// held and the hours flown. ranks are in AirlineRanks order (lowest first).
func rankProgress(ranks reads.Ranks, held string, minutes int64) views.RankProgress {
	if len(ranks) == 0 {
		return views.RankProgress{NoRanks: true}
	}
	var floor int64 = -1
	for _, r := range ranks {
		if r.ID == held {
			floor = int64(r.MinMinutes)
		}
	}
	for _, r := range ranks {
		m := int64(r.MinMinutes)
		if !r.AutoPromote || m <= minutes || m <= floor {
			continue
		}
		return views.RankProgress{Next: r.Name, Value: minutes, Max: m,
			Label: domain.FormatFlightTime(minutes) + " of " + formatHours(m) + " hours to " + r.Name}
	}
	return views.RankProgress{Top: true}
}

// formatHours writes whole hours as a number and others as h:mm.
func formatHours(minutes int64) string {
	if minutes%60 == 0 {
		return strconv.FormatInt(minutes/60, 10)
	}
	return domain.FormatFlightTime(minutes)
}
