package views

import "strconv"

// AdminHome is the part of an airline admin's home that is theirs: what
// waits for them, and the first steps of a new airline.
type AdminHome struct {
	LiveURL string
	Needs   []AdminNeed
	Steps   []SetupStep
}

// AdminNeed is one kind of thing waiting for staff, with how many and where
// they are dealt with.
type AdminNeed struct {
	Key   string // for data-testid
	Label string
	Count int
	URL   string
	Link  string
}

// CountText is the count as the page says it; none is "nothing waiting".
func (n AdminNeed) CountText() string {
	if n.Count == 0 {
		return "nothing waiting"
	}
	return strconv.Itoa(n.Count)
}

// SetupStep is one first step of a new airline: done or not, and where it
// is done. Value, when set, is a setting's current value.
type SetupStep struct {
	Key   string
	Label string
	Done  bool
	URL   string
	Link  string
	Value string
}

// SetUp is whether every first step is done.
func (h AdminHome) SetUp() bool {
	for _, s := range h.Steps {
		if !s.Done {
			return false
		}
	}
	return true
}

// boolAttr writes a flag as an attribute's value.
func boolAttr(b bool) string { return strconv.FormatBool(b) }
