package projector

import (
	"context"

	"github.com/albatross-va/albatross/domain"
)

// PeekLog reads the page of the log after a position as Run's idle look
// does, leaving it in the page cache the projections share.
func (p *Projector) PeekLog(ctx context.Context, after domain.Position) (int, error) {
	evs, _, err := p.read(ctx, after, p.batchSize())
	return len(evs), err
}
