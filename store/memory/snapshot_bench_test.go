package memory_test

import (
	"context"
	"fmt"
	"runtime"
	"testing"
	"time"

	"github.com/google/uuid"

	"github.com/albatross-va/albatross/domain"
	"github.com/albatross-va/albatross/store/memory"
	"github.com/albatross-va/albatross/store/readmodel"
)

// airlinesStore is a store with n airlines, the rows of the bench's
// 1M-event replay (one AirlineCreated each).
func airlinesStore(b *testing.B, n int) *memory.ReadModels {
	b.Helper()
	ctx := context.Background()
	m := memory.New()
	now := time.Date(2026, 1, 2, 3, 4, 5, 0, time.UTC)
	for i := range n {
		if err := m.UpsertAirline(ctx, readmodel.UpsertAirlineParams{ID: uuid.New(), Name: fmt.Sprintf("Airline %d", i),
			Icao: fmt.Sprintf("A%02d", i%100), Slug: fmt.Sprintf("va-%d", i), PilotIDPrefix: "VA", Registration: "open", CreatedAt: now}); err != nil {
			b.Fatal(err)
		}
	}
	return m
}

func liveHeap() float64 {
	runtime.GC()
	var ms runtime.MemStats
	runtime.ReadMemStats(&ms)
	return float64(ms.HeapAlloc) / (1 << 20)
}

// BenchmarkSnapshotLoad decodes the snapshot of 200k airlines and reports
// the live heap of the loaded store against the store it was taken of.
func BenchmarkSnapshotLoad(b *testing.B) {
	ctx := context.Background()
	base := liveHeap()
	m := airlinesStore(b, 200_000)
	orig := liveHeap() - base
	data, _, err := m.EncodeSnapshot(ctx, nil)
	if err != nil {
		b.Fatal(err)
	}
	m = nil
	base = liveHeap()
	b.ResetTimer()
	var got *memory.ReadModels
	for range b.N {
		got = nil
		if got, _, err = memory.DecodeSnapshot(data, domain.Position{}); err != nil {
			b.Fatal(err)
		}
	}
	b.StopTimer()
	b.ReportMetric(liveHeap()-base, "MiB-loaded")
	b.ReportMetric(orig, "MiB-original")
	b.ReportMetric(float64(len(data))/(1<<20), "MiB-file")
	runtime.KeepAlive(got)
}

// BenchmarkSnapshotEncode encodes the state of 200k airlines.
func BenchmarkSnapshotEncode(b *testing.B) {
	ctx := context.Background()
	m := airlinesStore(b, 200_000)
	b.ResetTimer()
	for range b.N {
		if _, _, err := m.EncodeSnapshot(ctx, nil); err != nil {
			b.Fatal(err)
		}
	}
}
