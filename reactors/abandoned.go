package reactors

import (
	"context"
	"log/slog"
	"time"

	"github.com/albatross-va/albatross/domain"
	"github.com/albatross-va/albatross/store/reads"
)

// AbandonedFlights cancels flights in progress whose ACARS client went
// silent (the sim crashed, the pilot went to bed): what follows no event
// but the lack of one, so it is a sweep on a timer rather than a reactor
// on the log. Every process may run it, in every mode, without cron: the
// command itself checks, on the PIREP's stream, that the flight is still
// silent, so two sweeps cancel a flight once and a flight that reported a
// moment ago is left flying.
type AbandonedFlights struct {
	Reads  reads.Querier
	Pireps interface {
		CancelAbandoned(ctx context.Context, airlineID, pirepID string, asOf time.Time) (domain.AppendResult, error)
	}
	// Now is the sweep's clock (time.Now when nil): a test moves it on.
	Now func() time.Time
	Log *slog.Logger
}

// sweepBatch bounds one sweep; the next takes the rest.
const sweepBatch = 200

// Sweep cancels the flights silent for longer than Idle and returns how
// many it cancelled. A flight it cannot cancel is logged and left for the
// next sweep.
func (a *AbandonedFlights) Sweep(ctx context.Context) (int, error) {
	now := time.Now()
	if a.Now != nil {
		now = a.Now()
	}
	// Each airline sets its own time (domain.PirepRules.AbandonAfter):
	// the sweep looks at every flight silent for the shortest an airline
	// may set, and the command decides by the flight's airline.
	list, err := a.Reads.IdleFlights(ctx, now.Add(-domain.MinAbandonAfter), sweepBatch)
	if err != nil {
		return 0, err
	}
	n := 0
	for _, f := range list {
		res, err := a.Pireps.CancelAbandoned(ctx, f.AirlineID, f.PirepID, now)
		if err != nil {
			a.Log.WarnContext(ctx, "cancel an abandoned flight", "airline", f.AirlineID, "pirep", f.PirepID, "err", err)
			continue
		}
		if res.Position != domain.Start { // it appended: the flight was still silent
			n++
		}
	}
	return n, nil
}

// Run sweeps every interval until ctx ends.
func (a *AbandonedFlights) Run(ctx context.Context, every time.Duration) {
	sweepEvery(ctx, every, a.Log, a.Sweep, "sweep abandoned flights", "cancelled abandoned flights", "flights")
}

// sweepEvery runs sweep every interval until ctx ends, logging a failed
// sweep as failed and one that did something as done, with its count.
func sweepEvery(ctx context.Context, every time.Duration, log *slog.Logger, sweep func(context.Context) (int, error), failed, done, what string) {
	t := time.NewTicker(every)
	defer t.Stop()
	for {
		select {
		case <-ctx.Done():
			return
		case <-t.C:
			if n, err := sweep(ctx); err != nil {
				log.WarnContext(ctx, failed, "err", err)
			} else if n > 0 {
				log.InfoContext(ctx, done, what, n)
			}
		}
	}
}
