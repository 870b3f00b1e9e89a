package views

import "github.com/albatross-va/albatross/domain/live"

// LiveEventBoard is an airline event's live board: who signed up, who is
// flying now and who has landed.
const LiveEventBoard = "event-board"

// eventBoardTrigger wakes the board when the event's sign-ups or counted
// flights change, when a flight starts, moves, is filed or ends, and when
// an acceptance is made or undone.
var eventBoardTrigger = live.Trigger(live.TopicAirlineEvents, live.TopicLiveFlights, live.TopicPilotTotals, live.TopicResync)

// eventsTrigger wakes the events list.
var eventsTrigger = live.Trigger(live.TopicAirlineEvents, live.TopicResync)

// EventRow is an airline event in a list and at the head of its page.
type EventRow struct {
	ID, Name, URL string
	Window        string // "24 Dec 2026 18:00 – 22:00 UTC"
	Phase         string // domain.EventUpcoming, …
	PhaseLabel    string
	Match         string // what counts, in words
	SignedUp      bool   // the viewer signed up
	Pilots        int    // how many signed up
}

// EventForm creates or edits an event, as typed.
type EventForm struct {
	CSRFToken     string
	CommandID     string `form:"command_id"`
	Action        string
	Button        string
	Name          string `form:"name"`
	Description   string `form:"description"`
	StartsAt      string `form:"starts_at"`
	EndsAt        string `form:"ends_at"`
	Match         string `form:"match"`
	FlightNumbers string `form:"flight_numbers"`
	Airport       string `form:"airport"`
	NowUTC        string
	Errors        map[string]string
	Message       string
}

// EventsPage is an airline's events: live, upcoming and past, and for
// staff the form that creates one.
type EventsPage struct {
	Page
	Tabs                 AirlineTabs
	Notice               string
	CanManage            bool
	Live, Upcoming, Past []EventRow
	Cancelled            []EventRow
	Form                 EventForm
	LiveURL              string
}

// EventFlightRow is one flight on an event's board.
type EventFlightRow struct {
	Pilot, Flight, Route, State, When string
}

// EventPage is one airline event: what it is, the viewer's sign-up, the
// live board, and for staff the forms that edit and cancel it.
type EventPage struct {
	Page
	Tabs        AirlineTabs
	Notice      string
	Message     string // why a sign-up or withdrawal was refused
	Event       EventRow
	Description string
	CanManage   bool
	CanFly      bool   // the viewer flies for the airline
	SignUpNote  string // why the viewer may not sign up, or ""
	CanWithdraw bool
	CSRFToken   string
	CommandID   string // the sign-up's or withdrawal's
	CancelID    string // the cancellation's: another command than the sign-up
	SignUpURL   string
	WithdrawURL string
	CancelURL   string
	LiveURL     string
	Form        EventForm
	Pilots      []string
	Flying      []EventFlightRow
	Landed      []EventFlightRow
}
