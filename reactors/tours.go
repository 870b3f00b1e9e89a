package reactors

import (
	"context"
	"slices"

	"github.com/google/uuid"
	"google.golang.org/protobuf/proto"

	"github.com/albatross-va/albatross/domain"
	"github.com/albatross-va/albatross/domain/events"
	eventsv1 "github.com/albatross-va/albatross/domain/events/v1"
	"github.com/albatross-va/albatross/store/readmodel"
	"github.com/albatross-va/albatross/store/reads"
)

// TourCounter counts and takes back tour legs (domain.Tours).
type TourCounter interface {
	Fly(ctx context.Context, meta domain.CommandMeta, airlineID, tourID, userID string, f domain.TourFlight) (domain.AppendResult, error)
	TakeBack(ctx context.Context, meta domain.CommandMeta, airlineID, tourID, userID, pirepID string) (domain.AppendResult, error)
}

// Tours counts an accepted PIREP toward each of the airline's tours whose
// next leg (or, in an any-order tour, any leg not flown) it flies, and
// takes the leg back when the PIREP is rejected after acceptance. It only
// asks; the pilot's progress stream on each tour decides, so a PIREP
// counts once per tour however often the reaction runs, and two
// acceptances at once never count one leg twice.
type Tours struct {
	ReadModels reads.Querier // the airline's tours, the PIREP, its aircraft's type
	Tours      TourCounter
}

// Name implements projector.Reactor.
func (Tours) Name() string { return "tours" }

var tourReactorEvents = map[string]bool{
	events.TypeName(&eventsv1.PirepAccepted{}): true,
	events.TypeName(&eventsv1.PirepRejected{}): true,
}

// Handles implements projector.Reactor.
func (Tours) Handles(eventType string) bool { return tourReactorEvents[eventType] }

// Reads implements projector.Reactor.
func (Tours) Reads() []string { return []string{"fleet", "pireps", "tours"} }

// React implements projector.Reactor.
func (r Tours) React(ctx context.Context, meta domain.CommandMeta, ev domain.RecordedEvent, msg proto.Message) (domain.Position, error) {
	var pirepID string
	rejected := false
	switch m := msg.(type) {
	case *eventsv1.PirepAccepted:
		pirepID = m.PirepId
	case *eventsv1.PirepRejected:
		pirepID, rejected = m.PirepId, true
	default:
		return domain.Start, nil
	}
	tours, err := r.ReadModels.ListTours(ctx, ev.TenantID)
	if err != nil || len(tours) == 0 {
		return domain.Start, err
	}
	id, err := uuid.Parse(pirepID)
	if err != nil {
		return domain.Start, domain.Errorf(domain.EInvalid, "the PIREP id %q is not a UUID", pirepID)
	}
	p, err := r.ReadModels.GetPirep(ctx, readmodel.GetPirepParams{TenantID: ev.TenantID, ID: id})
	if err != nil {
		return domain.Start, err
	}
	pilot := p.PilotID.String()
	last := domain.Start
	note := func(res domain.AppendResult) {
		if res.Position.After(last) {
			last = res.Position
		}
	}
	if rejected {
		// Every tour, not only those the read model shows the PIREP on: the
		// leg may have been counted after the position this reaction sees.
		for _, t := range tours {
			res, err := r.Tours.TakeBack(ctx, meta, ev.TenantID, t.ID.String(), pilot, pirepID)
			if err != nil {
				return last, err
			}
			note(res)
		}
		return last, nil
	}
	f := domain.TourFlight{PirepID: pirepID, Dpt: p.DptAirport, Arr: p.ArrAirport, FlightNumber: p.FlightNumber, BlockOff: p.BlockOff}
	f.AircraftICAO, err = r.aircraftType(ctx, ev.TenantID, p.AircraftID)
	if err != nil {
		return last, err
	}
	for _, t := range tours {
		// The read model's legs say which tours the flight could count
		// for; the pilot's progress stream decides on the tour itself.
		legs, err := r.ReadModels.ListTourLegs(ctx, readmodel.ListTourLegsParams{TenantID: ev.TenantID, TourID: t.ID})
		if err != nil {
			return last, err
		}
		if !slices.ContainsFunc(legs, func(l readmodel.TourLeg) bool {
			return domain.TourLeg{Dpt: l.Dpt, Arr: l.Arr, FlightNumber: l.FlightNumber, AircraftICAO: l.AircraftIcao}.Matches(f)
		}) {
			continue
		}
		res, err := r.Tours.Fly(ctx, meta, ev.TenantID, t.ID.String(), pilot, f)
		if err != nil {
			return last, err
		}
		note(res)
	}
	return last, nil
}

// aircraftType is the ICAO type of the aircraft's subfleet, "" when the
// aircraft or its subfleet is unknown (a leg that names a type then does
// not count the flight).
func (r Tours) aircraftType(ctx context.Context, airlineID string, aircraftID uuid.UUID) (string, error) {
	a, err := r.ReadModels.GetAircraft(ctx, readmodel.GetAircraftParams{TenantID: airlineID, ID: aircraftID})
	switch domain.ErrorCode(err) {
	case "":
	case domain.ENotFound:
		return "", nil
	default:
		return "", err
	}
	s, err := r.ReadModels.GetSubfleet(ctx, readmodel.GetSubfleetParams{TenantID: airlineID, ID: a.SubfleetID})
	switch domain.ErrorCode(err) {
	case "":
		return s.Icao, nil
	case domain.ENotFound:
		return "", nil
	}
	return "", err
}
