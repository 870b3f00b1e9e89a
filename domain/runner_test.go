package domain_test

import (
	"context"
	"errors"
	"log/slog"
	"path/filepath"
	"strings"
	"sync"
	"testing"

	"google.golang.org/protobuf/proto"

	"github.com/albatross-va/albatross/domain"
	"github.com/albatross-va/albatross/domain/events"
	eventsv1 "github.com/albatross-va/albatross/domain/events/v1"
	"github.com/albatross-va/albatross/store/sqlite"
)

func newRunner(t *testing.T) *domain.Runner {
	t.Helper()
	es, err := sqlite.Open(context.Background(), filepath.Join(t.TempDir(), "events.db"), slog.Default())
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { es.Close() })
	return &domain.Runner{Store: es, Registry: events.NewRegistry(), Clock: domain.SystemClock{}}
}

// tally is a test aggregate that counts its events and appends one more.
type tally struct{ n int }

func (a *tally) Apply(proto.Message) error { a.n++; return nil }

func appendOne(a *tally, version int64) (domain.Decision, error) {
	if int64(a.n) != version {
		return domain.Decision{}, errors.New("aggregate and version disagree")
	}
	return domain.Decision{Events: []proto.Message{&eventsv1.AirlineCreated{Name: "tick"}}}, nil
}

func TestRunnerRetriesConcurrentCommandsUntilEachLands(t *testing.T) {
	r := newRunner(t)
	r.MaxAttempts = 100
	ref := domain.StreamRef{StreamID: "tally-1", TenantID: "t"}
	const writers = 12
	var wg sync.WaitGroup
	errs := make(chan error, writers)
	for i := 0; i < writers; i++ {
		wg.Add(1)
		go func() {
			defer wg.Done()
			_, err := domain.Execute(context.Background(), r, ref, domain.CommandMeta{ID: domain.NewUUID()},
				func() *tally { return &tally{} }, appendOne)
			errs <- err
		}()
	}
	wg.Wait()
	close(errs)
	for err := range errs {
		if err != nil {
			t.Errorf("command failed: %v", err)
		}
	}
	recs, err := r.Store.ReadStream(context.Background(), ref.StreamID, 0)
	if err != nil {
		t.Fatal(err)
	}
	if len(recs) != writers {
		t.Fatalf("stream has %d events, want one per command (%d)", len(recs), writers)
	}
	for i, rec := range recs {
		if rec.Version != int64(i+1) {
			t.Fatalf("event %d has version %d", i, rec.Version)
		}
	}
}

func TestRunnerReportsAConflictAfterBoundedRetries(t *testing.T) {
	r := newRunner(t)
	r.MaxAttempts = 3
	ref := domain.StreamRef{StreamID: "tally-2", TenantID: "t"}
	attempts := 0
	_, err := domain.Execute(context.Background(), r, ref, domain.CommandMeta{},
		func() *tally { return &tally{} },
		func(a *tally, v int64) (domain.Decision, error) {
			attempts++
			// Someone else appends between our load and our append, every time.
			_, err := r.Store.Append(context.Background(), domain.AppendRequest{
				StreamID: ref.StreamID, TenantID: ref.TenantID, Expected: domain.AnyVersion,
				Events: []domain.NewEvent{{Type: events.TypeName(&eventsv1.AirlineCreated{}), SchemaVersion: 1, Data: []byte{}}},
			})
			if err != nil {
				return domain.Decision{}, err
			}
			return appendOne(a, v)
		})
	if domain.ErrorCode(err) != domain.EConflict {
		t.Fatalf("got %v, want a conflict error", err)
	}
	if attempts != 3 {
		t.Errorf("decided %d times, want 3 attempts", attempts)
	}
	if msg := domain.ErrorMessage(err); msg == "" || errors.Is(err, domain.ErrVersionConflict) {
		t.Errorf("the user-facing error %q should be the domain conflict, not the raw version conflict", msg)
	}
}

func TestCreateAirlineValidatesClaimsAndIsIdempotent(t *testing.T) {
	r := newRunner(t)
	airlines := &domain.Airlines{Runner: r, IDs: domain.RandomIDs{}}
	ctx := context.Background()

	bad := []struct {
		cmd   domain.CreateAirline
		field string
	}{
		{domain.CreateAirline{Name: " ", ICAO: "BAW", Slug: "a"}, "name"},
		{domain.CreateAirline{Name: "X", ICAO: "BA", Slug: "a"}, "icao"},
		{domain.CreateAirline{Name: "X", ICAO: "BAWX", Slug: "a"}, "icao"},
		{domain.CreateAirline{Name: "X", ICAO: "BAW", IATA: "B!", Slug: "a"}, "iata"},
		{domain.CreateAirline{Name: "X", ICAO: "BAW", Slug: "-a"}, "slug"},
		{domain.CreateAirline{Name: "X", ICAO: "BAW", Slug: ""}, "slug"},
	}
	for _, b := range bad {
		_, _, err := airlines.Create(ctx, domain.CommandMeta{Who: domain.System}, b.cmd)
		if domain.ErrorCode(err) != domain.EInvalid || domain.ErrorFields(err)[b.field] == "" {
			t.Errorf("%+v: got %v, want invalid %s", b.cmd, err, b.field)
		}
	}

	cmd := domain.CreateAirline{Name: " Speedbird ", ICAO: "baw", IATA: "ba", Slug: "Speedbird"}
	id, res, err := airlines.Create(ctx, domain.CommandMeta{ID: "cmd-1", Who: domain.System}, cmd)
	if err != nil {
		t.Fatal(err)
	}
	again, res2, err := airlines.Create(ctx, domain.CommandMeta{ID: "cmd-1", Who: domain.System}, cmd)
	if err != nil || again != id || !res2.Duplicate || res2.Position != res.Position {
		t.Errorf("repeating the command id gave %s %+v %v, want the first airline %s again", again, res2, err, id)
	}
	_, _, err = airlines.Create(ctx, domain.CommandMeta{ID: "cmd-1", Who: domain.System}, domain.CreateAirline{Name: "Different", ICAO: "DIF", Slug: "different"})
	if domain.ErrorCode(err) != domain.EConflict || !strings.Contains(domain.ErrorMessage(err), "already used to create Speedbird") {
		t.Errorf("reusing a command id with other values gave %v, want a conflict naming the first airline", err)
	}
	recs, _ := r.Store.ReadStream(ctx, domain.AirlineStream(id), 0)
	if len(recs) != 1 {
		t.Fatalf("airline stream has %d events, want 1", len(recs))
	}
	m, err := r.Registry.Decode(recs[0].Type, recs[0].Data)
	if err != nil {
		t.Fatal(err)
	}
	created := m.(*eventsv1.AirlineCreated)
	if created.Name != "Speedbird" || created.Icao != "BAW" || created.Iata != "BA" || created.Slug != "speedbird" || created.AirlineId != id {
		t.Errorf("stored event %+v is not the normalised command", created)
	}
	if recs[0].TenantID != id || recs[0].Meta.Actor != "system" || recs[0].Meta.CommandID != "cmd-1" {
		t.Errorf("stored metadata %+v / tenant %s", recs[0].Meta, recs[0].TenantID)
	}

	for _, clash := range []struct {
		cmd   domain.CreateAirline
		field string
	}{
		{domain.CreateAirline{Name: "Other", ICAO: "OTH", Slug: "speedbird"}, "slug"},
		{domain.CreateAirline{Name: "Other", ICAO: "BAW", Slug: "other"}, "icao"},
	} {
		_, _, err := airlines.Create(ctx, domain.CommandMeta{ID: domain.NewUUID(), Who: domain.System}, clash.cmd)
		if domain.ErrorCode(err) != domain.EConflict || domain.ErrorFields(err)[clash.field] == "" {
			t.Errorf("%+v: got %v, want a conflict on %s", clash.cmd, err, clash.field)
		}
	}
}

func TestPositionOrderAndText(t *testing.T) {
	a, b, c := domain.Position{Commit: 5, Seq: 9}, domain.Position{Commit: 6, Seq: 2}, domain.Position{Commit: 6, Seq: 3}
	if !b.After(a) || !c.After(b) || a.After(b) || b.After(b) {
		t.Errorf("order by commit then seq is broken")
	}
	p, err := domain.ParsePosition(c.String())
	if err != nil || p != c {
		t.Errorf("round trip of %v gave %v, %v", c, p, err)
	}
	if _, err := domain.ParsePosition("x"); domain.ErrorCode(err) != domain.EInvalid {
		t.Errorf("malformed position: %v", err)
	}
}
