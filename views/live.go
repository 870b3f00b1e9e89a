package views

import (
	"strings"

	"github.com/albatross-va/albatross/domain"
	"github.com/albatross-va/albatross/domain/live"
)

// The live sections of the pages: each is a templ.Fragment of its page, so
// its fragment route (the page's path with "/live") renders only that
// section, and each listens for the topics of the notices that change it.
const (
	LiveDashboard     = "dashboard"      // a pilot's career and latest PIREPs
	LiveDashboardNews = "dashboard-news" // the airline's latest news on a member's dashboard
	// LiveDashboardAwards is the awards a pilot holds, on their dashboard.
	LiveDashboardAwards = "dashboard-awards"
	// LiveDashboardTours is the pilot's tours in progress, on their dashboard.
	LiveDashboardTours = "dashboard-tours"
	// LiveTour is one tour's legs, the member's progress and the leaderboard.
	LiveTour          = "tour"
	LiveMyPireps      = "my-pireps"      // a pilot's own PIREPs
	LivePirepQueue    = "pirep-queue"    // the staff's review queue
	LivePirepList     = "pirep-list"     // the staff's list of the airline's PIREPs
	LiveRoster        = "roster"         // the airline's pilots
	LiveAirlineStats  = "airline-stats"  // the airline's statistics
	LivePirepDetail   = "pirep-detail"   // one PIREP's facts and history
	LivePirepThread   = "pirep-thread"   // one PIREP's comments, swapped with its facts
	LiveFlightsMap    = "live-flights"   // an airline's flights in progress, map and table
	LivePublicFlights = "public-flights" // the same on the airline's public page
	// LivePublicSummary is the public page's figures and latest accepted
	// flights, which an acceptance changes.
	LivePublicSummary = "public-summary"
	// LiveProfile is a pilot's public profile below its heading: figures,
	// awards, route map and latest flights.
	LiveProfile   = "profile"
	LiveAdminHome = "admin-home" // what waits for an airline admin, and their first steps
	LiveLeave     = "leave"      // staff's leave requests and inactive pilots
	LiveMyLeave   = "my-leave"   // a pilot's own leave
)

// liveURL is the fragment route of a page's live section: the page's path
// with "/live" appended, its query kept, so a filtered or paged list
// re-fetches the same rows.
func liveURL(pageURL string) string {
	path, query, hasQuery := strings.Cut(pageURL, "?")
	if hasQuery {
		return path + "/live?" + query
	}
	return path + "/live"
}

// Triggers of the live sections: the SSE events that refresh each.
var (
	awardsTrigger       = live.Trigger(live.TopicAwards, live.TopicResync)
	toursTrigger        = live.Trigger(live.TopicTours, live.TopicResync)
	dashboardTrigger    = live.Trigger(live.TopicOwnPireps, live.TopicRanks, live.TopicLeave, live.TopicResync)
	myPirepsTrigger     = live.Trigger(live.TopicOwnPireps, live.TopicResync)
	pirepReviewTrigger  = live.Trigger(live.TopicPirepReview, live.TopicResync)
	rosterTrigger       = live.Trigger(live.TopicPilotTotals, live.TopicRanks, live.TopicUsers, live.TopicLeave, live.TopicResync)
	airlineStatsTrigger = live.Trigger(live.TopicPilotTotals, live.TopicUsers, live.TopicResync)
	fleetTrigger        = live.Trigger(live.TopicFleet, live.TopicResync)
	airportsTrigger     = live.Trigger(live.TopicAirports, live.TopicResync)
	airlinesTrigger     = live.Trigger(live.TopicAirlines, live.TopicResync)
	flightsTrigger      = live.Trigger(live.TopicFlights, live.TopicResync)
	bidsTrigger         = live.Trigger(live.TopicBids, live.TopicResync)
	usersTrigger        = live.Trigger(live.TopicUsers, live.TopicResync)
	noticesTrigger      = live.Trigger(live.TopicNotices, live.TopicResync)
	liveFlightsTrigger  = live.Trigger(live.TopicLiveFlights, live.TopicResync)
	// publicSummaryTrigger wakes the public figures at an acceptance (or
	// its undoing), which is when they change.
	publicSummaryTrigger = live.Trigger(live.TopicPilotTotals, live.TopicResync)
	newsTrigger          = live.Trigger(live.TopicNews, live.TopicResync)
	adminHomeTrigger     = live.Trigger(live.TopicUsers, live.TopicPirepReview, live.TopicImports, live.TopicAirports,
		live.TopicFleet, live.TopicFlights, live.TopicRanks, live.TopicSettings, live.TopicAirlines, live.TopicResync)
)

// importTrigger listens for one import job's progress.
func importTrigger(id string) string { return live.Trigger(live.ImportTopic(id), live.TopicResync) }

// pirepDetailTrigger listens for one PIREP's changes and comments, and,
// while it flies, for the airline's positions, which its track grows by.
func pirepDetailTrigger(p PirepRow) string {
	if p.State == domain.PirepInProgress {
		return live.Trigger(live.PirepTopic(p.ID), live.TopicPirepComments, live.TopicLiveFlights, live.TopicResync)
	}
	return live.Trigger(live.PirepTopic(p.ID), live.TopicPirepComments, live.TopicResync)
}
