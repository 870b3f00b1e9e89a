package memory_test

import (
	"bytes"
	"context"
	"math/rand"
	"testing"

	"github.com/google/uuid"

	"github.com/albatross-va/albatross/store/memory"
)

// TestSnapshotRoundTripKeepsEveryTable loads a snapshot of three
// airlines' rows and checks that the loaded store is the one written, and
// stays the same under the same writes after (the loaded indexes keep
// their order).
func TestSnapshotRoundTripKeepsEveryTable(t *testing.T) {
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
		t.Fatal("the loaded state differs from the one written")
	}
	if bytes.Equal(got.CanonicalState(), memory.New().CanonicalState()) {
		t.Fatal("the loaded state is empty")
	}
	// The same further writes on both (the same ids from the same seed).
	defer uuid.SetRand(nil)
	for _, st := range []*memory.ReadModels{m, got} {
		uuid.SetRand(rand.New(rand.NewSource(7)))
		fillAirline(t, st, 8)
		fillAirline(t, st, 9)
	}
	if !bytes.Equal(got.CanonicalState(), m.CanonicalState()) {
		t.Fatal("after the same writes, the loaded store differs from the original")
	}
	want, err := m.ListAirports(ctx, "airline-9")
	if err != nil {
		t.Fatal(err)
	}
	list, err := got.ListAirports(ctx, "airline-9")
	if err != nil || len(list) == 0 || len(list) != len(want) {
		t.Fatalf("airports of the airline written after the load: %d (%v), want %d", len(list), err, len(want))
	}
}
