package projector_test

import (
	"context"
	"testing"

	"github.com/albatross-va/albatross/domain"
)

// TestEditedAndDeletedAwards: an award edited from by-hand to a rule the
// pilot meets already is granted by the reactor, under its new name; a
// deleted award vanishes from the list and from what the pilot holds, and
// a rebuild of the read models leaves it so.
func TestEditedAndDeletedAwards(t *testing.T) {
	forEachEnv(t, func(t *testing.T, e env) {
		ctx := context.Background()
		w := newAwardWorld(t, e, "AWE")
		_, at := w.flyAccepted(t, "1")
		w.last = at
		id := w.define(t, domain.AwardForm{Name: "Someday", Rule: domain.AwardRuleNone})
		if got := w.held(t); len(got) != 0 {
			t.Fatalf("a by-hand award granted itself: %v", got)
		}
		res, err := w.awards.Edit(ctx, as(w.staff), w.airline, id, domain.AwardForm{Name: "First flight", Rule: domain.AwardRuleFlights, Number: "1"}, false)
		must(t, err)
		w.last = res.Position
		if got := w.held(t); !sameSet(got, "First flight") {
			t.Errorf("after the edit to a rule the pilot meets: %v, want First flight", got)
		}
		list, err := w.q.ListAwards(ctx, w.airline)
		must(t, err)
		if len(list) != 1 || list[0].Name != "First flight" || list[0].RuleKind != domain.AwardRuleFlights {
			t.Errorf("the list after the edit: %+v", list)
		}
		res, err = w.awards.Delete(ctx, as(w.staff), w.airline, id)
		must(t, err)
		w.last = res.Position
		if got := w.held(t); len(got) != 0 {
			t.Errorf("after the deletion the pilot holds %v", got)
		}
		must(t, w.p.Rebuild(ctx, "awards"))
		if got := w.held(t); len(got) != 0 {
			t.Errorf("after a rebuild the pilot holds %v", got)
		}
		if list, _ := w.q.ListAwards(ctx, w.airline); len(list) != 0 {
			t.Errorf("after a rebuild the list has %+v", list)
		}
	})
}
