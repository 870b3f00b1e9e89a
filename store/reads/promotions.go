package reads

import (
	"context"

	"github.com/google/uuid"

	"github.com/albatross-va/albatross/domain"
	"github.com/albatross-va/albatross/store/readmodel"
)

// Promotions applies the promotion rule to a pilot from the read models:
// their accepted minutes from pilot_stats and the airline's ranks. The
// review handlers call it once the projection has reached an acceptance or
// a rejection (read your writes), so the hours it reads include the change.
type Promotions struct {
	Q     Querier
	Ranks *domain.Ranks
}

// Promote records the pilot's new rank, if the rule gives another one.
func (p Promotions) Promote(ctx context.Context, meta domain.CommandMeta, airlineID, pilotID string) (domain.AppendResult, error) {
	id, err := uuid.Parse(pilotID)
	if err != nil {
		return domain.AppendResult{}, domain.Errorf(domain.ENotFound, "There is no such pilot in this airline.")
	}
	var minutes int64
	stats, err := p.Q.GetPilotStats(ctx, readmodel.GetPilotStatsParams{TenantID: airlineID, PilotID: id})
	switch domain.ErrorCode(err) {
	case "":
		minutes = stats.Minutes
	case domain.ENotFound:
	default:
		return domain.AppendResult{}, err
	}
	rows, err := p.Q.ListRanks(ctx, airlineID)
	if err != nil {
		return domain.AppendResult{}, err
	}
	ranks := make([]domain.Rank, len(rows))
	for i, r := range rows {
		ranks[i] = domain.Rank{ID: r.ID.String(), Name: r.Name, MinMinutes: r.MinMinutes, AutoPromote: r.AutoPromote, AutoAccept: r.AutoAccept}
	}
	return p.Ranks.Recalculate(ctx, meta, airlineID, pilotID, ranks, minutes)
}
