// Package views holds the templ components: layouts, pages and fragments.
// They take view models shaped like the page and do no I/O.
package views

import "strings"

// Page carries what every full page needs.
type Page struct {
	Title     string
	CSRFToken string // sent by htmx through hx-headers and by forms as a hidden field
	UserName  string // the logged-in user, empty for a visitor
	Admin     bool   // a platform admin: the navigation shows the airlines
	Manage    string // an airline admin: the address of their airline's pages
	Notices   string // a member of an airline: the address of their notices, shown on every page
	Email     bool   // the deployment sends email: the navigation links the email pages
	// ChoosingPassword: the user must replace their one-time password
	// first, so the navigation offers nothing that would lead back to it.
	ChoosingPassword bool
	// Said confirms, once, what the person just did on another page
	// ("Password changed.").
	Said string
}

// AirlineRow is one line of the airline list.
type AirlineRow struct {
	ID        string
	Name      string
	ICAO      string
	IATA      string
	Slug      string
	Created   string // already formatted for display
	Suspended bool
}

// AirlineForm is the create-airline form with the user's input and, after a
// failed submit, a message per field.
type AirlineForm struct {
	CSRFToken string
	CommandID string // makes a double submit create one airline, not two
	Name      string
	ICAO      string
	IATA      string
	Slug      string
	// PilotIDPrefix starts the airline's pilot ids; empty means the ICAO code.
	PilotIDPrefix string
	Errors        map[string]string
	Message       string // a message for the whole form
	Created       string // name of the airline just created, for the confirmation
}

// AirlinesPage is the platform admin's list of airlines.
type AirlinesPage struct {
	Page
	Rows []AirlineRow
	Form AirlineForm
}

// ErrorPage is shown for a failed request that is not a form.
type ErrorPage struct {
	Page
	Status  int
	Message string
}

// FieldID returns the id of a form field's input, used by its label.
func FieldID(form, field string) string { return form + "-" + field }

// ErrorID returns the id of a field's error message, for aria-describedby.
func ErrorID(form, field string) string { return form + "-" + field + "-error" }

// describedBy is the aria-describedby of a field with an optional note
// (FieldID + "-note") and error (ErrorID): "" for neither.
func describedBy(form, field string, hasError, hasNote bool) string {
	var ids []string
	if hasNote {
		ids = append(ids, FieldID(form, field)+"-note")
	}
	if hasError {
		ids = append(ids, ErrorID(form, field))
	}
	return strings.Join(ids, " ")
}

// AirlinesChanged is the client event that makes the airline rows re-fetch
// themselves; handlers send it in an HX-Trigger header after a create.
const AirlinesChanged = "airlines-changed"

// LoginForm is the login page's form.
type LoginForm struct {
	Page
	Email   string
	Next    string // where to go after the login
	Message string // one message for the whole form: it never says which field was wrong
	// Errors are the fields left empty ("Enter your login."): saying so
	// tells nothing of anyone's account.
	Errors map[string]string
	// CanReset offers "Forgot your password?": only when emails are sent.
	CanReset bool
}

// PasswordForm is the change-password page.
type PasswordForm struct {
	Page
	Forced  bool // a one-time password: the page explains why it is shown
	Errors  map[string]string
	Message string // for the whole form (too many attempts)
}

// Input describes one form field.
type Input struct {
	Form, Name, Label string
	Value             string
	Type              string // "text" when empty
	Placeholder       string
	Autocomplete      string
	// Preserve keeps what the user typed when a live refresh replaces the
	// section around the field.
	Preserve bool
	// Required marks a field the form cannot do without: an asterisk
	// beside its label, and required and aria-required on the input (the
	// forms are novalidate, so the server's message still says why).
	Required bool
	// SlugFrom names the field (by name, in the same form) whose text
	// suggests this one's value as an address slug, until the user types
	// here (static/js/app.js).
	SlugFrom string
	// Note is a hint under the input that it is described by.
	Note string
}

// describedBy is the input's aria-describedby: its error message, then
// its note ("" for neither).
func (in Input) describedBy(errs map[string]string) string {
	var ids []string
	if errs[in.Name] != "" {
		ids = append(ids, ErrorID(in.Form, in.Name))
	}
	if in.Note != "" {
		ids = append(ids, FieldID(in.Form, in.Name)+"-note")
	}
	return strings.Join(ids, " ")
}

func (in Input) inputType() string {
	if in.Type == "" {
		return "text"
	}
	return in.Type
}
