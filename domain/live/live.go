// Package live names what the live pages listen for: the topics of change
// notices, which are the SSE events of the open pages, and the hx-trigger
// values that listen for them. It is a leaf, so the projections that send
// the notices and the views that listen share one spelling.
package live

import "strings"

// Topic names what a notice invalidates: the SSE event a page's live
// sections listen for. Every topic is declared here, so the projections
// that send them and the templates that listen agree on one spelling.
type Topic string

// The topics of the read models. A notice of a member's own records goes to
// that member only (Notice.UserID), a notice of the review side to staff
// only (Notice.Staff), the rest to the whole airline.
const (
	TopicAirlines      Topic = "airlines"       // the platform's airline list (platform admin)
	TopicAirports      Topic = "airports"       // an airline's airports
	TopicAPIKeys       Topic = "api_keys"       // API keys
	TopicFleet         Topic = "fleet"          // subfleets and aircraft, and their flown totals
	TopicFlights       Topic = "flights"        // an airline's flights
	TopicSettings      Topic = "settings"       // an airline's settings
	TopicBids          Topic = "bids"           // the pilots' bids (with TopicFlights: a bid takes a flight)
	TopicRanks         Topic = "ranks"          // ranks and pilots' ranks
	TopicSimbrief      Topic = "simbrief"       // a pilot's SimBrief flight plans
	TopicUsers         Topic = "users"          // a tenant's people
	TopicNotices       Topic = "notices"        // a member's own notices (to that member)
	TopicPirepComments Topic = "pirep-comments" // comment threads of PIREPs
	TopicNews          Topic = "news"           // an airline's news (its dashboard and public page)
	TopicAwards        Topic = "awards"         // an airline's awards, and a pilot's own (to that pilot)
	// TopicTours is an airline's tours and their leaderboards (the whole
	// airline), and a pilot's own progress on them (to that pilot).
	TopicTours Topic = "tours"
	// TopicAirlineEvents is an airline's events: their list, who signed up
	// and the flights that counted (to the whole airline).
	TopicAirlineEvents Topic = "airline-events"
	TopicLeave         Topic = "leave"  // pilots' leave and activity: the roster, staff's leave page, a pilot's own
	TopicScores        Topic = "scores" // an airline's landing scores: the leaderboards
	// TopicImports is an import job that finished (done, refused, partial
	// or failed), for the count of the admin's home. Sent to staff only.
	TopicImports Topic = "imports"
	// TopicOwnPireps is a pilot's own PIREPs and career: their dashboard and
	// their PIREP list. Sent to that pilot only.
	TopicOwnPireps Topic = "own-pireps"
	// TopicPirepReview is the staff's side of PIREPs: the review queue and
	// the airline's PIREP list. Sent to staff only.
	TopicPirepReview Topic = "pirep-review"
	// TopicPilotTotals is the hours and flights of the airline's pilots as
	// the roster and the statistics show them: sent when an acceptance is
	// made or undone, to the whole airline.
	TopicPilotTotals Topic = "pilot-totals"
	// TopicLiveFlights is the airline's flights in progress as the live map
	// shows them: sent on each position an ACARS client reports (to nothing
	// else, so a busy sky does not wake the review pages), and beside the
	// other topics when a flight starts, changes phase, is filed or is
	// cancelled, to the whole airline (and the public map).
	TopicLiveFlights Topic = "live-flights"
	// TopicResync tells a page to re-fetch every live section: its stream
	// could not be replayed.
	TopicResync Topic = "resync"
)

// pirepTopicPrefix starts the topic of one PIREP's page.
const pirepTopicPrefix = "pirep-"

// PirepTopic is the topic of one PIREP's own page (its pilot's and staff's),
// so an open PIREP page wakes for that PIREP only.
func PirepTopic(id string) Topic { return Topic(pirepTopicPrefix + id) }

// Trigger is an hx-trigger value listening for the SSE events of topics,
// for instance "sse:own-pireps, sse:resync".
func Trigger(topics ...Topic) string {
	parts := make([]string, len(topics))
	for i, t := range topics {
		parts[i] = "sse:" + string(t)
	}
	return strings.Join(parts, ", ")
}

// ImportTopic is the topic of one import job's progress.
func ImportTopic(id string) Topic { return Topic("import-" + id) }
