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
// three tables, so a rebuild of it alone is exact. Totals are recomputed
// from the rows in one statement rather than incremented, so a reversal
// (rejecting an accepted PIREP) needs no memory of what was added, and the
// projector's single writer per projection applies acceptances one at a
// time in log order, so none is lost however many commit at once.
type Pireps struct{}

// Name implements Projection.
func (Pireps) Name() string { return "pireps" }

// Handles implements Projection.
func (Pireps) Handles(eventType string) bool { return pirepEvents[eventType] }

var pirepEvents = typeSet(&eventsv1.PirepFiled{}, &eventsv1.PirepEdited{}, &eventsv1.PirepSubmitted{},
	&eventsv1.PirepCancelled{}, &eventsv1.PirepAccepted{}, &eventsv1.PirepRejected{})

// Apply implements Projection.
func (Pireps) Apply(ctx context.Context, q readmodel.Querier, ev domain.RecordedEvent, msg proto.Message) ([]notify.Notice, error) {
	var rawID string
	var err error
	var pilot uuid.UUID  // whose PIREP it is: their own pages are told
	var totalsMoved bool // it entered or left the accepted state
	// change loads the PIREP's row, lets f edit it, writes it back, and
	// recomputes the totals when it entered or left the accepted state.
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
			row.UpdatedAt = at
			if err := q.UpsertPirep(ctx, row); err != nil {
				return err
			}
			pilot = row.PilotID
			if (p.State == domain.PirepAccepted) == (row.State == domain.PirepAccepted) {
				return nil
			}
			totalsMoved = true
			if err := q.RecalculatePilotStats(ctx, readmodel.RecalculatePilotStatsParams{TenantID: ev.TenantID, PilotID: row.PilotID}); err != nil {
				return err
			}
			return q.RecalculateAircraftPirepTotals(ctx, readmodel.RecalculateAircraftPirepTotalsParams{TenantID: ev.TenantID, AircraftID: row.AircraftID})
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
			row := readmodel.UpsertPirepParams{TenantID: ev.TenantID, ID: id, PilotID: owner, State: domain.PirepDraft}
			if e.Submitted {
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
	case *eventsv1.PirepSubmitted:
		rawID = e.PirepId
		err = change(rawID, e.SubmittedAt.AsTime(), func(row *readmodel.UpsertPirepParams) error {
			row.State, row.QueuedAt = domain.PirepPending, e.SubmittedAt.AsTime()
			return nil
		})
	case *eventsv1.PirepCancelled:
		rawID = e.PirepId
		err = change(rawID, e.CancelledAt.AsTime(), func(row *readmodel.UpsertPirepParams) error {
			row.State = domain.PirepCancelled
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
	return pirepNotices(ev, rawID, pilot.String(), totalsMoved), nil
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

// setDetails copies a PIREP's reported details into its row.
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
	row.Route, row.Remarks, row.Source = d.Route, d.Remarks, d.Source
	return nil
}

// Reset implements Projection.
func (Pireps) Reset(ctx context.Context, q readmodel.Querier) error {
	if err := q.DeleteAllAircraftPirepTotals(ctx); err != nil {
		return err
	}
	if err := q.DeleteAllPilotStats(ctx); err != nil {
		return err
	}
	return q.DeleteAllPireps(ctx)
}
