package memory_test

import (
	"bytes"
	"context"
	"fmt"
	"math/rand"
	"testing"
	"time"

	"github.com/google/uuid"

	"github.com/albatross-va/albatross/domain"
	"github.com/albatross-va/albatross/store/memory"
	"github.com/albatross-va/albatross/store/readmodel"
)

// While a snapshot is being encoded, a projection's batch applies (it is
// not held off as busy) and pages read what it wrote; writes to every
// table go on beside the encoder; and the snapshot is still the state at
// the point it was taken, checkpoint and rows, none of what came after.
func TestProjectionAppliesWhileSnapshotIsEncoded(t *testing.T) {
	ctx := context.Background()
	m := memory.New()
	d := fillAirline(t, m, 0)
	if err := m.SetCheckpoint(ctx, readmodel.SetCheckpointParams{Name: "airlines", CommitTx: 10, Seq: 10, UpdatedAt: time.Now()}); err != nil {
		t.Fatal(err)
	}
	want := m.CanonicalState()

	started, proceed := make(chan struct{}), make(chan struct{})
	memory.SetEncodeHook(m, func() {
		close(started)
		<-proceed
	})
	type result struct {
		b   []byte
		s   memory.Snapshot
		err error
	}
	done := make(chan result, 1)
	go func() {
		b, s, err := m.EncodeSnapshot(ctx, []string{"airlines", "users", "pireps"})
		done <- result{b, s, err}
	}()
	select {
	case <-started:
	case r := <-done:
		t.Fatalf("the snapshot ended without encoding: %v", r.err)
	}

	// The encoder is held mid-write: a projection's batch runs now.
	now := time.Date(2026, 5, 6, 7, 8, 9, 0, time.UTC)
	ran, err := m.Batch(ctx, "airlines", func(q readmodel.Querier) error {
		if err := q.UpsertAirline(ctx, readmodel.UpsertAirlineParams{ID: uuid.New(), Name: "Later Air", Icao: "LTR", Slug: "later",
			PilotIDPrefix: "LT", Registration: "open", CreatedAt: now}); err != nil {
			return err
		}
		return q.SetCheckpoint(ctx, readmodel.SetCheckpointParams{Name: "airlines", CommitTx: 11, Seq: 11, UpdatedAt: now})
	})
	if err != nil || !ran {
		t.Fatalf("a projection's batch while the snapshot is encoded: ran %v, %v; want it applied", ran, err)
	}
	if a, err := m.GetAirlineBySlug(ctx, "later"); err != nil || a.Name != "Later Air" {
		t.Fatalf("a page read while the snapshot is encoded: %+v, %v; want the airline just projected", a, err)
	}

	// Let the encoder go, and write to every table of the airline it is
	// reading (its trees, indexes and buckets) and of new ones meanwhile.
	close(proceed)
	for i := range 20 {
		at := now.Add(time.Duration(i) * time.Minute)
		if err := m.UpsertPirep(ctx, readmodel.UpsertPirepParams{TenantID: d.tenant, ID: uuid.New(), PilotID: d.pilot, State: "pending",
			FlightNumber: fmt.Sprint(5000 + i), DptAirport: "K000", ArrAirport: "K001", BlockOff: at, BlockOn: at.Add(time.Hour),
			FlightTime: 60, FiledAt: at, QueuedAt: at, UpdatedAt: at}); err != nil {
			t.Fatal(err)
		}
	}
	fillAirline(t, m, 1)
	r := <-done
	if r.err != nil {
		t.Fatal(r.err)
	}
	if r.s.Position != (domain.Position{Commit: 10, Seq: 10}) {
		t.Errorf("snapshot position %s, want 10.10, the checkpoint when it was taken", r.s.Position)
	}
	got, _, err := memory.DecodeSnapshot(r.b, domain.Position{Commit: 11, Seq: 11})
	if err != nil {
		t.Fatal(err)
	}
	if _, err := got.GetAirlineBySlug(ctx, "later"); err == nil {
		t.Error("the snapshot holds the airline projected after it was taken")
	}
	if !bytes.Equal(got.CanonicalState(), want) {
		t.Error("the snapshot is not the state it was taken of")
	}
	// The live store kept every write.
	if rows, err := m.ListPirepsByPilot(ctx, readmodel.ListPirepsByPilotParams{TenantID: d.tenant, PilotID: d.pilot, Limit: 100}); err != nil || len(rows) != 30+20 {
		t.Errorf("the pilot's PIREPs in the live store: %d (%v), want 50", len(rows), err)
	}
}

// A snapshot, encoded from the copy of the state, loads into the state
// itself: the copy leaves out no table, index or counter; and the
// original, whose trees now share nodes with the copy's, takes writes as
// before.
func TestSnapshotOfTheCopyIsTheState(t *testing.T) {
	ctx := context.Background()
	m := memory.New()
	for n := range 3 {
		fillAirline(t, m, n)
	}
	b, s, err := m.EncodeSnapshot(ctx, nil)
	if err != nil {
		t.Fatal(err)
	}
	got, _, err := memory.DecodeSnapshot(b, s.Position)
	if err != nil {
		t.Fatal(err)
	}
	if !bytes.Equal(got.CanonicalState(), m.CanonicalState()) {
		t.Fatalf("the snapshot of the copy differs from the state: %v", memory.StateDifferences(got, m))
	}
	// The same writes on both after: the copy's trees were cloned, not
	// moved, so the original still takes writes as before.
	defer uuid.SetRand(nil)
	for _, st := range []*memory.ReadModels{m, got} {
		uuid.SetRand(rand.New(rand.NewSource(9)))
		fillAirline(t, st, 8)
	}
	if !bytes.Equal(got.CanonicalState(), m.CanonicalState()) {
		t.Fatalf("after the same writes the stores differ: %v", memory.StateDifferences(got, m))
	}
}

// BenchmarkSnapshotHold reports how long a snapshot of 200k airlines
// (and three airlines' full pages) keeps the projections and readers
// waiting (held-ms, the copy of the state) against how long they waited
// before when the state was encoded under the lock (baseline-ms), both in
// the same run, and the ratio.
func BenchmarkSnapshotHold(b *testing.B) {
	ctx := context.Background()
	m := airlinesStore(b, 200_000)
	for n := range 3 {
		fillAirline(b, m, n)
	}
	var held, base time.Duration
	b.ResetTimer()
	for range b.N {
		_, s, err := m.EncodeSnapshot(ctx, nil)
		if err != nil {
			b.Fatal(err)
		}
		held += s.Held
		base += memory.EncodeHoldingProjections(m)
	}
	b.StopTimer()
	n := float64(b.N)
	b.ReportMetric(float64(held.Microseconds())/1000/n, "held-ms")
	b.ReportMetric(float64(base.Microseconds())/1000/n, "baseline-ms")
	b.ReportMetric(float64(held)/float64(base), "held/baseline")
}
