package domain_test

import (
	"context"
	"fmt"
	"sync/atomic"
	"testing"

	"github.com/albatross-va/albatross/domain"
)

// countingStore counts the reads of its ReadStream and the events they
// return.
type countingStore struct {
	domain.EventStore
	read, reads atomic.Int64
}

func (s *countingStore) ReadStream(ctx context.Context, stream string, after int64) ([]domain.RecordedEvent, error) {
	recs, err := s.EventStore.ReadStream(ctx, stream, after)
	s.read.Add(int64(len(recs)))
	s.reads.Add(1)
	return recs, err
}

// A flight's commands do not read its stream: the state kept after the
// last command already holds that command's events. A state kept in one
// process still sees what another process appended to the flight in
// between, through the append's version check.
func TestAKeptFlightStateReadsOnlyNewEventsAndSeesOtherWriters(t *testing.T) {
	w := newPirepWorld(t)
	ctx := context.Background()
	meta := func() domain.CommandMeta { return domain.CommandMeta{ID: domain.NewUUID(), Who: w.pilot} }
	counting := &countingStore{EventStore: w.r.Store}
	server := *w.pireps
	server.Runner = &domain.Runner{Store: counting, Registry: w.r.Registry, Clock: w.clock, States: domain.NewStates(0)}
	other := *w.pireps // another process: its own runner, no kept state

	id, _, err := server.Prefile(ctx, meta(), w.airline, prefileLisbon())
	if err != nil {
		t.Fatal(err)
	}
	for i := range 40 {
		pos := []domain.AircraftPosition{{ID: fmt.Sprint("p", i), Lat: 51, Lon: float64(i) / 100}}
		if n, _, err := server.AddPositions(ctx, meta(), w.airline, id, pos); err != nil || n != 1 {
			t.Fatalf("position %d: %d, %v", i, n, err)
		}
	}
	before := counting.reads.Load()
	if _, _, err := server.AddPositions(ctx, meta(), w.airline, id, []domain.AircraftPosition{{ID: "next", Lat: 51, Lon: 1}}); err != nil {
		t.Fatal(err)
	}
	if reads := counting.reads.Load() - before; reads != 0 {
		t.Errorf("the 42nd command on the flight read its stream %d times; the kept state holds the last command's events", reads)
	}

	// Another process adds a position; the server's kept state must learn
	// it, so a client's re-post of it adds nothing twice.
	if n, _, err := other.AddPositions(ctx, meta(), w.airline, id, []domain.AircraftPosition{{ID: "elsewhere", Lat: 52, Lon: 1}}); err != nil || n != 1 {
		t.Fatalf("the other process's position: %d, %v", n, err)
	}
	again := []domain.AircraftPosition{{ID: "elsewhere", Lat: 52, Lon: 1}, {ID: "last", Lat: 52, Lon: 2}}
	if n, _, err := server.AddPositions(ctx, meta(), w.airline, id, again); err != nil || n != 1 {
		t.Errorf("re-posting the other process's position with a new one added %d, %v; want 1", n, err)
	}
	if _, err := other.Cancel(ctx, meta(), w.airline, id); err != nil {
		t.Fatal(err)
	}
	if _, _, err := server.AddPositions(ctx, meta(), w.airline, id, []domain.AircraftPosition{{ID: "after", Lat: 52, Lon: 3}}); domain.ErrorReasons(err)["state"] != domain.ReasonPirepCancelled {
		t.Errorf("a position after another process cancelled the flight: %v", err)
	}
	p := &domain.Pirep{}
	replay(t, w.r, domain.PirepStream(id), p)
	if p.Positions != 43 || p.State != domain.PirepCancelled {
		t.Errorf("the flight has %d positions in state %s, want 43, cancelled", p.Positions, p.State)
	}
}

// The kept states are bounded: the least recently used goes first.
func TestKeptStatesAreBounded(t *testing.T) {
	w := newPirepWorld(t)
	ctx := context.Background()
	states := domain.NewStates(2)
	w.pireps.Runner = &domain.Runner{Store: w.r.Store, Registry: w.r.Registry, Clock: w.clock, States: states}
	for i := range 4 {
		d := heathrowLisbon()
		d.FlightNumber = fmt.Sprint(100 + i)
		id, _, err := w.pireps.File(ctx, domain.CommandMeta{ID: domain.NewUUID(), Who: w.pilot}, w.airline, d, false)
		if err != nil {
			t.Fatal(err)
		}
		if _, err := w.pireps.Cancel(ctx, domain.CommandMeta{ID: domain.NewUUID(), Who: w.pilot}, w.airline, id); err != nil {
			t.Fatal(err)
		}
	}
	if states.Len() != 2 {
		t.Errorf("%d states kept, want the bound of 2", states.Len())
	}
}
