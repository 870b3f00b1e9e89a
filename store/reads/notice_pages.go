package reads

import (
	"context"
	"time"

	"github.com/google/uuid"

	"github.com/albatross-va/albatross/domain"
	"github.com/albatross-va/albatross/store/readmodel"
)

// Notice is a notice to one person: a PIREP of theirs accepted or
// rejected, or a change of their rank (Kind says which, as the projector
// names them).
type Notice struct {
	ID, Kind string
	// The PIREP's, for a decision on one, with the reviewer's reason.
	PirepID, FlightNumber, DptAirport, ArrAirport, Reason string
	// The rank's, for a change of rank: the rank now held and the one
	// before ("" for none).
	RankID, PrevRankID string
	CreatedAt          time.Time
}

// UnreadNotices are a person's unread notices in an airline, newest first,
// at most limit. Someone who is no user (no id) has none to read: that is
// refused.
func (q Querier) UnreadNotices(ctx context.Context, airlineID, userID string, limit int) ([]Notice, error) {
	me, err := uuid.Parse(userID)
	if err != nil {
		return nil, domain.Errorf(domain.EForbidden, "Only an airline's members have notices.")
	}
	rows, err := q.ListUnreadNotices(ctx, readmodel.ListUnreadNoticesParams{TenantID: airlineID, UserID: me, Limit: int32(limit)})
	if err != nil {
		return nil, err
	}
	out := make([]Notice, 0, len(rows))
	for _, n := range rows {
		out = append(out, Notice{ID: n.ID, Kind: n.Kind, PirepID: n.PirepID, FlightNumber: n.FlightNumber,
			DptAirport: n.DptAirport, ArrAirport: n.ArrAirport, Reason: n.Reason, RankID: n.RankID,
			PrevRankID: n.PrevRankID, CreatedAt: n.CreatedAt})
	}
	return out, nil
}
