package projector_test

import (
	"context"
	"errors"
	"fmt"
	"io"
	"testing"
	"time"

	"github.com/google/uuid"
	"google.golang.org/protobuf/proto"

	"github.com/albatross-va/albatross/domain"
	"github.com/albatross-va/albatross/store/notify"
	"github.com/albatross-va/albatross/store/projector"
	"github.com/albatross-va/albatross/store/readmodel"
)

// clashing is the airlines projection with one bad event: applying the
// event of stream bad also writes an airline whose slug another airline
// holds, which the read model refuses (a conflict), as PostgreSQL refuses a NUL.
// On PostgreSQL the refusal only surfaces when the batch's writes are sent.
type clashing struct {
	projector.Airlines
	bad, takenSlug string
	fail           error // when set, Apply of bad returns it instead
}

func (c *clashing) Apply(ctx context.Context, q readmodel.Querier, ev domain.RecordedEvent, msg proto.Message) ([]notify.Notice, error) {
	ns, err := c.Airlines.Apply(ctx, q, ev, msg)
	if err != nil || ev.StreamID != c.bad {
		return ns, err
	}
	if c.fail != nil {
		return nil, c.fail
	}
	return ns, q.UpsertAirline(ctx, readmodel.UpsertAirlineParams{
		ID: uuid.New(), Name: "Clash", Icao: "CLA", Slug: c.takenSlug, CreatedAt: time.Now(),
		PilotIDPrefix: "CLA", Registration: domain.RegistrationApproval,
	})
}

func streamOf(t *testing.T, es domain.EventStore, pos domain.Position) string {
	t.Helper()
	evs, err := es.ReadAll(context.Background(), domain.Start, 1000)
	if err != nil {
		t.Fatal(err)
	}
	for _, ev := range evs {
		if ev.Position == pos {
			return ev.StreamID
		}
	}
	t.Fatalf("no event at %s", pos)
	return ""
}

// An event a projection cannot apply is set aside, the batch it was in is
// applied without it, and the events after it are applied: the read side
// never stops on one event. Retry tries it again and keeps it aside while it
// still fails.
func TestEventThatCannotApplyIsQuarantined(t *testing.T) {
	forEachEnv(t, func(t *testing.T, e env) {
		ctx := context.Background()
		all := createAirlines(t, e.es, 0, 6)
		bad := all[3]
		pr := &clashing{bad: streamOf(t, e.es, bad.pos), takenSlug: all[0].slug}
		p := projector.New(e.es, e.backend, reg, nil, nil, pr)
		if err := p.CatchUp(ctx); err != nil {
			t.Fatalf("CatchUp over an event that cannot apply: %v", err)
		}
		// The bad event's own airline row rolled back with it.
		want := append(append([]created{}, all[:3]...), all[4:]...)
		checkRows(t, e.backend.Reader(), want)
		if cp := checkpointOf(t, e.backend, "airlines"); cp != all[5].pos {
			t.Errorf("checkpoint = %s, want the head %s", cp, all[5].pos)
		}
		qs, err := p.Quarantined(ctx)
		if err != nil {
			t.Fatal(err)
		}
		if len(qs) != 1 || qs[0].Projection != "airlines" || qs[0].CommitTx != bad.pos.Commit || qs[0].Seq != bad.pos.Seq ||
			qs[0].StreamID != pr.bad || qs[0].Error == "" || qs[0].QuarantinedAt.IsZero() {
			t.Fatalf("quarantined = %+v, want the event at %s", qs, bad.pos)
		}
		// Events after it keep coming and applying.
		more := createAirlines(t, e.es, 6, 2)
		if err := p.CatchUp(ctx); err != nil {
			t.Fatal(err)
		}
		want = append(want, more...)
		checkRows(t, e.backend.Reader(), want)

		// Retry while the cause remains: still aside, nothing else lost.
		if n, err := p.Retry(ctx); err != nil || n != 1 {
			t.Fatalf("Retry = %d, %v; want 1 still failing", n, err)
		}
		checkRows(t, e.backend.Reader(), want)
		// After a fix, Retry applies it and empties the quarantine.
		pr.bad = ""
		if n, err := p.Retry(ctx); err != nil || n != 0 {
			t.Fatalf("Retry after the fix = %d, %v; want 0", n, err)
		}
		checkRows(t, e.backend.Reader(), append(want, bad))
		if qs, err := p.Quarantined(ctx); err != nil || len(qs) != 0 {
			t.Errorf("quarantined after the fixed retry = %+v, %v", qs, err)
		}
	})
}

// A domain error of Apply is the event's fault too; a failure that is not
// (a lost connection) is retried and sets nothing aside.
func TestOnlyEventErrorsQuarantine(t *testing.T) {
	forEachEnv(t, func(t *testing.T, e env) {
		ctx := context.Background()
		all := createAirlines(t, e.es, 0, 4)
		pr := &clashing{bad: streamOf(t, e.es, all[1].pos), fail: fmt.Errorf("read: %w", io.ErrUnexpectedEOF)}
		p := projector.New(e.es, e.backend, reg, nil, nil, pr)
		if err := p.CatchUp(ctx); !errors.Is(err, io.ErrUnexpectedEOF) {
			t.Fatalf("CatchUp over a lost connection: %v, want it returned", err)
		}
		if qs, err := p.Quarantined(ctx); err != nil || len(qs) != 0 {
			t.Fatalf("a lost connection quarantined %+v, %v", qs, err)
		}
		pr.fail = domain.Errorf(domain.EInvalid, "no such thing")
		if err := p.CatchUp(ctx); err != nil {
			t.Fatalf("CatchUp over a domain error: %v", err)
		}
		if qs, err := p.Quarantined(ctx); err != nil || len(qs) != 1 || qs[0].Seq != all[1].pos.Seq {
			t.Fatalf("quarantined = %+v, %v; want the event at %s", qs, err, all[1].pos)
		}
		checkRows(t, e.backend.Reader(), []created{all[0], all[2], all[3]})

		// A projection's own refusal of the data, not the database's.
		more := createAirlines(t, e.es, 4, 2)
		pr.bad, pr.fail = streamOf(t, e.es, more[0].pos), errors.New(`airline id "x": invalid UUID length: 1`)
		if err := p.CatchUp(ctx); err != nil {
			t.Fatalf("CatchUp over a malformed id: %v", err)
		}
		if qs, err := p.Quarantined(ctx); err != nil || len(qs) != 2 || qs[1].Seq != more[0].pos.Seq {
			t.Fatalf("quarantined = %+v, %v; want the event at %s too", qs, err, more[0].pos)
		}
		checkRows(t, e.backend.Reader(), []created{all[0], all[2], all[3], more[1]})
	})
}

// An event of a known type whose data does not decode is set aside by each
// projection that reads it.
func TestUndecodableEventIsQuarantined(t *testing.T) {
	forEachEnv(t, func(t *testing.T, e env) {
		ctx := context.Background()
		before := createAirlines(t, e.es, 0, 2)
		res, err := e.es.Append(ctx, domain.AppendRequest{
			StreamID: "airline-broken", TenantID: uuid.NewString(), Expected: domain.NoStream,
			Events: []domain.NewEvent{{Type: "albatross.events.v1.AirlineCreated", SchemaVersion: 1, Data: []byte{0, 1, 2, 0xff, 0}}},
			Meta:   domain.Metadata{Actor: "test"},
		})
		if err != nil {
			t.Fatalf("append: %v", err)
		}
		after := createAirlines(t, e.es, 2, 2)
		p := projector.New(e.es, e.backend, reg, nil, nil, projector.All()...)
		if err := p.CatchUp(ctx); err != nil {
			t.Fatalf("CatchUp over an undecodable event: %v", err)
		}
		checkRows(t, e.backend.Reader(), append(before, after...))
		qs, err := p.Quarantined(ctx)
		if err != nil || len(qs) == 0 {
			t.Fatalf("quarantined = %+v, %v; want the undecodable event", qs, err)
		}
		for _, q := range qs {
			if q.Seq != res.Position.Seq {
				t.Errorf("quarantined %+v, want only the event at %s", q, res.Position)
			}
		}
	})
}
