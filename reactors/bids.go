package reactors

import (
	"context"
	"log/slog"
	"time"

	"github.com/google/uuid"
	"google.golang.org/protobuf/proto"

	"github.com/albatross-va/albatross/domain"
	"github.com/albatross-va/albatross/domain/events"
	eventsv1 "github.com/albatross-va/albatross/domain/events/v1"
	"github.com/albatross-va/albatross/store/readmodel"
	"github.com/albatross-va/albatross/store/reads"
)

// BidEnder is the bid commands the bid reactor and sweep send.
type BidEnder interface {
	EndForPirep(ctx context.Context, meta domain.CommandMeta, airlineID, pilotID, flightID, pirepID, reason string) (domain.AppendResult, error)
	EndCharterForPirep(ctx context.Context, meta domain.CommandMeta, airlineID, pirepID, reason string) (domain.AppendResult, error)
	Expire(ctx context.Context, meta domain.CommandMeta, airlineID, pilotID, bidID string, asOf time.Time) (domain.AppendResult, error)
}

// BidsEnd removes a pilot's bid on a flight once its PIREP is filed (filed
// submitted at once, or submitted later: a draft or an ACARS flight) or
// cancelled, whichever entry point filed it: the form, the ACARS API, an
// import. A charter PIREP (no schedule flight) ends the charter booking it
// was filed from, if any. A prefile (a flight just started) keeps the bid, which the
// flight's end removes.
type BidsEnd struct {
	ReadModels reads.Querier // the PIREP's pilot and flight (the pireps projection)
	Bids       BidEnder
}

// Name implements projector.Reactor.
func (BidsEnd) Name() string { return "bids-end" }

var bidEndEvents = map[string]bool{
	events.TypeName(&eventsv1.PirepFiled{}):     true,
	events.TypeName(&eventsv1.PirepSubmitted{}): true,
	events.TypeName(&eventsv1.PirepCancelled{}): true,
}

// Handles implements projector.Reactor.
func (BidsEnd) Handles(eventType string) bool { return bidEndEvents[eventType] }

// Reads implements projector.Reactor.
func (BidsEnd) Reads() []string { return []string{"pireps"} }

// React implements projector.Reactor.
func (r BidsEnd) React(ctx context.Context, meta domain.CommandMeta, ev domain.RecordedEvent, msg proto.Message) (domain.Position, error) {
	var pirepID, reason string
	switch m := msg.(type) {
	case *eventsv1.PirepFiled:
		if !m.Submitted || m.InProgress {
			return domain.Start, nil // a draft or a prefile: the flight is not over
		}
		if m.Details.GetFlightId() == "" {
			if m.Details.GetBidId() == "" {
				return domain.Start, nil
			}
			res, err := r.Bids.EndCharterForPirep(ctx, meta, ev.TenantID, m.PirepId, domain.BidFiled)
			return res.Position, err
		}
		res, err := r.Bids.EndForPirep(ctx, meta, ev.TenantID, m.PilotId, m.Details.GetFlightId(), m.PirepId, domain.BidFiled)
		return res.Position, err
	case *eventsv1.PirepSubmitted:
		pirepID, reason = m.PirepId, domain.BidFiled
	case *eventsv1.PirepCancelled:
		pirepID, reason = m.PirepId, domain.BidCancelled
	default:
		return domain.Start, nil
	}
	id, err := uuid.Parse(pirepID)
	if err != nil {
		return domain.Start, domain.Errorf(domain.EInvalid, "the PIREP id %q is not a UUID", pirepID)
	}
	p, err := r.ReadModels.GetPirep(ctx, readmodel.GetPirepParams{TenantID: ev.TenantID, ID: id})
	if err != nil {
		return domain.Start, err
	}
	if p.FlightID == "" {
		// A charter: the PIREP's stream says which booking, if any.
		res, err := r.Bids.EndCharterForPirep(ctx, meta, ev.TenantID, pirepID, reason)
		return res.Position, err
	}
	res, err := r.Bids.EndForPirep(ctx, meta, ev.TenantID, p.PilotID.String(), p.FlightID, pirepID, reason)
	return res.Position, err
}

// ExpiredBids removes the bids older than their airline's expiry (phpVMS's
// bids.expire_time), telling each pilot with a notice: what follows no
// event but the passing of time, so it is a sweep on a timer, shaped like
// AbandonedFlights. Every process may run it: the command checks on the
// pilot's stream that the bid still stands and is old enough, so two
// sweeps remove a bid once.
type ExpiredBids struct {
	Reads reads.Querier
	Bids  BidEnder
	// Now is the sweep's clock (time.Now when nil): a test moves it on.
	Now func() time.Time
	Log *slog.Logger
}

// Sweep removes the expired bids and returns how many it removed. A bid
// it cannot remove is logged and left for the next sweep.
func (x *ExpiredBids) Sweep(ctx context.Context) (int, error) {
	now := time.Now()
	if x.Now != nil {
		now = x.Now()
	}
	list, err := x.Reads.ListExpiredBids(ctx, readmodel.ListExpiredBidsParams{Now: now, MaxRows: sweepBatch})
	if err != nil {
		return 0, err
	}
	n := 0
	for _, b := range list {
		// The command id is the bid's: a sweep that repeats (another
		// process, a crash before the projection caught up) appends once.
		meta := domain.CommandMeta{ID: "bid-expiry-" + b.ID.String(), Who: domain.System}
		res, err := x.Bids.Expire(ctx, meta, b.TenantID, b.PilotID.String(), b.ID.String(), now)
		if err != nil {
			x.Log.WarnContext(ctx, "expire a bid", "airline", b.TenantID, "bid", b.ID, "err", err)
			continue
		}
		if res.Position != domain.Start && !res.Duplicate {
			n++
		}
	}
	return n, nil
}

// Run sweeps every interval until ctx ends.
func (x *ExpiredBids) Run(ctx context.Context, every time.Duration) {
	runSweep(ctx, every, x.Log, "expired bids", "removed expired bids", "bids", x.Sweep)
}
