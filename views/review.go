package views

// CommentRow is one comment of a PIREP's thread.
type CommentRow struct {
	ID     string
	Author string
	Staff  bool // written by the airline's staff, not the PIREP's pilot
	When   string
	Text   string
}

// CommentForm is the form that adds a comment; a failed one keeps the text.
type CommentForm struct {
	Action    string
	CSRFToken string
	CommandID string `form:"command_id"`
	Text      string `form:"text"`
	Errors    map[string]string
}

// NoticeRow is one notice of a member: their PIREP accepted or rejected,
// or their new rank.
type NoticeRow struct {
	ID     string
	Kind   string // accepted, rejected, rank
	Text   string // what happened, in words
	Reason string // a rejection's reason
	URL    string // the PIREP's page; empty for a rank
	Link   string // the PIREP named: flight number and route
}

// NoticesPage is a member's notices, as a fragment of every page of
// theirs and as a page of its own.
type NoticesPage struct {
	Page
	URL        string // where the notices re-fetch themselves
	DismissURL string
	// DismissAllURL puts away every notice shown, in one command.
	DismissAllURL string
	Rows          []NoticeRow
	// Standalone is the notices page itself, which says when there are
	// none; the corner of other pages shows nothing then.
	Standalone bool
}
