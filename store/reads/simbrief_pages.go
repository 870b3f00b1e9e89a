package reads

import (
	"context"
	"time"

	"github.com/google/uuid"
	"google.golang.org/protobuf/proto"

	"github.com/albatross-va/albatross/domain"
	"github.com/albatross-va/albatross/store/readmodel"
)

// KeptOFP is a SimBrief OFP as the briefing page and the API read it.
type KeptOFP struct {
	ID, PilotID, FlightID, AircraftID string
	BidID, PirepID                    string // "" until a bid links it, a PIREP uses it
	FetchedAt                         time.Time
	OFP                               *domain.OFP
	AcarsXML                          string
}

func keptOFP(r readmodel.SimbriefOfp) (KeptOFP, error) {
	o := &domain.OFP{}
	if err := proto.Unmarshal(r.Ofp, o); err != nil {
		return KeptOFP{}, err
	}
	return KeptOFP{ID: r.ID, PilotID: r.PilotID.String(), FlightID: r.FlightID, AircraftID: r.AircraftID, BidID: r.BidID,
		PirepID: r.PirepID, FetchedAt: r.FetchedAt, OFP: o, AcarsXML: r.AcarsXml}, nil
}

// FindOFP is an airline's OFP by its id.
func (q Querier) FindOFP(ctx context.Context, airlineID, ofpID string) (KeptOFP, error) {
	r, err := q.GetSimbriefOfp(ctx, readmodel.GetSimbriefOfpParams{TenantID: airlineID, ID: ofpID})
	if err != nil {
		return KeptOFP{}, err
	}
	return keptOFP(r)
}

// PilotFlightOFP is a pilot's newest OFP of a schedule flight that no
// PIREP used yet.
func (q Querier) PilotFlightOFP(ctx context.Context, airlineID, pilotID, flightID string) (KeptOFP, error) {
	id, err := uuid.Parse(pilotID)
	if err != nil {
		return KeptOFP{}, domain.Errorf(domain.ENotFound, "There is no such flight plan.")
	}
	r, err := q.GetPilotFlightOfp(ctx, readmodel.GetPilotFlightOfpParams{TenantID: airlineID, PilotID: id, FlightID: flightID})
	if err != nil {
		return KeptOFP{}, err
	}
	return keptOFP(r)
}

// PirepOFP is the OFP a PIREP used.
func (q Querier) PirepOFP(ctx context.Context, airlineID, pirepID string) (KeptOFP, error) {
	r, err := q.GetPirepOfp(ctx, readmodel.GetPirepOfpParams{TenantID: airlineID, PirepID: pirepID})
	if err != nil {
		return KeptOFP{}, err
	}
	return keptOFP(r)
}

// UnusedOFP names an OFP no PIREP used, for the expiry sweep.
type UnusedOFP struct {
	AirlineID, ID string
	FetchedAt     time.Time
}

// UnusedOFPs are every airline's OFPs no PIREP used, fetched at or before
// a time, oldest first, at most limit.
func (q Querier) UnusedOFPs(ctx context.Context, before time.Time, limit int) ([]UnusedOFP, error) {
	rows, err := q.ListUnusedOfps(ctx, readmodel.ListUnusedOfpsParams{FetchedAt: before, Limit: int32(limit)})
	if err != nil {
		return nil, err
	}
	out := make([]UnusedOFP, 0, len(rows))
	for _, r := range rows {
		out = append(out, UnusedOFP{AirlineID: r.TenantID, ID: r.ID, FetchedAt: r.FetchedAt})
	}
	return out, nil
}

// BidOFPs are the ids of the OFPs planned for a bid that no PIREP used.
func (q Querier) BidOFPs(ctx context.Context, airlineID, bidID string) ([]string, error) {
	return q.ListBidOfps(ctx, readmodel.ListBidOfpsParams{TenantID: airlineID, BidID: bidID})
}

// OFPRef names an OFP and its aircraft, for a list of flights.
type OFPRef struct{ ID, AircraftID string }

// PilotOFPsByFlight is, for each schedule flight, the pilot's newest OFP
// of it that no PIREP used: one read for a whole list of flights.
func (q Querier) PilotOFPsByFlight(ctx context.Context, airlineID, pilotID string) (map[string]OFPRef, error) {
	out := map[string]OFPRef{}
	id, err := uuid.Parse(pilotID)
	if err != nil {
		return out, nil
	}
	rows, err := q.ListPilotOfps(ctx, readmodel.ListPilotOfpsParams{TenantID: airlineID, PilotID: id})
	if err != nil {
		return nil, err
	}
	for _, r := range rows {
		if _, seen := out[r.FlightID]; !seen {
			out[r.FlightID] = OFPRef{ID: r.ID, AircraftID: r.AircraftID}
		}
	}
	return out, nil
}
