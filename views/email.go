package views

// ForgotForm is the "Forgot your password?" page.
type ForgotForm struct {
	Page
	Email   string
	Errors  map[string]string
	Message string // too many attempts
	Sent    bool   // the same answer whether or not the address has an account
}

// ResetForm is the page a reset link opens: a new password, twice.
type ResetForm struct {
	Page
	Token   string
	Errors  map[string]string
	Message string
	Done    bool
}

// UnsubscribePage confirms a one-click unsubscribe link.
type UnsubscribePage struct {
	Page
	Query string // the signed link's query string, posted back
	Label string // what the kind is called
	Done  bool
}

// EmailChoice is one kind of email a person may turn off.
type EmailChoice struct {
	Kind, Label string
	On          bool
}

// EmailChoicesPage is the account's email page.
type EmailChoicesPage struct {
	Page
	Email   string
	Choices []EmailChoice
	Saved   bool
}

// OutboxRow is one email whose sending failed.
type OutboxRow struct {
	ID, Kind, To, Subject, Status, Error string
	Attempts                             int
	Created, Next                        string
}

// OutboxPage is the platform admin's page of failed sends.
type OutboxPage struct {
	Page
	Rows []OutboxRow
}

// VerifyPage is the page a registration's verification link opens.
type VerifyPage struct {
	Page
	Token   string
	Message string // why the link does not work
	Done    bool
}
