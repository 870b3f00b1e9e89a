package views

// AwardBadge is one award as a pilot's dashboard and the staff's list
// show it.
type AwardBadge struct {
	ID          string
	Name        string
	Description string
	Rule        string // the rule in words
	ImageURL    string // "" with no image
	EditURL     string // staff's list: the award's own page
	Granted     string // when the pilot was granted it (dashboard only)
	ByHand      bool
	Reason      string
}

// AwardForm is the form that defines an award, as typed (the image is
// chosen again after a refusal: a browser never fills a file input).
type AwardForm struct {
	CSRFToken   string
	CommandID   string `form:"command_id"`
	Action      string
	Name        string      `form:"name"`
	Description string      `form:"description"`
	Rule        string      `form:"rule"`
	Number      string      `form:"number"`
	Code        string      `form:"code"`
	Code2       string      `form:"code2"`
	Tour        string      `form:"tour"`  // the tour, for a tour rule
	Event       string      `form:"event"` // the airline event, for an event rule
	Rules       [][2]string // value, label
	Tours       [][2]string // the airline's tours: id, name
	Events      [][2]string // the airline's events: id, name
	Errors      map[string]string
}

// AwardGrantForm gives an award to a pilot by hand.
type AwardGrantForm struct {
	CSRFToken string
	CommandID string `form:"command_id"`
	Action    string
	Award     string      `form:"award"`
	Pilot     string      `form:"pilot"` // the pilot id, such as ALB0042
	Reason    string      `form:"reason"`
	Awards    [][2]string // value, label
	Errors    map[string]string
}

// AwardsPage is the staff's awards of an airline: the list, the form that
// defines one, and the form that grants one by hand.
type AwardsPage struct {
	Page
	Tabs   AirlineTabs
	Notice string
	Awards []AwardBadge
	Form   AwardForm
	Grant  AwardGrantForm
}

// AwardEditForm changes an award: the define form's fields, with its image
// kept unless a new one is chosen or RemoveImage is checked.
type AwardEditForm struct {
	AwardForm
	RemoveImage bool   `form:"remove_image"`
	ImageURL    string // the image it has now, "" for none
}

// AwardRevokeForm takes an award back from a pilot, with a reason.
type AwardRevokeForm struct {
	CSRFToken string
	CommandID string `form:"command_id"`
	Action    string
	Pilot     string `form:"pilot"`
	Reason    string `form:"reason"`
	Errors    map[string]string
}

// AwardPage is one award for staff: the form that edits it, the one that
// deletes it, and the one that takes it back from a pilot.
type AwardPage struct {
	Page
	Tabs         AirlineTabs
	Notice       string
	Name         string // as it is now (the edit form keeps what was typed)
	BackURL      string
	Edit         AwardEditForm
	DeleteAction string
	DeleteCmdID  string
	Revoke       AwardRevokeForm
}
