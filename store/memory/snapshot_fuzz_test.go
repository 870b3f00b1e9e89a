package memory_test

import (
	"context"
	"encoding/binary"
	"errors"
	"hash/crc32"
	"math"
	"testing"
	"time"

	"github.com/google/uuid"

	"github.com/albatross-va/albatross/domain"
	"github.com/albatross-va/albatross/store/memory"
	"github.com/albatross-va/albatross/store/readmodel"
)

// resealFile gives a damaged snapshot file the payload length and the
// checksum of what it now holds, as someone who means harm (or a bug in
// a writer) would, so that the fuzzer's changes reach the state decoder
// behind the integrity checks instead of stopping at the CRC.
func resealFile(b []byte) []byte {
	const fixed = 8 + 4 + 32 + 4 // magic, format, schema, build length
	if len(b) < fixed+16+8+4 {
		return b
	}
	n := uint64(binary.LittleEndian.Uint32(b[fixed-4:]))
	if n > uint64(len(b)-fixed-16-8-4) {
		return b
	}
	at := fixed + int(n) + 16
	binary.LittleEndian.PutUint64(b[at:], uint64(len(b)-at-8-4))
	body := b[:len(b)-4]
	binary.LittleEndian.PutUint32(b[len(b)-4:], crc32.Checksum(body, crc32.MakeTable(crc32.Castagnoli)))
	return b
}

// FuzzReadSnapshot feeds the snapshot decoder damaged, truncated and
// hostile files, seeded with real snapshots the code wrote: each must be
// refused with ErrSnapshotUnusable (the start then replays the whole
// log), or give a store that answers pages and takes the projections'
// writes; never a panic, a hang or an allocation out of proportion to the
// file.
func FuzzReadSnapshot(f *testing.F) {
	ctx := context.Background()
	empty, _, err := memory.New().EncodeSnapshot(ctx, nil)
	if err != nil {
		f.Fatal(err)
	}
	m := memory.New()
	d := fillAirline(f, m, 0)
	if err := m.SetCheckpoint(ctx, readmodel.SetCheckpointParams{Name: "airlines", CommitTx: 7, Seq: 7, UpdatedAt: time.Now()}); err != nil {
		f.Fatal(err)
	}
	full, _, err := m.EncodeSnapshot(ctx, nil)
	if err != nil {
		f.Fatal(err)
	}
	small := memory.New()
	if err := small.UpsertAirline(ctx, readmodel.UpsertAirlineParams{ID: uuid.New(), Name: "Small", Icao: "SML", Slug: "small",
		PilotIDPrefix: "SM", Registration: "open", CreatedAt: time.Now()}); err != nil {
		f.Fatal(err)
	}
	one, _, err := small.EncodeSnapshot(ctx, nil)
	if err != nil {
		f.Fatal(err)
	}
	for _, seed := range [][]byte{empty, one, full} {
		f.Add(seed, false)
		f.Add(seed, true)
		f.Add(seed[:len(seed)/2], true)
	}
	reads := pageReads(d)
	head := domain.Position{Commit: math.MaxInt64, Seq: math.MaxInt64}
	f.Fuzz(func(t *testing.T, b []byte, reseal bool) {
		if reseal {
			b = resealFile(b)
		}
		got, _, err := memory.DecodeSnapshot(b, head)
		if err != nil {
			if got != nil {
				t.Fatal("a refused snapshot gave a store")
			}
			if !errors.Is(err, memory.ErrSnapshotUnusable) {
				t.Fatalf("refused with %v, want ErrSnapshotUnusable (the start replays the log only then)", err)
			}
			return
		}
		// A store that loaded answers every page read and takes the
		// writes the projections make, with errors at worst.
		for _, read := range reads {
			_, _ = read(ctx, got)
		}
		now := time.Now()
		_ = got.UpsertAirline(ctx, readmodel.UpsertAirlineParams{ID: uuid.New(), Name: "After", Icao: "AFT", Slug: "after",
			PilotIDPrefix: "AF", Registration: "open", CreatedAt: now})
		_ = got.UpsertUser(ctx, readmodel.UpsertUserParams{TenantID: d.tenant, ID: uuid.New(), Email: "after@example.com",
			Name: "After", Role: "pilot", Status: "active", PilotNumber: 99, CreatedAt: now, UpdatedAt: now})
		_ = got.UpsertPirep(ctx, readmodel.UpsertPirepParams{TenantID: d.tenant, ID: uuid.New(), PilotID: d.pilot, State: "pending",
			FlightNumber: "1", DptAirport: "K000", ArrAirport: "K001", BlockOff: now, BlockOn: now, FiledAt: now, QueuedAt: now, UpdatedAt: now})
		_ = got.UpsertAirport(ctx, readmodel.UpsertAirportParams{TenantID: d.tenant, Icao: "KAFT", Name: "After", Search: "kaft", UpdatedAt: now})
		_, _ = got.ListCheckpoints(ctx)
	})
}
