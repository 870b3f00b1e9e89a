package mail_test

import (
	"context"
	"log/slog"
	"path/filepath"
	"strings"
	"testing"
	"time"

	"github.com/jackc/pgx/v5/pgxpool"

	"github.com/albatross-va/albatross/domain"
	"github.com/albatross-va/albatross/mail"
	"github.com/albatross-va/albatross/mail/mailpittest"
	"github.com/albatross-va/albatross/store/pgtest"
	"github.com/albatross-va/albatross/store/postgres"
	"github.com/albatross-va/albatross/store/sqlite"
)

// stores opens the email store of each mode: the data folder's SQLite
// file and a PostgreSQL database of the test's own.
func stores(t *testing.T) map[string]func(t *testing.T) mail.Store {
	return map[string]func(t *testing.T) mail.Store{
		"embedded": func(t *testing.T) mail.Store {
			ctx := context.Background()
			es, err := sqlite.Open(ctx, filepath.Join(t.TempDir(), "events.db"), slog.Default())
			if err != nil {
				t.Fatal(err)
			}
			t.Cleanup(func() { es.Close() })
			s, err := es.Mail(ctx)
			if err != nil {
				t.Fatal(err)
			}
			return s
		},
		"postgres": func(t *testing.T) mail.Store {
			pool, err := pgxpool.New(context.Background(), pgtest.NewDatabase(t))
			if err != nil {
				t.Fatal(err)
			}
			t.Cleanup(pool.Close)
			return postgres.NewMailStore(pool)
		},
	}
}

func TestSentEmailHasTextAndHTMLPartsAndTheAirlineAsSender(t *testing.T) {
	srv := mailpittest.Start(t)
	for name, open := range stores(t) {
		t.Run(name, func(t *testing.T) {
			m := mail.NewMailer(srv.Settings("noreply@albatross.test"), open(t))
			ctx, cancel := context.WithCancel(context.Background())
			defer cancel()
			go m.Worker(slog.Default()).Run(ctx)
			to := name + "-pilot@example.com"
			added, err := m.Queue(ctx, "k-"+name, "", "test", mail.Message{
				FromName: "Albatross Virtual", To: to, Subject: "Your PIREP ALB1 was accepted",
				Text: "Accepted, well flown.\nSee you.", HTML: "<p>Accepted, <b>well flown</b>.</p>",
				Unsubscribe: "https://va.example.com/email/unsubscribe?t=abc",
			})
			if err != nil || !added {
				t.Fatalf("queue: %v %v", added, err)
			}
			got := srv.WaitFor(t, to, "Your PIREP ALB1 was accepted", 1)
			if got.From.Name != "Albatross Virtual" || got.From.Address != "noreply@albatross.test" {
				t.Errorf("from = %+v", got.From)
			}
			if !strings.Contains(got.Text, "Accepted, well flown.") || !strings.Contains(got.HTML, "<b>well flown</b>") {
				t.Errorf("parts: text %q html %q", got.Text, got.HTML)
			}
			if u := got.Headers["List-Unsubscribe"]; len(u) != 1 || u[0] != "<https://va.example.com/email/unsubscribe?t=abc>" {
				t.Errorf("List-Unsubscribe = %v", u)
			}
			if p := got.Headers["List-Unsubscribe-Post"]; len(p) != 1 || p[0] != "List-Unsubscribe=One-Click" {
				t.Errorf("List-Unsubscribe-Post = %v", p)
			}
			// The same key is queued once: a reaction run twice sends one email.
			if added, err := m.Queue(ctx, "k-"+name, "", "test", mail.Message{To: to, Subject: "Your PIREP ALB1 was accepted"}); err != nil || added {
				t.Fatalf("second queue: %v %v", added, err)
			}
			q, err := m.Store.ByKey(ctx, "k-"+name)
			if err != nil {
				t.Fatal(err)
			}
			deadline := time.Now().Add(10 * time.Second)
			for q.Status != mail.StatusSent && time.Now().Before(deadline) {
				time.Sleep(20 * time.Millisecond)
				q, _ = m.Store.ByKey(ctx, "k-"+name)
			}
			if q.Status != mail.StatusSent || len(q.Raw) != 0 {
				t.Errorf("outbox row: status %s, %d bytes kept", q.Status, len(q.Raw))
			}
			time.Sleep(300 * time.Millisecond)
			if n := srv.Count(t, to, "ALB1"); n != 1 {
				t.Errorf("%d emails arrived, want 1", n)
			}
			// A month on, the sent email's row goes; one queued later stays.
			if err := m.Store.Prune(ctx, q.SentAt); err != nil {
				t.Fatal(err)
			}
			if _, err := m.Store.ByKey(ctx, "k-"+name); err != nil {
				t.Fatalf("pruned before its time: %v", err)
			}
			if err := m.Store.Prune(ctx, q.SentAt.Add(time.Second)); err != nil {
				t.Fatal(err)
			}
			if _, err := m.Store.ByKey(ctx, "k-"+name); domain.ErrorCode(err) != domain.ENotFound {
				t.Fatalf("not pruned: %v", err)
			}
		})
	}
}

func TestFailedSendIsRetriedWithBackoffThenGivenUp(t *testing.T) {
	srv := mailpittest.Start(t, "--enable-chaos")
	for name, open := range stores(t) {
		t.Run(name, func(t *testing.T) {
			store := open(t)
			now := time.Date(2026, 12, 6, 10, 0, 0, 0, time.UTC)
			clock := func() time.Time { return now }
			m := mail.NewMailer(srv.Settings("noreply@albatross.test"), store)
			m.Now = clock
			w := m.Worker(slog.Default())
			w.MaxAttempts = 3
			ctx := context.Background()
			to := name + "-retry@example.com"
			if _, err := m.Queue(ctx, "r-"+name, "", "test", mail.Message{To: to, Subject: "Retry me", Text: "x", HTML: "<p>x</p>"}); err != nil {
				t.Fatal(err)
			}
			srv.FailSenders(t, 451)
			defer srv.FailSenders(t, 0)
			w.SendDue(ctx)
			q, _ := store.ByKey(ctx, "r-"+name)
			if q.Status != mail.StatusPending || q.Attempts != 1 || !q.NextAt.Equal(now.Add(30*time.Second)) || !strings.Contains(q.LastError, "451") {
				t.Fatalf("after one failure: %+v", q)
			}
			troubled, _ := store.Troubled(ctx, 10)
			if len(troubled) != 1 {
				t.Fatalf("troubled = %d, want the retrying email", len(troubled))
			}
			w.SendDue(ctx) // not due yet: nothing is attempted
			if q, _ = store.ByKey(ctx, "r-"+name); q.Attempts != 1 {
				t.Fatalf("attempted before its time: %+v", q)
			}
			now = now.Add(30 * time.Second)
			w.SendDue(ctx)
			if q, _ = store.ByKey(ctx, "r-"+name); q.Attempts != 2 || !q.NextAt.Equal(now.Add(time.Minute)) {
				t.Fatalf("second failure waits a minute: %+v", q)
			}
			now = now.Add(time.Minute)
			w.SendDue(ctx)
			if q, _ = store.ByKey(ctx, "r-"+name); q.Status != mail.StatusFailed || q.Attempts != 3 {
				t.Fatalf("third failure gives up: %+v", q)
			}
			srv.FailSenders(t, 0)
			now = now.Add(time.Hour)
			w.SendDue(ctx) // a failed email is not sent again
			if n := srv.Count(t, to, "Retry me"); n != 0 {
				t.Fatalf("%d sent after giving up", n)
			}
			// A temporary failure followed by a success sends once.
			if _, err := m.Queue(ctx, "r2-"+name, "", "test", mail.Message{To: to, Subject: "Second try", Text: "x", HTML: "<p>x</p>"}); err != nil {
				t.Fatal(err)
			}
			srv.FailSenders(t, 451)
			w.SendDue(ctx)
			srv.FailSenders(t, 0)
			now = now.Add(30 * time.Second)
			w.SendDue(ctx)
			srv.WaitFor(t, to, "Second try", 1)
			if q, _ = store.ByKey(ctx, "r2-"+name); q.Status != mail.StatusSent || q.Attempts != 1 {
				t.Fatalf("sent after a retry: %+v", q)
			}
		})
	}
}

func TestTokensAreSingleUseAndExpire(t *testing.T) {
	for name, open := range stores(t) {
		t.Run(name, func(t *testing.T) {
			s := open(t)
			ctx := context.Background()
			now := time.Now().UTC().Truncate(time.Millisecond)
			tok := mail.NewToken()
			if err := s.IssueToken(ctx, mail.Token{Hash: mail.HashToken(tok), Kind: mail.TokenPasswordReset, UserID: "u1",
				Email: "a@example.com", ExpiresAt: now.Add(time.Hour)}); err != nil {
				t.Fatal(err)
			}
			if _, err := s.PeekToken(ctx, mail.TokenPasswordReset, mail.HashToken(tok), now); err != nil {
				t.Fatalf("peek: %v", err)
			}
			if _, err := s.UseToken(ctx, mail.TokenPasswordReset, mail.HashToken(tok), now.Add(time.Hour+time.Second)); domain.ErrorCode(err) != domain.ENotFound {
				t.Fatalf("expired token used: %v", err)
			}
			got, err := s.UseToken(ctx, mail.TokenPasswordReset, mail.HashToken(tok), now)
			if err != nil || got.UserID != "u1" {
				t.Fatalf("use: %+v %v", got, err)
			}
			if _, err := s.UseToken(ctx, mail.TokenPasswordReset, mail.HashToken(tok), now); domain.ErrorCode(err) != domain.ENotFound {
				t.Fatalf("second use: %v", err)
			}
			if _, err := s.UseToken(ctx, mail.TokenPasswordReset, tok, now); domain.ErrorCode(err) != domain.ENotFound {
				t.Fatalf("the plain token is not what is stored: %v", err)
			}
			// Choices.
			if err := s.SetChoice(ctx, "u1", "pirep_reviewed", false); err != nil {
				t.Fatal(err)
			}
			out, _ := s.OptedOut(ctx, "u1")
			if !out["pirep_reviewed"] {
				t.Fatalf("opted out = %v", out)
			}
			_ = s.SetChoice(ctx, "u1", "pirep_reviewed", true)
			if out, _ = s.OptedOut(ctx, "u1"); len(out) != 0 {
				t.Fatalf("opted in again = %v", out)
			}
		})
	}
}
