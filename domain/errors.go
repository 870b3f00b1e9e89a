// Package domain holds Albatross's aggregates, commands, invariants, error
// codes and the ports (interfaces) the domain needs from the outside world.
// It imports only the standard library, protobuf and its own packages.
package domain

import (
	"errors"
	"fmt"
	"sort"
	"strings"
)

// Error codes. Handlers map them to HTTP statuses in one place; nothing
// matches on error strings.
const (
	ENotFound     = "not_found"
	EConflict     = "conflict"
	EInvalid      = "invalid"
	EForbidden    = "forbidden"
	EUnauthorized = "unauthorized"
	EInternal     = "internal"
	// EUnavailable is a part Albatross needs (the database, the session
	// store) that cannot be reached for now: the request may succeed if
	// tried again shortly.
	EUnavailable = "unavailable"
)

// Error is the one error type that crosses the domain boundary. Message is
// safe to show to a user; Fields names the form fields a message belongs to.
type Error struct {
	Code    string
	Message string
	Fields  map[string]string
	// Reasons says, for some refused fields, which rule refused them (the
	// Reason constants), for an API that words each rule its own way.
	Reasons map[string]string
}

// Error implements the error interface.
func (e *Error) Error() string {
	if len(e.Fields) == 0 {
		return fmt.Sprintf("%s: %s", e.Code, e.Message)
	}
	keys := make([]string, 0, len(e.Fields))
	for k := range e.Fields {
		keys = append(keys, k)
	}
	sort.Strings(keys)
	parts := make([]string, 0, len(keys))
	for _, k := range keys {
		parts = append(parts, k+": "+e.Fields[k])
	}
	return fmt.Sprintf("%s: %s (%s)", e.Code, e.Message, strings.Join(parts, "; "))
}

// Errorf builds an *Error with a formatted safe message.
func Errorf(code, format string, args ...any) *Error {
	return &Error{Code: code, Message: fmt.Sprintf(format, args...)}
}

// FieldError builds an *Error whose message belongs to one named field.
func FieldError(code, field, message string) *Error {
	return &Error{Code: code, Message: message, Fields: map[string]string{field: message}}
}

// Invalid builds an EInvalid error from per-field messages, or returns nil
// when there are none, so a Validate method can end with `return Invalid(m)`.
func Invalid(fields map[string]string) error {
	if len(fields) == 0 {
		return nil
	}
	return &Error{Code: EInvalid, Message: "please correct the highlighted fields", Fields: fields}
}

// ErrorCode returns the code of err, EInternal for errors that are not *Error,
// and "" for nil.
func ErrorCode(err error) string {
	if err == nil {
		return ""
	}
	var e *Error
	if errors.As(err, &e) {
		return e.Code
	}
	if errors.Is(err, ErrVersionConflict) {
		return EConflict
	}
	return EInternal
}

// ErrorMessage returns the safe message of err; internal errors get a generic
// message so that driver details never reach a user.
func ErrorMessage(err error) string {
	var e *Error
	if errors.As(err, &e) {
		return e.Message
	}
	return "Internal error."
}

// The rules a refused field may name in Error.Reasons.
const (
	ReasonUnknownAirport      = "unknown-airport"        // not one of the airline's airports
	ReasonPilotElsewhere      = "pilot-elsewhere"        // the pilot is not at the departure airport
	ReasonUnknownAircraft     = "unknown-aircraft"       // not one of the airline's aircraft
	ReasonAircraftUnavailable = "aircraft-unavailable"   // not active, or flying another PIREP
	ReasonAircraftElsewhere   = "aircraft-elsewhere"     // not at the departure airport
	ReasonAircraftNotOnFlight = "aircraft-not-on-flight" // not of the subfleets the schedule flight is flown with
	ReasonChartersOff         = "charters-off"           // a flight not on the schedule, which the airline does not allow
	ReasonNotQualified        = "not-qualified"          // the pilot's rank or type ratings do not let them fly the aircraft (MayFly)
)

// ErrorReasons returns the per-field rules of err (Error.Reasons), or nil.
func ErrorReasons(err error) map[string]string {
	var e *Error
	if errors.As(err, &e) {
		return e.Reasons
	}
	return nil
}

// ErrorFields returns the per-field messages of err, or nil.
func ErrorFields(err error) map[string]string {
	var e *Error
	if errors.As(err, &e) {
		return e.Fields
	}
	return nil
}
