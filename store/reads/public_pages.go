package reads

import (
	"context"

	"github.com/albatross-va/albatross/domain"
	"github.com/albatross-va/albatross/store/readmodel"
)

// LatestAccepted is an airline's n newest accepted PIREPs, newest filed
// first: the flights its public page lists.
func (q Querier) LatestAccepted(ctx context.Context, airlineID string, n int) ([]Pirep, error) {
	rows, err := q.ListPirepsByAirline(ctx, readmodel.ListPirepsByAirlineParams{TenantID: airlineID, State: domain.PirepAccepted,
		FromTime: EarliestBlockOff, ToTime: LatestBlockOff, RowLimit: int32(n)})
	if err != nil {
		return nil, err
	}
	return pireps(rows), nil
}
