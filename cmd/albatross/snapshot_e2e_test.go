package main

import (
	"bytes"
	"context"
	"io"
	"log/slog"
	"os"
	"path/filepath"
	"strings"
	"testing"
	"time"

	"github.com/albatross-va/albatross/domain"
	"github.com/albatross-va/albatross/domain/events"
	"github.com/albatross-va/albatross/store/memory"
	"github.com/albatross-va/albatross/store/projector"
	"github.com/albatross-va/albatross/store/readmodel"
	"github.com/albatross-va/albatross/store/sqlite"
)

// The embedded start from a snapshot ends where a replay of the whole log
// ends: a deployment seeded with airlines, people, fleet, imported flights,
// an ACARS flight with positions writes its snapshot at shutdown;
// the next start loads it (and says so) and takes more writes (another airline and its imported airports, fleet
// and flights); then the
// old snapshot plus the events after it, and the whole log from nothing,
// give the same read models, every table and index.
func TestEmbeddedStartFromSnapshotEqualsFullReplay(t *testing.T) {
	dir := t.TempDir()
	env := map[string]string{"ALBATROSS_DATA_DIR": dir, "ALBATROSS_WAIT_BOUND": slowMachineWait}
	srv := startServer(t, env)
	site := seedAirlines(t, srv)
	srv.stop(t)
	if !strings.Contains(srv.logs.String(), "read-model snapshot written") {
		t.Fatalf("no snapshot written at shutdown; logs:\n%s", srv.logs)
	}
	path := filepath.Join(dir, memory.SnapshotFile)
	first, err := os.ReadFile(path)
	if err != nil {
		t.Fatal(err)
	}

	srv = startServer(t, env)
	if !strings.Contains(srv.logs.String(), "read models loaded from the snapshot") {
		t.Fatalf("the second start did not load the snapshot; logs:\n%s", srv.logs)
	}
	_ = site
	admin := newBrowser(t, srv)
	admin.logIn(t, "admin", adminPassword, "/airlines")
	after := createAirline(t, admin, "After The Snapshot", "ATS", "after-snapshot")
	for _, kind := range []string{"airports", "subfleets", "aircraft", "flights"} {
		importSample(t, admin, after, kind)
	}
	srv.stop(t)

	ctx := context.Background()
	es, err := sqlite.Open(ctx, filepath.Join(dir, "events.db"), nil)
	if err != nil {
		t.Fatal(err)
	}
	defer es.Close()
	head, err := es.Head(ctx)
	if err != nil {
		t.Fatal(err)
	}
	fromSnapshot, s, err := memory.DecodeSnapshot(first, head)
	if err != nil {
		t.Fatal(err)
	}
	if !head.After(s.Position) {
		t.Fatalf("the log's head %s is not after the snapshot's %s: nothing to replay after it", head, s.Position)
	}
	atSnapshot := fromSnapshot.CanonicalState()
	catchUp := func(m *memory.ReadModels) {
		t.Helper()
		p := projector.New(es, m, events.NewRegistry(), nil, nil, projector.All()...)
		if err := p.CatchUp(ctx); err != nil {
			t.Fatal(err)
		}
	}
	catchUp(fromSnapshot)
	full := memory.New()
	catchUp(full)
	// An API key's last use is written beside the log, not from it: the
	// snapshot keeps it across the restart (as PostgreSQL does), the full
	// replay forgets it. Both get the same one here.
	for _, m := range []*memory.ReadModels{fromSnapshot, full} {
		touchEveryKey(t, m, time.Date(2100, 1, 1, 0, 0, 0, 0, time.UTC))
	}
	got, want := fromSnapshot.CanonicalState(), full.CanonicalState()
	if bytes.Equal(atSnapshot, want) {
		t.Fatal("the events after the snapshot changed nothing: the test proves nothing")
	}
	if !bytes.Equal(got, want) {
		t.Fatalf("the start from the snapshot differs from the full replay (%d bytes against %d) in %v", len(got), len(want),
			memory.StateDifferences(fromSnapshot, full))
	}
	for _, q := range []string{"petrel", "after-snapshot"} {
		a, err := fromSnapshot.GetAirlineBySlug(ctx, q)
		if err != nil || a.Slug != q {
			t.Errorf("airline %s after the start from the snapshot: %v %v", q, a, err)
		}
	}
}

// touchEveryKey sets every API key's last use to at.
func touchEveryKey(t *testing.T, m *memory.ReadModels, at time.Time) {
	t.Helper()
	ctx := context.Background()
	airlines, err := m.ListAirlines(ctx)
	if err != nil {
		t.Fatal(err)
	}
	tenants := []string{""}
	for _, a := range airlines {
		tenants = append(tenants, a.ID.String())
	}
	for _, tenant := range tenants {
		users, err := m.ListUsersByTenant(ctx, tenant)
		if err != nil {
			t.Fatal(err)
		}
		for _, u := range users {
			keys, err := m.ListAPIKeysByUser(ctx, readmodel.ListAPIKeysByUserParams{TenantID: u.TenantID, UserID: u.ID})
			if err != nil {
				t.Fatal(err)
			}
			for _, k := range keys {
				if err := m.TouchAPIKeyLastUsed(ctx, readmodel.TouchAPIKeyLastUsedParams{ID: k.ID, UsedAt: at}); err != nil {
					t.Fatal(err)
				}
			}
		}
	}
}

// copyFolder copies the files of a data folder (no subfolders).
func copyFolder(t *testing.T, from, to string) {
	t.Helper()
	entries, err := os.ReadDir(from)
	if err != nil {
		t.Fatal(err)
	}
	if err := os.MkdirAll(to, 0o750); err != nil {
		t.Fatal(err)
	}
	for _, e := range entries {
		b, err := os.ReadFile(filepath.Join(from, e.Name()))
		if err != nil {
			t.Fatal(err)
		}
		if err := os.WriteFile(filepath.Join(to, e.Name()), b, 0o600); err != nil {
			t.Fatal(err)
		}
	}
}

// airlinesShown are the airline names the platform admin's list shows.
func airlinesShown(t *testing.T, srv *testServer) string {
	t.Helper()
	admin := newBrowser(t, srv)
	admin.logIn(t, "admin", adminPassword, "/airlines")
	_, doc := admin.get("/airlines")
	return doc.Find("main").Text()
}

// A snapshot the start cannot trust (damaged, or written for a newer log
// than the one restored beside it) is ignored with a log line saying why,
// and the start replays the whole log: the pages show what the log holds.
func TestEmbeddedStartIgnoresAnUnusableSnapshot(t *testing.T) {
	dir := t.TempDir()
	env := map[string]string{"ALBATROSS_DATA_DIR": dir, "ALBATROSS_WAIT_BOUND": slowMachineWait}
	srv := startServer(t, env)
	createAirline(t, loginAsAdmin(t, srv), "Before The Backup", "BTB", "before-backup")
	srv.stop(t)
	backup := filepath.Join(t.TempDir(), "backup")
	copyFolder(t, dir, backup)

	srv = startServer(t, env)
	admin := newBrowser(t, srv)
	admin.logIn(t, "admin", adminPassword, "/airlines")
	createAirline(t, admin, "After The Backup", "ATB", "after-backup")
	srv.stop(t)
	newer, err := os.ReadFile(filepath.Join(dir, memory.SnapshotFile))
	if err != nil {
		t.Fatal(err)
	}

	t.Run("damaged", func(t *testing.T) {
		damaged := bytes.Clone(newer)
		damaged[len(damaged)/2] ^= 0xff
		if err := os.WriteFile(filepath.Join(dir, memory.SnapshotFile), damaged, 0o600); err != nil {
			t.Fatal(err)
		}
		srv := startServer(t, env)
		if logs := srv.logs.String(); !strings.Contains(logs, "read-model snapshot ignored") || !strings.Contains(logs, "checksum") {
			t.Fatalf("no log line says the damaged snapshot was ignored; logs:\n%s", logs)
		}
		if shown := airlinesShown(t, srv); !strings.Contains(shown, "Before The Backup") || !strings.Contains(shown, "After The Backup") {
			t.Errorf("after the full replay the airlines page shows %q", shown)
		}
	})
	t.Run("ahead of a restored log", func(t *testing.T) {
		restored := filepath.Join(t.TempDir(), "restored")
		copyFolder(t, backup, restored)
		if err := os.WriteFile(filepath.Join(restored, memory.SnapshotFile), newer, 0o600); err != nil {
			t.Fatal(err)
		}
		srv := startServer(t, map[string]string{"ALBATROSS_DATA_DIR": restored, "ALBATROSS_WAIT_BOUND": slowMachineWait})
		if logs := srv.logs.String(); !strings.Contains(logs, "read-model snapshot ignored") || !strings.Contains(logs, "past the log's head") {
			t.Fatalf("no log line says the snapshot is ahead of the log; logs:\n%s", logs)
		}
		shown := airlinesShown(t, srv)
		if !strings.Contains(shown, "Before The Backup") || strings.Contains(shown, "After The Backup") {
			t.Errorf("the restored log's airlines page shows %q, want the airline before the backup alone", shown)
		}
	})
}

// While it serves, the embedded mode writes its snapshot in the
// background once events arrived and the interval passed, without a
// shutdown.
func TestEmbeddedModeWritesSnapshotsWhileServing(t *testing.T) {
	dir := t.TempDir()
	srv := startServer(t, map[string]string{"ALBATROSS_DATA_DIR": dir, "ALBATROSS_WAIT_BOUND": slowMachineWait,
		"ALBATROSS_SNAPSHOT_INTERVAL": "1s"})
	createAirline(t, loginAsAdmin(t, srv), "Written While Serving", "WWS", "while-serving")
	// The first snapshot may be of the first admin alone; one after it
	// holds the airline.
	deadline := time.Now().Add(30 * time.Second)
	for {
		if b, err := os.ReadFile(filepath.Join(dir, memory.SnapshotFile)); err == nil {
			m, _, err := memory.DecodeSnapshot(b, domain.Position{Commit: 1 << 62, Seq: 1 << 62})
			if err != nil {
				t.Fatal(err)
			}
			if _, err := m.GetAirlineBySlug(context.Background(), "while-serving"); err == nil {
				return
			}
		}
		if time.Now().After(deadline) {
			t.Fatalf("no snapshot with the airline written within 30s while serving; logs:\n%s", srv.logs)
		}
		time.Sleep(100 * time.Millisecond)
	}
}

// The snapshot settings are checked at start, and 0 turns snapshots off.
func TestSnapshotSettings(t *testing.T) {
	for _, c := range []struct {
		env      map[string]string
		interval time.Duration
		events   int64
		err      string
	}{
		{env: nil, interval: 5 * time.Minute, events: 100000},
		{env: map[string]string{"ALBATROSS_SNAPSHOT_INTERVAL": "0"}, interval: 0, events: 100000},
		{env: map[string]string{"ALBATROSS_SNAPSHOT_INTERVAL": "30s", "ALBATROSS_SNAPSHOT_EVENTS": "500"}, interval: 30 * time.Second, events: 500},
		{env: map[string]string{"ALBATROSS_SNAPSHOT_INTERVAL": "soon"}, err: "ALBATROSS_SNAPSHOT_INTERVAL"},
		{env: map[string]string{"ALBATROSS_SNAPSHOT_EVENTS": "-1"}, err: "ALBATROSS_SNAPSHOT_EVENTS"},
	} {
		cfg, _, err := parseConfig("albatross", nil, func(k string) string { return c.env[k] }, io.Discard)
		if c.err != "" {
			if err == nil || !strings.Contains(err.Error(), c.err) {
				t.Errorf("%v: error %v, want one naming %s", c.env, err, c.err)
			}
			continue
		}
		if err != nil || cfg.SnapshotInterval != c.interval || cfg.SnapshotEvents != c.events {
			t.Errorf("%v: interval %s events %d err %v, want %s %d", c.env, cfg.SnapshotInterval, cfg.SnapshotEvents, err, c.interval, c.events)
		}
	}
}

// A restart tries quarantined events again, as it did before snapshots:
// a snapshot that holds some is not used, and the start replays the log.
func TestSnapshotWithQuarantinedEventsIsNotUsed(t *testing.T) {
	ctx := context.Background()
	dir := t.TempDir()
	es, err := sqlite.Open(ctx, filepath.Join(dir, "events.db"), nil)
	if err != nil {
		t.Fatal(err)
	}
	defer es.Close()
	m := memory.New()
	if err := m.QuarantineEvent(ctx, readmodel.QuarantineEventParams{Projection: "airlines", StreamID: "airline-1", Version: 1,
		EventType: "albatross.events.v1.AirlineCreated", Error: "cannot apply", QuarantinedAt: time.Now()}); err != nil {
		t.Fatal(err)
	}
	if _, err := m.WriteSnapshot(ctx, filepath.Join(dir, memory.SnapshotFile), nil); err != nil {
		t.Fatal(err)
	}
	var logs bytes.Buffer
	c := config{DataDir: dir, SnapshotInterval: time.Minute, SnapshotEvents: 10}
	got := loadSnapshot(ctx, c, es, slog.New(slog.NewTextHandler(&logs, nil)))
	if qs, err := got.ListQuarantinedEvents(ctx); err != nil || len(qs) != 0 {
		t.Errorf("the start kept %d quarantined events from the snapshot (%v), want a replay that tries them again", len(qs), err)
	}
	if !strings.Contains(logs.String(), "holds quarantined events") {
		t.Errorf("no log line says why the snapshot was not used: %s", logs.String())
	}
}
