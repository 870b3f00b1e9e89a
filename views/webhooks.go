package views

// WebhooksPage is an airline's webhooks, for its staff.
type WebhooksPage struct {
	Page
	Tabs   AirlineTabs
	Hooks  []WebhookRow
	Notice string
	NewURL string
}

// WebhookRow is one webhook in the list.
type WebhookRow struct {
	Name, Kind, Host, Events, URL string
}

// WebhookForm is the add and edit form of a webhook, with what was typed.
type WebhookForm struct {
	Action    string
	CSRFToken string
	CommandID string
	Name      string
	Kind      string
	URL       string
	Topics    []WebhookTopicChoice
	Errors    map[string]string
	Message   string
	Submit    string
}

// WebhookTopicChoice is one event's checkbox.
type WebhookTopicChoice struct {
	Value, Label string
	Chosen       bool
}

// WebhookKinds are the choices of a webhook's kind.
var WebhookKinds = [][2]string{
	{"discord", "Discord (messages as embeds)"},
	{"generic", "Generic (JSON, signed with a secret)"},
}

// WebhookNewPage is the page that adds a webhook.
type WebhookNewPage struct {
	Page
	Tabs AirlineTabs
	Form WebhookForm
}

// WebhookPage is one webhook: its form, its secret's controls and its
// delivery log.
type WebhookPage struct {
	Page
	Tabs       AirlineTabs
	Name       string
	Generic    bool
	Form       WebhookForm
	Notice     string
	Secret     string // shown once, right after it was made
	SecretURL  string
	RemoveURL  string
	ListURL    string
	Deliveries []DeliveryRow
}

// DeliveryRow is one delivery in a webhook's log.
type DeliveryRow struct {
	ID          string
	Event       string
	Status      string
	Queued      string
	LastTry     string
	Attempts    string
	Code        string
	Response    string
	ResendURL   string
	NextAttempt string
}
