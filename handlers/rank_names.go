package handlers

import (
	eventsv1 "github.com/albatross-va/albatross/domain/events/v1"
	"github.com/albatross-va/albatross/store/reads"
)

// describeRankSet says a change of a pilot's rank, by its name in ranks
// (reads.RankNames).
func describeRankSet(e *eventsv1.PilotRankSet, ranks map[string]reads.Rank) string {
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
