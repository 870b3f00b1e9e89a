package views

// LeaveRulesForm is the staff's form of the airline's leave rules.
type LeaveRulesForm struct {
	CSRFToken     string
	Action        string
	AutoApprove   bool   `form:"auto_approve"`
	AutoLeaveDays string `form:"auto_leave_days"`
	Errors        map[string]string
}

// LeaveRequestRow is one request as staff and its pilot see it.
type LeaveRequestRow struct {
	ID, UserID      string
	PilotID, Name   string // staff's page only
	Start, End      string // YYYY-MM-DD
	Note            string
	Status          string // Pending, Approved, Declined, Ended by a flight
	Reason          string // a decline's
	Pending         bool
	DecideAction    string // where staff's decision goes (staff's page)
	DecisionReason  string // the reason as typed, kept after a refusal
	DecisionError   string // the message beside the reason
	DecisionCommand string
}

// InactiveRow is a pilot without a recent flight, or on leave.
type InactiveRow struct {
	PilotID, Name string
	LastFlight    string // "2 Jan 2006", or "Never"
	IdleDays      string
	Status        string // "On leave" or "Idle"
}

// LeavePage is the staff's leave page: the rules, the open requests and
// the inactive pilots.
type LeavePage struct {
	Page
	Tabs     AirlineTabs
	URL      string
	Notice   string
	Rules    LeaveRulesForm
	Requests []LeaveRequestRow
	Days     string // the inactive list's days, as the filter has them
	Inactive []InactiveRow
}

// LeaveForm is a pilot's request as typed.
type LeaveForm struct {
	CSRFToken string
	CommandID string `form:"command_id"`
	Action    string
	StartDate string `form:"start_date"`
	EndDate   string `form:"end_date"`
	Note      string `form:"note"`
	Errors    map[string]string
}

// MyLeavePage is a pilot's own leave: their status, the request form and
// their requests.
type MyLeavePage struct {
	Page
	Tabs     AirlineTabs
	URL      string
	Notice   string
	OnLeave  bool
	Form     LeaveForm
	Requests []LeaveRequestRow
}
