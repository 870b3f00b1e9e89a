package projector_test

import (
	"bytes"
	"context"
	"sync"
	"testing"
	"time"

	"github.com/albatross-va/albatross/domain"
	"github.com/albatross-va/albatross/store/memory"
	"github.com/albatross-va/albatross/store/projector"
)

// Snapshots taken while the projector applies small batches and writers
// keep appending each hold exactly the events up to their checkpoints
// (never an event of a batch still in flight), and each, caught up, ends
// where a full replay ends.
func TestSnapshotsWhileProjectingAreConsistent(t *testing.T) {
	e := newEmbedded(t)
	mem := e.backend.(*memory.ReadModels)
	p := projector.New(e.es, mem, reg, nil, nil, projector.All()...)
	p.BatchSize = 50
	p.PollInterval = 5 * time.Millisecond
	stop := runInBackground(t, p)

	var (
		mu      sync.Mutex
		written []created
		wg      sync.WaitGroup
		werr    error
	)
	wg.Add(1)
	go func() {
		defer wg.Done()
		for i := range 30 {
			cs, err := tryCreateAirlines(e.es, i*10, 10)
			mu.Lock()
			written = append(written, cs...)
			mu.Unlock()
			if err != nil {
				werr = err
				return
			}
		}
	}()
	ctx := context.Background()
	var snaps [][]byte
	for range 60 {
		b, _, err := mem.EncodeSnapshot(ctx, p.Names())
		if err != nil {
			t.Fatal(err)
		}
		snaps = append(snaps, b)
		time.Sleep(3 * time.Millisecond)
	}
	wg.Wait()
	if werr != nil {
		t.Fatal(werr)
	}
	waitFor(t, p, last(written))
	stop()

	full := memory.New()
	if err := projector.New(e.es, full, reg, nil, nil, projector.All()...).CatchUp(ctx); err != nil {
		t.Fatal(err)
	}
	want := full.CanonicalState()
	hd := head(t, e.es)
	distinct := map[domain.Position]bool{}
	for i, b := range snaps {
		m, s, err := memory.DecodeSnapshot(b, hd)
		if err != nil {
			t.Fatalf("snapshot %d: %v", i, err)
		}
		distinct[s.Position] = true
		at := domain.Start // a snapshot before the first batch has none
		if c, err := m.GetCheckpoint(ctx, "airlines"); err == nil {
			at = domain.Position{Commit: c.CommitTx, Seq: c.Seq}
		}
		n := 0
		for _, c := range written {
			if !c.pos.After(at) {
				n++
			}
		}
		if got := len(listAirlines(t, m)); got != n {
			t.Errorf("snapshot %d at checkpoint %s holds %d airlines, want the %d up to it", i, at, got, n)
		}
		if err := projector.New(e.es, m, reg, nil, nil, projector.All()...).CatchUp(ctx); err != nil {
			t.Fatal(err)
		}
		if !bytes.Equal(m.CanonicalState(), want) {
			t.Errorf("snapshot %d at %s, caught up, differs from the full replay in %v", i, s.Position, memory.StateDifferences(m, full))
		}
	}
	if len(distinct) < 3 {
		t.Errorf("the snapshots caught only %d distinct positions: the writes were not under way", len(distinct))
	}
}
