package handlers

import (
	"fmt"
	"net/http"
	"reflect"
	"strconv"
	"strings"

	"github.com/labstack/echo/v4"

	"github.com/albatross-va/albatross/domain"
)

// Every form is read and answered the same way:
//
//  1. readForm fills the form's struct (a views ...Form whose fields carry
//     `form:"field_name"` tags) with the values exactly as the user typed
//     them, so a re-rendered form keeps its input.
//  2. Values that must be numbers or times are parsed into the domain's
//     input with formErrors, which puts a message beside each field that
//     does not parse.
//  3. formFailed merges those messages with the domain's (domain.ErrorFields),
//     puts them on the form's struct (formSlots) and gives the status to
//     re-render its page with: 422, or 409 for a conflict. Any other error
//     goes to the error handler.

// readForm fills the fields of the struct dst points to that carry a
// `form:"name"` tag from the request's form: a string gets the value as
// typed, a bool is true when the field was sent non-empty (a checked
// box), a []string gets every value sent. Untagged fields are left as
// they are. A form that cannot be parsed reads as empty, as
// echo.Context.FormValue does; the domain then says what is missing.
func readForm(c echo.Context, dst any) {
	values, _ := c.FormParams()
	v := reflect.ValueOf(dst).Elem()
	t := v.Type()
	for i := range t.NumField() {
		name, ok := t.Field(i).Tag.Lookup("form")
		if !ok {
			continue
		}
		switch field := v.Field(i); field.Interface().(type) {
		case string:
			field.SetString(values.Get(name))
		case bool:
			field.SetBool(values.Get(name) != "")
		case []string:
			field.Set(reflect.ValueOf(append([]string(nil), values[name]...)))
		default:
			panic(fmt.Sprintf("readForm: %s.%s has a form tag but is a %s", t.Name(), t.Field(i).Name, field.Type()))
		}
	}
}

// formErrors collects a form's messages by field while its values are
// parsed into the domain's input.
type formErrors map[string]string

// int32 reads an optional whole number into to; an empty value leaves to
// as it is, a malformed one puts msg on its field.
func (e formErrors) int32(field, value string, to *int32, msg string) {
	if value = strings.TrimSpace(value); value == "" {
		return
	}
	n, err := strconv.ParseInt(value, 10, 32)
	if err != nil {
		e[field] = msg
		return
	}
	*to = int32(n)
}

// float64 reads an optional number into to; an empty value leaves to as
// it is, a malformed one puts msg on its field.
func (e formErrors) float64(field, value string, to *float64, msg string) {
	if value = strings.TrimSpace(value); value == "" {
		return
	}
	x, err := strconv.ParseFloat(value, 64)
	if err != nil {
		e[field] = msg
		return
	}
	*to = x
}

// formSlots are where a form's struct shows a failed answer.
type formSlots struct {
	Errors *map[string]string // the messages beside their fields
	// Message is the message for the whole form; nil when the form has
	// none, so a conflict without a field goes to the error handler.
	Message *string
	// CommandID is renewed after a conflict, which may be corrected and
	// sent again without being taken for a double submit of the refused
	// one; nil when the form sends no command id.
	CommandID *string
}

// formFailed merges parse, the messages of values that did not parse, with
// the domain's field messages of err, puts them on the form, and says
// with which status to re-render its page: 409 when the domain refused a
// conflict, else 422. ok is false when there is nothing to show on the
// form: err is nil and nothing failed to parse, or err is for the error
// handler.
func formFailed(parse formErrors, err error, form formSlots) (status int, ok bool) {
	fields := map[string]string{}
	for k, v := range domain.ErrorFields(err) {
		fields[k] = v
	}
	for k, v := range parse {
		fields[k] = v
	}
	conflict := domain.ErrorCode(err) == domain.EConflict
	switch {
	case len(fields) > 0:
		*form.Errors = fields
	case conflict && form.Message != nil:
		*form.Message = domain.ErrorMessage(err)
	default:
		return 0, false
	}
	if !conflict {
		return http.StatusUnprocessableEntity, true
	}
	if form.CommandID != nil {
		*form.CommandID = domain.NewUUID()
	}
	return http.StatusConflict, true
}
