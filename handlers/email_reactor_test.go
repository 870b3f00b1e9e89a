package handlers_test

import (
	"context"
	"log/slog"
	"net/http"
	"net/url"
	"path/filepath"
	"strings"
	"testing"
	"time"

	"github.com/albatross-va/albatross/domain"
	"github.com/albatross-va/albatross/mail"
	"github.com/albatross-va/albatross/mail/mailpittest"
	"github.com/albatross-va/albatross/reactors"
	"github.com/albatross-va/albatross/store/projector"
	"github.com/albatross-va/albatross/store/reads"
	"github.com/albatross-va/albatross/store/sqlite"
)

// Staff decisions reach the people they are about by email, from the
// airline, with the reason; each once, however often the reactor runs;
// an unsubscribe link stops that kind without a login, and the account
// page turns it on again.
func TestDecisionsAreEmailedOnceAndUnsubscribeStopsThatKind(t *testing.T) {
	for _, m := range []mode{embedded, postgres} {
		t.Run(string(m), func(t *testing.T) {
			srv := mailpittest.Start(t)
			w := newMatrixWorld(t, m, withMailpit(srv))
			checkDecisionEmails(t, w, srv)
		})
	}
}

func checkDecisionEmails(t *testing.T, w *matrixWorld, srv *mailpittest.Server) {
	ctx := context.Background()
	a, b := w.airlines["A"], w.airlines["B"]
	pilot, staffA, staffB := w.actors[1], w.actors[2], w.actors[3]
	for _, ac := range []*actor{pilot, staffA, staffB} {
		w.session(t, ac)
	}
	must := func(resp *http.Response, body string) {
		t.Helper()
		if resp.StatusCode != http.StatusSeeOther && resp.StatusCode != http.StatusOK {
			t.Fatalf("%s: %d %.300s", resp.Request.URL.Path, resp.StatusCode, body)
		}
	}

	// Registrations: approved, and rejected with the reason.
	must(w.sendForm(t, staffA, "/airlines/"+a.id+"/people/"+a.approvee+"/approve", url.Values{}))
	msg := srv.WaitFor(t, "approvee-airline-a@example.com", "registration is approved", 1)
	if msg.From.Name != "Airline A" || !strings.Contains(msg.Text, "ALA0") || len(msg.Headers["List-Unsubscribe-Post"]) != 1 {
		t.Errorf("approval email: from %q, text %q, headers %v", msg.From.Name, msg.Text, msg.Headers["List-Unsubscribe-Post"])
	}
	must(w.sendForm(t, staffA, "/airlines/"+a.id+"/people/"+a.rejectee+"/reject", url.Values{"reason": {"No callsign given"}}))
	msg = srv.WaitFor(t, "rejectee-airline-a@example.com", "not approved", 1)
	if !strings.Contains(msg.Text, "No callsign given") || !strings.Contains(msg.HTML, "No callsign given") {
		t.Errorf("rejection email lacks the reason: %q", msg.Text)
	}

	// A PIREP rejected, with the reason, by airline B's staff.
	must(w.sendForm(t, staffB, "/airlines/"+b.id+"/pireps/"+b.pirep+"/reject", url.Values{"reason": {"Wrong aircraft for the route"}}))
	msg = srv.WaitFor(t, "target-airline-b@example.com", "was rejected", 1)
	if msg.From.Name != "Airline B" || !strings.Contains(msg.Text, "Wrong aircraft for the route") || !strings.Contains(msg.HTML, "Wrong aircraft for the route") {
		t.Errorf("PIREP rejection: from %q, text %q", msg.From.Name, msg.Text)
	}

	// A PIREP accepted; its unsubscribe link is posted as a mail program
	// does: no session, no CSRF token.
	must(w.sendForm(t, staffA, "/airlines/"+a.id+"/pireps/"+a.pirep+"/accept", url.Values{}))
	msg = srv.WaitFor(t, "pilot-a@example.com", "was accepted", 1)
	list := msg.Headers["List-Unsubscribe"]
	if len(list) != 1 || !strings.HasPrefix(list[0], "<"+testPublicURL+"/email/unsubscribe?") {
		t.Fatalf("List-Unsubscribe = %v", list)
	}
	unsub := w.URL + strings.TrimPrefix(strings.Trim(list[0], "<>"), testPublicURL)
	if !strings.Contains(msg.Text, strings.Trim(list[0], "<>")) {
		t.Errorf("the text part lacks the unsubscribe link")
	}
	// A tampered link changes nothing.
	if resp, _ := post(t, newClient(), strings.Replace(unsub, "k=pirep_reviewed", "k=promotion", 1), url.Values{"List-Unsubscribe": {"One-Click"}}); resp.StatusCode != http.StatusUnprocessableEntity {
		t.Errorf("a tampered link: %d, want 422", resp.StatusCode)
	}
	if resp, body := getAs(t, newClient(), unsub, nil); resp.StatusCode != http.StatusOK || find(body, `[data-testid="unsubscribe-form"]`) == "" {
		t.Errorf("the link opened in a browser asks first: %d", resp.StatusCode)
	}
	if resp, body := post(t, newClient(), unsub, url.Values{"List-Unsubscribe": {"One-Click"}}); resp.StatusCode != http.StatusOK || find(body, `[data-testid="unsubscribed"]`) == "" {
		t.Fatalf("one-click unsubscribe: %d", resp.StatusCode)
	}
	// Taken back: no email about it now. A later decision's email arriving
	// shows the reactor is past the rejection.
	must(w.sendForm(t, staffA, "/airlines/"+a.id+"/pireps/"+a.pirep+"/reject", url.Values{"reason": {"Found a gap in the log"}}))
	must(w.sendForm(t, staffB, "/airlines/"+b.id+"/people/"+b.approvee+"/approve", url.Values{}))
	srv.WaitFor(t, "approvee-airline-b@example.com", "registration is approved", 1)
	if n := srv.Count(t, "pilot-a@example.com", "was rejected"); n != 0 {
		t.Errorf("%d PIREP emails after unsubscribing", n)
	}
	// The account page shows the choice, and turns it on again.
	_, body := getAs(t, pilot.client, w.URL+"/account/email", nil)
	if _, on := findAttr(body, `[data-testid="choice-pirep_reviewed"]`, "checked"); on {
		t.Error("the account page shows PIREP emails on after unsubscribing")
	}
	if _, on := findAttr(body, `[data-testid="choice-promotion"]`, "checked"); !on {
		t.Error("the account page shows promotion emails off")
	}
	resp, body := w.sendForm(t, pilot, "/account/email", url.Values{"on": {"pirep_reviewed", "promotion", "registration", "award"}})
	if _, on := findAttr(body, `[data-testid="choice-pirep_reviewed"]`, "checked"); resp.StatusCode != http.StatusOK || !on || find(body, `[data-testid="choices-saved"]`) == "" {
		t.Fatalf("turn PIREP emails on: %d", resp.StatusCode)
	}
	if resp, _ := w.sendForm(t, pilot, "/account/email", url.Values{"on": {"no_such_kind"}}); resp.StatusCode != http.StatusUnprocessableEntity {
		t.Errorf("an unknown kind: %d, want 422", resp.StatusCode)
	}
	must(w.sendForm(t, staffA, "/airlines/"+a.id+"/pireps/"+a.pirep+"/accept", url.Values{}))
	srv.WaitFor(t, "pilot-a@example.com", "was accepted", 2)

	// An award granted is emailed, with why, and can be unsubscribed from
	// on its own.
	if _, err := (&domain.Awards{Runner: w.runner, IDs: domain.RandomIDs{}}).GrantByHand(ctx, domain.CommandMeta{ID: domain.NewUUID(), Who: domain.System},
		a.id, a.pirepPilotID, a.award, "Flew the group event"); err != nil {
		t.Fatal(err)
	}
	msg = srv.WaitFor(t, "pilot-a@example.com", "You were granted an award: Matrix award", 1)
	if !strings.Contains(msg.Text, "Flew the group event") || len(msg.Headers["List-Unsubscribe"]) != 1 ||
		!strings.Contains(msg.Headers["List-Unsubscribe"][0], "k=award") {
		t.Errorf("award email: %q %v", msg.Text, msg.Headers["List-Unsubscribe"])
	}

	// A new rank is emailed too.
	if _, err := w.ranks.SetByHand(ctx, domain.CommandMeta{ID: domain.NewUUID(), Who: domain.System}, a.id, a.pirepPilotID, a.rank); err != nil {
		t.Fatal(err)
	}
	msg = srv.WaitFor(t, "pilot-a@example.com", "Your new rank: Matrix Captain", 1)
	if !strings.Contains(msg.Text, "Matrix Captain") || len(msg.Headers["List-Unsubscribe"]) != 1 {
		t.Errorf("promotion email: %q %v", msg.Text, msg.Headers["List-Unsubscribe"])
	}

	// The reactor run over the whole log again (a crash, a second process)
	// queues nothing more.
	all, err := w.es.ReadAll(ctx, domain.Start, 1<<20)
	if err != nil {
		t.Fatal(err)
	}
	signer, err := mail.NewSigner(ctx, w.mail) // the deployment's key, as stored
	if err != nil {
		t.Fatal(err)
	}
	again := reactors.Emails{ReadModels: reads.New(w.rm), Streams: w.es, Mailer: w.mailer, Signer: signer, PublicURL: testPublicURL}
	for _, ev := range all {
		if !again.Handles(ev.Type) {
			continue
		}
		msg, err := w.runner.Registry.Decode(ev.Type, ev.Data)
		if err != nil {
			t.Fatal(err)
		}
		if _, err := again.React(ctx, projector.ReactionMeta(again.Name(), ev), ev, msg); err != nil {
			t.Fatalf("react again to %s: %v", ev.Type, err)
		}
	}
	// Events older than a day are not mailed about: a deployment that turns
	// email on does not mail its history. Into an empty outbox, the same
	// log run two days on queues nothing; run now, it queues.
	for _, c := range []struct {
		later time.Duration
		want  bool
	}{{48 * time.Hour, false}, {0, true}} {
		sq, err := sqlite.Open(ctx, filepath.Join(t.TempDir(), "events.db"), slog.Default())
		if err != nil {
			t.Fatal(err)
		}
		defer sq.Close()
		fresh, err := sq.Mail(ctx)
		if err != nil {
			t.Fatal(err)
		}
		stale := again
		stale.Mailer = mail.NewMailer(w.mailer.Settings, fresh)
		stale.Now = func() time.Time { return time.Now().Add(c.later) }
		for _, ev := range all {
			if msg, err := w.runner.Registry.Decode(ev.Type, ev.Data); err == nil && stale.Handles(ev.Type) {
				if _, err := stale.React(ctx, projector.ReactionMeta(stale.Name(), ev), ev, msg); err != nil {
					t.Fatal(err)
				}
			}
		}
		_, err = fresh.ByKey(ctx, "event:"+all[len(all)-1].Position.String()+":"+mail.KindPromotion)
		if queued := err == nil; queued != c.want {
			t.Errorf("run %v later: the last promotion queued %v, want %v", c.later, queued, c.want)
		}
	}
	time.Sleep(500 * time.Millisecond) // the worker runs every 100 ms
	for to, subject := range map[string]string{
		"approvee-airline-a@example.com": "registration is approved",
		"rejectee-airline-a@example.com": "not approved",
		"target-airline-b@example.com":   "was rejected",
		"pilot-a@example.com":            "Your new rank",
	} {
		if n := srv.Count(t, to, subject); n != 1 {
			t.Errorf("%s got %d emails about %q, want 1", to, n, subject)
		}
	}
	// People staff added never registered: no "registration approved".
	if n := srv.Count(t, "pilot-a@example.com", "registration"); n != 0 {
		t.Errorf("a pilot staff added got %d registration emails", n)
	}
	if n := srv.Count(t, "pilot-a@example.com", "was accepted"); n != 2 {
		t.Errorf("pilot-a got %d acceptance emails, want 2", n)
	}
}

// Staff post news: each active person of the airline who did not turn
// news off gets it by email, with its text; another airline's people and
// a pilot who turned news off on their account page get nothing.
func TestPostedNewsIsEmailedToTheAirlinesPeopleWhoWantIt(t *testing.T) {
	for _, m := range []mode{embedded, postgres} {
		t.Run(string(m), func(t *testing.T) {
			srv := mailpittest.Start(t)
			w := newMatrixWorld(t, m, withMailpit(srv))
			a := w.airlines["A"]
			pilot, staff := w.actors[1], w.actors[2]
			w.session(t, pilot)
			w.session(t, staff)
			// The admin keeps every kind but news.
			if resp, _ := w.sendForm(t, staff, "/account/email", url.Values{"on": {"pirep_reviewed", "promotion", "registration", "award"}}); resp.StatusCode != http.StatusOK {
				t.Fatalf("turn news off: %d", resp.StatusCode)
			}
			if resp, body := w.sendForm(t, staff, "/airlines/"+a.id+"/news", url.Values{"title": {"Lisbon opens"}, "body": {"**Three** new routes.\n\nBook them now."}}); resp.StatusCode != http.StatusSeeOther {
				t.Fatalf("post news: %d %.300s", resp.StatusCode, body)
			}
			msg := srv.WaitFor(t, pilot.login, "News: Lisbon opens", 1)
			if msg.From.Name != "Airline A" || !strings.Contains(msg.Text, "**Three** new routes.") || !strings.Contains(msg.Text, "Book them now.") ||
				len(msg.Headers["List-Unsubscribe"]) != 1 || !strings.Contains(msg.Headers["List-Unsubscribe"][0], "k=news") {
				t.Errorf("the news email: from %q, text %q, unsubscribe %v", msg.From.Name, msg.Text, msg.Headers["List-Unsubscribe"])
			}
			// A later email to the admin shows the reactor is past the news.
			if resp, _ := w.sendForm(t, staff, "/airlines/"+a.id+"/pireps/"+a.pirep+"/accept", url.Values{}); resp.StatusCode != http.StatusSeeOther {
				t.Fatalf("accept: %d", resp.StatusCode)
			}
			srv.WaitFor(t, a.pirepPilot, "was accepted", 1)
			for _, to := range []string{staff.login, "admin-b@example.com", "target-airline-b@example.com"} {
				if n := srv.Count(t, to, "News: Lisbon opens"); n != 0 {
					t.Errorf("%s got the news %d times, want none", to, n)
				}
			}
			if n := srv.Count(t, pilot.login, "News: Lisbon opens"); n != 1 {
				t.Errorf("the pilot got the news %d times", n)
			}
		})
	}
}
