package main

import (
	"context"
	"database/sql"
	"encoding/json"
	"fmt"
	"io"
	"net/http"
	"strings"
	"testing"
	"time"

	"github.com/albatross-va/albatross/domain"
	eventsv1 "github.com/albatross-va/albatross/domain/events/v1"
	"github.com/albatross-va/albatross/domain/imports/phpvmsdb"
	"github.com/albatross-va/albatross/store/pgtest"
	"github.com/albatross-va/albatross/store/phpvmsdb/phpvmstest"
	"github.com/albatross-va/albatross/store/reads"
	"github.com/albatross-va/albatross/wiring"
)

// withBackend opens the deployment's backend with its read models caught
// up, for the test to read what a page would show.
func withBackend(t *testing.T, env map[string]string, f func(b *backend)) {
	t.Helper()
	c, _, err := parseConfig("test", nil, func(k string) string { return env[k] }, io.Discard)
	if err != nil {
		t.Fatal(err)
	}
	ctx := context.Background()
	b, err := openBackend(ctx, c, newLogger(c, io.Discard))
	if err != nil {
		t.Fatal(err)
	}
	defer b.close()
	st, err := b.projector.Status(ctx)
	if err != nil || len(st) == 0 {
		t.Fatalf("projector status: %v", err)
	}
	wctx, cancel := context.WithTimeout(ctx, 2*time.Minute)
	defer cancel()
	if err := catchUpTo(wctx, b, st[0].Head); err != nil {
		t.Fatal(err)
	}
	f(b)
}

// A phpVMS airline comes over whole from its database: every pilot's
// flights, hours and location as phpVMS counts them, their logins (the
// bcrypt hash replaced at the first login) and API keys, PIREPs at their
// original times; orphans and deleted rows are reported, not imported;
// a second run appends nothing and a dry run writes nothing.
func TestAPhpvmsDatabaseIsImportedOnceWithLoginsAndKeysThatKeepWorking(t *testing.T) {
	t.Run("embedded", func(t *testing.T) {
		testPhpvmsImport(t, map[string]string{"ALBATROSS_DATA_DIR": t.TempDir()})
	})
	t.Run("postgres", func(t *testing.T) {
		testPhpvmsImport(t, map[string]string{"DATABASE_URL": pgtest.NewDatabase(t)})
	})
}

func testPhpvmsImport(t *testing.T, env map[string]string) {
	from, php := phpvmstest.NewDatabase(t)

	// A dry run reports the counts and appends nothing.
	out, errOut, err := runCLI(t, env, "import", "phpvms", "--from", from, "--airline", "VMS", "--dry-run")
	if err != nil {
		t.Fatalf("dry run: %v\n%s\n%s", err, out, errOut)
	}
	if !strings.Contains(out, "would append (dry run: nothing was written)") || !strings.Contains(out, "pireps ") {
		t.Errorf("the dry run's report: %s", out)
	}
	withBackend(t, env, func(b *backend) {
		if list, _ := b.reads.ListAirlines(context.Background()); len(list) != 0 {
			t.Errorf("the dry run created %d airlines", len(list))
		}
	})

	out, errOut, err = runCLI(t, env, "import", "phpvms", "--from", from, "--airline", "VMS")
	if err != nil {
		t.Fatalf("import: %v\n%s\n%s", err, out, errOut)
	}
	for _, want := range []string{
		"pireps               11 read,      8 imported,      0 unchanged,      3 skipped",
		"users                 5 read,      4 imported,      0 unchanged,      1 skipped",
		"pireps Or1Ph2An3Ai4Rc5F: orphan: its aircraft 3 is deleted or missing",
		"pireps Or2Ph3An4Pi5Lo6T: orphan: its pilot 4 is deleted or missing",
		"users 4: deleted in phpVMS",
		"flight_subfleet Gy8Lr3MnP0qS5tUc: orphan: subfleet 9",
		"user_awards 3: orphan: award 7 is deleted, inactive or missing",
	} {
		if !strings.Contains(out, want) {
			t.Errorf("the import's report lacks %q:\n%s", want, out)
		}
	}

	if strings.Contains(out, "phpVMS counts") {
		t.Errorf("the fixture's pilots' counters disagree with their PIREPs:\n%s", out)
	}

	im := phpvmsdb.Importer{Source: strings.TrimPrefix(from, "mysql://root@")}
	var tenant string
	withBackend(t, env, func(b *backend) {
		ctx := context.Background()
		q := reads.New(b.reads)
		list, _ := b.reads.ListAirlines(ctx)
		if len(list) != 1 || list[0].Icao != "VMS" {
			t.Fatalf("airlines after the import: %+v\n%s", list, out)
		}
		tenant = list[0].ID.String()
		if q, err := b.reads.ListQuarantinedEvents(ctx); err != nil || len(q) != 0 {
			t.Errorf("the import's events were quarantined: %d (%v)", len(q), err)
		}
		// Every imported pilot's totals are phpVMS's columns.
		rows, err := php.QueryContext(ctx, "SELECT id, email, pilot_id, flights, flight_time, curr_airport_id FROM users WHERE deleted_at IS NULL AND state = 1")
		if err != nil {
			t.Fatal(err)
		}
		defer rows.Close()
		n := 0
		for rows.Next() {
			var id, pilotID, flights, minutes int64
			var email string
			var curr sql.NullString
			if err := rows.Scan(&id, &email, &pilotID, &flights, &minutes, &curr); err != nil {
				t.Fatal(err)
			}
			n++
			u, err := q.GetUserByEmail(ctx, email)
			if err != nil {
				t.Errorf("user %d (%s) was not imported: %v", id, email, err)
				continue
			}
			if int64(u.PilotNumber) != pilotID || u.PilotID != domain.FormatPilotID("VMS", int32(pilotID)) {
				t.Errorf("%s: pilot %d %s, want phpVMS's number %d", email, u.PilotNumber, u.PilotID, pilotID)
			}
			career, err := q.PilotCareer(ctx, tenant, u.ID.String())
			if err != nil {
				t.Fatal(err)
			}
			if career.Flights != flights || career.Minutes != minutes {
				t.Errorf("%s: %d flights, %d minutes; phpVMS has %d flights, %d minutes", email, career.Flights, career.Minutes, flights, minutes)
			}
			if flights > 0 && career.Location != curr.String {
				t.Errorf("%s is at %q; phpVMS has them at %q", email, career.Location, curr.String)
			}
		}
		if n != 3 {
			t.Errorf("%d active phpVMS pilots compared, want 3", n)
		}
		// The PIREP filed on 3 May 2024 says so in the log, by the import.
		recs, err := b.events.ReadStream(ctx, domain.PirepStream(im.ID("pireps", "Pa7Bc2De9Fg4Hj6K")), 0)
		if err != nil || len(recs) < 2 {
			t.Fatalf("the accepted PIREP's stream: %d events, %v", len(recs), err)
		}
		if got := recs[0].Meta.RecordedAt.UTC(); !got.Equal(time.Date(2024, 5, 3, 17, 2, 0, 0, time.UTC)) || recs[0].Meta.Actor != phpvmsdb.Actor {
			t.Errorf("the PIREP was filed at %v by %q, want 2024-05-03 17:02 by the import", got, recs[0].Meta.Actor)
		}
		m, _ := b.registry.Decode(recs[1].Type, recs[1].Data)
		if _, ok := m.(*eventsv1.PirepAccepted); !ok {
			t.Errorf("the accepted PIREP's second event is %T", m)
		}
		// The rejected PIREP carries the staff comment as its reason.
		rj, _ := b.events.ReadStream(ctx, domain.PirepStream(im.ID("pireps", "Rj4Kk5Ll6Mm7Nn8P")), 0)
		found := false
		for _, r := range rj {
			if m, _ := b.registry.Decode(r.Type, r.Data); m != nil {
				if e, ok := m.(*eventsv1.PirepRejected); ok && strings.Contains(e.Reason, "-900 fpm") {
					found = true
				}
			}
		}
		if !found {
			t.Errorf("the rejected PIREP lacks phpVMS's reason")
		}
		// The flight keeps its days and custom field.
		fl, _ := b.events.ReadStream(ctx, domain.FlightStream(im.ID("flights", "Fx7Kq2LmN9pR4sTb")), 0)
		if len(fl) != 1 {
			t.Fatalf("the flight's stream has %d events", len(fl))
		}
		m, _ = b.registry.Decode(fl[0].Type, fl[0].Data)
		if f := m.(*eventsv1.FlightAdded); f.Days != 31 || f.DptTime != "08:00" || len(f.Fields) != 1 || f.Fields[0].Name != "Departure Gate" || f.Fields[0].Value != "4" || len(f.SubfleetIds) != 1 {
			t.Errorf("the flight came over as %v", f)
		}
		// The news item comes over as text, dated as in phpVMS.
		news, _ := b.events.ReadStream(ctx, domain.NewsStream(im.ID("news/"+tenant, 1)), 0)
		if len(news) != 1 {
			t.Fatalf("the news item's stream has %d events", len(news))
		}
		m, _ = b.registry.Decode(news[0].Type, news[0].Data)
		if n := m.(*eventsv1.NewsPosted); n.Body != "Our new routes to New York & Dallas are open.\n\nFly safe!" || !n.PostedAt.AsTime().Equal(time.Date(2024, 2, 15, 10, 0, 0, 0, time.UTC)) {
			t.Errorf("the news item came over as %q at %v", n.Body, n.PostedAt.AsTime())
		}
	})

	// A second run appends nothing.
	out, _, err = runCLI(t, env, "import", "phpvms", "--from", from, "--airline", "VMS")
	if err != nil || !strings.Contains(out, "\n0 commands appended") {
		t.Errorf("the second run: %v\n%s", err, out)
	}
	// What changed in phpVMS since comes over: the pending PIREP accepted
	// there counts in Albatross too.
	if _, err := php.Exec("UPDATE pireps SET state = 2, updated_at = '2025-03-04 08:00:00' WHERE id = 'Qm3Nn8Pp1Rr6Ss9T'"); err != nil {
		t.Fatal(err)
	}
	out, _, err = runCLI(t, env, "import", "phpvms", "--from", from, "--airline", "VMS")
	if err != nil || !strings.Contains(out, "\n1 commands appended") || !strings.Contains(out, "pireps               11 read,      1 imported,      7 unchanged") {
		t.Errorf("the run after a PIREP was accepted in phpVMS: %v\n%s", err, out)
	}
	// phpVMS's counters were left as they were: the difference is reported.
	if !strings.Contains(out, "users 2: phpVMS counts 2 flights and 392 minutes; the accepted PIREPs imported add up to 3 flights and 622 minutes") {
		t.Errorf("a pilot whose phpVMS counters disagree with their PIREPs is not reported:\n%s", out)
	}
	withBackend(t, env, func(b *backend) {
		q := reads.New(b.reads)
		u, _ := q.GetUserByEmail(context.Background(), "pilot@example.com")
		career, _ := q.PilotCareer(context.Background(), tenant, u.ID.String())
		if career.Flights != 3 || career.Minutes != 392+230 || career.Location != "KAUS" {
			t.Errorf("after phpVMS accepted a third PIREP the pilot has %d flights, %d minutes, at %s; want 3, 622, KAUS", career.Flights, career.Minutes, career.Location)
		}
		// The airline's next pilot number follows phpVMS's highest (7).
		pilotID, _, err := userCommands(b).Approve(context.Background(), domain.CommandMeta{ID: domain.NewUUID(), Who: domain.System, Actor: "cli"}, tenant, mustUser(t, q, "penny@example.com"))
		if err != nil || pilotID != "VMS0008" {
			t.Errorf("approving the pending registration gave %q (%v), want VMS0008", pilotID, err)
		}
	})

	// The pilot logs in with their phpVMS password, and their ACARS client
	// goes on with their phpVMS key.
	srv := startServer(t, env)
	srv.waitReady(t)
	br := newBrowser(t, srv)
	br.logIn(t, "pilot@example.com", "password", "/airlines")
	req, _ := http.NewRequest(http.MethodGet, srv.URL+"/api/user", nil)
	req.Header.Set("X-API-Key", "9b2e5a8c1f4d7a0e3b6c")
	resp, err := http.DefaultClient.Do(req)
	if err != nil {
		t.Fatal(err)
	}
	var body struct {
		Data map[string]any `json:"data"`
	}
	_ = json.NewDecoder(resp.Body).Decode(&body)
	resp.Body.Close()
	if resp.StatusCode != http.StatusOK || body.Data["ident"] != "VMS0002" || body.Data["flights"] != float64(3) || body.Data["flight_time"] != float64(622) || body.Data["transfer_time"] != float64(600) {
		t.Errorf("/api/user with the phpVMS key: %d %v", resp.StatusCode, body.Data)
	}
	if awards, _ := body.Data["awards"].([]any); len(awards) != 1 {
		t.Errorf("the pilot's awards on /api/user: %v, want phpVMS's First Flight", body.Data["awards"])
	}
	srv.stop(t)
	withBackend(t, env, func(b *backend) {
		u, err := reads.New(b.reads).GetUserByEmail(context.Background(), "pilot@example.com")
		if err != nil || !strings.HasPrefix(u.PasswordHash, "$argon2id$") {
			t.Errorf("after the first login the hash is %.12q (%v), want argon2id", u.PasswordHash, err)
		}
		other, _ := reads.New(b.reads).GetUserByEmail(context.Background(), "rita@example.com")
		if !strings.HasPrefix(other.PasswordHash, "$2y$") {
			t.Errorf("a pilot who has not logged in lost their phpVMS hash: %.12q", other.PasswordHash)
		}
	})
}

func mustUser(t *testing.T, q reads.Querier, email string) string {
	t.Helper()
	u, err := q.GetUserByEmail(context.Background(), email)
	if err != nil {
		t.Fatalf("%s: %v", email, err)
	}
	return u.ID.String()
}

// Into an airline that already has pilots: a phpVMS pilot whose number an
// Albatross pilot holds gets the next free number, said in the report, and
// no two people of the airline share a number.
func TestAPhpvmsPilotWhoseNumberIsTakenGetsTheNextFree(t *testing.T) {
	env := map[string]string{"ALBATROSS_DATA_DIR": t.TempDir()}
	from, _ := phpvmstest.NewDatabase(t)
	withBackend(t, env, func(b *backend) {
		ctx := context.Background()
		cmds := wiring.NewCommands(b.events, b.registry, b.reads)
		sys := domain.CommandMeta{Who: domain.System}
		airline, _, err := cmds.Airlines.Create(ctx, sys, domain.CreateAirline{Name: "Albatross VMS", ICAO: "VMS", Slug: "vms"})
		if err != nil {
			t.Fatal(err)
		}
		for i := range 3 {
			if _, _, _, err := cmds.Users.CreatePerson(ctx, sys, airline, domain.Person{Name: fmt.Sprintf("Early Pilot %d", i),
				Email: fmt.Sprintf("early%d@albatross.example", i), Country: "PT", Role: domain.RolePilot}); err != nil {
				t.Fatal(err)
			}
		}
	})
	out, errOut, err := runCLI(t, env, "import", "phpvms", "--from", from, "--airline", "VMS")
	if err != nil {
		t.Fatalf("import: %v\n%s\n%s", err, out, errOut)
	}
	if !strings.Contains(out, "is another pilot's in this airline: given the next free number") {
		t.Errorf("the report does not say a number was taken:\n%s", out)
	}
	withBackend(t, env, func(b *backend) {
		ctx := context.Background()
		list, _ := b.reads.ListAirlines(ctx)
		people, err := b.reads.ListUsersByTenant(ctx, list[0].ID.String())
		if err != nil {
			t.Fatal(err)
		}
		holder := map[int32]string{}
		for _, u := range people {
			if u.PilotNumber == 0 {
				continue
			}
			if other, ok := holder[u.PilotNumber]; ok {
				t.Errorf("pilot number %d is both %s's and %s's", u.PilotNumber, other, u.Email)
			}
			holder[u.PilotNumber] = u.Email
		}
		if len(holder) < 5 {
			t.Errorf("%d numbered pilots, want the 3 early ones and the imported ones", len(holder))
		}
	})
}
