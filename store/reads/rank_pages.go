package reads

import (
	"context"

	"github.com/google/uuid"

	"github.com/albatross-va/albatross/domain"
	"github.com/albatross-va/albatross/store/readmodel"
)

// The reads of an airline's rank pages, and of the rank a person's page
// and notices show.

// RankNames are an airline's ranks by id, for the texts that name them.
func (q Querier) RankNames(ctx context.Context, airlineID string) (map[string]Rank, error) {
	list, err := q.AirlineRanks(ctx, airlineID)
	if err != nil {
		return nil, err
	}
	out := make(map[string]Rank, len(list))
	for _, r := range list {
		out[r.ID] = r
	}
	return out, nil
}

// FindRank reads one rank of an airline by its id; a rank of another
// airline, or an id that names none, is not found.
func (q Querier) FindRank(ctx context.Context, airlineID, rankID string) (Rank, error) {
	list, err := q.AirlineRanks(ctx, airlineID)
	if err != nil {
		return Rank{}, err
	}
	for _, r := range list {
		if r.ID == rankID {
			return r, nil
		}
	}
	return Rank{}, domain.Errorf(domain.ENotFound, "There is no such rank in this airline.")
}

// PilotRank is the rank a pilot holds.
type PilotRank struct {
	// RankID is the rank held; "" for none.
	RankID string
	// ByHand: staff set it, so their hours do not take it away.
	ByHand bool
}

// FindPilotRank reads the rank a pilot of an airline holds; a pilot who
// never held one (or an id that is not one) holds none.
func (q Querier) FindPilotRank(ctx context.Context, airlineID, pilotID string) (PilotRank, error) {
	id, err := uuid.Parse(pilotID)
	if err != nil {
		return PilotRank{}, nil
	}
	pr, err := q.GetPilotRank(ctx, readmodel.GetPilotRankParams{TenantID: airlineID, PilotID: id})
	switch {
	case domain.ErrorCode(err) == domain.ENotFound:
		return PilotRank{}, nil
	case err != nil:
		return PilotRank{}, err
	}
	return PilotRank{RankID: pr.RankID, ByHand: pr.FloorID != "" && pr.FloorID == pr.RankID}, nil
}
