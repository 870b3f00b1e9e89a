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
//  3. formFailed merges those messages with the domain's (domain.ErrorFields)
//     and says how to answer: a formAnswer re-renders the page with the
//     messages beside their fields; any other error goes to the error
//     handler.

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

// formAnswer is how a form that did not go through is answered: its page
// again, with Status, the messages beside their fields, and Message for
// the whole form.
type formAnswer struct {
	Status  int               // 422, or 409 when the domain refused a conflict
	Fields  map[string]string // messages by field name; nil for a conflict of the whole form
	Message string            // a conflict with no field to show it beside
}

// fresh reports whether the form should be sent again under a new
// command id: a refused conflict may be corrected and resubmitted, which
// must not be taken for a double submit of the refused one.
func (a formAnswer) fresh() bool { return a.Status == http.StatusConflict }

// formFailed merges parse, the messages of values that did not parse, with
// the domain's field messages of err and says how to answer. ok is false
// when there is nothing to show beside the form: err is nil (and nothing
// failed to parse), or an error for the error handler. A form with no
// place for a whole-form message answers only when Fields is set.
func formFailed(parse formErrors, err error) (a formAnswer, ok bool) {
	a.Status = http.StatusUnprocessableEntity
	if domain.ErrorCode(err) == domain.EConflict {
		a.Status = http.StatusConflict
	}
	for k, v := range domain.ErrorFields(err) {
		if a.Fields == nil {
			a.Fields = map[string]string{}
		}
		a.Fields[k] = v
	}
	for k, v := range parse {
		if a.Fields == nil {
			a.Fields = map[string]string{}
		}
		a.Fields[k] = v
	}
	switch {
	case a.Fields != nil:
		return a, true
	case a.Status == http.StatusConflict:
		a.Message = domain.ErrorMessage(err)
		return a, true
	}
	return formAnswer{}, false
}
