package projector_test

import (
	"context"
	"os"
	"strconv"
	"sync"
	"testing"
	"time"

	"github.com/albatross-va/albatross/domain/events"
	"github.com/albatross-va/albatross/store/postgres"
	"github.com/albatross-va/albatross/store/projector"
	"github.com/albatross-va/albatross/store/readmodel"
)

// BenchmarkRebuildOnlineHoldPostgres rebuilds the pireps projection of
// BenchmarkPirepRebuildPostgres's log (ALBATROSS_REBUILD_PIREPS PIREPs,
// default 10,000) in place and then beside the live tables, while a live
// projector asks for the projection's lock every few milliseconds, and
// reports the longest time the live side could not apply, each way
// (inplace-held-ms, online-held-ms), their ratio and the online rebuild's
// whole time. Run with -benchtime=1x.
func BenchmarkRebuildOnlineHoldPostgres(b *testing.B) {
	n := 10000
	if s := os.Getenv("ALBATROSS_REBUILD_PIREPS"); s != "" {
		var err error
		if n, err = strconv.Atoi(s); err != nil {
			b.Fatal(err)
		}
	}
	ctx := context.Background()
	pool, err := postgres.Connect(ctx, rebuildDatabase(b, n))
	if err != nil {
		b.Fatal(err)
	}
	defer pool.Close()
	if _, err := postgres.Migrate(ctx, pool); err != nil {
		b.Fatal(err)
	}
	es := postgres.NewEventStore(pool, nil)
	defer es.Close()
	seedRebuildLog(b, es, n)
	rm := postgres.NewReadModels(pool)
	p := projector.New(es, rm, events.NewRegistry(), nil, nil, projector.Pireps{})
	// heldOff runs rebuild while the live side asks for the lock, and
	// returns the longest stretch it was refused.
	heldOff := func(rebuild func() error) (longest, took time.Duration) {
		stop := make(chan struct{})
		var wg sync.WaitGroup
		wg.Add(1)
		go func() {
			defer wg.Done()
			lastRan := time.Now()
			for {
				select {
				case <-stop:
					return
				default:
				}
				ran, err := rm.Batch(ctx, "pireps", func(readmodel.Querier) error { return nil })
				if err != nil {
					b.Error(err)
					return
				}
				if now := time.Now(); ran {
					longest = max(longest, now.Sub(lastRan))
					lastRan = now
				}
				time.Sleep(2 * time.Millisecond)
			}
		}()
		time.Sleep(20 * time.Millisecond)
		start := time.Now()
		if err := rebuild(); err != nil {
			b.Fatal(err)
		}
		took = time.Since(start)
		time.Sleep(20 * time.Millisecond)
		close(stop)
		wg.Wait()
		return longest, took
	}
	b.ResetTimer()
	var inPlace, online, onlineTook time.Duration
	for range b.N {
		held, _ := heldOff(func() error { return p.Rebuild(ctx, "pireps") })
		inPlace += held
		held, took := heldOff(func() error { return p.RebuildOnline(ctx, "pireps") })
		online += held
		onlineTook += took
	}
	b.StopTimer()
	per := func(d time.Duration) float64 { return float64(d.Microseconds()) / 1000 / float64(b.N) }
	b.ReportMetric(per(inPlace), "inplace-held-ms")
	b.ReportMetric(per(online), "online-held-ms")
	b.ReportMetric(float64(online)/float64(inPlace), "online/inplace")
	b.ReportMetric(per(onlineTook), "online-took-ms")
}
