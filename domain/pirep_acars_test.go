package domain_test

import (
	"context"
	"sync"
	"testing"
	"time"

	"google.golang.org/protobuf/proto"
	"google.golang.org/protobuf/types/known/timestamppb"

	"github.com/albatross-va/albatross/domain"
	eventsv1 "github.com/albatross-va/albatross/domain/events/v1"
)

// prefileLisbon is what an ACARS client sends at prefile: no times, no
// totals yet.
func prefileLisbon() domain.PirepDetails {
	return domain.PirepDetails{FlightNumber: "1234", DptAirport: "EGLL", ArrAirport: "LPPT", AircraftID: "ac-1", SourceName: "vmsACARS"}
}

func TestAnACARSFlightIsPrefiledReportedAndFiled(t *testing.T) {
	w := newPirepWorld(t)
	ctx := context.Background()
	meta := func(a domain.Actor) domain.CommandMeta { return domain.CommandMeta{ID: domain.NewUUID(), Who: a} }
	id, _, err := w.pireps.Prefile(ctx, meta(w.pilot), w.airline, prefileLisbon())
	if err != nil {
		t.Fatal(err)
	}
	state := func() *domain.Pirep {
		p := &domain.Pirep{}
		replay(t, w.r, domain.PirepStream(id), p)
		return p
	}
	if p := state(); p.State != domain.PirepInProgress || p.Phase != "INI" || p.Details.Source != domain.PirepSourceACARS ||
		p.Details.SourceName != "vmsACARS" || p.Details.Distance < 840 || p.Details.Distance > 850 {
		t.Fatalf("after prefile: %+v", p)
	}
	// The same prefile moments later is the same flight, as phpVMS's
	// duplicate check gives it.
	w.clock.add(time.Minute)
	again, _, err := w.pireps.Prefile(ctx, meta(w.pilot), w.airline, prefileLisbon())
	if err != nil || again != id {
		t.Errorf("the same prefile a minute later: %s, %v; want %s", again, err, id)
	}
	// Another flight on the same aircraft while this one flies is refused.
	other := prefileLisbon()
	other.FlightNumber = "99"
	if _, _, err := w.pireps.Prefile(ctx, meta(w.pilot), w.airline, other); domain.ErrorReasons(err)["aircraft_id"] != domain.ReasonAircraftUnavailable {
		t.Errorf("a second flight on a flying aircraft: %v", err)
	}
	// Reports move the phase and the details; the same report adds nothing.
	report := domain.FlightReport{Phase: "txi", Apply: func(d *domain.PirepDetails) { d.FuelUsed = 300 }}
	res, err := w.pireps.Report(ctx, meta(w.pilot), w.airline, id, report)
	if err != nil || res.ToVersion == res.FromVersion-1 {
		t.Fatal(err)
	}
	if res2, err := w.pireps.Report(ctx, meta(w.pilot), w.airline, id, report); err != nil || res2.ToVersion != res.ToVersion {
		t.Errorf("the same report again appended (%v -> %v), %v", res.ToVersion, res2.ToVersion, err)
	}
	if p := state(); p.Phase != "TXI" || p.Details.FuelUsed != 300 {
		t.Errorf("after a report: phase %s fuel %d", p.Phase, p.Details.FuelUsed)
	}
	if _, err := w.pireps.Report(ctx, meta(w.pilot), w.airline, id, domain.FlightReport{Phase: "FLYING"}); domain.ErrorFields(err)["status"] == "" {
		t.Errorf("an unknown phase: %v", err)
	}
	stranger := domain.Actor{UserID: domain.NewUUID(), Role: domain.RolePilot, TenantID: w.airline}
	if _, err := w.pireps.Report(ctx, meta(stranger), w.airline, id, report); domain.ErrorCode(err) != domain.EForbidden {
		t.Errorf("another pilot's report: %v", err)
	}
	// Positions: a re-post of the same ids adds nothing.
	batch := []domain.AircraftPosition{{ID: "a", Lat: 51.47, Lon: -0.46, Heading: 270}, {ID: "b", Lat: 51.5, Lon: -0.6, AltitudeMSL: 2000}}
	if n, _, err := w.pireps.AddPositions(ctx, meta(w.pilot), w.airline, id, batch); err != nil || n != 2 {
		t.Fatalf("two positions: %d, %v", n, err)
	}
	batch = append(batch, domain.AircraftPosition{ID: "c", Lat: 51.6, Lon: -0.8})
	if n, _, err := w.pireps.AddPositions(ctx, meta(w.pilot), w.airline, id, batch); err != nil || n != 1 {
		t.Errorf("the batch again with one more: %d added, %v; want 1", n, err)
	}
	if state().Positions != 3 {
		t.Errorf("%d positions, want 3", state().Positions)
	}
	for name, bad := range map[string]domain.AircraftPosition{"positions.0.lat": {Lat: 91}, "positions.0.heading": {Heading: 400}, "positions.0.log": {Log: "a\x00b"}} {
		if _, _, err := w.pireps.AddPositions(ctx, meta(w.pilot), w.airline, id, []domain.AircraftPosition{bad}); domain.ErrorFields(err)[name] == "" {
			t.Errorf("%s: %v", name, err)
		}
	}
	if _, _, err := w.pireps.AddPositions(ctx, meta(w.pilot), w.airline, id, nil); domain.ErrorFields(err)["positions"] == "" {
		t.Errorf("no positions: %v", err)
	}
	// Filing needs a flight time; then the flight is pending, filed once.
	if _, err := w.pireps.FileFlight(ctx, meta(w.pilot), w.airline, id, nil); domain.ErrorFields(err)["flight_time"] == "" {
		t.Errorf("filing without a flight time: %v", err)
	}
	w.clock.add(2 * time.Hour)
	if _, err := w.pireps.FileFlight(ctx, meta(w.pilot), w.airline, id, func(d *domain.PirepDetails) { d.FlightTime, d.Distance = 110, 850 }); err != nil {
		t.Fatal(err)
	}
	if p := state(); p.State != domain.PirepPending || p.Phase != "ARR" || p.Details.FlightTime != 110 || !p.Details.BlockOn.Equal(w.clock.Now()) {
		t.Errorf("after filing: %+v", p)
	}
	if _, err := w.pireps.FileFlight(ctx, meta(w.pilot), w.airline, id, func(d *domain.PirepDetails) { d.FlightTime = 110 }); domain.ErrorCode(err) != domain.EConflict {
		t.Errorf("filing again: %v", err)
	}
	// Filed, the aircraft is free for the next flight.
	if _, _, err := w.pireps.Prefile(ctx, meta(w.pilot), w.airline, other); err != nil {
		t.Errorf("the next flight on the aircraft: %v", err)
	}
}

func TestACancelledACARSFlightTakesNoMoreReports(t *testing.T) {
	w := newPirepWorld(t)
	ctx := context.Background()
	meta := func(a domain.Actor) domain.CommandMeta { return domain.CommandMeta{ID: domain.NewUUID(), Who: a} }
	id, _, err := w.pireps.Prefile(ctx, meta(w.pilot), w.airline, prefileLisbon())
	if err != nil {
		t.Fatal(err)
	}
	// Staff may cancel a flight in progress too.
	if _, err := w.pireps.Cancel(ctx, meta(w.admin), w.airline, id); err != nil {
		t.Fatal(err)
	}
	_, err = w.pireps.Report(ctx, meta(w.pilot), w.airline, id, domain.FlightReport{Phase: "ENR"})
	if domain.ErrorReasons(err)["state"] != domain.ReasonPirepCancelled || domain.ErrorMessage(err) != "PIREP has been cancelled, updates are not allowed" {
		t.Errorf("a report after the cancel: %v", err)
	}
	if _, _, err := w.pireps.AddPositions(ctx, meta(w.pilot), w.airline, id, []domain.AircraftPosition{{Lat: 1, Lon: 1}}); domain.ErrorReasons(err)["state"] != domain.ReasonPirepCancelled {
		t.Errorf("positions after the cancel: %v", err)
	}
	// A prefile of the same flight is a new PIREP, the aircraft free again.
	again, _, err := w.pireps.Prefile(ctx, meta(w.pilot), w.airline, prefileLisbon())
	if err != nil || again == id {
		t.Errorf("prefile after a cancel: %s, %v; want a new PIREP", again, err)
	}
}

func TestTwoPrefilesOfOneAircraftAtOnceGiveOneFlight(t *testing.T) {
	w := newPirepWorld(t)
	ctx := context.Background()
	var wg sync.WaitGroup
	errs := make([]error, 8)
	for i := range errs {
		wg.Add(1)
		go func() {
			defer wg.Done()
			d := prefileLisbon()
			d.FlightNumber = string(rune('A' + i))
			_, _, errs[i] = w.pireps.Prefile(ctx, domain.CommandMeta{ID: domain.NewUUID(), Who: w.pilot}, w.airline, d)
		}()
	}
	wg.Wait()
	ok := 0
	for _, err := range errs {
		switch {
		case err == nil:
			ok++
		case domain.ErrorReasons(err)["aircraft_id"] != domain.ReasonAircraftUnavailable && domain.ErrorCode(err) != domain.EConflict:
			t.Errorf("a losing prefile: %v", err)
		}
	}
	if ok != 1 {
		t.Errorf("%d prefiles of one aircraft succeeded, want 1", ok)
	}
}

// A rank's ACARS auto-accept is its own setting: a rank that auto-accepts
// manual PIREPs leaves an ACARS one pending, and one that auto-accepts
// ACARS PIREPs accepts it at filing.
func TestARankAutoAcceptsACARSPirepsByItsOwnSetting(t *testing.T) {
	w := newPirepWorld(t)
	ctx := context.Background()
	rk := &domain.Ranks{Runner: w.r, IDs: domain.RandomIDs{}}
	meta := func(a domain.Actor) domain.CommandMeta { return domain.CommandMeta{ID: domain.NewUUID(), Who: a} }
	fly := func(number string) string {
		t.Helper()
		d := prefileLisbon()
		d.FlightNumber = number
		id, _, err := w.pireps.Prefile(ctx, meta(w.pilot), w.airline, d)
		if err != nil {
			t.Fatal(err)
		}
		if _, err := w.pireps.FileFlight(ctx, meta(w.pilot), w.airline, id, func(d *domain.PirepDetails) { d.FlightTime = 120 }); err != nil {
			t.Fatal(err)
		}
		p := &domain.Pirep{}
		replay(t, w.r, domain.PirepStream(id), p)
		return p.State
	}
	manual, _, err := rk.Save(ctx, meta(w.admin), w.airline, "", domain.RankForm{Name: "Trusted by hand", MinHours: "0", AutoAccept: true})
	if err != nil {
		t.Fatal(err)
	}
	if _, err := rk.SetByHand(ctx, meta(w.admin), w.airline, w.pilot.UserID, manual); err != nil {
		t.Fatal(err)
	}
	if got := fly("1"); got != domain.PirepPending {
		t.Errorf("a rank that auto-accepts manual PIREPs: the ACARS PIREP is %s, want pending", got)
	}
	if _, _, err := rk.Save(ctx, meta(w.admin), w.airline, manual, domain.RankForm{Name: "Trusted by hand", MinHours: "0", AutoAcceptACARS: true}); err != nil {
		t.Fatal(err)
	}
	if got := fly("2"); got != domain.PirepAccepted {
		t.Errorf("a rank that auto-accepts ACARS PIREPs: %s, want accepted", got)
	}
}

// A flight in the air is not refused for what changed on the ground after
// its prefile (its aircraft sent to storage), while a report that moves it
// to an airport the airline does not have still is.
func TestAFlightInProgressReportsOnAfterItsAircraftIsStored(t *testing.T) {
	w := newPirepWorld(t)
	ctx := context.Background()
	meta := domain.CommandMeta{Who: w.pilot}
	meta.ID = domain.NewUUID()
	id, _, err := w.pireps.Prefile(ctx, meta, w.airline, prefileLisbon())
	if err != nil {
		t.Fatal(err)
	}
	w.pireps.Aircraft.(fleetTable)["ac-1"] = domain.AircraftInfo{Registration: "G-ABCD", Status: domain.AircraftStored, AirportID: "EGLL"}
	meta.ID = domain.NewUUID()
	progress := domain.FlightReport{Phase: "ENR", Apply: func(d *domain.PirepDetails) { d.FuelUsed, d.FlightTime = 900, 35 }}
	if _, err := w.pireps.Report(ctx, meta, w.airline, id, progress); err != nil {
		t.Errorf("a progress report after the aircraft was stored: %v", err)
	}
	meta.ID = domain.NewUUID()
	divert := domain.FlightReport{Apply: func(d *domain.PirepDetails) { d.ArrAirport = "KJFK" }}
	if _, err := w.pireps.Report(ctx, meta, w.airline, id, divert); domain.ErrorFields(err)["arr_airport"] == "" {
		t.Errorf("a report moving the arrival to an unknown airport: %v", err)
	}
	p := &domain.Pirep{}
	replay(t, w.r, domain.PirepStream(id), p)
	if p.Details.FuelUsed != 900 || p.Details.ArrAirport != "LPPT" || p.Phase != "ENR" {
		t.Errorf("the flight: fuel %d, arrival %s, phase %s; want 900, LPPT, ENR", p.Details.FuelUsed, p.Details.ArrAirport, p.Phase)
	}
}

// A prefile cut off between taking the aircraft and writing its PIREP
// holds the aircraft for a minute, since the process may still be about
// to write it; a process that is the log's only writer since after the
// reservation knows nobody will, and lets the aircraft go at once.
func TestAPrefileCutOffByACrashHoldsTheAircraftOnlyWhileItsProcessMayLive(t *testing.T) {
	w := newPirepWorld(t)
	ctx := context.Background()
	meta := func() domain.CommandMeta { return domain.CommandMeta{ID: domain.NewUUID(), Who: w.pilot} }
	// The reservation's append, and then nothing: the process died.
	if _, err := domain.Execute(ctx, w.r, domain.StreamRef{StreamID: domain.AircraftUseStream("ac-1"), TenantID: w.airline}, meta(),
		func() *domain.AircraftUse { return &domain.AircraftUse{} },
		func(*domain.AircraftUse, int64) (domain.Decision, error) {
			return domain.Decision{Events: []proto.Message{&eventsv1.AircraftReserved{AircraftId: "ac-1", PirepId: domain.NewUUID(),
				ReservedAt: timestamppb.New(w.clock.Now())}}}, nil
		}); err != nil {
		t.Fatal(err)
	}
	w.clock.add(10 * time.Second)
	if _, _, err := w.pireps.Prefile(ctx, meta(), w.airline, prefileLisbon()); domain.ErrorReasons(err)["aircraft_id"] != domain.ReasonAircraftUnavailable {
		t.Fatalf("a prefile 10 s after another's reservation, with other writers possible: %v; want the aircraft unavailable", err)
	}
	// The restarted embedded server is the only writer from its start on.
	w.pireps.SoleWriterSince = w.clock.Now()
	if _, _, err := w.pireps.Prefile(ctx, meta(), w.airline, prefileLisbon()); err != nil {
		t.Fatalf("a prefile after a restart, of an aircraft the dead process had reserved: %v", err)
	}
	// Its own prefiles' reservations still hold.
	other := prefileLisbon()
	other.FlightNumber = "99"
	if _, _, err := w.pireps.Prefile(ctx, meta(), w.airline, other); domain.ErrorReasons(err)["aircraft_id"] != domain.ReasonAircraftUnavailable {
		t.Errorf("a second flight on the aircraft the restarted server gave out: %v", err)
	}
}
