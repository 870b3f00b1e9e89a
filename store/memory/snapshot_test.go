package memory_test

import (
	"bytes"
	"context"
	"encoding/binary"
	"errors"
	"fmt"
	"hash/crc32"
	"math/rand"
	"os"
	"path/filepath"
	"strings"
	"testing"
	"time"

	"github.com/google/uuid"

	"github.com/albatross-va/albatross/domain"
	"github.com/albatross-va/albatross/store/memory"
	"github.com/albatross-va/albatross/store/readmodel"
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

// resealed is b changed by change and given a right checksum again, as a
// snapshot another build wrote whole would be.
func resealed(b []byte, change func(b []byte) []byte) []byte {
	b = change(bytes.Clone(b[:len(b)-4]))
	return binary.LittleEndian.AppendUint32(b, crc32.Checksum(b, crc32.MakeTable(crc32.Castagnoli)))
}

// A snapshot that is damaged, truncated, of another format or build, or
// ahead of the log is refused with its reason, never loaded in part.
func TestSnapshotRefusesWhatItCannotTrust(t *testing.T) {
	ctx := context.Background()
	m := memory.New()
	fillAirline(t, m, 0)
	if err := m.SetCheckpoint(ctx, readmodel.SetCheckpointParams{Name: "airlines", CommitTx: 40, Seq: 40, UpdatedAt: time.Now()}); err != nil {
		t.Fatal(err)
	}
	good, s, err := m.EncodeSnapshot(ctx, nil)
	if err != nil {
		t.Fatal(err)
	}
	if s.Position != (domain.Position{Commit: 40, Seq: 40}) {
		t.Fatalf("snapshot position %s, want the newest checkpoint 40.40", s.Position)
	}
	head := domain.Position{Commit: 41, Seq: 41}
	if _, _, err := memory.DecodeSnapshot(good, head); err != nil {
		t.Fatalf("the good snapshot: %v", err)
	}
	const headerEnd = 8 + 4 + 32 // magic, format, schema
	cases := []struct {
		name, reason string
		b            []byte
		head         domain.Position
	}{
		{"empty", "not a snapshot", nil, head},
		{"truncated", "checksum", good[:len(good)/2], head},
		{"one byte changed", "checksum", func() []byte { b := bytes.Clone(good); b[len(b)/2] ^= 0x40; return b }(), head},
		{"another format", fmt.Sprintf("format %d", memory.SnapshotFormat+1), resealed(good, func(b []byte) []byte {
			binary.LittleEndian.PutUint32(b[8:], memory.SnapshotFormat+1)
			return b
		}), head},
		{"another build", "another build", resealed(good, func(b []byte) []byte { b[headerEnd-1] ^= 1; return b }), head},
		{"ahead of the log", "past the log's head", good, domain.Position{Commit: 39, Seq: 39}},
		{"payload cut short, resealed", "payload length", resealed(good, func(b []byte) []byte { return b[:len(b)-100] }), head},
		{"state cut short, resealed", "", resealed(good, func(b []byte) []byte {
			b = b[:len(b)-100]
			at := headerEnd + 4 + len(s.Build) + 16
			binary.LittleEndian.PutUint64(b[at:], binary.LittleEndian.Uint64(b[at:])-100)
			return b
		}), head},
	}
	for _, c := range cases {
		t.Run(c.name, func(t *testing.T) {
			got, _, err := memory.DecodeSnapshot(c.b, c.head)
			if !errors.Is(err, memory.ErrSnapshotUnusable) || got != nil {
				t.Fatalf("got a store %v and error %v, want none and ErrSnapshotUnusable", got != nil, err)
			}
			if !strings.Contains(err.Error(), c.reason) {
				t.Errorf("error %q does not say %q", err, c.reason)
			}
		})
	}
}

// WriteSnapshot replaces the file whole, and LoadSnapshot reads it back.
func TestWriteSnapshotReplacesTheFile(t *testing.T) {
	ctx := context.Background()
	path := filepath.Join(t.TempDir(), memory.SnapshotFile)
	if err := os.WriteFile(path, []byte("an older, damaged snapshot"), 0o600); err != nil {
		t.Fatal(err)
	}
	m := memory.New()
	fillAirline(t, m, 0)
	if _, err := m.WriteSnapshot(ctx, path, []string{"airlines"}); err != nil {
		t.Fatal(err)
	}
	got, _, err := memory.LoadSnapshot(path, domain.Position{})
	if err != nil {
		t.Fatal(err)
	}
	if !bytes.Equal(got.CanonicalState(), m.CanonicalState()) {
		t.Fatal("the loaded state differs from the one written")
	}
	entries, _ := os.ReadDir(filepath.Dir(path))
	if len(entries) != 1 {
		t.Errorf("the folder holds %d files after the write, want the snapshot alone", len(entries))
	}
}
