package projector

import (
	"context"
	"fmt"
	"time"

	"github.com/google/uuid"
	"google.golang.org/protobuf/proto"

	"github.com/albatross-va/albatross/domain"
	eventsv1 "github.com/albatross-va/albatross/domain/events/v1"
	"github.com/albatross-va/albatross/domain/live"
	"github.com/albatross-va/albatross/store/notify"
	"github.com/albatross-va/albatross/store/readmodel"
)

// Pireps projects the PIREP streams into the pireps table, and keeps the
// pilot_stats and aircraft_pirep_totals rows of a PIREP's pilot and
// aircraft equal to what their accepted PIREPs add up to. It owns all
// three tables, so a rebuild of it alone is exact. The totals are running
// totals, so an event costs the same at the thousandth PIREP of an
// aircraft as at the first and a rebuild is linear in the log: an
// acceptance adds the PIREP, a reversal (a rejection after acceptance, or
// an edit of an accepted PIREP) subtracts the values its old row was added
// with, which the row read before the change holds. The projector's single
// writer per projection applies events one at a time in log order, so
// none is lost however many commit at once.
type Pireps struct{}

// Name implements Projection.
func (Pireps) Name() string { return "pireps" }

// Handles implements Projection.
func (Pireps) Handles(eventType string) bool { return pirepEvents[eventType] }

var pirepEvents = typeSet(&eventsv1.PirepFiled{}, &eventsv1.PirepEdited{}, &eventsv1.PirepSubmitted{},
	&eventsv1.PirepCancelled{}, &eventsv1.PirepAccepted{}, &eventsv1.PirepRejected{},
	&eventsv1.PirepProgressed{}, &eventsv1.PirepPositionsAdded{})

// Apply implements Projection.
func (Pireps) Apply(ctx context.Context, q readmodel.Querier, ev domain.RecordedEvent, msg proto.Message) ([]notify.Notice, error) {
	var rawID string
	var err error
	var pilot uuid.UUID  // whose PIREP it is: their own pages are told
	var totalsMoved bool // it entered or left the accepted state
	var flying bool      // it is or was in progress: the live map shows it
	var phaseMoved bool  // an ACARS update moved the flight's phase
	// change loads the PIREP's row, lets f edit it, writes it back, and
	// moves the totals by what the old and the new row add when accepted.
	change := func(id string, at time.Time, f func(row *readmodel.UpsertPirepParams) error) error {
		return withID(id, func(id uuid.UUID) error {
			p, err := q.GetPirep(ctx, readmodel.GetPirepParams{TenantID: ev.TenantID, ID: id})
			if err != nil {
				return err
			}
			row := readmodel.UpsertPirepParams(p)
			if err := f(&row); err != nil {
				return err
			}
			flying = p.State == domain.PirepInProgress || row.State == domain.PirepInProgress
			row.UpdatedAt = at
			if err := q.UpsertPirep(ctx, row); err != nil {
				return err
			}
			pilot = row.PilotID
			moved, err := changeTotals(ctx, q, p, row)
			totalsMoved = totalsMoved || moved
			return err
		})
	}
	switch e := msg.(type) {
	case *eventsv1.PirepFiled:
		rawID = e.PirepId
		err = withID(rawID, func(id uuid.UUID) error {
			owner, err := uuid.Parse(e.PilotId)
			if err != nil {
				return fmt.Errorf("pilot id %q: %w", e.PilotId, err)
			}
			pilot = owner
			row := readmodel.UpsertPirepParams{TenantID: ev.TenantID, ID: id, PilotID: owner, State: domain.PirepDraft, Phase: e.Phase}
			switch {
			case e.InProgress:
				row.State, flying = domain.PirepInProgress, true
			case e.Submitted:
				row.State = domain.PirepPending
			}
			at := e.FiledAt.AsTime()
			row.FiledAt, row.QueuedAt, row.UpdatedAt = at, at, at
			if err := setDetails(&row, e.Details); err != nil {
				return err
			}
			return q.UpsertPirep(ctx, row)
		})
	case *eventsv1.PirepEdited:
		rawID = e.PirepId
		err = change(rawID, e.EditedAt.AsTime(), func(row *readmodel.UpsertPirepParams) error {
			return setDetails(row, e.Details)
		})
	case *eventsv1.PirepProgressed:
		rawID = e.PirepId
		if e.PhaseChanged == nil {
			// From before the event said whether the phase moved: the row
			// tells.
			err = change(rawID, e.UpdatedAt.AsTime(), func(row *readmodel.UpsertPirepParams) error {
				phaseMoved = row.Phase != e.Phase
				row.Phase = e.Phase
				return setDetails(row, e.Details)
			})
			break
		}
		// A client's report every few seconds: a narrow update that reads
		// nothing, like the positions', so a batch of reports goes to
		// PostgreSQL in one round trip.
		phaseMoved = e.GetPhaseChanged()
		err = withID(rawID, func(id uuid.UUID) error { return progress(ctx, q, ev.TenantID, id, e) })
	case *eventsv1.PirepPositionsAdded:
		// The flight's most frequent event, and only ever of a flight in
		// progress (no totals move): the track's rows and a narrow update
		// of the flight's, with nothing read, rather than the PIREP's whole
		// row read and written back.
		rawID = e.PirepId
		err = withID(rawID, func(id uuid.UUID) error {
			return addPositions(ctx, q, ev.TenantID, id, e.AddedAt.AsTime(), e.Positions)
		})
	case *eventsv1.PirepSubmitted:
		rawID = e.PirepId
		err = change(rawID, e.SubmittedAt.AsTime(), func(row *readmodel.UpsertPirepParams) error {
			row.State, row.QueuedAt = domain.PirepPending, e.SubmittedAt.AsTime()
			return nil
		})
	case *eventsv1.PirepCancelled:
		rawID = e.PirepId
		err = change(rawID, e.CancelledAt.AsTime(), func(row *readmodel.UpsertPirepParams) error {
			if row.State == domain.PirepInProgress {
				row.Phase = domain.PhaseCancelled
			}
			row.State, row.RejectReason = domain.PirepCancelled, e.Reason
			return nil
		})
	case *eventsv1.PirepAccepted:
		rawID = e.PirepId
		err = change(rawID, e.AcceptedAt.AsTime(), func(row *readmodel.UpsertPirepParams) error {
			row.State, row.RejectReason = domain.PirepAccepted, ""
			return nil
		})
	case *eventsv1.PirepRejected:
		rawID = e.PirepId
		err = change(rawID, e.RejectedAt.AsTime(), func(row *readmodel.UpsertPirepParams) error {
			row.State, row.RejectReason = domain.PirepRejected, e.Reason
			return nil
		})
	default:
		return nil, nil
	}
	if err != nil {
		return nil, fmt.Errorf("pireps %s %s: %w", ev.Type, rawID, err)
	}
	if _, ok := msg.(*eventsv1.PirepPositionsAdded); ok {
		return []notify.Notice{{TenantID: ev.TenantID, Topic: live.TopicLiveFlights, IDs: []string{rawID}, Position: ev.Position.String()}}, nil
	}
	if _, ok := msg.(*eventsv1.PirepProgressed); ok {
		// A client updates its flight every few seconds: only a new phase
		// shows, on the live map, and nothing of it on the review pages, so
		// a busy sky wakes no one else (the filing that ends the flight
		// tells them).
		if !phaseMoved {
			return nil, nil
		}
		return []notify.Notice{{TenantID: ev.TenantID, Topic: live.TopicLiveFlights, IDs: []string{rawID}, Position: ev.Position.String()}}, nil
	}
	ns := pirepNotices(ev, rawID, pilot.String(), totalsMoved)
	if flying {
		// A flight's start, phase, filing or cancel changes the live map
		// as its positions do.
		ns = append(ns, notify.Notice{TenantID: ev.TenantID, Topic: live.TopicLiveFlights, IDs: []string{rawID}, Position: ev.Position.String()})
	}
	return ns, nil
}

// pirepNotices are the fragments one PIREP change invalidates, each told
// only to who sees it: the pilot's own pages, the staff's review pages, the
// PIREP's own page (pilot and staff), and, when an acceptance was made or
// undone, the airline's roster, statistics and fleet totals. Another
// pilot's dashboard is not woken.
func pirepNotices(ev domain.RecordedEvent, pirep, pilot string, totalsMoved bool) []notify.Notice {
	at, ids := ev.Position.String(), []string{pirep}
	ns := []notify.Notice{
		{TenantID: ev.TenantID, UserID: pilot, Topic: live.TopicOwnPireps, IDs: ids, Position: at},
		{TenantID: ev.TenantID, Staff: true, Topic: live.TopicPirepReview, IDs: ids, Position: at},
		{TenantID: ev.TenantID, UserID: pilot, Staff: true, Topic: live.PirepTopic(pirep), IDs: ids, Position: at},
	}
	if totalsMoved {
		ns = append(ns,
			notify.Notice{TenantID: ev.TenantID, Topic: live.TopicPilotTotals, IDs: []string{pilot}, Position: at},
			notify.Notice{TenantID: ev.TenantID, Topic: live.TopicFleet, IDs: ids, Position: at})
	}
	return ns
}

// changeTotals moves the pilot's and aircraft's running totals from what
// the old row added (when accepted) to what the new one adds (when
// accepted), and says whether they moved. The new row is written first: a
// subtraction of the latest flight looks up the next among the accepted
// rows.
func changeTotals(ctx context.Context, q readmodel.Querier, old readmodel.Pirep, row readmodel.UpsertPirepParams) (moved bool, err error) {
	was, is := old.State == domain.PirepAccepted, row.State == domain.PirepAccepted
	if !was && !is || was && is && sameTotals(old, readmodel.Pirep(row)) {
		return false, nil
	}
	return true, moveTotals(ctx, q, was, is, old, row)
}

// moveTotals subtracts what old added when was, and adds what row adds
// when is.
func moveTotals(ctx context.Context, q readmodel.Querier, was, is bool, old readmodel.Pirep, row readmodel.UpsertPirepParams) error {
	if was {
		if err := q.SubtractPirepFromPilotStats(ctx, readmodel.SubtractPirepFromPilotStatsParams{TenantID: old.TenantID,
			PilotID: old.PilotID, PirepID: old.ID, FlightTime: old.FlightTime, LandingRate: old.LandingRate}); err != nil {
			return err
		}
		if err := q.SubtractPirepFromAircraftTotals(ctx, readmodel.SubtractPirepFromAircraftTotalsParams{TenantID: old.TenantID,
			AircraftID: old.AircraftID, PirepID: old.ID, FlightTime: old.FlightTime}); err != nil {
			return err
		}
	}
	if !is {
		return nil
	}
	if err := q.AddPirepToPilotStats(ctx, readmodel.AddPirepToPilotStatsParams{TenantID: row.TenantID, PilotID: row.PilotID,
		PirepID: row.ID, FlightTime: row.FlightTime, LandingRate: row.LandingRate, BlockOn: row.BlockOn, ArrAirport: row.ArrAirport}); err != nil {
		return err
	}
	return q.AddPirepToAircraftTotals(ctx, readmodel.AddPirepToAircraftTotalsParams{TenantID: row.TenantID, AircraftID: row.AircraftID,
		PirepID: row.ID, FlightTime: row.FlightTime, BlockOn: row.BlockOn, ArrAirport: row.ArrAirport})
}

// sameTotals reports whether two rows of an accepted PIREP add the same to
// the totals, so an edit of neither needs no write.
func sameTotals(a, b readmodel.Pirep) bool {
	return a.PilotID == b.PilotID && a.AircraftID == b.AircraftID && a.FlightTime == b.FlightTime &&
		a.LandingRate == b.LandingRate && a.BlockOn.Equal(b.BlockOn) && a.ArrAirport == b.ArrAirport
}

// setDetails copies a PIREP's reported details into its row.
// addPositions appends a batch to the flight's track, numbered on from
// the positions it has, the last kept on its row: a statement a position,
// none of which reads back, so a batch's go in one round trip.
func addPositions(ctx context.Context, q readmodel.Querier, tenant string, pirep uuid.UUID, at time.Time, list []*eventsv1.PirepPositionsAdded_Position) error {
	for _, e := range list {
		p := domain.PositionOf(e)
		arg := readmodel.AddPirepPositionParams{TenantID: tenant, PirepID: pirep, ClientID: p.ID,
			Lat: p.Lat, Lon: p.Lon, AltitudeMsl: p.AltitudeMSL, AltitudeAgl: p.AltitudeAGL, Heading: p.Heading,
			Gs: p.GroundSpeed, Ias: p.IAS, Vs: p.VerticalSpeed, Distance: p.Distance, FuelFlow: p.FuelFlow,
			Status: p.Status, Log: p.Log, Transponder: p.Transponder, Autopilot: p.Autopilot, At: p.At, UpdatedAt: at}
		if !p.SimTime.IsZero() {
			arg.SimTime = &p.SimTime
		}
		if err := q.AddPirepPosition(ctx, arg); err != nil {
			return err
		}
	}
	return nil
}

// progress writes a report's details and phase into the flight's row.
func progress(ctx context.Context, q readmodel.Querier, tenant string, id uuid.UUID, e *eventsv1.PirepProgressed) error {
	var d readmodel.UpsertPirepParams
	if err := setDetails(&d, e.Details); err != nil {
		return err
	}
	return q.ProgressPirep(ctx, readmodel.ProgressPirepParams{TenantID: tenant, ID: id,
		FlightNumber: d.FlightNumber, RouteCode: d.RouteCode, RouteLeg: d.RouteLeg, FlightID: d.FlightID,
		DptAirport: d.DptAirport, ArrAirport: d.ArrAirport, AltAirport: d.AltAirport, AircraftID: d.AircraftID,
		BlockOff: d.BlockOff, BlockOn: d.BlockOn, FlightTime: d.FlightTime, Distance: d.Distance, Level: d.Level,
		FuelUsed: d.FuelUsed, LandingRate: d.LandingRate, Route: d.Route, Remarks: d.Remarks,
		Source: d.Source, SourceName: d.SourceName, Phase: e.Phase, UpdatedAt: e.UpdatedAt.AsTime()})
}

func setDetails(row *readmodel.UpsertPirepParams, e *eventsv1.PirepFiled_Details) error {
	d := domain.PirepDetailsOf(e)
	aircraft, err := uuid.Parse(d.AircraftID)
	if err != nil {
		return fmt.Errorf("aircraft id %q: %w", d.AircraftID, err)
	}
	row.FlightNumber, row.RouteCode, row.RouteLeg, row.FlightID = d.FlightNumber, d.RouteCode, d.RouteLeg, d.FlightID
	row.DptAirport, row.ArrAirport, row.AltAirport, row.AircraftID = d.DptAirport, d.ArrAirport, d.AltAirport, aircraft
	row.BlockOff, row.BlockOn, row.FlightTime, row.Distance = d.BlockOff, d.BlockOn, d.FlightTime, d.Distance
	row.Level, row.FuelUsed, row.LandingRate = d.Level, d.FuelUsed, d.LandingRate
	row.Route, row.Remarks, row.Source, row.SourceName = d.Route, d.Remarks, d.Source, d.SourceName
	return nil
}

// BeginRebuild implements BulkRebuilder: the airline's counts per state
// are recounted once at the end rather than bumped per PIREP event.
func (Pireps) BeginRebuild(ctx context.Context, q readmodel.Querier) error {
	return q.DeferPirepCounts(ctx)
}

// EndRebuild implements BulkRebuilder.
func (Pireps) EndRebuild(ctx context.Context, q readmodel.Querier) error {
	return q.RecountPireps(ctx)
}

// Reset implements Projection.
func (Pireps) Reset(ctx context.Context, q readmodel.Querier) error {
	if err := q.DeleteAllPirepPositions(ctx); err != nil {
		return err
	}
	if err := q.DeleteAllAircraftPirepTotals(ctx); err != nil {
		return err
	}
	if err := q.DeleteAllPilotStats(ctx); err != nil {
		return err
	}
	return q.DeleteAllPireps(ctx)
}
