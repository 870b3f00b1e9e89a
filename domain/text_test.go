package domain

import (
	"strings"
	"testing"

	eventsv1 "github.com/albatross-va/albatross/domain/events/v1"
)

func TestTextProblem(t *testing.T) {
	for _, tc := range []struct {
		in   string
		kind TextKind
		bad  bool
	}{
		{"Adolfo Suárez Madrid–Barajas", SingleLine, false},
		{"a\x00b", SingleLine, true},
		{"a\x00b", MultiLine, true},
		{"caf\xe9", SingleLine, true},
		{"line one\nline two\ttab", MultiLine, false},
		{"line one\nline two", SingleLine, true},
		{"bell\x07", MultiLine, true},
		{"c1\u0085", MultiLine, true},
		{"sep\u2028", MultiLine, true},
		{"emoji ✈️", SingleLine, false},
	} {
		if got := TextProblem(tc.in, tc.kind) != ""; got != tc.bad {
			t.Errorf("TextProblem(%q, %v) refused=%v, want %v", tc.in, tc.kind, got, tc.bad)
		}
	}
}

func TestCheckTextTrimsAndBounds(t *testing.T) {
	f := map[string]string{}
	s := "  Lisbon \r\n "
	if !CheckMultiline(f, "notes", &s, 10) || s != "Lisbon" {
		t.Fatalf("CheckMultiline kept %q, fields %v", s, f)
	}
	long := strings.Repeat("é", 11)
	if CheckLine(f, "name", &long, 10) || !strings.Contains(f["name"], "at most 10") {
		t.Fatalf("an 11-character name passed a 10 limit: %v", f)
	}
	nul := "a\x00"
	f["remarks"] = "earlier message"
	if CheckMultiline(f, "remarks", &nul, 0) || f["remarks"] != "earlier message" {
		t.Fatalf("the first message of a field was replaced: %v", f)
	}
}

func TestCheckEventTextFindsNestedStrings(t *testing.T) {
	ok := &eventsv1.PirepFiled{PirepId: "p", Details: &eventsv1.PirepFiled_Details{Remarks: "fine\nremarks"}}
	if err := CheckEventText(ok); err != nil {
		t.Fatalf("a clean event was refused: %v", err)
	}
	bad := &eventsv1.PirepFiled{PirepId: "p", Details: &eventsv1.PirepFiled_Details{Remarks: "bad\x00"}}
	err := CheckEventText(bad)
	if ErrorCode(err) != EInvalid || ErrorFields(err)["remarks"] == "" {
		t.Fatalf("a NUL in a nested field gave %v, want invalid naming remarks", err)
	}
	utf := &eventsv1.PirepFiled{PirepId: "p\xff"}
	if ErrorCode(CheckEventText(utf)) != EInvalid {
		t.Fatal("invalid UTF-8 in an event passed")
	}
}
