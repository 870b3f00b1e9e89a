// Package reactors holds what follows an event: each reactor is a
// projector.Reactor that follows the log from its own checkpoint and sends
// the commands a kind of event calls for, whichever entry point appended
// it (a form, a bulk action, an automatic acceptance, the API, an import).
// A feature that must happen after an event adds a reactor here and to
// All; it never calls a second command from a handler.
package reactors

import (
	"context"

	"github.com/google/uuid"
	"google.golang.org/protobuf/proto"

	"github.com/albatross-va/albatross/domain"
	"github.com/albatross-va/albatross/domain/events"
	eventsv1 "github.com/albatross-va/albatross/domain/events/v1"
	"github.com/albatross-va/albatross/store/readmodel"
	"github.com/albatross-va/albatross/store/reads"
)

// Promotions applies the promotion rule whenever a pilot's accepted hours
// change: a PIREP accepted (by staff, in bulk, at filing by a rank that
// auto-accepts) or an accepted one rejected; and it gives a newly approved
// pilot the rank their hours reach at once, so nobody waits for a first
// flight to hold the starting rank. Hours a pilot brought from another
// airline count too when the airline says so (phpVMS's
// pilots.count_transfer_hours).
type Promotions struct {
	ReadModels reads.Querier // the PIREP, the pilot's hours and the airline's ranks
	Ranks      *domain.Ranks
}

// Name implements projector.Reactor.
func (Promotions) Name() string { return "promotions" }

var promotionEvents = map[string]bool{
	events.TypeName(&eventsv1.PirepAccepted{}): true,
	events.TypeName(&eventsv1.PirepRejected{}): true,
	events.TypeName(&eventsv1.PilotApproved{}): true,
	// Transfer hours count toward ranks when the airline says so.
	events.TypeName(&eventsv1.PilotTransferHoursSet{}): true,
	// Turning count_transfer_hours on or off re-ranks the whole airline.
	events.TypeName(&eventsv1.FlyingRulesChanged{}): true,
}

// Handles implements projector.Reactor.
func (Promotions) Handles(eventType string) bool { return promotionEvents[eventType] }

// Reads implements projector.Reactor: the PIREP and the pilot's hours
// (the pireps projection), the airline's ranks, the transfer hours and
// whether they count (the type-ratings projection), and the airline's
// pilots (the users projection) to re-rank them all.
func (Promotions) Reads() []string { return []string{"users", "pireps", "ranks", "type_ratings"} }

// React implements projector.Reactor.
func (p Promotions) React(ctx context.Context, meta domain.CommandMeta, ev domain.RecordedEvent, msg proto.Message) (domain.Position, error) {
	var pirepID string
	switch m := msg.(type) {
	case *eventsv1.PirepAccepted:
		pirepID = m.PirepId
	case *eventsv1.PirepRejected:
		pirepID = m.PirepId
	case *eventsv1.PilotApproved:
		return p.promote(ctx, meta, ev.TenantID, m.UserId)
	case *eventsv1.PilotTransferHoursSet:
		return p.promote(ctx, meta, ev.TenantID, m.UserId)
	case *eventsv1.FlyingRulesChanged:
		return p.rerank(ctx, meta, ev.TenantID)
	default:
		return domain.Start, nil
	}
	id, err := uuid.Parse(pirepID)
	if err != nil {
		return domain.Start, domain.Errorf(domain.EInvalid, "the PIREP id %q is not a UUID", pirepID)
	}
	pirep, err := p.ReadModels.GetPirep(ctx, readmodel.GetPirepParams{TenantID: ev.TenantID, ID: id})
	if err != nil {
		return domain.Start, err
	}
	return p.promote(ctx, meta, ev.TenantID, pirep.PilotID.String())
}

// promote records the rank the rule gives the pilot from their accepted
// minutes, if it is another one, and returns where it did.
func (p Promotions) promote(ctx context.Context, meta domain.CommandMeta, airlineID, pilotID string) (domain.Position, error) {
	id, err := uuid.Parse(pilotID)
	if err != nil {
		return domain.Start, domain.Errorf(domain.ENotFound, "There is no such pilot in this airline.")
	}
	var minutes int64
	stats, err := p.ReadModels.GetPilotStats(ctx, readmodel.GetPilotStatsParams{TenantID: airlineID, PilotID: id})
	switch domain.ErrorCode(err) {
	case "":
		minutes = stats.Minutes
	case domain.ENotFound:
	default:
		return domain.Start, err
	}
	rules, err := p.ReadModels.FlyingRules(ctx, airlineID)
	if err != nil {
		return domain.Start, err
	}
	if rules.CountTransferHours {
		transfer, err := p.ReadModels.TransferMinutes(ctx, airlineID, pilotID)
		if err != nil {
			return domain.Start, err
		}
		minutes += transfer
	}
	ranks, err := p.ReadModels.AirlineRanks(ctx, airlineID)
	if err != nil {
		return domain.Start, err
	}
	res, err := p.Ranks.Recalculate(ctx, meta, airlineID, pilotID, ranks, minutes)
	return res.Position, err
}

// rerankNamespace makes the per-pilot command ids of a re-ranking.
var rerankNamespace = uuid.MustParse("9c2e4a61-7f3b-4d85-b0a6-1e8c3f5d7a92")

// rerank applies the promotion rule to every active pilot of the airline:
// its flying rules changed, and whether transfer hours count with them.
// Each pilot's command id is derived from this reaction's and the pilot,
// so a second run (a crash, another process) ranks nobody twice, and a
// pilot whose rank stays appends nothing.
func (p Promotions) rerank(ctx context.Context, meta domain.CommandMeta, airlineID string) (domain.Position, error) {
	members, err := p.ReadModels.ListUsersByTenant(ctx, airlineID)
	if err != nil {
		return domain.Start, err
	}
	last := domain.Start
	for _, u := range members {
		if u.Status != domain.StatusActive || u.PilotID == "" {
			continue
		}
		m := meta
		m.ID = uuid.NewSHA1(rerankNamespace, []byte(meta.ID+"/"+u.ID.String())).String()
		pos, err := p.promote(ctx, m, airlineID, u.ID.String())
		if err != nil {
			return last, err
		}
		if pos.After(last) {
			last = pos
		}
	}
	return last, nil
}
