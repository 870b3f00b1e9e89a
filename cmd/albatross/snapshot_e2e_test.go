package main

import (
	"bytes"
	"context"
	"os"
	"path/filepath"
	"strings"
	"testing"
	"time"

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
