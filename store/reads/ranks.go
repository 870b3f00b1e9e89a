package reads

import (
	"context"

	"github.com/albatross-va/albatross/domain"
	"github.com/albatross-va/albatross/store/readmodel"
)

// Rank is a rank of an airline's career ladder: the domain's, which the
// promotion rule reads, so a page and the rule see the same rank.
type Rank = domain.Rank

// Ranks are an airline's ranks, lowest first.
type Ranks []Rank

// Name is the name of the rank with the id; "" for none.
func (rs Ranks) Name(id string) string {
	for _, r := range rs {
		if r.ID == id {
			return r.Name
		}
	}
	return ""
}

// AirlineRanks are an airline's ranks, lowest first.
func (q Querier) AirlineRanks(ctx context.Context, airlineID string) (Ranks, error) {
	rows, err := q.ListRanks(ctx, airlineID)
	if err != nil {
		return nil, err
	}
	out := make(Ranks, 0, len(rows))
	for _, r := range rows {
		out = append(out, rank(r))
	}
	return out, nil
}

func rank(r readmodel.Rank) Rank {
	return Rank{ID: r.ID.String(), Name: r.Name, MinMinutes: r.MinMinutes, AutoPromote: r.AutoPromote, AutoAccept: r.AutoAccept,
		AutoAcceptACARS: r.AutoAcceptAcars}
}
