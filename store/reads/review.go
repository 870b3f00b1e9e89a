package reads

import (
	"context"

	"github.com/albatross-va/albatross/store/readmodel"
)

// GetNoticePirep finds what the notices projection knows of a PIREP.
func (q Querier) GetNoticePirep(ctx context.Context, arg readmodel.GetNoticePirepParams) (readmodel.NoticePirep, error) {
	p, err := q.Querier.GetNoticePirep(ctx, arg)
	return p, notFound(err, "The PIREP")
}

// GetLastNoticeOfKind finds a member's newest notice of a kind.
func (q Querier) GetLastNoticeOfKind(ctx context.Context, arg readmodel.GetLastNoticeOfKindParams) (readmodel.Notice, error) {
	n, err := q.Querier.GetLastNoticeOfKind(ctx, arg)
	return n, notFound(err, "The notice")
}
