package domain

// checkRequiredLine checks a single-line field that must not be empty: an
// empty one gets the message empty, any other goes through CheckLine.
func checkRequiredLine(f map[string]string, field string, s *string, max int, empty string) bool {
	return checkRequired(f, field, s, SingleLine, max, empty)
}

// checkRequired is checkRequiredLine for a text of either kind.
func checkRequired(f map[string]string, field string, s *string, kind TextKind, max int, empty string) bool {
	*s = CleanText(*s, kind)
	if *s == "" {
		if _, ok := f[field]; !ok {
			f[field] = empty
		}
		return false
	}
	return CheckText(f, field, s, kind, max)
}

// textFieldError checks one text a command takes on its own (a reason) and
// returns the EInvalid error naming field, or nil; *s is left trimmed. An
// empty text is refused with the message empty, unless empty is "".
func textFieldError(field string, s *string, kind TextKind, max int, empty string) error {
	f := map[string]string{}
	if empty != "" {
		checkRequired(f, field, s, kind, max, empty)
	} else {
		CheckText(f, field, s, kind, max)
	}
	if msg, ok := f[field]; ok {
		return FieldError(EInvalid, field, msg)
	}
	return nil
}
