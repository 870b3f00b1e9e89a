package projector_test

import (
	"context"
	"fmt"
	"math/rand/v2"
	"net/url"
	"os"
	"strconv"
	"sync"
	"testing"
	"time"

	"github.com/google/uuid"
	"github.com/jackc/pgx/v5"
	"google.golang.org/protobuf/proto"
	"google.golang.org/protobuf/types/known/timestamppb"

	"github.com/albatross-va/albatross/domain"
	"github.com/albatross-va/albatross/domain/events"
	eventsv1 "github.com/albatross-va/albatross/domain/events/v1"
	"github.com/albatross-va/albatross/store/pgtest"
	"github.com/albatross-va/albatross/store/postgres"
	"github.com/albatross-va/albatross/store/projector"
)

// BenchmarkPirepRebuildPostgres rebuilds the pireps projection (its three
// tables emptied, then every event of the log applied) from a log of
// ALBATROSS_REBUILD_PIREPS PIREPs (default 10,000) of one airline: 100
// pilots, 40 aircraft, nine in ten accepted, one in ten of those rejected
// again later. It reports PIREPs/s. The log is kept in a database named
// after its size (albatross_rebuild_<n>) and seeded only when missing, so
// runs of different code compare the same events; drop it by hand.
// Run with -benchtime=1x.
func BenchmarkPirepRebuildPostgres(b *testing.B) {
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
	p := projector.New(es, postgres.NewReadModels(pool), events.NewRegistry(), nil, nil, projector.Pireps{})
	b.ResetTimer()
	for range b.N {
		if err := p.Rebuild(ctx, "pireps"); err != nil {
			b.Fatal(err)
		}
	}
	b.ReportMetric(float64(n)*float64(b.N)/b.Elapsed().Seconds(), "pireps/s")
}

// rebuildDatabase returns the URL of the benchmark's database, created
// when missing.
func rebuildDatabase(b *testing.B, n int) string {
	ctx := context.Background()
	admin, err := pgx.Connect(ctx, pgtest.AdminURL())
	if err != nil {
		pgtest.Unavailable(b, "PostgreSQL", err)
	}
	defer admin.Close(ctx)
	name := fmt.Sprintf("albatross_rebuild_%d", n)
	var exists bool
	if err := admin.QueryRow(ctx, "SELECT EXISTS (SELECT 1 FROM pg_database WHERE datname = $1)", name).Scan(&exists); err != nil {
		b.Fatal(err)
	}
	if !exists {
		if _, err := admin.Exec(ctx, "CREATE DATABASE "+name); err != nil {
			b.Fatal(err)
		}
	}
	u, err := url.Parse(pgtest.AdminURL())
	if err != nil {
		b.Fatal(err)
	}
	u.Path = "/" + name
	return u.String()
}

// seedRebuildLog appends n PIREPs' events unless the log holds them.
func seedRebuildLog(b *testing.B, es domain.EventStore, n int) {
	ctx := context.Background()
	if h, err := es.Head(ctx); err != nil {
		b.Fatal(err)
	} else if h != (domain.Position{}) {
		return
	}
	tenant := uuid.NewString()
	pilots, aircraft := newIDs(100), newIDs(40)
	base := time.Date(2024, 1, 1, 0, 0, 0, 0, time.UTC)
	work := make(chan int)
	var wg sync.WaitGroup
	var once sync.Once
	var failed error
	for range 4 {
		wg.Add(1)
		go func() {
			defer wg.Done()
			for i := range work {
				if err := appendRebuildPirep(ctx, es, tenant, pilots, aircraft, base, i); err != nil {
					once.Do(func() { failed = err })
				}
			}
		}()
	}
	for i := range n {
		work <- i
	}
	close(work)
	wg.Wait()
	if failed != nil {
		b.Fatal(failed)
	}
}

func newIDs(n int) []string {
	out := make([]string, n)
	for i := range out {
		out[i] = uuid.NewString()
	}
	return out
}

func appendRebuildPirep(ctx context.Context, es domain.EventStore, tenant string, pilots, aircraft []string, base time.Time, i int) error {
	rng := rand.New(rand.NewPCG(uint64(i), 7))
	id := uuid.NewString()
	minutes := 45 + rng.Int32N(600)
	off := base.Add(time.Duration(i) * 10 * time.Minute)
	on := off.Add(time.Duration(minutes+15) * time.Minute)
	pilot := pilots[i%len(pilots)]
	d := &eventsv1.PirepFiled_Details{FlightNumber: fmt.Sprint(i%9999 + 1), DptAirport: "EGLL", ArrAirport: []string{"LPPT", "LPFR", "KJFK"}[i%3],
		AircraftId: aircraft[rng.IntN(len(aircraft))], BlockOff: timestamppb.New(off), BlockOn: timestamppb.New(on), FlightTime: minutes,
		Distance: 500, Level: 35000, FuelUsed: 2000 + 20*minutes, LandingRate: -50 - rng.Int32N(400), Route: "DCT", Source: domain.PirepSourceManual}
	filed := on.Add(5 * time.Minute)
	msgs := []proto.Message{&eventsv1.PirepFiled{PirepId: id, TenantId: tenant, PilotId: pilot, Details: d, Submitted: true, FiledAt: timestamppb.New(filed)}}
	if i%10 != 9 {
		msgs = append(msgs, &eventsv1.PirepAccepted{PirepId: id, ReviewerId: domain.System.UserID, Automatic: true, AcceptedAt: timestamppb.New(filed)})
		if i%10 == 4 {
			msgs = append(msgs, &eventsv1.PirepRejected{PirepId: id, ReviewerId: domain.System.UserID, Reason: "Not plausible.", RejectedAt: timestamppb.New(filed.Add(time.Hour))})
		}
	}
	req := domain.AppendRequest{StreamID: domain.PirepStream(id), TenantID: tenant, Expected: domain.NoStream,
		Meta: domain.Metadata{Actor: pilot, CommandID: uuid.NewString(), CorrelationID: uuid.NewString()}}
	for _, m := range msgs {
		name, data, err := reg.Encode(m)
		if err != nil {
			return err
		}
		req.Events = append(req.Events, domain.NewEvent{Type: name, SchemaVersion: events.SchemaVersion, Data: data})
	}
	_, err := es.Append(ctx, req)
	return err
}
