package views

// APIKeysPage is a user's API keys page.
type APIKeysPage struct {
	Page
	Panel APIKeysPanel
}

// APIKeysPanel is the part of the page that htmx swaps after a create or a
// revoke: the key just created, the list, and the create form.
type APIKeysPanel struct {
	CSRFToken string
	NewKey    *NewAPIKey // shown once, right after its creation
	Revoked   string     // the name of the key just revoked, for the confirmation
	Rows      []APIKeyRow
	Form      APIKeyForm
}

// NewAPIKey is a key just created, with its secret: the one time it is shown.
type NewAPIKey struct {
	Name string
	Key  string
}

// APIKeyRow is one line of the key list.
type APIKeyRow struct {
	ID       string
	Name     string
	Prefix   string // the first characters of the key, not secret
	Created  string // already formatted for display
	LastUsed string // already formatted; empty when never used
	Revoked  string // when it was revoked, formatted; empty while it works
}

// APIKeyForm is the create-key form with the user's input and, after a
// failed submit, its messages.
type APIKeyForm struct {
	CommandID string // makes a double submit create one key, not two
	Name      string
	Errors    map[string]string
	Message   string // a message for the whole form
}

// APIKeysPanelID is the id of the element the panel replaces.
const APIKeysPanelID = "api-keys"
