package handlers

import (
	"context"

	eventsv1 "github.com/albatross-va/albatross/domain/events/v1"
	"github.com/albatross-va/albatross/store/readmodel"
	"github.com/albatross-va/albatross/store/reads"
)

// The ranks as the people, rank and notice pages name them, from the
// read-model rows those pages still read (reads.Ranks is the view-shaped
// list the dashboard reads).

// rankName is the name of the rank with the id; "" for none.
func rankName(ranks []readmodel.Rank, id string) string {
	for _, r := range ranks {
		if r.ID.String() == id {
			return r.Name
		}
	}
	return ""
}

// describeRankSet says a change of a pilot's rank, by its name in ranks.
func describeRankSet(e *eventsv1.PilotRankSet, ranks map[string]readmodel.Rank) string {
	name := "a rank since removed"
	if r, ok := ranks[e.RankId]; ok {
		name = r.Name
	}
	switch {
	case e.RankId == "":
		return "Left without a rank"
	case e.ByHand:
		return "Rank set to " + name + " by hand"
	}
	return "Rank now " + name + ", from their hours"
}

// rankNames are an airline's ranks by id.
func rankNames(ctx context.Context, rm reads.Querier, airlineID string) (map[string]readmodel.Rank, error) {
	list, err := rm.ListRanks(ctx, airlineID)
	if err != nil {
		return nil, err
	}
	out := make(map[string]readmodel.Rank, len(list))
	for _, r := range list {
		out[r.ID.String()] = r
	}
	return out, nil
}
