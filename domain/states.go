package domain

import (
	"container/list"
	"sync"
)

// keptState is implemented by aggregates whose streams keep growing while
// commands keep coming (an ACARS flight's PIREP: two events longer every
// few seconds), so that a Runner with States reads only the events after
// the state it kept rather than the whole stream at every command.
type keptState interface {
	Aggregate
	keptState()
}

// States keeps the last loaded state of recently used streams. A state is
// taken out while a command decides on it, so two commands never share
// one; it goes back at the version it was loaded at, and the next command
// reads what was appended since (its own events included). Streams only
// grow, so a kept state is never wrong, only behind, also when another
// process appends to the stream.
type States struct {
	mu      sync.Mutex
	max     int
	order   *list.List // of *keptEntry, most recently used first
	streams map[string]*list.Element
}

type keptEntry struct {
	stream  string
	state   Aggregate
	version int64
}

// DefaultKeptStates bounds States: a flight in progress costs a few
// kilobytes per hour of positions.
const DefaultKeptStates = 2048

// NewStates keeps at most max states (DefaultKeptStates when max <= 0).
func NewStates(max int) *States {
	if max <= 0 {
		max = DefaultKeptStates
	}
	return &States{max: max, order: list.New(), streams: map[string]*list.Element{}}
}

// take removes and returns the state kept for stream, if any.
func (s *States) take(stream string) (Aggregate, int64, bool) {
	s.mu.Lock()
	defer s.mu.Unlock()
	el, ok := s.streams[stream]
	if !ok {
		return nil, 0, false
	}
	s.order.Remove(el)
	delete(s.streams, stream)
	e := el.Value.(*keptEntry)
	return e.state, e.version, true
}

// keep stores state at version for stream, unless a newer one is kept
// already (another command finished first), dropping the least recently
// used state beyond the bound.
func (s *States) keep(stream string, state Aggregate, version int64) {
	s.mu.Lock()
	defer s.mu.Unlock()
	if el, ok := s.streams[stream]; ok {
		e := el.Value.(*keptEntry)
		if e.version >= version {
			return
		}
		s.order.Remove(el)
	}
	s.streams[stream] = s.order.PushFront(&keptEntry{stream: stream, state: state, version: version})
	for s.order.Len() > s.max {
		last := s.order.Back()
		s.order.Remove(last)
		delete(s.streams, last.Value.(*keptEntry).stream)
	}
}

// Len is how many states are kept.
func (s *States) Len() int {
	s.mu.Lock()
	defer s.mu.Unlock()
	return s.order.Len()
}
