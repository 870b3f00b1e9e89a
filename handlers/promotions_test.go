package handlers_test

import (
	"context"
	"net/http"
	"net/url"
	"strings"
	"testing"

	"github.com/albatross-va/albatross/domain"
	eventsv1 "github.com/albatross-va/albatross/domain/events/v1"
)

// A pilot whose rank auto-accepts files a 55-minute PIREP: it is accepted
// at once, and the promotion follows it as it follows a staff acceptance.
// The page the pilot opens next already shows the new rank: the filing
// waited for the reaction, not only for the projections.
func TestAnAutoAcceptedPirepPromotesItsPilot(t *testing.T) {
	for _, m := range []mode{embedded, postgres} {
		t.Run(string(m), func(t *testing.T) { checkAutoAcceptPromotion(t, newMatrixWorld(t, m)) })
	}
}

func checkAutoAcceptPromotion(t *testing.T, w *matrixWorld) {
	ctx := context.Background()
	a := w.airlines["A"]
	pilot, staff := w.actors[1], w.actors[2]
	w.session(t, pilot)
	w.session(t, staff)
	for _, r := range []url.Values{
		{"name": {"Cadet"}, "min_hours": {"0"}, "auto_accept": {"1"}},
		{"name": {"First Officer"}, "min_hours": {"0:30"}, "auto_promote": {"1"}},
	} {
		if resp, body := w.sendForm(t, staff, "/airlines/"+a.id+"/ranks", r); resp.StatusCode != http.StatusSeeOther {
			t.Fatalf("add rank %s: %d %.300s", r.Get("name"), resp.StatusCode, body)
		}
	}
	w.settle(t)
	ranks, err := w.rm.ListRanks(ctx, a.id)
	must(t, err)
	byName := map[string]string{}
	for _, r := range ranks {
		byName[r.Name] = r.ID.String()
	}
	if _, err := w.ranks.SetByHand(ctx, domain.CommandMeta{ID: domain.NewUUID(), Who: domain.System}, a.id, a.pirepPilotID, byName["Cadet"]); err != nil {
		t.Fatal(err)
	}
	w.settle(t)

	form := pirepForm("77", a.flown)
	form.Set("submit", "1")
	resp, body := w.sendForm(t, pilot, "/airlines/"+a.id+"/pireps", form)
	if resp.StatusCode != http.StatusSeeOther {
		t.Fatalf("file: %d %.300s", resp.StatusCode, body)
	}
	_, body = getAs(t, pilot.client, w.URL+resp.Header.Get("Location"), nil)
	if st, _ := doc(t, body).Find(`[data-testid="pirep-state"]`).Attr("data-state"); st != "accepted" {
		t.Fatalf("the filed PIREP is %q, want accepted at once", st)
	}
	// No settle: the rank must be there on the very next page.
	_, body = getAs(t, pilot.client, w.URL+"/airlines/"+a.id+"/dashboard", nil)
	if got := text(doc(t, body), "dashboard-rank"); got != "First Officer" {
		t.Errorf("the dashboard after the auto-accepted filing shows rank %q, want First Officer", got)
	}

	// Exactly one promotion, sent by the system, not by a person.
	career, err := w.es.ReadStream(ctx, domain.CareerStream(a.pirepPilotID), 0)
	must(t, err)
	var promotions []*eventsv1.PilotRankSet
	for _, rec := range career {
		msg, err := w.runner.Registry.Decode(rec.Type, rec.Data)
		must(t, err)
		if rs, ok := msg.(*eventsv1.PilotRankSet); ok && !rs.ByHand {
			promotions = append(promotions, rs)
			if rec.Meta.Actor != domain.System.UserID {
				t.Errorf("the promotion's actor is %q, want the system", rec.Meta.Actor)
			}
		}
	}
	if len(promotions) != 1 || promotions[0].RankId != byName["First Officer"] {
		t.Errorf("promotions after the filing: %v, want one to First Officer", promotions)
	}
	// The pilot's history says it was Albatross's, on their own filing.
	_, body = getAs(t, staff.client, w.URL+"/airlines/"+a.id+"/people/"+a.pirepPilotID, nil)
	if entries := historyEntries(t, body); len(entries) == 0 ||
		!strings.HasSuffix(entries[len(entries)-1], "Rank now First Officer, from their hours by Albatross, when they filed a PIREP their rank accepts at once") {
		t.Errorf("the pilot's history after the auto-accepted filing: %q", entries)
	}
}
