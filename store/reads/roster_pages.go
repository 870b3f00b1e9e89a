package reads

import (
	"context"

	"github.com/albatross-va/albatross/store/readmodel"
)

// RosterPilot is one line of an airline's roster.
type RosterPilot struct {
	ID, PilotID, Name string // PilotID is "" for an airline admin who flies without one
	Rank              string // "" when they have none
	Flights, Minutes  int64
	Location          string // where their latest accepted flight ended; "" before the first
}

// Roster is one page of an airline's roster.
type Roster struct {
	Pilots []RosterPilot
	Paging
}

// RosterPage reads page number page (from 1; past the last it is the
// last) of pageSize pilots of the airline's roster, by pilot number, and
// how many pilots it holds in all.
func (q Querier) RosterPage(ctx context.Context, airlineID string, page, pageSize int) (Roster, error) {
	total, err := q.CountRoster(ctx, airlineID)
	if err != nil {
		return Roster{}, err
	}
	out := Roster{Paging: pagingOf(total, page, pageSize)}
	if total == 0 {
		return out, nil
	}
	rows, err := q.ListRoster(ctx, readmodel.ListRosterParams{TenantID: airlineID, RowLimit: int32(pageSize), RowOffset: int32(out.Offset)})
	if err != nil {
		return Roster{}, err
	}
	out.Pilots = make([]RosterPilot, 0, len(rows))
	for _, r := range rows {
		out.Pilots = append(out.Pilots, RosterPilot{ID: r.ID.String(), PilotID: r.PilotID, Name: r.Name, Rank: r.RankName,
			Flights: r.Flights, Minutes: r.Minutes, Location: r.Location})
	}
	return out, nil
}
