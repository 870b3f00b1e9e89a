// Package commithook is the test seam both event store adapters share: a
// function that runs inside an append's transaction just before it commits,
// to hold the transaction open or force a rollback.
package commithook

import (
	"context"
	"fmt"
	"sync/atomic"

	"github.com/albatross-va/albatross/domain"
)

// Hook holds the function; its zero value runs nothing. Embed it in an
// event store to give the store SetBeforeCommit.
type Hook struct {
	fn atomic.Pointer[func(ctx context.Context, req domain.AppendRequest) error]
}

// SetBeforeCommit installs fn, or removes it when nil: every later Append
// calls fn inside its transaction after its rows are inserted and before it
// commits, and an error from fn rolls the append back. Production code
// leaves it unset.
func (h *Hook) SetBeforeCommit(fn func(ctx context.Context, req domain.AppendRequest) error) {
	if fn == nil {
		h.fn.Store(nil)
		return
	}
	h.fn.Store(&fn)
}

// HasBeforeCommit reports whether a function is installed, so a store can
// take a shorter path without it.
func (h *Hook) HasBeforeCommit() bool { return h.fn.Load() != nil }

// BeforeCommit runs the installed function, if any.
func (h *Hook) BeforeCommit(ctx context.Context, req domain.AppendRequest) error {
	if fn := h.fn.Load(); fn != nil {
		if err := (*fn)(ctx, req); err != nil {
			return fmt.Errorf("append to %s: %w", req.StreamID, err)
		}
	}
	return nil
}
