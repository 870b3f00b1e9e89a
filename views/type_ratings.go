package views

// Choice is one checkbox of a group: its value, its label and whether it
// is ticked.
type Choice struct {
	Value, Label string
	Checked      bool
}

// TypeRatingRow is one type rating of an airline in its list.
type TypeRatingRow struct {
	ID, URL    string
	Name, Code string
	Subfleets  string // the names of the subfleets it covers, joined
}

// TypeRatingForm is the add and edit form of a type rating, as typed.
type TypeRatingForm struct {
	CSRFToken string
	CommandID string `form:"command_id"`
	Action    string
	Name      string `form:"name"`
	Code      string `form:"code"`
	Subfleets []Choice
	Errors    map[string]string
}

// FlyingRulesForm is the airline's rules of who may fly what.
type FlyingRulesForm struct {
	Action               string
	RestrictToRank       bool
	RestrictToTypeRating bool
	CountTransferHours   bool
}

// RankAllowanceForm is what one rank lets its pilots fly.
type RankAllowanceForm struct {
	RankID, RankName string
	Action           string
	Subfleets        []Choice
	Ratings          []Choice
	Errors           map[string]string
}

// TypeRatingsPage is an airline's type ratings with the add form, its
// flying rules and what each rank lets its pilots fly.
type TypeRatingsPage struct {
	Page
	Tabs   AirlineTabs
	Notice string
	Rules  FlyingRulesForm
	Rows   []TypeRatingRow
	Form   TypeRatingForm
	Ranks  []RankAllowanceForm
}

// TypeRatingPage is one type rating's edit form.
type TypeRatingPage struct {
	Page
	Tabs AirlineTabs
	Form TypeRatingForm
}

// PersonRatings are the type ratings a pilot holds, on their page, with the
// forms that grant and revoke one for staff who manage ranks.
type PersonRatings struct {
	Held    []TypeRatingRow
	CanSet  bool
	Action  string
	Options [][2]string // the airline's ratings: id, label
	Chosen  string
	Reason  string
	// Transfer is the hours the pilot brought from another airline (h:mm,
	// "" for none), apart from their flown hours; TransferAction sets them.
	Transfer       string
	TransferAction string
	TransferTyped  string
	TransferReason string
	CanSetTransfer bool
}
