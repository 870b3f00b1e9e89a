package reactors

import (
	"context"
	"log/slog"
	"time"

	"google.golang.org/protobuf/proto"

	"github.com/albatross-va/albatross/domain"
	"github.com/albatross-va/albatross/domain/events"
	eventsv1 "github.com/albatross-va/albatross/domain/events/v1"
	"github.com/albatross-va/albatross/store/reads"
)

// SimbriefRoutes copies an OFP's navlog into the PIREP it was attached to
// (a prefile or filing with simbrief_id) as the flight's planned route,
// as phpVMS does: every fix but the airports and TOC/TOD.
type SimbriefRoutes struct {
	ReadModels reads.Querier // the OFP (the simbrief projection)
	Pireps     interface {
		SetRoute(ctx context.Context, meta domain.CommandMeta, airlineID, pirepID string, points []domain.RoutePoint) (domain.AppendResult, error)
	}
}

// Name implements projector.Reactor.
func (SimbriefRoutes) Name() string { return "simbrief_routes" }

// Handles implements projector.Reactor.
func (SimbriefRoutes) Handles(eventType string) bool {
	return eventType == events.TypeName(&eventsv1.SimbriefOfpAttached{})
}

// Reads implements projector.Reactor.
func (SimbriefRoutes) Reads() []string { return []string{"simbrief"} }

// React implements projector.Reactor: the route is set by the OFP's
// pilot, on their own PIREP.
func (r SimbriefRoutes) React(ctx context.Context, meta domain.CommandMeta, ev domain.RecordedEvent, msg proto.Message) (domain.Position, error) {
	m, ok := msg.(*eventsv1.SimbriefOfpAttached)
	if !ok {
		return domain.Start, nil
	}
	o, err := r.ReadModels.FindOFP(ctx, ev.TenantID, m.OfpId)
	if err != nil {
		return domain.Start, err
	}
	if o.PirepID != m.PirepId { // attached to another PIREP since
		return domain.Start, nil
	}
	meta.Who = domain.Actor{UserID: o.PilotID, Role: domain.RolePilot, TenantID: ev.TenantID}
	meta.Actor = "system"
	res, err := r.Pireps.SetRoute(ctx, meta, ev.TenantID, m.PirepId, domain.OFPRoutePoints(o.OFP))
	if err != nil {
		return domain.Start, err
	}
	return res.Position, nil
}

// ExpiredOFPs removes OFPs no PIREP used once their airline's lifetime
// has passed (phpVMS's simbrief.expire_hours): a sweep on a timer, since
// what it follows is the lack of an event. Every process may run it: the
// command decides on the OFP's own stream.
type ExpiredOFPs struct {
	Reads    reads.Querier
	Simbrief interface {
		Expire(ctx context.Context, airlineID, ofpID string, asOf time.Time) (domain.AppendResult, error)
	}
	Now func() time.Time // time.Now when nil
	Log *slog.Logger
}

// Sweep expires what it may and returns how many OFPs it removed.
func (x *ExpiredOFPs) Sweep(ctx context.Context) (int, error) {
	now := time.Now()
	if x.Now != nil {
		now = x.Now()
	}
	// The shortest lifetime an airline may set; the command checks the
	// OFP's own airline.
	list, err := x.Reads.UnusedOFPs(ctx, now.Add(-domain.MinOFPExpiry), sweepBatch)
	if err != nil {
		return 0, err
	}
	n := 0
	for _, o := range list {
		res, err := x.Simbrief.Expire(ctx, o.AirlineID, o.ID, now)
		if err != nil {
			x.Log.WarnContext(ctx, "expire an unused SimBrief OFP", "airline", o.AirlineID, "ofp", o.ID, "err", err)
			continue
		}
		if res.Position != domain.Start {
			n++
		}
	}
	return n, nil
}

// Run sweeps every interval until ctx ends.
func (x *ExpiredOFPs) Run(ctx context.Context, every time.Duration) {
	runSweep(ctx, every, x.Log, "unused SimBrief OFPs", "expired unused SimBrief OFPs", "ofps", x.Sweep)
}

// SimbriefBids removes the OFPs planned for a bid when the bid ends,
// whichever way (the pilot, its expiry, its flight's PIREP through
// bids-end), unless a PIREP used them: phpVMS deletes a bid's unused OFP
// with the bid.
type SimbriefBids struct {
	ReadModels reads.Querier // the bid's OFPs (the simbrief projection)
	Simbrief   interface {
		DiscardForBid(ctx context.Context, meta domain.CommandMeta, airlineID, ofpID, bidID string) (domain.AppendResult, error)
	}
}

// Name implements projector.Reactor.
func (SimbriefBids) Name() string { return "simbrief-bids" }

// Handles implements projector.Reactor.
func (SimbriefBids) Handles(eventType string) bool {
	return eventType == events.TypeName(&eventsv1.BidRemoved{})
}

// Reads implements projector.Reactor.
func (SimbriefBids) Reads() []string { return []string{"simbrief"} }

// React implements projector.Reactor. Each OFP's command id is the
// reaction's with the OFP's id, so every OFP of the bid is removed once.
func (r SimbriefBids) React(ctx context.Context, meta domain.CommandMeta, ev domain.RecordedEvent, msg proto.Message) (domain.Position, error) {
	m, ok := msg.(*eventsv1.BidRemoved)
	if !ok || m.BidId == "" {
		return domain.Start, nil
	}
	ids, err := r.ReadModels.BidOFPs(ctx, ev.TenantID, m.BidId)
	if err != nil {
		return domain.Start, err
	}
	last := domain.Start
	base := meta.ID
	for _, id := range ids {
		if base != "" {
			meta.ID = base + "/" + id
		}
		res, err := r.Simbrief.DiscardForBid(ctx, meta, ev.TenantID, id, m.BidId)
		if err != nil {
			return last, err
		}
		if res.Position != domain.Start {
			last = res.Position
		}
	}
	return last, nil
}
