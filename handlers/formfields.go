package handlers

import (
	"strconv"
	"strings"

	"github.com/albatross-va/albatross/domain"
)

// formErrors collects a form's messages by field while its values are read.
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

// fieldErrors merges the form's number messages with the domain's.
func fieldErrors(parse map[string]string, err error) map[string]string {
	out := map[string]string{}
	for k, v := range domain.ErrorFields(err) {
		out[k] = v
	}
	for k, v := range parse {
		out[k] = v
	}
	if len(out) == 0 {
		return nil
	}
	return out
}
