package reads

import (
	"context"
	"time"

	"github.com/google/uuid"

	"github.com/albatross-va/albatross/domain"
	"github.com/albatross-va/albatross/store/readmodel"
)

// The reads of an airline's PIREP pages that take plain arguments.

// EarliestBlockOff and LatestBlockOff are the block-off range of a PIREP
// query with no bound; PostgreSQL's timestamptz holds both.
var (
	EarliestBlockOff = time.Date(1000, 1, 1, 0, 0, 0, 0, time.UTC)
	LatestBlockOff   = time.Date(3000, 1, 1, 0, 0, 0, 0, time.UTC)
)

// PilotPireps are a pilot's PIREPs in an airline, newest first, at most
// limit; a pilot id that is not one has none.
func (q Querier) PilotPireps(ctx context.Context, airlineID, pilotID string, limit int) ([]readmodel.Pirep, error) {
	id, err := uuid.Parse(pilotID)
	if err != nil {
		return nil, domain.Errorf(domain.EForbidden, "Only an airline's pilots have PIREPs.")
	}
	return q.ListPirepsByPilot(ctx, readmodel.ListPirepsByPilotParams{TenantID: airlineID, PilotID: id, Limit: int32(limit)})
}

// PirepQueue is the start of an airline's review queue.
type PirepQueue struct {
	Pireps  []readmodel.Pirep // the oldest pending PIREPs, at most the limit
	Waiting int64             // how many are pending in all
}

// PendingPireps reads the review queue: at most limit PIREPs, oldest
// first, and how many wait in all (counted only when the limit cut the
// list).
func (q Querier) PendingPireps(ctx context.Context, airlineID string, limit int) (PirepQueue, error) {
	rows, err := q.ListPendingPireps(ctx, readmodel.ListPendingPirepsParams{TenantID: airlineID, Limit: int32(limit)})
	if err != nil {
		return PirepQueue{}, err
	}
	out := PirepQueue{Pireps: rows, Waiting: int64(len(rows))}
	if len(rows) == limit {
		out.Waiting, err = q.CountPirepsByAirline(ctx, readmodel.CountPirepsByAirlineParams{TenantID: airlineID,
			State: domain.PirepPending, FromTime: EarliestBlockOff, ToTime: LatestBlockOff})
	}
	return out, err
}
