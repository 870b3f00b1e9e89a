package reads

import (
	"context"
	"slices"
	"strings"

	"github.com/google/uuid"

	"github.com/albatross-va/albatross/domain"
	"github.com/albatross-va/albatross/store/readmodel"
)

// This file reads the pilots' bids and the airlines' bid settings, for the
// bid command's checks and for the pages and the API that show them.

// Bids answers domain.BidFactsReader from the read models.
type Bids struct{ Q Querier }

var _ domain.BidFactsReader = Bids{}

// BidRules implements domain.BidFactsReader.
func (b Bids) BidRules(ctx context.Context, tenantID string) (domain.BidRules, error) {
	return b.Q.BidRules(ctx, tenantID)
}

// BidFacts implements domain.BidFactsReader: the airline's settings, the
// flight and who bids on it, and the aircraft when one is named. An id
// that is not a UUID names nothing.
func (b Bids) BidFacts(ctx context.Context, tenantID, flightID, aircraftID string) (domain.BidFacts, error) {
	var f domain.BidFacts
	var err error
	if f.Rules, err = b.Q.BidRules(ctx, tenantID); err != nil {
		return f, err
	}
	fl, err := b.Q.FindFlight(ctx, tenantID, flightID)
	switch domain.ErrorCode(err) {
	case "":
		f.Flight = domain.BidFlight{Found: true, Active: fl.Active, FlightNumber: fl.FlightNumber, DptAirport: fl.DptAirport,
			ArrAirport: fl.ArrAirport, SubfleetIDs: fl.SubfleetIDs}
		bidders, err := b.Q.FlightBidders(ctx, tenantID, []string{fl.ID})
		if err != nil {
			return f, err
		}
		f.Flight.Bidders = bidders[fl.ID]
	case domain.ENotFound:
	default:
		return f, err
	}
	if aircraftID != "" {
		if id, err := uuid.Parse(aircraftID); err == nil {
			a, err := b.Q.GetAircraft(ctx, readmodel.GetAircraftParams{TenantID: tenantID, ID: id})
			switch domain.ErrorCode(err) {
			case "":
				f.Aircraft = domain.BidAircraft{Found: true, SubfleetID: a.SubfleetID.String(), Status: a.Status}
			case domain.ENotFound:
			default:
				return f, err
			}
		}
	}
	return f, nil
}

// BidRules returns an airline's bid settings; phpVMS's defaults for an
// airline that never set them.
func (q Querier) BidRules(ctx context.Context, tenantID string) (domain.BidRules, error) {
	r, err := q.GetAirlineBidRules(ctx, tenantID)
	if domain.ErrorCode(err) == domain.ENotFound {
		return domain.DefaultBidRules, nil
	}
	if err != nil {
		return domain.BidRules{}, err
	}
	return domain.BidRules{AllowMultiple: r.AllowMultiple, OnePilotPerFlight: r.OnePilotPerFlight,
		BlockAircraft: r.BlockAircraft, ExpireAfterHours: r.ExpireAfterHours}, nil
}

// StandingBid is a pilot's bid as the pages and the API show it: the
// domain's bid, its pilot, and the number phpVMS's API names it by.
type StandingBid struct {
	domain.Bid
	Number  int32
	PilotID string
}

func standingBid(b readmodel.Bid) StandingBid {
	out := StandingBid{Number: b.Number, PilotID: b.PilotID.String(), Bid: domain.Bid{ID: b.ID.String(), FlightID: b.FlightID,
		AircraftID: b.AircraftID, FlightNumber: b.FlightNumber, DptAirport: b.DptAirport, ArrAirport: b.ArrAirport,
		PlacedAt: b.PlacedAt}}
	if b.Charter {
		out.Charter = &domain.CharterFlight{FlightNumber: b.FlightNumber, DptAirport: b.DptAirport, ArrAirport: b.ArrAirport,
			Route: b.Route, AircraftID: b.AircraftID, Level: b.Level, Distance: b.Distance, Cargo: b.Cargo,
			DptTime: b.DptTime, ArrTime: b.ArrTime}
	}
	return out
}

// PilotBids lists a pilot's standing bids, oldest first.
func (q Querier) PilotBids(ctx context.Context, airlineID, pilotID string) ([]StandingBid, error) {
	id, err := uuid.Parse(pilotID)
	if err != nil {
		return nil, nil
	}
	rows, err := q.ListPilotBids(ctx, readmodel.ListPilotBidsParams{TenantID: airlineID, PilotID: id})
	if err != nil {
		return nil, err
	}
	out := make([]StandingBid, 0, len(rows))
	for _, r := range rows {
		out = append(out, standingBid(r))
	}
	return out, nil
}

// FindBid reads a standing bid by its id; one of another airline, or
// ended, is not found.
func (q Querier) FindBid(ctx context.Context, airlineID, bidID string) (StandingBid, error) {
	id, err := uuid.Parse(bidID)
	if err != nil {
		return StandingBid{}, readmodel.NotFound("GetBid")
	}
	b, err := q.GetBid(ctx, readmodel.GetBidParams{TenantID: airlineID, ID: id})
	if err != nil {
		return StandingBid{}, err
	}
	return standingBid(b), nil
}

// FindBidByNumber reads a standing bid by its phpVMS number.
func (q Querier) FindBidByNumber(ctx context.Context, airlineID string, n int) (StandingBid, error) {
	num, ok := asNumber(n)
	if !ok {
		return StandingBid{}, readmodel.NotFound("GetBidByNumber")
	}
	b, err := q.GetBidByNumber(ctx, readmodel.GetBidByNumberParams{TenantID: airlineID, Number: num})
	if err != nil {
		return StandingBid{}, err
	}
	return standingBid(b), nil
}

// FlightBidders returns, for each of the flights with a standing bid, the
// pilots who hold one.
func (q Querier) FlightBidders(ctx context.Context, airlineID string, flightIDs []string) (map[string][]string, error) {
	out := map[string][]string{}
	if len(flightIDs) == 0 {
		return out, nil
	}
	rows, err := q.ListFlightBids(ctx, readmodel.ListFlightBidsParams{TenantID: airlineID, FlightIds: flightIDs})
	if err != nil {
		return nil, err
	}
	for _, r := range rows {
		out[r.FlightID] = append(out[r.FlightID], r.PilotID.String())
	}
	return out, nil
}

// AvailableAircraft lists, for each flight, the airline's aircraft that
// could fly it now, by registration: in service, of one of its subfleets (any when it names
// none), not flying an ACARS flight in progress, not reserved by a bid
// when the airline reserves aircraft with bids, and at its departure
// airport when the airline's filing rules ask that.
func (q Querier) AvailableAircraft(ctx context.Context, airlineID string, rules domain.BidRules, flights []ScheduledFlight) (map[string][]Aircraft, error) {
	out := make(map[string][]Aircraft, len(flights))
	if len(flights) == 0 {
		return out, nil
	}
	fleet, err := q.FleetAircraft(ctx, airlineID)
	if err != nil {
		return nil, err
	}
	reserved := map[string]bool{}
	if rules.BlockAircraft {
		bids, err := q.ListAircraftBids(ctx, airlineID)
		if err != nil {
			return nil, err
		}
		for _, b := range bids {
			reserved[b.AircraftID] = true
		}
	}
	// An aircraft flying an ACARS flight now is not available either.
	flying, err := q.ListAircraftInFlight(ctx, airlineID)
	if err != nil {
		return nil, err
	}
	for _, id := range flying {
		reserved[id.String()] = true
	}
	filing, err := PirepSettings{Q: q}.PirepRules(ctx, airlineID)
	if err != nil {
		return nil, err
	}
	slices.SortFunc(fleet, func(x, y Aircraft) int { return strings.Compare(x.Registration, y.Registration) })
	for _, f := range flights {
		var list []Aircraft
		for _, a := range fleet {
			if a.Status != domain.AircraftActive || reserved[a.ID] ||
				len(f.SubfleetIDs) > 0 && !slices.Contains(f.SubfleetIDs, a.SubfleetID) ||
				filing.AircraftAtDeparture && a.AirportID != f.DptAirport {
				continue
			}
			list = append(list, a)
		}
		out[f.ID] = list
	}
	return out, nil
}

// PilotJumpseats lists a pilot's jumpseats, latest first, at most limit.
func (q Querier) PilotJumpseats(ctx context.Context, airlineID, pilotID string, limit int) ([]readmodel.Jumpseat, error) {
	id, err := uuid.Parse(pilotID)
	if err != nil {
		return nil, nil
	}
	return q.ListPilotJumpseats(ctx, readmodel.ListPilotJumpseatsParams{TenantID: airlineID, PilotID: id, MaxRows: int32(min(max(limit, 0), 1000))})
}
