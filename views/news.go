package views

// NewsCard is one news item as the dashboard, the public page and the
// staff's list show it.
type NewsCard struct {
	ID       string
	Title    string
	BodyHTML string // the Markdown rendered and sanitised (handlers' markdown)
	Author   string // "" when unknown
	Posted   string // when it was posted, for people
	PostedAt string // the same, machine-readable (RFC 3339)
	Edited   bool
	EditURL  string // staff's list only
}

// NewsForm is the post and edit form of a news item, as typed.
type NewsForm struct {
	CSRFToken string
	CommandID string `form:"command_id"`
	Action    string
	Edit      bool
	Title     string `form:"title"`
	Body      string `form:"body"` // Markdown
	MaxBody   int
	Errors    map[string]string
}

// NewsListPage is the staff's news of an airline, newest first, with the
// form that posts one.
type NewsListPage struct {
	Page
	Tabs   AirlineTabs
	Rows   []NewsCard
	Form   NewsForm
	Notice string
	Pager  Pager
}

// NewsEditPage is one news item's edit form and its delete button.
type NewsEditPage struct {
	Page
	Tabs      AirlineTabs
	Form      NewsForm
	DeleteURL string
}

// NewsDeletePage asks staff to confirm the deletion of a news item.
type NewsDeletePage struct {
	Page
	Tabs      AirlineTabs
	Item      NewsCard
	Action    string
	CommandID string
	BackURL   string
}
