package views

// RankRow is one rank of an airline in its list.
type RankRow struct {
	ID          string
	URL         string // its edit page
	Name        string
	MinHours    string // h:mm
	AutoPromote bool
	AutoAccept  bool
	// AutoAcceptACARS: the PIREPs its pilots file from ACARS are accepted.
	AutoAcceptACARS bool
}

// RankForm is the add and edit form of a rank, as typed.
type RankForm struct {
	CSRFToken   string
	CommandID   string `form:"command_id"`
	Action      string
	Edit        bool
	Name        string `form:"name"`
	MinHours    string `form:"min_hours"` // h or h:mm
	AutoPromote bool   `form:"auto_promote"`
	AutoAccept  bool   `form:"auto_accept"`
	// AutoAcceptACARS is phpVMS's auto_approve_acars.
	AutoAcceptACARS bool `form:"auto_accept_acars"`
	Errors          map[string]string
}

// RanksPage is an airline's ranks, lowest first, with the add form.
type RanksPage struct {
	Page
	Tabs   AirlineTabs
	Rows   []RankRow
	Form   RankForm
	Notice string
}

// RankPage is one rank's edit form.
type RankPage struct {
	Page
	Tabs AirlineTabs
	Form RankForm
}

// PersonRank is a person's rank on their page and, for staff who manage
// ranks, the form that sets it by hand.
type PersonRank struct {
	Name    string // the rank held; empty with none
	ByHand  bool   // staff set it: the promotion rule never takes the pilot below it
	CanSet  bool
	Action  string
	Chosen  string      // the rank id in the select
	Options [][2]string // the airline's ranks: id, label
}
