package projector_test

import (
	"context"
	"errors"
	"slices"
	"sync"
	"testing"

	"google.golang.org/protobuf/proto"

	"github.com/albatross-va/albatross/domain"
	"github.com/albatross-va/albatross/domain/events"
	eventsv1 "github.com/albatross-va/albatross/domain/events/v1"
	"github.com/albatross-va/albatross/reactors"
	"github.com/albatross-va/albatross/store/postgres"
	"github.com/albatross-va/albatross/store/projector"
	"github.com/albatross-va/albatross/store/reads"
	"github.com/albatross-va/albatross/store/sqlite"
)

// reactorCheckpoints are the env's reactor checkpoints: beside the log.
func reactorCheckpoints(e env) projector.ReactorCheckpoints {
	if e.pool != nil {
		return postgres.NewReactorCheckpoints(e.pool)
	}
	return e.es.(*sqlite.EventStore).ReactorCheckpoints()
}

// crashAfterReacting is a process that dies after its reactor has sent its
// commands and before the checkpoint is stored.
type crashAfterReacting struct{ projector.ReactorCheckpoints }

var errCrash = errors.New("the process died before storing the checkpoint")

func (c crashAfterReacting) Hold(ctx context.Context, reactor string, fn func(cp projector.ReactorCheckpoint) (projector.ReactorCheckpoint, error)) (bool, error) {
	return c.ReactorCheckpoints.Hold(ctx, reactor, func(at projector.ReactorCheckpoint) (projector.ReactorCheckpoint, error) {
		if _, err := fn(at); err != nil {
			return at, err
		}
		return at, errCrash
	})
}

// thanks is a reactor whose reaction always appends: a comment on every
// accepted PIREP. Only the derived command id keeps it from commenting
// twice when it reacts to the same acceptance again.
type thanks struct{ pireps *domain.Pireps }

func (thanks) Name() string { return "thanks" }
func (thanks) Handles(eventType string) bool {
	return eventType == events.TypeName(&eventsv1.PirepAccepted{})
}
func (thanks) Reads() []string { return nil }
func (th thanks) React(ctx context.Context, meta domain.CommandMeta, ev domain.RecordedEvent, msg proto.Message) (domain.Position, error) {
	_, res, err := th.pireps.Comment(ctx, meta, ev.TenantID, msg.(*eventsv1.PirepAccepted).PirepId, "Thank you for flying.")
	return res.Position, err
}

// A promotion follows each acceptance exactly once: when the process dies
// between the reaction's command and the reactor's checkpoint, after a
// restart, with two processes running at once, and after a rebuild of
// every read model, which never runs a reactor again.
func TestReactionsHappenOnceThroughCrashesProcessesAndRebuilds(t *testing.T) {
	forEachEnv(t, func(t *testing.T, e env) {
		ctx := context.Background()
		w := newCareerWorld(t, e, "React Air", "RCT", "react-air")
		cadet := w.saveRank(t, domain.RankForm{Name: "Cadet", MinHours: "0", AutoPromote: true})
		fo := w.saveRank(t, domain.RankForm{Name: "First Officer", MinHours: "10", AutoPromote: true})
		var last domain.Position
		file := func(num string) string {
			t.Helper()
			id, at := w.flyAccepted(t, num)
			last = at
			return id
		}
		comments := func(pirepID string) int {
			t.Helper()
			recs, err := e.es.ReadStream(ctx, domain.PirepStream(pirepID), 0)
			must(t, err)
			n := 0
			for _, rec := range recs {
				if rec.Type == events.TypeName(&eventsv1.PirepCommentAdded{}) {
					n++
				}
			}
			return n
		}
		promotions := func() []string {
			t.Helper()
			recs, err := e.es.ReadStream(ctx, domain.CareerStream(w.pilot.UserID), 0)
			must(t, err)
			var out []string
			for _, rec := range recs {
				msg, err := reg.Decode(rec.Type, rec.Data)
				must(t, err)
				if rs, ok := msg.(*eventsv1.PilotRankSet); ok {
					out = append(out, rs.RankId)
					if rec.Meta.Actor != domain.System.UserID || rec.Meta.CommandID == "" {
						t.Errorf("a promotion by %q with command id %q, want the system's with a derived id", rec.Meta.Actor, rec.Meta.CommandID)
					}
				}
			}
			return out
		}
		newProcess := func(cps projector.ReactorCheckpoints) *projector.Projector {
			p := projector.New(e.es, e.backend, reg, nil, nil, projector.All()...)
			return p.WithReactors(cps, reactors.Promotions{ReadModels: reads.New(e.backend.Reader()), Ranks: w.ranks}, thanks{w.pireps})
		}
		cps := reactorCheckpoints(e)

		// Two 6:30 flights: the first makes the pilot a Cadet, the second a
		// First Officer. The process dies after reacting.
		first := file("1")
		waitVisible(t, e.es, last)
		must(t, newProcess(crashAfterReacting{cps}).CatchUp(ctx))
		if got := promotions(); len(got) != 1 || got[0] != cadet {
			t.Fatalf("after the first acceptance: %v, want [Cadet]", got)
		}
		if cp, err := cps.Get(ctx, "promotions"); err != nil || cp.At != domain.Start {
			t.Fatalf("the crashed reactor's checkpoint: %v %v, want the start", cp, err)
		}
		// The restart reacts again to the same acceptance: nothing new.
		must(t, newProcess(cps).CatchUp(ctx))
		if got := promotions(); len(got) != 1 {
			t.Fatalf("after the restart: %v, want the one promotion", got)
		}
		if n := comments(first); n != 1 {
			t.Fatalf("the first PIREP has %d comments after a crash and a restart, want 1", n)
		}

		// Two processes at once, both after the second acceptance.
		second := file("2")
		waitVisible(t, e.es, last)
		var wg sync.WaitGroup
		errs := make([]error, 2)
		for i := range errs {
			wg.Add(1)
			go func() { defer wg.Done(); errs[i] = newProcess(cps).CatchUp(ctx) }()
		}
		wg.Wait()
		must(t, errors.Join(errs...))
		p := newProcess(cps)
		must(t, p.CatchUp(ctx)) // whichever held the lock, this one sees the end
		if got := promotions(); len(got) != 2 || got[1] != fo {
			t.Fatalf("after the second acceptance: %v, want [Cadet, First Officer]", got)
		}
		if n := comments(second); n != 1 {
			t.Fatalf("the second PIREP has %d comments after two processes reacted, want 1", n)
		}

		// A rejection of an accepted PIREP takes its hours back.
		res, err := w.pireps.Reject(ctx, as(w.staff), w.airline, first, "Wrong aircraft")
		must(t, err)
		waitVisible(t, e.es, res.Position)
		must(t, p.CatchUp(ctx))
		if got := promotions(); len(got) != 3 || got[2] != cadet {
			t.Fatalf("after the rejection: %v, want [Cadet, First Officer, Cadet]", got)
		}

		// A rebuild of every read model reacts to nothing again.
		streamLengths := func() []int {
			t.Helper()
			var out []int
			for _, id := range []string{domain.CareerStream(w.pilot.UserID), domain.PirepStream(first), domain.PirepStream(second)} {
				recs, err := e.es.ReadStream(ctx, id, 0)
				must(t, err)
				out = append(out, len(recs))
			}
			return out
		}
		before := streamLengths()
		must(t, p.Rebuild(ctx, ""))
		must(t, p.CatchUp(ctx))
		if after := streamLengths(); !slices.Equal(after, before) {
			t.Errorf("the rebuild appended events: the career and PIREP streams hold %v events, were %v", after, before)
		}
		if got := promotions(); len(got) != 3 || comments(first) != 1 || comments(second) != 1 {
			t.Errorf("after the rebuild: %v and %d, %d comments, want the three promotions and a comment each", got, comments(first), comments(second))
		}
	})
}
