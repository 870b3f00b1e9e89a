package handlers

import (
	"bytes"
	"encoding/json"
	"fmt"
	"io"
	"math"
	"net/http"
	"net/url"
	"strconv"
	"strings"
	"time"

	"github.com/labstack/echo/v4"
)

// phpvmsBody is a request body as phpVMS's controllers read it: JSON or a
// form, members looked up by name, "" read as null (Laravel's
// ConvertEmptyStringsToNull), numbers accepted as JSON numbers or numeric
// strings (clients send both). Each getter records what is wrong with its
// member in errs, by the member's name, as phpVMS's validation names it.
type phpvmsBody struct {
	m    map[string]any
	errs map[string]string
}

// readPhpvmsBody reads a request's body; a body that is neither JSON nor a
// form is a 400 naming it.
func readPhpvmsBody(c echo.Context) (*phpvmsBody, error) {
	b := &phpvmsBody{m: map[string]any{}, errs: map[string]string{}}
	raw, err := io.ReadAll(c.Request().Body)
	if err != nil {
		return nil, err
	}
	raw = bytes.TrimSpace(raw)
	if len(raw) == 0 {
		return b, nil
	}
	if strings.HasPrefix(c.Request().Header.Get(echo.HeaderContentType), echo.MIMEApplicationForm) {
		vals, err := url.ParseQuery(string(raw))
		if err != nil {
			return nil, phpvmsInvalid(map[string]string{"body": "The form could not be read."})
		}
		for k, v := range vals {
			b.m[k] = v[len(v)-1]
		}
		return b, nil
	}
	d := json.NewDecoder(bytes.NewReader(raw))
	d.UseNumber()
	if err := d.Decode(&b.m); err != nil {
		return nil, phpvmsInvalid(map[string]string{"body": "The body must be a JSON object."})
	}
	return b, nil
}

// phpvmsInvalid is phpVMS's 400 validation-exception naming each field.
func phpvmsInvalid(fields map[string]string) *phpvmsError {
	var msgs []string
	for _, m := range fields {
		msgs = append(msgs, m)
	}
	return &phpvmsError{Status: http.StatusBadRequest, Type: "validation-exception", Message: strings.Join(msgs, ", "), Fields: fields}
}

// err is the body's refusal, nil when every member read.
func (b *phpvmsBody) err() error {
	if len(b.errs) == 0 {
		return nil
	}
	return phpvmsInvalid(b.errs)
}

// has says whether a member was sent and is not null.
func (b *phpvmsBody) has(name string) bool {
	v, ok := b.m[name]
	return ok && v != nil && v != ""
}

// str reads a string member (a number is written as sent).
func (b *phpvmsBody) str(name string) string {
	switch v := b.m[name].(type) {
	case nil:
		return ""
	case string:
		return v
	case json.Number:
		return v.String()
	case bool:
		return strconv.FormatBool(v)
	default:
		b.errs[name] = fmt.Sprintf("The %s must be a string.", words(name))
		return ""
	}
}

// number reads a numeric member.
func (b *phpvmsBody) number(name string) float64 {
	var s string
	switch v := b.m[name].(type) {
	case nil:
		return 0
	case json.Number:
		s = v.String()
	case string:
		s = strings.TrimSpace(v)
		if s == "" {
			return 0
		}
	default:
		b.errs[name] = fmt.Sprintf("The %s must be a number.", words(name))
		return 0
	}
	f, err := strconv.ParseFloat(s, 64)
	if err != nil || math.IsNaN(f) || math.IsInf(f, 0) || math.Abs(f) > 1e9 {
		b.errs[name] = fmt.Sprintf("The %s must be a number.", words(name))
		return 0
	}
	return f
}

// integer reads a whole-number member: "1:30" or 1.5 is refused, as
// phpVMS's integer rule refuses them.
func (b *phpvmsBody) integer(name string) int32 {
	f := b.number(name)
	if b.errs[name] == "" && (f != math.Trunc(f) || math.Abs(f) > math.MaxInt32) {
		b.errs[name] = fmt.Sprintf("The %s must be an integer.", words(name))
		return 0
	}
	if b.errs[name] != "" {
		b.errs[name] = fmt.Sprintf("The %s must be an integer.", words(name))
	}
	return int32(f)
}

// rounded reads a numeric member to the nearest whole unit.
func (b *phpvmsBody) rounded(name string) int32 {
	f := b.number(name)
	if math.Abs(f) > math.MaxInt32 {
		b.errs[name] = fmt.Sprintf("The %s is too large.", words(name))
		return 0
	}
	return int32(math.Round(f))
}

// date reads a date member in any form Carbon parses that clients send:
// RFC 3339 with or without a zone, or "2006-01-02 15:04:05" (UTC).
func (b *phpvmsBody) date(name string) time.Time {
	s := strings.TrimSpace(b.str(name))
	if s == "" {
		return time.Time{}
	}
	for _, layout := range []string{time.RFC3339Nano, "2006-01-02T15:04:05", "2006-01-02 15:04:05", "2006-01-02T15:04", "2006-01-02"} {
		if t, err := time.Parse(layout, s); err == nil {
			return t.UTC()
		}
	}
	b.errs[name] = fmt.Sprintf("The %s is not a valid date.", words(name))
	return time.Time{}
}

// list reads an array member of objects.
func (b *phpvmsBody) list(name string) []*phpvmsBody {
	raw, ok := b.m[name].([]any)
	if !ok {
		if b.m[name] != nil {
			b.errs[name] = fmt.Sprintf("The %s must be an array.", words(name))
		}
		return nil
	}
	out := make([]*phpvmsBody, 0, len(raw))
	for i, v := range raw {
		obj, ok := v.(map[string]any)
		if !ok {
			b.errs[fmt.Sprintf("%s.%d", name, i)] = fmt.Sprintf("Each of the %s must be an object.", words(name))
			continue
		}
		out = append(out, &phpvmsBody{m: obj, errs: map[string]string{}})
	}
	return out
}

// words is a member's name as phpVMS's messages say it ("dpt airport id").
func words(name string) string { return strings.ReplaceAll(name, "_", " ") }
