package domain

import (
	"fmt"
	"strings"
	"unicode"
	"unicode/utf8"

	"google.golang.org/protobuf/proto"
	"google.golang.org/protobuf/reflect/protoreflect"
)

// This file is the one check of the text a command carries. The event log is
// append-only and every projection must be able to apply every event in it
// forever, so text that a read model could not store (a NUL, which
// PostgreSQL refuses; invalid UTF-8, which proto3 refuses to encode; other
// control characters, which no page can show) must never reach it.
//
// Commands check each field with CheckLine or CheckMultiline, which say what
// is wrong in words meant for the field's form. The runner then checks every
// string of every event it is about to append (CheckEventText), so a field a
// command forgot is still refused, never stored.

// TextKind says which characters a text field may hold beyond printable
// ones.
type TextKind int

// Text kinds.
const (
	// SingleLine text (a name, a code) may hold no control character at all.
	SingleLine TextKind = iota
	// MultiLine text (remarks, notes, comments, routes) may also hold tabs
	// and line breaks.
	MultiLine
)

// TextProblem says what is wrong with s as a text of the kind, in a sentence
// meant for the person who typed it, or "" when nothing is. It does not
// check the length: CheckText does.
func TextProblem(s string, kind TextKind) string {
	if !utf8.ValidString(s) {
		return "This text is not valid UTF-8; type it again or save the file as UTF-8."
	}
	for _, r := range s {
		if r == 0 {
			return "This text holds a NUL character (code 0), which cannot be stored; remove it."
		}
		if kind == MultiLine && (r == '\t' || r == '\n' || r == '\r') {
			continue
		}
		if unicode.IsControl(r) || r == '\u2028' || r == '\u2029' {
			if kind == SingleLine && (r == '\t' || r == '\n' || r == '\r') {
				return "This text must be on one line: remove the tab or line break."
			}
			return fmt.Sprintf("This text holds a control character (U+%04X), which cannot be stored; remove it.", r)
		}
	}
	return ""
}

// CleanText trims s of surrounding white space and, for multi-line text,
// writes line breaks as "\n", so that what is checked is what is stored.
func CleanText(s string, kind TextKind) string {
	if kind == MultiLine && strings.ContainsRune(s, '\r') {
		s = strings.ReplaceAll(strings.ReplaceAll(s, "\r\n", "\n"), "\r", "\n")
	}
	return strings.TrimSpace(s)
}

// CheckText trims *s (see CleanText) and records in f, under field, what is
// wrong with it: bad characters (TextProblem) or more than max characters.
// A field that already has a message keeps it. It reports whether the text
// is acceptable, so that a caller can go on to check its shape (a code, an
// email address) only when it is.
func CheckText(f map[string]string, field string, s *string, kind TextKind, max int) bool {
	*s = CleanText(*s, kind)
	msg := TextProblem(*s, kind)
	if msg == "" && max > 0 && utf8.RuneCountInString(*s) > max {
		msg = fmt.Sprintf("This can be at most %d characters (it has %d).", max, utf8.RuneCountInString(*s))
	}
	if msg == "" {
		return true
	}
	if _, ok := f[field]; !ok {
		f[field] = msg
	}
	return false
}

// CheckLine is CheckText for a single-line field.
func CheckLine(f map[string]string, field string, s *string, max int) bool {
	return CheckText(f, field, s, SingleLine, max)
}

// CheckMultiline is CheckText for a multi-line field.
func CheckMultiline(f map[string]string, field string, s *string, max int) bool {
	return CheckText(f, field, s, MultiLine, max)
}

// TextError returns an EInvalid error naming field when s is not acceptable
// text of the kind and length, or nil. It does not trim: it is for values
// that are used as they come, such as a search box or a path parameter.
func TextError(field, s string, kind TextKind, max int) error {
	f := map[string]string{}
	v := s
	msg := TextProblem(v, kind)
	if msg == "" && max > 0 && utf8.RuneCountInString(v) > max {
		msg = fmt.Sprintf("This can be at most %d characters.", max)
	}
	if msg == "" {
		return nil
	}
	f[field] = msg
	return &Error{Code: EInvalid, Message: field + ": " + msg, Fields: f}
}

// CheckEventText walks every string of an event message, however deeply
// nested (messages, lists, maps and their keys), and refuses the first that
// no read model could store: invalid UTF-8, a NUL, or a control character
// other than tab and line breaks. The error is EInvalid and names the field
// by its event field name. It is the runner's last guard before an append;
// commands give friendlier messages first.
func CheckEventText(m proto.Message) error {
	if m == nil {
		return nil
	}
	if name, msg := badText(m.ProtoReflect()); name != "" {
		return &Error{Code: EInvalid, Message: fmt.Sprintf("%s: %s", name, msg), Fields: map[string]string{name: msg}}
	}
	return nil
}

// badText returns the name of the first field of m holding unstorable text
// and why, or "" when there is none.
func badText(m protoreflect.Message) (field, why string) {
	m.Range(func(fd protoreflect.FieldDescriptor, v protoreflect.Value) bool {
		check := func(v protoreflect.Value, kind protoreflect.Kind) bool {
			switch kind {
			case protoreflect.StringKind:
				if msg := TextProblem(v.String(), MultiLine); msg != "" {
					field, why = string(fd.Name()), msg
					return false
				}
			case protoreflect.MessageKind, protoreflect.GroupKind:
				if f, w := badText(v.Message()); f != "" {
					field, why = f, w
					return false
				}
			}
			return true
		}
		switch {
		case fd.IsList():
			l := v.List()
			for i := 0; i < l.Len(); i++ {
				if !check(l.Get(i), fd.Kind()) {
					return false
				}
			}
		case fd.IsMap():
			ok := true
			v.Map().Range(func(k protoreflect.MapKey, mv protoreflect.Value) bool {
				if fd.MapKey().Kind() == protoreflect.StringKind {
					if !check(k.Value(), protoreflect.StringKind) {
						ok = false
						return false
					}
				}
				if !check(mv, fd.MapValue().Kind()) {
					ok = false
					return false
				}
				return true
			})
			return ok
		default:
			return check(v, fd.Kind())
		}
		return true
	})
	return field, why
}
