package reads

import (
	"context"

	"github.com/google/uuid"

	"github.com/albatross-va/albatross/domain"
	"github.com/albatross-va/albatross/store/readmodel"
)

// The reads of an airline's rank pages, and of the rank a person's page
// and notices show.

// Rank is a rank of an airline.
type Rank struct {
	ID, Name string
	// MinMinutes is the flight time it asks, in minutes.
	MinMinutes int32
	// AutoPromote: pilots reach it by their hours; AutoAccept: their
	// PIREPs are accepted without review.
	AutoPromote, AutoAccept bool
}

func rank(r readmodel.Rank) Rank {
	return Rank{ID: r.ID.String(), Name: r.Name, MinMinutes: r.MinMinutes, AutoPromote: r.AutoPromote, AutoAccept: r.AutoAccept}
}

// Ranks are an airline's ranks, lowest first.
func (q Querier) Ranks(ctx context.Context, airlineID string) ([]Rank, error) {
	rows, err := q.ListRanks(ctx, airlineID)
	if err != nil {
		return nil, err
	}
	out := make([]Rank, 0, len(rows))
	for _, r := range rows {
		out = append(out, rank(r))
	}
	return out, nil
}

// RankNames are an airline's ranks by id, for the texts that name them.
func (q Querier) RankNames(ctx context.Context, airlineID string) (map[string]Rank, error) {
	list, err := q.Ranks(ctx, airlineID)
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
	list, err := q.Ranks(ctx, airlineID)
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

// RankName is the name of the rank with the id among ranks; "" for none.
func RankName(ranks []Rank, id string) string {
	for _, r := range ranks {
		if r.ID == id {
			return r.Name
		}
	}
	return ""
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
