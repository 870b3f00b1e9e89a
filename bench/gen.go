package main

import (
	"context"
	"encoding/binary"
	"encoding/hex"
	"fmt"
	"log/slog"
	"sync/atomic"
	"time"

	"google.golang.org/protobuf/types/known/timestamppb"

	"github.com/albatross-va/albatross/domain"
	"github.com/albatross-va/albatross/domain/events"
	eventsv1 "github.com/albatross-va/albatross/domain/events/v1"
)

// streamsPerWriter is how many streams each append writer owns; it cycles
// through them, appending with the exact expected version each time.
const streamsPerWriter = 8

// gen makes AirlineCreated events and append operations. Every id, command
// id and slug it hands out is unique within the run.
type gen struct {
	reg  *events.Registry
	run  uint32 // distinguishes runs sharing a database (not needed today)
	next atomic.Uint64
	now  time.Time
}

func newGen(reg *events.Registry) *gen {
	return &gen{reg: reg, run: uint32(time.Now().UnixNano()), now: time.Now().UTC().Truncate(time.Microsecond)}
}

// id returns a new unique UUID-shaped id (version 4 layout) without the cost
// of crypto/rand, which matters for a million events.
func (g *gen) id() string {
	n := g.next.Add(1)
	var b [16]byte
	binary.BigEndian.PutUint32(b[0:4], g.run)
	binary.BigEndian.PutUint64(b[8:16], n)
	binary.BigEndian.PutUint32(b[4:8], uint32(n>>40)^0x5eed)
	b[6] = b[6]&0x0f | 0x40
	b[8] = b[8]&0x3f | 0x80
	h := hex.EncodeToString(b[:])
	return h[0:8] + "-" + h[8:12] + "-" + h[12:16] + "-" + h[16:20] + "-" + h[20:]
}

// airline returns the AirlineCreated event of airline number n, the size of
// a real one: a uuid, a name, ICAO and IATA codes, a unique slug, a time.
func (g *gen) airline(id string, n uint64) *eventsv1.AirlineCreated {
	return &eventsv1.AirlineCreated{
		AirlineId: id,
		Name:      fmt.Sprintf("Benchmark Virtual Airways %07d", n),
		Icao:      letters(n, 3),
		Iata:      letters(n/7, 2),
		Slug:      fmt.Sprintf("bench-virtual-%07d", n),
		CreatedAt: timestamppb.New(g.now),
	}
}

// letters spells n in base 26, k letters, A to Z.
func letters(n uint64, k int) string {
	b := make([]byte, k)
	for i := k - 1; i >= 0; i-- {
		b[i] = byte('A' + n%26)
		n /= 26
	}
	return string(b)
}

// row is one event with its command, as both an event store append and a
// raw baseline insert write it.
type eventRow struct {
	streamID string
	version  int64
	tenantID string
	typ      string
	schema   int32
	data     []byte
	meta     domain.Metadata
}

// request is the one-event append of the row, with the exact expected version.
func (r eventRow) request() domain.AppendRequest {
	return domain.AppendRequest{
		StreamID: r.streamID,
		TenantID: r.tenantID,
		Expected: domain.ExpectedVersion(r.version - 1),
		Events:   []domain.NewEvent{{Type: r.typ, SchemaVersion: r.schema, Data: r.data}},
		Meta:     r.meta,
	}
}

// newRow makes the next event of a stream of airline airlineID.
func (g *gen) newRow(airlineID string, version int64) (eventRow, error) {
	n := g.next.Add(1)
	name, data, err := g.reg.Encode(g.airline(airlineID, n))
	if err != nil {
		return eventRow{}, err
	}
	cmd := g.id()
	return eventRow{
		streamID: domain.AirlineStream(airlineID),
		version:  version,
		tenantID: airlineID,
		typ:      name,
		schema:   events.SchemaVersion,
		data:     data,
		meta: domain.Metadata{
			Actor:         "9b1f6c1e-3a57-4d0e-8a51-5b8c2f0e7d11",
			CommandID:     cmd,
			CorrelationID: "req-" + cmd[:18],
			CausationID:   cmd,
			RecordedAt:    g.now,
		},
	}, nil
}

// appendWork splits n one-event appends over writers: each writer owns
// streamsPerWriter fresh streams and appends to them in turn, so the
// expected version of every append is known in advance and never conflicts.
func (g *gen) appendWork(n, writers int) ([][]eventRow, error) {
	work := make([][]eventRow, writers)
	for w := range work {
		count := n / writers
		if w < n%writers {
			count++
		}
		streams := make([]string, streamsPerWriter)
		for i := range streams {
			streams[i] = g.id()
		}
		work[w] = make([]eventRow, 0, count)
		for j := range count {
			r, err := g.newRow(streams[j%streamsPerWriter], int64(j/streamsPerWriter)+1)
			if err != nil {
				return nil, err
			}
			work[w] = append(work[w], r)
		}
	}
	return work, nil
}

// appendCase is one way of appending a set of rows: the event store or a
// raw baseline. It returns how long the rows took.
type appendCase struct {
	name string
	do   func(ctx context.Context, work [][]eventRow) (time.Duration, error)
}

// measureAppends runs every case with every writer count for the given
// rounds, rotating the cases' order each round so that neither always runs
// on a warmer or a busier machine, and returns the events/s of each round
// by [writers, case index].
func (g *gen) measureAppends(ctx context.Context, log *slog.Logger, label string, rounds, appends int, writers []int, cases []appendCase) (map[[2]int][]float64, error) {
	rates := map[[2]int][]float64{}
	for round := range rounds {
		for _, w := range writers {
			for i := range cases {
				k := (i + round + w) % len(cases)
				work, err := g.appendWork(appends, w)
				if err != nil {
					return nil, err
				}
				d, err := cases[k].do(ctx, work)
				if err != nil {
					return nil, fmt.Errorf("%s, %d writers: %w", cases[k].name, w, err)
				}
				rate := float64(appends) / d.Seconds()
				rates[[2]int{w, k}] = append(rates[[2]int{w, k}], rate)
				log.Info(label, "round", round+1, "writers", w, "kind", cases[k].name,
					"appends", appends, "took", d.Round(time.Millisecond), "events_per_s", int(rate))
			}
		}
	}
	return rates, nil
}
