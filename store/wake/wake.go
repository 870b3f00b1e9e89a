// Package wake fans a "new events may have committed" signal out to the
// subscribers of an event store without ever blocking the signaller.
package wake

import (
	"context"
	"sync"
)

// Signal is the subscriber set of one event store. Its zero value is ready.
type Signal struct {
	// OnFirst, when set, runs once, under the lock, when the first
	// subscriber arrives before Close (the PostgreSQL store starts its
	// LISTEN connection then).
	OnFirst func()

	mu      sync.Mutex
	subs    map[chan struct{}]struct{}
	started bool
	closed  bool
}

// Subscribe returns a channel that receives a value after each Wake (one
// pending value is enough) and is closed when ctx ends or on Close.
func (s *Signal) Subscribe(ctx context.Context) <-chan struct{} {
	ch := make(chan struct{}, 1)
	s.mu.Lock()
	if s.closed || ctx.Err() != nil {
		s.mu.Unlock()
		close(ch)
		return ch
	}
	if s.subs == nil {
		s.subs = map[chan struct{}]struct{}{}
	}
	s.subs[ch] = struct{}{}
	if !s.started {
		s.started = true
		if s.OnFirst != nil {
			s.OnFirst()
		}
	}
	s.mu.Unlock()
	context.AfterFunc(ctx, func() {
		s.mu.Lock()
		defer s.mu.Unlock()
		if _, ok := s.subs[ch]; ok {
			delete(s.subs, ch)
			close(ch)
		}
	})
	return ch
}

// Wake signals every subscriber without waiting.
func (s *Signal) Wake() {
	s.mu.Lock()
	defer s.mu.Unlock()
	for ch := range s.subs {
		select {
		case ch <- struct{}{}:
		default:
		}
	}
}

// Close closes every subscription; later subscribers get a closed channel.
// It reports whether this call closed the signal (false if already closed).
func (s *Signal) Close() bool {
	s.mu.Lock()
	defer s.mu.Unlock()
	if s.closed {
		return false
	}
	s.closed = true
	for ch := range s.subs {
		delete(s.subs, ch)
		close(ch)
	}
	return true
}
