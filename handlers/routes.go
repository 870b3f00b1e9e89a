package handlers

import (
	"net/http"
	"time"

	"github.com/labstack/echo/v4"

	"github.com/albatross-va/albatross/domain"
	"github.com/albatross-va/albatross/views"
)

// registerRoutes lists every route of Albatross.
func registerRoutes(e *echo.Echo, d Deps) {
	e.Use(withRequestLog(d.Log), recoverPanics(d.Log), securityHeaders(d.MapTiles), limitBodies, refuseUnstorableText,
		offerEmail(d.Mailer.Enabled() && d.MailSigner != nil))

	health := &healthHandlers{ready: d.Ready, log: d.Log}
	e.GET("/healthz", health.showHealth)
	e.GET("/readyz", health.showReadiness)
	e.GET("/static/*", serveStatic())

	wait := readYourWrites{waiter: d.Waiter, bound: d.WaitBound, log: d.Log}
	app := e.Group("", csrf(d.SecureCookies), withSession(d.Sessions, d.Log), loadUser(d.Sessions, d.ReadModels))
	account := &accountHandlers{
		sessions: d.Sessions, rm: d.ReadModels, users: d.Users, passwords: d.Passwords,
		readYourWrites: wait, log: d.Log,
		perAccount: d.Throttles.PerAccount, perAddress: d.Throttles.PerAddress,
		unknownHash: unknownPasswordHash(d.Passwords),
		canReset:    d.Mailer.Enabled() && d.MailSigner != nil,
	}
	app.GET("/login", account.showLogin)
	app.POST("/login", account.logIn)
	app.POST("/logout", account.logOut)
	app.GET("/account/password", account.showPasswordForm, requireLogin)
	app.POST("/account/password", account.changePassword, requireLogin)

	// Email: a forgotten password, unsubscribe links, each person's
	// choices (email.go). A mail program posts an unsubscribe link with no
	// CSRF token (RFC 8058): its signature takes the token's place.
	emails := &emailHandlers{mailer: d.Mailer, signer: d.MailSigner, rm: d.ReadModels, resets: d.EmailCommands,
		publicURL: d.PublicURL, readYourWrites: wait, log: d.Log, now: time.Now,
		perAccount: d.Throttles.PerAccount, perAddress: d.Throttles.PerAddress}
	app.GET("/password/forgot", emails.showForgot)
	app.POST("/password/forgot", emails.sendResetLink)
	app.GET("/password/reset", emails.showReset)
	app.POST("/password/reset", emails.resetPassword)
	app.GET("/email/verify", emails.showVerify)
	app.POST("/email/verify", emails.verifyEmail)
	app.GET("/email/unsubscribe", emails.showUnsubscribe)
	e.POST("/email/unsubscribe", emails.unsubscribe, withSession(d.Sessions, d.Log), loadUser(d.Sessions, d.ReadModels))

	// Everything else needs a login and a password the user chose.
	member := app.Group("", requireLogin, requireChosenPassword)
	member.GET("/account/email", emails.showChoices)
	member.POST("/account/email", emails.saveChoices)
	member.GET("/admin/email", emails.showOutbox, allow(domain.ViewEmailOutbox))
	member.GET("/", showHome(d.ReadModels, d.Imports))
	// The live section of an airline admin's home (what waits, first steps).
	member.GET("/airlines/:id/home/live", showAdminHomeLive(d.ReadModels, d.Imports), allow(domain.ManageOperations))
	member.GET("/events", d.Broker.streamEvents(d.Sessions, newStreamGuard(stillSignedIn(d.Sessions, d.ReadModels), d.Log)))

	apiKeys := &apiKeyHandlers{cmds: d.APIKeys, rm: d.ReadModels, cache: d.APIKeyCache, readYourWrites: wait, log: d.Log}
	member.GET("/account/api-keys", apiKeys.showAPIKeys)
	member.POST("/account/api-keys", apiKeys.createAPIKey)
	member.POST("/account/api-keys/:id/revoke", apiKeys.revokeAPIKey)

	// Anyone: an airline's public page and registration.
	public := &publicHandlers{users: d.Users, rm: d.ReadModels, readYourWrites: wait, log: d.Log, now: time.Now, tiles: d.MapTiles}
	app.GET("/a/:slug", public.showPublicAirline)
	app.GET("/a/:slug/live", liveFragment(public.showPublicAirline, views.LivePublicFlights))
	app.GET("/a/:slug/summary", liveFragment(public.showPublicAirline, views.LivePublicSummary))
	app.GET("/a/:slug/events", d.Broker.streamLiveFlights(d.ReadModels))
	app.GET("/a/:slug/register", public.showRegister)
	// A pilot's public profile (profile.go): 404 alike for a hidden one,
	// unknown one or another airline's, but to the pilot and staff.
	profiles := &profileHandlers{cmds: d.Profiles, rm: d.ReadModels, sessions: d.Sessions, readYourWrites: wait, log: d.Log}
	app.GET("/a/:slug/pilots/:ident", profiles.showPilotProfile)
	app.GET("/a/:slug/pilots/:ident/live", liveFragment(profiles.showPilotProfile, views.LiveProfile))
	app.GET("/a/:slug/awards/:award/image", profiles.showPublicAwardImage)
	member.GET("/account/profile", profiles.showProfileSettings)
	member.POST("/account/profile", profiles.saveProfileSettings)
	app.POST("/a/:slug/register", public.register)

	// Each route below names its action in the domain's access matrix
	// (domain/access.go); allow decides with the airline in :id.
	airlines := &airlineHandlers{cmds: d.Airlines, rm: d.ReadModels, readYourWrites: wait, log: d.Log}
	member.GET("/airlines", airlines.listAirlines, allow(domain.ListAirlines))
	member.GET("/airlines/rows", airlines.listAirlineRows, allow(domain.ListAirlines))
	member.POST("/airlines", airlines.createAirline, allow(domain.CreateAirlines))
	quarantine := &quarantineHandlers{rm: d.ReadModels}
	member.GET("/admin/quarantine", quarantine.showQuarantine, allow(domain.ViewQuarantine))

	manage := &manageHandlers{cmds: d.Airlines, rm: d.ReadModels, readYourWrites: wait, log: d.Log}
	member.GET("/airlines/:id", manage.showAirline, allow(domain.EditAirlineProfile))
	member.POST("/airlines/:id/profile", manage.changeProfile, allow(domain.EditAirlineProfile))
	member.POST("/airlines/:id/suspend", manage.suspendAirline, allow(domain.SuspendAirlines))
	member.POST("/airlines/:id/reactivate", manage.reactivateAirline, allow(domain.SuspendAirlines))

	people := &peopleHandlers{users: d.Users, rm: d.ReadModels, eventLog: d.Events, registry: d.Registry,
		sessions: d.Sessions, readYourWrites: wait, log: d.Log, publicURL: d.PublicURL}
	member.GET("/airlines/:id/people", people.listPeople, allow(domain.ViewPeople))
	member.GET("/airlines/:id/people/lists", people.listPeopleLists, allow(domain.ViewPeople))
	member.POST("/airlines/:id/people", people.createPerson, allow(domain.CreatePilots))
	member.GET("/airlines/:id/people/:uid", people.showPerson, allow(domain.ViewPeople))
	member.POST("/airlines/:id/people/:uid/approve", people.approve, allow(domain.DecideRegistrations))
	member.POST("/airlines/:id/people/:uid/reject", people.reject, allow(domain.DecideRegistrations))
	member.POST("/airlines/:id/people/:uid/suspend", people.suspend, allow(domain.SuspendPeople))
	member.POST("/airlines/:id/people/:uid/reactivate", people.reactivate, allow(domain.SuspendPeople))
	member.POST("/airlines/:id/people/:uid/reset-password", people.resetPassword, allow(domain.ResetPasswords))
	member.POST("/airlines/:id/people/:uid/role", people.changeRole, allow(domain.ChangeRoles))

	// An airline's fleet: its people read it, its staff change it.
	fleet := &fleetHandlers{cmds: d.Fleet, rm: d.ReadModels, eventLog: d.Events, registry: d.Registry, readYourWrites: wait, log: d.Log}
	member.GET("/airlines/:id/fleet", fleet.showFleet, allow(domain.ViewOperations))
	member.POST("/airlines/:id/fleet/subfleets", fleet.createSubfleet, allow(domain.ManageOperations))
	member.GET("/airlines/:id/fleet/subfleets/:sid", fleet.showSubfleet, allow(domain.ViewOperations))
	member.POST("/airlines/:id/fleet/subfleets/:sid", fleet.changeSubfleet, allow(domain.ManageOperations))
	member.POST("/airlines/:id/fleet/aircraft", fleet.addAircraft, allow(domain.ManageOperations))
	member.GET("/airlines/:id/fleet/aircraft/:aid", fleet.showAircraft, allow(domain.ViewOperations))
	member.POST("/airlines/:id/fleet/aircraft/:aid", fleet.changeAircraft, allow(domain.ManageOperations))
	// An airline's operations data: pilots read, staff change and import.
	airports := &airportHandlers{cmds: d.Airports, rm: d.ReadModels, ref: d.AirportRef, readYourWrites: wait, log: d.Log}
	member.GET("/airlines/:id/airports", airports.listAirports, allow(domain.ViewOperations))
	member.GET("/airlines/:id/airports/rows", airports.listAirportRows, allow(domain.ViewOperations))
	member.GET("/airlines/:id/airports/search", airports.searchAirports, allow(domain.ViewOperations))
	member.POST("/airlines/:id/airports", airports.addAirport, allow(domain.ManageOperations))
	member.GET("/airlines/:id/airports/:icao", airports.showAirport, allow(domain.ViewOperations))
	member.POST("/airlines/:id/airports/:icao", airports.changeAirport, allow(domain.ManageOperations))
	member.POST("/airlines/:id/airports/:icao/hub", airports.setHub, allow(domain.ManageOperations))

	kinds := append(ImportKinds(d.Airports, d.Fleet, d.Flights, d.ReadModels, d.AirportRef), FareImportKinds(d.Fares, d.Expenses, d.ReadModels)...)
	imp := newImportHandlers(d.Imports, kinds, d.ReadModels, d.Log)
	member.GET("/airlines/:id/imports", imp.showImports, allow(domain.ManageOperations))
	member.POST("/airlines/:id/imports", imp.startImport, allow(domain.ManageOperations))
	member.GET("/airlines/:id/imports/:job", imp.showImport, allow(domain.ManageOperations))
	member.POST("/airlines/:id/imports/:job/apply-valid", imp.applyValid, allow(domain.ManageOperations))
	member.GET("/airlines/:id/exports/:kind", imp.exportFile, allow(domain.ManageOperations))
	flights := &flightHandlers{cmds: d.Flights, rm: d.ReadModels, readYourWrites: wait, log: d.Log}
	member.GET("/airlines/:id/flights", flights.listFlights, allow(domain.ViewOperations))
	member.GET("/airlines/:id/flights/results", flights.listFlightResults, allow(domain.ViewOperations))
	member.POST("/airlines/:id/flights", flights.addFlight, allow(domain.ManageOperations))
	member.GET("/airlines/:id/flights/:flight", flights.showFlight, allow(domain.ViewOperations))
	member.POST("/airlines/:id/flights/:flight", flights.editFlight, allow(domain.ManageOperations))
	member.POST("/airlines/:id/flights/:flight/activate", flights.activateFlight, allow(domain.ManageOperations))
	member.POST("/airlines/:id/flights/:flight/deactivate", flights.deactivateFlight, allow(domain.ManageOperations))

	// PIREPs: a pilot files and keeps their own; staff review the queue.
	// A live section's fragment route ("…/live") is its page's handler
	// rendering only that section, under the page's access rule.
	// A PIREP's page is its pilot's and the staff's (loadPirep decides).
	pireps := &pirepHandlers{cmds: d.Pireps, rm: d.ReadModels, eventLog: d.Events, registry: d.Registry,
		sessions: d.Sessions, readYourWrites: wait, log: d.Log, tiles: d.MapTiles}
	member.GET("/airlines/:id/pireps", pireps.listPireps, allow(domain.FileOwnPireps))
	member.GET("/airlines/:id/pireps/live", liveFragment(pireps.listPireps, views.LiveMyPireps), allow(domain.FileOwnPireps))
	member.GET("/airlines/:id/pireps/new", pireps.showNewPirep, allow(domain.FileOwnPireps))
	member.POST("/airlines/:id/pireps", pireps.filePirep, allow(domain.FileOwnPireps))
	member.GET("/airlines/:id/pireps/queue", pireps.showPirepQueue, allow(domain.ReviewPireps))
	member.GET("/airlines/:id/pireps/queue/live", liveFragment(pireps.showPirepQueue, views.LivePirepQueue), allow(domain.ReviewPireps))
	// The airline's every PIREP is the staff's list, as in phpVMS's admin.
	pirepList := &pirepListHandlers{rm: d.ReadModels}
	member.GET("/airlines/:id/pireps/all", pirepList.listAllPireps, allow(domain.ReviewPireps))
	member.GET("/airlines/:id/pireps/all/live", liveFragment(pirepList.listAllPireps, views.LivePirepList), allow(domain.ReviewPireps))
	member.GET("/airlines/:id/pireps/all/pilots", pirepList.pilotBox, allow(domain.ReviewPireps))
	member.POST("/airlines/:id/pireps/accept", pireps.reviewPireps, allow(domain.ReviewPireps))
	member.GET("/airlines/:id/pireps/:pirep", pireps.showPirep, allow(domain.ViewOperations))
	member.GET("/airlines/:id/pireps/:pirep/live", liveFragment(pireps.showPirep, views.LivePirepDetail, views.LivePirepThread), allow(domain.ViewOperations))
	member.POST("/airlines/:id/pireps/:pirep", pireps.editPirep, allow(domain.FileOwnPireps))
	member.POST("/airlines/:id/pireps/:pirep/cancel", pireps.cancelPirep, allow(domain.FileOwnPireps))
	member.POST("/airlines/:id/pireps/:pirep/accept", pireps.acceptPirep, allow(domain.ReviewPireps))
	member.POST("/airlines/:id/pireps/:pirep/reject", pireps.rejectPirep, allow(domain.ReviewPireps))
	member.POST("/airlines/:id/pireps/:pirep/comments", pireps.commentPirep, allow(domain.ViewOperations))

	// A member's notices about their PIREPs and rank: their own only.
	notices := &noticeHandlers{cmds: d.Notices, rm: d.ReadModels, readYourWrites: wait, log: d.Log}
	member.GET("/airlines/:id/notices", notices.showNotices, allow(domain.ViewOwnAirline))
	member.POST("/airlines/:id/notices/dismiss", notices.dismissNotice, allow(domain.ViewOwnAirline))
	member.POST("/airlines/:id/notices/dismiss-all", notices.dismissAllNotices, allow(domain.ViewOwnAirline))

	// The roster and statistics: for everyone in the airline.
	roster := &rosterHandlers{rm: d.ReadModels}
	member.GET("/airlines/:id/roster", roster.showRoster, allow(domain.ViewOperations))
	member.GET("/airlines/:id/roster/live", liveFragment(roster.showRoster, views.LiveRoster), allow(domain.ViewOperations))
	// The live map of the flights in progress: for everyone in the airline.
	liveMap := &liveMapHandlers{rm: d.ReadModels, now: time.Now, tiles: d.MapTiles}
	member.GET("/airlines/:id/live", liveMap.showLiveMap, allow(domain.ViewOperations))
	member.GET("/airlines/:id/live/live", liveFragment(liveMap.showLiveMap, views.LiveFlightsMap), allow(domain.ViewOperations))
	stats := &statsHandlers{rm: d.ReadModels, now: time.Now}
	member.GET("/airlines/:id/stats", stats.showStats, allow(domain.ViewOperations))
	member.GET("/airlines/:id/stats/live", liveFragment(stats.showStats, views.LiveAirlineStats), allow(domain.ViewOperations))
	// A member's dashboard; an airline's ranks and PIREP rules, for staff.
	dashboard := &dashboardHandlers{rm: d.ReadModels}
	member.GET("/airlines/:id/dashboard", dashboard.showDashboard, allow(domain.ViewOwnAirline))
	member.GET("/airlines/:id/dashboard/live", liveFragment(dashboard.showDashboard, views.LiveDashboard), allow(domain.ViewOwnAirline))
	member.GET("/airlines/:id/dashboard/news/live", liveFragment(dashboard.showDashboard, views.LiveDashboardNews), allow(domain.ViewOwnAirline))
	member.GET("/airlines/:id/dashboard/awards/live", liveFragment(dashboard.showDashboard, views.LiveDashboardAwards), allow(domain.ViewOwnAirline))
	member.GET("/airlines/:id/dashboard/tours/live", liveFragment(dashboard.showDashboard, views.LiveDashboardTours), allow(domain.ViewOwnAirline))
	ranks := &rankHandlers{cmds: d.Ranks, rm: d.ReadModels, people: people, sessions: d.Sessions, readYourWrites: wait, log: d.Log}
	member.GET("/airlines/:id/ranks", ranks.listRanks, allow(domain.ManageRanks))
	member.POST("/airlines/:id/ranks", ranks.createRank, allow(domain.ManageRanks))
	member.GET("/airlines/:id/ranks/:rank", ranks.showRank, allow(domain.ManageRanks))
	member.POST("/airlines/:id/ranks/:rank", ranks.saveRank, allow(domain.ManageRanks))
	member.POST("/airlines/:id/people/:uid/rank", ranks.setPilotRank, allow(domain.ManageRanks))
	// Type ratings and who may fly what, for staff; grants on a pilot's page.
	ratings := &typeRatingHandlers{cmds: d.TypeRatings, rules: d.FlyingRules, rm: d.ReadModels, people: people, sessions: d.Sessions,
		readYourWrites: wait, log: d.Log}
	member.GET("/airlines/:id/type-ratings", ratings.listTypeRatings, allow(domain.ManageRanks))
	member.POST("/airlines/:id/type-ratings", ratings.createTypeRating, allow(domain.ManageRanks))
	member.POST("/airlines/:id/type-ratings/rules", ratings.saveFlyingRules, allow(domain.ManagePirepRules))
	member.POST("/airlines/:id/type-ratings/ranks/:rank", ratings.saveRankAllowance, allow(domain.ManageRanks))
	member.GET("/airlines/:id/type-ratings/:rating", ratings.showTypeRating, allow(domain.ManageRanks))
	member.POST("/airlines/:id/type-ratings/:rating", ratings.saveTypeRating, allow(domain.ManageRanks))
	member.POST("/airlines/:id/people/:uid/type-ratings", ratings.changePilotRating, allow(domain.ManageRanks))
	member.POST("/airlines/:id/people/:uid/transfer-hours", ratings.setTransferHours, allow(domain.ManageRanks))
	// An airline's news, for staff; the dashboard and the public page show it.
	news := &newsHandlers{cmds: d.News, rm: d.ReadModels, sessions: d.Sessions, readYourWrites: wait, log: d.Log}
	// An airline's awards, for staff; their images for whoever sees the
	// airline; a pilot's own on their dashboard.
	awards := &awardHandlers{cmds: d.Awards, rm: d.ReadModels, sessions: d.Sessions, readYourWrites: wait, log: d.Log}
	member.GET("/airlines/:id/awards", awards.listAwards, allow(domain.ManageAwards))
	member.POST("/airlines/:id/awards", awards.defineAward, allow(domain.ManageAwards))
	member.POST("/airlines/:id/awards/grant", awards.grantAward, allow(domain.ManageAwards))
	member.GET("/airlines/:id/awards/:award", awards.showAward, allow(domain.ManageAwards))
	member.POST("/airlines/:id/awards/:award", awards.editAward, allow(domain.ManageAwards))
	member.POST("/airlines/:id/awards/:award/delete", awards.deleteAward, allow(domain.ManageAwards))
	member.POST("/airlines/:id/awards/:award/revoke", awards.revokeAward, allow(domain.ManageAwards))
	member.GET("/airlines/:id/awards/:award/image", awards.showAwardImage, allow(domain.ViewOperations))
	// An airline's tours: the list and each tour's page with the member's
	// progress and leaderboard for everyone in the airline; the forms for staff.
	tours := &tourHandlers{cmds: d.Tours, rm: d.ReadModels, sessions: d.Sessions, readYourWrites: wait, log: d.Log}
	member.GET("/airlines/:id/tours", tours.listTours, allow(domain.ViewOperations))
	member.POST("/airlines/:id/tours", tours.createTour, allow(domain.ManageTours))
	member.GET("/airlines/:id/tours/:tour", tours.showTour, allow(domain.ViewOperations))
	member.GET("/airlines/:id/tours/:tour/live", liveFragment(tours.showTour, views.LiveTour), allow(domain.ViewOperations))
	member.GET("/airlines/:id/tours/:tour/edit", tours.editTourForm, allow(domain.ManageTours))
	member.POST("/airlines/:id/tours/:tour", tours.saveTour, allow(domain.ManageTours))
	member.POST("/airlines/:id/tours/:tour/delete", tours.deleteTour, allow(domain.ManageTours))
	// An airline's events: everyone in the airline sees them and their live
	// board; pilots sign up and withdraw; staff create, edit and cancel.
	airlineEvents := &airlineEventHandlers{cmds: d.AirlineEvents, rm: d.ReadModels, sessions: d.Sessions, readYourWrites: wait, log: d.Log}
	member.GET("/airlines/:id/events", airlineEvents.listEvents, allow(domain.ViewOperations))
	member.GET("/airlines/:id/events/live", liveFragment(airlineEvents.listEvents, views.LiveEventBoard), allow(domain.ViewOperations))
	member.POST("/airlines/:id/events", airlineEvents.createEvent, allow(domain.ManageEvents))
	member.GET("/airlines/:id/events/:event", airlineEvents.showEvent, allow(domain.ViewOperations))
	member.GET("/airlines/:id/events/:event/live", liveFragment(airlineEvents.showEvent, views.LiveEventBoard), allow(domain.ViewOperations))
	member.POST("/airlines/:id/events/:event", airlineEvents.editEvent, allow(domain.ManageEvents))
	member.POST("/airlines/:id/events/:event/cancel", airlineEvents.cancelEvent, allow(domain.ManageEvents))
	member.POST("/airlines/:id/events/:event/signup", airlineEvents.signUpEvent, allow(domain.FileOwnPireps))
	member.POST("/airlines/:id/events/:event/withdraw", airlineEvents.withdrawEvent, allow(domain.FileOwnPireps))
	// Leave: staff decide requests, set the rules and see the inactive
	// pilots; a member asks for their own.
	leave := &leaveHandlers{cmds: d.Leave, rm: d.ReadModels, sessions: d.Sessions, readYourWrites: wait, log: d.Log}
	member.GET("/airlines/:id/leave", leave.showLeave, allow(domain.ManageLeave))
	member.GET("/airlines/:id/leave/live", liveFragment(leave.showLeave, views.LiveLeave), allow(domain.ManageLeave))
	member.POST("/airlines/:id/leave/rules", leave.setLeaveRules, allow(domain.ManageLeave))
	member.POST("/airlines/:id/leave/:uid/:leave", leave.decideLeave, allow(domain.ManageLeave))
	member.GET("/airlines/:id/my-leave", leave.showMyLeave, allow(domain.RequestOwnLeave))
	member.GET("/airlines/:id/my-leave/live", liveFragment(leave.showMyLeave, views.LiveMyLeave), allow(domain.RequestOwnLeave))
	member.POST("/airlines/:id/my-leave", leave.requestLeave, allow(domain.RequestOwnLeave))
	// Landing scores: the bands for staff, the leaderboards for everyone
	// in the airline.
	scoring := &scoringHandlers{cmds: d.Scores, rm: d.ReadModels, sessions: d.Sessions, readYourWrites: wait, log: d.Log}
	member.GET("/airlines/:id/scoring", scoring.showScoring, allow(domain.ManageScoring))
	member.POST("/airlines/:id/scoring", scoring.saveScoring, allow(domain.ManageScoring))
	leaderboards := &leaderboardHandlers{rm: d.ReadModels, scores: d.Scores, now: time.Now}
	member.GET("/airlines/:id/leaderboards", leaderboards.showLeaderboards, allow(domain.ViewOperations))
	member.GET("/airlines/:id/leaderboards/live", liveFragment(leaderboards.showLeaderboards, views.LiveLeaderboards), allow(domain.ViewOperations))
	member.GET("/airlines/:id/news", news.listNews, allow(domain.ManageNews))
	member.POST("/airlines/:id/news", news.postNews, allow(domain.ManageNews))
	member.GET("/airlines/:id/news/:news", news.showNewsItem, allow(domain.ManageNews))
	member.POST("/airlines/:id/news/:news", news.editNews, allow(domain.ManageNews))
	member.GET("/airlines/:id/news/:news/delete", news.confirmDeleteNews, allow(domain.ManageNews))
	member.POST("/airlines/:id/news/:news/delete", news.deleteNews, allow(domain.ManageNews))
	settings := &pirepSettingsHandlers{cmds: d.PirepRules, bids: d.BidRules, rm: d.ReadModels, sessions: d.Sessions, readYourWrites: wait, log: d.Log}
	member.GET("/airlines/:id/settings/pireps", settings.showPirepSettings, allow(domain.ManagePirepRules))
	member.POST("/airlines/:id/settings/pireps", settings.savePirepSettings, allow(domain.ManagePirepRules))
	member.POST("/airlines/:id/settings/bids", settings.saveBidSettings, allow(domain.ManagePirepRules))
	// A pilot's bids: their own only (the domain refuses another's).
	bids := &bidHandlers{cmds: d.Bids, rm: d.ReadModels, sessions: d.Sessions, readYourWrites: wait, log: d.Log}
	member.GET("/airlines/:id/bids", bids.showBids, allow(domain.FileOwnPireps))
	member.POST("/airlines/:id/bids", bids.placeBid, allow(domain.FileOwnPireps))
	member.POST("/airlines/:id/bids/:bid/remove", bids.removeBid, allow(domain.FileOwnPireps))
	// Charters: a booking of the pilot's own flight plan, shown in My bids.
	member.GET("/airlines/:id/bids/charter", bids.showCharter, allow(domain.FileOwnPireps))
	member.POST("/airlines/:id/bids/charter", bids.bookCharter, allow(domain.FileOwnPireps))
	// Jumpseats: the pilot moves to another airport without flying.
	jumpseats := &jumpseatHandlers{cmds: d.Jumpseats, rm: d.ReadModels, sessions: d.Sessions, readYourWrites: wait, log: d.Log}
	member.GET("/airlines/:id/jumpseat", jumpseats.showJumpseat, allow(domain.FileOwnPireps))
	member.POST("/airlines/:id/jumpseat", jumpseats.jumpseat, allow(domain.FileOwnPireps))
	// SimBrief: a pilot plans a flight and reads their briefing (their own
	// OFPs only); staff set the airline's key and the OFPs' lifetime.
	sb := newSimbriefHandlers(d, wait)
	member.GET("/airlines/:id/flights/:flight/simbrief", sb.showSimbriefPlan, allow(domain.FileOwnPireps))
	member.POST("/airlines/:id/flights/:flight/simbrief", sb.prepareSimbriefPlan, allow(domain.FileOwnPireps))
	member.GET("/airlines/:id/flights/:flight/simbrief/:ofp", sb.returnFromSimbrief, allow(domain.FileOwnPireps))
	member.GET("/airlines/:id/simbrief/:ofp", sb.showBriefing, allow(domain.FileOwnPireps))
	member.GET("/airlines/:id/settings/simbrief", sb.showSimbriefSettings, allow(domain.ManageSimbrief))
	member.POST("/airlines/:id/settings/simbrief", sb.saveSimbriefSettings, allow(domain.ManageSimbrief))
	// Webhooks: staff choose what is posted where, and read the deliveries.
	hooks := &webhookHandlers{cmds: d.Webhooks, queue: d.WebhookQueue, rm: d.ReadModels, sessions: d.Sessions, readYourWrites: wait, log: d.Log}
	member.GET("/airlines/:id/webhooks", hooks.listWebhooks, allow(domain.ManageWebhooks))
	member.GET("/airlines/:id/webhooks/new", hooks.showNewWebhook, allow(domain.ManageWebhooks))
	member.POST("/airlines/:id/webhooks", hooks.addWebhook, allow(domain.ManageWebhooks))
	member.GET("/airlines/:id/webhooks/:hook", hooks.showWebhook, allow(domain.ManageWebhooks))
	member.POST("/airlines/:id/webhooks/:hook", hooks.changeWebhook, allow(domain.ManageWebhooks))
	member.POST("/airlines/:id/webhooks/:hook/remove", hooks.removeWebhook, allow(domain.ManageWebhooks))
	member.POST("/airlines/:id/webhooks/:hook/secret", hooks.rotateWebhookSecret, allow(domain.ManageWebhooks))
	member.POST("/airlines/:id/webhooks/:hook/deliveries/:delivery/resend", hooks.resendDelivery, allow(domain.ManageWebhooks))

	// The API for programs, outside the app group: no session, no CSRF. A
	// key authenticates every request, and a cookie none. Unknown paths
	// answer 404 (405 for a known path) as problem documents.
	api := &apiHandlers{e: e}
	auth := &apiKeyAuth{cache: d.APIKeyCache, rm: d.ReadModels, log: d.Log}
	v1 := e.Group("/api/v1", auth.requireAPIKey)
	v1.RouteNotFound("", api.notFound)
	v1.RouteNotFound("/*", api.notFound)
	v1.GET("/me", api.showMe)

	// phpVMS 7's API for ACARS clients (phpvms.go says how a request finds
	// its airline): at /api, and at /a/{slug}/api for a public route of one
	// airline among several.
	phpvms := &phpvmsAPI{auth: auth, rm: d.ReadModels, cmds: d.Pireps, bids: d.Bids, wait: wait, owed: newOwedWrites(wait), log: d.Events, registry: d.Registry, simbrief: d.Simbrief}
	for _, prefix := range []string{"/api", "/a/:slug/api"} {
		g := e.Group(prefix, phpvms.scope)
		g.RouteNotFound("", api.notFound)
		g.RouteNotFound("/*", api.notFound)
		for _, path := range []string{"", "/status", "/version"} {
			g.GET(path, phpvms.showStatus)
		}
		g.GET("/airports/hubs", phpvms.showHubs)
		g.GET("/airports/search", phpvms.searchAirports)
		// Not a group: a group's middleware would also guard its unknown
		// paths, which must answer 404 with a key or without.
		key := func(path string, h echo.HandlerFunc) { g.GET(path, h, requirePhpvmsKey) }
		key("/user", phpvms.showUser)
		key("/users/me", phpvms.showUser)
		key("/users/:number", phpvms.showUserByNumber)
		key("/airlines", phpvms.showAirlines)
		key("/airlines/:number", phpvms.showAirline)
		key("/airports", phpvms.showAirports)
		key("/airports/:icao", phpvms.showAirport)
		key("/airports/:icao/lookup", phpvms.lookupAirport(d.AirportRef))
		key("/airports/:icao/distance/:to", phpvms.showDistance)
		// The fleet: phpVMS's /subfleet is an alias of /fleet.
		for _, base := range []string{"/fleet", "/subfleet"} {
			key(base, phpvms.showFleet)
			key(base+"/aircraft/:number", phpvms.showFleetAircraft)
		}
		key("/user/fleet", phpvms.showUserFleet)
		key("/flights", phpvms.searchFlights)
		key("/flights/search", phpvms.searchFlights)
		key("/flights/:flight", phpvms.showFlight)
		key("/flights/:flight/aircraft", phpvms.showFlightAircraft)
		key("/flights/:flight/route", phpvms.showFlightRoute)
		key("/flights/:flight/briefing", phpvms.showBriefing)
		g.GET("/news", phpvms.showNews)
		g.GET("/cron/:cron", phpvms.runCron)
		// The PIREP lifecycle (§6.4); a PIREP and the live flights are public.
		g.GET("/acars", phpvms.liveFlights)
		g.GET("/acars/geojson", phpvms.liveGeoJSON)
		g.GET("/pireps/:pirep/acars/geojson", phpvms.pirepGeoJSON)
		key("/user/pireps", phpvms.userPireps)
		key("/pireps", phpvms.userPireps)
		key("/pireps/:pirep/comments", phpvms.listComments)
		g.GET("/pireps/:pirep", phpvms.showPirep)
		g.GET("/pireps/:pirep/acars/position", phpvms.listPositions)
		keyed := func(method, path string, h echo.HandlerFunc) { g.Add(method, path, h, requirePhpvmsKey) }
		keyed(http.MethodPost, "/pireps/prefile", phpvms.prefile)
		for _, m := range []string{http.MethodPost, http.MethodPut, http.MethodPatch} {
			keyed(m, "/pireps/:pirep", phpvms.update)
		}
		for _, m := range []string{http.MethodPost, http.MethodPut} {
			keyed(m, "/pireps/:pirep/update", phpvms.update)
		}
		keyed(http.MethodPost, "/pireps/:pirep/file", phpvms.file)
		keyed(http.MethodPut, "/pireps/:pirep/cancel", phpvms.cancel)
		keyed(http.MethodDelete, "/pireps/:pirep/cancel", phpvms.cancel)
		keyed(http.MethodPost, "/pireps/:pirep/acars/position", phpvms.addPositions)
		keyed(http.MethodPost, "/pireps/:pirep/acars/positions", phpvms.addPositions)
		keyed(http.MethodPost, "/pireps/:pirep/comments", phpvms.addComment)
		keyed(http.MethodPost, "/pireps/:pirep/acars/logs", phpvms.addLogs("logs", "log"))
		keyed(http.MethodPost, "/pireps/:pirep/acars/events", phpvms.addLogs("events", "event"))
		key("/pireps/:pirep/route", phpvms.showRoute)
		keyed(http.MethodPost, "/pireps/:pirep/route", phpvms.setRoute)
		keyed(http.MethodDelete, "/pireps/:pirep/route", phpvms.deleteRoute)
		// The key owner's bids (§6.3).
		for _, base := range []string{"/user/bids", "/bids"} {
			key(base, phpvms.listBids)
			key(base+"/:bid", phpvms.showBid)
		}
		keyed(http.MethodPut, "/user/bids", phpvms.addBid)
		keyed(http.MethodPost, "/user/bids", phpvms.addBid)
		// phpVMS's /users/{id}/bids: the key owner's own only.
		key("/users/:number/bids", phpvms.forOwnNumber(phpvms.listBids))
		keyed(http.MethodPut, "/users/:number/bids", phpvms.forOwnNumber(phpvms.addBid))
		keyed(http.MethodPost, "/users/:number/bids", phpvms.forOwnNumber(phpvms.addBid))
		keyed(http.MethodDelete, "/user/bids", phpvms.removeBid)
		key("/pireps/:pirep/fields", phpvms.showFields)
		keyed(http.MethodPost, "/pireps/:pirep/fields", phpvms.setFields)
	}

	// smartCARS 3's handler API (smartcars.go): the airline from the
	// address, a session from its login; beside phpVMS's API, on its
	// helpers. Its sessions live in the web sessions' store.
	sc := &smartcarsAPI{e: e, php: phpvms, account: account,
		sessions: smartcarsSessions{store: d.Sessions.Store, codec: d.Sessions.Codec, now: time.Now}}
	for _, prefix := range []string{"/api/smartcars", "/a/:slug/api/smartcars"} {
		g := e.Group(prefix, sc.scope)
		g.RouteNotFound("", sc.notFound)
		g.RouteNotFound("/*", sc.notFound)
		g.GET("", sc.showVersion)
		g.GET("/", sc.showVersion)
		g.POST("/pilot/login", sc.logIn)
		g.POST("/pilot/verify", sc.verifySession)
		g.POST("/pilot/resume", sc.resumeSession)
		session := func(method, path string, h echo.HandlerFunc) { g.Add(method, path, h, sc.requireSession) }
		session(http.MethodGet, "/pilot/statistics", sc.showStatistics)
		session(http.MethodGet, "/data/airports", sc.showAirports)
		session(http.MethodGet, "/data/aircraft", sc.showAircraft)
		session(http.MethodGet, "/data/news", sc.showNews)
		session(http.MethodGet, "/flights/search", sc.searchFlights)
		session(http.MethodGet, "/flights/bookings", sc.listBookings)
		session(http.MethodPost, "/flights/book", sc.bookFlight)
		session(http.MethodPost, "/flights/rebook", sc.rebookFlight)
		session(http.MethodPost, "/flights/charter", sc.charterFlight)
		session(http.MethodPost, "/flights/unbook", sc.unbookFlight)
		session(http.MethodPost, "/flights/start", sc.startFlight)
		session(http.MethodPost, "/flights/update", sc.updateFlight)
		session(http.MethodPost, "/flights/complete", sc.completeFlight)
		session(http.MethodPost, "/flights/cancel", sc.cancelFlight)
		session(http.MethodGet, "/pireps/search", sc.searchPireps)
		session(http.MethodGet, "/pireps/details", sc.showPirepDetails)
	}
}
